package crm_test

import (
	"context"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
)

func TestBlockPattern(t *testing.T) {
	for _, c := range []struct {
		in, want string
		bad      bool
	}{
		{"138-1234-5678", "+8613812345678", false},
		{"010-12345678", "+861012345678", false},
		{"170*", "170*", false},
		{"+86 170*", "+86170*", false},
		{"0755-*", "0755*", false},
		{"*", "", true},
		{"17a*", "", true},
		{"12345", "", true},
		{"", "", true},
	} {
		got, err := crm.BlockPattern(c.in)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("BlockPattern(%q) = %q, %v; want %q bad=%v", c.in, got, err, c.want, c.bad)
		}
		if c.bad && !errs.Is(err, errs.Invalid) {
			t.Errorf("BlockPattern(%q): %v is not invalid", c.in, err)
		}
	}
}

func TestBlockMatches(t *testing.T) {
	for _, c := range []struct {
		pattern, number string
		want            bool
	}{
		{"+8613812345678", "+8613812345678", true},
		{"+8613812345678", "+8613812345679", false},
		{"170*", "+8617012345678", true},
		{"+86170*", "+8617012345678", true},
		{"171*", "+8617012345678", false},
		{"0755*", "+8675588776655", true},  // landline in national form
		{"755*", "+8675588776655", true},   // without the trunk 0
		{"0170*", "+8617012345678", false}, // mobiles have no trunk 0
		{"400*", "4008001234", true},
		{"+1*", "+14155550100", true},
	} {
		if got := crm.BlockMatches(c.pattern, c.number); got != c.want {
			t.Errorf("BlockMatches(%q, %q) = %v, want %v", c.pattern, c.number, got, c.want)
		}
	}
}

func TestBlockStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := crm.NewBlockStore(d)
		exact, err := s.Add(ctx, crm.BlockInput{Pattern: "138 1234 5678", Reason: "骚扰电话"})
		if err != nil {
			t.Fatal(err)
		}
		prefix, err := s.Add(ctx, crm.BlockInput{Pattern: "170*", Reason: "虚拟运营商号段"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Add(ctx, crm.BlockInput{Pattern: "1381234*", Reason: "longer prefix"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Add(ctx, crm.BlockInput{Pattern: "+8613812345678"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("duplicate: %v", err)
		}
		if _, err := s.Add(ctx, crm.BlockInput{Pattern: "13900001111", ExpiresAt: time.Now().Add(-time.Hour)}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("expiry in the past: %v", err)
		}
		for _, c := range []struct {
			caller string
			want   int64 // entry id, 0 for none
		}{
			{"13812345678", exact.ID}, // exact wins over the longer prefix
			{"+86 170 1234 5678", prefix.ID},
			{"17012345678", prefix.ID},
			{"13900001111", 0},
			{"anonymous", 0},
		} {
			got, err := s.Check(ctx, c.caller)
			if err != nil {
				t.Fatal(err)
			}
			if (got == nil && c.want != 0) || (got != nil && got.ID != c.want) {
				t.Errorf("Check(%q) = %+v, want entry %d", c.caller, got, c.want)
			}
		}
		list, err := s.List(ctx)
		if err != nil || len(list) != 3 {
			t.Fatalf("list: %d %v", len(list), err)
		}
		hits := map[int64]int{}
		for _, e := range list {
			hits[e.ID] = e.Hits
			if e.Hits > 0 && e.LastHitAt.IsZero() {
				t.Errorf("entry %d: hits without last hit", e.ID)
			}
		}
		if hits[exact.ID] != 1 || hits[prefix.ID] != 2 {
			t.Fatalf("hits %v", hits)
		}
		// An entry that has expired blocks nothing and makes way for a new one.
		shortly := time.Now().Add(time.Hour)
		tmp, err := s.Add(ctx, crm.BlockInput{Pattern: "13900001111", Auto: true, ExpiresAt: shortly})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Check(ctx, "13900001111"); got == nil || got.ID != tmp.ID || !got.Auto {
			t.Fatalf("auto entry: %+v", got)
		}
		if _, err := d.Write().ExecContext(ctx, `UPDATE blocklist SET expires_at = $1 WHERE id = $2`, time.Now().Add(-time.Minute).UTC(), tmp.ID); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Check(ctx, "13900001111"); got != nil {
			t.Fatalf("expired entry still blocks: %+v", got)
		}
		if _, err := s.Add(ctx, crm.BlockInput{Pattern: "13900001111"}); err != nil {
			t.Fatalf("re-add after expiry: %v", err)
		}
		if err := s.Remove(ctx, exact.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Remove(ctx, exact.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("remove twice: %v", err)
		}
		if got, _ := s.Check(ctx, "13812345678"); got == nil || got.Pattern != "1381234*" {
			t.Fatalf("after removing the exact entry: %+v", got)
		}
	})
}
