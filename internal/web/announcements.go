package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/kb"
)

// Announcements: agents read and acknowledge them; writers and supervisors post them; a
// curator approves or rejects them and sees who has read each.

// annItem is an announcement with the days it applies, as the center's calendar says.
type annItem struct {
	*kb.Announcement
	From, To string // To is the last day it applies; "" when open-ended
}

func (c *Console) annItem(a *kb.Announcement) annItem {
	it := annItem{Announcement: a, From: a.EffectiveFrom.In(c.Location).Format(time.DateOnly)}
	if !a.EffectiveTo.IsZero() {
		// EffectiveTo is the first moment it no longer applies.
		it.To = a.EffectiveTo.Add(-time.Second).In(c.Location).Format(time.DateOnly)
	}
	return it
}

type announcementsData struct {
	Status   string // published, pending or rejected
	Expired  bool
	Items    []annItem
	Unread   int
	Statuses []kb.AnnStatus
}

func (c *Console) announcements(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &announcementsData{Status: q.Get("status"), Expired: q.Get("expired") == "1"}
	if u := me(r); kb.CanPost(u) || u.Can(auth.PermKBCurate) {
		d.Statuses = []kb.AnnStatus{kb.AnnPublished, kb.Pending, kb.Rejected}
	}
	if d.Status == "" {
		d.Status = string(kb.AnnPublished)
	}
	list, err := c.KB.Announcements(r.Context(), me(r), kb.AnnFilter{Status: kb.AnnStatus(d.Status), Expired: d.Expired, Limit: 200})
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	for _, a := range list {
		d.Items = append(d.Items, c.annItem(a))
		if a.Unread() {
			d.Unread++
		}
	}
	c.render(w, r, http.StatusOK, "announcements", c.page(r, "ann.title", d))
}

// annForm is what the announcement form shows: dates as the date inputs want them.
type annForm struct {
	Kind, Source, Title, Body, From, To string
}

type announcementFormData struct {
	Form   annForm
	Kinds  []kb.Kind
	Error  string
	Errors map[string]string
}

func (c *Console) newAnnouncement(w http.ResponseWriter, r *http.Request) {
	if !kb.CanPost(me(r)) {
		c.Fail(w, r, errs.E(errs.Forbidden, "You do not have permission to do this.").WithKey("forbidden"))
		return
	}
	f := annForm{Kind: string(kb.KindProduct), From: time.Now().In(c.Location).Format(time.DateOnly)}
	c.render(w, r, http.StatusOK, "announcement_form", c.page(r, "ann.new", &announcementFormData{Form: f, Kinds: kb.Kinds}))
}

// parseDay reads a date input as the start of that day in the center's time zone; ok is
// false when s is not a date.
func (c *Console) parseDay(s string) (t time.Time, ok bool) {
	if s == "" {
		return time.Time{}, true
	}
	t, err := time.ParseInLocation(time.DateOnly, s, c.Location)
	return t, err == nil
}

func (c *Console) postAnnouncement(w http.ResponseWriter, r *http.Request) {
	f := annForm{Kind: r.PostFormValue("kind"), Source: r.PostFormValue("source"), Title: r.PostFormValue("title"), Body: r.PostFormValue("body"),
		From: strings.TrimSpace(r.PostFormValue("effective_from")), To: strings.TrimSpace(r.PostFormValue("effective_to"))}
	in := kb.AnnouncementInput{Kind: kb.Kind(f.Kind), Source: f.Source, Title: f.Title, Body: f.Body}
	from, ok1 := c.parseDay(f.From)
	to, ok2 := c.parseDay(f.To)
	var err error
	if !ok1 || !ok2 {
		err = errs.Field("effective_to", "Dates must be written as 2026-03-01.").WithKey("ann_date_format")
	} else {
		in.EffectiveFrom = from
		if !to.IsZero() {
			in.EffectiveTo = to.AddDate(0, 0, 1) // the end date is the last day it applies
		}
		var a *kb.Announcement
		if a, err = c.KB.PostAnnouncement(r.Context(), me(r), in); err == nil {
			http.Redirect(w, r, "/announcements/"+strconv.FormatInt(a.ID, 10)+"?ok=ann_posted", http.StatusSeeOther)
			return
		}
	}
	if show, msg, fields := c.formError(r, err); show {
		c.render(w, r, httpx.Status(errs.CodeOf(err)), "announcement_form", c.page(r, "ann.new", &announcementFormData{Form: f, Kinds: kb.Kinds, Error: msg, Errors: fields}))
		return
	}
	c.Fail(w, r, err)
}

type announcementData struct {
	A        annItem
	HTML     template.HTML
	Curator  bool
	Read     []kb.Receipt
	Unread   []kb.Receipt
	Error    string
	NoteText string
}

func (c *Console) announcement(w http.ResponseWriter, r *http.Request) {
	c.announcementPage(w, r, http.StatusOK, "", "")
}

func (c *Console) announcementPage(w http.ResponseWriter, r *http.Request, status int, errMsg, note string) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	u := me(r)
	d := &announcementData{Curator: u.Can(auth.PermKBCurate), Error: errMsg, NoteText: note}
	a, err := c.KB.Announcement(r.Context(), u, id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	d.A, d.HTML = c.annItem(a), template.HTML(kb.RenderMarkdown(a.Body))
	if d.Curator && d.A.Status == kb.AnnPublished {
		if d.Read, d.Unread, err = c.KB.Reads(r.Context(), u, id); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	p := c.page(r, "ann.title", d)
	p.Title = d.A.Title
	c.render(w, r, status, "announcement", p)
}

// annAction runs a change to one announcement and redirects, or shows the announcement
// with the error.
func (c *Console) annAction(w http.ResponseWriter, r *http.Request, flash string, do func(id int64) error) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	err = do(id)
	if show, msg, _ := c.formError(r, err); show {
		c.announcementPage(w, r, httpx.Status(errs.CodeOf(err)), msg, r.PostFormValue("note"))
		return
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	target := "/announcements/" + strconv.FormatInt(id, 10)
	if r.PostFormValue("back") == "list" {
		target = "/announcements"
	}
	http.Redirect(w, r, target+"?ok="+flash, http.StatusSeeOther)
}

func (c *Console) ackAnnouncement(w http.ResponseWriter, r *http.Request) {
	c.annAction(w, r, "ann_ack", func(id int64) error { return c.KB.Acknowledge(r.Context(), me(r), id) })
}

func (c *Console) approveAnnouncement(w http.ResponseWriter, r *http.Request) {
	c.annAction(w, r, "ann_approved", func(id int64) error { return c.KB.Approve(r.Context(), me(r), id) })
}

func (c *Console) rejectAnnouncement(w http.ResponseWriter, r *http.Request) {
	c.annAction(w, r, "ann_rejected", func(id int64) error { return c.KB.Reject(r.Context(), me(r), id, r.PostFormValue("note")) })
}
