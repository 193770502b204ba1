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
	settings := auth.Need(auth.PermSettingsManage)
	kbRead, kbWrite, kbCurate := auth.Need(auth.PermKBRead), auth.Need(auth.PermKBWrite), auth.Need(auth.PermKBCurate)
	todos := auth.Need(auth.PermTodos)
	routes := []Route{
		{"GET", "/api/v1/openapi.json", auth.Anyone, a.openapi},
		{"GET", "/api/v1/me", console, a.serve(a.me)},
		{"GET", "/api/v1/roles", console, a.serve(a.roles)},

		{"GET", "/api/v1/surveys/questionnaires", settings, a.serve(a.listQuestionnaires)},
		{"POST", "/api/v1/surveys/questionnaires", settings, a.serve(a.createQuestionnaire)},
		{"GET", "/api/v1/surveys/questionnaires/{id}", settings, a.serve(a.getQuestionnaire)},
		{"PUT", "/api/v1/surveys/questionnaires/{id}", settings, a.serve(a.updateQuestionnaire)},
		{"POST", "/api/v1/surveys/invitations", auth.Need(auth.PermCustomersWrite), a.serve(a.createInvitation)},
		{"GET", "/api/v1/surveys/results", auth.Need(auth.PermReportsRead), a.serve(a.surveyResults)},

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
		{"POST", "/api/v1/queues", settings, a.serve(a.createQueue)},
		{"GET", "/api/v1/queues/{id}", auth.Need(auth.PermWallboard), a.serve(a.getQueue)},
		{"PUT", "/api/v1/queues/{id}", settings, a.serve(a.updateQueue)},
		{"PUT", "/api/v1/queues/{id}/members", settings, a.serve(a.setQueueMembers)},
		{"GET", "/api/v1/agents/{id}/skills", auth.Need(auth.PermWallboard), a.serve(a.getAgentSkills)},
		{"GET", "/api/v1/agent/state", auth.Need(auth.PermCallsAnswer), a.serve(a.getAgentState)},
		{"POST", "/api/v1/agent/state", auth.Need(auth.PermCallsAnswer), a.serve(a.setAgentState)},
		{"POST", "/api/v1/agent/call/{action}", auth.Need(auth.PermCallsAnswer), a.serve(a.agentCall)},
		{"GET", "/api/v1/wallboard", auth.Need(auth.PermWallboard), a.serve(a.getWallboard)},
		{"PUT", "/api/v1/agents/{id}/skills", settings, a.serve(a.setAgentSkills)},

		{"GET", "/api/v1/webhooks", settings, a.serve(a.listWebhooks)},
		{"POST", "/api/v1/webhooks", settings, a.serve(a.createWebhook)},
		{"GET", "/api/v1/webhooks/{id}", settings, a.serve(a.getWebhook)},
		{"PATCH", "/api/v1/webhooks/{id}", settings, a.serve(a.updateWebhook)},
		{"DELETE", "/api/v1/webhooks/{id}", settings, a.serve(a.deleteWebhook)},
		{"GET", "/api/v1/webhooks/{id}/deliveries", settings, a.serve(a.listDeliveries)},
		{"POST", "/api/v1/webhooks/{id}/test", settings, a.serve(a.testWebhook)},
		{"POST", "/api/v1/webhooks/deliveries/{id}/redeliver", settings, a.serve(a.redeliver)},
		{"GET", "/api/v1/ivr/flows", settings, a.serve(a.listFlows)},
		{"POST", "/api/v1/ivr/flows", settings, a.serve(a.createFlow)},
		{"POST", "/api/v1/ivr/validate", settings, a.serve(a.validateFlow)},
		{"GET", "/api/v1/ivr/flows/{id}", settings, a.serve(a.getFlow)},
		{"PUT", "/api/v1/ivr/flows/{id}", settings, a.serve(a.replaceFlow)},
		{"DELETE", "/api/v1/ivr/flows/{id}", settings, a.serve(a.deleteFlow)},
		{"POST", "/api/v1/ivr/flows/{id}/default", settings, a.serve(a.setDefaultFlow)},
		{"GET", "/api/v1/prompts", settings, a.serve(a.listPrompts)},
		{"POST", "/api/v1/prompts", settings, a.serve(a.uploadPrompt)},
		{"DELETE", "/api/v1/prompts/{id}", settings, a.serve(a.deletePrompt)},
		{"GET", "/api/v1/kb/articles", kbRead, a.serve(a.searchArticles)},
		{"POST", "/api/v1/kb/articles", kbWrite, a.serve(a.createArticle)},
		{"GET", "/api/v1/kb/articles/{id}", kbRead, a.serve(a.getArticle)},
		{"PUT", "/api/v1/kb/articles/{id}", kbWrite, a.serve(a.updateArticle)},
		{"GET", "/api/v1/kb/articles/{id}/versions", kbWrite, a.serve(a.articleVersions)},
		{"GET", "/api/v1/kb/categories", kbRead, a.serve(a.listCategories)},
		{"POST", "/api/v1/kb/categories", kbWrite, a.serve(a.createCategory)},
		{"GET", "/api/v1/kb/scripts", kbRead, a.serve(a.getScript)},
		{"GET", "/api/v1/announcements", kbRead, a.serve(a.listAnnouncements)},
		{"POST", "/api/v1/announcements", kbWrite, a.serve(a.postAnnouncement)},
		{"GET", "/api/v1/announcements/{id}", kbRead, a.serve(a.getAnnouncement)},
		{"POST", "/api/v1/announcements/{id}/approve", kbCurate, a.serve(a.approveAnnouncement)},
		{"POST", "/api/v1/announcements/{id}/reject", kbCurate, a.serve(a.rejectAnnouncement)},
		{"POST", "/api/v1/announcements/{id}/ack", kbRead, a.serve(a.ackAnnouncement)},
		{"GET", "/api/v1/announcements/{id}/reads", kbCurate, a.serve(a.announcementReads)},
		{"GET", "/api/v1/todos", todos, a.serve(a.listTodos)},
		{"POST", "/api/v1/todos", todos, a.serve(a.createTodo)},
		{"PATCH", "/api/v1/todos/{id}", todos, a.serve(a.updateTodo)},
		{"POST", "/api/v1/todos/{id}/done", todos, a.serve(a.completeTodo)},
		{"GET", "/api/v1/calendars", console, a.serve(a.listCalendars)},
		{"POST", "/api/v1/calendars", settings, a.serve(a.createCalendar)},
		{"GET", "/api/v1/calendars/{id}", console, a.serve(a.getCalendar)},
		{"PUT", "/api/v1/calendars/{id}", settings, a.serve(a.updateCalendar)},
		{"GET", "/api/v1/calendars/{id}/open", console, a.serve(a.calendarOpen)},
		{"GET", "/api/v1/sla-rules", settings, a.serve(a.listSLARules)},
		{"POST", "/api/v1/sla-rules", settings, a.serve(a.createSLARule)},
		{"GET", "/api/v1/sla-rules/{id}", settings, a.serve(a.getSLARule)},
		{"PUT", "/api/v1/sla-rules/{id}", settings, a.serve(a.updateSLARule)},
		{"DELETE", "/api/v1/sla-rules/{id}", settings, a.serve(a.deleteSLARule)},
		{"GET", "/api/v1/calls", auth.Need(auth.PermCallsRead), a.serve(a.listCalls)},
		{"GET", "/api/v1/calls/{id}", auth.Need(auth.PermCallsRead), a.serve(a.getCall)},
		{"GET", "/api/v1/calls/{id}/queue-events", auth.Need(auth.PermCallsRead), a.serve(a.callQueueEvents)},
		{"GET", "/api/v1/calls/{id}/recording", auth.Need(auth.PermCallsRead), a.callRecording},
		{"GET", "/api/v1/reports/kpis", auth.Need(auth.PermReportsRead), a.serve(a.reportKPIs)},
		{"GET", "/api/v1/reports/definitions", auth.Need(auth.PermReportsRead), a.serve(a.reportDefinitions)},
		{"GET", "/api/v1/blocklist", auth.Need(auth.PermSettingsManage), a.serve(a.listBlocklist)},
		{"POST", "/api/v1/blocklist", auth.Need(auth.PermSettingsManage), a.serve(a.addBlock)},
		{"DELETE", "/api/v1/blocklist/{id}", auth.Need(auth.PermSettingsManage), a.serve(a.removeBlock)},
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
	routes = append(routes, a.ticketRoutes()...)
	routes = append(routes, a.complaintRoutes()...)
	routes = append(routes, a.qaRoutes()...)
	return routes
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
