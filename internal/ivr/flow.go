// Package ivr holds IVR flows: the graph model an administrator edits, its validation,
// the store of flows and prompts, and the interpreter that runs a flow on a call and
// ends with an outcome the switchboard acts on (queue, voicemail, transfer, hang up).
// The interpreter knows the voice surface only, never the ACD or SIP.
package ivr

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// Kind is what a node does.
type Kind string

const (
	KindPlay      Kind = "play"      // play a prompt
	KindSay       Kind = "say"       // speak text, a number, an amount, a date or a time (TTS)
	KindMenu      Kind = "menu"      // play a prompt and branch on one digit
	KindCollect   Kind = "collect"   // collect several digits into a variable
	KindHours     Kind = "hours"     // branch on business hours and holidays
	KindLookup    Kind = "lookup"    // HTTP lookup whose JSON result fills variables
	KindSet       Kind = "set"       // set a variable
	KindQueue     Kind = "queue"     // end: hand the call to an ACD queue
	KindVoicemail Kind = "voicemail" // end: record a voicemail
	KindTransfer  Kind = "transfer"  // end: transfer to an agent, extension or external number
	KindHangup    Kind = "hangup"    // end: hang up (after an optional prompt)
)

// Kinds lists every node kind in the order the editor offers them.
var Kinds = []Kind{KindPlay, KindSay, KindMenu, KindCollect, KindHours, KindLookup, KindSet,
	KindQueue, KindVoicemail, KindTransfer, KindHangup}

// Terminal reports whether a node of kind k ends the flow with an outcome.
func (k Kind) Terminal() bool {
	return k == KindQueue || k == KindVoicemail || k == KindTransfer || k == KindHangup
}

// waitsForInput reports whether a node of kind k waits for the caller, so a loop through
// it is not a busy loop.
func (k Kind) waitsForInput() bool { return k == KindMenu || k == KindCollect }

// Exit names. Menus also exit by digit ("0".."9", "*", "#").
const (
	ExitNext    = "next"
	ExitTimeout = "timeout"
	ExitInvalid = "invalid"
	ExitOK      = "ok"
	ExitError   = "error"
	ExitOpen    = "open"
	ExitClosed  = "closed"
	ExitHoliday = "holiday"
)

// exitRules gives, per kind, the exits a node must have and those it may have. Menu
// digits are checked apart.
var exitRules = map[Kind]struct{ required, optional []string }{
	KindPlay:    {required: []string{ExitNext}},
	KindSay:     {required: []string{ExitNext}},
	KindSet:     {required: []string{ExitNext}},
	KindMenu:    {required: []string{ExitTimeout, ExitInvalid}},
	KindCollect: {required: []string{ExitOK, ExitTimeout}},
	KindHours:   {required: []string{ExitOpen, ExitClosed}, optional: []string{ExitHoliday}},
	KindLookup:  {required: []string{ExitOK, ExitError}},
}

// Languages a flow may speak.
var Languages = []string{"zh", "en"}

