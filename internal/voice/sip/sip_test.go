package sip

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/sip/siptest"
)

// startEngine starts an engine on a free port of 127.0.0.1 with dir; Close runs at
// cleanup and must leave no call behind.
func startEngine(t *testing.T, dir Directory) *Engine {
	t.Helper()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if os.Getenv("HOTLINE_SIP_DEBUG") != "" {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	e, err := New(Options{Addr: "127.0.0.1:0", Directory: dir, Log: log, RTPMin: 0})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		done := make(chan struct{})
		go func() { e.Close(); close(done) }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Error("engine Close did not return")
		}
		if n := e.Calls(); n != 0 {
			t.Errorf("%d calls left after Close", n)
		}
	})
	return e
}

// waitCh waits for a value from ch.
func waitCh[T any](t *testing.T, ch <-chan T, d time.Duration, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(d):
		t.Fatalf("timed out waiting for %s", what)
	}
	var zero T
	return zero
}

func TestSippDTMFAndInfo(t *testing.T) {
	e := startEngine(t, NewMemoryDirectory())
	type result struct {
		digits string
		err    error
		cause  voice.Cause
		remote bool
		call   *Call
	}
	got := make(chan result, 1)
	e.OnInbound(func(ctx context.Context, vc voice.Call) {
		r := result{call: vc.(*Call)}
		if r.err = vc.Answer(ctx); r.err == nil {
			r.digits, r.err = vc.Collect(ctx, voice.Collect{Max: 5, Timeout: 10 * time.Second, Terminators: "#"})
		}
		<-vc.Done()
		r.cause = vc.Cause()
		for ev := range vc.Events() {
			if ev.Kind == voice.EventHangup {
				r.remote = ev.Remote
			}
		}
		got <- r
	})
	s := siptest.StartSipp(t, "testdata/uac_dtmf.xml", e.Addr().String(), "-s", "4001")
	s.Wait(t, 30*time.Second)
	r := waitCh(t, got, 10*time.Second, "the handler")
	if r.err != nil || r.digits != "15" {
		t.Fatalf("Collect = %q, %v; want \"15\" (1 by RFC 4733 from the pcap, 5 by INFO, # by INFO ends)", r.digits, r.err)
	}
	if r.cause != voice.CauseNormal || !r.remote {
		t.Errorf("cause %s remote %v, want normal by the caller", r.cause, r.remote)
	}
	if r.call.From() != "13812345678" || r.call.Dialed() != "4001" || r.call.Direction() != voice.Inbound {
		t.Errorf("call from %q dialed %q dir %s", r.call.From(), r.call.Dialed(), r.call.Direction())
	}
}

func TestSippCancelBeforeAnswer(t *testing.T) {
	e := startEngine(t, NewMemoryDirectory())
	causes := make(chan voice.Cause, 1)
	e.OnInbound(func(ctx context.Context, vc voice.Call) {
		<-vc.Done() // never answers
		causes <- vc.Cause()
	})
	s := siptest.StartSipp(t, "testdata/uac_cancel.xml", e.Addr().String(), "-s", "4001")
	s.Wait(t, 30*time.Second)
	if c := waitCh(t, causes, 10*time.Second, "the hangup"); c != voice.CauseCancelled {
		t.Errorf("cause %s, want cancelled", c)
	}
}
