package ticket

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// Ticket is a work order.
type Ticket struct {
	ID             int64
	Number         string // per-day sequence read out on the phone: 2026112300017
	TypeID         int64
	TypeCode       string
	TypeName       Names
	CustomerID     int64
	CustomerName   string
	CustomerPhone  string // the customer's first number, for whoever does the job
	ContactID      int64
	Title          string
	Description    string
	Priority       string
	Channel        string
	Status         string
	StatusCategory Category
	Fields         Values
	CreatedBy      int64
	CreatedByName  string
	AssigneeID     int64
	AssigneeName   string
	GroupID        int64
	GroupName      Names
	DepartmentID   int64
	DepartmentName Names
	PartnerID      int64
	PartnerName    string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	FirstResponseAt,
	ResolvedAt,
	ClosedAt time.Time
	SLADueAt     time.Time // when the running SLA clock is due (kept by refreshSLA)
	SLAState     string    // "", ok, warning, breached, paused, met
	CycleSeconds int64     // complaints: first contact to closure, stored on close

	rawFields string
}

// Open reports whether the ticket still needs work.
func (t *Ticket) Open() bool { return t.StatusCategory.Active() }

// NewTicket is what intake gives to Create.
type NewTicket struct {
	TypeID      int64
	CustomerID  int64
	ContactID   int64
	Title       string
	Description string
	Priority    string // "" = the type's default
	Channel     string
	Fields      map[string]any
	Uploads     []Upload // files given with the form; Field names an attachment field, or ""
}

// Change is one entry of a ticket's history.
type Change struct {
	ID        int64
	At        time.Time
	ActorID   int64
	ActorName string
	Field     string // title, description, priority, status, assignee, group, department, partner, customer, created, attachment, or field.<code>
	Old, New  string
}

type change struct{ field, old, new string }

const ticketSelect = `SELECT t.id, t.number, t.type_id, ty.code, ty.name_zh, ty.name_en, t.customer_id, c.name,
	COALESCE((SELECT ph.display FROM customer_phones ph WHERE ph.customer_id = t.customer_id ORDER BY ph.id LIMIT 1), ''),
	COALESCE(t.contact_id, 0), t.title, t.description, t.priority, t.channel, t.status, t.status_category, t.fields,
	COALESCE(t.created_by, 0), COALESCE(cb.display_name, ''), COALESCE(t.assignee_id, 0), COALESCE(a.display_name, ''),
	COALESCE(t.group_id, 0), COALESCE(q.name_zh, ''), COALESCE(q.name_en, ''),
	COALESCE(t.department_id, 0), COALESCE(d.name_zh, ''), COALESCE(d.name_en, ''),
	COALESCE(t.partner_id, 0), COALESCE(p.name, ''),
	t.created_at, t.updated_at, t.first_response_at, t.resolved_at, t.closed_at, t.sla_due_at, t.sla_state, COALESCE(t.cycle_seconds, 0)
	FROM tickets t
	JOIN ticket_types ty ON ty.id = t.type_id
	JOIN customers c ON c.id = t.customer_id
	LEFT JOIN users cb ON cb.id = t.created_by
	LEFT JOIN users a ON a.id = t.assignee_id
	LEFT JOIN queues q ON q.id = t.group_id
	LEFT JOIN departments d ON d.id = t.department_id
	LEFT JOIN partners p ON p.id = t.partner_id`

