package wfm

import (
	"fmt"
	"math"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Date is a calendar day in the center's time zone.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the day of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads a day written 2006-01-02.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, errs.Field("date", fmt.Sprintf("%q is not a date like 2026-10-01.", s)).WithKey("wfm_date", s)
	}
	return DateOf(t), nil
}

func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// AddDays returns the day n days after d (before, for negative n).
func (d Date) AddDays(n int) Date {
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// Count is the offered calls of one interval of history.
type Count struct {
	Start time.Time // a moment inside the interval, normally its start; any zone
	Calls float64
}

// DefaultWeights weigh the same weekday 1, 2, 3 and 4 weeks before the forecast day.
func DefaultWeights() []float64 { return []float64{0.4, 0.3, 0.2, 0.1} }

// ForecastInput is what ForecastWeek needs.
//
// History is bucketed by the wall clock of Location: a count belongs to the interval of
// its day that contains its local time. A day with no count at all is treated as
// missing (no data, such as an outage), not as a day without calls; a day with some
// counts has zero calls in the intervals it lacks. In zones with daylight saving time
// the repeated hour adds to one interval; centers in China (Asia/Shanghai) have none.
type ForecastInput struct {
	History  []Count
	Location *time.Location // the center's time zone
	Interval time.Duration  // 15, 30 or 60 minutes; any whole minutes dividing a day
	Start    Date           // the first of the 7 days to forecast
	Holidays []Date         // left out of history, marked in the forecast
	// Weights[k] weighs the same weekday k+1 weeks before the forecast day; nil means
	// DefaultWeights. Weeks that are missing or holidays are skipped and the weights of
	// the weeks used are renormalized to sum to 1.
	Weights []float64
}

// Forecast is next week's offered calls per interval.
type Forecast struct {
	Location *time.Location
	Interval time.Duration
	Days     []ForecastDay // the 7 days, in order
	Slots    []Slot        // every interval of the 7 days, in order
}

// ForecastDay says how a forecast day was made.
type ForecastDay struct {
	Date Date
	// Holiday marks a holiday: the forecast is from ordinary days and needs a review.
	Holiday bool
	Weeks   []Date    // the history days used, most recent first; none: forecast 0
	Weights []float64 // their weights after renormalization
}

// Slot is one interval of the forecast.
type Slot struct {
	Start   time.Time // in the forecast's Location
	Calls   float64
	Holiday bool
}

// ForecastWeek forecasts the calls of each interval of the 7 days from in.Start as the
// weighted mean of the same interval on the same weekday of recent weeks.
func ForecastWeek(in ForecastInput) (Forecast, error) {
	weights, err := in.validate()
	if err != nil {
		return Forecast{}, err
	}
	mins := int(in.Interval / time.Minute)
	perDay := 24 * 60 / mins
	holiday := map[Date]bool{}
	for _, d := range in.Holidays {
		holiday[d] = true
	}
	// The history days that can be used, with their counts per interval.
	days := map[Date][]float64{}
	wanted := map[Date]bool{}
	for i := range 7 {
		for k := range weights {
			if d := in.Start.AddDays(i - 7*(k+1)); !holiday[d] {
				wanted[d] = true
			}
		}
	}
	for _, c := range in.History {
		lt := c.Start.In(in.Location)
		d := DateOf(lt)
		if !wanted[d] {
			continue
		}
		if days[d] == nil {
			days[d] = make([]float64, perDay)
		}
		days[d][(lt.Hour()*60+lt.Minute())/mins] += c.Calls
	}

	f := Forecast{Location: in.Location, Interval: in.Interval, Slots: make([]Slot, 0, 7*perDay)}
	for i := range 7 {
		d := in.Start.AddDays(i)
		fd := ForecastDay{Date: d, Holiday: holiday[d]}
		var sum float64
		for k, w := range weights {
			h := d.AddDays(-7 * (k + 1))
			if days[h] != nil && w > 0 {
				fd.Weeks, fd.Weights = append(fd.Weeks, h), append(fd.Weights, w)
				sum += w
			}
		}
		calls := make([]float64, perDay)
		for j, h := range fd.Weeks {
			fd.Weights[j] /= sum
			for s, n := range days[h] {
				calls[s] += fd.Weights[j] * n
			}
		}
		for s, n := range calls {
			start := time.Date(d.Year, d.Month, d.Day, 0, s*mins, 0, 0, in.Location)
			f.Slots = append(f.Slots, Slot{Start: start, Calls: n, Holiday: fd.Holiday})
		}
		f.Days = append(f.Days, fd)
	}
	return f, nil
}

func (in ForecastInput) validate() ([]float64, error) {
	if in.Location == nil {
		return nil, errs.Field("location", "The center's time zone is missing.").WithKey("wfm_location")
	}
	if err := validInterval(in.Interval); err != nil {
		return nil, err
	}
	if in.Start.AddDays(0) != in.Start {
		return nil, errs.Field("start", fmt.Sprintf("%s is not a day of the calendar.", in.Start)).WithKey("wfm_date", in.Start.String())
	}
	for _, c := range in.History {
		if !finite(c.Calls) || c.Calls < 0 {
			return nil, errs.Field("history", fmt.Sprintf("The history holds %v calls at %s; counts must be zero or more.", c.Calls, c.Start.In(in.Location).Format(time.DateTime))).WithKey("wfm_history")
		}
	}
	weights := in.Weights
	if len(weights) == 0 {
		weights = DefaultWeights()
	}
	var sum float64
	for _, w := range weights {
		if !finite(w) || w < 0 {
			sum = math.NaN()
			break
		}
		sum += w
	}
	if len(weights) > 52 || !(sum > 0) {
		return nil, errs.Field("weights", "Give up to 52 week weights, none negative and not all zero.").WithKey("wfm_weights")
	}
	return weights, nil
}

func validInterval(iv time.Duration) error {
	if iv < time.Minute || iv%time.Minute != 0 || (24*time.Hour)%iv != 0 {
		return errs.Field("interval", "The interval must be whole minutes that divide a day, such as 15, 30 or 60.").WithKey("wfm_interval_minutes")
	}
	return nil
}
