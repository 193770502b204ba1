package ticket_test

import (
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/calendar"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/sla"
	"github.com/hotlinecc/hotline/internal/ticket"
	"github.com/hotlinecc/hotline/internal/todo"
)

func (e *env) support(t *testing.T, svc *ticket.Service) *ticket.Ticket {
	t.Helper()
	tk, err := svc.Create(ctx, e.p["agent"], ticket.NewTicket{TypeID: e.types["support"].ID, CustomerID: e.customers[1], Title: "蓝屏", Channel: "chat",
		Fields: map[string]any{"asset": "SN-9"}})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// Support: first response in 30 minutes, resolution in 8 hours, around the clock (no
// calendar). Waiting on the customer pauses both clocks.
func TestSLAClocksPauseAndResume(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		clk := newClock("2026-11-23T02:00:00Z")
		t0 := clk.t
		svc := e.timed(clk)
		tk := e.support(t, svc)
		if tk.SLAState != ticket.SLAOK || !tk.SLADueAt.Equal(t0.Add(30*time.Minute)) {
			t.Fatalf("new ticket: %q due %v", tk.SLAState, tk.SLADueAt)
		}
		clk.add(25 * time.Minute)
		v, err := svc.SLA(ctx, e.p["agent"], tk.ID)
		if err != nil || v.Status != ticket.SLAWarning {
			t.Fatalf("at 25 min: %+v %v", v, err)
		}
		// A public note by staff is the first response; the resolution clock runs on.
		if _, err := svc.AddNote(ctx, e.p["agent"], tk.ID, "已收到，正在排查", false); err != nil {
			t.Fatal(err)
		}
		clk.add(35 * time.Minute) // t0 + 60 min
		if _, err := svc.ChangeStatus(ctx, e.p["agent"], tk.ID, "in_progress", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ChangeStatus(ctx, e.p["agent"], tk.ID, "waiting", "请提供蓝屏代码"); err != nil {
			t.Fatal(err)
		}
		clk.add(2 * time.Hour) // paused for two hours
		v, _ = svc.SLA(ctx, e.p["agent"], tk.ID)
		if v.Status != ticket.SLAPaused || v.State.Resolution.Elapsed != time.Hour || !v.State.FirstResponse.Stopped || v.State.FirstResponse.Breached {
			t.Fatalf("paused: %+v", v)
		}
		if _, err := svc.ChangeStatus(ctx, e.p["agent"], tk.ID, "in_progress", ""); err != nil {
			t.Fatal(err)
		}
		clk.add(time.Hour)
		v, _ = svc.SLA(ctx, e.p["agent"], tk.ID)
		if v.Status != ticket.SLAOK || v.State.Resolution.Elapsed != 2*time.Hour || !v.Due.Equal(t0.Add(10*time.Hour)) || len(v.Pauses) != 1 || v.Pauses[0].To.IsZero() {
			t.Fatalf("resumed: %+v", v)
		}
		got, _, _ := svc.Get(ctx, e.p["agent"], tk.ID)
		if !got.SLADueAt.Equal(t0.Add(10 * time.Hour)) {
			t.Fatalf("stored due %v", got.SLADueAt)
		}
		// Resolved within target: met.
		if _, err := svc.ChangeStatus(ctx, e.p["agent"], tk.ID, "resolved", ""); err != nil {
			t.Fatal(err)
		}
		if v, _ = svc.SLA(ctx, e.p["agent"], tk.ID); v.Status != ticket.SLAMet || !v.Due.IsZero() {
			t.Fatalf("resolved: %+v", v)
		}
	})
}

// Clocks count business time in the type's calendar, by default the center's first.
func TestSLACalendar(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		office := &calendar.Calendar{NameZH: "办公时间", NameEN: "Office hours", TimeZone: "Asia/Shanghai"}
		for day := time.Monday; day <= time.Friday; day++ {
			office.Week[day] = []calendar.Span{{Start: 9 * 60, End: 18 * 60}}
		}
		if err := calendar.NewStore(d).Create(ctx, office); err != nil {
			t.Fatal(err)
		}
		sh, _ := time.LoadLocation("Asia/Shanghai")
		clk := &clock{time.Date(2026, 11, 20, 17, 50, 0, 0, sh).UTC()} // a Friday, 10 minutes before closing
		svc := e.timed(clk)
		tk := e.support(t, svc)
		if want := time.Date(2026, 11, 23, 9, 20, 0, 0, sh); !tk.SLADueAt.Equal(want) {
			t.Fatalf("due %v, want Monday 09:20 %v", tk.SLADueAt.In(sh), want)
		}
		// A type with a calendar that does not exist is refused.
		typ := *e.types["inquiry"]
		typ.CalendarID = 9999
		if err := svc.SaveType(ctx, e.p["admin"], &typ); code(err) != "invalid" {
			t.Fatalf("unknown calendar: %v", err)
		}
	})
}

