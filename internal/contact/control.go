package contact

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/voice"
)

// The agent console's call control and the supervisor's monitoring (issue 5). The console
// (internal/web) calls these; each names the agent (or supervisor) acting, and acts on
// that agent's current call.
//
// Each operation runs on the call's session (session.go) and appends an event for the
// console: call.held, call.unheld, call.muted, call.unmuted, call.transferred,
// call.consulting, call.consult_answered, call.consult_failed, call.consult_ended,
// call.consult_cancelled, call.conferenced, call.dtmf_sent, call.monitored.

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

// Validate checks a target.
func (t Target) Validate() error {
	switch t.Kind {
	case ToAgent:
		if id, err := strconv.ParseInt(t.Value, 10, 64); err != nil || id <= 0 {
			return errs.Field("target", "Choose an agent.").WithKey("transfer_agent")
		}
	case ToQueue:
		if t.Value == "" || isPersonal(t.Value) {
			return errs.Field("target", "Choose a queue.").WithKey("transfer_queue")
		}
	case ToExternal:
		if !validNumber(t.Value) {
			return errs.Field("target", "Enter a phone number (digits, at most 32).").WithKey("transfer_number")
		}
	default:
		return errs.Field("target", "Transfer to an agent, a queue or a number.").WithKey("transfer_kind")
	}
	return nil
}

func validNumber(n string) bool {
	if n == "" || len(n) > 32 {
		return false
	}
	for i, r := range n {
		if (r < '0' || r > '9') && !(r == '+' && i == 0) {
			return false
		}
	}
	return true
}

func (t Target) agent() int64 { id, _ := strconv.ParseInt(t.Value, 10, 64); return id }

func (t Target) String() string { return string(t.Kind) + " " + t.Value }

// Hold puts the agent's caller on hold (music) or takes them off it.
func (s *Switchboard) Hold(ctx context.Context, agent int64, on bool) error {
	return s.control(ctx, agent, func(ses *session) error {
		if ses.consulting {
			return errs.E(errs.Conflict, "The caller is on hold for your consultation.").WithKey("call_consulting")
		}
		if ses.held == on {
			return nil
		}
		ses.held = on
		ses.setHold(on)
		ses.apply()
		ses.event(map[bool]string{true: "call.held", false: "call.unheld"}[on], agent, nil, nil)
		return nil
	})
}

// Mute stops or resumes the agent's audio to the caller.
func (s *Switchboard) Mute(ctx context.Context, agent int64, on bool) error {
	return s.control(ctx, agent, func(ses *session) error {
		if ses.muted == on {
			return nil
		}
		ses.muted = on
		ses.apply()
		ses.event(map[bool]string{true: "call.muted", false: "call.unmuted"}[on], agent, nil, nil)
		return nil
	})
}

// checkTarget refuses a transfer or consultation that cannot work: an agent who is not
// logged in (or the agent themself), a queue the ACD does not know.
func (s *Switchboard) checkTarget(ctx context.Context, agent int64, t Target) error {
	if err := t.Validate(); err != nil {
		return err
	}
	switch t.Kind {
	case ToAgent:
		if t.agent() == agent {
			return errs.Field("target", "Choose another agent.").WithKey("transfer_self")
		}
		st, err := s.Agent(ctx, t.agent())
		if err != nil || st.State == acd.LoggedOut {
			return errs.E(errs.Conflict, "That agent is not logged in.").WithKey("transfer_agent_away")
		}
	case ToQueue:
		if _, ok := s.queueOf(t.Value); !ok {
			return errs.Field("target", "No such queue.").WithKey("transfer_queue")
		}
	}
	return nil
}

// Transfer hands the agent's caller to t without consulting (blind): the agent's part
// ends (wrap-up) at once. An agent or a queue takes the caller through the ACD, at the
// front of the queue; a number is dialled and bridged.
func (s *Switchboard) Transfer(ctx context.Context, agent int64, t Target) error {
	if err := s.checkTarget(ctx, agent, t); err != nil {
		return err
	}
	return s.control(ctx, agent, func(ses *session) error {
		if ses.consulting {
			return errs.E(errs.Conflict, "Finish or cancel your consultation first.").WithKey("call_consulting")
		}
		call := ses.lc.call
		old := ses.agent
		ses.agent, ses.held, ses.muted = nil, true, false
		ses.drop(old)
		ses.lc.set(func(st *LiveCall) { st.State, st.AgentID = "waiting", 0 })
		ses.event("call.transferred", agent, &QueueEvent{Kind: QueueTransferred, Queue: call.Queue, AgentID: agent, Detail: t.String()},
			map[string]any{"agent_id": agent, "to_kind": string(t.Kind), "to": t.Value})
		if t.Kind == ToExternal {
			ses.blind = true
			ses.setHold(true)
			ses.apply()
			ses.dialOut(t)
			return nil
		}
		return ses.requeue(t)
	})
}

