package report

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Bucket is how rows are bucketed in time, in the center's time zone.
type Bucket string

const (
	Bucket15m   Bucket = "15m"
	Bucket30m   Bucket = "30m"
	Bucket60m   Bucket = "60m"
	BucketDay   Bucket = "day"
	BucketWeek  Bucket = "week" // weeks start on Monday
	BucketMonth Bucket = "month"
)

// Buckets lists the buckets in the order forms offer them.
var Buckets = []Bucket{Bucket15m, Bucket30m, Bucket60m, BucketDay, BucketWeek, BucketMonth}

// Group is what rows are grouped by beside time.
type Group string

const (
	GroupNone  Group = ""
	GroupQueue Group = "queue"
	GroupAgent Group = "agent"
)

// Groups lists the groupings.
var Groups = []Group{GroupNone, GroupQueue, GroupAgent}

// Limits on one query: a year in all, a month for buckets shorter than a day.
const (
	MaxDays         = 366
	MaxIntervalDays = 31
	// MaxAgentIntervalDays bounds reports by agent and interval, which have a row per
	// agent and interval.
	MaxAgentIntervalDays = 7
)

func (b Bucket) minutes() int {
	switch b {
	case Bucket15m:
		return 15
	case Bucket30m:
		return 30
	case Bucket60m:
		return 60
	}
	return 0
}

// Start returns the start of the bucket holding t, in loc.
func (b Bucket) Start(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	y, m, d := t.Date()
	switch b {
	case BucketDay:
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	case BucketWeek:
		wd := (int(t.Weekday()) + 6) % 7 // Monday 0
		return time.Date(y, m, d-wd, 0, 0, 0, 0, loc)
	case BucketMonth:
		return time.Date(y, m, 1, 0, 0, 0, 0, loc)
	}
	mins := b.minutes()
	return time.Date(y, m, d, t.Hour(), t.Minute()/mins*mins, 0, 0, loc)
}

// Next returns the start of the bucket after the one starting at start.
func (b Bucket) Next(start time.Time) time.Time {
	switch b {
	case BucketDay:
		return start.AddDate(0, 0, 1)
	case BucketWeek:
		return start.AddDate(0, 0, 7)
	case BucketMonth:
		return start.AddDate(0, 1, 0)
	}
	return start.Add(time.Duration(b.minutes()) * time.Minute)
}

// Query asks for the call KPIs of a period.
type Query struct {
	From, To time.Time // [From, To); whole days in the center's time zone from ParseQuery
	Bucket   Bucket
	Group    Group
}

// ParseQuery reads a query from form values: from and to are days (2006-01-02, to
// included) in loc, bucket and group as above. Empty values take the defaults: the last
// 7 days up to today, by day, not grouped.
func ParseQuery(from, to, bucket, group string, now time.Time, loc *time.Location) (Query, error) {
	q := Query{Bucket: Bucket(bucket), Group: Group(group)}
	today := BucketDay.Start(now, loc)
	day := func(field, s string, def time.Time) (time.Time, error) {
		if s == "" {
			return def, nil
		}
		t, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			return t, errs.Field(field, fmt.Sprintf("%q is not a date like 2026-10-01.", s)).WithKey("report_date", s)
		}
		return t, nil
	}
	var err error
	if q.To, err = day("to", to, today); err != nil {
		return q, err
	}
	q.To = q.To.AddDate(0, 0, 1)
	if q.From, err = day("from", from, q.To.AddDate(0, 0, -7)); err != nil {
		return q, err
	}
	if q.Bucket == "" {
		q.Bucket = BucketDay
	}
	return q, q.Validate()
}

// Validate checks the query's range, bucket and group.
func (q Query) Validate() error {
	if !slices.Contains(Buckets, q.Bucket) {
		return errs.Field("interval", fmt.Sprintf("Unknown interval %q: use 15m, 30m, 60m, day, week or month.", q.Bucket)).WithKey("report_bucket", string(q.Bucket))
	}
	if !slices.Contains(Groups, q.Group) {
		return errs.Field("group", fmt.Sprintf("Unknown grouping %q: use queue, agent or nothing.", q.Group)).WithKey("report_group", string(q.Group))
	}
	if !q.From.Before(q.To) {
		return errs.Field("from", "The start must come before the end.").WithKey("report_range")
	}
	days := int(q.To.Sub(q.From).Hours() / 24)
	if days > MaxDays {
		return errs.Field("to", fmt.Sprintf("A report covers at most %d days.", MaxDays)).WithKey("report_too_long", MaxDays)
	}
	if q.Bucket.minutes() > 0 && days > MaxIntervalDays {
		return errs.Field("to", fmt.Sprintf("Reports by 15, 30 or 60 minutes cover at most %d days.", MaxIntervalDays)).WithKey("report_too_long_intervals", MaxIntervalDays)
	}
	if q.Bucket.minutes() > 0 && q.Group == GroupAgent && days > MaxAgentIntervalDays {
		return errs.Field("to", fmt.Sprintf("Reports by agent and by 15, 30 or 60 minutes cover at most %d days.", MaxAgentIntervalDays)).WithKey("report_too_long_agents", MaxAgentIntervalDays)
	}
	return nil
}

