package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hotlinecc/hotline/internal/events"
)

// agentLive is one agent console's live stream: the agent's own state and calls.
type agentLive struct {
	c     *Console
	r     *http.Request
	agent int64
}

func (v *agentLive) status(ctx context.Context) (sseEvent, error) {
	st, err := v.c.agentState(ctx, v.agent)
	if err != nil {
		return sseEvent{}, err
	}
	b, err := v.c.fragment(v.r, "agent", "agent_panel", st)
	return sseEvent{"status", b}, err
}

func (v *agentLive) initial(ctx context.Context) ([]sseEvent, error) {
	s, err := v.status(ctx)
	if err != nil {
		return nil, err
	}
	return []sseEvent{s}, nil
}

func (v *agentLive) update(ctx context.Context, evs []events.Event) ([]sseEvent, error) {
	refresh := len(evs) == 0
	var out []sseEvent
	for _, e := range evs {
		switch {
		case e.Kind == "agent.state" && e.ActorID == v.agent:
			refresh = true
		case e.Kind == "call.offered" && dataInt(e, "agent_id") == v.agent:
			b, err := v.c.fragment(v.r, "agent", "agent_pop", screenPop(e))
			if err != nil {
				return nil, err
			}
			out = append(out, sseEvent{"pop", b})
			refresh = true
		case e.Category() == "call" && dataInt(e, "agent_id") == v.agent:
			refresh = true
		}
	}
	if refresh {
		s, err := v.status(ctx)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// popView is the screen pop of a call offered to the agent.
type popView struct {
	CallID       int64
	ContactID    int64
	From         string
	CustomerID   int64
	CustomerName string
	VIPLevel     int64
	Repeat       bool
	Earlier      []int64 // earlier contacts' ids (or none, when only a count is known)
	EarlierCount int
	Tickets      []int64 // open work orders
	TicketCount  int
	IVR          []string
	Digits       string
	Queue        string
	Wait         int64
	ScriptType   string // the ticket type code whose call script fits the queue
	NewCustomer  string // /customers/new?phone=...
	NewTicket    string // /tickets/new?customer=...&contact=...&type=...
}

// scriptTypes maps queue codes to the ticket type whose call script the agent sees.
var scriptTypes = map[string]string{
	"presales": "presales", "support": "support", "repair": "repair",
	"complaints": "complaint", "complaint": "complaint", "vip": "support",
}

// ScriptType returns the ticket type code for a queue's call script.
func ScriptType(queue string) string {
	if t, ok := scriptTypes[queue]; ok {
		return t
	}
	return queue
}

// screenPop reads a call.offered event.
func screenPop(e events.Event) *popView {
	p := &popView{
		CallID: dataInt(e, "call_id"), ContactID: e.ContactID, From: e.Str("from"),
		CustomerID: dataInt(e, "customer_id"), CustomerName: e.Str("customer_name"),
		VIPLevel: dataInt(e, "vip_level"), Digits: e.Str("digits"), Queue: e.Str("queue"), Wait: dataInt(e, "wait_seconds"),
	}
	if p.CustomerID == 0 {
		p.CustomerID = e.CustomerID
	}
	p.Repeat, _ = e.Data["repeat"].(bool)
	p.Earlier, p.EarlierCount = idsOrCount(e.Data["earlier_contacts"])
	p.Tickets, p.TicketCount = idsOrCount(e.Data["open_tickets"])
	switch t := e.Data["ivr_trace"].(type) {
	case []any:
		for _, s := range t {
			if s, ok := s.(string); ok {
				p.IVR = append(p.IVR, s)
			}
		}
	case string:
		if t != "" {
			p.IVR = strings.Split(t, ",")
		}
	}
	p.ScriptType = ScriptType(p.Queue)
	p.NewCustomer = "/customers/new?" + url.Values{"phone": {p.From}}.Encode()
	q := url.Values{"type": {p.ScriptType}}
	if p.CustomerID != 0 {
		q.Set("customer", strconv.FormatInt(p.CustomerID, 10))
	}
	if p.ContactID != 0 {
		q.Set("contact", strconv.FormatInt(p.ContactID, 10))
	}
	p.NewTicket = "/tickets/new?" + q.Encode()
	return p
}

// idsOrCount reads a list of ids, or a count, from event data.
func idsOrCount(v any) ([]int64, int) {
	switch t := v.(type) {
	case float64:
		return nil, int(t)
	case []any:
		var ids []int64
		for _, x := range t {
			switch x := x.(type) {
			case float64:
				ids = append(ids, int64(x))
			case map[string]any:
				if id, ok := x["id"].(float64); ok {
					ids = append(ids, int64(id))
				}
			}
		}
		return ids, len(t)
	}
	return nil, 0
}
