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
		{"GET /queues", auth.Need(auth.PermWallboard), c.queues},

		{"GET /tickets", auth.Need(auth.PermTicketsRead), c.tickets},
		{"GET /tickets/new", auth.Need(auth.PermTicketsWrite), c.newTicket},
		{"POST /tickets", auth.Need(auth.PermTicketsWrite), c.createTicket},
		{"GET /tickets/{id}", auth.Need(auth.PermTicketsRead), c.showTicket},
		{"POST /tickets/{id}", auth.Need(auth.PermTicketsWrite), c.updateTicket},
		{"POST /tickets/{id}/status", auth.Need(auth.PermTicketsWrite), c.ticketStatus},
		{"POST /tickets/{id}/dispatch", auth.Need(auth.PermTicketsWrite), c.dispatchTicket},
		{"POST /tickets/{id}/notes", auth.Need(auth.PermTicketsWrite), c.ticketNote},
		{"POST /tickets/{id}/attachments", auth.Need(auth.PermTicketsWrite), c.ticketAttachment},
		{"GET /tickets/files/{id}", auth.Need(auth.PermTicketsRead), c.ticketFile},
		{"GET /orders", auth.Need(auth.PermPartnerOrders), c.orders},
		{"GET /orders/{id}", auth.Need(auth.PermPartnerOrders), c.showOrder},
		{"POST /orders/{id}/status", auth.Need(auth.PermPartnerOrders), c.ticketStatus},
		{"POST /orders/{id}/notes", auth.Need(auth.PermPartnerOrders), c.ticketNote},
		{"POST /orders/{id}/attachments", auth.Need(auth.PermPartnerOrders), c.ticketAttachment},
		{"GET /orders/files/{id}", auth.Need(auth.PermPartnerOrders), c.ticketFile},
		{"GET /settings/ticket-types", auth.Need(auth.PermSettingsManage), c.ticketTypes},
		{"GET /settings/ticket-types/new", auth.Need(auth.PermSettingsManage), c.newTicketType},
		{"POST /settings/ticket-types", auth.Need(auth.PermSettingsManage), c.saveTicketType},
		{"GET /settings/ticket-types/{id}", auth.Need(auth.PermSettingsManage), c.editTicketType},
		{"POST /settings/ticket-types/{id}", auth.Need(auth.PermSettingsManage), c.saveTicketType},
		{"GET /settings/departments", auth.Need(auth.PermSettingsManage), c.departments},
		{"POST /settings/departments", auth.Need(auth.PermSettingsManage), c.saveDepartment},
		{"GET /settings/departments/{id}", auth.Need(auth.PermSettingsManage), c.departments},
		{"POST /settings/departments/{id}", auth.Need(auth.PermSettingsManage), c.saveDepartment},

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
