package app_test

import (
	"context"
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
