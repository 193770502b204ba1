package ivr

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

var testCatalog = Catalog{
	Queue:    func(code string) bool { return slices.Contains([]string{"presales", "support", "repair"}, code) },
	Prompt:   shippedPrompt,
	Calendar: func(id int64) bool { return id == 1 || id == 2 },
}

func TestValidFlowHasNoProblems(t *testing.T) {
	if ps := Validate(hotlineFlow(), testCatalog); len(ps) != 0 {
		t.Fatalf("problems: %v", ps)
	}
}

func TestValidateFindsProblems(t *testing.T) {
	for _, c := range []struct {
		name   string
		change func(f *Flow)
		node   string
		key    string
	}{
		{"unknown kind", func(f *Flow) { f.Node("welcome").Kind = "dance" }, "welcome", "kind"},
		{"dangling exit", func(f *Flow) { f.Node("welcome").Exits[0].To = "nowhere" }, "welcome", "exit_dangling"},
		{"missing exit", func(f *Flow) { f.Node("lookup").Exits = f.Node("lookup").Exits[:1] }, "lookup", "exit_missing"},
		{"unknown exit", func(f *Flow) {
			f.Node("welcome").Exits = append(f.Node("welcome").Exits, Exit{"later", "menu"})
		}, "welcome", "exit_unknown"},
		{"exit on a terminal node", func(f *Flow) { f.Node("vm").Exits = []Exit{{ExitNext, "welcome"}} }, "vm", "exit_terminal"},
		{"unreachable node", func(f *Flow) { f.Node("menu").Exits[2].To = "agent" }, "lookup", "unreachable"},
		{"unknown queue", func(f *Flow) { f.Node("support").Params.Queue = "sales" }, "support", "queue"},
		{"missing prompt", func(f *Flow) { f.Node("welcome").Params.Prompt = "" }, "welcome", "prompt_missing"},
		{"unknown prompt", func(f *Flow) { f.Node("welcome").Params.Prompt = "hello_world" }, "welcome", "prompt_unknown"},
		{"duplicate digit", func(f *Flow) {
			f.Node("menu").Exits = append(f.Node("menu").Exits, Exit{"2", "presales"})
		}, "menu", "digit_dup"},
		{"menu without digits", func(f *Flow) {
			m := f.Node("menu")
			m.Exits = []Exit{{ExitTimeout, "agent"}, {ExitInvalid, "agent"}}
		}, "menu", "menu_digits"},
		{"loop without input", func(f *Flow) {
			f.Node("lookup_failed").Exits[0].To = "lookup"
		}, "lookup", "loop"},
		{"self loop", func(f *Flow) { f.Node("welcome").Exits[0].To = "welcome" }, "welcome", "loop"},
		{"duplicate node id", func(f *Flow) { f.Nodes = append(f.Nodes, Node{ID: "vm", Kind: KindHangup}) }, "vm", "node_dup"},
		{"bad start", func(f *Flow) { f.Start = "begin" }, "", "start"},
		{"bad language", func(f *Flow) { f.Language = "fr" }, "", "language"},
		{"no name", func(f *Flow) { f.Name = " " }, "", "name"},
		{"bad hours", func(f *Flow) { f.Node("hours").Params.Hours.Week[2] = "22:00-08:00" }, "hours", "hours_range"},
		{"six days", func(f *Flow) { f.Node("hours").Params.Hours.Week = f.Node("hours").Params.Hours.Week[:6] }, "hours", "hours_week"},
		{"bad holiday", func(f *Flow) { f.Node("hours").Params.Hours.Holidays = []string{"10/01"} }, "hours", "hours_date"},
		{"unknown calendar", func(f *Flow) { f.Node("hours").Params.Hours.CalendarID = 3 }, "hours", "calendar"},
		{"negative calendar", func(f *Flow) { f.Node("hours").Params.Hours.CalendarID = -1 }, "hours", "calendar"},
		{"calendar with bad fallback hours", func(f *Flow) {
			h := f.Node("hours").Params.Hours
			h.CalendarID, h.Week = 2, h.Week[:3]
		}, "hours", "hours_week"},
		{"bad lookup url", func(f *Flow) { f.Node("lookup").Params.URL = "ftp://x/y" }, "lookup", "url"},
		{"relative url without slash", func(f *Flow) { f.Node("lookup").Params.URL = "ivr/demo" }, "lookup", "url"},
		{"bad method", func(f *Flow) { f.Node("lookup").Params.Method = "DELETE" }, "lookup", "method"},
		{"bad result path", func(f *Flow) { f.Node("lookup").Params.Results[0].Path = "a..b" }, "lookup", "results"},
		{"menu timeout", func(f *Flow) { f.Node("menu").Params.TimeoutSec = 0 }, "menu", "timeout"},
		{"menu retries", func(f *Flow) { f.Node("menu").Params.Retries = 9 }, "menu", "retries"},
		{"say without text", func(f *Flow) { f.Node("say_status").Params.Text = "" }, "say_status", "say_text"},
		{"bad say as", func(f *Flow) { f.Node("say_eta").Params.SayAs = "poem" }, "say_eta", "say_as"},
		{"voicemail box", func(f *Flow) { f.Node("vm").Params.Box = "" }, "vm", "box"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := hotlineFlow()
			c.change(f)
			ps := Validate(f, testCatalog)
			if !slices.ContainsFunc(ps, func(p Problem) bool { return p.Node == c.node && p.Key == c.key }) {
				t.Fatalf("want problem %s on node %q, got %v", c.key, c.node, ps)
			}
			err := ps.Err()
			if errs.CodeOf(err) != errs.Invalid || len(ProblemsOf(err)) != len(ps) {
				t.Fatalf("error %v", err)
			}
			field := "flow"
			if c.node != "" {
				field = "nodes." + c.node
			}
			if e, _ := errs.As(err); e.Fields[field] == "" {
				t.Fatalf("no message for %s in %v", field, e.Fields)
			}
		})
	}
}

