package voice

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/app"
	"github.com/hotlinecc/hotline/internal/config"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/ivr"
	"github.com/hotlinecc/hotline/internal/testenv"
	"github.com/hotlinecc/hotline/internal/voice/media"
	"github.com/hotlinecc/hotline/internal/voice/sip/siptest"
)

// process is a `hotline serve` running as a child process.
type process struct {
	cmd  *exec.Cmd
	out  *safeBuffer
	done chan struct{}
}

// startProcess runs bin serve with args and waits until the console listens.
func startProcess(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	p := &process{out: &safeBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, append([]string{"serve"}, args...)...)
	p.cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	pr, pw := io.Pipe()
	p.cmd.Stdout, p.cmd.Stderr = pw, pw
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		seen := false
		for sc.Scan() {
			fmt.Fprintln(p.out, sc.Text())
			if !seen && strings.Contains(sc.Text(), "console: http://") {
				seen = true
				close(listening)
			}
		}
	}()
	go func() {
		_ = p.cmd.Wait()
		pw.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.kill(syscall.SIGKILL)
		if t.Failed() {
			t.Logf("%s log:\n%s", bin, p.out)
		}
	})
	select {
	case <-listening:
	case <-p.done:
		t.Fatalf("hotline stopped before listening:\n%s", p.out)
	case <-time.After(2 * time.Minute):
		t.Fatalf("hotline did not listen within two minutes:\n%s", p.out)
	}
	return p
}

// kill sends sig and waits for the process to end.
func (p *process) kill(sig syscall.Signal) {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(sig)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// openData opens the data folder's database as the server does (migrations, recovery).
func openData(t *testing.T, dir string) *app.App {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir, cfg.SIPAddr = dir, ""
	a, err := app.Open(context.Background(), cfg, slog.New(slog.DiscardHandler), "test")
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// buildHotline builds the hotline binary into a temporary folder.
func buildHotline(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "hotline")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, "github.com/hotlinecc/hotline/cmd/hotline")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestKilledMidCall: a real `hotline serve --demo` process is killed (SIGKILL) while an
// agent talks to a caller; started again on the same data folder, it closes the call as
// interrupted, and the recording, its header repaired, holds both parties.
func TestKilledMidCall(t *testing.T) {
	testenv.LookPath(t, "sipp", "sip-tester")
	testenv.LookPath(t, "baresip", "baresip")
	bin := buildHotline(t)
	data := t.TempDir()
	sipAddr := "127.0.0.1:" + strconv.Itoa(siptest.FreeUDPPort(t))
	args := []string{"--demo", "--data", data, "--http", "127.0.0.1:0", "--sip", sipAddr, "--rtp-min", "0", "--rtp-max", "0", "--agent-auto-login"}

	// The demo center, open around the clock so that the test does not depend on the
	// time of day.
	demo := exec.Command(bin, "demo", "--data", data)
	demo.Env = []string{"PATH=" + os.Getenv("PATH")}
	if out, err := demo.CombinedOutput(); err != nil {
		t.Fatalf("hotline demo: %v\n%s", err, out)
	}
	a := openData(t, data)
	ctx := context.Background()
	f, err := a.IVR.DefaultFlow(ctx)
	if err != nil {
		t.Fatal(err)
	}
	f.Node("hours").Params.Hours = &ivr.Hours{Week: slices.Repeat([]string{"00:00-24:00"}, 7)}
	if err := a.IVR.UpdateFlow(ctx, f, 0); err != nil {
		t.Fatal(err)
	}
	customers, err := a.Customers.Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s := &server{a: a}
	cust, number := s.customer(t, 2)
	a.Close()

	p := startProcess(t, bin, args...)
	agent := siptest.StartBaresip(t, siptest.BaresipConfig{
		Account: fmt.Sprintf("<sip:1001@%s>;auth_pass=demo-sip-1001;answermode=auto;regint=60", sipAddr),
		Tone:    2000,
	})
	if !siptest.WaitFor(20*time.Second, func() bool { return strings.Contains(p.out.String(), "user=1001") }) {
		t.Fatalf("the agent's phone did not register\n%s", agent.Output())
	}
	caller := siptest.StartBaresip(t, siptest.BaresipConfig{
		Account:  fmt.Sprintf("<sip:%s@127.0.0.1>;regint=0", number),
		Tone:     1000,
		Control:  true,
		Commands: []string{fmt.Sprintf("/dial sip:%s@%s", hotline, sipAddr)},
	})
	if !siptest.WaitFor(20*time.Second, func() bool { return containsFold(caller.Output(), "established") }) {
		t.Fatalf("the caller's call is not established\n%s", caller.Output())
	}
	if _, err := caller.Command("sndcode", "2"); err != nil {
		t.Fatal(err)
	}
	if !siptest.WaitFor(30*time.Second, func() bool { return containsFold(agent.Output(), "established") }) {
		t.Fatalf("the agent did not answer\n%s", agent.Output())
	}
	time.Sleep(3 * time.Second) // they talk; the recording grows
	p.kill(syscall.SIGKILL)

	// Started again, the server closes what the killed one left open.
	p2 := startProcess(t, bin, args...)
	if !strings.Contains(p2.out.String(), "closed interrupted calls") {
		t.Errorf("the restarted server did not report the interrupted call")
	}
	p2.kill(syscall.SIGTERM)

	a = openData(t, data)
	defer a.Close()
	// The newest call from the number (the demo call log has older ones).
	cs, _, err := a.Calls.List(ctx, contact.Filter{Number: number, Limit: 1})
	if err != nil || len(cs) != 1 || cs[0].From != number {
		t.Fatalf("calls from %s: %+v, %v", number, cs, err)
	}
	c := cs[0]
	if c.Status != contact.StatusInterrupted || c.EndedAt.IsZero() {
		t.Errorf("call %s ended %v: want interrupted", c.Status, c.EndedAt)
	}
	if c.CustomerID != cust.ID || c.Queue != "support" || c.AgentID == 0 || c.AnsweredAt.IsZero() {
		t.Errorf("call customer %d queue %q agent %d answered %v: the record lost what it knew", c.CustomerID, c.Queue, c.AgentID, c.AnsweredAt)
	}
	s.a = a
	if got := s.queueKinds(t, c.ID); !slices.Equal(got, []string{contact.QueueEntered, contact.QueueOffered, contact.QueueAnswered}) {
		t.Errorf("queue events %v", got)
	}
	if c.RecordingPath == "" || c.RecordingSeconds < 2 {
		t.Fatalf("recording %q of %d s", c.RecordingPath, c.RecordingSeconds)
	}
	w, err := media.ReadWAV(a.Calls.Path(c.RecordingPath))
	if err != nil {
		t.Fatalf("the recording does not decode: %v", err)
	}
	if len(w.Channels) != 2 || len(w.Channels[0]) < 2*8000 {
		t.Fatalf("recording: %d channels", len(w.Channels))
	}
	left, right := w.Channels[0], w.Channels[1]
	t.Logf("recording of %d s: left 1k %.0f, right 2k %.0f", c.RecordingSeconds, level(left, 1000), level(right, 2000))
	if level(left, 1000) < 1000 || level(right, 2000) < 1000 {
		t.Errorf("the recording lost a party: left 1 kHz %.0f, right 2 kHz %.0f", level(left, 1000), level(right, 2000))
	}
	if n, err := a.Customers.Count(ctx); err != nil || n != customers {
		t.Errorf("customers after the crash: %d (%v), want %d", n, err, customers)
	}
}
