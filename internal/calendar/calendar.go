// Package calendar owns business calendars: a time zone, weekly working hours, holidays
// (closed all day) and make-up working days (调休: a date, usually a weekend, that is a
// working day with its own hours). Schedule answers the questions the rest of Hotline asks
// of a calendar: is it open now, when does it open or close next, what time is a given
// amount of business time after a start, and how much business time lies between two
// instants. Those are pure functions; Store persists calendars.
package calendar

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/errs"
)

// MinutesPerDay is the end of a day: a span may end at 24:00.
const MinutesPerDay = 24 * 60

// Span is a stretch of working time within one day, in minutes after midnight:
// 0 <= Start < End <= 1440 (24:00).
type Span struct {
	Start, End int
}

func (s Span) String() string { return clock(s.Start) + "-" + clock(s.End) }

func clock(m int) string { return fmt.Sprintf("%02d:%02d", m/60, m%60) }

// Holiday is a date on which the calendar is closed all day.
type Holiday struct {
	Date string // YYYY-MM-DD
	Name string
}

// WorkDay is a make-up working day: a date (usually a weekend) that is worked, with its
// own hours, whatever its weekday says.
type WorkDay struct {
	Date  string // YYYY-MM-DD
	Name  string
	Spans []Span
}

// Calendar is a business calendar.
type Calendar struct {
	ID       int64
	NameZH   string
	NameEN   string
	TimeZone string // IANA name, e.g. Asia/Shanghai
	// Week holds the working hours of each weekday, indexed by time.Weekday (Sunday = 0).
	Week      [7][]Span
	Holidays  []Holiday
	WorkDays  []WorkDay
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Name returns the calendar's name in lang.
func (c *Calendar) Name(lang string) string {
	if lang == "en" && c.NameEN != "" {
		return c.NameEN
	}
	return c.NameZH
}

// Limits on what a calendar holds.
const (
	maxSpansPerDay = 8
	maxSpecialDays = 1000
)

// ParseSpans reads working hours written as "08:00-12:00, 13:30-18:00" (commas, spaces or
// semicolons between spans; 24:00 ends a day; empty or "closed" means no hours). The spans
// come back sorted; overlapping spans are an error.
func ParseSpans(s string) ([]Span, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "closed") || s == "休息" {
		return nil, nil
	}
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '，' || r == '；' })
	var out []Span
	for _, f := range fields {
		from, to, ok := strings.Cut(f, "-")
		if !ok {
			return nil, fmt.Errorf("%q is not a span like 09:00-18:00", f)
		}
		a, err := parseClock(from)
		if err != nil {
			return nil, err
		}
		b, err := parseClock(to)
		if err != nil {
			return nil, err
		}
		if a >= b {
			return nil, fmt.Errorf("%q ends before it starts (a span cannot cross midnight: write 22:00-24:00 and 00:00-06:00 on the next day)", f)
		}
		out = append(out, Span{a, b})
	}
	return out, checkSpans(out)
}

// checkSpans sorts spans and refuses overlaps and out-of-range times.
func checkSpans(spans []Span) error {
	if len(spans) > maxSpansPerDay {
		return fmt.Errorf("at most %d spans a day", maxSpansPerDay)
	}
	slices.SortFunc(spans, func(a, b Span) int { return a.Start - b.Start })
	for i, sp := range spans {
		if sp.Start < 0 || sp.End > MinutesPerDay || sp.Start >= sp.End {
			return fmt.Errorf("%s is not a span within one day", sp)
		}
		if i > 0 && spans[i-1].End > sp.Start {
			return fmt.Errorf("%s overlaps %s", spans[i-1], sp)
		}
	}
	return nil
}

// parseClock reads HH:MM (00:00 to 24:00).
func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || len(h) == 0 || len(h) > 2 || hh < 0 || mm < 0 || mm > 59 || hh > 24 || (hh == 24 && mm != 0) {
		return 0, fmt.Errorf("%q is not a time of day like 09:30 (00:00 to 24:00)", strings.TrimSpace(s))
	}
	return hh*60 + mm, nil
}

// FormatSpans writes spans as ParseSpans reads them.
func FormatSpans(spans []Span) string {
	parts := make([]string, len(spans))
	for i, s := range spans {
		parts[i] = s.String()
	}
	return strings.Join(parts, ", ")
}

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date like 2026-10-01", strings.TrimSpace(s))
	}
	return t, nil
}

