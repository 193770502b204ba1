package contact

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/voice"
)

// ErrClosed is returned by the switchboard's methods after Close.
var ErrClosed = errors.New("contact: the switchboard is closed")

// Deps are the services the switchboard drives. Every field is required but Prompts
// (DefaultPrompts when nil).
type Deps struct {
	Engine    voice.Engine
	Store     *Store
	IVR       IVR
	Customers Customers
	Tasks     Tasks
	Directory Directory
	Blocklist Blocklist
	Prompts   Prompts
	Log       *slog.Logger
	// Tickets lists a caller's open tickets for the agent's screen pop (optional).
	Tickets Tickets
	// AfterCall, when set, runs on the caller's leg when the agent hung up first and the
	// caller is still on the line (the post-call keypad survey), before the hangup.
	AfterCall interface {
		AfterCall(ctx context.Context, c voice.Call, info CallInfo)
	}
}

// CallInfo is what AfterCall learns about the call that ended.
type CallInfo struct {
	CallID, AgentID, CustomerID int64
	Queue                       string
}

// AutoBlock blocks a number that calls more than Calls times within Window, for For
// (the center's settings; Calls 0 turns it off).
type AutoBlock struct {
	Calls  int
	Window time.Duration
	For    time.Duration // 0 means 24 hours
}

// Options tune the switchboard.
type Options struct {
	AutoBlock AutoBlock
	// VoicemailMax is the longest message a caller may leave (0 means 2 minutes).
	VoicemailMax time.Duration
	// AutoLogin makes a registering phone log its agent in and available (the way before
	// the console's login; tests of real phones use it). Without it, a registered phone
	// only makes its agent reachable, and the agent logs in through the console (LoginAt).
	AutoLogin bool
	// Location is the center's time zone, for an agent's statistics of the day (nil: UTC).
	Location *time.Location
}

// Switchboard is the voice.Engine's inbound handler and the owner of the ACD router.
// One goroutine (run) owns the router and its deadline timer: every input (a call
// arrives, an agent answers, logs in...) and every Tick goes through it, one at a time,
// and it carries out the router's actions without blocking on the network or the disk.
type Switchboard struct {
	Deps
	opt Options
	now func() time.Time

	inputs chan input
	done   chan struct{}
	cancel context.CancelFunc

	// Owned by the run goroutine.
	router   *acd.Router
	live     map[string]*liveCall
	agents   map[int64]acd.AgentState
	consults map[string]*liveCall // consultations in the ACD by their ACD call id
	work     map[int64]agentWork  // the call each agent rings for, talks on or wraps up
	phones   map[int64]string     // the phone each agent logged in with
	forcedBy map[int64]int64      // the supervisor who forced an agent's break or logout
	lastCall map[int64]agentWork  // each agent's last answered call, for the wrap-up

	states    *stateWriter
	statesEnd chan struct{} // stops the state writer
	statesRan chan struct{} // closed when the state writer is done

	dials sync.WaitGroup // click-to-dial calls going on

	qmu    sync.Mutex
	queues map[string]acd.Queue // the queues' settings, for transfers and hold music
}

type input struct {
	fn    func(now time.Time) ([]acd.Action, error)
	reply chan error
}

