// Package siptest runs real SIP peers against a Hotline engine in tests: sipp with a
// scenario file (a caller, or a source of malformed requests) and baresip as an agent
// phone (registering with digest auth and answering by itself) or as a caller, each
// sending a sine tone and recording what it hears. Tests skip (or, under
// HOTLINE_TEST_STRICT=1, fail) when the tools are not installed.
package siptest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/testenv"
	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
)

// FreeUDPPort returns a UDP port that was free a moment ago (for a peer's listening or
// media port). Even, so that RTP's RTCP neighbour is odd.
func FreeUDPPort(t testing.TB) int {
	t.Helper()
	return freePort(t, false)
}

// freeSIPPort is FreeUDPPort whose TCP port is free too: baresip binds its SIP port on
// TCP as well, whatever sip_transports says.
func freeSIPPort(t testing.TB) int {
	t.Helper()
	return freePort(t, true)
}

func freePort(t testing.TB, tcpToo bool) int {
	t.Helper()
	for range 50 {
		c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
		if err != nil {
			t.Fatal(err)
		}
		p := c.LocalAddr().(*net.UDPAddr).Port
		c.Close()
		if p%2 == 0 && p < 65000 {
			// and the odd one above too (sipp and baresip use it for RTCP)
			c2, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p + 1})
			if err != nil {
				continue
			}
			c2.Close()
			if tcpToo {
				ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: p})
				if err != nil {
					continue
				}
				ln.Close()
			}
			return p
		}
	}
	t.Fatal("siptest: no free UDP port")
	return 0
}

// Sipp is a finished or running sipp.
type Sipp struct {
	cmd  *exec.Cmd
	out  bytes.Buffer
	dir  string
	done chan struct{}
	err  error
}

// StartSipp runs sipp with scenario file scenario against target ("127.0.0.1:5060") for
// one call. Extra arguments follow (e.g. "-s", "4001", "-t", "t1"). The test's cleanup
// kills it if it still runs.
func StartSipp(t testing.TB, scenario, target string, extra ...string) *Sipp {
	t.Helper()
	bin := testenv.LookPath(t, "sipp", "sip-tester")
	abs, err := filepath.Abs(scenario)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	args := []string{"-sf", abs, "-m", "1", "-l", "1", "-nostdin", "-timeout", "40s", "-timeout_error",
		"-i", "127.0.0.1", "-mi", "127.0.0.1", "-mp", strconv.Itoa(FreeUDPPort(t)),
		"-trace_err", "-error_file", filepath.Join(dir, "errors.log"),
		"-trace_msg", "-message_file", filepath.Join(dir, "messages.log")}
	args = append(args, extra...)
	args = append(args, target)
	s := &Sipp{dir: dir, done: make(chan struct{})}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Dir = dir
	s.cmd.Stdout, s.cmd.Stderr = &s.out, &s.out
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("siptest: start sipp: %v", err)
	}
	go func() {
		s.err = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		select {
		case <-s.done:
		default:
			_ = s.cmd.Process.Kill()
			<-s.done
		}
	})
	return s
}

// Wait waits for sipp to end (at most d) and fails t, with sipp's logs, unless it
// passed its scenario.
func (s *Sipp) Wait(t testing.TB, d time.Duration) {
	t.Helper()
	select {
	case <-s.done:
	case <-time.After(d):
		_ = s.cmd.Process.Kill()
		<-s.done
		t.Fatalf("siptest: sipp still running after %v\n%s", d, s.Logs())
	}
	if s.err != nil {
		t.Fatalf("siptest: sipp failed: %v\n%s", s.err, s.Logs())
	}
}

// Logs are sipp's error and message logs.
func (s *Sipp) Logs() string {
	var b strings.Builder
	for _, f := range []string{"errors.log", "messages.log"} {
		data, _ := os.ReadFile(filepath.Join(s.dir, f))
		fmt.Fprintf(&b, "--- %s\n%s\n", f, data)
	}
	return b.String()
}

// Baresip is a running baresip.
type Baresip struct {
	Dir      string // its config folder (the "dump" WAV files of the sndfile module land here)
	ctrl     string // the ctrl_tcp address, when Control is set
	stop     func()
	stopOnce sync.Once
	cmd      *exec.Cmd
	mu       sync.Mutex
	out      bytes.Buffer
	done     chan struct{}
}

// BaresipConfig says how to run baresip.
type BaresipConfig struct {
	// Account is the accounts-file line, e.g.
	// "<sip:1001@127.0.0.1:5060>;auth_pass=secret;answermode=auto;regint=60".
	Account string
	// Tone is the frequency of the sine it sends (a WAV file played by the aufile module),
	// in Hz.
	Tone int
	// Commands run at start (e.g. "/dial sip:4001@127.0.0.1:5060").
	Commands []string
	// Record dumps what it hears and sends to WAV files (sndfile module) in Dir.
	Record bool
	// Control loads the ctrl_tcp module, so that the test can run commands during a call
	// with Command (e.g. send DTMF digits with "sndcode", hang up with "hangup").
	Control bool
}

