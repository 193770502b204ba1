package demo

import (
	"context"
	"fmt"
	"slices"

	"github.com/hotlinecc/hotline/internal/ivr"
)

// hotlineFlow is the demo center's IVR in one language: welcome; 1 pre-sales,
// 2 technical support, 3 repair status (looked up over HTTP from Hotline's own demo
// endpoint and spoken), 4 complaints, 0 an agent; outside the hours of business calendar
// calendarID ("Hotline hours", 8:00-22:00, with the same hours in the node as the
// fallback) the closed-hours message and voicemail.
func hotlineFlow(lang string, calendarID int64) *ivr.Flow {
	name, status, text := "服务热线", "status", "您的维修单状态是：${status}"
	if lang == "en" {
		name, status, text = "Service hotline (English)", "status_en", "The status of your repair order is: ${status_en}"
	}
	exit := func(pairs ...string) []ivr.Exit {
		var out []ivr.Exit
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, ivr.Exit{Name: pairs[i], To: pairs[i+1]})
		}
		return out
	}
	queue := func(id, code string, priority int) ivr.Node {
		return ivr.Node{ID: id, Kind: ivr.KindQueue, Params: ivr.Params{Queue: code, Priority: priority}}
	}
	return &ivr.Flow{Name: name, Language: lang, Start: "hours", Nodes: []ivr.Node{
		{ID: "hours", Kind: ivr.KindHours, Name: "8:00-22:00",
			Params: ivr.Params{Hours: &ivr.Hours{CalendarID: calendarID, Week: slices.Repeat([]string{"08:00-22:00"}, 7)}},
			Exits:  exit(ivr.ExitOpen, "welcome", ivr.ExitClosed, "closed")},
		{ID: "welcome", Kind: ivr.KindPlay, Params: ivr.Params{Prompt: "welcome"}, Exits: exit(ivr.ExitNext, "menu")},
		{ID: "menu", Kind: ivr.KindMenu, Params: ivr.Params{Prompt: "main_menu", TimeoutSec: 5, Retries: 2, InvalidPrompt: "invalid", NoInputPrompt: "no_input"},
			Exits: exit("1", "presales", "2", "support", "3", "repair_lookup", "4", "complaints", "0", "agent",
				ivr.ExitTimeout, "agent", ivr.ExitInvalid, "agent")},
		queue("presales", "presales", 0),
		queue("support", "support", 0),
		{ID: "repair_lookup", Kind: ivr.KindLookup, Params: ivr.Params{Method: "GET", URL: "/ivr/demo/repair-status?phone=${caller}", TimeoutSec: 3,
			Results: []ivr.Pick{{Var: status, Path: status}, {Var: "eta", Path: "eta"}}},
			Exits: exit(ivr.ExitOK, "say_status", ivr.ExitError, "lookup_failed")},
		{ID: "say_status", Kind: ivr.KindSay, Params: ivr.Params{Text: text}, Exits: exit(ivr.ExitNext, "eta_prefix")},
		{ID: "eta_prefix", Kind: ivr.KindPlay, Params: ivr.Params{Prompt: "repair_eta"}, Exits: exit(ivr.ExitNext, "say_eta")},
		{ID: "say_eta", Kind: ivr.KindSay, Params: ivr.Params{Text: "${eta}", SayAs: ivr.SayDate}, Exits: exit(ivr.ExitNext, "goodbye")},
		{ID: "goodbye", Kind: ivr.KindHangup, Params: ivr.Params{Prompt: "goodbye"}},
		{ID: "lookup_failed", Kind: ivr.KindPlay, Params: ivr.Params{Prompt: "lookup_error"}, Exits: exit(ivr.ExitNext, "repair")},
		queue("repair", "repair", 0),
		queue("complaints", "complaints", 5),
		queue("agent", "presales", 0),
		{ID: "closed", Kind: ivr.KindPlay, Params: ivr.Params{Prompt: "closed"}, Exits: exit(ivr.ExitNext, "voicemail")},
		{ID: "voicemail", Kind: ivr.KindVoicemail, Params: ivr.Params{Prompt: "voicemail", Box: "presales"}},
	}}
}

// loadIVR stores the Chinese hotline as the default flow and its English twin, both
// asking the hotline's business calendar.
func loadIVR(ctx context.Context, s *ivr.Store, calendarID int64) error {
	for _, lang := range []string{"zh", "en"} {
		if err := s.CreateFlow(ctx, hotlineFlow(lang, calendarID), 0); err != nil {
			return fmt.Errorf("demo: IVR flow %s: %w", lang, err)
		}
	}
	return nil
}
