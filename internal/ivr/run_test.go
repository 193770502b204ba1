package ivr

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/voicetest"
)

// idPrompts plays prompts by ID, so the in-memory engine gives each the same length.
type idPrompts struct{}

func (idPrompts) Prompt(_ context.Context, lang, name string) (voice.Prompt, error) {
	if !shippedPrompt(lang, name) {
		return voice.Prompt{}, errors.New("no prompt " + name)
	}
	return voice.Prompt{ID: name, Lang: voiceLang(lang)}, nil
}

// fakeSpeaker "synthesises" text into a file named after it.
type fakeSpeaker struct{ said []string }

func (s *fakeSpeaker) Available() bool { return true }
func (s *fakeSpeaker) Speak(_ context.Context, lang, text string) (string, error) {
	s.said = append(s.said, text)
	return "/cache/" + lang + "-" + text + ".wav", nil
}

// handlerClient answers HTTP requests with h in memory (no sockets, so virtual time works).
func handlerClient(h http.HandlerFunc) *http.Client {
	return &http.Client{Transport: roundTrip(func(r *http.Request) (*http.Response, error) {
		rec := httptest.NewRecorder()
		h(rec, r)
		return rec.Result(), nil
	})}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// hotlineFlow is a small version of the demo hotline: hours, welcome, a menu with a
// lookup of the repair status, and voicemail when closed.
func hotlineFlow() *Flow {
	queue := func(id, code string) Node { return Node{ID: id, Kind: KindQueue, Params: Params{Queue: code}} }
	return &Flow{ID: 1, Name: "热线", Language: "zh", Start: "hours", Nodes: []Node{
		{ID: "hours", Kind: KindHours, Params: Params{Hours: &Hours{Week: slices.Repeat([]string{"08:00-22:00"}, 7), Holidays: []string{"2026-10-01"}}},
			Exits: []Exit{{ExitOpen, "welcome"}, {ExitClosed, "closed"}}},
		{ID: "welcome", Kind: KindPlay, Params: Params{Prompt: "welcome"}, Exits: []Exit{{ExitNext, "menu"}}},
		{ID: "menu", Kind: KindMenu, Params: Params{Prompt: "main_menu", TimeoutSec: 5, Retries: 1, InvalidPrompt: "invalid", NoInputPrompt: "no_input"},
			Exits: []Exit{{"1", "presales"}, {"2", "support"}, {"3", "lookup"}, {"0", "agent"}, {ExitTimeout, "agent"}, {ExitInvalid, "agent"}}},
		{ID: "lookup", Kind: KindLookup, Params: Params{Method: "GET", URL: "/ivr/demo/repair-status?phone=${caller}", TimeoutSec: 3,
			Results: []Pick{{"status", "status"}, {"eta", "order.eta"}}}, Exits: []Exit{{ExitOK, "say_status"}, {ExitError, "lookup_failed"}}},
		{ID: "say_status", Kind: KindSay, Params: Params{Text: "您的维修单状态是${status}"}, Exits: []Exit{{ExitNext, "say_eta"}}},
		{ID: "say_eta", Kind: KindSay, Params: Params{Text: "${eta}", SayAs: SayDate}, Exits: []Exit{{ExitNext, "bye"}}},
		{ID: "bye", Kind: KindHangup, Params: Params{Prompt: "goodbye"}},
		{ID: "lookup_failed", Kind: KindPlay, Params: Params{Prompt: "lookup_error"}, Exits: []Exit{{ExitNext, "repair"}}},
		queue("presales", "presales"), queue("support", "support"), queue("repair", "repair"), queue("agent", "presales"),
		{ID: "closed", Kind: KindPlay, Params: Params{Prompt: "closed"}, Exits: []Exit{{ExitNext, "vm"}}},
		{ID: "vm", Kind: KindVoicemail, Params: Params{Prompt: "voicemail", Box: "general"}},
	}}
}

func TestRunCallerScenarios(t *testing.T) {
	open := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC) // a Tuesday, 18:00 in Shanghai
	shanghai := shanghai(t)
	repair := func(status int, body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/ivr/demo/repair-status" || r.URL.Query().Get("phone") != "13800138000" || r.Host != "hotline.test" {
				http.Error(w, "bad request "+r.URL.String(), 400)
				return
			}
			w.WriteHeader(status)
			io.WriteString(w, body)
		}
	}
	okLookup := repair(200, `{"status":"维修中","order":{"eta":"2026-11-25"}}`)
	for _, c := range []struct {
		name   string
		at     time.Time
		lookup http.HandlerFunc
		press  map[time.Duration]string // digits pressed this long after the call starts
		want   Outcome
		played []string
		said   []string
		path   []string // node ids of the trace
	}{
		{name: "press 2 for support", at: open, press: map[time.Duration]string{3 * time.Second: "2"},
			want: Outcome{Kind: OutcomeQueue, Queue: "support"}, played: []string{"welcome", "main_menu"},
			path: []string{"hours", "welcome", "menu", "support"}},
		{name: "no input twice goes to the default", at: open,
			want: Outcome{Kind: OutcomeQueue, Queue: "presales"}, played: []string{"welcome", "main_menu", "no_input", "main_menu"},
			path: []string{"hours", "welcome", "menu", "agent"}},
		{name: "invalid digit, invalid prompt, then a retry", at: open, press: map[time.Duration]string{3 * time.Second: "7", 8 * time.Second: "1"},
			want: Outcome{Kind: OutcomeQueue, Queue: "presales"}, played: []string{"welcome", "main_menu", "invalid", "main_menu"},
			path: []string{"hours", "welcome", "menu", "presales"}},
		{name: "invalid twice takes the invalid exit", at: open, press: map[time.Duration]string{3 * time.Second: "7", 8 * time.Second: "9"},
			want: Outcome{Kind: OutcomeQueue, Queue: "presales"}, played: []string{"welcome", "main_menu", "invalid", "main_menu"},
			path: []string{"hours", "welcome", "menu", "agent"}},
		{name: "closed hours go to voicemail", at: time.Date(2026, 11, 24, 15, 30, 0, 0, time.UTC), // 23:30 in Shanghai
			want: Outcome{Kind: OutcomeVoicemail, Box: "general"}, played: []string{"closed", "voicemail"}, path: []string{"hours", "closed", "vm"}},
		{name: "a holiday is closed", at: time.Date(2026, 10, 1, 3, 0, 0, 0, time.UTC),
			want: Outcome{Kind: OutcomeVoicemail, Box: "general"}, played: []string{"closed", "voicemail"}, path: []string{"hours", "closed", "vm"}},
		{name: "lookup OK says the status", at: open, lookup: okLookup, press: map[time.Duration]string{3 * time.Second: "3"},
			want:   Outcome{Kind: OutcomeHangup},
			played: []string{"welcome", "main_menu", "您的维修单状态是维修中", "二零二六年十一月二十五日", "goodbye"},
			said:   []string{"您的维修单状态是维修中", "二零二六年十一月二十五日"},
			path:   []string{"hours", "welcome", "menu", "lookup", "say_status", "say_eta", "bye"}},
		{name: "lookup 500 takes the error path", at: open, lookup: repair(500, `{"error":"down"}`), press: map[time.Duration]string{3 * time.Second: "3"},
			want: Outcome{Kind: OutcomeQueue, Queue: "repair"}, played: []string{"welcome", "main_menu", "lookup_error"},
			path: []string{"hours", "welcome", "menu", "lookup", "lookup_failed", "repair"}},
		{name: "lookup answer without the path is an error", at: open, lookup: repair(200, `{"state":"?"}`), press: map[time.Duration]string{3 * time.Second: "3"},
			want: Outcome{Kind: OutcomeQueue, Queue: "repair"}, played: []string{"welcome", "main_menu", "lookup_error"},
			path: []string{"hours", "welcome", "menu", "lookup", "lookup_failed", "repair"}},
		{name: "barge-in during the menu prompt", at: open, press: map[time.Duration]string{1500 * time.Millisecond: "2"},
			want: Outcome{Kind: OutcomeQueue, Queue: "support"}, played: []string{"welcome", "main_menu"},
			path: []string{"hours", "welcome", "menu", "support"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				eng := voicetest.New(voicetest.Options{PromptLength: time.Second})
				defer eng.Close()
				start := time.Now()
				speaker := &fakeSpeaker{}
				r := &Runner{Prompts: idPrompts{}, TTS: speaker, HTTP: handlerClient(c.lookup), SelfURL: "http://hotline.test",
					Location: shanghai, Now: func() time.Time { return c.at.Add(time.Since(start)) }}
				type result struct {
					out Outcome
					err error
				}
				done := make(chan result, 1)
				eng.OnInbound(func(ctx context.Context, call voice.Call) {
					out, err := r.Run(ctx, hotlineFlow(), call, nil)
					done <- result{out, err}
				})
				call := eng.Inbound("13800138000", "4008001234")
				var times []time.Duration
				for d := range c.press {
					times = append(times, d)
				}
				slices.Sort(times)
				for _, d := range times {
					time.Sleep(d - time.Since(start))
					call.Press(c.press[d])
				}
				res := <-done
				if res.err != nil {
					t.Fatal(res.err)
				}
				got := res.out
				if got.Kind != c.want.Kind || got.Queue != c.want.Queue || got.Box != c.want.Box {
					t.Errorf("outcome %+v, want %+v", got, c.want)
				}
				var names []string
				for _, p := range call.Played() {
					names = append(names, p.Name())
				}
				if !slices.Equal(names, c.played) {
					t.Errorf("played %q, want %q", names, c.played)
				}
				if c.said != nil && !slices.Equal(speaker.said, c.said) {
					t.Errorf("said %q, want %q", speaker.said, c.said)
				}
				var path []string
				for _, s := range got.Trace {
					path = append(path, s.Node)
				}
				if !slices.Equal(path, c.path) {
					t.Errorf("trace %q, want %q", path, c.path)
				}
				if got.Vars[VarCaller] != "13800138000" || got.Vars[VarDialed] != "4008001234" {
					t.Errorf("vars %v", got.Vars)
				}
			})
		})
	}
}

