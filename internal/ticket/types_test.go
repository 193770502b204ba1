package ticket_test

import (
	"strings"
	"testing"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/demo"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/ticket"
)

func demoType(t *testing.T, code string) *ticket.Type {
	t.Helper()
	for _, typ := range demo.TicketTypes() {
		if typ.Code == code {
			return typ
		}
	}
	t.Fatalf("no demo type %s", code)
	return nil
}

func TestTypeValidate(t *testing.T) {
	for _, typ := range demo.TicketTypes() {
		if err := typ.Validate(); err != nil {
			t.Errorf("demo type %s: %v", typ.Code, err)
		}
	}
	tests := []struct {
		name string
		edit func(*ticket.Type)
		key  string
	}{
		{"bad code", func(t *ticket.Type) { t.Code = "Repair Order" }, "ticket_code"},
		{"no English name", func(t *ticket.Type) { t.NameEN = " " }, "ticket_name"},
		{"bad priority", func(t *ticket.Type) { t.DefaultPriority = "asap" }, "ticket_priority"},
		{"negative SLA", func(t *ticket.Type) { t.ResolutionMinutes = -1 }, "ticket_sla"},
		{"duplicate field", func(t *ticket.Type) { t.Fields = append(t.Fields, t.Fields[0]) }, "ticket_field_dup"},
		{"unknown kind", func(t *ticket.Type) { t.Fields[0].Kind = "colour" }, "ticket_field_kind"},
		{"choice without options", func(t *ticket.Type) {
			t.Fields = append(t.Fields, ticket.Field{Code: "x", NameZH: "甲", NameEN: "X", Kind: ticket.KindChoice, Options: []string{" "}})
		}, "ticket_field_options"},
		{"bad width", func(t *ticket.Type) { t.Fields[0].Width = "third" }, "ticket_field_width"},
		{"duplicate status", func(t *ticket.Type) { t.Statuses = append(t.Statuses, t.Statuses[1]) }, "ticket_status_dup"},
		{"unknown category", func(t *ticket.Type) { t.Statuses[1].Category = "done" }, "ticket_status_category"},
		{"no initial", func(t *ticket.Type) { t.Statuses[0].Initial = false }, "ticket_initial"},
		{"two initial", func(t *ticket.Type) { t.Statuses[1].Initial = true }, "ticket_initial"},
		{"closed initial", func(t *ticket.Type) {
			t.Statuses[0].Initial = false
			t.Statuses[len(t.Statuses)-1].Initial = true
		}, "ticket_initial_active"},
		{"no closed status", func(t *ticket.Type) {
			for i := range t.Statuses {
				if t.Statuses[i].Category == ticket.CatClosed {
					t.Statuses[i].Category = ticket.CatResolved
				}
			}
		}, "ticket_closed"},
		{"transition to nowhere", func(t *ticket.Type) {
			t.Transitions = append(t.Transitions, ticket.Transition{From: "new", To: "gone"})
		}, "ticket_transition_status"},
		{"transition to itself", func(t *ticket.Type) {
			t.Transitions = append(t.Transitions, ticket.Transition{From: "new", To: "new"})
		}, "ticket_transition_same"},
		{"transition with odd permission", func(t *ticket.Type) {
			t.Transitions = append(t.Transitions, ticket.Transition{From: "closed", To: "new", Perm: auth.PermUsersManage})
		}, "ticket_transition_perm"},
		{"transition twice", func(t *ticket.Type) { t.Transitions = append(t.Transitions, t.Transitions[0]) }, "ticket_transition_dup"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			typ := demoType(t, "repair")
			tt.edit(typ)
			err := typ.Validate()
			e, ok := errs.As(err)
			if !ok || e.Code != errs.Invalid || e.Key != tt.key {
				t.Fatalf("err = %v, want key %s", err, tt.key)
			}
		})
	}
}

func TestClean(t *testing.T) {
	repair := demoType(t, "repair")
	support := demoType(t, "support")
	full := map[string]any{"asset": "SN-1", "fault": "不开机", "service": "上门", "address": "北京市海淀区"}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for a, b := range full {
			m[a] = b
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name    string
		typ     *ticket.Type
		in      map[string]any
		partial bool
		key     string // "" = valid
	}{
		{"complete", repair, full, false, ""},
		{"missing required", repair, with("address", nil), false, "ticket_field_required"},
		{"blank required", repair, with("address", "  "), false, "ticket_field_required"},
		{"partial skips required", repair, map[string]any{"model": "X1"}, true, ""},
		{"partial clears required", repair, map[string]any{"fault": ""}, true, "ticket_field_required"},
		{"unknown field", repair, with("colour", "red"), false, "ticket_field_unknown"},
		{"bad date", repair, with("appointment", "25/11/2026"), false, "ticket_field_date"},
		{"good date", repair, with("appointment", "2026-11-25"), false, ""},
		{"bad option", repair, with("service", "快递"), false, "ticket_field_option"},
		{"number as text", demoType(t, "presales"), map[string]any{"budget": "abc"}, false, "ticket_field_number"},
		{"number", demoType(t, "presales"), map[string]any{"budget": 5999.5}, false, ""},
		{"multi from JSON", support, map[string]any{"asset": "SN", "symptoms": []any{"蓝屏", "死机"}}, false, ""},
		{"multi bad option", support, map[string]any{"asset": "SN", "symptoms": []any{"蓝屏", "冒烟"}}, false, "ticket_field_option"},
		{"multi wrong type", support, map[string]any{"asset": "SN", "symptoms": 3.0}, false, "ticket_field_type"},
		{"foreign attachment", support, map[string]any{"asset": "SN", "screenshot": []any{99.0}}, false, "ticket_field_attachment"},
		{"too long", repair, with("address", strings.Repeat("路", 501)), false, "ticket_field_long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.typ.Validate()
			v, err := tt.typ.Clean(tt.in, tt.partial, []int64{7})
			if tt.key == "" {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				return
			}
			e, ok := errs.As(err)
			if !ok || e.Key != tt.key {
				t.Fatalf("err = %v (values %v), want key %s", err, v, tt.key)
			}
		})
	}
	v, err := support.Clean(map[string]any{"asset": " SN-9 ", "symptoms": []any{"蓝屏", "蓝屏"}, "screenshot": []any{7.0}}, false, []int64{7})
	if err != nil || v["asset"] != "SN-9" || len(v["symptoms"].([]string)) != 1 || v["screenshot"].([]int64)[0] != 7 {
		t.Fatalf("normalized %#v %v", v, err)
	}
}
