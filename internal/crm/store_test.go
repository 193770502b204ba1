package crm_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

func mustCreate(t *testing.T, s *crm.Store, c *crm.Customer) *crm.Customer {
	t.Helper()
	if err := s.Create(context.Background(), c); err != nil {
		t.Fatalf("create %s: %v", c.Name, err)
	}
	return c
}

func names(cs []*crm.Customer) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

func TestRecordFieldsAndUpdate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ev := events.New(d)
		s := crm.New(d, crm.Options{Events: ev})
		if err := s.SaveFieldDef(ctx, 1, &crm.FieldDef{Key: "industry", LabelZH: "行业", LabelEN: "Industry", Kind: crm.FieldChoice, Options: []string{"零售", "教育"}}); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveFieldDef(ctx, 1, &crm.FieldDef{Key: "seats", LabelZH: "座席数", LabelEN: "Seats", Kind: crm.FieldNumber}); err != nil {
			t.Fatal(err)
		}
		if err := s.SaveFieldDef(ctx, 1, &crm.FieldDef{Key: "industry", LabelZH: "行业", LabelEN: "Industry", Kind: crm.FieldText}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("duplicate field key: %v", err)
		}
		c := mustCreate(t, s, &crm.Customer{Name: " 王伟 ", Company: "武汉光谷软件园", VIPLevel: 2,
			Phones:    []crm.Phone{{Number: "027-81886666", Label: "office"}, {Number: "138 1234 5678", Label: "mobile"}, {Number: "13812345678"}, {Number: "400-800-1234"}},
			Emails:    []string{"WangWei@Example.CN"},
			Addresses: []crm.Address{{Label: "office", Province: "湖北省", City: "武汉市", District: "洪山区", Street: "光谷大道 77 号", PostalCode: "430074"}},
			Tags:      []string{"VIP", "渠道", "VIP"},
			Fields:    map[string]string{"industry": "教育", "seats": "120"},
			Assets:    []crm.Asset{{Kind: crm.AssetDevice, Number: "pf3k-2q8", Product: "ThinkPad X1", PurchasedOn: "2024/3/5", WarrantyEnd: "2027-03-04"}},
		})
		got, err := s.Get(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "王伟" || len(got.Phones) != 3 || got.Phones[0].Display() != "027-81886666" || got.Phones[2].Number != "4008001234" {
			t.Fatalf("phones: %+v", got.Phones)
		}
		if got.Emails[0] != "wangwei@example.cn" || !slices.Equal(got.Tags, []string{"VIP", "渠道"}) || got.Fields["seats"] != "120" {
			t.Fatalf("emails/tags/fields: %+v %+v %+v", got.Emails, got.Tags, got.Fields)
		}
		if a := got.Assets[0]; a.Number != "PF3K2Q8" || a.PurchasedOn != "2024-03-05" || !a.InWarranty("2026-01-01") || a.InWarranty("2027-03-05") {
			t.Fatalf("asset %+v", a)
		}
		if got.Addresses[0].String() != "湖北省 武汉市 洪山区 光谷大道 77 号 (430074)" {
			t.Fatalf("address %q", got.Addresses[0].String())
		}

		for _, bad := range []struct {
			name  string
			edit  func(c *crm.Customer)
			field string
		}{
			{"unknown field", func(c *crm.Customer) { c.Fields = map[string]string{"color": "red"} }, "fields.color"},
			{"bad choice", func(c *crm.Customer) { c.Fields = map[string]string{"industry": "军工"} }, "fields.industry"},
			{"bad number", func(c *crm.Customer) { c.Fields = map[string]string{"seats": "many"} }, "fields.seats"},
			{"bad date", func(c *crm.Customer) { c.Assets = []crm.Asset{{Number: "X1", WarrantyEnd: "2024-02-30"}} }, "assets"},
			{"warranty before purchase", func(c *crm.Customer) {
				c.Assets = []crm.Asset{{Number: "X1", PurchasedOn: "2024-02-01", WarrantyEnd: "2023-01-01"}}
			}, "assets"},
			{"bad asset kind", func(c *crm.Customer) { c.Assets = []crm.Asset{{Kind: "car", Number: "X1"}} }, "assets"},
			{"bad postal code", func(c *crm.Customer) { c.Addresses = []crm.Address{{City: "北京", PostalCode: "1000"}} }, "addresses"},
			{"bad phone", func(c *crm.Customer) { c.Phones = []crm.Phone{{Number: "81886666"}} }, "phones"},
			{"bad email", func(c *crm.Customer) { c.Emails = []string{"nope"} }, "emails"},
			{"long tag", func(c *crm.Customer) { c.Tags = []string{strings.Repeat("标", 21)} }, "tags"},
			{"no name", func(c *crm.Customer) { c.Name = " " }, "name"},
			{"vip", func(c *crm.Customer) { c.VIPLevel = 4 }, "vip_level"},
		} {
			cp, _ := s.Get(ctx, c.ID)
			bad.edit(cp)
			err := s.Update(ctx, 7, cp)
			if e, ok := errs.As(err); !ok || e.Code != errs.Invalid || e.Fields[bad.field] == "" {
				t.Errorf("%s: %v", bad.name, err)
			}
		}
		// Nothing changed by the refused updates; a real update writes one event listing the changes.
		before, _, _ := ev.List(ctx, events.Filter{CustomerID: c.ID})
		same, _ := s.Get(ctx, c.ID)
		if err := s.Update(ctx, 7, same); err != nil {
			t.Fatal(err)
		}
		same.City, same.Tags = "武汉", []string{"VIP"}
		same.Phones = same.Phones[:1]
		if err := s.Update(ctx, 7, same); err != nil {
			t.Fatal(err)
		}
		after, _, _ := ev.List(ctx, events.Filter{CustomerID: c.ID})
		if len(after) != len(before)+1 || after[0].Kind != "customer.updated" || after[0].ActorID != 7 {
			t.Fatalf("events %d -> %d %+v", len(before), len(after), after[0])
		}
		if ch, _ := after[0].Data["changed"].([]any); len(ch) != 3 {
			t.Fatalf("changed %v", after[0].Data["changed"])
		}
		if got, _ := s.Get(ctx, c.ID); len(got.Phones) != 1 || got.City != "武汉" || got.Fields["industry"] != "教育" {
			t.Fatalf("after update %+v", got)
		}
		if _, err := s.Get(ctx, 9999); !errs.Is(err, errs.NotFound) {
			t.Fatalf("missing customer: %v", err)
		}
	})
}

