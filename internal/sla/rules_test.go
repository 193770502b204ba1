package sla

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
)

func TestRuleValidate(t *testing.T) {
	ok := func() *Rule {
		return &Rule{Name: " 首响超时通知组长 ", Clock: FirstResponse, On: OnBreached, AfterMinutes: 30,
			Actions: []Action{{Kind: Notify, UserIDs: []int64{2}}, {Kind: Reassign, GroupID: 1}, {Kind: RaisePriority}}}
	}
	if r := ok(); r.Validate() != nil || r.Name != "首响超时通知组长" {
		t.Fatalf("valid rule refused or not trimmed: %v", r.Validate())
	}
	tests := []struct {
		name, field string
		edit        func(r *Rule)
	}{
		{"no name", "name", func(r *Rule) { r.Name = " " }},
		{"long name", "name", func(r *Rule) { r.Name = strings.Repeat("长", 101) }},
		{"long type", "ticket_type", func(r *Rule) { r.TicketType = strings.Repeat("x", 33) }},
		{"bad priority", "priority", func(r *Rule) { r.Priority = "critical" }},
		{"bad clock", "clock", func(r *Rule) { r.Clock = "both" }},
		{"bad trigger", "on", func(r *Rule) { r.On = "late" }},
		{"negative minutes", "after_minutes", func(r *Rule) { r.AfterMinutes = -1 }},
		{"too many minutes", "after_minutes", func(r *Rule) { r.AfterMinutes = 10081 }},
		{"minutes on warning", "after_minutes", func(r *Rule) { r.On = OnWarning }},
		{"no actions", "actions", func(r *Rule) { r.Actions = nil }},
		{"too many actions", "actions", func(r *Rule) { r.Actions = make([]Action, 11) }},
		{"unknown action", "actions", func(r *Rule) { r.Actions[0].Kind = "email" }},
		{"notify nobody", "actions", func(r *Rule) { r.Actions[0].UserIDs = nil }},
		{"notify with priority", "actions", func(r *Rule) { r.Actions[0].Priority = "high" }},
		{"reassign to two", "actions", func(r *Rule) { r.Actions[1].UserIDs = []int64{3} }},
		{"reassign to nobody", "actions", func(r *Rule) { r.Actions[1].GroupID = 0 }},
		{"reassign with priority", "actions", func(r *Rule) { r.Actions[1].Priority = "high" }},
		{"raise names a user", "actions", func(r *Rule) { r.Actions[2].UserIDs = []int64{3} }},
		{"raise to unknown", "actions", func(r *Rule) { r.Actions[2].Priority = "asap" }},
		{"bad user id", "actions", func(r *Rule) { r.Actions[0].UserIDs = []int64{0} }},
		{"bad group id", "actions", func(r *Rule) { r.Actions[1].GroupID = -4 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok()
			tt.edit(r)
			e, isErr := errs.As(r.Validate())
			if !isErr || e.Code != errs.Invalid || e.Fields[tt.field] == "" || e.Key == "" {
				t.Fatalf("got %#v, want Invalid on %s", r.Validate(), tt.field)
			}
		})
	}
}