func scanTicket(row interface{ Scan(...any) error }) (*Ticket, error) {
	t := &Ticket{}
	var first, resolved, closed, due sql.NullTime
	var cat string
	err := row.Scan(&t.ID, &t.Number, &t.TypeID, &t.TypeCode, &t.TypeName.ZH, &t.TypeName.EN, &t.CustomerID, &t.CustomerName, &t.CustomerPhone,
		&t.ContactID, &t.Title, &t.Description, &t.Priority, &t.Channel, &t.Status, &cat, &t.rawFields,
		&t.CreatedBy, &t.CreatedByName, &t.AssigneeID, &t.AssigneeName, &t.GroupID, &t.GroupName.ZH, &t.GroupName.EN,
		&t.DepartmentID, &t.DepartmentName.ZH, &t.DepartmentName.EN, &t.PartnerID, &t.PartnerName,
		&t.CreatedAt, &t.UpdatedAt, &first, &resolved, &closed, &due, &t.SLAState, &t.CycleSeconds)
	if err != nil {
		return nil, err
	}
	t.StatusCategory = Category(cat)
	t.FirstResponseAt, t.ResolvedAt, t.ClosedAt, t.SLADueAt = first.Time, resolved.Time, closed.Time, due.Time
	return t, nil
}

// loadTicket reads a ticket the scope may see, with its type; others are not found.
func loadTicket(ctx context.Context, q db.Queryer, sc scope, id int64) (*Ticket, *Type, error) {
	cond, args := "t.id = $1", []any{id}
	if !sc.all {
		cond, args = "t.id = $1 AND t.partner_id = $2", []any{id, sc.partnerID}
	}
	t, err := scanTicket(q.QueryRowContext(ctx, ticketSelect+" WHERE "+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, errNotFound
	}
	if err != nil {
		return nil, nil, fmt.Errorf("ticket: load %d: %w", id, err)
	}
	typ, err := findType(ctx, q, "id = $1", t.TypeID)
	if err != nil {
		return nil, nil, err
	}
	t.Fields = decodeValues(typ, t.rawFields)
	return t, typ, nil
}

// Get returns a ticket and its type, if p may see it.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id int64) (*Ticket, *Type, error) {
	sc, err := scopeOf(p)
	if err != nil {
		return nil, nil, err
	}
	return loadTicket(ctx, s.db.Read(), sc, id)
}

func validText(title, description string) error {
	if t := strings.TrimSpace(title); t == "" || utf8.RuneCountInString(t) > 200 {
		return errs.Field("title", "Title must have 1 to 200 characters.").WithKey("ticket_title")
	}
	if utf8.RuneCountInString(description) > 10000 {
		return errs.Field("description", "Description must have at most 10000 characters.").WithKey("ticket_description")
	}
	return nil
}

