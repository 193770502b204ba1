package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/demo"
	"github.com/hotlinecc/hotline/internal/todo"
)

// The console's to-do list: sections, the overdue badge, claiming a queue's to-do,
// completing, rescheduling, and invalid forms that change nothing.
func TestTodoPages(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()
	agent, _ := a.Auth.UserByUsername(ctx, "agent1")
	count := func(userID int64) int {
		_, n, err := a.Todos.List(ctx, todo.Filter{UserID: userID, Status: "all"}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	b := newBrowser(t, srv)
	b.signIn("agent1")
	// agent1's own overdue call-back and the support queue's voicemail.
	resp, body := b.get("/todos")
	if resp.StatusCode != 200 || !strings.Contains(body, `data-testid="overdue-badge"`) || !strings.Contains(body, "2 overdue") ||
		!strings.Contains(body, "回电确认主板检测结果") || !strings.Contains(body, "语音留言：客户要求回电") {
		t.Fatalf("agent1 /todos: %d", resp.StatusCode)
	}
	// The badge is on every page, and not for users without to-dos.
	if _, body := b.get("/profile"); !strings.Contains(body, "2 overdue") {
		t.Fatal("no overdue badge on the profile page")
	}
	station := newBrowser(t, srv)
	station.signIn("station")
	if resp, body := station.get("/"); resp.StatusCode != 200 || strings.Contains(body, "overdue-badge") {
		t.Fatalf("partner home: %d, badge shown", resp.StatusCode)
	}
	if resp, _ := station.get("/todos"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("partner /todos: %d", resp.StatusCode)
	}

	before := count(agent.ID)
	for _, c := range []struct {
		name string
		form url.Values
		want string
	}{
		{"no title", url.Values{"title": {" "}, "kind": {"callback"}, "due_at": {"2026-05-06T10:00"}}, "1 to 200 characters"},
		{"bad kind", url.Values{"title": {"回电"}, "kind": {"visit"}, "due_at": {"2026-05-06T10:00"}}, "Choose what the to-do is"},
		{"bad due", url.Values{"title": {"回电"}, "kind": {"callback"}, "due_at": {"tomorrow"}}, "due date and time"},
		{"bad customer", url.Values{"title": {"回电"}, "kind": {"callback"}, "due_at": {"2026-05-06T10:00"}, "customer_id": {"abc"}}, "Give a number"},
		{"unknown customer", url.Values{"title": {"回电"}, "kind": {"callback"}, "due_at": {"2026-05-06T10:00"}, "customer_id": {"999999"}}, "no customer 999999"},
		{"unknown queue", url.Values{"title": {"回电"}, "kind": {"callback"}, "due_at": {"2026-05-06T10:00"}, "queue_id": {"999"}}, "no queue 999"},
	} {
		resp, body := b.post("/todos", c.form)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, c.want) || !strings.Contains(body, `data-testid="form-error"`) {
			t.Errorf("%s: %d, want 400 with %q", c.name, resp.StatusCode, c.want)
		}
	}
	if n := count(agent.ID); n != before {
		t.Fatalf("refused forms stored to-dos: %d, was %d", n, before)
	}
	resp, _ = b.post("/todos", url.Values{"title": {"寄送发票"}, "kind": {"send_document"}, "due_at": {"2026-05-06T10:00"}, "customer_id": {"3"}, "ticket_id": {"77"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/todos?ok=todo_created" {
		t.Fatalf("create: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	mine, _, _ := a.Todos.List(ctx, todo.Filter{UserID: agent.ID, TicketID: 77}, time.Now())
	if len(mine) != 1 || mine[0].CustomerID != 3 || mine[0].AssigneeID != agent.ID || !mine[0].DueAt.Equal(time.Date(2026, 5, 6, 2, 0, 0, 0, time.UTC)) {
		t.Fatalf("created: %+v", mine)
	}
	created := mine[0].ID

	// Claiming the queue's voicemail: not for agent2 (not in support), yes for agent1.
	overdue, _ := a.Todos.OverdueFor(ctx, agent.ID, time.Now())
	var group int64
	for _, td := range overdue {
		if td.AssigneeID == 0 {
			group = td.ID
		}
	}
	other := newBrowser(t, srv)
	other.signIn("agent2")
	if resp, _ := other.post(fmt.Sprintf("/todos/%d/claim", group), nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("agent2 claims: %d", resp.StatusCode)
	}
	if resp, _ := other.post(fmt.Sprintf("/todos/%d/done", created), nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("agent2 completes agent1's: %d", resp.StatusCode)
	}
	if resp, _ := b.post(fmt.Sprintf("/todos/%d/claim", group), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("agent1 claims: %d", resp.StatusCode)
	}
	if resp, _ := b.post(fmt.Sprintf("/todos/%d/claim", group), nil); resp.StatusCode != http.StatusConflict {
		t.Fatalf("claim twice: %d", resp.StatusCode)
	}
	// Reschedule: a bad time changes nothing; a good one moves it.
	if resp, _ := b.post(fmt.Sprintf("/todos/%d/reschedule", created), url.Values{"due_at": {"soon"}}); resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("bad reschedule: %d", resp.StatusCode)
	}
	if resp, _ := b.post(fmt.Sprintf("/todos/%d/reschedule", created), url.Values{"due_at": {"2026-05-07T15:30"}, "reason": {"客户出差"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reschedule: %d", resp.StatusCode)
	}
	if td, _ := a.Todos.Get(ctx, created); !td.DueAt.Equal(time.Date(2026, 5, 7, 7, 30, 0, 0, time.UTC)) {
		t.Fatalf("rescheduled to %v", td.DueAt)
	}
	if resp, _ := b.post(fmt.Sprintf("/todos/%d/done", created), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("done: %d", resp.StatusCode)
	}
	if resp, _ := b.post(fmt.Sprintf("/todos/%d/done", created), nil); resp.StatusCode != http.StatusConflict {
		t.Fatalf("done twice: %d", resp.StatusCode)
	}
	if resp, _ := b.post("/todos/99999/done", nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("done missing: %d", resp.StatusCode)
	}
	if _, body := b.get("/todos?ok=todo_done"); !strings.Contains(body, "To-do done.") || !strings.Contains(body, "寄送发票") {
		t.Fatal("done list")
	}
}

// Calendars and escalation rules in the console: only for settings managers; invalid
// forms are shown again and change nothing.
func TestCalendarAndRulePages(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()
	b := newBrowser(t, srv)
	b.signIn("admin")
	resp, body := b.get("/settings/calendars")
	if resp.StatusCode != 200 || !strings.Contains(body, "Office hours") || !strings.Contains(body, "33 holidays, 6 make-up days") {
		t.Fatalf("calendars: %d", resp.StatusCode)
	}
	resp, body = b.get("/settings/calendars/2")
	if resp.StatusCode != 200 || !strings.Contains(body, "2026-10-10 09:00-18:00 国庆节调休上班") || !strings.Contains(body, `name="hours_1" value="09:00-18:00"`) {
		t.Fatalf("office form: %d", resp.StatusCode)
	}
	good := url.Values{"name_zh": {"办公时间"}, "name_en": {"Office"}, "time_zone": {"Asia/Shanghai"}, "hours_1": {"09:00-12:00, 13:00-18:00"},
		"holidays": {"2026-10-01 国庆节\n2026-10-02"}, "workdays": {"2026-10-10 09:00-17:00 调休"}}
	for _, c := range []struct {
		name, field, value, want string
	}{
		{"unknown zone", "time_zone", "Asia/Beijing", "not a known time zone"},
		{"overlap", "hours_1", "09:00-12:00, 11:00-13:00", "overlaps"},
		{"bad time", "hours_3", "9am-5pm", "not a time of day"},
		{"bad date", "holidays", "2026-13-01 节", "not a date"},
		{"date twice", "workdays", "2026-10-01 09:00-18:00", "listed twice"},
		{"make-up without hours", "workdays", "2026-10-10", "write a date and hours"},
		{"no name", "name_en", "", "1 to 100 characters"},
	} {
		f := url.Values{}
		for k, v := range good {
			f[k] = v
		}
		f.Set(c.field, c.value)
		resp, body := b.post("/settings/calendars/2", f)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d, want 400 with %q", c.name, resp.StatusCode, c.want)
		}
	}
	if cal, _ := a.Calendars.Get(ctx, 2); cal.NameEN != "Office hours" || len(cal.Holidays) != 33 {
		t.Fatalf("refused forms changed the calendar: %s %d", cal.NameEN, len(cal.Holidays))
	}
	if resp, _ := b.post("/settings/calendars/2", good); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save calendar: %d", resp.StatusCode)
	}
	if cal, _ := a.Calendars.Get(ctx, 2); cal.NameEN != "Office" || len(cal.Holidays) != 2 || len(cal.Week[2]) != 0 || len(cal.WorkDays) != 1 {
		t.Fatalf("saved calendar %+v", cal)
	}
	if resp, _ := b.post("/settings/calendars/99", good); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("save missing calendar: %d", resp.StatusCode)
	}
	if resp, _ := b.post("/settings/calendars", good); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("new calendar: %d", resp.StatusCode)
	}

	// Escalation rules.
	resp, body = b.get("/settings/sla-rules")
	if resp.StatusCode != 200 || !strings.Contains(body, "投诉超时两小时") || !strings.Contains(body, "120 min after") {
		t.Fatalf("rules: %d", resp.StatusCode)
	}
	rules, _ := a.SLARules.List(ctx)
	for _, c := range []struct {
		name string
		form url.Values
		want string
	}{
		{"no action", url.Values{"name": {"规则"}, "clock": {"resolution"}, "on": {"breached"}}, "at least one action"},
		{"minutes on warning", url.Values{"name": {"规则"}, "clock": {"resolution"}, "on": {"warning"}, "after_minutes": {"5"}, "raise": {"step"}}, "Only a breach rule"},
		{"two reassign targets", url.Values{"name": {"规则"}, "clock": {"resolution"}, "on": {"breached"}, "reassign_user": {"2"}, "reassign_group": {"1"}}, "exactly one"},
		{"unknown user", url.Values{"name": {"规则"}, "clock": {"resolution"}, "on": {"breached"}, "notify_users": {"9999"}}, "no user 9999"},
		{"bad clock", url.Values{"name": {"规则"}, "clock": {"lunch"}, "on": {"breached"}, "raise": {"step"}}, "first-response or the resolution"},
	} {
		resp, body := b.post("/settings/sla-rules", c.form)
		if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d, want 400 with %q", c.name, resp.StatusCode, c.want)
		}
	}
	if after, _ := a.SLARules.List(ctx); len(after) != len(rules) {
		t.Fatalf("refused rules were stored: %d", len(after))
	}
	resp, _ = b.post("/settings/sla-rules", url.Values{"name": {"解决超时：通知"}, "enabled": {"on"}, "clock": {"resolution"}, "on": {"breached"},
		"notify_users": {"2", "3"}, "notify_group": {"1"}, "raise": {"urgent"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create rule: %d", resp.StatusCode)
	}
	after, _ := a.SLARules.List(ctx)
	last := after[len(after)-1]
	if len(after) != len(rules)+1 || len(last.Actions) != 2 || len(last.Actions[0].UserIDs) != 2 || last.Actions[1].Priority != "urgent" {
		t.Fatalf("created rule %+v", last)
	}
	if resp, body := b.get(fmt.Sprintf("/settings/sla-rules/%d", last.ID)); resp.StatusCode != 200 || !strings.Contains(body, `value="urgent" selected`) {
		t.Fatalf("rule form: %d", resp.StatusCode)
	}
	if resp, _ := b.post(fmt.Sprintf("/settings/sla-rules/%d/delete", last.ID), nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("delete rule: %d", resp.StatusCode)
	}
	if resp, _ := b.post(fmt.Sprintf("/settings/sla-rules/%d/delete", last.ID), nil); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("delete rule twice: %d", resp.StatusCode)
	}

	// A supervisor may not change settings.
	sup := newBrowser(t, srv)
	sup.signIn("supervisor")
	if resp, _ := sup.post("/settings/calendars/1", good); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("supervisor saves a calendar: %d", resp.StatusCode)
	}
}

func TestTodoCalendarAPI(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()
	tokenOf := func(username string) string {
		_, p, err := a.Auth.Login(ctx, username, demo.Password, "127.0.0.1", "")
		if err != nil {
			t.Fatal(err)
		}
		_, token, err := a.Auth.CreateToken(ctx, p, "test", 0)
		if err != nil {
			t.Fatal(err)
		}
		return "Bearer " + token
	}
	admin, agent, station := tokenOf("admin"), tokenOf("agent1"), tokenOf("station")
	call := func(method, path, body, auth string) (int, map[string]any) {
		return apiCall(t, srv, auth, method, path, "", []byte(body))
	}
	for _, c := range []struct {
		name, method, path, body, auth string
		status                         int
		check                          func(m map[string]any) bool
	}{
		{"my open to-dos", "GET", "/api/v1/todos", "", agent, 200, func(m map[string]any) bool { return m["total"] == 4.0 }},
		{"my overdue", "GET", "/api/v1/todos?status=overdue", "", agent, 200, func(m map[string]any) bool { return m["total"] == 2.0 }},
		{"bad status", "GET", "/api/v1/todos?status=late", "", agent, 400, nil},
		{"bad customer filter", "GET", "/api/v1/todos?customer_id=x", "", agent, 400, nil},
		{"partner", "GET", "/api/v1/todos", "", station, 403, nil},
		{"create", "POST", "/api/v1/todos", `{"title":"回电","kind":"callback","due_at":"2026-06-01T10:00:00+08:00","customer_id":5}`, agent, 201,
			func(m map[string]any) bool { return m["customer_id"] == 5.0 && m["due_at"] == "2026-06-01T02:00:00Z" }},
		{"create invalid", "POST", "/api/v1/todos", `{"title":"","kind":"callback","due_at":"2026-06-01T10:00:00+08:00"}`, agent, 400, nil},
		{"create unknown field", "POST", "/api/v1/todos", `{"title":"x","kind":"callback","due_at":"2026-06-01T10:00:00Z","urgent":true}`, agent, 400, nil},
		{"patch nothing", "PATCH", "/api/v1/todos/1", `{}`, agent, 400, nil},
		{"patch two assignees", "PATCH", "/api/v1/todos/1", `{"assignee_id":3,"queue_id":1}`, agent, 400, nil},
		{"patch reschedule", "PATCH", "/api/v1/todos/1", `{"due_at":"2026-06-02T09:00:00+08:00","reason":"客户要求"}`, agent, 200,
			func(m map[string]any) bool { return m["due_at"] == "2026-06-02T01:00:00Z" }},
		{"patch someone else's", "PATCH", "/api/v1/todos/5", `{"due_at":"2026-06-02T09:00:00+08:00"}`, agent, 403, nil},
		{"done", "POST", "/api/v1/todos/2/done", "", agent, 200, func(m map[string]any) bool { return m["done_at"] != nil }},
		{"done twice", "POST", "/api/v1/todos/2/done", "", agent, 409, nil},
		{"done missing", "POST", "/api/v1/todos/9999/done", "", agent, 404, nil},
		{"calendars", "GET", "/api/v1/calendars", "", agent, 200, func(m map[string]any) bool { return m["total"] == 2.0 }},
		{"calendar", "GET", "/api/v1/calendars/2", "", agent, 200, func(m map[string]any) bool {
			w, _ := m["week"].(map[string]any)
			return w["mon"] == "09:00-18:00" && w["sun"] == ""
		}},
		{"open on a make-up Saturday", "GET", "/api/v1/calendars/2/open?at=2026-10-10T10:00:00%2B08:00", "", agent, 200, func(m map[string]any) bool {
			return m["open"] == true && m["next_close"] == "2026-10-10T18:00:00+08:00"
		}},
		{"closed on National Day", "GET", "/api/v1/calendars/2/open?at=2026-10-01T10:00:00%2B08:00", "", agent, 200, func(m map[string]any) bool {
			return m["open"] == false && m["next_open"] == "2026-10-08T09:00:00+08:00"
		}},
		{"hotline late at night", "GET", "/api/v1/calendars/1/open?at=2026-03-10T23:00:00%2B08:00", "", agent, 200, func(m map[string]any) bool {
			return m["open"] == false && m["next_open"] == "2026-03-11T08:00:00+08:00"
		}},
		{"bad at", "GET", "/api/v1/calendars/1/open?at=tomorrow", "", agent, 400, nil},
		{"missing calendar", "GET", "/api/v1/calendars/99/open", "", agent, 404, nil},
		{"agent creates a calendar", "POST", "/api/v1/calendars", `{"name_zh":"夜班","name_en":"Night","time_zone":"Asia/Shanghai","week":{"mon":"22:00-24:00"}}`, agent, 403, nil},
		{"create calendar", "POST", "/api/v1/calendars", `{"name_zh":"夜班","name_en":"Night","time_zone":"Asia/Shanghai","week":{"mon":"22:00-24:00","tue":"00:00-06:00"},"holidays":[{"date":"2026-10-01","name":"国庆"}]}`, admin, 201,
			func(m map[string]any) bool { return m["id"] == 3.0 }},
		{"calendar bad weekday", "PUT", "/api/v1/calendars/3", `{"name_zh":"夜班","name_en":"Night","time_zone":"Asia/Shanghai","week":{"monday":"22:00-24:00"}}`, admin, 400, nil},
		{"calendar bad zone", "PUT", "/api/v1/calendars/3", `{"name_zh":"夜班","name_en":"Night","time_zone":"Mars/Base","week":{"mon":"22:00-24:00"}}`, admin, 400,
			func(m map[string]any) bool {
				e, _ := m["error"].(map[string]any)
				f, _ := e["fields"].(map[string]any)
				return f["time_zone"] != nil
			}},
		{"night open across midnight", "GET", "/api/v1/calendars/3/open?at=2026-03-09T23:00:00%2B08:00", "", agent, 200, func(m map[string]any) bool {
			return m["open"] == true && m["next_close"] == "2026-03-10T06:00:00+08:00"
		}},
		{"rules for agents", "GET", "/api/v1/sla-rules", "", agent, 403, nil},
		{"rules", "GET", "/api/v1/sla-rules", "", admin, 200, func(m map[string]any) bool { return m["total"] == 3.0 }},
		{"create rule", "POST", "/api/v1/sla-rules", `{"name":"首响预警","enabled":true,"clock":"first_response","on":"warning","actions":[{"kind":"notify","user_ids":[2]}]}`, admin, 201,
			func(m map[string]any) bool { return m["id"] == 4.0 }},
		{"invalid rule", "PUT", "/api/v1/sla-rules/4", `{"name":"首响预警","clock":"first_response","on":"warning","actions":[{"kind":"reassign"}]}`, admin, 400, nil},
		{"rule", "GET", "/api/v1/sla-rules/4", "", admin, 200, func(m map[string]any) bool { return m["enabled"] == true }},
		{"delete rule", "DELETE", "/api/v1/sla-rules/4", "", admin, 204, nil},
		{"deleted rule", "GET", "/api/v1/sla-rules/4", "", admin, 404, nil},
	} {
		status, body := call(c.method, c.path, c.body, c.auth)
		if status != c.status || (c.check != nil && !c.check(body)) {
			t.Errorf("%s: %d %v, want %d", c.name, status, body, c.status)
		}
	}
	if cal, _ := a.Calendars.Get(ctx, 3); cal.TimeZone != "Asia/Shanghai" || len(cal.Holidays) != 1 {
		t.Fatalf("refused PUTs changed the calendar: %+v", cal)
	}
}
