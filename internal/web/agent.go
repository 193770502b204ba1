package web

import (
	"context"
	"html/template"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/errs"
)

// The agent console (/agent): phone login, state buttons, the screen pop of an offered
// call, call control during the call and the wrap-up form after it. The switchboard
// (internal/contact) does the work; this file reads forms and renders.

// BreakReasons are the break reason codes the console offers (catalog agent.reason.*).
var BreakReasons = []string{"meal", "training", "meeting"}

// dispositions are suggested wrap-up codes; the field takes free text.
var dispositions = []string{"resolved", "info_given", "ticket_opened", "callback", "transferred", "wrong_number"}

// switchTimeout bounds a console request's wait for the switchboard.
const switchTimeout = 5 * time.Second

var errSwitchOff = errs.E(errs.Conflict, "The phone system is not running.").WithKey("phone_system_off")

// board returns the switchboard when it runs.
func (c *Console) board() (*contact.Switchboard, error) {
	if c.Switchboard == nil || c.SwitchboardOn == nil || !c.SwitchboardOn() {
		return nil, errSwitchOff
	}
	return c.Switchboard, nil
}

// agentView is what the agent console shows.
type agentView struct {
	On           bool // the switchboard runs
	Status       acd.AgentStatus
	State        string // acd state name; "logged_out" when unknown to the ACD
	SinceMS      int64  // when the state began (ms since the epoch) for the timer
	UntilMS      int64  // end of the wrap-up time, when known
	Call         *contact.LiveCall
	Extensions   []string // the agent's enabled SIP extensions
	Registered   map[string]bool
	Stats        agentStats
	Reasons      []string
	Dispositions []string
	Error        string
	Done         string // the flash of the last action
	Phase        string // state and call: the call panel is replaced when it changes
}

// agentStats are the agent's calls today.
type agentStats struct {
	Calls, Answered int
	AHT             int // mean talk seconds of answered calls
}

// agentState reads the agent's state, current call and phone extensions.
func (c *Console) agentState(ctx context.Context, agent int64) (*agentView, error) {
	v := &agentView{State: acd.LoggedOut.String(), Reasons: BreakReasons, Dispositions: dispositions, Registered: map[string]bool{}}
	if c.SIP != nil {
		accts, err := c.SIP.Accounts(ctx)
		if err != nil {
			return nil, err
		}
		for _, a := range accts {
			if a.UserID == agent && !a.Disabled {
				v.Extensions = append(v.Extensions, a.Username)
				if c.SIPEngine != nil {
					v.Registered[a.Username] = len(c.SIPEngine.Registered(a.Username)) > 0
				}
			}
		}
	}
	var err error
	if v.Stats, err = c.agentStats(ctx, agent); err != nil {
		return nil, err
	}
	sb, err := c.board()
	if err != nil {
		v.Phase = v.State
		return v, nil
	}
	v.On = true
	ctx, cancel := context.WithTimeout(ctx, switchTimeout)
	defer cancel()
	st, err := sb.Agent(ctx, agent)
	if e, ok := errs.As(err); ok && e.Code == errs.NotFound {
		err = nil
	} else if err == nil {
		v.Status, v.State = st, st.State.String()
		if !st.Since.IsZero() {
			v.SinceMS = st.Since.UnixMilli()
		}
	}
	if err != nil {
		return nil, err
	}
	live, err := sb.Live(ctx)
	if err != nil {
		return nil, err
	}
	for i := range live {
		if live[i].AgentID == agent && (live[i].State == "talking" || live[i].State == "ringing" || v.Call == nil) {
			v.Call = &live[i]
		}
	}
	if v.State == acd.WrapUp.String() {
		v.UntilMS = c.wrapUpEnd(ctx, agent, st.Since)
	}
	v.Phase = v.State
	if v.Call != nil {
		v.Phase += "-" + strconv.FormatInt(v.Call.CallID, 10)
	}
	return v, nil
}

// wrapUpEnd is when the agent's wrap-up ends by the queue of their last call (0 when
// unknown: the timer then counts up).
func (c *Console) wrapUpEnd(ctx context.Context, agent int64, since time.Time) int64 {
	if c.Calls == nil || c.Queues == nil {
		return 0
	}
	calls, _, err := c.Calls.List(ctx, contact.Filter{AgentID: agent, Limit: 1})
	if err != nil || len(calls) == 0 || calls[0].Queue == "" {
		return 0
	}
	qs, err := c.Queues.Queues(ctx)
	if err != nil {
		return 0
	}
	for _, q := range qs {
		if q.Code == calls[0].Queue && q.WrapUpSeconds > 0 {
			return since.Add(time.Duration(q.WrapUpSeconds) * time.Second).UnixMilli()
		}
	}
	return 0
}

