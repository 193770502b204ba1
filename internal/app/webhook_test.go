package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/jobs"
	"github.com/hotlinecc/hotline/internal/webhook"
)

// hookReceiver is a real HTTP server standing in for an ERP: it verifies signatures with
// the secret it is given and answers 503 while down.
type hookReceiver struct {
	srv    *httptest.Server
	mu     sync.Mutex
	secret string
	down   bool
	got    []webhook.Body
	bad    int
}

func newHookReceiver(t *testing.T) *hookReceiver {
	h := &hookReceiver{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		defer h.mu.Unlock()
		if err := webhook.Verify(h.secret, r.Header.Get("X-Hotline-Timestamp"), r.Header.Get("X-Hotline-Signature"), body, time.Now(), 5*time.Minute); err != nil {
			h.bad++
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		if h.down {
			http.Error(w, "maintenance", http.StatusServiceUnavailable)
			return
		}
		var b webhook.Body
		json.Unmarshal(body, &b)
		h.got = append(h.got, b)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) kinds() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []string
	for _, b := range h.got {
		out = append(out, b.Kind)
	}
	return out
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// An admin sets up a webhook in the console; with the app's background work started, a
// ticket event reaches the receiver signed, the test button works, a failed delivery can
// be redelivered, and stop ends the background work.
func TestWebhooksInConsole(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()
	rc := newHookReceiver(t)
	stop, err := a.Start(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	// Events from loading the demo are behind the dispatcher before the webhook exists.
	if _, err := a.Webhooks.Dispatch(ctx); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, srv)
	b.signIn("admin")
	resp, body := b.get("/settings/webhooks")
	if resp.StatusCode != 200 || !strings.Contains(body, "ERP 工单同步（示例）") || !strings.Contains(body, `href="/settings/webhooks/new"`) {
		t.Fatalf("webhooks page: %d", resp.StatusCode)
	}
	b.get("/settings/webhooks/new")
	resp, body = b.post("/settings/webhooks", url.Values{"name": {"ERP"}, "url": {"ftp://erp.example.cn/"}, "events": {"ticket.created"}, "active": {"on"}})
	if resp.StatusCode != 400 || !strings.Contains(body, "absolute http://") || !strings.Contains(body, `value="ftp://erp.example.cn/"`) {
		t.Fatalf("bad URL: %d", resp.StatusCode)
	}
	if hooks, _ := a.Webhooks.List(ctx); len(hooks) != 2 {
		t.Fatalf("a webhook with a bad URL was stored: %d", len(hooks))
	}
	resp, _ = b.post("/settings/webhooks", url.Values{"name": {"ERP 工单同步"}, "url": {rc.srv.URL + "/in"},
		"events": {"ticket.created", "ticket.dispatched"}, "events_other": {"customer.*"}, "active": {"on"}})
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), "/settings/webhooks/3?ok=webhook_created") {
		t.Fatalf("create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	b.lang = "zh-CN"
	resp, body = b.get("/settings/webhooks/3?ok=webhook_created")
	secret := regexp.MustCompile(`data-testid="webhook-secret">(whsec_[0-9a-f]+)<`).FindStringSubmatch(body)
	if resp.StatusCode != 200 || secret == nil || !strings.Contains(body, "Webhook 已创建") || !strings.Contains(body, `value="customer.*"`) {
		t.Fatalf("webhook page: %d %v %v %v", resp.StatusCode, secret, strings.Contains(body, "Webhook 已创建"), strings.Contains(body, `value="customer.*"`))
	}
	rc.mu.Lock()
	rc.secret = secret[1]
	rc.mu.Unlock()

	// A ticket event committed by another package reaches the receiver within moments.
	err = a.DB.Tx(ctx, func(tx *sql.Tx) error {
		return a.Events.Append(ctx, tx, &events.Event{Kind: "ticket.created", CustomerID: 5, TicketID: 9,
			Data: map[string]any{"number": "T20260302-0001", "title": "笔记本无法开机", "type": "repair", "status": "new"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	a.Events.Notify()
	waitFor(t, "the ticket event", func() bool { return len(rc.kinds()) == 1 })
	rc.mu.Lock()
	got := rc.got[0]
	rc.mu.Unlock()
	if got.Kind != "ticket.created" || *got.TicketID != 9 || got.Data["title"] != "笔记本无法开机" {
		t.Fatalf("received %+v", got)
	}

	// Test event, then a failure and a redelivery.
	resp, _ = b.post("/settings/webhooks/3/test", nil)
	if resp.StatusCode != 303 {
		t.Fatalf("test: %d", resp.StatusCode)
	}
	waitFor(t, "the test event", func() bool { return len(rc.kinds()) == 2 })
	rc.mu.Lock()
	rc.down = true
	rc.mu.Unlock()
	b.post("/settings/webhooks/3/test", nil)
	var failed *webhook.Delivery
	waitFor(t, "a failed attempt", func() bool {
		ds, _, _ := a.Webhooks.Deliveries(ctx, 3, 1, 0)
		failed = ds[0]
		return failed.Status == webhook.Retrying
	})
	resp, body = b.get("/settings/webhooks/3")
	if !strings.Contains(body, "重试中") || !strings.Contains(body, "503") || !strings.Contains(body, "已送达") {
		t.Fatalf("deliveries log does not show the attempts")
	}
	rc.mu.Lock()
	rc.down = false
	rc.mu.Unlock()
	resp, _ = b.post("/settings/webhooks/deliveries/"+itoa(failed.ID)+"/redeliver", nil)
	if resp.StatusCode != 303 || !strings.Contains(resp.Header.Get("Location"), "webhook_redelivered") {
		t.Fatalf("redeliver: %d", resp.StatusCode)
	}
	waitFor(t, "the redelivery", func() bool { return len(rc.kinds()) == 3 })
	if rc.bad != 0 {
		t.Fatalf("%d deliveries failed signature checks", rc.bad)
	}

	// Deactivate, then delete.
	b.post("/settings/webhooks/3/active", nil)
	if h, _ := a.Webhooks.Get(ctx, 3); h.Active {
		t.Fatal("not deactivated")
	}
	resp, _ = b.post("/settings/webhooks/3/delete", nil)
	if resp.StatusCode != 303 {
		t.Fatalf("delete: %d", resp.StatusCode)
	}
	if resp, _ = b.get("/settings/webhooks/3"); resp.StatusCode != 404 {
		t.Fatalf("deleted webhook page: %d", resp.StatusCode)
	}

	// After stop, nothing runs in the background any more.
	stop()
	id, _ := a.Jobs.EnqueueNow(ctx, jobs.Job{Kind: jobs.ScheduleKind("jobs.prune")})
	time.Sleep(100 * time.Millisecond)
	if j, _ := a.Jobs.Get(ctx, id); j.Status != jobs.Queued {
		t.Fatalf("a job ran after stop: %+v", j)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// The jobs page shows dead jobs; an admin retries or discards them. Nobody else may.
func TestJobsPage(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()
	dead, _ := a.Jobs.EnqueueNow(ctx, jobs.Job{Kind: "report.export", MaxAttempts: 1})
	// Without a started runner, run it by hand: there is no handler, so it dies.
	if n, err := a.Runner.RunDue(ctx); err != nil || n != 1 {
		t.Fatalf("ran %d %v", n, err)
	}
	b := newBrowser(t, srv)
	b.signIn("admin")
	resp, body := b.get("/settings/jobs?status=dead")
	if resp.StatusCode != 200 || !strings.Contains(body, "report.export") || !strings.Contains(body, "no handler") {
		t.Fatalf("jobs page: %d", resp.StatusCode)
	}
	if resp, _ = b.get("/settings/jobs?status=bogus"); resp.StatusCode != 400 {
		t.Fatalf("bad status: %d", resp.StatusCode)
	}
	resp, _ = b.post("/settings/jobs/"+itoa(dead)+"/retry", nil)
	if j, _ := a.Jobs.Get(ctx, dead); resp.StatusCode != 303 || j.Status != jobs.Queued || j.Attempts != 0 {
		t.Fatalf("retry: %d %+v", resp.StatusCode, j)
	}
	resp, _ = b.post("/settings/jobs/"+itoa(dead)+"/discard", nil)
	if _, err := a.Jobs.Get(ctx, dead); resp.StatusCode != 303 || err == nil {
		t.Fatalf("discard: %d %v", resp.StatusCode, err)
	}
	if resp, _ = b.post("/settings/jobs/"+itoa(dead)+"/retry", nil); resp.StatusCode != 404 {
		t.Fatalf("retry of a discarded job: %d", resp.StatusCode)
	}
	sup := newBrowser(t, srv)
	sup.signIn("supervisor")
	if resp, _ = sup.get("/settings/jobs"); resp.StatusCode != 403 {
		t.Fatalf("supervisor on jobs: %d", resp.StatusCode)
	}
	if resp, body = sup.get("/"); strings.Contains(body, `href="/settings/webhooks"`) {
		t.Fatal("the nav offers webhooks to a supervisor")
	}
}

func TestWebhooksAPI(t *testing.T) {
	srv, a := testServer(t)
	token := func(user string) string { return bearer(t, a, user) }
	admin, agent := token("admin"), token("agent1")
	call := func(method, path, body, auth string) (int, map[string]any) {
		return apiCall(t, srv, auth, method, path, "", []byte(body))
	}
	for _, c := range []struct {
		name, method, path, body, auth string
		status                         int
	}{
		{"agent may not list", "GET", "/api/v1/webhooks", "", agent, 403},
		{"agent may not create", "POST", "/api/v1/webhooks", `{"name":"x","url":"https://a.example/","events":["*"]}`, agent, 403},
		{"list", "GET", "/api/v1/webhooks", "", admin, 200},
		{"bad url", "POST", "/api/v1/webhooks", `{"name":"x","url":"javascript:alert(1)","events":["*"]}`, admin, 400},
		{"no events", "POST", "/api/v1/webhooks", `{"name":"x","url":"https://a.example/","events":[]}`, admin, 400},
		{"bad kind", "POST", "/api/v1/webhooks", `{"name":"x","url":"https://a.example/","events":["ticket"]}`, admin, 400},
		{"unknown field", "POST", "/api/v1/webhooks", `{"name":"x","url":"https://a.example/","events":["*"],"secret":"mine"}`, admin, 400},
		{"create", "POST", "/api/v1/webhooks", `{"name":"派单推送","url":"https://a.example/in","events":["ticket.dispatched"]}`, admin, 201},
		{"get", "GET", "/api/v1/webhooks/3", "", admin, 200},
		{"patch bad", "PATCH", "/api/v1/webhooks/3", `{"url":"ftp://a.example/"}`, admin, 400},
		{"patch", "PATCH", "/api/v1/webhooks/3", `{"active":false}`, admin, 200},
		{"test", "POST", "/api/v1/webhooks/3/test", "", admin, 202},
		{"deliveries", "GET", "/api/v1/webhooks/3/deliveries?limit=5", "", admin, 200},
		{"deliveries bad limit", "GET", "/api/v1/webhooks/3/deliveries?limit=x", "", admin, 400},
		{"deliveries of missing", "GET", "/api/v1/webhooks/99/deliveries", "", admin, 404},
		{"redeliver missing", "POST", "/api/v1/webhooks/deliveries/99/redeliver", "", admin, 404},
		{"delete", "DELETE", "/api/v1/webhooks/3", "", admin, 204},
		{"get deleted", "GET", "/api/v1/webhooks/3", "", admin, 404},
	} {
		if status, body := call(c.method, c.path, c.body, c.auth); status != c.status {
			t.Errorf("%s: %d %v, want %d", c.name, status, body, c.status)
		}
	}
	status, out := call("POST", "/api/v1/webhooks", `{"name":"全部","url":"http://127.0.0.1:9/x","events":["ticket.*","*"]}`, admin)
	if status != 201 || !strings.HasPrefix(out["secret"].(string), "whsec_") || out["active"] != true {
		t.Fatalf("created %v", out)
	}
	_, out = call("GET", "/api/v1/webhooks", "", admin)
	if out["total"].(float64) != 3 {
		t.Fatalf("list %v", out)
	}
}
