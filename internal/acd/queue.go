// Package acd decides which agent takes which call: queues, skills, tiers, agent states
// and routing strategies. It is pure logic with no I/O, no goroutines and no clock of its
// own: a Router is fed events with the time they happened and answers with the Actions the
// switchboard (internal/contact) carries out. See router.go.
package acd

import (
	"slices"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Strategy is how a queue picks among available agents.
type Strategy string

const (
	LongestIdle   Strategy = "longest_idle"    // the agent idle longest since their last call (default)
	RoundRobin    Strategy = "round_robin"     // the member offered a call of this queue longest ago, then by order
	FewestCalls   Strategy = "fewest_calls"    // the agent who answered fewest calls today
	LeastTalkTime Strategy = "least_talk_time" // the agent with the least talk time today
	RingAll       Strategy = "ring_all"        // every eligible available agent at once; the first to answer wins
	TopDown       Strategy = "top_down"        // members in their fixed order (Member.Order), first free one
	BestSkill     Strategy = "best_skill"      // highest proficiency (queue and the call's skills), then longest idle
)

// Strategies lists every strategy.
var Strategies = []Strategy{LongestIdle, RoundRobin, FewestCalls, LeastTalkTime, RingAll, TopDown, BestSkill}

// ExitAction is what happens to a caller who cannot be served by a queue: the maximum wait
// passed, or the queue has no agents and its join or leave rule says so.
type ExitAction string

const (
	ExitVoicemail ExitAction = "voicemail" // the caller leaves a message (the default)
	ExitOverflow  ExitAction = "overflow"  // the call moves to Queue.OverflowQueue
	ExitCallback  ExitAction = "callback"  // the caller is offered a callback and leaves the queue
)

// ExitActions lists every exit action.
var ExitActions = []ExitAction{ExitVoicemail, ExitOverflow, ExitCallback}

// EmptyRule says when a queue counts as empty for joining or staying.
type EmptyRule string

const (
	EmptyIgnore   EmptyRule = ""          // callers join and stay whatever the staffing
	EmptyNoAgents EmptyRule = "no_agents" // empty when no member is logged in
	EmptyNoActive EmptyRule = "no_active" // empty when no member is logged in and off break
)

// EmptyRules lists every empty rule.
var EmptyRules = []EmptyRule{EmptyIgnore, EmptyNoAgents, EmptyNoActive}

// Defaults for settings left at zero.
const (
	DefaultRingSeconds = 20 // ring an agent this long before trying the next one
	RetrySeconds       = 5  // after every reachable agent missed a call, try them again after this
)

// Queue is a queue's settings.
type Queue struct {
	ID             int64
	Code           string // short stable name used by IVR flows and the API
	NameZH, NameEN string
	Strategy       Strategy
	Priority       int // higher is served first when an agent serves several queues
	SLSeconds      int // service level threshold: answered within this many seconds
	WrapUpSeconds  int // after-call work before the agent is offered the next call
	MaxWaitSeconds int // 0: callers wait without limit

	// MaxWaitAction is what happens after MaxWaitSeconds, and to callers refused or sent
	// away by the empty rules; "" means voicemail.
	MaxWaitAction ExitAction
	OverflowQueue string // the queue code for ExitOverflow

	RingSeconds     int // per agent before the next is tried; 0 means DefaultRingSeconds
	MaxMisses       int // consecutive unanswered offers before the agent is paused; 0: never
	AnnounceSeconds int // position and estimated wait are announced at join and at this interval; 0: never
	MusicOnHold     string

	JoinEmpty  EmptyRule // refuse new callers when the queue is empty by this rule
	LeaveEmpty EmptyRule // send waiting callers away when the queue becomes empty by this rule

	// Tier escalation: members of tier 2 (senior) are offered a call once it has waited
	// Tier2Seconds in the queue, tier 3 (expert seats) after Tier3Seconds. 0 means at once.
	Tier2Seconds, Tier3Seconds int
}

// Name returns the queue's name in lang.
func (q Queue) Name(lang string) string {
	if lang == "en" {
		return q.NameEN
	}
	return q.NameZH
}

// Exit returns the queue's exit action, voicemail when unset.
func (q Queue) Exit() ExitAction {
	if q.MaxWaitAction == "" {
		return ExitVoicemail
	}
	return q.MaxWaitAction
}

// Validate checks the settings.
func (q Queue) Validate() error {
	switch {
	case q.Code == "" || len(q.Code) > 32:
		return errs.Field("code", "Queue code must have 1 to 32 characters.").WithKey("queue_code")
	case q.NameZH == "" || q.NameEN == "":
		return errs.Field("name", "Queue needs a Chinese and an English name.").WithKey("queue_name")
	case !slices.Contains(Strategies, q.Strategy):
		return errs.Field("strategy", "Unknown routing strategy.").WithKey("queue_strategy")
	case q.SLSeconds < 1 || q.WrapUpSeconds < 0 || q.MaxWaitSeconds < 0 || q.RingSeconds < 0 || q.MaxMisses < 0 ||
		q.AnnounceSeconds < 0:
		return errs.Field("sl_seconds", "Times must not be negative.").WithKey("queue_times")
	case q.MaxWaitAction != "" && !slices.Contains(ExitActions, q.MaxWaitAction):
		return errs.Field("max_wait_action", "Unknown action after the maximum wait.").WithKey("queue_max_wait_action")
	case q.MaxWaitAction == ExitOverflow && (q.OverflowQueue == "" || q.OverflowQueue == q.Code):
		return errs.Field("overflow_queue", "Overflow needs another queue.").WithKey("queue_overflow")
	case !slices.Contains(EmptyRules, q.JoinEmpty) || !slices.Contains(EmptyRules, q.LeaveEmpty):
		return errs.Field("join_empty", "Unknown rule for an empty queue.").WithKey("queue_empty_rule")
	case q.Tier2Seconds < 0 || q.Tier3Seconds < q.Tier2Seconds:
		return errs.Field("tier3_seconds", "Expert seats join no earlier than tier 2.").WithKey("queue_tiers")
	}
	return nil
}

// Member is an agent serving a queue.
type Member struct {
	Agent       int64
	Proficiency int // 1 to 5: how well the agent serves this queue (best_skill)
	Tier        int // 1 first line, 2 senior, 3 expert seat (see Queue.Tier2Seconds)
	Order       int // position for top_down and round_robin, lowest first
}

// Validate checks a member.
func (m Member) Validate() error {
	switch {
	case m.Agent <= 0:
		return errs.Field("agent", "Member needs an agent.").WithKey("member_agent")
	case m.Proficiency < 1 || m.Proficiency > 5:
		return errs.Field("proficiency", "Proficiency must be 1 to 5.").WithKey("proficiency")
	case m.Tier < 1 || m.Tier > 3:
		return errs.Field("tier", "Tier must be 1 to 3.").WithKey("member_tier")
	case m.Order < 0:
		return errs.Field("order", "Order must not be negative.").WithKey("member_order")
	}
	return nil
}

// tierSeconds returns how long a call waits before members of tier t are offered it.
func (q *Queue) tierSeconds(t int) int {
	switch t {
	case 2:
		return q.Tier2Seconds
	case 3:
		return q.Tier3Seconds
	}
	return 0
}
