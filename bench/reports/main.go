// Command reports measures the month report over many call records: it generates the
// rollup of a month of calls (10,000,000 by default) into the 15-minute tables of a
// SQLite database, lets report.Service.Rollup sum the days, and times report.Service.Report for a
// month by day, by hour, by queue and by agent. The database is kept under the user's
// cache folder and reused while it holds the wanted number of calls.
//
//	go run ./bench/reports                           # 10,000,000 calls, 5 runs per report
//	go run ./bench/reports -n 100000 -db /tmp/r.db   # a quick look
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/report"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "reports:", err)
		os.Exit(1)
	}
}

var queues = []string{"presales", "support", "repair", "vip"}

func run() error {
	cache, _ := os.UserCacheDir()
	n := flag.Int("n", 10_000_000, "call records to generate (one month)")
	agents := flag.Int("agents", 800, "agents")
	path := flag.String("db", filepath.Join(cache, "hotline-bench", "reports.db"), "SQLite database file (reused)")
	runs := flag.Int("runs", 5, "runs of each report")
	flag.Parse()
	ctx := context.Background()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return err
	}
	month := time.Date(2026, 3, 1, 0, 0, 0, 0, loc)
	end := month.AddDate(0, 1, 0)

	d, err := db.Open(ctx, *path)
	if err != nil {
		return err
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		return err
	}
	var have int
	if err := d.Read().QueryRowContext(ctx, `SELECT COALESCE(SUM(calls), 0) FROM report_queue_intervals`).Scan(&have); err != nil {
		return err
	}
	if have != *n {
		if have != 0 {
			return fmt.Errorf("%s holds %d calls, not %d: remove it or pass -db", *path, have, *n)
		}
		start := time.Now()
		if err := generate(ctx, d, *n, *agents, month, end); err != nil {
			return err
		}
		fmt.Printf("generated %d calls in %s\n", *n, time.Since(start).Round(time.Second))
	} else {
		fmt.Printf("reusing %s: %d calls\n", *path, have)
	}

	s := report.New(d, loc)
	s.SetClock(func() time.Time { return end.Add(time.Hour) })
	start := time.Now()
	st, err := s.Rollup(ctx)
	if err != nil {
		return err
	}
	fmt.Printf("rollup (days summed from the intervals): %s\n", time.Since(start).Round(time.Millisecond))
	_ = st
	var rows int
	for _, table := range []string{"report_intervals", "report_queue_intervals", "report_days"} {
		if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&rows); err != nil {
			return err
		}
		fmt.Printf("%s: %d rows\n", table, rows)
	}

	fmt.Println("| report | rows | min | median | max |")
	fmt.Println("|---|---|---|---|---|")
	for _, c := range []struct{ bucket, group string }{{"day", ""}, {"60m", ""}, {"15m", ""}, {"week", "queue"}, {"day", "queue"}, {"month", "agent"}, {"day", "agent"}} {
		q, err := report.ParseQuery("2026-03-01", "2026-03-31", c.bucket, c.group, end, loc)
		if err != nil {
			return err
		}
		var times []time.Duration
		var res *report.Result
		for range *runs {
			t0 := time.Now()
			if res, err = s.Report(ctx, q, "zh-CN"); err != nil {
				return err
			}
			times = append(times, time.Since(t0))
		}
		if res.Total.Calls != int64(*n) {
			return fmt.Errorf("the month report counts %d calls, want %d", res.Total.Calls, *n)
		}
		slices.Sort(times)
		name := "month by " + c.bucket
		if c.group != "" {
			name += " and " + c.group
		}
		fmt.Printf("| %s | %d | %s | %s | %s |\n", name, len(res.Rows), ms(times[0]), ms(times[len(times)/2]), ms(times[len(times)-1]))
	}
	return nil
}

func ms(d time.Duration) string { return fmt.Sprintf("%.0f ms", float64(d.Microseconds())/1000) }

// weight is the share of a day's calls in the 15-minute interval starting at minute m of
// the day: quiet at night, peaks at 10:00 and 15:00.
func weight(m int) float64 {
	h := float64(m) / 60
	return 0.03 + math.Exp(-(h-10)*(h-10)/6) + 0.8*math.Exp(-(h-15)*(h-15)/8)
}