// Create opens a ticket for a customer. Uploaded files are written to disk first, then
// the ticket, its attachments, its first history entry and its events are recorded in
// one transaction.
func (s *Service) Create(ctx context.Context, p *auth.Principal, in NewTicket) (*Ticket, error) {
	if err := need(p, auth.PermTicketsWrite); err != nil {
		return nil, err
	}
	typ, err := s.Type(ctx, in.TypeID)
	if err != nil {
		if errs.Is(err, errs.NotFound) {
			return nil, errs.Field("type", "Choose a ticket type.").WithKey("ticket_type_required")
		}
		return nil, err
	}
	in.Title, in.Description = strings.TrimSpace(in.Title), strings.TrimSpace(in.Description)
	if err := validText(in.Title, in.Description); err != nil {
		return nil, err
	}
	if in.Priority == "" {
		in.Priority = typ.DefaultPriority
	}
	if !slices.Contains(Priorities, in.Priority) {
		return nil, errs.Field("priority", "Priority must be low, normal, high or urgent.").WithKey("ticket_priority")
	}
	if !slices.Contains(Channels, in.Channel) {
		return nil, errs.Field("channel", "Channel must be phone, chat, email, sms, web, walk_in or api.").WithKey("ticket_channel")
	}
	// Check the fields before any file is written; attachment fields are filled below.
	check := map[string]any{}
	for k, v := range in.Fields {
		check[k] = v
	}
	uploadsFor := map[string]int{}
	for _, u := range in.Uploads {
		if u.Field != "" {
			f, ok := typ.Field(u.Field)
			if !ok || f.Kind != KindAttachment {
				return nil, errs.Field("fields."+u.Field, "Not an attachment field.").WithKey("ticket_field_unknown", u.Field)
			}
		}
		uploadsFor[u.Field]++
	}
	for _, f := range typ.Fields {
		if f.Kind == KindAttachment {
			if _, given := check[f.Code]; given {
				return nil, fieldErr(f, "ticket_field_attachment", "attachment %d is not an attachment of this ticket", 0)
			}
			if uploadsFor[f.Code] > 0 {
				check[f.Code] = []int64{-1} // stands for the uploads, replaced by their ids
			}
		}
	}
	if _, err := typ.Clean(check, false, []int64{-1}); err != nil {
		return nil, err
	}
	if in.CustomerID <= 0 {
		return nil, errs.Field("customer_id", "Choose the customer.").WithKey("ticket_customer")
	}
	stored, err := s.storeUploads(in.Uploads)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	st := typ.Initial()
	t := &Ticket{TypeID: typ.ID, TypeCode: typ.Code, CustomerID: in.CustomerID, ContactID: in.ContactID, Title: in.Title, Description: in.Description,
		Priority: in.Priority, Channel: in.Channel, Status: st.Code, StatusCategory: st.Category, CreatedBy: p.User.ID, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM customers WHERE id = $1`, in.CustomerID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.Field("customer_id", "Unknown customer.").WithKey("ticket_customer")
		}
		day := now.In(s.loc).Format("20060102")
		var seq int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO ticket_numbers (day, last) VALUES ($1, 1)
			ON CONFLICT (day) DO UPDATE SET last = ticket_numbers.last + 1 RETURNING last`, day).Scan(&seq); err != nil {
			return fmt.Errorf("number: %w", err)
		}
		t.Number = day + fmt.Sprintf("%05d", seq)
		if err := tx.QueryRowContext(ctx, `INSERT INTO tickets (number, type_id, customer_id, contact_id, title, description, priority, channel,
			status, status_category, fields, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '{}', $11, $12, $12) RETURNING id`,
			t.Number, t.TypeID, t.CustomerID, nullID(t.ContactID), t.Title, t.Description, t.Priority, t.Channel, t.Status, string(t.StatusCategory),
			p.User.ID, now).Scan(&t.ID); err != nil {
			return err
		}
		fields := map[string]any{}
		for k, v := range in.Fields {
			fields[k] = v
		}
		var ids []int64
		for i, u := range stored {
			a, err := s.insertAttachment(ctx, tx, p, t, typ, u, now)
			if err != nil {
				return err
			}
			ids = append(ids, a.ID)
			if f := in.Uploads[i].Field; f != "" {
				prev, _ := fields[f].([]int64)
				fields[f] = append(prev, a.ID)
			}
		}
		vals, err := typ.Clean(fields, false, ids)
		if err != nil {
			return err
		}
		t.Fields = vals
		data, err := json.Marshal(vals)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET fields = $1 WHERE id = $2`, string(data), t.ID); err != nil {
			return err
		}
		if err := record(ctx, tx, t.ID, p.User.ID, now, []change{{"created", "", t.Number}}); err != nil {
			return err
		}
		if err := s.trackPause(ctx, tx, t.ID, CatOpen, t.StatusCategory, now); err != nil {
			return err
		}
		if err := s.refreshSLA(ctx, tx, t, typ, now); err != nil {
			return err
		}
		return s.emit(ctx, tx, p, "ticket.created", t, typ, map[string]any{"priority": t.Priority, "channel": t.Channel})
	})
	if err != nil {
		return nil, fmt.Errorf("ticket: create: %w", err)
	}
	s.events.Notify()
	created, _, err := s.Get(ctx, p, t.ID)
	if err != nil {
		return nil, err
	}
	return created, nil
}

// Update changes a ticket's title, description, priority or custom fields; nil pointers
// and absent fields are unchanged. Partners cannot change orders this way.
type Update struct {
	Title       *string
	Description *string
	Priority    *string
	Fields      map[string]any
}

// Update applies u and records each change with its old and new value.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, u Update) (*Ticket, error) {
	sc, err := scopeOf(p)
	if err != nil {
		return nil, err
	}
	if err := need(p, auth.PermTicketsWrite); err != nil {
		return nil, err
	}
	now := s.clock()
	var changed bool
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, typ, err := loadTicket(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		var ch []change
		title, desc, prio := t.Title, t.Description, t.Priority
		if u.Title != nil {
			title = strings.TrimSpace(*u.Title)
		}
		if u.Description != nil {
			desc = strings.TrimSpace(*u.Description)
		}
		if u.Priority != nil {
			prio = *u.Priority
		}
		if err := validText(title, desc); err != nil {
			return err
		}
		if !slices.Contains(Priorities, prio) {
			return errs.Field("priority", "Priority must be low, normal, high or urgent.").WithKey("ticket_priority")
		}
		for _, c := range []change{{"title", t.Title, title}, {"description", t.Description, desc}, {"priority", t.Priority, prio}} {
			if c.old != c.new {
				ch = append(ch, c)
			}
		}
		t.Title, t.Description, t.Priority = title, desc, prio
		atts, err := attachmentIDs(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		vals, err := typ.Clean(u.Fields, true, atts)
		if err != nil {
			return err
		}
		merged := Values{}
		for k, v := range t.Fields {
			merged[k] = v
		}
		for _, f := range typ.Fields {
			v, given := vals[f.Code]
			if !given {
				continue
			}
			old := display(t.Fields[f.Code])
			if v == nil {
				delete(merged, f.Code)
			} else {
				merged[f.Code] = v
			}
			if nv := display(v); nv != old {
				ch = append(ch, change{"field." + f.Code, old, nv})
			}
		}
		if len(ch) == 0 {
			return nil
		}
		changed = true
		data, err := json.Marshal(merged)
		if err != nil {
			return err
		}
		t.Fields = merged
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET title = $1, description = $2, priority = $3, fields = $4, updated_at = $5 WHERE id = $6`,
			t.Title, t.Description, t.Priority, string(data), now, t.ID); err != nil {
			return err
		}
		if err := record(ctx, tx, t.ID, p.User.ID, now, ch); err != nil {
			return err
		}
		var names []string
		for _, c := range ch {
			names = append(names, c.field)
		}
		return s.emit(ctx, tx, p, "ticket.updated", t, typ, map[string]any{"changed": names})
	})
	if err != nil {
		return nil, fmt.Errorf("ticket: update %d: %w", id, err)
	}
	if changed {
		s.events.Notify()
	}
	t, _, err := s.Get(ctx, p, id)
	return t, err
}

