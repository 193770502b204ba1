package voicetest

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
)

// Played is one prompt that was played to a call.
type Played struct {
	Prompt      voice.Prompt
	Start       time.Time
	Length      time.Duration // how long it played
	Interrupted bool          // a digit stopped it (BargeIn)
	Cancelled   bool          // its ctx was cancelled or the call ended
}

// Name is the prompt's ID, else its Text, else its file's base name, else "source".
func (p Played) Name() string {
	switch {
	case p.Prompt.ID != "":
		return p.Prompt.ID
	case p.Prompt.Text != "":
		return p.Prompt.Text
	case p.Prompt.File != "":
		return filepath.Base(p.Prompt.File)
	}
	return "source"
}

// Call is one in-memory call. It implements voice.Call for the code under test, and has
// methods for the test that plays the far end: Press, RemoteHangup, Played, Answered.
type Call struct {
	e         *Engine
	id        string
	dir       voice.Direction
	from, to  string
	dial      voice.Dial
	ctx       context.Context
	cancel    context.CancelFunc
	events    chan voice.Event
	startedAt time.Time

	mu       sync.Mutex
	answered bool
	ended    bool
	cause    voice.Cause
	remote   bool
	digits   []byte
	changed  chan struct{} // closed and replaced on every digit
	played   []Played
	room     *Room
	recs     []*media.Recorder
	port     port
	sent     []byte // digits sent to the far end (SendDigit)
}

var _ voice.Call = (*Call)(nil)

const eventBuffer = 64

func newCall(e *Engine, id string, dir voice.Direction, from, to string) *Call {
	ctx, cancel := context.WithCancel(context.Background())
	return &Call{
		e: e, id: id, dir: dir, from: from, to: to, ctx: ctx, cancel: cancel,
		events:    make(chan voice.Event, eventBuffer+1),
		changed:   make(chan struct{}),
		startedAt: time.Now(),
	}
}

func (c *Call) ID() string                 { return c.id }
func (c *Call) Direction() voice.Direction { return c.dir }
func (c *Call) From() string               { return c.from }
func (c *Call) To() string                 { return c.to }
func (c *Call) Events() <-chan voice.Event { return c.events }
func (c *Call) Context() context.Context   { return c.ctx }
func (c *Call) Done() <-chan struct{}      { return c.ctx.Done() }
func (c *Call) Dial() voice.Dial           { return c.dial }
func (c *Call) Cause() voice.Cause         { c.mu.Lock(); defer c.mu.Unlock(); return c.cause }
func (c *Call) Answered() bool             { c.mu.Lock(); defer c.mu.Unlock(); return c.answered }
func (c *Call) RemoteEnded() bool          { c.mu.Lock(); defer c.mu.Unlock(); return c.ended && c.remote }
func (c *Call) signal()                    { close(c.changed); c.changed = make(chan struct{}) }
func (c *Call) wait() (<-chan struct{}, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changed, len(c.digits)
}

// Answer answers the call.
func (c *Call) Answer(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended {
		return voice.ErrHangup
	}
	c.answered = true
	return nil
}

// Hangup ends the call from the engine's side.
func (c *Call) Hangup(cause voice.Cause) error {
	if cause == "" {
		cause = voice.CauseNormal
	}
	c.end(cause, false)
	return nil
}

// RemoteHangup ends the call from the far end (the caller or the agent's phone).
func (c *Call) RemoteHangup() { c.end(voice.CauseNormal, true) }

func (c *Call) end(cause voice.Cause, remote bool) {
	c.mu.Lock()
	if c.ended {
		c.mu.Unlock()
		return
	}
	c.ended, c.cause, c.remote = true, cause, remote
	c.events <- voice.Event{Kind: voice.EventHangup, Cause: cause, Remote: remote, At: time.Now()}
	close(c.events)
	room, recs := c.room, c.recs
	c.recs = nil
	c.signal()
	c.mu.Unlock()
	c.cancel()
	if room != nil {
		_ = room.Leave(c)
	}
	for _, r := range recs {
		_, _ = r.Stop()
	}
}

// Press sends digits from the far end, one after the other at once. A digit that is a
// terminator of a running recording stops it instead of being buffered.
func (c *Call) Press(digits string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended {
		return
	}
	for i := 0; i < len(digits); i++ {
		d := digits[i]
		if len(c.events) < eventBuffer {
			c.events <- voice.Event{Kind: voice.EventDTMF, Digit: d, At: time.Now()}
		}
		if c.terminates(d) {
			continue
		}
		c.digits = append(c.digits, d)
	}
	c.signal()
}

// terminates stops the recordings that d terminates and tells whether there was one.
func (c *Call) terminates(d byte) bool {
	t := false
	for _, r := range c.recs {
		t = r.Digit(d) || t
	}
	return t
}

// Played lists the prompts played to the call, in order.
func (c *Call) Played() []Played {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Played(nil), c.played...)
}

// PlayedNames lists Played().Name() in order.
func (c *Call) PlayedNames() []string {
	var n []string
	for _, p := range c.Played() {
		n = append(n, p.Name())
	}
	return n
}

func (c *Call) ready() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.ended:
		return voice.ErrHangup
	case !c.answered:
		return voice.ErrNotAnswered
	}
	return nil
}

func (c *Call) length(p voice.Prompt) time.Duration {
	if p.Source != nil && !p.Loop {
		var f voice.Frame
		n := 0
		for p.Source.ReadFrame(&f) == nil {
			n++
		}
		if cl, ok := p.Source.(io.Closer); ok {
			cl.Close()
		}
		return time.Duration(n) * voice.FrameDuration
	}
	if d, ok := c.e.opt.Lengths[p.ID]; ok {
		return d
	}
	return c.e.opt.PromptLength
}

