// Package web is the server-rendered console: html/template pages, htmx for partial
// updates, static files embedded in the binary. Handlers are thin: they read the form,
// call the capability packages and render.
package web

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/calendar"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/i18n"
	"github.com/hotlinecc/hotline/internal/ivr"
	"github.com/hotlinecc/hotline/internal/jobs"
	"github.com/hotlinecc/hotline/internal/kb"
	"github.com/hotlinecc/hotline/internal/qa"
	"github.com/hotlinecc/hotline/internal/report"
	"github.com/hotlinecc/hotline/internal/sla"
	"github.com/hotlinecc/hotline/internal/survey"
	"github.com/hotlinecc/hotline/internal/ticket"
	"github.com/hotlinecc/hotline/internal/todo"
	"github.com/hotlinecc/hotline/internal/voice/sip"
	"github.com/hotlinecc/hotline/internal/webhook"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Deps are what the console needs from the rest of Hotline.
type Deps struct {
	Auth      *auth.Service
	Customers *crm.Store
	Queues    *acdstore.Store
	IVR       *ivr.Store
	KB        *kb.Service
	Calendars *calendar.Store
	SLARules  *sla.RuleStore
	Todos     *todo.Store
	Tickets   *ticket.Service
	Calls     *contact.Store
	Blocklist *crm.BlockStore
	Catalog   *i18n.Catalog
	Webhooks  *webhook.Store
	Jobs      *jobs.Queue
	Log       *slog.Logger
	Location  *time.Location // the center's time zone
	// SecureCookies is "auto" (Secure when the request came over TLS), "always" or "never".
	SecureCookies string
	Version       string
	SIP           *sip.Store  // SIP accounts and trunks
	SIPEngine     *sip.Engine // live registrations (may be nil)
	Reports       *report.Service
	QA            *qa.Store
	Surveys       *survey.Store
	Events        *events.Log // the live pages tail it
	// Switchboard is the ACD and call control; SwitchboardOn reports whether it runs
	// (its methods wait for it otherwise).
	Switchboard   *contact.Switchboard
	SwitchboardOn func() bool
}

// Console serves the web console.
type Console struct {
	Deps
	pages map[string]*template.Template
}

// New parses the templates and returns the console.
func New(d Deps) (*Console, error) {
	c := &Console{Deps: d, pages: map[string]*template.Template{}}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	// *.partial.html files hold blocks that several pages share; every page gets them.
	partials, err := fs.Glob(templateFS, "templates/*.partial.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		base := strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")
		if base == "layout" || strings.HasSuffix(base, ".partial") {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(templateFS, append([]string{"templates/layout.html", name}, partials...)...)
		if err != nil {
			return nil, err
		}
		c.pages[base] = t
	}
	return c, nil
}

var funcs = template.FuncMap{
	"phone": crm.DisplayPhone,
	"list":  func(xs ...string) []string { return xs },
}

// Page is what every template receives.
type Page struct {
	L        *i18n.Locale
	User     *auth.User
	CSRF     string
	Title    string
	Nav      []NavItem
	Path     string
	Query    string
	Flash    string
	Version  string
	Location *time.Location
	Data     any
	Unread   int // published announcements the user has not acknowledged (the header badge)
	// Overdue counts the signed-in user's overdue to-dos, for the header's badge.
	Overdue int
}

// T translates a catalog key for the page's language.
func (p *Page) T(key string, args ...any) string { return p.L.T(key, args...) }

// Time formats a time in the center's time zone.
func (p *Page) Time(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(p.Location).Format("2006-01-02 15:04")
}

// Can reports whether the signed-in user has a permission, for showing actions.
func (p *Page) Can(perm string) bool { return p.User.Can(auth.Permission(perm)) }

// LangURL is the current page in another language.
func (p *Page) LangURL(lang string) string {
	q, _ := url.ParseQuery(p.Query)
	q.Set("lang", lang)
	return p.Path + "?" + q.Encode()
}