func TestSearchAndLookup(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := crm.NewStore(d)
		mustCreate(t, s, &crm.Customer{Name: "王伟", Phones: []crm.Phone{{Number: "138-1234-5678"}, {Number: "010-12345678"}}, Tags: []string{"经销商"}})
		mustCreate(t, s, &crm.Customer{Name: "王伟明", Phones: []crm.Phone{{Number: "13900001111"}}, Emails: []string{"wm@example.cn"},
			Assets: []crm.Asset{{Kind: crm.AssetDevice, Number: "PF3K2Q8", Product: "ThinkPad"}}})
		mustCreate(t, s, &crm.Customer{Name: "Emily Chen", Company: "Acme Trading", VIPLevel: 2,
			Assets: []crm.Asset{{Kind: crm.AssetPolicy, Number: "P-2024-0001"}}})
		mustCreate(t, s, &crm.Customer{Name: "李娜", VIPLevel: 3, Phones: []crm.Phone{{Number: "13812345678"}}})
		for _, c := range []struct {
			name string
			f    crm.Filter
			want []string
		}{
			{"two-character Chinese name", crm.Filter{Query: "王伟"}, []string{"王伟明", "王伟"}},
			{"part of a Chinese name", crm.Filter{Query: "伟明"}, []string{"王伟明"}},
			{"mobile in E.164", crm.Filter{Query: "+86 138 1234 5678"}, []string{"李娜", "王伟"}},
			{"landline without dash", crm.Filter{Query: "01012345678"}, []string{"王伟"}},
			{"email any case", crm.Filter{Query: "WM@example.cn"}, []string{"王伟明"}},
			{"company, any case", crm.Filter{Query: "acme"}, []string{"Emily Chen"}},
			{"serial number lower case", crm.Filter{Query: "pf3k2q8"}, []string{"王伟明"}},
			{"policy number with dashes", crm.Filter{Query: "P20240001"}, []string{"Emily Chen"}},
			{"tag as query", crm.Filter{Query: "经销商"}, []string{"王伟"}},
			{"tag filter", crm.Filter{Tag: "经销商"}, []string{"王伟"}},
			{"like metacharacters are literal", crm.Filter{Query: "%"}, nil},
			{"nothing", crm.Filter{Query: "13700000000"}, nil},
		} {
			got, total, err := s.Search(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names(got), c.want) || total != len(c.want) {
				t.Errorf("%s: %v (%d), want %v", c.name, names(got), total, c.want)
			}
		}
		// Lookup by phone: any format, VIPs first; not a number is Invalid.
		for _, raw := range []string{"13812345678", "+8613812345678", "0086 138-1234-5678"} {
			got, err := s.LookupByPhone(ctx, raw)
			if err != nil || !slices.Equal(names(got), []string{"李娜", "王伟"}) || len(got[1].Phones) != 2 {
				t.Errorf("lookup %q: %v %v", raw, names(got), err)
			}
		}
		if got, err := s.LookupByPhone(ctx, "010 1234 5679"); err != nil || len(got) != 0 {
			t.Errorf("unknown number: %v %v", got, err)
		}
		if _, err := s.LookupByPhone(ctx, "hello"); !errs.Is(err, errs.Invalid) {
			t.Errorf("not a number: %v", err)
		}
	})
}

