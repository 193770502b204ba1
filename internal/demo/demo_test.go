package demo_test

import (
	"context"
	"testing"

	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/demo"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/ticket"
)

func TestLoad(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := demo.Services{Auth: auth.NewService(d, auth.Options{}), Customers: crm.NewStore(d), Queues: acdstore.New(d),
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
	})
}
