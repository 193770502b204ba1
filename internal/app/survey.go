package app

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/survey"
	"github.com/hotlinecc/hotline/internal/voice"
)

// wireSurveys builds the survey store, hooks the keypad rating into the switchboard
// (asked when the agent hangs up first) and schedules the daily callback list.
func (a *App) wireSurveys() {
	a.Surveys = survey.New(a.DB, a.Events, a.Todos, a.Config.Location())
	keypad := &survey.Keypad{Store: a.Surveys, Speak: a.IVRRunner.TTS.Speak, Log: a.Log.With("component", "survey")}
	a.Switchboard.AfterCall = keypadSurvey{keypad}
	// Every hour: today's callback list (tickets closed CallbackDays ago); a no-op until
	// the callback questionnaire and queue are set, and it skips tickets already listed.
	a.Runner.Every("survey.callbacks", time.Hour, func(ctx context.Context) error {
		_, err := a.Surveys.PlanCallbacks(ctx, time.Now())
		if errs.CodeOf(err) == errs.Invalid {
			return nil
		}
		return err
	})
}

// InviteClosedTickets makes link invitations with questionnaire q for the tickets closed
// in [from, to): the coordinator schedules it once the questionnaire to send is chosen.
func (a *App) InviteClosedTickets(ctx context.Context, q int64, from, to time.Time) (int, error) {
	invs, err := a.Surveys.InviteClosedTickets(ctx, q, from, to, a.IVRRunner.SelfURL)
	return len(invs), err
}

// mountSurveyPublic serves the questionnaire links (/s/{token}) without sign-in or form
// token: the signed single-use token is the credential.
func (a *App) mountSurveyPublic(mux *http.ServeMux) {
	for _, rt := range a.Console.SurveyPublicRoutes() {
		mux.Handle(rt.Pattern, rt.Handler)
	}
}

// keypadSurvey adapts the keypad rating to the switchboard's AfterCall hook.
type keypadSurvey struct{ k *survey.Keypad }

func (s keypadSurvey) AfterCall(ctx context.Context, c voice.Call, info contact.CallInfo) {
	_, err := s.k.Run(ctx, c, survey.CallInfo{CallID: info.CallID, AgentID: info.AgentID, CustomerID: info.CustomerID, Queue: info.Queue})
	if err != nil && !errors.Is(err, context.Canceled) && s.k.Log != nil {
		s.k.Log.Error("keypad survey", "call", info.CallID, "err", err)
	}
}
