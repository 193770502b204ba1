package api

import (
	"net/http"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/survey"
)

func (a *API) listQuestionnaires(w http.ResponseWriter, r *http.Request) (int, any, error) {
	list, err := a.Surveys.Questionnaires(r.Context(), r.URL.Query().Get("archived") == "true")
	if list == nil {
		list = []*survey.Questionnaire{}
	}
	return http.StatusOK, map[string]any{"items": list}, err
}

func (a *API) getQuestionnaire(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	q, err := a.Surveys.Questionnaire(r.Context(), id)
	return http.StatusOK, q, err
}

type questionnaireBody struct {
	survey.QuestionnaireInput
	Archived bool `json:"archived"`
}

func (a *API) createQuestionnaire(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[questionnaireBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	q, err := a.Surveys.CreateQuestionnaire(r.Context(), principal(r).User.ID, b.QuestionnaireInput)
	return http.StatusCreated, q, err
}

func (a *API) updateQuestionnaire(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[questionnaireBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	q, err := a.Surveys.UpdateQuestionnaire(r.Context(), principal(r).User.ID, id, b.QuestionnaireInput, b.Archived)
	return http.StatusOK, q, err
}

func (a *API) createInvitation(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[survey.InviteInput](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	b.BaseURL = scheme + "://" + r.Host
	inv, err := a.Surveys.Invite(r.Context(), principal(r).User.ID, b)
	return http.StatusCreated, inv, err
}

func (a *API) surveyResults(w http.ResponseWriter, r *http.Request) (int, any, error) {
	q := r.URL.Query()
	f := survey.Filter{By: q.Get("by"), Channel: q.Get("channel")}
	var err1, err2 error
	f.From, err1 = time.Parse(time.RFC3339, q.Get("from"))
	f.To, err2 = time.Parse(time.RFC3339, q.Get("to"))
	if err1 != nil || err2 != nil {
		return 0, nil, errs.Field("from", "from and to are RFC 3339 times, e.g. 2026-03-01T00:00:00+08:00.").WithKey("survey_period")
	}
	res, err := a.Surveys.Results(r.Context(), f)
	if err != nil {
		return 0, nil, err
	}
	type row struct {
		survey.Row
		ResponseRate *float64 `json:"response_rate"`
	}
	conv := func(x survey.Row) row {
		out := row{Row: x}
		if rr := x.ResponseRate(); rr >= 0 {
			out.ResponseRate = &rr
		}
		return out
	}
	rows := make([]row, 0, len(res.Rows))
	for _, x := range res.Rows {
		rows = append(rows, conv(x))
	}
	comments := res.Comments
	if comments == nil {
		comments = []*survey.Response{}
	}
	return http.StatusOK, map[string]any{"total": conv(res.Total), "rows": rows, "comments": comments}, nil
}
