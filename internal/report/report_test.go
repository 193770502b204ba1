package report

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/calendar"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/wfm"
)

func shanghai(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func local(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04:05", s, shanghai(t))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// handCall is one call of the hand-built data set.
type handCall struct {
	start       string // local time, Asia/Shanghai
	direction   string
	queue       string
	agent       int64
	status      string
	queued      bool
	answered    bool
	wait, talk  int
	seconds     int // from start to end; -1: not ended
	repeat      bool
	transferred bool
}

// handCalls straddle midnight in Shanghai (15:50 to 17:30 UTC, all on 2 March in UTC).
// Queue sales answers within 20 s and has 10 s of wrap-up; support 30 s and none.
var handCalls = []handCall{
	{"2026-03-02 23:50:00", "inbound", "sales", 1, "completed", true, true, 10, 100, 120, false, false},   // 1: in SL, 2 min
	{"2026-03-02 23:55:00", "inbound", "sales", 1, "completed", true, true, 25, 200, 240, true, true},     // 2: over SL, repeat, transferred, 4 min
	{"2026-03-03 00:05:00", "inbound", "support", 0, "abandoned", true, false, 3, 0, 13, false, false},    // 3: short abandon, 1 min
	{"2026-03-03 00:10:00", "inbound", "support", 0, "abandoned", true, false, 40, 0, 50, true, false},    // 4: abandon, repeat, 1 min
	{"2026-03-03 00:20:00", "inbound", "support", 2, "completed", true, true, 30, 60, 100, false, false},  // 5: exactly at SL, 2 min
	{"2026-03-03 00:40:00", "inbound", "", 0, "blocked", false, false, 0, 0, 1, false, false},             // 6: blocked, 1 min
	{"2026-03-03 01:00:00", "inbound", "support", 0, "voicemail", true, false, 600, 0, 700, false, false}, // 7: voicemail, 12 min
	{"2026-03-03 01:10:00", "inbound", "", 0, "completed", false, false, 0, 0, 90, false, false},          // 8: IVR only, 2 min
	{"2026-03-03 01:20:00", "inbound", "support", 2, "active", true, true, 5, 0, -1, false, false},        // 9: still going on: not counted
	{"2026-03-03 01:30:00", "outbound", "", 1, "completed", false, true, 0, 30, 40, false, false},         // 10: outbound: not counted
}

func seed(t *testing.T, d *db.DB) {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := d.Write().ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec(`INSERT INTO users (id, username, display_name, role, password_hash, password_changed_at, created_at, updated_at) VALUES
		(1, 'zhangwei', '张伟', 'agent', 'x', $1, $1, $1), (2, 'lina', '李娜', 'agent', 'x', $1, $1, $1)`, now)
	exec(`INSERT INTO queues (code, name_zh, name_en, sl_seconds, wrap_up_seconds, created_at) VALUES
		('sales', '售前', 'Sales', 20, 10, $1), ('support', '售后', 'Support', 30, 0, $1)`, now)
	for i, c := range handCalls {
		start := local(t, c.start).UTC()
		var queued, answered, ended any
		if c.queued {
			queued = start.Add(5 * time.Second)
		}
		if c.answered {
			answered = start.Add(time.Duration(5+c.wait) * time.Second)
		}
		if c.seconds >= 0 {
			ended = start.Add(time.Duration(c.seconds) * time.Second)
		}
		var agent any
		if c.agent != 0 {
			agent = c.agent
		}
		var id int64
		err := d.Write().QueryRowContext(ctx, `INSERT INTO calls (uid, direction, from_number, caller, dialed, repeat_caller, queue, agent_id, status,
			started_at, queued_at, answered_at, ended_at, last_activity_at, wait_seconds, talk_seconds)
			VALUES ($1, $2, '13812345678', '+8613812345678', '4008001234', $3, $4, $5, $6, $7, $8, $9, $10, $7, $11, $12) RETURNING id`,
			fmt.Sprintf("hand-%d", i+1), c.direction, c.repeat, c.queue, agent, c.status, start, queued, answered, ended, c.wait, c.talk).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		if c.transferred {
			exec(`INSERT INTO call_queue_events (call_id, at, kind, queue) VALUES ($1, $2, 'transferred', $3)`, id, start.Add(time.Minute), c.queue)
		}
	}
}

func newService(t *testing.T, d *db.DB) *Service {
	s := New(d, shanghai(t))
	s.SetClock(func() time.Time { return local(t, "2026-03-03 12:00:00") })
	return s
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestCallKPIsOnHandBuiltData(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seed(t, d)
		s := newService(t, d)
		st, err := s.Rollup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Calls != 9 { // the ended calls, outbound included (it is filtered when aggregating)
			t.Errorf("rollup saw %d ended calls, want 9", st.Calls)
		}
		if err := s.SetCosts(ctx, CostModel{Seats: 2, SeatHourCost: 30, TrunkMinuteCost: 0.1, Currency: "CNY"}, 1); err != nil {
			t.Fatal(err)
		}
		q, err := ParseQuery("2026-03-02", "2026-03-03", "day", "", s.now(), s.loc)
		if err != nil {
			t.Fatal(err)
		}
		res, err := s.Report(ctx, q, "en")
		if err != nil {
			t.Fatal(err)
		}
		want := Counts{Calls: 8, Offered: 6, Answered: 3, AnsweredInSL: 2, Abandoned: 2, AbandonedShort: 1, Voicemail: 1, Blocked: 1,
			RepeatCalls: 2, RepeatAnswered: 1, Transferred: 1, WaitAnswered: 65, WaitAbandoned: 43, TalkSeconds: 360, WrapSeconds: 20, TrunkMinutes: 25}
		if res.Total.Counts != want {
			t.Fatalf("totals\n got %+v\nwant %+v", res.Total.Counts, want)
		}
		// Every call KPI, worked out by hand from the list above.
		kpis := map[string]float64{
			"calls": 8, "offered": 6, "answered": 3, "answer_rate": 3.0 / 6, "service_level": 2.0 / 6, "service_level_excl": 2.0 / 5,
			"abandoned": 2, "abandon_rate": 2.0 / 6, "short_abandons": 1, "asa": 65.0 / 3, "avg_abandon_wait": 43.0 / 2,
			"aht": (360.0 + 20) / 3, "fcr": 2.0 / 3, "repeat_rate": 2.0 / 8, "transferred": 1, "blocked": 1, "voicemail": 1,
			"trunk_minutes": 25,
			// 2 seats × 48 h × 30 + 25 min × 0.1, over 3 answered calls.
			"cost_per_contact": (2*48*30 + 2.5) / 3,
		}
		for _, def := range Defs {
			if def.Ticket {
				continue
			}
			w, ok := kpis[def.ID]
			if !ok {
				t.Errorf("KPI %s has no hand-computed answer in this test", def.ID)
				continue
			}
			if got, ok := res.Total.Value(def.ID); !ok || !near(got, w) {
				t.Errorf("%s = %v (%v), want %v", def.ID, got, ok, w)
			}
		}
		// Days in Shanghai: calls 1-2 on 2 March, 3-8 on 3 March, though all are on 2 March in UTC.
		if len(res.Rows) != 2 || res.Rows[0].Calls != 2 || res.Rows[1].Calls != 6 || res.Rows[0].Answered != 2 || res.Rows[1].Offered != 4 {
			t.Fatalf("day rows %+v", res.Rows)
		}
		if !res.Rows[0].Start.Equal(local(t, "2026-03-02 00:00:00")) || !res.Rows[1].End.Equal(local(t, "2026-03-04 00:00:00")) {
			t.Errorf("day bounds %v %v", res.Rows[0].Start, res.Rows[1].End)
		}
		if v, ok := res.Rows[0].Value("cost_per_contact"); !ok || !near(v, (2*24*30+0.6)/2) {
			t.Errorf("2 March cost per contact %v %v", v, ok)
		}
		if res.Heatmap[0][23] != 2 || res.Heatmap[1][0] != 3 || res.Heatmap[1][1] != 1 {
			t.Errorf("heatmap Monday 23h %d, Tuesday 0h %d, 1h %d", res.Heatmap[0][23], res.Heatmap[1][0], res.Heatmap[1][1])
		}
	})
}

func TestBucketsAndGroups(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seed(t, d)
		s := newService(t, d)
		if _, err := s.Rollup(ctx); err != nil {
			t.Fatal(err)
		}
		report := func(bucket, group string) *Result {
			t.Helper()
			q, err := ParseQuery("2026-03-02", "2026-03-03", bucket, group, s.now(), s.loc)
			if err != nil {
				t.Fatal(err)
			}
			res, err := s.Report(ctx, q, "zh-CN")
			if err != nil {
				t.Fatal(err)
			}
			return res
		}
		type cell struct {
			start string
			key   string
			calls int64
		}
		cells := func(res *Result) []cell {
			var out []cell
			for _, r := range res.Rows {
				if r.Calls > 0 {
					out = append(out, cell{r.Start.In(s.loc).Format("01-02 15:04"), r.Key, r.Calls})
				}
			}
			return out
		}
		for _, tc := range []struct {
			bucket, group string
			want          []cell
		}{
			{"60m", "", []cell{{"03-02 23:00", "", 2}, {"03-03 00:00", "", 4}, {"03-03 01:00", "", 2}}},
			{"30m", "", []cell{{"03-02 23:30", "", 2}, {"03-03 00:00", "", 3}, {"03-03 00:30", "", 1}, {"03-03 01:00", "", 2}}},
			{"15m", "", []cell{{"03-02 23:45", "", 2}, {"03-03 00:00", "", 2}, {"03-03 00:15", "", 1}, {"03-03 00:30", "", 1}, {"03-03 01:00", "", 2}}},
			{"week", "", []cell{{"03-02 00:00", "", 8}}},
			{"month", "", []cell{{"03-02 00:00", "", 8}}}, // clipped to the period's start
			{"day", "agent", []cell{{"03-02 00:00", "1", 2}, {"03-03 00:00", "0", 5}, {"03-03 00:00", "2", 1}}},
			{"60m", "queue", []cell{{"03-02 23:00", "sales", 2}, {"03-03 00:00", "", 1}, {"03-03 00:00", "support", 3}, {"03-03 01:00", "", 1}, {"03-03 01:00", "support", 1}}},
		} {
			got := cells(report(tc.bucket, tc.group))
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%s by %q:\n got %v\nwant %v", tc.bucket, tc.group, got, tc.want)
			}
		}
		res := report("day", "queue")
		if len(res.Keys) != 3 || res.Keys[0].Key != "sales" || res.Keys[0].AnsweredInSL != 1 || res.Keys[1].Key != "support" || res.Keys[1].Offered != 4 {
			t.Fatalf("queue league %+v", res.Keys)
		}
		if res.Labels["sales"] != "售前" {
			t.Errorf("labels %v", res.Labels)
		}
		if _, ok := res.Keys[0].Value("cost_per_contact"); ok {
			t.Error("a queue's cost per contact is not defined")
		}
		if _, ok := res.Total.Value("cost_per_contact"); ok {
			t.Error("cost per contact without a cost model is not defined")
		}
		if res := report("60m", ""); len(res.Rows) != 48 {
			t.Errorf("60m over two days: %d rows, want 48 (empty hours too)", len(res.Rows))
		}
	})
}

