package ticket_test

import (
	"errors"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/ticket"
)

// clock is a settable clock for the service.
type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock(s string) *clock       { t, _ := time.Parse(time.RFC3339, s); return &clock{t} }
func (e *env) timed(c *clock) *ticket.Service {
	return ticket.New(e.d, e.ev, ticket.Options{DataDir: e.dir, Now: c.now})
}

// department adds a department with the given members (by username).
func (e *env) department(t *testing.T, code string, members ...string) int64 {
	t.Helper()
	d := &ticket.Department{Code: code, NameZH: code + "部", NameEN: code}
	for _, m := range members {
		d.Members = append(d.Members, ticket.Member{UserID: e.p[m].User.ID})
	}
	if err := e.svc.SaveDepartment(ctx, e.p["admin"], d); err != nil {
		t.Fatal(err)
	}
	return d.ID
}

func (e *env) complaint(t *testing.T, svc *ticket.Service, contactID int64) *ticket.Ticket {
	t.Helper()
	tk, err := svc.Create(ctx, e.p["senior"], ticket.NewTicket{TypeID: e.types["complaint"].ID, CustomerID: e.customers[0], ContactID: contactID,
		Title: "维修超时投诉", Channel: "phone", Fields: map[string]any{"against": "维修站", "demand": "尽快修好并补偿"}})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func wantCode(t *testing.T, what string, err error, c errs.Code) {
	t.Helper()
	if code(err) != c {
		t.Fatalf("%s: got %v (%s), want %s", what, err, code(err), c)
	}
}

func TestComplaintLifecycle(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		clk := newClock("2026-11-23T02:00:00Z")
		svc := e.timed(clk)
		quality := e.department(t, "quality", "agent", "qa")
		// The customer called ten minutes before the complaint was written down.
		var contactID int64
		if err := d.Write().QueryRowContext(ctx, `INSERT INTO contacts (customer_id, channel, direction, started_at) VALUES ($1, 'phone', 'in', $2) RETURNING id`,
			e.customers[0], clk.t.Add(-10*time.Minute)).Scan(&contactID); err != nil {
			t.Fatal(err)
		}
		tk := e.complaint(t, svc, contactID)
		h, sup := e.p["senior"], e.p["super"]

		// Complaints go to handlers only.
		agentID, seniorID := e.p["agent"].User.ID, h.User.ID
		_, err := svc.Dispatch(ctx, sup, tk.ID, ticket.Dispatch{AssigneeID: &agentID})
		wantCode(t, "assign to a tier-1 agent", err, errs.Invalid)
		if _, err := svc.Dispatch(ctx, sup, tk.ID, ticket.Dispatch{AssigneeID: &seniorID}); err != nil {
			t.Fatal(err)
		}

		// Sub-tasks: only handlers create them, for a real department, with a title.
		_, err = svc.AddSubtask(ctx, e.p["agent"], tk.ID, quality, "核实维修记录")
		wantCode(t, "agent adds sub-task", err, errs.Forbidden)
		_, err = svc.AddSubtask(ctx, h, tk.ID, 9999, "核实维修记录")
		wantCode(t, "unknown department", err, errs.Invalid)
		_, err = svc.AddSubtask(ctx, h, tk.ID, quality, "  ")
		wantCode(t, "empty title", err, errs.Invalid)
		st1, err := svc.AddSubtask(ctx, h, tk.ID, quality, "核实维修记录")
		if err != nil {
			t.Fatal(err)
		}
		st2, err := svc.AddSubtask(ctx, h, tk.ID, quality, "评估补偿方案")
		if err != nil {
			t.Fatal(err)
		}
		// A repair order is no complaint.
		rep := e.repair(t, "agent", e.customers[1])
		_, err = svc.AddSubtask(ctx, h, rep.ID, quality, "x")
		wantCode(t, "sub-task on a repair order", err, errs.Invalid)

		// Members of the department reply; others may not.
		_, err = svc.ReplySubtask(ctx, h, tk.ID, st1.ID, "已核实", true)
		wantCode(t, "non-member replies", err, errs.Forbidden)
		_, err = svc.ReplySubtask(ctx, e.p["agent"], tk.ID, st1.ID, "", true)
		wantCode(t, "empty reply", err, errs.Invalid)
		if _, err := svc.ReplySubtask(ctx, e.p["agent"], tk.ID, st1.ID, "维修站记录显示配件缺货 12 天", false); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ReplySubtask(ctx, e.p["qa"], tk.ID, st1.ID, "已核实，属维修站责任", true); err != nil {
			t.Fatal(err)
		}
		_, err = svc.ReplySubtask(ctx, e.p["agent"], tk.ID, st1.ID, "再补充", false)
		wantCode(t, "reply to a done sub-task", err, errs.Conflict)
		_, err = svc.ReplySubtask(ctx, e.p["agent"], rep.ID, st2.ID, "别的工单", false)
		wantCode(t, "sub-task of another ticket", err, errs.NotFound)
		mine, err := svc.DepartmentSubtasks(ctx, e.p["agent"], true)
		if err != nil || len(mine) != 1 || mine[0].ID != st2.ID || mine[0].TicketNumber != tk.Number {
			t.Fatalf("agent's open department sub-tasks: %+v %v", mine, err)
		}
		if none, _ := svc.DepartmentSubtasks(ctx, h, false); len(none) != 0 {
			t.Fatalf("senior is in no department: %+v", none)
		}

		// Closure needs every sub-task done and a reply to the customer.
		_, err = svc.RequestClosure(ctx, h, tk.ID, "")
		wantCode(t, "request with an open sub-task", err, errs.Conflict)
		if _, err := svc.ReplySubtask(ctx, e.p["qa"], tk.ID, st2.ID, "建议补偿 200 元", true); err != nil {
			t.Fatal(err)
		}
		_, err = svc.RequestClosure(ctx, h, tk.ID, "")
		wantCode(t, "request without a customer reply", err, errs.Conflict)
		if ee := (*errs.Error)(nil); !errors.As(err, &ee) || ee.Key != "complaint_no_reply" {
			t.Fatalf("want complaint_no_reply: %v", err)
		}
		_, err = svc.AddCustomerReply(ctx, h, tk.ID, ticket.NewCustomerReply{Channel: "fax", Body: "x"})
		wantCode(t, "bad channel", err, errs.Invalid)
		_, err = svc.AddCustomerReply(ctx, e.p["agent"], tk.ID, ticket.NewCustomerReply{Channel: "sms", Body: "x"})
		wantCode(t, "agent replies", err, errs.Forbidden)
		_, err = svc.AddCustomerReply(ctx, h, tk.ID, ticket.NewCustomerReply{Channel: "sms", Body: "x", RepliedAt: clk.t.Add(time.Hour)})
		wantCode(t, "reply in the future", err, errs.Invalid)
		clk.add(30 * time.Minute)
		if _, err := svc.AddCustomerReply(ctx, h, tk.ID, ticket.NewCustomerReply{Channel: "phone", Body: "已致电客户，承诺三日内修复并补偿 200 元。"}); err != nil {
			t.Fatal(err)
		}

		// No path closes a complaint without a request: not the status buttons.
		if _, err := svc.ChangeStatus(ctx, h, tk.ID, "handling", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ChangeStatus(ctx, sup, tk.ID, "review", ""); err != nil {
			t.Fatal(err)
		}
		_, err = svc.ChangeStatus(ctx, sup, tk.ID, "closed", "")
		wantCode(t, "close without a request", err, errs.Conflict)
		if _, err := svc.ChangeStatus(ctx, sup, tk.ID, "handling", ""); err != nil {
			t.Fatal(err)
		}

		// The handler requests closure: the complaint moves to review.
		c, err := svc.RequestClosure(ctx, h, tk.ID, "客户已接受方案")
		if err != nil {
			t.Fatal(err)
		}
		if c.Ticket.Status != "review" || c.Pending == nil {
			t.Fatalf("after request: %s %+v", c.Ticket.Status, c.Pending)
		}
		_, err = svc.RequestClosure(ctx, h, tk.ID, "")
		wantCode(t, "second request", err, errs.Conflict)
		_, err = svc.AddSubtask(ctx, h, tk.ID, quality, "再查")
		wantCode(t, "sub-task while pending", err, errs.Conflict)
		_, err = svc.ChangeStatus(ctx, sup, tk.ID, "handling", "")
		wantCode(t, "leave review without a decision", err, errs.Conflict)
		_, err = svc.ApproveClosure(ctx, h, tk.ID)
		wantCode(t, "handler approves", err, errs.Forbidden)
		_, err = svc.ReturnClosure(ctx, sup, tk.ID, " ")
		wantCode(t, "return without a reason", err, errs.Invalid)
		if review, _ := svc.Complaints(ctx, sup, ticket.ComplaintsReview, 0); len(review) != 1 || review[0].PendingSince.IsZero() {
			t.Fatalf("awaiting review: %+v", review)
		}

		// Returned with a reason: back to handling.
		c, err = svc.ReturnClosure(ctx, sup, tk.ID, "补偿方案需客户书面确认")
		if err != nil {
			t.Fatal(err)
		}
		if c.Ticket.Status != "handling" || c.Pending != nil || c.Reviews[0].Decision != "returned" || c.Reviews[0].Reason != "补偿方案需客户书面确认" {
			t.Fatalf("after return: %s %+v", c.Ticket.Status, c.Reviews)
		}
		if _, err := svc.RequestClosure(ctx, h, tk.ID, "已取得书面确认"); err != nil {
			t.Fatal(err)
		}
		clk.add(2 * time.Hour)
		c, err = svc.ApproveClosure(ctx, sup, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Cycle time runs from the call's start to closure.
		if c.Ticket.Status != "closed" || c.CycleTime != 10*time.Minute+30*time.Minute+2*time.Hour {
			t.Fatalf("closed: %s cycle %v", c.Ticket.Status, c.CycleTime)
		}
		if c.Reviews[0].Decision != "approved" || c.Reviews[0].DecidedBy != sup.User.ID || len(c.CustomerReplies) != 1 || len(c.Subtasks) != 2 || len(c.Subtasks[1].Replies)+len(c.Subtasks[0].Replies) != 3 {
			t.Fatalf("complaint: %+v", c)
		}
		if open, _ := svc.Complaints(ctx, sup, ticket.ComplaintsOpen, 0); len(open) != 0 {
			t.Fatalf("closed complaint still listed open: %+v", open)
		}
		_, err = svc.Complaints(ctx, e.p["stationa"], ticket.ComplaintsOpen, 0)
		wantCode(t, "partner lists complaints", err, errs.Forbidden)
		_, err = svc.Complaint(ctx, e.p["stationa"], tk.ID)
		wantCode(t, "partner reads a complaint", err, errs.NotFound)

		// Every step is on the customer's timeline.
		evs, _, err := e.ev.List(ctx, events.Filter{CustomerID: e.customers[0], Categories: []string{"complaint"}, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, ev := range evs {
			if ev.TicketID != tk.ID {
				t.Fatalf("event without the ticket: %+v", ev)
			}
			kinds[ev.Kind]++
		}
		want := map[string]int{"complaint.subtask_created": 2, "complaint.subtask_replied": 3, "complaint.customer_replied": 1,
			"complaint.closure_requested": 2, "complaint.closure_returned": 1, "complaint.closure_approved": 1}
		for k, n := range want {
			if kinds[k] != n {
				t.Fatalf("events %v, want %v", kinds, want)
			}
		}
		changes, _ := svc.Changes(ctx, sup, tk.ID)
		fields := map[string]int{}
		for _, ch := range changes {
			fields[ch.Field]++
		}
		if fields["subtask"] != 2 || fields["subtask_reply"] != 3 || fields["customer_reply"] != 1 || fields["closure"] != 4 {
			t.Fatalf("history %v", fields)
		}
	})
}

// The open-complaints list holds every complaint not closed, oldest first, with its age.
func TestComplaintLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		clk := newClock("2026-11-20T02:00:00Z")
		svc := e.timed(clk)
		old := e.complaint(t, svc, 0)
		clk.add(48 * time.Hour)
		young := e.complaint(t, svc, 0)
		clk.add(time.Hour)
		me := e.p["super"].User.ID
		if _, err := svc.Dispatch(ctx, e.p["super"], young.ID, ticket.Dispatch{AssigneeID: &me}); err != nil {
			t.Fatal(err)
		}
		open, err := svc.Complaints(ctx, e.p["super"], ticket.ComplaintsOpen, 0)
		if err != nil || len(open) != 2 || open[0].Ticket.ID != old.ID || open[0].Age != 49*time.Hour || open[1].Age != time.Hour {
			t.Fatalf("open complaints %+v %v", open, err)
		}
		mine, err := svc.Complaints(ctx, e.p["super"], ticket.ComplaintsMine, 0)
		if err != nil || len(mine) != 1 || mine[0].Ticket.ID != young.ID {
			t.Fatalf("mine %+v %v", mine, err)
		}
		_, err = svc.Complaints(ctx, e.p["super"], "bogus", 0)
		wantCode(t, "unknown view", err, errs.Invalid)
	})
}