// generate writes the rollup of n calls spread over [from, to) straight into
// report_intervals and report_queue_intervals, in batches: per 15-minute interval and
// queue, a row per agent who answered calls and one (agent 0) for the calls nobody
// answered. Rollup then sums the days from it, as it does after a change of time zone.
func generate(ctx context.Context, d *db.DB, n, agents int, from, to time.Time) error {
	now := time.Now().UTC()
	err := d.Tx(ctx, func(tx *sql.Tx) error {
		for i := 1; i <= agents; i++ {
			if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, username, display_name, role, password_hash, password_changed_at, created_at, updated_at)
				VALUES ($1, $2, $3, 'agent', 'x', $4, $4, $4)`, i, fmt.Sprintf("agent%d", i), fmt.Sprintf("坐席%d", i), now); err != nil {
				return err
			}
		}
		for i, q := range queues {
			if _, err := tx.ExecContext(ctx, `INSERT INTO queues (code, name_zh, name_en, sl_seconds, wrap_up_seconds, created_at) VALUES ($1, $1, $1, $2, 15, $3)`,
				q, 20+10*(i%2), now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var slots []time.Time
	var weights []float64
	total := 0.0
	for t := from; t.Before(to); t = t.Add(report.Interval) {
		lt := t.In(from.Location())
		w := weight(lt.Hour()*60 + lt.Minute())
		slots, weights, total = append(slots, t), append(weights, w), total+w
	}
	// Calls per slot: the slot's share of n, the remainder spread from the first slots.
	counts := make([]int, len(slots))
	left := n
	for i, w := range weights {
		counts[i] = int(float64(n) * w / total)
		left -= counts[i]
	}
	for i := 0; left > 0; i, left = (i+1)%len(counts), left-1 {
		counts[i]++
	}
	rng := rand.New(rand.NewPCG(1, 2))
	w := &batcher{ctx: ctx, d: d}
	for si, slot := range slots {
		perQueue := split(counts[si], len(queues))
		for qi, queue := range queues {
			calls := perQueue[qi]
			if calls == 0 {
				continue
			}
			answered := calls * 85 / 100
			// The queue's agents (every fourth one) answer about 4 calls each in 15 minutes.
			active := min(max(answered/4, 1), agents/len(queues))
			var qsum report.Counts
			for ai, a := range split(answered, active) {
				if a == 0 {
					continue
				}
				c := report.Counts{Calls: int64(a), Offered: int64(a), Answered: int64(a), AnsweredInSL: int64(a * (70 + rng.IntN(25)) / 100),
					RepeatCalls: int64(a / 10), RepeatAnswered: int64(a / 10), Transferred: int64(a / 50), WaitAnswered: int64(a * (10 + rng.IntN(30))),
					TalkSeconds: int64(a * (150 + rng.IntN(120))), WrapSeconds: int64(a * 15)}
				c.TrunkMinutes = (c.WaitAnswered + c.TalkSeconds + 59) / 60
				agent := 1 + qi + len(queues)*ai
				if err := w.add("report_intervals", []any{slot.UTC(), queue, agent}, c); err != nil {
					return err
				}
				qsum.Add(c)
			}
			rest := int64(calls - answered)
			abandoned := rest * 6 / 10
			c := report.Counts{Calls: rest, Offered: rest * 9 / 10, Abandoned: abandoned, AbandonedShort: abandoned / 5, Voicemail: rest / 10,
				Blocked: rest / 10, RepeatCalls: rest / 8, WaitAbandoned: abandoned * 40, TrunkMinutes: rest * 2}
			if err := w.add("report_intervals", []any{slot.UTC(), queue, 0}, c); err != nil {
				return err
			}
			if err := w.add("report_queue_intervals", []any{slot.UTC(), queue}, sumOf(qsum, c)); err != nil {
				return err
			}
		}
		if si%(96*5) == 0 {
			fmt.Printf("  %s\n", slot.Format(time.DateOnly))
		}
	}
	return w.flush()
}

func sumOf(a, b report.Counts) report.Counts {
	a.Add(b)
	return a
}

// split divides n into k near-equal parts.
func split(n, k int) []int {
	out := make([]int, k)
	for i := range out {
		out[i] = n / k
		if i < n%k {
			out[i]++
		}
	}
	return out
}

const sumCols = `calls, offered, answered, answered_in_sl, abandoned, abandoned_short, voicemail, blocked, repeat_calls, repeat_answered,
	transferred, wait_answered, wait_abandoned, talk_seconds, wrap_seconds, trunk_minutes`

// batcher inserts rows in multi-row statements, committing every 50,000 rows.
type batcher struct {
	ctx   context.Context
	d     *db.DB
	tx    *sql.Tx
	rows  map[string][][]any
	count int
}

func (b *batcher) add(table string, key []any, c report.Counts) error {
	if b.rows == nil {
		b.rows = map[string][][]any{}
	}
	b.rows[table] = append(b.rows[table], append(key, c.Calls, c.Offered, c.Answered, c.AnsweredInSL, c.Abandoned, c.AbandonedShort,
		c.Voicemail, c.Blocked, c.RepeatCalls, c.RepeatAnswered, c.Transferred, c.WaitAnswered, c.WaitAbandoned, c.TalkSeconds,
		c.WrapSeconds, c.TrunkMinutes))
	if len(b.rows[table]) >= 50 {
		return b.write(table)
	}
	return nil
}

func (b *batcher) write(table string) error {
	rows := b.rows[table]
	if len(rows) == 0 {
		return nil
	}
	if b.tx == nil {
		var err error
		if b.tx, err = b.d.Write().BeginTx(b.ctx, nil); err != nil {
			return err
		}
	}
	keys := "interval_start, queue, agent_id"
	if table == "report_queue_intervals" {
		keys = "interval_start, queue"
	}
	var sb strings.Builder
	var args []any
	fmt.Fprintf(&sb, "INSERT INTO %s (%s, %s) VALUES ", table, keys, sumCols)
	for i, r := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(")
		for j := range r {
			if j > 0 {
				sb.WriteString(", ")
			}
			fmt.Fprintf(&sb, "$%d", len(args)+j+1)
		}
		sb.WriteString(")")
		args = append(args, r...)
	}
	if _, err := b.tx.ExecContext(b.ctx, sb.String(), args...); err != nil {
		return err
	}
	b.rows[table] = rows[:0]
	if b.count += len(rows); b.count >= 50_000 {
		b.count = 0
		err := b.tx.Commit()
		b.tx = nil
		return err
	}
	return nil
}

func (b *batcher) flush() error {
	for table := range b.rows {
		if err := b.write(table); err != nil {
			return err
		}
	}
	if b.tx != nil {
		return b.tx.Commit()
	}
	return nil
}
