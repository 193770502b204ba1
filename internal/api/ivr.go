package api

import (
	"io"
	"net/http"

	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/ivr"
)

// flowInput is what a client sends to create, replace or validate a flow.
type flowInput struct {
	Name      string     `json:"name"`
	Language  string     `json:"language"`
	Start     string     `json:"start"`
	Nodes     []ivr.Node `json:"nodes"`
	IsDefault bool       `json:"is_default"`
	Version   int        `json:"version"` // replace: the version read, 0 to skip the check
}

func (in flowInput) flow() *ivr.Flow {
	return &ivr.Flow{Name: in.Name, Language: in.Language, Start: in.Start, Nodes: in.Nodes, IsDefault: in.IsDefault, Version: in.Version}
}

// flowProblems answers an invalid flow with every problem, node by node.
type flowProblems struct {
	Error struct {
		Code     errs.Code         `json:"code"`
		Message  string            `json:"message"`
		Fields   map[string]string `json:"fields,omitempty"`
		Problems ivr.Problems      `json:"problems"`
	} `json:"error"`
}

// saveFailed turns a save error into its answer: problems in full for an invalid flow.
func saveFailed(err error) (int, any, error) {
	ps := ivr.ProblemsOf(err)
	if ps == nil {
		return 0, nil, err
	}
	e := httpx.Public(err)
	var body flowProblems
	body.Error.Code, body.Error.Message, body.Error.Fields, body.Error.Problems = e.Code, e.Message, e.Fields, ps
	return http.StatusBadRequest, body, nil
}

func (a *API) listFlows(w http.ResponseWriter, r *http.Request) (int, any, error) {
	fs, err := a.IVR.Flows(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, list[ivr.FlowSummary]{Items: fs, Total: len(fs)}, nil
}

func (a *API) createFlow(w http.ResponseWriter, r *http.Request) (int, any, error) {
	in, err := httpx.DecodeJSON[flowInput](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	f := in.flow()
	if err := a.IVR.CreateFlow(r.Context(), f, principal(r).User.ID); err != nil {
		return saveFailed(err)
	}
	a.Auth.Audit(r.Context(), principal(r).Actor(), "ivr.flow_created", "ivr_flow", f.ID, map[string]any{"name": f.Name})
	return http.StatusCreated, f, nil
}

func (a *API) getFlow(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	f, err := a.IVR.Flow(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, f, nil
}

func (a *API) replaceFlow(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	in, err := httpx.DecodeJSON[flowInput](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	f := in.flow()
	f.ID = id
	if err := a.IVR.UpdateFlow(r.Context(), f, principal(r).User.ID); err != nil {
		return saveFailed(err)
	}
	if in.IsDefault && !f.IsDefault {
		if err := a.IVR.SetDefault(r.Context(), id); err != nil {
			return 0, nil, err
		}
		f.IsDefault = true
	}
	a.Auth.Audit(r.Context(), principal(r).Actor(), "ivr.flow_saved", "ivr_flow", f.ID, map[string]any{"name": f.Name, "version": f.Version})
	return http.StatusOK, f, nil
}

func (a *API) deleteFlow(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	if err := a.IVR.DeleteFlow(r.Context(), id); err != nil {
		return 0, nil, err
	}
	a.Auth.Audit(r.Context(), principal(r).Actor(), "ivr.flow_deleted", "ivr_flow", id, nil)
	return http.StatusNoContent, nil, nil
}

func (a *API) setDefaultFlow(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	if err := a.IVR.SetDefault(r.Context(), id); err != nil {
		return 0, nil, err
	}
	a.Auth.Audit(r.Context(), principal(r).Actor(), "ivr.flow_default", "ivr_flow", id, nil)
	f, err := a.IVR.Flow(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, f, nil
}

// validateFlow checks a flow without saving it.
func (a *API) validateFlow(w http.ResponseWriter, r *http.Request) (int, any, error) {
	in, err := httpx.DecodeJSON[flowInput](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	ps, err := a.IVR.Check(r.Context(), in.flow())
	if err != nil {
		return 0, nil, err
	}
	if ps == nil {
		ps = ivr.Problems{}
	}
	return http.StatusOK, map[string]any{"valid": len(ps) == 0, "problems": ps}, nil
}

func (a *API) listPrompts(w http.ResponseWriter, r *http.Request) (int, any, error) {
	lang := r.URL.Query().Get("language")
	if lang != "" && lang != "zh" && lang != "en" {
		return 0, nil, errs.E(errs.Invalid, "Query parameter language must be zh or en.")
	}
	ps, err := a.IVR.Prompts(r.Context(), lang)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, list[ivr.PromptInfo]{Items: ps, Total: len(ps)}, nil
}

// uploadPrompt takes the WAV file as the body (Content-Type audio/wav), with the
// language and name in the query.
func (a *API) uploadPrompt(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if ct := r.Header.Get("Content-Type"); ct != "audio/wav" && ct != "audio/x-wav" && ct != "audio/wave" {
		return 0, nil, errs.E(errs.Invalid, "Content-Type must be audio/wav.")
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, ivr.MaxPromptBytes+1))
	if err != nil {
		return 0, nil, errs.E(errs.TooLarge, "The body is too large.")
	}
	q := r.URL.Query()
	p, err := a.IVR.UploadPrompt(r.Context(), q.Get("language"), q.Get("name"), data, principal(r).User.ID)
	if err != nil {
		return 0, nil, err
	}
	a.Auth.Audit(r.Context(), principal(r).Actor(), "ivr.prompt_uploaded", "ivr_prompt", p.ID, map[string]any{"name": p.Name, "language": p.Language})
	return http.StatusCreated, p, nil
}

func (a *API) deletePrompt(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	if err := a.IVR.DeletePrompt(r.Context(), id); err != nil {
		return 0, nil, err
	}
	a.Auth.Audit(r.Context(), principal(r).Actor(), "ivr.prompt_deleted", "ivr_prompt", id, nil)
	return http.StatusNoContent, nil, nil
}