func TestMergeKeepsEverything(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ev := events.New(d)
		s := crm.New(d, crm.Options{Events: ev})
		a := auth.NewService(d, auth.Options{})
		partner, err := a.CreatePartner(ctx, auth.ActorSystem, auth.Partner{Name: "鹏程数码", Kind: "dealer"})
		if err != nil {
			t.Fatal(err)
		}
		admin := &auth.User{ID: 0, Role: auth.RoleAdmin}
		keep := mustCreate(t, s, &crm.Customer{Name: "张敏", Phones: []crm.Phone{{Number: "13800000001"}}, Tags: []string{"老客户"}})
		drop := mustCreate(t, s, &crm.Customer{Name: "张敏", Company: "星辰科技", City: "北京", VIPLevel: 2,
			Phones:    []crm.Phone{{Number: "13800000001"}, {Number: "010-88886666"}},
			Emails:    []string{"zm@example.cn"},
			Tags:      []string{"老客户", "投诉"},
			Addresses: []crm.Address{{City: "北京市", Street: "中关村大街 1 号"}},
			Assets:    []crm.Asset{{Number: "SN001"}}})
		other := mustCreate(t, s, &crm.Customer{Name: "路人"})
		dups, err := s.Duplicates(ctx, keep.ID, 0)
		if err != nil || len(dups) != 1 || dups[0].Reason != "phone" || dups[0].B.ID != drop.ID {
			t.Fatalf("duplicates %+v %v", dups, err)
		}
		if _, err := s.RecordContact(ctx, &crm.Contact{Channel: crm.ChannelCall, CustomerID: drop.ID, From: "010-88886666", Summary: "问保修"}); err != nil {
			t.Fatal(err)
		}
		lead := &crm.Lead{CustomerID: drop.ID, Product: "ThinkPad X1", PartnerID: partner.ID}
		if err := s.CreateLead(ctx, admin, lead); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AddNote(ctx, 3, drop.ID, "客户要求回电"); err != nil {
			t.Fatal(err)
		}
		var hookRan [2]int64
		s.OnMerge(func(ctx context.Context, tx *sql.Tx, from, to int64) error { hookRan = [2]int64{from, to}; return nil })

		if _, err := s.Merge(ctx, 5, keep.ID, keep.ID); !errs.Is(err, errs.Invalid) {
			t.Fatalf("merge into itself: %v", err)
		}
		if _, err := s.Merge(ctx, 5, keep.ID, 9999); !errs.Is(err, errs.NotFound) {
			t.Fatalf("merge missing: %v", err)
		}
		got, err := s.Merge(ctx, 5, keep.ID, drop.ID)
		if err != nil {
			t.Fatal(err)
		}
		if hookRan != [2]int64{drop.ID, keep.ID} {
			t.Fatalf("hook %v", hookRan)
		}
		if len(got.Phones) != 2 || len(got.Emails) != 1 || !slices.Equal(got.Tags, []string{"投诉", "老客户"}) || len(got.Addresses) != 1 || len(got.Assets) != 1 {
			t.Fatalf("merged parts %+v", got)
		}
		if got.Company != "星辰科技" || got.City != "北京" || got.VIPLevel != 2 {
			t.Fatalf("merged details %+v", got)
		}
		if _, err := s.Get(ctx, drop.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("dropped customer still there: %v", err)
		}
		cs, _ := s.Contacts(ctx, crm.ContactFilter{CustomerID: keep.ID})
		ls, _ := s.Leads(ctx, admin, crm.LeadFilter{CustomerID: keep.ID})
		if len(cs) != 1 || len(ls) != 1 {
			t.Fatalf("contacts %d leads %d", len(cs), len(ls))
		}
		tl, total, _ := s.Timeline(ctx, keep.ID, crm.TimelineFilter{})
		kinds := map[string]bool{}
		for _, e := range tl {
			kinds[e.Kind] = true
		}
		for _, k := range []string{"customer.merged", "customer.note", "lead.created", "contact.call", "customer.created"} {
			if !kinds[k] {
				t.Errorf("timeline lacks %s: %v", k, kinds)
			}
		}
		if tl[0].Kind != "customer.merged" || tl[0].ActorID != 5 || total != 6 {
			t.Fatalf("merge event %+v total %d", tl[0], total)
		}
		// A failing hook rolls the whole merge back.
		s.OnMerge(func(ctx context.Context, tx *sql.Tx, from, to int64) error { return errors.New("tickets unavailable") })
		if _, err := s.Merge(ctx, 5, keep.ID, other.ID); err == nil {
			t.Fatal("merge with failing hook succeeded")
		}
		if _, err := s.Get(ctx, other.ID); err != nil {
			t.Fatalf("rolled-back merge lost the customer: %v", err)
		}
	})
}