// New returns a switchboard; Start sets it to work.
func New(d Deps, o Options) *Switchboard {
	if d.Prompts == nil {
		d.Prompts = DefaultPrompts{}
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if o.VoicemailMax <= 0 {
		o.VoicemailMax = 2 * time.Minute
	}
	if o.AutoBlock.For <= 0 {
		o.AutoBlock.For = 24 * time.Hour
	}
	if o.Location == nil {
		o.Location = time.UTC
	}
	s := &Switchboard{
		Deps: d, opt: o, now: time.Now,
		inputs: make(chan input), done: make(chan struct{}),
		router: acd.NewRouter(), live: map[string]*liveCall{}, agents: map[int64]acd.AgentState{},
		consults: map[string]*liveCall{}, work: map[int64]agentWork{}, phones: map[int64]string{},
		forcedBy: map[int64]int64{}, lastCall: map[int64]agentWork{}, queues: map[string]acd.Queue{},
		statesEnd: make(chan struct{}), statesRan: make(chan struct{}),
	}
	s.states = newStateWriter(d.Store, func(msg string, args ...any) { s.Log.Error(msg, args...) })
	return s
}

// Start runs the router goroutine and takes the engine's inbound calls.
func (s *Switchboard) Start(ctx context.Context) {
	// A restarted process knows no agent's state: the intervals a stop left open end now.
	if err := s.Store.CloseStates(ctx, s.now()); err != nil {
		s.Log.Error("close agent states", "err", err)
	}
	ctx, s.cancel = context.WithCancel(ctx)
	go s.run(ctx)
	go func() {
		defer close(s.statesRan)
		s.states.run(s.statesEnd)
	}()
	s.Engine.OnInbound(s.handle)
}

// Close stops the router goroutine and writes the agent states left. Close the engine
// first so that no call is left.
func (s *Switchboard) Close() {
	if s.cancel != nil {
		s.dials.Wait()
		s.cancel()
		<-s.done
		close(s.statesEnd)
		<-s.statesRan
	}
}

func (s *Switchboard) run(ctx context.Context) {
	defer close(s.done)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		var tick <-chan time.Time
		if at, ok := s.router.NextDeadline(); ok {
			timer.Reset(max(at.Sub(s.now()), 0))
			tick = timer.C
		}
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case in := <-s.inputs:
			acts, err := in.fn(s.now())
			s.carry(acts, false)
			in.reply <- err
		case <-tick:
			s.carry(s.router.Tick(s.now()), true)
		}
		timer.Stop()
	}
}

// do runs fn on the router goroutine and returns its error.
func (s *Switchboard) do(ctx context.Context, fn func(now time.Time) ([]acd.Action, error)) error {
	in := input{fn: fn, reply: make(chan error, 1)}
	select {
	case s.inputs <- in:
	case <-s.done:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-in.reply:
		return err
	case <-s.done:
		return ErrClosed
	}
}

// carry carries out the router's actions. It runs on the router goroutine and never
// blocks: ringing, playing and writing happen in the calls' own goroutines. tick says
// the actions come from Tick, where a cancelled offer means the agent did not answer in
// time (elsewhere: another agent answered, the caller left or the agent went away).
func (s *Switchboard) carry(acts []acd.Action, tick bool) {
	for _, a := range acts { // the agents' work is known before their Ringing state is written
		if o, ok := a.(acd.Offer); ok {
			if lc := s.lookup(o.Call.ID); lc != nil {
				for _, agent := range o.Agents {
					s.work[agent] = agentWork{callID: lc.call.ID, queue: lc.call.Queue}
				}
			}
		}
	}
	for _, a := range acts {
		switch a := a.(type) {
		case acd.Offer:
			lc := s.lookup(a.Call.ID)
			if lc == nil {
				continue
			}
			for _, agent := range a.Agents {
				ctx, cancel := context.WithCancel(lc.c.Context())
				lc.offers[a.Call.ID+"|"+fmt.Sprint(agent)] = cancel
				lc.note(note{kind: QueueOffered, agent: agent, wait: s.now().Sub(a.Call.EnteredAt), consult: a.Call.ID != lc.c.ID()})
				go s.ring(ctx, lc, a.Call.ID, agent, a.Timeout)
			}
		case acd.CancelOffer:
			if lc := s.lookup(a.CallID); lc != nil {
				if key := a.CallID + "|" + fmt.Sprint(a.Agent); lc.offers[key] != nil {
					lc.offers[key]()
					delete(lc.offers, key)
				}
				if tick {
					lc.note(note{kind: QueueNoAnswer, agent: a.Agent, detail: string(voice.CauseNoAnswer)})
				}
			}
		case acd.MusicOnHold:
			if lc := s.live[a.CallID]; lc != nil {
				lc.hold.send(holdCmd{moh: s.Prompts.MusicOnHold(a.Class), setMOH: true})
			}
		case acd.Announce:
			if lc := s.live[a.CallID]; lc != nil {
				lc.hold.send(holdCmd{announce: s.Prompts.Announcement(a.Position, a.Wait, a.WaitKnown)})
			}
		case acd.Overflow:
			if lc := s.live[a.CallID]; lc != nil {
				lc.note(note{kind: QueueOverflowed, queue: a.To, detail: a.From + " → " + a.To + " (" + string(a.Reason) + ")"})
			}
		case acd.Voicemail:
			if lc := s.consults[a.CallID]; lc != nil {
				delete(s.consults, a.CallID)
				lc.consultNobody(string(a.Reason))
			} else if lc := s.live[a.CallID]; lc != nil {
				lc.leave(exit{voicemail: true, queue: a.Queue, reason: string(a.Reason)})
			}
		case acd.Callback:
			if lc := s.consults[a.CallID]; lc != nil {
				delete(s.consults, a.CallID)
				lc.consultNobody(string(a.Reason))
			} else if lc := s.live[a.CallID]; lc != nil {
				lc.leave(exit{queue: a.Queue, reason: string(a.Reason)})
			}
		case acd.AgentState:
			s.agents[a.Agent] = a
			var by int64
			if a.State == acd.Break || a.State == acd.LoggedOut {
				by = s.forcedBy[a.Agent]
				delete(s.forcedBy, a.Agent)
			}
			s.noteState(a, by)
		}
	}
}

