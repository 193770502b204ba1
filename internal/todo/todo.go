// Package todo owns reminders and to-dos: the commitments an agent makes on a call (call
// the customer back, send a document, test a unit). A to-do is due at a time and belongs
// to a user, or to a group (a queue, or a department) until someone in it claims it. Its
// creation, completion and every reschedule are events on the customer's timeline.
package todo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// Kind is what a to-do is about.
type Kind string

const (
	Callback     Kind = "callback"
	SendDocument Kind = "send_document"
	TestUnit     Kind = "test_unit"
	Other        Kind = "other"
)

// Kinds lists every kind.
var Kinds = []Kind{Callback, SendDocument, TestUnit, Other}

// Todo is one reminder. Zero ids and times mean "none".
type Todo struct {
	ID           int64
	Title        string
	Kind         Kind
	Note         string
	DueAt        time.Time
	AssigneeID   int64 // a user
	QueueID      int64 // a group: a queue, whose members may claim it
	DepartmentID int64 // a group: a department (plain id)
	CustomerID   int64
	TicketID     int64
	CreatedBy    int64 // 0 for the system (voicemail, jobs)
	CreatedAt    time.Time
	UpdatedAt    time.Time
	DoneAt       time.Time
	DoneBy       int64
	CancelledAt  time.Time
	CancelledBy  int64

	// Read-only names for lists.
	AssigneeName string
	CustomerName string
}

// Open reports whether the to-do is neither done nor cancelled.
func (t *Todo) Open() bool { return t.DoneAt.IsZero() && t.CancelledAt.IsZero() }

// Overdue reports whether an open to-do's time has passed at now.
func (t *Todo) Overdue(now time.Time) bool { return t.Open() && t.DueAt.Before(now) }

// Actor is who acts on to-dos. All lets supervisors and admins act on anyone's.
type Actor struct {
	UserID int64
	All    bool
}

// System is the actor of automatic to-dos (voicemail, reminder jobs).
var System = Actor{All: true}

// Store reads and writes to-dos.
type Store struct {
	db     *db.DB
	events *events.Log
	now    func() time.Time
}

// NewStore returns a Store over d that writes events to log.
func NewStore(d *db.DB, log *events.Log) *Store { return &Store{db: d, events: log, now: time.Now} }

func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Input is a new to-do. Without an assignee, queue or department it goes to its creator.
type Input struct {
	Title        string
	Kind         Kind
	Note         string
	DueAt        time.Time
	AssigneeID   int64
	QueueID      int64
	DepartmentID int64
	CustomerID   int64
	TicketID     int64
}

