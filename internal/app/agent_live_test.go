package app

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/config"
	"github.com/hotlinecc/hotline/internal/demo"
	"github.com/hotlinecc/hotline/internal/events"
)

// liveApp runs the demo center with the switchboard started (no SIP engine: nothing
// calls, but agents log in and take breaks) behind a test HTTP server.
func liveApp(t *testing.T) (*App, *httptest.Server, func(user string) string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	a, err := Open(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if err := a.startSwitchboard(ctx); err != nil {
		t.Fatal(err)
	}
	a.voiceOn.Store(true)
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
		cancel()
		a.Close()
	})
	token := func(user string) string {
		_, p, err := a.Auth.Login(ctx, user, demo.Password, "127.0.0.9", "")
		if err != nil {
			t.Fatal(err)
		}
		_, tok, err := a.Auth.CreateToken(ctx, p, "live test", 0)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	return a, srv, token
}

// sseClient reads named events from a /live stream.
type sseClient struct {
	t      *testing.T
	events chan [2]string // name, data
}

func openSSE(t *testing.T, srv *httptest.Server, token, query string) *sseClient {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", srv.URL+"/live?"+query, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set("Accept-Language", "en")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("GET /live?%s: %d %s", query, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	c := &sseClient{t: t, events: make(chan [2]string, 64)}
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); resp.Body.Close(); <-done })
	go func() {
		defer close(done)
		defer close(c.events)
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 0, 1<<16), 1<<22)
		var name string
		var data []string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if name != "" {
					c.events <- [2]string{name, strings.Join(data, "\n")}
				}
				name, data = "", nil
			case strings.HasPrefix(line, "event: "):
				name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = append(data, strings.TrimPrefix(line, "data: "))
			}
		}
	}()
	return c
}

// next waits for an event named name whose data satisfies ok.
func (c *sseClient) next(name string, within time.Duration, ok func(data string) bool) (string, bool) {
	deadline := time.After(within)
	for {
		select {
		case e, open := <-c.events:
			if !open {
				return "", false
			}
			if e[0] == name && ok(e[1]) {
				return e[1], true
			}
		case <-deadline:
			return "", false
		}
	}
}

func appendEvent(t *testing.T, a *App, e *events.Event) {
	t.Helper()
	ctx := context.Background()
	if err := a.DB.Tx(ctx, func(tx *sql.Tx) error { return a.Events.Append(ctx, tx, e) }); err != nil {
		t.Fatal(err)
	}
	a.Events.Notify()
}

// An agent's break reaches a supervisor's wallboard stream within a second.
func TestWallboardSeesAgentBreakLive(t *testing.T) {
	a, srv, token := liveApp(t)
	ctx := context.Background()
	agent, err := a.Auth.UserByUsername(ctx, "agent1")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Switchboard.Login(ctx, agent.ID, nil); err != nil {
		t.Fatal(err)
	}
	state := regexp.MustCompile(`(?s)data-agent="` + strconv.FormatInt(agent.ID, 10) + `".*?data-state="([a-z_]+)"`)
	stateIs := func(want string) func(string) bool {
		return func(d string) bool { m := state.FindStringSubmatch(d); return m != nil && m[1] == want }
	}
	wb := openSSE(t, srv, token("supervisor"), "view=wallboard")
	if _, ok := wb.next("wallboard", 5*time.Second, stateIs("available")); !ok {
		t.Fatal("the first wallboard does not show agent1 available")
	}

	start := time.Now()
	if err := a.Switchboard.Break(ctx, agent.ID, "meal"); err != nil {
		t.Fatal(err)
	}
	// What the switchboard logs for the change (it wakes the stream).
	appendEvent(t, a, &events.Event{Kind: "agent.state", ActorID: agent.ID, Data: map[string]any{"state": "break", "reason": "meal"}})
	data, ok := wb.next("wallboard", time.Second, stateIs("break"))
	elapsed := time.Since(start)
	if !ok || elapsed >= time.Second {
		t.Fatalf("the break reached the wallboard after %v (seen %v)", elapsed, ok)
	}
	if !strings.Contains(data, "Meal") {
		t.Errorf("the wallboard does not name the break reason")
	}
	t.Logf("agent state to wallboard: %v", elapsed)
}

