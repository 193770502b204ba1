// Package contact is the switchboard: it takes a call from its channel, runs its IVR
// flow, hands it to the ACD, connects it to the chosen agent, and writes the call record
// (CDR) and the queue events as each thing happens. It is the one place where voice, ivr,
// acd, crm and events meet.
//
// The packages it drives but that live elsewhere are seen through the small interfaces
// below (IVR, Customers, Tasks, Directory, Prompts, Blocklist); the application wires
// the real ones. The call records are durable from the first moment: a record is inserted
// before the call is answered, and Recover closes what a crash left open.
package contact

import (
	"context"
	"fmt"
	"time"

	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
)

// Status is where a call record stands.
type Status string

const (
	StatusActive      Status = "active"      // the call is going on
	StatusCompleted   Status = "completed"   // ended after an agent (or the IVR) served it
	StatusAbandoned   Status = "abandoned"   // the caller hung up waiting in a queue
	StatusVoicemail   Status = "voicemail"   // the caller left a message
	StatusBlocked     Status = "blocked"     // refused by the blocklist
	StatusInterrupted Status = "interrupted" // the process stopped during the call (see Recover)
)

// Statuses lists every status in the order the console shows them.
var Statuses = []Status{StatusActive, StatusCompleted, StatusAbandoned, StatusVoicemail, StatusBlocked, StatusInterrupted}

// Who ended a call.
const (
	EndedByCaller = "caller"
	EndedByAgent  = "agent"
	EndedBySystem = "system"
)

// Queue event kinds, written to the call's queue event log as each happens.
const (
	QueueEntered      = "entered_queue"
	QueueOffered      = "offered"
	QueueNoAnswer     = "no_answer"
	QueueAnswered     = "answered"
	QueueAbandoned    = "abandoned"
	QueueOverflowed   = "overflowed"
	QueueTransferred  = "transferred"
	QueueDoneByCaller = "completed_by_caller"
	QueueDoneByAgent  = "completed_by_agent"
	QueueVoicemail    = "voicemail"
	QueueCallback     = "callback_requested"
)

// OutcomeKind is how an IVR flow ended.
type OutcomeKind string

const (
	OutcomeQueue     OutcomeKind = "queue"     // hand the call to the ACD queue Outcome.Queue
	OutcomeVoicemail OutcomeKind = "voicemail" // record a message for Outcome.Group
	OutcomeTransfer  OutcomeKind = "transfer"  // connect the caller to Outcome.To
	OutcomeHangup    OutcomeKind = "hangup"    // the flow hung up (or the caller did)
)

// Outcome is the result of an IVR flow.
type Outcome struct {
	Kind     OutcomeKind
	Queue    string         // OutcomeQueue: the queue code
	Priority int            // OutcomeQueue: raised for urgent matters
	Skills   map[string]int // OutcomeQueue: skills the call needs (name to minimum level)
	Group    string         // OutcomeVoicemail: who gets the message's to-do
	To       string         // OutcomeTransfer: an extension or outside number
	Trace    []string       // the flow's node ids in the order the caller passed them
	Digits   string         // the digits the caller entered in the flow (for the agent's screen)
}

// IVRInput is what the switchboard knows about a call when its flow starts.
type IVRInput struct {
	CallID     int64 // the call record's id
	Dialed     string
	CustomerID int64
	VIPLevel   int
	Repeat     bool
}

// IVR runs the IVR flow of a call that has been answered. internal/ivr implements it (the
// flow is chosen by the dialed number). It returns the outcome with the trace so far even
// when the caller hangs up (then with an error wrapping voice.ErrHangup).
type IVR interface {
	Run(ctx context.Context, c voice.Call, in IVRInput) (Outcome, error)
}

// Caller is a customer found by the caller's number; the zero value is an unknown caller.
type Caller struct {
	CustomerID int64
	Name       string
	VIPLevel   int
}

// ContactInfo is what recording a contact tells: the contact's id in the customer's
// history and whether it repeats recent contacts (and which).
type ContactInfo struct {
	ContactID int64
	Repeat    bool
	Earlier   []int64
	// LastAgent is the agent of the customer's last contact, offered the call first when
	// free (acd.Call.PreferAgent); 0 for none.
	LastAgent int64
}