func TestRunBargeInStopsThePrompt(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := voicetest.New(voicetest.Options{PromptLength: time.Second})
		defer eng.Close()
		r := &Runner{Prompts: idPrompts{}, Now: func() time.Time { return time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC) }, Location: shanghai(t)}
		done := make(chan Outcome, 1)
		eng.OnInbound(func(ctx context.Context, call voice.Call) {
			out, _ := r.Run(ctx, hotlineFlow(), call, nil)
			done <- out
		})
		call := eng.Inbound("13800138000", "4008001234")
		time.Sleep(1500 * time.Millisecond)
		call.Press("2")
		<-done
		p := call.Played()
		if len(p) != 2 || p[1].Name() != "main_menu" || !p[1].Interrupted || p[1].Length >= time.Second {
			t.Fatalf("the menu prompt was not interrupted: %+v", p)
		}
	})
}

func TestRunCallerHangsUp(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := voicetest.New(voicetest.Options{PromptLength: time.Second})
		defer eng.Close()
		r := &Runner{Prompts: idPrompts{}, Now: func() time.Time { return time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC) }, Location: shanghai(t)}
		done := make(chan error, 1)
		var out Outcome
		eng.OnInbound(func(ctx context.Context, call voice.Call) {
			var err error
			out, err = r.Run(ctx, hotlineFlow(), call, map[string]string{VarVIP: "2"})
			done <- err
		})
		call := eng.Inbound("13800138000", "4008001234")
		time.Sleep(3 * time.Second)
		call.RemoteHangup()
		if err := <-done; !errors.Is(err, voice.ErrHangup) {
			t.Fatalf("err %v", err)
		}
		if out.Kind != OutcomeHangup || len(out.Trace) != 3 || out.Trace[2].Node != "menu" || out.Vars[VarVIP] != "2" {
			t.Fatalf("outcome %+v", out)
		}
	})
}