// An agent's stream carries their own offers and no one else's; another agent's
// wallboard request is refused.
func TestAgentStreamIsPrivate(t *testing.T) {
	a, srv, token := liveApp(t)
	ctx := context.Background()
	ids := map[string]int64{}
	for _, u := range []string{"agent1", "agent2"} {
		usr, err := a.Auth.UserByUsername(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		ids[u] = usr.ID
	}
	tok := token("agent1")
	// Agents may not read the wallboard.
	req, _ := http.NewRequest("GET", srv.URL+"/live?view=wallboard", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Fatalf("agent's wallboard stream: %v %v", resp.StatusCode, err)
	} else {
		resp.Body.Close()
	}
	s := openSSE(t, srv, tok, "view=agent")
	if _, ok := s.next("status", 5*time.Second, func(d string) bool { return strings.Contains(d, `data-state="logged_out"`) }); !ok {
		t.Fatal("no first status")
	}
	offer := func(agent int64, from string) {
		appendEvent(t, a, &events.Event{Kind: "call.offered", Data: map[string]any{
			"agent_id": agent, "call_id": 77, "from": from, "customer_name": "张伟", "customer_id": 3, "vip_level": 2,
			"repeat": true, "earlier_contacts": []int64{5, 6}, "open_tickets": []int64{9}, "ivr_trace": []string{"main", "2"},
			"digits": "2", "queue": "complaints", "wait_seconds": 14}})
	}
	offer(ids["agent2"], "13900000002")
	offer(ids["agent1"], "13900000001")
	pop, ok := s.next("pop", 2*time.Second, func(string) bool { return true })
	if !ok {
		t.Fatal("no screen pop")
	}
	for _, want := range []string{"139 0000 0001", "张伟", "VIP 2", "/kb/scripts?type=complaint", "data-testid=\"pop-repeat\"", "/tickets/9", "main → 2"} {
		if !strings.Contains(pop, want) && !strings.Contains(pop, strings.ReplaceAll(want, " ", "")) {
			t.Errorf("screen pop lacks %q:\n%s", want, pop)
		}
	}
	if strings.Contains(pop, "13900000002") || strings.Contains(pop, "139 0000 0002") {
		t.Error("agent1 sees agent2's offer")
	}
}

// The agent API: state changes with bad input refused, call controls the switchboard
// does not offer yet answered cleanly, and the wallboard for supervisors only.
func TestAgentAPI(t *testing.T) {
	a, srv, token := liveApp(t)
	agentTok, supTok, analystTok := token("agent1"), token("supervisor"), token("analyst")
	call := func(tok, method, path, body string) (int, map[string]any) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	for _, tc := range []struct {
		name, tok, method, path, body string
		status                        int
		want                          string
	}{
		{"logged out at first", agentTok, "GET", "/api/v1/agent/state", "", 200, `"logged_out"`},
		{"available needs a login", agentTok, "POST", "/api/v1/agent/state", `{"state":"available"}`, 409, ""},
		{"unknown state", agentTok, "POST", "/api/v1/agent/state", `{"state":"asleep"}`, 400, "state"},
		{"analyst takes no calls", analystTok, "GET", "/api/v1/agent/state", "", 403, ""},
		{"unknown action", agentTok, "POST", "/api/v1/agent/call/explode", `{}`, 404, ""},
		{"bad digits", agentTok, "POST", "/api/v1/agent/call/dtmf", `{"digits":"12x"}`, 400, "digits"},
		{"transfer without target", agentTok, "POST", "/api/v1/agent/call/transfer", `{"target_kind":"queue"}`, 400, "target"},
		{"hold without a call", agentTok, "POST", "/api/v1/agent/call/hold", `{}`, 409, "You have no call going on."},
		{"wrap-up without disposition", agentTok, "POST", "/api/v1/agent/call/wrapup", `{}`, 400, "disposition"},
		{"agents see no wallboard", agentTok, "GET", "/api/v1/wallboard", "", 403, ""},
		{"supervisor wallboard", supTok, "GET", "/api/v1/wallboard", "", 200, `"running":true`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, out := call(tc.tok, tc.method, tc.path, tc.body)
			raw, _ := json.Marshal(out)
			if status != tc.status || !strings.Contains(string(raw), tc.want) {
				t.Fatalf("%s %s: %d %s", tc.method, tc.path, status, raw)
			}
		})
	}
	// Logged in: a break needs one of the reasons; then a break and back.
	agent, err := a.Auth.UserByUsername(context.Background(), "agent1")
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Switchboard.Login(context.Background(), agent.ID, nil); err != nil {
		t.Fatal(err)
	}
	for _, step := range []struct {
		body   string
		status int
		want   string
	}{
		{`{"state":"break","reason":"nap"}`, 400, "reason"},
		{`{"state":"break","reason":"training"}`, 200, `"reason":"training"`},
		{`{"state":"available"}`, 200, `"state":"available"`},
	} {
		status, out := call(agentTok, "POST", "/api/v1/agent/state", step.body)
		raw, _ := json.Marshal(out)
		if status != step.status || !strings.Contains(string(raw), step.want) {
			t.Fatalf("POST state %s: %d %s", step.body, status, raw)
		}
	}
}

