// Package app assembles a Hotline process: it opens and migrates the database, builds
// the capability services and serves the console, the API and the operations endpoints
// behind one middleware chain.
package app

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/api"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/calendar"
	"github.com/hotlinecc/hotline/internal/config"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/i18n"
	"github.com/hotlinecc/hotline/internal/ivr"
	"github.com/hotlinecc/hotline/internal/ivr/tts"
	"github.com/hotlinecc/hotline/internal/jobs"
	"github.com/hotlinecc/hotline/internal/kb"
	"github.com/hotlinecc/hotline/internal/qa"
	"github.com/hotlinecc/hotline/internal/report"
	"github.com/hotlinecc/hotline/internal/sla"
	"github.com/hotlinecc/hotline/internal/survey"
	"github.com/hotlinecc/hotline/internal/ticket"
	"github.com/hotlinecc/hotline/internal/todo"
	"github.com/hotlinecc/hotline/internal/voice/sip"
	"github.com/hotlinecc/hotline/internal/web"
	"github.com/hotlinecc/hotline/internal/webhook"
)

// App is one Hotline process's services.
type App struct {
	Config    config.Config
	Log       *slog.Logger
	Version   string
	DB        *db.DB
	Auth      *auth.Service
	Events    *events.Log
	Customers *crm.Store
	Queues    *acdstore.Store
	IVR       *ivr.Store
	IVRRunner *ivr.Runner // runs IVR flows on calls (for the switchboard)
	KB        *kb.Service
	Calendars *calendar.Store
	SLARules  *sla.RuleStore
	Todos     *todo.Store
	Tickets   *ticket.Service
	Calls     *contact.Store
	Blocklist *crm.BlockStore
	Metrics   *prometheus.Registry
	Console   *web.Console
	API       *api.API
	Jobs      *jobs.Queue
	Runner    *jobs.Runner // register handlers and schedules before Start
	Webhooks  *webhook.Store
	SIPStore  *sip.Store  // SIP accounts and trunks
	SIP       *sip.Engine // the telephony engine; StartSIP starts it
	// Switchboard takes the engine's calls through IVR, queues and agents (voice.go).
	Switchboard *contact.Switchboard
	stopVoice   func()      // stops the switchboard and its queue reloads (set by StartSIP)
	voiceOn     atomic.Bool // the switchboard runs (the console's call pages ask)
	Reports     *report.Service
	QA          *qa.Store // quality: scorecards, samples, evaluations, talk analysis (qa.go)
	Surveys     *survey.Store

	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	jobRuns  *prometheus.CounterVec
}

