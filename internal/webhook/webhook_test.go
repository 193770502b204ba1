package webhook

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/jobs"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// received is one request a test receiver accepted, after checking its signature.
type received struct {
	Path, Event, Delivery string
	Body                  Body
}

// receiver is a real HTTP server that checks every request's signature by recomputing
// the HMAC itself, and answers with the status that fail decides.
type receiver struct {
	t      *testing.T
	srv    *httptest.Server
	secret map[string]string // path -> secret
	mu     sync.Mutex
	got    []received
	calls  map[string]int
	fail   func(path string, call int) int // status to answer; 0 means 200
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{t: t, secret: map[string]string{}, calls: map[string]int{}}
	rc.srv = httptest.NewServer(http.HandlerFunc(rc.serve))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.calls[r.URL.Path]++
	secret := rc.secret[r.URL.Path]
	ts := r.Header.Get("X-Hotline-Timestamp")
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "." + string(raw)))
	want := "sha256=" + hex.EncodeToString(mac.Sum(nil))
	if r.Method != "POST" || r.Header.Get("Content-Type") != "application/json" || !hmac.Equal([]byte(want), []byte(r.Header.Get("X-Hotline-Signature"))) {
		rc.t.Errorf("bad request to %s: %s %q signature %q want %q", r.URL.Path, r.Method, r.Header.Get("Content-Type"), r.Header.Get("X-Hotline-Signature"), want)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	if rc.fail != nil {
		if code := rc.fail(r.URL.Path, rc.calls[r.URL.Path]); code != 0 {
			http.Error(w, "receiver is down", code)
			return
		}
	}
	var b Body
	if err := json.Unmarshal(raw, &b); err != nil {
		rc.t.Errorf("body %s: %v", raw, err)
	}
	rc.got = append(rc.got, received{r.URL.Path, r.Header.Get("X-Hotline-Event"), r.Header.Get("X-Hotline-Delivery"), b})
	w.WriteHeader(http.StatusNoContent)
}

func (rc *receiver) received() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.got...)
}

// hook creates a webhook posting to the receiver's path.
func (rc *receiver) hook(t *testing.T, s *Store, name, path string, active bool, kinds ...string) *Webhook {
	t.Helper()
	url := rc.srv.URL + path
	w, err := s.Create(context.Background(), Input{Name: &name, URL: &url, Events: &kinds, Active: &active})
	if err != nil {
		t.Fatal(err)
	}
	rc.mu.Lock()
	rc.secret[path] = w.Secret
	rc.mu.Unlock()
	return w
}

