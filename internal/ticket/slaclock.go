package ticket

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/calendar"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/sla"
)

// WarnFraction is the share of an SLA target after which a clock warns.
const WarnFraction = 0.8

// SLA states shown on tickets.
const (
	SLANone     = ""         // the type sets no targets
	SLAOK       = "ok"       // running, within target
	SLAWarning  = "warning"  // past WarnFraction of a target
	SLABreached = "breached" // a target passed before its clock stopped
	SLAPaused   = "paused"   // waiting on the customer
	SLAMet      = "met"      // every clock stopped within target
)

// SLAView is a ticket's clocks now, for pages and the API.
type SLAView struct {
	State    sla.State
	Status   string    // one of the SLA states
	Due      time.Time // the running clock's due time; zero when none runs
	Calendar string    // the calendar's name in Chinese and English, "" for around the clock
	Pauses   []sla.Interval
}

// calendarFor returns the schedule a type's clocks count in: its own calendar, else the
// center's first calendar, else nil (around the clock).
func (s *Service) calendarFor(ctx context.Context, q db.Queryer, typ *Type) (*calendar.Schedule, *calendar.Calendar, error) {
	id := typ.CalendarID
	if id == 0 {
		var first sql.NullInt64
		if err := q.QueryRowContext(ctx, `SELECT min(id) FROM calendars`).Scan(&first); err != nil {
			return nil, nil, fmt.Errorf("ticket: default calendar: %w", err)
		}
		if !first.Valid {
			return nil, nil, nil
		}
		id = first.Int64
	}
	cal, err := s.cals.Get(ctx, id)
	if err != nil {
		return nil, nil, fmt.Errorf("ticket: calendar %d: %w", id, err)
	}
	sch, err := cal.Schedule()
	if err != nil {
		return nil, nil, fmt.Errorf("ticket: calendar %d: %w", id, err)
	}
	return sch, cal, nil
}

// Policy returns the SLA policy of a type.
func (s *Service) policy(ctx context.Context, q db.Queryer, typ *Type) (sla.Policy, *calendar.Calendar, error) {
	sch, cal, err := s.calendarFor(ctx, q, typ)
	if err != nil {
		return sla.Policy{}, nil, err
	}
	return sla.Policy{FirstResponse: time.Duration(typ.FirstResponseMinutes) * time.Minute, Resolution: time.Duration(typ.ResolutionMinutes) * time.Minute,
		WarnAt: WarnFraction, Calendar: sch}, cal, nil
}

func pausesOf(ctx context.Context, q db.Queryer, ticketID int64) ([]sla.Interval, error) {
	rows, err := q.QueryContext(ctx, `SELECT from_at, to_at FROM ticket_sla_pauses WHERE ticket_id = $1 ORDER BY from_at, id`, ticketID)
	if err != nil {
		return nil, fmt.Errorf("ticket: pauses %d: %w", ticketID, err)
	}
	defer rows.Close()
	var out []sla.Interval
	for rows.Next() {
		var iv sla.Interval
		var to sql.NullTime
		if err := rows.Scan(&iv.From, &to); err != nil {
			return nil, err
		}
		iv.To = to.Time
		out = append(out, iv)
	}
	return out, rows.Err()
}

// slaOf computes a ticket's clocks at now.
func (s *Service) slaOf(ctx context.Context, q db.Queryer, t *Ticket, typ *Type, now time.Time) (*SLAView, error) {
	pol, cal, err := s.policy(ctx, q, typ)
	if err != nil {
		return nil, err
	}
	pauses, err := pausesOf(ctx, q, t.ID)
	if err != nil {
		return nil, err
	}
	h := sla.History{CreatedAt: t.CreatedAt, Paused: pauses, FirstRespondedAt: t.FirstResponseAt, ResolvedAt: t.ResolvedAt}
	if h.ResolvedAt.IsZero() && !t.ClosedAt.IsZero() {
		h.ResolvedAt = t.ClosedAt
	}
	v := &SLAView{State: pol.State(h, now), Pauses: pauses}
	if cal != nil {
		v.Calendar = cal.NameZH + " / " + cal.NameEN
	}
	v.Status, v.Due = summarize(v.State)
	return v, nil
}

