// Package voicetest is an in-memory voice.Engine for unit tests of the IVR and the
// switchboard. A test places inbound calls, presses digits, hangs up from the far end,
// sees which prompts were played in order, and registers fake phones that originated
// calls ring, which answer, reject or ignore them.
//
// The engine uses the time package for prompt lengths and digit timeouts, so run tests
// inside testing/synctest.Test: time is then virtual, and a test that waits 10 s for a
// Collect timeout takes no real time. Close the engine before the bubble ends so that no
// goroutine is left behind.
package voicetest

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/hotlinecc/hotline/internal/voice"
)

// Options tune an Engine.
type Options struct {
	// PromptLength is how long a prompt given by ID or File plays (0 means 1 s). Prompts
	// with a Source play until the source ends.
	PromptLength time.Duration
	// Lengths overrides PromptLength per prompt ID.
	Lengths map[string]time.Duration
}

// Engine is an in-memory voice.Engine.
type Engine struct {
	opt Options

	mu      sync.Mutex
	handler voice.Handler
	phones  map[string]*Phone
	dials   []voice.Dial
	calls   []*Call
	seq     int
	closed  bool
	running sync.WaitGroup // inbound handlers
}

var _ voice.Engine = (*Engine)(nil)

// New makes an engine.
func New(o Options) *Engine {
	if o.PromptLength <= 0 {
		o.PromptLength = time.Second
	}
	return &Engine{opt: o, phones: map[string]*Phone{}}
}

// OnInbound sets the inbound handler.
func (e *Engine) OnInbound(h voice.Handler) {
	e.mu.Lock()
	e.handler = h
	e.mu.Unlock()
}

func (e *Engine) newCall(dir voice.Direction, from, to string) *Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.seq++
	c := newCall(e, fmt.Sprintf("%s-%d", dir, e.seq), dir, from, to)
	e.calls = append(e.calls, c)
	return c
}

// Inbound places an inbound call from a caller to a dialed number and hands it to the
// handler in a new goroutine. Without a handler, the call is refused as unavailable.
func (e *Engine) Inbound(from, to string) *Call {
	c := e.newCall(voice.Inbound, from, to)
	e.mu.Lock()
	h, closed := e.handler, e.closed
	if h != nil && !closed {
		e.running.Add(1)
	}
	e.mu.Unlock()
	if h == nil || closed {
		c.end(voice.CauseUnavailable, false)
		return c
	}
	go func() {
		defer e.running.Done()
		defer c.end(voice.CauseNormal, false)
		h(c.ctx, c)
	}()
	return c
}

// Phone returns the fake phone of extension ext, making it (it answers at once) on first
// use.
func (e *Engine) Phone(ext string) *Phone {
	e.mu.Lock()
	defer e.mu.Unlock()
	p := e.phones[ext]
	if p == nil {
		p = &Phone{ext: ext, legs: make(chan *Call, 16)}
		e.phones[ext] = p
	}
	return p
}

// Dials lists every Originate request in order.
func (e *Engine) Dials() []voice.Dial {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]voice.Dial(nil), e.dials...)
}

// Calls lists every call the engine has seen, in order.
func (e *Engine) Calls() []*Call {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]*Call(nil), e.calls...)
}

// Originate rings d.To's fake phone. Numbers without a Phone are unavailable.
func (e *Engine) Originate(ctx context.Context, d voice.Dial) (voice.Call, error) {
	if d.Timeout <= 0 {
		d.Timeout = 30 * time.Second
	}
	e.mu.Lock()
	e.dials = append(e.dials, d)
	p := e.phones[d.To]
	e.mu.Unlock()
	if p == nil {
		return nil, &voice.DialError{To: d.To, Cause: voice.CauseUnavailable}
	}
	b := p.behaviour()
	p.mu.Lock()
	p.rang++
	p.mu.Unlock()
	if b.reject != "" {
		return nil, &voice.DialError{To: d.To, Cause: b.reject}
	}
	ring := time.NewTimer(d.Timeout)
	defer ring.Stop()
	var answer <-chan time.Time
	if !b.ignore {
		t := time.NewTimer(b.after)
		defer t.Stop()
		answer = t.C
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-ring.C:
		return nil, &voice.DialError{To: d.To, Cause: voice.CauseNoAnswer}
	case <-answer:
	}
	c := e.newCall(voice.Outbound, d.From, d.To)
	c.dial = d
	c.mu.Lock()
	c.answered = true
	c.mu.Unlock()
	select {
	case p.legs <- c:
	default:
	}
	return c, nil
}

// Close hangs up every call, closes every room and waits for the inbound handlers.
func (e *Engine) Close() {
	e.mu.Lock()
	e.closed = true
	calls := append([]*Call(nil), e.calls...)
	e.mu.Unlock()
	for _, c := range calls {
		c.end(voice.CauseNormal, true)
	}
	e.running.Wait()
}

// Phone is a fake agent phone. By default it answers at once.
type Phone struct {
	ext string

	mu     sync.Mutex
	after  time.Duration
	reject voice.Cause
	ignore bool
	rang   int
	legs   chan *Call
}

type behaviour struct {
	after  time.Duration
	reject voice.Cause
	ignore bool
}

func (p *Phone) behaviour() behaviour {
	p.mu.Lock()
	defer p.mu.Unlock()
	return behaviour{p.after, p.reject, p.ignore}
}

// AnswerAfter makes the phone answer after ringing for d.
func (p *Phone) AnswerAfter(d time.Duration) *Phone {
	p.mu.Lock()
	p.after, p.reject, p.ignore = d, "", false
	p.mu.Unlock()
	return p
}

// Reject makes the phone refuse calls with cause (busy, declined, unavailable).
func (p *Phone) Reject(cause voice.Cause) *Phone {
	p.mu.Lock()
	p.reject, p.ignore = cause, false
	p.mu.Unlock()
	return p
}

// Ignore makes the phone ring until the ring timeout.
func (p *Phone) Ignore() *Phone {
	p.mu.Lock()
	p.ignore, p.reject = true, ""
	p.mu.Unlock()
	return p
}

// Rang tells how often the phone was rung.
func (p *Phone) Rang() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rang
}

// Answered delivers the calls the phone answered (the agent's side: press digits or hang
// up from there). It holds up to 16 unread calls.
func (p *Phone) Answered() <-chan *Call { return p.legs }
