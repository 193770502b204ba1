package ticket

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Values are a ticket's custom field values by field code. Stored values are normalized:
// text, long text, date, choice and asset are strings; number is a float64; multi-choice
// is a []string; attachment is a []int64 of the ticket's attachment ids.
type Values map[string]any

// Text returns a value as people read it.
func (v Values) Text(code string) string { return display(v[code]) }

func display(x any) string {
	switch x := x.(type) {
	case nil:
		return ""
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case []string:
		return strings.Join(x, ", ")
	case []int64:
		var s []string
		for _, id := range x {
			s = append(s, "#"+strconv.FormatInt(id, 10))
		}
		return strings.Join(s, ", ")
	}
	return fmt.Sprint(x)
}

// Has reports whether a multi-choice or choice value includes option o (for forms).
func (v Values) Has(code, o string) bool {
	switch x := v[code].(type) {
	case string:
		return x == o
	case []string:
		return slices.Contains(x, o)
	}
	return false
}

func fieldErr(f Field, key, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return (&errs.Error{Code: errs.Invalid, Message: f.NameEN + ": " + msg, Fields: map[string]string{"fields." + f.Code: msg}}).
		WithKey(key, append([]any{f.NameZH, f.NameEN}, args...)...)
}

// Clean validates values against the type and returns them normalized. Inputs may be
// JSON-decoded (string, float64, json.Number, []any) or form strings. With partial, only
// the fields given are checked (an update); otherwise every required field must have a
// value. Attachment fields accept only ids in attachments (the ticket's own).
func (t *Type) Clean(in map[string]any, partial bool, attachments []int64) (Values, error) {
	out := Values{}
	for code := range in {
		if _, ok := t.Field(code); !ok {
			return nil, (&errs.Error{Code: errs.Invalid, Message: fmt.Sprintf("Unknown field %q.", code),
				Fields: map[string]string{"fields." + code: "unknown"}}).WithKey("ticket_field_unknown", code)
		}
	}
	for _, f := range t.Fields {
		raw, given := in[f.Code]
		if !given && partial {
			continue
		}
		v, err := cleanValue(f, raw, attachments)
		if err != nil {
			return nil, err
		}
		if v == nil {
			if f.Required {
				return nil, fieldErr(f, "ticket_field_required", "a value is required")
			}
			if given {
				out[f.Code] = nil // cleared
			}
			continue
		}
		out[f.Code] = v
	}
	return out, nil
}

// cleanValue returns the normalized value, or nil when empty.
func cleanValue(f Field, raw any, attachments []int64) (any, error) {
	if n, ok := raw.(json.Number); ok {
		raw = n.String()
	}
	switch f.Kind {
	case KindText, KindLongText, KindAsset, KindDate, KindChoice:
		s, ok := raw.(string)
		if raw == nil {
			return nil, nil
		}
		if !ok {
			if x, isNum := raw.(float64); isNum && f.Kind != KindChoice && f.Kind != KindDate {
				s = strconv.FormatFloat(x, 'f', -1, 64)
			} else {
				return nil, fieldErr(f, "ticket_field_type", "must be text")
			}
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, nil
		}
		limit := 500
		if f.Kind == KindLongText {
			limit = 10000
		}
		if utf8.RuneCountInString(s) > limit {
			return nil, fieldErr(f, "ticket_field_long", "must have at most %d characters", limit)
		}
		switch f.Kind {
		case KindDate:
			if _, err := time.Parse("2006-01-02", s); err != nil {
				return nil, fieldErr(f, "ticket_field_date", "must be a date such as 2026-11-23")
			}
		case KindChoice:
			if !slices.Contains(f.Options, s) {
				return nil, fieldErr(f, "ticket_field_option", "%q is not one of the options", s)
			}
		}
		return s, nil
	case KindNumber:
		switch x := raw.(type) {
		case nil:
			return nil, nil
		case float64:
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fieldErr(f, "ticket_field_number", "must be a number")
			}
			return x, nil
		case string:
			x = strings.TrimSpace(x)
			if x == "" {
				return nil, nil
			}
			n, err := strconv.ParseFloat(x, 64)
			if err != nil || math.IsNaN(n) || math.IsInf(n, 0) {
				return nil, fieldErr(f, "ticket_field_number", "must be a number")
			}
			return n, nil
		}
		return nil, fieldErr(f, "ticket_field_number", "must be a number")
	case KindMulti:
		var list []string
		switch x := raw.(type) {
		case nil:
		case string:
			if x != "" {
				list = []string{x}
			}
		case []string:
			list = x
		case []any:
			for _, e := range x {
				s, ok := e.(string)
				if !ok {
					return nil, fieldErr(f, "ticket_field_type", "must be a list of options")
				}
				list = append(list, s)
			}
		default:
			return nil, fieldErr(f, "ticket_field_type", "must be a list of options")
		}
		var out []string
		for _, s := range list {
			s = strings.TrimSpace(s)
			if s == "" || slices.Contains(out, s) {
				continue
			}
			if !slices.Contains(f.Options, s) {
				return nil, fieldErr(f, "ticket_field_option", "%q is not one of the options", s)
			}
			out = append(out, s)
		}
		if len(out) == 0 {
			return nil, nil
		}
		return out, nil
	case KindAttachment:
		var ids []int64
		switch x := raw.(type) {
		case nil:
		case []int64:
			ids = x
		case []any:
			for _, e := range x {
				var id int64
				switch e := e.(type) {
				case float64:
					id = int64(e)
				case json.Number:
					id, _ = e.Int64()
				case string:
					id, _ = strconv.ParseInt(e, 10, 64)
				}
				ids = append(ids, id)
			}
		default:
			return nil, fieldErr(f, "ticket_field_type", "must be a list of attachment ids")
		}
		for _, id := range ids {
			if !slices.Contains(attachments, id) {
				return nil, fieldErr(f, "ticket_field_attachment", "attachment %d is not an attachment of this ticket", id)
			}
		}
		if len(ids) == 0 {
			return nil, nil
		}
		return ids, nil
	}
	return nil, fieldErr(f, "ticket_field_type", "has an unknown kind")
}

// decodeValues reads stored values back into their normalized Go types.
func decodeValues(t *Type, data string) Values {
	raw := map[string]any{}
	if err := json.Unmarshal([]byte(data), &raw); err != nil {
		return Values{}
	}
	out := Values{}
	for code, v := range raw {
		f, ok := t.Field(code)
		if !ok {
			out[code] = v // a field since removed from the type: kept for the record
			continue
		}
		switch f.Kind {
		case KindMulti:
			var list []string
			if xs, ok := v.([]any); ok {
				for _, x := range xs {
					if s, ok := x.(string); ok {
						list = append(list, s)
					}
				}
			}
			out[code] = list
		case KindAttachment:
			var ids []int64
			if xs, ok := v.([]any); ok {
				for _, x := range xs {
					if n, ok := x.(float64); ok {
						ids = append(ids, int64(n))
					}
				}
			}
			out[code] = ids
		default:
			out[code] = v
		}
	}
	return out
}
