// Package wfm is the arithmetic of workforce management: Erlang C staffing for one
// interval, a forecast of next week's calls per interval from history, and a staffing
// plan per interval compared with the agents actually logged in. Pure functions: no I/O,
// no clock, no database; the reports read the data and call these.
//
// Erlang C is computed without factorials or powers: the Erlang B recurrence
//
//	B(0) = 1,  B(k) = A·B(k-1) / (k + A·B(k-1))
//
// keeps every value in (0, 1], so thousands of Erlangs neither overflow nor lose
// precision, and P(wait) = C(N, A) = N·B / (N − A·(1 − B)) for N > A.
package wfm

import (
	"math"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

// MaxAgents bounds the agents a single interval may need; larger answers are an input
// error (a wrong unit or an extra zero), not a staffing plan.
const MaxAgents = 1_000_000

// Target is the service goal for an interval: ServiceLevel of the calls answered within
// AnswerWithin ("80/20" is 0.8 and 20 s), optional limits on the average speed of answer
// and on occupancy, and the shrinkage (breaks, training, absence) that turns agents
// needed on the phones into staff to schedule.
type Target struct {
	ServiceLevel float64       // fraction in (0, 1]
	AnswerWithin time.Duration // >= 0
	MaxASA       time.Duration // 0: no limit
	MaxOccupancy float64       // 0: no limit; else in (0, 1]
	Shrinkage    float64       // fraction in [0, 1)
}

// Outcome is what Agents agents achieve against Traffic Erlangs of offered load.
type Outcome struct {
	Traffic      float64       // offered load A in Erlangs
	Agents       int           // N, agents on the phones
	PWait        float64       // probability that a call waits (Erlang C)
	ServiceLevel float64       // fraction of calls answered within the target's time
	ASA          time.Duration // average speed of answer over all calls
	Occupancy    float64       // A / N, the share of agent time spent on calls
	// Overloaded is set when N <= A: the queue grows without bound, every call waits
	// (PWait 1, ServiceLevel 0, Occupancy 1) and ASA is the largest Duration.
	Overloaded bool
}

// Staffing is the answer for one interval: the fewest agents meeting the target, what
// they achieve, and Staff, the agents to schedule once shrinkage is allowed for.
type Staffing struct {
	Outcome
	Staff int // ceil(Agents / (1 − Shrinkage))
}

// Traffic returns the offered load in Erlangs: calls × aht / interval.
func Traffic(calls float64, aht, interval time.Duration) (float64, error) {
	if !finite(calls) || calls < 0 {
		return 0, errs.Field("calls", "Offered calls must be a number of zero or more.").WithKey("wfm_calls")
	}
	if interval <= 0 {
		return 0, errs.Field("interval", "The interval must be longer than zero.").WithKey("wfm_interval")
	}
	if aht < 0 || (aht == 0 && calls > 0) {
		return 0, errs.Field("aht", "The average handle time must be longer than zero.").WithKey("wfm_aht")
	}
	return calls * aht.Seconds() / interval.Seconds(), nil
}

// ErlangB returns the blocking probability of n servers offered a Erlangs, by the
// recurrence in the package comment. It is 1 for n <= 0 and 0 for a <= 0 < n.
func ErlangB(n int, a float64) float64 {
	b := 1.0
	if a <= 0 {
		if n > 0 {
			return 0
		}
		return 1
	}
	for k := 1; k <= n; k++ {
		b = nextB(b, k, a)
	}
	return b
}

// ErlangC returns the probability that a call waits with n agents and a Erlangs of
// offered load: 1 when n <= a (the queue never empties), 0 when a <= 0.
func ErlangC(n int, a float64) float64 {
	if a <= 0 {
		return 0
	}
	if float64(n) <= a {
		return 1
	}
	return cFromB(n, a, ErlangB(n, a))
}

// Evaluate returns what n agents achieve against a Erlangs with handle time aht,
// counting a call as answered in time when it waits at most within. aht must be above
// zero when a is (Traffic ensures it).
func Evaluate(n int, a float64, aht, within time.Duration) Outcome {
	if a <= 0 || float64(n) <= a {
		return outcome(n, a, 0, aht, within)
	}
	return outcome(n, a, ErlangB(n, a), aht, within)
}

// Required returns the fewest agents that answer calls offered in an interval of the
// given length, with average handle time aht, within the target: service level, and the
// ASA and occupancy limits when set. No calls need no agents.
func Required(calls float64, aht, interval time.Duration, t Target) (Staffing, error) {
	a, err := Traffic(calls, aht, interval)
	if err != nil {
		return Staffing{}, err
	}
	if err := t.validate(); err != nil {
		return Staffing{}, err
	}
	return required(a, aht, t)
}

func required(a float64, aht time.Duration, t Target) (Staffing, error) {
	if a == 0 {
		return Staffing{Outcome: outcome(0, 0, 0, aht, t.AnswerWithin)}, nil
	}
	if a >= MaxAgents || (t.MaxOccupancy > 0 && a/t.MaxOccupancy > MaxAgents) {
		return Staffing{}, tooLarge()
	}
	// Start at the first N above A; B climbs there by the same recurrence.
	n, b := 0, 1.0
	for float64(n) <= a {
		n++
		b = nextB(b, n, a)
	}
	for ; n <= MaxAgents; n++ {
		o := outcome(n, a, b, aht, t.AnswerWithin)
		if t.met(o) {
			return Staffing{Outcome: o, Staff: withShrinkage(n, t.Shrinkage)}, nil
		}
		b = nextB(b, n+1, a)
	}
	return Staffing{}, tooLarge()
}

func tooLarge() error {
	return errs.E(errs.Invalid, "The interval would need more than %d agents; check the calls, the handle time and the occupancy limit.", MaxAgents).WithKey("wfm_too_large", MaxAgents)
}

// nextB is one step of the Erlang B recurrence: B(k) from B(k-1).
func nextB(b float64, k int, a float64) float64 {
	ab := a * b
	return ab / (float64(k) + ab)
}

func cFromB(n int, a, b float64) float64 {
	fn := float64(n)
	return fn * b / (fn - a*(1-b))
}

// outcome turns B(n, a) into the figures of an Outcome.
func outcome(n int, a, b float64, aht, within time.Duration) Outcome {
	o := Outcome{Traffic: a, Agents: n}
	switch {
	case a <= 0:
		o.ServiceLevel = 1
	case float64(n) <= a:
		o.PWait, o.Occupancy, o.ASA, o.Overloaded = 1, 1, time.Duration(math.MaxInt64), true
	default:
		fn := float64(n)
		o.PWait = cFromB(n, a, b)
		o.ServiceLevel = 1 - o.PWait*math.Exp(-(fn-a)*within.Seconds()/aht.Seconds())
		o.ASA = time.Duration(math.Round(o.PWait * aht.Seconds() / (fn - a) * 1e9))
		o.Occupancy = a / fn
	}
	return o
}

func (t Target) met(o Outcome) bool {
	if o.Overloaded || o.ServiceLevel < t.ServiceLevel {
		return false
	}
	if t.MaxASA > 0 && o.ASA > t.MaxASA {
		return false
	}
	return t.MaxOccupancy == 0 || o.Occupancy <= t.MaxOccupancy
}

func (t Target) validate() error {
	if !finite(t.ServiceLevel) || t.ServiceLevel <= 0 || t.ServiceLevel > 1 {
		return errs.Field("service_level", "The service level target must be above 0 % and at most 100 %.").WithKey("wfm_service_level")
	}
	if t.AnswerWithin < 0 {
		return errs.Field("answer_within", "The answer time of the target cannot be negative.").WithKey("wfm_answer_within")
	}
	if t.MaxASA < 0 {
		return errs.Field("max_asa", "The average speed of answer limit cannot be negative.").WithKey("wfm_max_asa")
	}
	if !finite(t.MaxOccupancy) || t.MaxOccupancy < 0 || t.MaxOccupancy > 1 {
		return errs.Field("max_occupancy", "The occupancy limit must be above 0 % and at most 100 % (0 for none).").WithKey("wfm_max_occupancy")
	}
	if !finite(t.Shrinkage) || t.Shrinkage < 0 || t.Shrinkage >= 1 {
		return errs.Field("shrinkage", "Shrinkage must be at least 0 % and below 100 %.").WithKey("wfm_shrinkage")
	}
	return nil
}

// withShrinkage returns ceil(n / (1 − s)), forgiving the rounding error of s in binary
// (14 / (1 − 0.3) is 20, not 21).
func withShrinkage(n int, s float64) int {
	x := float64(n) / (1 - s)
	if r := math.Round(x); math.Abs(x-r) <= 1e-9*math.Max(1, x) {
		return int(r)
	}
	return int(math.Ceil(x))
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }
