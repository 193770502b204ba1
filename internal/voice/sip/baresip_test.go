package sip

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
	"github.com/hotlinecc/hotline/internal/voice/sip/siptest"
)

// agentPhone starts baresip as extension ext registering with password pass and
// answering by itself, sending a sine of tone Hz; it waits until it registered.
func agentPhone(t *testing.T, e *Engine, ext, pass string, tone int) *siptest.Baresip {
	t.Helper()
	b := siptest.StartBaresip(t, siptest.BaresipConfig{
		Account: fmt.Sprintf("<sip:%s@%s>;auth_pass=%s;answermode=auto;regint=60", ext, e.Addr(), pass),
		Tone:    tone, Record: true,
	})
	exited := func() bool {
		select {
		case <-b.Exited():
			return true
		default:
			return false
		}
	}
	if !siptest.WaitFor(15*time.Second, func() bool { return len(e.Registered(ext)) > 0 || exited() }) || exited() {
		t.Fatalf("baresip did not register as %s\n%s", ext, b.Output())
	}
	return b
}

// level is the tone level of freq in the middle of samples (skipping the start, where
// jitter buffers fill).
func level(samples []int16, freq float64) float64 {
	if len(samples) < 8000 {
		return media.ToneLevel(samples, freq)
	}
	mid := samples[len(samples)/4 : len(samples)*3/4]
	return media.ToneLevel(mid[:len(mid)/160*160], freq)
}

func TestBaresipRegisterAndOriginate(t *testing.T) {
	dir := NewMemoryDirectory()
	dir.AddAccount("1001", "hotline", "s3cret-1001")
	e := startEngine(t, dir)
	b := agentPhone(t, e, "1001", "s3cret-1001", 2000)
	reg := e.Registered("1001")[0]
	if reg.Transport != "UDP" || reg.UserAgent == "" {
		t.Errorf("registration %+v", reg)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	vc, err := e.Originate(ctx, voice.Dial{To: "1001", From: "4001", FromName: "热线", Timeout: 10 * time.Second, AutoAnswer: true})
	if err != nil {
		t.Fatalf("Originate: %v\n%s", err, b.Output())
	}
	path := filepath.Join(t.TempDir(), "call.wav")
	rec, err := vc.Record(path, voice.RecordOptions{Stereo: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := vc.Play(ctx, voice.Prompt{Source: media.NewTone(1000, 8000, 75)}); err != nil {
		t.Fatal(err)
	}
	info, err := rec.Stop()
	if err != nil || info.Duration < time.Second {
		t.Fatalf("recording %+v, %v", info, err)
	}
	_ = vc.Hangup(voice.CauseNormal)
	w, err := media.ReadWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	heardFromPhone, sentToPhone := w.Channels[0], w.Channels[1]
	if l := level(heardFromPhone, 2000); l < 1000 {
		t.Errorf("the phone's 2 kHz tone reached us at level %.0f", l)
	}
	if l := level(sentToPhone, 1000); l < 4000 {
		t.Errorf("our 1 kHz prompt is at level %.0f in the right channel", l)
	}
	// The phone got our prompt: its decoder dump holds 1 kHz.
	if l := phoneHeard(t, b, 1000); l < 1000 {
		t.Errorf("baresip heard our 1 kHz tone at level %.0f", l)
	}
}

// phoneHeard is the level of freq in what baresip decoded (its sndfile "dec" dump),
// waiting for baresip to finish the file after the hangup.
func phoneHeard(t *testing.T, b *siptest.Baresip, freq float64) float64 {
	t.Helper()
	var best float64
	siptest.WaitFor(5*time.Second, func() bool {
		for _, f := range b.Dumps() {
			if !strings.HasSuffix(f, "-dec.wav") {
				continue
			}
			if w, err := media.ReadWAV(f); err == nil && len(w.Channels) == 1 && len(w.Channels[0]) > 0 {
				best = max(best, level(w.Channels[0], freq))
				return true
			}
		}
		return false
	})
	return best
}

func TestOriginateRefusals(t *testing.T) {
	dir := NewMemoryDirectory()
	dir.AddAccount("1002", "hotline", "pw")
	e := startEngine(t, dir)
	for _, to := range []string{"1002", "9999"} { // known but not registered; unknown, no trunk
		_, err := e.Originate(context.Background(), voice.Dial{To: to, Timeout: time.Second})
		if !errors.Is(err, voice.ErrUnavailable) {
			t.Errorf("Originate(%s) = %v, want unavailable", to, err)
		}
	}
}
