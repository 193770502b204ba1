package contact_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/voice/media"
	"github.com/hotlinecc/hotline/internal/voice/voicetest"
)

// Tones: the caller speaks 1 kHz, the first agent 2 kHz, the second party 3 kHz.
const (
	callerHz = 1000
	agentHz  = 2000
	otherHz  = 3000
)

// hears reports whether c hears a tone of hz now (what the room mixed for it last).
func hears(c *voicetest.Call, hz float64) bool {
	f := c.Heard()
	return media.ToneLevel(f[:], hz) > 3000
}

// talking is a call from the customer answered by the first agent; both speak.
type talking struct {
	eng    *voicetest.Engine
	sb     *contact.Switchboard
	caller *voicetest.Call
	agent  *voicetest.Call
}

// connected logs both agents in (queue support, top-down, wrap-up 30 s) and connects a
// caller to the first agent.
func (f *fixture) connected(t *testing.T, test func(tc talking)) {
	f.switchboard(t, contact.Outcome{Kind: contact.OutcomeQueue, Queue: "support"}, contact.Options{}, func(eng *voicetest.Engine, sb *contact.Switchboard) {
		ctx := context.Background()
		must(t, sb.SetQueue(ctx, queue("support", func(q *acd.Queue) { q.WrapUpSeconds = 30 }), members(f.agents...)))
		must(t, sb.LoginAt(ctx, f.agents[0], ""))
		must(t, sb.LoginAt(ctx, f.agents[1], ""))
		caller := eng.Inbound(customerPhone, "4008001234")
		caller.Say(media.NewTone(callerHz, 8000, 0))
		leg := <-eng.Phone(f.ext[f.agents[0]]).Answered()
		leg.Say(media.NewTone(agentHz, 8000, 0))
		time.Sleep(time.Second)
		if !hears(caller, agentHz) || !hears(leg, callerHz) {
			t.Fatal("caller and agent do not hear each other")
		}
		test(talking{eng: eng, sb: sb, caller: caller, agent: leg})
	})
}

// eventsOf lists the events of kinds starting with prefix, oldest first.
func (f *fixture) eventsOf(t *testing.T, prefix string) []events.Event {
	t.Helper()
	all, err := f.ev.Since(context.Background(), 0, 1000)
	must(t, err)
	var out []events.Event
	for _, e := range all {
		if strings.HasPrefix(e.Kind, prefix) {
			out = append(out, e)
		}
	}
	return out
}

func kindsOf(evs []events.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Kind)
	}
	return out
}

