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

		{"GET /settings/sip", admin, c.sipAccounts},
		{"POST /settings/sip", admin, c.createSIPAccount},
		{"POST /settings/sip/{id}/password", admin, c.resetSIPPassword},
		{"POST /settings/sip/{id}/disabled", admin, c.setSIPDisabled},
		{"GET /settings/trunks", auth.Need(auth.PermSettingsManage), c.trunks},
		{"POST /settings/trunks", auth.Need(auth.PermSettingsManage), c.createTrunk},
		{"POST /settings/trunks/{id}/delete", auth.Need(auth.PermSettingsManage), c.deleteTrunk},
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
