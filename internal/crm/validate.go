package crm

import (
	"errors"
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/errs"
)

// problems gathers every field error of one record, so a form or an import row can show
// all of them at once; the first one is the error's message.
type problems struct{ e *invalid }

// invalid is an Invalid *errs.Error (the first problem's message, every field's message
// in Fields) that also keeps each field's own error, for messages in other languages.
type invalid struct {
	e       *errs.Error
	byField map[string]*errs.Error
}

func (v *invalid) Error() string { return v.e.Error() }
func (v *invalid) Unwrap() error { return v.e }

func (p *problems) add(field string, e *errs.Error) {
	if p.e == nil {
		p.e = &invalid{e: &errs.Error{Code: errs.Invalid, Message: e.Message, Key: e.Key, Args: e.Args, Fields: map[string]string{}}, byField: map[string]*errs.Error{}}
	}
	if _, dup := p.e.byField[field]; !dup {
		p.e.e.Fields[field] = e.Message
		p.e.byField[field] = e
	}
}

func (p *problems) err() error {
	if p.e == nil {
		return nil
	}
	return p.e
}

// FieldErrors returns the error of each field of a validation error (nil for others).
func FieldErrors(err error) map[string]*errs.Error {
	var v *invalid
	if errors.As(err, &v) {
		return v.byField
	}
	return nil
}

func fieldErr(field, key, format string, args ...any) *errs.Error {
	return errs.Field(field, fmt.Sprintf(format, args...)).WithKey(key, args...)
}

// validate checks and normalizes a customer: trimmed text, normalized phones (deduped),
// lower-case emails, tags, addresses, assets and custom field values against defs.
func validate(c *Customer, defs []FieldDef) error {
	var p problems
	c.Name = strings.TrimSpace(c.Name)
	c.Company = strings.TrimSpace(c.Company)
	c.City = strings.TrimSpace(c.City)
	c.Note = strings.TrimSpace(c.Note)
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 100 {
		p.add("name", errs.Field("name", "Customer name must have 1 to 100 characters.").WithKey("customer_name"))
	}
	if utf8.RuneCountInString(c.Company) > 100 || utf8.RuneCountInString(c.City) > 50 || utf8.RuneCountInString(c.Note) > 2000 {
		p.add("company", fieldErr("company", "customer_text", "Company must have at most 100 characters, city 50, note 2000."))
	}
	if c.VIPLevel < 0 || c.VIPLevel > 3 {
		p.add("vip_level", errs.Field("vip_level", "VIP level must be 0 to 3.").WithKey("vip_level"))
	}
	var phones []Phone
	for _, ph := range c.Phones {
		if strings.TrimSpace(ph.Number) == "" {
			continue
		}
		n, err := NormalizePhone(ph.Number)
		if err != nil {
			e, _ := errs.As(err)
			p.add("phones", e)
			continue
		}
		if !slices.ContainsFunc(phones, func(x Phone) bool { return x.Number == n }) {
			phones = append(phones, Phone{Number: n, Label: strings.TrimSpace(ph.Label)})
		}
	}
	c.Phones = phones
	var emails []string
	for _, e := range c.Emails {
		e = strings.ToLower(strings.TrimSpace(e))
		if e == "" {
			continue
		}
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			p.add("emails", fieldErr("emails", "email_bad", "Not an email address: %s.", e))
			continue
		}
		if !slices.Contains(emails, e) {
			emails = append(emails, e)
		}
	}
	c.Emails = emails
	c.Tags = normalizeTags(c.Tags, &p)
	var addrs []Address
	for _, a := range c.Addresses {
		a = Address{Label: strings.TrimSpace(a.Label), Province: strings.TrimSpace(a.Province), City: strings.TrimSpace(a.City),
			District: strings.TrimSpace(a.District), Street: strings.TrimSpace(a.Street), PostalCode: strings.TrimSpace(a.PostalCode)}
		if a.Province == "" && a.City == "" && a.District == "" && a.Street == "" {
			if a.PostalCode != "" {
				p.add("addresses", fieldErr("addresses", "address_empty", "An address needs a province, city, district or street."))
			}
			continue
		}
		if a.PostalCode != "" && !allDigits(a.PostalCode, 6) {
			p.add("addresses", fieldErr("addresses", "postal_code", "Postal code must have 6 digits: %s.", a.PostalCode))
		}
		if utf8.RuneCountInString(a.Street) > 200 {
			p.add("addresses", fieldErr("addresses", "address_long", "A street address must have at most 200 characters."))
		}
		addrs = append(addrs, a)
	}
	c.Addresses = addrs
	var assets []Asset
	for _, a := range c.Assets {
		a.Kind, a.Number, a.Product = strings.TrimSpace(a.Kind), normalizeNumber(a.Number), strings.TrimSpace(a.Product)
		a.PurchasedOn, a.WarrantyEnd = strings.TrimSpace(a.PurchasedOn), strings.TrimSpace(a.WarrantyEnd)
		if a.Number == "" && a.Product == "" {
			continue
		}
		if a.Kind == "" {
			a.Kind = AssetDevice
		}
		if !slices.Contains(AssetKinds, a.Kind) {
			p.add("assets", fieldErr("assets", "asset_kind", "Product kind must be device, policy or card."))
		}
		if a.Number == "" || len(a.Number) > 64 {
			p.add("assets", fieldErr("assets", "asset_number", "A product needs a serial, policy or card number of at most 64 characters."))
		}
		for _, d := range []*string{&a.PurchasedOn, &a.WarrantyEnd} {
			if n, ok := normalizeDate(*d); ok {
				*d = n
			} else {
				p.add("assets", fieldErr("assets", "date", "Not a date (YYYY-MM-DD): %s.", *d))
			}
		}
		if a.PurchasedOn != "" && a.WarrantyEnd != "" && a.WarrantyEnd < a.PurchasedOn {
			p.add("assets", fieldErr("assets", "warranty_order", "The warranty cannot end before the purchase."))
		}
		if slices.ContainsFunc(assets, func(x Asset) bool { return x.Number == a.Number }) {
			continue
		}
		assets = append(assets, a)
	}
	c.Assets = assets
	c.Fields = validateFields(c.Fields, defs, &p)
	return p.err()
}