// Allowed reports whether p holds the permission a transition asks for. Staff who may
// write tickets may also record what a partner did (the station phoned it in).
func Allowed(p *auth.Principal, tr Transition) bool {
	if p.Can(tr.Perm) {
		return true
	}
	return tr.Perm == auth.PermPartnerOrders && p.Can(auth.PermTicketsWrite)
}

// Transitions returns the transitions p may take from the ticket's status now (for the
// status buttons; the added checks run when one is taken).
func Transitions(p *auth.Principal, t *Ticket, typ *Type) []Transition {
	var out []Transition
	for _, tr := range typ.From(t.Status) {
		if Allowed(p, tr) {
			out = append(out, tr)
		}
	}
	return out
}

// CheckTransition runs the built-in rule and every added check for moving t to status to.
func (s *Service) CheckTransition(ctx context.Context, tx *sql.Tx, p *auth.Principal, t *Ticket, typ *Type, to string) (Transition, error) {
	var tr Transition
	found := false
	for _, x := range typ.From(t.Status) {
		if x.To == to {
			tr, found = x, true
		}
	}
	if !found {
		return tr, errs.Field("status", fmt.Sprintf("A ticket in status %s cannot move to %s.", t.Status, to)).WithKey("ticket_transition", t.Status, to)
	}
	if !Allowed(p, tr) {
		return tr, errs.E(errs.Forbidden, "You may not move this ticket from %s to %s.", t.Status, to).WithKey("ticket_transition_forbidden", t.Status, to)
	}
	for _, c := range s.checks {
		if err := c(ctx, tx, p, t, typ, tr); err != nil {
			return tr, err
		}
	}
	return tr, nil
}

