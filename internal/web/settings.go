package web

import (
	"net/http"

	"github.com/hotlinecc/hotline/internal/auth"
)

// settingsGroups lists every settings page, grouped as the settings page shows them, with
// the permission each needs. The main navigation has one "Settings" entry instead of one
// per page.
var settingsGroups = []struct {
	Key   string
	Items []settingsItem
}{
	{"settings.group.people", []settingsItem{
		{"nav.users", "/users", auth.PermUsersManage},
		{"nav.partners", "/partners", auth.PermUsersManage},
		{"nav.roles", "/roles", auth.PermUsersManage},
		{"nav.audit", "/audit", auth.PermAuditRead},
	}},
	{"settings.group.desk", []settingsItem{
		{"nav.ticket_types", "/settings/ticket-types", auth.PermSettingsManage},
		{"nav.departments", "/settings/departments", auth.PermSettingsManage},
		{"nav.customer_fields", "/settings/customer-fields", auth.PermSettingsManage},
		{"nav.calendars", "/settings/calendars", auth.PermSettingsManage},
		{"nav.sla_rules", "/settings/sla-rules", auth.PermSettingsManage},
	}},
	{"settings.group.voice", []settingsItem{
		{"nav.sip", "/settings/sip", auth.PermUsersManage},
		{"nav.trunks", "/settings/trunks", auth.PermSettingsManage},
		{"queue.settings_title", "/settings/queues", auth.PermSettingsManage},
		{"nav.ivr", "/settings/ivr", auth.PermSettingsManage},
		{"settings.prompts", "/settings/prompts", auth.PermSettingsManage},
		{"nav.blocklist", "/settings/blocklist", auth.PermSettingsManage},
	}},
	{"settings.group.integration", []settingsItem{
		{"nav.webhooks", "/settings/webhooks", auth.PermSettingsManage},
		{"settings.jobs", "/settings/jobs", auth.PermSettingsManage},
	}},
}

type settingsItem struct {
	Key  string // catalog key of the label; Key+"_help" (under settings.) describes it
	Href string
	perm auth.Permission
}

// settingsGroup is one group as a user sees it.
type settingsGroup struct {
	Key   string
	Items []settingsItem
}

func (c *Console) settings(w http.ResponseWriter, r *http.Request) {
	pr := auth.FromContext(r.Context())
	var groups []settingsGroup
	for _, g := range settingsGroups {
		var items []settingsItem
		for _, it := range g.Items {
			if pr.Can(it.perm) {
				items = append(items, it)
			}
		}
		if len(items) > 0 {
			groups = append(groups, settingsGroup{g.Key, items})
		}
	}
	c.render(w, r, http.StatusOK, "settings", c.page(r, "settings.title", groups))
}
