package ivr

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/ivr/say"
	"github.com/hotlinecc/hotline/internal/ivr/tts"
	"github.com/hotlinecc/hotline/internal/voice"
)

// OutcomeKind is how a flow ended.
type OutcomeKind string

const (
	OutcomeQueue     OutcomeKind = "queue"
	OutcomeVoicemail OutcomeKind = "voicemail"
	OutcomeTransfer  OutcomeKind = "transfer"
	OutcomeHangup    OutcomeKind = "hangup"
)

// Outcome is what the switchboard does with the call after the flow: queue it, take a
// voicemail, transfer it or hang up. The interpreter does not know the ACD.
type Outcome struct {
	Kind     OutcomeKind       `json:"kind"`
	Queue    string            `json:"queue,omitempty"`
	Priority int               `json:"priority,omitempty"`
	Box      string            `json:"box,omitempty"`
	Target   Target            `json:"target,omitempty"`
	Number   string            `json:"number,omitempty"`
	Vars     map[string]string `json:"vars"`
	Trace    []Step            `json:"trace"`
}

// Step is one node the call went through, for the call record.
type Step struct {
	Node   string    `json:"node"`
	Kind   Kind      `json:"kind"`
	At     time.Time `json:"at"`
	Exit   string    `json:"exit,omitempty"`   // the exit taken
	Detail string    `json:"detail,omitempty"` // digits pressed, lookup status, text said...
}

// PromptSource resolves a prompt name to what a call plays (Store implements it).
type PromptSource interface {
	Prompt(ctx context.Context, lang, name string) (voice.Prompt, error)
}

// Speaker synthesises text (tts.Speaker implements it).
type Speaker interface {
	Available() bool
	Speak(ctx context.Context, lang, text string) (string, error)
}

// Calendars answers an hours node that names a business calendar (app adapts
// internal/calendar's Store to it).
type Calendars interface {
	// HoursAt reports whether calendar id is open at t and whether t falls on one of its
	// holidays.
	HoursAt(ctx context.Context, id int64, t time.Time) (open, holiday bool, err error)
}

// Runner runs flows on calls.
type Runner struct {
	Prompts PromptSource
	TTS     Speaker // nil: say nodes join shipped word prompts
	HTTP    *http.Client
	// SelfURL is this server's base URL, for lookups whose URL is a path ("/ivr/...").
	SelfURL  string
	Location *time.Location // the center's time zone, for hours nodes
	// Calendars answers hours nodes that name a business calendar; nil, or a failing
	// lookup, falls back to the node's own weekly hours.
	Calendars Calendars
	Now       func() time.Time // nil: time.Now
	Log       *slog.Logger
}

// MaxSteps bounds one run, should a flow loop through menus forever.
const MaxSteps = 500

// maxLookupBody is the largest lookup answer read.
const maxLookupBody = 64 << 10

// ErrTooManySteps ends a run that went through MaxSteps nodes.
var ErrTooManySteps = errors.New("ivr: the flow went through too many steps")

// Run answers c if needed and runs f from its start node until a terminal node, with
// vars (customer_id, vip... when the switchboard knows them) added to the built-in ones.
// It returns the outcome with the trace; when the caller hangs up or ctx ends, it
// returns the trace so far (Kind hangup) and the error.
func (r *Runner) Run(ctx context.Context, f *Flow, c voice.Call, vars map[string]string) (Outcome, error) {
	run := &run{r: r, f: f, c: c, vars: map[string]string{
		VarCaller: c.From(), VarDialed: c.To(), VarCallID: c.ID(), VarLanguage: f.Language,
	}}
	maps.Copy(run.vars, vars)
	out, err := run.do(ctx)
	out.Vars, out.Trace = run.vars, run.trace
	if err != nil {
		out.Kind = OutcomeHangup
	}
	return out, err
}

type run struct {
	r     *Runner
	f     *Flow
	c     voice.Call
	vars  map[string]string
	trace []Step
}

func (r *Runner) now() time.Time {
	if r.Now != nil {
		return r.Now()
	}
	return time.Now()
}

func (r *Runner) log() *slog.Logger {
	if r.Log != nil {
		return r.Log
	}
	return slog.New(slog.DiscardHandler)
}

func (run *run) do(ctx context.Context) (Outcome, error) {
	if err := run.c.Answer(ctx); err != nil {
		return Outcome{}, err
	}
	id := run.f.Start
	for step := 0; ; step++ {
		if step >= MaxSteps {
			return Outcome{}, ErrTooManySteps
		}
		n := run.f.Node(id)
		if n == nil {
			return Outcome{}, fmt.Errorf("ivr: flow %d: node %q does not exist", run.f.ID, id)
		}
		s := Step{Node: n.ID, Kind: n.Kind, At: run.r.now()}
		if n.Kind.Terminal() {
			out, err := run.terminal(ctx, n)
			s.Detail = string(out.Kind)
			run.trace = append(run.trace, s)
			return out, err
		}
		exit, detail, err := run.node(ctx, n)
		s.Exit, s.Detail = exit, detail
		run.trace = append(run.trace, s)
		if err != nil {
			return Outcome{}, err
		}
		id = n.Exit(exit)
		if id == "" {
			return Outcome{}, fmt.Errorf("ivr: flow %d: node %s has no exit %q", run.f.ID, n.ID, exit)
		}
	}
}

