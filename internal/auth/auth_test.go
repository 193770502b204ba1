package auth_test

import (
	"context"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
)

func ptr[T any](v T) *T { return &v }

// clock is a settable time source for lockout and expiry tests.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newService(t *testing.T, d *db.DB) (*auth.Service, *clock) {
	c := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	return auth.NewService(d, auth.Options{Now: c.now, SessionTTL: time.Hour, FailedLoginsPerMinute: 100}), c
}

func TestCreateUserValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		ctx := context.Background()
		partner, err := s.CreatePartner(ctx, auth.ActorSystem, auth.Partner{Name: "华强维修站", Kind: "repair_station"})
		if err != nil {
			t.Fatal(err)
		}
		good := func() auth.UserInput {
			return auth.UserInput{Username: "wangwei", DisplayName: ptr("王伟"), Role: ptr(auth.RoleAgent), Tier: ptr(2), Password: "s3cret-pass"}
		}
		cases := []struct {
			name  string
			edit  func(*auth.UserInput)
			field string // "" = valid
		}{
			{"agent tier 2", func(*auth.UserInput) {}, ""},
			{"short password", func(in *auth.UserInput) { in.Password = "short" }, "password"},
			{"bad username", func(in *auth.UserInput) { in.Username = "王伟" }, "username"},
			{"no display name", func(in *auth.UserInput) { in.DisplayName = ptr("  ") }, "display_name"},
			{"unknown role", func(in *auth.UserInput) { in.Role = ptr(auth.Role("boss")) }, "role"},
			{"tier 4", func(in *auth.UserInput) { in.Tier = ptr(4) }, "tier"},
			{"supervisor with tier", func(in *auth.UserInput) { in.Role = ptr(auth.RoleSupervisor) }, "tier"},
			{"partner without partner", func(in *auth.UserInput) { in.Role, in.Tier = ptr(auth.RolePartner), nil }, "partner_id"},
			{"partner unknown partner", func(in *auth.UserInput) { in.Role, in.Tier, in.PartnerID = ptr(auth.RolePartner), nil, ptr(int64(999)) }, "partner_id"},
			{"bad email", func(in *auth.UserInput) { in.Email = ptr("not-an-email") }, "email"},
			{"bad language", func(in *auth.UserInput) { in.Language = ptr("fr") }, "language"},
		}
		for i, c := range cases {
			in := good()
			in.Username = in.Username + string(rune('a'+i))
			c.edit(&in)
			_, err := s.CreateUser(ctx, auth.ActorSystem, in)
			e, _ := errs.As(err)
			switch {
			case c.field == "" && err != nil:
				t.Errorf("%s: %v", c.name, err)
			case c.field != "" && (e == nil || e.Fields[c.field] == ""):
				t.Errorf("%s: got %v, want an error on field %s", c.name, err, c.field)
			}
		}
		if _, err := s.CreateUser(ctx, auth.ActorSystem, auth.UserInput{Username: "zhao", DisplayName: ptr("赵站长"),
			Role: ptr(auth.RolePartner), PartnerID: &partner.ID, Password: "s3cret-pass"}); err != nil {
			t.Fatalf("partner user: %v", err)
		}
		// Usernames are unique whatever their case.
		in := good()
		in.Username = "WANGWEIA"
		if _, err := s.CreateUser(ctx, auth.ActorSystem, in); !errs.Is(err, errs.Invalid) {
			t.Fatalf("duplicate username: %v, want invalid", err)
		}
		// Nothing invalid was stored: the valid agent and the partner user only.
		_, total, err := s.ListUsers(ctx, auth.UserFilter{})
		if err != nil || total != 2 {
			t.Fatalf("users stored: %d (%v), want 2", total, err)
		}
	})
}

