package contact

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/voice"
)

// A connected call is a session: one room that mixes the caller, the agent's phone, a
// consulted party and supervisors by their roles, recorded in stereo from the first
// answer to the end (the caller left, every other speaker right). The call's own
// goroutine runs the session and owns its state; the console's call control reaches it
// through liveCall.ctl and runs there, one request at a time.
//
// The roles follow from the session's state (see apply):
//
//	caller:   full; listen (heard by nobody) while held, consulting or waiting for a transfer
//	agent:    full; listen while held or muted; whisper to the consulted party while consulting
//	consult:  whisper to the agent; full in a conference
//	monitor:  listen, whisper to the agent, or full (barge)
//
// A held caller hears music on hold (played into the room's mix for the caller).

// party is someone the caller talks to: an agent's phone or an outside number.
type party struct {
	leg    voice.Call
	agent  int64     // 0 for an outside number
	acdID  string    // the ACD call the agent is connected to ("" outside the ACD)
	target string    // for events: "agent 12", "queue support", a number
	at     time.Time // answered
}

// ctlReq is a call-control request run on the session's goroutine.
type ctlReq struct {
	fn    func(ses *session) error
	reply chan error
}

type monitor struct {
	leg        voice.Call
	supervisor int64
	mode       MonitorMode
}

// session is the state of a connected call, owned by the call's goroutine.
type session struct {
	s    *Switchboard
	lc   *liveCall
	ctx  context.Context // for writes; outlives the call
	room voice.Room
	rec  voice.Recording

	agent      *party // nil while a blind transfer waits in the ACD
	held       bool
	muted      bool
	conference bool
	moh        *hold // music while held

	consult       *party // the consulted party once answered
	consulting    bool   // a consultation rings or goes on
	blind         bool   // complete the "consultation" at its answer (blind external transfer)
	consultCancel context.CancelFunc
	consultACD    string // the ACD id of a consultation of an agent or queue

	waiting  bool  // blind-transferred into the ACD, waiting for an agent
	exit     *exit // the ACD sent a blind-transferred caller to voicemail or a callback
	nconsult int
	monitors []monitor

	endedBy  string
	outbound func() // restores the agent's ACD state after a click-to-dial call
}

var errNoCall = errs.E(errs.Conflict, "You have no call going on.").WithKey("no_call")

// apply sets every member's role from the session's state.
func (ses *session) apply() {
	c := ses.lc.c
	full, listen := voice.Role{Kind: voice.Full}, voice.Role{Kind: voice.Listen}
	callerRole := full
	if ses.held || ses.agent == nil || (ses.consult != nil && !ses.conference) {
		callerRole = listen
	}
	_ = ses.room.SetRole(c, callerRole)
	if a := ses.agent; a != nil {
		r := full
		switch {
		case ses.consult != nil && !ses.conference:
			r = voice.Role{Kind: voice.Whisper, To: ses.consult.leg.ID()}
		case ses.held || ses.muted:
			r = listen
		}
		_ = ses.room.SetRole(a.leg, r)
	}
	if k := ses.consult; k != nil {
		r := full
		if !ses.conference && ses.agent != nil {
			r = voice.Role{Kind: voice.Whisper, To: ses.agent.leg.ID()}
		}
		_ = ses.room.SetRole(k.leg, r)
	}
	for _, m := range ses.monitors {
		_ = ses.room.SetRole(m.leg, ses.monitorRole(m.mode))
	}
}

func (ses *session) monitorRole(mode MonitorMode) voice.Role {
	switch mode {
	case Whisper:
		if ses.agent != nil {
			return voice.Role{Kind: voice.Whisper, To: ses.agent.leg.ID()}
		}
	case Barge:
		return voice.Role{Kind: voice.Full}
	}
	return voice.Role{Kind: voice.Listen}
}

