package sla

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Trigger is the clock state a rule reacts to.
type Trigger string

const (
	OnWarning  Trigger = "warning"
	OnBreached Trigger = "breached"
)

// Triggers lists every trigger.
var Triggers = []Trigger{OnWarning, OnBreached}

// Priorities are the ticket priorities, lowest first; raising goes up this list.
var Priorities = []string{"low", "normal", "high", "urgent"}

// ActionKind is what an escalation does.
type ActionKind string

const (
	Notify        ActionKind = "notify"         // tell users and/or a group
	Reassign      ActionKind = "reassign"       // give the ticket to a user or a group
	RaisePriority ActionKind = "raise_priority" // to Priority, or one step up when empty
)

// ActionKinds lists every action kind.
var ActionKinds = []ActionKind{Notify, Reassign, RaisePriority}

// Action is one thing a rule does. A group is a queue (by id).
type Action struct {
	Kind     ActionKind `json:"kind"`
	UserIDs  []int64    `json:"user_ids,omitempty"`
	GroupID  int64      `json:"group_id,omitempty"`
	Priority string     `json:"priority,omitempty"`
	// RuleID names the rule that fired, in the result of Evaluate.
	RuleID int64 `json:"-"`
}

// Rule is an escalation rule: when a ticket matching its conditions reaches a state, do
// its actions, once per ticket.
type Rule struct {
	ID      int64
	Name    string
	Enabled bool
	// Conditions; an empty ticket type or priority matches any.
	TicketType string
	Priority   string
	Clock      Clock
	On         Trigger
	// AfterMinutes delays a breach rule: it fires this many minutes after the breach.
	AfterMinutes int
	Actions      []Action
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Validate checks a rule's shape (whether its users and groups exist is the store's
// business). Field names: name, ticket_type, priority, clock, on, after_minutes, actions.
func (r *Rule) Validate() error {
	r.Name, r.TicketType = strings.TrimSpace(r.Name), strings.TrimSpace(r.TicketType)
	switch {
	case r.Name == "" || utf8.RuneCountInString(r.Name) > 100:
		return errs.Field("name", "The rule's name must have 1 to 100 characters.").WithKey("sla_rule_name")
	case len(r.TicketType) > 32:
		return errs.Field("ticket_type", "A ticket type code has at most 32 characters.").WithKey("sla_ticket_type")
	case r.Priority != "" && !slices.Contains(Priorities, r.Priority):
		return errs.Field("priority", fmt.Sprintf("Unknown priority %q.", r.Priority)).WithKey("sla_priority")
	case !slices.Contains(Clocks, r.Clock):
		return errs.Field("clock", "Choose the first-response or the resolution clock.").WithKey("sla_clock")
	case !slices.Contains(Triggers, r.On):
		return errs.Field("on", "Choose warning or breached.").WithKey("sla_trigger")
	case r.AfterMinutes < 0 || r.AfterMinutes > 7*24*60:
		return errs.Field("after_minutes", "Minutes after the breach must be 0 to 10080 (a week).").WithKey("sla_after_minutes")
	case r.AfterMinutes > 0 && r.On != OnBreached:
		return errs.Field("after_minutes", "Only a breach rule can wait minutes after the breach.").WithKey("sla_after_warning")
	case len(r.Actions) == 0:
		return errs.Field("actions", "A rule needs at least one action.").WithKey("sla_no_action")
	case len(r.Actions) > 10:
		return errs.Field("actions", "A rule has at most 10 actions.").WithKey("sla_many_actions")
	}
	for i := range r.Actions {
		if err := r.Actions[i].validate(); err != nil {
			return err
		}
	}
	return nil
}

func (a *Action) validate() error {
	for _, id := range a.UserIDs {
		if id <= 0 {
			return errs.Field("actions", "User ids must be positive.").WithKey("sla_action_target")
		}
	}
	if a.GroupID < 0 || len(a.UserIDs) > 50 {
		return errs.Field("actions", "Group ids must be positive, and at most 50 users.").WithKey("sla_action_target")
	}
	switch a.Kind {
	case Notify:
		if len(a.UserIDs) == 0 && a.GroupID == 0 {
			return errs.Field("actions", "Notify whom? Choose users or a group.").WithKey("sla_notify_whom")
		}
		if a.Priority != "" {
			return errs.Field("actions", "Only raise_priority takes a priority.").WithKey("sla_action_target")
		}
	case Reassign:
		if len(a.UserIDs)+btoi(a.GroupID != 0) != 1 {
			return errs.Field("actions", "Reassign to exactly one user or one group.").WithKey("sla_reassign_whom")
		}
		if a.Priority != "" {
			return errs.Field("actions", "Only raise_priority takes a priority.").WithKey("sla_action_target")
		}
	case RaisePriority:
		if len(a.UserIDs) > 0 || a.GroupID != 0 {
			return errs.Field("actions", "Raising the priority names no users or groups.").WithKey("sla_action_target")
		}
		if a.Priority != "" && !slices.Contains(Priorities, a.Priority) {
			return errs.Field("actions", fmt.Sprintf("Unknown priority %q.", a.Priority)).WithKey("sla_priority")
		}
	default:
		return errs.Field("actions", fmt.Sprintf("Unknown action %q.", a.Kind)).WithKey("sla_action_kind")
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Ticket is what Evaluate needs to know of a ticket: its type, priority and SLA state.
type Ticket struct {
	ID       int64
	Type     string // ticket type code
	Priority string
	State    State // its clocks at State.Now
}

// Evaluate returns the actions of every enabled rule that matches t and has not fired
// for it yet (alreadyFired holds rule ids), in rule order, each action carrying its rule's
// id so the caller can record what fired. A raise of the priority is left out when the
// ticket is already at (or above) the priority it would raise to; a rule whose actions
// are all left out still fires: fired lists every rule that fired. Rules look only at
// running clocks: a clock that has stopped (responded, resolved) escalates nothing.
func Evaluate(rules []Rule, t Ticket, alreadyFired map[int64]bool) (actions []Action, fired []int64) {
	for _, r := range rules {
		if !r.Enabled || alreadyFired[r.ID] || !r.matches(t) {
			continue
		}
		fired = append(fired, r.ID)
		for _, a := range r.Actions {
			a.RuleID = r.ID
			if a.Kind == RaisePriority {
				p, ok := raise(t.Priority, a.Priority)
				if !ok {
					continue
				}
				a.Priority = p
			}
			a.UserIDs = slices.Clone(a.UserIDs)
			actions = append(actions, a)
		}
	}
	return actions, fired
}

// matches reports whether r's conditions hold for t now.
func (r Rule) matches(t Ticket) bool {
	if (r.TicketType != "" && r.TicketType != t.Type) || (r.Priority != "" && r.Priority != t.Priority) {
		return false
	}
	c := t.State.Of(r.Clock)
	if c.Target <= 0 || c.Stopped {
		return false
	}
	switch r.On {
	case OnWarning:
		// A clock that breached has passed its warning too: warn rules still fire once.
		return c.Warning || c.Breached
	case OnBreached:
		if !c.Breached {
			return false
		}
		return !t.State.Now.Before(c.BreachedAt.Add(time.Duration(r.AfterMinutes) * time.Minute))
	}
	return false
}

// raise returns the priority a raise leads to from cur: to, or one step up when to is
// empty; ok is false when that is no raise.
func raise(cur, to string) (string, bool) {
	i := slices.Index(Priorities, cur)
	if to == "" {
		if i < 0 || i == len(Priorities)-1 {
			return "", false
		}
		return Priorities[i+1], true
	}
	if slices.Index(Priorities, to) <= i {
		return "", false
	}
	return to, true
}
