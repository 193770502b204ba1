package contact

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// Disposition is one of a queue's disposition codes, chosen by the agent at wrap-up.
type Disposition struct {
	Code           string
	NameZH, NameEN string
}

// Dispositions returns a queue's disposition codes in their order.
func (s *Store) Dispositions(ctx context.Context, queue string) ([]Disposition, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT code, name_zh, name_en FROM queue_dispositions WHERE queue = $1 ORDER BY position, id`, queue)
	if err != nil {
		return nil, fmt.Errorf("contact: dispositions of %s: %w", queue, err)
	}
	defer rows.Close()
	var out []Disposition
	for rows.Next() {
		var d Disposition
		if err := rows.Scan(&d.Code, &d.NameZH, &d.NameEN); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SetDispositions replaces a queue's disposition codes.
func (s *Store) SetDispositions(ctx context.Context, queue string, ds []Disposition) error {
	seen := map[string]bool{}
	for _, d := range ds {
		if d.Code == "" || len(d.Code) > 32 || strings.TrimSpace(d.NameZH) == "" || strings.TrimSpace(d.NameEN) == "" {
			return errs.Field("dispositions", "Each disposition needs a code of at most 32 characters and a Chinese and an English name.").WithKey("disposition_invalid")
		}
		if seen[d.Code] {
			return errs.Field("dispositions", "Disposition codes must differ.").WithKey("disposition_duplicate")
		}
		seen[d.Code] = true
	}
	if queue == "" {
		return errs.Field("queue", "Name the queue.").WithKey("queue_code")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM queue_dispositions WHERE queue = $1`, queue); err != nil {
			return fmt.Errorf("contact: dispositions of %s: %w", queue, err)
		}
		for i, d := range ds {
			if _, err := tx.ExecContext(ctx, `INSERT INTO queue_dispositions (queue, code, name_zh, name_en, position) VALUES ($1, $2, $3, $4, $5)`,
				queue, d.Code, strings.TrimSpace(d.NameZH), strings.TrimSpace(d.NameEN), i); err != nil {
				return fmt.Errorf("contact: disposition %s of %s: %w", d.Code, queue, err)
			}
		}
		return nil
	})
}

// WrapUpRecord is an agent's stored wrap-up of a call.
type WrapUpRecord struct {
	CallID      int64
	AgentID     int64
	Disposition string
	Resolved    bool
	Note        string
	FollowUpAt  time.Time
	CreatedAt   time.Time
}

// SaveWrapUp stores a wrap-up and appends "call.wrapped_up" in the same transaction. A
// call is wrapped up once per agent (Conflict).
func (s *Store) SaveWrapUp(ctx context.Context, w *WrapUpRecord, customerID int64) error {
	w.CreatedAt = utc(w.CreatedAt)
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO call_wrapups (call_id, agent_id, disposition, resolved, note, follow_up_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, w.CallID, w.AgentID, w.Disposition, w.Resolved, w.Note, nullTime(w.FollowUpAt), w.CreatedAt)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "This call is wrapped up already.").WithKey("wrapup_done")
		}
		if err != nil {
			return err
		}
		data := map[string]any{"call_id": w.CallID, "agent_id": w.AgentID, "disposition": w.Disposition, "resolved": w.Resolved}
		if !w.FollowUpAt.IsZero() {
			data["follow_up_at"] = w.FollowUpAt.UTC().Format(time.RFC3339)
		}
		return s.events.Append(ctx, tx, &events.Event{At: w.CreatedAt, Kind: "call.wrapped_up", CustomerID: customerID, ActorID: w.AgentID, Data: data})
	})
	if err != nil {
		return fmt.Errorf("contact: wrap up call %d: %w", w.CallID, err)
	}
	s.events.Notify()
	return nil
}

