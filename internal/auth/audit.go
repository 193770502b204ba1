package auth

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
)

// Actor is who does something, for the audit log: a signed-in user, the command line or
// the system itself.
type Actor struct {
	UserID int64 // 0 for the command line and the system
	Name   string
	IP     string
}

// ActorCLI is the actor for `hotline user ...` commands run on the server.
var ActorCLI = Actor{Name: "cli"}

// ActorSystem is the actor for what Hotline does by itself (first start, demo data).
var ActorSystem = Actor{Name: "system"}

// AuditEntry is one row of the append-only audit log.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorID    int64
	ActorName  string
	Action     string
	TargetType string
	TargetID   string
	Detail     string
	IP         string
}

// Audit actions.
const (
	AuditLoginSuccess   = "login.success"
	AuditLoginFailure   = "login.failure"
	AuditLoginLocked    = "login.locked"
	AuditLogout         = "logout"
	AuditUserCreate     = "user.create"
	AuditUserUpdate     = "user.update"
	AuditUserRole       = "user.role"
	AuditUserDisable    = "user.disable"
	AuditUserEnable     = "user.enable"
	AuditUserPassword   = "user.password"
	AuditTokenCreate    = "token.create"
	AuditTokenRevoke    = "token.revoke"
	AuditPartnerCreate  = "partner.create"
	AuditPermissionDeny = "permission.denied"
)

// AuditActions lists every action this package records.
var AuditActions = []string{
	AuditLoginSuccess, AuditLoginFailure, AuditLoginLocked, AuditLogout, AuditUserCreate, AuditUserUpdate,
	AuditUserRole, AuditUserDisable, AuditUserEnable, AuditUserPassword, AuditTokenCreate, AuditTokenRevoke,
	AuditPartnerCreate, AuditPermissionDeny,
}

// record appends an entry inside the caller's transaction, so the action and its audit
// row commit together or not at all. detail is encoded as JSON when it is not a string.
func (s *Service) record(ctx context.Context, q db.Queryer, a Actor, action, targetType string, targetID any, detail any) error {
	var d string
	switch v := detail.(type) {
	case nil:
	case string:
		d = v
	default:
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		d = string(b)
	}
	var actorID any
	if a.UserID != 0 {
		actorID = a.UserID
	}
	tid := ""
	if targetID != nil {
		tid = fmt.Sprint(targetID)
	}
	_, err := q.ExecContext(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, action, target_type, target_id, detail, ip)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, s.clock(), actorID, a.Name, action, targetType, tid, d, a.IP)
	if err != nil {
		return fmt.Errorf("auth: audit %s: %w", action, err)
	}
	return nil
}

// Audit appends an entry on its own, for actions owned by other packages.
func (s *Service) Audit(ctx context.Context, a Actor, action, targetType string, targetID any, detail any) error {
	return s.record(ctx, s.db.Write(), a, action, targetType, targetID, detail)
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	ActorID int64
	Action  string // exact action, or a prefix ending in "." such as "user."
	Before  int64  // entries with an ID below this (paging); 0 for the newest
	Limit   int    // default 50, at most 500
}

// ListAudit returns audit entries matching f, newest first.
func (s *Service) ListAudit(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.ActorID != 0 {
		where = append(where, "actor_id = "+arg(f.ActorID))
	}
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			where = append(where, "action LIKE "+arg(f.Action+"%"))
		} else {
			where = append(where, "action = "+arg(f.Action))
		}
	}
	if f.Before > 0 {
		where = append(where, "id < "+arg(f.Before))
	}
	q := `SELECT id, at, COALESCE(actor_id, 0), actor_name, action, target_type, target_id, detail, ip FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT " + arg(f.Limit)
	rows, err := s.db.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("auth: list audit: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Action, &e.TargetType, &e.TargetID, &e.Detail, &e.IP); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