// lookup finds the live call of an ACD call id: the call's own, or a consultation's.
func (s *Switchboard) lookup(id string) *liveCall {
	if lc := s.live[id]; lc != nil {
		return lc
	}
	return s.consults[id]
}

// SetQueue adds or replaces a queue's settings and members.
func (s *Switchboard) SetQueue(ctx context.Context, q acd.Queue, members []acd.Member) error {
	return s.do(ctx, func(now time.Time) ([]acd.Action, error) {
		acts, err := s.router.SetQueue(now, q, members)
		if err == nil {
			s.qmu.Lock()
			s.queues[q.Code] = q
			s.qmu.Unlock()
		}
		return acts, err
	})
}

// queueOf returns a queue's settings as last set.
func (s *Switchboard) queueOf(code string) (acd.Queue, bool) {
	s.qmu.Lock()
	defer s.qmu.Unlock()
	q, ok := s.queues[code]
	return q, ok
}

// queueSettings is queue's settings, the zero Queue for none.
func (s *Switchboard) queueSettings(code string) acd.Queue { q, _ := s.queueOf(code); return q }

// Login makes an agent available with their skills.
func (s *Switchboard) Login(ctx context.Context, agent int64, skills map[string]int) error {
	return s.do(ctx, func(now time.Time) ([]acd.Action, error) { return s.router.AgentLogin(now, agent, skills) })
}

// Logout logs an agent out (a ringing call goes to the next agent).
func (s *Switchboard) Logout(ctx context.Context, agent int64) error {
	return s.do(ctx, func(now time.Time) ([]acd.Action, error) {
		acts, err := s.router.AgentLogout(now, agent)
		if err == nil {
			delete(s.phones, agent)
		}
		return acts, err
	})
}

// Break pauses an agent with a reason code (BreakReasons), after the current call if on
// one.
func (s *Switchboard) Break(ctx context.Context, agent int64, reason string) error {
	if err := validBreak(reason); err != nil {
		return err
	}
	return s.do(ctx, func(now time.Time) ([]acd.Action, error) { return s.router.Break(now, agent, reason) })
}

// Available makes an agent ready again (back from a break, or done with wrap-up).
func (s *Switchboard) Available(ctx context.Context, agent int64) error {
	return s.do(ctx, func(now time.Time) ([]acd.Action, error) { return s.router.SetAvailable(now, agent) })
}

// PhoneRegistered is called by the SIP wiring on every REGISTER. With Options.AutoLogin it
// logs in the agent whose phone registered as ext, if they are logged out; otherwise a
// registered phone only makes the agent reachable and the console logs them in. An
// unknown extension is ignored.
func (s *Switchboard) PhoneRegistered(ctx context.Context, ext string) error {
	if !s.opt.AutoLogin {
		return nil
	}
	agent, err := s.Directory.AgentByExtension(ctx, ext)
	if err != nil || agent == 0 {
		return err
	}
	skills, err := s.Directory.Skills(ctx, agent)
	if err != nil {
		return err
	}
	err = s.do(ctx, func(now time.Time) ([]acd.Action, error) {
		if st, ok := s.router.Agent(agent); ok && st.State != acd.LoggedOut {
			return nil, nil
		}
		return s.router.AgentLogin(now, agent, skills)
	})
	return err
}

