package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/hotlinecc/hotline/internal/app"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/config"
	"github.com/hotlinecc/hotline/internal/demo"
)

// testServer runs the whole HTTP surface over a fresh SQLite database with the demo
// center loaded.
func testServer(t testing.TB) (*httptest.Server, *app.App) {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.MaxBodyBytes = 64 << 10
	a, err := app.Open(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), "test")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.Close() })
	if err := demo.Load(context.Background(), demo.Services{Auth: a.Auth, Customers: a.Customers, Queues: a.Queues, Calls: a.Calls}); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(a.Handler())
	t.Cleanup(srv.Close)
	return srv, a
}

// browser is a cookie-keeping client that does not follow redirects, so tests see them.
type browser struct {
	t    *testing.T
	base string
	c    *http.Client
	csrf string
	lang string
}

func newBrowser(t *testing.T, srv *httptest.Server) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: srv.URL, lang: "en", c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

func (b *browser) do(method, path string, form url.Values, header map[string]string) (*http.Response, string) {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.base+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Accept-Language", b.lang)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if m := csrfField.FindSubmatch(data); m != nil {
		b.csrf = string(m[1])
	}
	return resp, string(data)
}

func (b *browser) get(path string) (*http.Response, string) { return b.do("GET", path, nil, nil) }

// post sends a form with the page's CSRF token.
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	if form == nil {
		form = url.Values{}
	}
	if form.Get("csrf_token") == "" {
		form.Set("csrf_token", b.csrf)
	}
	return b.do("POST", path, form, nil)
}

func (b *browser) signIn(username string) {
	b.t.Helper()
	b.get("/login")
	resp, body := b.post("/login", url.Values{"username": {username}, "password": {demo.Password}})
	if resp.StatusCode != http.StatusSeeOther {
		b.t.Fatalf("sign in as %s: %d %s", username, resp.StatusCode, body)
	}
	b.get("/")
}