// node runs a node that is not terminal and returns the exit it takes.
func (run *run) node(ctx context.Context, n *Node) (exit, detail string, err error) {
	p := n.Params
	switch n.Kind {
	case KindPlay:
		return ExitNext, p.Prompt, run.play(ctx, p.Prompt)
	case KindSay:
		text := run.sayText(p)
		return ExitNext, text, run.say(ctx, text)
	case KindSet:
		run.vars[p.Var] = Interpolate(p.Value, run.vars)
		return ExitNext, p.Var + "=" + run.vars[p.Var], nil
	case KindMenu:
		return run.menu(ctx, n)
	case KindCollect:
		return run.collect(ctx, n)
	case KindHours:
		return run.hours(ctx, n)
	case KindLookup:
		return run.lookup(ctx, n)
	}
	return "", "", fmt.Errorf("ivr: node %s: unknown kind %q", n.ID, n.Kind)
}

func (run *run) terminal(ctx context.Context, n *Node) (Outcome, error) {
	p := n.Params
	if p.Prompt != "" {
		if err := run.play(ctx, p.Prompt); err != nil {
			return Outcome{}, err
		}
	}
	switch n.Kind {
	case KindQueue:
		return Outcome{Kind: OutcomeQueue, Queue: p.Queue, Priority: p.Priority}, nil
	case KindVoicemail:
		return Outcome{Kind: OutcomeVoicemail, Box: p.Box}, nil
	case KindTransfer:
		return Outcome{Kind: OutcomeTransfer, Target: p.Target, Number: Interpolate(p.Number, run.vars)}, nil
	}
	return Outcome{Kind: OutcomeHangup}, nil
}

// play plays a prompt; a digit stops it and stays buffered for the next menu (barge-in
// and type-ahead).
func (run *run) play(ctx context.Context, name string) error {
	p, err := run.r.Prompts.Prompt(ctx, run.f.Language, name)
	if err != nil {
		return fmt.Errorf("ivr: prompt %s: %w", name, err)
	}
	p.BargeIn = true
	return run.c.Play(ctx, p)
}

// sayText is what a say node says: its text with variables filled in, read as a number,
// amount, date, time or digits when it says so. Text that is not what SayAs expects is
// said as it is.
func (run *run) sayText(p Params) string {
	text := strings.TrimSpace(Interpolate(p.Text, run.vars))
	if p.SayAs == "" || p.SayAs == SayText {
		return text
	}
	words, err := say.Format(run.f.Language, string(p.SayAs), text)
	if err != nil {
		run.r.log().Warn("ivr: say", "flow", run.f.ID, "err", err)
		return text
	}
	return words
}

// say speaks text by TTS, or joins the shipped word prompts when TTS is missing.
func (run *run) say(ctx context.Context, text string) error {
	if text == "" {
		return nil
	}
	if run.r.TTS != nil && run.r.TTS.Available() {
		file, err := run.r.TTS.Speak(ctx, run.f.Language, text)
		if err == nil {
			return run.c.Play(ctx, voice.Prompt{File: file, Text: text, Lang: voiceLang(run.f.Language), BargeIn: true})
		}
		run.r.log().Warn("ivr: text to speech failed; joining recorded words", "err", err)
	}
	words, complete := tts.Words(run.f.Language, text)
	if !complete {
		run.r.log().Warn("ivr: no recorded words for part of a text", "text", text)
	}
	for _, w := range words {
		if err := run.play(ctx, w); err != nil {
			return err
		}
	}
	return nil
}

// input plays a prompt and collects digits, retrying on silence and on wrong input as
// the node says. valid tells whether digits are acceptable.
func (run *run) input(ctx context.Context, n *Node, o voice.Collect, valid func(string) bool) (digits, exit string, err error) {
	p := n.Params
	for try := 0; ; try++ {
		if err := run.play(ctx, p.Prompt); err != nil {
			return "", "", err
		}
		got, err := run.c.Collect(ctx, o)
		if err != nil {
			return got, "", err
		}
		last := try >= p.Retries
		switch {
		case got != "" && valid(got):
			return got, "", nil
		case got == "":
			if last {
				return got, ExitTimeout, nil
			}
			run.c.FlushDigits()
			if p.NoInputPrompt != "" {
				if err := run.play(ctx, p.NoInputPrompt); err != nil {
					return "", "", err
				}
			}
		default:
			if last {
				return got, ExitInvalid, nil
			}
			run.c.FlushDigits()
			if p.InvalidPrompt != "" {
				if err := run.play(ctx, p.InvalidPrompt); err != nil {
					return "", "", err
				}
			}
		}
	}
}

