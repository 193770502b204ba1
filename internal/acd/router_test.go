package acd

import (
	"slices"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

// TestStrategies gives three agents different idle times, orders, proficiencies, call
// counts and talk times, and checks whom each strategy picks for two calls in a row.
func TestStrategies(t *testing.T) {
	tests := []struct {
		strategy      Strategy
		first, second string
	}{
		{LongestIdle, "c1>1", "c2>2"},   // logged in first
		{RoundRobin, "c1>2", "c2>3"},    // by order, nobody offered yet
		{FewestCalls, "c1>2", "c2>3"},   // 1 call, then 3
		{LeastTalkTime, "c1>3", "c2>1"}, // 10 s, then 100 s
		{TopDown, "c1>2", "c2>3"},       // order 0, then 1
		{BestSkill, "c1>2", "c2>3"},     // proficiency 5, then 3
		{RingAll, "c1>1,2,3", ""},       // everybody, so nobody is left
	}
	for _, tt := range tests {
		t.Run(string(tt.strategy), func(t *testing.T) {
			f := newFixture(t)
			f.queue(t0, queueOf("q", tt.strategy), []Member{
				{Agent: 1, Proficiency: 2, Tier: 1, Order: 2},
				{Agent: 2, Proficiency: 5, Tier: 1, Order: 0},
				{Agent: 3, Proficiency: 3, Tier: 1, Order: 1},
			})
			for i, id := range []int64{1, 2, 3} {
				f.login(at(i), id)
			}
			for id, h := range map[int64]struct {
				calls int
				talk  time.Duration
			}{1: {5, sec(100)}, 2: {1, sec(500)}, 3: {3, sec(10)}} {
				f.r.agents[id].calls, f.r.agents[id].talk = h.calls, h.talk
			}
			f.r.queues["q"].avail.init()
			if got := offer(t, f.arrive(at(10), Call{ID: "c1", Queue: "q"})); got != tt.first {
				t.Fatalf("first call: %s, want %s", got, tt.first)
			}
			if got := offer(t, f.arrive(at(11), Call{ID: "c2", Queue: "q"})); got != tt.second {
				t.Fatalf("second call: %s, want %s", got, tt.second)
			}
		})
	}
}

// setup returns a fixture with queue "q" of the given strategy, settings and members.
func setup(t *testing.T, s Strategy, edit func(q *Queue), ids ...int64) *fixture {
	f := newFixture(t)
	q := queueOf("q", s)
	edit(&q)
	f.queue(t0, q, members(ids...))
	return f
}

// TestRoundRobinRotates checks that round robin moves on past the agent offered last,
// whoever answers and frees up.
func TestRoundRobinRotates(t *testing.T) {
	f := newFixture(t)
	f.queue(t0, queueOf("q", RoundRobin), members(1, 2, 3))
	f.login(t0, 3, 2, 1)
	var got []string
	for i, id := range []string{"a", "b", "c", "d", "e"} {
		now := at(10 * i)
		o := only[Offer](f.arrive(now, Call{ID: id, Queue: "q"}))
		got = append(got, ids(o[0].Agents))
		f.ok(f.r.Answered(now, id, o[0].Agents[0]))
		f.ok(f.r.CallEnded(now.Add(sec(5)), id))
	}
	if want := []string{"1", "2", "3", "1", "2"}; !slices.Equal(got, want) {
		t.Fatalf("round robin %v, want %v", got, want)
	}
}

func TestSkills(t *testing.T) {
	tests := []struct {
		name     string
		strategy Strategy
		skills   map[string]int
		want     string
	}{
		{"no skills needed", LongestIdle, nil, "c>1"},
		{"only agent 3 speaks english well", LongestIdle, map[string]int{"en": 4}, "c>3"},
		{"cantonese at 2: agents 1 and 3, 1 idle longer", LongestIdle, map[string]int{"yue": 2}, "c>1"},
		{"nobody has both", LongestIdle, map[string]int{"en": 4, "yue": 5}, ""},
		{"best skill scores queue plus call skills", BestSkill, map[string]int{"en": 1, "yue": 1}, "c>3"},
		{"best skill without call skills uses queue proficiency", BestSkill, nil, "c>2"},
		{"ring all rings only the skilled", RingAll, map[string]int{"yue": 1}, "c>1,3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.queue(t0, queueOf("q", tt.strategy), []Member{
				{Agent: 1, Proficiency: 1, Tier: 1}, {Agent: 2, Proficiency: 4, Tier: 1}, {Agent: 3, Proficiency: 2, Tier: 1},
			})
			f.ok(f.r.AgentLogin(at(0), 1, map[string]int{"en": 2, "yue": 5}))
			f.ok(f.r.AgentLogin(at(1), 2, nil))
			f.ok(f.r.AgentLogin(at(2), 3, map[string]int{"en": 5, "yue": 2}))
			if got := offer(t, f.arrive(at(10), Call{ID: "c", Queue: "q", Skills: tt.skills})); got != tt.want {
				t.Fatalf("offer %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRingTimeoutTriesNextAgent(t *testing.T) {
	f := setup(t, LongestIdle, func(q *Queue) { q.RingSeconds = 15 }, 1, 2)
	f.login(at(0), 1)
	f.login(at(1), 2)
	acts := f.arrive(at(10), Call{ID: "c", Queue: "q"})
	if o := only[Offer](acts); len(o) != 1 || o[0].Timeout != sec(15) || ids(o[0].Agents) != "1" || o[0].Call.Queue != "q" {
		t.Fatalf("offer %+v", o)
	}
	if d, ok := f.r.NextDeadline(); !ok || !d.Equal(at(25)) {
		t.Fatalf("deadline %v %v", d, ok)
	}
	if acts := f.tick(at(24)); len(acts) != 0 {
		t.Fatalf("early tick %v", acts)
	}
	acts = f.tick(at(25))
	if c := only[CancelOffer](acts); len(c) != 1 || c[0] != (CancelOffer{"c", 1}) || offer(t, acts) != "c>2" {
		t.Fatalf("timeout %v", acts)
	}
	if s, _ := f.r.Agent(1); s.Misses != 1 || s.State != Available {
		t.Fatalf("agent 1 %+v", s)
	}
	// Agent 2 declines: nobody untried is left, so the call waits and retries later.
	acts = f.ok(f.r.NoAnswer(at(30), "c", 2))
	if len(offers(acts)) != 0 || len(f.r.queues["q"].waiting) != 1 {
		t.Fatalf("after decline %v", acts)
	}
	if d, _ := f.r.NextDeadline(); !d.Equal(at(30 + RetrySeconds)) {
		t.Fatalf("retry at %v", d)
	}
	if got := offer(t, f.tick(at(35))); got != "c>1" {
		t.Fatalf("retry offer %q", got)
	}
	f.ok(f.r.Answered(at(36), "c", 1))
	if s, _ := f.r.Agent(1); s.Misses != 0 || s.State != OnCall || s.CallID != "c" {
		t.Fatalf("answer resets misses %+v", s)
	}
}

func TestAutoPauseAfterMisses(t *testing.T) {
	tests := []struct {
		maxMisses int
		want      State
	}{{0, Available}, {3, Available}, {2, Break}, {1, Break}}
	for _, tt := range tests {
		f := newFixture(t)
		q := queueOf("q", LongestIdle)
		q.MaxMisses = tt.maxMisses
		f.queue(t0, q, members(1))
		f.login(t0, 1)
		f.arrive(at(1), Call{ID: "a", Queue: "q"})
		f.ok(f.r.NoAnswer(at(2), "a", 1))
		var acts []Action
		if tt.maxMisses != 1 {
			f.ok(f.r.Abandoned(at(3), "a"))
			f.arrive(at(4), Call{ID: "b", Queue: "q"})
			acts = f.tick(at(4 + DefaultRingSeconds))
		}
		if got := f.state(1); got != tt.want {
			t.Fatalf("max misses %d: agent is %s, want %s", tt.maxMisses, got, tt.want)
		}
		if tt.want == Break {
			if s, _ := f.r.Agent(1); s.Reason != ReasonNoAnswer {
				t.Fatalf("reason %q", s.Reason)
			}
			if tt.maxMisses == 2 && !slices.Contains(only[AgentState](acts), AgentState{Agent: 1, State: Break, Reason: ReasonNoAnswer}) {
				t.Fatalf("pause not reported %v", acts)
			}
			// Back from the pause, the agent gets the waiting call at once.
			acts := f.ok(f.r.SetAvailable(at(100), 1))
			if len(offers(acts)) != 1 {
				t.Fatalf("after pause %v", acts)
			}
		}
	}
}

func TestMaxWait(t *testing.T) {
	tests := []struct {
		name     string
		action   ExitAction
		overflow string
		want     Action
		offer    string
	}{
		{"voicemail by default", "", "", Voicemail{CallID: "c", Queue: "a", Reason: ReasonMaxWait}, ""},
		{"voicemail", ExitVoicemail, "", Voicemail{CallID: "c", Queue: "a", Reason: ReasonMaxWait}, ""},
		{"callback", ExitCallback, "", Callback{CallID: "c", Queue: "a", Reason: ReasonMaxWait}, ""},
		{"overflow", ExitOverflow, "b", Overflow{CallID: "c", From: "a", To: "b", Reason: ReasonMaxWait}, "c>2"},
		{"overflow to an unknown queue", ExitOverflow, "nowhere", Voicemail{CallID: "c", Queue: "a", Reason: ReasonMaxWait}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			qa := queueOf("a", LongestIdle)
			qa.MaxWaitSeconds, qa.MaxWaitAction, qa.OverflowQueue = 60, tt.action, tt.overflow
			f.queue(t0, qa, members(1))
			f.queue(t0, queueOf("b", LongestIdle), members(2))
			f.login(t0, 2)
			f.arrive(at(0), Call{ID: "c", Queue: "a"})
			if acts := f.tick(at(59)); len(acts) != 0 {
				t.Fatalf("early %v", acts)
			}
			acts := f.tick(at(60))
			if !slices.Contains(acts, tt.want) {
				t.Fatalf("actions %v, want %v", acts, tt.want)
			}
			if got := offer(t, acts); got != tt.offer {
				t.Fatalf("offer %q, want %q", got, tt.offer)
			}
			if f.r.queues["a"].day.Exited != 1 {
				t.Fatal("exit not counted")
			}
			_, err := f.r.Abandoned(at(61), "c")
			if gone := errs.Is(err, errs.NotFound); gone != (tt.offer == "") {
				t.Fatalf("call gone %v: %v", gone, err)
			}
		})
	}
}

// TestOverflowLoop: a -> b -> a is cut short with voicemail in b.
func TestOverflowLoop(t *testing.T) {
	f := newFixture(t)
	for _, p := range [][2]string{{"a", "b"}, {"b", "a"}} {
		q := queueOf(p[0], LongestIdle)
		q.MaxWaitSeconds, q.MaxWaitAction, q.OverflowQueue, q.MusicOnHold = 10, ExitOverflow, p[1], "moh-"+p[0]
		f.queue(t0, q, nil)
	}
	acts := f.arrive(at(0), Call{ID: "c", Queue: "a"})
	if m := only[MusicOnHold](acts); len(m) != 1 || m[0].Class != "moh-a" {
		t.Fatalf("music %v", acts)
	}
	acts = f.tick(at(10))
	if m := only[MusicOnHold](acts); len(only[Overflow](acts)) != 1 || len(m) != 1 || m[0].Class != "moh-b" {
		t.Fatalf("first overflow %v", acts)
	}
	// The wait in b is counted from the overflow.
	if acts := f.tick(at(19)); len(acts) != 0 {
		t.Fatalf("early %v", acts)
	}
	acts = f.tick(at(20))
	if want := (Voicemail{CallID: "c", Queue: "b", Reason: ReasonMaxWait}); len(acts) != 1 || acts[0] != want {
		t.Fatalf("loop %v", acts)
	}
}

// TestMaxWaitWhileRinging: a call ringing at its maximum wait is not pulled away; if
// that offer fails, the call leaves instead of waiting again.
func TestMaxWaitWhileRinging(t *testing.T) {
	f := setup(t, LongestIdle, func(q *Queue) { q.MaxWaitSeconds, q.MaxWaitAction, q.RingSeconds = 30, ExitCallback, 10 }, 1, 2)
	f.arrive(at(0), Call{ID: "c", Queue: "q"})
	f.login(at(25), 1, 2)
	if acts := f.tick(at(30)); len(acts) != 0 {
		t.Fatalf("pulled while ringing %v", acts)
	}
	acts := f.tick(at(35))
	if len(only[Callback](acts)) != 1 || len(offers(acts)) != 0 {
		t.Fatalf("after failed offer %v", acts)
	}
}

func TestTierEscalation(t *testing.T) {
	f := newFixture(t)
	q := queueOf("q", LongestIdle)
	q.Tier2Seconds, q.Tier3Seconds = 30, 60
	f.queue(t0, q, []Member{{Agent: 1, Proficiency: 3, Tier: 1}, {Agent: 2, Proficiency: 3, Tier: 2}, {Agent: 3, Proficiency: 5, Tier: 3}})
	f.login(t0, 2, 3)
	if got := offer(t, f.arrive(at(0), Call{ID: "a", Queue: "q"})); got != "" {
		t.Fatalf("tier 2 offered at once: %s", got)
	}
	if acts := f.tick(at(29)); len(acts) != 0 {
		t.Fatalf("early %v", acts)
	}
	if got := offer(t, f.tick(at(30))); got != "a>2" {
		t.Fatalf("at 30 s: %q", got)
	}
	f.ok(f.r.Answered(at(31), "a", 2))
	// A second call waits for tier 3, who is offered it when its 60 s are up.
	f.arrive(at(40), Call{ID: "b", Queue: "q"})
	if acts := f.tick(at(70)); len(offers(acts)) != 0 {
		t.Fatalf("tier 2 busy, tier 3 not yet: %v", acts)
	}
	if got := offer(t, f.tick(at(100))); got != "b>3" {
		t.Fatalf("at 60 s: %q", got)
	}
	// Tier 1 is offered calls at once; an agent freeing up takes only calls its tier may take.
	f.ok(f.r.Answered(at(101), "b", 3))
	f.arrive(at(110), Call{ID: "c", Queue: "q"})
	f.ok(f.r.CallEnded(at(120), "a")) // agent 2 is free, but c has waited only 10 s
	if f.state(2) != Available {
		t.Fatal("agent 2 took a call too early")
	}
	if got := offer(t, f.login(at(121), 1)); got != "c>1" {
		t.Fatalf("tier 1: %q", got)
	}
}

func TestCallOrder(t *testing.T) {
	f := setup(t, LongestIdle, func(q *Queue) { q.AnnounceSeconds = 60 }, 1)
	calls := []Call{
		{ID: "plain", Queue: "q"},
		{ID: "vip2", Queue: "q", VIP: 2},
		{ID: "urgent", Queue: "q", Priority: 1},
		{ID: "vip2-later", Queue: "q", VIP: 2},
		{ID: "vip1", Queue: "q", VIP: 1},
	}
	var positions []int
	for i, c := range calls {
		acts := f.arrive(at(i), c)
		positions = append(positions, only[Announce](acts)[0].Position)
	}
	if want := []int{1, 1, 1, 3, 4}; !slices.Equal(positions, want) {
		t.Fatalf("positions at join %v, want %v", positions, want)
	}
	var order []string
	f.login(at(10), 1)
	for i := range calls {
		c := f.r.agents[1].call
		order = append(order, c.ID)
		f.ok(f.r.Answered(at(20+i), c.ID, 1))
		f.ok(f.r.CallEnded(at(21+i), c.ID))
	}
	if want := []string{"urgent", "vip2", "vip2-later", "vip1", "plain"}; !slices.Equal(order, want) {
		t.Fatalf("order %v, want %v", order, want)
	}
}

func TestRingAllAnswered(t *testing.T) {
	f := newFixture(t)
	f.queue(t0, queueOf("q", RingAll), members(1, 2, 3))
	f.login(t0, 1, 2, 3)
	if got := offer(t, f.arrive(at(1), Call{ID: "a", Queue: "q"})); got != "a>1,2,3" {
		t.Fatalf("ring all %q", got)
	}
	f.arrive(at(2), Call{ID: "b", Queue: "q"})
	acts := f.ok(f.r.Answered(at(3), "a", 2))
	cancels := only[CancelOffer](acts)
	if len(cancels) != 2 || cancels[0] != (CancelOffer{"a", 1}) || cancels[1] != (CancelOffer{"a", 3}) {
		t.Fatalf("cancels %v", acts)
	}
	// The waiting call rings the first freed agent; the other stays available, no misses.
	if got := offer(t, acts); got != "b>1" || f.state(3) != Available || f.r.agents[1].misses != 0 {
		t.Fatalf("after answer %v", acts)
	}
	f.fails(errs.Conflict)(f.r.Answered(at(4), "a", 1))
}

func TestEmptyRules(t *testing.T) {
	tests := []struct {
		name       string
		join       EmptyRule
		leave      EmptyRule
		setup      func(f *fixture)
		refused    bool
		thenLogout bool // agents log out while the call waits
		sentAway   bool
	}{
		{"join ignores", EmptyIgnore, EmptyIgnore, func(f *fixture) {}, false, true, false},
		{"nobody logged in", EmptyNoAgents, "", func(f *fixture) {}, true, false, false},
		{"on break counts as logged in", EmptyNoAgents, "", breakAll, false, false, false},
		{"on break does not count as active", EmptyNoActive, "", breakAll, true, false, false},
		{"leave when all log out", "", EmptyNoAgents, breakAll, false, true, true},
		{"break is enough to leave", "", EmptyNoActive, busy, false, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			q := queueOf("q", LongestIdle)
			q.JoinEmpty, q.LeaveEmpty, q.MaxWaitAction = tt.join, tt.leave, ExitCallback
			f.queue(t0, q, members(1, 2))
			tt.setup(f)
			acts := f.arrive(at(10), Call{ID: "c", Queue: "q"})
			want := Callback{CallID: "c", Queue: "q", Reason: ReasonJoinEmpty}
			if got := slices.Contains(acts, Action(want)); got != tt.refused {
				t.Fatalf("refused %v: %v", got, acts)
			}
			if tt.refused {
				if f.r.queues["q"].day.Refused != 1 || len(only[MusicOnHold](acts)) != 0 {
					t.Fatal("refusal not counted")
				}
				return
			}
			var later []Action
			for _, id := range []int64{1, 2} {
				if tt.thenLogout && f.state(id) != LoggedOut {
					later = append(later, f.ok(f.r.AgentLogout(at(20), id))...)
				}
				if !tt.thenLogout && f.state(id) == OnCall {
					later = append(later, f.ok(f.r.Break(at(20), id, "lunch"))...)
					f.ok(f.r.CallEnded(at(21), "busy"+string(rune('0'+id))))
					later = append(later, f.r.Tick(at(60))...)
				}
			}
			want = Callback{CallID: "c", Queue: "q", Reason: ReasonLeaveEmpty}
			if got := slices.Contains(later, Action(want)); got != tt.sentAway {
				t.Fatalf("sent away %v: %v", got, later)
			}
		})
	}
}

func breakAll(f *fixture) {
	for _, id := range []int64{1, 2} {
		f.login(t0, id)
		f.ok(f.r.Break(t0, id, "meeting"))
	}
}

// busy puts both agents on calls from another queue.
func busy(f *fixture) {
	o := queueOf("other", LongestIdle)
	o.WrapUpSeconds = 5
	f.queue(t0, o, members(1, 2))
	f.login(t0, 1, 2)
	for _, id := range []int64{1, 2} {
		c := "busy" + string(rune('0'+id))
		f.arrive(t0, Call{ID: c, Queue: "other"})
		f.ok(f.r.Answered(t0, c, id))
	}
}

func TestAnnouncements(t *testing.T) {
	f := setup(t, LongestIdle, func(q *Queue) { q.AnnounceSeconds = 30 }, 1)
	f.login(t0, 1)
	// One handled call of 100 s talk + 20 s wrap-up teaches the queue its handle time.
	f.arrive(t0, Call{ID: "x", Queue: "q"})
	f.ok(f.r.Answered(t0, "x", 1))
	acts := f.arrive(at(1), Call{ID: "a", Queue: "q"})
	if a := only[Announce](acts); len(a) != 1 || a[0].WaitKnown {
		t.Fatalf("before any handled call %v", acts)
	}
	f.ok(f.r.CallEnded(at(100), "x")) // no wrap-up in q: the agent takes "a" at once
	f.ok(f.r.Answered(at(101), "a", 1))
	acts = f.arrive(at(102), Call{ID: "b", Queue: "q"})
	f.arrive(at(103), Call{ID: "c", Queue: "q"})
	if a := only[Announce](acts); len(a) != 1 || a[0] != (Announce{CallID: "b", Queue: "q", Position: 1, Wait: sec(100), WaitKnown: true}) {
		t.Fatalf("join %v", acts)
	}
	// 30 s later each caller hears it again; c moved up after b hung up.
	f.ok(f.r.Abandoned(at(120), "b"))
	acts = f.tick(at(133))
	if a := only[Announce](acts); len(a) != 1 || a[0].CallID != "c" || a[0].Position != 1 {
		t.Fatalf("interval %v", acts)
	}
	if d, _ := f.r.NextDeadline(); !d.Equal(at(163)) {
		t.Fatalf("next announcement %v", d)
	}
	// A late tick does not burst: the next one is an interval after the late one.
	f.tick(at(200))
	if d, _ := f.r.NextDeadline(); !d.Equal(at(230)) {
		t.Fatalf("after late tick %v", d)
	}
}

func TestWrapUp(t *testing.T) {
	f := setup(t, LongestIdle, func(q *Queue) { q.WrapUpSeconds = 30 }, 1)
	f.login(t0, 1)
	f.arrive(at(0), Call{ID: "a", Queue: "q"})
	f.ok(f.r.Answered(at(5), "a", 1))
	f.arrive(at(10), Call{ID: "b", Queue: "q"})
	acts := f.ok(f.r.CallEnded(at(65), "a"))
	if s := only[AgentState](acts); len(s) != 1 || s[0] != (AgentState{Agent: 1, State: WrapUp, Until: at(95)}) {
		t.Fatalf("wrap-up %v", acts)
	}
	if got := offer(t, f.tick(at(94))); got != "" {
		t.Fatalf("offered during wrap-up %q", got)
	}
	if got := offer(t, f.tick(at(95))); got != "b>1" {
		t.Fatalf("after wrap-up %q", got)
	}
	if aht, _ := f.r.queues["q"].handle.average(); aht != sec(90) {
		t.Fatalf("handle time %v", aht)
	}
	// Done early: SetAvailable ends wrap-up, and the stale deadline does nothing.
	f.ok(f.r.Answered(at(96), "b", 1))
	f.ok(f.r.CallEnded(at(100), "b"))
	f.ok(f.r.SetAvailable(at(110), 1))
	if f.state(1) != Available {
		t.Fatal("not available")
	}
	if acts := f.tick(at(130)); len(acts) != 0 {
		t.Fatalf("stale wrap-up deadline %v", acts)
	}
	if _, ok := f.r.NextDeadline(); ok {
		t.Fatal("deadline left")
	}
	// Logging out during wrap-up ends it (and records the handle time).
	f.arrive(at(150), Call{ID: "l", Queue: "q"})
	f.ok(f.r.Answered(at(151), "l", 1))
	f.ok(f.r.CallEnded(at(160), "l"))
	f.ok(f.r.AgentLogout(at(170), 1))
	if aht, _ := f.r.queues["q"].handle.average(); f.state(1) != LoggedOut || aht != (sec(90)+sec(14)+sec(19))/3 {
		t.Fatalf("logout in wrap-up: %s, handle %v", f.state(1), aht)
	}
	f.login(at(199), 1)
	// A break asked for during a call starts after wrap-up.
	f.arrive(at(200), Call{ID: "c", Queue: "q"})
	f.ok(f.r.Answered(at(201), "c", 1))
	f.ok(f.r.Break(at(202), 1, "lunch"))
	if s, _ := f.r.Agent(1); s.State != OnCall || s.BreakAfter != "lunch" {
		t.Fatalf("pending break %+v", s)
	}
	f.ok(f.r.CallEnded(at(210), "c"))
	f.tick(at(240))
	if s, _ := f.r.Agent(1); s.State != Break || s.Reason != "lunch" {
		t.Fatalf("break after wrap-up %+v", s)
	}
}

func TestMultiQueueAgent(t *testing.T) {
	tests := []struct {
		name       string
		lowPrio    int
		calls      []Call
		wantFirst  string
		wantSecond string
	}{
		{"queue priority beats wait", 0, []Call{{ID: "low-old", Queue: "low"}, {ID: "high-new", Queue: "high"}}, "high-new", "low-old"},
		{"equal queues: longest wait", 5, []Call{{ID: "low-old", Queue: "low"}, {ID: "high-new", Queue: "high"}}, "low-old", "high-new"},
		{"equal queues: VIP first", 5, []Call{{ID: "low-old", Queue: "low"}, {ID: "high-vip", Queue: "high", VIP: 1}}, "high-vip", "low-old"},
		{"equal queues: priority first", 5, []Call{{ID: "low-urgent", Queue: "low", Priority: 2}, {ID: "high-vip", Queue: "high", VIP: 3}}, "low-urgent", "high-vip"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			low, high := queueOf("low", LongestIdle), queueOf("high", LongestIdle)
			low.Priority, high.Priority = tt.lowPrio, 5
			f.queue(t0, low, members(1))
			f.queue(t0, high, members(1))
			for i, c := range tt.calls {
				f.arrive(at(i), c)
			}
			got := offer(t, f.login(at(10), 1))
			if got != tt.wantFirst+">1" {
				t.Fatalf("first %q", got)
			}
			f.ok(f.r.Answered(at(11), tt.wantFirst, 1))
			if got := offer(t, f.ok(f.r.CallEnded(at(12), tt.wantFirst))); got != tt.wantSecond+">1" {
				t.Fatalf("second %q", got)
			}
			if s, _ := f.r.Agent(1); !slices.Equal(s.Queues, []string{"high", "low"}) {
				t.Fatalf("queues %v", s.Queues)
			}
		})
	}
}

