// Package ticket owns work orders: ticket types that admins define without code (fields,
// form layout, statuses and the transitions between them), tickets with their field
// values, assignment and dispatch to agents, queues, departments and outside partners,
// the full change history, notes and attachments. Every change appends an event in its
// own transaction (internal/events), which drives customer timelines and webhooks.
//
// Who may see what is decided here, not only in the routes: every read and change takes
// the caller's principal, and partner users reach only the orders dispatched to them.
package ticket

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Kind is the kind of value a custom field holds.
type Kind string

const (
	KindText       Kind = "text"
	KindLongText   Kind = "long_text"
	KindNumber     Kind = "number"
	KindDate       Kind = "date" // YYYY-MM-DD
	KindChoice     Kind = "choice"
	KindMulti      Kind = "multi_choice"
	KindAsset      Kind = "asset"      // an asset of the ticket's customer, by id or serial number
	KindAttachment Kind = "attachment" // attachments of the ticket, by id
)

// Kinds lists every field kind in the order the editor offers them.
var Kinds = []Kind{KindText, KindLongText, KindNumber, KindDate, KindChoice, KindMulti, KindAsset, KindAttachment}

// Category groups statuses: SLA clocks run in open, pause in waiting (on the customer),
// and stop in resolved and closed.
type Category string

const (
	CatOpen     Category = "open"
	CatWaiting  Category = "waiting"
	CatResolved Category = "resolved"
	CatClosed   Category = "closed"
)

// Categories lists every status category.
var Categories = []Category{CatOpen, CatWaiting, CatResolved, CatClosed}

// Active reports whether a ticket in this category still needs work.
func (c Category) Active() bool { return c == CatOpen || c == CatWaiting }

// Priorities, lowest first.
var Priorities = []string{"low", "normal", "high", "urgent"}

// Channels a ticket can come in through.
var Channels = []string{"phone", "chat", "email", "sms", "web", "walk_in", "api"}

// TransitionPerms are the permissions a transition may require.
var TransitionPerms = []auth.Permission{auth.PermTicketsWrite, auth.PermTicketsDispatch, auth.PermPartnerOrders, auth.PermComplaintsHandle, auth.PermComplaintsClose}

// Widths of a field on the form.
var Widths = []string{"full", "half"}

// Field is one custom field of a ticket type. The order of a type's fields is the order
// of its form; Section groups fields under a heading and Width is full or half a row.
type Field struct {
	Code     string   `json:"code"`
	NameZH   string   `json:"name_zh"`
	NameEN   string   `json:"name_en"`
	Kind     Kind     `json:"kind"`
	Required bool     `json:"required"`
	Options  []string `json:"options,omitempty"`
	Width    string   `json:"width"`
	Section  string   `json:"section,omitempty"`
}

// Name returns the field's label in lang.
func (f Field) Name(lang string) string { return pick(lang, f.NameZH, f.NameEN) }

// Status is one state of a ticket type's workflow.
type Status struct {
	Code     string   `json:"code"`
	NameZH   string   `json:"name_zh"`
	NameEN   string   `json:"name_en"`
	Category Category `json:"category"`
	Initial  bool     `json:"initial,omitempty"`
}

// Name returns the status's label in lang.
func (s Status) Name(lang string) string { return pick(lang, s.NameZH, s.NameEN) }

// Transition lets a ticket move From one status To another, for callers with Perm.
type Transition struct {
	From string          `json:"from"`
	To   string          `json:"to"`
	Perm auth.Permission `json:"perm"`
}

// Type is a ticket type: a business template defined by admins.
type Type struct {
	ID                   int64
	Code                 string
	NameZH, NameEN       string
	Complaint            bool   // complaints get sub-tasks, replies and closure review
	DefaultPriority      string // one of Priorities
	FirstResponseMinutes int    // SLA targets; 0 = none
	ResolutionMinutes    int
	CalendarID           int64 // the business calendar SLA clocks count in; 0 = the default
	Fields               []Field
	Statuses             []Status
	Transitions          []Transition
	CreatedAt, UpdatedAt time.Time
}

