package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/calendar"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/demo"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/kb"
	"github.com/hotlinecc/hotline/internal/sla"
	"github.com/hotlinecc/hotline/internal/ticket"
	"github.com/hotlinecc/hotline/internal/todo"
)

func TestLoad(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := demo.Services{Auth: auth.NewService(d, auth.Options{}), Customers: crm.NewStore(d), Queues: acdstore.New(d), KB: kb.New(d, nil),
			Calendars: calendar.NewStore(d), SLARules: sla.NewRuleStore(d), Todos: todo.NewStore(d, events.New(d)),
			Tickets: ticket.New(d, events.New(d), ticket.Options{DataDir: t.TempDir()})}
		if err := demo.Load(ctx, s); err != nil {
			t.Fatal(err)
		}
		if n, _ := s.Customers.Count(ctx); n != demo.CustomerCount {
			t.Fatalf("%d customers, want %d", n, demo.CustomerCount)
		}
		// Every role signs in with the demo password; agents come in three tiers.
		tiers := map[int]bool{}
		roles := map[auth.Role]bool{}
		for _, l := range demo.Logins() {
			_, p, err := s.Auth.Login(ctx, l.Username, demo.Password, "127.0.0.1", "")
			if err != nil {
				t.Fatalf("%s: %v", l.Username, err)
			}
			roles[p.User.Role] = true
			if p.User.Role == auth.RoleAgent {
				tiers[p.User.Tier] = true
			}
		}
		if len(roles) != len(auth.Roles) || len(tiers) != 3 {
			t.Fatalf("roles %v tiers %v", roles, tiers)
		}
		qs, err := s.Queues.Queues(ctx)
		if err != nil || len(qs) != 5 {
			t.Fatalf("queues %v %v", qs, err)
		}
		// The knowledge base answers Chinese and English searches.
		agent, _ := s.Auth.UserByUsername(ctx, "agent1")
		for q, want := range map[string]string{"电池": "笔记本电池不充电怎么办", "无法开机": "电脑无法开机的排查步骤", "serial number": "How to find the serial number"} {
			r, err := s.KB.Search(ctx, agent, kb.Filter{Query: q})
			if err != nil || len(r.Articles) == 0 || r.Articles[0].Title != want {
				t.Fatalf("search %q: %v %v", q, r, err)
			}
		}
		if n, _ := s.KB.UnreadCount(ctx, agent.ID); n != 1 {
			t.Fatalf("agent1 has %d unread announcements, want 1", n)
		}
		// Six ticket types; ticket 2 is a repair order dispatched to the repair station,
		// which its partner user sees with both attachments.
		types, err := s.Tickets.Types(ctx)
		if err != nil || len(types) != 6 {
			t.Fatalf("ticket types: %d %v", len(types), err)
		}
		_, station, err := s.Auth.Login(ctx, "station", demo.Password, "127.0.0.1", "")
		if err != nil {
			t.Fatal(err)
		}
		orders, total, err := s.Tickets.List(ctx, station, ticket.Filter{})
		if err != nil || total != 1 || orders[0].ID != 2 || orders[0].Status != "dispatched" {
			t.Fatalf("station's orders: %d %v", total, err)
		}
		if atts, err := s.Tickets.Attachments(ctx, station, 2); err != nil || len(atts) != 2 {
			t.Fatalf("attachments: %v %v", atts, err)
		}
		// Two-character Chinese names are found by name.
		found, total, err := s.Customers.Search(ctx, crm.Filter{Query: "王"})
		if err != nil || total == 0 || len(found) == 0 {
			t.Fatalf("search 王: %d %v", total, err)
		}
		checkCalendars(t, s)
	})
}

// The office calendar follows China's 2026 holidays and make-up days.
func checkCalendars(t *testing.T, s demo.Services) {
	ctx := context.Background()
	cals, err := s.Calendars.List(ctx)
	if err != nil || len(cals) != 2 {
		t.Fatalf("calendars %v %v", cals, err)
	}
	office := cals[1]
	if len(office.Holidays) != 33 || len(office.WorkDays) != 6 {
		t.Fatalf("office: %d holidays, %d make-up days", len(office.Holidays), len(office.WorkDays))
	}
	sch, err := office.Schedule()
	if err != nil {
		t.Fatal(err)
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	for _, c := range []struct {
		at   string
		open bool
	}{
		{"2026-01-01 10:00", false}, {"2026-01-04 10:00", true}, // 元旦, Sunday make-up day
		{"2026-02-14 10:00", true}, {"2026-02-16 10:00", false}, {"2026-02-23 10:00", false}, {"2026-02-24 10:00", true},
		{"2026-02-28 10:00", true}, {"2026-04-06 10:00", false}, {"2026-05-05 10:00", false}, {"2026-05-09 10:00", true},
		{"2026-06-19 10:00", false}, {"2026-09-20 10:00", true}, {"2026-09-25 10:00", false}, {"2026-10-07 10:00", false},
		{"2026-10-08 10:00", true}, {"2026-10-10 10:00", true}, {"2026-10-11 10:00", false}, {"2026-10-12 08:59", false},
	} {
		at, _ := time.ParseInLocation("2006-01-02 15:04", c.at, sh)
		if sch.Open(at) != c.open {
			t.Errorf("office open at %s: %v, want %v", c.at, !c.open, c.open)
		}
	}
	rules, err := s.SLARules.List(ctx)
	if err != nil || len(rules) != 3 {
		t.Fatalf("rules %v %v", rules, err)
	}
}