// The shipped prompts play through the frame source for their real length, and say
// nodes without TTS join the shipped word prompts.
func TestRunShippedPromptsAndSayFallback(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		eng := voicetest.New(voicetest.Options{})
		defer eng.Close()
		f := &Flow{Name: "金额", Language: "zh", Start: "amount", Nodes: []Node{
			{ID: "amount", Kind: KindSay, Params: Params{Text: "${balance}", SayAs: SayAmount}, Exits: []Exit{{ExitNext, "xfer"}}},
			{ID: "xfer", Kind: KindTransfer, Params: Params{Prompt: "transferring", Target: TargetExternal, Number: "${mobile}"}},
		}}
		r := &Runner{Prompts: Shipped{}}
		done := make(chan Outcome, 1)
		eng.OnInbound(func(ctx context.Context, call voice.Call) {
			out, err := r.Run(ctx, f, call, map[string]string{"balance": "12.50", "mobile": "13912345678"})
			if err != nil {
				t.Error(err)
			}
			done <- out
		})
		call := eng.Inbound("13800138000", "4008001234")
		out := <-done
		if out.Kind != OutcomeTransfer || out.Target != TargetExternal || out.Number != "13912345678" {
			t.Fatalf("outcome %+v", out)
		}
		var names []string
		for _, p := range call.Played() {
			names = append(names, p.Name())
			if p.Length < 100*time.Millisecond {
				t.Errorf("%s played %v", p.Name(), p.Length)
			}
		}
		if want := "say_ten say_2 say_yuan say_5 say_jiao transferring"; strings.Join(names, " ") != want {
			t.Fatalf("played %v, want %s", names, want)
		}
	})
}

