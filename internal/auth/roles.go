// Package auth owns who may do what: users, roles and agent tiers, permissions,
// passwords, console sessions, API tokens, partners and the append-only audit log.
// Every page and API route names one Permission; Protect checks it on the server.
package auth

import "slices"

// Role is what a user is in the center.
type Role string

const (
	RoleAdmin      Role = "admin"
	RoleSupervisor Role = "supervisor"
	RoleAgent      Role = "agent"
	RoleQA         Role = "qa"
	RoleAnalyst    Role = "analyst"
	RolePartner    Role = "partner"
)

// Roles lists every role in the order the console shows them.
var Roles = []Role{RoleAdmin, RoleSupervisor, RoleAgent, RoleQA, RoleAnalyst, RolePartner}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Agent tiers: each has more authority than the one below (V4).
const (
	TierFirstLine = 1 // answers calls, opens and updates work orders
	TierSenior    = 2 // also dispatches work and handles complaints
	TierExpert    = 3 // expert seat: also edits knowledge and hears any recording
	MaxTier       = TierExpert
)

// Permission is one thing a user may do. Routes name the permission they need.
type Permission string

const (
	PermConsole          Permission = "console"           // sign in to the console at all
	PermUsersManage      Permission = "users.manage"      // create, change and disable users
	PermAuditRead        Permission = "audit.read"        // read the audit log
	PermSettingsManage   Permission = "settings.manage"   // queues, IVR, ticket types, system settings
	PermCustomersRead    Permission = "customers.read"    // see customer records
	PermCustomersWrite   Permission = "customers.write"   // create and change customers
	PermTicketsRead      Permission = "tickets.read"      // see the center's work orders
	PermTicketsWrite     Permission = "tickets.write"     // open and update work orders
	PermTicketsDispatch  Permission = "tickets.dispatch"  // dispatch to departments and partners
	PermComplaintsHandle Permission = "complaints.handle" // work complaints
	PermComplaintsClose  Permission = "complaints.close"  // closure review of complaints
	PermPartnerOrders    Permission = "partner.orders"    // see and update orders dispatched to one's own partner
	PermCallsAnswer      Permission = "calls.answer"      // log in to a phone and take calls
	PermCallsRead        Permission = "calls.read"        // see call records (the center's, or one's own; see internal/contact)
	PermRecordingsOwn    Permission = "recordings.own"    // replay one's own calls
	PermRecordingsAll    Permission = "recordings.all"    // replay any call
	PermCallsMonitor     Permission = "calls.monitor"     // listen, whisper, barge
	PermWallboard        Permission = "wallboard.read"    // live wallboard
	PermReportsRead      Permission = "reports.read"      // KPIs and reports
	PermQualityEvaluate  Permission = "quality.evaluate"  // score calls
	PermQualityReview    Permission = "quality.review"    // resolve agents' disputes of evaluations
	PermKBRead           Permission = "kb.read"           // read knowledge and scripts
	PermKBWrite          Permission = "kb.write"          // write knowledge and scripts
	PermKBCurate         Permission = "kb.curate"         // approve announcements for agents
	PermTodos            Permission = "todos.use"         // keep one's own to-dos and claim one's groups'
)

// AllPermissions lists every permission in a stable order (the console's role matrix).
var AllPermissions = []Permission{
	PermConsole, PermUsersManage, PermAuditRead, PermSettingsManage,
	PermCustomersRead, PermCustomersWrite, PermTicketsRead, PermTicketsWrite,
	PermTicketsDispatch, PermComplaintsHandle, PermComplaintsClose, PermPartnerOrders,
	PermCallsAnswer, PermRecordingsOwn, PermRecordingsAll, PermCallsMonitor, PermCallsRead,
	PermWallboard, PermReportsRead, PermQualityEvaluate, PermKBRead, PermKBWrite, PermKBCurate,
	PermTodos, PermQualityReview,
}

var agentTier1 = []Permission{
	PermConsole, PermCustomersRead, PermCustomersWrite, PermTicketsRead, PermTicketsWrite,
	PermCallsAnswer, PermRecordingsOwn, PermKBRead, PermTodos, PermCallsRead,
}

var agentTier2 = append(slices.Clone(agentTier1), PermTicketsDispatch, PermComplaintsHandle)

var agentTier3 = append(slices.Clone(agentTier2), PermKBWrite, PermRecordingsAll)

var rolePermissions = map[Role][]Permission{
	// Admins may do everything but act as a partner: they belong to no partner.
	RoleAdmin: slices.DeleteFunc(slices.Clone(AllPermissions), func(p Permission) bool { return p == PermPartnerOrders }),
	RoleSupervisor: {
		PermConsole, PermCustomersRead, PermCustomersWrite, PermTicketsRead, PermTicketsWrite,
		PermTicketsDispatch, PermComplaintsHandle, PermComplaintsClose, PermCallsAnswer,
		PermRecordingsOwn, PermRecordingsAll, PermCallsMonitor, PermWallboard, PermReportsRead,
		PermQualityEvaluate, PermKBRead, PermKBWrite, PermKBCurate, PermTodos, PermCallsRead,
		PermQualityReview,
	},
	RoleQA: {
		PermConsole, PermCustomersRead, PermTicketsRead, PermRecordingsAll,
		PermQualityEvaluate, PermKBRead, PermReportsRead, PermTodos, PermCallsRead,
	},
	RoleAnalyst: {PermConsole, PermReportsRead, PermWallboard, PermTodos, PermCallsRead},
	RolePartner: {PermConsole, PermPartnerOrders},
}

// Level is a role at a tier; the tier is 0 for roles without tiers.
type Level struct {
	Role Role
	Tier int
}

// Levels lists every role, and each agent tier, in the order the console shows them.
func Levels() []Level {
	var out []Level
	for _, r := range Roles {
		if r == RoleAgent {
			for t := TierFirstLine; t <= MaxTier; t++ {
				out = append(out, Level{r, t})
			}
			continue
		}
		out = append(out, Level{r, 0})
	}
	return out
}

// PermissionsOf returns what a role (at a tier, for agents) may do.
func PermissionsOf(role Role, tier int) []Permission {
	if role == RoleAgent {
		switch {
		case tier >= TierExpert:
			return agentTier3
		case tier == TierSenior:
			return agentTier2
		default:
			return agentTier1
		}
	}
	return rolePermissions[role]
}

// Has reports whether a role at a tier has perm.
func Has(role Role, tier int, perm Permission) bool {
	return slices.Contains(PermissionsOf(role, tier), perm)
}
