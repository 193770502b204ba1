package web

import (
	"net/http"

	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/crm"
)

type homeData struct {
	Customers   int
	Users       int
	Queues      []acdstore.QueueSummary
	Permissions []auth.Permission
}

func (c *Console) home(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	d := &homeData{Permissions: auth.PermissionsOf(p.User.Role, p.User.Tier)}
	var err error
	if p.Can(auth.PermCustomersRead) {
		if d.Customers, err = c.Customers.Count(r.Context()); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	if p.Can(auth.PermUsersManage) {
		if d.Users, err = c.Auth.CountUsers(r.Context()); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	if p.Can(auth.PermWallboard) || p.Can(auth.PermCallsAnswer) {
		if d.Queues, err = c.Queues.Queues(r.Context()); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	c.render(w, r, http.StatusOK, "home", c.page(r, "home.title", d))
}

type customersData struct {
	Query     string
	Customers []*crm.Customer
	Total     int
}

func (c *Console) customers(w http.ResponseWriter, r *http.Request) {
	d := &customersData{Query: r.URL.Query().Get("q")}
	var err error
	if d.Customers, d.Total, err = c.Customers.Search(r.Context(), crm.Filter{Query: d.Query, Limit: 100}); err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "customers", c.page(r, "customers.title", d))
}

func (c *Console) queues(w http.ResponseWriter, r *http.Request) {
	qs, err := c.Queues.Queues(r.Context())
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "queues", c.page(r, "queues.title", qs))
}