func TestLoginSessionsAndLockout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, clk := newService(t, d)
		ctx := context.Background()
		u, err := s.CreateUser(ctx, auth.ActorSystem, auth.UserInput{Username: "Li.Na", DisplayName: ptr("李娜"), Role: ptr(auth.RoleSupervisor), Password: "right-password"})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Login(ctx, "nobody", "right-password", "10.0.0.1", ""); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("unknown user: %v", err)
		}
		token, p, err := s.Login(ctx, "LI.NA", "right-password", "10.0.0.1", "test")
		if err != nil {
			t.Fatalf("login: %v", err)
		}
		if p.User.ID != u.ID || p.CSRF == "" || !p.Can(auth.PermCallsMonitor) || p.Can(auth.PermUsersManage) {
			t.Fatalf("principal %+v", p)
		}
		if got, err := s.Session(ctx, token, "10.0.0.1"); err != nil || got.User.ID != u.ID || got.CSRF != p.CSRF {
			t.Fatalf("session lookup: %v %v", got, err)
		}
		// Idle sessions expire; use slides the expiry.
		clk.t = clk.t.Add(50 * time.Minute)
		if _, err := s.Session(ctx, token, ""); err != nil {
			t.Fatalf("session after 50m: %v", err)
		}
		clk.t = clk.t.Add(59 * time.Minute)
		if _, err := s.Session(ctx, token, ""); err != nil {
			t.Fatalf("session 59m after last use: %v", err)
		}
		clk.t = clk.t.Add(61 * time.Minute)
		if _, err := s.Session(ctx, token, ""); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("expired session: %v", err)
		}
		// Five wrong passwords lock the account, even against the right password.
		for i := 0; i < auth.MaxFailedLogins; i++ {
			if _, _, err := s.Login(ctx, "li.na", "wrong-password", "10.0.0.2", ""); !errs.Is(err, errs.Unauthorized) {
				t.Fatalf("wrong password %d: %v", i, err)
			}
		}
		if _, _, err := s.Login(ctx, "li.na", "right-password", "10.0.0.3", ""); !errs.Is(err, errs.TooMany) {
			t.Fatalf("locked account: %v, want too many", err)
		}
		clk.t = clk.t.Add(auth.LockoutDuration + time.Second)
		if _, _, err := s.Login(ctx, "li.na", "right-password", "10.0.0.3", ""); err != nil {
			t.Fatalf("after lockout: %v", err)
		}
		entries, err := s.ListAudit(ctx, auth.AuditFilter{Action: "login."})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range entries {
			count[e.Action]++
		}
		if count[auth.AuditLoginLocked] != 1 || count[auth.AuditLoginFailure] != 6 || count[auth.AuditLoginSuccess] != 2 {
			t.Fatalf("audit counts %v", count)
		}
	})
}

func TestLoginRateLimitPerAddress(t *testing.T) {
	d := dbtest.SQLite(t)
	s := auth.NewService(d, auth.Options{FailedLoginsPerMinute: 3})
	ctx := context.Background()
	if _, err := s.CreateUser(ctx, auth.ActorSystem, auth.UserInput{Username: "ok", DisplayName: ptr("OK"), Role: ptr(auth.RoleQA), Password: "ok-password"}); err != nil {
		t.Fatal(err)
	}
	// Successful sign-ins do not count: a whole office may share one address.
	for i := 0; i < 5; i++ {
		if _, _, err := s.Login(ctx, "ok", "ok-password", "10.0.0.9", ""); err != nil {
			t.Fatalf("sign-in %d: %v", i, err)
		}
	}
	for i := 0; i < 3; i++ {
		if _, _, err := s.Login(ctx, "x", "y", "10.0.0.9", ""); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if _, _, err := s.Login(ctx, "x", "y", "10.0.0.9", ""); !errs.Is(err, errs.TooMany) {
		t.Fatalf("4th attempt: %v, want too many", err)
	}
	if _, _, err := s.Login(ctx, "ok", "ok-password", "10.0.0.9", ""); !errs.Is(err, errs.TooMany) {
		t.Fatalf("right password from a blocked address: %v, want too many", err)
	}
	if _, _, err := s.Login(ctx, "x", "y", "10.0.0.10", ""); !errs.Is(err, errs.Unauthorized) {
		t.Fatalf("other address: %v", err)
	}
}

func TestDisableEndsSessionsAndGuardsLastAdmin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, _ := newService(t, d)
		ctx := context.Background()
		admin, err := s.CreateUser(ctx, auth.ActorSystem, auth.UserInput{Username: "admin", DisplayName: ptr("管理员"), Role: ptr(auth.RoleAdmin), Password: "admin-password"})
		if err != nil {
			t.Fatal(err)
		}
		agent, err := s.CreateUser(ctx, auth.ActorSystem, auth.UserInput{Username: "agent", DisplayName: ptr("张三"), Role: ptr(auth.RoleAgent), Password: "agent-password"})
		if err != nil {
			t.Fatal(err)
		}
		_, ap, err := s.Login(ctx, "admin", "admin-password", "", "")
		if err != nil {
			t.Fatal(err)
		}
		token, _, err := s.Login(ctx, "agent", "agent-password", "", "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.UpdateUser(ctx, ap.Actor(), agent.ID, auth.UserInput{Disabled: ptr(true)}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Session(ctx, token, ""); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("disabled user's session: %v", err)
		}
		if _, _, err := s.Login(ctx, "agent", "agent-password", "", ""); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("disabled user's login: %v", err)
		}
		if _, err := s.UpdateUser(ctx, ap.Actor(), admin.ID, auth.UserInput{Role: ptr(auth.RoleQA)}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("demoting oneself: %v", err)
		}
		if _, err := s.UpdateUser(ctx, auth.ActorCLI, admin.ID, auth.UserInput{Disabled: ptr(true)}); !errs.Is(err, errs.Conflict) {
			t.Fatalf("disabling the last admin: %v", err)
		}
		// Promotion to tier 3 is a permission change and is audited with before and after.
		if _, err := s.UpdateUser(ctx, ap.Actor(), agent.ID, auth.UserInput{Tier: ptr(3)}); err != nil {
			t.Fatal(err)
		}
		entries, _ := s.ListAudit(ctx, auth.AuditFilter{Action: auth.AuditUserRole})
		if len(entries) != 1 || entries[0].ActorID != admin.ID || entries[0].TargetID == "" {
			t.Fatalf("role audit %+v", entries)
		}
	})
}

func TestAPITokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s, clk := newService(t, d)
		ctx := context.Background()
		if _, err := s.CreateUser(ctx, auth.ActorSystem, auth.UserInput{Username: "analyst", DisplayName: ptr("Emma Wu"), Role: ptr(auth.RoleAnalyst), Password: "analyst-password"}); err != nil {
			t.Fatal(err)
		}
		_, p, err := s.Login(ctx, "analyst", "analyst-password", "", "")
		if err != nil {
			t.Fatal(err)
		}
		tok, secret, err := s.CreateToken(ctx, p, "report export", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		tp, err := s.TokenPrincipal(ctx, secret, "")
		if err != nil || tp.User.ID != p.User.ID || tp.ViaSession() {
			t.Fatalf("token principal %v %v", tp, err)
		}
		if _, err := s.TokenPrincipal(ctx, secret+"x", ""); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("wrong token: %v", err)
		}
		clk.t = clk.t.Add(25 * time.Hour)
		if _, err := s.TokenPrincipal(ctx, secret, ""); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("expired token: %v", err)
		}
		_, secret2, err := s.CreateToken(ctx, p, "no expiry", 0)
		if err != nil {
			t.Fatal(err)
		}
		list, _ := s.Tokens(ctx, p.User.ID)
		if len(list) != 2 {
			t.Fatalf("tokens %v", list)
		}
		if err := s.RevokeToken(ctx, p, list[0].ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.TokenPrincipal(ctx, secret2, ""); !errs.Is(err, errs.Unauthorized) {
			t.Fatalf("revoked token: %v", err)
		}
		if _, _, err := s.CreateToken(ctx, p, "", 0); !errs.Is(err, errs.Invalid) {
			t.Fatalf("empty name: %v", err)
		}
		_ = tok
	})
}

func TestPasswords(t *testing.T) {
	h, err := auth.HashPassword("correct horse")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		hash, pw string
		ok       bool
	}{
		{h, "correct horse", true},
		{h, "correct horsE", false},
		{h, "", false},
		{"$argon2id$garbage", "correct horse", false},
		{"", "", false},
	} {
		if got := auth.CheckPassword(c.hash, c.pw); got != c.ok {
			t.Errorf("CheckPassword(%q, %q) = %v", c.hash, c.pw, got)
		}
	}
	if p := auth.RandomPassword(); len(p) != 16 || auth.ValidatePassword(p) != nil {
		t.Errorf("random password %q", p)
	}
}

func TestTiersGrowAuthority(t *testing.T) {
	for _, perm := range auth.PermissionsOf(auth.RoleAgent, 1) {
		if !auth.Has(auth.RoleAgent, 2, perm) || !auth.Has(auth.RoleAgent, 3, perm) {
			t.Errorf("tier 1 may %s but a higher tier may not", perm)
		}
	}
	if auth.Has(auth.RoleAgent, 1, auth.PermTicketsDispatch) || !auth.Has(auth.RoleAgent, 2, auth.PermTicketsDispatch) {
		t.Error("dispatch should start at tier 2")
	}
	if auth.Has(auth.RoleAgent, 2, auth.PermRecordingsAll) || !auth.Has(auth.RoleAgent, 3, auth.PermRecordingsAll) {
		t.Error("hearing any recording should start at tier 3")
	}
	if auth.Has(auth.RolePartner, 0, auth.PermCustomersRead) {
		t.Error("a partner must not read customers")
	}
}
