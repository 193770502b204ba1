package wfm

import (
	"fmt"
	"math"
	"testing"
	"time"
)

// BenchmarkRequired finds the agents for 80/20 at 3-minute calls in a half-hour, from
// 10 to 10,000 Erlangs (calls = 10 × A). The search is linear in N: the recurrence climbs
// from B(0) to B(N).
func BenchmarkRequired(b *testing.B) {
	t := Target{ServiceLevel: 0.8, AnswerWithin: 20 * time.Second, Shrinkage: 0.3}
	for _, a := range []float64{10, 100, 1000, 2000, 10000} {
		b.Run(fmt.Sprintf("A=%g", a), func(b *testing.B) {
			b.ReportAllocs()
			var s Staffing
			for b.Loop() {
				var err error
				if s, err = Required(10*a, 180*time.Second, 30*time.Minute, t); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(s.Agents), "agents")
		})
	}
}

// BenchmarkPlanWeek staffs a week of 15-minute intervals (672) for a center whose daily
// curve peaks at 2,000 Erlangs.
func BenchmarkPlanWeek(b *testing.B) {
	loc := time.FixedZone("CST", 8*3600)
	start := time.Date(2026, 11, 23, 0, 0, 0, 0, loc)
	f := Forecast{Location: loc, Interval: 15 * time.Minute}
	for i := range 7 * 96 {
		// A day curve: 0 at 03:00, peak at 15:00 (sin over the day).
		h := float64(i%96) / 4
		erl := 1000 * (1 + math.Sin((h-9)/24*2*math.Pi))
		f.Slots = append(f.Slots, Slot{Start: start.Add(time.Duration(i) * 15 * time.Minute), Calls: erl * 900 / 300})
	}
	t := Target{ServiceLevel: 0.8, AnswerWithin: 20 * time.Second, Shrinkage: 0.3}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := PlanWeek(f, []time.Duration{300 * time.Second}, t); err != nil {
			b.Fatal(err)
		}
	}
}