func TestAbandon(t *testing.T) {
	f := newFixture(t)
	f.queue(t0, queueOf("q", RingAll), members(1, 2))
	f.login(t0, 1, 2)
	f.arrive(at(1), Call{ID: "a", Queue: "q"})
	f.arrive(at(2), Call{ID: "b", Queue: "q"})
	f.arrive(at(3), Call{ID: "c", Queue: "q"})
	// Abandoned while ringing both: both are cancelled and each takes a waiting call.
	acts := f.ok(f.r.Abandoned(at(4), "a"))
	if c := only[CancelOffer](acts); len(c) != 2 || !slices.Equal(offers(acts), []string{"b>1", "c>2"}) {
		t.Fatalf("abandon while ringing %v", acts)
	}
	if f.r.agents[1].misses+f.r.agents[2].misses != 0 {
		t.Fatal("abandon counted as a miss")
	}
	f.arrive(at(5), Call{ID: "d", Queue: "q"})
	acts = f.ok(f.r.Abandoned(at(6), "d"))
	if len(acts) != 0 || len(f.r.queues["q"].waiting) != 0 {
		t.Fatalf("abandon while waiting %v", acts)
	}
	st := f.r.Snapshot(at(6))[0]
	if st.Today.Abandoned != 2 || st.Today.Offered != 4 || st.Ringing != 2 || st.Agents[Ringing] != 2 {
		t.Fatalf("stats %+v", st)
	}
	f.fails(errs.NotFound)(f.r.Abandoned(at(7), "a"))
}

