package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/cli"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/demo"
)

// syncBuffer is written by the server goroutine and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func noEnv(string) string { return "" }

// run runs one command to completion.
func run(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := cli.Run(context.Background(), cli.Env{Args: append([]string{"hotline"}, args...), Getenv: noEnv,
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut})
	return out.String(), err
}

// serve starts `hotline serve` on a random port and returns its URL and output; the
// server stops when the test ends.
func serve(t *testing.T, args ...string) (string, *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- cli.Run(ctx, cli.Env{Args: append([]string{"hotline", "serve", "--http", "127.0.0.1:0", "--sip", "127.0.0.1:0"}, args...), Getenv: noEnv,
			Stdin: strings.NewReader(""), Stdout: out, Stderr: io.Discard, Ready: func(u string) { ready <- u }})
	}()
	var base string
	select {
	case base = <-ready:
	case err := <-done:
		cancel()
		t.Fatalf("serve ended: %v\n%s", err, out)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("serve did not start within 60s")
	}
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve returned %v", err)
		}
	})
	return strings.TrimSuffix(base, "/"), out
}

var csrfField = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// signIn signs in through the console's form and reports whether it worked.
func signIn(t *testing.T, base, username, password string) bool {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfField.FindSubmatch(page)
	if m == nil {
		t.Fatal("no CSRF token on the login page")
	}
	resp, err = c.PostForm(base+"/login", url.Values{"csrf_token": {string(m[1])}, "username": {username}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusSeeOther && resp.Header.Get("Location") == "/"
}

func TestFirstStartCreatesAdminWithRandomPassword(t *testing.T) {
	data := t.TempDir()
	base, out := serve(t, "--data", data)
	m := regexp.MustCompile(`created the user admin with the password (\S+)`).FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("no admin password printed:\n%s", out)
	}
	if signIn(t, base, "admin", "hotline-demo") || signIn(t, base, "admin", "admin") {
		t.Fatal("a default password works")
	}
	if !signIn(t, base, "admin", m[1]) {
		t.Fatal("the printed password does not sign in")
	}
	resp, err := http.Get(base + "/readyz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("readyz: %v %v", resp, err)
	}
}

func TestUserCommandsAndBackup(t *testing.T) {
	data := t.TempDir()
	if _, err := run(t, "", "demo", "--data", data); err != nil {
		t.Fatal(err)
	}
	if _, err := run(t, "", "demo", "--data", data); err == nil || !strings.Contains(err.Error(), "empty database") {
		t.Fatalf("demo into a used database: %v", err)
	}
	out, err := run(t, "s3cret-pass\n", "user", "add", "--data", data, "--username", "WangWei", "--name", "王伟", "--role", "agent", "--tier", "2", "--password-stdin")
	if err != nil || !strings.Contains(out, "created user wangwei") || strings.Contains(out, "password:") {
		t.Fatalf("user add: %q %v", out, err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"user", "add", "--data", data, "--name", "x", "--role", "agent"}, "--username is required"},
		{[]string{"user", "add", "--data", data, "--username", "x1", "--name", "某", "--role", "boss"}, "Unknown role"},
		{[]string{"user", "add", "--data", data, "--username", "wangwei", "--name", "王伟", "--role", "agent"}, "is taken"},
		{[]string{"user", "passwd", "--data", data, "--username", "nobody"}, "not found"},
		{[]string{"user", "frobnicate", "--data", data}, "unknown sub-command"},
		{[]string{"nonsense"}, "unknown command"},
	} {
		if _, err := run(t, "", c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
	out, err = run(t, "", "user", "passwd", "--data", data, "--username", "wangwei")
	m := regexp.MustCompile(`password: (\S+)`).FindStringSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("user passwd: %q %v", out, err)
	}
	if _, err := run(t, "", "user", "disable", "--data", data, "--username", "agent1"); err != nil {
		t.Fatal(err)
	}
	out, err = run(t, "", "user", "list", "--data", data)
	if err != nil || !regexp.MustCompile(`agent1\s+王伟\s+agent\s+1\s+true`).MatchString(out) {
		t.Fatalf("user list: %q %v", out, err)
	}

	base, _ := serve(t, "--data", data)
	if !signIn(t, base, "wangwei", m[1]) {
		t.Error("the new password of wangwei does not sign in")
	}
	if signIn(t, base, "agent1", demo.Password) {
		t.Error("a disabled user signed in")
	}

	// A backup taken while the server runs is a complete, consistent database.
	backupPath := filepath.Join(t.TempDir(), "copy.db")
	out, err = run(t, "", "backup", "--data", data, "--out", backupPath)
	if err != nil || !strings.Contains(out, "integrity ok") {
		t.Fatalf("backup: %q %v", out, err)
	}
	if _, err := run(t, "", "backup", "--data", data, "--out", backupPath); err == nil {
		t.Error("backup overwrote an existing file")
	}
	copy, err := sql.Open("sqlite", "file:"+backupPath+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer copy.Close()
	var users, customers int
	copy.QueryRow(`SELECT count(*) FROM users`).Scan(&users)
	copy.QueryRow(`SELECT count(*) FROM customers`).Scan(&customers)
	if users != len(demo.Logins())+1 || customers != demo.CustomerCount {
		t.Fatalf("backup holds %d users and %d customers", users, customers)
	}
}

func TestServeOnPostgres(t *testing.T) {
	dsn := dbtest.PostgresURL(t)
	base, out := serve(t, "--demo", "--db", dsn, "--data", t.TempDir())
	if !strings.Contains(out.String(), "database: postgres") || !strings.Contains(out.String(), "Demo sign-ins") {
		t.Fatalf("output:\n%s", out)
	}
	if !signIn(t, base, "supervisor", demo.Password) {
		t.Fatal("demo supervisor cannot sign in on PostgreSQL")
	}
	if _, err := run(t, "", "backup", "--db", dsn); err == nil || !strings.Contains(err.Error(), "pg_dump") {
		t.Fatalf("backup on PostgreSQL: %v", err)
	}
	if out, err := run(t, "", "migrate", "--db", dsn); err != nil || !strings.Contains(out, "schema version") {
		t.Fatalf("migrate: %q %v", out, err)
	}
}

func TestVersionAndHelp(t *testing.T) {
	if out, err := run(t, "", "version"); err != nil || !strings.HasPrefix(out, "hotline ") {
		t.Fatalf("version: %q %v", out, err)
	}
	if out, err := run(t, "", "help"); err != nil || !strings.Contains(out, "hotline serve") {
		t.Fatalf("help: %q %v", out, err)
	}
	if _, err := run(t, ""); err == nil {
		t.Fatal("no command: want an error")
	}
}
