package api

import (
	"net/http"

	"github.com/hotlinecc/hotline/internal/auth"
)

// Route is one API operation and who may call it.
type Route struct {
	Method, Path string
	Access       auth.Access
	Handler      http.HandlerFunc
}

// Routes lists every API route. openapi.json documents each (openapi_test.go checks).
func (a *API) Routes() []Route {
	console := auth.Need(auth.PermConsole)
	admin := auth.Need(auth.PermUsersManage)
	return []Route{
		{"GET", "/api/v1/openapi.json", auth.Anyone, a.openapi},
		{"GET", "/api/v1/me", console, a.serve(a.me)},
		{"GET", "/api/v1/roles", console, a.serve(a.roles)},

		{"GET", "/api/v1/users", admin, a.serve(a.listUsers)},
		{"POST", "/api/v1/users", admin, a.serve(a.createUser)},
		{"GET", "/api/v1/users/{id}", admin, a.serve(a.getUser)},
		{"PATCH", "/api/v1/users/{id}", admin, a.serve(a.updateUser)},
		{"PUT", "/api/v1/users/{id}/password", admin, a.serve(a.setPassword)},

		{"GET", "/api/v1/partners", admin, a.serve(a.listPartners)},
		{"POST", "/api/v1/partners", admin, a.serve(a.createPartner)},

		{"GET", "/api/v1/tokens", console, a.serve(a.listTokens)},
		{"POST", "/api/v1/tokens", console, a.serve(a.createToken)},
		{"DELETE", "/api/v1/tokens/{id}", console, a.serve(a.revokeToken)},

		{"GET", "/api/v1/audit", auth.Need(auth.PermAuditRead), a.serve(a.listAudit)},
		{"GET", "/api/v1/customers", auth.Need(auth.PermCustomersRead), a.serve(a.searchCustomers)},
		{"GET", "/api/v1/queues", auth.Need(auth.PermWallboard), a.serve(a.listQueues)},

		{"GET", "/api/v1/sip/accounts", admin, a.serve(a.listSIPAccounts)},
		{"POST", "/api/v1/sip/accounts", admin, a.serve(a.createSIPAccount)},
		{"PATCH", "/api/v1/sip/accounts/{id}", admin, a.serve(a.updateSIPAccount)},
		{"POST", "/api/v1/sip/accounts/{id}/password", admin, a.serve(a.resetSIPPassword)},
		{"GET", "/api/v1/sip/registrations", admin, a.serve(a.listSIPRegistrations)},
		{"GET", "/api/v1/sip/trunks", auth.Need(auth.PermSettingsManage), a.serve(a.listTrunks)},
		{"POST", "/api/v1/sip/trunks", auth.Need(auth.PermSettingsManage), a.serve(a.createTrunk)},
		{"PUT", "/api/v1/sip/trunks/{id}", auth.Need(auth.PermSettingsManage), a.serve(a.updateTrunk)},
		{"DELETE", "/api/v1/sip/trunks/{id}", auth.Need(auth.PermSettingsManage), a.serve(a.deleteTrunk)},
	}
}

// Register adds the API's routes to mux, each behind auth.Protect.
func (a *API) Register(mux *http.ServeMux) {
	for _, rt := range a.Routes() {
		mux.Handle(rt.Method+" "+rt.Path, a.Auth.Protect(rt.Access, rt.Handler, a.Fail))
	}
}

func (a *API) openapi(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(openAPI)
}