// Customers finds callers and records their contacts. internal/crm implements it
// (crm.LookupByPhone, crm.RecordContact with repeat-contact detection, crm.EndContact).
type Customers interface {
	LookupCaller(ctx context.Context, number string) (Caller, error)
	RecordContact(ctx context.Context, customerID, callID int64, at time.Time) (ContactInfo, error)
	// EndContact completes the contact of a call that ended: when, and the agent who
	// answered it (0 for none).
	EndContact(ctx context.Context, contactID, agentID int64, at time.Time) error
}

// VoicemailTask is a message left by a caller, for a group to call back.
type VoicemailTask struct {
	CallID     int64
	Group      string // a queue code, or the IVR's group
	From       string
	CustomerID int64
	Path       string // relative to the data folder
	Duration   time.Duration
}

// CallbackTask is a caller's request to be called back.
type CallbackTask struct {
	CallID     int64
	Group      string
	From       string
	CustomerID int64
}

// Tasks creates the to-dos that calls leave behind. internal/todo implements it.
type Tasks interface {
	Voicemail(ctx context.Context, t VoicemailTask) error
	Callback(ctx context.Context, t CallbackTask) error
	// FollowUp leaves the agent a to-do to call the customer again at t.At.
	FollowUp(ctx context.Context, t FollowUpTask) error
}

// Directory maps agents to the extensions of their phones. The SIP wiring implements it
// (from the users' phone settings).
type Directory interface {
	// Extension returns the extension to ring for an agent ("" when the agent has none).
	Extension(ctx context.Context, agentID int64) (string, error)
	// AgentByExtension returns the agent whose phone registers as ext (0 when none).
	AgentByExtension(ctx context.Context, ext string) (int64, error)
	// Skills returns an agent's skills and levels (1-5), which routing matches against
	// the skills a call needs.
	Skills(ctx context.Context, agentID int64) (map[string]int, error)
}

// Prompts resolves what the switchboard plays. The IVR's prompt set implements it later;
// DefaultPrompts names prompts by id for the engine's prompt folder.
type Prompts interface {
	// MusicOnHold is the looping hold music of a class ("" for the default).
	MusicOnHold(class string) voice.Prompt
	// Announcement tells a waiting caller their position and, when known, the wait.
	Announcement(position int, wait time.Duration, waitKnown bool) []voice.Prompt
	// Prompt is a fixed prompt: "voicemail.greeting", "voicemail.beep", "callback.confirm".
	Prompt(id string) voice.Prompt
}

// Blocklist refuses callers. crm.BlockStore implements it.
type Blocklist interface {
	Check(ctx context.Context, number string) (*crm.BlockEntry, error)
	Add(ctx context.Context, in crm.BlockInput) (*crm.BlockEntry, error)
}

// DefaultPrompts names prompts by id; the beep is a real 1 kHz tone.
type DefaultPrompts struct{}

// MusicOnHold is the prompt "moh" or "moh.<class>", looped.
func (DefaultPrompts) MusicOnHold(class string) voice.Prompt {
	id := "moh"
	if class != "" {
		id += "." + class
	}
	return voice.Prompt{ID: id, Loop: true}
}

// Announcement is "queue.position" with the number, then "queue.wait" with the minutes.
func (DefaultPrompts) Announcement(pos int, wait time.Duration, known bool) []voice.Prompt {
	out := []voice.Prompt{
		{ID: "queue.position", Text: fmt.Sprintf("You are number %d in the queue.", pos)},
		{ID: fmt.Sprintf("number.%d", pos), Text: fmt.Sprint(pos)},
	}
	if known {
		m := max(1, int((wait+time.Minute-1)/time.Minute))
		out = append(out, voice.Prompt{ID: "queue.wait", Text: fmt.Sprintf("The expected wait is %d minutes.", m)},
			voice.Prompt{ID: fmt.Sprintf("number.%d", m), Text: fmt.Sprint(m)})
	}
	return out
}

// Prompt is the prompt id itself; "voicemail.beep" is a half-second tone.
func (DefaultPrompts) Prompt(id string) voice.Prompt {
	if id == "voicemail.beep" {
		return voice.Prompt{Source: media.NewTone(1000, 8000, 25), Text: "beep"}
	}
	return voice.Prompt{ID: id}
}
