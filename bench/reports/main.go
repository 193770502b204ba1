// Command reports measures the month report over many raw call records: it generates a
// month of call records (10,000,000 by default) into the calls table of a SQLite
// database, inside SQLite (one INSERT ... SELECT over a recursive CTE per 15-minute
// interval), runs the full report.Service.Rollup over them from nothing (timed), then an
// incremental rollup, and times report.Service.Report for a month by day, by hour, by
// queue and by agent. The database is kept under the user's cache folder and reused
// while it holds the wanted number of calls.
//
//	go run ./bench/reports                           # 10,000,000 calls, 5 runs per report
//	go run ./bench/reports -n 300000 -db /tmp/r.db   # a quick look
//	go run ./bench/reports -rollup=false             # reports only, on the stored rollup
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"math"
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
	path := flag.String("db", "", "SQLite database file (reused; default ~/.cache/hotline-bench/calls-N.db)")
	runs := flag.Int("runs", 5, "runs of each report")
	rollup := flag.Bool("rollup", true, "run the full rollup from nothing (else keep the stored rollup)")
	flag.Parse()
	if *path == "" {
		*path = filepath.Join(cache, "hotline-bench", fmt.Sprintf("calls-%d.db", *n))
	}
	if err := os.MkdirAll(filepath.Dir(*path), 0o755); err != nil {
		return err
	}
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
	// A larger page cache for the writer: the indexes of 10 million rows.
	if _, err := d.Write().ExecContext(ctx, `PRAGMA cache_size = -1000000`); err != nil {
		return err
	}
	var have int
	if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM calls`).Scan(&have); err != nil {
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
		fmt.Printf("generated %d call records in %s\n", *n, time.Since(start).Round(time.Second))
	} else {
		fmt.Printf("reusing %s: %d call records\n", *path, have)
	}

	s := report.New(d, loc)
	s.SetClock(func() time.Time { return end.Add(time.Hour) })
	if *rollup {
		for _, table := range []string{"report_intervals", "report_queue_intervals", "report_days", "report_state"} {
			if _, err := d.Write().ExecContext(ctx, `DELETE FROM `+table); err != nil {
				return err
			}
		}
		start := time.Now()
		st, err := s.Rollup(ctx)
		if err != nil {
			return err
		}
		took := time.Since(start)
		fmt.Printf("full rollup: %d calls, %d intervals in %s (%.0f calls/s)\n", st.Calls, st.Intervals, took.Round(time.Millisecond), float64(st.Calls)/took.Seconds())
		start = time.Now()
		if st, err = s.Rollup(ctx); err != nil {
			return err
		}
		fmt.Printf("next rollup (nothing new): %d calls, %d intervals in %s\n", st.Calls, st.Intervals, time.Since(start).Round(time.Millisecond))
	}
	var rows int
	for _, table := range []string{"report_intervals", "report_queue_intervals", "report_days"} {
		if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&rows); err != nil {
			return err
		}
		fmt.Printf("%s: %d rows\n", table, rows)
	}
	var inbound int64
	if err := d.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM calls WHERE direction = 'inbound' AND ended_at IS NOT NULL`).Scan(&inbound); err != nil {
		return err
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
		if res.Total.Calls != inbound {
			return fmt.Errorf("the month report counts %d calls, the records hold %d ended inbound calls", res.Total.Calls, inbound)
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

// ts is the SQL text of the UTC timestamp epoch seconds e (a real number, milliseconds
// kept), in the form the application stores on SQLite.
func ts(e string) string {
	return `strftime('%Y-%m-%d %H:%M:%f', ` + e + `, 'unixepoch') || '+00:00'`
}

// insertSlot makes the calls of one 15-minute interval inside SQLite. Per call, from
// random draws made once (a materialized CTE): 2 % blocked, 4 % IVR only, 7 % abandoned
// after a wait of 0-90 s, 2 % voicemail, the rest answered after 0-60 s by one of the
// queue's agents and talked 1-8 minutes; 5 % outbound; 12 % repeat callers; 2 %
// transferred (a queue event).
const insertSlot = `INSERT INTO calls (uid, direction, from_number, caller, dialed, repeat_caller, queue, agent_id, status,
	started_at, queued_at, answered_at, ended_at, last_activity_at, wait_seconds, talk_seconds)
WITH RECURSIVE seq(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < $2),
r AS MATERIALIZED (SELECT i, $1 + (abs(random()) % 900000) / 1000.0 AS st, abs(random()) % 1000 AS outcome, abs(random()) % 1000 AS draw,
	abs(random()) % 200000 AS who, abs(random()) % 91 AS wait, 60 + abs(random()) % 421 AS talk, abs(random()) % 1000000 AS pick FROM seq),
c AS (SELECT i, st, who, draw, pick, CASE WHEN outcome < 20 THEN 'blocked' WHEN outcome < 60 THEN 'ivr' WHEN outcome < 130 THEN 'abandoned'
	WHEN outcome < 150 THEN 'voicemail' ELSE 'answered' END AS kind, CASE WHEN outcome < 130 THEN wait ELSE wait * 2 / 3 END AS wait, talk FROM r)
SELECT $3 || '-' || i, CASE WHEN draw < 50 THEN 'outbound' ELSE 'inbound' END, '' || (13800000000 + who), '+86' || (13800000000 + who), '4008001234',
	CASE WHEN draw >= 880 THEN 1 ELSE 0 END,
	CASE WHEN kind IN ('blocked', 'ivr') THEN '' ELSE $4 END,
	CASE WHEN kind = 'answered' THEN $5 + 4 * (pick % $6) ELSE NULL END,
	CASE kind WHEN 'answered' THEN 'completed' WHEN 'ivr' THEN 'completed' ELSE kind END,
	{start},
	CASE WHEN kind IN ('blocked', 'ivr') THEN NULL ELSE {queued} END,
	CASE WHEN kind = 'answered' THEN {answered} ELSE NULL END,
	{ended},
	{ended},
	CASE WHEN kind IN ('blocked', 'ivr') THEN 0 ELSE wait END,
	CASE WHEN kind = 'answered' THEN talk ELSE 0 END
FROM c`

// generate writes n call records spread over [from, to) by the daily curve, a statement
// per 15-minute interval and queue, a transaction per day, and transfer events for 2 %.
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
	stmt := strings.NewReplacer("{start}", ts("st"), "{queued}", ts("st + 20"), "{answered}", ts("st + 20 + wait"),
		"{ended}", ts("st + 20 + CASE kind WHEN 'answered' THEN wait + talk WHEN 'blocked' THEN -19 WHEN 'ivr' THEN 40 WHEN 'voicemail' THEN wait + 45 ELSE wait END")).Replace(insertSlot)
	perQueue := agents / len(queues)
	var tx *sql.Tx
	for si, slot := range slots {
		if tx == nil {
			if tx, err = d.Write().BeginTx(ctx, nil); err != nil {
				return err
			}
		}
		for qi, q := range split(counts[si], len(queues)) {
			if q == 0 {
				continue
			}
			uid := fmt.Sprintf("b%d-%d", si, qi)
			if _, err := tx.ExecContext(ctx, stmt, slot.Unix(), q, uid, queues[qi], 1+qi, perQueue); err != nil {
				return fmt.Errorf("slot %s: %w", slot.Format(time.RFC3339), err)
			}
		}
		if (si+1)%96 == 0 || si == len(slots)-1 {
			day := slot.Add(-23*time.Hour - 45*time.Minute)
			if _, err := tx.ExecContext(ctx, `INSERT INTO call_queue_events (call_id, at, kind, queue)
				SELECT id, answered_at, 'transferred', queue FROM calls WHERE started_at >= $1 AND answered_at IS NOT NULL AND abs(random()) % 50 = 0`, day.UTC()); err != nil {
				return err
			}
			if err := tx.Commit(); err != nil {
				return err
			}
			tx = nil
			fmt.Printf("  %s\n", day.Format(time.DateOnly))
		}
	}
	return nil
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
