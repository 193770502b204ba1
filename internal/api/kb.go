package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/kb"
)

// Knowledge: articles, categories, call scripts and announcements. The kb service checks
// each caller's permissions again, beyond the route's.

type articleJSON struct {
	ID           int64     `json:"id"`
	Title        string    `json:"title"`
	Body         string    `json:"body"`
	BodyHTML     string    `json:"body_html"`
	CategoryID   int64     `json:"category_id,omitempty"`
	CategoryName string    `json:"category_name,omitempty"`
	Tags         []string  `json:"tags"`
	Status       kb.Status `json:"status"`
	Version      int       `json:"version"`
	AuthorID     int64     `json:"author_id"`
	AuthorName   string    `json:"author_name"`
	UpdatedBy    int64     `json:"updated_by"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Score        int       `json:"score,omitempty"`
}

func toArticleJSON(a *kb.Article) articleJSON {
	tags := a.Tags
	if tags == nil {
		tags = []string{}
	}
	return articleJSON{ID: a.ID, Title: a.Title, Body: a.Body, BodyHTML: kb.RenderMarkdown(a.Body), CategoryID: a.CategoryID,
		CategoryName: a.CategoryName, Tags: tags, Status: a.Status, Version: a.Version, AuthorID: a.AuthorID, AuthorName: a.AuthorName,
		UpdatedBy: a.UpdatedBy, CreatedAt: a.CreatedAt, UpdatedAt: a.UpdatedAt, Score: a.Score}
}

func (a *API) searchArticles(w http.ResponseWriter, r *http.Request) (int, any, error) {
	limit, offset, err := paging(r)
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	var cat int64
	if s := q.Get("category"); s != "" {
		if cat, err = strconv.ParseInt(s, 10, 64); err != nil || cat <= 0 {
			return 0, nil, errs.E(errs.Invalid, "Query parameter category must be a category id.")
		}
	}
	res, err := a.KB.Search(r.Context(), principal(r).User, kb.Filter{Query: q.Get("q"), CategoryID: cat, Tag: q.Get("tag"),
		Status: q.Get("status"), Limit: limit, Offset: offset})
	if err != nil {
		return 0, nil, err
	}
	out := list[articleJSON]{Items: []articleJSON{}, Total: res.Total}
	for _, art := range res.Articles {
		out.Items = append(out.Items, toArticleJSON(art))
	}
	return http.StatusOK, out, nil
}

func (a *API) getArticle(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	art, err := a.KB.Article(r.Context(), principal(r).User, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toArticleJSON(art), nil
}

type articleBody struct {
	Title       string    `json:"title"`
	Body        string    `json:"body"`
	CategoryID  int64     `json:"category_id"`
	Tags        []string  `json:"tags"`
	Status      kb.Status `json:"status"`
	BaseVersion int       `json:"base_version"`
	Note        string    `json:"note"`
}

func (b articleBody) input() kb.ArticleInput {
	return kb.ArticleInput{Title: b.Title, Body: b.Body, CategoryID: b.CategoryID, Tags: b.Tags, Status: b.Status, BaseVersion: b.BaseVersion, Note: b.Note}
}

func (a *API) createArticle(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[articleBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	art, err := a.KB.CreateArticle(r.Context(), principal(r).User, b.input())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toArticleJSON(art), nil
}

func (a *API) updateArticle(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[articleBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	art, err := a.KB.UpdateArticle(r.Context(), principal(r).User, id, b.input())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toArticleJSON(art), nil
}

type versionJSON struct {
	Version     int       `json:"version"`
	Title       string    `json:"title"`
	Body        string    `json:"body"`
	CategoryID  int64     `json:"category_id,omitempty"`
	Tags        []string  `json:"tags"`
	Status      kb.Status `json:"status"`
	Note        string    `json:"note"`
	SavedBy     int64     `json:"saved_by"`
	SavedByName string    `json:"saved_by_name"`
	SavedAt     time.Time `json:"saved_at"`
}

func (a *API) articleVersions(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	vs, err := a.KB.Versions(r.Context(), principal(r).User, id)
	if err != nil {
		return 0, nil, err
	}
	out := list[versionJSON]{Items: []versionJSON{}, Total: len(vs)}
	for _, v := range vs {
		tags := v.Tags
		if tags == nil {
			tags = []string{}
		}
		out.Items = append(out.Items, versionJSON{v.Version, v.Title, v.Body, v.CategoryID, tags, v.Status, v.Note, v.SavedBy, v.SavedByName, v.SavedAt})
	}
	return http.StatusOK, out, nil
}

type categoryJSON struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	ParentID int64  `json:"parent_id,omitempty"`
	Position int    `json:"position"`
	Articles int    `json:"articles"`
}

func (a *API) listCategories(w http.ResponseWriter, r *http.Request) (int, any, error) {
	cats, err := a.KB.Categories(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := list[categoryJSON]{Items: []categoryJSON{}, Total: len(cats)}
	for _, c := range cats {
		out.Items = append(out.Items, categoryJSON{c.ID, c.Name, c.ParentID, c.Position, c.Articles})
	}
	return http.StatusOK, out, nil
}

func (a *API) createCategory(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[struct {
		Name     string `json:"name"`
		ParentID int64  `json:"parent_id"`
		Position int    `json:"position"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	c, err := a.KB.CreateCategory(r.Context(), principal(r).User, kb.CategoryInput{Name: b.Name, ParentID: b.ParentID, Position: b.Position})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, categoryJSON{c.ID, c.Name, c.ParentID, c.Position, 0}, nil
}

