package ticket

import (
	"context"
	"database/sql"
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
)

// Complaints are tickets of a type with Complaint set. They are worked by handlers
// (users with complaints.handle), who may split them into sub-tasks for departments,
// record the reply given to the customer, and ask for closure; a reviewer (with
// complaints.close) approves the closure or returns it with a reason. A complaint closes
// only with every sub-task done, a reply to the customer on record and an approved
// request; these rules hold for every status change (complaintCheck).

// ReplyChannels are the channels a reply to a complaining customer goes through.
var ReplyChannels = []string{"phone", "sms", "email"}

// Subtask is part of a complaint handed to a department; its members reply.
type Subtask struct {
	ID             int64
	TicketID       int64
	TicketNumber   string
	TicketTitle    string
	DepartmentID   int64
	DepartmentName Names
	Title          string
	CreatedBy      int64
	CreatedByName  string
	CreatedAt      time.Time
	DoneAt         time.Time
	DoneBy         int64
	DoneByName     string
	Replies        []SubtaskReply
}

// Open reports whether the department has not finished the sub-task.
func (st *Subtask) Open() bool { return st.DoneAt.IsZero() }

// SubtaskReply is a department member's answer to a sub-task.
type SubtaskReply struct {
	ID         int64
	SubtaskID  int64
	At         time.Time
	AuthorID   int64
	AuthorName string
	Body       string
	Done       bool // this reply finished the sub-task
}

// CustomerReply is what the center answered the complaining customer.
type CustomerReply struct {
	ID         int64
	TicketID   int64
	RepliedAt  time.Time // when the customer was answered
	Channel    string    // one of ReplyChannels
	Body       string
	ByID       int64
	ByName     string
	RecordedAt time.Time
}

// Review is one request to close a complaint and its decision.
type Review struct {
	ID              int64
	RequestedAt     time.Time
	RequestedBy     int64
	RequestedByName string
	Note            string
	Decision        string // "" while pending, approved, returned
	DecidedAt       time.Time
	DecidedBy       int64
	DecidedByName   string
	Reason          string // why it was returned
}

// Pending reports whether the request awaits a decision.
func (r *Review) Pending() bool { return r.Decision == "" }

// Complaint is everything the complaint panel shows.
type Complaint struct {
	Ticket          *Ticket
	Subtasks        []Subtask
	CustomerReplies []CustomerReply
	Reviews         []Review // newest first
	Pending         *Review  // the request awaiting review, if any
	FirstContactAt  time.Time
	CycleTime       time.Duration // first contact to closure, once closed
}

// OpenSubtasks counts the sub-tasks not done yet.
func (c *Complaint) OpenSubtasks() int {
	n := 0
	for i := range c.Subtasks {
		if c.Subtasks[i].Open() {
			n++
		}
	}
	return n
}

var (
	errNotComplaint = errs.E(errs.Invalid, "This ticket is not a complaint.").WithKey("complaint_not")
	errPending      = errs.E(errs.Conflict, "A closure request awaits review: approve it or return it first.").WithKey("complaint_pending")
	errNotOpen      = errs.E(errs.Conflict, "The complaint is closed.").WithKey("complaint_closed")
)

// loadComplaint reads a complaint ticket for center staff (partners never see
// complaints' inner workings).
func loadComplaint(ctx context.Context, q db.Queryer, p *auth.Principal, id int64) (*Ticket, *Type, error) {
	sc, err := scopeOf(p)
	if err != nil {
		return nil, nil, err
	}
	if !sc.all {
		return nil, nil, errNotFound
	}
	t, typ, err := loadTicket(ctx, q, sc, id)
	if err != nil {
		return nil, nil, err
	}
	if !typ.Complaint {
		return nil, nil, errNotComplaint
	}
	return t, typ, nil
}

