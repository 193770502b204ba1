package contact

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/voice"
)

// handle takes one inbound call from arrival to the end of its record.
func (s *Switchboard) handle(ctx context.Context, c voice.Call) {
	// The record's writes outlive the call's context: a caller who hangs up must not
	// stop the switchboard writing down that they did.
	wctx := context.WithoutCancel(ctx)
	call := &Call{UID: c.ID(), Direction: string(c.Direction()), From: c.From(), Dialed: c.To(), StartedAt: s.now()}
	call.Caller, _ = crm.NormalizePhone(c.From())
	if err := s.Store.Begin(wctx, call); err != nil {
		s.Log.Error("call record", "uid", c.ID(), "err", err)
		_ = c.Hangup(voice.CauseFailed)
		return
	}
	log := s.Log.With("call", call.ID, "from", call.From)
	lc := newLiveCall(call, c)
	defer func() {
		if call.Status == StatusActive { // a path below failed: close the record all the same
			s.end(wctx, call, StatusCompleted, EndedBySystem, "failed", nil, nil)
		}
	}()

	if s.blocked(wctx, c, call) {
		return
	}
	s.identify(wctx, lc)
	if err := s.do(wctx, func(time.Time) ([]acd.Action, error) { s.live[c.ID()] = lc; return nil, nil }); err != nil {
		_ = c.Hangup(voice.CauseUnavailable)
		return
	}
	defer func() {
		_ = s.do(wctx, func(time.Time) ([]acd.Action, error) { delete(s.live, c.ID()); return nil, nil })
	}()

	if err := c.Answer(ctx); err != nil {
		s.end(wctx, call, StatusCompleted, EndedByCaller, string(c.Cause()), nil, nil)
		return
	}
	out, err := s.IVR.Run(ctx, c, IVRInput{CallID: call.ID, Dialed: call.Dialed, CustomerID: call.CustomerID, VIPLevel: call.VIPLevel, Repeat: call.Repeat})
	call.IVRTrace = out.Trace
	lc.digits = out.Digits
	if err != nil || c.Context().Err() != nil {
		by, cause := EndedByCaller, "ivr_hangup"
		if !errors.Is(err, voice.ErrHangup) && c.Context().Err() == nil {
			log.Error("ivr", "err", err)
			by, cause = EndedBySystem, "ivr_error"
		}
		s.end(wctx, call, StatusCompleted, by, cause, nil, nil)
		return
	}
	switch out.Kind {
	case OutcomeQueue:
		s.queue(ctx, wctx, lc, out)
	case OutcomeVoicemail:
		s.voicemail(wctx, lc, out.Group, "ivr")
	case OutcomeTransfer:
		s.transfer(wctx, lc, out.To)
	default:
		s.end(wctx, call, StatusCompleted, EndedBySystem, "ivr", nil, nil)
	}
}

// blocked refuses a caller on the blocklist, or one who calls too often (auto-block).
func (s *Switchboard) blocked(ctx context.Context, c voice.Call, call *Call) bool {
	entry, err := s.Blocklist.Check(ctx, call.From)
	if err != nil {
		s.Log.Error("blocklist", "call", call.ID, "err", err)
		return false // a broken blocklist must not stop the hotline
	}
	if ab := s.opt.AutoBlock; entry == nil && ab.Calls > 0 && call.Caller != "" {
		n, err := s.Store.CountFrom(ctx, call.Caller, call.StartedAt.Add(-ab.Window))
		if err == nil && n > ab.Calls {
			reason := fmt.Sprintf("auto: %d calls in %s", n, ab.Window)
			if _, err := s.Blocklist.Add(ctx, crm.BlockInput{Pattern: call.Caller, Reason: reason, Auto: true, ExpiresAt: s.now().Add(ab.For)}); err != nil {
				s.Log.Error("auto-block", "call", call.ID, "err", err)
			}
			entry, err = s.Blocklist.Check(ctx, call.From)
		}
		if err != nil {
			s.Log.Error("auto-block", "call", call.ID, "err", err)
		}
	}
	if entry == nil {
		return false
	}
	_ = c.Hangup(voice.CauseBusy)
	call.BlockID = entry.ID
	s.end(ctx, call, StatusBlocked, EndedBySystem, "blocked", nil, map[string]any{"block_id": entry.ID, "pattern": entry.Pattern})
	return true
}

