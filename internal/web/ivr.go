package web

import (
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/calendar"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/i18n"
	"github.com/hotlinecc/hotline/internal/ivr"
)

type ivrListData struct {
	Flows []ivr.FlowSummary
	Form  ivr.Flow
	Error string
}

func (c *Console) ivrFlows(w http.ResponseWriter, r *http.Request) {
	c.ivrListPage(w, r, http.StatusOK, &ivrListData{Form: ivr.Flow{Language: "zh"}})
}

func (c *Console) ivrListPage(w http.ResponseWriter, r *http.Request, status int, d *ivrListData) {
	var err error
	if d.Flows, err = c.IVR.Flows(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, status, "ivr", c.page(r, "ivr.title", d))
}

// createIVRFlow starts a flow that greets and hangs up, to be built in the editor.
func (c *Console) createIVRFlow(w http.ResponseWriter, r *http.Request) {
	f := &ivr.Flow{Name: r.PostFormValue("name"), Language: r.PostFormValue("language"), Start: "welcome", Nodes: []ivr.Node{
		{ID: "welcome", Kind: ivr.KindPlay, Params: ivr.Params{Prompt: "welcome"}, Exits: []ivr.Exit{{Name: ivr.ExitNext, To: "goodbye"}}},
		{ID: "goodbye", Kind: ivr.KindHangup, Params: ivr.Params{Prompt: "goodbye"}},
	}}
	p := auth.FromContext(r.Context())
	if err := c.IVR.CreateFlow(r.Context(), f, p.User.ID); err != nil {
		if errs.CodeOf(err) == errs.Internal {
			c.Fail(w, r, err)
			return
		}
		c.ivrListPage(w, r, httpx.Status(errs.CodeOf(err)), &ivrListData{Form: *f, Error: message(c.Catalog.Locale(Language(r)), err)})
		return
	}
	c.Auth.Audit(r.Context(), p.Actor(), "ivr.flow_created", "ivr_flow", f.ID, map[string]any{"name": f.Name})
	http.Redirect(w, r, "/settings/ivr/"+strconv.FormatInt(f.ID, 10)+"?ok=ivr_created", http.StatusSeeOther)
}

// ivrFlowData is the editor: the flow, its problems per node and the choices of the
// form's selects.
type ivrFlowData struct {
	Flow     *ivr.Flow
	Problems map[string][]string // node id ("" for the flow) -> messages
	Error    string
	Kinds    []ivr.Kind
	SayAs    []ivr.SayAs
	Targets  []ivr.Target
	Queues   []string
	Prompts  []string
	Outline  []outlineLine
	Weekdays []string
	Nodes    []nodeView // the flow's nodes and a blank one to add
	// Calendars are the business calendars an hours node may ask.
	Calendars []*calendar.Calendar
}

// nodeView is one node in the editor, with blank exit rows to add exits.
type nodeView struct {
	I        int
	Node     ivr.Node
	Exits    []ivr.Exit
	Week     []string
	Calendar int64 // an hours node's business calendar
	Results  string
	Problems []string
	New      bool
}

// exitHints are the exits the editor suggests for a node of each kind.
var exitHints = map[ivr.Kind][]string{
	ivr.KindPlay: {"next"}, ivr.KindSay: {"next"}, ivr.KindSet: {"next"}, ivr.KindMenu: {"1", "2", "timeout", "invalid"},
	ivr.KindCollect: {"ok", "timeout"}, ivr.KindHours: {"open", "closed"}, ivr.KindLookup: {"ok", "error"},
}

func nodeViews(f *ivr.Flow, problems map[string][]string) []nodeView {
	var out []nodeView
	for i, n := range append(slices.Clone(f.Nodes), ivr.Node{Kind: ivr.KindPlay}) {
		v := nodeView{I: i, Node: n, Exits: slices.Clone(n.Exits), Problems: problems[n.ID], New: i == len(f.Nodes)}
		if !n.Kind.Terminal() {
			if len(v.Exits) == 0 {
				for _, name := range exitHints[n.Kind] {
					v.Exits = append(v.Exits, ivr.Exit{Name: name})
				}
			}
			v.Exits = append(v.Exits, ivr.Exit{}, ivr.Exit{})
		}
		v.Week = make([]string, 7)
		if h := n.Params.Hours; h != nil {
			copy(v.Week, h.Week)
			v.Calendar = h.CalendarID
		}
		var lines []string
		for _, r := range n.Params.Results {
			lines = append(lines, r.Var+"="+r.Path)
		}
		v.Results = strings.Join(lines, "\n")
		out = append(out, v)
	}
	return out
}

