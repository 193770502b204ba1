package acdstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
)

func TestQueues(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := acdstore.New(d)
		ctx := context.Background()
		q := &acd.Queue{Code: "support", NameZH: "技术支持", NameEN: "Technical support", Strategy: acd.LongestIdle, SLSeconds: 30}
		if err := s.CreateQueue(ctx, q); err != nil {
			t.Fatal(err)
		}
		dup := *q
		if err := s.CreateQueue(ctx, &dup); !errs.Is(err, errs.Invalid) {
			t.Fatalf("duplicate code: %v", err)
		}
		bad := acd.Queue{Code: "x", NameZH: "x", NameEN: "x", Strategy: "random", SLSeconds: 30}
		if err := s.CreateQueue(ctx, &bad); !errs.Is(err, errs.Invalid) {
			t.Fatalf("unknown strategy: %v", err)
		}
		list, err := s.Queues(ctx)
		if err != nil || len(list) != 1 || list[0].Name("en") != "Technical support" || list[0].Members != 0 {
			t.Fatalf("queues %+v %v", list, err)
		}
	})
}

func TestRoutingLoadsQueuesWithMembers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := acdstore.New(d)
		a := auth.NewService(d, auth.Options{})
		agent, tier2, name := auth.RoleAgent, 2, "王伟"
		u1, err := a.CreateUser(ctx, auth.ActorSystem, auth.UserInput{Username: "a1", DisplayName: &name, Role: &agent, Password: "long-enough-1"})
		if err != nil {
			t.Fatal(err)
		}
		u2, err := a.CreateUser(ctx, auth.ActorSystem, auth.UserInput{Username: "a2", DisplayName: &name, Role: &agent, Tier: &tier2, Password: "long-enough-2"})
		if err != nil {
			t.Fatal(err)
		}
		q := &acd.Queue{Code: "support", NameZH: "技术支持", NameEN: "Support", Strategy: acd.LongestIdle, SLSeconds: 30}
		if err := s.CreateQueue(ctx, q); err != nil {
			t.Fatal(err)
		}
		for _, m := range []struct {
			user int64
			prof int
		}{{u2.ID, 5}, {u1.ID, 3}} {
			if err := s.AddMember(ctx, q.ID, m.user, m.prof); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Routing(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []acd.Member{{Agent: u1.ID, Proficiency: 3, Tier: 1, Order: 0}, {Agent: u2.ID, Proficiency: 5, Tier: 2, Order: 1}}
		if len(got) != 1 || got[0].Queue.Code != "support" || !slices.Equal(got[0].Members, want) {
			t.Fatalf("routing = %+v", got)
		}
	})
}