// identify finds the customer and records the contact, so the agent's phone rings with
// the customer known and the repeat-caller flag set.
func (s *Switchboard) identify(ctx context.Context, lc *liveCall) {
	call := lc.call
	who, err := s.Customers.LookupCaller(ctx, call.From)
	if err != nil {
		s.Log.Error("customer lookup", "call", call.ID, "err", err)
	}
	var last int64
	if who.CustomerID != 0 {
		call.CustomerID, call.VIPLevel, lc.name = who.CustomerID, who.VIPLevel, who.Name
		ci, err := s.Customers.RecordContact(ctx, who.CustomerID, call.ID, call.StartedAt)
		if err != nil {
			s.Log.Error("record contact", "call", call.ID, "err", err)
		}
		call.ContactID, call.Repeat, call.EarlierContacts, last = ci.ContactID, ci.Repeat, ci.Earlier, ci.LastAgent
	}
	lc.set(func(st *LiveCall) {
		st.CustomerID, st.CustomerName, st.Repeat, st.VIPLevel = call.CustomerID, who.Name, call.Repeat, call.VIPLevel
	})
	lc.preferAgent = last
	if err := s.Store.Save(ctx, call, Change{At: s.now(), Events: []string{"call.started"},
		Data: map[string]any{"repeat": call.Repeat, "vip_level": call.VIPLevel}}); err != nil {
		s.Log.Error("call started", "call", call.ID, "err", err)
	}
}

// queue hands the call to the ACD and waits for its end there: an agent answers, the
// caller hangs up, or the ACD sends the call to voicemail or a callback.
func (s *Switchboard) queue(ctx, wctx context.Context, lc *liveCall, out Outcome) {
	call, c := lc.call, lc.c
	now := s.now()
	call.Queue, call.QueuedAt = out.Queue, now
	if err := s.Store.Save(wctx, call, Change{At: now, Queue: &QueueEvent{Kind: QueueEntered, Queue: out.Queue}}); err != nil {
		s.Log.Error("entered queue", "call", call.ID, "err", err)
	}
	lc.set(func(st *LiveCall) { st.Queue, st.State, st.Since = out.Queue, "waiting", now })
	lc.hold = startHold(ctx, c)
	defer lc.hold.stop()
	err := s.do(wctx, func(now time.Time) ([]acd.Action, error) {
		return s.router.CallArrived(now, acd.Call{ID: c.ID(), Queue: out.Queue, Priority: out.Priority, VIP: call.VIPLevel,
			Skills: out.Skills, EnteredAt: now, PreferAgent: lc.preferAgent})
	})
	if err != nil {
		s.Log.Error("queue", "call", call.ID, "queue", out.Queue, "err", err)
		lc.hold.stop()
		s.voicemail(wctx, lc, out.Queue, "no_queue")
		return
	}
	for {
		select {
		case n := <-lc.notes:
			s.write(wctx, lc, n)
		case a := <-lc.answered:
			lc.hold.stop()
			s.drain(wctx, lc)
			s.connect(wctx, lc, a, c.ID())
			return
		case x := <-lc.exit:
			lc.hold.stop()
			s.drain(wctx, lc)
			if x.voicemail {
				s.voicemail(wctx, lc, x.queue, x.reason)
			} else {
				s.callback(wctx, lc, x.queue, x.reason)
			}
			return
		case <-c.Done():
			s.left(wctx, lc)
			return
		}
	}
}

// write writes a queue event that the router goroutine noted.
func (s *Switchboard) write(ctx context.Context, lc *liveCall, n note) {
	call := lc.call
	if n.queue != "" {
		call.Queue = n.queue
		lc.set(func(st *LiveCall) { st.Queue = n.queue })
	}
	ch := Change{At: s.now(), Queue: &QueueEvent{Kind: n.kind, Queue: call.Queue, AgentID: n.agent, Detail: n.detail}}
	if n.kind == QueueOffered {
		ch.Events, ch.Actor, ch.Data, ch.Console = []string{"call.offered"}, n.agent, s.screenPop(ctx, lc, n), true
	}
	if err := s.Store.Save(ctx, call, ch); err != nil {
		s.Log.Error("queue event", "call", call.ID, "err", err)
	}
}

// TicketRef is an open ticket shown on the agent's screen when a customer calls.
type TicketRef struct {
	ID     int64  `json:"id"`
	Number string `json:"number"`
	Title  string `json:"title"`
}

// Tickets finds a customer's open tickets. internal/ticket implements it (app wiring).
type Tickets interface {
	OpenTickets(ctx context.Context, customerID int64) ([]TicketRef, error)
}