// checkHandler refuses to give a complaint to a user who may not handle complaints.
func checkHandler(ctx context.Context, q db.Queryer, userID int64) error {
	var role string
	var tier int
	err := q.QueryRowContext(ctx, `SELECT role, tier FROM users WHERE id = $1`, userID).Scan(&role, &tier)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // the dispatch reports the unknown user
	}
	if err != nil {
		return err
	}
	if !auth.Has(auth.Role(role), tier, auth.PermComplaintsHandle) {
		return errs.Field("assignee", "Complaints go to users who may handle complaints.").WithKey("complaint_handler")
	}
	return nil
}

func pendingReview(ctx context.Context, q db.Queryer, ticketID int64) (*Review, error) {
	rs, err := reviews(ctx, q, ticketID, true)
	if err != nil || len(rs) == 0 {
		return nil, err
	}
	return &rs[0], nil
}

// closable checks what closing needs besides the review: every sub-task done and a
// reply to the customer on record.
func closable(ctx context.Context, q db.Queryer, ticketID int64) error {
	var open, replies int
	if err := q.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM complaint_subtasks WHERE ticket_id = $1 AND done_at IS NULL),
		(SELECT count(*) FROM complaint_customer_replies WHERE ticket_id = $1)`, ticketID).Scan(&open, &replies); err != nil {
		return fmt.Errorf("ticket: closable %d: %w", ticketID, err)
	}
	if open > 0 {
		return errs.E(errs.Conflict, "%d sub-tasks are still open: the departments must finish them first.", open).WithKey("complaint_open_subtasks", open)
	}
	if replies == 0 {
		return errs.E(errs.Conflict, "Record the reply given to the customer first.").WithKey("complaint_no_reply")
	}
	return nil
}

// complaintCheck is the transition check of complaints: closing needs complaints.close,
// a pending closure request, every sub-task done and a customer reply; while a request
// is pending the complaint moves only by its review.
func (s *Service) complaintCheck(ctx context.Context, tx *sql.Tx, p *auth.Principal, t *Ticket, typ *Type, tr Transition) error {
	if !typ.Complaint {
		return nil
	}
	to, _ := typ.Status(tr.To)
	pending, err := pendingReview(ctx, tx, t.ID)
	if err != nil {
		return err
	}
	if to.Category == CatClosed {
		if !p.Can(auth.PermComplaintsClose) {
			return errs.E(errs.Forbidden, "Only a reviewer may close a complaint.").WithKey("complaint_close_forbidden")
		}
		if pending == nil {
			return errs.E(errs.Conflict, "The handler must request closure first.").WithKey("complaint_no_request")
		}
		return closable(ctx, tx, t.ID)
	}
	if pending != nil {
		return errPending
	}
	return nil
}

// firstContact is when the customer first raised the complaint: the start of the
// ticket's contact, or the ticket's creation.
func firstContact(ctx context.Context, q db.Queryer, t *Ticket) (time.Time, error) {
	if t.ContactID != 0 {
		var at time.Time
		err := q.QueryRowContext(ctx, `SELECT started_at FROM contacts WHERE id = $1`, t.ContactID).Scan(&at)
		if err == nil && at.Before(t.CreatedAt) {
			return at.UTC(), nil
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return time.Time{}, err
		}
	}
	return t.CreatedAt, nil
}

// complaintMoved keeps a complaint's closure record in step with its status: entering
// a closed status approves the pending request and stores the cycle time; leaving one
// (a reopened complaint) clears it.
func (s *Service) complaintMoved(ctx context.Context, tx *sql.Tx, p *auth.Principal, t *Ticket, typ *Type, fromCat Category, now time.Time) error {
	switch {
	case t.StatusCategory == CatClosed:
		pending, err := pendingReview(ctx, tx, t.ID)
		if err != nil || pending == nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE complaint_reviews SET decision = 'approved', decided_at = $1, decided_by = $2 WHERE id = $3`,
			now, nullID(actorOf(p)), pending.ID); err != nil {
			return err
		}
		first, err := firstContact(ctx, tx, t)
		if err != nil {
			return err
		}
		t.CycleSeconds = int64(now.Sub(first) / time.Second)
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET cycle_seconds = $1 WHERE id = $2`, t.CycleSeconds, t.ID); err != nil {
			return err
		}
		if err := record(ctx, tx, t.ID, actorOf(p), now, []change{{"closure", "requested", "approved"}}); err != nil {
			return err
		}
		return s.emit(ctx, tx, p, "complaint.closure_approved", t, typ, map[string]any{"review_id": pending.ID, "cycle_seconds": t.CycleSeconds,
			"first_contact_at": first})
	case fromCat == CatClosed:
		t.CycleSeconds = 0
		_, err := tx.ExecContext(ctx, `UPDATE tickets SET cycle_seconds = NULL WHERE id = $1`, t.ID)
		return err
	}
	return nil
}

// Complaint returns a complaint with its sub-tasks, replies and reviews.
func (s *Service) Complaint(ctx context.Context, p *auth.Principal, id int64) (*Complaint, error) {
	t, _, err := loadComplaint(ctx, s.db.Read(), p, id)
	if err != nil {
		return nil, err
	}
	q := s.db.Read()
	c := &Complaint{Ticket: t}
	if c.Subtasks, err = subtasks(ctx, q, "st.ticket_id = $1", id); err != nil {
		return nil, err
	}
	if c.CustomerReplies, err = customerReplies(ctx, q, id); err != nil {
		return nil, err
	}
	if c.Reviews, err = reviews(ctx, q, id, false); err != nil {
		return nil, err
	}
	for i := range c.Reviews {
		if c.Reviews[i].Pending() {
			c.Pending = &c.Reviews[i]
		}
	}
	if c.FirstContactAt, err = firstContact(ctx, q, t); err != nil {
		return nil, err
	}
	c.CycleTime = time.Duration(t.CycleSeconds) * time.Second
	return c, nil
}

const subtaskSelect = `SELECT st.id, st.ticket_id, t.number, t.title, st.department_id, d.name_zh, d.name_en, st.title,
	COALESCE(st.created_by, 0), COALESCE(cb.display_name, ''), st.created_at, st.done_at, COALESCE(st.done_by, 0), COALESCE(db.display_name, '')
	FROM complaint_subtasks st
	JOIN tickets t ON t.id = st.ticket_id
	JOIN departments d ON d.id = st.department_id
	LEFT JOIN users cb ON cb.id = st.created_by
	LEFT JOIN users db ON db.id = st.done_by`

// subtasks reads sub-tasks matching cond with their replies.
func subtasks(ctx context.Context, q db.Queryer, cond string, args ...any) ([]Subtask, error) {
	rows, err := q.QueryContext(ctx, subtaskSelect+" WHERE "+cond+" ORDER BY (st.done_at IS NULL) DESC, st.created_at, st.id", args...)
	if err != nil {
		return nil, fmt.Errorf("ticket: sub-tasks: %w", err)
	}
	var out []Subtask
	for rows.Next() {
		var st Subtask
		var done sql.NullTime
		if err := rows.Scan(&st.ID, &st.TicketID, &st.TicketNumber, &st.TicketTitle, &st.DepartmentID, &st.DepartmentName.ZH, &st.DepartmentName.EN,
			&st.Title, &st.CreatedBy, &st.CreatedByName, &st.CreatedAt, &done, &st.DoneBy, &st.DoneByName); err != nil {
			rows.Close()
			return nil, err
		}
		st.DoneAt = done.Time
		out = append(out, st)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		r, err := q.QueryContext(ctx, `SELECT r.id, r.subtask_id, r.at, COALESCE(r.author_id, 0), COALESCE(u.display_name, ''), r.body, r.done
			FROM complaint_subtask_replies r LEFT JOIN users u ON u.id = r.author_id WHERE r.subtask_id = $1 ORDER BY r.at, r.id`, out[i].ID)
		if err != nil {
			return nil, fmt.Errorf("ticket: sub-task replies: %w", err)
		}
		for r.Next() {
			var x SubtaskReply
			if err := r.Scan(&x.ID, &x.SubtaskID, &x.At, &x.AuthorID, &x.AuthorName, &x.Body, &x.Done); err != nil {
				r.Close()
				return nil, err
			}
			out[i].Replies = append(out[i].Replies, x)
		}
		r.Close()
		if err := r.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func customerReplies(ctx context.Context, q db.Queryer, ticketID int64) ([]CustomerReply, error) {
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.ticket_id, r.replied_at, r.channel, r.body, COALESCE(r.by_id, 0), COALESCE(u.display_name, ''), r.recorded_at
		FROM complaint_customer_replies r LEFT JOIN users u ON u.id = r.by_id WHERE r.ticket_id = $1 ORDER BY r.replied_at, r.id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("ticket: customer replies %d: %w", ticketID, err)
	}
	defer rows.Close()
	var out []CustomerReply
	for rows.Next() {
		var r CustomerReply
		if err := rows.Scan(&r.ID, &r.TicketID, &r.RepliedAt, &r.Channel, &r.Body, &r.ByID, &r.ByName, &r.RecordedAt); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func reviews(ctx context.Context, q db.Queryer, ticketID int64, pendingOnly bool) ([]Review, error) {
	cond := ""
	if pendingOnly {
		cond = " AND r.decision = ''"
	}
	rows, err := q.QueryContext(ctx, `SELECT r.id, r.requested_at, COALESCE(r.requested_by, 0), COALESCE(a.display_name, ''), r.note, r.decision,
		r.decided_at, COALESCE(r.decided_by, 0), COALESCE(b.display_name, ''), r.reason
		FROM complaint_reviews r LEFT JOIN users a ON a.id = r.requested_by LEFT JOIN users b ON b.id = r.decided_by
		WHERE r.ticket_id = $1`+cond+` ORDER BY r.requested_at DESC, r.id DESC`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("ticket: reviews %d: %w", ticketID, err)
	}
	defer rows.Close()
	var out []Review
	for rows.Next() {
		var r Review
		var decided sql.NullTime
		if err := rows.Scan(&r.ID, &r.RequestedAt, &r.RequestedBy, &r.RequestedByName, &r.Note, &r.Decision, &decided, &r.DecidedBy, &r.DecidedByName, &r.Reason); err != nil {
			return nil, err
		}
		r.DecidedAt = decided.Time
		out = append(out, r)
	}
	return out, rows.Err()
}

func checkBody(field, key string, body string, max int) (string, error) {
	body = strings.TrimSpace(body)
	if body == "" || utf8.RuneCountInString(body) > max {
		return "", errs.Field(field, fmt.Sprintf("Write 1 to %d characters.", max)).WithKey(key, max)
	}
	return body, nil
}

// AddSubtask hands part of a complaint to a department.
func (s *Service) AddSubtask(ctx context.Context, p *auth.Principal, ticketID, departmentID int64, title string) (*Subtask, error) {
	if err := need(p, auth.PermComplaintsHandle); err != nil {
		return nil, err
	}
	title, err := checkBody("title", "complaint_subtask_title", title, 500)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	var id int64
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, typ, err := loadComplaint(ctx, tx, p, ticketID)
		if err != nil {
			return err
		}
		if !t.Open() {
			return errNotOpen
		}
		if pending, err := pendingReview(ctx, tx, t.ID); err != nil {
			return err
		} else if pending != nil {
			return errPending
		}
		var zh, en string
		err = tx.QueryRowContext(ctx, `SELECT name_zh, name_en FROM departments WHERE id = $1`, departmentID).Scan(&zh, &en)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Field("department_id", "Choose a department.").WithKey("complaint_department")
		}
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO complaint_subtasks (ticket_id, department_id, title, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			t.ID, departmentID, title, p.User.ID, now).Scan(&id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET updated_at = $1 WHERE id = $2`, now, t.ID); err != nil {
			return err
		}
		if err := record(ctx, tx, t.ID, p.User.ID, now, []change{{"subtask", "", zh + ": " + title}}); err != nil {
			return err
		}
		return s.emit(ctx, tx, p, "complaint.subtask_created", t, typ, map[string]any{"subtask_id": id, "department_id": departmentID,
			"department": zh, "department_en": en, "subtask": excerpt(title, 140)})
	})
	if err != nil {
		return nil, fmt.Errorf("ticket: sub-task on %d: %w", ticketID, err)
	}
	s.events.Notify()
	return s.subtask(ctx, id)
}

