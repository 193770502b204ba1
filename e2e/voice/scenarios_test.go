package voice

import (
	"context"
	"net"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/todo"
	"github.com/hotlinecc/hotline/internal/voice/media"
	"github.com/hotlinecc/hotline/internal/voice/sip/siptest"
)

// sipp runs a sipp caller scenario against the server's hotline number and waits for it
// to pass. sipp's SIP port is a free one (not 5060, which a developer's server may hold);
// it does not linger after a refused call.
func (s *server) sipp(t *testing.T, scenario string, d time.Duration) {
	t.Helper()
	siptest.StartSipp(t, scenario, s.sip, "-s", hotline, "-p", strconv.Itoa(siptest.FreeUDPPort(t)), "-deadcall_wait", "1000").Wait(t, d)
}

// TestCallerAbandonsInQueue: a caller presses 2 (sipp's RFC 4733 recording) for
// technical support, where no agent is logged in, waits and hangs up. The call is
// abandoned with its wait time.
func TestCallerAbandonsInQueue(t *testing.T) {
	s := startServer(t)
	const number = "13700000001"
	s.sipp(t, callerScenario(t, number, 0, pause(500*time.Millisecond), playPCAP(digitPCAP("2")), pause(4*time.Second)), 40*time.Second)
	c := s.lastCall(t, number, 10*time.Second)
	if c.Status != contact.StatusAbandoned || c.EndedBy != contact.EndedByCaller || c.Queue != "support" {
		t.Errorf("call %s by %s in queue %q, want abandoned by the caller in support", c.Status, c.EndedBy, c.Queue)
	}
	if c.WaitSeconds < 2 || c.WaitSeconds > 6 || c.AgentID != 0 || c.HasRecording() {
		t.Errorf("wait %d s, agent %d, recording %q", c.WaitSeconds, c.AgentID, c.RecordingPath)
	}
	if got, want := s.queueKinds(t, c.ID), []string{contact.QueueEntered, contact.QueueAbandoned}; !slices.Equal(got, want) {
		t.Errorf("queue events %v, want %v", got, want)
	}
	qe, _ := s.a.Calls.QueueEvents(context.Background(), c.ID)
	if last := qe[len(qe)-1]; last.WaitSeconds != c.WaitSeconds {
		t.Errorf("abandoned event waited %d s, the call %d s", last.WaitSeconds, c.WaitSeconds)
	}
}

