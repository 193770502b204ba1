// Package voice runs the voice issue's end-to-end tests: the real Hotline server
// (`hotline serve --demo`, in-process through cli.Run or as a built binary) with its SIP
// engine, taking calls from real peers: baresip as agent phones and callers, sipp as
// callers and as a source of malformed requests. They skip without sipp and baresip
// (Debian packages sip-tester and baresip) and fail under HOTLINE_TEST_STRICT=1.
package voice

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/app"
	"github.com/hotlinecc/hotline/internal/cli"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/testenv"
	"github.com/hotlinecc/hotline/internal/voice/sip/siptest"
)

// hotline is the demo hotline number (the demo trunk's DID).
const hotline = "4008001234"

// server is a `hotline serve --demo` running in-process.
type server struct {
	a    *app.App
	url  string
	sip  string // host:port of the SIP engine
	now  atomic.Pointer[time.Time]
	logs *safeBuffer
}

// safeBuffer is a bytes.Buffer for several writers.
type safeBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *safeBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *safeBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// at sets the clock that the IVR's business-hours node reads to hh:mm today in the
// center's time zone, so that the tests do not depend on the wall clock.
func (s *server) at(hh, mm int) {
	loc := s.a.Config.Location()
	y, m, d := time.Now().In(loc).Date()
	t := time.Date(y, m, d, hh, mm, 0, 0, loc)
	s.now.Store(&t)
}

// startServer runs `hotline serve --demo` on free ports with a temporary data folder,
// the IVR's clock at 10:00 (open). It stops when the test ends; the server's log is
// shown when the test fails.
func startServer(t *testing.T) *server {
	t.Helper()
	// The peers are checked first, so that the test skips before a server starts.
	testenv.LookPath(t, "sipp", "sip-tester")
	testenv.LookPath(t, "baresip", "baresip")
	s := &server{logs: &safeBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	env := cli.Env{
		Args: []string{"hotline", "serve", "--demo", "--data", t.TempDir(), "--http", "127.0.0.1:0",
			"--sip", "127.0.0.1:0", "--rtp-min", "0", "--rtp-max", "0", "--log-level", "info"},
		Getenv: func(string) string { return "" },
		Stdin:  strings.NewReader(""),
		Stdout: s.logs,
		Stderr: s.logs,
		Ready:  func(url string) { ready <- url },
		App: func(a *app.App) {
			s.a = a
			s.at(10, 0)
			a.IVRRunner.Now = func() time.Time { return *s.now.Load() }
		},
	}
	go func() { done <- cli.Run(ctx, env) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
		if t.Failed() {
			t.Logf("server log:\n%s", s.logs)
		}
	})
	select {
	case u := <-ready:
		s.url = strings.TrimSuffix(u, "/")
	case err := <-done:
		done <- err
		t.Fatalf("server stopped before listening: %v\n%s", err, s.logs)
	case <-time.After(2 * time.Minute):
		t.Fatalf("server did not listen within two minutes\n%s", s.logs)
	}
	s.sip = s.a.SIP.Addr().String()
	return s
}

// agent starts baresip as the demo agent's phone (auto-answer, sending a tone of tone
// Hz), waits until the phone is registered and logs the agent in through the
// switchboard with that phone, as the console's login does.
func (s *server) agent(t *testing.T, username, ext, password string, tone int) (*siptest.Baresip, int64) {
	t.Helper()
	u, err := s.a.Auth.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	b := siptest.StartBaresip(t, siptest.BaresipConfig{
		Account: fmt.Sprintf("<sip:%s@%s>;auth_pass=%s;answermode=auto;regint=60", ext, s.sip, password),
		Tone:    tone, Record: true,
	})
	if !siptest.WaitFor(20*time.Second, func() bool { return len(s.a.SIP.Registered(ext)) > 0 }) {
		t.Fatalf("the phone %s of agent %s did not register\n%s", ext, username, b.Output())
	}
	if err := s.a.Switchboard.LoginAt(context.Background(), u.ID, ext); err != nil {
		t.Fatalf("log in agent %s at %s: %v", username, ext, err)
	}
	st, err := s.a.Switchboard.Agent(context.Background(), u.ID)
	if err != nil || st.State != acd.Available {
		t.Fatalf("agent %s after login: %+v, %v", username, st, err)
	}
	return b, u.ID
}

// customer returns a demo customer whose first phone number, a mobile, belongs to them
// alone, and that number as a carrier presents it (national, 13812345678).
func (s *server) customer(t *testing.T, skip int) (*crm.Customer, string) {
	t.Helper()
	ctx := context.Background()
	cs, _, err := s.a.Customers.Search(ctx, crm.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if len(c.Phones) == 0 || !strings.HasPrefix(c.Phones[0].Number, "+861") {
			continue
		}
		if same, err := s.a.Customers.LookupByPhone(ctx, c.Phones[0].Number); err != nil || len(same) != 1 {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		return c, strings.TrimPrefix(c.Phones[0].Number, "+86")
	}
	t.Fatalf("no demo customer with a mobile number of their own among %d", len(cs))
	return nil, ""
}

// liveCall waits for a call from number in state (ivr, waiting, ringing, talking...).
func (s *server) liveCall(t *testing.T, from, state string, d time.Duration) contact.LiveCall {
	t.Helper()
	var found contact.LiveCall
	ok := siptest.WaitFor(d, func() bool {
		live, err := s.a.Switchboard.Live(context.Background())
		if err != nil {
			return false
		}
		for _, c := range live {
			if strings.Contains(c.From, from) && c.State == state {
				found = c
				return true
			}
		}
		return false
	})
	if !ok {
		live, _ := s.a.Switchboard.Live(context.Background())
		t.Fatalf("no call from %s in state %s within %v; live calls %+v", from, state, d, live)
	}
	return found
}

// ended waits until call id's record is closed and returns it.
func (s *server) ended(t *testing.T, id int64, d time.Duration) *contact.Call {
	t.Helper()
	var c *contact.Call
	ok := siptest.WaitFor(d, func() bool {
		var err error
		c, err = s.a.Calls.Get(context.Background(), id)
		return err == nil && c.Status != contact.StatusActive
	})
	if !ok {
		t.Fatalf("call %d still open after %v: %+v", id, d, c)
	}
	return c
}

// lastCall waits for the newest call record from number that is closed.
func (s *server) lastCall(t *testing.T, number string, d time.Duration) *contact.Call {
	t.Helper()
	var c *contact.Call
	ok := siptest.WaitFor(d, func() bool {
		cs, _, err := s.a.Calls.List(context.Background(), contact.Filter{Number: number, Limit: 1})
		if err != nil || len(cs) == 0 || cs[0].Status == contact.StatusActive {
			return false
		}
		c = cs[0]
		return true
	})
	if !ok {
		t.Fatalf("no closed call from %s within %v", number, d)
	}
	return c
}

// queueKinds lists a call's queue events in order.
func (s *server) queueKinds(t *testing.T, id int64) []string {
	t.Helper()
	qe, err := s.a.Calls.QueueEvents(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range qe {
		out = append(out, e.Kind)
	}
	return out
}