func TestRollupIsIdempotentAndIncremental(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seed(t, d)
		s := newService(t, d)
		snapshot := func() string {
			t.Helper()
			rows, err := d.Read().QueryContext(ctx, `SELECT interval_start, queue, agent_id, calls, offered, answered, answered_in_sl, talk_seconds
				FROM report_intervals ORDER BY interval_start, queue, agent_id`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := ""
			for rows.Next() {
				var at time.Time
				var q string
				var a, c, o, an, sl, talk int64
				if err := rows.Scan(&at, &q, &a, &c, &o, &an, &sl, &talk); err != nil {
					t.Fatal(err)
				}
				out += fmt.Sprintf("%s %s %d: %d %d %d %d %d\n", at.UTC().Format("15:04"), q, a, c, o, an, sl, talk)
			}
			return out
		}
		if _, err := s.Rollup(ctx); err != nil {
			t.Fatal(err)
		}
		first := snapshot()
		if first == "" {
			t.Fatal("rollup wrote nothing")
		}
		// Run again: only the calls that ended within the overlap before the watermark
		// (the outbound call at 01:30:40) are looked at again, and nothing changes.
		st, err := s.Rollup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if st.Calls != 1 || st.Intervals != 1 || snapshot() != first {
			t.Errorf("second rollup redid %d calls, %d intervals", st.Calls, st.Intervals)
		}
		if _, err := s.RollupSince(ctx, time.Time{}); err != nil {
			t.Fatal(err)
		}
		if again := snapshot(); again != first {
			t.Fatalf("full re-aggregation differs:\n%s\nvs\n%s", again, first)
		}
		// The call that was going on ends: its interval is re-aggregated with it.
		end := local(t, "2026-03-03 01:35:00").UTC()
		if _, err := d.Write().ExecContext(ctx, `UPDATE calls SET status = 'completed', ended_at = $1, talk_seconds = 200 WHERE uid = 'hand-9'`, end); err != nil {
			t.Fatal(err)
		}
		s.SetClock(func() time.Time { return local(t, "2026-03-03 12:05:00") })
		if st, err = s.Rollup(ctx); err != nil || st.Calls != 2 || st.Intervals != 2 {
			t.Fatalf("incremental rollup %+v %v", st, err)
		}
		q, _ := ParseQuery("2026-03-03", "2026-03-03", "day", "", s.now(), s.loc)
		res, err := s.Report(ctx, q, "en")
		if err != nil {
			t.Fatal(err)
		}
		if res.Total.Calls != 7 || res.Total.Answered != 2 || res.Total.TalkSeconds != 260 || !res.RolledTo.Equal(end) {
			t.Errorf("after the call ended: %+v, rolled to %v", res.Total.Counts, res.RolledTo)
		}
		// The center moves to UTC: the days are summed again, and all 9 calls fall on 2 March.
		u := New(d, time.UTC)
		u.SetClock(s.now)
		if _, err := u.Rollup(ctx); err != nil {
			t.Fatal(err)
		}
		q, _ = ParseQuery("2026-03-01", "2026-03-03", "day", "agent", u.now(), time.UTC)
		if res, err = u.Report(ctx, q, "en"); err != nil {
			t.Fatal(err)
		}
		if len(res.Rows) != 3 || !res.Rows[0].Start.Equal(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)) || res.Total.Calls != 9 {
			t.Errorf("days in UTC: %+v", res.Rows)
		}
	})
}

