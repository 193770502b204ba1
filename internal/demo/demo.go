// Package demo loads a believable demo center into an empty database: a computer
// maker's service hotline with queues, agents of three tiers, a supervisor, quality and
// analyst staff, a partner repair station, and a few hundred customers.
package demo

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/voice/sip"
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
	SIP       *sip.Store // optional: the agents' softphone accounts and a demo trunk
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
	if _, err := s.Auth.CreatePartner(ctx, auth.ActorSystem, auth.Partner{
		Name: "鹏程数码专卖店", Kind: "dealer", Phone: "0755-83451234", Address: "深圳市福田区华强北路 1002 号"}); err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	queueIDs := map[string]int64{}
	for _, q := range queues {
		q := q
		if err := s.Queues.CreateQueue(ctx, &q); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
		queueIDs[q.Code] = q.ID
	}
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
		for code, prof := range du.queues {
			if err := s.Queues.AddMember(ctx, queueIDs[code], u.ID, prof); err != nil {
				return fmt.Errorf("demo: %w", err)
			}
		}
	}
	if s.SIP != nil {
		if err := loadSIP(ctx, s.Auth, s.SIP); err != nil {
			return err
		}
	}
	rng := rand.New(rand.NewPCG(2026, 11))
	for _, c := range Customers(rng, CustomerCount) {
		if err := s.Customers.Create(ctx, c); err != nil {
			return fmt.Errorf("demo: customer %s: %w", c.Name, err)
		}
	}
	return nil
}