// Validate checks the calendar and normalizes it (trimmed names, sorted spans and days).
// Each problem is an Invalid error naming its field: name_zh, name_en, time_zone,
// hours_0 to hours_6 (by weekday, Sunday first), holidays, workdays.
func (c *Calendar) Validate() error {
	c.NameZH, c.NameEN, c.TimeZone = strings.TrimSpace(c.NameZH), strings.TrimSpace(c.NameEN), strings.TrimSpace(c.TimeZone)
	if c.NameZH == "" || utf8.RuneCountInString(c.NameZH) > 100 {
		return errs.Field("name_zh", "The Chinese name must have 1 to 100 characters.").WithKey("calendar_name")
	}
	if c.NameEN == "" || utf8.RuneCountInString(c.NameEN) > 100 {
		return errs.Field("name_en", "The English name must have 1 to 100 characters.").WithKey("calendar_name")
	}
	if _, err := LoadZone(c.TimeZone); err != nil {
		return err
	}
	open := false
	for d := range c.Week {
		if err := checkSpans(c.Week[d]); err != nil {
			return errs.Field(fmt.Sprintf("hours_%d", d), fmt.Sprintf("Hours of %s: %v.", time.Weekday(d), err)).WithKey("calendar_hours", err.Error())
		}
		open = open || len(c.Week[d]) > 0
	}
	if !open {
		return errs.Field("hours_1", "The calendar needs working hours on at least one weekday.").WithKey("calendar_never_open")
	}
	if len(c.Holidays)+len(c.WorkDays) > maxSpecialDays {
		return errs.Field("holidays", fmt.Sprintf("At most %d holidays and make-up days.", maxSpecialDays)).WithKey("calendar_too_many_days", maxSpecialDays)
	}
	seen := map[string]string{}
	for i := range c.Holidays {
		h := &c.Holidays[i]
		if err := checkDay(&h.Date, &h.Name, seen, "holidays"); err != nil {
			return err
		}
	}
	for i := range c.WorkDays {
		w := &c.WorkDays[i]
		if err := checkDay(&w.Date, &w.Name, seen, "workdays"); err != nil {
			return err
		}
		if len(w.Spans) == 0 {
			return errs.Field("workdays", fmt.Sprintf("Make-up day %s needs working hours.", w.Date)).WithKey("calendar_workday_hours", w.Date, "no hours")
		}
		if err := checkSpans(w.Spans); err != nil {
			return errs.Field("workdays", fmt.Sprintf("Make-up day %s: %v.", w.Date, err)).WithKey("calendar_workday_hours", w.Date, err.Error())
		}
	}
	slices.SortFunc(c.Holidays, func(a, b Holiday) int { return strings.Compare(a.Date, b.Date) })
	slices.SortFunc(c.WorkDays, func(a, b WorkDay) int { return strings.Compare(a.Date, b.Date) })
	return nil
}

// checkDay checks one holiday's or make-up day's date and name; a date may appear once.
func checkDay(date, name *string, seen map[string]string, field string) error {
	t, err := ParseDate(*date)
	if err != nil {
		return errs.Field(field, err.Error()+".").WithKey("calendar_date", strings.TrimSpace(*date))
	}
	*date, *name = t.Format(time.DateOnly), strings.TrimSpace(*name)
	if utf8.RuneCountInString(*name) > 100 {
		return errs.Field(field, fmt.Sprintf("The name of %s is longer than 100 characters.", *date)).WithKey("calendar_day_name", *date)
	}
	if _, dup := seen[*date]; dup {
		return errs.Field(field, fmt.Sprintf("%s is listed twice (a date is a holiday or a make-up day, once).", *date)).WithKey("calendar_date_twice", *date)
	}
	seen[*date] = field
	return nil
}

// LoadZone loads an IANA time zone, refusing "Local" and empty names.
func LoadZone(name string) (*time.Location, error) {
	if name == "" || name == "Local" {
		return nil, errs.Field("time_zone", "Choose a time zone such as Asia/Shanghai.").WithKey("calendar_zone", name)
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, errs.Field("time_zone", fmt.Sprintf("%q is not a known time zone (use an IANA name such as Asia/Shanghai).", name)).WithKey("calendar_zone", name)
	}
	return loc, nil
}