func TestRepeatContacts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := crm.New(d, crm.Options{RepeatWindow: 7 * 24 * time.Hour})
		now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
		s.SetClock(func() time.Time { return now })
		c := mustCreate(t, s, &crm.Customer{Name: "刘洋", Phones: []crm.Phone{{Number: "13911112222"}}})
		first := &crm.Contact{Channel: crm.ChannelCall, From: "139-1111-2222", StartedAt: now.Add(-7 * 24 * time.Hour)}
		if rep, err := s.RecordContact(ctx, first); err != nil || rep.IsRepeat() || first.CustomerID != c.ID || first.Number != "+8613911112222" {
			t.Fatalf("first contact %+v %v %+v", rep, err, first)
		}
		for _, tc := range []struct {
			name    string
			c       crm.Contact
			repeats int
		}{
			{"exactly at the window's edge", crm.Contact{Channel: crm.ChannelCall, From: "+8613911112222", StartedAt: now}, 1},
			{"by customer id over another channel; the first is now past the window", crm.Contact{Channel: crm.ChannelChat, CustomerID: c.ID, StartedAt: now.Add(time.Hour)}, 1},
			{"sms from the number", crm.Contact{Channel: crm.ChannelSMS, From: "13911112222", StartedAt: now.Add(time.Second + 2*time.Hour)}, 2},
			{"unknown caller, first time", crm.Contact{Channel: crm.ChannelCall, From: "020-87654321", StartedAt: now}, 0},
			{"unknown caller again, other format", crm.Contact{Channel: crm.ChannelCall, From: "+86 20 8765 4321", StartedAt: now.Add(time.Minute)}, 1},
			{"unknown caller after the window", crm.Contact{Channel: crm.ChannelCall, From: "02087654321", StartedAt: now.Add(8 * 24 * time.Hour)}, 0},
			{"outbound uses the callee", crm.Contact{Channel: crm.ChannelCall, Direction: crm.Outbound, From: "4008001234", To: "13911112222", StartedAt: now.Add(3 * time.Hour)}, 3},
		} {
			cc := tc.c
			rep, err := s.RecordContact(ctx, &cc)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if len(rep.Earlier) != tc.repeats || (tc.repeats > 0) != (cc.RepeatOf != 0) {
				t.Errorf("%s: %d earlier (repeat of %d), want %d", tc.name, len(rep.Earlier), cc.RepeatOf, tc.repeats)
			}
			if tc.repeats > 0 && cc.RepeatOf != rep.Earlier[0].ID {
				t.Errorf("%s: repeat of %d, want the latest %d", tc.name, cc.RepeatOf, rep.Earlier[0].ID)
			}
		}
		// Ending a contact records its agent and end time; the agent is kept when not given.
		name, role := "王伟", auth.RoleAgent
		agent, err := auth.NewService(d, auth.Options{}).CreateUser(ctx, auth.ActorSystem, auth.UserInput{Username: "agent1", DisplayName: &name, Role: &role, Password: "a long enough password"})
		if err != nil {
			t.Fatal(err)
		}
		u := agent.ID
		if err := s.EndContact(ctx, first.ID, u, first.StartedAt.Add(3*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.EndContact(ctx, first.ID, 0, first.StartedAt.Add(4*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := s.EndContact(ctx, first.ID, u, first.StartedAt.Add(-time.Minute)); !errs.Is(err, errs.NotFound) {
			t.Errorf("contact ended before it started: %v", err)
		}
		if err := s.EndContact(ctx, 99999, u, now); !errs.Is(err, errs.NotFound) {
			t.Errorf("unknown contact ended: %v", err)
		}
		ended, err := s.Contacts(ctx, crm.ContactFilter{CustomerID: c.ID, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(ended, func(e crm.Contact) bool { return e.ID == first.ID })
		if i < 0 || ended[i].AgentID != u || !ended[i].EndedAt.Equal(first.StartedAt.Add(4*time.Minute)) {
			t.Errorf("ended contact %d of %+v", first.ID, ended)
		}
		// Open tickets come through the interface the ticket package implements.
		s.SetOpenTickets(fakeTickets{c.ID: {{ID: 1, Number: "T20260310-0001", Title: "屏幕闪烁", Status: "open"}}})
		rep, err := s.CheckRepeat(ctx, 0, "139 1111 2222")
		if err != nil || !rep.IsRepeat() || len(rep.OpenTickets) != 1 || rep.OpenTickets[0].Number != "T20260310-0001" {
			t.Fatalf("check repeat %+v %v", rep, err)
		}
		for _, bad := range []crm.Contact{
			{Channel: "fax", From: "13911112222"},
			{Channel: crm.ChannelCall, Direction: "sideways", From: "13911112222"},
			{Channel: crm.ChannelCall, From: "13911112222", StartedAt: now, EndedAt: now.Add(-time.Minute)},
			{Channel: crm.ChannelCall},
			{Channel: crm.ChannelCall, CustomerID: 9999},
		} {
			if _, err := s.RecordContact(ctx, &bad); err == nil {
				t.Errorf("bad contact accepted: %+v", bad)
			}
		}
		tl, _, _ := s.Timeline(ctx, c.ID, crm.TimelineFilter{Categories: []string{"contact"}, Limit: 2})
		if len(tl) != 2 || tl[0].Kind != "contact.call" || tl[0].Data["repeat_of"] == nil {
			t.Fatalf("timeline %+v", tl)
		}
	})
}

type fakeTickets map[int64][]crm.TicketRef

func (f fakeTickets) OpenTicketsOf(ctx context.Context, id int64) ([]crm.TicketRef, error) {
	return f[id], nil
}

func TestLeadsPartnerIsolation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := crm.NewStore(d)
		a := auth.NewService(d, auth.Options{})
		p1, _ := a.CreatePartner(ctx, auth.ActorSystem, auth.Partner{Name: "鹏程数码", Kind: "dealer"})
		p2, _ := a.CreatePartner(ctx, auth.ActorSystem, auth.Partner{Name: "华强专卖店", Kind: "merchant"})
		agent := &auth.User{ID: 0, Role: auth.RoleAgent, Tier: 1}
		qa := &auth.User{ID: 0, Role: auth.RoleQA}
		dealer := &auth.User{ID: 0, Role: auth.RolePartner, PartnerID: p1.ID}
		c := mustCreate(t, s, &crm.Customer{Name: "赵强", Phones: []crm.Phone{{Number: "13600001111"}}})
		l1 := &crm.Lead{CustomerID: c.ID, Product: "ThinkPad X1", PartnerID: p1.ID, FollowUp: "2026/3/12"}
		l2 := &crm.Lead{CustomerID: c.ID, Product: "台式机", PartnerID: p2.ID}
		l3 := &crm.Lead{CustomerID: c.ID, Product: "显示器"}
		for _, l := range []*crm.Lead{l1, l2, l3} {
			if err := s.CreateLead(ctx, agent, l); err != nil {
				t.Fatal(err)
			}
		}
		if l1.Status != crm.LeadReferred || l3.Status != crm.LeadNew || l1.FollowUp != "2026-03-12" {
			t.Fatalf("initial statuses %s %s %s", l1.Status, l3.Status, l1.FollowUp)
		}
		for _, tc := range []struct {
			name string
			err  error
		}{
			{"partner cannot create", s.CreateLead(ctx, dealer, &crm.Lead{CustomerID: c.ID, Product: "x"})},
			{"qa cannot create", s.CreateLead(ctx, qa, &crm.Lead{CustomerID: c.ID, Product: "x"})},
			{"status without partner", s.CreateLead(ctx, agent, &crm.Lead{CustomerID: c.ID, Product: "x", Status: crm.LeadWon})},
			{"unknown partner", s.CreateLead(ctx, agent, &crm.Lead{CustomerID: c.ID, Product: "x", PartnerID: 999})},
			{"no product", s.CreateLead(ctx, agent, &crm.Lead{CustomerID: c.ID})},
		} {
			if tc.err == nil {
				t.Errorf("%s: accepted", tc.name)
			}
		}
		mine, err := s.Leads(ctx, dealer, crm.LeadFilter{PartnerID: p2.ID})
		if err != nil || len(mine) != 1 || mine[0].ID != l1.ID || mine[0].CustomerPhone != "136 0000 1111" {
			t.Fatalf("partner's leads %+v %v", mine, err)
		}
		all, _ := s.Leads(ctx, agent, crm.LeadFilter{})
		if len(all) != 3 || all[0].ID != l1.ID {
			t.Fatalf("agent's leads %d", len(all))
		}
		if _, err := s.Lead(ctx, dealer, l2.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("partner reads another partner's lead: %v", err)
		}
		won := crm.LeadWon
		if _, err := s.UpdateLead(ctx, dealer, l2.ID, crm.LeadChange{Status: &won}); !errs.Is(err, errs.NotFound) {
			t.Fatalf("partner updates another partner's lead: %v", err)
		}
		if _, err := s.UpdateLead(ctx, dealer, l1.ID, crm.LeadChange{PartnerID: &p2.ID}); !errs.Is(err, errs.Forbidden) {
			t.Fatalf("partner re-refers a lead: %v", err)
		}
		note := "已到店试用"
		got, err := s.UpdateLead(ctx, dealer, l1.ID, crm.LeadChange{Status: &won, Note: &note})
		if err != nil || got.Status != crm.LeadWon || got.Note != note {
			t.Fatalf("partner update %+v %v", got, err)
		}
		if got, _ := s.Lead(ctx, agent, l2.ID); got.Status != crm.LeadReferred {
			t.Fatalf("other lead changed: %+v", got)
		}
		tl, _, _ := s.Timeline(ctx, c.ID, crm.TimelineFilter{Categories: []string{"lead"}})
		if len(tl) != 4 || tl[0].Kind != "lead.updated" || tl[0].Str("partner") != "鹏程数码" {
			t.Fatalf("lead events %+v", tl)
		}
		// Referring a new lead moves it to referred.
		if got, err := s.UpdateLead(ctx, agent, l3.ID, crm.LeadChange{PartnerID: &p2.ID}); err != nil || got.Status != crm.LeadReferred || got.PartnerName != "华强专卖店" {
			t.Fatalf("refer %+v %v", got, err)
		}
	})
}

func TestImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := crm.NewStore(d)
		mustCreate(t, s, &crm.Customer{Name: "已有客户", Phones: []crm.Phone{{Number: "13700000000"}}})
		csv := "\ufeff姓名,手机,电话,邮箱,公司,城市,地址,标签,VIP,序列号,产品,保修截止\n" +
			"王伟,13812345678,027-81886666,ww@example.cn,武汉光谷软件园,武汉,湖北省武汉市洪山区光谷大道77号,经销商；VIP,2,PF3K2Q8,ThinkPad X1,2027-03-04\n" +
			"李娜,13812345679; 13812345680,,,,,,,,,,\n" +
			",,,,,,,,,,,\n" + // blank row: skipped
			"张三,12345,,not-an-email,,,,,,,,\n" + // bad phone and email
			"李四,13700000000,,,,,,,5,,,\n" + // taken number, bad VIP
			"王五,13812345678,,,,,,,,SN9,,2020-13-01\n" // number repeats row 2, bad date
		table, err := crm.ReadTable("customers.csv", strings.NewReader(csv))
		if err != nil {
			t.Fatal(err)
		}
		type cell struct {
			row    int
			column string
		}
		wantErrs := []cell{{5, "手机"}, {5, "邮箱"}, {6, "VIP"}, {6, "手机"}, {7, "保修截止"}, {7, "手机"}}
		for _, mode := range []struct {
			name     string
			opt      crm.ImportOptions
			imported int
		}{
			{"dry run", crm.ImportOptions{DryRun: true}, 0},
			{"only if no errors", crm.ImportOptions{}, 0},
			{"skip bad rows", crm.ImportOptions{SkipBad: true}, 2},
		} {
			before, _ := s.Count(ctx)
			rep, err := s.Import(ctx, table, mode.opt)
			if err != nil {
				t.Fatalf("%s: %v", mode.name, err)
			}
			var got []cell
			for _, e := range rep.Errors {
				got = append(got, cell{e.Row, e.Column})
			}
			slices.SortFunc(got, func(a, b cell) int {
				if a.row != b.row {
					return a.row - b.row
				}
				return strings.Compare(a.column, b.column)
			})
			if rep.Rows != 5 || rep.Valid != 2 || rep.Imported != mode.imported || !slices.Equal(got, wantErrs) {
				t.Errorf("%s: rows %d valid %d imported %d errors %v, want %v", mode.name, rep.Rows, rep.Valid, rep.Imported, got, wantErrs)
			}
			if after, _ := s.Count(ctx); after != before+mode.imported {
				t.Errorf("%s: %d customers, want %d", mode.name, after, before+mode.imported)
			}
		}
		found, _, _ := s.Search(ctx, crm.Filter{Query: "PF3K2Q8"})
		if len(found) != 1 {
			t.Fatalf("imported asset not found: %v", names(found))
		}
		ww, _ := s.Get(ctx, found[0].ID)
		if len(ww.Phones) != 2 || ww.VIPLevel != 2 || !slices.Equal(ww.Tags, []string{"VIP", "经销商"}) || ww.Assets[0].WarrantyEnd != "2027-03-04" || ww.Addresses[0].Street == "" {
			t.Fatalf("imported row %+v", ww)
		}
		// The second import of the same file finds every number taken: nothing goes in.
		rep, _ := s.Import(ctx, table, crm.ImportOptions{SkipBad: true})
		if rep.Imported != 0 {
			t.Fatalf("re-import stored %d rows", rep.Imported)
		}
		// Bad headers are reported on row 1; English headers work; xlsx round trip.
		if rep, _ := s.Import(ctx, [][]string{{"姓名", "颜色"}, {"甲"}}, crm.ImportOptions{}); len(rep.Errors) != 1 || rep.Errors[0].Column != "颜色" {
			t.Fatalf("unknown column: %+v", rep)
		}
		if rep, _ := s.Import(ctx, [][]string{{"phone"}, {"13800001234"}}, crm.ImportOptions{}); len(rep.Errors) != 1 || rep.Errors[0].Row != 1 {
			t.Fatalf("no name column: %+v", rep)
		}
		var buf bytes.Buffer
		if err := s.Export(ctx, crm.Filter{Query: "王伟"}, "xlsx", "en", &buf); err != nil {
			t.Fatal(err)
		}
		x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := x.GetRows(x.GetSheetName(0))
		if len(rows) != 2 || rows[0][0] != "name" || rows[1][0] != "王伟" || rows[1][9] != "PF3K2Q8" {
			t.Fatalf("xlsx export %v", rows)
		}
		buf.Reset()
		if err := s.Export(ctx, crm.Filter{}, "csv", "zh-CN", &buf); err != nil {
			t.Fatal(err)
		}
		back, err := crm.ReadTable("export.csv", &buf)
		if err != nil || len(back) != 4 || back[0][0] != "姓名" {
			t.Fatalf("csv export %v %v", back, err)
		}
		if _, err := crm.ReadTable("x.pdf", strings.NewReader("x")); !errs.Is(err, errs.Invalid) {
			t.Fatalf("pdf upload: %v", err)
		}
		if _, err := crm.ReadTable("x.csv", bytes.NewReader(make([]byte, crm.MaxImportBytes+1))); !errs.Is(err, errs.TooLarge) {
			t.Fatalf("oversized upload: %v", err)
		}
	})
}