// requeue hands a blind-transferred caller to the ACD: the agent's own queue, or a queue.
func (ses *session) requeue(t Target) error {
	s, lc, call := ses.s, ses.lc, ses.lc.call
	from, _ := s.queueOf(call.Queue)
	code := t.Value
	var pq *acd.Queue
	var members []acd.Member
	if t.Kind == ToAgent {
		q, m := s.personalQueue("transfer", t.agent(), from)
		pq, members, code = &q, m, q.Code
	} else {
		call.Queue = code
	}
	ses.apply()
	lc.hold = startHold(lc.c.Context(), lc.c)
	now := s.now()
	call.QueuedAt = now
	err := s.do(ses.ctx, func(now time.Time) ([]acd.Action, error) {
		var acts []acd.Action
		if pq != nil {
			a, err := s.router.SetQueue(now, *pq, members)
			if err != nil {
				return nil, err
			}
			acts = a
		}
		more, err := s.router.CallArrived(now, acd.Call{ID: lc.c.ID(), Queue: code, Priority: transferPriority, VIP: call.VIPLevel, EnteredAt: now})
		return append(acts, more...), err
	})
	if err != nil {
		lc.hold.stop()
		return err
	}
	ses.waiting = true
	return nil
}

// transferPriority puts a transferred caller ahead of the callers who wait in the queue.
const transferPriority = 100

// Consult puts the caller on hold and calls t (an expert seat, a queue, a number). The
// consultation's progress arrives as events: call.consult_answered or call.consult_failed.
func (s *Switchboard) Consult(ctx context.Context, agent int64, t Target) error {
	if err := s.checkTarget(ctx, agent, t); err != nil {
		return err
	}
	return s.control(ctx, agent, func(ses *session) error {
		if ses.consulting {
			return errs.E(errs.Conflict, "You are already consulting.").WithKey("call_consulting")
		}
		ses.held = true
		ses.setHold(true)
		ses.apply()
		ses.event("call.consulting", agent, nil, map[string]any{"to_kind": string(t.Kind), "to": t.Value})
		if t.Kind == ToExternal {
			ses.dialOut(t)
			return nil
		}
		return ses.consultACDTarget(t)
	})
}

// consultACDTarget rings an agent (through their own queue) or a queue's agents for a
// consultation, under an ACD call id of its own.
func (ses *session) consultACDTarget(t Target) error {
	s, lc := ses.s, ses.lc
	from, _ := s.queueOf(lc.call.Queue)
	code := t.Value
	var pq *acd.Queue
	var members []acd.Member
	if t.Kind == ToAgent {
		q, m := s.personalQueue("consult", t.agent(), from)
		pq, members, code = &q, m, q.Code
	}
	ses.nconsult++
	id := fmt.Sprintf("%s/consult%d", lc.c.ID(), ses.nconsult)
	err := s.do(ses.ctx, func(now time.Time) ([]acd.Action, error) {
		var acts []acd.Action
		if pq != nil {
			a, err := s.router.SetQueue(now, *pq, members)
			if err != nil {
				return nil, err
			}
			acts = a
		}
		s.consults[id] = lc
		more, err := s.router.CallArrived(now, acd.Call{ID: id, Queue: code, Priority: transferPriority, EnteredAt: now})
		if err != nil {
			delete(s.consults, id)
		}
		return append(acts, more...), err
	})
	if err != nil {
		ses.held = false
		ses.setHold(false)
		ses.apply()
		return err
	}
	ses.consulting, ses.consultACD = true, id
	return nil
}

// dialOut rings an outside number for a consultation (or a blind transfer) in its own
// goroutine; the answer or the failure comes back to the session.
func (ses *session) dialOut(t Target) {
	s, lc := ses.s, ses.lc
	ctx, cancel := context.WithCancel(lc.c.Context())
	ses.consulting, ses.consultCancel = true, cancel
	from := lc.call.Dialed
	if lc.call.Direction == string(voice.Outbound) {
		from = ""
	}
	go func() {
		leg, err := s.Engine.Originate(ctx, voice.Dial{To: t.Value, From: from, Timeout: 30 * time.Second})
		if err != nil {
			cause := string(voice.CauseFailed)
			var de *voice.DialError
			if errors.As(err, &de) {
				cause = string(de.Cause)
			}
			select {
			case lc.consultGone <- cause:
			case <-lc.over:
			}
			return
		}
		select {
		case lc.consultAnswered <- answer{leg: leg, at: s.now()}:
		case <-lc.over:
			_ = leg.Hangup(voice.CauseNormal)
		}
	}()
}