// summarize gives one state and the due time of the running clock.
func summarize(st sla.State) (string, time.Time) {
	clocks := []sla.ClockState{st.FirstResponse, st.Resolution}
	has, breached, warning, paused, running := false, false, false, false, false
	var due time.Time
	for _, c := range clocks {
		if c.Target <= 0 {
			continue
		}
		has = true
		breached = breached || c.Breached
		warning = warning || c.Warning
		if !c.Stopped {
			running = true
			paused = paused || c.Paused
			if due.IsZero() {
				due = c.Due
			}
		}
	}
	switch {
	case !has:
		return SLANone, time.Time{}
	case breached:
		return SLABreached, due
	case !running:
		return SLAMet, time.Time{}
	case paused:
		return SLAPaused, due
	case warning:
		return SLAWarning, due
	}
	return SLAOK, due
}

// SLA returns a ticket's clocks now, if p may see the ticket.
func (s *Service) SLA(ctx context.Context, p *auth.Principal, id int64) (*SLAView, error) {
	t, typ, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return s.slaOf(ctx, s.db.Read(), t, typ, s.clock())
}

// SLAs returns the clocks of listed tickets now, by ticket id (for badges).
func (s *Service) SLAs(ctx context.Context, ts []*Ticket) (map[int64]*SLAView, error) {
	types, err := s.Types(ctx)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*Type{}
	for _, t := range types {
		byID[t.ID] = t
	}
	now := s.clock()
	out := map[int64]*SLAView{}
	for _, t := range ts {
		typ := byID[t.TypeID]
		if typ == nil {
			continue
		}
		v, err := s.slaOf(ctx, s.db.Read(), t, typ, now)
		if err != nil {
			return nil, err
		}
		out[t.ID] = v
	}
	return out, nil
}

// refreshSLA stores the ticket's SLA state and due time for sorting and badges.
func (s *Service) refreshSLA(ctx context.Context, tx *sql.Tx, t *Ticket, typ *Type, now time.Time) error {
	v, err := s.slaOf(ctx, tx, t, typ, now)
	if err != nil {
		return err
	}
	t.SLAState, t.SLADueAt = v.Status, v.Due
	if _, err := tx.ExecContext(ctx, `UPDATE tickets SET sla_state = $1, sla_due_at = $2 WHERE id = $3`, v.Status, nullTime(v.Due), t.ID); err != nil {
		return fmt.Errorf("ticket: sla of %d: %w", t.ID, err)
	}
	return nil
}

// trackPause opens a pause when a ticket starts waiting on the customer and closes it
// when the ticket stops waiting.
func (s *Service) trackPause(ctx context.Context, tx *sql.Tx, ticketID int64, from, to Category, now time.Time) error {
	var err error
	switch {
	case to == CatWaiting && from != CatWaiting:
		_, err = tx.ExecContext(ctx, `INSERT INTO ticket_sla_pauses (ticket_id, from_at) VALUES ($1, $2)`, ticketID, now)
	case from == CatWaiting && to != CatWaiting:
		_, err = tx.ExecContext(ctx, `UPDATE ticket_sla_pauses SET to_at = $1 WHERE ticket_id = $2 AND to_at IS NULL`, now, ticketID)
	}
	if err != nil {
		return fmt.Errorf("ticket: sla pause %d: %w", ticketID, err)
	}
	return nil
}

// markResponded records the first response to a ticket (a public note or a reply by
// staff), once.
func (s *Service) markResponded(ctx context.Context, tx *sql.Tx, t *Ticket, typ *Type, now time.Time) error {
	if !t.FirstResponseAt.IsZero() {
		return nil
	}
	t.FirstResponseAt = now
	if _, err := tx.ExecContext(ctx, `UPDATE tickets SET first_response_at = $1 WHERE id = $2 AND first_response_at IS NULL`, now, t.ID); err != nil {
		return err
	}
	return s.refreshSLA(ctx, tx, t, typ, now)
}