// TestAgentStatesAreDurable: every state an agent passes through is written in order to
// the state log and the event log, the wrap-up ends by itself, break reasons are checked,
// and a supervisor can force a break and a logout.
func TestAgentStatesAreDurable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a, sup := f.agents[0], f.agents[1]
		f.switchboard(t, contact.Outcome{Kind: contact.OutcomeQueue, Queue: "support"}, contact.Options{}, func(eng *voicetest.Engine, sb *contact.Switchboard) {
			ctx := context.Background()
			must(t, sb.SetQueue(ctx, queue("support", func(q *acd.Queue) { q.WrapUpSeconds = 20 }), members(a)))
			// A registered phone alone does not make the agent available.
			must(t, sb.PhoneRegistered(ctx, f.ext[a]))
			if st, err := sb.Agent(ctx, a); err == nil && st.State != acd.LoggedOut {
				t.Errorf("a registered phone made the agent %s", st.State)
			}
			must(t, sb.LoginAt(ctx, a, f.ext[a]))
			eng.Phone(f.ext[a]).AnswerAfter(2 * time.Second)
			caller := eng.Inbound(customerPhone, "4008001234")
			<-eng.Phone(f.ext[a]).Answered()
			time.Sleep(5 * time.Second)
			caller.RemoteHangup()
			synctest.Wait()
			if st, _ := sb.Agent(ctx, a); st.State != acd.WrapUp {
				t.Errorf("after the call the agent is %s, want wrap_up", st.State)
			}
			time.Sleep(21 * time.Second) // the wrap-up ends by itself
			if st, _ := sb.Agent(ctx, a); st.State != acd.Available {
				t.Errorf("after the wrap-up time the agent is %s", st.State)
			}
			if err := sb.Break(ctx, a, "lunch"); !errs.Is(err, errs.Invalid) {
				t.Errorf("break for lunch: %v", err)
			}
			must(t, sb.Break(ctx, a, contact.BreakMeal))
			time.Sleep(10 * time.Minute)
			must(t, sb.Available(ctx, a))
			if err := sb.ForceBreak(ctx, sup, a, "nap"); !errs.Is(err, errs.Invalid) {
				t.Errorf("forced break for a nap: %v", err)
			}
			must(t, sb.ForceBreak(ctx, sup, a, contact.BreakMeeting))
			must(t, sb.ForceLogout(ctx, sup, a))
			sb.FlushStates()
		})
		log, err := f.store.StateLog(context.Background(), a, time.Time{})
		must(t, err)
		var got []string
		for _, in := range log {
			got = append(got, strings.TrimSuffix(in.State+"/"+in.Reason, "/"))
			if in.EndedAt.IsZero() {
				t.Errorf("interval %+v still open after the logout", in)
			}
		}
		want := []string{"available", "ringing", "on_call", "wrap_up", "available", "break/meal", "available", "break/meeting"}
		if !slices.Equal(got, want) {
			t.Fatalf("state log %v, want %v", got, want)
		}
		if d := log[3].EndedAt.Sub(log[3].StartedAt); d != 20*time.Second {
			t.Errorf("wrap-up lasted %v", d)
		}
		if d := log[5].EndedAt.Sub(log[5].StartedAt); d != 10*time.Minute {
			t.Errorf("meal break lasted %v", d)
		}
		call := f.lastCall(t)
		if log[1].CallID != call.ID || log[2].CallID != call.ID || log[3].Queue != "support" {
			t.Errorf("the call's intervals %+v", log[1:4])
		}
		evs := f.eventsOf(t, "agent.")
		var states []string
		for _, e := range evs {
			if e.ActorID != a {
				t.Errorf("event %+v is not the agent's", e)
			}
			states = append(states, strings.TrimSuffix(fmt.Sprint(e.Data["state"], "/", e.Data["reason"]), "/"))
		}
		if !slices.Equal(states, append(want, "logged_out")) {
			t.Errorf("agent.state events %v", states)
		}
		wrap := evs[3].Data
		if until, _ := time.Parse(time.RFC3339, fmt.Sprint(wrap["until"])); !until.Equal(log[3].StartedAt.Add(20*time.Second)) || wrap["queue"] != "support" || wrap["call_id"] != float64(call.ID) {
			t.Errorf("wrap-up event %v", wrap)
		}
		if evs[7].Data["forced_by"] != float64(sup) || evs[8].Data["forced_by"] != float64(sup) {
			t.Errorf("forced break and logout %v %v", evs[7].Data, evs[8].Data)
		}
		offered := f.eventsOf(t, "call.offered")
		if len(offered) != 1 {
			t.Fatalf("call.offered %d times", len(offered))
		}
		pop := offered[0].Data
		if offered[0].ActorID != a || pop["agent_id"] != float64(a) || pop["customer_id"] != float64(f.customer.ID) || pop["customer_name"] != "李娜" ||
			pop["vip_level"] != float64(2) || pop["queue"] != "support" || fmt.Sprint(pop["ivr_trace"]) != "[welcome menu:queue]" {
			t.Errorf("screen pop %v", pop)
		}
	})
}

