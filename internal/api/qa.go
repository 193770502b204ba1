package api

import (
	"net/http"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/qa"
)

// qaRoutes are the quality API: scorecards, evaluations with the dispute flow, and the
// talk analysis of a call.
func (a *API) qaRoutes() []Route {
	calls, eval := auth.Need(auth.PermCallsRead), auth.Need(auth.PermQualityEvaluate)
	return []Route{
		{"GET", "/api/v1/qa/scorecards", eval, a.serve(a.listScorecards)},
		{"POST", "/api/v1/qa/scorecards", eval, a.serve(a.createScorecard)},
		{"GET", "/api/v1/qa/scorecards/{id}", eval, a.serve(a.getScorecard)},
		{"PUT", "/api/v1/qa/scorecards/{id}", eval, a.serve(a.updateScorecard)},
		{"GET", "/api/v1/qa/evaluations", calls, a.serve(a.listEvaluations)},
		{"POST", "/api/v1/qa/evaluations", eval, a.serve(a.createEvaluation)},
		{"GET", "/api/v1/qa/evaluations/{id}", calls, a.serve(a.getEvaluation)},
		{"POST", "/api/v1/qa/evaluations/{id}/acknowledge", calls, a.serve(a.acknowledgeEvaluation)},
		{"POST", "/api/v1/qa/evaluations/{id}/dispute", calls, a.serve(a.disputeEvaluation)},
		{"POST", "/api/v1/qa/evaluations/{id}/resolve", auth.Need(auth.PermQualityReview), a.serve(a.resolveEvaluation)},
		{"GET", "/api/v1/calls/{id}/analysis", calls, a.serve(a.callAnalysis)},
	}
}

type scorecardJSON struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Queues      []string  `json:"queues"`
	Directions  []string  `json:"directions"`
	Active      bool      `json:"active"`
	Version     int       `json:"version"`
	Form        qa.Form   `json:"form"`
	UpdatedAt   time.Time `json:"updated_at"`
}

func toScorecardJSON(c *qa.Scorecard) scorecardJSON {
	return scorecardJSON{ID: c.ID, Name: c.Name, Description: c.Description, Queues: append([]string{}, c.Queues...),
		Directions: append([]string{}, c.Directions...), Active: c.Active, Version: c.Version, Form: c.Form, UpdatedAt: c.UpdatedAt}
}

type scorecardBody struct {
	Name        string   `json:"name"`
	Description string   `json:"description"`
	Queues      []string `json:"queues"`
	Directions  []string `json:"directions"`
	Active      *bool    `json:"active"`
	Form        qa.Form  `json:"form"`
}

func (b scorecardBody) input() qa.ScorecardInput {
	active := b.Active == nil || *b.Active
	return qa.ScorecardInput{Name: b.Name, Description: b.Description, Queues: b.Queues, Directions: b.Directions, Active: active, Form: b.Form}
}

