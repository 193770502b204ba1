package api

import (
	"net/http"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/httpx"
)

type userJSON struct {
	ID          int64      `json:"id"`
	Username    string     `json:"username"`
	DisplayName string     `json:"display_name"`
	Email       string     `json:"email"`
	Role        auth.Role  `json:"role"`
	Tier        int        `json:"tier"`
	PartnerID   int64      `json:"partner_id,omitempty"`
	Language    string     `json:"language"`
	Disabled    bool       `json:"disabled"`
	LastLoginAt *time.Time `json:"last_login_at"`
	CreatedAt   time.Time  `json:"created_at"`
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func toUserJSON(u *auth.User) userJSON {
	return userJSON{ID: u.ID, Username: u.Username, DisplayName: u.DisplayName, Email: u.Email, Role: u.Role, Tier: u.Tier,
		PartnerID: u.PartnerID, Language: u.Language, Disabled: u.Disabled, LastLoginAt: timePtr(u.LastLoginAt), CreatedAt: u.CreatedAt}
}

type meJSON struct {
	userJSON
	Permissions []auth.Permission `json:"permissions"`
}

func (a *API) me(w http.ResponseWriter, r *http.Request) (int, any, error) {
	u := principal(r).User
	return http.StatusOK, meJSON{toUserJSON(u), auth.PermissionsOf(u.Role, u.Tier)}, nil
}

type roleJSON struct {
	Role        auth.Role         `json:"role"`
	Tier        int               `json:"tier"`
	Permissions []auth.Permission `json:"permissions"`
}

func (a *API) roles(w http.ResponseWriter, r *http.Request) (int, any, error) {
	var out []roleJSON
	for _, l := range auth.Levels() {
		out = append(out, roleJSON{l.Role, l.Tier, auth.PermissionsOf(l.Role, l.Tier)})
	}
	return http.StatusOK, list[roleJSON]{Items: out, Total: len(out)}, nil
}

func (a *API) listUsers(w http.ResponseWriter, r *http.Request) (int, any, error) {
	limit, offset, err := paging(r)
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	users, total, err := a.Auth.ListUsers(r.Context(), auth.UserFilter{Query: q.Get("q"), Role: auth.Role(q.Get("role")), Limit: limit, Offset: offset})
	if err != nil {
		return 0, nil, err
	}
	out := list[userJSON]{Items: []userJSON{}, Total: total}
	for _, u := range users {
		out.Items = append(out.Items, toUserJSON(u))
	}
	return http.StatusOK, out, nil
}

// userBody is the JSON of a user to create or change; absent fields are unchanged.
type userBody struct {
	Username    string     `json:"username"`
	DisplayName *string    `json:"display_name"`
	Email       *string    `json:"email"`
	Role        *auth.Role `json:"role"`
	Tier        *int       `json:"tier"`
	PartnerID   *int64     `json:"partner_id"`
	Language    *string    `json:"language"`
	Disabled    *bool      `json:"disabled"`
	Password    string     `json:"password"`
}

func (b userBody) input() auth.UserInput {
	return auth.UserInput{Username: b.Username, DisplayName: b.DisplayName, Email: b.Email, Role: b.Role, Tier: b.Tier,
		PartnerID: b.PartnerID, Language: b.Language, Disabled: b.Disabled, Password: b.Password}
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[userBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	u, err := a.Auth.CreateUser(r.Context(), principal(r).Actor(), b.input())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toUserJSON(u), nil
}

func (a *API) getUser(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	u, err := a.Auth.User(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toUserJSON(u), nil
}

func (a *API) updateUser(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[userBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	u, err := a.Auth.UpdateUser(r.Context(), principal(r).Actor(), id, b.input())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toUserJSON(u), nil
}

func (a *API) setPassword(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[struct {
		Password string `json:"password"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	if err := a.Auth.SetPassword(r.Context(), principal(r).Actor(), id, b.Password, ""); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