// TestHoldAndMute: on hold the caller hears music and neither hears the other; muted, the
// caller does not hear the agent but the agent hears the caller.
func TestHoldAndMute(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a := f.agents[0]
		f.connected(t, func(tc talking) {
			ctx := context.Background()
			must(t, tc.sb.Hold(ctx, a, true))
			time.Sleep(time.Second)
			if hears(tc.caller, agentHz) || hears(tc.agent, callerHz) {
				t.Error("on hold, caller and agent still hear each other")
			}
			must(t, tc.sb.Hold(ctx, a, false))
			if n := tc.caller.PlayedNames(); !slices.Contains(n, "moh") {
				t.Errorf("the held caller heard %v, no music", n)
			}
			time.Sleep(time.Second)
			if !hears(tc.caller, agentHz) || !hears(tc.agent, callerHz) {
				t.Error("off hold, caller and agent do not hear each other")
			}
			must(t, tc.sb.Mute(ctx, a, true))
			time.Sleep(time.Second)
			if hears(tc.caller, agentHz) || !hears(tc.agent, callerHz) {
				t.Error("muted: the caller must not hear the agent, the agent must hear the caller")
			}
			must(t, tc.sb.Mute(ctx, a, false))
			time.Sleep(time.Second)
			if !hears(tc.caller, agentHz) {
				t.Error("unmuted, the caller does not hear the agent")
			}
			if err := tc.sb.Hold(ctx, f.agents[1], true); !errs.Is(err, errs.Conflict) {
				t.Errorf("hold by an agent without a call: %v", err)
			}
			must(t, tc.sb.SendDTMF(ctx, a, "12#"))
			if got := tc.caller.Sent(); got != "12#" {
				t.Errorf("the far end received %q", got)
			}
			if err := tc.sb.SendDTMF(ctx, a, "12x"); !errs.Is(err, errs.Invalid) {
				t.Errorf("bad digits: %v", err)
			}
			tc.caller.RemoteHangup()
		})
		got := kindsOf(f.eventsOf(t, "call."))
		want := []string{"call.started", "call.offered", "call.answered", "call.held", "call.unheld", "call.muted", "call.unmuted", "call.dtmf_sent", "call.ended"}
		if !slices.Equal(got, want) {
			t.Errorf("events %v, want %v", got, want)
		}
	})
}

// TestBlindTransfer: to another agent and to a queue; the first agent goes to wrap-up and
// the caller talks to the second agent, in one record with one recording.
func TestBlindTransfer(t *testing.T) {
	for _, kind := range []contact.TargetKind{contact.ToAgent, contact.ToQueue} {
		t.Run(string(kind), func(t *testing.T) {
			dbtest.Each(t, func(t *testing.T, d *db.DB) {
				f := newFixture(t, d)
				a, b := f.agents[0], f.agents[1]
				f.connected(t, func(tc talking) {
					ctx := context.Background()
					target := contact.Target{Kind: kind, Value: fmt.Sprint(b)}
					if kind == contact.ToQueue {
						must(t, tc.sb.SetQueue(ctx, queue("expert", nil), members(b)))
						target.Value = "expert"
					}
					if err := tc.sb.Transfer(ctx, a, contact.Target{Kind: contact.ToAgent, Value: fmt.Sprint(a)}); !errs.Is(err, errs.Invalid) {
						t.Errorf("transfer to oneself: %v", err)
					}
					must(t, tc.sb.Transfer(ctx, a, target))
					<-tc.agent.Done()
					legB := <-tc.eng.Phone(f.ext[b]).Answered()
					legB.Say(media.NewTone(otherHz, 8000, 0))
					time.Sleep(time.Second)
					if !hears(tc.caller, otherHz) || !hears(legB, callerHz) {
						t.Error("the caller does not talk to the second agent")
					}
					if st, _ := tc.sb.Agent(ctx, a); st.State != acd.WrapUp {
						t.Errorf("the first agent is %s", st.State)
					}
					if st, _ := tc.sb.Agent(ctx, b); st.State != acd.OnCall {
						t.Errorf("the second agent is %s", st.State)
					}
					qs, err := tc.sb.Queues(ctx)
					must(t, err)
					for _, q := range qs {
						if strings.HasPrefix(q.Code, "~") {
							t.Errorf("personal queue %s on the wallboard", q.Code)
						}
					}
					tc.caller.RemoteHangup()
				})
				c := f.lastCall(t)
				if c.AgentID != b || c.Status != contact.StatusCompleted || c.RecordingPath == "" {
					t.Errorf("record %+v", c)
				}
				kinds := f.queueKinds(t, c.ID)
				if !slices.Contains(kinds, fmt.Sprintf("transferred@%d", a)) || !slices.Contains(kinds, fmt.Sprintf("answered@%d", b)) {
					t.Errorf("queue events %v", kinds)
				}
			})
		})
	}
}

