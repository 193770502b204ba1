package contact

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// Agent states are durable: every state the ACD reports (available, ringing, on call,
// wrap-up, break with its reason, logged out) is written to agent_state_log as an
// interval and appended to the event log as "agent.state", in the order the ACD decided.
// The router goroutine never waits for the disk: it hands each change to one writer
// goroutine (stateWriter) that writes them one after the other.

// Break reasons an agent (or a supervisor) may give.
const (
	BreakMeal     = "meal"
	BreakTraining = "training"
	BreakMeeting  = "meeting"
	BreakOther    = "other"
)

// BreakReasons lists the reason codes of a break, in the order the console shows them.
var BreakReasons = []string{BreakMeal, BreakTraining, BreakMeeting, BreakOther}

// reasonOutbound pauses an agent in the ACD during a click-to-dial call; the state log
// shows the agent on a call.
const reasonOutbound = "outbound"

func validBreak(reason string) error {
	if !slices.Contains(BreakReasons, reason) {
		return errs.Field("reason", "Choose a break reason: meal, training, meeting or other.").WithKey("break_reason")
	}
	return nil
}

// StateChange is one agent state change as written to the log.
type StateChange struct {
	Agent    int64
	State    string // acd.State's name
	Reason   string
	Until    time.Time // wrap-up: when it ends by itself
	Queue    string
	CallID   int64
	At       time.Time
	ForcedBy int64 // the supervisor who forced a break or logout
}

// StateInterval is one row of agent_state_log.
type StateInterval struct {
	ID        int64
	AgentID   int64
	State     string
	Reason    string
	Queue     string
	CallID    int64
	StartedAt time.Time
	EndedAt   time.Time // zero while it goes on
}

// WriteState closes the agent's open interval and opens the next (none for logged out),
// appending "agent.state" in the same transaction.
func (s *Store) WriteState(ctx context.Context, ch StateChange) error {
	at := utc(ch.At)
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE agent_state_log SET ended_at = $1 WHERE agent_id = $2 AND ended_at IS NULL`, at, ch.Agent); err != nil {
			return err
		}
		if ch.State != acd.LoggedOut.String() {
			if _, err := tx.ExecContext(ctx, `INSERT INTO agent_state_log (agent_id, state, reason, queue, call_id, started_at) VALUES ($1, $2, $3, $4, $5, $6)`,
				ch.Agent, ch.State, ch.Reason, ch.Queue, nullID(ch.CallID), at); err != nil {
				return err
			}
		}
		data := map[string]any{"state": ch.State, "reason": ch.Reason, "queue": ch.Queue, "call_id": ch.CallID}
		if !ch.Until.IsZero() {
			data["until"] = ch.Until.UTC().Format(time.RFC3339)
		}
		if ch.ForcedBy != 0 {
			data["forced_by"] = ch.ForcedBy
		}
		return s.events.Append(ctx, tx, &events.Event{At: at, Kind: "agent.state", ActorID: ch.Agent, Data: data})
	})
	if err != nil {
		return fmt.Errorf("contact: agent %d state %s: %w", ch.Agent, ch.State, err)
	}
	s.events.Notify()
	return nil
}

// CloseStates ends every open interval at at: a restarted process knows no agent's state,
// and agents log in again.
func (s *Store) CloseStates(ctx context.Context, at time.Time) error {
	_, err := s.db.Write().ExecContext(ctx, `UPDATE agent_state_log SET ended_at = $1 WHERE ended_at IS NULL`, utc(at))
	if err != nil {
		return fmt.Errorf("contact: close agent states: %w", err)
	}
	return nil
}

// StateLog returns an agent's state intervals that started at or after since, in order.
func (s *Store) StateLog(ctx context.Context, agent int64, since time.Time) ([]StateInterval, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, agent_id, state, reason, queue, call_id, started_at, ended_at
		FROM agent_state_log WHERE agent_id = $1 AND started_at >= $2 ORDER BY id`, agent, utc(since))
	if err != nil {
		return nil, fmt.Errorf("contact: state log of %d: %w", agent, err)
	}
	defer rows.Close()
	var out []StateInterval
	for rows.Next() {
		var in StateInterval
		var call sql.NullInt64
		var ended sql.NullTime
		if err := rows.Scan(&in.ID, &in.AgentID, &in.State, &in.Reason, &in.Queue, &call, &in.StartedAt, &ended); err != nil {
			return nil, err
		}
		in.CallID, in.EndedAt = call.Int64, ended.Time
		out = append(out, in)
	}
	return out, rows.Err()
}

