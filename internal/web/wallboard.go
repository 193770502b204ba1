package web

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// The supervisor's wallboard (/wallboard): queue tiles, the agent grid and the live
// calls, pushed over /live?view=wallboard whenever a call or an agent changes.
//
// TODO(force break/logout): the switchboard has no supervisor-forced break or logout
// yet; the grid gets those buttons when it does.

// slTarget is the share of calls to answer within the queue's threshold (80/20); a
// queue below it today turns red.
const slTarget = 0.8

// Wallboard is the live state of the center.
type Wallboard struct {
	On     bool // the switchboard runs
	At     time.Time
	Queues []QueueTile
	Agents []AgentTile
	Calls  []contact.LiveCall
}

// QueueTile is one queue on the wallboard.
type QueueTile struct {
	Code          string         `json:"code"`
	Name          string         `json:"name"`
	Waiting       int            `json:"waiting"`
	Ringing       int            `json:"ringing"`
	LongestWait   int            `json:"longest_wait_seconds"`
	WaitThreshold int            `json:"sl_seconds"`    // the service level threshold
	ServiceLevel  int            `json:"service_level"` // percent answered within the threshold today; -1 before any call ended
	AnswerRate    int            `json:"answer_rate"`   // percent of offered calls answered today; -1 before any
	Offered       int            `json:"offered"`
	Answered      int            `json:"answered"`
	Abandoned     int            `json:"abandoned"`
	Agents        map[string]int `json:"agents"` // members by state name
	Alert         bool           `json:"alert"`  // waiting past the threshold, or under the service level target
}

// AgentTile is one agent on the wallboard.
type AgentTile struct {
	ID      int64
	Name    string
	State   string
	Reason  string
	SinceMS int64 // when the state began (ms), for the timer
	Calls   int   // answered today
	Call    *contact.LiveCall
	CallMS  int64 // when the current call began (ms)
	Queues  []string
}

// wallboard reads the wallboard for a request.
func (c *Console) wallboard(ctx context.Context, lang string) (*Wallboard, error) {
	sb, _ := c.board()
	return BuildWallboard(ctx, sb, c.Queues, c.Auth, lang)
}

// BuildWallboard reads the wallboard from the switchboard (nil when it is not running),
// the queue settings and the users; lang names the queues. The console and
// GET /api/v1/wallboard share it.
func BuildWallboard(ctx context.Context, sb *contact.Switchboard, queues *acdstore.Store, people *auth.Service, lang string) (*Wallboard, error) {
	wb := &Wallboard{At: time.Now()}
	settings, err := queues.Queues(ctx)
	if err != nil {
		return nil, err
	}
	users, _, err := people.ListUsers(ctx, auth.UserFilter{Limit: 1000})
	if err != nil {
		return nil, err
	}
	users = slices.DeleteFunc(users, func(u *auth.User) bool { return u.Disabled || !u.Can(auth.PermCallsAnswer) })
	var stats []acd.QueueStats
	var live []contact.LiveCall
	status := map[int64]acd.AgentStatus{}
	if sb != nil {
		wb.On = true
		ctx, cancel := context.WithTimeout(ctx, switchTimeout)
		defer cancel()
		if stats, err = sb.Queues(ctx); err != nil {
			return nil, err
		}
		if live, err = sb.Live(ctx); err != nil {
			return nil, err
		}
		for _, u := range users {
			st, err := sb.Agent(ctx, u.ID)
			if e, ok := errs.As(err); ok && e.Code == errs.NotFound {
				continue
			} else if err != nil {
				return nil, err
			}
			status[u.ID] = st
		}
	}
	byCode := map[string]acd.QueueStats{}
	for _, s := range stats {
		byCode[s.Code] = s
	}
	for _, q := range settings {
		s := byCode[q.Code]
		t := QueueTile{Code: q.Code, Name: q.Name(lang), Waiting: s.Waiting, Ringing: s.Ringing,
			LongestWait: int(s.LongestWait / time.Second), WaitThreshold: q.SLSeconds, ServiceLevel: -1, AnswerRate: -1,
			Offered: s.Today.Offered, Answered: s.Today.Answered, Abandoned: s.Today.Abandoned, Agents: map[string]int{}}
		if sl, ok := s.Today.ServiceLevel(); ok {
			t.ServiceLevel = int(sl*100 + 0.5)
		}
		if s.Today.Offered > 0 {
			t.AnswerRate = s.Today.Answered * 100 / s.Today.Offered
		}
		for st, n := range s.Agents {
			t.Agents[st.String()] = n
		}
		t.Alert = (q.SLSeconds > 0 && t.LongestWait > q.SLSeconds) || (t.ServiceLevel >= 0 && float64(t.ServiceLevel) < slTarget*100)
		wb.Queues = append(wb.Queues, t)
	}
	wb.Calls = live
	slices.SortFunc(wb.Calls, func(a, b contact.LiveCall) int { return a.Since.Compare(b.Since) })
	for _, u := range users {
		a := AgentTile{ID: u.ID, Name: u.DisplayName, State: acd.LoggedOut.String()}
		if st, ok := status[u.ID]; ok {
			a.State, a.Reason, a.Calls, a.Queues = st.State.String(), st.Reason, st.Calls, st.Queues
			if !st.Since.IsZero() {
				a.SinceMS = st.Since.UnixMilli()
			}
		}
		for i := range live {
			if live[i].AgentID == u.ID {
				a.Call = &live[i]
				a.CallMS = live[i].Since.UnixMilli()
			}
		}
		wb.Agents = append(wb.Agents, a)
	}
	// Working agents first, then by name.
	rank := func(s string) int {
		return slices.Index([]string{"on_call", "ringing", "wrap_up", "available", "break", "logged_out"}, s)
	}
	slices.SortStableFunc(wb.Agents, func(a, b AgentTile) int { return rank(a.State) - rank(b.State) })
	return wb, nil
}

