package sip

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/emiago/sipgo"

	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
)

// Call is one SIP call leg. It implements voice.Call.
type Call struct {
	e         *Engine
	id        string
	key       string // the engine's dialog key
	dir       voice.Direction
	from, to  string
	fromName  string
	dialed    string // the number in the Request-URI of an inbound call
	flowID    int64  // the IVR flow of the dialed number (0: the default flow)
	trunk     string // the trunk whose DID matched, if any
	ctx       context.Context
	cancel    context.CancelFunc
	events    chan voice.Event
	sess      *media.Session
	audio     *callAudio
	server    *sipgo.DialogServerSession // inbound
	client    *sipgo.DialogClientSession // outbound
	answerReq chan chan error            // inbound: Answer asks the INVITE handler to answer
	refuse    chan voice.Cause           // inbound: Hangup before the answer
	sdpID     uint64

	mu       sync.Mutex
	answered bool
	ended    bool
	cause    voice.Cause
	digits   []byte
	changed  chan struct{} // closed and replaced on every digit
	room     *Room
}

var _ voice.Call = (*Call)(nil)

const eventBuffer = 64

func (e *Engine) newCall(dir voice.Direction, from, to string, sess *media.Session) *Call {
	ctx, cancel := context.WithCancel(context.Background())
	c := &Call{
		e: e, id: e.newCallID(), dir: dir, from: from, to: to, ctx: ctx, cancel: cancel,
		events:    make(chan voice.Event, eventBuffer+1),
		changed:   make(chan struct{}),
		sess:      sess,
		answerReq: make(chan chan error),
		refuse:    make(chan voice.Cause, 1),
		sdpID:     sessionID(),
	}
	c.audio = &callAudio{c: c}
	return c
}

func (c *Call) ID() string                 { return c.id }
func (c *Call) Direction() voice.Direction { return c.dir }
func (c *Call) From() string               { return c.from }
func (c *Call) To() string                 { return c.to }
func (c *Call) Events() <-chan voice.Event { return c.events }
func (c *Call) Context() context.Context   { return c.ctx }
func (c *Call) Done() <-chan struct{}      { return c.ctx.Done() }

// FromName is the caller's display name, if the caller sent one.
func (c *Call) FromName() string { return c.fromName }

// Dialed is the number an inbound call dialed (the Request-URI user).
func (c *Call) Dialed() string { return c.dialed }

// FlowID is the IVR flow of the dialed number by the trunks' DIDs; 0 means the default
// flow (no DID matched).
func (c *Call) FlowID() int64 { return c.flowID }

// Trunk is the name of the trunk whose DID matched the dialed number ("" if none).
func (c *Call) Trunk() string { return c.trunk }

func (c *Call) Cause() voice.Cause {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cause
}

// Answered reports whether the call was answered.
func (c *Call) Answered() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.answered
}

// Answer answers an inbound call: 200 OK with our SDP, then media.
func (c *Call) Answer(ctx context.Context) error {
	c.mu.Lock()
	switch {
	case c.ended:
		c.mu.Unlock()
		return voice.ErrHangup
	case c.answered:
		c.mu.Unlock()
		return nil
	}
	c.mu.Unlock()
	res := make(chan error, 1)
	select {
	case c.answerReq <- res:
	case <-c.ctx.Done():
		return voice.ErrHangup
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-res:
		return err
	case <-c.ctx.Done():
		return voice.ErrHangup
	}
}

// setAnswered marks the call answered and starts its media.
func (c *Call) setAnswered(cfg media.SessionConfig) {
	cfg.OnDigit = c.digit
	c.sess.SetSource(c.audio)
	c.sess.Start(cfg)
	c.mu.Lock()
	c.answered = true
	c.mu.Unlock()
}

// Hangup ends the call (BYE), or refuses an unanswered inbound call.
func (c *Call) Hangup(cause voice.Cause) error {
	if cause == "" {
		cause = voice.CauseNormal
	}
	c.mu.Lock()
	ended, answered := c.ended, c.answered
	c.mu.Unlock()
	if ended {
		return nil
	}
	if !answered && c.dir == voice.Inbound {
		select {
		case c.refuse <- cause:
		default:
		}
		c.end(cause, false)
		return nil
	}
	if c.end(cause, false) {
		c.e.goOwned(c.bye)
	}
	return nil
}

