package todo_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/todo"
)

type fixture struct {
	d                          *db.DB
	s                          *todo.Store
	log                        *events.Log
	alice, bob, carol, partner int64 // alice and bob serve the queue; carol does not
	queue, other               int64
	cust1, cust2               int64
}

func setup(t *testing.T, d *db.DB) *fixture {
	ctx := context.Background()
	now := time.Now().UTC()
	f := &fixture{d: d, log: events.New(d)}
	f.s = todo.NewStore(d, f.log)
	user := func(name, role string) int64 {
		var id int64
		if err := d.Write().QueryRowContext(ctx, `INSERT INTO users (username, display_name, role, password_hash, password_changed_at, created_at, updated_at)
			VALUES ($1, $1, $2, 'x', $3, $3, $3) RETURNING id`, name, role, now).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	f.alice, f.bob, f.carol = user("alice", "agent"), user("bob", "agent"), user("carol", "agent")
	f.partner = user("station", "partner")
	for i, code := range []string{"repair", "vip"} {
		var id int64
		if err := d.Write().QueryRowContext(ctx, `INSERT INTO queues (code, name_zh, name_en, created_at) VALUES ($1, $1, $1, $2) RETURNING id`, code, now).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			f.queue = id
		} else {
			f.other = id
		}
	}
	for _, u := range []int64{f.alice, f.bob} {
		if _, err := d.Write().ExecContext(ctx, `INSERT INTO queue_members (queue_id, user_id) VALUES ($1, $2)`, f.queue, u); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range []*int64{&f.cust1, &f.cust2} {
		if err := d.Write().QueryRowContext(ctx, `INSERT INTO customers (name, created_at, updated_at) VALUES ('王伟', $1, $1) RETURNING id`, now).Scan(p); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func TestLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		now := time.Date(2026, 3, 10, 6, 0, 0, 0, time.UTC) // 14:00 in Shanghai
		alice := todo.Actor{UserID: f.alice}
		mk := func(actor todo.Actor, in todo.Input) *todo.Todo {
			t.Helper()
			td, err := f.s.Create(ctx, actor, in)
			if err != nil {
				t.Fatal(err)
			}
			return td
		}
		overdue := mk(alice, todo.Input{Title: "回电王先生", Kind: todo.Callback, DueAt: now.Add(-time.Hour), CustomerID: f.cust1, TicketID: 4242})
		today := mk(alice, todo.Input{Title: "发送保修单", Kind: todo.SendDocument, DueAt: now.Add(3 * time.Hour)})
		upcoming := mk(alice, todo.Input{Title: "测试主板", Kind: todo.TestUnit, DueAt: now.Add(48 * time.Hour), CustomerID: f.cust1})
		// Voicemail leaves a call-back for the queue: one call, made by the system.
		group := mk(todo.System, todo.Input{Title: "语音留言回电", Kind: todo.Callback, DueAt: now.Add(-10 * time.Minute), QueueID: f.queue, CustomerID: f.cust2})
		otherGroup := mk(todo.System, todo.Input{Title: "VIP 回电", Kind: todo.Callback, DueAt: now.Add(-10 * time.Minute), QueueID: f.other})
		bobs := mk(alice, todo.Input{Title: "给鲍勃", Kind: todo.Other, DueAt: now.Add(-time.Hour), AssigneeID: f.bob})
		if overdue.AssigneeID != f.alice || overdue.CreatedBy != f.alice || group.CreatedBy != 0 || group.AssigneeID != 0 {
			t.Fatalf("assignment: %+v %+v", overdue, group)
		}

		lists, err := f.s.ListFor(ctx, f.alice, now, shanghai)
		if err != nil {
			t.Fatal(err)
		}
		ids := func(ts []*todo.Todo) []int64 {
			var out []int64
			for _, t := range ts {
				out = append(out, t.ID)
			}
			return out
		}
		same := func(name string, got []*todo.Todo, want ...int64) {
			t.Helper()
			g := ids(got)
			if len(g) != len(want) {
				t.Fatalf("%s: %v, want %v", name, g, want)
			}
			for i := range g {
				if g[i] != want[i] {
					t.Fatalf("%s: %v, want %v", name, g, want)
				}
			}
		}
		same("overdue", lists.Overdue, overdue.ID, group.ID)
		same("today", lists.Today, today.ID)
		same("upcoming", lists.Upcoming, upcoming.ID)
		same("group", lists.Group, group.ID)
		if lists.Overdue[0].CustomerName != "王伟" || lists.Overdue[0].AssigneeName != "alice" {
			t.Fatalf("names: %+v", lists.Overdue[0])
		}
		if n, _ := f.s.OverdueCount(ctx, f.alice, now); n != 2 {
			t.Fatalf("alice overdue %d", n)
		}
		if n, _ := f.s.OverdueCount(ctx, f.bob, now); n != 2 { // his own and the queue's
			t.Fatalf("bob overdue %d", n)
		}
		if n, _ := f.s.OverdueCount(ctx, f.carol, now); n != 0 {
			t.Fatalf("carol overdue %d", n)
		}
		if od, _ := f.s.OverdueFor(ctx, f.bob, now); len(od) != 2 {
			t.Fatalf("bob overdue list %v", ids(od))
		}
		if due, _ := f.s.Due(ctx, now, 0); len(due) != 4 {
			t.Fatalf("due %v", ids(due))
		}

		// Claiming: only members of the queue, and only once.
		if _, err := f.s.Claim(ctx, todo.Actor{UserID: f.carol}, group.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("carol claims: %v", err)
		}
		if _, err := f.s.Claim(ctx, alice, otherGroup.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("claim another queue's: %v", err)
		}
		if _, err := f.s.Claim(ctx, alice, overdue.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("claim an assigned one: %v", err)
		}
		claimed, err := f.s.Claim(ctx, todo.Actor{UserID: f.bob}, group.ID)
		if err != nil || claimed.AssigneeID != f.bob {
			t.Fatalf("bob claims: %+v %v", claimed, err)
		}
		if _, err := f.s.Claim(ctx, alice, group.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("second claim: %v", err)
		}
		if n, _ := f.s.OverdueCount(ctx, f.alice, now); n != 1 {
			t.Fatalf("alice overdue after bob claimed: %d", n)
		}

		// Who may act: not carol on alice's; the creator on bob's; all on anything.
		if _, err := f.s.Complete(ctx, todo.Actor{UserID: f.carol}, overdue.ID); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("carol completes alice's: %v", err)
		}
		if _, err := f.s.Reschedule(ctx, alice, bobs.ID, now.Add(time.Hour), "客户要求"); err != nil {
			t.Fatalf("creator reschedules: %v", err)
		}
		if _, err := f.s.Cancel(ctx, todo.Actor{UserID: f.carol, All: true}, otherGroup.ID); err != nil {
			t.Fatalf("supervisor cancels: %v", err)
		}
		if _, err := f.s.Complete(ctx, alice, otherGroup.ID); !errs.Is(err, errs.Forbidden) && !errs.Is(err, errs.Conflict) {
			t.Fatalf("complete a cancelled one: %v", err)
		}

		// Reschedule, then complete; closed ones cannot change.
		moved, err := f.s.Reschedule(ctx, alice, overdue.ID, now.Add(2*time.Hour), "客户下午才有空")
		if err != nil || !moved.DueAt.Equal(now.Add(2*time.Hour)) {
			t.Fatalf("reschedule: %+v %v", moved, err)
		}
		done, err := f.s.Complete(ctx, alice, overdue.ID)
		if err != nil || done.DoneAt.IsZero() || done.DoneBy != f.alice || done.Open() {
			t.Fatalf("complete: %+v %v", done, err)
		}
		if _, err := f.s.Complete(ctx, alice, overdue.ID); !errs.Is(err, errs.Conflict) {
			t.Fatalf("complete twice: %v", err)
		}
		if _, err := f.s.Reschedule(ctx, alice, overdue.ID, now, ""); !errs.Is(err, errs.Conflict) {
			t.Fatalf("reschedule a done one: %v", err)
		}
		if _, err := f.s.Complete(ctx, alice, 99999); !errs.Is(err, errs.NotFound) {
			t.Fatalf("complete missing: %v", err)
		}
		lists, _ = f.s.ListFor(ctx, f.alice, now, shanghai)
		same("done", lists.Done, overdue.ID)
		same("overdue after", lists.Overdue)

		// Assign: to bob, then to the queue; bad targets change nothing.
		if _, err := f.s.Assign(ctx, alice, today.ID, f.partner, 0, 0); !errs.Is(err, errs.Invalid) {
			t.Fatalf("assign to a partner: %v", err)
		}
		if _, err := f.s.Assign(ctx, alice, today.ID, f.bob, f.queue, 0); !errs.Is(err, errs.Invalid) {
			t.Fatalf("assign to two: %v", err)
		}
		if got, err := f.s.Assign(ctx, alice, today.ID, 0, f.queue, 0); err != nil || got.AssigneeID != 0 || got.QueueID != f.queue {
			t.Fatalf("assign to queue: %+v %v", got, err)
		}
		if got, err := f.s.Assign(ctx, alice, today.ID, 0, 0, 77); err != nil || got.DepartmentID != 77 || got.QueueID != 0 {
			t.Fatalf("assign to department: %+v %v", got, err)
		}

		// The customer timeline shows created, rescheduled and done, with the ticket.
		evs, _, err := f.log.List(ctx, events.Filter{CustomerID: f.cust1, Categories: []string{"todo"}})
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, e := range evs {
			kinds = append(kinds, e.Kind)
		}
		if strings.Join(kinds, " ") != "todo.done todo.rescheduled todo.created todo.created" {
			t.Fatalf("timeline: %v", kinds)
		}
		if evs[0].TicketID != 4242 || evs[0].ActorID != f.alice || evs[1].Str("reason") != "客户下午才有空" {
			t.Fatalf("events: %+v", evs[:2])
		}

		// The API filter.
		// Alice's: the done one and the upcoming one (the one she gave to a department and
		// the one she gave bob are no longer hers).
		if all, total, err := f.s.List(ctx, todo.Filter{UserID: f.alice, Status: "all"}, now); err != nil || total != 2 || len(all) != 2 {
			t.Fatalf("all: %v total %d %v", ids(all), total, err)
		}
		for _, c := range []struct {
			f    todo.Filter
			want int
		}{
			{todo.Filter{UserID: f.alice}, 1},                      // upcoming
			{todo.Filter{UserID: f.alice, Status: "done"}, 1},      // overdue, done
			{todo.Filter{UserID: f.alice, Status: "overdue"}, 0},   // none left
			{todo.Filter{UserID: f.bob, Status: "overdue"}, 1},     // the claimed voicemail
			{todo.Filter{UserID: f.alice, CustomerID: f.cust1}, 1}, // upcoming
			{todo.Filter{UserID: f.alice, Status: "all", TicketID: 4242}, 1},
		} {
			_, n, err := f.s.List(ctx, c.f, now)
			if err != nil || n != c.want {
				t.Errorf("list %+v: %d %v, want %d", c.f, n, err, c.want)
			}
		}
		if _, _, err := f.s.List(ctx, todo.Filter{UserID: f.alice, Status: "late"}, now); !errs.Is(err, errs.Invalid) {
			t.Fatalf("bad status: %v", err)
		}

		// Merge hook: every to-do of customer 1 moves to customer 2.
		if err := d.Tx(ctx, func(tx *sql.Tx) error { return f.s.MoveCustomer(ctx, tx, f.cust1, f.cust2) }); err != nil {
			t.Fatal(err)
		}
		if _, n, _ := f.s.List(ctx, todo.Filter{UserID: f.alice, Status: "all", CustomerID: f.cust1}, now); n != 0 {
			t.Fatalf("%d to-dos left on the merged customer", n)
		}
		if _, n, _ := f.s.List(ctx, todo.Filter{UserID: f.alice, Status: "all", CustomerID: f.cust2}, now); n != 2 {
			t.Fatalf("%d to-dos on the kept customer", n)
		}
	})
}

func TestCreateRefusesBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		due := time.Now().Add(time.Hour)
		ok := todo.Input{Title: "回电", Kind: todo.Callback, DueAt: due}
		for _, c := range []struct {
			name  string
			actor todo.Actor
			edit  func(in *todo.Input)
			field string
		}{
			{"no title", todo.Actor{UserID: f.alice}, func(in *todo.Input) { in.Title = "  " }, "title"},
			{"long title", todo.Actor{UserID: f.alice}, func(in *todo.Input) { in.Title = strings.Repeat("长", 201) }, "title"},
			{"bad kind", todo.Actor{UserID: f.alice}, func(in *todo.Input) { in.Kind = "visit" }, "kind"},
			{"long note", todo.Actor{UserID: f.alice}, func(in *todo.Input) { in.Note = strings.Repeat("x", 4001) }, "note"},
			{"no due", todo.Actor{UserID: f.alice}, func(in *todo.Input) { in.DueAt = time.Time{} }, "due_at"},
			{"two assignees", todo.Actor{UserID: f.alice}, func(in *todo.Input) { in.AssigneeID, in.QueueID = f.bob, f.queue }, "assignee_id"},
			{"negative id", todo.Actor{UserID: f.alice}, func(in *todo.Input) { in.TicketID = -1 }, "assignee_id"},
			{"unknown user", todo.Actor{UserID: f.alice}, func(in *todo.Input) { in.AssigneeID = 9999 }, "assignee_id"},
			{"partner user", todo.Actor{UserID: f.alice}, func(in *todo.Input) { in.AssigneeID = f.partner }, "assignee_id"},
			{"unknown queue", todo.Actor{UserID: f.alice}, func(in *todo.Input) { in.QueueID = 9999 }, "queue_id"},
			{"unknown customer", todo.Actor{UserID: f.alice}, func(in *todo.Input) { in.CustomerID = 9999 }, "customer_id"},
			{"system without assignee", todo.System, func(in *todo.Input) {}, "assignee_id"},
		} {
			in := ok
			c.edit(&in)
			_, err := f.s.Create(ctx, c.actor, in)
			e, isErr := errs.As(err)
			if !isErr || e.Code != errs.Invalid || e.Fields[c.field] == "" || e.Key == "" {
				t.Errorf("%s: %v, want Invalid on %s", c.name, err, c.field)
			}
		}
		if _, total, _ := f.s.List(ctx, todo.Filter{UserID: f.alice, Status: "all"}, time.Now()); total != 0 {
			t.Fatalf("refused to-dos were stored: %d", total)
		}
		if _, err := f.s.Reschedule(ctx, todo.Actor{UserID: f.alice}, 1, time.Time{}, ""); !errs.Is(err, errs.Invalid) {
			t.Fatalf("reschedule to nothing: %v", err)
		}
		// An update that reschedules and reassigns to someone unknown changes nothing.
		td, err := f.s.Create(ctx, todo.Actor{UserID: f.alice}, ok)
		if err != nil {
			t.Fatal(err)
		}
		later := due.Add(24 * time.Hour)
		_, err = f.s.Update(ctx, todo.Actor{UserID: f.alice}, td.ID, todo.Change{DueAt: &later, Assign: &todo.Assignee{UserID: 9999}})
		if !errs.Is(err, errs.Invalid) {
			t.Fatalf("update to an unknown user: %v", err)
		}
		if got, _ := f.s.Get(ctx, td.ID); !got.DueAt.Equal(td.DueAt) || got.AssigneeID != f.alice {
			t.Fatalf("a refused update changed the to-do: %+v", got)
		}
		if _, err := f.s.Update(ctx, todo.Actor{UserID: f.alice}, td.ID, todo.Change{}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("empty update: %v", err)
		}
	})
}