// agentStats counts the agent's calls since midnight in the center's time zone.
func (c *Console) agentStats(ctx context.Context, agent int64) (agentStats, error) {
	var s agentStats
	if c.Calls == nil {
		return s, nil
	}
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	now := time.Now().In(loc)
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	calls, _, err := c.Calls.List(ctx, contact.Filter{AgentID: agent, From: midnight, Limit: 500})
	if err != nil {
		return s, err
	}
	talk := 0
	for _, cl := range calls {
		s.Calls++
		if !cl.AnsweredAt.IsZero() {
			s.Answered++
			talk += cl.TalkSeconds
		}
	}
	if s.Answered > 0 {
		s.AHT = talk / s.Answered
	}
	return s, nil
}

func (c *Console) agentPage(w http.ResponseWriter, r *http.Request) {
	v, err := c.agentState(r.Context(), me(r).ID)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "agent", c.page(r, "agent.title", v))
}

// agentReply answers an agent action: htmx gets the refreshed panel (with the error,
// if any, shown in it); a plain form post is redirected back, or shown the error page.
func (c *Console) agentReply(w http.ResponseWriter, r *http.Request, done string, actErr error) {
	if actErr != nil && r.Header.Get("HX-Request") != "true" {
		c.Fail(w, r, actErr)
		return
	}
	if actErr == nil {
		// Wake the live pages: the wallboard shows the change at once.
		if c.Events != nil {
			c.Events.Notify()
		}
		if r.Header.Get("HX-Request") != "true" {
			http.Redirect(w, r, "/agent", http.StatusSeeOther)
			return
		}
	}
	httpxLog(c, r, actErr)
	v, err := c.agentState(r.Context(), me(r).ID)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	l := c.Catalog.Locale(Language(r))
	if actErr != nil {
		v.Error = message(l, actErr)
	} else if done != "" {
		v.Done = l.T("agent.done." + done)
	}
	c.renderBlock(w, r, http.StatusOK, "agent", "agent_panel", c.page(r, "agent.title", v))
}

// httpxLog logs internal errors of an htmx action that is answered with a fragment.
func httpxLog(c *Console, r *http.Request, err error) {
	if e, ok := errs.As(err); err != nil && (!ok || e.Code == errs.Internal) {
		c.Log.Error("agent action", "path", r.URL.Path, "err", err)
	}
}

// switchCtx bounds a switchboard call made for a request.
func switchCtx(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(r.Context(), switchTimeout)
}

// agentLogin logs the agent in to the ACD with one of their own SIP extensions.
func (c *Console) agentLogin(w http.ResponseWriter, r *http.Request) {
	c.agentReply(w, r, "login", c.doLogin(r))
}

func (c *Console) doLogin(r *http.Request) error {
	u := me(r)
	ext := strings.TrimSpace(r.FormValue("extension"))
	v, err := c.agentState(r.Context(), u.ID)
	if err != nil {
		return err
	}
	if !slices.Contains(v.Extensions, ext) {
		return errs.Field("extension", "Choose one of your own phone extensions.").WithKey("agent_extension")
	}
	sb, err := c.board()
	if err != nil {
		return err
	}
	skills, err := c.Queues.Skills(r.Context(), u.ID)
	if err != nil {
		return err
	}
	m := make(map[string]int, len(skills))
	for _, s := range skills {
		m[s.Name] = s.Proficiency
	}
	if len(m) == 0 {
		m = nil
	}
	ctx, cancel := switchCtx(r)
	defer cancel()
	return sb.Login(ctx, u.ID, m)
}

func (c *Console) agentLogout(w http.ResponseWriter, r *http.Request) {
	sb, err := c.board()
	if err == nil {
		ctx, cancel := switchCtx(r)
		defer cancel()
		err = sb.Logout(ctx, me(r).ID)
	}
	c.agentReply(w, r, "logout", err)
}