// PhoneUnregistered logs out the agent of ext unless they are on a call or wrapping up.
func (s *Switchboard) PhoneUnregistered(ctx context.Context, ext string) error {
	agent, err := s.Directory.AgentByExtension(ctx, ext)
	if err != nil || agent == 0 {
		return err
	}
	return s.do(ctx, func(now time.Time) ([]acd.Action, error) {
		st, ok := s.router.Agent(agent)
		if !ok || !acd.CanMove(st.State, acd.LoggedOut) || (s.phones[agent] != "" && s.phones[agent] != ext) {
			return nil, nil
		}
		delete(s.phones, agent)
		return s.router.AgentLogout(now, agent)
	})
}

// Agent returns an agent's state in the ACD.
func (s *Switchboard) Agent(ctx context.Context, agent int64) (acd.AgentStatus, error) {
	var st acd.AgentStatus
	err := s.do(ctx, func(time.Time) ([]acd.Action, error) {
		var ok bool
		if st, ok = s.router.Agent(agent); !ok {
			return nil, errs.E(errs.NotFound, "Agent %d is not in the ACD.", agent)
		}
		return nil, nil
	})
	return st, err
}

// Queues returns every queue's live statistics.
func (s *Switchboard) Queues(ctx context.Context) ([]acd.QueueStats, error) {
	var out []acd.QueueStats
	err := s.do(ctx, func(now time.Time) ([]acd.Action, error) {
		for _, q := range s.router.Snapshot(now) {
			if !isPersonal(q.Code) {
				out = append(out, q)
			}
		}
		return nil, nil
	})
	return out, err
}

// LiveCall is a call going on, for the agent's screen and the wallboard.
type LiveCall struct {
	CallID       int64
	UID          string
	From         string
	CustomerID   int64
	CustomerName string
	Repeat       bool
	VIPLevel     int
	Queue        string
	State        string // ivr, waiting, ringing, talking, voicemail
	AgentID      int64
	Since        time.Time
}

// Live lists the calls going on.
func (s *Switchboard) Live(ctx context.Context) ([]LiveCall, error) {
	var out []LiveCall
	err := s.do(ctx, func(time.Time) ([]acd.Action, error) {
		for _, lc := range s.live {
			out = append(out, lc.snapshot())
		}
		return nil, nil
	})
	return out, err
}

// liveCall is the switchboard's state of one call.
type liveCall struct {
	call   *Call
	c      voice.Call
	name   string // the customer's name, for the agent's phone
	digits string // entered in the IVR
	// preferAgent is the agent of the customer's last contact (acd.Call.PreferAgent).
	preferAgent int64
	hold        *hold
	offers      map[string]context.CancelFunc // by ACD call id and agent; owned by the router goroutine

	answered chan answer // the leg of the agent who answered
	exit     chan exit   // the ACD sent the call away
	notes    chan note   // queue events the router goroutine asks the call to write

	// The connected call's session (session.go).
	ctl             chan ctlReq   // call control for the session
	open            chan struct{} // closed when the session takes requests
	over            chan struct{} // closed when the session ended
	consultAnswered chan answer   // the consulted party answered
	consultGone     chan string   // the consultation failed (the cause)
	outbound        func()        // click-to-dial: restores the agent's state at the end

	mu    sync.Mutex
	state LiveCall
}

type answer struct {
	leg   voice.Call
	agent int64
	at    time.Time
}

type exit struct {
	voicemail     bool
	queue, reason string
}

// note is a queue event for the call's goroutine to write, in the order the router
// decided; queue "" keeps the call's.
type note struct {
	kind, queue, detail string
	agent               int64
	wait                time.Duration // offered: how long the caller has waited
	consult             bool          // offered: a consultation, not the call itself
}

func newLiveCall(call *Call, c voice.Call) *liveCall {
	lc := &liveCall{call: call, c: c, offers: map[string]context.CancelFunc{},
		answered: make(chan answer, 1), exit: make(chan exit, 1), notes: make(chan note, 64),
		ctl: make(chan ctlReq), open: make(chan struct{}), over: make(chan struct{}),
		consultAnswered: make(chan answer, 1), consultGone: make(chan string, 1)}
	lc.state = LiveCall{CallID: call.ID, UID: call.UID, From: call.From, State: "ivr", Since: call.StartedAt}
	return lc
}