type scriptStepJSON struct {
	Step    string `json:"step"`
	Body    string `json:"body"`
	General bool   `json:"general"`
}

type scriptJSON struct {
	Type      string           `json:"type"`
	Steps     []scriptStepJSON `json:"steps"`
	Suggested []articleRefJSON `json:"suggested"`
}

type articleRefJSON struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
}

func (a *API) getScript(w http.ResponseWriter, r *http.Request) (int, any, error) {
	typ, topic := r.URL.Query().Get("type"), r.URL.Query().Get("topic")
	u := principal(r).User
	steps, err := a.KB.Script(r.Context(), u, typ)
	if err != nil {
		return 0, nil, err
	}
	out := scriptJSON{Type: typ, Steps: []scriptStepJSON{}, Suggested: []articleRefJSON{}}
	for _, s := range steps {
		out.Steps = append(out.Steps, scriptStepJSON{s.Step, s.Body, s.General})
	}
	if typ != "" || topic != "" {
		sug, err := a.KB.Suggest(r.Context(), topic, typ, 5)
		if err != nil {
			return 0, nil, err
		}
		for _, art := range sug {
			out.Suggested = append(out.Suggested, articleRefJSON{art.ID, art.Title})
		}
	}
	return http.StatusOK, out, nil
}

type announcementJSON struct {
	ID            int64        `json:"id"`
	Kind          kb.Kind      `json:"kind"`
	Source        string       `json:"source"`
	Title         string       `json:"title"`
	Body          string       `json:"body"`
	EffectiveFrom time.Time    `json:"effective_from"`
	EffectiveTo   *time.Time   `json:"effective_to"`
	Status        kb.AnnStatus `json:"status"`
	AuthorID      int64        `json:"author_id"`
	AuthorName    string       `json:"author_name"`
	CreatedAt     time.Time    `json:"created_at"`
	DecidedBy     int64        `json:"decided_by,omitempty"`
	DecidedAt     *time.Time   `json:"decided_at"`
	DecisionNote  string       `json:"decision_note,omitempty"`
	Unread        bool         `json:"unread"`
	ReadAt        *time.Time   `json:"read_at"`
}