// Open connects to the database named by cfg, migrates it and builds the services.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, version string) (*App, error) {
	dsn := cfg.SQLitePath()
	if cfg.IsPostgres() {
		dsn = cfg.DB
	}
	d, err := db.Open(ctx, dsn)
	if err != nil {
		return nil, err
	}
	applied, err := d.Migrate(ctx)
	if err != nil {
		d.Close()
		return nil, err
	}
	if len(applied) > 0 {
		log.Info("database migrated", "engine", d.Dialect, "versions", applied)
	}
	ev := events.New(d)
	a := &App{
		Config: cfg, Log: log, Version: version, DB: d,
		Auth:      auth.NewService(d, auth.Options{SessionTTL: cfg.SessionTTL}),
		Events:    ev,
		Customers: crm.New(d, crm.Options{Events: ev, RepeatWindow: cfg.RepeatWindow}),
		Queues:    acdstore.New(d),
		Blocklist: crm.NewBlockStore(d),
		Metrics:   prometheus.NewRegistry(),
		Calendars: calendar.NewStore(d),
		SLARules:  sla.NewRuleStore(d),
	}
	a.IVR = ivr.NewStore(d, filepath.Join(cfg.DataDir, "prompts"), a.queueCodes)
	a.IVRRunner = &ivr.Runner{Prompts: a.IVR, TTS: tts.New(filepath.Join(cfg.DataDir, "tts"), log),
		HTTP: &http.Client{Timeout: 30 * time.Second}, SelfURL: "http://" + cfg.HTTPAddr, Location: cfg.Location(), Log: log}
	a.IVR.UseCalendars(a.calendarIDs)
	a.IVRRunner.Calendars = ivrCalendars{a.Calendars}
	a.KB = kb.New(d, a.Events)
	a.Todos = todo.NewStore(d, a.Events)
	a.Tickets = ticket.New(d, a.Events, ticket.Options{Location: cfg.Location(), DataDir: cfg.DataDir, MaxAttachmentBytes: cfg.AttachMax})
	a.Calls = contact.NewStore(d, a.Events, cfg.DataDir)
	// Calls that a stopped process left open are closed before anything takes calls.
	if n, err := a.Calls.Recover(ctx); err != nil {
		d.Close()
		return nil, err
	} else if n > 0 {
		log.Warn("closed interrupted calls", "count", n)
	}
	a.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hotline_http_requests_total", Help: "HTTP requests by route and status.",
	}, []string{"route", "code"})
	a.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "hotline_http_request_duration_seconds", Help: "HTTP request latency by route.",
		Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
	}, []string{"route"})
	a.buildJobs()
	a.wireDesk()
	a.Reports = report.New(d, cfg.Location())
	// The call statistics are rolled up every minute from the call records that ended.
	a.Runner.Every("report.rollup", time.Minute, func(ctx context.Context) error {
		_, err := a.Reports.Rollup(ctx)
		return err
	})
	a.wireQA()
	a.Metrics.MustRegister(a.requests, a.duration, a.jobRuns,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))

	a.SIPStore = sip.NewStore(d, "hotline")
	a.SIP, err = sip.New(sip.Options{
		Addr: cfg.SIPAddr, PublicIP: cfg.SIPPublicIP, RTPMin: int(cfg.RTPMin), RTPMax: int(cfg.RTPMax),
		TLSAddr: cfg.SIPTLSAddr, TLSCert: cfg.SIPTLSCert, TLSKey: cfg.SIPTLSKey,
		Realm: a.SIPStore.Realm(), Prompts: filepath.Join(cfg.DataDir, "prompts"), Directory: a.SIPStore, Log: log,
	})
	if err != nil {
		d.Close()
		return nil, err
	}
	a.buildSwitchboard()
	a.wireSurveys()

	catalog, err := i18n.Load()
	if err != nil {
		d.Close()
		return nil, err
	}
	a.Console, err = web.New(web.Deps{
		Auth:      a.Auth,
		Customers: a.Customers,
		Queues:    a.Queues,
		Webhooks:  a.Webhooks,
		Jobs:      a.Jobs,
		IVR:       a.IVR,
		Catalog:   catalog,
		Log:       log,
		KB:        a.KB,
		Calendars: a.Calendars,
		SLARules:  a.SLARules,
		Todos:     a.Todos,
		Tickets:   a.Tickets,
		Calls:     a.Calls,
		Blocklist: a.Blocklist,
		SIP:       a.SIPStore,
		SIPEngine: a.SIP,
		Reports:   a.Reports,
		QA:        a.QA,
		Surveys:   a.Surveys,
		Events:    a.Events, Switchboard: a.Switchboard, SwitchboardOn: a.voiceOn.Load,
		Location: cfg.Location(), SecureCookies: cfg.SecureCookies, Version: version,
	})
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("app: templates: %w", err)
	}
	a.API = api.New(api.Deps{
		Auth:        a.Auth,
		Customers:   a.Customers,
		Queues:      a.Queues,
		Webhooks:    a.Webhooks,
		IVR:         a.IVR,
		Log:         log,
		KB:          a.KB,
		Calendars:   a.Calendars,
		SLARules:    a.SLARules,
		Todos:       a.Todos,
		Tickets:     a.Tickets,
		Calls:       a.Calls,
		Blocklist:   a.Blocklist,
		SIP:         a.SIPStore,
		SIPEngine:   a.SIP,
		Reports:     a.Reports,
		QA:          a.QA,
		Surveys:     a.Surveys,
		Switchboard: a.Switchboard, SwitchboardOn: a.voiceOn.Load,
		MaxBodyBytes: cfg.MaxBodyBytes,
	})
	return a, nil
}

// queueCodes lists the ACD queue codes, for validating IVR queue nodes.
func (a *App) queueCodes(ctx context.Context) ([]string, error) {
	qs, err := a.Queues.Queues(ctx)
	codes := make([]string, 0, len(qs))
	for _, q := range qs {
		codes = append(codes, q.Code)
	}
	return codes, err
}

// Close stops the SIP engine (hanging up its calls), then the switchboard (which
// finishes the calls' records), and releases the database.
func (a *App) Close() error {
	a.SIP.Close()
	a.voiceOn.Store(false)
	if a.stopVoice != nil {
		a.stopVoice()
	}
	return a.DB.Close()
}

// StartSIP starts the switchboard and then the SIP engine on the configured address
// (no-op when it is empty).
func (a *App) StartSIP(ctx context.Context) error {
	if a.Config.SIPAddr == "" {
		return nil
	}
	if err := a.startSwitchboard(ctx); err != nil {
		return err
	}
	a.voiceOn.Store(true)
	return a.SIP.Start(ctx)
}

// SetBaseURL tells the app the console's address once it listens (the IVR's lookups of
// paths such as the demo repair status go there).
func (a *App) SetBaseURL(url string) {
	a.IVRRunner.SelfURL = strings.TrimSuffix(url, "/")
}

