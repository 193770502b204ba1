// Package demo loads a believable demo center into an empty database: a computer
// maker's service hotline with queues, agents of three tiers, a supervisor, quality and
// analyst staff, a partner repair station, and a few hundred customers.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/calendar"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/ivr"
	"github.com/hotlinecc/hotline/internal/kb"
	"github.com/hotlinecc/hotline/internal/qa"
	"github.com/hotlinecc/hotline/internal/sla"
	"github.com/hotlinecc/hotline/internal/survey"
	"github.com/hotlinecc/hotline/internal/ticket"
	"github.com/hotlinecc/hotline/internal/todo"
	"github.com/hotlinecc/hotline/internal/voice/sip"
	"github.com/hotlinecc/hotline/internal/webhook"
)

// Password is every demo user's password. It exists only in a database loaded with
// --demo; a normal first start creates one admin with a random password.
const Password = "hotline-demo"

// Login is one demo sign-in, for the banner that `serve --demo` prints.
type Login struct {
	Username, Name, Role string
}

type demoUser struct {
	username, name string
	role           auth.Role
	tier           int
	lang           string
	queues         map[string]int // queue code -> proficiency
}

var users = []demoUser{
	{"admin", "系统管理员", auth.RoleAdmin, 0, "", nil},
	{"supervisor", "李娜", auth.RoleSupervisor, 0, "", map[string]int{"complaints": 5}},
	{"agent1", "王伟", auth.RoleAgent, auth.TierFirstLine, "", map[string]int{"presales": 4, "support": 3}},
	{"agent2", "张敏", auth.RoleAgent, auth.TierFirstLine, "", map[string]int{"presales": 5, "repair": 3}},
	{"agent3", "Emily Chen", auth.RoleAgent, auth.TierFirstLine, "en", map[string]int{"presales": 3, "support": 4}},
	{"senior1", "刘洋", auth.RoleAgent, auth.TierSenior, "", map[string]int{"support": 5, "repair": 4, "complaints": 3}},
	{"senior2", "陈静", auth.RoleAgent, auth.TierSenior, "", map[string]int{"repair": 5, "support": 3, "vip": 4}},
	{"expert", "周杰", auth.RoleAgent, auth.TierExpert, "", map[string]int{"support": 5, "complaints": 5, "vip": 5}},
	{"qa", "孙丽", auth.RoleQA, 0, "", nil},
	{"analyst", "吴强", auth.RoleAnalyst, 0, "", nil},
	{"station", "黄师傅", auth.RolePartner, 0, "", nil},
}

var queues = []acd.Queue{
	{Code: "vip", NameZH: "VIP 专线", NameEN: "VIP line", Strategy: acd.BestSkill, Priority: 10, SLSeconds: 15, WrapUpSeconds: 20, MaxWaitSeconds: 300},
	{Code: "complaints", NameZH: "投诉建议", NameEN: "Complaints and suggestions", Strategy: acd.TopDown, Priority: 5, SLSeconds: 30, WrapUpSeconds: 60, MaxWaitSeconds: 600},
	{Code: "presales", NameZH: "售前咨询", NameEN: "Pre-sales", Strategy: acd.LongestIdle, SLSeconds: 20, WrapUpSeconds: 15, MaxWaitSeconds: 600},
	{Code: "support", NameZH: "技术支持", NameEN: "Technical support", Strategy: acd.LongestIdle, SLSeconds: 30, WrapUpSeconds: 30, MaxWaitSeconds: 900},
	{Code: "repair", NameZH: "维修进度", NameEN: "Repair status", Strategy: acd.FewestCalls, SLSeconds: 30, WrapUpSeconds: 15, MaxWaitSeconds: 600},
}

// Logins lists the demo sign-ins in the order the banner shows them.
func Logins() []Login {
	var out []Login
	for _, u := range users {
		role := string(u.role)
		if u.tier > 0 {
			role = fmt.Sprintf("%s tier %d", role, u.tier)
		}
		out = append(out, Login{u.username, u.name, role})
	}
	return out
}

// Services are what Load writes through.
type Services struct {
	Auth      *auth.Service
	Customers *crm.Store
	Queues    *acdstore.Store
	Webhooks  *webhook.Store // optional
	IVR       *ivr.Store     // nil: no IVR flows
	KB        *kb.Service    // optional: the demo knowledge base
	Calendars *calendar.Store
	SLARules  *sla.RuleStore
	Todos     *todo.Store
	Tickets   *ticket.Service // optional: ticket types, departments and demo tickets
	Calls     *contact.Store  // optional: a day of call records with recordings
	SIP       *sip.Store      // optional: the agents' softphone accounts and a demo trunk
	QA        *qa.Store       // optional (with Calls): scorecards, evaluations and a dispute
	Surveys   *survey.Store   // optional: questionnaires, invitations and ratings
}