// TestConsultCompleteAndConference: while the agent consults, the caller hears music and
// neither party hears the caller; a conference lets all three hear each other; completing
// hands the caller to the consulted agent.
func TestConsultCompleteAndConference(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a, b := f.agents[0], f.agents[1]
		f.connected(t, func(tc talking) {
			ctx := context.Background()
			if err := tc.sb.CompleteTransfer(ctx, a); !errs.Is(err, errs.Conflict) {
				t.Errorf("complete without a consultation: %v", err)
			}
			must(t, tc.sb.Consult(ctx, a, contact.Target{Kind: contact.ToAgent, Value: fmt.Sprint(b)}))
			legB := <-tc.eng.Phone(f.ext[b]).Answered()
			legB.Say(media.NewTone(otherHz, 8000, 0))
			time.Sleep(time.Second)
			if !hears(tc.agent, otherHz) || !hears(legB, agentHz) {
				t.Error("the agent and the consulted agent do not hear each other")
			}
			if hears(tc.caller, agentHz) || hears(tc.caller, otherHz) || hears(legB, callerHz) || hears(tc.agent, callerHz) {
				t.Error("the caller is not on hold during the consultation")
			}
			if st, _ := tc.sb.Agent(ctx, b); st.State != acd.OnCall {
				t.Errorf("the consulted agent is %s", st.State)
			}
			must(t, tc.sb.Conference(ctx, a))
			time.Sleep(time.Second)
			for _, p := range []struct {
				c   *voicetest.Call
				hzs []float64
			}{{tc.caller, []float64{agentHz, otherHz}}, {tc.agent, []float64{callerHz, otherHz}}, {legB, []float64{callerHz, agentHz}}} {
				for _, hz := range p.hzs {
					if !hears(p.c, hz) {
						t.Errorf("in the conference %s does not hear %v Hz", p.c.To(), hz)
					}
				}
			}
			must(t, tc.sb.CompleteTransfer(ctx, a))
			<-tc.agent.Done()
			time.Sleep(time.Second)
			if !hears(tc.caller, otherHz) || !hears(legB, callerHz) {
				t.Error("after the transfer caller and second agent do not talk")
			}
			if st, _ := tc.sb.Agent(ctx, a); st.State != acd.WrapUp {
				t.Errorf("the first agent is %s", st.State)
			}
			must(t, tc.sb.Hold(ctx, b, true)) // the call is the second agent's now
			legB.RemoteHangup()
			<-tc.caller.Done()
		})
		c := f.lastCall(t)
		if c.AgentID != b || c.EndedBy != contact.EndedByAgent {
			t.Errorf("record %+v", c)
		}
		got := kindsOf(f.eventsOf(t, "call."))
		want := []string{"call.started", "call.offered", "call.answered", "call.consulting", "call.offered", "call.consult_answered",
			"call.conferenced", "call.transferred", "call.held", "call.ended"}
		if !slices.Equal(got, want) {
			t.Errorf("events %v, want %v", got, want)
		}
	})
}

// TestConsultCancel: the consulted party is hung up and the caller is back with the agent.
func TestConsultCancel(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a, b := f.agents[0], f.agents[1]
		f.connected(t, func(tc talking) {
			ctx := context.Background()
			must(t, tc.sb.Consult(ctx, a, contact.Target{Kind: contact.ToAgent, Value: fmt.Sprint(b)}))
			legB := <-tc.eng.Phone(f.ext[b]).Answered()
			time.Sleep(time.Second)
			must(t, tc.sb.CancelConsult(ctx, a))
			<-legB.Done()
			time.Sleep(time.Second)
			if !hears(tc.caller, agentHz) || !hears(tc.agent, callerHz) {
				t.Error("after the consultation the caller and the agent do not talk")
			}
			if st, _ := tc.sb.Agent(ctx, b); st.State != acd.WrapUp && st.State != acd.Available {
				t.Errorf("the consulted agent is %s", st.State)
			}
			tc.caller.RemoteHangup()
		})
	})
}

