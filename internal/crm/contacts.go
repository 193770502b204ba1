package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// Contact channels and directions.
const (
	ChannelCall  = "call"
	ChannelChat  = "chat"
	ChannelEmail = "email"
	ChannelSMS   = "sms"
	ChannelVisit = "visit"

	Inbound  = "in"
	Outbound = "out"
)

// Channels lists every contact channel.
var Channels = []string{ChannelCall, ChannelChat, ChannelEmail, ChannelSMS, ChannelVisit}

// Contact is one contact with a customer: a call, chat, email, SMS or visit.
type Contact struct {
	ID         int64
	CustomerID int64 // 0 for an unknown caller
	Channel    string
	Direction  string // in or out
	From, To   string // as given: numbers in any format, addresses
	// Number is the customer's side: normalized for phone numbers, lower case for email.
	// Set by RecordContact from From (inbound) or To (outbound) when empty.
	Number    string
	StartedAt time.Time // zero means now
	EndedAt   time.Time // zero while unknown
	AgentID   int64
	Summary   string
	RepeatOf  int64 // the latest earlier contact in the repeat window, or 0
}

// TicketRef is a work order as the customer side shows it.
type TicketRef struct {
	ID     int64
	Number string
	Title  string
	Status string
}

// OpenTickets gives the open work orders of a customer. The ticket package implements
// it; the store works without one (no tickets shown).
type OpenTickets interface {
	OpenTicketsOf(ctx context.Context, customerID int64) ([]TicketRef, error)
}

// SetOpenTickets sets where open tickets come from.
func (s *Store) SetOpenTickets(ot OpenTickets) { s.tickets = ot }

// Repeat is what an agent should know when a customer contacts the center again: the
// earlier contacts within the repeat window, newest first, and the open work orders.
type Repeat struct {
	Earlier     []Contact
	OpenTickets []TicketRef
}

// IsRepeat reports whether there were earlier contacts in the window.
func (r *Repeat) IsRepeat() bool { return r != nil && len(r.Earlier) > 0 }

// RecordContact validates and stores a contact with its "contact.<channel>" event in
// one transaction. The customer is looked up by number when not given (exactly one
// match); the contact is marked as a repeat of the latest earlier contact of the same
// customer (or, for unknown callers, the same number) within the repeat window. It
// returns the earlier contacts and the customer's open tickets.
func (s *Store) RecordContact(ctx context.Context, c *Contact) (*Repeat, error) {
	if err := s.prepareContact(ctx, c); err != nil {
		return nil, err
	}
	var rep *Repeat
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if c.CustomerID != 0 {
			if err := exists(ctx, tx, c.CustomerID); err != nil {
				return err
			}
		}
		earlier, err := s.earlier(ctx, tx, c.CustomerID, c.Number, c.StartedAt, 0)
		if err != nil {
			return err
		}
		rep = &Repeat{Earlier: earlier}
		if len(earlier) > 0 {
			c.RepeatOf = earlier[0].ID
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO contacts (customer_id, channel, direction, from_addr, to_addr, number, started_at, ended_at, agent_id, summary, repeat_of)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
			nullID(c.CustomerID), c.Channel, c.Direction, c.From, c.To, c.Number, c.StartedAt, nullTime(c.EndedAt), nullID(c.AgentID), c.Summary, nullID(c.RepeatOf)).Scan(&c.ID); err != nil {
			return fmt.Errorf("crm: record contact: %w", err)
		}
		data := map[string]any{"channel": c.Channel, "direction": c.Direction, "number": c.Number, "summary": c.Summary}
		if c.RepeatOf != 0 {
			data["repeat_of"] = c.RepeatOf
			data["repeats"] = len(earlier)
		}
		if !c.EndedAt.IsZero() {
			data["seconds"] = int(c.EndedAt.Sub(c.StartedAt).Seconds())
		}
		return s.events.Append(ctx, tx, &events.Event{Kind: "contact." + c.Channel, At: c.StartedAt, ActorID: c.AgentID,
			CustomerID: c.CustomerID, ContactID: c.ID, Data: data})
	})
	if err != nil {
		return nil, err
	}
	s.events.Notify()
	if rep.OpenTickets, err = s.openTickets(ctx, c.CustomerID); err != nil {
		return nil, err
	}
	return rep, nil
}