// consultAnswered joins the consulted party: the agent talks to them while the caller
// hears music; a blind transfer to a number connects the caller at once.
func (ses *session) consultAnswered(a answer) {
	p := &party{leg: a.leg, agent: a.agent, at: a.at}
	if a.agent != 0 {
		p.acdID = ses.consultACD
	}
	if !ses.consulting {
		ses.drop(p) // cancelled while it rang
		return
	}
	if err := ses.room.Join(a.leg, voice.Role{Kind: voice.Listen}); err != nil {
		ses.s.Log.Error("consult join", "call", ses.lc.call.ID, "err", err)
		ses.drop(p)
		ses.consultFailed(string(voice.CauseFailed))
		return
	}
	ses.consult, ses.consultACD, ses.consultCancel = p, "", nil
	if ses.blind {
		ses.blind, ses.consulting, ses.held = false, false, false
		ses.agent, ses.consult = p, nil
		ses.setHold(false)
		ses.apply()
		ses.lc.set(func(st *LiveCall) { st.State = "talking" })
		ses.event("call.consult_answered", ses.lc.call.AgentID, nil, map[string]any{"to_agent": a.agent, "blind": true})
		return
	}
	ses.apply()
	ses.event("call.consult_answered", ses.agentID(), nil, map[string]any{"to_agent": a.agent})
}

// consultFailed takes the caller off hold after a consultation nobody answered (a blind
// transfer to a number that failed ends the call).
func (ses *session) consultFailed(why string) {
	if !ses.consulting {
		return
	}
	ses.consulting, ses.consultACD, ses.consultCancel, ses.blind = false, "", nil, false
	if ses.agent != nil {
		ses.held = false
		ses.setHold(false)
		ses.apply()
	}
	ses.event("call.consult_failed", ses.agentID(), nil, map[string]any{"reason": why})
}

// consultEnded handles the consulted party hanging up: the agent has the caller back.
func (ses *session) consultEnded(kind string) {
	ses.drop(ses.consult)
	ses.consult, ses.consulting, ses.conference, ses.held = nil, false, false, false
	ses.setHold(false)
	ses.apply()
	ses.event("call.consult_ended", ses.agentID(), nil, map[string]any{"reason": kind})
}

// complete hands the caller to the consulted party; the agent leaves for wrap-up.
func (ses *session) complete(actor int64, why string) {
	old, p, call := ses.agent, ses.consult, ses.lc.call
	ses.agent, ses.consult = p, nil
	ses.consulting, ses.conference, ses.held, ses.muted = false, false, false, false
	ses.setHold(false)
	ses.drop(old)
	if p.agent != 0 {
		call.AgentID = p.agent
	}
	ses.lc.set(func(st *LiveCall) { st.AgentID = p.agent })
	ses.apply()
	ses.event("call.transferred", actor, &QueueEvent{Kind: QueueTransferred, Queue: call.Queue, AgentID: actor, Detail: why},
		map[string]any{"agent_id": p.agent, "from_agent": old.agent, "attended": true})
}

var errNoConsult = errs.E(errs.Conflict, "Nobody has answered your consultation.").WithKey("no_consult")

// CompleteTransfer hands the caller to the consulted party and drops the agent.
func (s *Switchboard) CompleteTransfer(ctx context.Context, agent int64) error {
	return s.control(ctx, agent, func(ses *session) error {
		if ses.consult == nil {
			return errNoConsult
		}
		ses.complete(agent, "complete")
		return nil
	})
}

// Conference joins caller, agent and consulted party (three-way).
func (s *Switchboard) Conference(ctx context.Context, agent int64) error {
	return s.control(ctx, agent, func(ses *session) error {
		if ses.consult == nil {
			return errNoConsult
		}
		ses.conference, ses.held = true, false
		ses.setHold(false)
		ses.apply()
		ses.event("call.conferenced", agent, nil, map[string]any{"with_agent": ses.consult.agent})
		return nil
	})
}