func TestTicketKPIs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := d.Write().ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		exec(`INSERT INTO customers (id, name, created_at, updated_at) VALUES (1, '王芳', $1, $1)`, now)
		exec(`INSERT INTO ticket_types (id, code, name_zh, name_en, complaint, definition, created_at, updated_at) VALUES
			(1, 'repair', '维修', 'Repair', FALSE, '{}', $1, $1), (2, 'complaint', '投诉', 'Complaint', TRUE, '{}', $1, $1)`, now)
		tickets := []struct {
			typ             int
			channel         string
			created, closed string
		}{
			{1, "phone", "2026-03-02 10:00:00", "2026-03-03 09:00:00"}, // created and closed in the period
			{1, "phone", "2026-02-28 10:00:00", ""},                    // backlog from before
			{2, "phone", "2026-03-02 12:00:00", "2026-03-03 12:00:00"}, // complaint closed in 24 h
			{2, "web", "2026-03-03 08:00:00", ""},                      // complaint still open
			{2, "phone", "2026-02-27 00:00:00", "2026-03-02 00:00:00"}, // complaint from before, closed in 72 h
			{1, "web", "2026-03-03 20:00:00", "2026-03-05 09:00:00"},   // closed after the period: backlog at its end
		}
		for i, tk := range tickets {
			var closed any
			if tk.closed != "" {
				closed = local(t, tk.closed).UTC()
			}
			created := local(t, tk.created).UTC()
			exec(`INSERT INTO tickets (number, type_id, customer_id, title, priority, channel, status, status_category, created_at, updated_at, closed_at)
				VALUES ($1, $2, 1, 't', 'normal', $3, 's', 'open', $4, $4, $5)`, fmt.Sprint(i+1), tk.typ, tk.channel, created, closed)
		}
		res, err := s.Tickets(ctx, local(t, "2026-03-02 00:00:00"), local(t, "2026-03-04 00:00:00"), TicketsByType, "en")
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]float64{"tickets_created": 4, "tickets_closed": 3, "backlog": 3, "complaints_created": 2,
			"complaint_closure_rate": 0.5, "complaint_cycle_hours": 48}
		for _, def := range Defs {
			if !def.Ticket {
				continue
			}
			if def.ID == "sla_met" || def.ID == "first_response_met" { // these types set no targets (TestTicketSLAKPIs)
				if v, ok := res.Total.Value(def.ID); ok {
					t.Errorf("%s = %v without targets, want undefined", def.ID, v)
				}
				continue
			}
			if got, ok := res.Total.Value(def.ID); !ok || !near(got, want[def.ID]) {
				t.Errorf("%s = %v (%v), want %v", def.ID, got, ok, want[def.ID])
			}
		}
		if len(res.Rows) != 2 || res.Rows[0].Key != "complaint" || res.Rows[0].Label != "Complaint" || res.Rows[0].CycleHours != 48 ||
			res.Rows[1].Created != 2 || res.Rows[1].Backlog != 2 {
			t.Fatalf("by type %+v", res.Rows)
		}
		if _, ok := res.Rows[1].Value("complaint_closure_rate"); ok {
			t.Error("closure rate of a type without complaints is not defined")
		}
		byChannel, err := s.Tickets(ctx, local(t, "2026-03-02 00:00:00"), local(t, "2026-03-04 00:00:00"), TicketsByChannel, "en")
		if err != nil {
			t.Fatal(err)
		}
		if len(byChannel.Rows) != 2 || byChannel.Rows[0].Key != "phone" || byChannel.Rows[0].Created != 2 || byChannel.Rows[1].Created != 2 {
			t.Fatalf("by channel %+v", byChannel.Rows)
		}
	})
}