// An hours node may name a calendar that exists, with or without fallback hours.
func TestHoursWithCalendarIsFine(t *testing.T) {
	f := hotlineFlow()
	f.Node("hours").Params.Hours.CalendarID = 2
	if ps := Validate(f, testCatalog); len(ps) != 0 {
		t.Fatalf("with fallback hours: %v", ps)
	}
	f.Node("hours").Params.Hours = &Hours{CalendarID: 1}
	if ps := Validate(f, testCatalog); len(ps) != 0 {
		t.Fatalf("calendar alone: %v", ps)
	}
	if ps := Validate(f, Catalog{Queue: testCatalog.Queue, Prompt: shippedPrompt}); len(ps) != 0 {
		t.Fatalf("no calendar check: %v", ps)
	}
}

// A loop through a menu waits for the caller, so it is allowed.
func TestLoopThroughMenuIsFine(t *testing.T) {
	f := hotlineFlow()
	f.Node("lookup_failed").Exits[0].To = "menu"
	f.Nodes = slices.DeleteFunc(f.Nodes, func(n Node) bool { return n.ID == "repair" })
	if ps := Validate(f, testCatalog); len(ps) != 0 {
		t.Fatalf("problems: %v", ps)
	}
}

func TestFlowJSONRoundTrip(t *testing.T) {
	f := hotlineFlow()
	b, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"kind":"menu"`, `"timeout_seconds":5`, `"exits":[{"name":"1","to":"presales"}`, `"week":["08:00-22:00"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s: %s", want, b)
		}
	}
	var back Flow
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if ps := Validate(&back, testCatalog); len(ps) != 0 || len(back.Nodes) != len(f.Nodes) || back.Node("menu").Exit("3") != "lookup" {
		t.Fatalf("round trip: %v", ps)
	}
}

func TestHoursOpen(t *testing.T) {
	h := &Hours{Week: []string{"08:00-12:00,13:30-18:00", "08:00-18:00", "08:00-18:00", "08:00-18:00", "08:00-18:00", "", "09:00-24:00"},
		Holidays: []string{"2026-10-01"}, Workdays: []string{"2026-10-10"}}
	loc := time.FixedZone("CST", 8*3600)
	for _, c := range []struct {
		at            string
		open, holiday bool
	}{
		{"2026-11-23 07:59", false, false}, // Monday
		{"2026-11-23 08:00", true, false},
		{"2026-11-23 12:30", false, false}, // lunch
		{"2026-11-23 13:30", true, false},
		{"2026-11-23 18:00", false, false},
		{"2026-11-28 10:00", false, false}, // Saturday closed
		{"2026-11-29 23:59", true, false},  // Sunday till midnight
		{"2026-10-01 10:00", false, true},  // National Day
		{"2026-10-10 10:00", true, false},  // a Saturday worked instead
	} {
		at, _ := time.ParseInLocation("2006-01-02 15:04", c.at, loc)
		if open, holiday := h.Open(at); open != c.open || holiday != c.holiday {
			t.Errorf("%s: open %v holiday %v", c.at, open, holiday)
		}
	}
}
