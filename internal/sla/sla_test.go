package sla

import (
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/calendar"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

// office is Mon-Fri 09:00-18:00 in Shanghai. Monday 9 March 2026 starts a plain week.
func office() *calendar.Schedule {
	c := &calendar.Calendar{NameZH: "办公", NameEN: "Office", TimeZone: "Asia/Shanghai"}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Week[d] = []calendar.Span{{Start: 9 * 60, End: 18 * 60}}
	}
	s, err := c.Schedule()
	if err != nil {
		panic(err)
	}
	return s
}

func sh(s string) time.Time {
	t, err := time.ParseInLocation("Mon 15:04", s, shanghai)
	if err != nil {
		panic(err)
	}
	// "Mon" etc. name days of the week of 9 March 2026.
	days := map[string]int{"Mon": 9, "Tue": 10, "Wed": 11, "Thu": 12, "Fri": 13, "Sat": 14, "Sun": 15}
	return time.Date(2026, 3, days[s[:3]], t.Hour(), t.Minute(), 0, 0, shanghai)
}

func TestClockState(t *testing.T) {
	policy := Policy{FirstResponse: 4 * time.Hour, Resolution: 16 * time.Hour, WarnAt: 0.8, Calendar: office()}
	created := sh("Mon 10:00")
	tests := []struct {
		name   string
		policy Policy
		h      History
		now    time.Time
		clock  Clock
		want   ClockState
	}{
		{"fresh", policy, History{CreatedAt: created}, sh("Mon 11:00"), FirstResponse,
			ClockState{Target: 4 * time.Hour, Elapsed: time.Hour, Remaining: 3 * time.Hour, Due: sh("Mon 14:00"), WarnAt: sh("Mon 13:12")}},
		{"warning", policy, History{CreatedAt: created}, sh("Mon 13:30"), FirstResponse,
			ClockState{Target: 4 * time.Hour, Elapsed: 210 * time.Minute, Remaining: 30 * time.Minute, Due: sh("Mon 14:00"), WarnAt: sh("Mon 13:12"), Warning: true}},
		{"breached", policy, History{CreatedAt: created}, sh("Mon 15:00"), FirstResponse,
			ClockState{Target: 4 * time.Hour, Elapsed: 5 * time.Hour, Remaining: -time.Hour, Due: sh("Mon 14:00"), WarnAt: sh("Mon 13:12"), Breached: true, BreachedAt: sh("Mon 14:00")}},
		{"breached exactly now", policy, History{CreatedAt: created}, sh("Mon 14:00"), FirstResponse,
			ClockState{Target: 4 * time.Hour, Elapsed: 4 * time.Hour, Due: sh("Mon 14:00"), WarnAt: sh("Mon 13:12"), Breached: true, BreachedAt: sh("Mon 14:00")}},
		{"responded in time", policy, History{CreatedAt: created, FirstRespondedAt: sh("Mon 12:00")}, sh("Tue 10:00"), FirstResponse,
			ClockState{Target: 4 * time.Hour, Elapsed: 2 * time.Hour, Remaining: 2 * time.Hour, Due: sh("Mon 14:00"), WarnAt: sh("Mon 13:12"), Stopped: true, StoppedAt: sh("Mon 12:00")}},
		{"responded on the dot", policy, History{CreatedAt: created, FirstRespondedAt: sh("Mon 14:00")}, sh("Tue 10:00"), FirstResponse,
			ClockState{Target: 4 * time.Hour, Elapsed: 4 * time.Hour, Due: sh("Mon 14:00"), WarnAt: sh("Mon 13:12"), Stopped: true, StoppedAt: sh("Mon 14:00")}},
		{"responded late", policy, History{CreatedAt: created, FirstRespondedAt: sh("Mon 16:00")}, sh("Tue 10:00"), FirstResponse,
			ClockState{Target: 4 * time.Hour, Elapsed: 6 * time.Hour, Remaining: -2 * time.Hour, Due: sh("Mon 14:00"), WarnAt: sh("Mon 13:12"), Stopped: true, StoppedAt: sh("Mon 16:00"), Breached: true, BreachedAt: sh("Mon 14:00")}},
		{"response in the future is not yet", policy, History{CreatedAt: created, FirstRespondedAt: sh("Mon 16:00")}, sh("Mon 11:00"), FirstResponse,
			ClockState{Target: 4 * time.Hour, Elapsed: time.Hour, Remaining: 3 * time.Hour, Due: sh("Mon 14:00"), WarnAt: sh("Mon 13:12")}},
		{"overnight", policy, History{CreatedAt: sh("Mon 17:00")}, sh("Tue 10:00"), FirstResponse,
			ClockState{Target: 4 * time.Hour, Elapsed: 2 * time.Hour, Remaining: 2 * time.Hour, Due: sh("Tue 12:00"), WarnAt: sh("Tue 11:12")}},
		{"created on Saturday", policy, History{CreatedAt: sh("Sat 10:00")}, sh("Sun 23:00"), FirstResponse,
			ClockState{Target: 4 * time.Hour, Remaining: 4 * time.Hour, Due: sh("Mon 13:00").AddDate(0, 0, 7), WarnAt: sh("Mon 12:12").AddDate(0, 0, 7)}},
		// Waiting on the customer Mon 11:00 to Tue 11:00 holds 9 business hours.
		{"after a pause", policy, History{CreatedAt: created, FirstRespondedAt: sh("Mon 10:30"), Paused: []Interval{{sh("Mon 11:00"), sh("Tue 11:00")}}}, sh("Tue 12:00"), Resolution,
			ClockState{Target: 16 * time.Hour, Elapsed: 2 * time.Hour, Remaining: 14 * time.Hour, Due: sh("Wed 17:00"), WarnAt: sh("Wed 13:48")}},
		{"paused now", policy, History{CreatedAt: created, Paused: []Interval{{From: sh("Mon 12:00")}}}, sh("Tue 15:00"), Resolution,
			ClockState{Target: 16 * time.Hour, Elapsed: 2 * time.Hour, Remaining: 14 * time.Hour, Due: sh("Thu 11:00"), WarnAt: sh("Wed 16:48"), Paused: true}},
		{"paused until later", policy, History{CreatedAt: created, Paused: []Interval{{sh("Mon 12:00"), sh("Wed 09:00")}}}, sh("Tue 15:00"), Resolution,
			ClockState{Target: 16 * time.Hour, Elapsed: 2 * time.Hour, Remaining: 14 * time.Hour, Due: sh("Thu 11:00"), WarnAt: sh("Wed 16:48"), Paused: true}},
		{"pause not begun", policy, History{CreatedAt: created, Paused: []Interval{{sh("Tue 12:00"), time.Time{}}}}, sh("Mon 12:00"), Resolution,
			ClockState{Target: 16 * time.Hour, Elapsed: 2 * time.Hour, Remaining: 14 * time.Hour, Due: sh("Tue 17:00"), WarnAt: sh("Tue 13:48")}},
		{"pauses overlap and start before creation", policy, History{CreatedAt: created, Paused: []Interval{
			{sh("Mon 08:00"), sh("Mon 11:00")}, {sh("Mon 10:30"), sh("Mon 12:00")}, {sh("Mon 13:00"), sh("Mon 14:00")}}}, sh("Mon 15:00"), Resolution,
			ClockState{Target: 16 * time.Hour, Elapsed: 2 * time.Hour, Remaining: 14 * time.Hour, Due: sh("Wed 11:00"), WarnAt: sh("Tue 16:48")}},
		{"warning while paused", Policy{Resolution: 10 * time.Hour, WarnAt: 0.5, Calendar: office()},
			History{CreatedAt: created, Paused: []Interval{{From: sh("Mon 16:00")}}}, sh("Tue 10:00"), Resolution,
			ClockState{Target: 10 * time.Hour, Elapsed: 6 * time.Hour, Remaining: 4 * time.Hour, Due: sh("Tue 14:00"), WarnAt: sh("Mon 15:00"), Paused: true, Warning: true}},
		{"resolved after a pause", policy, History{CreatedAt: created, Paused: []Interval{{sh("Mon 11:00"), sh("Tue 11:00")}}, ResolvedAt: sh("Tue 12:00")}, sh("Fri 12:00"), Resolution,
			ClockState{Target: 16 * time.Hour, Elapsed: 2 * time.Hour, Remaining: 14 * time.Hour, Due: sh("Wed 17:00"), WarnAt: sh("Wed 13:48"), Stopped: true, StoppedAt: sh("Tue 12:00")}},
		{"around the clock", Policy{FirstResponse: time.Hour, WarnAt: 0.5}, History{CreatedAt: created}, sh("Mon 12:00"), FirstResponse,
			ClockState{Target: time.Hour, Elapsed: 2 * time.Hour, Remaining: -time.Hour, Due: sh("Mon 11:00"), WarnAt: sh("Mon 10:30"), Breached: true, BreachedAt: sh("Mon 11:00")}},
		{"no target", Policy{Resolution: time.Hour, Calendar: office()}, History{CreatedAt: created}, sh("Mon 12:00"), FirstResponse,
			ClockState{Elapsed: 2 * time.Hour}},
		{"no warning fraction", Policy{FirstResponse: time.Hour, Calendar: office()}, History{CreatedAt: created}, sh("Mon 10:59"), FirstResponse,
			ClockState{Target: time.Hour, Elapsed: 59 * time.Minute, Remaining: time.Minute, Due: sh("Mon 11:00")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := tt.policy.State(tt.h, tt.now)
			if !st.Now.Equal(tt.now) {
				t.Errorf("Now = %v", st.Now)
			}
			got := st.Of(tt.clock)
			tt.want.Clock = tt.clock
			if !sameClock(got, tt.want) {
				t.Errorf("\n got %s\nwant %s", show(got), show(tt.want))
			}
		})
	}
}

func sameClock(a, b ClockState) bool {
	return a.Clock == b.Clock && a.Target == b.Target && a.Elapsed == b.Elapsed && a.Remaining == b.Remaining &&
		a.Due.Equal(b.Due) && a.WarnAt.Equal(b.WarnAt) && a.Paused == b.Paused && a.Stopped == b.Stopped &&
		a.StoppedAt.Equal(b.StoppedAt) && a.Warning == b.Warning && a.Breached == b.Breached && a.BreachedAt.Equal(b.BreachedAt)
}

func show(c ClockState) string {
	f := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.In(shanghai).Format("Jan 2 15:04")
	}
	return c.Target.String() + " elapsed " + c.Elapsed.String() + " remaining " + c.Remaining.String() + " due " + f(c.Due) + " warn " + f(c.WarnAt) +
		" stopped " + f(c.StoppedAt) + " breached " + f(c.BreachedAt) + map[bool]string{true: " PAUSED", false: ""}[c.Paused] +
		map[bool]string{true: " WARNING", false: ""}[c.Warning] + map[bool]string{true: " BREACHED", false: ""}[c.Breached] +
		map[bool]string{true: " STOPPED", false: ""}[c.Stopped]
}