// outlineLine is one row of the read-only tree of a flow.
type outlineLine struct {
	Depth  int
	Exit   string
	Node   string
	Kind   ivr.Kind
	Seen   bool // shown above already (a loop or a shared node)
	Indent string
}

func (c *Console) ivrFlow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	f, err := c.IVR.Flow(r.Context(), id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	d := &ivrFlowData{Flow: f}
	ps, err := c.IVR.Check(r.Context(), f)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	d.Problems = problemMap(c.Catalog.Locale(Language(r)), ps) // a queue or prompt may have gone since the flow was saved
	c.ivrFlowPage(w, r, http.StatusOK, d)
}

// problemMap groups a flow's problems by node, in the reader's language.
func problemMap(l *i18n.Locale, ps ivr.Problems) map[string][]string {
	m := map[string][]string{}
	for _, p := range ps {
		msg := p.Message
		if key := "ivr.problem_" + p.Key; l.Has(key) {
			msg = l.T(key, p.Args...)
		}
		m[p.Node] = append(m[p.Node], msg)
	}
	return m
}

func (c *Console) ivrFlowPage(w http.ResponseWriter, r *http.Request, status int, d *ivrFlowData) {
	ctx := r.Context()
	d.Kinds, d.SayAs, d.Targets = ivr.Kinds, ivr.SayAsKinds, ivr.Targets
	d.Weekdays = []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"}
	d.Nodes = nodeViews(d.Flow, d.Problems)
	qs, err := c.Queues.Queues(ctx)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	for _, q := range qs {
		d.Queues = append(d.Queues, q.Code)
	}
	prompts, err := c.IVR.Prompts(ctx, d.Flow.Language)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	for _, p := range prompts {
		d.Prompts = append(d.Prompts, p.Name)
	}
	if c.Calendars != nil {
		if d.Calendars, err = c.Calendars.List(ctx); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	d.Outline = outline(d.Flow)
	c.render(w, r, status, "ivr_flow", c.page(r, "ivr.edit", d))
}

// outline walks the flow from its start, depth first, as an indented tree.
func outline(f *ivr.Flow) []outlineLine {
	var out []outlineLine
	seen := map[string]bool{}
	var walk func(id, exit string, depth int)
	walk = func(id, exit string, depth int) {
		n := f.Node(id)
		if n == nil || depth > 40 {
			return
		}
		line := outlineLine{Depth: depth, Exit: exit, Node: id, Kind: n.Kind, Seen: seen[id], Indent: strings.Repeat("    ", depth)}
		out = append(out, line)
		if line.Seen {
			return
		}
		seen[id] = true
		for _, e := range n.Exits {
			walk(e.To, e.Name, depth+1)
		}
	}
	walk(f.Start, "", 0)
	return out
}

// saveIVRFlow reads the editor's form into a flow and saves it; problems are shown
// beside their nodes and nothing is saved.
func (c *Console) saveIVRFlow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	old, err := c.IVR.Flow(r.Context(), id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	f := flowFromForm(r)
	f.ID, f.IsDefault = id, old.IsDefault
	p := auth.FromContext(r.Context())
	if err := c.IVR.UpdateFlow(r.Context(), f, p.User.ID); err != nil {
		code := errs.CodeOf(err)
		if code == errs.Internal || code == errs.NotFound {
			c.Fail(w, r, err)
			return
		}
		c.ivrFlowPage(w, r, httpx.Status(code), &ivrFlowData{Flow: f, Problems: problemMap(c.Catalog.Locale(Language(r)), ivr.ProblemsOf(err)),
			Error: message(c.Catalog.Locale(Language(r)), err)})
		return
	}
	c.Auth.Audit(r.Context(), p.Actor(), "ivr.flow_saved", "ivr_flow", f.ID, map[string]any{"name": f.Name, "version": f.Version})
	http.Redirect(w, r, "/settings/ivr/"+strconv.FormatInt(id, 10)+"?ok=ivr_saved", http.StatusSeeOther)
}

// flowFromForm reads the editor. Node i's fields are named n<i>.<field>, its exits
// n<i>.exit<j>.name and .to; a node whose id is empty (the blank row for a new node) or
// that is marked for removal is left out. Numbers that do not parse become -1, which
// validation rejects.
func flowFromForm(r *http.Request) *ivr.Flow {
	f := &ivr.Flow{Name: r.PostFormValue("name"), Language: r.PostFormValue("language"), Start: r.PostFormValue("start")}
	f.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	count, _ := strconv.Atoi(r.PostFormValue("nodes"))
	for i := 0; i < min(count, ivr.MaxNodes+1); i++ {
		pre := "n" + strconv.Itoa(i) + "."
		get := func(k string) string { return strings.TrimSpace(r.PostFormValue(pre + k)) }
		num := func(k string) int {
			s := get(k)
			if s == "" {
				return 0
			}
			n, err := strconv.Atoi(s)
			if err != nil {
				return -1
			}
			return n
		}
		if get("id") == "" || get("remove") == "on" {
			continue
		}
		n := ivr.Node{ID: get("id"), Kind: ivr.Kind(get("kind")), Name: get("name")}
		for j := 0; j < 16; j++ {
			name, to := get("exit"+strconv.Itoa(j)+".name"), get("exit"+strconv.Itoa(j)+".to")
			if name != "" || to != "" {
				n.Exits = append(n.Exits, ivr.Exit{Name: name, To: to})
			}
		}
		p := &n.Params
		switch n.Kind {
		case ivr.KindPlay, ivr.KindVoicemail, ivr.KindHangup, ivr.KindTransfer:
			p.Prompt = get("prompt")
			p.Box = get("box")
			p.Target, p.Number = ivr.Target(get("target")), get("number")
		case ivr.KindSay:
			p.Text, p.SayAs = get("text"), ivr.SayAs(get("say_as"))
		case ivr.KindMenu, ivr.KindCollect:
			p.Prompt, p.InvalidPrompt, p.NoInputPrompt = get("prompt"), get("invalid_prompt"), get("no_input_prompt")
			p.TimeoutSec, p.Retries = num("timeout_seconds"), num("retries")
			p.MinDigits, p.MaxDigits, p.Terminator, p.Var = num("min_digits"), num("max_digits"), get("terminator"), get("var")
		case ivr.KindSet:
			p.Var, p.Value = get("var"), get("value")
		case ivr.KindQueue:
			p.Queue, p.Priority = get("queue"), num("priority")
		case ivr.KindHours:
			h := &ivr.Hours{}
			for d := 0; d < 7; d++ {
				h.Week = append(h.Week, get("week"+strconv.Itoa(d)))
			}
			h.Holidays, h.Workdays = splitList(get("holidays")), splitList(get("workdays"))
			if s := get("calendar_id"); s != "" {
				if h.CalendarID, _ = strconv.ParseInt(s, 10, 64); h.CalendarID == 0 {
					h.CalendarID = -1 // not a number: validation names it
				}
			}
			if h.CalendarID > 0 && strings.Join(h.Week, "") == "" && len(h.Holidays)+len(h.Workdays) == 0 {
				h.Week = nil // the calendar alone, without fallback hours
			}
			p.Hours = h
		case ivr.KindLookup:
			p.Method, p.URL, p.TimeoutSec = get("method"), get("url"), num("timeout_seconds")
			for _, line := range strings.Split(get("results"), "\n") {
				if v, path, ok := strings.Cut(strings.TrimSpace(line), "="); ok {
					p.Results = append(p.Results, ivr.Pick{Var: strings.TrimSpace(v), Path: strings.TrimSpace(path)})
				} else if strings.TrimSpace(line) != "" {
					p.Results = append(p.Results, ivr.Pick{Path: strings.TrimSpace(line)})
				}
			}
		}
		if n.Kind != ivr.KindTransfer {
			p.Target, p.Number = "", ""
		}
		if n.Kind != ivr.KindVoicemail {
			p.Box = ""
		}
		f.Nodes = append(f.Nodes, n)
	}
	return f
}

func splitList(s string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '，' }) {
		out = append(out, strings.TrimSpace(x))
	}
	return out
}

