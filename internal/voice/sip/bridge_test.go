package sip

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
	"github.com/hotlinecc/hotline/internal/voice/sip/siptest"
)

// TestBridgeRecordedInStereo is the voice issue's end-to-end call: a caller (baresip
// sending 1 kHz) dials Hotline, the handler answers, rings the agent's phone (baresip
// registered as 1001, sending 2 kHz), bridges both in a room and records the room in
// stereo. The recording holds the caller on the left and the agent on the right, and
// each phone heard the other.
func TestBridgeRecordedInStereo(t *testing.T) {
	dir := NewMemoryDirectory()
	dir.AddAccount("1001", "hotline", "agent-pw")
	dir.AddTrunk(Trunk{Name: "carrier", Enabled: true, DIDs: []DID{{Number: "400-800-1234", FlowID: 7}}})
	e := startEngine(t, dir)
	agent := agentPhone(t, e, "1001", "agent-pw", 2000)

	path := filepath.Join(t.TempDir(), "room.wav")
	type result struct {
		err    error
		dialed string
		flow   int64
		info   voice.RecordInfo
	}
	done := make(chan result, 1)
	e.OnInbound(func(ctx context.Context, in voice.Call) {
		r := result{dialed: in.(*Call).Dialed(), flow: in.(*Call).FlowID()}
		defer func() { done <- r }()
		if r.err = in.Answer(ctx); r.err != nil {
			return
		}
		var ag voice.Call
		ag, r.err = e.Originate(ctx, voice.Dial{To: "1001", From: in.From(), Timeout: 10 * time.Second, AutoAnswer: true})
		if r.err != nil {
			return
		}
		defer ag.Hangup(voice.CauseNormal)
		room := e.NewRoom()
		defer room.Close()
		if r.err = room.Join(in, voice.Role{Kind: voice.Full}); r.err != nil {
			return
		}
		if r.err = room.Join(ag, voice.Role{Kind: voice.Full}); r.err != nil {
			return
		}
		rec, err := room.Record(path, in)
		if r.err = err; err != nil {
			return
		}
		select {
		case <-time.After(2500 * time.Millisecond):
		case <-ctx.Done():
		}
		r.info, r.err = rec.Stop()
	})
	caller := siptest.StartBaresip(t, siptest.BaresipConfig{
		Account:  "<sip:13800001111@127.0.0.1>;regint=0",
		Tone:     1000,
		Record:   true,
		Commands: []string{fmt.Sprintf("/dial sip:4008001234@%s", e.Addr())},
	})
	var r result
	select {
	case r = <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("the call did not finish\ncaller:\n%s\nagent:\n%s", caller.Output(), agent.Output())
	}
	if r.err != nil {
		t.Fatalf("handler: %v\ncaller:\n%s", r.err, caller.Output())
	}
	if r.dialed != "4008001234" || r.flow != 7 {
		t.Errorf("dialed %q flow %d, want the DID's flow 7", r.dialed, r.flow)
	}
	// 2.5 s of wall clock; a starved test machine may skip some 20 ms ticks, which the
	// recording shows as a shorter file, not as a gap.
	if r.info.Duration < 1500*time.Millisecond {
		t.Errorf("recorded %v", r.info.Duration)
	}
	w, err := media.ReadWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(w.Channels) != 2 {
		t.Fatalf("%d channels", len(w.Channels))
	}
	left, right := w.Channels[0], w.Channels[1]
	t.Logf("left 1k %.0f 2k %.0f; right 1k %.0f 2k %.0f", level(left, 1000), level(left, 2000), level(right, 1000), level(right, 2000))
	if level(left, 1000) < 1000 || level(left, 2000) > 300 {
		t.Errorf("left channel: 1 kHz %.0f, 2 kHz %.0f; want the caller's 1 kHz only", level(left, 1000), level(left, 2000))
	}
	if level(right, 2000) < 1000 || level(right, 1000) > 300 {
		t.Errorf("right channel: 2 kHz %.0f, 1 kHz %.0f; want the agent's 2 kHz only", level(right, 2000), level(right, 1000))
	}
	if l := phoneHeard(t, caller, 2000); l < 1000 {
		t.Errorf("the caller heard the agent at level %.0f", l)
	}
	if l := phoneHeard(t, agent, 1000); l < 1000 {
		t.Errorf("the agent heard the caller at level %.0f", l)
	}
}