func appendEvents(t *testing.T, d *db.DB, log *events.Log, kinds ...string) []int64 {
	t.Helper()
	var ids []int64
	err := d.Tx(context.Background(), func(tx *sql.Tx) error {
		for i, k := range kinds {
			e := &events.Event{Kind: k, CustomerID: 3, TicketID: int64(10 + i), Data: map[string]any{"number": "T2026-" + strconv.Itoa(i), "title": "笔记本开机黑屏", "status": "open"}}
			if err := log.Append(context.Background(), tx, e); err != nil {
				return err
			}
			ids = append(ids, e.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	log.Notify()
	return ids
}

type fixture struct {
	d   *db.DB
	clk *clock
	log *events.Log
	q   *jobs.Queue
	s   *Store
	r   *jobs.Runner
}

func newFixture(t *testing.T, d *db.DB, maxAttempts int) *fixture {
	f := &fixture{d: d, clk: &clock{t: time.Now().UTC()}, log: events.New(d)}
	f.q = jobs.NewQueue(d, f.clk.Now)
	f.s = New(d, f.q, f.log, Options{Now: f.clk.Now, MaxAttempts: maxAttempts})
	f.r = jobs.NewRunner(f.q, jobs.Options{})
	f.s.Register(f.r)
	return f
}

func (f *fixture) runDue(t *testing.T, want int) {
	t.Helper()
	n, err := f.r.RunDue(context.Background())
	if err != nil || n != want {
		t.Fatalf("ran %d jobs (%v), want %d", n, err, want)
	}
}

func TestURLValidation(t *testing.T) {
	for _, u := range []string{"https://erp.example.com/hooks/hotline", "http://10.1.2.3:8080/in", "http://localhost/x?a=1"} {
		if err := ValidateURL(u); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	for _, u := range []string{"", "ftp://example.com/", "javascript:alert(1)", "http://", "//example.com/x", "/relative",
		"example.com", " https://example.com", "https://user:pw@example.com/", "mailto:a@b.c", "http:///path", "file:///etc/passwd"} {
		if err := ValidateURL(u); !errs.Is(err, errs.Invalid) {
			t.Errorf("%q accepted", u)
		}
	}
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := New(d, jobs.NewQueue(d, nil), events.New(d), Options{})
		name, bad, good := "ERP", "ftp://erp/", "https://erp.example.com/"
		kinds := []string{"ticket.created"}
		if _, err := s.Create(context.Background(), Input{Name: &name, URL: &bad, Events: &kinds}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("bad URL: %v", err)
		}
		for _, k := range [][]string{{}, {"Ticket.Created"}, {"ticket"}, {"ticket.*.x"}, {"ticket.created; drop"}} {
			if _, err := s.Create(context.Background(), Input{Name: &name, URL: &good, Events: &k}); !errs.Is(err, errs.Invalid) {
				t.Errorf("events %q: %v", k, err)
			}
		}
		empty := " "
		if _, err := s.Create(context.Background(), Input{Name: &empty, URL: &good, Events: &kinds}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("empty name: %v", err)
		}
		if l, _ := s.List(context.Background()); len(l) != 0 {
			t.Fatalf("invalid webhooks stored: %d", len(l))
		}
		w, err := s.Create(context.Background(), Input{Name: &name, URL: &good, Events: &[]string{"ticket.created, ticket.* ticket.created"}})
		if err != nil || strings.Join(w.Events, " ") != "ticket.created ticket.*" || !w.Active || !strings.HasPrefix(w.Secret, "whsec_") {
			t.Fatalf("created %+v %v", w, err)
		}
		if _, err := s.Update(context.Background(), w.ID, Input{URL: &bad}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("update to a bad URL: %v", err)
		}
		if got, _ := s.Get(context.Background(), w.ID); got.URL != good {
			t.Fatalf("a rejected update changed the URL to %s", got.URL)
		}
	})
}

func TestMatches(t *testing.T) {
	for _, c := range []struct {
		patterns []string
		kind     string
		want     bool
	}{
		{[]string{"ticket.created"}, "ticket.created", true},
		{[]string{"ticket.created"}, "ticket.updated", false},
		{[]string{"ticket.*"}, "ticket.dispatched", true},
		{[]string{"ticket.*"}, "tickets.created", false},
		{[]string{"ticket.*"}, "customer.created", false},
		{[]string{"customer.*", "ticket.dispatched"}, "ticket.dispatched", true},
		{[]string{"*"}, "call.answered", true},
		{nil, "ticket.created", false},
	} {
		if got := Matches(c.patterns, c.kind); got != c.want {
			t.Errorf("Matches(%q, %q) = %v", c.patterns, c.kind, got)
		}
	}
}

func TestSignAndVerify(t *testing.T) {
	now := time.Unix(1767225600, 0)
	body := []byte(`{"id":1}`)
	sig := Sign("whsec_x", now.Unix(), body)
	ts := strconv.FormatInt(now.Unix(), 10)
	if err := Verify("whsec_x", ts, sig, body, now, 5*time.Minute); err != nil {
		t.Fatal(err)
	}
	for name, err := range map[string]error{
		"wrong secret":    Verify("whsec_y", ts, sig, body, now, 5*time.Minute),
		"changed body":    Verify("whsec_x", ts, sig, []byte(`{"id":2}`), now, 5*time.Minute),
		"old timestamp":   Verify("whsec_x", ts, sig, body, now.Add(time.Hour), 5*time.Minute),
		"bad timestamp":   Verify("whsec_x", "abc", sig, body, now, 5*time.Minute),
		"moved timestamp": Verify("whsec_x", strconv.FormatInt(now.Unix()+1, 10), sig, body, now, 5*time.Minute),
	} {
		if err == nil {
			t.Errorf("%s: verified", name)
		}
	}
}

// Events reach the webhooks that subscribe to them, signed; a receiver that answers 500
// gets the delivery again after a backoff, and the log shows each step.
func TestDeliveryRetriesThenSucceeds(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 5)
		rc := newReceiver(t)
		rc.fail = func(path string, call int) int {
			if path == "/erp" && call <= 2 {
				return http.StatusInternalServerError
			}
			return 0
		}
		erp := rc.hook(t, f.s, "ERP 工单同步", "/erp", true, "ticket.*")
		station := rc.hook(t, f.s, "维修站派单", "/station", true, "ticket.dispatched")
		rc.hook(t, f.s, "停用的", "/off", false, "*")
		ids := appendEvents(t, d, f.log, "ticket.created", "ticket.dispatched", "customer.created")

		n, err := f.s.Dispatch(ctx)
		if err != nil || n != 3 {
			t.Fatalf("dispatched %d (%v), want 3", n, err)
		}
		if n, _ := f.s.Dispatch(ctx); n != 0 {
			t.Fatalf("dispatched %d again", n)
		}
		f.runDue(t, 3)
		list, total, err := f.s.Deliveries(ctx, erp.ID, 0, 0)
		if err != nil || total != 2 {
			t.Fatalf("erp deliveries %d %v", total, err)
		}
		for _, dl := range list {
			if dl.Status != Retrying || dl.ResponseCode != 500 || dl.Attempts != 1 || !strings.Contains(dl.Error, "500") {
				t.Fatalf("after a 500: %+v", dl)
			}
		}
		f.runDue(t, 0)
		f.clk.Advance(11 * time.Second)
		f.runDue(t, 2)
		list, _, _ = f.s.Deliveries(ctx, erp.ID, 0, 0)
		for _, dl := range list {
			if dl.Status != Delivered || dl.ResponseCode != 204 || dl.Attempts != 2 || dl.Error != "" {
				t.Fatalf("after success: %+v", dl)
			}
		}
		sl, _, _ := f.s.Deliveries(ctx, station.ID, 0, 0)
		if len(sl) != 1 || sl[0].Status != Delivered || sl[0].Attempts != 1 || sl[0].Kind != "ticket.dispatched" {
			t.Fatalf("station deliveries %+v", sl)
		}

		got := rc.received()
		if len(got) != 3 {
			t.Fatalf("received %d: %+v", len(got), got)
		}
		byPath := map[string][]received{}
		for _, g := range got {
			byPath[g.Path] = append(byPath[g.Path], g)
		}
		if len(byPath["/off"]) != 0 || len(byPath["/station"]) != 1 || len(byPath["/erp"]) != 2 {
			t.Fatalf("by path %+v", byPath)
		}
		st := byPath["/station"][0]
		if st.Event != "ticket.dispatched" || st.Body.ID != ids[1] || st.Body.Kind != "ticket.dispatched" || st.Body.TicketID == nil ||
			*st.Body.TicketID != 11 || *st.Body.CustomerID != 3 || st.Body.Data["title"] != "笔记本开机黑屏" || st.Delivery != sl[0].UID {
			t.Fatalf("station got %+v", st)
		}
	})
}

