package api

import (
	"context"
	"net/http"
	"slices"
	"time"

	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/web"
)

// The agent's state and call control, and the wallboard, for CTI integrations and
// softphones. The rules are the console's (internal/web agent.go, wallboard.go).

const switchTimeout = 5 * time.Second

// board returns the switchboard when it runs.
func (a *API) board() (*contact.Switchboard, error) {
	if a.Switchboard == nil || a.SwitchboardOn == nil || !a.SwitchboardOn() {
		return nil, errs.E(errs.Conflict, "The phone system is not running.").WithKey("phone_system_off")
	}
	return a.Switchboard, nil
}

type agentStateJSON struct {
	State      string    `json:"state"`
	Reason     string    `json:"reason"`
	Since      time.Time `json:"since"`
	CallID     string    `json:"call_id"`
	BreakAfter string    `json:"break_after"`
	Calls      int       `json:"calls"`
	TalkSecs   int       `json:"talk_seconds"`
	Queues     []string  `json:"queues"`
}

func (a *API) getAgentState(w http.ResponseWriter, r *http.Request) (int, any, error) {
	sb, err := a.board()
	if err != nil {
		return 0, nil, err
	}
	ctx, cancel := context.WithTimeout(r.Context(), switchTimeout)
	defer cancel()
	st, err := sb.Agent(ctx, principal(r).User.ID)
	if e, ok := errs.As(err); ok && e.Code == errs.NotFound {
		return http.StatusOK, agentStateJSON{State: "logged_out", Queues: []string{}}, nil
	} else if err != nil {
		return 0, nil, err
	}
	out := agentStateJSON{State: st.State.String(), Reason: st.Reason, Since: st.Since.UTC(), CallID: st.CallID,
		BreakAfter: st.BreakAfter, Calls: st.Calls, TalkSecs: int(st.Talk / time.Second), Queues: st.Queues}
	if out.Queues == nil {
		out.Queues = []string{}
	}
	return http.StatusOK, out, nil
}

func (a *API) setAgentState(w http.ResponseWriter, r *http.Request) (int, any, error) {
	in, err := httpx.DecodeJSON[struct {
		State  string `json:"state"`
		Reason string `json:"reason"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	sb, err := a.board()
	if err != nil {
		return 0, nil, err
	}
	ctx, cancel := context.WithTimeout(r.Context(), switchTimeout)
	defer cancel()
	if err := web.SetAgentState(ctx, sb, principal(r).User.ID, in.State, in.Reason); err != nil {
		return 0, nil, err
	}
	return a.getAgentState(w, r)
}

func (a *API) agentCall(w http.ResponseWriter, r *http.Request) (int, any, error) {
	action := r.PathValue("action")
	if !slices.Contains(web.CallActions, action) && action != "wrapup" {
		return 0, nil, errs.E(errs.NotFound, "Unknown call action %q.", action)
	}
	in, err := httpx.DecodeJSON[struct {
		web.CallInput
		Disposition string `json:"disposition"`
		Resolved    bool   `json:"resolved"`
		Note        string `json:"note"`
		FollowUpAt  string `json:"follow_up_at"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	var wu contact.WrapUp
	if action == "wrapup" {
		if wu, err = web.ParseWrapUp(in.Disposition, in.Resolved, in.Note, in.FollowUpAt, time.UTC); err != nil {
			return 0, nil, err
		}
	}
	sb, err := a.board()
	if err != nil {
		return 0, nil, err
	}
	ctx, cancel := context.WithTimeout(r.Context(), switchTimeout)
	defer cancel()
	agent := principal(r).User.ID
	if action == "wrapup" {
		err = sb.EndWrapUp(ctx, agent, wu)
	} else {
		err = web.CallAction(ctx, sb, agent, action, in.CallInput)
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

type liveCallJSON struct {
	CallID       int64     `json:"call_id"`
	From         string    `json:"from"`
	CustomerID   int64     `json:"customer_id"`
	CustomerName string    `json:"customer_name"`
	Repeat       bool      `json:"repeat"`
	VIPLevel     int       `json:"vip_level"`
	Queue        string    `json:"queue"`
	State        string    `json:"state"`
	AgentID      int64     `json:"agent_id"`
	Since        time.Time `json:"since"`
}

func liveJSON(c contact.LiveCall) liveCallJSON {
	return liveCallJSON{c.CallID, c.From, c.CustomerID, c.CustomerName, c.Repeat, c.VIPLevel, c.Queue, c.State, c.AgentID, c.Since.UTC()}
}

func (a *API) getWallboard(w http.ResponseWriter, r *http.Request) (int, any, error) {
	sb, _ := a.board()
	lang := r.URL.Query().Get("lang")
	if lang != "en" {
		lang = "zh-CN"
	}
	wb, err := web.BuildWallboard(r.Context(), sb, a.Queues, a.Auth, lang)
	if err != nil {
		return 0, nil, err
	}
	type agentJSON struct {
		ID     int64         `json:"id"`
		Name   string        `json:"name"`
		State  string        `json:"state"`
		Reason string        `json:"reason"`
		Since  *time.Time    `json:"since"`
		Calls  int           `json:"calls"`
		Queues []string      `json:"queues"`
		Call   *liveCallJSON `json:"call"`
	}
	out := struct {
		Running bool            `json:"running"`
		At      time.Time       `json:"at"`
		Queues  []web.QueueTile `json:"queues"`
		Agents  []agentJSON     `json:"agents"`
		Calls   []liveCallJSON  `json:"calls"`
	}{Running: wb.On, At: wb.At.UTC(), Queues: wb.Queues, Agents: []agentJSON{}, Calls: []liveCallJSON{}}
	if out.Queues == nil {
		out.Queues = []web.QueueTile{}
	}
	for _, ag := range wb.Agents {
		j := agentJSON{ID: ag.ID, Name: ag.Name, State: ag.State, Reason: ag.Reason, Calls: ag.Calls, Queues: ag.Queues}
		if ag.SinceMS != 0 {
			t := time.UnixMilli(ag.SinceMS).UTC()
			j.Since = &t
		}
		if ag.Call != nil {
			c := liveJSON(*ag.Call)
			j.Call = &c
		}
		if j.Queues == nil {
			j.Queues = []string{}
		}
		out.Agents = append(out.Agents, j)
	}
	for _, c := range wb.Calls {
		out.Calls = append(out.Calls, liveJSON(c))
	}
	return http.StatusOK, out, nil
}
