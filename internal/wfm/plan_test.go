package wfm

import (
	"strings"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

// threeSlots is a forecast of three half-hours: quiet, the classic 10 Erlangs, and none.
func threeSlots(t *testing.T) Forecast {
	loc := shanghai(t)
	start := at(t, loc, "2026-11-23 08:30")
	return Forecast{Location: loc, Interval: 30 * time.Minute, Slots: []Slot{
		{Start: start, Calls: 20},
		{Start: start.Add(30 * time.Minute), Calls: 100},
		{Start: start.Add(time.Hour), Calls: 0},
	}}
}

var target8020 = Target{ServiceLevel: 0.8, AnswerWithin: 20 * time.Second, Shrinkage: 0.3}

func TestPlanWeek(t *testing.T) {
	f := threeSlots(t)
	cases := []struct {
		name   string
		aht    []time.Duration
		agents []int
		staff  []int
	}{
		// 20 calls × 180 s / 1800 s = 2 Erlangs: 4 agents reach 80/20 (3 give 0.60).
		{"one handle time", []time.Duration{180 * time.Second}, []int{4, 14, 0}, []int{6, 20, 0}},
		// 20 calls × 360 s = 4 Erlangs; a slot without calls may have no handle time.
		{"a handle time per interval", []time.Duration{360 * time.Second, 180 * time.Second, 0}, []int{7, 14, 0}, []int{10, 20, 0}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := PlanWeek(f, c.aht, target8020)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Slots) != 3 || p.Interval != f.Interval || p.Target != target8020 {
				t.Fatalf("plan %+v", p)
			}
			for i, s := range p.Slots {
				if s.Agents != c.agents[i] || s.Staff != c.staff[i] || s.Start != f.Slots[i].Start || s.Calls != f.Slots[i].Calls {
					t.Errorf("slot %d: %d agents, %d staff (%+v); want %d, %d", i, s.Agents, s.Staff, s, c.agents[i], c.staff[i])
				}
				want, err := Required(s.Calls, s.AHT, f.Interval, target8020)
				if err != nil || want != s.Staffing {
					t.Errorf("slot %d staffing %+v, Required gives %+v (%v)", i, s.Staffing, want, err)
				}
			}
		})
	}
}

func TestPlanWeekRejectsBadInput(t *testing.T) {
	f := threeSlots(t)
	aht := []time.Duration{3 * time.Minute}
	cases := []struct {
		name  string
		f     Forecast
		aht   []time.Duration
		t     Target
		field string
		in    string // text the message must carry
	}{
		{"two handle times for three intervals", f, []time.Duration{time.Minute, time.Minute}, target8020, "aht", ""},
		{"no handle time", f, nil, target8020, "aht", ""},
		{"zero handle time where calls are forecast", f, []time.Duration{time.Minute, 0, 0}, target8020, "aht", "2026-11-23 09:00:00"},
		{"bad target", f, aht, Target{ServiceLevel: 80}, "service_level", ""},
		{"no interval", Forecast{Slots: f.Slots}, aht, target8020, "interval", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := PlanWeek(c.f, c.aht, c.t)
			if e, ok := errs.As(err); !ok || e.Code != errs.Invalid || e.Fields[c.field] == "" || !strings.Contains(err.Error(), c.in) {
				t.Fatalf("err = %v, want invalid %q mentioning %q", err, c.field, c.in)
			}
		})
	}
}

func TestCompare(t *testing.T) {
	p, err := PlanWeek(threeSlots(t), []time.Duration{180 * time.Second}, target8020)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name         string
		loggedIn     []int
		gap          []int
		understaffed []bool
	}{
		{"as planned", []int{4, 14, 0}, []int{0, 0, 0}, []bool{false, false, false}},
		{"short at the peak, spare when quiet", []int{6, 11, 2}, []int{-2, 3, -2}, []bool{false, true, false}},
		{"nobody logged in", []int{0, 0, 0}, []int{4, 14, 0}, []bool{true, true, false}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cov, err := p.Compare(c.loggedIn)
			if err != nil {
				t.Fatal(err)
			}
			for i, v := range cov {
				if v.Gap != c.gap[i] || v.Understaffed != c.understaffed[i] || v.LoggedIn != c.loggedIn[i] || v.PlanSlot != p.Slots[i] {
					t.Errorf("slot %d: %+v; want gap %d understaffed %v", i, v, c.gap[i], c.understaffed[i])
				}
				if want := Evaluate(c.loggedIn[i], v.Traffic, v.AHT, target8020.AnswerWithin); v.Expected != want {
					t.Errorf("slot %d expected %+v, want %+v", i, v.Expected, want)
				}
				if v.Understaffed == p.Target.met(v.Expected) && v.Traffic > 0 {
					t.Errorf("slot %d: understaffed %v but the logged-in agents meet the target: %v", i, v.Understaffed, p.Target.met(v.Expected))
				}
			}
		})
	}
	// 11 agents at the 10-Erlang peak: SL 0.39, far below 80 %.
	cov, _ := p.Compare([]int{6, 11, 2})
	if sl := cov[1].Expected.ServiceLevel; sl < 0.389 || sl > 0.39 {
		t.Errorf("SL with 11 agents %v, want 0.3896", sl)
	}
	for _, bad := range [][]int{{1, 2}, {1, -1, 0}} {
		if _, err := p.Compare(bad); !errs.Is(err, errs.Invalid) {
			t.Errorf("Compare(%v) err = %v, want invalid", bad, err)
		}
	}
}