func toAnnouncementJSON(a *kb.Announcement) announcementJSON {
	return announcementJSON{ID: a.ID, Kind: a.Kind, Source: a.Source, Title: a.Title, Body: a.Body, EffectiveFrom: a.EffectiveFrom,
		EffectiveTo: timePtr(a.EffectiveTo), Status: a.Status, AuthorID: a.AuthorID, AuthorName: a.AuthorName, CreatedAt: a.CreatedAt,
		DecidedBy: a.DecidedBy, DecidedAt: timePtr(a.DecidedAt), DecisionNote: a.DecisionNote, Unread: a.Unread(), ReadAt: timePtr(a.ReadAt)}
}

func (a *API) listAnnouncements(w http.ResponseWriter, r *http.Request) (int, any, error) {
	limit, offset, err := paging(r)
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	list0, err := a.KB.Announcements(r.Context(), principal(r).User, kb.AnnFilter{Status: kb.AnnStatus(q.Get("status")),
		Expired: q.Get("expired") == "true", Limit: limit, Offset: offset})
	if err != nil {
		return 0, nil, err
	}
	out := list[announcementJSON]{Items: []announcementJSON{}, Total: len(list0)}
	for _, an := range list0 {
		out.Items = append(out.Items, toAnnouncementJSON(an))
	}
	return http.StatusOK, out, nil
}

func (a *API) getAnnouncement(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	an, err := a.KB.Announcement(r.Context(), principal(r).User, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toAnnouncementJSON(an), nil
}

func (a *API) postAnnouncement(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[struct {
		Kind          kb.Kind    `json:"kind"`
		Source        string     `json:"source"`
		Title         string     `json:"title"`
		Body          string     `json:"body"`
		EffectiveFrom *time.Time `json:"effective_from"`
		EffectiveTo   *time.Time `json:"effective_to"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	in := kb.AnnouncementInput{Kind: b.Kind, Source: b.Source, Title: b.Title, Body: b.Body}
	if b.EffectiveFrom != nil {
		in.EffectiveFrom = *b.EffectiveFrom
	}
	if b.EffectiveTo != nil {
		in.EffectiveTo = *b.EffectiveTo
	}
	an, err := a.KB.PostAnnouncement(r.Context(), principal(r).User, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toAnnouncementJSON(an), nil
}

// announcementAction runs a change to one announcement and answers with it.
func (a *API) announcementAction(r *http.Request, do func(id int64) error) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	if err := do(id); err != nil {
		return 0, nil, err
	}
	an, err := a.KB.Announcement(r.Context(), principal(r).User, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toAnnouncementJSON(an), nil
}

func (a *API) approveAnnouncement(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return a.announcementAction(r, func(id int64) error { return a.KB.Approve(r.Context(), principal(r).User, id) })
}

func (a *API) rejectAnnouncement(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[struct {
		Note string `json:"note"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	return a.announcementAction(r, func(id int64) error { return a.KB.Reject(r.Context(), principal(r).User, id, b.Note) })
}

func (a *API) ackAnnouncement(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return a.announcementAction(r, func(id int64) error { return a.KB.Acknowledge(r.Context(), principal(r).User, id) })
}

type receiptJSON struct {
	UserID   int64      `json:"user_id"`
	Username string     `json:"username"`
	Name     string     `json:"name"`
	ReadAt   *time.Time `json:"read_at"`
}

func (a *API) announcementReads(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	read, unread, err := a.KB.Reads(r.Context(), principal(r).User, id)
	if err != nil {
		return 0, nil, err
	}
	conv := func(rs []kb.Receipt) []receiptJSON {
		out := []receiptJSON{}
		for _, rc := range rs {
			out = append(out, receiptJSON{rc.UserID, rc.Username, rc.Name, timePtr(rc.ReadAt)})
		}
		return out
	}
	return http.StatusOK, struct {
		Read   []receiptJSON `json:"read"`
		Unread []receiptJSON `json:"unread"`
	}{conv(read), conv(unread)}, nil
}
