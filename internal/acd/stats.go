package acd

import (
	"cmp"
	"slices"
	"time"
)

// handleSamples is how many recent handle times a queue's estimate averages.
const handleSamples = 20

// handleTimes keeps a queue's most recent handle times (talk plus wrap-up).
type handleTimes struct {
	ring [handleSamples]time.Duration
	n    int // samples taken, capped at handleSamples
	next int
	sum  time.Duration
}

func (h *handleTimes) add(d time.Duration) {
	h.sum += d - h.ring[h.next]
	h.ring[h.next] = d
	h.next = (h.next + 1) % handleSamples
	h.n = min(h.n+1, handleSamples)
}

// average returns the mean recent handle time, if any call was handled.
func (h *handleTimes) average() (time.Duration, bool) {
	if h.n == 0 {
		return 0, false
	}
	return h.sum / time.Duration(h.n), true
}

// estimate returns the expected wait of the caller at position pos (1 is next):
//
//	wait = AHT × pos / staffed
//
// where AHT is the mean of the queue's last 20 handle times (talk plus wrap-up) and staffed
// counts members who are logged in and not on break (available, ringing, on a call or in
// wrap-up). Each staffed agent frees up about once per AHT, so pos callers are served after
// pos/staffed handle times. Unknown (false) before the first handled call or with no staff.
func (q *queue) estimate(pos int) (time.Duration, bool) {
	aht, ok := q.handle.average()
	staffed := len(q.members) - q.states[LoggedOut] - q.states[Break]
	if !ok || staffed <= 0 {
		return 0, false
	}
	return aht * time.Duration(pos) / time.Duration(staffed), true
}

// Counters are a queue's counts since the last ResetDay.
type Counters struct {
	Offered      int // calls that joined the queue (including by overflow)
	Answered     int
	AnsweredInSL int // answered within SLSeconds of joining the queue
	Abandoned    int // the caller hung up waiting or ringing
	Exited       int // sent on after the maximum wait or when the queue emptied
	Refused      int // not let in by the join rule
}

// ServiceLevel is AnsweredInSL / (Answered + Abandoned + Exited): the share of the calls
// that ended in this queue today which were answered within the threshold. False when no
// call has ended yet.
func (c Counters) ServiceLevel() (float64, bool) {
	n := c.Answered + c.Abandoned + c.Exited
	if n == 0 {
		return 0, false
	}
	return float64(c.AnsweredInSL) / float64(n), true
}

// QueueStats is a queue's live state for the wallboard.
type QueueStats struct {
	Code          string
	Waiting       int // callers waiting for an agent
	Ringing       int // callers being offered to agents
	LongestWait   time.Duration
	Agents        map[State]int // members by state
	EstimatedWait time.Duration // for a caller joining now
	WaitKnown     bool
	AvgHandle     time.Duration // mean of the recent handle times; 0 before the first
	Today         Counters
}

// Snapshot returns every queue's statistics, highest priority first, then by code.
func (r *Router) Snapshot(now time.Time) []QueueStats {
	out := make([]QueueStats, 0, len(r.queues))
	qs := make([]*queue, 0, len(r.queues))
	for _, q := range r.queues {
		qs = append(qs, q)
	}
	slices.SortFunc(qs, func(a, b *queue) int { return cmp.Or(cmp.Compare(b.Priority, a.Priority), cmp.Compare(a.Code, b.Code)) })
	for _, q := range qs {
		s := QueueStats{Code: q.Code, Waiting: len(q.waiting), Ringing: q.offering, Agents: map[State]int{}, Today: q.day}
		for _, c := range q.waiting {
			s.LongestWait = max(s.LongestWait, now.Sub(c.EnteredAt))
		}
		for _, st := range States {
			s.Agents[st] = q.states[st]
		}
		s.EstimatedWait, s.WaitKnown = q.estimate(len(q.waiting) + 1)
		s.AvgHandle, _ = q.handle.average()
		out = append(out, s)
	}
	return out
}

// AgentStatus is an agent's state for the agent bar and the wallboard.
type AgentStatus struct {
	State      State
	Reason     string
	Since      time.Time
	CallID     string // the call ringing or connected
	BreakAfter string // break asked for during the call
	Calls      int    // answered today
	Talk       time.Duration
	Misses     int // consecutive unanswered offers
	Queues     []string
}

// Agent returns an agent's status.
func (r *Router) Agent(id int64) (AgentStatus, bool) {
	a := r.agents[id]
	if a == nil {
		return AgentStatus{}, false
	}
	s := AgentStatus{State: a.state, Reason: a.reason, Since: a.since, BreakAfter: a.breakAfter, Calls: a.calls, Talk: a.talk, Misses: a.misses}
	if a.call != nil {
		s.CallID = a.call.ID
	}
	for _, m := range a.members {
		s.Queues = append(s.Queues, m.q.Code)
	}
	slices.Sort(s.Queues)
	return s, true
}

// ResetDay starts a new day: queue counters and the agents' calls and talk time (which
// fewest_calls and least_talk_time use) go back to zero. The switchboard calls it at
// midnight in the center's time zone.
func (r *Router) ResetDay() {
	for _, a := range r.agents {
		a.calls, a.talk = 0, 0
	}
	for _, q := range r.queues {
		q.day = Counters{}
		q.avail.init()
	}
}