// consultNobody tells the session that no agent took the consultation (router goroutine).
func (lc *liveCall) consultNobody(reason string) {
	select {
	case lc.consultGone <- reason:
	default:
	}
}

func (lc *liveCall) snapshot() LiveCall {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	return lc.state
}

func (lc *liveCall) set(f func(st *LiveCall)) {
	lc.mu.Lock()
	f(&lc.state)
	lc.mu.Unlock()
}

// leave tells the call's goroutine that the ACD sent the call away (once per call).
func (lc *liveCall) leave(x exit) {
	select {
	case lc.exit <- x:
	default:
	}
}

// note hands a queue event to the call's goroutine without blocking the router.
func (lc *liveCall) note(n note) {
	select {
	case lc.notes <- n:
	default:
	}
}

// headers are the signalling headers of an offer: the agent's phone (and softphone)
// shows the call with its customer known.
func (lc *liveCall) headers() map[string]string {
	h := map[string]string{"X-Hotline-Call": fmt.Sprint(lc.call.ID)}
	if lc.call.CustomerID != 0 {
		h["X-Hotline-Customer"] = fmt.Sprint(lc.call.CustomerID)
	}
	if lc.call.Repeat {
		h["X-Hotline-Repeat"] = "1"
	}
	if lc.call.VIPLevel > 0 {
		h["X-Hotline-VIP"] = fmt.Sprint(lc.call.VIPLevel)
	}
	return h
}

// ring offers the call (or its consultation, acdID) to one agent: it rings the agent's
// phone until the agent answers, the router cancels the offer (ctx), or the phone gives
// up.
func (s *Switchboard) ring(ctx context.Context, lc *liveCall, acdID string, agent int64, timeout time.Duration) {
	log := s.Log.With("call", lc.call.ID, "agent", agent)
	consult := acdID != lc.c.ID()
	if !consult {
		lc.set(func(st *LiveCall) { st.State = "ringing" })
	}
	key := acdID + "|" + fmt.Sprint(agent)
	ext, err := s.extension(ctx, agent)
	var leg voice.Call
	if err == nil && ext == "" {
		err = &voice.DialError{To: fmt.Sprintf("agent %d", agent), Cause: voice.CauseUnavailable}
	}
	if err == nil {
		h := lc.headers()
		if consult {
			h["X-Hotline-Consult"] = "1"
		}
		// The router times the offer out; the phone rings a little longer so that the
		// router's decision, not the phone's, ends the offer.
		leg, err = s.Engine.Originate(ctx, voice.Dial{To: ext, From: lc.call.From, FromName: lc.name, Timeout: timeout + time.Second, Headers: h})
	}
	if err != nil {
		if ctx.Err() != nil {
			return // the router cancelled the offer, or the caller hung up
		}
		cause := string(voice.CauseFailed)
		var de *voice.DialError
		if errors.As(err, &de) {
			cause = string(de.Cause)
		} else {
			log.Warn("ring agent", "err", err)
		}
		_ = s.do(context.WithoutCancel(ctx), func(now time.Time) ([]acd.Action, error) {
			acts, err := s.router.NoAnswer(now, acdID, agent)
			if err == nil {
				delete(lc.offers, key)
				lc.note(note{kind: QueueNoAnswer, agent: agent, detail: cause})
			}
			return acts, err
		})
		return
	}
	err = s.do(context.WithoutCancel(ctx), func(now time.Time) ([]acd.Action, error) {
		acts, err := s.router.Answered(now, acdID, agent)
		if err == nil {
			delete(lc.offers, key)
			s.lastCall[agent] = agentWork{callID: lc.call.ID, queue: lc.call.Queue}
			if consult {
				lc.consultAnswered <- answer{leg: leg, agent: agent, at: now}
			} else {
				lc.answered <- answer{leg: leg, agent: agent, at: now}
			}
		}
		return acts, err
	})
	if err != nil {
		_ = leg.Hangup(voice.CauseNormal) // another agent was faster, or the caller left
	}
}
