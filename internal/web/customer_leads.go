package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
)

// Leads are served twice: /leads for the center's staff, /partner/leads for partner
// users. The store limits partners to their own partner's leads whatever the route.
type leadsData struct {
	Leads     []*crm.Lead
	Statuses  []string
	Status    string
	Partner   int64
	Partners  []auth.Partner
	Base      string // /leads or /partner/leads
	IsPartner bool
}

func leadsBase(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/partner/") {
		return "/partner/leads"
	}
	return "/leads"
}

func (c *Console) leads(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	d := &leadsData{Statuses: crm.LeadStatuses, Status: r.URL.Query().Get("status"), Base: leadsBase(r), IsPartner: u.Can(auth.PermPartnerOrders)}
	d.Partner, _ = strconv.ParseInt(r.URL.Query().Get("partner"), 10, 64)
	var err error
	if !d.IsPartner {
		if d.Partners, err = c.Auth.Partners(r.Context()); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	if d.Leads, err = c.Customers.Leads(r.Context(), u, crm.LeadFilter{Status: d.Status, PartnerID: d.Partner, Limit: 500}); err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "leads", c.page(r, "leads.title", d))
}

type leadFormData struct {
	Lead      *crm.Lead
	Statuses  []string
	Partners  []auth.Partner
	Base      string
	IsPartner bool
	Error     string
}

func (c *Console) lead(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	l, err := c.Customers.Lead(r.Context(), userOf(r), id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.leadForm(w, r, http.StatusOK, &leadFormData{Lead: l})
}

func (c *Console) leadForm(w http.ResponseWriter, r *http.Request, status int, d *leadFormData) {
	d.Statuses, d.Base, d.IsPartner = crm.LeadStatuses, leadsBase(r), userOf(r).Can(auth.PermPartnerOrders)
	if !d.IsPartner {
		var err error
		if d.Partners, err = c.Auth.Partners(r.Context()); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	c.render(w, r, status, "lead_form", c.page(r, "leads.edit", d))
}

func (c *Console) updateLead(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	u := userOf(r)
	f := func(name string) *string { v := r.PostFormValue(name); return &v }
	ch := crm.LeadChange{Status: f("status"), FollowUp: f("follow_up"), Note: f("note")}
	if !u.Can(auth.PermPartnerOrders) {
		ch.Product = f("product")
		partner, _ := strconv.ParseInt(r.PostFormValue("partner_id"), 10, 64)
		ch.PartnerID = &partner
	}
	if _, err := c.Customers.UpdateLead(r.Context(), u, id, ch); err != nil {
		if code := errs.CodeOf(err); code != errs.Invalid {
			c.Fail(w, r, err)
			return
		}
		l, lerr := c.Customers.Lead(r.Context(), u, id)
		if lerr != nil {
			c.Fail(w, r, lerr)
			return
		}
		l.Status, l.FollowUp, l.Note = *ch.Status, *ch.FollowUp, *ch.Note
		c.leadForm(w, r, httpx.Status(errs.Invalid), &leadFormData{Lead: l, Error: message(c.Catalog.Locale(Language(r)), err)})
		return
	}
	http.Redirect(w, r, leadsBase(r)+"?ok=lead_saved", http.StatusSeeOther)
}