func TestLeaveWhileRinging(t *testing.T) {
	tests := []struct {
		name  string
		leave func(r *Router) ([]Action, error)
		state State
	}{
		{"logout", func(r *Router) ([]Action, error) { return r.AgentLogout(at(2), 1) }, LoggedOut},
		{"break", func(r *Router) ([]Action, error) { return r.Break(at(2), 1, "toilet") }, Break},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.queue(t0, queueOf("q", LongestIdle), members(1, 2))
			f.login(at(0), 1)
			f.login(at(1), 2)
			f.arrive(at(1), Call{ID: "a", Queue: "q"})
			acts := f.ok(tt.leave(f.r))
			if c := only[CancelOffer](acts); len(c) != 1 || offer(t, acts) != "a>2" || f.state(1) != tt.state {
				t.Fatalf("%v", acts)
			}
		})
	}
}

func TestPreferAgent(t *testing.T) {
	f := newFixture(t)
	f.queue(t0, queueOf("q", LongestIdle), members(1, 2, 3))
	f.login(t0, 1, 2, 3)
	if got := offer(t, f.arrive(at(1), Call{ID: "a", Queue: "q", PreferAgent: 3})); got != "a>3" {
		t.Fatalf("repeat caller %q", got)
	}
	// The preferred agent is busy (or not a member): the strategy decides.
	if got := offer(t, f.arrive(at(2), Call{ID: "b", Queue: "q", PreferAgent: 3})); got != "b>1" {
		t.Fatalf("busy preferred agent %q", got)
	}
	if got := offer(t, f.arrive(at(3), Call{ID: "c", Queue: "q", PreferAgent: 99})); got != "c>2" {
		t.Fatalf("unknown preferred agent %q", got)
	}
}

