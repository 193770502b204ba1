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
		{"POST", "/api/v1/customers", auth.Need(auth.PermCustomersWrite), a.serve(a.createCustomer)},
		{"GET", "/api/v1/customers/lookup", auth.Need(auth.PermCustomersRead), a.serve(a.lookupCustomers)},
		{"GET", "/api/v1/customers/duplicates", auth.Need(auth.PermCustomersRead), a.serve(a.customerDuplicates)},
		{"POST", "/api/v1/customers/merge", auth.Need(auth.PermCustomersWrite), a.serve(a.mergeCustomers)},
		{"GET", "/api/v1/customers/export", auth.Need(auth.PermCustomersRead), a.exportCustomers},
		{"POST", "/api/v1/customers/import", auth.Need(auth.PermCustomersWrite), a.serve(a.importCustomers)},
		{"GET", "/api/v1/customers/{id}", auth.Need(auth.PermCustomersRead), a.serve(a.getCustomer)},
		{"PATCH", "/api/v1/customers/{id}", auth.Need(auth.PermCustomersWrite), a.serve(a.updateCustomer)},
		{"GET", "/api/v1/customers/{id}/timeline", auth.Need(auth.PermCustomersRead), a.serve(a.customerTimeline)},
		{"POST", "/api/v1/customers/{id}/notes", auth.Need(auth.PermCustomersWrite), a.serve(a.addCustomerNote)},
		{"GET", "/api/v1/contacts", auth.Need(auth.PermCustomersRead), a.serve(a.listContacts)},
		{"POST", "/api/v1/contacts", auth.Need(auth.PermCustomersWrite), a.serve(a.recordContact)},
		{"GET", "/api/v1/leads", auth.Need(auth.PermCustomersRead), a.serve(a.listLeads)},
		{"POST", "/api/v1/leads", auth.Need(auth.PermCustomersWrite), a.serve(a.createLead)},
		{"GET", "/api/v1/leads/{id}", auth.Need(auth.PermCustomersRead), a.serve(a.getLead)},
		{"PATCH", "/api/v1/leads/{id}", auth.Need(auth.PermCustomersWrite), a.serve(a.updateLead)},
		{"GET", "/api/v1/partner/leads", auth.Need(auth.PermPartnerOrders), a.serve(a.listLeads)},
		{"GET", "/api/v1/partner/leads/{id}", auth.Need(auth.PermPartnerOrders), a.serve(a.getLead)},
		{"PATCH", "/api/v1/partner/leads/{id}", auth.Need(auth.PermPartnerOrders), a.serve(a.updateLead)},
		{"GET", "/api/v1/queues", auth.Need(auth.PermWallboard), a.serve(a.listQueues)},
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