func (a *API) listScorecards(w http.ResponseWriter, r *http.Request) (int, any, error) {
	list, err := a.QA.Scorecards(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := make([]scorecardJSON, 0, len(list))
	for _, c := range list {
		out = append(out, toScorecardJSON(c))
	}
	return http.StatusOK, map[string]any{"items": out}, nil
}

func (a *API) createScorecard(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[scorecardBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	c, err := a.QA.CreateScorecard(r.Context(), principal(r).User.ID, b.input())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toScorecardJSON(c), nil
}

func (a *API) getScorecard(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	c, err := a.QA.Scorecard(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toScorecardJSON(c), nil
}

func (a *API) updateScorecard(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[scorecardBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	c, err := a.QA.UpdateScorecard(r.Context(), principal(r).User.ID, id, b.input())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toScorecardJSON(c), nil
}

type evaluationJSON struct {
	ID             int64                `json:"id"`
	CallID         int64                `json:"call_id"`
	ScorecardID    int64                `json:"scorecard_id"`
	Version        int                  `json:"version"`
	EvaluatorID    int64                `json:"evaluator_id"`
	AgentID        int64                `json:"agent_id"`
	CalibrationID  int64                `json:"calibration_id,omitempty"`
	Answers        map[string]qa.Answer `json:"answers"`
	Comment        string               `json:"comment"`
	Score          float64              `json:"score"`
	OriginalScore  float64              `json:"original_score"`
	Failed         bool                 `json:"failed"`
	Status         string               `json:"status"`
	DisputeComment string               `json:"dispute_comment,omitempty"`
	Resolution     string               `json:"resolution,omitempty"`
	ResolutionNote string               `json:"resolution_note,omitempty"`
	CreatedAt      time.Time            `json:"created_at"`
	AcknowledgedAt *time.Time           `json:"acknowledged_at"`
	DisputedAt     *time.Time           `json:"disputed_at"`
	ResolvedAt     *time.Time           `json:"resolved_at"`
}

func toEvaluationJSON(e *qa.Evaluation) evaluationJSON {
	return evaluationJSON{ID: e.ID, CallID: e.CallID, ScorecardID: e.ScorecardID, Version: e.Version, EvaluatorID: e.EvaluatorID, AgentID: e.AgentID,
		CalibrationID: e.CalibrationID, Answers: e.Answers, Comment: e.Comment, Score: e.Score, OriginalScore: e.OriginalScore, Failed: e.Failed,
		Status: e.Status, DisputeComment: e.DisputeComment, Resolution: e.Resolution, ResolutionNote: e.ResolutionNote, CreatedAt: e.CreatedAt,
		AcknowledgedAt: timePtr(e.AcknowledgedAt), DisputedAt: timePtr(e.DisputedAt), ResolvedAt: timePtr(e.ResolvedAt)}
}

func (a *API) listEvaluations(w http.ResponseWriter, r *http.Request) (int, any, error) {
	limit, offset, err := paging(r)
	if err != nil {
		return 0, nil, err
	}
	agent, err := queryInt(r, "agent_id")
	if err != nil {
		return 0, nil, err
	}
	call, err := queryInt(r, "call_id")
	if err != nil {
		return 0, nil, err
	}
	list, total, err := a.QA.Evaluations(r.Context(), principal(r), qa.EvaluationFilter{AgentID: int64(agent), CallID: int64(call),
		Status: r.URL.Query().Get("status"), Limit: limit, Offset: offset})
	if err != nil {
		return 0, nil, err
	}
	out := make([]evaluationJSON, 0, len(list))
	for _, e := range list {
		out = append(out, toEvaluationJSON(e))
	}
	return http.StatusOK, map[string]any{"items": out, "total": total}, nil
}

func (a *API) createEvaluation(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[struct {
		CallID        int64                `json:"call_id"`
		ScorecardID   int64                `json:"scorecard_id"`
		CalibrationID int64                `json:"calibration_id"`
		Answers       map[string]qa.Answer `json:"answers"`
		Comment       string               `json:"comment"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	p := principal(r)
	if _, err := a.Calls.GetFor(r.Context(), p, b.CallID); err != nil {
		return 0, nil, err
	}
	e, err := a.QA.Evaluate(r.Context(), p, qa.EvaluationInput{CallID: b.CallID, ScorecardID: b.ScorecardID, CalibrationID: b.CalibrationID,
		Answers: b.Answers, Comment: b.Comment})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toEvaluationJSON(e), nil
}

// evaluationStep runs one step on the evaluation of the path.
func (a *API) evaluationStep(r *http.Request, do func(p *auth.Principal, id int64) (*qa.Evaluation, error)) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	e, err := do(principal(r), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toEvaluationJSON(e), nil
}

func (a *API) getEvaluation(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return a.evaluationStep(r, func(p *auth.Principal, id int64) (*qa.Evaluation, error) { return a.QA.Evaluation(r.Context(), p, id) })
}

func (a *API) acknowledgeEvaluation(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return a.evaluationStep(r, func(p *auth.Principal, id int64) (*qa.Evaluation, error) { return a.QA.Acknowledge(r.Context(), p, id) })
}

func (a *API) disputeEvaluation(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[struct {
		Comment string `json:"comment"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	return a.evaluationStep(r, func(p *auth.Principal, id int64) (*qa.Evaluation, error) {
		return a.QA.Dispute(r.Context(), p, id, b.Comment)
	})
}

func (a *API) resolveEvaluation(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[struct {
		Decision string   `json:"decision"`
		Score    *float64 `json:"score"`
		Note     string   `json:"note"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	res := qa.Resolution{Note: b.Note}
	switch b.Decision {
	case "uphold":
	case "adjust":
		if b.Score == nil {
			return 0, nil, errs.Field("score", "An adjustment needs the new score.").WithKey("qa_score_range")
		}
		res.Adjust, res.Score = true, *b.Score
	default:
		return 0, nil, errs.Field("decision", "decision is uphold or adjust.")
	}
	return a.evaluationStep(r, func(p *auth.Principal, id int64) (*qa.Evaluation, error) {
		return a.QA.Resolve(r.Context(), p, id, res)
	})
}

func (a *API) callAnalysis(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	if _, err := a.Calls.GetFor(r.Context(), principal(r), id); err != nil {
		return 0, nil, err
	}
	an, err := a.QA.CallAnalysis(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, map[string]any{"call_id": an.CallID, "analyzed_at": an.AnalyzedAt, "duration_ms": an.DurationMS,
		"agent_talk_ms": an.AgentTalkMS, "caller_talk_ms": an.CallerTalkMS, "talk_ratio": an.TalkRatio,
		"longest_silence_ms": an.LongestSilenceMS, "overtalk_ms": an.OvertalkMS, "error": an.Error}, nil
}