// SetAgentState moves an agent to available or to a break with reason (shared by the
// console and the API's POST /api/v1/agent/state).
func SetAgentState(ctx context.Context, sb *contact.Switchboard, agent int64, state, reason string) error {
	switch state {
	case "available":
		return sb.Available(ctx, agent)
	case "break":
		if !slices.Contains(BreakReasons, reason) {
			return errs.Field("reason", "Choose a break reason.").WithKey("agent_reason")
		}
		return sb.Break(ctx, agent, reason)
	case "logged_out":
		return sb.Logout(ctx, agent)
	}
	return errs.Field("state", "The state must be available, break or logged_out.").WithKey("agent_state")
}

func (c *Console) agentSetState(w http.ResponseWriter, r *http.Request) {
	state := r.FormValue("state")
	sb, err := c.board()
	if err == nil {
		ctx, cancel := switchCtx(r)
		defer cancel()
		err = SetAgentState(ctx, sb, me(r).ID, state, r.FormValue("reason"))
	}
	c.agentReply(w, r, state, err)
}

var (
	dtmfRE  = regexp.MustCompile(`^[0-9*#A-D]{1,32}$`)
	dialRE  = regexp.MustCompile(`^\+?[0-9][0-9 -]{1,30}$`)
	extenRE = regexp.MustCompile(`^[0-9]{2,10}$`)
)

// CallInput is a call-control request: the action's target or digits.
type CallInput struct {
	TargetKind string `json:"target_kind"` // agent, queue, external
	Target     string `json:"target"`
	Digits     string `json:"digits"`
}

// target validates a transfer or consultation target.
func (in CallInput) target() (contact.Target, error) {
	v := strings.TrimSpace(in.Target)
	switch contact.TargetKind(in.TargetKind) {
	case contact.ToAgent:
		if id, err := strconv.ParseInt(v, 10, 64); err != nil || id <= 0 {
			return contact.Target{}, errs.Field("target", "Choose an agent.").WithKey("agent_target")
		}
	case contact.ToQueue:
		if v == "" || len(v) > 32 {
			return contact.Target{}, errs.Field("target", "Choose a queue.").WithKey("agent_target")
		}
	case contact.ToExternal:
		if !dialRE.MatchString(v) && !extenRE.MatchString(v) {
			return contact.Target{}, errs.Field("target", "Enter a phone number.").WithKey("agent_number")
		}
		v = strings.NewReplacer(" ", "", "-", "").Replace(v)
	default:
		return contact.Target{}, errs.Field("target_kind", "Transfer to an agent, a queue or a number.").WithKey("agent_target")
	}
	return contact.Target{Kind: contact.TargetKind(in.TargetKind), Value: v}, nil
}

// CallActions are the call controls, by the name used in URLs.
var CallActions = []string{"hold", "resume", "mute", "unmute", "transfer", "consult", "complete", "conference", "cancel", "dtmf"}

// CallAction carries out one call control for agent (shared by console and API).
func CallAction(ctx context.Context, sb *contact.Switchboard, agent int64, action string, in CallInput) error {
	switch action {
	case "hold", "resume":
		return sb.Hold(ctx, agent, action == "hold")
	case "mute", "unmute":
		return sb.Mute(ctx, agent, action == "mute")
	case "transfer", "consult":
		t, err := in.target()
		if err != nil {
			return err
		}
		if action == "transfer" {
			return sb.Transfer(ctx, agent, t)
		}
		return sb.Consult(ctx, agent, t)
	case "complete":
		return sb.CompleteTransfer(ctx, agent)
	case "conference":
		return sb.Conference(ctx, agent)
	case "cancel":
		return sb.CancelConsult(ctx, agent)
	case "dtmf":
		if !dtmfRE.MatchString(in.Digits) {
			return errs.Field("digits", "Digits are 0-9, *, # and A-D.").WithKey("agent_digits")
		}
		return sb.SendDTMF(ctx, agent, in.Digits)
	}
	return errs.E(errs.NotFound, "Unknown call action %q.", action).WithKey("not_found")
}

func (c *Console) agentCall(w http.ResponseWriter, r *http.Request) {
	action := r.PathValue("action")
	if !slices.Contains(CallActions, action) {
		c.Fail(w, r, errs.E(errs.NotFound, "Unknown call action.").WithKey("not_found"))
		return
	}
	sb, err := c.board()
	if err == nil {
		ctx, cancel := switchCtx(r)
		defer cancel()
		err = CallAction(ctx, sb, me(r).ID, action, CallInput{TargetKind: r.FormValue("target_kind"), Target: r.FormValue("target"), Digits: r.FormValue("digits")})
	}
	c.agentReply(w, r, action, err)
}