func (s *Service) subtask(ctx context.Context, id int64) (*Subtask, error) {
	sts, err := subtasks(ctx, s.db.Read(), "st.id = $1", id)
	if err != nil {
		return nil, err
	}
	if len(sts) == 0 {
		return nil, errs.E(errs.NotFound, "Sub-task not found.").WithKey("complaint_subtask_not_found")
	}
	return &sts[0], nil
}

// ReplySubtask records a department member's reply to a sub-task of a complaint; done
// finishes it. Only members of the sub-task's department reply.
func (s *Service) ReplySubtask(ctx context.Context, p *auth.Principal, ticketID, subtaskID int64, body string, done bool) (*SubtaskReply, error) {
	if p == nil || p.User == nil {
		return nil, errs.E(errs.Unauthorized, "Please sign in.").WithKey("sign_in")
	}
	body, err := checkBody("body", "complaint_reply_body", body, 4000)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	rep := &SubtaskReply{SubtaskID: subtaskID, At: now, AuthorID: p.User.ID, AuthorName: p.User.DisplayName, Body: body, Done: done}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		sts, err := subtasks(ctx, tx, "st.id = $1", subtaskID)
		if err != nil {
			return err
		}
		if len(sts) == 0 || sts[0].TicketID != ticketID {
			return errs.E(errs.NotFound, "Sub-task not found.").WithKey("complaint_subtask_not_found")
		}
		st := sts[0]
		var member int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM department_members WHERE department_id = $1 AND user_id = $2`, st.DepartmentID, p.User.ID).Scan(&member); err != nil {
			return err
		}
		if member == 0 {
			return errs.E(errs.Forbidden, "Only members of the department reply to its sub-tasks.").WithKey("complaint_not_member")
		}
		if !st.Open() {
			return errs.E(errs.Conflict, "The sub-task is done.").WithKey("complaint_subtask_done")
		}
		t, typ, err := loadTicket(ctx, tx, scope{all: true}, st.TicketID)
		if err != nil {
			return err
		}
		if !t.Open() {
			return errNotOpen
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO complaint_subtask_replies (subtask_id, at, author_id, body, done) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			st.ID, now, p.User.ID, body, done).Scan(&rep.ID); err != nil {
			return err
		}
		if done {
			if _, err := tx.ExecContext(ctx, `UPDATE complaint_subtasks SET done_at = $1, done_by = $2 WHERE id = $3`, now, p.User.ID, st.ID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET updated_at = $1 WHERE id = $2`, now, t.ID); err != nil {
			return err
		}
		state := "replied"
		if done {
			state = "done"
		}
		if err := record(ctx, tx, t.ID, p.User.ID, now, []change{{"subtask_reply", st.DepartmentName.ZH + ": " + excerpt(st.Title, 60), state + ": " + excerpt(body, 140)}}); err != nil {
			return err
		}
		return s.emit(ctx, tx, p, "complaint.subtask_replied", t, typ, map[string]any{"subtask_id": st.ID, "department_id": st.DepartmentID,
			"department": st.DepartmentName.ZH, "department_en": st.DepartmentName.EN, "done": done, "excerpt": excerpt(body, 140)})
	})
	if err != nil {
		return nil, fmt.Errorf("ticket: reply to sub-task %d: %w", subtaskID, err)
	}
	s.events.Notify()
	return rep, nil
}

