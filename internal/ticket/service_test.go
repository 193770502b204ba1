package ticket_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/demo"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/ticket"
)

type env struct {
	d         *db.DB
	svc       *ticket.Service
	ev        *events.Log
	dir       string
	p         map[string]*auth.Principal // by username
	stationA  int64
	stationB  int64
	types     map[string]*ticket.Type
	customers []int64
}

var ctx = context.Background()

func setup(t *testing.T, d *db.DB) *env {
	t.Helper()
	a := auth.NewService(d, auth.Options{})
	e := &env{d: d, ev: events.New(d), dir: t.TempDir(), p: map[string]*auth.Principal{}, types: map[string]*ticket.Type{}}
	e.svc = ticket.New(d, e.ev, ticket.Options{DataDir: e.dir, MaxAttachmentBytes: 64 << 10})
	pa, err := a.CreatePartner(ctx, auth.ActorSystem, auth.Partner{Name: "维修站甲", Kind: "repair_station"})
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := a.CreatePartner(ctx, auth.ActorSystem, auth.Partner{Name: "维修站乙", Kind: "repair_station"})
	e.stationA, e.stationB = pa.ID, pb.ID
	for _, u := range []struct {
		name    string
		role    auth.Role
		tier    int
		partner int64
	}{
		{"admin", auth.RoleAdmin, 0, 0}, {"agent", auth.RoleAgent, 1, 0}, {"senior", auth.RoleAgent, 2, 0},
		{"super", auth.RoleSupervisor, 0, 0}, {"qa", auth.RoleQA, 0, 0}, {"analyst", auth.RoleAnalyst, 0, 0},
		{"stationa", auth.RolePartner, 0, pa.ID}, {"stationb", auth.RolePartner, 0, pb.ID},
	} {
		name, role, tier, partner := u.name, u.role, u.tier, u.partner
		in := auth.UserInput{Username: name, DisplayName: &name, Role: &role, Tier: &tier, Password: "long-enough-1"}
		if partner != 0 {
			in.PartnerID = &partner
		}
		user, err := a.CreateUser(ctx, auth.ActorSystem, in)
		if err != nil {
			t.Fatal(err)
		}
		e.p[name] = &auth.Principal{User: user}
	}
	store := crm.NewStore(d)
	for i, name := range []string{"王芳", "李强"} {
		c := &crm.Customer{Name: name, Phones: []crm.Phone{{Number: []string{"13812345678", "010-62345678"}[i]}}}
		if err := store.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
		e.customers = append(e.customers, c.ID)
	}
	for _, typ := range demo.TicketTypes() {
		if err := e.svc.SaveType(ctx, e.p["admin"], typ); err != nil {
			t.Fatal(err)
		}
		e.types[typ.Code] = typ
	}
	return e
}

func (e *env) repair(t *testing.T, who string, customer int64) *ticket.Ticket {
	t.Helper()
	tk, err := e.svc.Create(ctx, e.p[who], ticket.NewTicket{TypeID: e.types["repair"].ID, CustomerID: customer, Title: "笔记本不开机", Channel: "phone",
		Fields: map[string]any{"asset": "SN-1", "fault": "进水", "service": "上门", "address": "北京市海淀区中关村大街 1 号"}})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func code(err error) errs.Code { return errs.CodeOf(err) }

func TestTypesSavedAndValidated(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		got, err := e.svc.TypeByCode(ctx, "repair")
		if err != nil || len(got.Fields) != 7 || got.Initial().Code != "new" || got.Complaint {
			t.Fatalf("stored repair type: %+v %v", got, err)
		}
		if c, _ := e.svc.TypeByCode(ctx, "complaint"); !c.Complaint {
			t.Fatal("complaint flag lost")
		}
		// Only settings managers define types; a duplicate code is refused.
		dup := demoType(t, "inquiry")
		if err := e.svc.SaveType(ctx, e.p["senior"], dup); code(err) != errs.Forbidden {
			t.Fatalf("agent saves a type: %v", err)
		}
		if err := e.svc.SaveType(ctx, e.p["admin"], dup); code(err) != errs.Invalid {
			t.Fatalf("duplicate code: %v", err)
		}
		// A status in use cannot be removed from the workflow; the stored type is unchanged.
		e.repair(t, "agent", e.customers[0])
		edit, _ := e.svc.TypeByCode(ctx, "repair")
		edit.Statuses = edit.Statuses[1:]
		edit.Statuses[0].Initial = true
		edit.Transitions = nil
		if err := e.svc.SaveType(ctx, e.p["admin"], edit); code(err) != errs.Invalid {
			t.Fatalf("removing a used status: %v", err)
		}
		if again, _ := e.svc.TypeByCode(ctx, "repair"); len(again.Statuses) != 7 {
			t.Fatal("a refused edit changed the type")
		}
	})
}

