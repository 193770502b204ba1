package acd

import (
	"container/heap"
	"slices"
	"sort"
	"time"
)

// setState moves an agent, keeping every queue's state counts and available heap in step.
func (r *Router) setState(now time.Time, a *agent, to State, reason string) {
	from := a.state
	for _, m := range a.members {
		m.q.states[from]--
		m.q.states[to]++
	}
	if from == Available && to != Available {
		for _, m := range a.members {
			m.q.avail.remove(m)
		}
	}
	a.state, a.reason, a.since = to, reason, now
	a.gen++
	if to == Available && from != Available {
		for _, m := range a.members {
			m.q.avail.push(m)
		}
	}
	var until time.Time
	if to == WrapUp {
		until = now.Add(time.Duration(a.wrapQ.WrapUpSeconds) * time.Second)
	}
	r.emit(AgentState{Agent: a.id, State: to, Reason: reason, Until: until})
}

// eligible reports whether member m may be offered call c now: its tier's escalation time
// has come, the agent has the call's skills, and has not missed it in the last
// RetrySeconds.
func eligible(now time.Time, m *member, c *call) bool {
	if !reachable(now, m, c) {
		return false
	}
	for s, min := range c.Skills {
		if m.a.skills[s] < min {
			return false
		}
	}
	return true
}

// reachable is eligible without the skills.
func reachable(now time.Time, m *member, c *call) bool {
	if m.Tier > 1 && now.Sub(c.queuedAt) < time.Duration(m.q.tierSeconds(m.Tier))*time.Second {
		return false
	}
	return !c.tried[m.a.id] || !now.Before(c.retryAt)
}

// skillScore is member m's queue proficiency plus its levels in c's skills, and whether
// m is eligible for c (the same test as eligible, with one map lookup per skill).
func skillScore(now time.Time, m *member, c *call) (int, bool) {
	score := m.Proficiency
	if !reachable(now, m, c) {
		return 0, false
	}
	for s, min := range c.Skills {
		v := m.a.skills[s]
		if v < min {
			return 0, false
		}
		score += v
	}
	return score, true
}

// pick chooses the agents to offer c to now, or none.
func (r *Router) pick(now time.Time, c *call) []*agent {
	q := c.q
	if m := q.members[c.PreferAgent]; m != nil && m.idx >= 0 && eligible(now, m, c) {
		return []*agent{m.a}
	}
	switch {
	case q.Strategy == RingAll:
		var out []*agent
		for _, m := range q.avail.items {
			if eligible(now, m, c) {
				out = append(out, m.a)
			}
		}
		return out
	case q.Strategy == BestSkill && len(c.Skills) > 0:
		// The match adds the call's skills to the queue proficiency, so it cannot be
		// indexed: every available member is scored (ties go to the queue's order).
		var best *member
		bestScore := 0
		for _, m := range q.avail.items {
			score, ok := skillScore(now, m, c)
			if ok && (best == nil || score > bestScore || score == bestScore && q.avail.less(m, best)) {
				best, bestScore = m, score
			}
		}
		if best != nil {
			return []*agent{best.a}
		}
		return nil
	}
	if m := q.avail.first(&r.buf, func(m *member) bool { return eligible(now, m, c) }); m != nil {
		return []*agent{m.a}
	}
	return nil
}

// route offers a waiting call (queued: in the waiting list) if an agent can take it.
func (r *Router) route(now time.Time, c *call) bool {
	agents := r.pick(now, c)
	if len(agents) == 0 {
		return false
	}
	r.unqueue(c)
	r.offer(now, c, agents)
	return true
}

func (r *Router) offer(now time.Time, c *call, agents []*agent) {
	c.state = offering
	c.gen++
	c.ringing = agents
	c.q.offering++
	ids := make([]int64, len(agents))
	for i, a := range agents {
		ids[i] = a.id
		a.call = c
		if m := c.q.members[a.id]; m != nil {
			r.seq++
			m.lastOffer = r.seq
		}
		r.setState(now, a, Ringing, "")
	}
	ring := c.q.RingSeconds
	if ring == 0 {
		ring = DefaultRingSeconds
	}
	timeout := time.Duration(ring) * time.Second
	r.schedule(deadline{at: now.Add(timeout), kind: dRing, c: c, gen: c.gen})
	pub := c.Call
	pub.Queue = c.q.Code
	r.emit(Offer{Call: pub, Agents: ids, Timeout: timeout})
}

// enqueue puts a call that is not ringing anyone in the waiting list.
func (r *Router) enqueue(c *call) {
	w := c.q.waiting
	i := sort.Search(len(w), func(i int) bool { return callLess(c, w[i]) })
	c.q.waiting = slices.Insert(w, i, c)
	c.state = waiting
}