// setHold starts or stops the caller's hold music.
func (ses *session) setHold(on bool) {
	if on && ses.moh == nil {
		ses.moh = startHold(ses.lc.c.Context(), ses.lc.c)
		ses.moh.send(holdCmd{setMOH: true, moh: ses.s.Prompts.MusicOnHold(ses.s.queueSettings(ses.lc.call.Queue).MusicOnHold)})
	}
	if !on && ses.moh != nil {
		ses.moh.stop()
		ses.moh = nil
	}
}

// event writes a call event for the console (and the call's queue event, if any).
func (ses *session) event(kind string, actor int64, q *QueueEvent, data map[string]any) {
	if err := ses.s.Store.Save(ses.ctx, ses.lc.call, Change{At: ses.s.now(), Queue: q, Events: []string{kind}, Actor: actor, Data: data}); err != nil {
		ses.s.Log.Error(kind, "call", ses.lc.call.ID, "err", err)
	}
}

func (ses *session) agentID() int64 {
	if ses.agent == nil {
		return 0
	}
	return ses.agent.agent
}

// connect bridges the caller and the party who answered (an agent, or the number the IVR
// transferred to: agent 0), records the room in stereo (caller left, agent right), runs
// the call control and ends the record when the call is over.
func (s *Switchboard) connect(ctx context.Context, lc *liveCall, a answer, acdID string) {
	call, c := lc.call, lc.c
	call.AgentID, call.AnsweredAt = a.agent, a.at
	if !call.QueuedAt.IsZero() {
		call.WaitSeconds = seconds(a.at.Sub(call.QueuedAt))
	}
	lc.set(func(st *LiveCall) { st.State, st.AgentID, st.Since = "talking", a.agent, a.at })
	ses := &session{s: s, lc: lc, ctx: ctx, room: s.Engine.NewRoom(), agent: &party{leg: a.leg, agent: a.agent, acdID: acdID, at: a.at}, outbound: lc.outbound}
	err := ses.room.Join(c, voice.Role{Kind: voice.Full})
	if err == nil {
		err = ses.room.Join(a.leg, voice.Role{Kind: voice.Full})
	}
	if err == nil {
		var rel, abs string
		if rel, abs, err = s.dated("recordings", a.at, call.ID); err == nil {
			if ses.rec, err = ses.room.Record(abs, c); err == nil {
				call.RecordingPath = rel
			}
		}
		if err != nil {
			s.Log.Error("record call", "call", call.ID, "err", err) // the call goes on unrecorded
			err = nil
		}
	}
	ch := Change{At: a.at, Events: []string{"call.answered"}, Actor: a.agent, Data: map[string]any{"wait_seconds": call.WaitSeconds}}
	if call.Queue != "" || acdID != "" {
		ch.Queue = &QueueEvent{Kind: QueueAnswered, Queue: call.Queue, AgentID: a.agent, WaitSeconds: call.WaitSeconds}
	}
	if err := s.Store.Save(ctx, call, ch); err != nil {
		s.Log.Error("answered", "call", call.ID, "err", err)
	}
	if err != nil {
		ses.endedBy = EndedBySystem
	} else {
		ses.loop()
	}
	ses.end()
}

// loop runs the session until the call is over.
func (ses *session) loop() {
	lc, c := ses.lc, ses.lc.c
	close(lc.open)
	defer close(lc.over)
	for {
		var agentDone, consultDone <-chan struct{}
		if ses.agent != nil {
			agentDone = ses.agent.leg.Done()
		}
		if ses.consult != nil {
			consultDone = ses.consult.leg.Done()
		}
		select {
		case <-c.Done():
			ses.endedBy = EndedByCaller
			return
		case <-agentDone:
			if ses.consult != nil { // hanging up with a consulted party hands the caller over
				ses.complete(ses.agent.agent, "agent_hangup")
				continue
			}
			ses.endedBy = EndedByAgent
			return
		case <-consultDone:
			ses.consultEnded("consult_hangup")
		case req := <-lc.ctl:
			req.reply <- req.fn(ses)
		case n := <-lc.notes:
			ses.s.write(ses.ctx, lc, n)
		case a := <-lc.answered:
			ses.newAgent(a)
		case x := <-lc.exit:
			ses.exit = &x
			ses.endedBy = EndedBySystem
			return
		case a := <-lc.consultAnswered:
			ses.consultAnswered(a)
		case why := <-lc.consultGone:
			ses.consultFailed(why)
		}
		if ses.agent == nil && !ses.waiting && !ses.consulting { // a blind transfer that failed
			ses.endedBy = EndedBySystem
			return
		}
	}
}

