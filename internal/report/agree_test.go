package report

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
)

// rawCall is one generated call record as the test wrote it.
type rawCall struct {
	id                  int64
	inbound             bool
	queue               string
	agent               int64
	status              string
	started, ended      time.Time // ended zero: still going on
	queued, answered    bool
	wait, talk          int64
	repeat, transferred bool
}

// randomCalls makes n calls over ten days from 1 March 2026 (Shanghai), with edge cases
// on purpose: durations of exactly whole minutes and a microsecond over, waits at the
// service-level threshold and at the short-abandon limit, a queue that does not exist,
// calls that reached no queue.
func randomCalls(t *testing.T, n int, seed uint64) []rawCall {
	r := rand.New(rand.NewPCG(seed, 7))
	base := local(t, "2026-03-01 00:00:00").UTC()
	queues := []string{"sales", "support", "", "ghost"}
	waits := []int64{0, 4, 5, 19, 20, 21, 29, 30, 31, 45, 90}
	out := make([]rawCall, n)
	for i := range out {
		c := &out[i]
		c.inbound = r.IntN(20) != 0
		c.queue = queues[r.IntN(len(queues))]
		c.started = base.Add(time.Duration(r.Int64N(int64(10 * 24 * time.Hour)))).Truncate(time.Microsecond)
		c.repeat = r.IntN(5) == 0
		c.transferred = r.IntN(10) == 0
		var d time.Duration
		switch r.IntN(4) {
		case 0:
			d = time.Duration(r.IntN(6)) * time.Minute // whole minutes, 0 included
		case 1:
			d = time.Duration(1+r.IntN(5))*time.Minute + time.Microsecond
		default:
			d = time.Duration(r.Int64N(int64(15 * time.Minute))).Truncate(time.Microsecond)
		}
		c.ended = c.started.Add(d)
		c.queued = c.queue != "" || r.IntN(4) == 0
		switch k := r.IntN(10); {
		case k == 0:
			c.status, c.queued = "blocked", false
		case k == 1:
			c.status = "voicemail"
		case k == 2:
			c.status, c.ended = "active", time.Time{}
		case k <= 5 && c.queued:
			c.status = "abandoned"
		default:
			c.status = "completed"
			c.answered = c.queued && r.IntN(8) != 0
		}
		if c.queued {
			c.wait = waits[r.IntN(len(waits))]
		}
		if c.answered {
			c.agent = 1 + r.Int64N(3)
			c.talk = r.Int64N(600)
		}
	}
	return out
}