// position returns a waiting call's index in its queue.
func position(c *call) int {
	w := c.q.waiting
	return sort.Search(len(w), func(i int) bool { return !callLess(w[i], c) })
}

func (r *Router) unqueue(c *call) {
	i := position(c)
	c.q.waiting = slices.Delete(c.q.waiting, i, i+1)
}

// join puts a call in queue q: the join rule, music, deadlines, and an offer if an agent
// can take it at once.
func (r *Router) join(now time.Time, c *call, q *queue) {
	c.q, c.queuedAt, c.tried = q, now, nil
	c.visit++
	c.visited = append(c.visited, q.Code)
	if q.empty(q.JoinEmpty) {
		q.day.Refused++
		r.exit(now, c, ReasonJoinEmpty)
		return
	}
	q.day.Offered++
	r.emit(MusicOnHold{CallID: c.ID, Queue: q.Code, Class: q.MusicOnHold})
	if q.MaxWaitSeconds > 0 {
		r.schedule(deadline{at: c.maxWaitAt(), kind: dMaxWait, c: c, gen: c.visit})
	}
	for _, s := range []int{q.Tier2Seconds, q.Tier3Seconds} {
		if s > 0 {
			r.schedule(deadline{at: now.Add(time.Duration(s) * time.Second), kind: dTier, c: c, gen: c.visit})
		}
	}
	if q.AnnounceSeconds > 0 {
		r.schedule(deadline{at: now.Add(time.Duration(q.AnnounceSeconds) * time.Second), kind: dAnnounce, c: c, gen: c.visit})
	}
	c.state = waiting
	if agents := r.pick(now, c); len(agents) > 0 {
		r.offer(now, c, agents)
		return
	}
	r.enqueue(c)
	if q.AnnounceSeconds > 0 {
		r.announce(c)
	}
}

func (c *call) maxWaitAt() time.Time {
	return c.queuedAt.Add(time.Duration(c.q.MaxWaitSeconds) * time.Second)
}

// requeue handles a call whose offer failed: the next agent, or back to waiting.
func (r *Router) requeue(now time.Time, c *call) {
	c.q.offering--
	c.ringing = nil
	if c.q.MaxWaitSeconds > 0 && !now.Before(c.maxWaitAt()) {
		r.exit(now, c, ReasonMaxWait)
		return
	}
	if agents := r.pick(now, c); len(agents) > 0 {
		r.offer(now, c, agents)
		return
	}
	if c.q.empty(c.q.LeaveEmpty) {
		r.exit(now, c, ReasonLeaveEmpty)
		return
	}
	r.enqueue(c)
	if now.Before(c.retryAt) {
		r.schedule(deadline{at: c.retryAt, kind: dRetry, c: c, gen: c.visit})
	}
}

// exit carries out the queue's exit action for a call that is neither waiting nor ringing.
func (r *Router) exit(now time.Time, c *call, reason ExitReason) {
	q := c.q
	if reason != ReasonJoinEmpty {
		q.day.Exited++
	}
	switch q.Exit() {
	case ExitOverflow:
		if to := r.queues[q.OverflowQueue]; to != nil && !slices.Contains(c.visited, to.Code) {
			r.emit(Overflow{CallID: c.ID, From: q.Code, To: to.Code, Reason: reason})
			r.join(now, c, to)
			return
		}
		r.emit(Voicemail{CallID: c.ID, Queue: q.Code, Reason: reason})
	case ExitCallback:
		r.emit(Callback{CallID: c.ID, Queue: q.Code, Reason: reason})
	default:
		r.emit(Voicemail{CallID: c.ID, Queue: q.Code, Reason: reason})
	}
	r.forget(c)
}

func (r *Router) forget(c *call) {
	c.state = gone
	delete(r.calls, c.ID)
}

// empty reports whether the queue counts as empty under rule.
func (q *queue) empty(rule EmptyRule) bool {
	in := len(q.members) - q.states[LoggedOut]
	switch rule {
	case EmptyNoAgents:
		return in == 0
	case EmptyNoActive:
		return in-q.states[Break] == 0
	}
	return false
}

// leaveIfEmpty sends away the waiting callers of the agent's queues that became empty.
func (r *Router) leaveIfEmpty(now time.Time, a *agent) {
	for _, m := range slices.Clone(a.members) {
		q := m.q
		if len(q.waiting) == 0 || !q.empty(q.LeaveEmpty) {
			continue
		}
		calls := q.waiting
		q.waiting = nil
		for _, c := range calls {
			r.exit(now, c, ReasonLeaveEmpty)
		}
	}
}