// CustomerCount is how many demo customers Load creates.
const CustomerCount = 300

// Load fills an empty database with the demo center. It writes through the same services
// as the console, so demo data obeys every rule real data does.
func Load(ctx context.Context, s Services) error {
	station, err := s.Auth.CreatePartner(ctx, auth.ActorSystem, auth.Partner{
		Name: "华强电脑维修站（中关村）", Kind: "repair_station", Phone: "010-62561234", Address: "北京市海淀区中关村大街 18 号"})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	dealer, err := s.Auth.CreatePartner(ctx, auth.ActorSystem, auth.Partner{
		Name: "鹏程数码专卖店", Kind: "dealer", Phone: "0755-83451234", Address: "深圳市福田区华强北路 1002 号"})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	queueIDs, userIDs := map[string]int64{}, map[string]int64{}
	for _, q := range queues {
		q := q
		if err := s.Queues.CreateQueue(ctx, &q); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		queueIDs[q.Code] = q.ID
	}
	staff := map[string]*auth.User{}
	for _, du := range users {
		in := auth.UserInput{Username: du.username, DisplayName: &du.name, Role: &du.role, Password: Password, Language: &du.lang}
		email := du.username + "@hotline.example.cn"
		in.Email = &email
		if du.tier > 0 {
			in.Tier = &du.tier
		}
		if du.role == auth.RolePartner {
			in.PartnerID = &station.ID
		}
		u, err := s.Auth.CreateUser(ctx, auth.ActorSystem, in)
		if err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		staff[du.username] = u
		userIDs[du.username] = u.ID
		for code, prof := range du.queues {
			if err := s.Queues.AddMember(ctx, queueIDs[code], u.ID, prof); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
		}
	}
	if err := loadSkills(ctx, s.Queues, userIDs); err != nil {
		return err
	}
	hotlineCalendar, err := createCalendars(ctx, s)
	if err != nil {
		return err
	}
	if s.IVR != nil {
		if err := loadIVR(ctx, s.IVR, hotlineCalendar); err != nil {
			return err
		}
	}
	if err := s.Customers.SaveFieldDef(ctx, 0, &crm.FieldDef{Key: "industry", LabelZH: "行业", LabelEN: "Industry", Kind: crm.FieldChoice,
		Options: industries}); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if s.SIP != nil {
		if err := loadSIP(ctx, s.Auth, s.SIP); err != nil {
			return err
		}
	}
	rng := rand.New(rand.NewPCG(2026, 11))
	customers := Customers(rng, CustomerCount)
	var customerIDs []int64
	for _, c := range customers {
		if err := s.Customers.Create(ctx, c); err != nil {
			return fmt.Errorf("demo: customer %s: %w", c.Name, err)
		}
		customerIDs = append(customerIDs, c.ID)
	}
	if err := contacts(ctx, s.Customers, rng, customers, staff); err != nil {
		return err
	}
	// Purchase-intent callers referred to the repair station's shop and to the dealer;
	// the first two go to the station, whose demo user signs in as "station".
	for i, l := range []crm.Lead{
		{Product: "ThinkPad X1 Carbon", PartnerID: station.ID, FollowUp: time.Now().AddDate(0, 0, 2).Format("2006-01-02"), Note: "想以旧换新"},
		{Product: "拯救者 Y9000P", PartnerID: station.ID, Status: crm.LeadContacted, Note: "周末到店试机"},
		{Product: "ThinkCentre M90 ×20", PartnerID: dealer.ID, FollowUp: time.Now().AddDate(0, 0, 5).Format("2006-01-02"), Note: "公司批量采购"},
		{Product: "YOGA Air 15"},
	} {
		l.CustomerID, l.OwnerID = customers[3+i*7].ID, staff["agent2"].ID
		if err := s.Customers.CreateLead(ctx, staff["agent2"], &l); err != nil {
			return fmt.Errorf("demo: lead: %w", err)
		}
	}
	if s.KB != nil {
		if err := loadKB(ctx, s.KB, staff); err != nil {
			return err
		}
	}
	if err := loadCalendars(ctx, s, userIDs, queueIDs, customerIDs); err != nil {
		return err
	}
	if s.Tickets != nil {
		if err := loadTickets(ctx, s, station.ID, userIDs, queueIDs); err != nil {
			return err
		}
	}
	if s.Calls != nil {
		if err := loadCalls(ctx, s); err != nil {
			return fmt.Errorf("demo: calls: %w", err)
		}
		if s.QA != nil {
			if err := loadQA(ctx, s); err != nil {
				return fmt.Errorf("demo: quality: %w", err)
			}
		}
	}
	if s.Surveys != nil {
		if err := loadSurveys(ctx, s, userIDs, queueIDs); err != nil {
			return err
		}
	}
	return loadWebhooks(ctx, s)
}