// Subtasks lists a complaint's sub-tasks with their replies.
func (s *Service) Subtasks(ctx context.Context, p *auth.Principal, ticketID int64) ([]Subtask, error) {
	if _, _, err := loadComplaint(ctx, s.db.Read(), p, ticketID); err != nil {
		return nil, err
	}
	return subtasks(ctx, s.db.Read(), "st.ticket_id = $1", ticketID)
}

// CustomerReplies lists the replies given to a complaining customer.
func (s *Service) CustomerReplies(ctx context.Context, p *auth.Principal, ticketID int64) ([]CustomerReply, error) {
	if _, _, err := loadComplaint(ctx, s.db.Read(), p, ticketID); err != nil {
		return nil, err
	}
	return customerReplies(ctx, s.db.Read(), ticketID)
}

// DepartmentSubtasks lists the sub-tasks of the departments p belongs to, open first.
func (s *Service) DepartmentSubtasks(ctx context.Context, p *auth.Principal, openOnly bool) ([]Subtask, error) {
	if p == nil || p.User == nil {
		return nil, errs.E(errs.Unauthorized, "Please sign in.").WithKey("sign_in")
	}
	cond := "st.department_id IN (SELECT department_id FROM department_members WHERE user_id = $1)"
	if openOnly {
		cond += " AND st.done_at IS NULL"
	}
	return subtasks(ctx, s.db.Read(), cond, p.User.ID)
}

