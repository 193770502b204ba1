package acd

import (
	"testing"

	"github.com/hotlinecc/hotline/internal/errs"
)

func TestQueueValidate(t *testing.T) {
	ok := Queue{Code: "support", NameZH: "技术支持", NameEN: "Support", Strategy: LongestIdle, SLSeconds: 30}
	tests := []struct {
		name  string
		edit  func(q *Queue)
		field string // "" when valid
	}{
		{"valid", func(q *Queue) {}, ""},
		{"overflow valid", func(q *Queue) { q.MaxWaitAction, q.OverflowQueue = ExitOverflow, "other" }, ""},
		{"tiers valid", func(q *Queue) { q.Tier2Seconds, q.Tier3Seconds = 30, 60 }, ""},
		{"no code", func(q *Queue) { q.Code = "" }, "code"},
		{"long code", func(q *Queue) { q.Code = "abcdefghijklmnopqrstuvwxyz0123456" }, "code"},
		{"no english name", func(q *Queue) { q.NameEN = "" }, "name"},
		{"strategy", func(q *Queue) { q.Strategy = "random" }, "strategy"},
		{"zero sl", func(q *Queue) { q.SLSeconds = 0 }, "sl_seconds"},
		{"negative ring", func(q *Queue) { q.RingSeconds = -1 }, "sl_seconds"},
		{"negative misses", func(q *Queue) { q.MaxMisses = -1 }, "sl_seconds"},
		{"negative announce", func(q *Queue) { q.AnnounceSeconds = -1 }, "sl_seconds"},
		{"action", func(q *Queue) { q.MaxWaitAction = "hangup" }, "max_wait_action"},
		{"overflow without queue", func(q *Queue) { q.MaxWaitAction = ExitOverflow }, "overflow_queue"},
		{"overflow to itself", func(q *Queue) { q.MaxWaitAction, q.OverflowQueue = ExitOverflow, "support" }, "overflow_queue"},
		{"join rule", func(q *Queue) { q.JoinEmpty = "sometimes" }, "join_empty"},
		{"leave rule", func(q *Queue) { q.LeaveEmpty = "sometimes" }, "join_empty"},
		{"negative tier 2", func(q *Queue) { q.Tier2Seconds = -1 }, "tier3_seconds"},
		{"tier 3 before tier 2", func(q *Queue) { q.Tier2Seconds, q.Tier3Seconds = 60, 30 }, "tier3_seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := ok
			tt.edit(&q)
			checkField(t, q.Validate(), tt.field)
		})
	}
	if (Queue{}).Exit() != ExitVoicemail || (Queue{MaxWaitAction: ExitCallback}).Exit() != ExitCallback {
		t.Fatal("exit default")
	}
	if ok.Name("en") != "Support" || ok.Name("zh-CN") != "技术支持" {
		t.Fatal("name")
	}
}

func TestMemberValidate(t *testing.T) {
	tests := []struct {
		m     Member
		field string
	}{
		{Member{Agent: 1, Proficiency: 1, Tier: 1}, ""},
		{Member{Agent: 1, Proficiency: 5, Tier: 3, Order: 7}, ""},
		{Member{Agent: 0, Proficiency: 3, Tier: 1}, "agent"},
		{Member{Agent: 1, Proficiency: 0, Tier: 1}, "proficiency"},
		{Member{Agent: 1, Proficiency: 6, Tier: 1}, "proficiency"},
		{Member{Agent: 1, Proficiency: 3, Tier: 0}, "tier"},
		{Member{Agent: 1, Proficiency: 3, Tier: 4}, "tier"},
		{Member{Agent: 1, Proficiency: 3, Tier: 1, Order: -1}, "order"},
	}
	for _, tt := range tests {
		checkField(t, tt.m.Validate(), tt.field)
	}
}

func checkField(t *testing.T, err error, field string) {
	t.Helper()
	if field == "" {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	e, ok := errs.As(err)
	if !ok || e.Code != errs.Invalid || e.Fields[field] == "" || e.Key == "" {
		t.Fatalf("want invalid %s with a key, got %v", field, err)
	}
}

func TestCanMove(t *testing.T) {
	legal := map[[2]State]bool{
		{LoggedOut, Available}: true,
		{Available, Ringing}:   true, {Available, Break}: true, {Available, LoggedOut}: true,
		{Ringing, OnCall}: true, {Ringing, Available}: true, {Ringing, Break}: true, {Ringing, LoggedOut}: true,
		{OnCall, WrapUp}: true, {OnCall, Available}: true, {OnCall, Break}: true,
		{WrapUp, Available}: true, {WrapUp, Break}: true, {WrapUp, LoggedOut}: true,
		{Break, Available}: true, {Break, Break}: true, {Break, LoggedOut}: true,
	}
	for _, from := range append(States, numStates) {
		for _, to := range States {
			if got := CanMove(from, to); got != legal[[2]State{from, to}] {
				t.Errorf("CanMove(%s, %s) = %v", from, to, got)
			}
		}
	}
	if Break.String() != "break" || numStates.String() != "state(6)" {
		t.Fatal("names")
	}
	if b, _ := OnCall.MarshalText(); string(b) != "on_call" {
		t.Fatal("marshal")
	}
}