// newAgent connects the agent who answered a blind transfer.
func (ses *session) newAgent(a answer) {
	s, call := ses.s, ses.lc.call
	if err := ses.room.Join(a.leg, voice.Role{Kind: voice.Full}); err != nil {
		s.Log.Error("transfer join", "call", call.ID, "err", err)
		_ = a.leg.Hangup(voice.CauseFailed)
		_ = s.do(ses.ctx, func(now time.Time) ([]acd.Action, error) { return s.router.CallEnded(now, ses.lc.c.ID()) })
		ses.waiting = false
		return
	}
	ses.waiting = false
	ses.agent = &party{leg: a.leg, agent: a.agent, acdID: ses.lc.c.ID(), at: a.at}
	ses.held = false
	ses.lc.hold.stop()
	call.AgentID = a.agent
	ses.lc.set(func(st *LiveCall) { st.State, st.AgentID, st.Since = "talking", a.agent, a.at })
	ses.apply()
	ses.event("call.answered", a.agent, &QueueEvent{Kind: QueueAnswered, Queue: call.Queue, AgentID: a.agent, WaitSeconds: seconds(a.at.Sub(call.QueuedAt))},
		map[string]any{"transferred": true})
}

// drop takes a party out of the call: its phone hangs up and an agent goes to wrap-up.
func (ses *session) drop(p *party) {
	if p == nil {
		return
	}
	_ = ses.room.Leave(p.leg)
	_ = p.leg.Hangup(voice.CauseNormal)
	if p.acdID != "" {
		s := ses.s
		_ = s.do(ses.ctx, func(now time.Time) ([]acd.Action, error) { return s.router.CallEnded(now, p.acdID) })
	}
}

// end hangs everything up and closes the record.
func (ses *session) end() {
	s, lc, call, c := ses.s, ses.lc, ses.lc.call, ses.lc.c
	select {
	case <-lc.open:
	default:
		close(lc.open)
		close(lc.over)
	}
	end := s.now()
	cause := c.Cause()
	if ses.endedBy == EndedByAgent && ses.agent != nil {
		cause = ses.agent.leg.Cause()
	}
	if ses.consultCancel != nil {
		ses.consultCancel()
	}
	ses.setHold(false)
	// The agent hung up first and the caller is still on: the post-call survey runs on
	// the caller's leg once the agent's side is cleared, then the caller is hung up.
	survey := s.AfterCall != nil && ses.exit == nil && ses.endedBy == EndedByAgent && ses.agent != nil && c.Context().Err() == nil
	var info CallInfo
	if survey {
		info = CallInfo{CallID: call.ID, AgentID: ses.agent.agent, CustomerID: call.CustomerID, Queue: call.Queue}
	}
	if ses.exit == nil && !survey {
		_ = c.Hangup(voice.CauseNormal)
	}
	for _, m := range ses.monitors {
		_ = m.leg.Hangup(voice.CauseNormal)
	}
	ses.drop(ses.consult)
	if ses.consultACD != "" && ses.consult == nil {
		_ = s.do(ses.ctx, func(now time.Time) ([]acd.Action, error) { return s.router.Abandoned(now, ses.consultACD) })
	}
	ses.drop(ses.agent)
	if ses.waiting {
		s.abandonTransfer(ses.ctx, lc)
	}
	_ = ses.room.Close()
	if ses.rec != nil {
		info, err := ses.rec.Stop()
		if err != nil {
			s.Log.Error("recording", "call", call.ID, "err", err)
		}
		call.RecordingSeconds = seconds(info.Duration)
	}
	if ses.outbound != nil {
		ses.outbound()
	}
	if survey {
		s.AfterCall.AfterCall(ses.ctx, c, info)
		_ = c.Hangup(voice.CauseNormal)
	}
	call.TalkSeconds = seconds(end.Sub(call.AnsweredAt))
	if x := ses.exit; x != nil { // a blind transfer the ACD sent on
		lc.hold.stop()
		s.drain(ses.ctx, lc)
		if x.voicemail {
			s.voicemail(ses.ctx, lc, x.queue, x.reason)
		} else {
			s.callback(ses.ctx, lc, x.queue, x.reason)
		}
		return
	}
	kind := QueueDoneByAgent
	switch ses.endedBy {
	case EndedByCaller:
		kind = QueueDoneByCaller
	case "":
		ses.endedBy = EndedBySystem
	}
	var q *QueueEvent
	if call.Queue != "" {
		q = &QueueEvent{Kind: kind, Queue: call.Queue, AgentID: call.AgentID}
	}
	s.endAt(ses.ctx, call, end, StatusCompleted, ses.endedBy, string(cause), q, nil)
}