// screenPop is the data of "call.offered": what the agent's console shows while the phone
// rings.
func (s *Switchboard) screenPop(ctx context.Context, lc *liveCall, n note) map[string]any {
	call := lc.call
	earlier := call.EarlierContacts
	if earlier == nil {
		earlier = []int64{}
	}
	trace := call.IVRTrace
	if trace == nil {
		trace = []string{}
	}
	open := []TicketRef{}
	if s.Tickets != nil && call.CustomerID != 0 {
		ts, err := s.Tickets.OpenTickets(ctx, call.CustomerID)
		if err != nil {
			s.Log.Error("screen pop tickets", "call", call.ID, "err", err)
		} else if ts != nil {
			open = ts
		}
	}
	return map[string]any{"agent_id": n.agent, "customer_id": call.CustomerID, "customer_name": lc.name, "vip_level": call.VIPLevel,
		"repeat": call.Repeat, "earlier_contacts": earlier, "open_tickets": open, "ivr_trace": trace, "digits": lc.digits,
		"wait_seconds": seconds(n.wait), "consult": n.consult}
}

// drain writes the queue events noted so far.
func (s *Switchboard) drain(ctx context.Context, lc *liveCall) {
	for {
		select {
		case n := <-lc.notes:
			s.write(ctx, lc, n)
		default:
			return
		}
	}
}

// left handles a caller who hung up while in the ACD: abandoned while waiting or
// ringing, or (when an agent answered at the same moment) a call ended at once.
func (s *Switchboard) left(ctx context.Context, lc *liveCall) {
	call := lc.call
	connected := false
	_ = s.do(ctx, func(now time.Time) ([]acd.Action, error) {
		acts, err := s.router.Abandoned(now, lc.c.ID())
		if errs.Is(err, errs.Conflict) { // the router connected the call just before
			connected = true
			acts, err = s.router.CallEnded(now, lc.c.ID())
		}
		return acts, err
	})
	s.drain(ctx, lc)
	if connected {
		a := <-lc.answered
		_ = a.leg.Hangup(voice.CauseNormal)
		call.AgentID, call.AnsweredAt = a.agent, a.at
		call.WaitSeconds = seconds(a.at.Sub(call.QueuedAt))
		s.end(ctx, call, StatusCompleted, EndedByCaller, string(lc.c.Cause()), &QueueEvent{Kind: QueueDoneByCaller, Queue: call.Queue, AgentID: a.agent}, nil)
		return
	}
	now := s.now()
	call.WaitSeconds = seconds(now.Sub(call.QueuedAt))
	s.end(ctx, call, StatusAbandoned, EndedByCaller, string(lc.c.Cause()),
		&QueueEvent{Kind: QueueAbandoned, Queue: call.Queue, WaitSeconds: call.WaitSeconds}, nil)
}

// dated is a file name under dir/YYYY/MM/DD (in the data folder) for call id.
func (s *Switchboard) dated(dir string, at time.Time, id int64) (rel, abs string, err error) {
	rel = path.Join(dir, at.UTC().Format("2006/01/02"), fmt.Sprintf("%d.wav", id))
	abs = s.Store.Path(rel)
	return rel, abs, os.MkdirAll(filepath.Dir(abs), 0o750)
}

// voicemail records a message after a beep and leaves a to-do for group.
func (s *Switchboard) voicemail(ctx context.Context, lc *liveCall, group, reason string) {
	call, c := lc.call, lc.c
	lc.set(func(st *LiveCall) { st.State = "voicemail" })
	if !call.QueuedAt.IsZero() {
		call.WaitSeconds = seconds(s.now().Sub(call.QueuedAt))
	}
	if reason != "ivr" { // the flow's voicemail node played its own greeting
		_ = c.Play(ctx, s.Prompts.Prompt("voicemail.greeting"))
	}
	_ = c.Play(ctx, s.Prompts.Prompt("voicemail.beep"))
	rel, abs, err := s.dated("voicemail", s.now(), call.ID)
	var rec voice.Recording
	if err == nil {
		rec, err = c.Record(abs, voice.RecordOptions{MaxDuration: s.opt.VoicemailMax, Terminators: "#"})
	}
	if err != nil {
		by := EndedBySystem
		if errors.Is(err, voice.ErrHangup) {
			by = EndedByCaller
		} else {
			s.Log.Error("voicemail", "call", call.ID, "err", err)
		}
		s.end(ctx, call, StatusAbandoned, by, "voicemail_failed", &QueueEvent{Kind: QueueAbandoned, Queue: call.Queue, WaitSeconds: call.WaitSeconds}, nil)
		return
	}
	call.VoicemailPath = rel
	// The path is written before the message is, so a crash keeps it (see Recover).
	if err := s.Store.Save(ctx, call, Change{At: s.now()}); err != nil {
		s.Log.Error("voicemail", "call", call.ID, "err", err)
	}
	<-rec.Done()
	info, err := rec.Stop()
	if err != nil {
		s.Log.Error("voicemail", "call", call.ID, "err", err)
	}
	call.VoicemailSeconds = seconds(info.Duration)
	by := EndedBySystem
	if c.Context().Err() != nil {
		by = EndedByCaller
	}
	_ = c.Hangup(voice.CauseNormal)
	if err := s.Tasks.Voicemail(ctx, VoicemailTask{CallID: call.ID, Group: group, From: call.From, CustomerID: call.CustomerID,
		Path: rel, Duration: info.Duration}); err != nil {
		s.Log.Error("voicemail task", "call", call.ID, "err", err)
	}
	s.end(ctx, call, StatusVoicemail, by, reason, &QueueEvent{Kind: QueueVoicemail, Queue: call.Queue, WaitSeconds: call.WaitSeconds, Detail: reason},
		map[string]any{"voicemail_path": rel, "voicemail_seconds": call.VoicemailSeconds})
}

