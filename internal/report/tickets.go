package report

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/hotlinecc/hotline/internal/calendar"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/sla"
)

// TicketGroup is what ticket KPIs are grouped by.
type TicketGroup string

const (
	TicketsByType    TicketGroup = "type"
	TicketsByChannel TicketGroup = "channel"
)

// TicketRow is the ticket KPIs of one type or channel (Key "" for the total).
type TicketRow struct {
	Key, Label        string
	Created, Closed   int64
	Backlog           int64
	ComplaintsCreated int64
	ComplaintsClosed  int64 // of those created in the period, closed by its end
	CycleHours        float64
	CycleCount        int64 // complaints closed in the period (the cycle time's base)
	// Resolution clocks that stopped in the period (resolved, or closed unresolved) under
	// a type with a resolution target, and how many of them within target.
	SLAResolved, SLAMet int64
	// First responses in the period under a type with a first-response target, and how
	// many within target.
	FirstResponses, FirstResponsesMet int64
}

// Value returns the ticket KPI id of the row; ok is false when it is undefined.
func (t TicketRow) Value(id string) (float64, bool) {
	switch id {
	case "tickets_created":
		return float64(t.Created), true
	case "tickets_closed":
		return float64(t.Closed), true
	case "backlog":
		return float64(t.Backlog), true
	case "complaints_created":
		return float64(t.ComplaintsCreated), true
	case "complaint_closure_rate":
		return ratio(float64(t.ComplaintsClosed), float64(t.ComplaintsCreated))
	case "sla_met":
		return ratio(float64(t.SLAMet), float64(t.SLAResolved))
	case "first_response_met":
		return ratio(float64(t.FirstResponsesMet), float64(t.FirstResponses))
	case "complaint_cycle_hours":
		if t.CycleCount == 0 {
			return 0, false
		}
		return t.CycleHours, true
	}
	return 0, false
}

// TicketResult is the ticket KPIs of a period.
type TicketResult struct {
	Rows  []TicketRow
	Total TicketRow
}