// WrapUpOf returns an agent's wrap-up of a call (NotFound when there is none).
func (s *Store) WrapUpOf(ctx context.Context, callID, agentID int64) (*WrapUpRecord, error) {
	w := &WrapUpRecord{CallID: callID, AgentID: agentID}
	var follow sql.NullTime
	err := s.db.Read().QueryRowContext(ctx, `SELECT disposition, resolved, note, follow_up_at, created_at FROM call_wrapups WHERE call_id = $1 AND agent_id = $2`,
		callID, agentID).Scan(&w.Disposition, &w.Resolved, &w.Note, &follow, &w.CreatedAt)
	if err == sql.ErrNoRows {
		return nil, errs.E(errs.NotFound, "No wrap-up.").WithKey("wrapup_missing")
	}
	if err != nil {
		return nil, fmt.Errorf("contact: wrap-up of call %d: %w", callID, err)
	}
	w.FollowUpAt = follow.Time
	return w, nil
}

// FollowUpTask is a to-do an agent leaves themself at wrap-up: call the customer again.
type FollowUpTask struct {
	CallID     int64
	AgentID    int64
	CustomerID int64
	At         time.Time
	Note       string
}

// validWrapUp checks a wrap-up against the queue's dispositions and returns its follow-up
// time (zero for none).
func (s *Store) validWrapUp(ctx context.Context, queue string, w WrapUp, now time.Time) (time.Time, error) {
	var follow time.Time
	codes, err := s.Dispositions(ctx, queue)
	if err != nil {
		return follow, err
	}
	switch {
	case len(codes) > 0 && !slices.ContainsFunc(codes, func(d Disposition) bool { return d.Code == w.Disposition }):
		return follow, errs.Field("disposition", "Choose one of the queue's dispositions.").WithKey("wrapup_disposition")
	case len(w.Disposition) > 32:
		return follow, errs.Field("disposition", "A disposition has at most 32 characters.").WithKey("wrapup_disposition")
	case utf8.RuneCountInString(w.Note) > 4000:
		return follow, errs.Field("note", "The note has at most 4000 characters.").WithKey("wrapup_note")
	}
	if w.FollowUpAt != "" {
		if follow, err = time.Parse(time.RFC3339, w.FollowUpAt); err != nil {
			return follow, errs.Field("follow_up_at", "Give the follow-up time as a date and time.").WithKey("wrapup_follow_up")
		}
		if !follow.After(now) {
			return follow, errs.Field("follow_up_at", "The follow-up must be in the future.").WithKey("wrapup_follow_up")
		}
	}
	return follow, nil
}

// EndWrapUp records the agent's wrap-up of their last call and makes the agent available
// again (unless the wrap-up time has ended already). A follow-up time leaves the agent a
// to-do through Tasks.
func (s *Switchboard) EndWrapUp(ctx context.Context, agent int64, w WrapUp) error {
	var last agentWork
	var st acd.AgentStatus
	_ = s.do(ctx, func(time.Time) ([]acd.Action, error) {
		last = s.lastCall[agent]
		st, _ = s.router.Agent(agent)
		return nil, nil
	})
	if last.callID == 0 {
		return errs.E(errs.Conflict, "You have no call to wrap up.").WithKey("wrapup_no_call")
	}
	call, err := s.Store.Get(ctx, last.callID)
	if err != nil {
		return err
	}
	now := s.now()
	w.Note = strings.TrimSpace(w.Note)
	follow, err := s.Store.validWrapUp(ctx, call.Queue, w, now)
	if err != nil {
		return err
	}
	rec := &WrapUpRecord{CallID: call.ID, AgentID: agent, Disposition: w.Disposition, Resolved: w.Resolved, Note: w.Note, FollowUpAt: follow, CreatedAt: now}
	if err := s.Store.SaveWrapUp(ctx, rec, call.CustomerID); err != nil {
		return err
	}
	if !follow.IsZero() {
		if err := s.Tasks.FollowUp(ctx, FollowUpTask{CallID: call.ID, AgentID: agent, CustomerID: call.CustomerID, At: follow, Note: w.Note}); err != nil {
			return fmt.Errorf("contact: follow-up of call %d: %w", call.ID, err)
		}
	}
	if st.State != acd.WrapUp {
		return nil
	}
	err = s.Available(ctx, agent)
	if errs.Is(err, errs.Conflict) { // the wrap-up time ended meanwhile
		return nil
	}
	return err
}
