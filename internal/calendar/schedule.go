package calendar

import (
	"time"
)

// Schedule is a validated calendar ready to answer questions. It is immutable and safe
// for concurrent use.
//
// Working hours are wall-clock times in the calendar's zone, so on a day when clocks move
// (daylight saving) a span covers the real time between its wall-clock ends: 00:00-24:00
// on the day clocks spring forward is 23 hours. A span end that does not exist that day
// (02:30 in a skipped hour) moves forward as time.Date does.
type Schedule struct {
	loc      *time.Location
	week     [7][]Span
	holidays map[int]bool
	workdays map[int][]Span
}

// horizonDays bounds every forward search: a calendar closed this long is treated as
// never opening again.
const horizonDays = 5 * 366

// Schedule validates the calendar and compiles it.
func (c *Calendar) Schedule() (*Schedule, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	loc, err := LoadZone(c.TimeZone)
	if err != nil {
		return nil, err
	}
	s := &Schedule{loc: loc, week: c.Week, holidays: map[int]bool{}, workdays: map[int][]Span{}}
	for _, h := range c.Holidays {
		t, _ := ParseDate(h.Date)
		s.holidays[dayKey(t.Date())] = true
	}
	for _, w := range c.WorkDays {
		t, _ := ParseDate(w.Date)
		s.workdays[dayKey(t.Date())] = w.Spans
	}
	return s, nil
}

// AlwaysOpen is a schedule open around the clock, every day, in UTC: business time is
// wall-clock time.
func AlwaysOpen() *Schedule {
	s := &Schedule{loc: time.UTC}
	for d := range s.week {
		s.week[d] = []Span{{0, MinutesPerDay}}
	}
	return s
}

// Location is the schedule's time zone.
func (s *Schedule) Location() *time.Location { return s.loc }

func dayKey(y int, m time.Month, d int) int { return y*10000 + int(m)*100 + d }

// interval is a stretch of open time, [start, end).
type interval struct{ start, end time.Time }

// day returns the open intervals of a local day (d may run past the month's end), and
// the start of the next local day.
func (s *Schedule) day(y int, m time.Month, d int) ([]interval, time.Time) {
	midnight := time.Date(y, m, d, 0, 0, 0, 0, s.loc)
	y, m, d = midnight.Date() // d may have run past the month's end
	next := time.Date(y, m, d+1, 0, 0, 0, 0, s.loc)
	key := dayKey(y, m, d)
	spans, special := s.workdays[key]
	if !special {
		if s.holidays[key] {
			return nil, next
		}
		spans = s.week[midnight.Weekday()]
	}
	out := make([]interval, 0, len(spans))
	for _, sp := range spans {
		a := time.Date(y, m, d, 0, sp.Start, 0, 0, s.loc)
		b := next
		if sp.End < MinutesPerDay {
			b = time.Date(y, m, d, 0, sp.End, 0, 0, s.loc)
		}
		if n := len(out); n > 0 && !a.After(out[n-1].end) { // spans squeezed together by a DST gap
			if b.After(out[n-1].end) {
				out[n-1].end = b
			}
			continue
		}
		if b.After(a) {
			out = append(out, interval{a, b})
		}
	}
	return out, next
}

// walk calls fn with each open interval that ends after from, in order, day by day,
// until fn returns false or the horizon is reached. Intervals of consecutive days are not
// joined (a span to 24:00 and one from 00:00 the next day come as two). It reports
// whether fn stopped it.
func (s *Schedule) walk(from time.Time, fn func(iv interval) bool) bool {
	y, m, d := from.In(s.loc).Date()
	for i := 0; i <= horizonDays; i++ {
		ivs, _ := s.day(y, m, d+i)
		for _, iv := range ivs {
			if iv.end.After(from) && !fn(iv) {
				return true
			}
		}
	}
	return false
}

// first returns the first open interval that ends after t (the one holding t, if open).
func (s *Schedule) first(t time.Time) (interval, bool) {
	var out interval
	found := s.walk(t, func(iv interval) bool { out = iv; return false })
	return out, found
}

// Open reports whether the calendar is open at t.
func (s *Schedule) Open(t time.Time) bool {
	iv, ok := s.first(t)
	return ok && !iv.start.After(t)
}

// NextOpen returns t when the calendar is open at t, otherwise when it next opens; the
// zero time when it never opens again within five years.
func (s *Schedule) NextOpen(t time.Time) time.Time {
	iv, ok := s.first(t)
	if !ok {
		return time.Time{}
	}
	if iv.start.Before(t) {
		return t
	}
	return iv.start
}

// NextClose returns when the calendar next closes: the end of the open period holding t,
// or, when closed at t, the end of the next open period. Open periods run on across
// midnight when one day's hours end at 24:00 and the next day's start at 00:00. The zero
// time when it never closes (or never opens) within five years.
func (s *Schedule) NextClose(t time.Time) time.Time {
	var end time.Time
	closes := s.walk(t, func(iv interval) bool {
		if !end.IsZero() && iv.start.After(end) {
			return false
		}
		end = iv.end
		return true
	})
	if !closes {
		return time.Time{}
	}
	return end
}

// Add returns the instant at which d of business time has passed after start: business
// time counts only while the calendar is open. An amount that ends exactly at a closing
// time gives that closing time. d <= 0 gives start. The zero time when the calendar does
// not provide d within five years.
func (s *Schedule) Add(start time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return start
	}
	var out time.Time
	s.walk(start, func(iv interval) bool {
		from := iv.start
		if from.Before(start) {
			from = start
		}
		if avail := iv.end.Sub(from); d <= avail {
			out = from.Add(d)
			return false
		} else {
			d -= avail
		}
		return true
	})
	return out
}

// Between returns the business time from a to b: how long the calendar is open in
// [a, b). It is 0 when b is not after a.
func (s *Schedule) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	var total time.Duration
	local := a.In(s.loc)
	y, m, d := local.Date()
	for i := 0; ; i++ {
		ivs, next := s.day(y, m, d+i)
		for _, iv := range ivs {
			from, to := iv.start, iv.end
			if from.Before(a) {
				from = a
			}
			if to.After(b) {
				to = b
			}
			if to.After(from) {
				total += to.Sub(from)
			}
		}
		if !next.Before(b) {
			return total
		}
	}
}

// Status is what the IVR asks of a calendar at one instant.
type Status struct {
	At        time.Time
	Open      bool
	NextOpen  time.Time // At when open
	NextClose time.Time
}

// StatusAt answers Open, NextOpen and NextClose at t.
func (s *Schedule) StatusAt(t time.Time) Status {
	return Status{At: t, Open: s.Open(t), NextOpen: s.NextOpen(t), NextClose: s.NextClose(t)}
}
