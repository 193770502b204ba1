package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/kb"
)

// The knowledge pages: search, articles with their versions, categories and call scripts.

func me(r *http.Request) *auth.User { return auth.FromContext(r.Context()).User }

// kbHit is one search result with its highlighted title and snippet.
type kbHit struct {
	*kb.Article
	TitleMarks   []kb.Segment
	SnippetMarks []kb.Segment
}

type kbSearchData struct {
	Query      string
	CategoryID int64
	Status     string
	Statuses   []kb.Status
	Categories []kb.Category
	Hits       []kbHit
	Total      int
	Offset     int
	Next, Prev string // links to the next and previous pages, when there are any
}

const kbPageSize = 20

func (c *Console) kbSearch(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &kbSearchData{Query: q.Get("q"), Status: q.Get("status"), Statuses: kb.Statuses}
	d.CategoryID, _ = strconv.ParseInt(q.Get("category"), 10, 64)
	d.Offset, _ = strconv.Atoi(q.Get("offset"))
	d.Offset = max(d.Offset, 0)
	var err error
	if d.Categories, err = c.KB.Categories(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	res, err := c.KB.Search(r.Context(), me(r), kb.Filter{Query: d.Query, CategoryID: d.CategoryID, Status: d.Status, Limit: kbPageSize, Offset: d.Offset})
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	d.Total = res.Total
	for _, a := range res.Articles {
		d.Hits = append(d.Hits, kbHit{a, kb.Highlight(a.Title, res.Terms), kb.Highlight(kb.Snippet(a.Body, res.Terms, 120), res.Terms)})
	}
	page := func(offset int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("offset", strconv.Itoa(offset))
		return "/kb?" + v.Encode()
	}
	if d.Offset+len(res.Articles) < res.Total {
		d.Next = page(d.Offset + kbPageSize)
	}
	if d.Offset > 0 {
		d.Prev = page(max(0, d.Offset-kbPageSize))
	}
	block := "layout"
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "kb-results" {
		block = "results" // live search replaces only the results
	}
	c.renderBlock(w, r, http.StatusOK, "kb", block, c.page(r, "kb.title", d))
}

type kbArticleData struct {
	Article *kb.Article
	HTML    template.HTML
}

func (c *Console) kbArticle(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	a, err := c.KB.Article(r.Context(), me(r), id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	p := c.page(r, "kb.title", &kbArticleData{Article: a, HTML: template.HTML(kb.RenderMarkdown(a.Body))})
	p.Title = a.Title
	c.render(w, r, http.StatusOK, "kb_article", p)
}

type kbFormData struct {
	ID         int64 // 0 for a new article
	In         kb.ArticleInput
	TagText    string
	Categories []kb.Category
	Statuses   []kb.Status
	Error      string
	Errors     map[string]string
}

func (c *Console) kbForm(w http.ResponseWriter, r *http.Request, status int, d *kbFormData) {
	var err error
	if d.Categories, err = c.KB.Categories(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	d.Statuses = kb.Statuses
	if d.TagText == "" {
		d.TagText = strings.Join(d.In.Tags, ", ")
	}
	title := "kb.edit"
	if d.ID == 0 {
		title = "kb.new"
	}
	c.render(w, r, status, "kb_form", c.page(r, title, d))
}

func (c *Console) kbNew(w http.ResponseWriter, r *http.Request) {
	cat, _ := strconv.ParseInt(r.URL.Query().Get("category"), 10, 64)
	c.kbForm(w, r, http.StatusOK, &kbFormData{In: kb.ArticleInput{Status: kb.Draft, CategoryID: cat}})
}

func (c *Console) kbEdit(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	a, err := c.KB.Article(r.Context(), me(r), id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.kbForm(w, r, http.StatusOK, &kbFormData{ID: id, In: kb.ArticleInput{Title: a.Title, Body: a.Body, CategoryID: a.CategoryID,
		Tags: a.Tags, Status: a.Status, BaseVersion: a.Version}})
}

// articleInput reads the article form. Unparseable numbers become values that the
// service rejects with a clear message.
func articleInput(r *http.Request) kb.ArticleInput {
	cat, err := strconv.ParseInt(r.PostFormValue("category_id"), 10, 64)
	if err != nil && r.PostFormValue("category_id") != "" {
		cat = -1
	}
	base, _ := strconv.Atoi(r.PostFormValue("base_version"))
	return kb.ArticleInput{Title: r.PostFormValue("title"), Body: r.PostFormValue("body"), CategoryID: cat,
		Tags: kb.ParseTags(r.PostFormValue("tags")), Status: kb.Status(r.PostFormValue("status")), BaseVersion: base, Note: r.PostFormValue("note")}
}

// formError reports whether err is one to show on the form (bad input, a conflict) rather
// than on an error page, with its message and per-field messages.
func (c *Console) formError(r *http.Request, err error) (show bool, msg string, fields map[string]string) {
	switch errs.CodeOf(err) {
	case errs.Invalid, errs.Conflict:
		l := c.Catalog.Locale(Language(r))
		return true, message(l, err), fieldErrors(l, err)
	}
	return false, "", nil
}

func (c *Console) kbSave(w http.ResponseWriter, r *http.Request, id int64) {
	in := articleInput(r)
	var a *kb.Article
	var err error
	if id == 0 {
		a, err = c.KB.CreateArticle(r.Context(), me(r), in)
	} else {
		a, err = c.KB.UpdateArticle(r.Context(), me(r), id, in)
	}
	if show, msg, fields := c.formError(r, err); show {
		c.kbForm(w, r, httpx.Status(errs.CodeOf(err)), &kbFormData{ID: id, In: in, TagText: r.PostFormValue("tags"), Error: msg, Errors: fields})
		return
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/kb/articles/"+strconv.FormatInt(a.ID, 10)+"?ok=kb_saved", http.StatusSeeOther)
}

func (c *Console) kbCreate(w http.ResponseWriter, r *http.Request) { c.kbSave(w, r, 0) }

func (c *Console) kbUpdate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.kbSave(w, r, id)
}

type kbVersionsData struct {
	Article  *kb.Article
	Versions []*kb.Version
	Shown    *kb.Version // the version chosen with ?v=
	HTML     template.HTML
	Diff     []kb.DiffLine // what Shown changed from the version before it
}

func (c *Console) kbVersions(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	d := &kbVersionsData{}
	if d.Article, err = c.KB.Article(r.Context(), me(r), id); err != nil {
		c.Fail(w, r, err)
		return
	}
	if d.Versions, err = c.KB.Versions(r.Context(), me(r), id); err != nil {
		c.Fail(w, r, err)
		return
	}
	if s := r.URL.Query().Get("v"); s != "" {
		n, _ := strconv.Atoi(s)
		for i, v := range d.Versions {
			if v.Version == n {
				d.Shown = v
				prev := ""
				if i+1 < len(d.Versions) {
					prev = d.Versions[i+1].Body
				}
				d.Diff = kb.DiffLines(prev, v.Body)
			}
		}
		if d.Shown == nil {
			c.Fail(w, r, errs.E(errs.NotFound, "Version not found.").WithKey("not_found"))
			return
		}
		d.HTML = template.HTML(kb.RenderMarkdown(d.Shown.Body))
	}
	c.render(w, r, http.StatusOK, "kb_versions", c.page(r, "kb.versions", d))
}

func (c *Console) kbRestore(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	v, err := strconv.Atoi(r.PathValue("v"))
	if err != nil || v <= 0 {
		c.Fail(w, r, errs.E(errs.NotFound, "Version not found.").WithKey("not_found"))
		return
	}
	if _, err := c.KB.RestoreVersion(r.Context(), me(r), id, v); err != nil {
		c.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/kb/articles/"+strconv.FormatInt(id, 10)+"?ok=kb_restored", http.StatusSeeOther)
}

type kbCategoriesData struct {
	Categories []kb.Category
	Form       kb.CategoryInput
	EditID     int64 // the row whose form failed
	Error      string
}

func (c *Console) kbCategories(w http.ResponseWriter, r *http.Request) {
	c.kbCategoriesPage(w, r, http.StatusOK, &kbCategoriesData{})
}

func (c *Console) kbCategoriesPage(w http.ResponseWriter, r *http.Request, status int, d *kbCategoriesData) {
	var err error
	if d.Categories, err = c.KB.Categories(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, status, "kb_categories", c.page(r, "kb.categories", d))
}

func categoryInput(r *http.Request) kb.CategoryInput {
	parent, err := strconv.ParseInt(r.PostFormValue("parent_id"), 10, 64)
	if err != nil && r.PostFormValue("parent_id") != "" {
		parent = -1
	}
	pos, err := strconv.Atoi(r.PostFormValue("position"))
	if err != nil && r.PostFormValue("position") != "" {
		pos = -1
	}
	return kb.CategoryInput{Name: r.PostFormValue("name"), ParentID: parent, Position: pos}
}

// kbCategoryDone redirects after a category change, or shows the page with the error.
func (c *Console) kbCategoryDone(w http.ResponseWriter, r *http.Request, err error, editID int64, in kb.CategoryInput, flash string) {
	if show, msg, _ := c.formError(r, err); show {
		c.kbCategoriesPage(w, r, httpx.Status(errs.CodeOf(err)), &kbCategoriesData{Form: in, EditID: editID, Error: msg})
		return
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/kb/categories?ok="+flash, http.StatusSeeOther)
}

func (c *Console) kbCreateCategory(w http.ResponseWriter, r *http.Request) {
	in := categoryInput(r)
	_, err := c.KB.CreateCategory(r.Context(), me(r), in)
	c.kbCategoryDone(w, r, err, 0, in, "kb_category_saved")
}

func (c *Console) kbUpdateCategory(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	in := categoryInput(r)
	c.kbCategoryDone(w, r, c.KB.UpdateCategory(r.Context(), me(r), id, in), id, in, "kb_category_saved")
}

func (c *Console) kbDeleteCategory(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.kbCategoryDone(w, r, c.KB.DeleteCategory(r.Context(), me(r), id), id, kb.CategoryInput{}, "kb_category_deleted")
}

type kbScriptsData struct {
	Type      string // "" is the general script
	Topic     string
	Types     []string
	TypeNames map[string]string // code -> name in the reader's language (the code when unknown)
	Steps     []kb.ScriptStep
	Suggested []*kb.Article
	Error     string
	ErrorStep string
}

// kbScripts serves the scripts of a ticket type: to htmx requests (another page's side
// panel, id="script-panel") the steps and suggested articles alone; to browsers the page
// that browses and edits every type's script.
func (c *Console) kbScripts(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	c.kbScriptsPage(w, r, http.StatusOK, &kbScriptsData{Type: strings.TrimSpace(q.Get("type")), Topic: q.Get("topic")})
}

func (c *Console) kbScriptsPage(w http.ResponseWriter, r *http.Request, status int, d *kbScriptsData) {
	var err error
	if d.Steps, err = c.KB.Script(r.Context(), me(r), d.Type); err != nil {
		c.Fail(w, r, err)
		return
	}
	if d.Type != "" || d.Topic != "" {
		if d.Suggested, err = c.KB.Suggest(r.Context(), d.Topic, d.Type, 5); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	if d.Types, err = c.KB.ScriptTypes(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	l := c.Catalog.Locale(Language(r))
	d.TypeNames = map[string]string{}
	for _, t := range append(d.Types, d.Type) {
		d.TypeNames[t] = t
		if l.Has("kb.type." + t) {
			d.TypeNames[t] = l.T("kb.type." + t)
		}
	}
	if r.Header.Get("HX-Request") == "true" {
		c.renderBlock(w, r, status, "kb_scripts", "panel", c.page(r, "kb.scripts", d))
		return
	}
	c.render(w, r, status, "kb_scripts", c.page(r, "kb.scripts", d))
}

func (c *Console) kbSaveScript(w http.ResponseWriter, r *http.Request) {
	typ, step := strings.TrimSpace(r.PostFormValue("type")), r.PostFormValue("step")
	err := c.KB.SaveScript(r.Context(), me(r), typ, step, r.PostFormValue("body"))
	if show, msg, _ := c.formError(r, err); show {
		if !kb.ValidTicketType(typ) {
			typ = "" // show the general script with the message
		}
		c.kbScriptsPage(w, r, httpx.Status(errs.CodeOf(err)), &kbScriptsData{Type: typ, Error: msg, ErrorStep: step})
		return
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/kb/scripts?"+url.Values{"type": {typ}, "ok": {"kb_script_saved"}}.Encode()+"#step-"+step, http.StatusSeeOther)
}