// ChangeStatus moves a ticket along one of its type's transitions, with an optional
// progress note (visible to the partner) in the same transaction.
func (s *Service) ChangeStatus(ctx context.Context, p *auth.Principal, id int64, to, note string) (*Ticket, error) {
	sc, err := scopeOf(p)
	if err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 10000 {
		return nil, errs.Field("body", "A note must have 1 to 10000 characters.").WithKey("ticket_note")
	}
	now := s.clock()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, typ, err := loadTicket(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		return s.changeStatus(ctx, tx, p, t, typ, to, note, now)
	})
	if err != nil {
		return nil, fmt.Errorf("ticket: status %d: %w", id, err)
	}
	s.events.Notify()
	t, _, err := s.Get(ctx, p, id)
	return t, err
}

// changeStatus moves t to status to inside tx: the transition checks, the SLA pauses,
// the complaint closure bookkeeping, history, events and an optional note.
func (s *Service) changeStatus(ctx context.Context, tx *sql.Tx, p *auth.Principal, t *Ticket, typ *Type, to, note string, now time.Time) error {
	if _, err := s.CheckTransition(ctx, tx, p, t, typ, to); err != nil {
		return err
	}
	st, _ := typ.Status(to)
	from, fromCat := t.Status, t.StatusCategory
	t.Status, t.StatusCategory, t.UpdatedAt = st.Code, st.Category, now
	switch st.Category {
	case CatResolved:
		t.ResolvedAt, t.ClosedAt = now, time.Time{}
	case CatClosed:
		if t.ResolvedAt.IsZero() {
			t.ResolvedAt = now
		}
		t.ClosedAt = now
	default:
		t.ResolvedAt, t.ClosedAt = time.Time{}, time.Time{}
	}
	if t.FirstResponseAt.IsZero() && p != nil && !IsPartner(p) {
		t.FirstResponseAt = now
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tickets SET status = $1, status_category = $2, updated_at = $3, resolved_at = $4, closed_at = $5, first_response_at = $6 WHERE id = $7`,
		t.Status, string(t.StatusCategory), now, nullTime(t.ResolvedAt), nullTime(t.ClosedAt), nullTime(t.FirstResponseAt), t.ID); err != nil {
		return err
	}
	if err := s.trackPause(ctx, tx, t.ID, fromCat, t.StatusCategory, now); err != nil {
		return err
	}
	if err := record(ctx, tx, t.ID, actorOf(p), now, []change{{"status", from, t.Status}}); err != nil {
		return err
	}
	if err := s.emit(ctx, tx, p, "ticket.status_changed", t, typ, map[string]any{"from": from, "to": t.Status, "category": string(t.StatusCategory)}); err != nil {
		return err
	}
	if typ.Complaint {
		if err := s.complaintMoved(ctx, tx, p, t, typ, fromCat, now); err != nil {
			return err
		}
	}
	if note != "" {
		if _, err := s.insertNote(ctx, tx, p, t, typ, note, false, now); err != nil {
			return err
		}
	}
	return s.refreshSLA(ctx, tx, t, typ, now)
}

func actorOf(p *auth.Principal) int64 {
	if p == nil || p.User == nil {
		return 0
	}
	return p.User.ID
}

// Dispatch names who works a ticket. Nil fields are unchanged; a pointer to 0 clears.
type Dispatch struct {
	AssigneeID   *int64
	GroupID      *int64
	DepartmentID *int64
	PartnerID    *int64
}

var dispatchKeys = map[string]string{"assignee": "ticket_dispatch_assignee", "group": "ticket_dispatch_group",
	"department": "ticket_dispatch_department", "partner": "ticket_dispatch_partner"}

// Dispatch assigns a ticket to an agent or a queue, or dispatches it to a department or
// an outside partner. It needs tickets.dispatch, except that whoever may write tickets
// may take one (assign it to themselves).
func (s *Service) Dispatch(ctx context.Context, p *auth.Principal, id int64, d Dispatch) (*Ticket, error) {
	if err := need(p, auth.PermTicketsWrite); err != nil {
		return nil, err
	}
	takeOnly := d.GroupID == nil && d.DepartmentID == nil && d.PartnerID == nil && d.AssigneeID != nil && *d.AssigneeID == p.User.ID
	if !takeOnly {
		if err := need(p, auth.PermTicketsDispatch); err != nil {
			return nil, err
		}
	}
	now := s.clock()
	var changed bool
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, typ, err := loadTicket(ctx, tx, scope{all: true}, id)
		if err != nil {
			return err
		}
		type target struct {
			field   string
			want    *int64
			cur     *int64
			curName string
			lookup  string
		}
		targets := []target{
			{"assignee", d.AssigneeID, &t.AssigneeID, t.AssigneeName, `SELECT display_name FROM users WHERE id = $1 AND role <> 'partner' AND NOT disabled`},
			{"group", d.GroupID, &t.GroupID, t.GroupName.ZH, `SELECT name_zh FROM queues WHERE id = $1`},
			{"department", d.DepartmentID, &t.DepartmentID, t.DepartmentName.ZH, `SELECT name_zh FROM departments WHERE id = $1`},
			{"partner", d.PartnerID, &t.PartnerID, t.PartnerName, `SELECT name FROM partners WHERE id = $1`},
		}
		if typ.Complaint && d.AssigneeID != nil && *d.AssigneeID != 0 && *d.AssigneeID != t.AssigneeID {
			if err := checkHandler(ctx, tx, *d.AssigneeID); err != nil {
				return err
			}
		}
		var ch []change
		names := map[string]string{}
		for _, tg := range targets {
			names[tg.field] = tg.curName
			if tg.want == nil || *tg.want == *tg.cur {
				continue
			}
			name := ""
			if *tg.want != 0 {
				err := tx.QueryRowContext(ctx, tg.lookup, *tg.want).Scan(&name)
				if errors.Is(err, sql.ErrNoRows) {
					return errs.Field(tg.field, fmt.Sprintf("Unknown %s.", tg.field)).WithKey(dispatchKeys[tg.field])
				}
				if err != nil {
					return err
				}
			}
			ch = append(ch, change{tg.field, tg.curName, name})
			names[tg.field] = name
			*tg.cur = *tg.want
		}
		if len(ch) == 0 {
			return nil
		}
		changed = true
		t.UpdatedAt = now
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET assignee_id = $1, group_id = $2, department_id = $3, partner_id = $4, updated_at = $5 WHERE id = $6`,
			nullID(t.AssigneeID), nullID(t.GroupID), nullID(t.DepartmentID), nullID(t.PartnerID), now, t.ID); err != nil {
			return err
		}
		if err := record(ctx, tx, t.ID, p.User.ID, now, ch); err != nil {
			return err
		}
		data := map[string]any{"assignee": names["assignee"], "group": names["group"], "department": names["department"], "partner": names["partner"],
			"assignee_id": t.AssigneeID, "group_id": t.GroupID, "department_id": t.DepartmentID, "partner_id": t.PartnerID}
		kinds := map[string]bool{}
		for _, c := range ch {
			if c.field == "department" || c.field == "partner" {
				kinds["ticket.dispatched"] = true
			} else {
				kinds["ticket.assigned"] = true
			}
		}
		for _, k := range []string{"ticket.assigned", "ticket.dispatched"} {
			if kinds[k] {
				if err := s.emit(ctx, tx, p, k, t, typ, data); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ticket: dispatch %d: %w", id, err)
	}
	if changed {
		s.events.Notify()
	}
	t, _, err := s.Get(ctx, p, id)
	return t, err
}

// Filter selects tickets, newest first.
type Filter struct {
	Mine       bool // assigned to the caller
	MyGroups   bool // in a queue the caller serves
	Status     string
	Open       bool // status category open or waiting
	TypeID     int64
	Priority   string
	PartnerID  int64
	CustomerID int64
	Query      string // a ticket number, or part of the title
	Sort       string // "" newest first; "due" by SLA due time, soonest first
	Limit      int    // default 50, at most 200
	Offset     int
}

// List returns the tickets p may see that match f, and how many match in all.
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) ([]*Ticket, int, error) {
	sc, err := scopeOf(p)
	if err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if !sc.all {
		conds = append(conds, "t.partner_id = "+arg(sc.partnerID))
	}
	if f.Mine {
		conds = append(conds, "t.assignee_id = "+arg(p.User.ID))
	}
	if f.MyGroups {
		conds = append(conds, "t.group_id IN (SELECT queue_id FROM queue_members WHERE user_id = "+arg(p.User.ID)+")")
	}
	if f.Status != "" {
		conds = append(conds, "t.status = "+arg(f.Status))
	}
	if f.Open {
		conds = append(conds, "t.status_category IN ('open', 'waiting')")
	}
	if f.TypeID != 0 {
		conds = append(conds, "t.type_id = "+arg(f.TypeID))
	}
	if f.Priority != "" {
		conds = append(conds, "t.priority = "+arg(f.Priority))
	}
	if f.PartnerID != 0 {
		conds = append(conds, "t.partner_id = "+arg(f.PartnerID))
	}
	if f.CustomerID != 0 {
		conds = append(conds, "t.customer_id = "+arg(f.CustomerID))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		conds = append(conds, "(t.number = "+arg(q)+" OR t.title LIKE "+arg("%"+q+"%")+")")
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := s.db.Read().QueryRowContext(ctx, "SELECT count(*) FROM tickets t"+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("ticket: count: %w", err)
	}
	order := " ORDER BY t.created_at DESC, t.id DESC"
	if f.Sort == "due" {
		order = " ORDER BY (t.sla_due_at IS NULL), t.sla_due_at, t.id"
	}
	rows, err := s.db.Read().QueryContext(ctx, ticketSelect+where+order+" LIMIT "+arg(f.Limit)+" OFFSET "+arg(f.Offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("ticket: list: %w", err)
	}
	defer rows.Close()
	var out []*Ticket
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	types, err := s.Types(ctx)
	if err != nil {
		return nil, 0, err
	}
	for _, t := range out {
		for _, typ := range types {
			if typ.ID == t.TypeID {
				t.Fields = decodeValues(typ, t.rawFields)
			}
		}
	}
	return out, total, nil
}

// Changes returns a ticket's history, oldest first. Partners do not see it: it names
// the center's people and internal routing.
func (s *Service) Changes(ctx context.Context, p *auth.Principal, id int64) ([]Change, error) {
	if err := need(p, auth.PermTicketsRead); err != nil {
		return nil, err
	}
	if _, _, err := s.Get(ctx, p, id); err != nil {
		return nil, err
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT c.id, c.at, COALESCE(c.actor_id, 0), COALESCE(u.display_name, ''), c.field, c.old_value, c.new_value
		FROM ticket_changes c LEFT JOIN users u ON u.id = c.actor_id WHERE c.ticket_id = $1 ORDER BY c.at, c.id`, id)
	if err != nil {
		return nil, fmt.Errorf("ticket: changes %d: %w", id, err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		if err := rows.Scan(&c.ID, &c.At, &c.ActorID, &c.ActorName, &c.Field, &c.Old, &c.New); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CustomerBrief returns a customer's name and first phone number as shown, for intake
// forms. It applies no caller scope; routes that call it check customers.read or
// tickets.write.
func (s *Service) CustomerBrief(ctx context.Context, id int64) (name, phone string, err error) {
	err = s.db.Read().QueryRowContext(ctx, `SELECT c.name, COALESCE((SELECT ph.number FROM customer_phones ph WHERE ph.customer_id = c.id ORDER BY ph.id LIMIT 1), '')
		FROM customers c WHERE c.id = $1`, id).Scan(&name, &phone)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", errs.E(errs.NotFound, "Customer not found.").WithKey("ticket_customer")
	}
	return name, phone, err
}

// Ref is a short reference to a ticket, for other packages (screen pop, timelines).
type Ref struct {
	ID             int64
	Number         string
	Title          string
	Type           string
	Status         string
	StatusCategory Category
	CreatedAt      time.Time
}

// OpenTicketsOf lists a customer's tickets that still need work (status category open
// or waiting), newest first. It applies no caller scope: callers check their own access.
func (s *Service) OpenTicketsOf(ctx context.Context, customerID int64) ([]Ref, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT t.id, t.number, t.title, ty.code, t.status, t.status_category, t.created_at
		FROM tickets t JOIN ticket_types ty ON ty.id = t.type_id
		WHERE t.customer_id = $1 AND t.status_category IN ('open', 'waiting') ORDER BY t.created_at DESC, t.id DESC`, customerID)
	if err != nil {
		return nil, fmt.Errorf("ticket: open tickets of %d: %w", customerID, err)
	}
	defer rows.Close()
	var out []Ref
	for rows.Next() {
		var r Ref
		var cat string
		if err := rows.Scan(&r.ID, &r.Number, &r.Title, &r.Type, &r.Status, &cat, &r.CreatedAt); err != nil {
			return nil, err
		}
		r.StatusCategory = Category(cat)
		out = append(out, r)
	}
	return out, rows.Err()
}

// MoveCustomer re-points every ticket of customer from to customer to inside tx, with a
// history entry on each: the hook a merge of duplicate customers calls.
func (s *Service) MoveCustomer(ctx context.Context, tx *sql.Tx, from, to int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT id FROM tickets WHERE customer_id = $1`, from)
	if err != nil {
		return fmt.Errorf("ticket: move customer %d: %w", from, err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	now := s.clock()
	for _, id := range ids {
		if err := record(ctx, tx, id, 0, now, []change{{"customer", strconv.FormatInt(from, 10), strconv.FormatInt(to, 10)}}); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tickets SET customer_id = $1, updated_at = $2 WHERE customer_id = $3`, to, now, from); err != nil {
		return fmt.Errorf("ticket: move customer %d to %d: %w", from, to, err)
	}
	return nil
}

func record(ctx context.Context, tx *sql.Tx, ticketID, actorID int64, at time.Time, ch []change) error {
	for _, c := range ch {
		if _, err := tx.ExecContext(ctx, `INSERT INTO ticket_changes (ticket_id, at, actor_id, field, old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6)`,
			ticketID, at, nullID(actorID), c.field, c.old, c.new); err != nil {
			return fmt.Errorf("ticket: record change: %w", err)
		}
	}
	return nil
}

// emit appends an event about t. Data always carries number, title, type and status.
func (s *Service) emit(ctx context.Context, tx *sql.Tx, p *auth.Principal, kind string, t *Ticket, typ *Type, extra map[string]any) error {
	data := map[string]any{"number": t.Number, "title": t.Title, "type": typ.Code, "type_name": typ.NameZH, "type_name_en": typ.NameEN,
		"status": t.Status, "status_name": typ.StatusName(t.Status, "zh-CN"), "status_name_en": typ.StatusName(t.Status, "en")}
	for k, v := range extra {
		data[k] = v
	}
	var actor int64
	if p != nil && p.User != nil {
		actor = p.User.ID
	}
	return s.events.Append(ctx, tx, &events.Event{Kind: kind, ActorID: actor, CustomerID: t.CustomerID, TicketID: t.ID, ContactID: t.ContactID, Data: data})
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