// wallboardData is the wallboard page's data.
type wallboardData struct {
	*Wallboard
	TV bool
}

func (c *Console) wallboardPage(w http.ResponseWriter, r *http.Request) {
	wb, err := c.wallboard(r.Context(), Language(r))
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	d := &wallboardData{Wallboard: wb, TV: r.URL.Query().Get("tv") == "1"}
	if d.TV {
		c.renderBlock(w, r, http.StatusOK, "wallboard", "wallboard_tv", c.page(r, "wallboard.title", d))
		return
	}
	c.render(w, r, http.StatusOK, "wallboard", c.page(r, "wallboard.title", d))
}

// monitor joins the supervisor's phone to a live call as listener, whisperer or third party.
func (c *Console) monitor(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	mode := contact.MonitorMode(r.FormValue("mode"))
	if err != nil || id <= 0 {
		err = errs.E(errs.NotFound, "No such call.").WithKey("not_found")
	} else if !slices.Contains([]contact.MonitorMode{contact.Listen, contact.Whisper, contact.Barge}, mode) {
		err = errs.Field("mode", "Listen, whisper or barge.").WithKey("monitor_mode")
	} else {
		var sb *contact.Switchboard
		if sb, err = c.board(); err == nil {
			ctx, cancel := switchCtx(r)
			defer cancel()
			err = sb.Monitor(ctx, me(r).ID, id, mode)
		}
	}
	if r.Header.Get("HX-Request") != "true" {
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/wallboard", http.StatusSeeOther)
		return
	}
	httpxLog(c, r, err)
	l := c.Catalog.Locale(Language(r))
	msg := l.T("wallboard.monitoring." + string(mode))
	if err != nil {
		msg = message(l, err)
	}
	c.writeNotice(w, msg, err != nil)
}

// wallboardLive is one wallboard's live stream.
type wallboardLive struct {
	c *Console
	r *http.Request
}

func (v *wallboardLive) render(ctx context.Context) ([]sseEvent, error) {
	wb, err := v.c.wallboard(ctx, Language(v.r))
	if err != nil {
		return nil, err
	}
	b, err := v.c.fragment(v.r, "wallboard", "wallboard_body", &wallboardData{Wallboard: wb, TV: v.r.URL.Query().Get("tv") == "1"})
	return []sseEvent{{"wallboard", b}}, err
}

func (v *wallboardLive) initial(ctx context.Context) ([]sseEvent, error) { return v.render(ctx) }

func (v *wallboardLive) update(ctx context.Context, evs []events.Event) ([]sseEvent, error) {
	if len(evs) == 0 || slices.ContainsFunc(evs, func(e events.Event) bool {
		c := e.Category()
		return c == "agent" || c == "call" || c == "queue"
	}) {
		return v.render(ctx)
	}
	return nil, nil
}