// EndContact completes a contact when it ends: its end time and the agent who served it
// (agentID 0 keeps the agent as it is), so that the customer's history tells who they
// spoke to and the next contact can be offered to the same agent.
func (s *Store) EndContact(ctx context.Context, id, agentID int64, endedAt time.Time) error {
	endedAt = endedAt.UTC().Truncate(time.Microsecond)
	res, err := s.db.Write().ExecContext(ctx, `UPDATE contacts SET ended_at = $1, agent_id = COALESCE($2, agent_id)
		WHERE id = $3 AND started_at <= $1`, endedAt, nullID(agentID), id)
	if err != nil {
		return fmt.Errorf("crm: end contact %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, "Contact %d not found, or it started after %s.", id, endedAt.Format(time.RFC3339)).WithKey("not_found")
	}
	return nil
}

// prepareContact checks and completes a contact before it is stored.
func (s *Store) prepareContact(ctx context.Context, c *Contact) error {
	var p problems
	if !slices.Contains(Channels, c.Channel) {
		p.add("channel", fieldErr("channel", "contact_channel", "Channel must be call, chat, email, sms or visit."))
	}
	if c.Direction == "" {
		c.Direction = Inbound
	}
	if c.Direction != Inbound && c.Direction != Outbound {
		p.add("direction", fieldErr("direction", "contact_direction", "Direction must be in or out."))
	}
	c.From, c.To, c.Summary = strings.TrimSpace(c.From), strings.TrimSpace(c.To), strings.TrimSpace(c.Summary)
	if utf8.RuneCountInString(c.Summary) > 2000 || len(c.From) > 200 || len(c.To) > 200 {
		p.add("summary", fieldErr("summary", "contact_long", "A summary must have at most 2000 characters, addresses 200."))
	}
	if c.StartedAt.IsZero() {
		c.StartedAt = s.clock()
	}
	c.StartedAt = c.StartedAt.UTC().Truncate(time.Microsecond)
	if !c.EndedAt.IsZero() {
		c.EndedAt = c.EndedAt.UTC().Truncate(time.Microsecond)
		if c.EndedAt.Before(c.StartedAt) {
			p.add("ended_at", fieldErr("ended_at", "contact_times", "A contact cannot end before it starts."))
		}
	}
	if c.Number == "" {
		c.Number = c.From
		if c.Direction == Outbound {
			c.Number = c.To
		}
	}
	c.Number = contactNumber(c.Channel, c.Number)
	if c.CustomerID == 0 && c.Number == "" && c.Summary == "" {
		p.add("number", fieldErr("number", "contact_who", "A contact needs a customer, a number or address, or a summary."))
	}
	if err := p.err(); err != nil {
		return err
	}
	if c.CustomerID == 0 && c.Number != "" {
		id, err := s.customerByNumber(ctx, c.Channel, c.Number)
		if err != nil {
			return err
		}
		c.CustomerID = id
	}
	return nil
}

// contactNumber is the stored form of the customer's side of a contact: a normalized
// phone number when it is one, a lower-case email address, or the trimmed text.
func contactNumber(channel, raw string) string {
	raw = strings.TrimSpace(raw)
	if n, err := NormalizePhone(raw); err == nil {
		return n
	}
	if channel == ChannelEmail || strings.Contains(raw, "@") {
		return strings.ToLower(raw)
	}
	return raw
}

// customerByNumber finds the one customer with a phone number or email; 0 when none or
// several have it (the agent then picks).
func (s *Store) customerByNumber(ctx context.Context, channel, number string) (int64, error) {
	q := `SELECT DISTINCT customer_id FROM customer_phones WHERE number = $1 LIMIT 2`
	if strings.Contains(number, "@") {
		q = `SELECT DISTINCT customer_id FROM customer_emails WHERE address = $1 LIMIT 2`
	}
	rows, err := s.db.Read().QueryContext(ctx, q, number)
	if err != nil {
		return 0, fmt.Errorf("crm: customer by number: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return 0, err
		}
		ids = append(ids, id)
	}
	if len(ids) != 1 {
		return 0, rows.Err()
	}
	return ids[0], rows.Err()
}

// CheckRepeat tells, before a contact is recorded (as the phone rings), whether the
// customer (or, when customerID is 0, the number in any format) had contacts within the
// repeat window, and the customer's open tickets.
func (s *Store) CheckRepeat(ctx context.Context, customerID int64, rawNumber string) (*Repeat, error) {
	number := contactNumber("", rawNumber)
	if customerID == 0 && number != "" {
		id, err := s.customerByNumber(ctx, "", number)
		if err != nil {
			return nil, err
		}
		customerID = id
	}
	earlier, err := s.earlier(ctx, s.db.Read(), customerID, number, s.clock(), 0)
	if err != nil {
		return nil, err
	}
	rep := &Repeat{Earlier: earlier}
	if rep.OpenTickets, err = s.openTickets(ctx, customerID); err != nil {
		return nil, err
	}
	return rep, nil
}

// EarlierContacts returns the contacts within the repeat window before contact id.
func (s *Store) EarlierContacts(ctx context.Context, id int64) ([]Contact, error) {
	cs, err := queryContacts(ctx, s.db.Read(), "WHERE id = $1", id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, errs.E(errs.NotFound, "Contact %d not found.", id).WithKey("not_found")
	}
	return s.earlier(ctx, s.db.Read(), cs[0].CustomerID, cs[0].Number, cs[0].StartedAt, id)
}

// earlier lists contacts of the customer (or of the number when the customer is unknown)
// started in [at - window, at], newest first, except contact skip.
func (s *Store) earlier(ctx context.Context, q db.Queryer, customerID int64, number string, at time.Time, skip int64) ([]Contact, error) {
	from := at.Add(-s.window)
	if customerID != 0 {
		return queryContacts(ctx, q, "WHERE customer_id = $1 AND started_at >= $2 AND started_at <= $3 AND id <> $4 ORDER BY started_at DESC, id DESC LIMIT 50",
			customerID, from, at, skip)
	}
	if number == "" {
		return nil, nil
	}
	return queryContacts(ctx, q, "WHERE number = $1 AND started_at >= $2 AND started_at <= $3 AND id <> $4 ORDER BY started_at DESC, id DESC LIMIT 50",
		number, from, at, skip)
}

func (s *Store) openTickets(ctx context.Context, customerID int64) ([]TicketRef, error) {
	if s.tickets == nil || customerID == 0 {
		return nil, nil
	}
	return s.tickets.OpenTicketsOf(ctx, customerID)
}

// ContactFilter selects contacts.
type ContactFilter struct {
	CustomerID int64
	Number     string // any format
	Limit      int    // default 50, at most 500
	Offset     int
}

// Contacts lists contacts newest first.
func (s *Store) Contacts(ctx context.Context, f ContactFilter) ([]Contact, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	var conds []string
	var args []any
	if f.CustomerID != 0 {
		args = append(args, f.CustomerID)
		conds = append(conds, fmt.Sprintf("customer_id = $%d", len(args)))
	}
	if f.Number != "" {
		args = append(args, contactNumber("", f.Number))
		conds = append(conds, fmt.Sprintf("number = $%d", len(args)))
	}
	where := ""
	if len(conds) > 0 {
		where = "WHERE " + strings.Join(conds, " AND ")
	}
	args = append(args, f.Limit, f.Offset)
	return queryContacts(ctx, s.db.Read(), fmt.Sprintf("%s ORDER BY started_at DESC, id DESC LIMIT $%d OFFSET $%d", where, len(args)-1, len(args)), args...)
}

func queryContacts(ctx context.Context, q db.Queryer, rest string, args ...any) ([]Contact, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, customer_id, channel, direction, from_addr, to_addr, number, started_at, ended_at, agent_id, summary, repeat_of FROM contacts `+rest, args...)
	if err != nil {
		return nil, fmt.Errorf("crm: contacts: %w", err)
	}
	defer rows.Close()
	var out []Contact
	for rows.Next() {
		var c Contact
		var customer, agent, repeat sql.NullInt64
		var ended sql.NullTime
		if err := rows.Scan(&c.ID, &customer, &c.Channel, &c.Direction, &c.From, &c.To, &c.Number, &c.StartedAt, &ended, &agent, &c.Summary, &repeat); err != nil {
			return nil, fmt.Errorf("crm: scan contact: %w", err)
		}
		c.CustomerID, c.AgentID, c.RepeatOf, c.EndedAt = customer.Int64, agent.Int64, repeat.Int64, ended.Time
		out = append(out, c)
	}
	return out, rows.Err()
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

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
