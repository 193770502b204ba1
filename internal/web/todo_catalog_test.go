package web

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hotlinecc/hotline/internal/i18n"
	"github.com/hotlinecc/hotline/internal/sla"
	"github.com/hotlinecc/hotline/internal/todo"
)

// The to-do, calendar and escalation keys that the general catalog test cannot see: the
// error keys of their packages and the keys built from their values.
func TestTodoCalendarSLAKeysInBothCatalogs(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]bool{}
	withKey := regexp.MustCompile(`WithKey\("([a-z_]+)"|"(todo_no_[a-z]+)"`)
	for _, dir := range []string{"../calendar", "../sla", "../todo"} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			b, _ := os.ReadFile(f)
			for _, m := range withKey.FindAllStringSubmatch(string(b), -1) {
				keys["err."+m[1]+m[2]] = true
			}
		}
	}
	if len(keys) < 30 {
		t.Fatalf("found only %d error keys; is the scan broken?", len(keys))
	}
	for _, k := range todo.Kinds {
		keys["todo.kind."+string(k)] = true
	}
	for _, s := range (&todosData{Lists: &todo.Lists{}}).Sections() {
		keys["todo."+s.Key] = true
	}
	for d := 0; d < 7; d++ {
		keys[fmt.Sprintf("calendar.day.%d", d)] = true
	}
	for _, c := range sla.Clocks {
		keys["sla.clock."+string(c)] = true
	}
	for _, o := range sla.Triggers {
		keys["sla.on."+string(o)] = true
	}
	for _, p := range sla.Priorities {
		keys["sla.priority."+p] = true
	}
	for _, a := range sla.ActionKinds {
		keys["sla.action."+string(a)] = true
	}
	for _, f := range []string{"todo_created", "todo_done", "todo_claimed", "todo_cancelled", "todo_rescheduled", "calendar_saved", "sla_rule_saved", "sla_rule_deleted"} {
		keys["flash."+f] = true
	}
	for _, k := range []string{"calendar.new", "calendar.edit", "sla.new", "sla.edit", "nav.todos", "nav.calendars", "nav.sla_rules", "perm.todos.use"} {
		keys[k] = true
	}
	for _, lang := range i18n.Languages {
		l := cat.Locale(lang)
		for k := range keys {
			if !l.Has(k) {
				t.Errorf("%s: missing %q", lang, k)
			}
		}
	}
}
