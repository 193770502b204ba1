package calendar

import (
	"testing"
	"time"
)

var shanghai = mustZone("Asia/Shanghai")
var newYork = mustZone("America/New_York")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func sp(s string) []Span {
	out, err := ParseSpans(s)
	if err != nil {
		panic(err)
	}
	return out
}

// office: Mon-Fri 09:00-18:00 in Shanghai, New Year's Day 2026 (Thu 1 - Sat 3 Jan) off and
// Sunday 4 Jan worked 09:00-18:00.
func office() *Schedule {
	c := &Calendar{NameZH: "办公时间", NameEN: "Office hours", TimeZone: "Asia/Shanghai",
		Holidays: []Holiday{{"2026-01-01", "元旦"}, {"2026-01-02", "元旦"}, {"2026-01-03", "元旦"}},
		WorkDays: []WorkDay{{"2026-01-04", "元旦调休", sp("09:00-18:00")}}}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Week[d] = sp("09:00-18:00")
	}
	return must(c)
}

// hotline: every day 08:00-22:00 in Shanghai.
func hotline() *Schedule {
	c := &Calendar{NameZH: "热线", NameEN: "Hotline", TimeZone: "Asia/Shanghai"}
	for d := range c.Week {
		c.Week[d] = sp("08:00-22:00")
	}
	return must(c)
}

// night: Fri 20:00-24:00, Sat 00:00-24:00, Sun 00:00-02:00 and 12:00-13:00 in Shanghai:
// one open period from Friday evening to Sunday 02:00.
func night() *Schedule {
	c := &Calendar{NameZH: "周末", NameEN: "Weekend", TimeZone: "Asia/Shanghai"}
	c.Week[time.Friday] = sp("20:00-24:00")
	c.Week[time.Saturday] = sp("00:00-24:00")
	c.Week[time.Sunday] = sp("12:00-13:00, 00:00-02:00")
	return must(c)
}

// nyAllDay: open around the clock every day in New York, which has daylight saving.
func nyAllDay() *Schedule {
	c := &Calendar{NameZH: "纽约", NameEN: "New York", TimeZone: "America/New_York"}
	for d := range c.Week {
		c.Week[d] = sp("00:00-24:00")
	}
	return must(c)
}

// nyOffice: every day 01:00-04:00 in New York, across the small hours when clocks move.
func nyOffice() *Schedule {
	c := &Calendar{NameZH: "纽约夜班", NameEN: "NY night", TimeZone: "America/New_York"}
	for d := range c.Week {
		c.Week[d] = sp("01:00-04:00")
	}
	return must(c)
}

func must(c *Calendar) *Schedule {
	s, err := c.Schedule()
	if err != nil {
		panic(err)
	}
	return s
}

func sh(s string) time.Time { return at(shanghai, s) }
func ny(s string) time.Time { return at(newYork, s) }

func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