func (c *Console) setDefaultIVRFlow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = c.IVR.SetDefault(r.Context(), id)
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	p := auth.FromContext(r.Context())
	c.Auth.Audit(r.Context(), p.Actor(), "ivr.flow_default", "ivr_flow", id, nil)
	http.Redirect(w, r, "/settings/ivr?ok=ivr_default", http.StatusSeeOther)
}

func (c *Console) deleteIVRFlow(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = c.IVR.DeleteFlow(r.Context(), id)
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	p := auth.FromContext(r.Context())
	c.Auth.Audit(r.Context(), p.Actor(), "ivr.flow_deleted", "ivr_flow", id, nil)
	http.Redirect(w, r, "/settings/ivr?ok=ivr_deleted", http.StatusSeeOther)
}

type promptsData struct {
	Prompts  []ivr.PromptInfo
	Language string
	Name     string
	Error    string
	MaxKB    int
}

func (c *Console) prompts(w http.ResponseWriter, r *http.Request) {
	c.promptsPage(w, r, http.StatusOK, &promptsData{Language: "zh"})
}

func (c *Console) promptsPage(w http.ResponseWriter, r *http.Request, status int, d *promptsData) {
	var err error
	if d.Prompts, err = c.IVR.Prompts(r.Context(), ""); err != nil {
		c.Fail(w, r, err)
		return
	}
	d.MaxKB = ivr.MaxPromptBytes >> 10
	c.render(w, r, status, "ivr_prompts", c.page(r, "ivr.prompts", d))
}