// Handler returns the whole HTTP surface: console, API, health and metrics.
func (a *App) Handler() http.Handler {
	mux := http.NewServeMux()
	a.Console.Register(mux)
	a.API.Register(mux)
	a.mountSurveyPublic(mux)
	for _, rt := range a.opsRoutes() {
		mux.Handle(rt.pattern, a.Auth.Protect(auth.Anyone, rt.handler, a.Console.Fail))
	}
	var h http.Handler = a.routeOrFail(mux)
	h = a.Console.WithLanguage(h)
	h = a.Auth.Authenticate(a.Log, h)
	h = a.limitBody(h)
	h = securityHeaders(h)
	h = a.observe(mux, h)
	return a.recoverPanics(h)
}

type opsRoute struct {
	pattern string
	handler http.Handler
}

// opsRoutes are the public operations endpoints. They bind to localhost by default;
// put them behind the same access rules as the console when exposing the server.
func (a *App) opsRoutes() []opsRoute {
	return []opsRoute{
		{"GET /healthz", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.Write([]byte("ok\n"))
		})},
		{"GET /readyz", http.HandlerFunc(a.ready)},
		{"GET /metrics", promhttp.HandlerFor(a.Metrics, promhttp.HandlerOpts{})},
		{"GET " + ivr.DemoRepairPath, a.demoOnly(ivr.DemoRepairStatus(time.Now, a.Config.Location()))},
	}
}

// demoOnly serves h only on a server started with --demo; elsewhere the path is unknown.
func (a *App) demoOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !a.Config.Demo {
			a.Console.Fail(w, r, errs.E(errs.NotFound, "Not found.").WithKey("not_found"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

// ready answers 200 when the database answers and its schema is current.
func (a *App) ready(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := a.DB.Ping(ctx); err != nil {
		a.Log.Warn("not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("database unavailable\n"))
		return
	}
	cur, latest, err := a.DB.Version(ctx)
	if err != nil || cur != latest {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintf(w, "schema version %d, want %d\n", cur, latest)
		return
	}
	w.Write([]byte("ready\n"))
}

// routeOrFail answers requests that match no route with the console's error page or a
// JSON error, instead of the mux's plain text.
func (a *App) routeOrFail(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, pattern := mux.Handler(r)
		if pattern != "" {
			mux.ServeHTTP(w, r)
			return
		}
		probe := &statusRecorder{header: http.Header{}}
		h.ServeHTTP(probe, r)
		if probe.status == http.StatusMethodNotAllowed {
			w.Header().Set("Allow", probe.header.Get("Allow"))
			a.Console.Fail(w, r, errs.E(errs.NotAllowed, "This address does not accept %s.", r.Method).WithKey("method"))
			return
		}
		a.Console.Fail(w, r, errs.E(errs.NotFound, "Not found.").WithKey("not_found"))
	})
}

// statusRecorder captures the status the mux would send for an unmatched request.
type statusRecorder struct {
	header http.Header
	status int
}

func (s *statusRecorder) Header() http.Header         { return s.header }
func (s *statusRecorder) Write(b []byte) (int, error) { return len(b), nil }
func (s *statusRecorder) WriteHeader(code int)        { s.status = code }

// limitBody refuses bodies over the configured size before any handler reads them.
func (a *App) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := a.Config.MaxBodyBytes
		if r.Method == http.MethodPost && (strings.HasSuffix(r.URL.Path, "/attachments") || r.URL.Path == "/tickets") {
			limit = max(limit, a.Config.AttachMax+64<<10) // a file plus the form around it
		}
		if r.ContentLength > limit {
			a.Console.Fail(w, r, errs.E(errs.TooLarge, "The request body is larger than %d bytes.", limit).WithKey("too_large"))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		next.ServeHTTP(w, r)
	})
}

// observe counts and times requests by route pattern (not raw path, so IDs do not
// explode the metric's labels) and writes an access log line.
func (a *App) observe(mux *http.ServeMux, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		_, route := mux.Handler(r)
		if route == "" {
			route = "unmatched"
		}
		elapsed := time.Since(start)
		a.requests.WithLabelValues(route, fmt.Sprint(sw.status)).Inc()
		a.duration.WithLabelValues(route).Observe(elapsed.Seconds())
		a.Log.Debug("http", "method", r.Method, "path", r.URL.Path, "status", sw.status, "ms", elapsed.Milliseconds())
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (s *statusWriter) WriteHeader(code int)        { s.status = code; s.ResponseWriter.WriteHeader(code) }
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

func (a *App) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				a.Log.Error("panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				a.Console.Fail(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}