func TestCreateUpdateHistoryEvents(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		tk := e.repair(t, "agent", e.customers[0])
		if !regexp.MustCompile(`^\d{8}00001$`).MatchString(tk.Number) || tk.Status != "new" || tk.Priority != "high" || tk.CustomerName != "王芳" {
			t.Fatalf("created %+v", tk)
		}
		second := e.repair(t, "agent", e.customers[1])
		if second.Number[:8] != tk.Number[:8] || !strings.HasSuffix(second.Number, "00002") {
			t.Fatalf("second number %s after %s", second.Number, tk.Number)
		}
		// Bad intake changes nothing.
		before, total, _ := e.svc.List(ctx, e.p["agent"], ticket.Filter{})
		for name, in := range map[string]ticket.NewTicket{
			"no customer":      {TypeID: e.types["inquiry"].ID, Title: "x", Channel: "phone"},
			"unknown cust":     {TypeID: e.types["inquiry"].ID, CustomerID: 9999, Title: "x", Channel: "phone"},
			"no title":         {TypeID: e.types["inquiry"].ID, CustomerID: e.customers[0], Channel: "phone"},
			"bad channel":      {TypeID: e.types["inquiry"].ID, CustomerID: e.customers[0], Title: "x", Channel: "fax"},
			"bad priority":     {TypeID: e.types["inquiry"].ID, CustomerID: e.customers[0], Title: "x", Channel: "phone", Priority: "asap"},
			"missing field":    {TypeID: e.types["repair"].ID, CustomerID: e.customers[0], Title: "x", Channel: "phone", Fields: map[string]any{"asset": "SN"}},
			"unknown type":     {TypeID: 999, CustomerID: e.customers[0], Title: "x", Channel: "phone"},
			"bad choice":       {TypeID: e.types["inquiry"].ID, CustomerID: e.customers[0], Title: "x", Channel: "phone", Fields: map[string]any{"topic": "天气"}},
			"attachment by id": {TypeID: e.types["support"].ID, CustomerID: e.customers[0], Title: "x", Channel: "phone", Fields: map[string]any{"asset": "SN", "screenshot": []any{1.0}}},
		} {
			if _, err := e.svc.Create(ctx, e.p["agent"], in); code(err) != errs.Invalid {
				t.Errorf("%s: %v", name, err)
			}
		}
		if _, err := e.svc.Create(ctx, e.p["qa"], ticket.NewTicket{TypeID: e.types["inquiry"].ID, CustomerID: e.customers[0], Title: "x", Channel: "phone"}); code(err) != errs.Forbidden {
			t.Errorf("qa creates: %v", err)
		}
		if after, n, _ := e.svc.List(ctx, e.p["agent"], ticket.Filter{}); n != total || len(after) != len(before) {
			t.Fatalf("bad intake stored tickets: %d -> %d", total, n)
		}

		title, prio := "笔记本进水不开机", "urgent"
		up, err := e.svc.Update(ctx, e.p["agent"], tk.ID, ticket.Update{Title: &title, Priority: &prio, Fields: map[string]any{"address": "北京市朝阳区", "appointment": "2026-11-25"}})
		if err != nil || up.Title != title || up.Fields.Text("address") != "北京市朝阳区" || up.Fields.Text("asset") != "SN-1" {
			t.Fatalf("update: %+v %v", up, err)
		}
		if _, err := e.svc.Update(ctx, e.p["agent"], tk.ID, ticket.Update{Fields: map[string]any{"appointment": "明天"}}); code(err) != errs.Invalid {
			t.Fatalf("bad date: %v", err)
		}
		if _, err := e.svc.Update(ctx, e.p["stationa"], tk.ID, ticket.Update{Title: &title}); code(err) == "" {
			t.Fatal("a partner updated fields")
		}
		changes, err := e.svc.Changes(ctx, e.p["agent"], tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string][2]string{"created": {"", tk.Number}, "title": {"笔记本不开机", title}, "priority": {"high", "urgent"},
			"field.address": {"北京市海淀区中关村大街 1 号", "北京市朝阳区"}, "field.appointment": {"", "2026-11-25"}}
		if len(changes) != len(want) {
			t.Fatalf("changes %+v", changes)
		}
		for _, c := range changes {
			if w, ok := want[c.Field]; !ok || w[0] != c.Old || w[1] != c.New || c.ActorName != "agent" {
				t.Errorf("change %+v, want %v", c, w)
			}
		}
		evs, _, err := e.ev.List(ctx, events.Filter{TicketID: tk.ID})
		if err != nil || len(evs) != 2 || evs[0].Kind != "ticket.updated" || evs[1].Kind != "ticket.created" {
			t.Fatalf("events %+v %v", evs, err)
		}
		for _, ev := range evs {
			if ev.CustomerID != e.customers[0] || ev.Str("number") != tk.Number || ev.Str("type") != "repair" || ev.Str("status") != "new" || ev.Str("title") == "" {
				t.Errorf("event data %+v", ev)
			}
		}
		refs, err := e.svc.OpenTicketsOf(ctx, e.customers[0])
		if err != nil || len(refs) != 1 || refs[0].Number != tk.Number {
			t.Fatalf("open tickets: %+v %v", refs, err)
		}
	})
}

