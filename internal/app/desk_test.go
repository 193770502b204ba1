package app_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/ticket"
	"github.com/hotlinecc/hotline/internal/todo"
)

// Merging two customers keeps the dropped one's tickets and to-dos on the kept one, and
// the customer side sees the open tickets through the adapter.
func TestMergeKeepsTicketsAndTodos(t *testing.T) {
	_, a := testServer(t)
	ctx := context.Background()
	admin, err := a.Auth.UserByUsername(ctx, "admin")
	if err != nil {
		t.Fatal(err)
	}
	p := &auth.Principal{User: admin}
	typ, err := a.Tickets.TypeByCode(ctx, "inquiry")
	if err != nil {
		t.Fatal(err)
	}
	const keep, drop = 20, 21
	var tickets []int64
	for _, c := range []int64{keep, drop, drop} {
		tk, err := a.Tickets.Create(ctx, p, ticket.NewTicket{TypeID: typ.ID, CustomerID: c, Title: "保修政策咨询", Channel: "phone"})
		if err != nil {
			t.Fatal(err)
		}
		tickets = append(tickets, tk.ID)
		if _, err := a.Todos.Create(ctx, todo.Actor{UserID: admin.ID}, todo.Input{Title: "回电", Kind: todo.Callback, DueAt: time.Now().Add(time.Hour),
			CustomerID: c, TicketID: tk.ID}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := a.Customers.Merge(ctx, admin.ID, keep, drop); err != nil {
		t.Fatal(err)
	}
	refs, err := a.Tickets.OpenTicketsOf(ctx, keep)
	if err != nil || len(refs) != 3 {
		t.Fatalf("kept customer's tickets: %+v %v", refs, err)
	}
	todos, n, err := a.Todos.List(ctx, todo.Filter{UserID: admin.ID, CustomerID: keep, Status: "all"}, time.Now())
	if err != nil || n != 3 || len(todos) != 3 {
		t.Fatalf("kept customer's to-dos: %d %v", n, err)
	}
	if _, n, _ := a.Todos.List(ctx, todo.Filter{UserID: admin.ID, CustomerID: drop, Status: "all"}, time.Now()); n != 0 {
		t.Fatalf("%d to-dos left on the dropped customer", n)
	}
	rep, err := a.Customers.CheckRepeat(ctx, keep, "")
	if err != nil || len(rep.OpenTickets) != 3 {
		t.Fatalf("open tickets through crm: %+v %v", rep, err)
	}
	for _, id := range tickets {
		got, _, err := a.Tickets.Get(ctx, p, id)
		if err != nil || got.CustomerID != keep {
			t.Fatalf("ticket %d: %+v %v", id, got, err)
		}
	}
}

// The complaint desk through the console and the API: permissions, bad input and the
// closure rules, on the demo complaint (ticket 3: sub-task 1 for quality is done,
// sub-task 2 for after-sales is open).
func TestComplaintDesk(t *testing.T) {
	srv, a := testServer(t)

	sup := newBrowser(t, srv)
	sup.signIn("supervisor")
	if resp, body := sup.get("/complaints"); resp.StatusCode != 200 || !strings.Contains(body, `data-testid="complaint-list"`) || !strings.Contains(body, "维修超时投诉") {
		t.Fatalf("/complaints: %d", resp.StatusCode)
	}
	if resp, body := sup.get("/complaints?view=department"); resp.StatusCode != 200 || !strings.Contains(body, "核实维修站维修记录") || strings.Contains(body, "评估补偿方案") {
		t.Fatalf("supervisor's department sub-tasks: %d", resp.StatusCode)
	}
	if resp, _ := sup.get("/complaints?view=nope"); resp.StatusCode != 404 {
		t.Fatalf("unknown view: %d", resp.StatusCode)
	}
	resp, body := sup.get("/tickets/3")
	if resp.StatusCode != 200 || !strings.Contains(body, `data-testid="complaint-panel"`) || !strings.Contains(body, `data-testid="sla-clock"`) ||
		!strings.Contains(body, "维修站记录显示主板配件缺货") || !strings.Contains(body, `data-testid="closure-request-form"`) {
		t.Fatalf("complaint page: %d", resp.StatusCode)
	}
	if resp, body := sup.post("/tickets/3/subtasks", url.Values{"department_id": {"1"}, "title": {" "}}); resp.StatusCode != 400 || !strings.Contains(body, `data-testid="form-error"`) {
		t.Fatalf("empty sub-task: %d", resp.StatusCode)
	}
	if resp, _ := sup.post("/tickets/3/closure/return", url.Values{"reason": {"x"}}); resp.StatusCode != 409 {
		t.Fatalf("return without a request: %d", resp.StatusCode)
	}
	if resp, body := sup.get("/tickets?sort=due"); resp.StatusCode != 200 || !strings.Contains(body, `data-testid="sort-due"`) || !strings.Contains(body, `data-testid="sla-badge"`) {
		t.Fatalf("tickets by due: %d", resp.StatusCode)
	}
	agent := newBrowser(t, srv)
	agent.signIn("agent1")
	agent.get("/tickets/3")
	if resp, _ := agent.post("/tickets/3/subtasks", url.Values{"department_id": {"1"}, "title": {"查"}}); resp.StatusCode != 403 {
		t.Fatalf("agent adds a sub-task: %d", resp.StatusCode)
	}
	expert := newBrowser(t, srv)
	expert.signIn("expert")
	expert.get("/complaints?view=department")
	if resp, _ := expert.post("/tickets/3/subtasks/2/replies", url.Values{"body": {"不是本部门"}, "back": {"department"}}); resp.StatusCode != 403 {
		t.Fatalf("non-member replies: %d", resp.StatusCode)
	}

	token := func(username string) string { return bearer(t, a, username) }
	call := func(auth, method, path, body string) (int, map[string]any) {
		return apiCall(t, srv, auth, method, path, "", []byte(body))
	}
	supT, agentT, handlerT, senior1T, stationT := token("supervisor"), token("agent1"), token("senior2"), token("senior1"), token("station")
	for _, c := range []struct {
		name, auth, method, path, body string
		status                         int
	}{
		{"list", agentT, "GET", "/api/v1/complaints", "", 200},
		{"bad view", agentT, "GET", "/api/v1/complaints?view=x", "", 400},
		{"partner lists", stationT, "GET", "/api/v1/complaints", "", 403},
		{"partner reads", stationT, "GET", "/api/v1/tickets/3/complaint", "", 403},
		{"not a complaint", supT, "GET", "/api/v1/tickets/1/complaint", "", 400},
		{"complaint", agentT, "GET", "/api/v1/tickets/3/complaint", "", 200},
		{"sla", agentT, "GET", "/api/v1/tickets/3/sla", "", 200},
		{"department sub-tasks", senior1T, "GET", "/api/v1/complaints/department-subtasks", "", 200},
		{"agent adds a sub-task", agentT, "POST", "/api/v1/tickets/3/subtasks", `{"department_id":1,"title":"查"}`, 403},
		{"unknown department", supT, "POST", "/api/v1/tickets/3/subtasks", `{"department_id":99999,"title":"查"}`, 400},
		{"unknown field", supT, "POST", "/api/v1/tickets/3/subtasks", `{"dept":1,"title":"查"}`, 400},
		{"sub-task on a non-complaint", supT, "POST", "/api/v1/tickets/1/subtasks", `{"department_id":1,"title":"查"}`, 400},
		{"non-member replies", supT, "POST", "/api/v1/tickets/3/subtasks/2/replies", `{"body":"x","done":true}`, 403},
		{"sub-task of another ticket", senior1T, "POST", "/api/v1/tickets/1/subtasks/2/replies", `{"body":"x"}`, 404},
		{"request with an open sub-task", handlerT, "POST", "/api/v1/tickets/3/closure/request", `{}`, 409},
		{"member replies", senior1T, "POST", "/api/v1/tickets/3/subtasks/2/replies", `{"body":"同意补偿 200 元代金券","done":true}`, 201},
		{"request without a reply", handlerT, "POST", "/api/v1/tickets/3/closure/request", `{}`, 409},
		{"bad channel", handlerT, "POST", "/api/v1/tickets/3/customer-replies", `{"channel":"fax","body":"x"}`, 400},
		{"agent replies to the customer", agentT, "POST", "/api/v1/tickets/3/customer-replies", `{"channel":"sms","body":"x"}`, 403},
		{"reply", handlerT, "POST", "/api/v1/tickets/3/customer-replies", `{"channel":"phone","body":"已致电客户致歉，明日修复并赠送 200 元代金券。"}`, 201},
		{"approve without a request", supT, "POST", "/api/v1/tickets/3/closure/approve", `{}`, 409},
		{"request", handlerT, "POST", "/api/v1/tickets/3/closure/request", `{"note":"客户接受方案"}`, 200},
		{"handler approves", handlerT, "POST", "/api/v1/tickets/3/closure/approve", `{}`, 403},
		{"return without a reason", supT, "POST", "/api/v1/tickets/3/closure/return", `{}`, 400},
		{"status buttons cannot skip the review", supT, "POST", "/api/v1/tickets/3/status", `{"status":"handling"}`, 409},
		{"approve", supT, "POST", "/api/v1/tickets/3/closure/approve", `{}`, 200},
	} {
		if status, out := call(c.auth, c.method, c.path, c.body); status != c.status {
			t.Fatalf("%s: %d %v, want %d", c.name, status, out, c.status)
		}
	}
	_, out := call(supT, "GET", "/api/v1/tickets/3/complaint", "")
	tk, _ := out["ticket"].(map[string]any)
	if tk["status"] != "closed" || len(out["customer_replies"].([]any)) != 1 || len(out["reviews"].([]any)) != 1 {
		t.Fatalf("closed complaint: %v", out)
	}
	if _, out := call(supT, "GET", "/api/v1/complaints", ""); out["total"].(float64) != 0 {
		t.Fatalf("open complaints after closing the only one: %v", out)
	}
}
