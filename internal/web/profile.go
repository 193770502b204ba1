package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
)

type profileData struct {
	Tokens      []auth.APIToken
	NewToken    string // shown once after creation
	Error       string
	Errors      map[string]string
	Permissions []auth.Permission
}

func (c *Console) profile(w http.ResponseWriter, r *http.Request) {
	c.profilePage(w, r, http.StatusOK, &profileData{})
}

func (c *Console) profilePage(w http.ResponseWriter, r *http.Request, status int, d *profileData) {
	p := auth.FromContext(r.Context())
	var err error
	if d.Tokens, err = c.Auth.Tokens(r.Context(), p.User.ID); err != nil {
		c.Fail(w, r, err)
		return
	}
	d.Permissions = auth.PermissionsOf(p.User.Role, p.User.Tier)
	c.render(w, r, status, "profile", c.page(r, "profile.title", d))
}

func (c *Console) profileFailure(w http.ResponseWriter, r *http.Request, err error) {
	if errs.CodeOf(err) == errs.Internal {
		c.Fail(w, r, err)
		return
	}
	l := c.Catalog.Locale(Language(r))
	c.profilePage(w, r, httpx.Status(errs.CodeOf(err)), &profileData{Error: message(l, err), Errors: fieldErrors(l, err)})
}

// saveProfile stores the user's language, and switches the console to it now.
func (c *Console) saveProfile(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	lang := r.PostFormValue("language")
	if _, err := c.Auth.UpdateUser(r.Context(), p.Actor(), p.User.ID, auth.UserInput{Language: &lang}); err != nil {
		c.profileFailure(w, r, err)
		return
	}
	target := "/profile?ok=profile_saved"
	if lang != "" {
		target += "&lang=" + lang
	} else {
		http.SetCookie(w, &http.Cookie{Name: LangCookie, Path: "/", MaxAge: -1})
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func (c *Console) changePassword(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	if r.PostFormValue("password") != r.PostFormValue("password_again") {
		c.profileFailure(w, r, errs.Field("password_again", "The two new passwords differ.").WithKey("password_again"))
		return
	}
	if err := c.Auth.ChangeOwnPassword(r.Context(), p, r.PostFormValue("current_password"), r.PostFormValue("password")); err != nil {
		c.profileFailure(w, r, err)
		return
	}
	http.Redirect(w, r, "/profile?ok=password_changed", http.StatusSeeOther)
}

func (c *Console) createToken(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	days, err := strconv.Atoi(r.PostFormValue("expires_in_days"))
	if err != nil || days < 0 || days > 3650 {
		c.profileFailure(w, r, errs.Field("expires_in_days", "Expiry must be 0 to 3650 days.").WithKey("token_days"))
		return
	}
	_, secret, err := c.Auth.CreateToken(r.Context(), p, r.PostFormValue("name"), time.Duration(days)*24*time.Hour)
	if err != nil {
		c.profileFailure(w, r, err)
		return
	}
	c.profilePage(w, r, http.StatusOK, &profileData{NewToken: secret})
}

func (c *Console) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = c.Auth.RevokeToken(r.Context(), auth.FromContext(r.Context()), id)
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/profile?ok=token_revoked", http.StatusSeeOther)
}
