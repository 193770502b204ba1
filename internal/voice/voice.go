// Package voice is the call surface that the rest of Hotline sees: an Engine that takes
// inbound calls and originates outbound ones, a Call that answers, plays, collects digits,
// records and hangs up, and a Room that mixes calls by a hear/speak matrix. It holds no SIP
// or RTP types: internal/voice/sip and internal/voice/media implement it, and
// internal/voice/voicetest implements it in memory for unit tests of the IVR and the
// switchboard.
//
// Audio inside an engine is 8 kHz 16-bit linear PCM in frames of 20 ms (160 samples).
package voice

import (
	"context"
	"errors"
	"time"
)

// Audio format of every frame inside an engine.
const (
	SampleRate    = 8000
	FrameSamples  = 160
	FrameDuration = 20 * time.Millisecond
)

// Frame is 20 ms of 8 kHz 16-bit linear PCM.
type Frame [FrameSamples]int16

// Source yields audio one frame at a time. ReadFrame fills f and returns io.EOF (with f
// untouched) when the source is exhausted. A Source is read by one goroutine at a time and
// must not allocate per frame. Sources that hold files also implement io.Closer; the engine
// closes them when playback ends.
type Source interface {
	ReadFrame(f *Frame) error
}

// Prompt is what Play plays. Exactly one of ID, File or Source is set.
type Prompt struct {
	// ID names a recorded prompt ("welcome", "menu.main"); the engine resolves it to a file
	// for Lang through its prompt directory.
	ID   string
	Lang string // "zh-CN" or "en"; empty means the engine's default
	// Text is what the prompt says, for logs and tests (and text-to-speech later).
	Text string
	// File is a WAV file (8 kHz 16-bit mono PCM) to play.
	File string
	// Source is live audio (a tone, a generated announcement).
	Source Source
	// Loop repeats the prompt until ctx is cancelled (music on hold).
	Loop bool
	// BargeIn lets a DTMF digit stop the prompt. The digit stays buffered for Collect, and
	// a digit already buffered when Play starts skips the prompt (type-ahead).
	BargeIn bool
}

// Collect says how many digits to collect and when to stop.
type Collect struct {
	Max         int           // stop after this many digits (0 means 1)
	Timeout     time.Duration // wait at most this long for the first digit (0 means 5 s)
	InterDigit  time.Duration // wait at most this long between digits (0 means Timeout)
	Terminators string        // digits that end input early and are not returned, e.g. "#"
}

// Defaults fills zero fields with their defaults.
func (c Collect) Defaults() Collect {
	if c.Max <= 0 {
		c.Max = 1
	}
	if c.Timeout <= 0 {
		c.Timeout = 5 * time.Second
	}
	if c.InterDigit <= 0 {
		c.InterDigit = c.Timeout
	}
	return c
}

// RecordOptions says how to record a call.
type RecordOptions struct {
	// Stereo records the caller (the far end) on the left channel and what the caller
	// hears (prompts, the agent, the room) on the right. Mono records the far end only
	// (voicemail).
	Stereo bool
	// MaxDuration stops the recording after this long (0: until stopped or hung up).
	MaxDuration time.Duration
	// Terminators are DTMF digits that stop the recording ("#" for voicemail).
	Terminators string
}

// Recording is a recording in progress.
type Recording interface {
	// Done is closed when the recording has stopped by itself: a terminator digit, the
	// maximum duration, the hangup of the call, or the room's close.
	Done() <-chan struct{}
	// Stop stops the recording if it still runs, finishes the file and tells what was
	// recorded. It may be called more than once and returns the same result each time.
	Stop() (RecordInfo, error)
}

// RecordInfo describes a finished recording.
type RecordInfo struct {
	Path       string
	Duration   time.Duration
	Terminator string // the digit that stopped it, if any
}

// Direction is which side placed the call.
type Direction string

const (
	Inbound  Direction = "inbound"
	Outbound Direction = "outbound"
)

// Cause is why a call ended or was refused.
type Cause string

const (
	CauseNormal      Cause = "normal"      // someone hung up
	CauseBusy        Cause = "busy"        // 486
	CauseDeclined    Cause = "declined"    // 603: the phone rejected the call
	CauseNoAnswer    Cause = "no_answer"   // rang until the ring timeout
	CauseUnavailable Cause = "unavailable" // 480/404: no such user or not registered
	CauseCancelled   Cause = "cancelled"   // the caller gave up before the answer
	CauseFailed      Cause = "failed"      // anything else (media, network, 5xx)
)

// Errors returned by calls and engines. Originate returns a *DialError; errors.Is matches
// it against ErrBusy, ErrDeclined, ErrNoAnswer and ErrUnavailable by its Cause.
var (
	ErrHangup      = errors.New("voice: the call has ended")
	ErrNotAnswered = errors.New("voice: the call is not answered")
	ErrBusy        = errors.New("voice: busy")
	ErrDeclined    = errors.New("voice: declined")
	ErrNoAnswer    = errors.New("voice: no answer")
	ErrUnavailable = errors.New("voice: unavailable")
	ErrNotInRoom   = errors.New("voice: the call is not in the room")
	ErrRoomClosed  = errors.New("voice: the room is closed")
)

// DialError is why Originate failed.
type DialError struct {
	To    string
	Cause Cause
}

func (e *DialError) Error() string { return "voice: dial " + e.To + ": " + string(e.Cause) }

// Is lets errors.Is match a DialError to the sentinel of its cause.
func (e *DialError) Is(target error) bool {
	switch e.Cause {
	case CauseBusy:
		return target == ErrBusy
	case CauseDeclined:
		return target == ErrDeclined
	case CauseNoAnswer:
		return target == ErrNoAnswer
	case CauseUnavailable:
		return target == ErrUnavailable
	}
	return false
}