// CancelConsult hangs up the consulted party and takes the caller off hold.
func (s *Switchboard) CancelConsult(ctx context.Context, agent int64) error {
	return s.control(ctx, agent, func(ses *session) error {
		if !ses.consulting {
			return errs.E(errs.Conflict, "You are not consulting.").WithKey("no_consult")
		}
		if ses.consult != nil {
			ses.consultEnded("cancelled")
			return nil
		}
		if ses.consultCancel != nil {
			ses.consultCancel()
		}
		if id := ses.consultACD; id != "" {
			_ = s.do(ses.ctx, func(now time.Time) ([]acd.Action, error) {
				delete(s.consults, id)
				return s.router.Abandoned(now, id)
			})
		}
		ses.consulting, ses.consultACD, ses.consultCancel = false, "", nil
		ses.held = false
		ses.setHold(false)
		ses.apply()
		ses.event("call.consult_cancelled", agent, nil, nil)
		return nil
	})
}

// digitSender is a call leg that can send DTMF (sip.Call sends RFC 4733 events).
type digitSender interface {
	SendDigit(d byte) error
}

// SendDTMF sends digits on the agent's call (e.g. to an outside IVR): to the consulted
// party while consulting, else to the caller's side.
func (s *Switchboard) SendDTMF(ctx context.Context, agent int64, digits string) error {
	if digits == "" || len(digits) > 32 || strings.Trim(digits, "0123456789*#ABCD") != "" {
		return errs.Field("digits", "Digits are 0-9, *, # and A-D, at most 32.").WithKey("dtmf_digits")
	}
	return s.control(ctx, agent, func(ses *session) error {
		leg := ses.lc.c
		if ses.consult != nil && !ses.conference {
			leg = ses.consult.leg
		}
		ds, ok := leg.(digitSender)
		if !ok {
			return errs.E(errs.NotAllowed, "This call cannot send tones.").WithKey("dtmf_unsupported")
		}
		for i := 0; i < len(digits); i++ {
			if err := ds.SendDigit(digits[i]); err != nil {
				return fmt.Errorf("contact: send dtmf: %w", err)
			}
		}
		ses.event("call.dtmf_sent", agent, nil, map[string]any{"count": len(digits)})
		return nil
	})
}

// Monitor calls the supervisor's phone and joins it to the call in mode; a supervisor
// already on the call changes mode. Listen is not recorded; whisper and barge are
// recorded on the right channel with the agent (the room's recording records every
// member who speaks; the caller stays alone on the left).
func (s *Switchboard) Monitor(ctx context.Context, supervisor, callID int64, mode MonitorMode) error {
	if mode != Listen && mode != Whisper && mode != Barge {
		return errs.Field("mode", "Listen, whisper or barge.").WithKey("monitor_mode")
	}
	var lc *liveCall
	_ = s.do(ctx, func(time.Time) ([]acd.Action, error) {
		for _, l := range s.live {
			if l.call.ID == callID && l.snapshot().State == "talking" {
				lc = l
			}
		}
		return nil, nil
	})
	if lc == nil {
		return errs.E(errs.NotFound, "That call is not going on.").WithKey("call_not_live")
	}
	already := false
	err := lc.run(ctx, func(ses *session) error {
		for i, m := range ses.monitors {
			if m.supervisor == supervisor && m.leg.Context().Err() == nil {
				ses.monitors[i].mode, already = mode, true
				ses.apply()
				ses.event("call.monitored", supervisor, nil, map[string]any{"mode": string(mode), "supervisor_id": supervisor})
			}
		}
		return nil
	})
	if err != nil || already {
		return err
	}
	ext, err := s.extension(ctx, supervisor)
	if err != nil {
		return err
	}
	if ext == "" {
		return errs.E(errs.Invalid, "You have no phone to listen on.").WithKey("monitor_no_phone")
	}
	leg, err := s.Engine.Originate(ctx, voice.Dial{To: ext, From: lc.call.From, FromName: "monitor", AutoAnswer: true, Timeout: 30 * time.Second,
		Headers: map[string]string{"X-Hotline-Call": strconv.FormatInt(callID, 10), "X-Hotline-Monitor": string(mode)}})
	if err != nil {
		return fmt.Errorf("contact: ring supervisor %d: %w", supervisor, err)
	}
	err = lc.run(ctx, func(ses *session) error {
		if err := ses.room.Join(leg, ses.monitorRole(mode)); err != nil {
			return err
		}
		ses.monitors = append(ses.monitors, monitor{leg: leg, supervisor: supervisor, mode: mode})
		ses.event("call.monitored", supervisor, nil, map[string]any{"mode": string(mode), "supervisor_id": supervisor})
		return nil
	})
	if err != nil {
		_ = leg.Hangup(voice.CauseNormal)
	}
	return err
}