// TestMonitor: listening, the supervisor hears both and nobody hears them; whispering,
// the agent hears the supervisor and the caller does not; the recording keeps the caller
// alone on the left.
func TestMonitor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		sup := f.agents[1]
		f.connected(t, func(tc talking) {
			ctx := context.Background()
			must(t, tc.sb.Logout(ctx, sup)) // the supervisor's phone is 1002
			call := f.lastCall(t)
			must(t, tc.sb.Monitor(ctx, sup, call.ID, contact.Listen))
			legS := <-tc.eng.Phone(f.ext[sup]).Answered()
			legS.Say(media.NewTone(otherHz, 8000, 0))
			time.Sleep(time.Second)
			if !hears(legS, callerHz) || !hears(legS, agentHz) {
				t.Error("listening, the supervisor does not hear both")
			}
			if hears(tc.caller, otherHz) || hears(tc.agent, otherHz) {
				t.Error("a listening supervisor is heard")
			}
			must(t, tc.sb.Monitor(ctx, sup, call.ID, contact.Whisper))
			time.Sleep(time.Second)
			if !hears(tc.agent, otherHz) || hears(tc.caller, otherHz) {
				t.Error("whispering: the agent must hear the supervisor, the caller must not")
			}
			if tc.eng.Phone(f.ext[sup]).Rang() != 1 {
				t.Error("changing the mode rang the supervisor again")
			}
			must(t, tc.sb.Monitor(ctx, sup, call.ID, contact.Barge))
			time.Sleep(time.Second)
			if !hears(tc.caller, otherHz) || !hears(tc.agent, otherHz) {
				t.Error("barging, the supervisor is not heard by both")
			}
			if err := tc.sb.Monitor(ctx, sup, call.ID+100, contact.Listen); !errs.Is(err, errs.NotFound) {
				t.Errorf("monitor a call that is not going on: %v", err)
			}
			tc.caller.RemoteHangup()
			<-legS.Done()
		})
		c := f.lastCall(t)
		w, err := media.ReadWAV(f.store.Path(c.RecordingPath))
		must(t, err)
		left := w.Channels[0]
		for i := 0; i+160 <= len(left); i += 160 {
			if media.ToneLevel(left[i:i+160], otherHz) > 100 {
				t.Fatalf("the supervisor is on the caller's channel at frame %d", i/160)
			}
		}
		// Listening (the first second after joining) is not recorded on the right.
		mons := f.eventsOf(t, "call.monitored")
		if len(mons) != 3 || mons[0].ActorID != sup || mons[0].Data["mode"] != "listen" || mons[2].Data["mode"] != "barge" {
			t.Errorf("monitor events %v", kindsOf(mons))
		}
	})
}

// TestClickToDial: the agent's phone rings, then the number; the call is recorded with
// direction outbound, and the agent is on a call meanwhile and available afterwards.
func TestClickToDial(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a := f.agents[0]
		var id int64
		f.switchboard(t, contact.Outcome{Kind: contact.OutcomeQueue, Queue: "support"}, contact.Options{}, func(eng *voicetest.Engine, sb *contact.Switchboard) {
			ctx := context.Background()
			must(t, sb.SetQueue(ctx, queue("support", nil), members(a)))
			if _, err := sb.Dial(ctx, a, "13912345678", 0); !errs.Is(err, errs.Conflict) {
				t.Errorf("dial while logged out: %v", err)
			}
			must(t, sb.LoginAt(ctx, a, ""))
			if _, err := sb.Dial(ctx, a, "139-abc", 0); !errs.Is(err, errs.Invalid) {
				t.Errorf("dial a bad number: %v", err)
			}
			far := eng.Phone("13912345678").AnswerAfter(4 * time.Second)
			var err error
			id, err = sb.Dial(ctx, a, "13912345678", f.customer.ID)
			must(t, err)
			agentLeg := <-eng.Phone(f.ext[a]).Answered()
			agentLeg.Say(media.NewTone(agentHz, 8000, 0))
			customer := <-far.Answered()
			customer.Say(media.NewTone(callerHz, 8000, 0))
			time.Sleep(time.Second)
			if !hears(customer, agentHz) || !hears(agentLeg, callerHz) {
				t.Error("agent and customer do not hear each other")
			}
			if st, _ := sb.Agent(ctx, a); st.State != acd.Break || st.Reason != "outbound" {
				t.Errorf("the agent during the outbound call: %+v", st)
			}
			must(t, sb.Mute(ctx, a, true)) // call control works on outbound calls too
			time.Sleep(5 * time.Second)
			agentLeg.RemoteHangup()
			<-customer.Done()
			synctest.Wait()
			if st, _ := sb.Agent(ctx, a); st.State != acd.Available {
				t.Errorf("the agent after the outbound call: %s", st.State)
			}
			sb.FlushStates()
		})
		c, err := f.store.Get(context.Background(), id)
		must(t, err)
		if c.Direction != "outbound" || c.Dialed != "13912345678" || c.AgentID != a || c.CustomerID != f.customer.ID || c.Status != contact.StatusCompleted ||
			c.TalkSeconds != 6 || c.EndedBy != contact.EndedByAgent || c.RecordingPath == "" {
			t.Errorf("record %+v", c)
		}
		log, err := f.store.StateLog(context.Background(), a, time.Time{})
		must(t, err)
		if len(log) != 3 || log[1].State != "on_call" || log[1].Reason != "outbound" || log[1].CallID != id || log[2].State != "available" {
			t.Errorf("state log %+v", log)
		}
	})
}