// Tickets computes the ticket KPIs of [from, to) grouped by type or channel.
func (s *Service) Tickets(ctx context.Context, from, to time.Time, by TicketGroup, lang string) (*TicketResult, error) {
	if !from.Before(to) {
		return nil, errs.Field("from", "The start must come before the end.").WithKey("report_range")
	}
	key := "y.code"
	if by == TicketsByChannel {
		key = "t.channel"
	} else if by != TicketsByType {
		return nil, errs.Field("by", fmt.Sprintf("Unknown ticket grouping %q: use type or channel.", by)).WithKey("report_ticket_group", string(by))
	}
	from, to = utc(from), utc(to)
	rows := map[string]*TicketRow{}
	get := func(k string) *TicketRow {
		if rows[k] == nil {
			rows[k] = &TicketRow{Key: k}
		}
		return rows[k]
	}
	counts := []struct {
		where string
		dst   func(*TicketRow) *int64
		args  []any
	}{
		{`t.created_at >= $1 AND t.created_at < $2`, func(r *TicketRow) *int64 { return &r.Created }, []any{from, to}},
		{`t.closed_at >= $1 AND t.closed_at < $2`, func(r *TicketRow) *int64 { return &r.Closed }, []any{from, to}},
		{`t.created_at < $1 AND (t.closed_at IS NULL OR t.closed_at >= $1)`, func(r *TicketRow) *int64 { return &r.Backlog }, []any{to}},
		{`y.complaint = TRUE AND t.created_at >= $1 AND t.created_at < $2`, func(r *TicketRow) *int64 { return &r.ComplaintsCreated }, []any{from, to}},
		{`y.complaint = TRUE AND t.created_at >= $1 AND t.created_at < $2 AND t.closed_at IS NOT NULL AND t.closed_at < $2`,
			func(r *TicketRow) *int64 { return &r.ComplaintsClosed }, []any{from, to}},
	}
	for _, c := range counts {
		q := `SELECT ` + key + `, COUNT(*) FROM tickets t JOIN ticket_types y ON y.id = t.type_id WHERE ` + c.where + ` GROUP BY ` + key
		if err := s.scanCounts(ctx, q, c.args, func(k string, n int64) { *c.dst(get(k)) = n }); err != nil {
			return nil, err
		}
	}
	// Complaint cycle time: read the closed complaints' times (a handful per day) so the
	// arithmetic is the same on both engines.
	rs, err := s.db.Read().QueryContext(ctx, `SELECT `+key+`, t.created_at, t.closed_at FROM tickets t JOIN ticket_types y ON y.id = t.type_id
		WHERE y.complaint = TRUE AND t.closed_at >= $1 AND t.closed_at < $2`, from, to)
	if err != nil {
		return nil, fmt.Errorf("report: complaint cycle times: %w", err)
	}
	sums := map[string]float64{}
	for rs.Next() {
		var k string
		var created, closed time.Time
		if err := rs.Scan(&k, &created, &closed); err != nil {
			rs.Close()
			return nil, err
		}
		sums[k] += closed.Sub(created).Hours()
		get(k).CycleCount++
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return nil, err
	}
	if err := s.slaCounts(ctx, key, from, to, get); err != nil {
		return nil, err
	}
	labels := map[string]string{}
	if by == TicketsByType {
		col := "name_zh"
		if lang == "en" {
			col = "name_en"
		}
		if err := s.scanStrings(ctx, `SELECT code, `+col+` FROM ticket_types`, func(k, v string) { labels[k] = v }); err != nil {
			return nil, err
		}
	}
	res := &TicketResult{}
	var totalCycle float64
	for k, r := range rows {
		r.Label = labels[k]
		if r.Label == "" {
			r.Label = k
		}
		if r.CycleCount > 0 {
			r.CycleHours = sums[k] / float64(r.CycleCount)
		}
		totalCycle += sums[k]
		res.Total.Created += r.Created
		res.Total.Closed += r.Closed
		res.Total.Backlog += r.Backlog
		res.Total.ComplaintsCreated += r.ComplaintsCreated
		res.Total.ComplaintsClosed += r.ComplaintsClosed
		res.Total.CycleCount += r.CycleCount
		res.Total.SLAResolved += r.SLAResolved
		res.Total.SLAMet += r.SLAMet
		res.Total.FirstResponses += r.FirstResponses
		res.Total.FirstResponsesMet += r.FirstResponsesMet
		res.Rows = append(res.Rows, *r)
	}
	if res.Total.CycleCount > 0 {
		res.Total.CycleHours = totalCycle / float64(res.Total.CycleCount)
	}
	slices.SortFunc(res.Rows, func(a, b TicketRow) int { return compareKeys(a.Key, b.Key) })
	return res, nil
}