func normalizeTags(in []string, p *problems) []string {
	var out []string
	for _, t := range in {
		t = strings.TrimSpace(t)
		if t == "" {
			continue
		}
		if utf8.RuneCountInString(t) > 20 {
			p.add("tags", fieldErr("tags", "tag", "A tag must have at most 20 characters: %s.", t))
			continue
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	if len(out) > 20 {
		p.add("tags", fieldErr("tags", "tags_many", "A customer may have at most 20 tags."))
	}
	slices.Sort(out)
	return out
}

func allDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// normalizeNumber writes a serial, policy or card number the way it is stored: upper
// case, without spaces or dashes. "" when it cannot be one (it holds other characters).
func normalizeNumber(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r == ' ' || r == '-' || r == '\u00a0':
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '/' || r == '.' || r == '_'):
			b.WriteRune(unicode.ToUpper(r))
		default:
			return ""
		}
	}
	return b.String()
}

// normalizeDate accepts 2024-03-05, 2024/3/5 and 2024.3.5 and returns YYYY-MM-DD; ""
// stays "".
func normalizeDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	s = strings.NewReplacer("/", "-", ".", "-", "年", "-", "月", "-", "日", "").Replace(s)
	t, err := time.Parse("2006-1-2", s)
	if err != nil {
		return "", false
	}
	return t.Format("2006-01-02"), true
}

// Custom field kinds.
const (
	FieldText   = "text"
	FieldNumber = "number"
	FieldDate   = "date"
	FieldChoice = "choice"
)

// FieldKinds lists the kinds of custom field.
var FieldKinds = []string{FieldText, FieldNumber, FieldDate, FieldChoice}

// validateFields checks custom values against their definitions; empty values are
// dropped, unknown keys and bad values are errors.
func validateFields(in map[string]string, defs []FieldDef, p *problems) map[string]string {
	out := map[string]string{}
	for k, v := range in {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		i := slices.IndexFunc(defs, func(d FieldDef) bool { return d.Key == k })
		if i < 0 {
			p.add("fields."+k, fieldErr("fields."+k, "field_unknown", "Unknown custom field %s.", k))
			continue
		}
		d := defs[i]
		switch d.Kind {
		case FieldNumber:
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				p.add("fields."+k, fieldErr("fields."+k, "field_number", "%s must be a number.", d.Key))
				continue
			}
			v = strconv.FormatFloat(f, 'f', -1, 64)
		case FieldDate:
			n, ok := normalizeDate(v)
			if !ok {
				p.add("fields."+k, fieldErr("fields."+k, "date", "Not a date (YYYY-MM-DD): %s.", v))
				continue
			}
			v = n
		case FieldChoice:
			if !slices.Contains(d.Options, v) {
				p.add("fields."+k, fieldErr("fields."+k, "field_choice", "%s must be one of: %s.", d.Key, strings.Join(d.Options, ", ")))
				continue
			}
		default:
			if utf8.RuneCountInString(v) > 500 {
				p.add("fields."+k, fieldErr("fields."+k, "field_text", "%s must have at most 500 characters.", d.Key))
				continue
			}
		}
		out[k] = v
	}
	return out
}