// definition is the JSON stored in ticket_types.definition.
type definition struct {
	Fields      []Field      `json:"fields"`
	Statuses    []Status     `json:"statuses"`
	Transitions []Transition `json:"transitions"`
}

// Name returns the type's name in lang.
func (t *Type) Name(lang string) string { return pick(lang, t.NameZH, t.NameEN) }

// Status returns the status with code.
func (t *Type) Status(code string) (Status, bool) {
	for _, s := range t.Statuses {
		if s.Code == code {
			return s, true
		}
	}
	return Status{}, false
}

// StatusName returns the label of a status code in lang, or the code.
func (t *Type) StatusName(code, lang string) string {
	if s, ok := t.Status(code); ok {
		return s.Name(lang)
	}
	return code
}

// Field returns the field with code.
func (t *Type) Field(code string) (Field, bool) {
	for _, f := range t.Fields {
		if f.Code == code {
			return f, true
		}
	}
	return Field{}, false
}

// Initial returns the status new tickets start in.
func (t *Type) Initial() Status {
	for _, s := range t.Statuses {
		if s.Initial {
			return s
		}
	}
	return Status{}
}

// From returns the transitions that leave status from.
func (t *Type) From(from string) []Transition {
	var out []Transition
	for _, tr := range t.Transitions {
		if tr.From == from {
			out = append(out, tr)
		}
	}
	return out
}

// Section is a run of consecutive fields under one heading, for rendering the form.
type Section struct {
	Title  string
	Fields []Field
}

// Layout groups the fields, in order, into sections.
func (t *Type) Layout() []Section {
	var out []Section
	for _, f := range t.Fields {
		if len(out) == 0 || out[len(out)-1].Title != f.Section {
			out = append(out, Section{Title: f.Section})
		}
		out[len(out)-1].Fields = append(out[len(out)-1].Fields, f)
	}
	return out
}

var codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

func invalid(field, key, format string, args ...any) *errs.Error {
	return errs.Field(field, fmt.Sprintf(format, args...)).WithKey(key, args...)
}

func checkName(field, zh, en string) error {
	if strings.TrimSpace(zh) == "" || strings.TrimSpace(en) == "" || utf8.RuneCountInString(zh) > 100 || utf8.RuneCountInString(en) > 100 {
		return invalid(field, "ticket_name", "Names in Chinese and English must have 1 to 100 characters.")
	}
	return nil
}