func validate(in *Input) error {
	in.Title, in.Note = strings.TrimSpace(in.Title), strings.TrimSpace(in.Note)
	switch {
	case in.Title == "" || utf8.RuneCountInString(in.Title) > 200:
		return errs.Field("title", "The title must have 1 to 200 characters.").WithKey("todo_title")
	case !slices.Contains(Kinds, in.Kind):
		return errs.Field("kind", "Choose what the to-do is: call back, send a document, test a unit or other.").WithKey("todo_kind")
	case utf8.RuneCountInString(in.Note) > 4000:
		return errs.Field("note", "The note has at most 4000 characters.").WithKey("todo_note")
	case in.DueAt.IsZero():
		return errs.Field("due_at", "Give a due time.").WithKey("todo_due")
	case in.AssigneeID < 0 || in.QueueID < 0 || in.DepartmentID < 0 || in.CustomerID < 0 || in.TicketID < 0:
		return errs.Field("assignee_id", "Ids must be positive.").WithKey("todo_ids")
	case btoi(in.AssigneeID > 0)+btoi(in.QueueID > 0)+btoi(in.DepartmentID > 0) > 1:
		return errs.Field("assignee_id", "Assign to one user, one queue or one department.").WithKey("todo_one_assignee")
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Create adds a to-do made by actor (the System actor for automatic ones: voicemail
// calls Create with a QueueID to leave a call-back for a group).
func (s *Store) Create(ctx context.Context, actor Actor, in Input) (*Todo, error) {
	if err := validate(&in); err != nil {
		return nil, err
	}
	if in.AssigneeID == 0 && in.QueueID == 0 && in.DepartmentID == 0 {
		if actor.UserID == 0 {
			return nil, errs.Field("assignee_id", "Assign the to-do to a user or a group.").WithKey("todo_no_assignee")
		}
		in.AssigneeID = actor.UserID
	}
	now := s.clock()
	t := &Todo{Title: in.Title, Kind: in.Kind, Note: in.Note, DueAt: in.DueAt.UTC().Truncate(time.Microsecond),
		AssigneeID: in.AssigneeID, QueueID: in.QueueID, DepartmentID: in.DepartmentID, CustomerID: in.CustomerID,
		TicketID: in.TicketID, CreatedBy: actor.UserID, CreatedAt: now, UpdatedAt: now}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkRefs(ctx, tx, t.AssigneeID, t.QueueID, t.CustomerID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO todos (title, kind, note, due_at, assignee_id, queue_id, department_id, customer_id, ticket_id, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
			t.Title, string(t.Kind), t.Note, t.DueAt, null(t.AssigneeID), null(t.QueueID), null(t.DepartmentID), null(t.CustomerID),
			null(t.TicketID), null(t.CreatedBy), now).Scan(&t.ID); err != nil {
			return fmt.Errorf("todo: create: %w", err)
		}
		return s.event(ctx, tx, "todo.created", actor, t, map[string]any{"title": t.Title, "kind": string(t.Kind), "due_at": t.DueAt,
			"assignee_id": t.AssigneeID, "queue_id": t.QueueID, "department_id": t.DepartmentID})
	})
	if err != nil {
		return nil, err
	}
	s.events.Notify()
	return t, nil
}

// checkRefs refuses references to users, queues and customers that do not exist, with a
// clear field error instead of a foreign-key failure.
func checkRefs(ctx context.Context, tx *sql.Tx, userID, queueID, customerID int64) error {
	for _, c := range []struct {
		id           int64
		query, field string
		key          string
	}{
		{userID, "SELECT count(*) FROM users WHERE id = $1 AND NOT disabled AND role <> 'partner'", "assignee_id", "todo_no_user"},
		{queueID, "SELECT count(*) FROM queues WHERE id = $1", "queue_id", "todo_no_queue"},
		{customerID, "SELECT count(*) FROM customers WHERE id = $1", "customer_id", "todo_no_customer"},
	} {
		if c.id == 0 {
			continue
		}
		var n int
		if err := tx.QueryRowContext(ctx, c.query, c.id).Scan(&n); err != nil {
			return fmt.Errorf("todo: check %s: %w", c.field, err)
		}
		if n == 0 {
			return errs.Field(c.field, fmt.Sprintf("There is no %s %d.", strings.TrimSuffix(c.field, "_id"), c.id)).WithKey(c.key, c.id)
		}
	}
	return nil
}

func (s *Store) event(ctx context.Context, tx *sql.Tx, kind string, actor Actor, t *Todo, data map[string]any) error {
	data["todo_id"] = t.ID
	return s.events.Append(ctx, tx, &events.Event{Kind: kind, ActorID: actor.UserID, CustomerID: t.CustomerID, TicketID: t.TicketID, Data: data})
}

func null(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const columns = `t.id, t.title, t.kind, t.note, t.due_at, t.assignee_id, t.queue_id, t.department_id, t.customer_id, t.ticket_id,
	t.created_by, t.created_at, t.updated_at, t.done_at, t.done_by, t.cancelled_at, t.cancelled_by,
	COALESCE(u.display_name, ''), COALESCE(c.name, '')`

const from = ` FROM todos t LEFT JOIN users u ON u.id = t.assignee_id LEFT JOIN customers c ON c.id = t.customer_id `

func (s *Store) query(ctx context.Context, q db.Queryer, where string, args ...any) ([]*Todo, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+columns+from+where, args...)
	if err != nil {
		return nil, fmt.Errorf("todo: list: %w", err)
	}
	defer rows.Close()
	var out []*Todo
	for rows.Next() {
		t := &Todo{}
		var assignee, queue, dept, customer, ticket, createdBy, doneBy, cancelledBy sql.NullInt64
		var done, cancelled sql.NullTime
		var kind string
		if err := rows.Scan(&t.ID, &t.Title, &kind, &t.Note, &t.DueAt, &assignee, &queue, &dept, &customer, &ticket,
			&createdBy, &t.CreatedAt, &t.UpdatedAt, &done, &doneBy, &cancelled, &cancelledBy, &t.AssigneeName, &t.CustomerName); err != nil {
			return nil, fmt.Errorf("todo: scan: %w", err)
		}
		t.Kind = Kind(kind)
		t.AssigneeID, t.QueueID, t.DepartmentID, t.CustomerID, t.TicketID = assignee.Int64, queue.Int64, dept.Int64, customer.Int64, ticket.Int64
		t.CreatedBy, t.DoneBy, t.CancelledBy = createdBy.Int64, doneBy.Int64, cancelledBy.Int64
		t.DoneAt, t.CancelledAt = done.Time, cancelled.Time
		out = append(out, t)
	}
	return out, rows.Err()
}

// Get returns one to-do.
func (s *Store) Get(ctx context.Context, id int64) (*Todo, error) { return s.get(ctx, s.db.Read(), id) }

func (s *Store) get(ctx context.Context, q db.Queryer, id int64) (*Todo, error) {
	list, err := s.query(ctx, q, "WHERE t.id = $1", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, notFound()
	}
	return list[0], nil
}

func notFound() error { return errs.E(errs.NotFound, "To-do not found.").WithKey("todo_not_found") }

// inGroup reports whether user serves queue.
func inGroup(ctx context.Context, q db.Queryer, userID, queueID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT count(*) FROM queue_members WHERE user_id = $1 AND queue_id = $2`, userID, queueID).Scan(&n)
	return n > 0, err
}

// mayAct reports whether actor may complete, reschedule or reassign t: its assignee, its
// creator, a member of its unclaimed group, or an actor with All.
func mayAct(ctx context.Context, q db.Queryer, actor Actor, t *Todo) error {
	if actor.All || (actor.UserID != 0 && (t.AssigneeID == actor.UserID || t.CreatedBy == actor.UserID)) {
		return nil
	}
	if t.AssigneeID == 0 && t.QueueID != 0 {
		ok, err := inGroup(ctx, q, actor.UserID, t.QueueID)
		if err != nil || ok {
			return err
		}
	}
	return errs.E(errs.Forbidden, "This to-do is someone else's.").WithKey("todo_not_yours")
}

// change loads a to-do inside a transaction, checks that actor may change it (allow;
// mayAct when nil) and that it is open, and applies fn.
func (s *Store) change(ctx context.Context, actor Actor, id int64, allow, fn func(tx *sql.Tx, t *Todo) error) (*Todo, error) {
	var out *Todo
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !t.Open() {
			return errs.E(errs.Conflict, "This to-do is already closed.").WithKey("todo_closed")
		}
		if allow == nil {
			err = mayAct(ctx, tx, actor, t)
		} else {
			err = allow(tx, t)
		}
		if err != nil {
			return err
		}
		if err := fn(tx, t); err != nil {
			return err
		}
		out, err = s.get(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.events.Notify()
	return out, nil
}

// Complete marks a to-do done.
func (s *Store) Complete(ctx context.Context, actor Actor, id int64) (*Todo, error) {
	return s.change(ctx, actor, id, nil, func(tx *sql.Tx, t *Todo) error {
		now := s.clock()
		if _, err := tx.ExecContext(ctx, `UPDATE todos SET done_at = $1, done_by = $2, updated_at = $1 WHERE id = $3`, now, null(actor.UserID), t.ID); err != nil {
			return fmt.Errorf("todo: complete %d: %w", t.ID, err)
		}
		return s.event(ctx, tx, "todo.done", actor, t, map[string]any{"title": t.Title, "kind": string(t.Kind), "due_at": t.DueAt, "late": now.After(t.DueAt)})
	})
}

// Cancel withdraws a to-do that is no longer needed.
func (s *Store) Cancel(ctx context.Context, actor Actor, id int64) (*Todo, error) {
	return s.change(ctx, actor, id, nil, func(tx *sql.Tx, t *Todo) error {
		now := s.clock()
		if _, err := tx.ExecContext(ctx, `UPDATE todos SET cancelled_at = $1, cancelled_by = $2, updated_at = $1 WHERE id = $3`, now, null(actor.UserID), t.ID); err != nil {
			return fmt.Errorf("todo: cancel %d: %w", t.ID, err)
		}
		return s.event(ctx, tx, "todo.cancelled", actor, t, map[string]any{"title": t.Title})
	})
}

// Reschedule moves a to-do's due time, recording the old and new times and the reason.
func (s *Store) Reschedule(ctx context.Context, actor Actor, id int64, due time.Time, reason string) (*Todo, error) {
	return s.Update(ctx, actor, id, Change{DueAt: &due, Reason: reason})
}

// Assign gives a to-do to one user, or to one queue or department (exactly one non-zero).
func (s *Store) Assign(ctx context.Context, actor Actor, id, userID, queueID, departmentID int64) (*Todo, error) {
	return s.Update(ctx, actor, id, Change{Assign: &Assignee{userID, queueID, departmentID}})
}

// Assignee is who a to-do goes to: exactly one of a user, a queue or a department.
type Assignee struct{ UserID, QueueID, DepartmentID int64 }

// Change reschedules and/or reassigns a to-do; nil parts stay as they are.
type Change struct {
	DueAt  *time.Time
	Reason string // why it was rescheduled
	Assign *Assignee
}

// Update applies a change in one transaction: all of it, or (when refused) none.
func (s *Store) Update(ctx context.Context, actor Actor, id int64, c Change) (*Todo, error) {
	c.Reason = strings.TrimSpace(c.Reason)
	if c.DueAt == nil && c.Assign == nil {
		return nil, errs.Field("due_at", "Give a new due time or a new assignee.").WithKey("todo_due")
	}
	if c.DueAt != nil && c.DueAt.IsZero() {
		return nil, errs.Field("due_at", "Give a due time.").WithKey("todo_due")
	}
	if utf8.RuneCountInString(c.Reason) > 500 {
		return nil, errs.Field("reason", "The reason has at most 500 characters.").WithKey("todo_reason")
	}
	if a := c.Assign; a != nil && (a.UserID < 0 || a.QueueID < 0 || a.DepartmentID < 0 || btoi(a.UserID > 0)+btoi(a.QueueID > 0)+btoi(a.DepartmentID > 0) != 1) {
		return nil, errs.Field("assignee_id", "Assign to one user, one queue or one department.").WithKey("todo_one_assignee")
	}
	return s.change(ctx, actor, id, nil, func(tx *sql.Tx, t *Todo) error {
		now := s.clock()
		if a := c.Assign; a != nil {
			if err := checkRefs(ctx, tx, a.UserID, a.QueueID, 0); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE todos SET assignee_id = $1, queue_id = $2, department_id = $3, updated_at = $4 WHERE id = $5`,
				null(a.UserID), null(a.QueueID), null(a.DepartmentID), now, t.ID); err != nil {
				return fmt.Errorf("todo: assign %d: %w", t.ID, err)
			}
			if err := s.event(ctx, tx, "todo.assigned", actor, t, map[string]any{"title": t.Title, "assignee_id": a.UserID, "queue_id": a.QueueID, "department_id": a.DepartmentID}); err != nil {
				return err
			}
		}
		if c.DueAt != nil {
			due := c.DueAt.UTC().Truncate(time.Microsecond)
			if _, err := tx.ExecContext(ctx, `UPDATE todos SET due_at = $1, updated_at = $2 WHERE id = $3`, due, now, t.ID); err != nil {
				return fmt.Errorf("todo: reschedule %d: %w", t.ID, err)
			}
			return s.event(ctx, tx, "todo.rescheduled", actor, t, map[string]any{"title": t.Title, "from": t.DueAt, "to": due, "reason": c.Reason})
		}
		return nil
	})
}

