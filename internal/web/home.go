package web

import (
	"net/http"

	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
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
