package web

import (
	"net/http"
	"strings"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/httpx"
)

type loginData struct {
	Username string
	Next     string
	Error    string
	Notice   string
}

// safeNext keeps redirects after sign-in on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

func (c *Console) loginPage(w http.ResponseWriter, r *http.Request) {
	if auth.FromContext(r.Context()) != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	d := loginData{Next: safeNext(r.URL.Query().Get("next"))}
	p := c.page(r, "login.title", &d)
	if r.URL.Query().Get("reason") == "ended" {
		d.Notice = p.T("login.ended")
	}
	p.CSRF = auth.LoginCSRF(w, r, c.secure(r))
	c.render(w, r, http.StatusOK, "login", p)
}

func (c *Console) login(w http.ResponseWriter, r *http.Request) {
	d := loginData{Username: r.PostFormValue("username"), Next: safeNext(r.PostFormValue("next"))}
	token, p, err := c.Auth.Login(r.Context(), d.Username, r.PostFormValue("password"), httpx.ClientIP(r), r.UserAgent())
	if err != nil {
		httpx.LogIfInternal(c.Log, r, err)
		p := c.page(r, "login.title", &d)
		d.Error = message(p.L, err)
		p.CSRF = auth.LoginCSRF(w, r, c.secure(r))
		c.render(w, r, httpx.Status(httpx.Public(err).Code), "login", p)
		return
	}
	auth.SetSessionCookie(w, token, c.secure(r))
	if p.User.Language != "" {
		// On a shared seat the previous person's language switch must not outlast them:
		// a user's own setting applies from sign-in on.
		http.SetCookie(w, &http.Cookie{Name: LangCookie, Path: "/", MaxAge: -1})
	}
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

func (c *Console) logout(w http.ResponseWriter, r *http.Request) {
	if err := c.Auth.Logout(r.Context(), auth.FromContext(r.Context())); err != nil {
		c.Fail(w, r, err)
		return
	}
	auth.ClearSessionCookie(w, c.secure(r))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
