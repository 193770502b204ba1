package sip

import (
	"context"
	"testing"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
)

func TestStoreAccounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d, "hotline")
		row, pw, err := s.CreateAccount(ctx, 0, "1001", "")
		if err != nil || row.Username != "1001" || len(pw) != 16 {
			t.Fatalf("create: %+v %q %v", row, pw, err)
		}
		a, err := s.Account(ctx, "1001")
		if err != nil || a.HA1 != HA1("1001", "hotline", pw) || a.HA1 == pw {
			t.Fatalf("account %+v %v", a, err)
		}
		for _, bad := range []struct {
			uid       int64
			ext, pass string
			code      errs.Code
		}{
			{0, "1001", "", errs.Conflict},
			{0, "1x", "", errs.Invalid},
			{0, "1002", "short", errs.Invalid},
			{99999, "1003", "", errs.Invalid},
		} {
			if _, _, err := s.CreateAccount(ctx, bad.uid, bad.ext, bad.pass); errs.CodeOf(err) != bad.code {
				t.Errorf("create %+v: %v, want %s", bad, err, bad.code)
			}
		}
		_, pw2, err := s.ResetPassword(ctx, row.ID)
		if err != nil || pw2 == pw {
			t.Fatalf("reset: %v", err)
		}
		if a, _ := s.Account(ctx, "1001"); a.HA1 != HA1("1001", "hotline", pw2) {
			t.Error("reset did not change HA1")
		}
		if r, err := s.SetDisabled(ctx, row.ID, true); err != nil || !r.Disabled {
			t.Fatalf("disable: %+v %v", r, err)
		}
		if a, _ := s.Account(ctx, "1001"); !a.Disabled {
			t.Error("not disabled")
		}
		if _, err := s.Account(ctx, "4242"); err != ErrNoAccount {
			t.Errorf("unknown account: %v", err)
		}
		if _, err := s.SetDisabled(ctx, 424242, true); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("disable unknown: %v", err)
		}
	})
}

func TestStoreTrunks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d, "")
		a := Trunk{Name: "电信", Host: "sip.example.net", Transport: "UDP", Username: "u", Password: "p", Default: true, Enabled: true,
			DIDs: []DID{{Number: "400-800-1234", FlowID: 3}, {Number: "010-12345678"}}}
		if err := s.SaveTrunk(ctx, &a); err != nil || a.ID == 0 {
			t.Fatalf("save: %v", err)
		}
		b := Trunk{Name: "联通", Host: "10.0.0.1", Port: 5080, Default: true, Enabled: true, DIDs: []DID{{Number: "95555"}}}
		if err := s.SaveTrunk(ctx, &b); err != nil {
			t.Fatal(err)
		}
		ts, err := s.Trunks(ctx)
		if err != nil || len(ts) != 2 {
			t.Fatalf("trunks %+v %v", ts, err)
		}
		got, _ := s.Trunk(ctx, a.ID)
		if got.Default || got.Transport != "udp" || got.Port != 5060 || len(got.DIDs) != 2 || got.DIDs[1].Number != "4008001234" || got.DIDs[1].FlowID != 3 {
			t.Errorf("trunk a %+v (the second default clears the first)", got)
		}
		for _, bad := range []Trunk{
			{Name: ""},
			{Name: "x", Transport: "sctp"},
			{Name: "x", Port: 70000},
			{Name: "x", Default: true},
			{Name: "x", DIDs: []DID{{Number: "abc"}}},
			{Name: "x", DIDs: []DID{{Number: "1"}, {Number: "1"}}},
			{Name: "y", DIDs: []DID{{Number: "95555"}}}, // b's number
			{Name: "联通"},
		} {
			if err := s.SaveTrunk(ctx, &bad); err == nil {
				t.Errorf("saved bad trunk %+v", bad)
			}
		}
		a.DIDs = a.DIDs[:1]
		if err := s.SaveTrunk(ctx, &a); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Trunk(ctx, a.ID); len(got.DIDs) != 1 {
			t.Errorf("DIDs after update %+v", got.DIDs)
		}
		if err := s.DeleteTrunk(ctx, b.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteTrunk(ctx, b.ID); errs.CodeOf(err) != errs.NotFound {
			t.Errorf("delete twice: %v", err)
		}
		// The engine routes by the stored DIDs.
		e, _ := New(Options{Directory: s})
		if flow, ok := e.RouteFor("4008001234"); !ok || flow != 3 {
			t.Errorf("RouteFor = %d, %v", flow, ok)
		}
		if _, ok := e.RouteFor("95555"); ok {
			t.Error("a deleted trunk's number still routes")
		}
	})
}