// voicemailTodo finds the open call-back to-do for number in queue code, seen by
// agent1 (a member of pre-sales and support).
func (s *server) voicemailTodo(t *testing.T, number, code string) *todo.Todo {
	t.Helper()
	ctx := context.Background()
	u, err := s.a.Auth.UserByUsername(ctx, "agent1")
	if err != nil {
		t.Fatal(err)
	}
	qid, err := s.a.Queues.Queues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var want int64
	for _, q := range qid {
		if q.Code == code {
			want = q.ID
		}
	}
	todos, _, err := s.a.Todos.List(ctx, todo.Filter{UserID: u.ID}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, td := range todos {
		if strings.Contains(td.Title, number) {
			if td.QueueID != want || td.Kind != todo.Callback {
				t.Errorf("to-do %+v: want a call-back for queue %s (%d)", td, code, want)
			}
			return td
		}
	}
	t.Fatalf("no to-do for %s among %d", number, len(todos))
	return nil
}

// checkVoicemail checks that the call left a message holding the caller's 1 kHz tone.
func (s *server) checkVoicemail(t *testing.T, c *contact.Call) {
	t.Helper()
	if c.Status != contact.StatusVoicemail || c.VoicemailPath == "" || c.VoicemailSeconds < 2 {
		t.Fatalf("call %s, voicemail %q of %d s", c.Status, c.VoicemailPath, c.VoicemailSeconds)
	}
	w, err := media.ReadWAV(s.a.Calls.Path(c.VoicemailPath))
	if err != nil {
		t.Fatal(err)
	}
	if l := level(w.Channels[0], 1000); len(w.Channels) != 1 || l < 1000 {
		t.Errorf("voicemail: %d channels, 1 kHz at %.0f; want the caller's tone", len(w.Channels), l)
	}
}

// TestClosedHoursVoicemail: at 23:00 the demo flow plays the closed-hours message and
// takes a message for pre-sales: the caller's words are in the voicemail file and the
// group has a call-back to-do.
func TestClosedHoursVoicemail(t *testing.T) {
	s := startServer(t)
	s.at(23, 0)
	const number = "13700000002"
	// closed (4.8 s) and voicemail (3.4 s) prompts, the beep, then about 4 s of message
	tone := tonePCAP(t, 1000, 16*time.Second)
	s.sipp(t, callerScenario(t, number, 0, playPCAP(tone), pause(13*time.Second)), 60*time.Second)
	c := s.lastCall(t, number, 10*time.Second)
	if !slices.Contains(c.IVRTrace, "closed") || c.Queue != "" {
		t.Errorf("IVR trace %v, queue %q: want the closed-hours path", c.IVRTrace, c.Queue)
	}
	s.checkVoicemail(t, c)
	s.voicemailTodo(t, number, "presales")
}

// TestMaxWaitVoicemail: technical support's maximum wait (shortened to 2 s) passes with
// no agent logged in; the caller is sent to voicemail and support gets the to-do.
func TestMaxWaitVoicemail(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	qs, err := s.a.Queues.Routing(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range qs {
		if q.Queue.Code == "support" {
			q.Queue.MaxWaitSeconds = 2
			if err := s.a.Switchboard.SetQueue(ctx, q.Queue, q.Members); err != nil {
				t.Fatal(err)
			}
		}
	}
	const number = "13700000003"
	tone := tonePCAP(t, 1000, 14*time.Second)
	s.sipp(t, callerScenario(t, number, 0, pause(300*time.Millisecond), playPCAP(digitPCAP("2")), pause(time.Second), playPCAP(tone), pause(10*time.Second)), 60*time.Second)
	c := s.lastCall(t, number, 10*time.Second)
	if c.Queue != "support" || c.WaitSeconds < 2 || c.WaitSeconds > 5 {
		t.Errorf("queue %q, wait %d s; want support, about 2 s", c.Queue, c.WaitSeconds)
	}
	if got, want := s.queueKinds(t, c.ID), []string{contact.QueueEntered, contact.QueueVoicemail}; !slices.Equal(got, want) {
		t.Errorf("queue events %v, want %v", got, want)
	}
	s.checkVoicemail(t, c)
	s.voicemailTodo(t, number, "support")
}

// TestBlockedCallerRefused: a number on the blocklist gets 486, the call is recorded as
// blocked and the entry counts the hit.
func TestBlockedCallerRefused(t *testing.T) {
	s := startServer(t)
	ctx := context.Background()
	const number = "13700000004"
	e, err := s.a.Blocklist.Add(ctx, crm.BlockInput{Pattern: number, Reason: "e2e: harassing calls"})
	if err != nil {
		t.Fatal(err)
	}
	s.sipp(t, callerScenario(t, number, 486), 30*time.Second)
	c := s.lastCall(t, number, 10*time.Second)
	if c.Status != contact.StatusBlocked || c.BlockID != e.ID || !c.AnsweredAt.IsZero() {
		t.Errorf("call %s block %d answered %v; want blocked by %d, never answered", c.Status, c.BlockID, c.AnsweredAt, e.ID)
	}
	got, err := s.a.Blocklist.Get(ctx, e.ID)
	if err != nil || got.Hits != 1 {
		t.Errorf("block entry %+v, %v: want 1 hit", got, err)
	}
}

// TestMalformedRequestsKeepServing: requests missing mandatory headers get 400 (sipp's
// malformed scenario from the SIP engine's tests) and UDP garbage is dropped; the
// server then still takes a call through its IVR.
func TestMalformedRequestsKeepServing(t *testing.T) {
	s := startServer(t)
	s.sipp(t, "../../internal/voice/sip/testdata/uac_malformed.xml", 30*time.Second)
	conn, err := net.Dial("udp", s.sip)
	if err != nil {
		t.Fatal(err)
	}
	for _, junk := range []string{"\x00\x01\x02garbage", "INVITE\r\n\r\n", "SIP/2.0 200 OK\r\nVia: nonsense\r\n\r\n", strings.Repeat("A", 4000)} {
		if _, err := conn.Write([]byte(junk)); err != nil {
			t.Fatal(err)
		}
	}
	conn.Close()
	const number = "13700000005"
	s.sipp(t, callerScenario(t, number, 0, pause(time.Second)), 30*time.Second)
	c := s.lastCall(t, number, 10*time.Second)
	if c.Status != contact.StatusCompleted || c.EndedBy != contact.EndedByCaller || len(c.IVRTrace) == 0 {
		t.Errorf("call %s by %s, IVR trace %v: want a call hung up by the caller in the IVR", c.Status, c.EndedBy, c.IVRTrace)
	}
}