// bye sends BYE for an answered call.
func (c *Call) bye() {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Second)
	defer cancel()
	var err error
	switch {
	case c.server != nil:
		err = c.server.Bye(ctx)
		c.server.Close()
	case c.client != nil:
		err = c.client.Bye(ctx)
		c.client.Close()
	}
	if err != nil {
		c.e.log.Debug("BYE failed", "call", c.id, "err", err)
	}
}

// end ends the call once: it stops media, prompts, recordings and room membership, sends
// the hangup event and cancels the call's context. It reports whether this call ended it.
func (c *Call) end(cause voice.Cause, remote bool) bool {
	c.mu.Lock()
	if c.ended {
		c.mu.Unlock()
		return false
	}
	c.ended, c.cause = true, cause
	c.events <- voice.Event{Kind: voice.EventHangup, Cause: cause, Remote: remote, At: time.Now()}
	close(c.events)
	room := c.room
	c.room = nil
	c.signal()
	c.mu.Unlock()
	c.cancel()
	if room != nil {
		room.drop(c)
	}
	_ = c.sess.Close()
	c.audio.stop()
	c.e.unregister(c)
	return true
}

func (c *Call) signal() { close(c.changed); c.changed = make(chan struct{}) }

// digit takes a DTMF digit from RFC 4733 or SIP INFO.
func (c *Call) digit(d byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.ended {
		return
	}
	if len(c.events) < eventBuffer {
		c.events <- voice.Event{Kind: voice.EventDTMF, Digit: d, At: time.Now()}
	}
	if !c.audio.terminates(d) {
		c.digits = append(c.digits, d)
	}
	c.signal()
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

func (c *Call) wait() (<-chan struct{}, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.changed, len(c.digits)
}

// ctxErr is ErrHangup if the call has ended, else ctx's error.
func (c *Call) ctxErr(ctx context.Context) error {
	if c.ctx.Err() != nil {
		return voice.ErrHangup
	}
	return ctx.Err()
}

// source opens what p plays.
func (c *Call) source(p voice.Prompt) (voice.Source, error) {
	var src voice.Source
	switch {
	case p.Source != nil:
		src = p.Source
	case p.File != "":
		f, err := media.OpenWAV(p.File)
		if err != nil {
			return nil, fmt.Errorf("sip: play %s: %w", p.File, err)
		}
		src = f
	case p.ID != "":
		f, err := media.OpenWAV(c.e.promptPath(p))
		if err != nil {
			return nil, fmt.Errorf("sip: play prompt %q: %w", p.ID, err)
		}
		src = f
	default:
		return nil, errors.New("sip: play: the prompt has no ID, File or Source")
	}
	if p.Loop {
		if r, ok := src.(media.Rewinder); ok {
			src = media.Loop(r)
		}
	}
	return src, nil
}

// promptPath resolves a prompt ID to its file: Prompts/<lang>/<id>.wav, else
// Prompts/<id>.wav.
func (e *Engine) promptPath(p voice.Prompt) string {
	lang := p.Lang
	if lang == "" {
		lang = e.opt.Lang
	}
	path := filepath.Join(e.opt.Prompts, lang, p.ID+".wav")
	if _, err := os.Stat(path); err != nil {
		return filepath.Join(e.opt.Prompts, p.ID+".wav")
	}
	return path
}

// Play plays p to the far end.
func (c *Call) Play(ctx context.Context, p voice.Prompt) error {
	if err := c.ready(); err != nil {
		return err
	}
	if p.BargeIn {
		if _, n := c.wait(); n > 0 {
			return nil // type-ahead skips the prompt
		}
	}
	src, err := c.source(p)
	if err != nil {
		return err
	}
	pb := &playback{src: src, done: make(chan struct{})}
	c.audio.play(pb)
	defer c.audio.unplay(pb)
	for {
		changed, n := c.wait()
		if p.BargeIn && n > 0 {
			return nil
		}
		select {
		case <-pb.done:
			return nil
		case <-ctx.Done():
			return c.ctxErr(ctx)
		case <-c.ctx.Done():
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

// FlushDigits drops buffered digits.
func (c *Call) FlushDigits() {
	c.mu.Lock()
	c.digits = nil
	c.mu.Unlock()
}

// Record records the call: mono is the far end; stereo is the far end on the left and
// what it hears (prompts, the room) on the right.
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
		return nil, fmt.Errorf("sip: record: %w", err)
	}
	r := media.NewRecorder(w, path, o.MaxDuration, o.Terminators)
	if !c.audio.record(r, o.Stereo) {
		_, _ = r.Stop()
		return nil, voice.ErrHangup
	}
	return r, nil
}

// SendDigit sends a DTMF digit to the far end as RFC 4733 events.
func (c *Call) SendDigit(d byte) error {
	if err := c.ready(); err != nil {
		return err
	}
	return c.sess.SendDigit(d, 100*time.Millisecond)
}

// playback is a prompt being played.
type playback struct {
	src  voice.Source
	done chan struct{} // closed when the source ended
	over bool
}

type callRec struct {
	r      *media.Recorder
	stereo bool
}

// callAudio is the call's media tick: the session calls ReadFrame every 20 ms for the
// frame to send. In that tick it takes the frame the caller said, hands it to the room and
// the recordings, and builds what the caller hears from the prompt and the room's mix.
type callAudio struct {
	c        *Call
	mu       sync.Mutex
	pb       *playback
	recs     []callRec
	inRoom   bool
	stopped  bool
	toRoom   media.FrameQueue
	fromRoom media.FrameQueue
	in       voice.Frame
	pf       voice.Frame
}

// ReadFrame is the session's source.
func (a *callAudio) ReadFrame(f *voice.Frame) error {
	_ = a.c.sess.ReadFrame(&a.in)
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.inRoom {
		a.toRoom.WriteFrame(&a.in)
		_ = a.fromRoom.ReadFrame(f)
	} else {
		clear(f[:])
	}
	if pb := a.pb; pb != nil && !pb.over {
		if err := pb.src.ReadFrame(&a.pf); err != nil {
			pb.over = true
			close(pb.done)
		} else if a.inRoom {
			media.AddFrame(f, &a.pf)
		} else {
			*f = a.pf
		}
	}
	for i := 0; i < len(a.recs); i++ {
		ok := false
		if a.recs[i].stereo {
			ok = a.recs[i].r.WriteStereo(&a.in, f)
		} else {
			ok = a.recs[i].r.WriteMono(&a.in)
		}
		if !ok {
			a.recs = append(a.recs[:i], a.recs[i+1:]...)
			i--
		}
	}
	return nil
}

// play makes pb the prompt; a prompt playing before is ended.
func (a *callAudio) play(pb *playback) {
	a.mu.Lock()
	old := a.pb
	a.pb = pb
	if old != nil && !old.over {
		old.over = true
		close(old.done)
	}
	a.mu.Unlock()
}

// unplay takes pb out if it is still the prompt and closes its source.
func (a *callAudio) unplay(pb *playback) {
	a.mu.Lock()
	if a.pb == pb {
		a.pb = nil
	}
	if !pb.over {
		pb.over = true
		close(pb.done)
	}
	a.mu.Unlock()
	if cl, ok := pb.src.(io.Closer); ok {
		cl.Close()
	}
}

func (a *callAudio) record(r *media.Recorder, stereo bool) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.stopped {
		return false
	}
	a.recs = append(a.recs, callRec{r, stereo})
	return true
}

// terminates stops the recordings that d terminates and tells whether there was one.
func (a *callAudio) terminates(d byte) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	t := false
	for _, r := range a.recs {
		t = r.r.Digit(d) || t
	}
	return t
}

func (a *callAudio) setRoom(in bool) {
	a.mu.Lock()
	a.inRoom = in
	a.mu.Unlock()
}

// stop ends the recordings and the prompt when the call ends.
func (a *callAudio) stop() {
	a.mu.Lock()
	a.stopped = true
	recs := a.recs
	a.recs = nil
	pb := a.pb
	if pb != nil && !pb.over {
		pb.over = true
		close(pb.done)
	}
	a.mu.Unlock()
	for _, r := range recs {
		_, _ = r.r.Stop()
	}
}

// roomPort is the call's side of a media.Room.
type roomPort struct{ a *callAudio }

func (p roomPort) ReadFrame(f *voice.Frame) error  { return p.a.toRoom.ReadFrame(f) }
func (p roomPort) WriteFrame(f *voice.Frame) error { p.a.fromRoom.WriteFrame(f); return nil }
