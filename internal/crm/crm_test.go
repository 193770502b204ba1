package crm_test

import (
	"context"
	"testing"

	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
)

func TestCreateAndSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := crm.NewStore(d)
		ctx := context.Background()
		for _, c := range []*crm.Customer{
			{Name: "王伟", Phones: []crm.Phone{{Number: "138-1234-5678", Label: "mobile"}, {Number: "010-12345678"}}},
			{Name: "王伟明", Phones: []crm.Phone{{Number: "13900001111"}}, Emails: []string{"wm@example.cn"}},
			{Name: "Emily Chen", Company: "Acme Trading", VIPLevel: 2},
		} {
			if err := s.Create(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			query string
			want  []string
		}{
			{"王伟", []string{"王伟明", "王伟"}},
			{"+86 138 1234 5678", []string{"王伟"}},
			{"01012345678", []string{"王伟"}},
			{"wm@example.cn", []string{"王伟明"}},
			{"Acme", []string{"Emily Chen"}},
			{"13700000000", nil},
		} {
			got, total, err := s.Search(ctx, crm.Filter{Query: c.query})
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, g := range got {
				names = append(names, g.Name)
			}
			if total != len(c.want) || len(names) != len(c.want) {
				t.Errorf("search %q: %v (total %d), want %v", c.query, names, total, c.want)
				continue
			}
			for i := range names {
				if names[i] != c.want[i] {
					t.Errorf("search %q: %v, want %v", c.query, names, c.want)
				}
			}
		}
		got, _, _ := s.Search(ctx, crm.Filter{Query: "王伟"})
		if len(got[1].Phones) != 2 || got[1].Phones[0].Display() != "138 1234 5678" {
			t.Errorf("phones of 王伟: %+v", got[1].Phones)
		}
		// A bad phone rejects the whole customer.
		err := s.Create(ctx, &crm.Customer{Name: "李四", Phones: []crm.Phone{{Number: "12345"}}})
		if !errs.Is(err, errs.Invalid) {
			t.Fatalf("bad phone: %v", err)
		}
		if n, _ := s.Count(ctx); n != 3 {
			t.Fatalf("count %d, want 3", n)
		}
	})
}