// After the last attempt the delivery is failed and its job dead; redeliver sends it again
// as a new delivery, and "send test event" reaches even an inactive webhook.
func TestGiveUpRedeliverAndTest(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 2)
		rc := newReceiver(t)
		down := true
		rc.fail = func(string, int) int {
			if down {
				return http.StatusBadGateway
			}
			return 0
		}
		w := rc.hook(t, f.s, "ERP", "/erp", true, "ticket.created")
		appendEvents(t, d, f.log, "ticket.created")
		f.s.Dispatch(ctx)
		f.runDue(t, 1)
		f.clk.Advance(11 * time.Second)
		f.runDue(t, 1)
		list, _, _ := f.s.Deliveries(ctx, w.ID, 0, 0)
		if len(list) != 1 || list[0].Status != Failed || list[0].Attempts != 2 || list[0].ResponseCode != 502 {
			t.Fatalf("given up: %+v", list)
		}
		if dead, _, _ := f.q.List(ctx, jobs.Filter{Status: jobs.Dead}); len(dead) != 1 || dead[0].Kind != DeliverKind {
			t.Fatalf("dead jobs %+v", dead)
		}
		down = false
		again, err := f.s.Redeliver(ctx, list[0].ID)
		if err != nil || again.UID == list[0].UID || again.Body != list[0].Body || again.Status != Pending {
			t.Fatalf("redeliver %+v %v", again, err)
		}
		f.runDue(t, 1)
		if dl, _ := f.s.Delivery(ctx, again.ID); dl.Status != Delivered || dl.Attempts != 1 {
			t.Fatalf("redelivered %+v", dl)
		}
		if _, err := f.s.Redeliver(ctx, 9999); !errs.Is(err, errs.NotFound) {
			t.Fatalf("redeliver a missing delivery: %v", err)
		}

		off := false
		f.s.Update(ctx, w.ID, Input{Active: &off})
		if _, err := f.s.SendTest(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		appendEvents(t, d, f.log, "ticket.created")
		if n, _ := f.s.Dispatch(ctx); n != 0 {
			t.Fatalf("an inactive webhook got %d deliveries", n)
		}
		f.runDue(t, 1)
		got := rc.received()
		if last := got[len(got)-1]; last.Event != TestKind || last.Body.Kind != TestKind || last.Body.ID != 0 {
			t.Fatalf("test event %+v", last)
		}
		if _, err := f.s.SendTest(ctx, 9999); !errs.Is(err, errs.NotFound) {
			t.Fatalf("test of a missing webhook: %v", err)
		}
		// Deleting a webhook drops its log and its pending deliveries quietly.
		f.s.SendTest(ctx, w.ID)
		if err := f.s.Delete(ctx, w.ID); err != nil {
			t.Fatal(err)
		}
		f.runDue(t, 1)
		if _, total, _ := f.s.Deliveries(ctx, w.ID, 0, 0); total != 0 {
			t.Fatalf("deliveries of a deleted webhook: %d", total)
		}
		if err := f.s.Delete(ctx, w.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("delete twice: %v", err)
		}
	})
}