// Row is the counts of one bucket (and one queue or agent when grouped).
type Row struct {
	Start, End time.Time // the bucket, clipped to the query's period
	Key        string    // queue code or agent id; "" when not grouped
	Basis
}

// Result is the answer to a Query.
type Result struct {
	Query    Query
	Rows     []Row        // by bucket, then key; for every bucket when not grouped, else only those with calls
	Buckets  []Row        // totals per bucket (every bucket of the period, for charts)
	Keys     []Row        // totals per queue or agent over the period (the league table); nil when not grouped
	Total    Row          // the whole period
	Heatmap  [7][24]int64 // offered calls by weekday (Monday 0) and hour, in the center's time zone
	Cost     CostModel
	Labels   map[string]string // display names of the keys (queue names in the query's language, agent names)
	RolledTo time.Time         // calls that ended after this are not counted yet
}

// Report computes the call KPIs of q from the rollup.
func (s *Service) Report(ctx context.Context, q Query, lang string) (*Result, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	q.From, q.To = q.From.In(s.loc), q.To.In(s.loc)
	res := &Result{Query: q}
	var err error
	if res.Cost, err = s.Costs(ctx); err != nil {
		return nil, err
	}
	// The totals per 15-minute interval feed the bucket totals, the heatmap and, when not
	// grouped, the rows.
	per, err := s.sums(ctx, "report_queue_intervals", "interval_start", q.From, q.To, GroupNone, true)
	if err != nil {
		return nil, err
	}
	byBucket := map[time.Time]*Counts{}
	for _, r := range per {
		b := q.Bucket.Start(r.start, s.loc)
		if byBucket[b] == nil {
			byBucket[b] = &Counts{}
		}
		byBucket[b].Add(r.Counts)
		res.Total.Add(r.Counts)
		lt := r.start.In(s.loc)
		res.Heatmap[(int(lt.Weekday())+6)%7][lt.Hour()] += r.Offered
	}
	for b := q.Bucket.Start(q.From, s.loc); b.Before(q.To); b = q.Bucket.Next(b) {
		row := s.row(q, b, "", true, res.Cost)
		if c := byBucket[b]; c != nil {
			row.Counts = *c
		}
		res.Buckets = append(res.Buckets, row)
	}
	res.Total.Start, res.Total.End, res.Total.Cost = q.From, q.To, res.Cost
	res.Total.SeatHours = q.To.Sub(q.From).Hours()
	if q.Group == GroupNone {
		res.Rows = res.Buckets
	} else if err := s.groupedRows(ctx, q, res); err != nil {
		return nil, err
	}
	if res.Labels, err = s.labels(ctx, q.Group, lang); err != nil {
		return nil, err
	}
	if err := s.db.Read().QueryRowContext(ctx, `SELECT rolled_to FROM report_state WHERE id = 1`).Scan(&res.RolledTo); err != nil && !isNoRows(err) {
		return nil, fmt.Errorf("report: read watermark: %w", err)
	}
	return res, nil
}

// row returns an empty row for the bucket starting at b, clipped to q's period; seat
// hours count only for rows that are the whole center (not for a queue or agent, not
// even the row of calls that reached no queue, whose key is "" too).
func (s *Service) row(q Query, b time.Time, key string, center bool, cost CostModel) Row {
	r := Row{Start: b, End: q.Bucket.Next(b), Key: key}
	if r.Start.Before(q.From) {
		r.Start = q.From
	}
	if r.End.After(q.To) {
		r.End = q.To
	}
	r.Cost = cost
	if center {
		r.SeatHours = r.End.Sub(r.Start).Hours()
	}
	return r
}

