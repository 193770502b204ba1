package auth

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"strings"

	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
)

// Cookie names.
const (
	SessionCookie = "hotline_session"
	// LoginCSRFCookie carries the double-submit token of forms shown before sign-in.
	LoginCSRFCookie = "hotline_csrf"
	// CSRFField is the form field, and CSRFHeader the header, that carry the token.
	CSRFField  = "csrf_token"
	CSRFHeader = "X-CSRF-Token"
)

// Access says who may use a route: anyone (Public), or a signed-in user with Perm.
type Access struct {
	Public bool
	Perm   Permission
}

// Anyone is the access of public routes (sign-in page, health checks).
var Anyone = Access{Public: true}

// Need is the access of routes that require perm.
func Need(perm Permission) Access { return Access{Perm: perm} }

type principalKey struct{}
type problemKey struct{}

// FromContext returns the signed-in caller, or nil.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// Authenticate resolves the caller of every request from an API token (Authorization:
// Bearer) or a session cookie. A bad credential leaves the request anonymous and notes
// why, so that Protect can say "your session has ended" rather than just "sign in".
func (s *Service) Authenticate(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ip := httpx.ClientIP(r)
		var p *Principal
		var err error
		if h := r.Header.Get("Authorization"); h != "" {
			token, ok := strings.CutPrefix(h, "Bearer ")
			if !ok {
				err = errs.E(errs.Unauthorized, "Authorization must be: Bearer <API token>.")
			} else {
				p, err = s.TokenPrincipal(r.Context(), strings.TrimSpace(token), ip)
			}
		} else if c, cerr := r.Cookie(SessionCookie); cerr == nil && c.Value != "" {
			p, err = s.Session(r.Context(), c.Value, ip)
		}
		ctx := r.Context()
		if err != nil {
			if errs.CodeOf(err) == errs.Internal {
				log.Error("authenticate", "err", err)
			}
			ctx = context.WithValue(ctx, problemKey{}, err)
		}
		if p != nil {
			ctx = WithPrincipal(ctx, p)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// Protect runs h only for callers that a allows, and checks the anti-forgery token of
// every state-changing request that a browser could send on its own. Failures go to
// fail, which renders them as HTML or JSON. This is the one place where permissions are
// checked for pages and API routes alike.
func (s *Service) Protect(a Access, h http.Handler, fail func(http.ResponseWriter, *http.Request, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := FromContext(r.Context())
		if !a.Public {
			if p == nil {
				err, _ := r.Context().Value(problemKey{}).(error)
				if err == nil {
					err = errs.E(errs.Unauthorized, "Please sign in.").WithKey("sign_in")
				}
				fail(w, r, err)
				return
			}
			if !p.Can(a.Perm) {
				s.Audit(r.Context(), p.Actor(), AuditPermissionDeny, "route", r.Method+" "+r.URL.Path, string(a.Perm))
				fail(w, r, errs.E(errs.Forbidden, "You do not have permission to do this.").WithKey("forbidden"))
				return
			}
		}
		if unsafeMethod(r.Method) && !checkCSRF(r, p) {
			fail(w, r, errs.E(errs.Forbidden, "The form has expired or its security token is missing. Reload the page and try again.").WithKey("csrf"))
			return
		}
		h.ServeHTTP(w, r)
	})
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// checkCSRF accepts API-token calls (browsers never attach those by themselves), session
// calls carrying the session's token, and anonymous form posts whose token matches the
// double-submit cookie.
func checkCSRF(r *http.Request, p *Principal) bool {
	if p != nil && !p.ViaSession() {
		return true
	}
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		got = r.PostFormValue(CSRFField)
	}
	want := ""
	if p != nil {
		want = p.CSRF
	} else if c, err := r.Cookie(LoginCSRFCookie); err == nil {
		want = c.Value
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// LoginCSRF returns the double-submit token for forms shown before sign-in, setting its
// cookie when the browser has none.
func LoginCSRF(w http.ResponseWriter, r *http.Request, secure bool) string {
	if c, err := r.Cookie(LoginCSRFCookie); err == nil && len(c.Value) >= 32 {
		return c.Value
	}
	token := randomToken(32)
	http.SetCookie(w, &http.Cookie{Name: LoginCSRFCookie, Value: token, Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode})
	return token
}

// SetSessionCookie gives the browser its session token. The cookie lives as long as the
// browser session; the server decides expiry.
func SetSessionCookie(w http.ResponseWriter, token string, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: token, Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}

// ClearSessionCookie removes the session cookie.
func ClearSessionCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
}
