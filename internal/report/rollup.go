package report

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
)

// Interval is the length of one row of report_intervals.
const Interval = 15 * time.Minute

// rollupOverlap is how far before the watermark Rollup looks again, for calls whose
// record was committed after a later call's (re-aggregating is idempotent, so looking
// twice costs time only).
const rollupOverlap = 5 * time.Minute

// maxRange is the most intervals re-aggregated in one transaction.
const maxRange = 96

// Service computes reports over one database.
type Service struct {
	db  *db.DB
	loc *time.Location
	now func() time.Time
}

// New returns the reports of d, bucketed in loc (the center's time zone).
func New(d *db.DB, loc *time.Location) *Service {
	if loc == nil {
		loc = time.UTC
	}
	return &Service{db: d, loc: loc, now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Location is the time zone the reports bucket in.
func (s *Service) Location() *time.Location { return s.loc }

// RollupStats says what one Rollup did.
type RollupStats struct {
	Calls     int       // ended calls found since the watermark
	Intervals int       // 15-minute intervals re-aggregated
	RolledTo  time.Time // the new watermark
}

// Rollup re-aggregates the intervals touched by calls that ended since the stored
// watermark (less a small overlap) and moves the watermark on. Run it every minute or
// so (the application schedules it with the jobs runner); it is idempotent.
func (s *Service) Rollup(ctx context.Context) (RollupStats, error) {
	var wm time.Time
	err := s.db.Read().QueryRowContext(ctx, `SELECT rolled_to FROM report_state WHERE id = 1`).Scan(&wm)
	if err != nil && err != sql.ErrNoRows {
		return RollupStats{}, fmt.Errorf("report: read watermark: %w", err)
	}
	since := time.Time{}
	if !wm.IsZero() {
		since = wm.Add(-rollupOverlap)
	}
	return s.RollupSince(ctx, since)
}

// RollupSince re-aggregates every interval in which a call started that ended after
// since (all ended calls for a zero since) and sets the watermark to the last end seen.
func (s *Service) RollupSince(ctx context.Context, since time.Time) (RollupStats, error) {
	upto := utc(s.now())
	rows, err := s.db.Read().QueryContext(ctx, `SELECT started_at, ended_at FROM calls WHERE ended_at > $1 AND ended_at <= $2`, utc(since), upto)
	if err != nil {
		return RollupStats{}, fmt.Errorf("report: calls ended since %s: %w", since.Format(time.RFC3339), err)
	}
	touched := map[time.Time]bool{}
	st := RollupStats{RolledTo: since}
	for rows.Next() {
		var started, ended time.Time
		if err := rows.Scan(&started, &ended); err != nil {
			rows.Close()
			return st, fmt.Errorf("report: scan call: %w", err)
		}
		touched[started.UTC().Truncate(Interval)] = true
		if ended.After(st.RolledTo) {
			st.RolledTo = ended.UTC()
		}
		st.Calls++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("report: calls ended since %s: %w", since.Format(time.RFC3339), err)
	}
	queues, err := s.queueSettings(ctx)
	if err != nil {
		return st, err
	}
	starts := make([]time.Time, 0, len(touched))
	days := map[time.Time]bool{}
	for t := range touched {
		starts = append(starts, t)
		days[BucketDay.Start(t, s.loc)] = true
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	// Contiguous runs of intervals are re-aggregated together, a day at most at a time.
	for i := 0; i < len(starts); {
		j := i + 1
		for j < len(starts) && j-i < maxRange && starts[j].Equal(starts[j-1].Add(Interval)) {
			j++
		}
		if err := s.aggregate(ctx, starts[i], starts[j-1].Add(Interval), queues); err != nil {
			return st, err
		}
		st.Intervals += j - i
		i = j
	}
	// The days are per time zone: when it changed, every day is summed again.
	var zone string
	if err := s.db.Read().QueryRowContext(ctx, `SELECT zone FROM report_state WHERE id = 1`).Scan(&zone); err != nil && !isNoRows(err) {
		return st, fmt.Errorf("report: read zone: %w", err)
	}
	if zone != s.loc.String() {
		if _, err := s.db.Write().ExecContext(ctx, `DELETE FROM report_days`); err != nil {
			return st, fmt.Errorf("report: clear days: %w", err)
		}
		if err := s.allDays(ctx, days); err != nil {
			return st, err
		}
	}
	for day := range days {
		if err := s.sumDay(ctx, day); err != nil {
			return st, err
		}
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE report_state SET rolled_to = CASE WHEN rolled_to < $1 THEN $1 ELSE rolled_to END, zone = $2, updated_at = $3 WHERE id = 1`,
			utc(st.RolledTo), s.loc.String(), upto)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			_, err = tx.ExecContext(ctx, `INSERT INTO report_state (id, rolled_to, zone, updated_at) VALUES (1, $1, $2, $3)`, utc(st.RolledTo), s.loc.String(), upto)
		}
		return err
	})
	if err != nil {
		return st, fmt.Errorf("report: save watermark: %w", err)
	}
	return st, nil
}

// allDays adds every day that has intervals to days.
func (s *Service) allDays(ctx context.Context, days map[time.Time]bool) error {
	// MIN and MAX would lose the column's type on SQLite: read the ends by the index.
	var first, last time.Time
	for _, end := range []struct {
		order string
		dst   *time.Time
	}{{"ASC", &first}, {"DESC", &last}} {
		err := s.db.Read().QueryRowContext(ctx, `SELECT interval_start FROM report_queue_intervals ORDER BY interval_start `+end.order+` LIMIT 1`).Scan(end.dst)
		if isNoRows(err) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("report: interval range: %w", err)
		}
	}
	for d := BucketDay.Start(first, s.loc); !d.After(last); d = d.AddDate(0, 0, 1) {
		days[d] = true
	}
	return nil
}

// sumCols are the columns of the three rollup tables that hold sums.
const sumCols = `calls, offered, answered, answered_in_sl, abandoned, abandoned_short, voicemail, blocked, repeat_calls, repeat_answered,
	transferred, wait_answered, wait_abandoned, talk_seconds, wrap_seconds, trunk_minutes`

// sumExprs returns SUM(column) of each of sumCols.
func sumExprs() string {
	var sums []string
	for _, c := range strings.Split(sumCols, ",") {
		sums = append(sums, "SUM("+strings.TrimSpace(c)+")")
	}
	return strings.Join(sums, ", ")
}

// sumDay replaces the rows of a local day (starting at day) by the sums of its intervals.
func (s *Service) sumDay(ctx context.Context, day time.Time) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM report_days WHERE day = $1`, utc(day)); err != nil {
			return fmt.Errorf("report: clear day: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO report_days (day, queue, agent_id, `+sumCols+`) SELECT $1, queue, agent_id, `+sumExprs()+`
			FROM report_intervals WHERE interval_start >= $2 AND interval_start < $3 GROUP BY queue, agent_id`, utc(day), utc(day), utc(day.AddDate(0, 0, 1)))
		if err != nil {
			return fmt.Errorf("report: sum day %s: %w", day.Format(time.DateOnly), err)
		}
		return nil
	})
}

// queueSetting is what the rollup needs of a queue.
type queueSetting struct{ sl, wrap int64 }

func (s *Service) queueSettings(ctx context.Context) (map[string]queueSetting, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT code, sl_seconds, wrap_up_seconds FROM queues`)
	if err != nil {
		return nil, fmt.Errorf("report: queue settings: %w", err)
	}
	defer rows.Close()
	out := map[string]queueSetting{}
	for rows.Next() {
		var code string
		var q queueSetting
		if err := rows.Scan(&code, &q.sl, &q.wrap); err != nil {
			return nil, err
		}
		out[code] = q
	}
	return out, rows.Err()
}

type rollupKey struct {
	start time.Time
	queue string
	agent int64
}

// aggregate replaces the rows of the intervals in [from, to) by the sums of the ended
// inbound calls that started in them, in one transaction.
func (s *Service) aggregate(ctx context.Context, from, to time.Time, queues map[string]queueSetting) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT c.started_at, c.ended_at, c.queue, COALESCE(c.agent_id, 0), c.status, c.queued_at, c.answered_at,
			c.wait_seconds, c.talk_seconds, c.repeat_caller,
			CASE WHEN EXISTS (SELECT 1 FROM call_queue_events e WHERE e.call_id = c.id AND e.kind = 'transferred') THEN 1 ELSE 0 END
			FROM calls c WHERE c.started_at >= $1 AND c.started_at < $2 AND c.ended_at IS NOT NULL AND c.direction = 'inbound'`, from, to)
		if err != nil {
			return fmt.Errorf("report: read calls %s: %w", from.Format(time.RFC3339), err)
		}
		sums := map[rollupKey]*Counts{}
		for rows.Next() {
			var k rollupKey
			var started, ended time.Time
			var status string
			var queued, answered sql.NullTime
			var wait, talk, transferred int64
			var repeat bool
			if err := rows.Scan(&started, &ended, &k.queue, &k.agent, &status, &queued, &answered, &wait, &talk, &repeat, &transferred); err != nil {
				rows.Close()
				return fmt.Errorf("report: scan call: %w", err)
			}
			k.start = started.UTC().Truncate(Interval)
			c := sums[k]
			if c == nil {
				c = &Counts{}
				sums[k] = c
			}
			countCall(c, callFacts{status: status, queued: queued.Valid, answered: answered.Valid, wait: wait, talk: talk,
				repeat: repeat, transferred: transferred > 0, duration: ended.Sub(started)}, queues[k.queue], k.queue)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("report: read calls %s: %w", from.Format(time.RFC3339), err)
		}
		for _, table := range []string{"report_intervals", "report_queue_intervals"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE interval_start >= $1 AND interval_start < $2`, from, to); err != nil {
				return fmt.Errorf("report: clear intervals: %w", err)
			}
		}
		byQueue := map[rollupKey]*Counts{}
		for k, c := range sums {
			if err := insertSums(ctx, tx, "report_intervals (interval_start, queue, agent_id", []any{k.start, k.queue, k.agent}, c); err != nil {
				return err
			}
			qk := rollupKey{start: k.start, queue: k.queue}
			if byQueue[qk] == nil {
				byQueue[qk] = &Counts{}
			}
			byQueue[qk].Add(*c)
		}
		for k, c := range byQueue {
			if err := insertSums(ctx, tx, "report_queue_intervals (interval_start, queue", []any{k.start, k.queue}, c); err != nil {
				return err
			}
		}
		return nil
	})
}

