package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
)

type partnerJSON struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Kind      string    `json:"kind"`
	Phone     string    `json:"phone"`
	Address   string    `json:"address"`
	CreatedAt time.Time `json:"created_at"`
}

func (a *API) listPartners(w http.ResponseWriter, r *http.Request) (int, any, error) {
	ps, err := a.Auth.Partners(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := list[partnerJSON]{Items: []partnerJSON{}, Total: len(ps)}
	for _, p := range ps {
		out.Items = append(out.Items, partnerJSON(p))
	}
	return http.StatusOK, out, nil
}

func (a *API) createPartner(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[struct {
		Name    string `json:"name"`
		Kind    string `json:"kind"`
		Phone   string `json:"phone"`
		Address string `json:"address"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	p, err := a.Auth.CreatePartner(r.Context(), principal(r).Actor(), auth.Partner{Name: b.Name, Kind: b.Kind, Phone: b.Phone, Address: b.Address})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, partnerJSON(*p), nil
}

type tokenJSON struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	Token      string     `json:"token,omitempty"` // only in the answer to its creation
}

func toTokenJSON(t auth.APIToken) tokenJSON {
	return tokenJSON{ID: t.ID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, LastUsedAt: timePtr(t.LastUsedAt), ExpiresAt: timePtr(t.ExpiresAt)}
}

func (a *API) listTokens(w http.ResponseWriter, r *http.Request) (int, any, error) {
	ts, err := a.Auth.Tokens(r.Context(), principal(r).User.ID)
	if err != nil {
		return 0, nil, err
	}
	out := list[tokenJSON]{Items: []tokenJSON{}, Total: len(ts)}
	for _, t := range ts {
		out.Items = append(out.Items, toTokenJSON(t))
	}
	return http.StatusOK, out, nil
}

func (a *API) createToken(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[struct {
		Name          string `json:"name"`
		ExpiresInDays int    `json:"expires_in_days"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	if b.ExpiresInDays < 0 || b.ExpiresInDays > 3650 {
		return 0, nil, errs.Field("expires_in_days", "expires_in_days must be 0 (never) to 3650.")
	}
	t, secret, err := a.Auth.CreateToken(r.Context(), principal(r), b.Name, time.Duration(b.ExpiresInDays)*24*time.Hour)
	if err != nil {
		return 0, nil, err
	}
	out := toTokenJSON(*t)
	out.Token = secret
	return http.StatusCreated, out, nil
}

func (a *API) revokeToken(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	if err := a.Auth.RevokeToken(r.Context(), principal(r), id); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}

type auditJSON struct {
	ID         int64     `json:"id"`
	At         time.Time `json:"at"`
	ActorID    int64     `json:"actor_id,omitempty"`
	ActorName  string    `json:"actor_name"`
	Action     string    `json:"action"`
	TargetType string    `json:"target_type"`
	TargetID   string    `json:"target_id"`
	Detail     string    `json:"detail"`
	IP         string    `json:"ip"`
}

func (a *API) listAudit(w http.ResponseWriter, r *http.Request) (int, any, error) {
	limit, err := queryInt(r, "limit")
	if err != nil {
		return 0, nil, err
	}
	var before, actor int64
	for name, dst := range map[string]*int64{"before": &before, "actor_id": &actor} {
		if s := r.URL.Query().Get(name); s != "" {
			if *dst, err = strconv.ParseInt(s, 10, 64); err != nil {
				return 0, nil, errs.E(errs.Invalid, "Query parameter %s must be a whole number.", name)
			}
		}
	}
	entries, err := a.Auth.ListAudit(r.Context(), auth.AuditFilter{ActorID: actor, Action: r.URL.Query().Get("action"), Before: before, Limit: limit})
	if err != nil {
		return 0, nil, err
	}
	out := list[auditJSON]{Items: []auditJSON{}, Total: len(entries)}
	for _, e := range entries {
		out.Items = append(out.Items, auditJSON(e))
	}
	return http.StatusOK, out, nil
}
