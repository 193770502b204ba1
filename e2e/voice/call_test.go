package voice

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/voice/media"
	"github.com/hotlinecc/hotline/internal/voice/sip/siptest"
)

// level is the tone level of freq in the middle half of samples (the start holds the
// jitter buffers filling, the end the hangup).
func level(samples []int16, freq float64) float64 {
	mid := samples[len(samples)/4 : len(samples)*3/4]
	return media.ToneLevel(mid[:len(mid)/160*160], freq)
}

// TestAgentAnswersSupportCall is the voice issue's "done when": agent1's phone (baresip,
// 2 kHz) registers and the agent becomes available; a demo customer (baresip, 1 kHz)
// dials the hotline, presses 2 (RFC 4733) for technical support, waits in the queue,
// the agent's phone rings and answers, they talk, the caller hangs up. The stereo
// recording holds the caller on the left and the agent on the right; the call record,
// the queue events and the customer's timeline tell the same story.
func TestAgentAnswersSupportCall(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	_, agentID := s.agent(t, "agent1", "1001", "demo-sip-1001", 2000)
	cust, number := s.customer(t, 0)

	caller := siptest.StartBaresip(t, siptest.BaresipConfig{
		Account:  fmt.Sprintf("<sip:%s@127.0.0.1>;regint=0", number),
		Tone:     1000,
		Control:  true,
		Commands: []string{fmt.Sprintf("/dial sip:%s@%s", hotline, s.sip)},
	})
	live := s.liveCall(t, number, "ivr", 20*time.Second)
	if live.CustomerID != cust.ID {
		t.Errorf("live call of customer %d, want %d", live.CustomerID, cust.ID)
	}
	// The digit is sent once the caller's side has the call up; it interrupts the
	// welcome prompt and waits for the menu (type-ahead).
	if !siptest.WaitFor(10*time.Second, func() bool { return containsFold(caller.Output(), "established") }) {
		t.Fatalf("the caller's call is not established\n%s", caller.Output())
	}
	if _, err := caller.Command("sndcode", "2"); err != nil {
		t.Fatal(err)
	}
	s.liveCall(t, number, "talking", 30*time.Second)
	time.Sleep(3 * time.Second) // three seconds of conversation, for the recording
	if _, err := caller.Command("hangup", ""); err != nil {
		t.Fatal(err)
	}
	c := s.ended(t, live.CallID, 20*time.Second)

	if c.Status != contact.StatusCompleted || c.EndedBy != contact.EndedByCaller {
		t.Errorf("call %s, ended by %s (%s)", c.Status, c.EndedBy, c.EndCause)
	}
	if c.Queue != "support" || c.AgentID != agentID || c.CustomerID != cust.ID || c.Dialed != hotline {
		t.Errorf("call queue %q agent %d customer %d dialed %q; want support, %d, %d, %s", c.Queue, c.AgentID, c.CustomerID, c.Dialed, agentID, cust.ID, hotline)
	}
	if c.QueuedAt.IsZero() || c.AnsweredAt.Before(c.QueuedAt) || c.WaitSeconds < 0 || c.WaitSeconds > 20 || c.TalkSeconds < 3 || c.TalkSeconds > 20 {
		t.Errorf("times: queued %v answered %v wait %d s talk %d s", c.QueuedAt, c.AnsweredAt, c.WaitSeconds, c.TalkSeconds)
	}
	if !slices.Contains(c.IVRTrace, "menu") || c.IVRTrace[len(c.IVRTrace)-1] != "support" {
		t.Errorf("IVR trace %v, want the menu and then support", c.IVRTrace)
	}
	if got, want := s.queueKinds(t, c.ID), []string{contact.QueueEntered, contact.QueueOffered, contact.QueueAnswered, contact.QueueDoneByCaller}; !slices.Equal(got, want) {
		t.Errorf("queue events %v, want %v", got, want)
	}

	// The recording: caller (1 kHz) left, agent (2 kHz) right.
	if !c.HasRecording() || c.RecordingSeconds < 3 {
		t.Fatalf("recording %q of %d s", c.RecordingPath, c.RecordingSeconds)
	}
	w, err := media.ReadWAV(s.a.Calls.Path(c.RecordingPath))
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Channels) != 2 {
		t.Fatalf("recording has %d channels", len(w.Channels))
	}
	left, right := w.Channels[0], w.Channels[1]
	t.Logf("recording %s: left 1k %.0f 2k %.0f; right 1k %.0f 2k %.0f", c.RecordingPath,
		level(left, 1000), level(left, 2000), level(right, 1000), level(right, 2000))
	if level(left, 1000) < 1000 || level(left, 2000) > 300 {
		t.Errorf("left channel: want the caller's 1 kHz only")
	}
	if level(right, 2000) < 1000 || level(right, 1000) > 300 {
		t.Errorf("right channel: want the agent's 2 kHz only")
	}

	// The customer's timeline shows the call.
	evs, _, err := s.a.Events.List(ctx, events.Filter{CustomerID: cust.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range evs {
		if e.ContactID == c.ContactID && c.ContactID != 0 {
			kinds = append(kinds, e.Kind)
		}
	}
	for _, k := range []string{"contact.call", "call.started", "call.answered", "call.ended"} {
		if !slices.Contains(kinds, k) {
			t.Errorf("customer timeline events of the call %v: no %s", kinds, k)
		}
	}

	// The customer's contact history has the call with its agent; calling again soon
	// after is a repeat of it.
	ct := s.contact(t, cust.ID, c.ContactID)
	if ct.AgentID != agentID || ct.EndedAt.IsZero() || ct.Channel != crm.ChannelCall || ct.Number != cust.Phones[0].Number {
		t.Errorf("contact %+v: want the call with agent %d, ended", ct, agentID)
	}
	again := siptest.StartBaresip(t, siptest.BaresipConfig{
		Account:  fmt.Sprintf("<sip:%s@127.0.0.1>;regint=0", number),
		Tone:     1000,
		Control:  true,
		Commands: []string{fmt.Sprintf("/dial sip:%s@%s", hotline, s.sip)},
	})
	live2 := s.liveCall(t, number, "ivr", 20*time.Second)
	if !live2.Repeat {
		t.Errorf("the second call is not flagged as a repeat: %+v", live2)
	}
	if !siptest.WaitFor(10*time.Second, func() bool { return containsFold(again.Output(), "established") }) {
		t.Fatalf("the second call is not established\n%s", again.Output())
	}
	if _, err := again.Command("hangup", ""); err != nil {
		t.Fatal(err)
	}
	c2 := s.ended(t, live2.CallID, 20*time.Second)
	ct2 := s.contact(t, cust.ID, c2.ContactID)
	if !c2.Repeat || !slices.Contains(c2.EarlierContacts, c.ContactID) || ct2.RepeatOf != c.ContactID || ct2.AgentID != 0 || ct2.EndedAt.IsZero() {
		t.Errorf("second call repeat %v earlier %v, contact %+v: want a repeat of contact %d", c2.Repeat, c2.EarlierContacts, ct2, c.ContactID)
	}
}

// contact finds contact id in the customer's history.
func (s *server) contact(t *testing.T, customerID, id int64) crm.Contact {
	t.Helper()
	cs, err := s.a.Customers.Contacts(context.Background(), crm.ContactFilter{CustomerID: customerID, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("contact %d is not in customer %d's history", id, customerID)
	return crm.Contact{}
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// TestRegisteredPhoneIsAvailableAgent: a registered phone makes its agent reachable, not
// available; the console's login (LoginAt) makes the agent available in their queues, and
// the phone unregistering logs the agent out.
func TestRegisteredPhoneIsAvailableAgent(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	u, err := s.a.Auth.UserByUsername(ctx, "agent3")
	if err != nil {
		t.Fatal(err)
	}
	probe := siptest.StartBaresip(t, siptest.BaresipConfig{Account: fmt.Sprintf("<sip:1003@%s>;auth_pass=demo-sip-1003;answermode=auto;regint=60", s.sip)})
	if !siptest.WaitFor(20*time.Second, func() bool { return len(s.a.SIP.Registered("1003")) > 0 }) {
		t.Fatalf("the phone did not register\n%s", probe.Output())
	}
	time.Sleep(500 * time.Millisecond)
	if st, err := s.a.Switchboard.Agent(ctx, u.ID); err == nil && st.State != acd.LoggedOut {
		t.Errorf("a registered phone made agent3 %s without a login", st.State)
	}
	probe.Stop()
	if !siptest.WaitFor(10*time.Second, func() bool { return len(s.a.SIP.Registered("1003")) == 0 }) {
		t.Fatal("the phone did not unregister")
	}
	phone, id := s.agent(t, "agent3", "1003", "demo-sip-1003", 2000)
	qs, err := s.a.Switchboard.Queues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, q := range qs {
		if q.Code == "presales" || q.Code == "support" {
			seen++
			if n := q.Agents[acd.Available]; n != 1 {
				t.Errorf("queue %s has %d available agents, want agent3", q.Code, n)
			}
		}
	}
	if seen != 2 {
		t.Errorf("the ACD has %d of agent3's two queues", seen)
	}
	phone.Stop() // baresip unregisters as it exits
	ok := siptest.WaitFor(10*time.Second, func() bool {
		st, err := s.a.Switchboard.Agent(ctx, id)
		return err == nil && st.State == acd.LoggedOut
	})
	if !ok {
		st, err := s.a.Switchboard.Agent(ctx, id)
		t.Fatalf("agent3 after the phone unregistered: %+v, %v", st, err)
	}
	s.agent(t, "agent3", "1003", "demo-sip-1003", 2000) // and back
}