// NewCustomerReply is a reply given to the complaining customer.
type NewCustomerReply struct {
	Channel   string
	Body      string
	RepliedAt time.Time // zero: now
}

// AddCustomerReply records the reply the center gave the customer; it is the ticket's
// first response if none came before.
func (s *Service) AddCustomerReply(ctx context.Context, p *auth.Principal, ticketID int64, in NewCustomerReply) (*CustomerReply, error) {
	if err := need(p, auth.PermComplaintsHandle); err != nil {
		return nil, err
	}
	if !slices.Contains(ReplyChannels, in.Channel) {
		return nil, errs.Field("channel", "Choose phone, SMS or email.").WithKey("complaint_reply_channel")
	}
	body, err := checkBody("body", "complaint_reply_body", in.Body, 4000)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	at := in.RepliedAt.UTC().Truncate(time.Microsecond)
	if at.IsZero() {
		at = now
	}
	if at.After(now.Add(time.Minute)) {
		return nil, errs.Field("replied_at", "The reply cannot be in the future.").WithKey("complaint_reply_future")
	}
	r := &CustomerReply{TicketID: ticketID, RepliedAt: at, Channel: in.Channel, Body: body, ByID: p.User.ID, ByName: p.User.DisplayName, RecordedAt: now}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, typ, err := loadComplaint(ctx, tx, p, ticketID)
		if err != nil {
			return err
		}
		if !t.Open() && t.StatusCategory != CatResolved {
			return errNotOpen
		}
		if at.Before(t.CreatedAt.Add(-24 * time.Hour)) {
			return errs.Field("replied_at", "The reply cannot be before the complaint.").WithKey("complaint_reply_early")
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO complaint_customer_replies (ticket_id, replied_at, channel, body, by_id, recorded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			t.ID, at, in.Channel, body, p.User.ID, now).Scan(&r.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET updated_at = $1 WHERE id = $2`, now, t.ID); err != nil {
			return err
		}
		if err := record(ctx, tx, t.ID, p.User.ID, now, []change{{"customer_reply", "", in.Channel + ": " + excerpt(body, 140)}}); err != nil {
			return err
		}
		if err := s.markResponded(ctx, tx, t, typ, now); err != nil {
			return err
		}
		return s.emit(ctx, tx, p, "complaint.customer_replied", t, typ, map[string]any{"channel": in.Channel, "replied_at": at, "excerpt": excerpt(body, 140)})
	})
	if err != nil {
		return nil, fmt.Errorf("ticket: customer reply on %d: %w", ticketID, err)
	}
	s.events.Notify()
	return r, nil
}

// RequestClosure asks a reviewer to close a complaint. It needs a reply to the customer
// and every sub-task done; the complaint moves to a resolved status (closure review)
// when its workflow has one that the handler may take.
func (s *Service) RequestClosure(ctx context.Context, p *auth.Principal, ticketID int64, note string) (*Complaint, error) {
	if err := need(p, auth.PermComplaintsHandle); err != nil {
		return nil, err
	}
	note = strings.TrimSpace(note)
	if utf8.RuneCountInString(note) > 2000 {
		return nil, errs.Field("note", "Write at most 2000 characters.").WithKey("complaint_note")
	}
	now := s.clock()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, typ, err := loadComplaint(ctx, tx, p, ticketID)
		if err != nil {
			return err
		}
		if !t.Open() {
			return errNotOpen
		}
		if pending, err := pendingReview(ctx, tx, t.ID); err != nil {
			return err
		} else if pending != nil {
			return errs.E(errs.Conflict, "Closure was already requested.").WithKey("complaint_already_requested")
		}
		if err := closable(ctx, tx, t.ID); err != nil {
			return err
		}
		if to := pickTransition(p, t, typ, CatResolved); to != "" {
			if err := s.changeStatus(ctx, tx, p, t, typ, to, "", now); err != nil {
				return err
			}
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO complaint_reviews (ticket_id, requested_at, requested_by, note) VALUES ($1, $2, $3, $4) RETURNING id`,
			t.ID, now, p.User.ID, note).Scan(&id); err != nil {
			return err
		}
		if err := record(ctx, tx, t.ID, p.User.ID, now, []change{{"closure", "", "requested"}}); err != nil {
			return err
		}
		return s.emit(ctx, tx, p, "complaint.closure_requested", t, typ, map[string]any{"review_id": id, "note": excerpt(note, 140)})
	})
	if err != nil {
		return nil, fmt.Errorf("ticket: request closure of %d: %w", ticketID, err)
	}
	s.events.Notify()
	return s.Complaint(ctx, p, ticketID)
}