func TestOpenNextOpenNextClose(t *testing.T) {
	tests := []struct {
		name      string
		s         *Schedule
		at        time.Time
		open      bool
		nextOpen  time.Time
		nextClose time.Time
	}{
		// Office: Friday 2 Jan 2026 is a holiday, Sunday 4 Jan a make-up working day.
		{"office weekday morning", office(), sh("2026-01-05 08:59"), false, sh("2026-01-05 09:00"), sh("2026-01-05 18:00")},
		{"office at opening", office(), sh("2026-01-05 09:00"), true, sh("2026-01-05 09:00"), sh("2026-01-05 18:00")},
		{"office midday", office(), sh("2026-01-05 12:34"), true, sh("2026-01-05 12:34"), sh("2026-01-05 18:00")},
		{"office at closing", office(), sh("2026-01-05 18:00"), false, sh("2026-01-06 09:00"), sh("2026-01-06 18:00")},
		{"office Friday evening", office(), sh("2026-01-09 19:00"), false, sh("2026-01-12 09:00"), sh("2026-01-12 18:00")},
		{"office holiday", office(), sh("2026-01-01 10:00"), false, sh("2026-01-04 09:00"), sh("2026-01-04 18:00")},
		{"office New Year's Eve after hours", office(), sh("2025-12-31 18:30"), false, sh("2026-01-04 09:00"), sh("2026-01-04 18:00")},
		{"office make-up Sunday", office(), sh("2026-01-04 10:00"), true, sh("2026-01-04 10:00"), sh("2026-01-04 18:00")},
		{"office ordinary Sunday", office(), sh("2026-01-11 10:00"), false, sh("2026-01-12 09:00"), sh("2026-01-12 18:00")},
		{"office, asked in UTC", office(), time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC), true, time.Date(2026, 1, 5, 1, 0, 0, 0, time.UTC), sh("2026-01-05 18:00")},
		{"hotline late", hotline(), sh("2026-03-10 22:30"), false, sh("2026-03-11 08:00"), sh("2026-03-11 22:00")},
		{"hotline just before close", hotline(), sh("2026-03-10 21:59"), true, sh("2026-03-10 21:59"), sh("2026-03-10 22:00")},
		// Night: one period across two midnights (24:00 then 00:00).
		{"night Friday evening", night(), sh("2026-03-13 21:00"), true, sh("2026-03-13 21:00"), sh("2026-03-15 02:00")},
		{"night Saturday midnight", night(), sh("2026-03-14 00:00"), true, sh("2026-03-14 00:00"), sh("2026-03-15 02:00")},
		{"night Sunday 01:00", night(), sh("2026-03-15 01:00"), true, sh("2026-03-15 01:00"), sh("2026-03-15 02:00")},
		{"night Sunday morning", night(), sh("2026-03-15 09:00"), false, sh("2026-03-15 12:00"), sh("2026-03-15 13:00")},
		{"night Sunday afternoon", night(), sh("2026-03-15 13:00"), false, sh("2026-03-20 20:00"), sh("2026-03-22 02:00")},
		// New York around the clock: never closes.
		{"ny all day", nyAllDay(), ny("2026-03-08 01:30"), true, ny("2026-03-08 01:30"), time.Time{}},
		// Spring forward on Sun 8 Mar 2026: 02:00 EST becomes 03:00 EDT.
		{"ny spring forward, open", nyOffice(), ny("2026-03-08 01:30"), true, ny("2026-03-08 01:30"), ny("2026-03-08 04:00")},
		{"ny spring forward, before", nyOffice(), ny("2026-03-08 00:30"), false, ny("2026-03-08 01:00"), ny("2026-03-08 04:00")},
		{"ny fall back, after", nyOffice(), ny("2026-11-01 04:30"), false, ny("2026-11-02 01:00"), ny("2026-11-02 04:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.Open(tt.at); got != tt.open {
				t.Errorf("Open = %v, want %v", got, tt.open)
			}
			if got := tt.s.NextOpen(tt.at); !got.Equal(tt.nextOpen) {
				t.Errorf("NextOpen = %v, want %v", got, tt.nextOpen)
			}
			if got := tt.s.NextClose(tt.at); !got.Equal(tt.nextClose) {
				t.Errorf("NextClose = %v, want %v", got, tt.nextClose)
			}
			st := tt.s.StatusAt(tt.at)
			if st.Open != tt.open || !st.NextOpen.Equal(tt.nextOpen) || !st.NextClose.Equal(tt.nextClose) {
				t.Errorf("StatusAt = %+v", st)
			}
		})
	}
}

func TestAddAndBetween(t *testing.T) {
	tests := []struct {
		name  string
		s     *Schedule
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"within a day", office(), sh("2026-01-05 10:00"), 2 * time.Hour, sh("2026-01-05 12:00")},
		{"ends at closing time", office(), sh("2026-01-05 10:00"), 8 * time.Hour, sh("2026-01-05 18:00")},
		{"runs into the next day", office(), sh("2026-01-05 17:00"), 2 * time.Hour, sh("2026-01-06 10:00")},
		{"starts before opening", office(), sh("2026-01-05 06:00"), time.Hour, sh("2026-01-05 10:00")},
		{"starts after closing", office(), sh("2026-01-05 20:00"), 30 * time.Minute, sh("2026-01-06 09:30")},
		{"over the weekend", office(), sh("2026-01-09 17:00"), 2 * time.Hour, sh("2026-01-12 10:00")},
		{"over New Year to the make-up Sunday", office(), sh("2025-12-31 17:00"), 2 * time.Hour, sh("2026-01-04 10:00")},
		{"a working week", office(), sh("2026-01-12 09:00"), 45 * time.Hour, sh("2026-01-16 18:00")},
		{"zero", office(), sh("2026-01-10 03:00"), 0, sh("2026-01-10 03:00")},
		{"hotline overnight", hotline(), sh("2026-03-10 21:00"), 2 * time.Hour, sh("2026-03-11 09:00")},
		{"night across two midnights", night(), sh("2026-03-13 20:00"), 29 * time.Hour, sh("2026-03-15 01:00")},
		{"night to Sunday noon", night(), sh("2026-03-13 20:00"), 30*time.Hour + 30*time.Minute, sh("2026-03-15 12:30")},
		// New York around the clock on the day clocks spring forward: 24 business hours
		// from midnight end at 01:00 the next day (the day had 23 hours).
		{"ny spring forward day", nyAllDay(), ny("2026-03-08 00:00"), 24 * time.Hour, ny("2026-03-09 01:00")},
		// The day clocks fall back has 25 hours.
		{"ny fall back day", nyAllDay(), ny("2026-11-01 00:00"), 24 * time.Hour, ny("2026-11-01 23:00")},
		// 01:00-04:00 is two real hours on spring-forward day and four on fall-back day.
		{"ny office spring forward", nyOffice(), ny("2026-03-08 01:00"), 2 * time.Hour, ny("2026-03-08 04:00")},
		{"ny office spring forward, next day", nyOffice(), ny("2026-03-08 01:00"), 3 * time.Hour, ny("2026-03-09 02:00")},
		{"ny office fall back", nyOffice(), ny("2026-11-01 01:00").Add(-time.Hour), 4 * time.Hour, ny("2026-11-01 04:00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.s.Add(tt.start, tt.d)
			if !got.Equal(tt.want) {
				t.Fatalf("Add(%v, %v) = %v, want %v", tt.start, tt.d, got, tt.want)
			}
			// Between is Add's inverse: the business time from start to the result is d.
			if b := tt.s.Between(tt.start, got); b != tt.d {
				t.Errorf("Between(start, Add) = %v, want %v", b, tt.d)
			}
		})
	}
}

