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
// The work is set-based: one query finds the touched intervals, and each run of them
// (a day at most) is re-aggregated by one INSERT ... SELECT ... GROUP BY inside the
// database, so a first rollup of millions of calls moves no call record through Go.
func (s *Service) RollupSince(ctx context.Context, since time.Time) (RollupStats, error) {
	upto := utc(s.now())
	st := RollupStats{RolledTo: since}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+s.bucketExpr("started_at")+`, COUNT(*) FROM calls WHERE ended_at > $1 AND ended_at <= $2 GROUP BY 1`, utc(since), upto)
	if err != nil {
		return st, fmt.Errorf("report: calls ended since %s: %w", since.Format(time.RFC3339), err)
	}
	var starts []time.Time
	for rows.Next() {
		var b any
		var n int
		if err := rows.Scan(&b, &n); err != nil {
			rows.Close()
			return st, fmt.Errorf("report: scan interval: %w", err)
		}
		t, err := scanTime(b)
		if err != nil {
			rows.Close()
			return st, err
		}
		starts = append(starts, t)
		st.Calls += n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("report: calls ended since %s: %w", since.Format(time.RFC3339), err)
	}
	if st.Calls > 0 {
		// MAX would lose the column's type on SQLite: read the last end by the index.
		var last time.Time
		err := s.db.Read().QueryRowContext(ctx, `SELECT ended_at FROM calls WHERE ended_at > $1 AND ended_at <= $2 ORDER BY ended_at DESC LIMIT 1`, utc(since), upto).Scan(&last)
		if err != nil {
			return st, fmt.Errorf("report: last call end: %w", err)
		}
		st.RolledTo = last.UTC()
	}
	days := map[time.Time]bool{}
	for _, t := range starts {
		days[BucketDay.Start(t, s.loc)] = true
	}
	slices.SortFunc(starts, func(a, b time.Time) int { return a.Compare(b) })
	// Contiguous runs of intervals are re-aggregated together, a day at most at a time.
	for i := 0; i < len(starts); {
		j := i + 1
		for j < len(starts) && j-i < maxRange && starts[j].Equal(starts[j-1].Add(Interval)) {
			j++
		}
		if err := s.aggregate(ctx, starts[i], starts[j-1].Add(Interval)); err != nil {
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

// sqliteTime is how timestamps are stored on SQLite (modernc, _time_format=sqlite).
const sqliteTime = "2006-01-02 15:04:05.999999999-07:00"

// scanTime reads a computed timestamp: a time on PostgreSQL, text on SQLite.
func scanTime(v any) (time.Time, error) {
	switch t := v.(type) {
	case time.Time:
		return t.UTC(), nil
	case string:
		p, err := time.Parse(sqliteTime, t)
		if err != nil {
			return p, fmt.Errorf("report: interval %q: %w", t, err)
		}
		return p.UTC(), nil
	case []byte:
		return scanTime(string(t))
	}
	return time.Time{}, fmt.Errorf("report: interval of type %T", v)
}

// bucketExpr is the SQL of the start of the 15-minute interval (UTC) holding the
// timestamp column col, in the form the engine stores timestamps in.
func (s *Service) bucketExpr(col string) string {
	if s.db.Dialect == db.Postgres {
		return `date_bin('15 minutes', ` + col + `, TIMESTAMPTZ '2000-01-01 00:00:00+00')`
	}
	return `strftime('%Y-%m-%d %H:', ` + col + `) || CASE CAST(strftime('%M', ` + col + `) AS INTEGER) / 15 WHEN 0 THEN '00' WHEN 1 THEN '15' WHEN 2 THEN '30' ELSE '45' END || ':00+00:00'`
}

// trunkMinutesExpr is the SQL of a call's duration (ended_at − started_at of table
// alias c) rounded up to whole minutes, exact to the microsecond, 0 when negative.
func (s *Service) trunkMinutesExpr() string {
	if s.db.Dialect == db.Postgres {
		return `CASE WHEN c.ended_at <= c.started_at THEN 0 ELSE CAST(CEIL(EXTRACT(EPOCH FROM (c.ended_at - c.started_at)) / 60) AS BIGINT) END`
	}
	// Microseconds since the epoch: whole seconds by strftime, and the fraction read from
	// the text (between the seconds and the 6-character offset), padded to 6 digits.
	us := func(col string) string {
		return `(CAST(strftime('%s', ` + col + `) AS INTEGER) * 1000000 + CASE WHEN substr(` + col + `, 20, 1) = '.' THEN CAST(substr(substr(` + col +
			`, 21, length(` + col + `) - 26) || '000000', 1, 6) AS INTEGER) ELSE 0 END)`
	}
	d := `(` + us("c.ended_at") + ` - ` + us("c.started_at") + `)`
	return `CASE WHEN ` + d + ` <= 0 THEN 0 ELSE (` + d + ` + 59999999) / 60000000 END`
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

// aggregate replaces the rows of the intervals in [from, to) by the sums of the ended
// inbound calls that started in them, in one transaction and two set-based statements:
// per interval, queue and agent from the calls, then per interval and queue from those.
// The rules are those of the definitions (Defs): a call counts in the interval it
// started in; offered when it has a queued time; answered in service level when its
// wait is at most its queue's sl_seconds (DefaultSLSeconds for no or an unknown queue);
// wrap-up is the queue's wrap_up_seconds per answered call.
func (s *Service) aggregate(ctx context.Context, from, to time.Time) error {
	from, to = utc(from), utc(to)
	const (
		queued   = `c.queued_at IS NOT NULL`
		answered = `c.queued_at IS NOT NULL AND c.answered_at IS NOT NULL`
		abandon  = `c.queued_at IS NOT NULL AND c.answered_at IS NULL AND c.status = 'abandoned'`
	)
	sl := fmt.Sprintf(`CASE WHEN c.queue = '' OR q.sl_seconds IS NULL OR q.sl_seconds <= 0 THEN %d ELSE q.sl_seconds END`, DefaultSLSeconds)
	sums := []string{
		`COUNT(*)`,
		`SUM(CASE WHEN ` + queued + ` THEN 1 ELSE 0 END)`,
		`SUM(CASE WHEN ` + answered + ` THEN 1 ELSE 0 END)`,
		`SUM(CASE WHEN ` + answered + ` AND c.wait_seconds <= ` + sl + ` THEN 1 ELSE 0 END)`,
		`SUM(CASE WHEN ` + abandon + ` THEN 1 ELSE 0 END)`,
		`SUM(CASE WHEN ` + abandon + ` AND c.wait_seconds < ` + fmt.Sprint(ShortAbandon) + ` THEN 1 ELSE 0 END)`,
		`SUM(CASE WHEN c.status = 'voicemail' THEN 1 ELSE 0 END)`,
		`SUM(CASE WHEN c.status = 'blocked' THEN 1 ELSE 0 END)`,
		`SUM(CASE WHEN c.repeat_caller THEN 1 ELSE 0 END)`,
		`SUM(CASE WHEN ` + answered + ` AND c.repeat_caller THEN 1 ELSE 0 END)`,
		`SUM(CASE WHEN EXISTS (SELECT 1 FROM call_queue_events e WHERE e.call_id = c.id AND e.kind = 'transferred') THEN 1 ELSE 0 END)`,
		`SUM(CASE WHEN ` + answered + ` THEN c.wait_seconds ELSE 0 END)`,
		`SUM(CASE WHEN ` + abandon + ` THEN c.wait_seconds ELSE 0 END)`,
		`SUM(CASE WHEN ` + answered + ` THEN c.talk_seconds ELSE 0 END)`,
		`SUM(CASE WHEN ` + answered + ` THEN COALESCE(q.wrap_up_seconds, 0) ELSE 0 END)`,
		`SUM(` + s.trunkMinutesExpr() + `)`,
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, table := range []string{"report_intervals", "report_queue_intervals"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE interval_start >= $1 AND interval_start < $2`, from, to); err != nil {
				return fmt.Errorf("report: clear intervals: %w", err)
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO report_intervals (interval_start, queue, agent_id, `+sumCols+`)
			SELECT `+s.bucketExpr("c.started_at")+`, c.queue, COALESCE(c.agent_id, 0), `+strings.Join(sums, ", ")+`
			FROM calls c LEFT JOIN queues q ON q.code = c.queue
			WHERE c.started_at >= $1 AND c.started_at < $2 AND c.ended_at IS NOT NULL AND c.direction = 'inbound'
			GROUP BY 1, 2, 3`, from, to)
		if err != nil {
			return fmt.Errorf("report: aggregate calls %s: %w", from.Format(time.RFC3339), err)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO report_queue_intervals (interval_start, queue, `+sumCols+`)
			SELECT interval_start, queue, `+sumExprs()+` FROM report_intervals
			WHERE interval_start >= $1 AND interval_start < $2 GROUP BY interval_start, queue`, from, to)
		if err != nil {
			return fmt.Errorf("report: aggregate queues %s: %w", from.Format(time.RFC3339), err)
		}
		return nil
	})
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }
