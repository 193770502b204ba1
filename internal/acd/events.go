package acd

import (
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

func (r *Router) known(id int64) (*agent, error) {
	a := r.agents[id]
	if a == nil {
		return nil, notFound("agent", id)
	}
	return a, nil
}

func illegal(a *agent, to State) error {
	return errs.E(errs.Conflict, "acd: agent %d is %s and cannot become %s", a.id, a.state, to)
}

// AgentLogin makes an agent available with their skills (name to proficiency 1 to 5).
// Agents become members of queues through SetQueue, logged in or not.
func (r *Router) AgentLogin(now time.Time, id int64, skills map[string]int) ([]Action, error) {
	if id <= 0 {
		return nil, errs.Field("agent", "Member needs an agent.").WithKey("member_agent")
	}
	if err := validSkills(skills); err != nil {
		return nil, err
	}
	a := r.agent(id)
	if a.state != LoggedOut {
		return nil, illegal(a, Available)
	}
	a.skills, a.misses, a.idleSince = skills, 0, now
	r.setState(now, a, Available, "")
	r.free(now, a)
	return r.flush(), nil
}

// AgentLogout logs an agent out. A call ringing the agent goes to the next agent; an agent
// on a call must finish it first.
func (r *Router) AgentLogout(now time.Time, id int64) ([]Action, error) {
	a, err := r.known(id)
	if err != nil {
		return nil, err
	}
	if !CanMove(a.state, LoggedOut) {
		return nil, illegal(a, LoggedOut)
	}
	r.leave(now, a, LoggedOut, "")
	return r.flush(), nil
}

// Break pauses an agent with a reason code. During a call the break is taken when the
// call and its wrap-up are done; while ringing, the call goes to the next agent.
func (r *Router) Break(now time.Time, id int64, reason string) ([]Action, error) {
	if reason == "" || len(reason) > 32 {
		return nil, errs.Field("reason", "A break needs a reason code of at most 32 characters.").WithKey("break_reason")
	}
	a, err := r.known(id)
	if err != nil {
		return nil, err
	}
	switch {
	case a.state == OnCall:
		a.breakAfter = reason
	case CanMove(a.state, Break):
		r.leave(now, a, Break, reason)
	default:
		return nil, illegal(a, Break)
	}
	return r.flush(), nil
}

// leave moves an agent out of service (break or logged out), handing back a ringing call.
func (r *Router) leave(now time.Time, a *agent, to State, reason string) {
	c := a.call
	if a.state == WrapUp {
		r.endWrapUp(now, a)
	}
	a.call, a.wrapQ, a.breakAfter = nil, nil, ""
	r.setState(now, a, to, reason)
	if c != nil && c.state == offering {
		r.emit(CancelOffer{CallID: c.ID, Agent: a.id})
		r.dropOffer(now, c, a)
	}
	r.leaveIfEmpty(now, a)
}

// SetAvailable makes an agent ready: back from a break, or done with wrap-up early.
func (r *Router) SetAvailable(now time.Time, id int64) ([]Action, error) {
	a, err := r.known(id)
	if err != nil {
		return nil, err
	}
	switch a.state {
	case WrapUp:
		a.breakAfter = ""
		r.endWrapUp(now, a)
	case Break:
		a.misses = 0
	default:
		return nil, illegal(a, Available)
	}
	r.endWork(now, a)
	return r.flush(), nil
}

// CallArrived puts a call in its queue: offered at once when an agent can take it,
// otherwise waiting with music (or sent away by the queue's join rule).
func (r *Router) CallArrived(now time.Time, in Call) ([]Action, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	q := r.queues[in.Queue]
	if q == nil {
		return nil, notFound("queue", in.Queue)
	}
	if r.calls[in.ID] != nil {
		return nil, errs.E(errs.Conflict, "acd: call %s is already in the ACD", in.ID)
	}
	r.seq++
	c := &call{Call: in, seq: r.seq}
	r.calls[in.ID] = c
	r.join(now, c, q)
	return r.flush(), nil
}

func (r *Router) ringingCall(callID string, agentID int64) (*call, *agent, error) {
	c := r.calls[callID]
	if c == nil {
		return nil, nil, notFound("call", callID)
	}
	a := r.agents[agentID]
	if c.state != offering || a == nil || a.call != c || a.state != Ringing {
		return nil, nil, errs.E(errs.Conflict, "acd: call %s is not ringing agent %d", callID, agentID)
	}
	return c, a, nil
}

// Answered connects a ringing call to the agent who answered; any others ringing with it
// are cancelled and freed.
func (r *Router) Answered(now time.Time, callID string, agentID int64) ([]Action, error) {
	c, a, err := r.ringingCall(callID, agentID)
	if err != nil {
		return nil, err
	}
	others := make([]*agent, 0, len(c.ringing)-1)
	for _, o := range c.ringing {
		if o != a {
			others = append(others, o)
		}
	}
	q := c.q
	q.offering--
	q.day.Answered++
	if now.Sub(c.queuedAt) <= time.Duration(q.SLSeconds)*time.Second {
		q.day.AnsweredInSL++
	}
	c.state, c.agent, c.answeredAt, c.ringing = connected, a, now, nil
	a.misses = 0
	a.calls++
	r.setState(now, a, OnCall, "")
	for _, o := range others {
		o.call = nil
		r.emit(CancelOffer{CallID: c.ID, Agent: o.id})
		r.setState(now, o, Available, "")
	}
	for _, o := range others {
		r.free(now, o)
	}
	return r.flush(), nil
}

// NoAnswer reports that a ringing agent did not answer, declined, or could not be reached.
// It counts as a miss (see Queue.MaxMisses); the call goes to the next agent.
func (r *Router) NoAnswer(now time.Time, callID string, agentID int64) ([]Action, error) {
	c, a, err := r.ringingCall(callID, agentID)
	if err != nil {
		return nil, err
	}
	r.missed(now, c, a)
	r.dropOffer(now, c, a)
	r.free(now, a)
	if a.state == Break {
		r.leaveIfEmpty(now, a)
	}
	return r.flush(), nil
}

// CallEnded ends a connected call: the agent goes to wrap-up for the queue's wrap-up time,
// or straight on (to the next call, or to a break asked for during the call).
func (r *Router) CallEnded(now time.Time, callID string) ([]Action, error) {
	c := r.calls[callID]
	if c == nil {
		return nil, notFound("call", callID)
	}
	if c.state != connected {
		return nil, errs.E(errs.Conflict, "acd: call %s is not connected; use Abandoned", callID)
	}
	a := c.agent
	talk := now.Sub(c.answeredAt)
	a.talk += talk
	a.call = nil
	r.forget(c)
	if c.q.WrapUpSeconds > 0 {
		a.wrapQ, a.wrapTalk = c.q, talk
		r.setState(now, a, WrapUp, "")
		r.schedule(deadline{at: now.Add(time.Duration(c.q.WrapUpSeconds) * time.Second), kind: dWrapUp, a: a, gen: a.gen})
		return r.flush(), nil
	}
	c.q.handle.add(talk)
	r.endWork(now, a)
	return r.flush(), nil
}

// Abandoned removes a caller who hung up before being connected; agents ringing for the
// call are cancelled and freed.
func (r *Router) Abandoned(now time.Time, callID string) ([]Action, error) {
	c := r.calls[callID]
	if c == nil {
		return nil, notFound("call", callID)
	}
	switch c.state {
	case waiting:
		r.unqueue(c)
	case offering:
		c.q.offering--
	default:
		return nil, errs.E(errs.Conflict, "acd: call %s is connected; use CallEnded", callID)
	}
	c.q.day.Abandoned++
	r.forget(c)
	ringing := c.ringing
	c.ringing = nil
	for _, a := range ringing {
		a.call = nil
		r.emit(CancelOffer{CallID: c.ID, Agent: a.id})
		r.setState(now, a, Available, "")
	}
	for _, a := range ringing {
		r.free(now, a)
	}
	return r.flush(), nil
}
