package cli

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"text/tabwriter"
	"time"

	"github.com/hotlinecc/hotline/internal/app"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/demo"
)

func serve(ctx context.Context, env Env, args []string) error {
	a, err := newCommand("serve", env).start(ctx, env, args)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := firstStart(ctx, env, a); err != nil {
		return err
	}

	cfg := a.Config
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.HTTPAddr, err)
	}
	defer ln.Close()
	a.SetBaseURL("http://" + ln.Addr().String())
	if env.App != nil {
		env.App(a)
	}
	if err := a.StartSIP(ctx); err != nil {
		return err
	}
	if host, _, _ := net.SplitHostPort(cfg.HTTPAddr); !isLoopback(host) {
		a.Log.Warn("the console listens beyond this machine; serve it over TLS (a reverse proxy) and set --secure-cookies=always", "addr", cfg.HTTPAddr)
	}
	srv := &http.Server{
		Handler:           a.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		IdleTimeout:       120 * time.Second,
	}
	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(env.Stdout, "Hotline %s console: %s (database: %s)\n", Version, url, a.DB.Dialect)
	a.Log.Info("serving", "url", url, "engine", a.DB.Dialect, "data", cfg.DataDir)
	if env.Ready != nil {
		env.Ready(url)
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	// Background work (jobs, webhooks) stops before the deferred Close of the database.
	stop, err := a.Start(ctx)
	if err != nil {
		srv.Close()
		<-errc
		return err
	}
	defer stop()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// firstStart prepares an empty database: the demo center with --demo, otherwise one
// admin with a random password, printed once. There are no default passwords.
func firstStart(ctx context.Context, env Env, a *app.App) error {
	n, err := a.Auth.CountUsers(ctx)
	if err != nil {
		return err
	}
	if a.Config.Demo {
		if n == 0 {
			fmt.Fprintln(env.Stdout, "Loading the demo center (first start with --demo)...")
			if err := a.LoadDemo(ctx); err != nil {
				return err
			}
		}
		printDemoLogins(env, a)
		return nil
	}
	if n > 0 {
		return nil
	}
	password := auth.RandomPassword()
	name := "Administrator"
	role := auth.RoleAdmin
	if _, err := a.Auth.CreateUser(ctx, auth.ActorSystem, auth.UserInput{Username: "admin", DisplayName: &name, Role: &role, Password: password}); err != nil {
		return err
	}
	fmt.Fprintf(env.Stdout, "First start: created the user admin with the password %s\nSign in and change it under My profile. It is not shown again.\n", password)
	return nil
}

func printDemoLogins(env Env, a *app.App) {
	if _, err := a.Auth.UserByUsername(context.Background(), "admin"); err != nil {
		return // not a demo database
	}
	fmt.Fprintf(env.Stdout, "Demo sign-ins (password %q for all):\n", demo.Password)
	tw := tabwriter.NewWriter(env.Stdout, 2, 4, 2, ' ', 0)
	for _, l := range demo.Logins() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", l.Username, l.Role, l.Name) // names last: CJK is double width
	}
	tw.Flush()
	if a.Config.SIPAddr != "" {
		fmt.Fprintf(env.Stdout, "Demo softphones (SIP server %s, realm %s):\n", a.Config.SIPAddr, a.SIPStore.Realm())
		for _, p := range demo.SIPPhones {
			fmt.Fprintf(env.Stdout, "  %s  extension %s  password %s\n", p.Agent, p.Extension, p.Password)
		}
	}
}

func loadDemo(ctx context.Context, env Env, args []string) error {
	a, err := newCommand("demo", env).start(ctx, env, args)
	if err != nil {
		return err
	}
	defer a.Close()
	if n, err := a.Auth.CountUsers(ctx); err != nil || n > 0 {
		if err == nil {
			err = errors.New("the database has users already; the demo loads only into an empty database")
		}
		return err
	}
	if err := a.LoadDemo(ctx); err != nil {
		return err
	}
	printDemoLogins(env, a)
	return nil
}
