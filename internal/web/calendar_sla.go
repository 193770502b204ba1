package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/sla"
)

// slaRuleForm is the escalation rule form: the conditions, and at most one action of
// each kind (notify, reassign, raise the priority).
type slaRuleForm struct {
	Rule          sla.Rule
	NotifyUsers   []int64
	NotifyGroup   int64
	ReassignUser  int64
	ReassignGroup int64
	Raise         string // "", "step" or a priority
	Error         string
	Errors        map[string]string

	Users      []*auth.User
	Queues     []acdstore.QueueSummary
	Priorities []string
	Clocks     []sla.Clock
	Triggers   []sla.Trigger
}

// Notifies reports whether user id is to be notified, for the form's multiple select.
func (f *slaRuleForm) Notifies(id int64) bool { return slices.Contains(f.NotifyUsers, id) }

// formOfRule spreads a rule's actions over the form's fields.
func formOfRule(r sla.Rule) *slaRuleForm {
	f := &slaRuleForm{Rule: r}
	for _, a := range r.Actions {
		switch a.Kind {
		case sla.Notify:
			f.NotifyUsers, f.NotifyGroup = a.UserIDs, a.GroupID
		case sla.Reassign:
			f.ReassignGroup = a.GroupID
			if len(a.UserIDs) > 0 {
				f.ReassignUser = a.UserIDs[0]
			}
		case sla.RaisePriority:
			f.Raise = a.Priority
			if f.Raise == "" {
				f.Raise = "step"
			}
		}
	}
	return f
}

// slaRuleInput reads the form. Unparseable numbers become values validation refuses.
func slaRuleInput(r *http.Request, id int64) *slaRuleForm {
	num := func(field string) int64 {
		s := strings.TrimSpace(r.PostFormValue(field))
		if s == "" {
			return 0
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return -1
		}
		return n
	}
	f := &slaRuleForm{Rule: sla.Rule{ID: id, Name: r.PostFormValue("name"), Enabled: r.PostFormValue("enabled") == "on",
		TicketType: r.PostFormValue("ticket_type"), Priority: r.PostFormValue("priority"), Clock: sla.Clock(r.PostFormValue("clock")),
		On: sla.Trigger(r.PostFormValue("on")), AfterMinutes: int(num("after_minutes"))},
		NotifyGroup: num("notify_group"), ReassignUser: num("reassign_user"), ReassignGroup: num("reassign_group"), Raise: r.PostFormValue("raise")}
	for _, s := range r.PostForm["notify_users"] {
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			f.NotifyUsers = append(f.NotifyUsers, n)
		} else {
			f.NotifyUsers = append(f.NotifyUsers, -1)
		}
	}
	var actions []sla.Action
	if len(f.NotifyUsers) > 0 || f.NotifyGroup != 0 {
		actions = append(actions, sla.Action{Kind: sla.Notify, UserIDs: f.NotifyUsers, GroupID: f.NotifyGroup})
	}
	if f.ReassignUser != 0 || f.ReassignGroup != 0 {
		a := sla.Action{Kind: sla.Reassign, GroupID: f.ReassignGroup}
		if f.ReassignUser != 0 {
			a.UserIDs = []int64{f.ReassignUser}
		}
		actions = append(actions, a)
	}
	if f.Raise != "" {
		a := sla.Action{Kind: sla.RaisePriority}
		if f.Raise != "step" {
			a.Priority = f.Raise
		}
		actions = append(actions, a)
	}
	f.Rule.Actions = actions
	return f
}

type slaRulesData struct {
	Rules []sla.Rule
	Names map[int64]string // user and queue names for the summaries
	Queue map[int64]string
}

func (c *Console) slaRules(w http.ResponseWriter, r *http.Request) {
	rules, err := c.SLARules.List(r.Context())
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	f := &slaRuleForm{}
	if err := c.fillRuleChoices(r, f); err != nil {
		c.Fail(w, r, err)
		return
	}
	d := &slaRulesData{Rules: rules, Names: map[int64]string{}, Queue: map[int64]string{}}
	for _, u := range f.Users {
		d.Names[u.ID] = u.DisplayName
	}
	for _, q := range f.Queues {
		d.Queue[q.ID] = q.Name(Language(r))
	}
	c.render(w, r, http.StatusOK, "calendar_sla_rules", c.page(r, "sla.title", d))
}

// fillRuleChoices loads the users and groups the form offers.
func (c *Console) fillRuleChoices(r *http.Request, f *slaRuleForm) error {
	f.Priorities, f.Clocks, f.Triggers = sla.Priorities, sla.Clocks, sla.Triggers
	users, _, err := c.Auth.ListUsers(r.Context(), auth.UserFilter{Limit: 1000})
	if err != nil {
		return err
	}
	for _, u := range users {
		if u.Role != auth.RolePartner && !u.Disabled {
			f.Users = append(f.Users, u)
		}
	}
	f.Queues, err = c.Queues.Queues(r.Context())
	return err
}

func (c *Console) slaRuleForm(w http.ResponseWriter, r *http.Request, status int, f *slaRuleForm) {
	if err := c.fillRuleChoices(r, f); err != nil {
		c.Fail(w, r, err)
		return
	}
	title := "sla.edit"
	if f.Rule.ID == 0 {
		title = "sla.new"
	}
	c.render(w, r, status, "calendar_sla_rule", c.page(r, title, f))
}

func (c *Console) newSLARule(w http.ResponseWriter, r *http.Request) {
	c.slaRuleForm(w, r, http.StatusOK, &slaRuleForm{Rule: sla.Rule{Enabled: true, Clock: sla.FirstResponse, On: sla.OnBreached}})
}

func (c *Console) editSLARule(w http.ResponseWriter, r *http.Request) {
	c.withID(w, r, func(w http.ResponseWriter, r *http.Request, id int64) {
		rule, err := c.SLARules.Get(r.Context(), id)
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		c.slaRuleForm(w, r, http.StatusOK, formOfRule(*rule))
	})
}

func (c *Console) createSLARule(w http.ResponseWriter, r *http.Request) { c.saveSLARule(w, r, 0) }

func (c *Console) updateSLARule(w http.ResponseWriter, r *http.Request) {
	c.withID(w, r, c.saveSLARule)
}

func (c *Console) saveSLARule(w http.ResponseWriter, r *http.Request, id int64) {
	r.ParseForm()
	f := slaRuleInput(r, id)
	var err error
	if id == 0 {
		err = c.SLARules.Create(r.Context(), &f.Rule)
	} else {
		err = c.SLARules.Update(r.Context(), &f.Rule)
	}
	if err != nil {
		if code := errs.CodeOf(err); code == errs.Internal || code == errs.NotFound {
			c.Fail(w, r, err)
			return
		}
		l := c.Catalog.Locale(Language(r))
		f.Error, f.Errors = message(l, err), fieldErrors(l, err)
		c.slaRuleForm(w, r, httpx.Status(errs.CodeOf(err)), f)
		return
	}
	http.Redirect(w, r, "/settings/sla-rules?ok=sla_rule_saved", http.StatusSeeOther)
}

func (c *Console) deleteSLARule(w http.ResponseWriter, r *http.Request) {
	c.withID(w, r, func(w http.ResponseWriter, r *http.Request, id int64) {
		if err := c.SLARules.Delete(r.Context(), id); err != nil {
			c.Fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/settings/sla-rules?ok=sla_rule_deleted", http.StatusSeeOther)
	})
}
