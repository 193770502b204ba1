// Package acd decides which agent takes which call: queues, skills, tiers, agent states
// and routing strategies. It is pure logic with no I/O; acdstore persists its settings.
package acd

import (
	"slices"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Strategy is how a queue picks among available agents.
type Strategy string

const (
	LongestIdle   Strategy = "longest_idle"
	RoundRobin    Strategy = "round_robin"
	FewestCalls   Strategy = "fewest_calls"
	LeastTalkTime Strategy = "least_talk_time"
	RingAll       Strategy = "ring_all"
	TopDown       Strategy = "top_down"
	BestSkill     Strategy = "best_skill"
)

// Strategies lists every strategy.
var Strategies = []Strategy{LongestIdle, RoundRobin, FewestCalls, LeastTalkTime, RingAll, TopDown, BestSkill}

// Queue is a queue's settings.
type Queue struct {
	ID             int64
	Code           string // short stable name used by IVR flows and the API
	NameZH, NameEN string
	Strategy       Strategy
	Priority       int // higher is served first when an agent serves several queues
	SLSeconds      int // service level threshold: answered within this many seconds
	WrapUpSeconds  int
	MaxWaitSeconds int
}

// Name returns the queue's name in lang.
func (q Queue) Name(lang string) string {
	if lang == "en" {
		return q.NameEN
	}
	return q.NameZH
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
	case q.SLSeconds < 1 || q.WrapUpSeconds < 0 || q.MaxWaitSeconds < 0:
		return errs.Field("sl_seconds", "Times must not be negative.").WithKey("queue_times")
	}
	return nil
}
