package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
)

type usersData struct {
	Query string
	Role  string
	Users []*auth.User
	Total int
	Roles []auth.Role
}

func (c *Console) users(w http.ResponseWriter, r *http.Request) {
	d := &usersData{Query: r.URL.Query().Get("q"), Role: r.URL.Query().Get("role"), Roles: auth.Roles}
	var err error
	d.Users, d.Total, err = c.Auth.ListUsers(r.Context(), auth.UserFilter{Query: d.Query, Role: auth.Role(d.Role)})
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	block := "layout"
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "user-rows" {
		block = "rows" // live search replaces only the table body
	}
	c.renderBlock(w, r, http.StatusOK, "users", block, c.page(r, "users.title", d))
}

type userFormData struct {
	User     *auth.User
	New      bool
	Password string // a newly generated password, shown once
	Errors   map[string]string
	Error    string
	Roles    []auth.Role
	Partners []auth.Partner
}

func (c *Console) userForm(w http.ResponseWriter, r *http.Request, status int, d *userFormData) {
	d.Roles = auth.Roles
	var err error
	if d.Partners, err = c.Auth.Partners(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	title := "users.edit"
	if d.New {
		title = "users.new"
	}
	c.render(w, r, status, "user_form", c.page(r, title, d))
}

func (c *Console) newUser(w http.ResponseWriter, r *http.Request) {
	c.userForm(w, r, http.StatusOK, &userFormData{New: true, User: &auth.User{Role: auth.RoleAgent, Tier: 1}})
}

// userInput reads the user form. Unparseable numbers become values that validation
// rejects with a clear message.
func userInput(r *http.Request) auth.UserInput {
	role := auth.Role(r.PostFormValue("role"))
	tier, err := strconv.Atoi(r.PostFormValue("tier"))
	if role != auth.RoleAgent {
		tier = 0
	} else if err != nil {
		tier = -1
	}
	// An unparseable partner is 0, which validation rejects for partner users.
	partner, _ := strconv.ParseInt(r.PostFormValue("partner_id"), 10, 64)
	if role != auth.RolePartner {
		partner = 0
	}
	display, email, lang := strings.TrimSpace(r.PostFormValue("display_name")), strings.TrimSpace(r.PostFormValue("email")), r.PostFormValue("language")
	disabled := r.PostFormValue("disabled") == "on"
	return auth.UserInput{
		Username: r.PostFormValue("username"), DisplayName: &display, Email: &email, Role: &role, Tier: &tier,
		PartnerID: &partner, Language: &lang, Disabled: &disabled, Password: r.PostFormValue("password"),
	}
}

// formFailure re-renders a form with the error, in the reader's language.
func (c *Console) formFailure(w http.ResponseWriter, r *http.Request, err error, d *userFormData) {
	if errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.NotFound {
		c.Fail(w, r, err)
		return
	}
	l := c.Catalog.Locale(Language(r))
	d.Error, d.Errors = message(l, err), fieldErrors(l, err)
	c.userForm(w, r, httpx.Status(errs.CodeOf(err)), d)
}

func (c *Console) createUser(w http.ResponseWriter, r *http.Request) {
	in := userInput(r)
	u, err := c.Auth.CreateUser(r.Context(), auth.FromContext(r.Context()).Actor(), in)
	if err != nil {
		c.formFailure(w, r, err, &userFormData{New: true, User: &auth.User{Username: in.Username, DisplayName: *in.DisplayName,
			Email: *in.Email, Role: *in.Role, Tier: *in.Tier, PartnerID: *in.PartnerID, Language: *in.Language}})
		return
	}
	http.Redirect(w, r, "/users/"+strconv.FormatInt(u.ID, 10)+"?ok=user_created", http.StatusSeeOther)
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.E(errs.NotFound, "Not found.").WithKey("not_found")
	}
	return id, nil
}

func (c *Console) editUser(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.showUser(w, r, id, "")
}