// Play "plays" p: it takes the prompt's length (see Options) in the engine's time.
func (c *Call) Play(ctx context.Context, p voice.Prompt) error {
	if err := c.ready(); err != nil {
		return err
	}
	rec := Played{Prompt: p, Start: time.Now()}
	defer func() {
		rec.Length = time.Since(rec.Start)
		c.mu.Lock()
		c.played = append(c.played, rec)
		c.mu.Unlock()
	}()
	var end <-chan time.Time
	if !p.Loop {
		t := time.NewTimer(c.length(p))
		defer t.Stop()
		end = t.C
	}
	for {
		changed, n := c.wait()
		if p.BargeIn && n > 0 {
			rec.Interrupted = true
			return nil
		}
		select {
		case <-end:
			return nil
		case <-ctx.Done():
			rec.Cancelled = true
			return c.ctxErr(ctx)
		case <-c.ctx.Done():
			rec.Cancelled = true
			return voice.ErrHangup
		case <-changed:
		}
	}
}

// Collect reads digits as voice.Call says.
func (c *Call) Collect(ctx context.Context, o voice.Collect) (string, error) {
	if err := c.ready(); err != nil {
		return "", err
	}
	o = o.Defaults()
	t := time.NewTimer(o.Timeout)
	defer t.Stop()
	var got []byte
	for {
		c.mu.Lock()
		for len(c.digits) > 0 {
			d := c.digits[0]
			c.digits = c.digits[1:]
			if strings.IndexByte(o.Terminators, d) >= 0 {
				c.mu.Unlock()
				return string(got), nil
			}
			got = append(got, d)
			if len(got) >= o.Max {
				c.mu.Unlock()
				return string(got), nil
			}
			t.Reset(o.InterDigit)
		}
		changed := c.changed
		c.mu.Unlock()
		select {
		case <-t.C:
			return string(got), nil
		case <-ctx.Done():
			return string(got), c.ctxErr(ctx)
		case <-c.ctx.Done():
			return string(got), voice.ErrHangup
		case <-changed:
		}
	}
}

// ctxErr is ErrHangup if the call has ended (the handler's ctx is the call's), else
// ctx's error.
func (c *Call) ctxErr(ctx context.Context) error {
	if c.ctx.Err() != nil {
		return voice.ErrHangup
	}
	return ctx.Err()
}

// FlushDigits drops buffered digits.
func (c *Call) FlushDigits() {
	c.mu.Lock()
	c.digits = nil
	c.mu.Unlock()
}

// Record records the call to a WAV file: the far end's voice (see Say), and in stereo on
// the right what the call hears in a room. Its duration counts 20 ms ticks of engine time.
func (c *Call) Record(path string, o voice.RecordOptions) (voice.Recording, error) {
	if err := c.ready(); err != nil {
		return nil, err
	}
	ch := 1
	if o.Stereo {
		ch = 2
	}
	w, err := media.CreateWAV(path, ch)
	if err != nil {
		return nil, fmt.Errorf("voicetest: record: %w", err)
	}
	r := media.NewRecorder(w, path, o.MaxDuration, o.Terminators)
	c.mu.Lock()
	c.recs = append(c.recs, r)
	c.mu.Unlock()
	go func() {
		defer c.dropRecording(r)
		t := time.NewTicker(voice.FrameDuration)
		defer t.Stop()
		var said, heard voice.Frame
		for {
			select {
			case <-r.Done():
				return
			case <-c.ctx.Done():
				_, _ = r.Stop()
				return
			case <-t.C:
			}
			c.port.ReadFrame(&said)
			ok := false
			if o.Stereo {
				heard = c.port.Heard()
				ok = r.WriteStereo(&said, &heard)
			} else {
				ok = r.WriteMono(&said)
			}
			if !ok {
				return
			}
		}
	}()
	return r, nil
}

func (c *Call) dropRecording(r *media.Recorder) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recs = slices.DeleteFunc(c.recs, func(x *media.Recorder) bool { return x == r })
}

// Say makes the far end speak src (a media.Tone, a WAV file); nil is silence.
func (c *Call) Say(src voice.Source) { c.port.say(src) }

// Heard is the last 20 ms the far end heard from a room.
func (c *Call) Heard() voice.Frame { return c.port.Heard() }

// port is the far end's audio: what it says and what it last heard.
type port struct {
	mu    sync.Mutex
	src   voice.Source
	heard voice.Frame
}

func (p *port) say(src voice.Source) {
	p.mu.Lock()
	p.src = src
	p.mu.Unlock()
}

func (p *port) ReadFrame(f *voice.Frame) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.src == nil || p.src.ReadFrame(f) != nil {
		clear(f[:])
	}
	return nil
}

func (p *port) WriteFrame(f *voice.Frame) error {
	p.mu.Lock()
	p.heard = *f
	p.mu.Unlock()
	return nil
}

func (p *port) Heard() voice.Frame {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.heard
}

// SendDigit sends a DTMF digit to the far end (as sip.Call does with RFC 4733 events);
// Sent tells the test what the far end received.
func (c *Call) SendDigit(d byte) error {
	if err := c.ready(); err != nil {
		return err
	}
	c.mu.Lock()
	c.sent = append(c.sent, d)
	c.mu.Unlock()
	return nil
}

// Sent is the digits sent to the far end, in order.
func (c *Call) Sent() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return string(c.sent)
}