// TestEndWrapUp: the disposition must be one of the queue's; the wrap-up is stored with
// its follow-up to-do and the agent is available again.
func TestEndWrapUp(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		a := f.agents[0]
		must(t, f.store.SetDispositions(context.Background(), "support", []contact.Disposition{
			{Code: "solved", NameZH: "已解决", NameEN: "Solved"}, {Code: "repair", NameZH: "报修", NameEN: "Repair order"}}))
		f.connected(t, func(tc talking) {
			ctx := context.Background()
			if err := tc.sb.EndWrapUp(ctx, f.agents[1], contact.WrapUp{Disposition: "solved"}); !errs.Is(err, errs.Conflict) {
				t.Errorf("wrap-up without a call: %v", err)
			}
			tc.caller.RemoteHangup()
			<-tc.agent.Done()
			synctest.Wait()
			if err := tc.sb.EndWrapUp(ctx, a, contact.WrapUp{Disposition: "lost"}); !errs.Is(err, errs.Invalid) {
				t.Errorf("unknown disposition: %v", err)
			}
			if err := tc.sb.EndWrapUp(ctx, a, contact.WrapUp{Disposition: "repair", FollowUpAt: "tomorrow"}); !errs.Is(err, errs.Invalid) {
				t.Errorf("bad follow-up time: %v", err)
			}
			follow := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
			must(t, tc.sb.EndWrapUp(ctx, a, contact.WrapUp{Disposition: "repair", Resolved: false, Note: " 主板故障 ", FollowUpAt: follow.Format(time.RFC3339)}))
			if st, _ := tc.sb.Agent(ctx, a); st.State != acd.Available {
				t.Errorf("after the wrap-up the agent is %s", st.State)
			}
			if err := tc.sb.EndWrapUp(ctx, a, contact.WrapUp{Disposition: "solved"}); !errs.Is(err, errs.Conflict) {
				t.Errorf("second wrap-up: %v", err)
			}
			day, err := tc.sb.AgentToday(ctx, a)
			must(t, err)
			if day.Calls != 1 || day.TalkTime != time.Second || day.AvgHandle <= 0 {
				t.Errorf("agent's day %+v", day)
			}
			if len(f.tasks.followUps) != 1 || !f.tasks.followUps[0].At.Equal(follow) || f.tasks.followUps[0].AgentID != a || f.tasks.followUps[0].CustomerID != f.customer.ID {
				t.Errorf("follow-ups %+v", f.tasks.followUps)
			}
		})
		c := f.lastCall(t)
		w, err := f.store.WrapUpOf(context.Background(), c.ID, a)
		must(t, err)
		if w.Disposition != "repair" || w.Resolved || w.Note != "主板故障" || w.FollowUpAt.IsZero() {
			t.Errorf("wrap-up %+v", w)
		}
		if evs := f.eventsOf(t, "call.wrapped_up"); len(evs) != 1 || evs[0].ActorID != a || evs[0].CustomerID != f.customer.ID {
			t.Errorf("wrap-up events %+v", evs)
		}
	})
}
