package web

import (
	"io/fs"
	"net/http"

	"github.com/hotlinecc/hotline/internal/auth"
)

// Route is one console page or form action and who may use it.
type Route struct {
	Pattern string
	Access  auth.Access
	Handler http.HandlerFunc
}

// Routes lists every console route. Register wraps each in auth.Protect, so none can be
// added without naming its permission.
func (c *Console) Routes() []Route {
	console := auth.Need(auth.PermConsole)
	admin := auth.Need(auth.PermUsersManage)
	return []Route{
		{"GET /login", auth.Anyone, c.loginPage},
		{"POST /login", auth.Anyone, c.login},
		{"POST /logout", console, c.logout},

		{"GET /{$}", console, c.home},
		{"GET /profile", console, c.profile},
		{"POST /profile", console, c.saveProfile},
		{"POST /profile/password", console, c.changePassword},
		{"POST /profile/tokens", console, c.createToken},
		{"POST /profile/tokens/{id}/revoke", console, c.revokeToken},

		{"GET /customers", auth.Need(auth.PermCustomersRead), c.customers},
		{"GET /customers/new", auth.Need(auth.PermCustomersWrite), c.newCustomer},
		{"POST /customers", auth.Need(auth.PermCustomersWrite), c.createCustomer},
		{"GET /customers/export", auth.Need(auth.PermCustomersRead), c.exportCustomers},
		{"GET /customers/import", auth.Need(auth.PermCustomersWrite), c.importPage},
		{"POST /customers/import", auth.Need(auth.PermCustomersWrite), c.importCustomers},
		{"GET /customers/duplicates", auth.Need(auth.PermCustomersWrite), c.duplicates},
		{"POST /customers/merge", auth.Need(auth.PermCustomersWrite), c.mergeCustomers},
		{"GET /customers/{id}", auth.Need(auth.PermCustomersRead), c.customer},
		{"GET /customers/{id}/edit", auth.Need(auth.PermCustomersWrite), c.editCustomer},
		{"POST /customers/{id}", auth.Need(auth.PermCustomersWrite), c.updateCustomer},
		{"POST /customers/{id}/notes", auth.Need(auth.PermCustomersWrite), c.addNote},
		{"POST /customers/{id}/contacts", auth.Need(auth.PermCustomersWrite), c.recordContact},
		{"POST /customers/{id}/leads", auth.Need(auth.PermCustomersWrite), c.createLead},
		{"GET /leads", auth.Need(auth.PermCustomersRead), c.leads},
		{"GET /leads/{id}", auth.Need(auth.PermCustomersWrite), c.lead},
		{"POST /leads/{id}", auth.Need(auth.PermCustomersWrite), c.updateLead},
		{"GET /partner/leads", auth.Need(auth.PermPartnerOrders), c.leads},
		{"GET /partner/leads/{id}", auth.Need(auth.PermPartnerOrders), c.lead},
		{"POST /partner/leads/{id}", auth.Need(auth.PermPartnerOrders), c.updateLead},
		{"GET /settings/customer-fields", auth.Need(auth.PermSettingsManage), c.customerFields},
		{"POST /settings/customer-fields", auth.Need(auth.PermSettingsManage), c.saveCustomerField},
		{"POST /settings/customer-fields/{id}/delete", auth.Need(auth.PermSettingsManage), c.deleteCustomerField},
		{"GET /queues", auth.Need(auth.PermWallboard), c.queues},

		{"GET /users", admin, c.users},
		{"GET /users/new", admin, c.newUser},
		{"POST /users", admin, c.createUser},
		{"GET /users/{id}", admin, c.editUser},
		{"POST /users/{id}", admin, c.updateUser},
		{"POST /users/{id}/password", admin, c.resetPassword},
		{"GET /partners", admin, c.partners},
		{"POST /partners", admin, c.createPartner},
		{"GET /roles", admin, c.roles},
		{"GET /audit", auth.Need(auth.PermAuditRead), c.audit},
	}
}

// Register adds the console's routes and static files to mux.
func (c *Console) Register(mux *http.ServeMux) {
	for _, rt := range c.Routes() {
		mux.Handle(rt.Pattern, c.Auth.Protect(rt.Access, rt.Handler, c.Fail))
	}
	static, _ := fs.Sub(staticFS, "static")
	files := http.StripPrefix("/static/", http.FileServerFS(static))
	mux.Handle("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	}))
}