// Claim takes an unclaimed group to-do for actor, who must serve its queue.
func (s *Store) Claim(ctx context.Context, actor Actor, id int64) (*Todo, error) {
	allow := func(tx *sql.Tx, t *Todo) error {
		if t.AssigneeID != 0 {
			return errs.E(errs.Conflict, "Someone has already taken this to-do.").WithKey("todo_taken")
		}
		if t.QueueID == 0 {
			return errs.E(errs.Forbidden, "Only a queue's to-dos can be claimed.").WithKey("todo_not_yours")
		}
		ok, err := inGroup(ctx, tx, actor.UserID, t.QueueID)
		if err == nil && !ok {
			err = errs.E(errs.Forbidden, "This to-do belongs to a queue you do not serve.").WithKey("todo_not_your_group")
		}
		return err
	}
	return s.change(ctx, actor, id, allow, func(tx *sql.Tx, t *Todo) error {
		// The condition on assignee_id makes two claims at once safe: one wins.
		res, err := tx.ExecContext(ctx, `UPDATE todos SET assignee_id = $1, updated_at = $2 WHERE id = $3 AND assignee_id IS NULL`, actor.UserID, s.clock(), t.ID)
		if err != nil {
			return fmt.Errorf("todo: claim %d: %w", t.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "Someone has already taken this to-do.").WithKey("todo_taken")
		}
		return s.event(ctx, tx, "todo.claimed", actor, t, map[string]any{"title": t.Title, "queue_id": t.QueueID})
	})
}