// pickTransition returns the first status of category cat that p may move t to, or "".
func pickTransition(p *auth.Principal, t *Ticket, typ *Type, cats ...Category) string {
	for _, cat := range cats {
		for _, tr := range Transitions(p, t, typ) {
			if st, ok := typ.Status(tr.To); ok && st.Category == cat {
				return tr.To
			}
		}
	}
	return ""
}

// ApproveClosure closes a complaint whose closure was requested: a reviewer (with
// complaints.close) moves it to a closed status; the cycle time is stored.
func (s *Service) ApproveClosure(ctx context.Context, p *auth.Principal, ticketID int64) (*Complaint, error) {
	if err := need(p, auth.PermComplaintsClose); err != nil {
		return nil, err
	}
	now := s.clock()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, typ, err := loadComplaint(ctx, tx, p, ticketID)
		if err != nil {
			return err
		}
		pending, err := pendingReview(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		if pending == nil {
			return errs.E(errs.Conflict, "The handler must request closure first.").WithKey("complaint_no_request")
		}
		to := pickTransition(p, t, typ, CatClosed)
		if to == "" {
			return errs.E(errs.Conflict, "The workflow has no way to close the complaint from status %s.", t.Status).WithKey("complaint_no_close_status", t.Status)
		}
		return s.changeStatus(ctx, tx, p, t, typ, to, "", now)
	})
	if err != nil {
		return nil, fmt.Errorf("ticket: approve closure of %d: %w", ticketID, err)
	}
	s.events.Notify()
	return s.Complaint(ctx, p, ticketID)
}