func TestParseQueryRejectsBadInput(t *testing.T) {
	loc := shanghai(t)
	now := local(t, "2026-03-03 12:00:00")
	for _, tc := range []struct{ from, to, bucket, group string }{
		{"2026-13-01", "", "day", ""},
		{"2026-03-05", "2026-03-01", "day", ""},
		{"2025-01-01", "2026-03-01", "day", ""},
		{"2026-01-01", "2026-03-01", "15m", ""},
		{"", "", "hour", ""},
		{"", "", "day", "team"},
		{"2026-02-01", "2026-02-10", "60m", "agent"},
	} {
		if _, err := ParseQuery(tc.from, tc.to, tc.bucket, tc.group, now, loc); err == nil {
			t.Errorf("%+v accepted", tc)
		}
	}
	q, err := ParseQuery("", "", "", "", now, loc)
	if err != nil || !q.From.Equal(local(t, "2026-02-25 00:00:00")) || !q.To.Equal(local(t, "2026-03-04 00:00:00")) || q.Bucket != BucketDay {
		t.Fatalf("defaults %+v %v", q, err)
	}
	for _, bad := range [][4]string{{"-1", "1", "1", "CNY"}, {"2", "x", "1", "CNY"}, {"2", "1", "-0.1", "CNY"}, {"2", "1", "1", "RMB1"}} {
		if _, err := ParseCosts(bad[0], bad[1], bad[2], bad[3]); err == nil {
			t.Errorf("costs %v accepted", bad)
		}
	}
}