// NavItem is one link of the navigation, shown only to roles that may follow it.
type NavItem struct {
	Key      string // catalog key of the label
	Href     string
	Shortcut string   // keys after "g", e.g. "c" for g c
	Also     []string // other path prefixes that belong to this section
	Active   bool
}

// nav lists every console section with the permission it needs; the layout shows the
// ones the user may open, so the navigation and the route table agree. Settings pages
// are not here: they are listed on the settings page (settings.go). A shortcut letter
// is used once (a test checks).
var nav = []struct {
	NavItem
	perm auth.Permission
}{
	{NavItem{Key: "nav.home", Href: "/", Shortcut: "h"}, auth.PermConsole},
	{NavItem{Key: "nav.customers", Href: "/customers", Shortcut: "c"}, auth.PermCustomersRead},
	{NavItem{Key: "nav.tickets", Href: "/tickets", Shortcut: "t"}, auth.PermTicketsRead},
	{NavItem{Key: "nav.complaints", Href: "/complaints", Shortcut: "x"}, auth.PermTicketsRead},
	{NavItem{Key: "nav.orders", Href: "/orders", Shortcut: "o"}, auth.PermPartnerOrders},
	{NavItem{Key: "nav.todos", Href: "/todos", Shortcut: "d"}, auth.PermTodos},
	{NavItem{Key: "nav.leads", Href: "/leads", Shortcut: "l"}, auth.PermCustomersRead},
	{NavItem{Key: "nav.leads", Href: "/partner/leads", Shortcut: "e"}, auth.PermPartnerOrders},
	{NavItem{Key: "nav.kb", Href: "/kb", Shortcut: "k"}, auth.PermKBRead},
	{NavItem{Key: "nav.announcements", Href: "/announcements", Shortcut: "b"}, auth.PermKBRead},
	{NavItem{Key: "nav.agent", Href: "/agent", Shortcut: "a"}, auth.PermCallsAnswer},
	{NavItem{Key: "nav.wallboard", Href: "/wallboard", Shortcut: "w"}, auth.PermWallboard},
	{NavItem{Key: "nav.queues", Href: "/queues", Shortcut: "q"}, auth.PermWallboard},
	{NavItem{Key: "nav.calls", Href: "/calls", Shortcut: "r"}, auth.PermCallsRead},
	{NavItem{Key: "nav.reports", Href: "/reports", Shortcut: "m"}, auth.PermReportsRead},
	{NavItem{Key: "nav.quality", Href: "/qa", Shortcut: "y"}, auth.PermCallsRead},
	{NavItem{Key: "nav.surveys", Href: "/surveys", Shortcut: "v"}, auth.PermReportsRead},
	{NavItem{Key: "nav.settings", Href: "/settings", Shortcut: "s", Also: []string{"/users", "/partners", "/roles", "/audit"}}, auth.PermSettingsManage},
	{NavItem{Key: "nav.profile", Href: "/profile", Shortcut: "p"}, auth.PermConsole},
}

// active reports whether path belongs to the section.
func (n NavItem) active(path string) bool {
	if n.Href == path {
		return true
	}
	for _, prefix := range append([]string{n.Href}, n.Also...) {
		if prefix != "/" && (path == prefix || strings.HasPrefix(path, prefix+"/")) {
			return true
		}
	}
	return false
}

// page builds the common page data for a request.
func (c *Console) page(r *http.Request, titleKey string, data any) *Page {
	p := &Page{
		L: c.Catalog.Locale(Language(r)), Path: r.URL.Path, Query: r.URL.RawQuery,
		Version: c.Version, Location: c.Location, Data: data,
	}
	p.Title = p.T(titleKey)
	if pr := auth.FromContext(r.Context()); pr != nil {
		p.User, p.CSRF = pr.User, pr.CSRF
		for _, n := range nav {
			if pr.Can(n.perm) {
				item := n.NavItem
				item.Active = item.active(r.URL.Path)
				p.Nav = append(p.Nav, item)
			}
		}
		if c.KB != nil && pr.Can(auth.PermKBRead) {
			n, err := c.KB.UnreadCount(r.Context(), pr.User.ID)
			if err != nil {
				c.Log.Error("unread announcements", "err", err)
			}
			p.Unread = n
		}
		p.Overdue = c.overdueBadge(r, pr)
	}
	if f := r.URL.Query().Get("ok"); f != "" && p.L.Has("flash."+f) {
		p.Flash = p.T("flash." + f)
	}
	return p
}

