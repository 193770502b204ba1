package contact

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// Call is a call record.
type Call struct {
	ID               int64
	UID              string // the voice engine's call id
	Direction        string
	From             string // caller id as received
	Caller           string // caller id normalized; "" when it is not a phone number
	Dialed           string
	CustomerID       int64
	ContactID        int64
	Repeat           bool
	EarlierContacts  []int64
	VIPLevel         int
	IVRTrace         []string
	Queue            string
	AgentID          int64
	Status           Status
	StartedAt        time.Time
	QueuedAt         time.Time
	AnsweredAt       time.Time
	EndedAt          time.Time
	LastActivityAt   time.Time
	WaitSeconds      int
	TalkSeconds      int
	EndCause         string
	EndedBy          string
	RecordingPath    string // relative to the data folder
	RecordingSeconds int
	RecordingPurged  time.Time
	VoicemailPath    string // relative to the data folder
	VoicemailSeconds int
	BlockID          int64

	// Filled in by List and Get for display.
	AgentName    string
	CustomerName string
}

// HasRecording reports whether the call has a recording file that was not purged.
func (c *Call) HasRecording() bool { return c.RecordingPath != "" && c.RecordingPurged.IsZero() }

// QueueEvent is one entry of a call's queue event log.
type QueueEvent struct {
	ID          int64
	CallID      int64
	At          time.Time
	Kind        string
	Queue       string
	AgentID     int64
	WaitSeconds int
	Detail      string
}

// Store reads and writes call records and queue events, and appends the calls' events to
// the event log in the same transactions.
type Store struct {
	db      *db.DB
	events  *events.Log
	dataDir string
}

// NewStore returns a Store over d whose recordings live under dataDir.
func NewStore(d *db.DB, ev *events.Log, dataDir string) *Store {
	return &Store{db: d, events: ev, dataDir: dataDir}
}

// Path returns the absolute path of a file stored relative to the data folder.
func (s *Store) Path(rel string) string { return filepath.Join(s.dataDir, filepath.FromSlash(rel)) }

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return utc(t)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	if string(b) == "null" {
		return "[]"
	}
	return string(b)
}