// EventKind is the kind of a call event.
type EventKind string

const (
	EventDTMF   EventKind = "dtmf"
	EventHangup EventKind = "hangup"
)

// Event is something the far end did.
type Event struct {
	Kind   EventKind
	Digit  byte  // EventDTMF: one of 0-9 * # A-D
	Cause  Cause // EventHangup
	Remote bool  // EventHangup: the far end hung up (false: we did)
	At     time.Time
}

// Call is one call leg: the caller's leg of an inbound call, or an originated leg to an
// agent's phone or an outside number. All methods are safe for concurrent use.
//
// DTMF digits go to a per-call buffer that Collect reads (and BargeIn looks at); each digit
// is also sent to Events.
type Call interface {
	ID() string
	Direction() Direction
	From() string // the caller's number (caller id)
	To() string   // the dialed number or extension

	// Answer answers an inbound call. Answering an answered call does nothing.
	Answer(ctx context.Context) error
	// Hangup ends the call, or refuses an inbound call not yet answered with cause
	// (busy, declined, unavailable). Hanging up an ended call does nothing.
	Hangup(cause Cause) error

	// Play plays p to the far end and returns when it has played, when a digit stopped it
	// (BargeIn, returns nil), when ctx is cancelled (returns ctx.Err()) or when the call
	// ends (ErrHangup). While the call is in a Room, the prompt is mixed into what the call
	// hears from the room.
	Play(ctx context.Context, p Prompt) error
	// Collect reads digits from the buffer, waiting for them by c. It returns the digits
	// (without the terminator) when Max digits came, a terminator came, or a timeout ran
	// out (possibly ""). Its error is ErrHangup, ErrNotAnswered or ctx.Err().
	Collect(ctx context.Context, c Collect) (string, error)
	// FlushDigits drops buffered digits.
	FlushDigits()
	// Record records the call to a WAV file at path (see RecordOptions) until stopped.
	Record(path string, o RecordOptions) (Recording, error)

	// Events delivers DTMF and, last, the hangup; it is closed after the hangup event.
	// Events that the reader does not take in time are dropped (never the hangup).
	Events() <-chan Event
	// Context is cancelled when the call ends.
	Context() context.Context
	// Done is closed when the call ends; Cause then tells why.
	Done() <-chan struct{}
	Cause() Cause
}

// Handler takes an inbound call. It runs in its own goroutine; when it returns, the engine
// hangs the call up if it is still up. ctx is the call's context.
type Handler func(ctx context.Context, c Call)

// Dial says whom to ring and how.
type Dial struct {
	// To is a registered user or extension ("1001") or an outside number.
	To string
	// From and FromName are the caller id shown on the phone.
	From, FromName string
	// Timeout is how long to ring before giving up with CauseNoAnswer (0 means 30 s).
	Timeout time.Duration
	// AutoAnswer asks the phone to answer by itself (softphones of supervisors and agents
	// in auto-answer mode).
	AutoAnswer bool
	// Headers are extra signalling headers, e.g. the Hotline call id for the agent's
	// softphone ("X-Hotline-Call").
	Headers map[string]string
}

// Engine is a telephony backend.
type Engine interface {
	// OnInbound sets the handler of inbound calls. Calls that arrive without a handler
	// are refused as unavailable.
	OnInbound(h Handler)
	// Originate rings d.To and returns the answered call. It blocks while the phone rings;
	// cancelling ctx cancels the ringing. Refusals are *DialError.
	Originate(ctx context.Context, d Dial) (Call, error)
	// NewRoom makes an empty room.
	NewRoom() Room
}

// RoleKind is how a member takes part in a room.
type RoleKind string

const (
	// Full hears every speaker and is heard by every member (bridge, conference, barge).
	Full RoleKind = "full"
	// Listen hears every speaker and is heard by nobody (silent monitoring).
	Listen RoleKind = "listen"
	// Whisper hears every speaker and is heard only by the member To (coaching the agent
	// while the caller hears nothing of it).
	Whisper RoleKind = "whisper"
)

// Role is a member's row of the room's hear/speak matrix.
type Role struct {
	Kind RoleKind
	To   string // Whisper: the call ID that hears this member
}

// Hears reports whether a member with role listener hears a member with role speaker,
// given their call IDs. It is the room's matrix; engines use it to build their mixers.
func Hears(listenerID string, speakerID string, speaker Role) bool {
	if listenerID == speakerID {
		return false
	}
	switch speaker.Kind {
	case Full:
		return true
	case Whisper:
		return speaker.To == listenerID
	}
	return false
}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	switch r.Kind {
	case Full, Listen:
		return true
	case Whisper:
		return r.To != ""
	}
	return false
}

// Room mixes the audio of its members by their roles. A call is in at most one room at a
// time; while in a room, the call hears the room's mix for it instead of silence.
type Room interface {
	ID() string
	// Join adds an answered call with role r. Joining a call that is in another room
	// moves it.
	Join(c Call, r Role) error
	// SetRole changes a member's role while the room runs (listen, then barge).
	SetRole(c Call, r Role) error
	// Leave takes c out of the room (ErrNotInRoom if it is not a member). A member that
	// hangs up leaves by itself.
	Leave(c Call) error
	// Members lists the member calls' IDs and roles.
	Members() map[string]Role
	// Record records the room in stereo to a WAV file at path: the calls in left (the
	// caller) on the left channel, every other member's voice on the right (the agent and
	// a whispering or barging supervisor).
	Record(path string, left ...Call) (Recording, error)
	// Close takes every member out and stops recordings.
	Close() error
}
