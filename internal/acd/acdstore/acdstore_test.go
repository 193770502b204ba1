package acdstore_test

import (
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
)

func TestQueues(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := acdstore.New(d)
		ctx := context.Background()
		q := &acd.Queue{Code: "support", NameZH: "技术支持", NameEN: "Technical support", Strategy: acd.LongestIdle, SLSeconds: 30}
		if err := s.CreateQueue(ctx, q); err != nil {
			t.Fatal(err)
		}
		dup := *q
		if err := s.CreateQueue(ctx, &dup); !errs.Is(err, errs.Invalid) {
			t.Fatalf("duplicate code: %v", err)
		}
		bad := acd.Queue{Code: "x", NameZH: "x", NameEN: "x", Strategy: "random", SLSeconds: 30}
		if err := s.CreateQueue(ctx, &bad); !errs.Is(err, errs.Invalid) {
			t.Fatalf("unknown strategy: %v", err)
		}
		list, err := s.Queues(ctx)
		if err != nil || len(list) != 1 || list[0].Name("en") != "Technical support" || list[0].Members != 0 || list[0].MaxWaitAction != acd.ExitVoicemail {
			t.Fatalf("queues %+v %v", list, err)
		}
	})
}

// full is a queue with every setting away from its default.
func full() *acd.Queue {
	return &acd.Queue{Code: "vip", NameZH: "VIP 专线", NameEN: "VIP line", Strategy: acd.BestSkill, Priority: 10, SLSeconds: 15,
		WrapUpSeconds: 20, MaxWaitSeconds: 300, MaxWaitAction: acd.ExitOverflow, OverflowQueue: "support", RingSeconds: 25,
		MaxMisses: 2, AnnounceSeconds: 45, MusicOnHold: "calm", JoinEmpty: acd.EmptyNoAgents, LeaveEmpty: acd.EmptyNoActive,
		Tier2Seconds: 30, Tier3Seconds: 90}
}

func TestQueueSettingsRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		s := acdstore.New(d)
		ctx := context.Background()
		q := full()
		if err := s.CreateQueue(ctx, q); !errs.Is(err, errs.Invalid) {
			t.Fatalf("overflow to a queue that does not exist: %v", err)
		}
		if err := s.CreateQueue(ctx, &acd.Queue{Code: "support", NameZH: "技术支持", NameEN: "Support", Strategy: acd.LongestIdle, SLSeconds: 30}); err != nil {
			t.Fatal(err)
		}
		if err := s.CreateQueue(ctx, q); err != nil {
			t.Fatal(err)
		}
		got, err := s.Queue(ctx, q.ID)
		if err != nil || *got != *q {
			t.Fatalf("queue = %+v %v, want %+v", got, err, q)
		}
		q.RingSeconds, q.MaxWaitAction, q.Strategy = 15, acd.ExitCallback, acd.TopDown
		if err := s.UpdateQueue(ctx, q); err != nil {
			t.Fatal(err)
		}
		got, _ = s.Queue(ctx, q.ID)
		if got.RingSeconds != 15 || got.MaxWaitAction != acd.ExitCallback || got.OverflowQueue != "" || got.Strategy != acd.TopDown {
			t.Fatalf("updated = %+v", got)
		}
		for name, change := range map[string]func(q *acd.Queue){
			"code changes":    func(q *acd.Queue) { q.Code = "vip2" },
			"tier 3 before 2": func(q *acd.Queue) { q.Tier2Seconds, q.Tier3Seconds = 60, 30 },
			"overflow to self": func(q *acd.Queue) {
				q.MaxWaitAction, q.OverflowQueue = acd.ExitOverflow, "vip"
			},
			"unknown empty rule": func(q *acd.Queue) { q.JoinEmpty = "sometimes" },
			"ring too long":      func(q *acd.Queue) { q.RingSeconds = 3600 },
			"priority":           func(q *acd.Queue) { q.Priority = 1000 },
		} {
			bad := *got
			change(&bad)
			if err := s.UpdateQueue(ctx, &bad); !errs.Is(err, errs.Invalid) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if again, _ := s.Queue(ctx, q.ID); *again != *got {
			t.Fatalf("a refused update changed the queue: %+v", again)
		}
		if _, err := s.Queue(ctx, 999); !errs.Is(err, errs.NotFound) {
			t.Fatalf("missing queue: %v", err)
		}
		missing := *got
		missing.ID = 999
		if err := s.UpdateQueue(ctx, &missing); !errs.Is(err, errs.NotFound) {
			t.Fatalf("update missing queue: %v", err)
		}
	})
}

func users(t *testing.T, d *db.DB) (agent1, senior, qa int64) {
	t.Helper()
	ctx := context.Background()
	a := auth.NewService(d, auth.Options{})
	mk := func(username string, role auth.Role, tier int) int64 {
		name := "王伟"
		in := auth.UserInput{Username: username, DisplayName: &name, Role: &role, Password: "long-enough-1"}
		if tier > 0 {
			in.Tier = &tier
		}
		u, err := a.CreateUser(ctx, auth.ActorSystem, in)
		if err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	return mk("a1", auth.RoleAgent, 1), mk("a2", auth.RoleAgent, 2), mk("qa", auth.RoleQA, 0)
}

func TestRoutingLoadsQueuesWithMembers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := acdstore.New(d)
		u1, u2, _ := users(t, d)
		q := &acd.Queue{Code: "support", NameZH: "技术支持", NameEN: "Support", Strategy: acd.LongestIdle, SLSeconds: 30}
		if err := s.CreateQueue(ctx, q); err != nil {
			t.Fatal(err)
		}
		for _, m := range []struct {
			user int64
			prof int
		}{{u2, 5}, {u1, 3}} {
			if err := s.AddMember(ctx, q.ID, m.user, m.prof); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Routing(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []acd.Member{{Agent: u2, Proficiency: 5, Tier: 2, Order: 0}, {Agent: u1, Proficiency: 3, Tier: 1, Order: 1}}
		if len(got) != 1 || got[0].Queue != *q || !slices.Equal(got[0].Members, want) {
			t.Fatalf("routing = %+v", got)
		}
	})
}