// The console's agent and wallboard pages: who may open them, and bad input shown in
// the agent's panel without changing anything.
func TestAgentConsoleForms(t *testing.T) {
	a, srv, token := liveApp(t)
	agentTok := token("agent1")
	send := func(tok, method, path string, form url.Values, htmx bool) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Accept-Language", "en")
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		if htmx {
			req.Header.Set("HX-Request", "true")
			req.Header.Set("HX-Target", "agent-panel")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, tc := range []struct {
		user, path string
		status     int
	}{
		{"agent1", "/agent", 200}, {"qa", "/agent", 403}, {"analyst", "/wallboard", 200},
		{"agent1", "/wallboard", 403}, {"supervisor", "/wallboard?tv=1", 200},
	} {
		if status, _ := send(token(tc.user), "GET", tc.path, nil, false); status != tc.status {
			t.Errorf("%s GET %s: %d, want %d", tc.user, tc.path, status, tc.status)
		}
	}
	agent, _ := a.Auth.UserByUsername(context.Background(), "agent1")
	for _, tc := range []struct {
		path string
		form url.Values
		want string
	}{
		{"/agent/login", url.Values{"extension": {"1002"}}, "Choose one of your own phone extensions."},
		{"/agent/login", url.Values{"extension": {"1001"}}, `data-state="available"`},
		{"/agent/state", url.Values{"state": {"break"}, "reason": {"nap"}}, "Choose a break reason."},
		{"/agent/state", url.Values{"state": {"break"}, "reason": {"meal"}}, `data-state="break"`},
		{"/agent/call/hold", url.Values{}, "You have no call going on."},
		{"/agent/call/dtmf", url.Values{"digits": {"9x"}}, "Digits are 0-9"},
		{"/agent/wrapup", url.Values{"disposition": {"resolved"}, "follow_up": {"tomorrow"}}, "The follow-up time is not a date and time."},
		{"/agent/state", url.Values{"state": {"available"}}, `data-state="available"`},
	} {
		status, body := send(agentTok, "POST", tc.path, tc.form, true)
		if status != 200 || !strings.Contains(body, tc.want) {
			t.Errorf("POST %s %v: %d, want %q in\n%s", tc.path, tc.form, status, tc.want, body)
		}
	}
	if st, err := a.Switchboard.Agent(context.Background(), agent.ID); err != nil || st.State.String() != "available" {
		t.Errorf("agent1 after the forms: %v %v", st.State, err)
	}
	// Click-to-dial from a customer's page: the button is there, and the answer is a
	// one-line notice in place.
	if status, body := send(agentTok, "GET", "/customers/2", nil, false); status != 200 || !strings.Contains(body, `data-testid="dial-button"`) {
		t.Errorf("customer page has no call button: %d", status)
	}
	req, _ := http.NewRequest("POST", srv.URL+"/agent/dial", strings.NewReader("number=13812345678&customer=2"))
	req.Header.Set("Authorization", "Bearer "+agentTok)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("HX-Request", "true")
	req.Header.Set("Accept-Language", "en")
	if resp, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), `data-testid="notice"`) || !strings.Contains(string(b), "Your phone is ringing") {
			t.Errorf("dial notice: %s", b)
		}
	}
	// Without htmx, an error is a proper status.
	if status, _ := send(agentTok, "POST", "/agent/call/transfer", url.Values{"target_kind": {"moon"}}, false); status != 400 {
		t.Errorf("plain transfer to nowhere: %d", status)
	}
	if status, _ := send(token("agent2"), "POST", "/wallboard/calls/1/monitor", url.Values{"mode": {"listen"}}, false); status != 403 {
		t.Errorf("agent monitors: %d", status)
	}
	if status, _ := send(token("supervisor"), "POST", "/wallboard/calls/1/monitor", url.Values{"mode": {"spy"}}, false); status != 400 {
		t.Errorf("unknown monitor mode: %d", status)
	}
}