// skills are the demo agents' skills for skills-based routing: English for the
// English-speaking callers, product lines for technical matters.
var skills = map[string][]acdstore.Skill{
	"agent1":  {{Name: "thinkpad", Proficiency: 3}},
	"agent3":  {{Name: "english", Proficiency: 5}, {Name: "thinkpad", Proficiency: 2}},
	"senior1": {{Name: "english", Proficiency: 3}, {Name: "thinkpad", Proficiency: 5}, {Name: "粤语", Proficiency: 4}},
	"senior2": {{Name: "legion", Proficiency: 5}},
	"expert":  {{Name: "english", Proficiency: 4}, {Name: "thinkpad", Proficiency: 5}, {Name: "legion", Proficiency: 4}},
}

func loadSkills(ctx context.Context, s *acdstore.Store, userIDs map[string]int64) error {
	for username, list := range skills {
		if err := s.SetSkills(ctx, userIDs[username], list); err != nil {
			return fmt.Errorf("demo: skills of %s: %w", username, err)
		}
	}
	return nil
}

// loadWebhooks adds two example webhooks, inactive, since their receivers do not exist.
func loadWebhooks(ctx context.Context, s Services) error {
	if s.Webhooks == nil {
		return nil
	}
	off := false
	for _, h := range []struct {
		name, url string
		events    []string
	}{
		{"ERP 工单同步（示例）", "https://erp.example.cn/hotline/webhook", []string{"ticket.*"}},
		{"维修站派单通知（示例）", "https://station.example.cn/api/orders", []string{"ticket.dispatched", "ticket.status_changed"}},
	} {
		if _, err := s.Webhooks.Create(ctx, webhook.Input{Name: &h.name, URL: &h.url, Events: &h.events, Active: &off}); err != nil {
			return fmt.Errorf("demo: webhook %s: %w", h.name, err)
		}
	}
	return nil
}

// contacts records a past week of contacts for some customers, oldest first, so the
// timeline, repeat-caller alerts and unknown callers show.
func contacts(ctx context.Context, store *crm.Store, rng *rand.Rand, customers []*crm.Customer, staff map[string]*auth.User) error {
	agents := []string{"agent1", "agent2", "agent3", "senior1", "senior2"}
	summaries := []string{"咨询笔记本保修期", "电脑无法开机，指导重置电源", "询问维修进度", "咨询新款笔记本价格", "投诉维修站服务态度", "预约上门维修", "Asked about warranty extension"}
	now := time.Now().UTC().Truncate(time.Minute)
	type plan struct {
		c  *crm.Contact
		at time.Time
	}
	var plans []plan
	for i := 0; i < 60; i++ {
		cu := customers[rng.IntN(40)] // a small set, so several call more than once
		ch := crm.ChannelCall
		if rng.IntN(5) == 0 {
			ch = []string{crm.ChannelChat, crm.ChannelEmail, crm.ChannelSMS}[rng.IntN(3)]
		}
		at := now.Add(-time.Duration(rng.IntN(10*24*60)) * time.Minute)
		c := &crm.Contact{CustomerID: cu.ID, Channel: ch, Direction: crm.Inbound, From: cu.Phones[0].Number, To: "4008001234",
			StartedAt: at, EndedAt: at.Add(time.Duration(60+rng.IntN(600)) * time.Second), AgentID: staff[agents[rng.IntN(len(agents))]].ID,
			Summary: summaries[rng.IntN(len(summaries))]}
		if ch == crm.ChannelEmail && len(cu.Emails) > 0 {
			c.From = cu.Emails[0]
		}
		plans = append(plans, plan{c, at})
	}
	// An unknown caller who tried twice.
	for _, h := range []int{30, 2} {
		at := now.Add(-time.Duration(h) * time.Hour)
		plans = append(plans, plan{&crm.Contact{Channel: crm.ChannelCall, From: "021-55501234", To: "4008001234", StartedAt: at, Summary: "未留姓名，询问门店地址"}, at})
	}
	slices.SortFunc(plans, func(a, b plan) int { return a.at.Compare(b.at) })
	for _, p := range plans {
		if _, err := store.RecordContact(ctx, p.c); err != nil {
			return fmt.Errorf("demo: contact: %w", err)
		}
	}
	return nil
}