// Begin inserts the record of a call that has just arrived, before anything is done
// with it: write first, then act.
func (s *Store) Begin(ctx context.Context, c *Call) error {
	c.Status = StatusActive
	c.StartedAt = utc(c.StartedAt)
	c.LastActivityAt = c.StartedAt
	err := s.db.Write().QueryRowContext(ctx, `INSERT INTO calls (uid, direction, from_number, caller, dialed, status, started_at, last_activity_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, c.UID, c.Direction, c.From, c.Caller, c.Dialed, string(c.Status), c.StartedAt).Scan(&c.ID)
	if err != nil {
		return fmt.Errorf("contact: begin call %s: %w", c.UID, err)
	}
	return nil
}

// save writes every changing field of c, an optional queue event and events, in one
// transaction; the caller calls Notify afterwards through Save.
func (s *Store) save(ctx context.Context, tx *sql.Tx, c *Call, at time.Time) error {
	c.LastActivityAt = utc(at)
	_, err := tx.ExecContext(ctx, `UPDATE calls SET customer_id = $1, contact_id = $2, repeat_caller = $3, earlier_contacts = $4,
		vip_level = $5, ivr_trace = $6, queue = $7, agent_id = $8, status = $9, queued_at = $10, answered_at = $11, ended_at = $12,
		last_activity_at = $13, wait_seconds = $14, talk_seconds = $15, end_cause = $16, ended_by = $17, recording_path = $18,
		recording_seconds = $19, voicemail_path = $20, voicemail_seconds = $21, block_id = $22 WHERE id = $23`,
		nullID(c.CustomerID), nullID(c.ContactID), c.Repeat, jsonOf(c.EarlierContacts), c.VIPLevel, jsonOf(c.IVRTrace), c.Queue,
		nullID(c.AgentID), string(c.Status), nullTime(c.QueuedAt), nullTime(c.AnsweredAt), nullTime(c.EndedAt), c.LastActivityAt,
		c.WaitSeconds, c.TalkSeconds, c.EndCause, c.EndedBy, c.RecordingPath, c.RecordingSeconds, c.VoicemailPath,
		c.VoicemailSeconds, nullID(c.BlockID), c.ID)
	if err != nil {
		return fmt.Errorf("contact: save call %d: %w", c.ID, err)
	}
	return nil
}

// Change is what one step of a call writes: the record, a queue event, log events.
type Change struct {
	At     time.Time
	Queue  *QueueEvent    // optional
	Events []string       // event kinds to append ("call.answered"), with the call's data
	Data   map[string]any // extra data for the events
	Actor  int64          // the events' actor (the agent), 0 for none
	// Console marks events that are signals for the agent's console (call.offered), not
	// part of the customer's timeline: they are appended without the customer.
	Console bool
}

// Save writes the record of c with the change in one transaction and wakes the event
// log's readers.
func (s *Store) Save(ctx context.Context, c *Call, ch Change) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.save(ctx, tx, c, ch.At); err != nil {
			return err
		}
		if q := ch.Queue; q != nil {
			q.CallID, q.At = c.ID, utc(ch.At)
			if err := s.addQueueEvent(ctx, tx, q); err != nil {
				return err
			}
		}
		for _, kind := range ch.Events {
			data := map[string]any{"call_id": c.ID, "from": c.From, "dialed": c.Dialed, "status": string(c.Status)}
			if c.Queue != "" {
				data["queue"] = c.Queue
			}
			if c.AgentID != 0 {
				data["agent_id"] = c.AgentID
			}
			for k, v := range ch.Data {
				data[k] = v
			}
			e := &events.Event{At: ch.At, Kind: kind, CustomerID: c.CustomerID, ContactID: c.ContactID, ActorID: ch.Actor, Data: data}
			if ch.Console {
				e.CustomerID, e.ContactID = 0, 0
			}
			if err := s.events.Append(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(ch.Events) > 0 {
		s.events.Notify()
	}
	return nil
}

func (s *Store) addQueueEvent(ctx context.Context, q db.Queryer, e *QueueEvent) error {
	err := q.QueryRowContext(ctx, `INSERT INTO call_queue_events (call_id, at, kind, queue, agent_id, wait_seconds, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, e.CallID, utc(e.At), e.Kind, e.Queue, nullID(e.AgentID), e.WaitSeconds, e.Detail).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("contact: queue event %s of call %d: %w", e.Kind, e.CallID, err)
	}
	return nil
}

// AddQueueEvent appends one queue event to a call's log and marks the call active at its
// time.
func (s *Store) AddQueueEvent(ctx context.Context, e *QueueEvent) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE calls SET last_activity_at = $1 WHERE id = $2`, utc(e.At), e.CallID); err != nil {
			return err
		}
		return s.addQueueEvent(ctx, tx, e)
	})
}

// QueueEvents returns a call's queue events in the order they happened.
func (s *Store) QueueEvents(ctx context.Context, callID int64) ([]QueueEvent, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, call_id, at, kind, queue, agent_id, wait_seconds, detail
		FROM call_queue_events WHERE call_id = $1 ORDER BY id`, callID)
	if err != nil {
		return nil, fmt.Errorf("contact: queue events of %d: %w", callID, err)
	}
	defer rows.Close()
	var out []QueueEvent
	for rows.Next() {
		var e QueueEvent
		var agent sql.NullInt64
		if err := rows.Scan(&e.ID, &e.CallID, &e.At, &e.Kind, &e.Queue, &agent, &e.WaitSeconds, &e.Detail); err != nil {
			return nil, err
		}
		e.AgentID = agent.Int64
		out = append(out, e)
	}
	return out, rows.Err()
}