// uploadPrompt takes a WAV file from a multipart form.
func (c *Console) uploadPrompt(w http.ResponseWriter, r *http.Request) {
	d := &promptsData{Language: r.PostFormValue("language"), Name: r.PostFormValue("name")}
	fail := func(err error) {
		if errs.CodeOf(err) == errs.Internal {
			c.Fail(w, r, err)
			return
		}
		d.Error = message(c.Catalog.Locale(Language(r)), err)
		c.promptsPage(w, r, httpx.Status(errs.CodeOf(err)), d)
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		fail(errs.Field("file", "Choose a WAV file.").WithKey("ivr_prompt_file"))
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, ivr.MaxPromptBytes+1))
	if err != nil {
		fail(err)
		return
	}
	if d.Name == "" {
		d.Name = strings.TrimSuffix(strings.ToLower(hdr.Filename), ".wav")
	}
	p := auth.FromContext(r.Context())
	info, err := c.IVR.UploadPrompt(r.Context(), d.Language, d.Name, data, p.User.ID)
	if err != nil {
		fail(err)
		return
	}
	c.Auth.Audit(r.Context(), p.Actor(), "ivr.prompt_uploaded", "ivr_prompt", info.ID, map[string]any{"name": info.Name, "language": info.Language})
	http.Redirect(w, r, "/settings/prompts?ok=prompt_uploaded", http.StatusSeeOther)
}

func (c *Console) deletePrompt(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = c.IVR.DeletePrompt(r.Context(), id)
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	p := auth.FromContext(r.Context())
	c.Auth.Audit(r.Context(), p.Actor(), "ivr.prompt_deleted", "ivr_prompt", id, nil)
	http.Redirect(w, r, "/settings/prompts?ok=prompt_deleted", http.StatusSeeOther)
}

// promptAudio plays a prompt in the browser: ?language=zh&name=welcome (without a name,
// the music on hold).
func (c *Console) promptAudio(w http.ResponseWriter, r *http.Request) {
	lang, name := r.URL.Query().Get("language"), r.URL.Query().Get("name")
	if name == "" {
		name = ivr.MusicOnHold
	}
	if !slices.Contains(ivr.Languages, lang) {
		lang = "zh"
	}
	b, err := c.IVR.PromptAudio(r.Context(), lang, name)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Cache-Control", "private, no-cache")
	w.Write(b)
}
