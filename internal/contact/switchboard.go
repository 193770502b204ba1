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
	router *acd.Router
	live   map[string]*liveCall
	agents map[int64]acd.AgentState
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
	return &Switchboard{
		Deps: d, opt: o, now: time.Now,
		inputs: make(chan input), done: make(chan struct{}),
		router: acd.NewRouter(), live: map[string]*liveCall{}, agents: map[int64]acd.AgentState{},
	}
}

// Start runs the router goroutine and takes the engine's inbound calls.
func (s *Switchboard) Start(ctx context.Context) {
	ctx, s.cancel = context.WithCancel(ctx)
	go s.run(ctx)
	s.Engine.OnInbound(s.handle)
}

// Close stops the router goroutine. Close the engine first so that no call is left.
func (s *Switchboard) Close() {
	if s.cancel != nil {
		s.cancel()
		<-s.done
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
	for _, a := range acts {
		switch a := a.(type) {
		case acd.Offer:
			lc := s.live[a.Call.ID]
			if lc == nil {
				continue
			}
			for _, agent := range a.Agents {
				ctx, cancel := context.WithCancel(lc.c.Context())
				lc.offers[agent] = cancel
				lc.note(note{kind: QueueOffered, agent: agent})
				go s.ring(ctx, lc, agent, a.Timeout)
			}
		case acd.CancelOffer:
			if lc := s.live[a.CallID]; lc != nil {
				if cancel := lc.offers[a.Agent]; cancel != nil {
					cancel()
					delete(lc.offers, a.Agent)
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
			if lc := s.live[a.CallID]; lc != nil {
				lc.leave(exit{voicemail: true, queue: a.Queue, reason: string(a.Reason)})
			}
		case acd.Callback:
			if lc := s.live[a.CallID]; lc != nil {
				lc.leave(exit{queue: a.Queue, reason: string(a.Reason)})
			}
		case acd.AgentState:
			s.agents[a.Agent] = a
		}
	}
}

// SetQueue adds or replaces a queue's settings and members.
func (s *Switchboard) SetQueue(ctx context.Context, q acd.Queue, members []acd.Member) error {
	return s.do(ctx, func(now time.Time) ([]acd.Action, error) { return s.router.SetQueue(now, q, members) })
}

// Login makes an agent available with their skills.
func (s *Switchboard) Login(ctx context.Context, agent int64, skills map[string]int) error {
	return s.do(ctx, func(now time.Time) ([]acd.Action, error) { return s.router.AgentLogin(now, agent, skills) })
}

// Logout logs an agent out (a ringing call goes to the next agent).
func (s *Switchboard) Logout(ctx context.Context, agent int64) error {
	return s.do(ctx, func(now time.Time) ([]acd.Action, error) { return s.router.AgentLogout(now, agent) })
}

// Break pauses an agent with a reason code (after the current call, if on one).
func (s *Switchboard) Break(ctx context.Context, agent int64, reason string) error {
	return s.do(ctx, func(now time.Time) ([]acd.Action, error) { return s.router.Break(now, agent, reason) })
}

// Available makes an agent ready again (back from a break, or done with wrap-up).
func (s *Switchboard) Available(ctx context.Context, agent int64) error {
	return s.do(ctx, func(now time.Time) ([]acd.Action, error) { return s.router.SetAvailable(now, agent) })
}

// PhoneRegistered logs in the agent whose phone registered as ext, if they are logged
// out. The SIP wiring calls it on every REGISTER; an unknown extension is ignored.
func (s *Switchboard) PhoneRegistered(ctx context.Context, ext string) error {
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
		if !ok || !acd.CanMove(st.State, acd.LoggedOut) {
			return nil, nil
		}
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
		out = s.router.Snapshot(now)
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
	call *Call
	c    voice.Call
	name string // the customer's name, for the agent's phone
	// preferAgent is the agent of the customer's last contact (acd.Call.PreferAgent).
	preferAgent int64
	hold        *hold
	offers      map[int64]context.CancelFunc // owned by the router goroutine

	answered chan answer // the leg of the agent who answered
	exit     chan exit   // the ACD sent the call away
	notes    chan note   // queue events the router goroutine asks the call to write

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

// ring offers the call to one agent: it rings the agent's extension until the agent
// answers, the router cancels the offer (ctx), or the phone gives up.
func (s *Switchboard) ring(ctx context.Context, lc *liveCall, agent int64, timeout time.Duration) {
	log := s.Log.With("call", lc.call.ID, "agent", agent)
	lc.set(func(st *LiveCall) { st.State = "ringing" })
	ext, err := s.Directory.Extension(ctx, agent)
	var leg voice.Call
	if err == nil && ext == "" {
		err = &voice.DialError{To: fmt.Sprintf("agent %d", agent), Cause: voice.CauseUnavailable}
	}
	if err == nil {
		// The router times the offer out; the phone rings a little longer so that the
		// router's decision, not the phone's, ends the offer.
		leg, err = s.Engine.Originate(ctx, voice.Dial{To: ext, From: lc.call.From, FromName: lc.name, Timeout: timeout + time.Second, Headers: lc.headers()})
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
			acts, err := s.router.NoAnswer(now, lc.c.ID(), agent)
			if err == nil {
				delete(lc.offers, agent)
				lc.note(note{kind: QueueNoAnswer, agent: agent, detail: cause})
			}
			return acts, err
		})
		return
	}
	err = s.do(context.WithoutCancel(ctx), func(now time.Time) ([]acd.Action, error) {
		acts, err := s.router.Answered(now, lc.c.ID(), agent)
		if err == nil {
			delete(lc.offers, agent)
			lc.answered <- answer{leg: leg, agent: agent, at: now}
		}
		return acts, err
	})
	if err != nil {
		_ = leg.Hangup(voice.CauseNormal) // another agent was faster, or the caller left
	}
}