// abandonTransfer takes a blind-transferred caller who hung up out of the ACD.
func (s *Switchboard) abandonTransfer(ctx context.Context, lc *liveCall) {
	connected := false
	_ = s.do(ctx, func(now time.Time) ([]acd.Action, error) {
		acts, err := s.router.Abandoned(now, lc.c.ID())
		if errs.Is(err, errs.Conflict) {
			connected = true
			acts, err = s.router.CallEnded(now, lc.c.ID())
		}
		return acts, err
	})
	if connected {
		a := <-lc.answered
		_ = a.leg.Hangup(voice.CauseNormal)
	}
	lc.hold.stop()
}

// control runs fn on the session of the agent's current call.
func (s *Switchboard) control(ctx context.Context, agent int64, fn func(ses *session) error) error {
	var lc *liveCall
	_ = s.do(ctx, func(time.Time) ([]acd.Action, error) {
		for _, l := range s.live {
			if st := l.snapshot(); st.AgentID == agent && st.State == "talking" {
				lc = l
			}
		}
		return nil, nil
	})
	if lc == nil {
		return errNoCall
	}
	return lc.run(ctx, fn)
}

// run runs fn on the call's session.
func (lc *liveCall) run(ctx context.Context, fn func(ses *session) error) error {
	req := ctlReq{fn: fn, reply: make(chan error, 1)}
	select {
	case <-lc.open:
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case lc.ctl <- req:
	case <-lc.over:
		return errNoCall
	case <-ctx.Done():
		return ctx.Err()
	}
	return <-req.reply
}

// personalQueue is an agent's own queue in the ACD, through which a call is transferred
// to (kind "transfer") or a consultation rings (kind "consult") that one agent: the ACD
// then knows the agent is ringing and busy. A transfer that the agent does not take
// within a minute overflows to the call's queue; a consultation gives up.
func (s *Switchboard) personalQueue(kind string, agent int64, from acd.Queue) (acd.Queue, []acd.Member) {
	code := fmt.Sprintf("~%s.%d", kind, agent)
	q := acd.Queue{Code: code, NameZH: code, NameEN: code, Strategy: acd.TopDown, SLSeconds: 20, RingSeconds: 20,
		WrapUpSeconds: from.WrapUpSeconds, MusicOnHold: from.MusicOnHold, JoinEmpty: acd.EmptyNoAgents, LeaveEmpty: acd.EmptyNoAgents}
	if kind == "consult" {
		q.MaxWaitSeconds, q.RingSeconds = 30, 30
	} else {
		q.MaxWaitSeconds = 60
		if from.Code != "" {
			q.MaxWaitAction, q.OverflowQueue = acd.ExitOverflow, from.Code
		}
	}
	return q, []acd.Member{{Agent: agent, Proficiency: 1, Tier: 1}}
}

func isPersonal(code string) bool { return strings.HasPrefix(code, "~") }
