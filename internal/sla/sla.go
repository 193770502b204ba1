// Package sla computes service-level clocks and decides escalations. The clock logic is
// pure: a Policy (targets in business time, a warning fraction, a calendar) and a ticket's
// History (created, paused while waiting on the customer, first responded, resolved) give
// the State of its first-response and resolution clocks at any instant. Escalation rules
// are data; Evaluate decides which of them fire for a ticket, once each. The rules are
// stored by RuleStore; applying their actions to tickets belongs to the ticket package.
package sla

import (
	"slices"
	"time"

	"github.com/hotlinecc/hotline/internal/calendar"
)

// Clock names one of a ticket's two clocks.
type Clock string

const (
	FirstResponse Clock = "first_response"
	Resolution    Clock = "resolution"
)

// Clocks lists both clocks.
var Clocks = []Clock{FirstResponse, Resolution}

// Policy is the service level a ticket is held to.
type Policy struct {
	FirstResponse time.Duration // business time to the first response; 0 means no target
	Resolution    time.Duration // business time to resolution; 0 means no target
	// WarnAt is the fraction of a target after which the clock warns, e.g. 0.8; 0 means
	// no warning.
	WarnAt float64
	// Calendar counts business time; nil counts wall-clock time around the clock.
	Calendar *calendar.Schedule
}

// Interval is a stretch of time; a zero To means it has not ended.
type Interval struct{ From, To time.Time }

// History is what happened to a ticket that bears on its clocks. Zero times mean "not
// yet".
type History struct {
	CreatedAt        time.Time
	Paused           []Interval // while waiting on the customer: both clocks stop
	FirstRespondedAt time.Time
	ResolvedAt       time.Time
}

// ClockState is one clock at one instant.
type ClockState struct {
	Clock  Clock
	Target time.Duration // business time allowed; 0 when the policy sets none
	// Elapsed is the business time counted so far (up to the stop, when stopped);
	// Remaining is Target minus Elapsed and goes negative once breached.
	Elapsed, Remaining time.Duration
	// Due is when the target is reached if the clock runs on from now without pausing
	// (for a paused clock: as if it resumed now). Zero without a target.
	Due time.Time
	// WarnAt is when the clock warns (zero without a warning fraction or target).
	WarnAt    time.Time
	Paused    bool // waiting on the customer now
	Stopped   bool // responded (first response) or resolved (resolution)
	StoppedAt time.Time
	Warning   bool // past the warning fraction, running or paused, not breached
	Breached  bool // the target passed before the clock stopped
	// BreachedAt is when the target passed, for a breached clock.
	BreachedAt time.Time
}

// State is both clocks of a ticket at Now.
type State struct {
	Now           time.Time
	FirstResponse ClockState
	Resolution    ClockState
}

// Of returns the state of one clock.
func (s State) Of(c Clock) ClockState {
	if c == FirstResponse {
		return s.FirstResponse
	}
	return s.Resolution
}

// State returns both clocks of h at now.
func (p Policy) State(h History, now time.Time) State {
	cal := p.Calendar
	if cal == nil {
		cal = calendar.AlwaysOpen()
	}
	return State{
		Now:           now,
		FirstResponse: clockState(cal, FirstResponse, p.FirstResponse, p.WarnAt, h, h.FirstRespondedAt, now),
		Resolution:    clockState(cal, Resolution, p.Resolution, p.WarnAt, h, h.ResolvedAt, now),
	}
}

func clockState(cal *calendar.Schedule, c Clock, target time.Duration, warnAt float64, h History, stop, now time.Time) ClockState {
	st := ClockState{Clock: c, Target: target}
	end := now
	if !stop.IsZero() && !stop.After(now) {
		st.Stopped, st.StoppedAt, end = true, stop, stop
	}
	pauses := normalize(h.Paused, h.CreatedAt, end)
	for _, pz := range h.Paused {
		if !st.Stopped && !pz.From.After(now) && (pz.To.IsZero() || pz.To.After(now)) {
			st.Paused = true
		}
	}
	st.Elapsed = running(cal, h.CreatedAt, end, pauses)
	if target <= 0 {
		return st
	}
	st.Remaining = target - st.Elapsed
	// The clock runs from creation through the past pauses, and on from now.
	st.Due = reach(cal, h.CreatedAt, pauses, target)
	if warnAt > 0 && warnAt < 1 {
		st.WarnAt = reach(cal, h.CreatedAt, pauses, time.Duration(float64(target)*warnAt))
	}
	if st.Elapsed >= target {
		st.Breached, st.BreachedAt = true, st.Due
		if st.Stopped && st.StoppedAt.Equal(st.Due) { // met exactly on time
			st.Breached, st.BreachedAt = false, time.Time{}
		}
	}
	st.Warning = !st.Breached && !st.Stopped && !st.WarnAt.IsZero() && !st.WarnAt.After(now)
	return st
}

// normalize clips pauses to [from, to] (an open pause ends at to), sorts and merges them.
func normalize(ps []Interval, from, to time.Time) []Interval {
	var out []Interval
	for _, p := range ps {
		a, b := p.From, p.To
		if b.IsZero() || b.After(to) {
			b = to
		}
		if a.Before(from) {
			a = from
		}
		if b.After(a) {
			out = append(out, Interval{a, b})
		}
	}
	slices.SortFunc(out, func(x, y Interval) int { return x.From.Compare(y.From) })
	merged := out[:0]
	for _, p := range out {
		if n := len(merged); n > 0 && !p.From.After(merged[n-1].To) {
			if p.To.After(merged[n-1].To) {
				merged[n-1].To = p.To
			}
			continue
		}
		merged = append(merged, p)
	}
	return merged
}

// running is the business time in [from, to) outside the pauses.
func running(cal *calendar.Schedule, from, to time.Time, pauses []Interval) time.Duration {
	total := cal.Between(from, to)
	for _, p := range pauses {
		total -= cal.Between(p.From, p.To)
	}
	return total
}

// reach returns when the clock, started at from and stopped during pauses (the last
// possibly ending now), has counted d of business time if it runs on without further
// pauses.
func reach(cal *calendar.Schedule, from time.Time, pauses []Interval, d time.Duration) time.Time {
	cursor := from
	for _, p := range pauses {
		seg := cal.Between(cursor, p.From)
		if seg >= d {
			return cal.Add(cursor, d)
		}
		d -= seg
		cursor = p.To
	}
	return cal.Add(cursor, d)
}
