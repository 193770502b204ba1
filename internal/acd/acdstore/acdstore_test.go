package acdstore_test

import (
	"context"
	"testing"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/acd/acdstore"
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