// groupedRows fills the rows per bucket and key and the totals per key.
func (s *Service) groupedRows(ctx context.Context, q Query, res *Result) error {
	type bk struct {
		start time.Time
		key   string
	}
	cells := map[bk]*Counts{}
	// Buckets shorter than a day add up intervals, longer ones days.
	table, timeCol := "report_days", "day"
	if q.Bucket.minutes() > 0 {
		table, timeCol = "report_queue_intervals", "interval_start"
		if q.Group == GroupAgent {
			table = "report_intervals"
		}
	}
	per, err := s.sums(ctx, table, timeCol, q.From, q.To, q.Group, true)
	if err != nil {
		return err
	}
	for _, r := range per {
		k := bk{q.Bucket.Start(r.start, s.loc), r.key}
		if cells[k] == nil {
			cells[k] = &Counts{}
		}
		cells[k].Add(r.Counts)
	}
	keyTotals := map[string]*Counts{}
	for k, c := range cells {
		row := s.row(q, k.start, k.key, false, res.Cost)
		row.Counts = *c
		res.Rows = append(res.Rows, row)
		if keyTotals[k.key] == nil {
			keyTotals[k.key] = &Counts{}
		}
		keyTotals[k.key].Add(*c)
	}
	slices.SortFunc(res.Rows, func(a, b Row) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return compareKeys(a.Key, b.Key)
	})
	for key, c := range keyTotals {
		res.Keys = append(res.Keys, Row{Start: q.From, End: q.To, Key: key, Basis: Basis{Counts: *c, Cost: res.Cost}})
	}
	// The league table: most answered first.
	slices.SortFunc(res.Keys, func(a, b Row) int {
		if a.Answered != b.Answered {
			return int(b.Answered - a.Answered)
		}
		return compareKeys(a.Key, b.Key)
	})
	return nil
}

// compareKeys orders agent ids numerically and queue codes alphabetically.
func compareKeys(a, b string) int {
	x, errA := strconv.ParseInt(a, 10, 64)
	y, errB := strconv.ParseInt(b, 10, 64)
	if errA == nil && errB == nil {
		return int(x - y)
	}
	if a < b {
		return -1
	}
	if a > b {
		return 1
	}
	return 0
}

type sumRow struct {
	start time.Time
	key   string
	Counts
}

// sums adds up the rows of a rollup table whose time column is timeCol over [from, to),
// by time when byTime, and by the group's key.
func (s *Service) sums(ctx context.Context, table, timeCol string, from, to time.Time, g Group, byTime bool) ([]sumRow, error) {
	keyCol := "''"
	switch g {
	case GroupQueue:
		keyCol = "queue"
	case GroupAgent:
		keyCol = "agent_id"
	}
	startCol, groupBy := "NULL", []string{}
	if byTime {
		startCol, groupBy = timeCol, append(groupBy, timeCol)
	}
	if g != GroupNone {
		groupBy = append(groupBy, keyCol)
	}
	query := `SELECT ` + startCol + `, ` + keyCol + `, ` + sumExprs() + ` FROM ` + table + ` WHERE ` + timeCol + ` >= $1 AND ` + timeCol + ` < $2`
	if len(groupBy) > 0 {
		query += ` GROUP BY ` + strings.Join(groupBy, ", ")
	}
	rows, err := s.db.Read().QueryContext(ctx, query, utc(from), utc(to))
	if err != nil {
		return nil, fmt.Errorf("report: sum intervals: %w", err)
	}
	defer rows.Close()
	var out []sumRow
	for rows.Next() {
		var r sumRow
		var start sql.NullTime
		var key any
		c := &r.Counts
		var sums [16]sql.NullInt64
		if err := rows.Scan(&start, &key, &sums[0], &sums[1], &sums[2], &sums[3], &sums[4], &sums[5], &sums[6], &sums[7], &sums[8],
			&sums[9], &sums[10], &sums[11], &sums[12], &sums[13], &sums[14], &sums[15]); err != nil {
			return nil, fmt.Errorf("report: scan sums: %w", err)
		}
		if !sums[0].Valid { // no rows at all (an aggregate without GROUP BY)
			continue
		}
		*c = Counts{sums[0].Int64, sums[1].Int64, sums[2].Int64, sums[3].Int64, sums[4].Int64, sums[5].Int64, sums[6].Int64, sums[7].Int64,
			sums[8].Int64, sums[9].Int64, sums[10].Int64, sums[11].Int64, sums[12].Int64, sums[13].Int64, sums[14].Int64, sums[15].Int64}
		r.start = start.Time
		switch k := key.(type) {
		case string:
			r.key = k
		case []byte:
			r.key = string(k)
		case int64:
			r.key = strconv.FormatInt(k, 10)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