// Lists is one user's to-do list at an instant.
type Lists struct {
	Overdue  []*Todo // open, due before now
	Today    []*Todo // open, due from now to the end of today
	Upcoming []*Todo // open, due after today
	Group    []*Todo // open and unclaimed in the user's queues (also counted above)
	Done     []*Todo // done by or for the user in the last 7 days, newest first
}

// openMine selects open to-dos assigned to $1 or unclaimed in a queue $1 serves.
const openMine = `t.done_at IS NULL AND t.cancelled_at IS NULL AND (t.assignee_id = $1 OR (t.assignee_id IS NULL AND t.queue_id IN (SELECT queue_id FROM queue_members WHERE user_id = $1)))`

// ListFor returns userID's to-dos (theirs and their queues' unclaimed ones) sorted into
// sections at now; "today" ends at midnight in loc.
func (s *Store) ListFor(ctx context.Context, userID int64, now time.Time, loc *time.Location) (*Lists, error) {
	open, err := s.query(ctx, s.db.Read(), "WHERE "+openMine+" ORDER BY t.due_at, t.id LIMIT 500", userID)
	if err != nil {
		return nil, err
	}
	local := now.In(loc)
	y, m, d := local.Date()
	endOfDay := time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	l := &Lists{}
	for _, t := range open {
		switch {
		case t.DueAt.Before(now):
			l.Overdue = append(l.Overdue, t)
		case t.DueAt.Before(endOfDay):
			l.Today = append(l.Today, t)
		default:
			l.Upcoming = append(l.Upcoming, t)
		}
		if t.AssigneeID == 0 {
			l.Group = append(l.Group, t)
		}
	}
	l.Done, err = s.query(ctx, s.db.Read(), `WHERE t.done_at IS NOT NULL AND t.done_at >= $2 AND (t.done_by = $1 OR t.assignee_id = $1)
		ORDER BY t.done_at DESC, t.id DESC LIMIT 50`, userID, now.Add(-7*24*time.Hour).UTC())
	return l, err
}