// callback confirms a callback request to the caller and leaves a to-do for group.
func (s *Switchboard) callback(ctx context.Context, lc *liveCall, group, reason string) {
	call, c := lc.call, lc.c
	call.WaitSeconds = seconds(s.now().Sub(call.QueuedAt))
	_ = c.Play(ctx, s.Prompts.Prompt("callback.confirm"))
	_ = c.Hangup(voice.CauseNormal)
	if err := s.Tasks.Callback(ctx, CallbackTask{CallID: call.ID, Group: group, From: call.From, CustomerID: call.CustomerID}); err != nil {
		s.Log.Error("callback task", "call", call.ID, "err", err)
	}
	s.end(ctx, call, StatusCompleted, EndedBySystem, "callback", &QueueEvent{Kind: QueueCallback, Queue: call.Queue, WaitSeconds: call.WaitSeconds, Detail: reason},
		map[string]any{"callback": true})
}

// transfer connects the caller to an extension or number that the IVR chose, recorded
// like an agent's call.
func (s *Switchboard) transfer(ctx context.Context, lc *liveCall, to string) {
	call, c := lc.call, lc.c
	if err := s.Store.Save(ctx, call, Change{At: s.now(), Queue: &QueueEvent{Kind: QueueTransferred, Detail: to}}); err != nil {
		s.Log.Error("transfer", "call", call.ID, "err", err)
	}
	call.QueuedAt = s.now()
	leg, err := s.Engine.Originate(c.Context(), voice.Dial{To: to, From: call.From, FromName: lc.name, Headers: lc.headers()})
	if err != nil {
		by := EndedBySystem
		if c.Context().Err() != nil {
			by = EndedByCaller
		}
		s.end(ctx, call, StatusCompleted, by, "transfer_failed", nil, map[string]any{"to": to})
		return
	}
	// Not an ACD call: the router has no part in it.
	s.connect(ctx, lc, answer{leg: leg, at: s.now()}, "")
}

// end closes the record at now.
func (s *Switchboard) end(ctx context.Context, call *Call, st Status, by, cause string, q *QueueEvent, data map[string]any) {
	s.endAt(ctx, call, s.now(), st, by, cause, q, data)
}

func (s *Switchboard) endAt(ctx context.Context, call *Call, at time.Time, st Status, by, cause string, q *QueueEvent, data map[string]any) {
	call.Status, call.EndedAt, call.EndedBy, call.EndCause = st, at, by, cause
	if data == nil {
		data = map[string]any{}
	}
	data["ended_by"], data["cause"] = by, cause
	data["wait_seconds"], data["talk_seconds"] = call.WaitSeconds, call.TalkSeconds
	kinds := []string{"call.ended"}
	switch st {
	case StatusVoicemail:
		kinds = []string{"call.voicemail", "call.ended"}
	case StatusBlocked:
		kinds = []string{"call.blocked"}
	}
	// The contact is completed before the record: a record that reads as ended has its
	// contact history ended too.
	if call.ContactID != 0 {
		if err := s.Customers.EndContact(ctx, call.ContactID, call.AgentID, at); err != nil {
			s.Log.Error("end contact", "call", call.ID, "contact", call.ContactID, "err", err)
		}
	}
	if err := s.Store.Save(ctx, call, Change{At: at, Queue: q, Events: kinds, Data: data}); err != nil {
		s.Log.Error("end call", "call", call.ID, "err", err)
	}
}