func TestTransitionsAndPartnerIsolation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		tk := e.repair(t, "agent", e.customers[0])
		other := e.repair(t, "agent", e.customers[1])

		// Not a transition of the workflow; a transition the caller lacks the permission for.
		if _, err := e.svc.ChangeStatus(ctx, e.p["senior"], tk.ID, "repaired", ""); code(err) != errs.Invalid {
			t.Fatalf("new -> repaired: %v", err)
		}
		if _, err := e.svc.ChangeStatus(ctx, e.p["agent"], tk.ID, "dispatched", ""); code(err) != errs.Forbidden {
			t.Fatalf("tier 1 takes a dispatch transition: %v", err)
		}
		// Partners see nothing until dispatched, and no one else's orders, by id guessing too.
		if _, _, err := e.svc.Get(ctx, e.p["stationa"], tk.ID); code(err) != errs.NotFound {
			t.Fatalf("partner sees an undispatched order: %v", err)
		}
		if _, err := e.svc.Dispatch(ctx, e.p["agent"], tk.ID, ticket.Dispatch{PartnerID: &e.stationA}); code(err) != errs.Forbidden {
			t.Fatalf("tier 1 dispatches: %v", err)
		}
		bad := int64(999)
		if _, err := e.svc.Dispatch(ctx, e.p["senior"], tk.ID, ticket.Dispatch{PartnerID: &bad}); code(err) != errs.Invalid {
			t.Fatalf("dispatch to an unknown partner: %v", err)
		}
		partnerUser := e.p["stationa"].User.ID
		if _, err := e.svc.Dispatch(ctx, e.p["senior"], tk.ID, ticket.Dispatch{AssigneeID: &partnerUser}); code(err) != errs.Invalid {
			t.Fatalf("assign to a partner user: %v", err)
		}
		self := e.p["agent"].User.ID
		if got, err := e.svc.Dispatch(ctx, e.p["agent"], other.ID, ticket.Dispatch{AssigneeID: &self}); err != nil || got.AssigneeName != "agent" {
			t.Fatalf("take a ticket: %v", err)
		}
		got, err := e.svc.Dispatch(ctx, e.p["senior"], tk.ID, ticket.Dispatch{PartnerID: &e.stationA})
		if err != nil || got.PartnerName != "维修站甲" {
			t.Fatalf("dispatch: %+v %v", got, err)
		}
		if _, err := e.svc.ChangeStatus(ctx, e.p["senior"], tk.ID, "dispatched", "请尽快联系"); err != nil {
			t.Fatal(err)
		}
		evs, _, _ := e.ev.List(ctx, events.Filter{TicketID: tk.ID, Categories: []string{"ticket"}})
		kinds := map[string]events.Event{}
		for _, ev := range evs {
			kinds[ev.Kind] = ev
		}
		if ev, ok := kinds["ticket.dispatched"]; !ok || ev.Str("partner") != "维修站甲" || ev.Str("number") != tk.Number {
			t.Fatalf("dispatched event %+v", ev)
		}
		if ev := kinds["ticket.status_changed"]; ev.Str("status") != "dispatched" || ev.Str("from") != "new" {
			t.Fatalf("status event %+v", ev)
		}
		if _, ok := kinds["ticket.note_added"]; !ok {
			t.Fatal("no note event for the status note")
		}

		a, b := e.p["stationa"], e.p["stationb"]
		if got, _, err := e.svc.Get(ctx, a, tk.ID); err != nil || got.CustomerName != "王芳" || got.CustomerPhone != "138 1234 5678" && got.CustomerPhone == "" {
			t.Fatalf("partner's order: %+v %v", got, err)
		}
		for _, id := range []int64{other.ID, tk.ID + 100} {
			if _, _, err := e.svc.Get(ctx, a, id); code(err) != errs.NotFound {
				t.Errorf("partner A reads %d: %v", id, err)
			}
		}
		if _, _, err := e.svc.Get(ctx, b, tk.ID); code(err) != errs.NotFound {
			t.Fatalf("partner B reads A's order: %v", err)
		}
		if _, err := e.svc.ChangeStatus(ctx, b, tk.ID, "accepted", ""); code(err) != errs.NotFound {
			t.Fatalf("partner B moves A's order: %v", err)
		}
		if _, err := e.svc.AddNote(ctx, b, tk.ID, "不是我的", false); code(err) != errs.NotFound {
			t.Fatalf("partner B notes A's order: %v", err)
		}
		if _, err := e.svc.AddAttachment(ctx, b, tk.ID, ticket.Upload{Name: "a.txt", Body: strings.NewReader("hi")}); code(err) != errs.NotFound {
			t.Fatalf("partner B attaches to A's order: %v", err)
		}
		if list, n, _ := e.svc.List(ctx, b, ticket.Filter{}); n != 0 || len(list) != 0 {
			t.Fatalf("partner B lists %d", n)
		}
		if list, n, _ := e.svc.List(ctx, a, ticket.Filter{PartnerID: e.stationB}); n != 0 || len(list) != 0 {
			t.Fatalf("partner A lists B's orders by filter: %d", n)
		}
		if list, n, _ := e.svc.List(ctx, a, ticket.Filter{}); n != 1 || list[0].ID != tk.ID {
			t.Fatalf("partner A lists %d", n)
		}
		if _, err := e.svc.Changes(ctx, a, tk.ID); code(err) != errs.Forbidden {
			t.Fatalf("partner reads history: %v", err)
		}
		if _, _, err := e.svc.List(ctx, e.p["analyst"], ticket.Filter{}); code(err) != errs.Forbidden {
			t.Fatalf("analyst lists tickets: %v", err)
		}

		// The partner works the order along its own transitions, but not the center's.
		if _, err := e.svc.ChangeStatus(ctx, a, tk.ID, "accepted", "已接单"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.ChangeStatus(ctx, a, tk.ID, "on_site", ""); err != nil {
			t.Fatal(err)
		}
		done, err := e.svc.ChangeStatus(ctx, a, tk.ID, "repaired", "更换主板，已修复")
		if err != nil || done.StatusCategory != ticket.CatResolved || done.ResolvedAt.IsZero() || done.FirstResponseAt.IsZero() {
			t.Fatalf("repaired: %+v %v", done, err)
		}
		if _, err := e.svc.ChangeStatus(ctx, a, tk.ID, "closed", ""); code(err) != errs.Forbidden {
			t.Fatalf("partner closes: %v", err)
		}
		// A check added by a later feature can refuse a transition.
		e.svc.AddTransitionCheck(func(_ context.Context, _ *sql.Tx, _ *auth.Principal, t *ticket.Ticket, _ *ticket.Type, tr ticket.Transition) error {
			if tr.To == "closed" && t.Fields.Text("asset") == "SN-1" {
				return errs.E(errs.Conflict, "review first")
			}
			return nil
		})
		if _, err := e.svc.ChangeStatus(ctx, e.p["agent"], tk.ID, "closed", ""); code(err) != errs.Conflict {
			t.Fatalf("added check: %v", err)
		}

		// Internal notes are hidden from the partner, who cannot write them.
		if _, err := e.svc.AddNote(ctx, e.p["agent"], tk.ID, "客户是 VIP", true); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.AddNote(ctx, a, tk.ID, "内部", true); code(err) != errs.Forbidden {
			t.Fatalf("partner writes internal: %v", err)
		}
		if _, err := e.svc.AddNote(ctx, e.p["agent"], tk.ID, "  ", false); code(err) != errs.Invalid {
			t.Fatalf("empty note: %v", err)
		}
		staff, _ := e.svc.Notes(ctx, e.p["qa"], tk.ID)
		seen, _ := e.svc.Notes(ctx, a, tk.ID)
		if len(staff) != len(seen)+1 {
			t.Fatalf("staff see %d notes, partner %d", len(staff), len(seen))
		}
		for _, n := range seen {
			if n.Internal {
				t.Fatal("partner sees an internal note")
			}
		}
		changes, _ := e.svc.Changes(ctx, e.p["agent"], tk.ID)
		var statuses []string
		for _, c := range changes {
			if c.Field == "status" {
				statuses = append(statuses, c.Old+">"+c.New)
			}
		}
		if strings.Join(statuses, " ") != "new>dispatched dispatched>accepted accepted>on_site on_site>repaired" {
			t.Fatalf("status history %v", statuses)
		}

		// A merge re-points tickets to the surviving customer.
		err = d.Tx(ctx, func(tx *sql.Tx) error { return e.svc.MoveCustomer(ctx, tx, e.customers[1], e.customers[0]) })
		if err != nil {
			t.Fatal(err)
		}
		if got, _, _ := e.svc.Get(ctx, e.p["agent"], other.ID); got.CustomerID != e.customers[0] {
			t.Fatalf("merged ticket still on customer %d", got.CustomerID)
		}
	})
}