func TestStaffing(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seed(t, d)
		s := newService(t, d)
		if _, err := s.Rollup(ctx); err != nil {
			t.Fatal(err)
		}
		// Ten calls at 10:00 on each of the four Tuesdays before 3 March.
		for w := 1; w <= 4; w++ {
			at := local(t, "2026-03-03 10:00:00").AddDate(0, 0, -7*w).UTC()
			if _, err := d.Write().ExecContext(ctx, `INSERT INTO report_queue_intervals (interval_start, queue, calls, offered) VALUES ($1, 'support', 10, 10)`, at); err != nil {
				t.Fatal(err)
			}
		}
		target := wfm.Target{ServiceLevel: 0.8, AnswerWithin: 20 * time.Second}
		st, err := s.Staffing(ctx, StaffingQuery{Day: wfm.Date{Year: 2026, Month: 3, Day: 3}, Interval: time.Hour, Target: target, AHT: 3 * time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Slots) != 24 || st.AHTSource != "given" {
			t.Fatalf("%d slots, AHT from %s", len(st.Slots), st.AHTSource)
		}
		want, err := wfm.Required(10, 3*time.Minute, time.Hour, target)
		if err != nil {
			t.Fatal(err)
		}
		ten := st.Slots[10]
		if !near2(ten.Calls, 10) || ten.Agents != want.Agents || ten.LoggedIn != 0 || !ten.Understaffed {
			t.Errorf("10:00 %+v, want %d agents", ten, want.Agents)
		}
		// Midnight: no forecast, three calls offered, agent 2 answered one.
		if z := st.Slots[0]; z.Calls != 0 || z.Offered != 3 || z.LoggedIn != 1 || z.Understaffed {
			t.Errorf("00:00 %+v", z)
		}
		if st.Understaff != 1 {
			t.Errorf("%d understaffed intervals, want 1", st.Understaff)
		}
		if _, err := s.Staffing(ctx, StaffingQuery{Day: wfm.Date{Year: 2026, Month: 3, Day: 3}, Interval: 20 * time.Minute, Target: target}); err == nil {
			t.Error("a 20-minute interval was accepted")
		}
	})
}