func TestSetMembers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := acdstore.New(d)
		u1, u2, qa := users(t, d)
		q := full()
		q.MaxWaitAction, q.OverflowQueue = acd.ExitVoicemail, ""
		if err := s.CreateQueue(ctx, q); err != nil {
			t.Fatal(err)
		}
		list := []acdstore.MemberInput{{Agent: u1, Proficiency: 4, Position: 2, Tier: 3}, {Agent: u2, Proficiency: 2, Position: 1}}
		if err := s.SetMembers(ctx, q.ID, list); err != nil {
			t.Fatal(err)
		}
		ms, err := s.Members(ctx, q.ID)
		if err != nil || len(ms) != 2 || ms[0].Agent != u2 || ms[0].Tier != 2 || ms[0].TierOverride != 0 || ms[0].Username != "a2" ||
			ms[1].Agent != u1 || ms[1].Tier != 3 || ms[1].TierOverride != 3 || ms[1].Order != 2 {
			t.Fatalf("members = %+v %v", ms, err)
		}
		rq, err := s.Routing(ctx)
		want := []acd.Member{{Agent: u2, Proficiency: 2, Tier: 2, Order: 0}, {Agent: u1, Proficiency: 4, Tier: 3, Order: 1}}
		if err != nil || !slices.Equal(rq[0].Members, want) || rq[0].Queue.Tier3Seconds != 90 || rq[0].Queue.MusicOnHold != "calm" {
			t.Fatalf("routing = %+v %v", rq, err)
		}
		for name, bad := range map[string][]acdstore.MemberInput{
			"twice":         {{Agent: u1, Proficiency: 3}, {Agent: u1, Proficiency: 4}},
			"proficiency":   {{Agent: u1, Proficiency: 6}},
			"tier":          {{Agent: u1, Proficiency: 3, Tier: 4}},
			"negative tier": {{Agent: u1, Proficiency: 3, Tier: -1}},
			"position":      {{Agent: u1, Proficiency: 3, Position: -1}},
			"unknown user":  {{Agent: u1, Proficiency: 3}, {Agent: 999, Proficiency: 3}},
			"not an agent":  {{Agent: qa, Proficiency: 3}},
			"no agent":      {{Proficiency: 3}},
		} {
			if err := s.SetMembers(ctx, q.ID, bad); !errs.Is(err, errs.Invalid) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if after, _ := s.Members(ctx, q.ID); len(after) != 2 || after[0] != ms[0] || after[1] != ms[1] {
			t.Fatalf("a refused list changed the members: %+v", after)
		}
		if err := s.SetMembers(ctx, 999, nil); !errs.Is(err, errs.NotFound) {
			t.Fatalf("missing queue: %v", err)
		}
		if err := s.SetMembers(ctx, q.ID, nil); err != nil {
			t.Fatal(err)
		}
		if after, _ := s.Members(ctx, q.ID); len(after) != 0 {
			t.Fatalf("members after clearing: %+v", after)
		}
	})
}

func TestSkills(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := acdstore.New(d)
		u1, u2, qa := users(t, d)
		if err := s.SetSkills(ctx, u1, []acdstore.Skill{{" English ", 4}, {"粤语", 2}}); err != nil {
			t.Fatal(err)
		}
		if err := s.SetSkills(ctx, u2, []acdstore.Skill{{"thinkpad", 5}}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Skills(ctx, u1)
		if err != nil || !slices.Equal(got, []acdstore.Skill{{"english", 4}, {"粤语", 2}}) {
			t.Fatalf("skills = %+v %v", got, err)
		}
		all, err := s.AllSkills(ctx)
		if err != nil || len(all) != 2 || !maps.Equal(all[u1], map[string]int{"english": 4, "粤语": 2}) || all[u2]["thinkpad"] != 5 {
			t.Fatalf("all skills = %+v %v", all, err)
		}
		for name, bad := range map[string][]acdstore.Skill{
			"twice": {{"english", 3}, {"English", 4}},
			"level": {{"english", 0}},
			"blank": {{"  ", 3}},
			"long":  {{"abcdefghijklmnopqrstuvwxyz0123456789", 3}},
			"comma": {{"a,b", 3}},
		} {
			if err := s.SetSkills(ctx, u1, bad); !errs.Is(err, errs.Invalid) {
				t.Errorf("%s: %v", name, err)
			}
		}
		if err := s.SetSkills(ctx, qa, []acdstore.Skill{{"english", 3}}); !errs.Is(err, errs.Invalid) {
			t.Errorf("qa staff take no calls: %v", err)
		}
		if err := s.SetSkills(ctx, 999, nil); !errs.Is(err, errs.NotFound) {
			t.Errorf("missing user: %v", err)
		}
		if again, _ := s.Skills(ctx, u1); !slices.Equal(again, got) {
			t.Fatalf("a refused list changed the skills: %+v", again)
		}
		if err := s.SetSkills(ctx, u1, nil); err != nil {
			t.Fatal(err)
		}
		if again, _ := s.Skills(ctx, u1); len(again) != 0 {
			t.Fatalf("skills after clearing: %+v", again)
		}
	})
}