func TestSignInFlowAndBadInput(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()

	b := newBrowser(t, srv)
	resp, _ := b.get("/users")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login?next=%2Fusers") {
		t.Fatalf("anonymous /users: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	b.get("/login")
	// A login form without its CSRF token is refused and signs nobody in.
	resp, body := b.do("POST", "/login", url.Values{"username": {"admin"}, "password": {demo.Password}}, nil)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "security token") {
		t.Fatalf("login without CSRF: %d", resp.StatusCode)
	}
	// Wrong password: the same answer as an unknown user, in the reader's language.
	resp, body = b.post("/login", url.Values{"username": {"admin"}, "password": {"wrong"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "Wrong username or password.") {
		t.Fatalf("wrong password: %d", resp.StatusCode)
	}
	b.lang = "zh-CN"
	resp, body = b.post("/login", url.Values{"username": {"nobody"}, "password": {"wrong"}})
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, "用户名或密码错误") {
		t.Fatalf("unknown user in Chinese: %d", resp.StatusCode)
	}
	b.lang = "en"
	resp, _ = b.post("/login", url.Values{"username": {"admin"}, "password": {demo.Password}, "next": {"//evil.example/"}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("open redirect after sign-in: %s", resp.Header.Get("Location"))
	}
	resp, body = b.get("/users")
	if resp.StatusCode != http.StatusOK || !strings.Contains(body, "senior1") {
		t.Fatalf("admin /users: %d", resp.StatusCode)
	}

	// A signed-in form post without the token changes nothing.
	resp, _ = b.do("POST", "/partners", url.Values{"name": {"无令牌维修站"}, "kind": {"repair_station"}}, nil)
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("post without CSRF: %d", resp.StatusCode)
	}
	resp, _ = b.post("/partners", url.Values{"name": {"无令牌维修站"}, "kind": {"repair_station"}, "csrf_token": {"forged"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("post with a forged CSRF token: %d", resp.StatusCode)
	}
	partners, _ := a.Auth.Partners(ctx)
	for _, p := range partners {
		if p.Name == "无令牌维修站" {
			t.Fatal("a partner was created without a valid CSRF token")
		}
	}
	// An invalid form is shown again with the error and nothing is stored.
	b.get("/users/new")
	resp, body = b.post("/users", url.Values{"username": {"x"}, "display_name": {"某人"}, "role": {"agent"}, "tier": {"1"}, "password": {"long-enough"}})
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "Username must be") {
		t.Fatalf("invalid user form: %d", resp.StatusCode)
	}
	if _, err := a.Auth.UserByUsername(ctx, "x"); err == nil {
		t.Fatal("invalid user was stored")
	}
	resp, _ = b.post("/users", url.Values{"username": {"lilei"}, "display_name": {"李雷"}, "role": {"agent"}, "tier": {"2"}, "password": {"long-enough"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("valid user form: %d", resp.StatusCode)
	}
	if u, err := a.Auth.UserByUsername(ctx, "lilei"); err != nil || u.Tier != 2 {
		t.Fatalf("created user: %+v %v", u, err)
	}

	// Oversized bodies are refused before any handler reads them.
	big := url.Values{"name": {strings.Repeat("x", 100<<10)}, "kind": {"dealer"}}
	resp, _ = b.post("/partners", big)
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized form: %d", resp.StatusCode)
	}

	// Signing out ends the session: the old cookie no longer works.
	cookies := b.c.Jar.Cookies(mustURL(t, srv.URL))
	b.post("/logout", nil)
	old := newBrowser(t, srv)
	old.c.Jar.SetCookies(mustURL(t, srv.URL), cookies)
	resp, _ = old.get("/users")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "reason=ended") {
		t.Fatalf("ended session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestUnknownRoutesAndMethods(t *testing.T) {
	srv, _ := testServer(t)
	b := newBrowser(t, srv)
	b.signIn("agent1")
	for _, c := range []struct {
		method, path, accept string
		status               int
		contains             string
	}{
		{"GET", "/no-such-page", "text/html", 404, "<html"},
		{"GET", "/no-such-page", "application/json", 404, `"code":"not_found"`},
		{"GET", "/api/v1/nothing", "", 404, `"code":"not_found"`},
		{"DELETE", "/login", "text/html", 405, "<html"},
		{"PUT", "/api/v1/me", "", 405, `"code":"method_not_allowed"`},
		{"GET", "/healthz", "", 200, "ok"},
		{"GET", "/readyz", "", 200, "ready"},
		{"GET", "/metrics", "", 200, "hotline_http_requests_total"},
	} {
		resp, body := b.do(c.method, c.path, nil, map[string]string{"Accept": c.accept})
		if resp.StatusCode != c.status || !strings.Contains(body, c.contains) {
			t.Errorf("%s %s (%s): %d, want %d containing %q", c.method, c.path, c.accept, resp.StatusCode, c.status, c.contains)
		}
	}
}

// Every route that needs a permission refuses callers who lack it, for pages and API
// alike, and anonymous callers are sent to sign in (pages) or get 401 (API).
func TestEveryRouteChecksPermission(t *testing.T) {
	srv, a := testServer(t)
	type route struct {
		method, path string
		access       auth.Access
	}
	var routes []route
	for _, r := range a.Console.Routes() {
		method, path, _ := strings.Cut(r.Pattern, " ")
		routes = append(routes, route{method, path, r.Access})
	}
	for _, r := range a.API.Routes() {
		routes = append(routes, route{r.Method, r.Path, r.Access})
	}
	concrete := func(p string) string {
		p = strings.ReplaceAll(p, "{$}", "")
		return regexp.MustCompile(`\{[a-z]+\}`).ReplaceAllString(p, "1")
	}
	anon := newBrowser(t, srv)
	for _, r := range routes {
		if r.access.Public {
			continue
		}
		resp, _ := anon.do(r.method, concrete(r.path), url.Values{}, nil)
		api := strings.HasPrefix(r.path, "/api/")
		if (api && resp.StatusCode != 401) || (!api && r.method == "GET" && resp.StatusCode != 303) || (!api && r.method != "GET" && resp.StatusCode != 401) {
			t.Errorf("anonymous %s %s: %d", r.method, r.path, resp.StatusCode)
		}
	}
	checked := 0
	for _, l := range demo.Logins() {
		u, err := a.Auth.UserByUsername(context.Background(), l.Username)
		if err != nil {
			t.Fatal(err)
		}
		b := newBrowser(t, srv)
		b.signIn(l.Username)
		_, p, err := a.Auth.Login(context.Background(), l.Username, demo.Password, "127.0.0.9", "")
		if err != nil {
			t.Fatal(err)
		}
		_, token, err := a.Auth.CreateToken(context.Background(), p, "perm test", 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range routes {
			if r.access.Public || u.Can(r.access.Perm) {
				continue
			}
			var resp *http.Response
			if strings.HasPrefix(r.path, "/api/") {
				resp, _ = b.do(r.method, concrete(r.path), nil, map[string]string{"Authorization": "Bearer " + token})
			} else if r.method == "GET" {
				resp, _ = b.get(concrete(r.path))
			} else {
				resp, _ = b.post(concrete(r.path), url.Values{})
			}
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("%s (%s) %s %s: %d, want 403", l.Username, u.Role, r.method, r.path, resp.StatusCode)
			}
			checked++
		}
	}
	if checked < 100 {
		t.Fatalf("only %d forbidden calls checked", checked)
	}
}

// Every page a role may open renders in both languages with no catalog key showing
// through, and the admin's user pages work end to end.
func TestEveryAllowedPageRenders(t *testing.T) {
	srv, a := testServer(t)
	leakedKey := regexp.MustCompile(`>\s*(nav|role|perm|users|home|common|profile|audit|partners|roles|queues|customers|strategy|err|error|login|tier|flash)\.[a-z_.0-9]+\s*<`)
	pages := 0
	for _, l := range demo.Logins() {
		u, _ := a.Auth.UserByUsername(context.Background(), l.Username)
		for _, lang := range []string{"zh-CN", "en"} {
			b := newBrowser(t, srv)
			b.lang = lang
			b.signIn(l.Username)
			for _, r := range a.Console.Routes() {
				method, path, _ := strings.Cut(r.Pattern, " ")
				if method != "GET" || r.Access.Public || !u.Can(r.Access.Perm) {
					continue
				}
				path = strings.ReplaceAll(strings.ReplaceAll(path, "{$}", ""), "{id}", "2")
				resp, body := b.get(path)
				if resp.StatusCode != http.StatusOK {
					t.Errorf("%s %s %s: %d", l.Username, lang, path, resp.StatusCode)
				}
				if m := leakedKey.FindString(body); m != "" {
					t.Errorf("%s %s %s: untranslated %q", l.Username, lang, path, m)
				}
				pages++
			}
		}
	}
	if pages < 40 {
		t.Fatalf("only %d pages rendered", pages)
	}
	b := newBrowser(t, srv)
	b.signIn("admin")
	resp, body := b.get("/users/2")
	if resp.StatusCode != 200 || !strings.Contains(body, `name="display_name"`) {
		t.Fatalf("user form: %d", resp.StatusCode)
	}
	resp, body = b.post("/users/2/password", nil)
	m := regexp.MustCompile(`data-testid="new-password">[^<]*<code>(\S+)</code>`).FindStringSubmatch(body)
	if resp.StatusCode != 200 || m == nil {
		t.Fatalf("reset password: %d", resp.StatusCode)
	}
	u2, _ := a.Auth.User(context.Background(), 2)
	if _, _, err := a.Auth.Login(context.Background(), u2.Username, m[1], "127.0.0.2", ""); err != nil {
		t.Fatalf("the reset password does not sign in: %v", err)
	}
	resp, _ = b.post("/users/2", url.Values{"display_name": {"李娜娜"}, "role": {"agent"}, "tier": {"3"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("update user: %d", resp.StatusCode)
	}
	if u2, _ = a.Auth.User(context.Background(), 2); u2.DisplayName != "李娜娜" || u2.Role != auth.RoleAgent || u2.Tier != 3 {
		t.Fatalf("updated user %+v", u2)
	}
	resp, body = b.get("/users?q=senior")
	if resp.StatusCode != 200 || !strings.Contains(body, "senior1") || strings.Contains(body, "agent1") {
		t.Fatalf("user search: %d", resp.StatusCode)
	}
	resp, body = b.do("GET", "/users?q=senior", nil, map[string]string{"HX-Request": "true", "HX-Target": "user-rows"})
	if resp.StatusCode != 200 || strings.Contains(body, "<html") || !strings.Contains(body, "senior2") {
		t.Fatalf("htmx user rows: %d %s", resp.StatusCode, body)
	}
}

func TestAPIWithToken(t *testing.T) {
	srv, a := testServer(t)
	ctx := context.Background()
	_, p, err := a.Auth.Login(ctx, "admin", demo.Password, "127.0.0.1", "")
	if err != nil {
		t.Fatal(err)
	}
	_, token, err := a.Auth.CreateToken(ctx, p, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	call := func(method, path, body string, auth string) (int, map[string]any) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		json.NewDecoder(resp.Body).Decode(&out)
		return resp.StatusCode, out
	}
	bearer := "Bearer " + token
	errCode := func(m map[string]any) string {
		e, _ := m["error"].(map[string]any)
		s, _ := e["code"].(string)
		return s
	}
	for _, c := range []struct {
		name, method, path, body, auth string
		status                         int
		code                           string
	}{
		{"me", "GET", "/api/v1/me", "", bearer, 200, ""},
		{"no token", "GET", "/api/v1/me", "", "", 401, "unauthorized"},
		{"bad token", "GET", "/api/v1/me", "", "Bearer htl_nope", 401, "unauthorized"},
		{"basic auth", "GET", "/api/v1/me", "", "Basic YWRtaW46eA==", 401, "unauthorized"},
		{"malformed JSON", "POST", "/api/v1/users", `{"username": "a",`, bearer, 400, "invalid"},
		{"wrong type", "POST", "/api/v1/users", `{"username": 5}`, bearer, 400, "invalid"},
		{"unknown field", "POST", "/api/v1/users", `{"username": "abc", "admin": true}`, bearer, 400, "invalid"},
		{"two values", "POST", "/api/v1/partners", `{"name":"a","kind":"dealer"} {}`, bearer, 400, "invalid"},
		{"oversized", "POST", "/api/v1/partners", `{"name":"` + strings.Repeat("x", 70<<10) + `","kind":"dealer"}`, bearer, 413, "too_large"},
		{"invalid user", "POST", "/api/v1/users", `{"username":"zz","display_name":"测试","role":"agent","tier":7,"password":"long-enough"}`, bearer, 400, "invalid"},
		{"create user", "POST", "/api/v1/users", `{"username":"hanmeimei","display_name":"韩梅梅","role":"agent","tier":2,"password":"long-enough"}`, bearer, 201, ""},
		{"duplicate", "POST", "/api/v1/users", `{"username":"hanmeimei","display_name":"韩梅梅","role":"agent","password":"long-enough"}`, bearer, 400, "invalid"},
		{"missing user", "GET", "/api/v1/users/99999", "", bearer, 404, "not_found"},
		{"non-numeric id", "GET", "/api/v1/users/abc", "", bearer, 404, "not_found"},
		{"customers by phone", "GET", "/api/v1/customers?q=%E7%8E%8B", "", bearer, 200, ""},
		{"bad limit", "GET", "/api/v1/users?limit=-3", "", bearer, 400, "invalid"},
	} {
		status, body := call(c.method, c.path, c.body, c.auth)
		if status != c.status || errCode(body) != c.code {
			t.Errorf("%s: %d %v, want %d %q", c.name, status, body, c.status, c.code)
		}
	}
	if u, err := a.Auth.UserByUsername(ctx, "zz"); err == nil {
		t.Errorf("invalid user stored: %+v", u)
	}
	// API tokens need no CSRF token; a session cookie on the API is not a credential.
	status, me := call("GET", "/api/v1/me", "", bearer)
	if status != 200 || me["username"] != "admin" || me["permissions"] == nil {
		t.Fatalf("me: %v", me)
	}
}