// Validate checks a type as it would be stored: codes unique and well formed, choice
// fields with options, an initial status, at least one closed status, and transitions
// between existing statuses with a known permission.
func (t *Type) Validate() error {
	t.Code = strings.TrimSpace(t.Code)
	t.NameZH, t.NameEN = strings.TrimSpace(t.NameZH), strings.TrimSpace(t.NameEN)
	if !codePattern.MatchString(t.Code) {
		return invalid("code", "ticket_code", "Code %q must be a-z, 0-9 and _, starting with a letter, at most 40 characters.", t.Code)
	}
	if err := checkName("name", t.NameZH, t.NameEN); err != nil {
		return err
	}
	if t.DefaultPriority == "" {
		t.DefaultPriority = "normal"
	}
	if !slices.Contains(Priorities, t.DefaultPriority) {
		return invalid("default_priority", "ticket_priority", "Priority must be low, normal, high or urgent.")
	}
	if t.FirstResponseMinutes < 0 || t.ResolutionMinutes < 0 || t.FirstResponseMinutes > 525600 || t.ResolutionMinutes > 525600 {
		return invalid("sla", "ticket_sla", "SLA minutes must be 0 to 525600.")
	}
	seen := map[string]bool{}
	for i := range t.Fields {
		f := &t.Fields[i]
		f.Code, f.NameZH, f.NameEN, f.Section = strings.TrimSpace(f.Code), strings.TrimSpace(f.NameZH), strings.TrimSpace(f.NameEN), strings.TrimSpace(f.Section)
		if !codePattern.MatchString(f.Code) {
			return invalid("fields", "ticket_field_code", "Field code %q must be a-z, 0-9 and _, starting with a letter.", f.Code)
		}
		if seen[f.Code] {
			return invalid("fields", "ticket_field_dup", "Field code %q is used twice.", f.Code)
		}
		seen[f.Code] = true
		if err := checkName("fields", f.NameZH, f.NameEN); err != nil {
			return err
		}
		if !slices.Contains(Kinds, f.Kind) {
			return invalid("fields", "ticket_field_kind", "Field %q has an unknown kind %q.", f.Code, string(f.Kind))
		}
		var opts []string
		for _, o := range f.Options {
			if o = strings.TrimSpace(o); o != "" && !slices.Contains(opts, o) {
				opts = append(opts, o)
			}
		}
		f.Options = opts
		if (f.Kind == KindChoice || f.Kind == KindMulti) && len(f.Options) == 0 {
			return invalid("fields", "ticket_field_options", "Choice field %q needs at least one option.", f.Code)
		}
		if f.Kind != KindChoice && f.Kind != KindMulti {
			f.Options = nil
		}
		if f.Width == "" {
			f.Width = "full"
		}
		if !slices.Contains(Widths, f.Width) {
			return invalid("fields", "ticket_field_width", "Field %q: width must be full or half.", f.Code)
		}
	}
	if len(t.Statuses) == 0 {
		return invalid("statuses", "ticket_no_status", "A type needs statuses.")
	}
	statuses := map[string]bool{}
	initial, closed := 0, 0
	for i := range t.Statuses {
		s := &t.Statuses[i]
		s.Code, s.NameZH, s.NameEN = strings.TrimSpace(s.Code), strings.TrimSpace(s.NameZH), strings.TrimSpace(s.NameEN)
		if !codePattern.MatchString(s.Code) {
			return invalid("statuses", "ticket_status_code", "Status code %q must be a-z, 0-9 and _, starting with a letter.", s.Code)
		}
		if statuses[s.Code] {
			return invalid("statuses", "ticket_status_dup", "Status code %q is used twice.", s.Code)
		}
		statuses[s.Code] = true
		if err := checkName("statuses", s.NameZH, s.NameEN); err != nil {
			return err
		}
		if !slices.Contains(Categories, s.Category) {
			return invalid("statuses", "ticket_status_category", "Status %q has an unknown category %q.", s.Code, string(s.Category))
		}
		if s.Initial {
			initial++
			if !s.Category.Active() {
				return invalid("statuses", "ticket_initial_active", "The initial status %q must be open or waiting.", s.Code)
			}
		}
		if s.Category == CatClosed {
			closed++
		}
	}
	if initial != 1 {
		return invalid("statuses", "ticket_initial", "Exactly one status must be the initial one.")
	}
	if closed == 0 {
		return invalid("statuses", "ticket_closed", "At least one status must be in the closed category.")
	}
	pairs := map[[2]string]bool{}
	for i := range t.Transitions {
		tr := &t.Transitions[i]
		if !statuses[tr.From] || !statuses[tr.To] {
			return invalid("transitions", "ticket_transition_status", "Transition %s → %s names a status that does not exist.", tr.From, tr.To)
		}
		if tr.From == tr.To {
			return invalid("transitions", "ticket_transition_same", "Transition %s → %s goes nowhere.", tr.From, tr.To)
		}
		if tr.Perm == "" {
			tr.Perm = auth.PermTicketsWrite
		}
		if !slices.Contains(TransitionPerms, tr.Perm) {
			return invalid("transitions", "ticket_transition_perm", "Transition %s → %s needs an unknown permission %q.", tr.From, tr.To, string(tr.Perm))
		}
		if pairs[[2]string{tr.From, tr.To}] {
			return invalid("transitions", "ticket_transition_dup", "Transition %s → %s is listed twice.", tr.From, tr.To)
		}
		pairs[[2]string{tr.From, tr.To}] = true
	}
	return nil
}

func pick(lang, zh, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	if zh == "" {
		return en
	}
	return zh
}

// Names is a name in both console languages.
type Names struct{ ZH, EN string }

// In returns the name in lang.
func (n Names) In(lang string) string { return pick(lang, n.ZH, n.EN) }