// Escalation rules fire once per ticket; warnings and breaches are events once per clock.
func TestEscalationFiresOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		clk := newClock("2026-11-23T02:00:00Z")
		svc := e.timed(clk)
		rules, todos := sla.NewRuleStore(d), todo.NewStore(d, e.ev)
		super := e.p["super"].User.ID
		for _, r := range []*sla.Rule{
			{Name: "warn", Enabled: true, Clock: sla.FirstResponse, On: sla.OnWarning, Actions: []sla.Action{{Kind: sla.Notify, UserIDs: []int64{super}}}},
			{Name: "breach", Enabled: true, TicketType: "support", Clock: sla.FirstResponse, On: sla.OnBreached,
				Actions: []sla.Action{{Kind: sla.RaisePriority}, {Kind: sla.Reassign, UserIDs: []int64{super}}}},
			{Name: "other type", Enabled: true, TicketType: "repair", Clock: sla.FirstResponse, On: sla.OnWarning, Actions: []sla.Action{{Kind: sla.RaisePriority}}},
		} {
			if err := rules.Create(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		tk := e.support(t, svc)
		run := func(want ticket.EscalationReport) {
			t.Helper()
			rep, err := svc.Escalate(ctx, rules, todos)
			if err != nil || rep != want {
				t.Fatalf("escalate at %v: %+v %v, want %+v", clk.t, rep, err, want)
			}
		}
		run(ticket.EscalationReport{Checked: 1})
		clk.add(25 * time.Minute)
		run(ticket.EscalationReport{Checked: 1, Warnings: 1, Fired: 1, Notified: 1})
		clk.add(time.Minute)
		run(ticket.EscalationReport{Checked: 1})
		clk.add(10 * time.Minute)
		run(ticket.EscalationReport{Checked: 1, Breaches: 1, Fired: 1})
		run(ticket.EscalationReport{Checked: 1})
		got, _, _ := svc.Get(ctx, e.p["super"], tk.ID)
		if got.Priority != "high" || got.AssigneeID != super || got.SLAState != ticket.SLABreached {
			t.Fatalf("after breach: %s assignee %d %s", got.Priority, got.AssigneeID, got.SLAState)
		}
		l, err := todos.ListFor(ctx, super, clk.t, time.UTC)
		if err != nil || len(l.Overdue)+len(l.Today) != 1 {
			t.Fatalf("super's to-dos %+v %v", l, err)
		}
		for _, td := range append(l.Overdue, l.Today...) {
			if td.TicketID != tk.ID || td.CustomerID != tk.CustomerID {
				t.Fatalf("to-do %+v", td)
			}
		}
		evs, _, _ := e.ev.List(ctx, events.Filter{TicketID: tk.ID, Limit: 100})
		kinds := map[string]int{}
		for _, ev := range evs {
			kinds[ev.Kind]++
		}
		if kinds["ticket.sla_warning"] != 1 || kinds["ticket.sla_breached"] != 1 || kinds["ticket.escalated"] != 2 {
			t.Fatalf("events %v", kinds)
		}
		changes, _ := svc.Changes(ctx, e.p["super"], tk.ID)
		var prio, assignee bool
		for _, c := range changes {
			prio = prio || (c.Field == "priority" && c.New == "high")
			assignee = assignee || (c.Field == "assignee" && c.New == "super")
		}
		if !prio || !assignee {
			t.Fatalf("history %+v", changes)
		}
		// Sorted by due time, the breached ticket comes first.
		later := e.support(t, svc)
		list, _, err := svc.List(ctx, e.p["super"], ticket.Filter{Sort: "due"})
		if err != nil || len(list) != 2 || list[0].ID != tk.ID || list[1].ID != later.ID {
			t.Fatalf("by due: %v", err)
		}
	})
}