// OverdueCount counts userID's overdue to-dos (theirs and their queues' unclaimed ones)
// with one indexed query: the console's badge.
func (s *Store) OverdueCount(ctx context.Context, userID int64, now time.Time) (int, error) {
	var n int
	err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM todos t WHERE `+openMine+` AND t.due_at < $2`, userID, now.UTC()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("todo: overdue count: %w", err)
	}
	return n, nil
}

// OverdueFor returns userID's overdue to-dos, oldest due first.
func (s *Store) OverdueFor(ctx context.Context, userID int64, now time.Time) ([]*Todo, error) {
	return s.query(ctx, s.db.Read(), "WHERE "+openMine+" AND t.due_at < $2 ORDER BY t.due_at, t.id LIMIT 500", userID, now.UTC())
}

// Due returns every open to-do due before before, oldest first: the input of a reminder
// job.
func (s *Store) Due(ctx context.Context, before time.Time, limit int) ([]*Todo, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	return s.query(ctx, s.db.Read(), "WHERE t.done_at IS NULL AND t.cancelled_at IS NULL AND t.due_at < $1 ORDER BY t.due_at, t.id LIMIT $2", before.UTC(), limit)
}

// Filter selects to-dos for the API.
type Filter struct {
	UserID     int64  // whose list (theirs and their queues' unclaimed)
	Status     string // open (default), overdue, done, all
	CustomerID int64
	TicketID   int64
	Limit      int // default 50, at most 500
	Offset     int
}

// Statuses lists the values of Filter.Status.
var Statuses = []string{"open", "overdue", "done", "all"}

// List returns the to-dos that match f, by due time, with the total count.
func (s *Store) List(ctx context.Context, f Filter, now time.Time) ([]*Todo, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	mine := `(t.assignee_id = $1 OR t.done_by = $1 OR (t.assignee_id IS NULL AND t.queue_id IN (SELECT queue_id FROM queue_members WHERE user_id = $1)))`
	conds, args := []string{mine}, []any{f.UserID}
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	switch f.Status {
	case "", "open":
		conds = append(conds, "t.done_at IS NULL AND t.cancelled_at IS NULL")
	case "overdue":
		conds = append(conds, "t.done_at IS NULL AND t.cancelled_at IS NULL AND t.due_at < "+arg(now.UTC()))
	case "done":
		conds = append(conds, "t.done_at IS NOT NULL")
	case "all":
	default:
		return nil, 0, errs.Field("status", "Status must be open, overdue, done or all.").WithKey("todo_status")
	}
	if f.CustomerID != 0 {
		conds = append(conds, "t.customer_id = "+arg(f.CustomerID))
	}
	if f.TicketID != 0 {
		conds = append(conds, "t.ticket_id = "+arg(f.TicketID))
	}
	where := "WHERE " + strings.Join(conds, " AND ")
	var total int
	if err := s.db.Read().QueryRowContext(ctx, "SELECT count(*) FROM todos t "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("todo: count: %w", err)
	}
	list, err := s.query(ctx, s.db.Read(), where+" ORDER BY t.due_at, t.id LIMIT "+arg(f.Limit)+" OFFSET "+arg(f.Offset), args...)
	return list, total, err
}

// MoveCustomer re-points every to-do of customer from to customer to, inside tx: the
// hook the customer merge calls.
func (s *Store) MoveCustomer(ctx context.Context, tx *sql.Tx, from, to int64) error {
	if from <= 0 || to <= 0 || from == to {
		return errors.New("todo: move customer: bad ids")
	}
	if _, err := tx.ExecContext(ctx, `UPDATE todos SET customer_id = $1 WHERE customer_id = $2`, to, from); err != nil {
		return fmt.Errorf("todo: move customer %d to %d: %w", from, to, err)
	}
	return nil
}