func (run *run) menu(ctx context.Context, n *Node) (string, string, error) {
	o := voice.Collect{Max: 1, Timeout: time.Duration(n.Params.TimeoutSec) * time.Second}
	digit, exit, err := run.input(ctx, n, o, func(d string) bool { return n.Exit(d) != "" })
	if err != nil {
		return "", digit, err
	}
	run.vars[VarDigits] = digit
	if exit == "" {
		exit = digit
	}
	return exit, digit, nil
}

func (run *run) collect(ctx context.Context, n *Node) (string, string, error) {
	p := n.Params
	o := voice.Collect{Max: p.MaxDigits, Timeout: time.Duration(p.TimeoutSec) * time.Second, Terminators: p.Terminator}
	digits, exit, err := run.input(ctx, n, o, func(d string) bool { return len(d) >= p.MinDigits })
	if err != nil {
		return "", digits, err
	}
	if exit == ExitInvalid {
		exit = ExitTimeout // too few digits is no usable input
	}
	if exit == "" {
		exit = ExitOK
		run.vars[p.Var] = digits
	}
	run.vars[VarDigits] = digits
	return exit, digits, nil
}

func (run *run) hours(ctx context.Context, n *Node) (string, string, error) {
	loc := run.r.Location
	if loc == nil {
		loc = time.Local
	}
	t := run.r.now().In(loc)
	h := n.Params.Hours
	detail := t.Format("2006-01-02 15:04 Mon")
	var open, holiday, decided bool
	if h.CalendarID > 0 && run.r.Calendars != nil {
		var err error
		open, holiday, err = run.r.Calendars.HoursAt(ctx, h.CalendarID, t)
		if err == nil {
			decided = true
			detail += fmt.Sprintf(" calendar %d", h.CalendarID)
		} else {
			run.r.log().Warn("ivr: business calendar unavailable, using the node's own hours", "flow", run.f.ID, "node", n.ID,
				"calendar", h.CalendarID, "err", err)
			detail += " fallback"
		}
	}
	if !decided {
		open, holiday = h.Open(t)
	}
	switch {
	case holiday && n.Exit(ExitHoliday) != "":
		return ExitHoliday, detail, nil
	case open:
		return ExitOpen, detail, nil
	}
	return ExitClosed, detail, nil
}

// lookup calls an HTTP endpoint with the caller's data and copies parts of its JSON
// answer into variables. Any failure takes the error exit.
func (run *run) lookup(ctx context.Context, n *Node) (string, string, error) {
	p := n.Params
	ctx, cancel := context.WithTimeout(ctx, time.Duration(p.TimeoutSec)*time.Second)
	defer cancel()
	status, err := run.fetch(ctx, p)
	run.vars["lookup_status"] = strconv.Itoa(status)
	if err != nil {
		run.r.log().Warn("ivr: lookup failed", "flow", run.f.ID, "node", n.ID, "err", err)
		run.vars["lookup_error"] = err.Error()
		return ExitError, err.Error(), nil
	}
	return ExitOK, strconv.Itoa(status), nil
}

func (run *run) fetch(ctx context.Context, p Params) (int, error) {
	raw := varRef.ReplaceAllStringFunc(p.URL, func(m string) string { return url.QueryEscape(run.vars[m[2:len(m)-1]]) })
	if strings.HasPrefix(raw, "/") {
		raw = strings.TrimSuffix(run.r.SelfURL, "/") + raw
	}
	var body io.Reader
	if p.Method == http.MethodPost {
		b, _ := json.Marshal(run.vars)
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, p.Method, raw, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	client := run.r.HTTP
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("status %d", resp.StatusCode)
	}
	var doc any
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxLookupBody))
	dec.UseNumber()
	if err := dec.Decode(&doc); err != nil {
		return resp.StatusCode, fmt.Errorf("answer is not JSON: %w", err)
	}
	for _, pick := range p.Results {
		v, ok := jsonPath(doc, pick.Path)
		if !ok {
			return resp.StatusCode, fmt.Errorf("answer has no %s", pick.Path)
		}
		run.vars[pick.Var] = v
	}
	return resp.StatusCode, nil
}

// jsonPath finds a dot-separated path in a decoded JSON document and returns its value
// as text (objects and arrays as JSON).
func jsonPath(doc any, path string) (string, bool) {
	cur := doc
	for _, part := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case map[string]any:
			next, ok := v[part]
			if !ok {
				return "", false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(v) {
				return "", false
			}
			cur = v[i]
		default:
			return "", false
		}
	}
	switch v := cur.(type) {
	case nil:
		return "", true
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	}
	b, _ := json.Marshal(cur)
	return string(b), true
}
