// Package events is the event log: every state change that matters (call entered queue,
// ticket dispatched, survey answered...) is appended once, inside the transaction that makes
// the change, so the change and its event commit together or not at all. Customer
// timelines, webhooks, wallboards and reports read the same log.
//
// After a commit, the writer calls Notify; subscribers (webhook delivery, live pages) are
// woken and read what is new by id, so a slow or restarted reader misses nothing.
package events

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Event is one entry of the log. Zero ids mean "none".
type Event struct {
	ID         int64
	At         time.Time
	Kind       string // "<category>.<what>", e.g. ticket.dispatched
	ActorID    int64  // the user who acted; 0 for the system or a caller
	CustomerID int64
	TicketID   int64
	ContactID  int64
	Data       map[string]any
}

// Category is the part of the kind before the first dot (ticket, call, note...).
func (e Event) Category() string { return category(e.Kind) }

func category(kind string) string {
	c, _, _ := strings.Cut(kind, ".")
	return c
}

// Str returns a string from Data, or "".
func (e Event) Str(key string) string {
	s, _ := e.Data[key].(string)
	return s
}

// Log appends and reads events.
type Log struct {
	db  *db.DB
	now func() time.Time

	mu   sync.Mutex
	subs map[chan struct{}]struct{}
}

// New returns the log over d.
func New(d *db.DB) *Log {
	return &Log{db: d, now: time.Now, subs: map[chan struct{}]struct{}{}}
}

// Append writes e inside tx and sets its ID and At (when zero).
func (l *Log) Append(ctx context.Context, tx *sql.Tx, e *Event) error {
	if category(e.Kind) == "" || !strings.Contains(e.Kind, ".") {
		return errs.E(errs.Internal, "events: kind %q is not <category>.<what>", e.Kind)
	}
	if e.At.IsZero() {
		e.At = l.now()
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	data := []byte("{}")
	if len(e.Data) > 0 {
		var err error
		if data, err = json.Marshal(e.Data); err != nil {
			return fmt.Errorf("events: %s data: %w", e.Kind, err)
		}
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO events (at, kind, category, actor_id, customer_id, ticket_id, contact_id, data)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		e.At, e.Kind, category(e.Kind), nullID(e.ActorID), nullID(e.CustomerID), nullID(e.TicketID), nullID(e.ContactID), string(data)).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("events: append %s: %w", e.Kind, err)
	}
	return nil
}

// Notify wakes every subscriber; call it after the transaction that appended commits.
func (l *Log) Notify() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for ch := range l.subs {
		select {
		case ch <- struct{}{}:
		default: // already has a wake-up pending
		}
	}
}

// Subscribe returns a channel that receives a wake-up after new events commit, and a
// function that ends the subscription. Wake-ups coalesce: read by id with Since.
func (l *Log) Subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	l.mu.Lock()
	l.subs[ch] = struct{}{}
	l.mu.Unlock()
	return ch, func() {
		l.mu.Lock()
		delete(l.subs, ch)
		l.mu.Unlock()
	}
}

// Filter selects events, newest first.
type Filter struct {
	CustomerID int64
	TicketID   int64
	Categories []string // e.g. ticket, call, note; empty means all
	Limit      int      // default 50, at most 500
	Offset     int
}

// List returns the events that match f, newest first, and how many match in all.
func (l *Log) List(ctx context.Context, f Filter) ([]Event, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if f.CustomerID != 0 {
		conds = append(conds, "customer_id = "+arg(f.CustomerID))
	}
	if f.TicketID != 0 {
		conds = append(conds, "ticket_id = "+arg(f.TicketID))
	}
	if len(f.Categories) > 0 {
		var ph []string
		for _, c := range f.Categories {
			ph = append(ph, arg(c))
		}
		conds = append(conds, "category IN ("+strings.Join(ph, ", ")+")")
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := l.db.Read().QueryRowContext(ctx, "SELECT count(*) FROM events"+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("events: count: %w", err)
	}
	q := "SELECT " + columns + " FROM events" + where + " ORDER BY at DESC, id DESC LIMIT " + arg(f.Limit) + " OFFSET " + arg(f.Offset)
	list, err := l.query(ctx, q, args...)
	return list, total, err
}

// Since returns up to limit events with ids above afterID, oldest first: the way a
// consumer (webhooks, reports) tails the log.
func (l *Log) Since(ctx context.Context, afterID int64, limit int) ([]Event, error) {
	if limit <= 0 {
		limit = 100
	}
	return l.query(ctx, "SELECT "+columns+" FROM events WHERE id > $1 ORDER BY id LIMIT $2", afterID, limit)
}

// LastID returns the highest id in the log (0 when empty).
func (l *Log) LastID(ctx context.Context) (int64, error) {
	var id sql.NullInt64
	err := l.db.Read().QueryRowContext(ctx, "SELECT max(id) FROM events").Scan(&id)
	return id.Int64, err
}

const columns = "id, at, kind, actor_id, customer_id, ticket_id, contact_id, data"

func (l *Log) query(ctx context.Context, q string, args ...any) ([]Event, error) {
	rows, err := l.db.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("events: list: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var actor, customer, ticket, contact sql.NullInt64
		var data string
		if err := rows.Scan(&e.ID, &e.At, &e.Kind, &actor, &customer, &ticket, &contact, &data); err != nil {
			return nil, fmt.Errorf("events: scan: %w", err)
		}
		e.ActorID, e.CustomerID, e.TicketID, e.ContactID = actor.Int64, customer.Int64, ticket.Int64, contact.Int64
		if err := json.Unmarshal([]byte(data), &e.Data); err != nil {
			return nil, fmt.Errorf("events: event %d data: %w", e.ID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// MoveCustomer re-points every event of customer from to customer to, inside tx: a merge
// of duplicate customers keeps every history item.
func (l *Log) MoveCustomer(ctx context.Context, tx *sql.Tx, from, to int64) error {
	if _, err := tx.ExecContext(ctx, "UPDATE events SET customer_id = $1 WHERE customer_id = $2", to, from); err != nil {
		return fmt.Errorf("events: move customer %d to %d: %w", from, to, err)
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