// ParseWrapUp validates a wrap-up; followUp is a local "2006-01-02T15:04" time or "".
func ParseWrapUp(disposition string, resolved bool, note, followUp string, loc *time.Location) (contact.WrapUp, error) {
	w := contact.WrapUp{Disposition: strings.TrimSpace(disposition), Resolved: resolved, Note: strings.TrimSpace(note)}
	if w.Disposition == "" || len(w.Disposition) > 32 {
		return w, errs.Field("disposition", "Choose a disposition of at most 32 characters.").WithKey("agent_disposition")
	}
	if len([]rune(w.Note)) > 2000 {
		return w, errs.Field("note", "The note is longer than 2000 characters.").WithKey("agent_note")
	}
	if f := strings.TrimSpace(followUp); f != "" {
		if loc == nil {
			loc = time.UTC
		}
		t, err := time.ParseInLocation("2006-01-02T15:04", f, loc)
		if err != nil {
			if t, err = time.Parse(time.RFC3339, f); err != nil {
				return w, errs.Field("follow_up", "The follow-up time is not a date and time.").WithKey("agent_follow_up")
			}
		}
		w.FollowUpAt = t.UTC().Format(time.RFC3339)
	}
	return w, nil
}

func (c *Console) agentWrapUp(w http.ResponseWriter, r *http.Request) {
	wu, err := ParseWrapUp(r.FormValue("disposition"), r.FormValue("resolved") != "", r.FormValue("note"), r.FormValue("follow_up"), c.Location)
	if err == nil {
		var sb *contact.Switchboard
		if sb, err = c.board(); err == nil {
			ctx, cancel := switchCtx(r)
			defer cancel()
			err = sb.EndWrapUp(ctx, me(r).ID, wu)
		}
	}
	c.agentReply(w, r, "wrapup", err)
}

// agentDial is click-to-dial: the agent's phone rings, then the number is called. The
// call button of customer and ticket pages (agent_dial.partial.html) gets a short
// message in place; the agent console gets its panel.
func (c *Console) agentDial(w http.ResponseWriter, r *http.Request) {
	err := c.doDial(r)
	if r.Header.Get("HX-Request") != "true" || r.Header.Get("HX-Target") == "agent-panel" {
		c.agentReply(w, r, "dial", err)
		return
	}
	httpxLog(c, r, err)
	l := c.Catalog.Locale(Language(r))
	msg := l.T("agent.done.dial")
	if err != nil {
		msg = message(l, err)
	} else if c.Events != nil {
		c.Events.Notify()
	}
	c.writeNotice(w, msg, err != nil)
}

// writeNotice answers an htmx action with a one-line message to show in place.
func (c *Console) writeNotice(w http.ResponseWriter, msg string, failed bool) {
	class := "ok"
	if failed {
		class = "error"
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	io.WriteString(w, `<span class="notice `+class+`" role="status" data-testid="notice">`+template.HTMLEscapeString(msg)+`</span>`)
}

func (c *Console) doDial(r *http.Request) error {
	raw := strings.TrimSpace(r.FormValue("number"))
	number, err := crm.NormalizePhone(raw)
	if err != nil || number == "" {
		if !extenRE.MatchString(raw) {
			return errs.Field("number", "Enter a phone number.").WithKey("agent_number")
		}
		number = raw
	}
	var customer int64
	if s := r.FormValue("customer"); s != "" {
		if customer, err = strconv.ParseInt(s, 10, 64); err != nil || customer < 0 {
			return errs.Field("customer", "Unknown customer.").WithKey("not_found")
		}
	}
	sb, err := c.board()
	if err != nil {
		return err
	}
	ctx, cancel := switchCtx(r)
	defer cancel()
	_, err = sb.Dial(ctx, me(r).ID, number, customer)
	return err
}

// dialArgs is what the click-to-dial partial (agent_dial) needs.
type dialArgs struct {
	Page       *Page
	Number     string
	CustomerID int64
}

func init() {
	funcs["scriptType"] = ScriptType
	funcs["dial"] = func(p *Page, number string, customer int64) dialArgs { return dialArgs{p, number, customer} }
}
