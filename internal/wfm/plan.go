package wfm

import (
	"fmt"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Plan is the staffing a forecast needs, interval by interval.
type Plan struct {
	Interval time.Duration
	Target   Target
	Slots    []PlanSlot
}

// PlanSlot is one interval of a plan: the forecast, the handle time used and the
// agents it needs (Agents on the phones, Staff to schedule).
type PlanSlot struct {
	Slot
	AHT time.Duration
	Staffing
}

// PlanWeek staffs every interval of f by Erlang C. aht holds one handle time for all
// intervals, or one per interval of f.Slots (0 is allowed where no calls are forecast).
func PlanWeek(f Forecast, aht []time.Duration, t Target) (Plan, error) {
	if err := validInterval(f.Interval); err != nil {
		return Plan{}, err
	}
	if len(aht) != 1 && len(aht) != len(f.Slots) {
		return Plan{}, errs.Field("aht", fmt.Sprintf("Give one handle time, or one for each of the %d intervals (got %d).", len(f.Slots), len(aht))).WithKey("wfm_aht_count", len(f.Slots), len(aht))
	}
	if err := t.validate(); err != nil {
		return Plan{}, err
	}
	p := Plan{Interval: f.Interval, Target: t, Slots: make([]PlanSlot, len(f.Slots))}
	for i, s := range f.Slots {
		h := aht[0]
		if len(aht) > 1 {
			h = aht[i]
		}
		a, err := Traffic(s.Calls, h, f.Interval)
		if err == nil {
			p.Slots[i].Staffing, err = required(a, h, t)
		}
		if err != nil {
			return Plan{}, fmt.Errorf("wfm: plan the interval at %s: %w", s.Start.Format(time.DateTime), err)
		}
		p.Slots[i].Slot, p.Slots[i].AHT = s, h
	}
	return p, nil
}

// Coverage compares one interval of a plan with the agents actually logged in.
type Coverage struct {
	PlanSlot
	LoggedIn int
	// Gap is Agents − LoggedIn: how many agents on the phones were missing (negative
	// when more were logged in than needed). Shrinkage is not part of it: agents absent,
	// in training or on leave are not logged in anyway.
	Gap          int
	Understaffed bool    // Gap > 0: the logged-in agents could not meet the target
	Expected     Outcome // what the logged-in agents achieve against the forecast
}

// Compare sets the agents logged in per interval (one per plan slot, in order) beside
// the plan, flagging understaffed intervals.
func (p Plan) Compare(loggedIn []int) ([]Coverage, error) {
	if len(loggedIn) != len(p.Slots) {
		return nil, errs.Field("logged_in", fmt.Sprintf("Give the agents logged in for each of the %d intervals (got %d).", len(p.Slots), len(loggedIn))).WithKey("wfm_logged_in_count", len(p.Slots), len(loggedIn))
	}
	out := make([]Coverage, len(p.Slots))
	for i, s := range p.Slots {
		n := loggedIn[i]
		if n < 0 {
			return nil, errs.Field("logged_in", fmt.Sprintf("%d agents logged in at %s: the count cannot be negative.", n, s.Start.Format(time.DateTime))).WithKey("wfm_logged_in")
		}
		gap := s.Agents - n
		out[i] = Coverage{
			PlanSlot: s, LoggedIn: n, Gap: gap, Understaffed: gap > 0,
			Expected: Evaluate(n, s.Traffic, s.AHT, p.Target.AnswerWithin),
		}
	}
	return out, nil
}