func shanghai(t *testing.T) *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// The demo hotline's lookup endpoint answers the same for a number every time, and
// the interpreter reads it through Results.
func TestDemoRepairStatus(t *testing.T) {
	h := DemoRepairStatus(func() time.Time { return time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC) }, shanghai(t))
	get := func(q string) (int, map[string]string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", DemoRepairPath+q, nil))
		var m map[string]string
		json.Unmarshal(rec.Body.Bytes(), &m)
		return rec.Code, m
	}
	if code, _ := get("?phone=abc"); code != 400 {
		t.Fatalf("bad phone: %d", code)
	}
	found := 0
	for _, phone := range []string{"13800138000", "13912345678", "01062561234", "4008001234", "13700000001", "13600000002", "13500000003", "13400000004"} {
		code, m := get("?phone=" + phone)
		code2, m2 := get("?phone=" + phone)
		if code != code2 || m["status"] != m2["status"] {
			t.Fatalf("%s answers differently", phone)
		}
		switch code {
		case 200:
			found++
			if v, ok := jsonPath(map[string]any{"eta": m["eta"]}, "eta"); !ok || !strings.HasPrefix(v, "2026-11-2") || m["status"] == "" || m["status_en"] == "" {
				t.Errorf("%s: %v", phone, m)
			}
		case 404:
		default:
			t.Errorf("%s: %d", phone, code)
		}
	}
	if found == 0 {
		t.Fatal("no demo number has a repair order")
	}
}

// fakeCalendars answers for calendar 7 only: open from 09:00 to 17:00 Shanghai time,
// closed on 2026-10-01 as a holiday.
type fakeCalendars struct{ asked []int64 }

func (f *fakeCalendars) HoursAt(_ context.Context, id int64, t time.Time) (bool, bool, error) {
	f.asked = append(f.asked, id)
	if id != 7 {
		return false, false, errors.New("no such calendar")
	}
	t = t.In(time.FixedZone("CST", 8*3600))
	if t.Format(time.DateOnly) == "2026-10-01" {
		return false, true, nil
	}
	return t.Hour() >= 9 && t.Hour() < 17, false, nil
}

// An hours node with a calendar asks the calendar, and falls back to its own hours when
// the calendar cannot answer or the runner has none.
func TestRunHoursWithCalendar(t *testing.T) {
	flow := func(calendar int64, holidayExit bool) *Flow {
		h := Node{ID: "hours", Kind: KindHours, Params: Params{Hours: &Hours{CalendarID: calendar, Week: slices.Repeat([]string{"08:00-22:00"}, 7)}},
			Exits: []Exit{{ExitOpen, "q"}, {ExitClosed, "closed"}}}
		if holidayExit {
			h.Exits = append(h.Exits, Exit{ExitHoliday, "holiday"})
		}
		return &Flow{ID: 2, Name: "日历", Language: "zh", Start: "hours", Nodes: []Node{h,
			{ID: "q", Kind: KindQueue, Params: Params{Queue: "presales"}},
			{ID: "closed", Kind: KindVoicemail, Params: Params{Box: "closed"}},
			{ID: "holiday", Kind: KindVoicemail, Params: Params{Box: "holiday"}},
		}}
	}
	for _, c := range []struct {
		name      string
		calendars bool
		calendar  int64
		holiday   bool
		at        time.Time
		box       string // "" for the queue
		detail    string
	}{
		{"calendar open", true, 7, false, time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC), "", "calendar 7"},                       // 10:00
		{"calendar closed, inline open", true, 7, false, time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), "closed", "calendar 7"}, // 18:00
		{"calendar holiday", true, 7, true, time.Date(2026, 10, 1, 2, 0, 0, 0, time.UTC), "holiday", "calendar 7"},
		{"holiday without a holiday exit", true, 7, false, time.Date(2026, 10, 1, 2, 0, 0, 0, time.UTC), "closed", "calendar 7"},
		{"calendar gone: inline hours", true, 9, false, time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), "", "fallback"},
		{"no calendars in the runner", false, 7, false, time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC), "", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				eng := voicetest.New(voicetest.Options{})
				defer eng.Close()
				cals := &fakeCalendars{}
				r := &Runner{Prompts: idPrompts{}, Location: shanghai(t), Now: func() time.Time { return c.at }}
				if c.calendars {
					r.Calendars = cals
				}
				done := make(chan Outcome, 1)
				eng.OnInbound(func(ctx context.Context, call voice.Call) {
					out, _ := r.Run(ctx, flow(c.calendar, c.holiday), call, nil)
					done <- out
				})
				eng.Inbound("13800138000", "4008001234")
				out := <-done
				if c.box == "" && (out.Kind != OutcomeQueue || out.Queue != "presales") || c.box != "" && (out.Kind != OutcomeVoicemail || out.Box != c.box) {
					t.Fatalf("outcome %+v, want box %q", out, c.box)
				}
				if !strings.Contains(out.Trace[0].Detail, c.detail) {
					t.Errorf("detail %q lacks %q", out.Trace[0].Detail, c.detail)
				}
				if c.calendars && !slices.Equal(cals.asked, []int64{c.calendar}) {
					t.Errorf("asked calendars %v", cals.asked)
				}
			})
		})
	}
}