func TestEvaluate(t *testing.T) {
	now := time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC)
	running := func(warning, breached bool, breachedAgo time.Duration) ClockState {
		c := ClockState{Target: time.Hour, Warning: warning, Breached: breached}
		if breached {
			c.BreachedAt = now.Add(-breachedAgo)
		}
		return c
	}
	rules := []Rule{
		{ID: 1, Enabled: true, Clock: FirstResponse, On: OnWarning, Actions: []Action{{Kind: Notify, UserIDs: []int64{7}}}},
		{ID: 2, Enabled: true, Clock: FirstResponse, On: OnBreached, Actions: []Action{{Kind: Notify, GroupID: 3}, {Kind: RaisePriority}}},
		{ID: 3, Enabled: true, Clock: FirstResponse, On: OnBreached, AfterMinutes: 30, Actions: []Action{{Kind: Reassign, UserIDs: []int64{9}}}},
		{ID: 4, Enabled: true, TicketType: "complaint", Clock: Resolution, On: OnBreached, Actions: []Action{{Kind: RaisePriority, Priority: "urgent"}}},
		{ID: 5, Enabled: true, Priority: "high", Clock: Resolution, On: OnWarning, Actions: []Action{{Kind: Notify, UserIDs: []int64{8}}}},
		{ID: 6, Enabled: false, Clock: FirstResponse, On: OnWarning, Actions: []Action{{Kind: Notify, UserIDs: []int64{1}}}},
	}
	tests := []struct {
		name    string
		ticket  Ticket
		fired   map[int64]bool
		want    string // actions as kind:rule[:priority]
		wantIDs []int64
	}{
		{"nothing yet", Ticket{Type: "repair", Priority: "normal", State: State{Now: now, FirstResponse: running(false, false, 0)}}, nil, "", nil},
		{"first-response warning", Ticket{Type: "repair", Priority: "normal", State: State{Now: now, FirstResponse: running(true, false, 0)}}, nil,
			"notify:1", []int64{1}},
		{"warning already fired", Ticket{Type: "repair", Priority: "normal", State: State{Now: now, FirstResponse: running(true, false, 0)}}, map[int64]bool{1: true},
			"", nil},
		{"just breached", Ticket{Type: "repair", Priority: "normal", State: State{Now: now, FirstResponse: running(false, true, 0)}}, map[int64]bool{1: true},
			"notify:2 raise_priority:2:high", []int64{2}},
		{"breached without the warning having fired", Ticket{Type: "repair", Priority: "normal", State: State{Now: now, FirstResponse: running(false, true, 10*time.Minute)}}, nil,
			"notify:1 notify:2 raise_priority:2:high", []int64{1, 2}},
		{"29 minutes after breach", Ticket{Type: "repair", Priority: "high", State: State{Now: now, FirstResponse: running(false, true, 29*time.Minute)}}, map[int64]bool{1: true, 2: true},
			"", nil},
		{"30 minutes after breach", Ticket{Type: "repair", Priority: "high", State: State{Now: now, FirstResponse: running(false, true, 30*time.Minute)}}, map[int64]bool{1: true, 2: true},
			"reassign:3", []int64{3}},
		{"already urgent: raise left out, rule still fires", Ticket{Type: "repair", Priority: "urgent", State: State{Now: now, FirstResponse: running(false, true, 0)}}, map[int64]bool{1: true},
			"notify:2", []int64{2}},
		{"stopped clock escalates nothing", Ticket{Type: "repair", Priority: "normal", State: State{Now: now, FirstResponse: ClockState{Target: time.Hour, Breached: true, Stopped: true, BreachedAt: now.Add(-time.Hour)}}}, nil,
			"", nil},
		{"no target", Ticket{Type: "repair", Priority: "normal", State: State{Now: now, FirstResponse: ClockState{Warning: true}}}, nil, "", nil},
		{"complaint resolution breached", Ticket{Type: "complaint", Priority: "normal", State: State{Now: now, Resolution: running(false, true, 0)}}, nil,
			"raise_priority:4:urgent", []int64{4}},
		{"other type's resolution breached", Ticket{Type: "repair", Priority: "normal", State: State{Now: now, Resolution: running(false, true, 0)}}, nil, "", nil},
		{"high priority resolution warning", Ticket{Type: "repair", Priority: "high", State: State{Now: now, Resolution: running(true, false, 0)}}, nil,
			"notify:5", []int64{5}},
		{"normal priority resolution warning", Ticket{Type: "repair", Priority: "normal", State: State{Now: now, Resolution: running(true, false, 0)}}, nil, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			actions, fired := Evaluate(rules, tt.ticket, tt.fired)
			var parts []string
			for _, a := range actions {
				s := fmt.Sprintf("%s:%d", a.Kind, a.RuleID)
				if a.Priority != "" {
					s += ":" + a.Priority
				}
				parts = append(parts, s)
			}
			if got := strings.Join(parts, " "); got != tt.want || !slices.Equal(fired, tt.wantIDs) {
				t.Errorf("got %q fired %v, want %q fired %v", got, fired, tt.want, tt.wantIDs)
			}
		})
	}
	// Evaluate copies: changing a returned action leaves the rule alone.
	actions, _ := Evaluate(rules[:1], Ticket{State: State{Now: now, FirstResponse: running(true, false, 0)}}, nil)
	actions[0].UserIDs[0] = 99
	if rules[0].Actions[0].UserIDs[0] != 7 {
		t.Fatal("Evaluate returned the rule's own slice")
	}
}

