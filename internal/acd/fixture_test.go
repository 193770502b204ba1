package acd

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

var t0 = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// at returns t0 plus s seconds.
func at(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }

func sec(s int) time.Duration { return time.Duration(s) * time.Second }

// fixture drives a Router and checks its invariants after every event.
type fixture struct {
	t *testing.T
	r *Router
}

func newFixture(t *testing.T) *fixture { return &fixture{t: t, r: NewRouter()} }

func queueOf(code string, s Strategy) Queue {
	return Queue{Code: code, NameZH: code, NameEN: code, Strategy: s, SLSeconds: 20}
}

// members returns tier-1 members of proficiency 3 ordered as given.
func members(ids ...int64) []Member {
	out := make([]Member, len(ids))
	for i, id := range ids {
		out[i] = Member{Agent: id, Proficiency: 3, Tier: 1, Order: i}
	}
	return out
}

func (f *fixture) ok(acts []Action, err error) []Action {
	f.t.Helper()
	if err != nil {
		f.t.Fatal(err)
	}
	f.check()
	return acts
}

// fails returns a check that an event failed with code: f.fails(errs.Conflict)(r.X(...)).
func (f *fixture) fails(code errs.Code) func([]Action, error) {
	return func(acts []Action, err error) {
		f.t.Helper()
		if !errs.Is(err, code) || acts != nil {
			f.t.Fatalf("want %s and no actions, got %v %v", code, err, acts)
		}
		f.check()
	}
}

func (f *fixture) queue(now time.Time, q Queue, m []Member) []Action {
	f.t.Helper()
	return f.ok(f.r.SetQueue(now, q, m))
}

func (f *fixture) login(now time.Time, ids ...int64) []Action {
	f.t.Helper()
	var out []Action
	for _, id := range ids {
		out = append(out, f.ok(f.r.AgentLogin(now, id, nil))...)
	}
	return out
}

func (f *fixture) arrive(now time.Time, c Call) []Action {
	f.t.Helper()
	if c.EnteredAt.IsZero() {
		c.EnteredAt = now
	}
	return f.ok(f.r.CallArrived(now, c))
}

func (f *fixture) tick(now time.Time) []Action {
	f.t.Helper()
	acts := f.r.Tick(now)
	f.check()
	return acts
}

// check verifies the Router's indexes against its agents and calls.
func (f *fixture) check() {
	f.t.Helper()
	r := f.r
	for code, q := range r.queues {
		var states [numStates]int
		avail := 0
		for id, m := range q.members {
			if m.a != r.agents[id] || m.q != q || !slices.Contains(m.a.members, m) {
				f.t.Fatalf("queue %s: member %d not linked", code, id)
			}
			states[m.a.state]++
			if m.a.state == Available {
				avail++
				if m.idx < 0 || q.avail.items[m.idx] != m {
					f.t.Fatalf("queue %s: available agent %d not in heap", code, id)
				}
			} else if m.idx != -1 {
				f.t.Fatalf("queue %s: %s agent %d in heap", code, m.a.state, id)
			}
		}
		if states != q.states || avail != len(q.avail.items) {
			f.t.Fatalf("queue %s: counts %v, want %v; heap %d want %d", code, q.states, states, len(q.avail.items), avail)
		}
		for i := 1; i < len(q.avail.items); i++ {
			if q.avail.less(q.avail.items[i], q.avail.items[(i-1)/2]) {
				f.t.Fatalf("queue %s: heap order broken at %d", code, i)
			}
		}
		for i, c := range q.waiting {
			if c.state != waiting || c.q != q || r.calls[c.ID] != c || i > 0 && !callLess(q.waiting[i-1], c) {
				f.t.Fatalf("queue %s: waiting list broken at %d", code, i)
			}
		}
	}
	perQueue := map[*queue]int{}
	for id, c := range r.calls {
		switch c.state {
		case offering:
			perQueue[c.q]++
			for _, a := range c.ringing {
				if a.state != Ringing || a.call != c {
					f.t.Fatalf("call %s: agent %d is %s", id, a.id, a.state)
				}
			}
		case connected:
			if c.agent.state != OnCall || c.agent.call != c {
				f.t.Fatalf("call %s: agent %d is %s", id, c.agent.id, c.agent.state)
			}
		case waiting:
			if !slices.Contains(c.q.waiting, c) {
				f.t.Fatalf("call %s waiting outside its queue", id)
			}
		default:
			f.t.Fatalf("call %s is gone but known", id)
		}
	}
	for _, q := range r.queues {
		if q.offering != perQueue[q] {
			f.t.Fatalf("queue %s: offering %d, want %d", q.Code, q.offering, perQueue[q])
		}
	}
	for id, a := range r.agents {
		if (a.state == Ringing || a.state == OnCall) != (a.call != nil) {
			f.t.Fatalf("agent %d is %s with call %v", id, a.state, a.call)
		}
	}
}

// only returns the actions of type T.
func only[T Action](acts []Action) []T {
	var out []T
	for _, a := range acts {
		if x, ok := a.(T); ok {
			out = append(out, x)
		}
	}
	return out
}

// offers renders the offers in acts as "call>agent,agent" strings.
func offers(acts []Action) []string {
	var out []string
	for _, o := range only[Offer](acts) {
		out = append(out, fmt.Sprintf("%s>%s", o.Call.ID, ids(o.Agents)))
	}
	return out
}

func ids(as []int64) string {
	s := ""
	for i, a := range as {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprint(a)
	}
	return s
}

// offer returns the single offer in acts as "call>agents", or "" for none.
func offer(t *testing.T, acts []Action) string {
	t.Helper()
	o := offers(acts)
	switch len(o) {
	case 0:
		return ""
	case 1:
		return o[0]
	}
	t.Fatalf("several offers %v", o)
	return ""
}

func (f *fixture) state(id int64) State {
	a, ok := f.r.Agent(id)
	if !ok {
		f.t.Fatalf("agent %d unknown", id)
	}
	return a.State
}
