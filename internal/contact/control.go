package contact

import (
	"context"

	"github.com/hotlinecc/hotline/internal/errs"
)

// The agent console's call control and the supervisor's monitoring (issue 5). The console
// (internal/web) calls these; each names the agent (or supervisor) acting, and acts on
// that agent's current call.
//
// CONTRACT IN PROGRESS: these signatures are agreed between the console and the
// switchboard; an operation that is not implemented yet answers errNotYet.

var errNotYet = errs.E(errs.NotAllowed, "This call control is not available yet.").WithKey("call_control_unavailable")

// TargetKind is where a transfer or consultation goes.
type TargetKind string

const (
	ToAgent    TargetKind = "agent"    // Value: the agent's user id
	ToQueue    TargetKind = "queue"    // Value: the queue code
	ToExternal TargetKind = "external" // Value: a phone number, dialled through the default trunk
)

// Target is where a transfer or consultation goes.
type Target struct {
	Kind  TargetKind
	Value string
}

// MonitorMode is how a supervisor joins a live call.
type MonitorMode string

const (
	Listen  MonitorMode = "listen"  // hears both, heard by none
	Whisper MonitorMode = "whisper" // hears both, heard by the agent only
	Barge   MonitorMode = "barge"   // a full third party
)

// WrapUp is what an agent records after a call.
type WrapUp struct {
	Disposition string // one of the queue's disposition codes
	Resolved    bool   // resolved on first contact
	Note        string
	FollowUpAt  string // RFC 3339 or "": creates a to-do for the agent
}

// Hold puts the agent's caller on hold (music) or takes them off it.
func (s *Switchboard) Hold(ctx context.Context, agent int64, on bool) error { return errNotYet }

// Mute stops or resumes the agent's audio to the caller.
func (s *Switchboard) Mute(ctx context.Context, agent int64, on bool) error { return errNotYet }

// Transfer hands the agent's caller to t without consulting (blind).
func (s *Switchboard) Transfer(ctx context.Context, agent int64, t Target) error { return errNotYet }

// Consult puts the caller on hold and calls t (an expert seat, a queue, a number).
func (s *Switchboard) Consult(ctx context.Context, agent int64, t Target) error { return errNotYet }

// CompleteTransfer hands the caller to the consulted party and drops the agent.
func (s *Switchboard) CompleteTransfer(ctx context.Context, agent int64) error { return errNotYet }

// Conference joins caller, agent and consulted party (three-way).
func (s *Switchboard) Conference(ctx context.Context, agent int64) error { return errNotYet }

// CancelConsult hangs up the consulted party and takes the caller off hold.
func (s *Switchboard) CancelConsult(ctx context.Context, agent int64) error { return errNotYet }

// SendDTMF sends digits on the agent's call (e.g. to an outside IVR).
func (s *Switchboard) SendDTMF(ctx context.Context, agent int64, digits string) error {
	return errNotYet
}

// Dial calls number for the agent: the agent's phone rings first, then the number is
// dialled through the trunk (click-to-dial). It returns the new call's record id.
func (s *Switchboard) Dial(ctx context.Context, agent int64, number string, customerID int64) (int64, error) {
	return 0, errNotYet
}

// EndWrapUp records the agent's wrap-up and makes the agent available again.
func (s *Switchboard) EndWrapUp(ctx context.Context, agent int64, w WrapUp) error {
	return errNotYet
}

// Monitor calls the supervisor's phone and joins it to the call in mode.
func (s *Switchboard) Monitor(ctx context.Context, supervisor, callID int64, mode MonitorMode) error {
	return errNotYet
}