func TestBetween(t *testing.T) {
	tests := []struct {
		name string
		s    *Schedule
		a, b time.Time
		want time.Duration
	}{
		{"reversed", office(), sh("2026-01-06 12:00"), sh("2026-01-06 10:00"), 0},
		{"same instant", office(), sh("2026-01-06 12:00"), sh("2026-01-06 12:00"), 0},
		{"closed stretch", office(), sh("2026-01-06 18:00"), sh("2026-01-07 09:00"), 0},
		{"holiday week", office(), sh("2025-12-31 00:00"), sh("2026-01-05 00:00"), 18 * time.Hour},
		{"a month", office(), sh("2026-02-01 00:00"), sh("2026-03-01 00:00"), 20 * 9 * time.Hour},
		{"hotline a week", hotline(), sh("2026-03-09 00:00"), sh("2026-03-16 00:00"), 7 * 14 * time.Hour},
		{"ny spring forward day", nyAllDay(), ny("2026-03-08 00:00"), ny("2026-03-09 00:00"), 23 * time.Hour},
		{"ny fall back day", nyAllDay(), ny("2026-11-01 00:00"), ny("2026-11-02 00:00"), 25 * time.Hour},
		{"ny office spring forward", nyOffice(), ny("2026-03-08 00:00"), ny("2026-03-09 00:00"), 2 * time.Hour},
		{"ny office fall back", nyOffice(), ny("2026-11-01 00:00"), ny("2026-11-02 00:00"), 4 * time.Hour},
		{"always open", AlwaysOpen(), sh("2026-01-01 00:00"), sh("2026-01-02 06:00"), 30 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.Between(tt.a, tt.b); got != tt.want {
				t.Errorf("Between = %v, want %v", got, tt.want)
			}
		})
	}
}

// A calendar closed for longer than the horizon answers with the zero time, not a hang.
func TestNeverOpenAgain(t *testing.T) {
	c := &Calendar{NameZH: "关", NameEN: "Closed", TimeZone: "UTC"}
	c.Week[time.Monday] = sp("09:00-10:00")
	s := must(c)
	// Remove Mondays by hand (validation would refuse an empty week).
	s.week[time.Monday] = nil
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if s.Open(from) || !s.NextOpen(from).IsZero() || !s.NextClose(from).IsZero() || !s.Add(from, time.Minute).IsZero() {
		t.Fatal("a calendar that never opens gave an answer")
	}
}

// Properties over many instants: NextOpen is open (or t itself when open), the instant
// before NextClose is open and NextClose is closed, and Between adds up over a split.
func TestProperties(t *testing.T) {
	for name, s := range map[string]*Schedule{"office": office(), "night": night(), "nyOffice": nyOffice(), "hotline": hotline()} {
		start := time.Date(2025, 12, 25, 0, 0, 0, 0, time.UTC)
		for i := 0; i < 24*60; i++ {
			t0 := start.Add(time.Duration(i) * 37 * time.Minute)
			no := s.NextOpen(t0)
			if !s.Open(no) {
				t.Fatalf("%s: NextOpen(%v) = %v is not open", name, t0, no)
			}
			nc := s.NextClose(t0)
			if s.Open(nc) || !s.Open(nc.Add(-time.Minute)) {
				t.Fatalf("%s: NextClose(%v) = %v", name, t0, nc)
			}
			mid := t0.Add(11 * time.Hour)
			end := t0.Add(50 * time.Hour)
			if s.Between(t0, mid)+s.Between(mid, end) != s.Between(t0, end) {
				t.Fatalf("%s: Between does not add up at %v", name, t0)
			}
		}
	}
}