func TestRaise(t *testing.T) {
	for _, tt := range []struct {
		cur, to, want string
		ok            bool
	}{
		{"low", "", "normal", true}, {"normal", "", "high", true}, {"high", "", "urgent", true}, {"urgent", "", "", false},
		{"", "", "", false}, {"normal", "urgent", "urgent", true}, {"urgent", "high", "", false}, {"high", "high", "", false},
		{"", "high", "high", true},
	} {
		if got, ok := raise(tt.cur, tt.to); got != tt.want || ok != tt.ok {
			t.Errorf("raise(%q, %q) = %q %v", tt.cur, tt.to, got, ok)
		}
	}
}

func TestRuleStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var userID, queueID int64
		now := time.Now().UTC()
		if err := d.Write().QueryRowContext(ctx, `INSERT INTO users (username, display_name, role, password_hash, password_changed_at, created_at, updated_at)
			VALUES ('lead', '组长', 'supervisor', 'x', $1, $1, $1) RETURNING id`, now).Scan(&userID); err != nil {
			t.Fatal(err)
		}
		if err := d.Write().QueryRowContext(ctx, `INSERT INTO queues (code, name_zh, name_en, created_at) VALUES ('vip', 'VIP', 'VIP', $1) RETURNING id`, now).Scan(&queueID); err != nil {
			t.Fatal(err)
		}
		s := NewRuleStore(d)
		r := &Rule{Name: "首响超时", Enabled: true, Priority: "high", Clock: FirstResponse, On: OnBreached, AfterMinutes: 15,
			Actions: []Action{{Kind: Notify, UserIDs: []int64{userID}, GroupID: queueID}, {Kind: RaisePriority, Priority: "urgent"}}}
		if err := s.Create(ctx, r); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, r.ID)
		if err != nil || got.Name != "首响超时" || !got.Enabled || got.AfterMinutes != 15 || len(got.Actions) != 2 ||
			got.Actions[0].GroupID != queueID || got.Actions[0].UserIDs[0] != userID || got.Actions[1].Priority != "urgent" {
			t.Fatalf("stored %+v %v", got, err)
		}
		// Unknown users and groups are refused and change nothing.
		for _, a := range []Action{{Kind: Notify, UserIDs: []int64{userID + 100}}, {Kind: Reassign, GroupID: queueID + 100}} {
			bad := *got
			bad.Actions = []Action{a}
			if err := s.Update(ctx, &bad); !errs.Is(err, errs.Invalid) {
				t.Fatalf("update with unknown target: %v", err)
			}
			if err := s.Create(ctx, &bad); !errs.Is(err, errs.Invalid) {
				t.Fatalf("create with unknown target: %v", err)
			}
		}
		invalid := *got
		invalid.Clock = "nope"
		if err := s.Update(ctx, &invalid); !errs.Is(err, errs.Invalid) {
			t.Fatalf("invalid update: %v", err)
		}
		if again, _ := s.Get(ctx, r.ID); len(again.Actions) != 2 || again.Clock != FirstResponse {
			t.Fatalf("refused updates changed the rule: %+v", again)
		}
		upd := *got
		upd.Enabled, upd.Name, upd.Actions = false, "改名", []Action{{Kind: Reassign, UserIDs: []int64{userID}}}
		if err := s.Update(ctx, &upd); err != nil {
			t.Fatal(err)
		}
		list, err := s.List(ctx)
		if err != nil || len(list) != 1 || list[0].Enabled || list[0].Name != "改名" || list[0].Actions[0].Kind != Reassign {
			t.Fatalf("list %+v %v", list, err)
		}
		missing := upd
		missing.ID = r.ID + 100
		if err := s.Update(ctx, &missing); !errs.Is(err, errs.NotFound) {
			t.Fatalf("update missing: %v", err)
		}
		if err := s.Delete(ctx, r.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, r.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("delete twice: %v", err)
		}
		if _, err := s.Get(ctx, r.ID); !errs.Is(err, errs.NotFound) {
			t.Fatalf("get deleted: %v", err)
		}
	})
}
