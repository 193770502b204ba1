// Package cli is the hotline command: it parses arguments and runs a sub-command. main
// only calls Run, so tests run the whole program in-process.
package cli

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/hotlinecc/hotline/internal/app"
	"github.com/hotlinecc/hotline/internal/config"
)

// Version is set at build time with -ldflags "-X github.com/hotlinecc/hotline/internal/cli.Version=...".
var Version = "dev"

// Env is the process's surroundings, passed explicitly so tests can supply their own.
type Env struct {
	Args   []string
	Getenv func(string) string
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Ready, if set, receives the console's base URL once the server listens.
	Ready func(url string)
	// App, if set, receives the server's app before it takes calls and requests (tests
	// reach its services through it).
	App func(a *app.App)
}

const usage = `Hotline: an open-source call center in one binary.

Usage:
  hotline serve [--demo] [flags]   run the console, API and (later) the SIP server
  hotline migrate [flags]          create or upgrade the database schema
  hotline demo [flags]             load the demo center into an empty database
  hotline user add --username U --name N --role R [--tier T] [--partner-id P] [--password-stdin]
  hotline user passwd --username U [--password-stdin]
  hotline user disable --username U
  hotline user list
  hotline backup [--out FILE]      consistent online copy of the SQLite database
  hotline version

Run 'hotline serve -h' for the flags every command takes (--http, --data, --db, ...).
`

// Run runs the command line in env and returns its error (nil on success).
func Run(ctx context.Context, env Env) error {
	if len(env.Args) < 2 {
		fmt.Fprint(env.Stderr, usage)
		return errors.New("no command given")
	}
	cmd, args := env.Args[1], env.Args[2:]
	switch cmd {
	case "serve":
		return serve(ctx, env, args)
	case "migrate":
		return migrate(ctx, env, args)
	case "demo":
		return loadDemo(ctx, env, args)
	case "user":
		return user(ctx, env, args)
	case "backup":
		return backup(ctx, env, args)
	case "version":
		fmt.Fprintln(env.Stdout, "hotline", Version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return nil
	}
	fmt.Fprint(env.Stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// command is a sub-command's parsed flags and configuration.
type command struct {
	fs  *flag.FlagSet
	cfg config.Config
}

// newCommand returns a flag set with every configuration flag; the caller adds its own
// flags, then calls parse.
func newCommand(name string, env Env) *command {
	var scratch config.Config
	return &command{fs: config.FlagSet("hotline "+name, &scratch, env.Stderr)}
}

func (c *command) parse(args []string, env Env) error {
	cfg, err := config.Load(c.fs, args, env.Getenv)
	if err != nil {
		return err
	}
	c.cfg = cfg
	if c.fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments: %s", strings.Join(c.fs.Args(), " "))
	}
	return nil
}

// logger writes to stderr as text or JSON, at the configured level.
func logger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// open opens and migrates the database and builds the services.
func (c *command) open(ctx context.Context, env Env) (*app.App, error) {
	return app.Open(ctx, c.cfg, logger(c.cfg, env.Stderr), Version)
}

// start parses the arguments and opens the app: what most commands do first.
func (c *command) start(ctx context.Context, env Env, args []string) (*app.App, error) {
	if err := c.parse(args, env); err != nil {
		return nil, err
	}
	return c.open(ctx, env)
}

func migrate(ctx context.Context, env Env, args []string) error {
	a, err := newCommand("migrate", env).start(ctx, env, args)
	if err != nil {
		return err
	}
	defer a.Close()
	cur, _, err := a.DB.Version(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "database (%s) at schema version %d\n", a.DB.Dialect, cur)
	return nil
}

// readPassword reads one line from stdin for --password-stdin, so that passwords stay
// out of the process list and shell history.
func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("--password-stdin: no password on standard input")
	}
	return line, nil
}

// Main is what cmd/hotline calls: it runs with the real process environment.
func Main(ctx context.Context) int {
	err := Run(ctx, Env{Args: os.Args, Getenv: os.Getenv, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
	if err != nil && !errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(os.Stderr, "hotline:", err)
		return 1
	}
	return 0
}