// Events appended while nothing delivers, some dispatched and some not, all reach the
// receiver exactly once after a restart: new database handles, a new dispatcher and a new
// runner, running as the app runs them.
func TestRestartDeliversEverythingOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 5)
		rc := newReceiver(t)
		rc.hook(t, f.s, "ERP", "/erp", true, "ticket.*")
		first := appendEvents(t, d, f.log, "ticket.created", "ticket.updated", "ticket.status_changed")
		if n, err := f.s.Dispatch(ctx); err != nil || n != 3 {
			t.Fatalf("dispatched %d %v", n, err)
		}
		second := appendEvents(t, d, f.log, "ticket.assigned", "ticket.note_added", "customer.updated")
		// The process stops here: three deliveries queued, three events not yet dispatched.

		d2, err := db.Open(ctx, d.Source)
		if err != nil {
			t.Fatal(err)
		}
		defer d2.Close()
		log2 := events.New(d2)
		q2 := jobs.NewQueue(d2, nil)
		s2 := New(d2, q2, log2, Options{Poll: 50 * time.Millisecond})
		r2 := jobs.NewRunner(q2, jobs.Options{Poll: 50 * time.Millisecond})
		s2.Register(r2)
		runCtx, cancel := context.WithCancel(ctx)
		if err := r2.Start(runCtx); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { defer wg.Done(); s2.RunDispatcher(runCtx, nil) }()
		deadline := time.Now().Add(15 * time.Second)
		for len(rc.received()) < 5 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		// One more event while running: the in-process wake-up delivers it.
		third := appendEvents(t, d2, log2, "ticket.dispatched")
		for len(rc.received()) < 6 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		time.Sleep(200 * time.Millisecond) // room for any duplicate to show up
		cancel()
		wg.Wait()
		r2.Stop()

		seen := map[int64]int{}
		for _, g := range rc.received() {
			seen[g.Body.ID]++
		}
		want := append(append(append([]int64{}, first...), second[:2]...), third...)
		if len(seen) != len(want) {
			t.Fatalf("received events %v, want %v", seen, want)
		}
		for _, id := range want {
			if seen[id] != 1 {
				t.Errorf("event %d delivered %d times", id, seen[id])
			}
		}
	})
}

// A gap in event ids may be a transaction that has not committed yet (PostgreSQL hands
// out ids before commit): the dispatcher waits for it, then passes it once it is old.
func TestDispatchWaitsForGapsToSettle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d, 5)
		rc := newReceiver(t)
		rc.hook(t, f.s, "ERP", "/erp", true, "*")
		ids := appendEvents(t, d, f.log, "ticket.created")
		// An event two ids on, as if ids[0]+1 were still in flight.
		if _, err := d.Write().ExecContext(ctx, "INSERT INTO events (id, at, kind, category, data) VALUES ($1, $2, 'ticket.updated', 'ticket', '{}')",
			ids[0]+2, f.clk.Now().UTC().Truncate(time.Microsecond)); err != nil {
			t.Fatal(err)
		}
		if n, _ := f.s.Dispatch(ctx); n != 1 {
			t.Fatalf("dispatched %d across a fresh gap, want 1", n)
		}
		f.clk.Advance(6 * time.Second)
		if n, _ := f.s.Dispatch(ctx); n != 1 {
			t.Fatalf("dispatched %d after the gap settled, want 1", n)
		}
		if n, _ := f.s.Dispatch(ctx); n != 0 {
			t.Fatalf("dispatched %d again", n)
		}
	})
}
