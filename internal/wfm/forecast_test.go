package wfm

import (
	"math"
	"slices"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

func shanghai(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// at is a wall-clock time "2006-01-02 15:04" in loc.
func at(t *testing.T, loc *time.Location, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func date(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// slotCalls returns the forecast calls of the interval starting at start.
func slotCalls(t *testing.T, f Forecast, start time.Time) float64 {
	t.Helper()
	for _, s := range f.Slots {
		if s.Start.Equal(start) {
			return s.Calls
		}
	}
	t.Fatalf("no slot starts at %v", start)
	return 0
}

func dayOf(t *testing.T, f Forecast, d Date) ForecastDay {
	t.Helper()
	for _, fd := range f.Days {
		if fd.Date == d {
			return fd
		}
	}
	t.Fatalf("no forecast day %s", d)
	return ForecastDay{}
}

func TestForecastWeighting(t *testing.T) {
	loc := shanghai(t)
	// Mondays before the forecast week of Monday 2026-11-23, 09:00-09:30: 100, 50, 70, 20.
	mondays := map[string]float64{"2026-11-16": 100, "2026-11-09": 50, "2026-11-02": 70, "2026-10-26": 20}
	history := func(skip ...string) []Count {
		var h []Count
		for d, n := range mondays {
			if !slices.Contains(skip, d) {
				h = append(h, Count{Start: at(t, loc, d+" 09:00"), Calls: n})
			}
		}
		return h
	}
	cases := []struct {
		name     string
		history  []Count
		holidays []string
		weights  []float64
		want     float64
		weeks    []string
		weightsN []float64
		holiday  bool
	}{
		{"four weeks, default weights", history(), nil, nil,
			0.4*100 + 0.3*50 + 0.2*70 + 0.1*20, []string{"2026-11-16", "2026-11-09", "2026-11-02", "2026-10-26"}, []float64{0.4, 0.3, 0.2, 0.1}, false},
		{"holiday two weeks ago left out, weights renormalized", history(), []string{"2026-11-09"}, nil,
			(0.4*100 + 0.2*70 + 0.1*20) / 0.7, []string{"2026-11-16", "2026-11-02", "2026-10-26"}, []float64{0.4 / 0.7, 0.2 / 0.7, 0.1 / 0.7}, false},
		{"last week missing", history("2026-11-16"), nil, nil,
			(0.3*50 + 0.2*70 + 0.1*20) / 0.6, []string{"2026-11-09", "2026-11-02", "2026-10-26"}, []float64{0.5, 0.2 / 0.6, 0.1 / 0.6}, false},
		{"only the oldest week", history("2026-11-16", "2026-11-09"), []string{"2026-11-02"}, nil,
			20, []string{"2026-10-26"}, []float64{1}, false},
		{"no usable week", history("2026-11-16", "2026-11-09", "2026-11-02", "2026-10-26"), nil, nil,
			0, nil, nil, false},
		{"custom weights 1:1 over two weeks", history(), nil, []float64{1, 1},
			75, []string{"2026-11-16", "2026-11-09"}, []float64{0.5, 0.5}, false},
		{"zero weight skips last week", history(), nil, []float64{0, 1},
			50, []string{"2026-11-09"}, []float64{1}, false},
		{"forecast day is a holiday: marked, forecast kept", history(), []string{"2026-11-23"}, nil,
			71, []string{"2026-11-16", "2026-11-09", "2026-11-02", "2026-10-26"}, []float64{0.4, 0.3, 0.2, 0.1}, true},
		{"history older than the weights reach is ignored", append(history(), Count{Start: at(t, loc, "2026-10-19 09:00"), Calls: 1000}), nil, nil,
			71, []string{"2026-11-16", "2026-11-09", "2026-11-02", "2026-10-26"}, []float64{0.4, 0.3, 0.2, 0.1}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := ForecastInput{History: c.history, Location: loc, Interval: 30 * time.Minute, Start: date(t, "2026-11-23"), Weights: c.weights}
			for _, h := range c.holidays {
				in.Holidays = append(in.Holidays, date(t, h))
			}
			f, err := ForecastWeek(in)
			if err != nil {
				t.Fatal(err)
			}
			if got := slotCalls(t, f, at(t, loc, "2026-11-23 09:00")); math.Abs(got-c.want) > 1e-9 {
				t.Errorf("Monday 09:00 forecast %v, want %v", got, c.want)
			}
			if got := slotCalls(t, f, at(t, loc, "2026-11-23 09:30")); got != 0 {
				t.Errorf("Monday 09:30 forecast %v, want 0", got)
			}
			fd := dayOf(t, f, date(t, "2026-11-23"))
			var weeks []string
			for _, w := range fd.Weeks {
				weeks = append(weeks, w.String())
			}
			if !slices.Equal(weeks, c.weeks) || len(fd.Weights) != len(c.weightsN) {
				t.Fatalf("weeks %v weights %v, want %v %v", weeks, fd.Weights, c.weeks, c.weightsN)
			}
			for i := range fd.Weights {
				if math.Abs(fd.Weights[i]-c.weightsN[i]) > 1e-12 {
					t.Errorf("weights %v, want %v", fd.Weights, c.weightsN)
				}
			}
			if fd.Holiday != c.holiday {
				t.Errorf("holiday %v, want %v", fd.Holiday, c.holiday)
			}
			for _, s := range f.Slots {
				if s.Holiday != (c.holiday && DateOf(s.Start) == fd.Date) {
					t.Fatalf("slot %v holiday %v", s.Start, s.Holiday)
				}
			}
			// Tuesday has no history at all.
			if tue := dayOf(t, f, date(t, "2026-11-24")); len(tue.Weeks) != 0 {
				t.Errorf("Tuesday used weeks %v", tue.Weeks)
			}
		})
	}
}

func TestForecastDayWithDataHasZeroInEmptyIntervals(t *testing.T) {
	loc := shanghai(t)
	// Last Monday only saw calls at 09:00, the Monday before only at 10:00: both days
	// are present, so each one's silent interval counts as zero calls.
	f, err := ForecastWeek(ForecastInput{
		History: []Count{
			{Start: at(t, loc, "2026-11-16 09:00"), Calls: 100},
			{Start: at(t, loc, "2026-11-09 10:00"), Calls: 50},
		},
		Location: loc, Interval: 30 * time.Minute, Start: date(t, "2026-11-23"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := slotCalls(t, f, at(t, loc, "2026-11-23 09:00")), 0.4*100/0.7; math.Abs(got-want) > 1e-9 {
		t.Errorf("09:00 forecast %v, want %v", got, want)
	}
	if got, want := slotCalls(t, f, at(t, loc, "2026-11-23 10:00")), 0.3*50/0.7; math.Abs(got-want) > 1e-9 {
		t.Errorf("10:00 forecast %v, want %v", got, want)
	}
}

func TestForecastBucketing(t *testing.T) {
	loc := shanghai(t)
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Only last week counts (weights {1}), so each forecast slot is last week's bucket.
	cases := []struct {
		name     string
		interval time.Duration
		counts   []Count
		slot     string // local start of the forecast interval that must hold want
		want     float64
	}{
		{"UTC 01:00 is 09:00 in Shanghai", 30 * time.Minute,
			[]Count{{utc("2026-11-16T01:00:00Z"), 7}}, "2026-11-23 09:00", 7},
		{"UTC 16:00 the day before is local midnight Monday", 30 * time.Minute,
			[]Count{{utc("2026-11-15T16:00:00Z"), 3}}, "2026-11-23 00:00", 3},
		{"a second before local midnight stays on Sunday", 30 * time.Minute,
			[]Count{{utc("2026-11-22T15:59:59Z"), 4}}, "2026-11-29 23:30", 4},
		{"09:47 falls in 09:45 with 15 minutes", 15 * time.Minute,
			[]Count{{at(t, loc, "2026-11-16 09:47"), 5}}, "2026-11-23 09:45", 5},
		{"09:47 falls in 09:30 with 30 minutes", 30 * time.Minute,
			[]Count{{at(t, loc, "2026-11-16 09:47"), 5}}, "2026-11-23 09:30", 5},
		{"09:47 falls in 09:00 with 60 minutes", 60 * time.Minute,
			[]Count{{at(t, loc, "2026-11-16 09:47"), 5}}, "2026-11-23 09:00", 5},
		{"counts of one interval add up, across zones", 60 * time.Minute,
			[]Count{{at(t, loc, "2026-11-16 14:00"), 5}, {at(t, loc, "2026-11-16 14:59"), 6}, {utc("2026-11-16T06:30:00Z"), 1.5}}, "2026-11-23 14:00", 12.5},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := ForecastWeek(ForecastInput{History: c.counts, Location: loc, Interval: c.interval, Start: date(t, "2026-11-23"), Weights: []float64{1}})
			if err != nil {
				t.Fatal(err)
			}
			perDay := int(24 * time.Hour / c.interval)
			if len(f.Slots) != 7*perDay || len(f.Days) != 7 {
				t.Fatalf("%d slots, %d days; want %d, 7", len(f.Slots), len(f.Days), 7*perDay)
			}
			var total float64
			for i, s := range f.Slots {
				if want := at(t, loc, "2026-11-23 00:00").Add(time.Duration(i) * c.interval); !s.Start.Equal(want) || s.Start.Location() != loc {
					t.Fatalf("slot %d starts %v, want %v in Asia/Shanghai", i, s.Start, want)
				}
				total += s.Calls
			}
			if got := slotCalls(t, f, at(t, loc, c.slot)); got != c.want || total != c.want {
				t.Fatalf("slot %s has %v calls (week total %v), want %v", c.slot, got, total, c.want)
			}
		})
	}
}

func TestForecastRejectsBadInput(t *testing.T) {
	loc := shanghai(t)
	ok := ForecastInput{Location: loc, Interval: 30 * time.Minute, Start: Date{2026, 11, 23}}
	cases := []struct {
		name  string
		edit  func(*ForecastInput)
		field string
	}{
		{"no time zone", func(in *ForecastInput) { in.Location = nil }, "location"},
		{"zero interval", func(in *ForecastInput) { in.Interval = 0 }, "interval"},
		{"interval not whole minutes", func(in *ForecastInput) { in.Interval = 90 * time.Second }, "interval"},
		{"interval not dividing a day", func(in *ForecastInput) { in.Interval = 7 * time.Minute }, "interval"},
		{"interval longer than a day", func(in *ForecastInput) { in.Interval = 48 * time.Hour }, "interval"},
		{"no such day", func(in *ForecastInput) { in.Start = Date{2026, 2, 30} }, "start"},
		{"negative calls", func(in *ForecastInput) { in.History = []Count{{time.Now(), -1}} }, "history"},
		{"NaN calls", func(in *ForecastInput) { in.History = []Count{{time.Now(), math.NaN()}} }, "history"},
		{"negative weight", func(in *ForecastInput) { in.Weights = []float64{0.5, -0.1} }, "weights"},
		{"all weights zero", func(in *ForecastInput) { in.Weights = []float64{0, 0} }, "weights"},
		{"too many weeks", func(in *ForecastInput) { in.Weights = make([]float64, 53); in.Weights[0] = 1 }, "weights"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := ok
			c.edit(&in)
			_, err := ForecastWeek(in)
			if e, isE := errs.As(err); !isE || e.Code != errs.Invalid || e.Fields[c.field] == "" {
				t.Fatalf("err = %v, want invalid %q", err, c.field)
			}
		})
	}
	if _, err := ForecastWeek(ok); err != nil {
		t.Fatalf("valid input: %v", err)
	}
	if _, err := ParseDate("2026-13-01"); err == nil {
		t.Fatal("ParseDate accepted month 13")
	}
}

func TestDate(t *testing.T) {
	d := date(t, "2026-12-28")
	if got := d.AddDays(7).String(); got != "2027-01-04" {
		t.Errorf("AddDays(7) = %s", got)
	}
	if got := d.AddDays(-7 * 4).String(); got != "2026-11-30" {
		t.Errorf("AddDays(-28) = %s", got)
	}
	if d.Weekday() != time.Monday || date(t, "2024-02-29").AddDays(1) != (Date{2024, 3, 1}) {
		t.Error("weekday or leap day")
	}
}