func TestErrors(t *testing.T) {
	f := setup(t, LongestIdle, func(q *Queue) { q.WrapUpSeconds = 10 }, 1, 2)
	f.login(t0, 1)
	f.arrive(at(1), Call{ID: "a", Queue: "q"})
	f.ok(f.r.Answered(at(2), "a", 1))
	f.arrive(at(3), Call{ID: "w", Queue: "q"})

	f.fails(errs.Invalid)(f.r.SetQueue(t0, Queue{}, nil))
	f.fails(errs.Invalid)(f.r.SetQueue(t0, queueOf("q", LongestIdle), []Member{{Agent: 1}}))
	f.fails(errs.Invalid)(f.r.SetQueue(t0, queueOf("q", LongestIdle), append(members(1), members(1)...)))
	f.fails(errs.Invalid)(f.r.AgentLogin(t0, 0, nil))
	f.fails(errs.Invalid)(f.r.AgentLogin(t0, 3, map[string]int{"en": 9}))
	f.fails(errs.Conflict)(f.r.AgentLogin(t0, 1, nil))
	f.fails(errs.NotFound)(f.r.AgentLogout(t0, 99))
	f.fails(errs.Conflict)(f.r.AgentLogout(t0, 1))  // on a call
	f.fails(errs.Conflict)(f.r.AgentLogout(t0, 2))  // logged out
	f.fails(errs.Conflict)(f.r.SetAvailable(t0, 1)) // on a call
	f.fails(errs.Conflict)(f.r.SetAvailable(t0, 2)) // logged out
	f.fails(errs.NotFound)(f.r.SetAvailable(t0, 99))
	f.fails(errs.Invalid)(f.r.Break(t0, 1, ""))
	f.fails(errs.NotFound)(f.r.Break(t0, 99, "lunch"))
	f.fails(errs.Conflict)(f.r.Break(t0, 2, "lunch")) // logged out
	f.fails(errs.Invalid)(f.r.CallArrived(t0, Call{ID: "x", Queue: "q"}))
	f.fails(errs.Invalid)(f.r.CallArrived(t0, Call{Queue: "q", EnteredAt: t0}))
	f.fails(errs.Invalid)(f.r.CallArrived(t0, Call{ID: "x", EnteredAt: t0}))
	f.fails(errs.Invalid)(f.r.CallArrived(t0, Call{ID: "x", Queue: "q", VIP: -1, EnteredAt: t0}))
	f.fails(errs.NotFound)(f.r.CallArrived(t0, Call{ID: "x", Queue: "nope", EnteredAt: t0}))
	f.fails(errs.Conflict)(f.r.CallArrived(t0, Call{ID: "a", Queue: "q", EnteredAt: t0}))
	f.fails(errs.NotFound)(f.r.Answered(t0, "nope", 1))
	f.fails(errs.Conflict)(f.r.Answered(t0, "a", 1)) // already connected
	f.fails(errs.Conflict)(f.r.NoAnswer(t0, "w", 1)) // waiting, not ringing
	f.fails(errs.Conflict)(f.r.Answered(t0, "w", 99))
	f.fails(errs.NotFound)(f.r.CallEnded(t0, "nope"))
	f.fails(errs.Conflict)(f.r.CallEnded(t0, "w"))
	f.fails(errs.Conflict)(f.r.Abandoned(t0, "a"))
	if err := f.r.RemoveQueue("q"); !errs.Is(err, errs.Conflict) {
		t.Fatalf("remove busy queue %v", err)
	}
	if err := f.r.RemoveQueue("nope"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("remove unknown queue %v", err)
	}
	if _, ok := f.r.Agent(99); ok {
		t.Fatal("unknown agent")
	}
}