// showUser renders a stored user's form, with a newly set password if there is one.
func (c *Console) showUser(w http.ResponseWriter, r *http.Request, id int64, password string) {
	u, err := c.Auth.User(r.Context(), id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.userForm(w, r, http.StatusOK, &userFormData{User: u, Password: password})
}

func (c *Console) updateUser(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	in := userInput(r)
	if _, err := c.Auth.UpdateUser(r.Context(), auth.FromContext(r.Context()).Actor(), id, in); err != nil {
		old, lerr := c.Auth.User(r.Context(), id)
		if lerr != nil {
			c.Fail(w, r, lerr)
			return
		}
		shown := *old
		shown.DisplayName, shown.Email, shown.Role, shown.Tier, shown.PartnerID, shown.Language = *in.DisplayName, *in.Email, *in.Role, *in.Tier, *in.PartnerID, *in.Language
		c.formFailure(w, r, err, &userFormData{User: &shown})
		return
	}
	http.Redirect(w, r, "/users/"+strconv.FormatInt(id, 10)+"?ok=user_saved", http.StatusSeeOther)
}

// resetPassword sets a random password and shows it once, for the admin to hand over.
func (c *Console) resetPassword(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	password := auth.RandomPassword()
	if err := c.Auth.SetPassword(r.Context(), auth.FromContext(r.Context()).Actor(), id, password, ""); err != nil {
		c.Fail(w, r, err)
		return
	}
	c.showUser(w, r, id, password)
}

type partnersData struct {
	Partners []auth.Partner
	Kinds    []string
	Form     auth.Partner
	Error    string
}

func (c *Console) partners(w http.ResponseWriter, r *http.Request) {
	c.partnersPage(w, r, http.StatusOK, &partnersData{})
}

func (c *Console) partnersPage(w http.ResponseWriter, r *http.Request, status int, d *partnersData) {
	var err error
	if d.Partners, err = c.Auth.Partners(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	d.Kinds = auth.PartnerKinds
	c.render(w, r, status, "partners", c.page(r, "partners.title", d))
}

func (c *Console) createPartner(w http.ResponseWriter, r *http.Request) {
	in := auth.Partner{Name: r.PostFormValue("name"), Kind: r.PostFormValue("kind"), Phone: strings.TrimSpace(r.PostFormValue("phone")), Address: strings.TrimSpace(r.PostFormValue("address"))}
	if _, err := c.Auth.CreatePartner(r.Context(), auth.FromContext(r.Context()).Actor(), in); err != nil {
		if errs.CodeOf(err) == errs.Internal {
			c.Fail(w, r, err)
			return
		}
		c.partnersPage(w, r, httpx.Status(errs.CodeOf(err)), &partnersData{Form: in, Error: message(c.Catalog.Locale(Language(r)), err)})
		return
	}
	http.Redirect(w, r, "/partners?ok=partner_created", http.StatusSeeOther)
}

type rolesData struct {
	Columns     []roleColumn
	Permissions []auth.Permission
}

type roleColumn struct {
	auth.Level
	Has map[auth.Permission]bool
}

func (c *Console) roles(w http.ResponseWriter, r *http.Request) {
	d := &rolesData{Permissions: auth.AllPermissions}
	for _, l := range auth.Levels() {
		col := roleColumn{Level: l, Has: map[auth.Permission]bool{}}
		for _, p := range auth.PermissionsOf(l.Role, l.Tier) {
			col.Has[p] = true
		}
		d.Columns = append(d.Columns, col)
	}
	c.render(w, r, http.StatusOK, "roles", c.page(r, "roles.title", d))
}

type auditData struct {
	Entries []auth.AuditEntry
	Action  string
	Next    int64
}

func (c *Console) audit(w http.ResponseWriter, r *http.Request) {
	d := &auditData{Action: r.URL.Query().Get("action")}
	before, _ := strconv.ParseInt(r.URL.Query().Get("before"), 10, 64)
	var err error
	if d.Entries, err = c.Auth.ListAudit(r.Context(), auth.AuditFilter{Action: d.Action, Before: before, Limit: 100}); err != nil {
		c.Fail(w, r, err)
		return
	}
	if len(d.Entries) == 100 {
		d.Next = d.Entries[len(d.Entries)-1].ID
	}
	c.render(w, r, http.StatusOK, "audit", c.page(r, "audit.title", d))
}
