package acd

import (
	"fmt"
	"slices"
)

// State is an agent's state in the ACD.
type State uint8

const (
	LoggedOut State = iota // not taking calls
	Available              // idle, may be offered a call
	Ringing                // a call is being offered
	OnCall                 // talking
	WrapUp                 // after-call work; the queue's wrap-up time, or until the agent is done
	Break                  // not ready, with a reason code ("lunch", "training", ReasonNoAnswer...)
	numStates
)

// States lists every state.
var States = []State{LoggedOut, Available, Ringing, OnCall, WrapUp, Break}

var stateNames = [numStates]string{"logged_out", "available", "ringing", "on_call", "wrap_up", "break"}

// String returns the state's stable name, as used in events and catalogs ("state.<name>").
func (s State) String() string {
	if s < numStates {
		return stateNames[s]
	}
	return fmt.Sprintf("state(%d)", uint8(s))
}

// MarshalText writes the state's name.
func (s State) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ReasonNoAnswer is the break reason of an agent paused after Queue.MaxMisses unanswered offers.
const ReasonNoAnswer = "no_answer"

// transitions lists the legal moves of an agent. A break asked for during a call is not a
// transition: it is remembered and taken when the call's work is done.
var transitions = [numStates][]State{
	LoggedOut: {Available},
	Available: {Ringing, Break, LoggedOut},
	Ringing:   {OnCall, Available, Break, LoggedOut},
	OnCall:    {WrapUp, Available, Break},
	WrapUp:    {Available, Break, LoggedOut},
	Break:     {Available, Break, LoggedOut},
}

// CanMove reports whether an agent may move from one state to another.
func CanMove(from, to State) bool {
	return from < numStates && slices.Contains(transitions[from], to)
}
