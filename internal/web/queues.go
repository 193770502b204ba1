package web

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
)

// queues lists the queues with their settings at a glance and how many agents serve
// each (the live wallboard comes later).
func (c *Console) queues(w http.ResponseWriter, r *http.Request) {
	qs, err := c.Queues.Queues(r.Context())
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "queues", c.page(r, "queues.title", qs))
}

// agentRow is an agent in the skills list.
type agentRow struct {
	*auth.User
	Skills string // "english 4, 粤语 2"
}

type queueSettingsData struct {
	Queues []acdstore.QueueSummary
	Agents []agentRow
}

// agents lists the users who take calls and are not disabled, by username.
func (c *Console) agents(r *http.Request) ([]*auth.User, error) {
	users, _, err := c.Auth.ListUsers(r.Context(), auth.UserFilter{Limit: 1000})
	return slices.DeleteFunc(users, func(u *auth.User) bool { return u.Disabled || !u.Can(auth.PermCallsAnswer) }), err
}

func (c *Console) queueSettings(w http.ResponseWriter, r *http.Request) {
	d := &queueSettingsData{}
	var err error
	if d.Queues, err = c.Queues.Queues(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	users, err := c.agents(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	skills, err := c.Queues.AllSkills(r.Context())
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	for _, u := range users {
		d.Agents = append(d.Agents, agentRow{u, formatSkills(skills[u.ID])})
	}
	c.render(w, r, http.StatusOK, "queue_settings", c.page(r, "queue.settings_title", d))
}

// formatSkills writes skills by name as "english 4, 粤语 2".
func formatSkills(m map[string]int) string {
	var out []string
	for name, level := range m {
		out = append(out, fmt.Sprintf("%s %d", name, level))
	}
	slices.Sort(out)
	return strings.Join(out, ", ")
}

// memberRow is one row of the member editor, as stored or as typed.
type memberRow struct {
	Agent                       int64
	Proficiency, Position, Tier int
}

// emptyRule is an empty-queue rule with its label key.
type emptyRule struct {
	Value acd.EmptyRule
	Key   string
}

var emptyRules = []emptyRule{{acd.EmptyIgnore, "queue.empty_ignore"}, {acd.EmptyNoAgents, "queue.empty_no_agents"}, {acd.EmptyNoActive, "queue.empty_no_active"}}

type queueForm struct {
	Queue       acd.Queue
	Error       string
	Errors      map[string]string
	MemberError string
	Members     []memberRow
	Others      []acdstore.QueueSummary // overflow targets
	Agents      []*auth.User
	Strategies  []acd.Strategy
	ExitActions []acd.ExitAction
	EmptyRules  []emptyRule
}

// blankMembers is how many empty rows the member editor offers for adding agents.
const blankMembers = 3

func (c *Console) queueForm(w http.ResponseWriter, r *http.Request, status int, f *queueForm) {
	qs, err := c.Queues.Queues(r.Context())
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	for _, q := range qs {
		if q.ID != f.Queue.ID {
			f.Others = append(f.Others, q)
		}
	}
	if f.Queue.ID != 0 {
		if f.Agents, err = c.agents(r); err != nil {
			c.Fail(w, r, err)
			return
		}
		if f.Members == nil {
			ms, err := c.Queues.Members(r.Context(), f.Queue.ID)
			if err != nil {
				c.Fail(w, r, err)
				return
			}
			for _, m := range ms {
				f.Members = append(f.Members, memberRow{m.Agent, m.Proficiency, m.Order, m.TierOverride})
			}
		}
		next := 0
		for _, m := range f.Members {
			next = max(next, m.Position+1)
		}
		for i := range blankMembers {
			f.Members = append(f.Members, memberRow{Proficiency: 3, Position: next + i})
		}
	}
	f.Strategies, f.ExitActions, f.EmptyRules = acd.Strategies, acd.ExitActions, emptyRules
	title := "queue.edit"
	if f.Queue.ID == 0 {
		title = "queue.new"
	}
	c.render(w, r, status, "queue_form", c.page(r, title, f))
}

func (c *Console) newQueue(w http.ResponseWriter, r *http.Request) {
	c.queueForm(w, r, http.StatusOK, &queueForm{Queue: acd.Queue{Strategy: acd.LongestIdle, SLSeconds: 20, WrapUpSeconds: 15,
		MaxWaitSeconds: 600, MaxWaitAction: acd.ExitVoicemail, RingSeconds: acd.DefaultRingSeconds, MaxMisses: 3, AnnounceSeconds: 60}})
}

func (c *Console) editQueue(w http.ResponseWriter, r *http.Request) {
	c.withID(w, r, func(w http.ResponseWriter, r *http.Request, id int64) {
		q, err := c.Queues.Queue(r.Context(), id)
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		c.queueForm(w, r, http.StatusOK, &queueForm{Queue: *q})
	})
}

// formInts reads whole-number fields into their targets; the first that is not a whole
// number is an error naming it. An empty field is 0.
func formInts(r *http.Request, fields map[string]*int) error {
	for name, target := range fields {
		s := strings.TrimSpace(r.PostFormValue(name))
		if s == "" {
			*target = 0
			continue
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return errs.Field(name, "Give a whole number.").WithKey("queue_number")
		}
		*target = n
	}
	return nil
}

// queueInput reads the queue form; the store validates the values.
func queueInput(r *http.Request, id int64) (*acd.Queue, error) {
	q := &acd.Queue{ID: id, Code: strings.TrimSpace(r.PostFormValue("code")), NameZH: strings.TrimSpace(r.PostFormValue("name_zh")),
		NameEN: strings.TrimSpace(r.PostFormValue("name_en")), Strategy: acd.Strategy(r.PostFormValue("strategy")),
		MaxWaitAction: acd.ExitAction(r.PostFormValue("max_wait_action")), OverflowQueue: r.PostFormValue("overflow_queue"),
		MusicOnHold: strings.TrimSpace(r.PostFormValue("music_on_hold")), JoinEmpty: acd.EmptyRule(r.PostFormValue("join_empty")),
		LeaveEmpty: acd.EmptyRule(r.PostFormValue("leave_empty"))}
	return q, formInts(r, map[string]*int{"priority": &q.Priority, "sl_seconds": &q.SLSeconds, "wrap_up_seconds": &q.WrapUpSeconds,
		"max_wait_seconds": &q.MaxWaitSeconds, "ring_seconds": &q.RingSeconds, "max_misses": &q.MaxMisses,
		"announce_seconds": &q.AnnounceSeconds, "tier2_seconds": &q.Tier2Seconds, "tier3_seconds": &q.Tier3Seconds})
}

func (c *Console) createQueue(w http.ResponseWriter, r *http.Request) { c.saveQueue(w, r, 0) }

func (c *Console) updateQueue(w http.ResponseWriter, r *http.Request) { c.withID(w, r, c.saveQueue) }

func (c *Console) saveQueue(w http.ResponseWriter, r *http.Request, id int64) {
	q, err := queueInput(r, id)
	if err == nil {
		if id == 0 {
			err = c.Queues.CreateQueue(r.Context(), q)
		} else {
			err = c.Queues.UpdateQueue(r.Context(), q)
		}
	}
	if err != nil {
		if code := errs.CodeOf(err); code == errs.Internal || code == errs.NotFound {
			c.Fail(w, r, err)
			return
		}
		if id != 0 { // the code is fixed: show the stored one
			if old, gerr := c.Queues.Queue(r.Context(), id); gerr == nil {
				q.Code = old.Code
			}
		}
		l := c.Catalog.Locale(Language(r))
		c.queueForm(w, r, httpx.Status(errs.CodeOf(err)), &queueForm{Queue: *q, Error: message(l, err), Errors: fieldErrors(l, err)})
		return
	}
	action := "queue.updated"
	if id == 0 {
		action = "queue.created"
	}
	c.Auth.Audit(r.Context(), auth.FromContext(r.Context()).Actor(), action, "queue", q.ID, map[string]any{"code": q.Code})
	http.Redirect(w, r, "/settings/queues/"+strconv.FormatInt(q.ID, 10)+"?ok=queue_saved", http.StatusSeeOther)
}

// memberInput reads the member editor's rows: rows without an agent or ticked for
// removal are left out.
func memberInput(r *http.Request) ([]memberRow, error) {
	var rows []memberRow
	for i := 0; i < acdstore.MaxMembers+blankMembers; i++ {
		p := "m" + strconv.Itoa(i) + "."
		agent := r.PostFormValue(p + "agent")
		if agent == "" {
			if _, ok := r.PostForm[p+"proficiency"]; !ok {
				break
			}
			continue
		}
		if r.PostFormValue(p+"remove") != "" {
			continue
		}
		var m memberRow
		id, err := strconv.ParseInt(agent, 10, 64)
		if err != nil {
			return rows, errs.Field("agent", "Choose an agent.").WithKey("member_agent")
		}
		m.Agent = id
		if err := formInts(r, map[string]*int{p + "proficiency": &m.Proficiency, p + "position": &m.Position, p + "tier": &m.Tier}); err != nil {
			return rows, err
		}
		rows = append(rows, m)
	}
	return rows, nil
}

func (c *Console) saveQueueMembers(w http.ResponseWriter, r *http.Request) {
	c.withID(w, r, func(w http.ResponseWriter, r *http.Request, id int64) {
		q, err := c.Queues.Queue(r.Context(), id)
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		rows, err := memberInput(r)
		if err == nil {
			in := make([]acdstore.MemberInput, 0, len(rows))
			for _, m := range rows {
				in = append(in, acdstore.MemberInput{Agent: m.Agent, Proficiency: m.Proficiency, Position: m.Position, Tier: m.Tier})
			}
			err = c.Queues.SetMembers(r.Context(), id, in)
		}
		if err != nil {
			if errs.CodeOf(err) == errs.Internal {
				c.Fail(w, r, err)
				return
			}
			l := c.Catalog.Locale(Language(r))
			if rows == nil {
				rows = []memberRow{}
			}
			c.queueForm(w, r, httpx.Status(errs.CodeOf(err)), &queueForm{Queue: *q, MemberError: message(l, err), Members: rows})
			return
		}
		c.Auth.Audit(r.Context(), auth.FromContext(r.Context()).Actor(), "queue.members_set", "queue", id, map[string]any{"members": len(rows)})
		http.Redirect(w, r, "/settings/queues/"+strconv.FormatInt(id, 10)+"?ok=queue_members_saved#members", http.StatusSeeOther)
	})
}

type skillsForm struct {
	Agent  *auth.User
	Skills string // one "name level" a line
	Error  string
}

func (c *Console) skillsPage(w http.ResponseWriter, r *http.Request, status int, f *skillsForm) {
	c.render(w, r, status, "queue_skills", c.page(r, "queue.skills_title", f))
}

func (c *Console) agentSkills(w http.ResponseWriter, r *http.Request) {
	c.withID(w, r, func(w http.ResponseWriter, r *http.Request, id int64) {
		u, err := c.Auth.User(r.Context(), id)
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		sks, err := c.Queues.Skills(r.Context(), id)
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		var lines []string
		for _, s := range sks {
			lines = append(lines, fmt.Sprintf("%s %d", s.Name, s.Proficiency))
		}
		c.skillsPage(w, r, http.StatusOK, &skillsForm{Agent: u, Skills: strings.Join(lines, "\n")})
	})
}

// parseSkills reads one skill a line: a name, then a level 1 to 5 after a space or =.
func parseSkills(s string) ([]acdstore.Skill, error) {
	var out []acdstore.Skill
	for _, line := range lines(s) {
		i := strings.LastIndexAny(line, " =\t")
		if i < 0 {
			return nil, errs.Field("skills", fmt.Sprintf("%q: write a skill and a level 1 to 5, like english 4.", line)).WithKey("skill_line", line)
		}
		level, err := strconv.Atoi(strings.TrimSpace(line[i+1:]))
		if err != nil {
			return nil, errs.Field("skills", fmt.Sprintf("%q: write a skill and a level 1 to 5, like english 4.", line)).WithKey("skill_line", line)
		}
		out = append(out, acdstore.Skill{Name: strings.TrimRight(line[:i], " =\t"), Proficiency: level})
	}
	return out, nil
}

func (c *Console) saveAgentSkills(w http.ResponseWriter, r *http.Request) {
	c.withID(w, r, func(w http.ResponseWriter, r *http.Request, id int64) {
		u, err := c.Auth.User(r.Context(), id)
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		f := &skillsForm{Agent: u, Skills: r.PostFormValue("skills")}
		sks, err := parseSkills(f.Skills)
		if err == nil {
			err = c.Queues.SetSkills(r.Context(), id, sks)
		}
		if err != nil {
			if code := errs.CodeOf(err); code == errs.Internal || code == errs.NotFound {
				c.Fail(w, r, err)
				return
			}
			f.Error = message(c.Catalog.Locale(Language(r)), err)
			c.skillsPage(w, r, httpx.Status(errs.CodeOf(err)), f)
			return
		}
		c.Auth.Audit(r.Context(), auth.FromContext(r.Context()).Actor(), "agent.skills_set", "user", id, map[string]any{"skills": len(sks)})
		http.Redirect(w, r, "/settings/queues?ok=skills_saved", http.StatusSeeOther)
	})
}