// Flow is an IVR graph: nodes with named exits, run from Start.
type Flow struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Language  string    `json:"language"` // zh or en: the prompts and the voice of say nodes
	Start     string    `json:"start"`
	Nodes     []Node    `json:"nodes"`
	IsDefault bool      `json:"is_default"` // calls to a number that matches no trunk DID run this flow
	Version   int       `json:"version"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Node is one step of a flow.
type Node struct {
	ID     string `json:"id"`
	Kind   Kind   `json:"kind"`
	Name   string `json:"name,omitempty"` // a label for people
	Params Params `json:"params"`
	Exits  []Exit `json:"exits,omitempty"`
}

// Exit links a node's outcome (a digit, "next", "timeout"...) to the next node.
type Exit struct {
	Name string `json:"name"`
	To   string `json:"to"`
}

// Params are a node's settings; each kind uses some of them (see Validate).
type Params struct {
	Prompt        string `json:"prompt,omitempty"`          // play, menu, collect, voicemail, hangup
	Text          string `json:"text,omitempty"`            // say: text with ${var}
	SayAs         SayAs  `json:"say_as,omitempty"`          // say: how to read Text
	TimeoutSec    int    `json:"timeout_seconds,omitempty"` // menu, collect: wait for a digit; lookup: request limit
	Retries       int    `json:"retries,omitempty"`         // menu, collect: tries after the first
	InvalidPrompt string `json:"invalid_prompt,omitempty"`  // menu: played after a wrong digit
	NoInputPrompt string `json:"no_input_prompt,omitempty"` // menu, collect: played after silence
	MinDigits     int    `json:"min_digits,omitempty"`      // collect
	MaxDigits     int    `json:"max_digits,omitempty"`      // collect
	Terminator    string `json:"terminator,omitempty"`      // collect: "#" or "*" ends input early
	Var           string `json:"var,omitempty"`             // collect, set: the variable written
	Value         string `json:"value,omitempty"`           // set: value with ${var}
	Hours         *Hours `json:"hours,omitempty"`           // hours
	Method        string `json:"method,omitempty"`          // lookup: GET or POST
	URL           string `json:"url,omitempty"`             // lookup: with ${var}; a path like /ivr/... is Hotline itself
	Results       []Pick `json:"results,omitempty"`         // lookup: JSON paths into variables
	Queue         string `json:"queue,omitempty"`           // queue: the queue code
	Priority      int    `json:"priority,omitempty"`        // queue: higher is served first
	Box           string `json:"box,omitempty"`             // voicemail: the box or group
	Target        Target `json:"target,omitempty"`          // transfer
	Number        string `json:"number,omitempty"`          // transfer: agent username, extension or phone number, with ${var}
}

// SayAs says how a say node reads its text.
type SayAs string

const (
	SayText   SayAs = "text"
	SayNumber SayAs = "number"
	SayAmount SayAs = "amount" // 2.50 -> 二元五角 / two dollars and fifty cents
	SayDate   SayAs = "date"   // 2026-11-25
	SayTime   SayAs = "time"   // 14:30
	SayDigits SayAs = "digits" // one digit at a time, for phone and order numbers
)

// SayAsKinds lists the ways a say node can read its text.
var SayAsKinds = []SayAs{SayText, SayNumber, SayAmount, SayDate, SayTime, SayDigits}

// Target is whom a transfer node rings.
type Target string

const (
	TargetAgent     Target = "agent"
	TargetExtension Target = "extension"
	TargetExternal  Target = "external"
)

// Targets lists the transfer targets.
var Targets = []Target{TargetAgent, TargetExtension, TargetExternal}

// Pick copies the value at a JSON path (dot separated, numbers index arrays:
// "data.orders.0.status") of a lookup's answer into a variable.
type Pick struct {
	Var  string `json:"var"`
	Path string `json:"path"`
}

// Hours are when an hours node takes its open exit. With CalendarID set, the business
// calendar of that id (internal/calendar) decides, through the Runner's Calendars; the
// weekly hours and holidays here are the fallback when the calendar cannot be read (and may
// then be left out: the node is closed). Without a calendar, they decide alone.
type Hours struct {
	CalendarID int64 `json:"calendar_id,omitempty"`
	// Week holds Monday to Sunday: "08:00-22:00", several ranges separated by commas,
	// or "" for closed all day.
	Week []string `json:"week"`
	// Holidays are dates (2026-10-01) closed all day.
	Holidays []string `json:"holidays,omitempty"`
	// Workdays are dates open with Monday's hours although they fall on a closed day
	// (the make-up working days of Chinese public holidays).
	Workdays []string `json:"workdays,omitempty"`
}

// Node returns the node with id, or nil.
func (f *Flow) Node(id string) *Node {
	for i := range f.Nodes {
		if f.Nodes[i].ID == id {
			return &f.Nodes[i]
		}
	}
	return nil
}

// Exit returns the node id an exit leads to, or "".
func (n *Node) Exit(name string) string {
	for _, e := range n.Exits {
		if e.Name == name {
			return e.To
		}
	}
	return ""
}

// PromptsUsed lists the prompt names a flow refers to, without repeats.
func (f *Flow) PromptsUsed() []string {
	var out []string
	for _, n := range f.Nodes {
		for _, p := range []string{n.Params.Prompt, n.Params.InvalidPrompt, n.Params.NoInputPrompt} {
			if p != "" && !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	return out
}

// isDigitExit reports whether an exit name is a keypad key.
func isDigitExit(name string) bool {
	return len(name) == 1 && strings.Contains("0123456789*#", name)
}

var varRef = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_.]*)\}`)

// Interpolate replaces ${name} in s by the variable's value ("" when unset).
func Interpolate(s string, vars map[string]string) string {
	return varRef.ReplaceAllStringFunc(s, func(m string) string { return vars[m[2:len(m)-1]] })
}

// Built-in variables every call has; lookups and collect nodes add their own.
const (
	VarCaller     = "caller"      // the caller's number
	VarDialed     = "dialed"      // the number the caller dialed
	VarCallID     = "call_id"     // the call's id
	VarCustomerID = "customer_id" // when the caller is a known customer
	VarVIP        = "vip"         // the customer's VIP level, when known
	VarDigits     = "digits"      // the digits the last menu or collect node got
	VarLanguage   = "language"    // the flow's language
)