// render writes a whole page with status.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	c.renderBlock(w, r, status, name, "layout", p)
}

// renderBlock writes one named block of a page, for htmx partial updates.
func (c *Console) renderBlock(w http.ResponseWriter, r *http.Request, status int, name, block string, p *Page) {
	t, ok := c.pages[name]
	if !ok {
		c.Log.Error("no template", "name", name)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, p); err != nil {
		c.Log.Error("render", "template", name, "err", err)
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// message returns an error's text in the page's language.
func message(l *i18n.Locale, err error) string {
	e := httpx.Public(err)
	if e.Key != "" && l.Has("err."+e.Key) {
		return l.T("err."+e.Key, e.Args...)
	}
	if e.Code == errs.Internal {
		return l.T("err.internal")
	}
	return e.Message
}

// fieldErrors translates an error's per-field messages.
func fieldErrors(l *i18n.Locale, err error) map[string]string {
	e, ok := errs.As(err)
	if !ok || len(e.Fields) == 0 {
		return nil
	}
	out := map[string]string{}
	for f := range e.Fields {
		out[f] = message(l, err)
	}
	return out
}

// Fail answers a failed request: JSON for API clients; for people, a sign-in redirect
// when they are not signed in, and an error page otherwise.
func (c *Console) Fail(w http.ResponseWriter, r *http.Request, err error) {
	httpx.LogIfInternal(c.Log, r, err)
	if httpx.WantsJSON(r) {
		httpx.WriteJSONError(w, err)
		return
	}
	e := httpx.Public(err)
	if e.Code == errs.Unauthorized && r.Method == http.MethodGet {
		q := url.Values{"next": {r.URL.RequestURI()}}
		if e.Key == "session_ended" {
			q.Set("reason", "ended")
		}
		target := "/login?" + q.Encode()
		if r.Header.Get("HX-Request") == "true" {
			w.Header().Set("HX-Redirect", target)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	status := httpx.Status(e.Code)
	p := c.page(r, "error.title", map[string]any{"Status": status, "Message": message(c.Catalog.Locale(Language(r)), err)})
	c.render(w, r, status, "error", p)
}

// secure reports whether cookies for this request get the Secure flag.
func (c *Console) secure(r *http.Request) bool {
	switch c.SecureCookies {
	case "always":
		return true
	case "never":
		return false
	}
	return r.TLS != nil
}

// LangCookie remembers the language a person chose.
const LangCookie = "hotline_lang"

type langKey struct{}

// Language returns the language of a request, as decided by WithLanguage.
func Language(r *http.Request) string {
	if l, ok := r.Context().Value(langKey{}).(string); ok {
		return l
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// WithLanguage decides each request's language: ?lang= (remembered in a cookie), then the
// cookie, then the signed-in user's setting, then the browser's Accept-Language.
func (c *Console) WithLanguage(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := ""
		if q := i18n.Normalize(r.URL.Query().Get("lang")); q != "" {
			lang = q
			http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600, HttpOnly: true, Secure: c.secure(r), SameSite: http.SameSiteLaxMode})
		} else if ck, err := r.Cookie(LangCookie); err == nil && i18n.Normalize(ck.Value) != "" {
			lang = i18n.Normalize(ck.Value)
		} else if p := auth.FromContext(r.Context()); p != nil && p.User.Language != "" {
			lang = p.User.Language
		} else {
			lang = i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
		}
		w.Header().Set("Content-Language", lang)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), langKey{}, lang)))
	})
}