// ReturnClosure sends a closure request back to the handler with a reason; the complaint
// moves back to an open status when its workflow lets the reviewer do so.
func (s *Service) ReturnClosure(ctx context.Context, p *auth.Principal, ticketID int64, reason string) (*Complaint, error) {
	if err := need(p, auth.PermComplaintsClose); err != nil {
		return nil, err
	}
	reason, err := checkBody("reason", "complaint_reason", reason, 2000)
	if err != nil {
		return nil, err
	}
	now := s.clock()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, typ, err := loadComplaint(ctx, tx, p, ticketID)
		if err != nil {
			return err
		}
		pending, err := pendingReview(ctx, tx, t.ID)
		if err != nil {
			return err
		}
		if pending == nil {
			return errs.E(errs.Conflict, "No closure request awaits review.").WithKey("complaint_no_request")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE complaint_reviews SET decision = 'returned', decided_at = $1, decided_by = $2, reason = $3 WHERE id = $4`,
			now, p.User.ID, reason, pending.ID); err != nil {
			return err
		}
		if err := record(ctx, tx, t.ID, p.User.ID, now, []change{{"closure", "requested", "returned: " + excerpt(reason, 140)}}); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, p, "complaint.closure_returned", t, typ, map[string]any{"review_id": pending.ID, "reason": excerpt(reason, 140)}); err != nil {
			return err
		}
		if t.StatusCategory == CatResolved {
			if to := pickTransition(p, t, typ, CatOpen, CatWaiting); to != "" {
				return s.changeStatus(ctx, tx, p, t, typ, to, "", now)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ticket: return closure of %d: %w", ticketID, err)
	}
	s.events.Notify()
	return s.Complaint(ctx, p, ticketID)
}

// ComplaintRow is a complaint in a list.
type ComplaintRow struct {
	Ticket       *Ticket
	Age          time.Duration // since first contact (creation), up to now
	Subtasks     int
	OpenSubtasks int
	Replied      bool      // a reply to the customer is on record
	PendingSince time.Time // when closure was requested, if it awaits review
}

// Complaint list views.
const (
	ComplaintsOpen   = "open"   // every complaint not closed, oldest first (the 100% rule)
	ComplaintsMine   = "mine"   // open ones the caller handles
	ComplaintsReview = "review" // closure requests awaiting review
)

// Complaints lists complaints that are not closed, oldest first.
func (s *Service) Complaints(ctx context.Context, p *auth.Principal, view string, limit int) ([]ComplaintRow, error) {
	sc, err := scopeOf(p)
	if err != nil {
		return nil, err
	}
	if !sc.all {
		return nil, errs.E(errs.Forbidden, "You do not have permission to do this.").WithKey("forbidden")
	}
	if limit <= 0 || limit > 500 {
		limit = 200
	}
	cond, args := "ty.complaint AND t.status_category <> 'closed'", []any{}
	switch view {
	case ComplaintsOpen, "":
	case ComplaintsMine:
		cond += " AND t.assignee_id = $1"
		args = append(args, p.User.ID)
	case ComplaintsReview:
		cond += " AND EXISTS (SELECT 1 FROM complaint_reviews r WHERE r.ticket_id = t.id AND r.decision = '')"
	default:
		return nil, errs.Field("view", "Unknown view.").WithKey("complaint_view")
	}
	rows, err := s.db.Read().QueryContext(ctx, ticketSelect+" WHERE "+cond+" ORDER BY t.created_at, t.id LIMIT "+strconv.Itoa(limit), args...)
	if err != nil {
		return nil, fmt.Errorf("ticket: complaints: %w", err)
	}
	var out []ComplaintRow
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, ComplaintRow{Ticket: t})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	now := s.clock()
	for i := range out {
		r := &out[i]
		var replies int
		if err := s.db.Read().QueryRowContext(ctx, `SELECT (SELECT count(*) FROM complaint_subtasks WHERE ticket_id = $1),
			(SELECT count(*) FROM complaint_subtasks WHERE ticket_id = $1 AND done_at IS NULL),
			(SELECT count(*) FROM complaint_customer_replies WHERE ticket_id = $1)`, r.Ticket.ID).
			Scan(&r.Subtasks, &r.OpenSubtasks, &replies); err != nil {
			return nil, fmt.Errorf("ticket: complaint counts: %w", err)
		}
		r.Replied = replies > 0
		pending, err := pendingReview(ctx, s.db.Read(), r.Ticket.ID)
		if err != nil {
			return nil, err
		}
		if pending != nil {
			r.PendingSince = pending.RequestedAt
		}
		first, err := firstContact(ctx, s.db.Read(), r.Ticket)
		if err != nil {
			return nil, err
		}
		r.Age = now.Sub(first)
	}
	return out, nil
}
