package ivr

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Problem is one thing wrong with a flow, tied to a node when it is about one. Key and
// Args name the message in the console's catalogs ("err.ivr_" + Key).
type Problem struct {
	Node    string `json:"node,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	Key     string `json:"-"`
	Args    []any  `json:"-"`
}

// Problems are everything wrong with a flow; a flow is saved only without any.
type Problems []Problem

func (ps Problems) Error() string {
	var b strings.Builder
	for i, p := range ps {
		if i > 0 {
			b.WriteString("; ")
		}
		if p.Node != "" {
			b.WriteString("node " + p.Node + ": ")
		}
		b.WriteString(p.Message)
	}
	return b.String()
}

// Err returns the problems as an Invalid error whose fields name the nodes
// ("nodes.<id>", or "flow" for the flow itself), or nil when there are none.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	e := errs.E(errs.Invalid, "The flow has %d problem(s): %s", len(ps), ps.Error()).WithKey("ivr_invalid", len(ps))
	e.Fields = map[string]string{}
	for _, p := range ps {
		field := "flow"
		if p.Node != "" {
			field = "nodes." + p.Node
		}
		if old, ok := e.Fields[field]; ok {
			e.Fields[field] = old + " " + p.Message
		} else {
			e.Fields[field] = p.Message
		}
	}
	return &flowError{err: e, problems: ps}
}

// flowError carries the problem list beside the public error, for callers that show
// every problem (ProblemsOf).
type flowError struct {
	err      *errs.Error
	problems Problems
}

func (e *flowError) Error() string { return e.err.Error() }
func (e *flowError) Unwrap() error { return e.err }

// ProblemsOf returns the problems inside an error from Validate or a save.
func ProblemsOf(err error) Problems {
	var fe *flowError
	if errors.As(err, &fe) {
		return fe.problems
	}
	return nil
}

// Catalog tells validation what exists outside the flow.
type Catalog struct {
	Queue    func(code string) bool       // an ACD queue with this code exists
	Prompt   func(lang, name string) bool // a prompt exists in this language
	Calendar func(id int64) bool          // a business calendar with this id exists (nil: no check)
}

var (
	nodeIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)
	varPattern    = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,31}$`)
	rangePattern  = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$`)
	pathPattern   = regexp.MustCompile(`^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$`)
	numberPattern = regexp.MustCompile(`^(\$\{[A-Za-z_][A-Za-z0-9_]*\}|\+?[0-9*#-]{2,32}|[A-Za-z0-9._-]{1,32})$`)
)

// Limits of a flow.
const (
	MaxNodes   = 200
	MaxRetries = 5
	MaxTimeout = 60 // seconds
)

// Validate checks a flow against its own rules and the catalog, returning every problem
// at once so an editor can show them beside the nodes.
func Validate(f *Flow, cat Catalog) Problems {
	v := &validator{f: f, cat: cat}
	v.flow()
	return v.ps
}

type validator struct {
	f   *Flow
	cat Catalog
	ps  Problems
}

func (v *validator) add(node, field, key, msg string, args ...any) {
	v.ps = append(v.ps, Problem{Node: node, Field: field, Message: fmt.Sprintf(msg, args...), Key: key, Args: args})
}

func (v *validator) flow() {
	f := v.f
	if name := strings.TrimSpace(f.Name); name == "" || len([]rune(name)) > 64 {
		v.add("", "name", "name", "The flow needs a name of 1 to 64 characters.")
	}
	if !slices.Contains(Languages, f.Language) {
		v.add("", "language", "language", "The language must be zh or en.")
	}
	if len(f.Nodes) == 0 {
		v.add("", "nodes", "no_nodes", "The flow has no nodes.")
		return
	}
	if len(f.Nodes) > MaxNodes {
		v.add("", "nodes", "too_many_nodes", "A flow has at most %d nodes.", MaxNodes)
		return
	}
	seen := map[string]bool{}
	for _, n := range f.Nodes {
		if !nodeIDPattern.MatchString(n.ID) {
			v.add(n.ID, "id", "node_id", "A node id has 1 to 32 letters, digits, - or _.")
			continue
		}
		if seen[n.ID] {
			v.add(n.ID, "id", "node_dup", "Two nodes have the id %s.", n.ID)
		}
		seen[n.ID] = true
	}
	if f.Start == "" || f.Node(f.Start) == nil {
		v.add("", "start", "start", "The start node %q does not exist.", f.Start)
	}
	for i := range f.Nodes {
		v.node(&f.Nodes[i])
	}
	v.reachable()
	v.loops()
}

func (v *validator) node(n *Node) {
	if !slices.Contains(Kinds, n.Kind) {
		v.add(n.ID, "kind", "kind", "Unknown node kind %q.", n.Kind)
		return
	}
	v.exits(n)
	p := n.Params
	switch n.Kind {
	case KindPlay:
		v.needPrompt(n, "prompt", p.Prompt)
	case KindSay:
		if strings.TrimSpace(p.Text) == "" {
			v.add(n.ID, "text", "say_text", "A say node needs text.")
		}
		if p.SayAs != "" && !slices.Contains(SayAsKinds, p.SayAs) {
			v.add(n.ID, "say_as", "say_as", "Unknown way to say %q.", p.SayAs)
		}
	case KindMenu:
		v.needPrompt(n, "prompt", p.Prompt)
		v.optPrompt(n, "invalid_prompt", p.InvalidPrompt)
		v.optPrompt(n, "no_input_prompt", p.NoInputPrompt)
		v.timing(n, p)
	case KindCollect:
		v.needPrompt(n, "prompt", p.Prompt)
		v.optPrompt(n, "no_input_prompt", p.NoInputPrompt)
		v.timing(n, p)
		if p.MinDigits < 1 || p.MaxDigits < p.MinDigits || p.MaxDigits > 32 {
			v.add(n.ID, "max_digits", "digits", "Digits must be between 1 and 32, minimum not above maximum.")
		}
		if p.Terminator != "" && p.Terminator != "#" && p.Terminator != "*" {
			v.add(n.ID, "terminator", "terminator", "The end key must be # or * or empty.")
		}
		v.needVar(n, p.Var)
	case KindHours:
		v.hours(n, p.Hours)
	case KindLookup:
		v.lookup(n, p)
	case KindSet:
		v.needVar(n, p.Var)
	case KindQueue:
		if p.Queue == "" || (v.cat.Queue != nil && !v.cat.Queue(p.Queue)) {
			v.add(n.ID, "queue", "queue", "Unknown queue %q.", p.Queue)
		}
		if p.Priority < 0 || p.Priority > 100 {
			v.add(n.ID, "priority", "priority", "Priority must be 0 to 100.")
		}
	case KindVoicemail:
		v.optPrompt(n, "prompt", p.Prompt)
		if strings.TrimSpace(p.Box) == "" || len(p.Box) > 32 {
			v.add(n.ID, "box", "box", "A voicemail node needs a box name of 1 to 32 characters.")
		}
	case KindTransfer:
		if !slices.Contains(Targets, p.Target) {
			v.add(n.ID, "target", "target", "Transfer to an agent, an extension or an external number.")
		}
		if !numberPattern.MatchString(p.Number) {
			v.add(n.ID, "number", "number", "The transfer needs a number, username or ${variable}.")
		}
	case KindHangup:
		v.optPrompt(n, "prompt", p.Prompt)
	}
}

func (v *validator) exits(n *Node) {
	rule := exitRules[n.Kind]
	names := map[string]bool{}
	digits := 0
	for _, e := range n.Exits {
		if names[e.Name] {
			if isDigitExit(e.Name) {
				v.add(n.ID, "exits", "digit_dup", "The digit %s is used twice.", e.Name)
			} else {
				v.add(n.ID, "exits", "exit_dup", "The exit %s is given twice.", e.Name)
			}
			continue
		}
		names[e.Name] = true
		switch {
		case n.Kind.Terminal():
			v.add(n.ID, "exits", "exit_terminal", "A %s node ends the flow and has no exits.", n.Kind)
			continue
		case n.Kind == KindMenu && isDigitExit(e.Name):
			digits++
		case !slices.Contains(rule.required, e.Name) && !slices.Contains(rule.optional, e.Name):
			v.add(n.ID, "exits", "exit_unknown", "A %s node has no exit %q.", n.Kind, e.Name)
			continue
		}
		if e.To == "" {
			v.add(n.ID, "exits", "exit_empty", "The exit %s leads nowhere.", e.Name)
		} else if v.f.Node(e.To) == nil {
			v.add(n.ID, "exits", "exit_dangling", "The exit %s leads to %q, which does not exist.", e.Name, e.To)
		}
	}
	for _, r := range rule.required {
		if !names[r] {
			v.add(n.ID, "exits", "exit_missing", "The exit %s is missing.", r)
		}
	}
	if n.Kind == KindMenu && digits == 0 {
		v.add(n.ID, "exits", "menu_digits", "A menu needs at least one digit.")
	}
}

func (v *validator) needPrompt(n *Node, field, name string) {
	if name == "" {
		v.add(n.ID, field, "prompt_missing", "Choose a prompt.")
		return
	}
	v.optPrompt(n, field, name)
}

func (v *validator) optPrompt(n *Node, field, name string) {
	if name != "" && v.cat.Prompt != nil && slices.Contains(Languages, v.f.Language) && !v.cat.Prompt(v.f.Language, name) {
		v.add(n.ID, field, "prompt_unknown", "There is no prompt %q in %s.", name, v.f.Language)
	}
}

func (v *validator) needVar(n *Node, name string) {
	if !varPattern.MatchString(name) {
		v.add(n.ID, "var", "var", "A variable name has letters, digits and _ and starts with a letter.")
	}
}

func (v *validator) timing(n *Node, p Params) {
	if p.TimeoutSec < 1 || p.TimeoutSec > MaxTimeout {
		v.add(n.ID, "timeout_seconds", "timeout", "The timeout must be 1 to %d seconds.", MaxTimeout)
	}
	if p.Retries < 0 || p.Retries > MaxRetries {
		v.add(n.ID, "retries", "retries", "Retries must be 0 to %d.", MaxRetries)
	}
}

func (v *validator) hours(n *Node, h *Hours) {
	if h == nil {
		v.add(n.ID, "hours", "hours_missing", "Set the opening hours.")
		return
	}
	switch {
	case h.CalendarID < 0 || (h.CalendarID > 0 && v.cat.Calendar != nil && !v.cat.Calendar(h.CalendarID)):
		v.add(n.ID, "calendar_id", "calendar", "Business calendar %d does not exist.", h.CalendarID)
	case h.CalendarID > 0 && len(h.Week) == 0 && len(h.Holidays) == 0 && len(h.Workdays) == 0:
		return // the calendar alone, with no fallback hours
	}
	if len(h.Week) != 7 {
		v.add(n.ID, "hours", "hours_week", "Give hours for each of the 7 days, Monday first.")
		return
	}
	for i, day := range h.Week {
		if _, err := parseRanges(day); err != nil {
			v.add(n.ID, "hours", "hours_range", "%s: %v", time.Weekday((i+1)%7), err)
		}
	}
	for _, d := range append(slices.Clone(h.Holidays), h.Workdays...) {
		if _, err := time.Parse(time.DateOnly, d); err != nil {
			v.add(n.ID, "holidays", "hours_date", "%q is not a date like 2026-10-01.", d)
		}
	}
}

func (v *validator) lookup(n *Node, p Params) {
	if p.Method != "GET" && p.Method != "POST" {
		v.add(n.ID, "method", "method", "The method must be GET or POST.")
	}
	raw := strings.TrimSpace(p.URL)
	u, err := url.Parse(varRef.ReplaceAllString(raw, "x"))
	switch {
	case raw == "" || err != nil:
		v.add(n.ID, "url", "url", "Enter an http(s) address, or a path on this server such as /ivr/demo/repair-status.")
	case u.Scheme == "" && !strings.HasPrefix(raw, "/"):
		v.add(n.ID, "url", "url", "Enter an http(s) address, or a path on this server such as /ivr/demo/repair-status.")
	case u.Scheme != "" && ((u.Scheme != "http" && u.Scheme != "https") || u.Host == ""):
		v.add(n.ID, "url", "url", "Enter an http(s) address, or a path on this server such as /ivr/demo/repair-status.")
	}
	if p.TimeoutSec < 1 || p.TimeoutSec > 30 {
		v.add(n.ID, "timeout_seconds", "lookup_timeout", "The lookup timeout must be 1 to 30 seconds.")
	}
	for _, r := range p.Results {
		if !varPattern.MatchString(r.Var) || !pathPattern.MatchString(r.Path) {
			v.add(n.ID, "results", "results", "Each result needs a variable name and a JSON path like data.status.")
		}
	}
}

// reachable reports nodes that no path from the start reaches.
func (v *validator) reachable() {
	f := v.f
	if f.Node(f.Start) == nil {
		return
	}
	seen := map[string]bool{f.Start: true}
	stack := []string{f.Start}
	for len(stack) > 0 {
		n := f.Node(stack[len(stack)-1])
		stack = stack[:len(stack)-1]
		for _, e := range n.Exits {
			if !seen[e.To] && f.Node(e.To) != nil {
				seen[e.To] = true
				stack = append(stack, e.To)
			}
		}
	}
	for _, n := range f.Nodes {
		if !seen[n.ID] && nodeIDPattern.MatchString(n.ID) {
			v.add(n.ID, "id", "unreachable", "No path from the start reaches this node.")
		}
	}
}

// loops reports cycles in which no node waits for the caller: the call would spin
// forever. It finds strongly connected components (Tarjan).
func (v *validator) loops() {
	f := v.f
	index, low := map[string]int{}, map[string]int{}
	on := map[string]bool{}
	var stack []string
	next := 0
	var visit func(id string)
	visit = func(id string) {
		index[id], low[id] = next, next
		next++
		stack = append(stack, id)
		on[id] = true
		n := f.Node(id)
		for _, e := range n.Exits {
			if f.Node(e.To) == nil {
				continue
			}
			if _, ok := index[e.To]; !ok {
				visit(e.To)
				low[id] = min(low[id], low[e.To])
			} else if on[e.To] {
				low[id] = min(low[id], index[e.To])
			}
		}
		if low[id] != index[id] {
			return
		}
		var comp []string
		for {
			top := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			on[top] = false
			comp = append(comp, top)
			if top == id {
				break
			}
		}
		if len(comp) == 1 && !slices.ContainsFunc(n.Exits, func(e Exit) bool { return e.To == id }) {
			return
		}
		for _, c := range comp {
			if f.Node(c).Kind.waitsForInput() {
				return
			}
		}
		slices.Sort(comp)
		v.add(comp[0], "exits", "loop", "The nodes %s form a loop that never waits for the caller.", strings.Join(comp, ", "))
	}
	for _, n := range f.Nodes {
		if _, ok := index[n.ID]; !ok && n.ID != "" {
			visit(n.ID)
		}
	}
}

// timeRange is an opening range in minutes after midnight, [From, To).
type timeRange struct{ From, To int }

// parseRanges reads "08:00-12:00,13:30-18:00" ("" is closed all day).
func parseRanges(s string) ([]timeRange, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	var out []timeRange
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if !rangePattern.MatchString(part) {
			return nil, fmt.Errorf("%q is not a range like 08:00-22:00", part)
		}
		var h1, m1, h2, m2 int
		fmt.Sscanf(part, "%d:%d-%d:%d", &h1, &m1, &h2, &m2)
		r := timeRange{h1*60 + m1, h2*60 + m2}
		if r.To <= r.From || r.To > 24*60 {
			return nil, fmt.Errorf("%q ends before it starts", part)
		}
		out = append(out, r)
	}
	return out, nil
}

// Open reports whether the hours are open at t (already in the center's time zone) and
// whether t falls on a holiday.
func (h *Hours) Open(t time.Time) (open, holiday bool) {
	date := t.Format(time.DateOnly)
	if slices.Contains(h.Holidays, date) {
		return false, true
	}
	if len(h.Week) != 7 {
		return false, false
	}
	day := h.Week[(int(t.Weekday())+6)%7] // Week is Monday first
	if slices.Contains(h.Workdays, date) {
		day = h.Week[0]
	}
	ranges, err := parseRanges(day)
	if err != nil {
		return false, false
	}
	m := t.Hour()*60 + t.Minute()
	for _, r := range ranges {
		if m >= r.From && m < r.To {
			return true, false
		}
	}
	return false, false
}