// CountFrom counts the calls from a normalized number that started at or after since.
func (s *Store) CountFrom(ctx context.Context, caller string, since time.Time) (int, error) {
	var n int
	err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM calls WHERE caller = $1 AND started_at >= $2 AND direction <> 'outbound'`, caller, utc(since)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("contact: count calls from %s: %w", caller, err)
	}
	return n, nil
}

// Filter selects call records, newest first.
type Filter struct {
	From, To time.Time // started at or after From, before To (zero: open)
	Number   string    // part of the caller's or the dialed number
	AgentID  int64
	Queue    string
	Status   Status
	Limit    int // default 50, at most 500
	Offset   int
}

const callColumns = `c.id, c.uid, c.direction, c.from_number, c.caller, c.dialed, c.customer_id, c.contact_id, c.repeat_caller,
	c.earlier_contacts, c.vip_level, c.ivr_trace, c.queue, c.agent_id, c.status, c.started_at, c.queued_at, c.answered_at,
	c.ended_at, c.last_activity_at, c.wait_seconds, c.talk_seconds, c.end_cause, c.ended_by, c.recording_path,
	c.recording_seconds, c.recording_purged_at, c.voicemail_path, c.voicemail_seconds, c.block_id,
	COALESCE(u.display_name, ''), COALESCE(cu.name, '')`

const callJoins = ` FROM calls c LEFT JOIN users u ON u.id = c.agent_id LEFT JOIN customers cu ON cu.id = c.customer_id`

func scanCall(sc interface{ Scan(...any) error }) (*Call, error) {
	c := &Call{}
	var customer, contact, agent, block sql.NullInt64
	var queued, answered, ended, purged sql.NullTime
	var earlier, trace, status string
	err := sc.Scan(&c.ID, &c.UID, &c.Direction, &c.From, &c.Caller, &c.Dialed, &customer, &contact, &c.Repeat, &earlier,
		&c.VIPLevel, &trace, &c.Queue, &agent, &status, &c.StartedAt, &queued, &answered, &ended, &c.LastActivityAt,
		&c.WaitSeconds, &c.TalkSeconds, &c.EndCause, &c.EndedBy, &c.RecordingPath, &c.RecordingSeconds, &purged,
		&c.VoicemailPath, &c.VoicemailSeconds, &block, &c.AgentName, &c.CustomerName)
	if err != nil {
		return nil, err
	}
	c.CustomerID, c.ContactID, c.AgentID, c.BlockID = customer.Int64, contact.Int64, agent.Int64, block.Int64
	c.QueuedAt, c.AnsweredAt, c.EndedAt, c.RecordingPurged = queued.Time, answered.Time, ended.Time, purged.Time
	c.Status = Status(status)
	if err := json.Unmarshal([]byte(earlier), &c.EarlierContacts); err != nil {
		return nil, fmt.Errorf("contact: call %d earlier contacts: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(trace), &c.IVRTrace); err != nil {
		return nil, fmt.Errorf("contact: call %d ivr trace: %w", c.ID, err)
	}
	return c, nil
}

// List returns the calls that match f, newest first, and how many match in all.
func (s *Store) List(ctx context.Context, f Filter) ([]*Call, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if !f.From.IsZero() {
		conds = append(conds, "c.started_at >= "+arg(utc(f.From)))
	}
	if !f.To.IsZero() {
		conds = append(conds, "c.started_at < "+arg(utc(f.To)))
	}
	if n := strings.TrimSpace(f.Number); n != "" {
		digits := strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' || r == '+' {
				return r
			}
			return -1
		}, n)
		if strings.HasPrefix(digits, "0") && len(digits) > 3 {
			digits = digits[1:] // 010-... is stored as +8610...
		}
		p := arg("%" + digits + "%")
		conds = append(conds, "(c.from_number LIKE "+p+" OR c.caller LIKE "+p+" OR c.dialed LIKE "+p+")")
	}
	if f.AgentID != 0 {
		conds = append(conds, "c.agent_id = "+arg(f.AgentID))
	}
	if f.Queue != "" {
		conds = append(conds, "c.queue = "+arg(f.Queue))
	}
	if f.Status != "" {
		conds = append(conds, "c.status = "+arg(string(f.Status)))
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := s.db.Read().QueryRowContext(ctx, "SELECT count(*) FROM calls c"+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("contact: count calls: %w", err)
	}
	q := "SELECT " + callColumns + callJoins + where + " ORDER BY c.started_at DESC, c.id DESC LIMIT " + arg(f.Limit) + " OFFSET " + arg(f.Offset)
	rows, err := s.db.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, 0, fmt.Errorf("contact: list calls: %w", err)
	}
	defer rows.Close()
	var out []*Call
	for rows.Next() {
		c, err := scanCall(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// Get returns one call record.
func (s *Store) Get(ctx context.Context, id int64) (*Call, error) {
	c, err := scanCall(s.db.Read().QueryRowContext(ctx, "SELECT "+callColumns+callJoins+" WHERE c.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "No such call.").WithKey("call_not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("contact: call %d: %w", id, err)
	}
	return c, nil
}