func near2(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

// TestTicketSLAKPIs works out SLA met and first response within target on hand-built
// tickets under a business calendar of 09:00-18:00 every day (Shanghai): repair answers
// within 60 business minutes and resolves within 540 (a business day), complaint 30 and
// 1,080, consult sets no targets.
func TestTicketSLAKPIs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newService(t, d)
		now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := d.Write().ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		day := []calendar.Span{{Start: 9 * 60, End: 18 * 60}}
		cal := &calendar.Calendar{NameZH: "工作日", NameEN: "Business hours", TimeZone: "Asia/Shanghai", Week: [7][]calendar.Span{day, day, day, day, day, day, day}}
		if err := calendar.NewStore(d).Create(ctx, cal); err != nil {
			t.Fatal(err)
		}
		exec(`INSERT INTO customers (id, name, created_at, updated_at) VALUES (1, '王芳', $1, $1)`, now)
		exec(`INSERT INTO ticket_types (id, code, name_zh, name_en, complaint, first_response_minutes, resolution_minutes, definition, created_at, updated_at) VALUES
			(1, 'repair', '维修', 'Repair', FALSE, 60, 540, '{}', $1, $1), (2, 'complaint', '投诉', 'Complaint', TRUE, 30, 1080, '{}', $1, $1),
			(3, 'consult', '咨询', 'Consult', FALSE, 0, 0, '{}', $1, $1)`, now)
		at := func(s string) any {
			if s == "" {
				return nil
			}
			return local(t, "2026-03-"+s+":00").UTC()
		}
		for i, tk := range []struct {
			typ                                  int
			created, responded, resolved, closed string
			pause                                [2]string
		}{
			{1, "02 17:00", "03 09:30", "03 16:00", "", [2]string{}},                       // A: response 90 min (late), resolved in 480 (met)
			{1, "02 10:00", "02 10:59", "03 15:00", "", [2]string{"02 12:00", "03 12:00"}}, // B: 59 (met); 300 with the pause (met; 840 without)
			{1, "02 09:00", "02 10:00", "", "03 10:00", [2]string{}},                       // C: 60 exactly (met); closed unresolved after 600 (late)
			{2, "01 09:00", "01 09:10", "02 18:00", "02 18:00", [2]string{}},               // D: response before the period; resolved at 1,080 exactly (met)
			{2, "03 09:00", "03 09:45", "", "", [2]string{}},                               // E: response 45 min (late), still open
			{3, "02 11:00", "02 11:05", "02 12:00", "02 12:00", [2]string{}},               // F: no targets: not counted
			{1, "03 10:30", "03 11:00", "04 10:00", "", [2]string{}},                       // G: response 30 (met); resolved after the period
		} {
			var id int64
			err := d.Write().QueryRowContext(ctx, `INSERT INTO tickets (number, type_id, customer_id, title, priority, channel, status, status_category,
				created_at, updated_at, first_response_at, resolved_at, closed_at) VALUES ($1, $2, 1, 't', 'normal', 'phone', 's', 'open', $3, $3, $4, $5, $6) RETURNING id`,
				fmt.Sprint(i+1), tk.typ, at(tk.created), at(tk.responded), at(tk.resolved), at(tk.closed)).Scan(&id)
			if err != nil {
				t.Fatal(err)
			}
			if tk.pause[0] != "" {
				exec(`INSERT INTO ticket_sla_pauses (ticket_id, from_at, to_at) VALUES ($1, $2, $3)`, id, at(tk.pause[0]), at(tk.pause[1]))
			}
		}
		res, err := s.Tickets(ctx, local(t, "2026-03-02 00:00:00"), local(t, "2026-03-04 00:00:00"), TicketsByType, "en")
		if err != nil {
			t.Fatal(err)
		}
		// Resolution clocks stopped in the period: A, B, C, D; met A, B, D.
		// First responses in the period: A, B, C, E, G; in time B, C, G.
		if v, ok := res.Total.Value("sla_met"); !ok || !near(v, 3.0/4) {
			t.Errorf("SLA met %v %v, want 3/4", v, ok)
		}
		if v, ok := res.Total.Value("first_response_met"); !ok || !near(v, 3.0/5) {
			t.Errorf("first response within target %v %v, want 3/5", v, ok)
		}
		want := map[string][4]int64{"repair": {3, 2, 4, 3}, "complaint": {1, 1, 1, 0}, "consult": {0, 0, 0, 0}}
		for _, r := range res.Rows {
			if got := [4]int64{r.SLAResolved, r.SLAMet, r.FirstResponses, r.FirstResponsesMet}; got != want[r.Key] {
				t.Errorf("%s: resolved, met, responses, in time = %v, want %v", r.Key, got, want[r.Key])
			}
			if _, ok := r.Value("sla_met"); ok && r.Key == "consult" {
				t.Error("SLA met of a type without targets is not defined")
			}
		}
	})
}