// AgentDay is an agent's own statistics since local midnight.
type AgentDay struct {
	Calls       int           // calls answered (inbound) or connected (outbound) and ended
	Outbound    int           // of which click-to-dial calls
	TalkTime    time.Duration // summed talk time
	AvgHandle   time.Duration // average talk plus wrap-up time per call
	WrapUpTime  time.Duration // summed wrap-up time from the state log
	BreakTime   time.Duration
	LoggedIn    time.Duration
	Occupancy   float64 // (talk + wrap-up) / (logged in - break), 0 when not logged in
	CurrentCall int64   // the call the agent is on, 0 for none
}

// AgentToday returns an agent's statistics since midnight in loc (the center's time zone)
// up to now, from the call records and the state log.
func (s *Store) AgentToday(ctx context.Context, agent int64, now time.Time, loc *time.Location) (AgentDay, error) {
	local := now.In(loc)
	midnight := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, loc)
	var d AgentDay
	var talk int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT count(*), COALESCE(sum(talk_seconds), 0), COALESCE(sum(CASE WHEN direction = 'outbound' THEN 1 ELSE 0 END), 0)
		FROM calls WHERE agent_id = $1 AND started_at >= $2 AND answered_at IS NOT NULL AND status <> $3`,
		agent, utc(midnight), string(StatusActive)).Scan(&d.Calls, &talk, &d.Outbound)
	if err != nil {
		return d, fmt.Errorf("contact: agent %d today: %w", agent, err)
	}
	d.TalkTime = time.Duration(talk) * time.Second
	log, err := s.StateLog(ctx, agent, midnight.Add(-24*time.Hour))
	if err != nil {
		return d, err
	}
	for _, in := range log {
		from, to := in.StartedAt, in.EndedAt
		if to.IsZero() {
			to = now
		}
		if from.Before(midnight) {
			from = midnight
		}
		if !to.After(from) {
			continue
		}
		span := to.Sub(from)
		d.LoggedIn += span
		switch in.State {
		case acd.WrapUp.String():
			d.WrapUpTime += span
		case acd.Break.String():
			d.BreakTime += span
		}
		if in.EndedAt.IsZero() && (in.State == acd.OnCall.String() || in.State == acd.WrapUp.String()) {
			d.CurrentCall = in.CallID
		}
	}
	if d.Calls > 0 {
		d.AvgHandle = ((d.TalkTime + d.WrapUpTime) / time.Duration(d.Calls)).Round(time.Second)
	}
	if avail := d.LoggedIn - d.BreakTime; avail > 0 {
		d.Occupancy = float64(d.TalkTime+d.WrapUpTime) / float64(avail)
	}
	return d, nil
}

// stateWriter writes agent state changes in order on its own goroutine, so that the
// router goroutine never waits for the database.
type stateWriter struct {
	store *Store
	log   func(msg string, args ...any)

	mu      sync.Mutex
	pending []StateChange
	wake    chan struct{}
	idle    *sync.Cond
	busy    bool
}

func newStateWriter(store *Store, log func(string, ...any)) *stateWriter {
	w := &stateWriter{store: store, log: log, wake: make(chan struct{}, 1)}
	w.idle = sync.NewCond(&w.mu)
	return w
}

// add queues a change without blocking.
func (w *stateWriter) add(ch StateChange) {
	w.mu.Lock()
	w.pending = append(w.pending, ch)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// run writes until stop is closed, then writes what is left.
func (w *stateWriter) run(stop <-chan struct{}) {
	wctx := context.Background()
	for {
		w.mu.Lock()
		batch := w.pending
		w.pending = nil
		w.busy = len(batch) > 0
		if !w.busy {
			w.idle.Broadcast()
		}
		w.mu.Unlock()
		for _, ch := range batch {
			if err := w.store.WriteState(wctx, ch); err != nil {
				w.log("agent state", "agent", ch.Agent, "state", ch.State, "err", err)
			}
		}
		if len(batch) > 0 {
			continue
		}
		select {
		case <-w.wake:
		case <-stop:
			w.mu.Lock()
			left := len(w.pending) > 0
			w.mu.Unlock()
			if !left {
				return
			}
		}
	}
}

// flush waits until every change added so far is written.
func (w *stateWriter) flush() {
	w.mu.Lock()
	for w.busy || len(w.pending) > 0 {
		w.idle.Wait()
	}
	w.mu.Unlock()
}

// agentWork is what an agent works on, for the state log: the call and its queue.
type agentWork struct {
	callID int64
	queue  string
}

// noteState turns the router's AgentState into a durable change (router goroutine).
func (s *Switchboard) noteState(a acd.AgentState, forcedBy int64) {
	st, reason := a.State.String(), a.Reason
	if a.State == acd.Break && a.Reason == reasonOutbound {
		st = acd.OnCall.String()
	}
	w := s.work[a.Agent]
	ch := StateChange{Agent: a.Agent, State: st, Reason: reason, Until: a.Until, Queue: w.queue, CallID: w.callID, At: s.now(), ForcedBy: forcedBy}
	switch a.State {
	case acd.Available, acd.LoggedOut:
		ch.Queue, ch.CallID = "", 0
		delete(s.work, a.Agent)
	case acd.Break:
		if a.Reason != reasonOutbound {
			ch.Queue, ch.CallID = "", 0
			delete(s.work, a.Agent)
		}
	}
	s.states.add(ch)
}

// FlushStates waits until every agent state change so far is written (tests, shutdown).
func (s *Switchboard) FlushStates() { s.states.flush() }

// LoginAt logs an agent in from the console with the phone (extension) they use; "" means
// the agent's own phone from the directory. The agent becomes available in every queue
// they are a member of. A registered phone alone makes the agent reachable, not available
// (unless Options.AutoLogin).
func (s *Switchboard) LoginAt(ctx context.Context, agent int64, ext string) error {
	if ext == "" {
		var err error
		if ext, err = s.Directory.Extension(ctx, agent); err != nil {
			return err
		}
	}
	if ext == "" {
		return errs.Field("extension", "Name the phone you take calls on.").WithKey("agent_extension")
	}
	skills, err := s.Directory.Skills(ctx, agent)
	if err != nil {
		return err
	}
	return s.do(ctx, func(now time.Time) ([]acd.Action, error) {
		acts, err := s.router.AgentLogin(now, agent, skills)
		if err == nil {
			s.phones[agent] = ext
		}
		return acts, err
	})
}

// ForceBreak puts an agent on a break on a supervisor's order (after the current call).
func (s *Switchboard) ForceBreak(ctx context.Context, supervisor, agent int64, reason string) error {
	if err := validBreak(reason); err != nil {
		return err
	}
	return s.do(ctx, func(now time.Time) ([]acd.Action, error) {
		s.forcedBy[agent] = supervisor
		return s.router.Break(now, agent, reason)
	})
}

// ForceLogout logs an agent out on a supervisor's order. An agent on a call cannot be
// logged out (Conflict): force a break instead, taken when the call is done.
func (s *Switchboard) ForceLogout(ctx context.Context, supervisor, agent int64) error {
	return s.do(ctx, func(now time.Time) ([]acd.Action, error) {
		s.forcedBy[agent] = supervisor
		acts, err := s.router.AgentLogout(now, agent)
		if err == nil {
			delete(s.phones, agent)
		}
		return acts, err
	})
}

// extension is the phone to ring for an agent: the one named at login, else the
// directory's (router goroutine state read through do).
func (s *Switchboard) extension(ctx context.Context, agent int64) (string, error) {
	var ext string
	_ = s.do(ctx, func(time.Time) ([]acd.Action, error) { ext = s.phones[agent]; return nil, nil })
	if ext != "" {
		return ext, nil
	}
	return s.Directory.Extension(ctx, agent)
}

// AgentToday returns the agent's own statistics since local midnight.
func (s *Switchboard) AgentToday(ctx context.Context, agent int64) (AgentDay, error) {
	return s.Store.AgentToday(ctx, agent, s.now(), s.opt.Location)
}