func insertRawCalls(t *testing.T, d *db.DB, calls []rawCall) {
	t.Helper()
	ctx := context.Background()
	for i := range calls {
		c := &calls[i]
		dir := "outbound"
		if c.inbound {
			dir = "inbound"
		}
		var queued, answered, ended, agent any
		if c.queued {
			queued = c.started.Add(2 * time.Second)
		}
		if c.answered {
			answered = c.started.Add(time.Duration(2+c.wait) * time.Second)
		}
		if !c.ended.IsZero() {
			ended = c.ended
		}
		if c.agent != 0 {
			agent = c.agent
		}
		err := d.Write().QueryRowContext(ctx, `INSERT INTO calls (uid, direction, from_number, caller, dialed, repeat_caller, queue, agent_id, status,
			started_at, queued_at, answered_at, ended_at, last_activity_at, wait_seconds, talk_seconds)
			VALUES ($1, $2, '13812345678', '+8613812345678', '4008001234', $3, $4, $5, $6, $7, $8, $9, $10, $7, $11, $12) RETURNING id`,
			fmt.Sprintf("rnd-%d", i), dir, c.repeat, c.queue, agent, c.status, c.started, queued, answered, ended, c.wait, c.talk).Scan(&c.id)
		if err != nil {
			t.Fatal(err)
		}
		// A transferred call may have several transfers; other events do not count.
		events := []string{"entered_queue"}
		if c.transferred {
			events = append(events, "transferred", "transferred")
		}
		for _, kind := range events {
			if _, err := d.Write().ExecContext(ctx, `INSERT INTO call_queue_events (call_id, at, kind, queue) VALUES ($1, $2, $3, $4)`, c.id, c.started, kind, c.queue); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// refKPI computes one KPI straight from the raw calls of a row, with the rules of the
// definitions page written out again: sales answers within 20 s and wraps up 10 s,
// support 30 s and 0 s, other queues 30 s and 0 s. seatHours is 0 for a queue or agent.
func refKPI(id string, calls []rawCall, seatHours float64, cost CostModel) (float64, bool) {
	var n, offered, answered, inSL, abandoned, short, vm, blocked, repeat, repeatAns, transferred float64
	var waitAns, waitAb, talk, wrap, trunk float64
	for _, c := range calls {
		n++
		mins := int64(0)
		if d := c.ended.Sub(c.started); d > 0 {
			mins = int64(d / time.Minute)
			if d%time.Minute != 0 {
				mins++
			}
		}
		trunk += float64(mins)
		if c.repeat {
			repeat++
		}
		if c.transferred {
			transferred++
		}
		if c.status == "voicemail" {
			vm++
		}
		if c.status == "blocked" {
			blocked++
		}
		if !c.queued {
			continue
		}
		offered++
		sl, wr := int64(30), 0.0
		if c.queue == "sales" {
			sl, wr = 20, 10
		}
		if c.answered {
			answered++
			waitAns += float64(c.wait)
			talk += float64(c.talk)
			wrap += wr
			if c.wait <= sl {
				inSL++
			}
			if c.repeat {
				repeatAns++
			}
		} else if c.status == "abandoned" {
			abandoned++
			waitAb += float64(c.wait)
			if c.wait < ShortAbandon {
				short++
			}
		}
	}
	switch id {
	case "calls":
		return n, true
	case "offered":
		return offered, true
	case "answered":
		return answered, true
	case "answer_rate":
		return ratio(answered, offered)
	case "service_level":
		return ratio(inSL, offered)
	case "service_level_excl":
		return ratio(inSL, offered-short)
	case "abandoned":
		return abandoned, true
	case "abandon_rate":
		return ratio(abandoned, offered)
	case "short_abandons":
		return short, true
	case "asa":
		return ratio(waitAns, answered)
	case "avg_abandon_wait":
		return ratio(waitAb, abandoned)
	case "aht":
		return ratio(talk+wrap, answered)
	case "fcr":
		return ratio(answered-repeatAns, answered)
	case "repeat_rate":
		return ratio(repeat, n)
	case "transferred":
		return transferred, true
	case "blocked":
		return blocked, true
	case "voicemail":
		return vm, true
	case "trunk_minutes":
		return trunk, true
	case "cost_per_contact":
		if seatHours <= 0 {
			return 0, false
		}
		return ratio(seatHours*float64(cost.Seats)*cost.SeatHourCost+trunk*cost.TrunkMinuteCost, answered)
	}
	panic("no reference for KPI " + id)
}

// TestEveryNumberAgreesWithTheRawRecords generates a few thousand random calls, rolls
// them up in two steps (some calls end between them) and checks every call KPI of every
// row of every bucket and grouping against a recomputation from the raw calls.
func TestEveryNumberAgreesWithTheRawRecords(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seed(t, d) // users 1-2, queues sales and support, and the hand-built calls of 2-3 March
		if _, err := d.Write().ExecContext(ctx, `DELETE FROM call_queue_events`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write().ExecContext(ctx, `DELETE FROM calls`); err != nil {
			t.Fatal(err)
		}
		if _, err := d.Write().ExecContext(ctx, `INSERT INTO users (id, username, display_name, role, password_hash, password_changed_at, created_at, updated_at)
			VALUES (3, 'wangfang', '王芳', 'agent', 'x', $1, $1, $1)`, time.Now().UTC()); err != nil {
			t.Fatal(err)
		}
		calls := randomCalls(t, 3000, 20260301)
		// First the calls as they stand at noon on 5 March: later ones are still going on.
		mid := local(t, "2026-03-05 12:00:00").UTC()
		later := map[int]time.Time{}
		stage := make([]rawCall, len(calls))
		copy(stage, calls)
		for i, c := range stage {
			if !c.ended.IsZero() && c.ended.After(mid) {
				later[i] = c.ended
				stage[i].ended, stage[i].status = time.Time{}, "active"
			}
		}
		insertRawCalls(t, d, stage)
		s := New(d, shanghai(t))
		s.SetClock(func() time.Time { return mid })
		if _, err := s.Rollup(ctx); err != nil {
			t.Fatal(err)
		}
		for i, end := range later {
			calls[i].id = stage[i].id
			if _, err := d.Write().ExecContext(ctx, `UPDATE calls SET ended_at = $1, status = $2 WHERE id = $3`, end, calls[i].status, calls[i].id); err != nil {
				t.Fatal(err)
			}
		}
		for i := range calls {
			calls[i].id = stage[i].id
		}
		s.SetClock(func() time.Time { return local(t, "2026-03-12 00:00:00") })
		if _, err := s.Rollup(ctx); err != nil {
			t.Fatal(err)
		}
		cost := CostModel{Seats: 12, SeatHourCost: 35, TrunkMinuteCost: 0.12, Currency: "CNY"}
		if err := s.SetCosts(ctx, cost, 1); err != nil {
			t.Fatal(err)
		}
		var counted []rawCall
		for _, c := range calls {
			if c.inbound && !c.ended.IsZero() {
				counted = append(counted, c)
			}
		}
		checked := 0
		for _, tc := range []struct{ from, to, bucket, group string }{
			{"2026-03-01", "2026-03-10", "15m", ""},
			{"2026-03-01", "2026-03-10", "30m", "queue"},
			{"2026-03-01", "2026-03-10", "60m", ""},
			{"2026-03-02", "2026-03-08", "60m", "agent"},
			{"2026-03-03", "2026-03-04", "15m", "agent"},
			{"2026-03-01", "2026-03-10", "day", ""},
			{"2026-03-01", "2026-03-10", "day", "queue"},
			{"2026-03-01", "2026-03-10", "day", "agent"},
			{"2026-03-01", "2026-03-10", "week", "queue"},
			{"2026-02-20", "2026-03-31", "month", ""},
			{"2026-03-04", "2026-03-06", "week", "agent"}, // clipped weeks
		} {
			q, err := ParseQuery(tc.from, tc.to, tc.bucket, tc.group, s.now(), s.loc)
			if err != nil {
				t.Fatal(err)
			}
			res, err := s.Report(ctx, q, "en")
			if err != nil {
				t.Fatal(err)
			}
			name := tc.bucket + " by " + tc.group
			var inPeriod []rawCall
			for _, c := range counted {
				if !c.started.Before(q.From) && c.started.Before(q.To) {
					inPeriod = append(inPeriod, c)
				}
			}
			var rowCalls int64
			check := func(where string, r Row, g Group) {
				var mine []rawCall
				for _, c := range inPeriod {
					if c.started.Before(r.Start) || !c.started.Before(r.End) {
						continue
					}
					if (g == GroupQueue && c.queue != r.Key) || (g == GroupAgent && strconv.FormatInt(c.agent, 10) != r.Key) {
						continue
					}
					mine = append(mine, c)
				}
				for _, def := range Defs {
					if def.Ticket {
						continue
					}
					seatHours := 0.0 // a queue's or agent's share of the seats is not known
					if g == GroupNone {
						seatHours = r.End.Sub(r.Start).Hours()
					}
					want, wok := refKPI(def.ID, mine, seatHours, cost)
					got, gok := r.Value(def.ID)
					if wok != gok || (wok && !near(got, want)) {
						t.Errorf("%s, %s %s key %q: %s = %v (%v), raw records say %v (%v)", name, where, r.Start.In(s.loc).Format("01-02 15:04"), r.Key, def.ID, got, gok, want, wok)
					}
					checked++
				}
			}
			for _, r := range res.Rows {
				check("row", r, q.Group)
				rowCalls += r.Calls
			}
			for _, r := range res.Buckets {
				check("bucket", r, GroupNone)
			}
			for _, r := range res.Keys {
				check("total of", r, q.Group)
			}
			check("total", res.Total, GroupNone)
			if rowCalls != int64(len(inPeriod)) {
				t.Errorf("%s: rows count %d calls, the period has %d", name, rowCalls, len(inPeriod))
			}
			var heat [7][24]int64
			for _, c := range inPeriod {
				if c.queued {
					lt := c.started.In(s.loc)
					heat[(int(lt.Weekday())+6)%7][lt.Hour()]++
				}
			}
			if heat != res.Heatmap {
				t.Errorf("%s: heatmap differs from the raw records", name)
			}
		}
		if len(counted) < 2000 || checked < 10000 {
			t.Fatalf("only %d calls and %d numbers checked", len(counted), checked)
		}
	})
}