// insertSums inserts one row of sums: into names the table and its key columns, which
// take the values key.
func insertSums(ctx context.Context, tx *sql.Tx, into string, key []any, c *Counts) error {
	args := append(key, c.Calls, c.Offered, c.Answered, c.AnsweredInSL, c.Abandoned, c.AbandonedShort, c.Voicemail, c.Blocked,
		c.RepeatCalls, c.RepeatAnswered, c.Transferred, c.WaitAnswered, c.WaitAbandoned, c.TalkSeconds, c.WrapSeconds, c.TrunkMinutes)
	ph := make([]string, len(args))
	for i := range ph {
		ph[i] = fmt.Sprintf("$%d", i+1)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO `+into+`, `+sumCols+`) VALUES (`+strings.Join(ph, ", ")+`)`, args...); err != nil {
		return fmt.Errorf("report: write %s: %w", into, err)
	}
	return nil
}

// callFacts are the fields of one call record that the counts depend on.
type callFacts struct {
	status           string
	queued, answered bool
	wait, talk       int64
	repeat           bool
	transferred      bool
	duration         time.Duration
}

// countCall adds one ended call to c. q is its queue's settings (zero when the queue is
// unknown: the default threshold and no wrap-up).
func countCall(c *Counts, f callFacts, q queueSetting, queue string) {
	sl := q.sl
	if queue == "" || sl <= 0 {
		sl = DefaultSLSeconds
	}
	c.Calls++
	c.TrunkMinutes += int64((max(f.duration, 0) + time.Minute - 1) / time.Minute)
	if f.repeat {
		c.RepeatCalls++
	}
	if f.transferred {
		c.Transferred++
	}
	switch f.status {
	case "blocked":
		c.Blocked++
	case "voicemail":
		c.Voicemail++
	}
	if !f.queued {
		return
	}
	c.Offered++
	switch {
	case f.answered:
		c.Answered++
		c.WaitAnswered += f.wait
		c.TalkSeconds += f.talk
		c.WrapSeconds += q.wrap
		if f.wait <= sl {
			c.AnsweredInSL++
		}
		if f.repeat {
			c.RepeatAnswered++
		}
	case f.status == "abandoned":
		c.Abandoned++
		c.WaitAbandoned += f.wait
		if f.wait < ShortAbandon {
			c.AbandonedShort++
		}
	}
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