// TestQueueChanges: new members are offered waiting calls at once, removed members leave
// the queue's indexes, and an idle queue can be removed.
func TestQueueChanges(t *testing.T) {
	f := newFixture(t)
	q := queueOf("q", LongestIdle)
	f.queue(t0, q, members(1))
	f.login(t0, 2, 3)
	f.arrive(at(1), Call{ID: "a", Queue: "q"})
	f.arrive(at(2), Call{ID: "b", Queue: "q"})
	f.arrive(at(3), Call{ID: "c", Queue: "q"})
	q.Strategy = TopDown
	acts := f.queue(at(4), q, []Member{{Agent: 3, Proficiency: 1, Tier: 1, Order: 0}, {Agent: 2, Proficiency: 1, Tier: 1, Order: 1}})
	if got := offers(acts); !slices.Equal(got, []string{"a>3", "b>2"}) {
		t.Fatalf("offers %v", got)
	}
	f.ok(f.r.Abandoned(at(5), "a"))
	f.ok(f.r.Abandoned(at(5), "b"))
	f.ok(f.r.Abandoned(at(5), "c"))
	if err := f.r.RemoveQueue("q"); err != nil {
		t.Fatal(err)
	}
	f.check()
	if s, _ := f.r.Agent(3); len(s.Queues) != 0 || s.State != Available {
		t.Fatalf("agent after queue removal %+v", s)
	}
}

