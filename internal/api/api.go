// Package api is the JSON REST API under /api/v1. Callers authenticate with per-user API
// tokens (Authorization: Bearer htl_...); errors are {"error":{"code","message"}}. The
// routes are listed in routes.go and documented in openapi.json, which a test keeps in
// step with the routes.
package api

import (
	"log/slog"
	"net/http"
	"strconv"

	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/calendar"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/ivr"
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

// Deps are what the API needs from the rest of Hotline.
type Deps struct {
	Auth         *auth.Service
	Customers    *crm.Store
	Queues       *acdstore.Store
	Webhooks     *webhook.Store
	IVR          *ivr.Store
	KB           *kb.Service
	Calendars    *calendar.Store
	SLARules     *sla.RuleStore
	Todos        *todo.Store
	Tickets      *ticket.Service
	Calls        *contact.Store
	Blocklist    *crm.BlockStore
	Log          *slog.Logger
	MaxBodyBytes int64
	SIP          *sip.Store  // SIP accounts and trunks
	SIPEngine    *sip.Engine // live registrations (may be nil)
	Reports      *report.Service
	QA           *qa.Store
	Surveys      *survey.Store
	// Switchboard is the ACD and call control; SwitchboardOn reports whether it runs.
	Switchboard   *contact.Switchboard
	SwitchboardOn func() bool
}

// API serves /api/v1.
type API struct{ Deps }

// New returns the API.
func New(d Deps) *API { return &API{Deps: d} }

// handlerFunc returns the status and body of a success, or an error.
type handlerFunc func(w http.ResponseWriter, r *http.Request) (int, any, error)

// serve encodes what a handlerFunc returns; every route goes through it.
func (a *API) serve(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status, body, err := h(w, r)
		if err != nil {
			a.Fail(w, r, err)
			return
		}
		if body == nil {
			w.WriteHeader(status)
			return
		}
		httpx.WriteJSON(w, status, body)
	}
}

// Fail writes err as a JSON error, logging internal ones.
func (a *API) Fail(w http.ResponseWriter, r *http.Request, err error) {
	httpx.LogIfInternal(a.Log, r, err)
	httpx.WriteJSONError(w, err)
}

func principal(r *http.Request) *auth.Principal { return auth.FromContext(r.Context()) }

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.E(errs.NotFound, "Not found.")
	}
	return id, nil
}

// queryInt reads an optional whole-number query parameter.
func queryInt(r *http.Request, name string) (int, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, errs.E(errs.Invalid, "Query parameter %s must be a whole number.", name)
	}
	return n, nil
}

// paging reads the optional limit and offset query parameters.
func paging(r *http.Request) (limit, offset int, err error) {
	if limit, err = queryInt(r, "limit"); err != nil {
		return 0, 0, err
	}
	offset, err = queryInt(r, "offset")
	return limit, offset, err
}

// list is the envelope of every list response.
type list[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}
