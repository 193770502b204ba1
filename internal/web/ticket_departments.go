package web

import (
	"net/http"
	"strconv"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/ticket"
)

type departmentsData struct {
	Lang        string
	Departments []*ticket.Department
	Form        *ticket.Department // the department being edited, or a new one
	Staff       []*auth.User
	Error       string
}

// departments lists the departments beside a form: a new department at
// /settings/departments, an existing one at /settings/departments/{id}.
func (c *Console) departments(w http.ResponseWriter, r *http.Request) {
	d := &ticket.Department{}
	if r.PathValue("id") != "" {
		id, err := pathID(r)
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		if d, err = c.Tickets.Department(r.Context(), id); err != nil {
			c.Fail(w, r, err)
			return
		}
	}
	c.departmentsPage(w, r, http.StatusOK, d, "")
}

func (c *Console) departmentsPage(w http.ResponseWriter, r *http.Request, status int, form *ticket.Department, msg string) {
	d := &departmentsData{Lang: Language(r), Form: form, Error: msg}
	var err error
	if d.Departments, err = c.Tickets.Departments(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	users, _, err := c.Auth.ListUsers(r.Context(), auth.UserFilter{Limit: 500})
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	for _, u := range users {
		if u.Role != auth.RolePartner {
			d.Staff = append(d.Staff, u)
		}
	}
	c.render(w, r, status, "departments", c.page(r, "departments.title", d))
}

func (c *Console) saveDepartment(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	d := &ticket.Department{Code: r.PostFormValue("code"), NameZH: r.PostFormValue("name_zh"), NameEN: r.PostFormValue("name_en")}
	if r.PathValue("id") != "" {
		id, err := pathID(r)
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		d.ID = id
	}
	for _, v := range r.PostForm["members"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			id = -1
		}
		d.Members = append(d.Members, ticket.Member{UserID: id})
	}
	isNew := d.ID == 0
	if err := c.Tickets.SaveDepartment(r.Context(), auth.FromContext(r.Context()), d); err != nil {
		if errs.CodeOf(err) != errs.Invalid {
			c.Fail(w, r, err)
			return
		}
		if isNew {
			d.ID = 0
		}
		c.departmentsPage(w, r, httpx.Status(errs.Invalid), d, message(c.Catalog.Locale(Language(r)), err))
		return
	}
	http.Redirect(w, r, "/settings/departments/"+strconv.FormatInt(d.ID, 10)+"?ok=department_saved", http.StatusSeeOther)
}