func TestSnapshotAndResetDay(t *testing.T) {
	f := setup(t, FewestCalls, func(q *Queue) { q.SLSeconds = 10 }, 1, 2)
	f.queue(t0, queueOf("empty", LongestIdle), nil)
	f.login(t0, 1, 2)
	f.arrive(at(0), Call{ID: "a", Queue: "q"})
	f.ok(f.r.Answered(at(5), "a", 1)) // within 10 s
	f.arrive(at(6), Call{ID: "b", Queue: "q"})
	f.ok(f.r.Answered(at(30), "b", 2)) // after 24 s
	f.arrive(at(40), Call{ID: "c", Queue: "q", EnteredAt: at(35)})
	s := f.r.Snapshot(at(50))
	if len(s) != 2 || s[0].Code != "empty" || s[1].Code != "q" {
		t.Fatalf("snapshot order %+v", s)
	}
	st := s[1]
	if st.Waiting != 1 || st.LongestWait != sec(15) || st.Agents[OnCall] != 2 || st.Today.Answered != 2 || st.Today.AnsweredInSL != 1 {
		t.Fatalf("stats %+v", st)
	}
	if sl, ok := st.Today.ServiceLevel(); !ok || sl != 0.5 {
		t.Fatalf("service level %v %v", sl, ok)
	}
	if _, ok := s[0].Today.ServiceLevel(); ok || s[0].WaitKnown {
		t.Fatal("empty queue has no service level or estimate")
	}
	f.ok(f.r.CallEnded(at(60), "a"))
	f.ok(f.r.Answered(at(61), "c", 1))
	f.ok(f.r.CallEnded(at(70), "c"))
	f.ok(f.r.CallEnded(at(70), "b"))
	if a, _ := f.r.Agent(1); a.Calls != 2 || a.Talk != sec(64) {
		t.Fatalf("agent day %+v", a)
	}
	// Fewest calls: agent 2 (1 call) first; after the reset both have 0 and 1 idled longer.
	f.arrive(at(80), Call{ID: "d", Queue: "q"})
	if f.state(2) != Ringing {
		t.Fatal("fewest calls")
	}
	f.ok(f.r.Abandoned(at(81), "d"))
	f.r.ResetDay()
	f.check()
	if st := f.r.Snapshot(at(82))[1]; st.Today != (Counters{}) || st.AvgHandle == 0 {
		t.Fatalf("after reset %+v", st)
	}
	if got := offer(t, f.arrive(at(90), Call{ID: "e", Queue: "q"})); got != "e>1" {
		t.Fatalf("after reset %q", got)
	}
}