func TestAttachments(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := setup(t, d)
		tk := e.repair(t, "agent", e.customers[0])
		pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
		att, err := e.svc.AddAttachment(ctx, e.p["agent"], tk.ID, ticket.Upload{Name: `C:\photos\发票.pdf`, Body: bytes.NewReader(pdf)})
		if err != nil || att.Name != "发票.pdf" || att.ContentType != "application/pdf" || att.Size != int64(len(pdf)) {
			t.Fatalf("pdf: %+v %v", att, err)
		}
		blob := filepath.Join(e.dir, "attachments", att.SHA256[:2], att.SHA256)
		if b, err := os.ReadFile(blob); err != nil || !bytes.Equal(b, pdf) {
			t.Fatalf("stored content: %v", err)
		}
		for name, up := range map[string]struct {
			file string
			body []byte
			code errs.Code
		}{
			"too big":       {"big.txt", bytes.Repeat([]byte("a"), 64<<10+1), errs.TooLarge},
			"html as text":  {"note.txt", []byte("<html><script>alert(1)</script></html>"), errs.Invalid},
			"exe as pdf":    {"manual.pdf", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 64)...), errs.Invalid},
			"empty":         {"empty.txt", nil, errs.Invalid},
			"binary as doc": {"x.doc", []byte{0, 1, 2, 3, 0xff, 0xfe, 0, 0}, errs.Invalid},
		} {
			if _, err := e.svc.AddAttachment(ctx, e.p["agent"], tk.ID, ticket.Upload{Name: up.file, Body: bytes.NewReader(up.body)}); code(err) != up.code {
				t.Errorf("%s: %v, want %s", name, err, up.code)
			}
		}
		if _, err := e.svc.AddAttachment(ctx, e.p["qa"], tk.ID, ticket.Upload{Name: "a.txt", Body: strings.NewReader("hi")}); code(err) != errs.Forbidden {
			t.Errorf("qa attaches: %v", err)
		}
		list, _ := e.svc.Attachments(ctx, e.p["agent"], tk.ID)
		if len(list) != 1 {
			t.Fatalf("refused files were recorded: %d", len(list))
		}
		if tmp, _ := os.ReadDir(filepath.Join(e.dir, "attachments", "tmp")); len(tmp) != 0 {
			t.Fatalf("temporary files left: %d", len(tmp))
		}
		// Served to staff who read tickets and to the partner once dispatched; no one else.
		if _, f, err := e.svc.OpenAttachment(ctx, e.p["qa"], att.ID); err != nil {
			t.Fatal(err)
		} else {
			b, _ := io.ReadAll(f)
			f.Close()
			if !bytes.Equal(b, pdf) {
				t.Fatal("served content differs")
			}
		}
		for _, who := range []string{"stationa", "analyst"} {
			if _, _, err := e.svc.OpenAttachment(ctx, e.p[who], att.ID); err == nil {
				t.Errorf("%s opens the attachment", who)
			}
		}
		e.svc.Dispatch(ctx, e.p["senior"], tk.ID, ticket.Dispatch{PartnerID: &e.stationA})
		if _, f, err := e.svc.OpenAttachment(ctx, e.p["stationa"], att.ID); err != nil {
			t.Fatalf("partner opens its order's attachment: %v", err)
		} else {
			f.Close()
		}
		if _, _, err := e.svc.OpenAttachment(ctx, e.p["stationb"], att.ID); code(err) != errs.NotFound {
			t.Fatalf("partner B opens it: %v", err)
		}
		// The partner attaches a photo of the repair; a .docx is a zip by content.
		png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
		if a2, err := e.svc.AddAttachment(ctx, e.p["stationa"], tk.ID, ticket.Upload{Name: "修复后.png", Body: bytes.NewReader(png)}); err != nil || a2.ContentType != "image/png" {
			t.Fatalf("partner png: %+v %v", a2, err)
		}
		docx := append([]byte("PK\x03\x04"), make([]byte, 40)...)
		if a3, err := e.svc.AddAttachment(ctx, e.p["agent"], tk.ID, ticket.Upload{Name: "报告.docx", Body: bytes.NewReader(docx)}); err != nil || !strings.Contains(a3.ContentType, "wordprocessingml") {
			t.Fatalf("docx: %+v %v", a3, err)
		}
		evs, _, _ := e.ev.List(ctx, events.Filter{TicketID: tk.ID})
		n := 0
		for _, ev := range evs {
			if ev.Kind == "ticket.attachment_added" {
				n++
			}
		}
		if n != 3 {
			t.Fatalf("%d attachment events", n)
		}

		// An attachment field filled at intake from an upload.
		sup, err := e.svc.Create(ctx, e.p["agent"], ticket.NewTicket{TypeID: e.types["support"].ID, CustomerID: e.customers[0], Title: "蓝屏", Channel: "chat",
			Fields: map[string]any{"asset": "SN-2"}, Uploads: []ticket.Upload{{Field: "screenshot", Name: "shot.png", Body: bytes.NewReader(png)}}})
		if err != nil {
			t.Fatal(err)
		}
		ids, _ := sup.Fields["screenshot"].([]int64)
		if len(ids) != 1 {
			t.Fatalf("screenshot field %#v", sup.Fields)
		}
	})
}
