// Package e2e runs the browser suite: the real Hotline server, started in-process with
// the demo data, driven by Playwright (playwright-core) in Debian's headless chromium.
// The suite itself is in *.test.mjs, written for Node's built-in test runner.
package e2e

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/cli"
	"github.com/hotlinecc/hotline/internal/testenv"
)

func TestBrowserSuite(t *testing.T) {
	chromium := os.Getenv("HOTLINE_TEST_CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		testenv.Missing(t, "chromium not found at "+chromium+" (Debian package chromium, or set HOTLINE_TEST_CHROMIUM)")
	}
	node := testenv.LookPath(t, "node", "nodejs")
	if _, err := os.Stat(filepath.Join("node_modules", "playwright-core")); err != nil {
		testenv.Missing(t, "e2e/node_modules/playwright-core is missing: run npm ci in e2e/")
	}
	screenshots, err := filepath.Abs("screenshots")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(screenshots, 0o755); err != nil {
		t.Fatal(err)
	}
	// Last run's pictures go, so a person looks only at this run's.
	old, _ := filepath.Glob(filepath.Join(screenshots, "*.png"))
	for _, f := range old {
		if err := os.Remove(f); err != nil {
			t.Fatal(err)
		}
	}
	// Node 20 does not expand globs itself, so the test files are listed here.
	suites, err := filepath.Glob("*.test.mjs")
	if err != nil || len(suites) == 0 {
		t.Fatalf("no *.test.mjs files in e2e/ (%v)", err)
	}

	base := startServer(t)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	args := append([]string{"--test", "--test-reporter=spec", "--test-concurrency=1"}, suites...)
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Env = append(os.Environ(),
		"HOTLINE_URL="+base,
		"HOTLINE_CHROMIUM="+chromium,
		"HOTLINE_SCREENSHOTS="+screenshots,
	)
	out := &lineLog{t: t, prefix: "node: "}
	cmd.Stdout, cmd.Stderr = out, out
	// If node is killed at the timeout, do not wait forever for a browser that still
	// holds its output pipe.
	cmd.WaitDelay = 10 * time.Second
	err = cmd.Run()
	out.Flush()
	if ctx.Err() != nil {
		t.Fatalf("browser suite did not finish in time: %v", err)
	}
	if err != nil {
		t.Fatalf("browser suite failed: %v (screenshots in %s)", err, screenshots)
	}
	t.Logf("screenshots in %s", screenshots)
}

// startServer runs `hotline serve --demo` in-process with a temporary data folder, on
// random ports for HTTP and SIP (so it never collides with another server on 5060), and
// returns its base URL without the trailing slash. The server stops when the test ends.
func startServer(t *testing.T) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	done := make(chan error, 1)
	out := &lineLog{t: t, prefix: "server: "}
	env := cli.Env{
		Args:   []string{"hotline", "serve", "--demo", "--data", t.TempDir(), "--http", "127.0.0.1:0", "--sip", "127.0.0.1:0"},
		Getenv: func(string) string { return "" }, // the developer's HOTLINE_* settings stay out
		Stdin:  strings.NewReader(""),
		Stdout: out,
		Stderr: out,
		Ready:  func(url string) { ready <- url },
	}
	go func() { done <- cli.Run(ctx, env) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("server: %v", err)
		}
		out.Flush()
	})
	select {
	case url := <-ready:
		return strings.TrimSuffix(url, "/")
	case err := <-done:
		done <- err // for the cleanup
		t.Fatalf("server stopped before listening: %v", err)
	case <-time.After(time.Minute):
		t.Fatal("server did not listen within a minute")
	}
	return ""
}

// lineLog writes what it is given to t.Log, one call per line, so that output streams
// with -v as it comes.
type lineLog struct {
	t      *testing.T
	prefix string
	mu     sync.Mutex
	buf    []byte
}

func (l *lineLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf = append(l.buf, p...)
	for {
		i := bytes.IndexByte(l.buf, '\n')
		if i < 0 {
			break
		}
		l.t.Log(l.prefix + string(l.buf[:i]))
		l.buf = l.buf[i+1:]
	}
	return len(p), nil
}

// Flush logs a last line that had no newline.
func (l *lineLog) Flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.buf) > 0 {
		l.t.Log(l.prefix + string(l.buf))
		l.buf = nil
	}
}
