package report

import (
	"context"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/wfm"
)

// DefaultAHT is the handle time a staffing plan uses when none is given and the four
// weeks of history answered no call.
const DefaultAHT = 180 * time.Second

// StaffingQuery asks for the staffing of one day.
type StaffingQuery struct {
	Day      wfm.Date
	Interval time.Duration // 15, 30 or 60 minutes
	Target   wfm.Target
	AHT      time.Duration // 0: the average handle time of the four weeks before
}

// StaffingSlot is one interval of the day: the forecast, the agents needed, the agents
// who answered calls in it, and the calls actually offered (for a day that has passed).
type StaffingSlot struct {
	wfm.Coverage
	Offered int64
}

// Staffing is a day's staffing plan beside what happened.
type Staffing struct {
	Query      StaffingQuery
	AHT        time.Duration
	AHTSource  string // "given", "history" or "default"
	Forecast   wfm.ForecastDay
	Slots      []StaffingSlot
	Understaff int // intervals where fewer agents answered calls than the plan needs
}

// Staffing forecasts the calls of q.Day per interval from the same weekday of the four
// weeks before (internal/wfm.ForecastWeek), staffs each interval by Erlang C for the
// target (wfm.PlanWeek) and compares the plan with the agents who answered at least one
// call in the interval. No agent login log exists yet, so those agents stand in for the
// agents logged in: a lower bound of them.
func (s *Service) Staffing(ctx context.Context, q StaffingQuery) (*Staffing, error) {
	if q.Interval != 15*time.Minute && q.Interval != 30*time.Minute && q.Interval != time.Hour {
		return nil, errs.Field("interval", "The interval must be 15, 30 or 60 minutes.").WithKey("report_staffing_interval")
	}
	if q.AHT < 0 {
		return nil, errs.Field("aht", "The average handle time must be longer than zero.").WithKey("wfm_aht")
	}
	day := time.Date(q.Day.Year, q.Day.Month, q.Day.Day, 0, 0, 0, 0, s.loc)
	next := day.AddDate(0, 0, 1)
	hist, err := s.sums(ctx, "report_queue_intervals", "interval_start", day.AddDate(0, 0, -28), day, GroupNone, true)
	if err != nil {
		return nil, err
	}
	var total Counts
	counts := make([]wfm.Count, 0, len(hist))
	for _, h := range hist {
		counts = append(counts, wfm.Count{Start: h.start, Calls: float64(h.Offered)})
		total.Add(h.Counts)
	}
	res := &Staffing{Query: q, AHT: q.AHT, AHTSource: "given"}
	if res.AHT == 0 {
		if v, ok := (Basis{Counts: total}).Value("aht"); ok && v > 0 {
			res.AHT, res.AHTSource = time.Duration(v*float64(time.Second)).Round(time.Second), "history"
		} else {
			res.AHT, res.AHTSource = DefaultAHT, "default"
		}
	}
	f, err := wfm.ForecastWeek(wfm.ForecastInput{History: counts, Location: s.loc, Interval: q.Interval, Start: q.Day})
	if err != nil {
		return nil, err
	}
	res.Forecast = f.Days[0]
	perDay := int(24 * time.Hour / q.Interval)
	f.Slots = f.Slots[:perDay]
	plan, err := wfm.PlanWeek(f, []time.Duration{res.AHT}, q.Target)
	if err != nil {
		return nil, err
	}
	// What happened that day: the calls offered and the agents who answered, per interval.
	offered := make([]int64, perDay)
	today, err := s.sums(ctx, "report_queue_intervals", "interval_start", day, next, GroupNone, true)
	if err != nil {
		return nil, err
	}
	slot := func(t time.Time) int { return int(t.Sub(day) / q.Interval) }
	for _, r := range today {
		if i := slot(r.start); i >= 0 && i < perDay {
			offered[i] += r.Offered
		}
	}
	agents := make([]map[string]bool, perDay)
	byAgent, err := s.sums(ctx, "report_intervals", "interval_start", day, next, GroupAgent, true)
	if err != nil {
		return nil, err
	}
	for _, r := range byAgent {
		i := slot(r.start)
		if r.key == "0" || r.Answered == 0 || i < 0 || i >= perDay {
			continue
		}
		if agents[i] == nil {
			agents[i] = map[string]bool{}
		}
		agents[i][r.key] = true
	}
	loggedIn := make([]int, perDay)
	for i, a := range agents {
		loggedIn[i] = len(a)
	}
	cov, err := plan.Compare(loggedIn)
	if err != nil {
		return nil, err
	}
	for i, c := range cov {
		res.Slots = append(res.Slots, StaffingSlot{Coverage: c, Offered: offered[i]})
		if c.Understaffed {
			res.Understaff++
		}
	}
	return res, nil
}

// ExpectedSLPercent is the service level (0-100) the agents who answered would achieve
// against the forecast.
func (s StaffingSlot) ExpectedSLPercent() float64 { return s.Expected.ServiceLevel * 100 }