// free offers an available agent the best call waiting in any of its queues: queue
// priority, then call priority and VIP level, then the longest wait.
func (r *Router) free(now time.Time, a *agent) {
	if a.state != Available {
		return
	}
	var best *call
	for _, m := range a.members {
		for _, c := range m.q.waiting {
			if best != nil && !before(c, best) {
				break // the rest of this queue comes after best too
			}
			if eligible(now, m, c) {
				best = c
				break
			}
		}
	}
	if best != nil {
		r.unqueue(best)
		r.offer(now, best, []*agent{a})
	}
}

// missed handles an agent that did not answer an offer of c.
func (r *Router) missed(now time.Time, c *call, a *agent) {
	a.call = nil
	a.misses++
	if c.tried == nil {
		c.tried = map[int64]bool{}
	}
	c.tried[a.id] = true
	c.retryAt = now.Add(RetrySeconds * time.Second)
	if q := c.q; q.MaxMisses > 0 && a.misses >= q.MaxMisses {
		r.setState(now, a, Break, ReasonNoAnswer)
		return
	}
	r.setState(now, a, Available, "")
}

// dropOffer takes agent a out of c's offer; when nobody is left ringing, the call is
// requeued.
func (r *Router) dropOffer(now time.Time, c *call, a *agent) {
	c.ringing = slices.DeleteFunc(c.ringing, func(x *agent) bool { return x == a })
	if len(c.ringing) == 0 {
		r.requeue(now, c)
	}
}

// endWork ends an agent's call work: a break asked for during the call, or available.
func (r *Router) endWork(now time.Time, a *agent) {
	a.call, a.wrapQ = nil, nil
	if a.breakAfter != "" {
		reason := a.breakAfter
		a.breakAfter = ""
		r.setState(now, a, Break, reason)
		r.leaveIfEmpty(now, a)
		return
	}
	a.idleSince = now
	r.setState(now, a, Available, "")
	r.free(now, a)
}

// endWrapUp records the handle time of the call an agent wrapped up.
func (r *Router) endWrapUp(now time.Time, a *agent) {
	a.wrapQ.handle.add(a.wrapTalk + now.Sub(a.since))
}

func (r *Router) announce(c *call) {
	pos := position(c) + 1
	wait, ok := c.q.estimate(pos)
	r.emit(Announce{CallID: c.ID, Queue: c.q.Code, Position: pos, Wait: wait, WaitKnown: ok})
}

// NextDeadline returns when Tick must next be called, if ever.
func (r *Router) NextDeadline() (time.Time, bool) {
	for len(r.deadlines) > 0 {
		if d := r.deadlines[0]; r.valid(d) {
			return d.at, true
		}
		heap.Pop(&r.deadlines)
	}
	return time.Time{}, false
}

func (r *Router) valid(d deadline) bool {
	switch d.kind {
	case dRing:
		return d.c.state == offering && d.c.gen == d.gen
	case dWrapUp:
		return d.a.state == WrapUp && d.a.gen == d.gen
	case dRetry:
		return d.c.state == waiting && d.c.visit == d.gen && d.at.Equal(d.c.retryAt)
	case dAnnounce:
		return (d.c.state == waiting || d.c.state == offering) && d.c.visit == d.gen
	}
	return d.c.state == waiting && d.c.visit == d.gen // dMaxWait, dTier
}

// Tick carries out everything due at now: ring timeouts (the next agent is tried, misses
// are counted), maximum waits, tier escalation, announcements, retries and wrap-up ends.
func (r *Router) Tick(now time.Time) []Action {
	for len(r.deadlines) > 0 && !r.deadlines[0].at.After(now) {
		d := heap.Pop(&r.deadlines).(deadline)
		if !r.valid(d) {
			continue
		}
		c := d.c
		switch d.kind {
		case dRing:
			ringing := c.ringing
			c.ringing = nil
			for _, a := range ringing {
				r.emit(CancelOffer{CallID: c.ID, Agent: a.id})
				r.missed(now, c, a)
			}
			r.requeue(now, c)
			for _, a := range ringing {
				r.free(now, a)
			}
			for _, a := range ringing {
				if a.state == Break {
					r.leaveIfEmpty(now, a)
				}
			}
		case dMaxWait:
			r.unqueue(c)
			r.exit(now, c, ReasonMaxWait)
		case dTier:
			r.route(now, c)
		case dRetry:
			r.route(now, c)
		case dAnnounce:
			if c.state == waiting {
				r.announce(c)
			}
			next := d.at.Add(time.Duration(c.q.AnnounceSeconds) * time.Second)
			if !next.After(now) {
				next = now.Add(time.Duration(c.q.AnnounceSeconds) * time.Second)
			}
			r.schedule(deadline{at: next, kind: dAnnounce, c: c, gen: d.gen})
		case dWrapUp:
			r.endWrapUp(now, d.a)
			r.endWork(now, d.a)
		}
	}
	return r.flush()
}
