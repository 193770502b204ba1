package contact

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/voice"
)

// Click-to-dial: the agent's phone rings first; when the agent answers, the number is
// dialled (through the trunk the engine chooses for outside numbers) and bridged in a
// recorded room like an inbound call (the customer left, the agent right). During the
// call the agent is paused in the ACD (reason "outbound", logged as on_call) and gets
// back their state (available, or the break they were on) afterwards. The call record
// has direction outbound, From the agent's extension and Dialed the number.

// ringAgentFor is how long the agent's phone rings for a click-to-dial call, and
// ringNumberFor how long the number rings.
const (
	ringAgentFor  = 30 * time.Second
	ringNumberFor = 60 * time.Second
)

// Dial calls number for the agent: the agent's phone rings first, then the number is
// dialled through the trunk (click-to-dial). It returns the new call's record id; the
// call's progress arrives as events (call.started, call.answered, call.ended).
func (s *Switchboard) Dial(ctx context.Context, agent int64, number string, customerID int64) (int64, error) {
	if !validNumber(number) {
		return 0, errs.Field("number", "Enter a phone number (digits, at most 32).").WithKey("dial_number")
	}
	ext, err := s.extension(ctx, agent)
	if err != nil {
		return 0, err
	}
	if ext == "" {
		return 0, errs.E(errs.Invalid, "You have no phone to call from.").WithKey("dial_no_phone")
	}
	errBusy := errs.E(errs.Conflict, "Log in and be available (or on a break) to dial.").WithKey("dial_busy")
	if st, err := s.Agent(ctx, agent); err != nil || (st.State != acd.Available && st.State != acd.Break) || st.Reason == reasonOutbound {
		return 0, errBusy
	}
	now := s.now()
	call := &Call{UID: fmt.Sprintf("dial-%d-%d", agent, now.UnixNano()), Direction: string(voice.Outbound), From: ext, Dialed: number,
		StartedAt: now, CustomerID: customerID, AgentID: agent}
	call.Caller, _ = crm.NormalizePhone(number)
	wctx := context.WithoutCancel(ctx)
	if err := s.Store.Begin(wctx, call); err != nil {
		return 0, err
	}
	var prev acd.AgentStatus
	err = s.do(ctx, func(now time.Time) ([]acd.Action, error) {
		st, ok := s.router.Agent(agent)
		if !ok || (st.State != acd.Available && st.State != acd.Break) || st.Reason == reasonOutbound {
			return nil, errBusy
		}
		prev = st
		s.work[agent] = agentWork{callID: call.ID}
		acts, err := s.router.Break(now, agent, reasonOutbound)
		if err == nil {
			s.phones[agent] = ext
		}
		return acts, err
	})
	if err != nil {
		s.end(wctx, call, StatusCompleted, EndedBySystem, "agent_busy", nil, nil)
		return 0, err
	}
	restore := func() {
		_ = s.do(context.Background(), func(now time.Time) ([]acd.Action, error) {
			st, ok := s.router.Agent(agent)
			if !ok || st.State != acd.Break || st.Reason != reasonOutbound {
				return nil, nil // a supervisor or the agent changed it meanwhile
			}
			if prev.State == acd.Break {
				return s.router.Break(now, agent, prev.Reason)
			}
			return s.router.SetAvailable(now, agent)
		})
	}
	if err := s.Store.Save(wctx, call, Change{At: now, Events: []string{"call.started"}, Actor: agent,
		Data: map[string]any{"direction": call.Direction, "agent_id": agent}}); err != nil {
		s.Log.Error("call started", "call", call.ID, "err", err)
	}
	s.dials.Add(1)
	go func() {
		defer s.dials.Done()
		s.dialing(wctx, call, agent, ext, restore)
	}()
	return call.ID, nil
}

// dialing rings the agent, then the number, and runs the call.
func (s *Switchboard) dialing(ctx context.Context, call *Call, agent int64, ext string, restore func()) {
	var name string
	if call.CustomerID != 0 {
		if who, err := s.Customers.LookupCaller(ctx, call.Dialed); err == nil && who.CustomerID == call.CustomerID {
			name = who.Name
		}
	}
	h := map[string]string{"X-Hotline-Call": strconv.FormatInt(call.ID, 10), "X-Hotline-Dial": "1"}
	if call.CustomerID != 0 {
		h["X-Hotline-Customer"] = strconv.FormatInt(call.CustomerID, 10)
	}
	leg, err := s.Engine.Originate(ctx, voice.Dial{To: ext, From: call.Dialed, FromName: name, Timeout: ringAgentFor, Headers: h})
	if err != nil {
		restore()
		s.end(ctx, call, StatusCompleted, EndedByAgent, "agent_"+string(causeOf(err)), nil, nil)
		return
	}
	far, err := s.Engine.Originate(leg.Context(), voice.Dial{To: call.Dialed, Timeout: ringNumberFor})
	if err != nil {
		by := EndedBySystem
		if leg.Context().Err() != nil {
			by = EndedByAgent
		}
		_ = leg.Hangup(voice.CauseNormal)
		restore()
		s.end(ctx, call, StatusCompleted, by, string(causeOf(err)), nil, nil)
		return
	}
	lc := newLiveCall(call, far)
	lc.name, lc.outbound = name, restore
	lc.state.CustomerID, lc.state.CustomerName = call.CustomerID, name
	if err := s.do(ctx, func(time.Time) ([]acd.Action, error) { s.live[far.ID()] = lc; return nil, nil }); err != nil {
		_ = far.Hangup(voice.CauseNormal)
		_ = leg.Hangup(voice.CauseNormal)
		return
	}
	defer func() {
		_ = s.do(ctx, func(time.Time) ([]acd.Action, error) { delete(s.live, far.ID()); return nil, nil })
	}()
	s.connect(ctx, lc, answer{leg: leg, agent: agent, at: s.now()}, "")
}

// causeOf is the cause of a failed Originate.
func causeOf(err error) voice.Cause {
	var de *voice.DialError
	if errors.As(err, &de) {
		return de.Cause
	}
	if errors.Is(err, context.Canceled) {
		return voice.CauseCancelled
	}
	return voice.CauseFailed
}
