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
	settings := auth.Need(auth.PermSettingsManage)
	kbRead, kbWrite, kbCurate := auth.Need(auth.PermKBRead), auth.Need(auth.PermKBWrite), auth.Need(auth.PermKBCurate)
	todos := auth.Need(auth.PermTodos)
	routes := []Route{
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
		{"GET /surveys", auth.Need(auth.PermReportsRead), c.surveyResults},
		{"GET /surveys/questionnaires", settings, c.questionnaires},
		{"GET /surveys/questionnaires/new", settings, c.questionnaireForm},
		{"POST /surveys/questionnaires", settings, c.saveQuestionnaire},
		{"GET /surveys/questionnaires/{id}", settings, c.questionnaireForm},
		{"POST /surveys/questionnaires/{id}", settings, c.saveQuestionnaire},
		{"GET /surveys/settings", settings, c.surveySettings},
		{"POST /surveys/settings", settings, c.saveSurveyConfig},
		{"POST /surveys/settings/queues", settings, c.saveSurveyQueue},
		{"POST /surveys/callbacks", settings, c.planSurveyCallbacks},
		{"GET /surveys/callback/{id}", auth.Need(auth.PermCustomersWrite), c.surveyCallback},
		{"POST /surveys/callback/{id}", auth.Need(auth.PermCustomersWrite), c.answerSurveyCallback},
		{"GET /surveys/send", auth.Need(auth.PermCustomersWrite), c.surveySend},
		{"POST /surveys/invitations", auth.Need(auth.PermCustomersWrite), c.sendSurvey},
		{"GET /queues", auth.Need(auth.PermWallboard), c.queues},
		{"GET /live", console, c.live},
		{"GET /agent", auth.Need(auth.PermCallsAnswer), c.agentPage},
		{"POST /agent/login", auth.Need(auth.PermCallsAnswer), c.agentLogin},
		{"POST /agent/logout", auth.Need(auth.PermCallsAnswer), c.agentLogout},
		{"POST /agent/state", auth.Need(auth.PermCallsAnswer), c.agentSetState},
		{"POST /agent/call/{action}", auth.Need(auth.PermCallsAnswer), c.agentCall},
		{"POST /agent/wrapup", auth.Need(auth.PermCallsAnswer), c.agentWrapUp},
		{"POST /agent/dial", auth.Need(auth.PermCallsAnswer), c.agentDial},
		{"GET /wallboard", auth.Need(auth.PermWallboard), c.wallboardPage},
		{"POST /wallboard/calls/{id}/monitor", auth.Need(auth.PermCallsMonitor), c.monitor},
		{"GET /settings/queues", settings, c.queueSettings},
		{"GET /settings/queues/new", settings, c.newQueue},
		{"POST /settings/queues", settings, c.createQueue},
		{"GET /settings/queues/{id}", settings, c.editQueue},
		{"POST /settings/queues/{id}", settings, c.updateQueue},
		{"POST /settings/queues/{id}/members", settings, c.saveQueueMembers},
		{"GET /settings/agents/{id}/skills", settings, c.agentSkills},
		{"POST /settings/agents/{id}/skills", settings, c.saveAgentSkills},
		{"GET /calls", auth.Need(auth.PermCallsRead), c.calls},
		{"GET /calls/{id}", auth.Need(auth.PermCallsRead), c.call},
		{"GET /reports", auth.Need(auth.PermReportsRead), c.reports},
		{"GET /reports/export", auth.Need(auth.PermReportsRead), c.exportReport},
		{"GET /reports/definitions", auth.Need(auth.PermReportsRead), c.reportDefinitions},
		{"GET /reports/staffing", auth.Need(auth.PermReportsRead), c.reportStaffing},
		{"POST /reports/costs", auth.Need(auth.PermSettingsManage), c.saveReportCosts},
		{"GET /settings/blocklist", auth.Need(auth.PermSettingsManage), c.blocklist},
		{"POST /settings/blocklist", auth.Need(auth.PermSettingsManage), c.addBlock},
		{"POST /settings/blocklist/{id}/delete", auth.Need(auth.PermSettingsManage), c.removeBlock},

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
		{"GET /complaints", auth.Need(auth.PermTicketsRead), c.complaints},
		{"POST /tickets/{id}/subtasks", auth.Need(auth.PermComplaintsHandle), c.addSubtask},
		{"POST /tickets/{id}/subtasks/{sid}/replies", auth.Need(auth.PermConsole), c.replySubtask},
		{"POST /tickets/{id}/customer-replies", auth.Need(auth.PermComplaintsHandle), c.customerReply},
		{"POST /tickets/{id}/closure/request", auth.Need(auth.PermComplaintsHandle), c.requestClosure},
		{"POST /tickets/{id}/closure/approve", auth.Need(auth.PermComplaintsClose), c.approveClosure},
		{"POST /tickets/{id}/closure/return", auth.Need(auth.PermComplaintsClose), c.returnClosure},
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
		{"GET /settings", settings, c.settings},
		{"GET /audit", auth.Need(auth.PermAuditRead), c.audit},

		{"GET /settings/webhooks", settings, c.webhooks},
		{"GET /settings/webhooks/new", settings, c.newWebhook},
		{"POST /settings/webhooks", settings, c.createWebhook},
		{"GET /settings/webhooks/{id}", settings, c.editWebhook},
		{"POST /settings/webhooks/{id}", settings, c.updateWebhook},
		{"POST /settings/webhooks/{id}/active", settings, c.toggleWebhook},
		{"POST /settings/webhooks/{id}/secret", settings, c.rotateWebhookSecret},
		{"POST /settings/webhooks/{id}/test", settings, c.testWebhook},
		{"POST /settings/webhooks/{id}/delete", settings, c.deleteWebhook},
		{"POST /settings/webhooks/deliveries/{id}/redeliver", settings, c.redeliver},
		{"GET /settings/jobs", settings, c.jobs},
		{"POST /settings/jobs/{id}/retry", settings, c.retryJob},
		{"POST /settings/jobs/{id}/discard", settings, c.discardJob},
		{"GET /settings/ivr", settings, c.ivrFlows},
		{"POST /settings/ivr", settings, c.createIVRFlow},
		{"GET /settings/ivr/{id}", settings, c.ivrFlow},
		{"POST /settings/ivr/{id}", settings, c.saveIVRFlow},
		{"POST /settings/ivr/{id}/default", settings, c.setDefaultIVRFlow},
		{"POST /settings/ivr/{id}/delete", settings, c.deleteIVRFlow},
		{"GET /settings/prompts", settings, c.prompts},
		{"POST /settings/prompts", settings, c.uploadPrompt},
		{"GET /settings/prompts/audio", settings, c.promptAudio},
		{"POST /settings/prompts/{id}/delete", settings, c.deletePrompt},
		{"GET /kb", kbRead, c.kbSearch},
		{"GET /kb/articles/new", kbWrite, c.kbNew},
		{"POST /kb/articles", kbWrite, c.kbCreate},
		{"GET /kb/articles/{id}", kbRead, c.kbArticle},
		{"GET /kb/articles/{id}/edit", kbWrite, c.kbEdit},
		{"POST /kb/articles/{id}", kbWrite, c.kbUpdate},
		{"GET /kb/articles/{id}/versions", kbWrite, c.kbVersions},
		{"POST /kb/articles/{id}/versions/{v}/restore", kbWrite, c.kbRestore},
		{"GET /kb/categories", kbWrite, c.kbCategories},
		{"POST /kb/categories", kbWrite, c.kbCreateCategory},
		{"POST /kb/categories/{id}", kbWrite, c.kbUpdateCategory},
		{"POST /kb/categories/{id}/delete", kbWrite, c.kbDeleteCategory},
		{"GET /kb/scripts", kbRead, c.kbScripts},
		{"POST /kb/scripts", kbWrite, c.kbSaveScript},
		{"GET /announcements", kbRead, c.announcements},
		{"GET /announcements/new", kbWrite, c.newAnnouncement},
		{"POST /announcements", kbWrite, c.postAnnouncement},
		{"GET /announcements/{id}", kbRead, c.announcement},
		{"POST /announcements/{id}/ack", kbRead, c.ackAnnouncement},
		{"POST /announcements/{id}/approve", kbCurate, c.approveAnnouncement},
		{"POST /announcements/{id}/reject", kbCurate, c.rejectAnnouncement},
		{"GET /todos", todos, c.todos},
		{"POST /todos", todos, c.createTodo},
		{"POST /todos/{id}/done", todos, c.completeTodo},
		{"POST /todos/{id}/claim", todos, c.claimTodo},
		{"POST /todos/{id}/reschedule", todos, c.rescheduleTodo},
		{"POST /todos/{id}/cancel", todos, c.cancelTodo},
		{"GET /settings/calendars", settings, c.calendars},
		{"GET /settings/calendars/new", settings, c.newCalendar},
		{"POST /settings/calendars", settings, c.createCalendar},
		{"GET /settings/calendars/{id}", settings, c.editCalendar},
		{"POST /settings/calendars/{id}", settings, c.updateCalendar},
		{"GET /settings/sla-rules", settings, c.slaRules},
		{"GET /settings/sla-rules/new", settings, c.newSLARule},
		{"POST /settings/sla-rules", settings, c.createSLARule},
		{"GET /settings/sla-rules/{id}", settings, c.editSLARule},
		{"POST /settings/sla-rules/{id}", settings, c.updateSLARule},
		{"POST /settings/sla-rules/{id}/delete", settings, c.deleteSLARule},
		{"GET /settings/sip", admin, c.sipAccounts},
		{"POST /settings/sip", admin, c.createSIPAccount},
		{"POST /settings/sip/{id}/password", admin, c.resetSIPPassword},
		{"POST /settings/sip/{id}/disabled", admin, c.setSIPDisabled},
		{"GET /settings/trunks", auth.Need(auth.PermSettingsManage), c.trunks},
		{"POST /settings/trunks", auth.Need(auth.PermSettingsManage), c.createTrunk},
		{"POST /settings/trunks/{id}/delete", auth.Need(auth.PermSettingsManage), c.deleteTrunk},
	}
	routes = append(routes, c.qaRoutes()...)
	return routes
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
