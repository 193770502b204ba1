package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/i18n"
)

// Recordings are served only to those who may hear them: an agent hears the calls they
// answered and not a colleague's (even by guessing the id), quality staff hear any, and
// the audio player's Range requests are answered.
func TestRecordingPermissions(t *testing.T) {
	d := dbtest.SQLite(t)
	ctx := context.Background()
	a := auth.NewService(d, auth.Options{})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	users := map[string]int64{}
	for _, u := range []struct {
		name string
		role auth.Role
		tier int
	}{{"agent1", auth.RoleAgent, 1}, {"agent2", auth.RoleAgent, 1}, {"qa", auth.RoleQA, 0}} {
		role, tier, name := u.role, u.tier, u.name
		in := auth.UserInput{Username: u.name, DisplayName: &name, Role: &role, Password: "long-enough-pw"}
		if tier > 0 {
			in.Tier = &tier
		}
		created, err := a.CreateUser(ctx, auth.ActorSystem, in)
		if err != nil {
			t.Fatal(err)
		}
		users[u.name] = created.ID
	}
	dir := t.TempDir()
	calls := contact.NewStore(d, events.New(d), dir)
	mk := func(agent int64) int64 {
		c := &contact.Call{UID: "c" + strconv.FormatInt(agent, 10), Direction: "inbound", From: "13812345678", Dialed: "4008001234", StartedAt: time.Now()}
		if err := calls.Begin(ctx, c); err != nil {
			t.Fatal(err)
		}
		c.AgentID, c.Status, c.RecordingPath = agent, contact.StatusCompleted, "recordings/"+strconv.FormatInt(c.ID, 10)+".wav"
		if err := calls.Save(ctx, c, contact.Change{At: time.Now()}); err != nil {
			t.Fatal(err)
		}
		os.MkdirAll(filepath.Join(dir, "recordings"), 0o750)
		if err := os.WriteFile(calls.Path(c.RecordingPath), make([]byte, 1044), 0o640); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	own, other := mk(users["agent1"]), mk(users["agent2"])
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	c, err := New(Deps{Auth: a, Customers: crm.NewStore(d), Calls: calls, Blocklist: crm.NewBlockStore(d), Catalog: cat, Log: log, Location: time.UTC})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	c.Register(mux)
	srv := httptest.NewServer(a.Authenticate(log, c.WithLanguage(mux)))
	defer srv.Close()
	for _, tc := range []struct {
		user   string
		call   int64
		rng    string
		status int
		length int
	}{
		{"agent1", own, "", 200, 1044},
		{"agent1", own, "bytes=0-43", 206, 44},
		{"agent1", other, "", 404, -1}, // a colleague's call of no known customer is not even shown
		{"agent2", own, "", 404, -1},
		{"qa", own, "", 200, 1044},
		{"qa", other, "bytes=1000-", 206, 44},
	} {
		token, _, err := a.Login(ctx, tc.user, "long-enough-pw", "127.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		req, _ := http.NewRequest("GET", srv.URL+"/calls/"+strconv.FormatInt(tc.call, 10)+"?recording=play", nil)
		req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: token})
		if tc.rng != "" {
			req.Header.Set("Range", tc.rng)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || (tc.length >= 0 && len(body) != tc.length) {
			t.Errorf("%s call %d range %q: %d with %d bytes, want %d", tc.user, tc.call, tc.rng, resp.StatusCode, len(body), tc.status)
		}
		if tc.status < 300 && resp.Header.Get("Content-Type") != "audio/wav" {
			t.Errorf("%s: content type %s", tc.user, resp.Header.Get("Content-Type"))
		}
	}
}
