package web

import (
	"net/http"
	"sync"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/survey"
)

// The public answer page of an invitation link: no sign-in and no cookies; the signed,
// expiring, single-use token in the path is the only credential, so the form needs no
// anti-forgery token (a forged post could only answer the survey the link belongs to).
// Requests are rate-limited per client address.

// limiter allows burst requests per address and refills one every per.
type limiter struct {
	mu    sync.Mutex
	burst int
	per   time.Duration
	seen  map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func (l *limiter) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.seen) > 10000 {
		l.seen = map[string]*bucket{} // forget everyone rather than grow without bound
	}
	b := l.seen[key]
	if b == nil {
		b = &bucket{tokens: float64(l.burst), at: now}
		l.seen[key] = b
	}
	b.tokens = min(float64(l.burst), b.tokens+now.Sub(b.at).Seconds()/l.per.Seconds())
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// PublicRoute is a route served without sign-in and without the console's form token.
type PublicRoute struct {
	Pattern string
	Handler http.HandlerFunc
}

// SurveyPublicRoutes are the questionnaire link's page and its form post.
func (c *Console) SurveyPublicRoutes() []PublicRoute {
	l := &limiter{burst: 20, per: 3 * time.Second, seen: map[string]*bucket{}}
	limit := func(h http.HandlerFunc) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if !l.allow(httpx.ClientIP(r), time.Now()) {
				c.renderPublicSurvey(w, r, http.StatusTooManyRequests, "zh", &publicSurveyData{
					Error: errs.E(errs.Invalid, "Too many requests. Please wait a minute and try again.").WithKey("survey_rate_limited")})
				return
			}
			h(w, r)
		}
	}
	return []PublicRoute{
		{"GET /s/{token}", limit(c.publicSurvey)},
		{"POST /s/{token}", limit(c.answerPublicSurvey)},
	}
}

type publicSurveyData struct {
	Token     string
	Title     string
	Questions []questionView
	Error     error
	Message   string // the error in the page's language
	Done      bool   // answered just now
	Refused   bool   // answered before, expired or not valid
}

func (c *Console) renderPublicSurvey(w http.ResponseWriter, r *http.Request, status int, lang string, d *publicSurveyData) {
	consoleLang := "zh-CN"
	if lang == "en" {
		consoleLang = "en"
	}
	p := &Page{L: c.Catalog.Locale(consoleLang), Path: r.URL.Path, Version: c.Version, Location: c.Location, Data: d}
	p.Title = p.T("survey.public_title")
	if d.Error != nil {
		d.Message = message(p.L, d.Error)
	}
	w.Header().Set("Referrer-Policy", "no-referrer") // the token must not leak to other sites
	c.render(w, r, status, "survey_public", p)
}

// refusal renders a link that cannot be answered (in the invitation's language when known).
func (c *Console) refusal(w http.ResponseWriter, r *http.Request, inv *survey.Invitation, err error) {
	lang := surveyLang(Language(r))
	if inv != nil {
		lang = inv.Language
	}
	e := httpx.Public(err)
	if e.Code == errs.Internal {
		c.Fail(w, r, err)
		return
	}
	c.renderPublicSurvey(w, r, httpx.Status(e.Code), lang, &publicSurveyData{Error: err, Refused: true})
}

func (c *Console) publicSurvey(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	inv, v, err := c.Surveys.ByToken(r.Context(), token)
	if err != nil {
		c.refusal(w, r, inv, err)
		return
	}
	c.renderPublicSurvey(w, r, http.StatusOK, inv.Language, &publicSurveyData{Token: token, Title: v.Name,
		Questions: questionViews(v.Questions, inv.Language, nil)})
}

func (c *Console) answerPublicSurvey(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	inv, v, err := c.Surveys.ByToken(r.Context(), token)
	if err != nil {
		c.refusal(w, r, inv, err)
		return
	}
	answers := formAnswers(r, len(v.Questions))
	if _, err := c.Surveys.Submit(r.Context(), token, answers); err != nil {
		if errs.CodeOf(err) == errs.Invalid {
			c.renderPublicSurvey(w, r, http.StatusUnprocessableEntity, inv.Language, &publicSurveyData{Token: token, Title: v.Name,
				Questions: questionViews(v.Questions, inv.Language, answers), Error: err})
			return
		}
		c.refusal(w, r, inv, err)
		return
	}
	c.renderPublicSurvey(w, r, http.StatusOK, inv.Language, &publicSurveyData{Title: v.Name, Done: true})
}