// StartBaresip starts baresip with cfg in a temporary folder. The test's cleanup stops
// it.
func StartBaresip(t testing.TB, cfg BaresipConfig) *Baresip {
	t.Helper()
	bin := testenv.LookPath(t, "baresip", "baresip")
	dir := t.TempDir()
	port := freeSIPPort(t)
	rtp := FreeUDPPort(t)
	mods := []string{"g711.so", "aufile.so", "aubridge.so"}
	if cfg.Record {
		mods = append(mods, "sndfile.so")
	}
	var conf strings.Builder
	fmt.Fprintf(&conf, "poll_method\tpoll\nsip_listen\t127.0.0.1:%d\nsip_transports\tudp\n", port)
	tone := filepath.Join(dir, "tone.wav")
	if err := WriteTone(tone, float64(cfg.Tone), 30*time.Second); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(&conf, "audio_player\taubridge,hotline\naudio_source\taufile,%s\naudio_alert\taubridge,alert\n", tone)
	fmt.Fprintf(&conf, "ausrc_srate\t8000\nauplay_srate\t8000\nausrc_channels\t1\nauplay_channels\t1\n")
	fmt.Fprintf(&conf, "rtp_ports\t%d-%d\nrtcp_mux\tno\njitter_buffer_delay\t1-5\n", rtp, rtp+1)
	fmt.Fprintf(&conf, "dns_server\t127.0.0.1:53\nnet_interface\t127.0.0.1\n")
	fmt.Fprintf(&conf, "module_path\t/usr/lib/baresip/modules\n")
	for _, m := range mods {
		fmt.Fprintf(&conf, "module\t%s\n", m)
	}
	fmt.Fprintf(&conf, "module_app\taccount.so\nmodule_app\tmenu.so\n")
	ctrl := ""
	if cfg.Control {
		ctrl = fmt.Sprintf("127.0.0.1:%d", freeTCPPort(t))
		fmt.Fprintf(&conf, "module_app\tctrl_tcp.so\nctrl_tcp_listen\t%s\n", ctrl)
	}
	if cfg.Record {
		fmt.Fprintf(&conf, "snd_path\t%s\n", dir)
	}
	write := func(name, data string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("config", conf.String())
	write("accounts", cfg.Account+"\n")
	write("contacts", "")
	args := []string{"-f", dir}
	for _, c := range cfg.Commands {
		args = append(args, "-e", c)
	}
	b := &Baresip{Dir: dir, ctrl: ctrl, done: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	b.cmd = exec.CommandContext(ctx, bin, args...)
	b.cmd.Dir = dir
	b.cmd.Stdout, b.cmd.Stderr = b, b
	b.cmd.WaitDelay = 3 * time.Second
	if err := b.cmd.Start(); err != nil {
		cancel()
		t.Fatalf("siptest: start baresip: %v", err)
	}
	go func() {
		_ = b.cmd.Wait()
		close(b.done)
	}()
	b.stop = func() {
		_ = b.cmd.Process.Signal(os.Interrupt)
		select {
		case <-b.done:
		case <-time.After(3 * time.Second):
			cancel()
			<-b.done
		}
		cancel()
	}
	t.Cleanup(func() {
		b.Stop()
		if t.Failed() {
			t.Logf("baresip output:\n%s", b.Output())
		}
	})
	return b
}

// Stop stops baresip as a user would (it hangs up and unregisters) and waits for it to
// exit; the test's cleanup calls it too.
func (b *Baresip) Stop() {
	b.stopOnce.Do(b.stop)
}

// Write collects baresip's output.
func (b *Baresip) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.out.Write(p)
}

// Output is what baresip printed so far.
func (b *Baresip) Output() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.out.String()
}

// Command runs a menu command (without the slash, e.g. "sndcode" with params "2", or
// "hangup") through the ctrl_tcp module and returns its answer. baresip must have been
// started with Control.
func (b *Baresip) Command(command, params string) (string, error) {
	if b.ctrl == "" {
		return "", errors.New("siptest: baresip started without Control")
	}
	var conn net.Conn
	var err error
	for range 100 { // the module listens shortly after start
		if conn, err = net.DialTimeout("tcp", b.ctrl, time.Second); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		return "", fmt.Errorf("siptest: baresip control: %w", err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	msg, _ := json.Marshal(map[string]string{"command": command, "params": params, "token": "t"})
	if _, err := fmt.Fprintf(conn, "%d:%s,", len(msg), msg); err != nil {
		return "", err
	}
	r := bufio.NewReader(conn)
	for { // netstrings: events and, once, the response
		n, err := r.ReadString(':')
		if err != nil {
			return "", fmt.Errorf("siptest: baresip control: %w", err)
		}
		size, err := strconv.Atoi(strings.TrimSpace(n[:len(n)-1]))
		if err != nil {
			return "", fmt.Errorf("siptest: baresip control: bad netstring %q", n)
		}
		body := make([]byte, size+1)
		if _, err := io.ReadFull(r, body); err != nil {
			return "", err
		}
		var res struct {
			Response bool   `json:"response"`
			OK       bool   `json:"ok"`
			Data     string `json:"data"`
		}
		if json.Unmarshal(body[:size], &res) != nil || !res.Response {
			continue
		}
		if !res.OK {
			return res.Data, fmt.Errorf("siptest: baresip %s %s: %s", command, params, res.Data)
		}
		return res.Data, nil
	}
}

// freeTCPPort returns a TCP port that was free a moment ago.
func freeTCPPort(t testing.TB) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// Exited is closed when baresip has exited.
func (b *Baresip) Exited() <-chan struct{} { return b.done }

// Dumps lists the WAV files the sndfile module wrote.
func (b *Baresip) Dumps() []string {
	m, _ := filepath.Glob(filepath.Join(b.Dir, "*.wav"))
	return m
}

// WriteTone writes a mono 8 kHz WAV file of a sine of freq Hz lasting d.
func WriteTone(path string, freq float64, d time.Duration) error {
	w, err := media.CreateWAV(path, 1)
	if err != nil {
		return err
	}
	tone := media.NewTone(freq, 8000, int(d/voice.FrameDuration))
	var f voice.Frame
	for tone.ReadFrame(&f) == nil {
		if err := w.WriteMono(&f); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}

// WaitFor polls cond every 20 ms until it holds or d passes; false on timeout.
func WaitFor(d time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(d)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}