// slaCounts counts, per key, the SLA clocks that stopped in [from, to) and those that
// stopped within target. The clocks are worked out as the ticket's own SLA clocks are
// (internal/sla over the type's business calendar, or the center's first calendar, or
// around the clock; time waiting on the customer does not count), so the report agrees
// with the SLA badge the ticket showed when its clock stopped.
func (s *Service) slaCounts(ctx context.Context, key string, from, to time.Time, get func(string) *TicketRow) error {
	const where = `FROM tickets t JOIN ticket_types y ON y.id = t.type_id
		WHERE (y.resolution_minutes > 0 AND ((t.resolved_at >= $1 AND t.resolved_at < $2) OR (t.resolved_at IS NULL AND t.closed_at >= $1 AND t.closed_at < $2)))
		OR (y.first_response_minutes > 0 AND t.first_response_at >= $1 AND t.first_response_at < $2)`
	type clocked struct {
		key                             string
		created, responded, resolved    time.Time
		frMinutes, resMinutes, calendar int64
		pauses                          []sla.Interval
	}
	byID := map[int64]*clocked{}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+key+`, t.id, t.created_at, t.first_response_at, t.resolved_at, t.closed_at,
		y.first_response_minutes, y.resolution_minutes, COALESCE(y.calendar_id, 0) `+where, from, to)
	if err != nil {
		return fmt.Errorf("report: sla clocks: %w", err)
	}
	for rows.Next() {
		var c clocked
		var id int64
		var responded, resolved, closed sql.NullTime
		if err := rows.Scan(&c.key, &id, &c.created, &responded, &resolved, &closed, &c.frMinutes, &c.resMinutes, &c.calendar); err != nil {
			rows.Close()
			return fmt.Errorf("report: scan sla clock: %w", err)
		}
		c.responded, c.resolved = responded.Time, resolved.Time
		if !resolved.Valid {
			c.resolved = closed.Time
		}
		byID[id] = &c
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("report: sla clocks: %w", err)
	}
	if len(byID) == 0 {
		return nil
	}
	prs, err := s.db.Read().QueryContext(ctx, `SELECT p.ticket_id, p.from_at, p.to_at FROM ticket_sla_pauses p WHERE p.ticket_id IN (SELECT t.id `+where+`)`, from, to)
	if err != nil {
		return fmt.Errorf("report: sla pauses: %w", err)
	}
	for prs.Next() {
		var id int64
		var iv sla.Interval
		var until sql.NullTime
		if err := prs.Scan(&id, &iv.From, &until); err != nil {
			prs.Close()
			return fmt.Errorf("report: scan sla pause: %w", err)
		}
		iv.To = until.Time
		if c := byID[id]; c != nil {
			c.pauses = append(c.pauses, iv)
		}
	}
	prs.Close()
	if err := prs.Err(); err != nil {
		return fmt.Errorf("report: sla pauses: %w", err)
	}
	var first sql.NullInt64
	if err := s.db.Read().QueryRowContext(ctx, `SELECT min(id) FROM calendars`).Scan(&first); err != nil {
		return fmt.Errorf("report: default calendar: %w", err)
	}
	cals := calendar.NewStore(s.db)
	schedules := map[int64]*calendar.Schedule{0: calendar.AlwaysOpen()}
	schedule := func(id int64) (*calendar.Schedule, error) {
		if id == 0 && first.Valid {
			id = first.Int64
		}
		if sch, ok := schedules[id]; ok {
			return sch, nil
		}
		sch, err := cals.Schedule(ctx, id)
		if err != nil {
			return nil, fmt.Errorf("report: calendar %d: %w", id, err)
		}
		schedules[id] = sch
		return sch, nil
	}
	for _, c := range byID {
		sch, err := schedule(c.calendar)
		if err != nil {
			return err
		}
		pol := sla.Policy{FirstResponse: time.Duration(c.frMinutes) * time.Minute, Resolution: time.Duration(c.resMinutes) * time.Minute, Calendar: sch}
		at := c.resolved
		if c.responded.After(at) {
			at = c.responded
		}
		st := pol.State(sla.History{CreatedAt: c.created, Paused: c.pauses, FirstRespondedAt: c.responded, ResolvedAt: c.resolved}, at)
		r := get(c.key)
		if in(c.resolved, from, to) && st.Resolution.Target > 0 && st.Resolution.Stopped {
			r.SLAResolved++
			if !st.Resolution.Breached {
				r.SLAMet++
			}
		}
		if in(c.responded, from, to) && st.FirstResponse.Target > 0 && st.FirstResponse.Stopped {
			r.FirstResponses++
			if !st.FirstResponse.Breached {
				r.FirstResponsesMet++
			}
		}
	}
	return nil
}

// in reports whether t is in [from, to).
func in(t, from, to time.Time) bool { return !t.IsZero() && !t.Before(from) && t.Before(to) }

func (s *Service) scanCounts(ctx context.Context, q string, args []any, fn func(string, int64)) error {
	rows, err := s.db.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("report: ticket counts: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int64
		if err := rows.Scan(&k, &n); err != nil {
			return err
		}
		fn(k, n)
	}
	return rows.Err()
}

func (s *Service) scanStrings(ctx context.Context, q string, fn func(string, string)) error {
	rows, err := s.db.Read().QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		fn(k, v)
	}
	return rows.Err()
}
