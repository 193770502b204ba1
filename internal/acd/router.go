package acd

import (
	"cmp"
	"slices"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Router holds the queues, the agents and the calls in the ACD and makes every routing
// decision at the moment of the event that allows it: a call joins, an agent frees up, an
// offer fails, a deadline passes. It does no I/O, starts no goroutines and reads no clock:
// every input carries its time, every output is a list of Actions for the switchboard, and
// NextDeadline says when Tick must be called. A Router is not safe for concurrent use; the
// switchboard feeds it from one goroutine.
type Router struct {
	queues    map[string]*queue
	agents    map[int64]*agent
	calls     map[string]*call
	deadlines deadlines
	seq       uint64 // orders calls that arrive at the same instant, and round-robin turns
	out       []Action
	buf       []int // frontier buffer for memberHeap.first
}

// NewRouter returns an empty Router.
func NewRouter() *Router {
	return &Router{queues: map[string]*queue{}, agents: map[int64]*agent{}, calls: map[string]*call{}}
}

// Call is a call handed to the ACD.
type Call struct {
	ID        string
	Queue     string // queue code
	Priority  int    // higher first, within a queue (e.g. raised by the IVR for urgent matters)
	VIP       int    // the customer's VIP level, 0 for none: higher first after Priority
	Skills    map[string]int
	EnteredAt time.Time // when the caller started waiting; kept across overflow
	// PreferAgent is an agent to offer the call to first when that agent is free and
	// eligible: the switchboard sets it for a repeat caller to the agent of their last contact.
	PreferAgent int64
}

// Validate checks a call.
func (c Call) Validate() error {
	switch {
	case c.ID == "":
		return errs.Field("id", "Call needs an id.")
	case c.Queue == "":
		return errs.Field("queue", "Call needs a queue.")
	case c.VIP < 0:
		return errs.Field("vip", "VIP level must not be negative.")
	case c.EnteredAt.IsZero():
		return errs.Field("entered_at", "Call needs the time it entered.")
	}
	return validSkills(c.Skills)
}

func validSkills(skills map[string]int) error {
	for s, p := range skills {
		if s == "" || p < 1 || p > 5 {
			return errs.Field("skills", "Skill levels must be 1 to 5.").WithKey("proficiency")
		}
	}
	return nil
}

type queue struct {
	Queue
	members  map[int64]*member
	avail    memberHeap
	waiting  []*call // sorted by callLess
	offering int
	states   [numStates]int // members by their agent's state
	day      Counters
	handle   handleTimes
}

type member struct {
	Member
	q         *queue
	a         *agent
	idx       int    // index in q.avail, -1 when not available
	lastOffer uint64 // round-robin turn
}

type agent struct {
	id         int64
	state      State
	reason     string
	since      time.Time
	idleSince  time.Time
	skills     map[string]int
	members    []*member
	call       *call // ringing or talking
	misses     int   // consecutive unanswered offers
	calls      int   // answered today
	talk       time.Duration
	breakAfter string // break asked for during a call
	gen        uint64
	wrapQ      *queue
	wrapTalk   time.Duration
}

type callState uint8

const (
	waiting callState = iota
	offering
	connected
	gone
)

type call struct {
	Call
	q          *queue
	state      callState
	seq        uint64
	queuedAt   time.Time // entered the current queue
	visit      uint64    // counts queues entered; stale deadlines carry an older visit
	gen        uint64    // counts offers
	visited    []string
	tried      map[int64]bool // agents that missed this call; skipped until retryAt
	retryAt    time.Time
	ringing    []*agent
	agent      *agent
	answeredAt time.Time
}

// Action is an instruction for the switchboard: one of Offer, CancelOffer, MusicOnHold,
// Announce, Overflow, Voicemail, Callback, AgentState.
type Action interface{ action() }

// Offer rings agents with a call: one agent, or several for ring_all (the first to answer
// wins). Report the outcome with Answered or NoAnswer; the Router itself times the offer out
// after Timeout (see Tick).
type Offer struct {
	Call    Call // Call.Queue is the queue that offers it (after overflow, the new one)
	Agents  []int64
	Timeout time.Duration
}

// CancelOffer stops ringing an agent: another answered, the caller hung up, the offer
// timed out, or the agent went away.
type CancelOffer struct {
	CallID string
	Agent  int64
}

// MusicOnHold starts the queue's hold music (Class may be "" for the default).
type MusicOnHold struct{ CallID, Queue, Class string }

// Announce tells a waiting caller their position and, when known, the estimated wait.
type Announce struct {
	CallID, Queue string
	Position      int
	Wait          time.Duration
	WaitKnown     bool
}

// ExitReason says why a call left a queue unanswered.
type ExitReason string

const (
	ReasonMaxWait    ExitReason = "max_wait"
	ReasonJoinEmpty  ExitReason = "join_empty"
	ReasonLeaveEmpty ExitReason = "leave_empty"
)

// Overflow moves a call to another queue; the Router has already queued it there.
type Overflow struct {
	CallID, From, To string
	Reason           ExitReason
}

// Voicemail sends the caller to leave a message; the call has left the ACD. It is also the
// fallback when an overflow queue is unknown or was already visited by the call.
type Voicemail struct {
	CallID, Queue string
	Reason        ExitReason
}

// Callback offers the caller a callback; the call has left the ACD.
type Callback struct {
	CallID, Queue string
	Reason        ExitReason
}

// AgentState reports an agent's new state. A pause after MaxMisses unanswered offers is
// AgentState{State: Break, Reason: ReasonNoAnswer}; wrap-up carries its end in Until.
type AgentState struct {
	Agent  int64
	State  State
	Reason string
	Until  time.Time
}

func (Offer) action()       {}
func (CancelOffer) action() {}
func (MusicOnHold) action() {}
func (Announce) action()    {}
func (Overflow) action()    {}
func (Voicemail) action()   {}
func (Callback) action()    {}
func (AgentState) action()  {}

func (r *Router) emit(a Action) { r.out = append(r.out, a) }

func (r *Router) flush() []Action {
	out := r.out
	r.out = nil
	return out
}

func notFound(what string, id any) error {
	return errs.E(errs.NotFound, "acd: unknown %s %v", what, id)
}

// SetQueue adds a queue or replaces its settings and members. Calls waiting in it stay;
// newly available members are offered them at once.
func (r *Router) SetQueue(now time.Time, q Queue, members []Member) ([]Action, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	for _, m := range members {
		if err := m.Validate(); err != nil {
			return nil, err
		}
		if seen[m.Agent] {
			return nil, errs.Field("agent", "An agent is a member of a queue once.").WithKey("member_agent")
		}
		seen[m.Agent] = true
	}
	qu := r.queues[q.Code]
	if qu == nil {
		qu = &queue{}
		r.queues[q.Code] = qu
	} else {
		r.detach(qu)
	}
	qu.Queue = q
	qu.members = make(map[int64]*member, len(members))
	qu.avail = memberHeap{less: strategyLess(q.Strategy)}
	qu.states = [numStates]int{}
	for _, m := range members {
		a := r.agent(m.Agent)
		mm := &member{Member: m, q: qu, a: a, idx: -1}
		a.members = append(a.members, mm)
		qu.members[m.Agent] = mm
		qu.states[a.state]++
		if a.state == Available {
			qu.avail.push(mm)
		}
	}
	for _, c := range slices.Clone(qu.waiting) {
		if len(qu.avail.items) == 0 {
			break
		}
		r.route(now, c)
	}
	return r.flush(), nil
}

// RemoveQueue deletes a queue that holds no waiting or ringing calls.
func (r *Router) RemoveQueue(code string) error {
	q := r.queues[code]
	if q == nil {
		return notFound("queue", code)
	}
	if len(q.waiting) > 0 || q.offering > 0 {
		return errs.E(errs.Conflict, "acd: queue %s still holds calls", code)
	}
	r.detach(q)
	delete(r.queues, code)
	return nil
}

// detach removes a queue's members from their agents.
func (r *Router) detach(q *queue) {
	for _, m := range q.members {
		m.a.members = slices.DeleteFunc(m.a.members, func(x *member) bool { return x == m })
	}
}

func (r *Router) agent(id int64) *agent {
	a := r.agents[id]
	if a == nil {
		a = &agent{id: id}
		r.agents[id] = a
	}
	return a
}

// strategyLess orders available members: best first.
func strategyLess(s Strategy) func(a, b *member) bool {
	idle := func(a, b *member) int {
		if c := a.a.idleSince.Compare(b.a.idleSince); c != 0 {
			return c
		}
		return cmp.Compare(a.a.id, b.a.id)
	}
	switch s {
	case RoundRobin:
		return func(a, b *member) bool {
			return cmp.Or(cmp.Compare(a.lastOffer, b.lastOffer), cmp.Compare(a.Order, b.Order), cmp.Compare(a.a.id, b.a.id)) < 0
		}
	case FewestCalls:
		return func(a, b *member) bool { return cmp.Or(cmp.Compare(a.a.calls, b.a.calls), idle(a, b)) < 0 }
	case LeastTalkTime:
		return func(a, b *member) bool { return cmp.Or(cmp.Compare(a.a.talk, b.a.talk), idle(a, b)) < 0 }
	case TopDown:
		return func(a, b *member) bool { return cmp.Or(cmp.Compare(a.Order, b.Order), cmp.Compare(a.a.id, b.a.id)) < 0 }
	case BestSkill:
		return func(a, b *member) bool { return cmp.Or(cmp.Compare(b.Proficiency, a.Proficiency), idle(a, b)) < 0 }
	}
	return func(a, b *member) bool { return idle(a, b) < 0 } // longest idle, ring all
}

// callLess orders the calls of one queue: priority, VIP level, then who waited longest.
func callLess(a, b *call) bool {
	return cmp.Or(cmp.Compare(b.Priority, a.Priority), cmp.Compare(b.VIP, a.VIP),
		a.EnteredAt.Compare(b.EnteredAt), cmp.Compare(a.seq, b.seq)) < 0
}

// before orders calls across queues for an agent serving several: queue priority first.
func before(a, b *call) bool {
	if a.q.Priority != b.q.Priority {
		return a.q.Priority > b.q.Priority
	}
	return callLess(a, b)
}
