package web

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/calendar"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/ticket"
)

type ticketTypesData struct {
	Lang  string
	Types []*ticket.Type
}

func (c *Console) ticketTypes(w http.ResponseWriter, r *http.Request) {
	types, _, err := c.loadTypes(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "ticket_types", c.page(r, "ticket_types.title", &ticketTypesData{Lang: Language(r), Types: types}))
}

// Blank rows the editor offers for new fields, statuses and transitions.
const (
	blankFields      = 3
	blankStatuses    = 2
	blankTransitions = 3
)

type ticketTypeForm struct {
	Lang        string
	Type        *ticket.Type
	New         bool
	Fields      []ticket.Field
	Statuses    []ticket.Status
	Transitions []ticket.Transition
	Kinds       []ticket.Kind
	Categories  []ticket.Category
	Perms       []auth.Permission
	Priorities  []string
	Widths      []string
	Calendars   []*calendar.Calendar // for the SLA calendar
	Error       string
}

// Options joins a field's options for the editor.
func (f *ticketTypeForm) Options(fd ticket.Field) string { return strings.Join(fd.Options, ", ") }

func (c *Console) typeForm(w http.ResponseWriter, r *http.Request, status int, t *ticket.Type, isNew bool, msg string) {
	d := &ticketTypeForm{Lang: Language(r), Type: t, New: isNew, Kinds: ticket.Kinds, Categories: ticket.Categories, Perms: ticket.TransitionPerms,
		Priorities: ticket.Priorities, Widths: ticket.Widths, Error: msg}
	d.Fields = append(slices.Clone(t.Fields), make([]ticket.Field, blankFields)...)
	d.Statuses = append(slices.Clone(t.Statuses), make([]ticket.Status, blankStatuses)...)
	d.Transitions = append(slices.Clone(t.Transitions), make([]ticket.Transition, blankTransitions)...)
	if c.Calendars != nil {
		var err error
		if d.Calendars, err = c.Calendars.List(r.Context()); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	title := "ticket_types.edit"
	if isNew {
		title = "ticket_types.new"
	}
	c.render(w, r, status, "ticket_type_form", c.page(r, title, d))
}

func (c *Console) newTicketType(w http.ResponseWriter, r *http.Request) {
	t := &ticket.Type{DefaultPriority: "normal", Statuses: []ticket.Status{
		{Code: "new", NameZH: "新建", NameEN: "New", Category: ticket.CatOpen, Initial: true},
		{Code: "closed", NameZH: "已关闭", NameEN: "Closed", Category: ticket.CatClosed},
	}, Transitions: []ticket.Transition{{From: "new", To: "closed", Perm: auth.PermTicketsWrite}}}
	c.typeForm(w, r, http.StatusOK, t, true, "")
}

func (c *Console) editTicketType(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	t, err := c.Tickets.Type(r.Context(), id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.typeForm(w, r, http.StatusOK, t, false, "")
}

// rows returns the i-th value of a repeated form field, or "".
func rows(r *http.Request, name string, i int) string {
	if v := r.PostForm[name]; i < len(v) {
		return strings.TrimSpace(v[i])
	}
	return ""
}

// typeFromForm reads the editor: one row per field, status and transition; rows with an
// empty code are dropped, and fields are ordered by their position number.
func typeFromForm(r *http.Request) *ticket.Type {
	t := &ticket.Type{Code: strings.TrimSpace(r.PostFormValue("code")), NameZH: r.PostFormValue("name_zh"), NameEN: r.PostFormValue("name_en"),
		Complaint: r.PostFormValue("complaint") == "on", DefaultPriority: r.PostFormValue("default_priority")}
	t.FirstResponseMinutes = atoiOr(r.PostFormValue("first_response_minutes"), -1)
	t.ResolutionMinutes = atoiOr(r.PostFormValue("resolution_minutes"), -1)
	t.CalendarID = int64(atoiOr(r.PostFormValue("calendar_id"), -1))
	type posField struct {
		pos int
		f   ticket.Field
	}
	var fields []posField
	for i := range r.PostForm["field_code"] {
		code := rows(r, "field_code", i)
		if code == "" {
			continue
		}
		var opts []string
		for _, o := range strings.FieldsFunc(rows(r, "field_options", i), func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == '\n' }) {
			opts = append(opts, strings.TrimSpace(o))
		}
		fields = append(fields, posField{atoiOr(rows(r, "field_pos", i), 1000+i), ticket.Field{Code: code, NameZH: rows(r, "field_name_zh", i), NameEN: rows(r, "field_name_en", i),
			Kind: ticket.Kind(rows(r, "field_kind", i)), Required: rows(r, "field_required", i) == "1", Options: opts,
			Width: rows(r, "field_width", i), Section: rows(r, "field_section", i)}})
	}
	sort.SliceStable(fields, func(a, b int) bool { return fields[a].pos < fields[b].pos })
	for _, pf := range fields {
		t.Fields = append(t.Fields, pf.f)
	}
	initial := r.PostFormValue("status_initial")
	for i := range r.PostForm["status_code"] {
		code := rows(r, "status_code", i)
		if code == "" {
			continue
		}
		t.Statuses = append(t.Statuses, ticket.Status{Code: code, NameZH: rows(r, "status_name_zh", i), NameEN: rows(r, "status_name_en", i),
			Category: ticket.Category(rows(r, "status_category", i)), Initial: initial == strconv.Itoa(i)})
	}
	for i := range r.PostForm["tr_from"] {
		from, to := rows(r, "tr_from", i), rows(r, "tr_to", i)
		if from == "" && to == "" {
			continue
		}
		t.Transitions = append(t.Transitions, ticket.Transition{From: from, To: to, Perm: auth.Permission(rows(r, "tr_perm", i))})
	}
	return t
}

func atoiOr(s string, bad int) int {
	if strings.TrimSpace(s) == "" {
		return 0
	}
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return bad
	}
	return n
}

func (c *Console) saveTicketType(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	t := typeFromForm(r)
	isNew := r.PathValue("id") == ""
	if !isNew {
		id, err := pathID(r)
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		if _, err := c.Tickets.Type(r.Context(), id); err != nil {
			c.Fail(w, r, err)
			return
		}
		t.ID = id
	}
	if err := c.Tickets.SaveType(r.Context(), auth.FromContext(r.Context()), t); err != nil {
		if code := errs.CodeOf(err); code != errs.Invalid {
			c.Fail(w, r, err)
			return
		}
		if isNew {
			t.ID = 0
		}
		c.typeForm(w, r, httpx.Status(errs.Invalid), t, isNew, message(c.Catalog.Locale(Language(r)), err))
		return
	}
	http.Redirect(w, r, "/settings/ticket-types/"+strconv.FormatInt(t.ID, 10)+"?ok=ticket_type_saved", http.StatusSeeOther)
}
