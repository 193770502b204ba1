package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
)

// User is a person who signs in: staff of the center or of a partner.
type User struct {
	ID            int64
	Username      string
	DisplayName   string
	Email         string
	Role          Role
	Tier          int   // 1-3 for agents, 0 otherwise
	PartnerID     int64 // set for partner users only
	Language      string
	Disabled      bool
	FailedLogins  int
	LockedUntil   time.Time
	LastLoginAt   time.Time
	PasswordSetAt time.Time
	CreatedAt     time.Time
	UpdatedAt     time.Time

	passwordHash string
}

// Can reports whether the user may do perm.
func (u *User) Can(perm Permission) bool {
	return u != nil && !u.Disabled && Has(u.Role, u.Tier, perm)
}

// Languages the console speaks; "" follows the browser.
var Languages = []string{"zh-CN", "en"}

// UserInput is what an admin sets on a user. On update, nil fields keep their value.
type UserInput struct {
	Username    string
	DisplayName *string
	Email       *string
	Role        *Role
	Tier        *int
	PartnerID   *int64
	Language    *string
	Disabled    *bool
	Password    string // on create only; ignored on update (use SetPassword)
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// NormalizeUsername lowercases and trims, so sign-in is case-insensitive.
func NormalizeUsername(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validateUser checks u as it would be stored.
func validateUser(u *User) error {
	switch {
	case !usernamePattern.MatchString(u.Username):
		return errs.Field("username", "Username must be 2 to 32 characters: a-z, 0-9, dot, dash or underscore, starting with a letter or digit.").WithKey("username_format")
	case strings.TrimSpace(u.DisplayName) == "" || utf8.RuneCountInString(u.DisplayName) > 64:
		return errs.Field("display_name", "Display name must have 1 to 64 characters.").WithKey("display_name")
	case !u.Role.Valid():
		return errs.Field("role", fmt.Sprintf("Unknown role %q.", u.Role)).WithKey("role")
	case u.Role == RoleAgent && (u.Tier < TierFirstLine || u.Tier > MaxTier):
		return errs.Field("tier", "An agent's tier must be 1, 2 or 3.").WithKey("tier_agent")
	case u.Role != RoleAgent && u.Tier != 0:
		return errs.Field("tier", "Only agents have a tier.").WithKey("tier_other")
	case u.Role == RolePartner && u.PartnerID == 0:
		return errs.Field("partner_id", "A partner user must belong to a partner.").WithKey("partner_required")
	case u.Role != RolePartner && u.PartnerID != 0:
		return errs.Field("partner_id", "Only partner users belong to a partner.").WithKey("partner_other")
	case u.Language != "" && u.Language != "zh-CN" && u.Language != "en":
		return errs.Field("language", "Language must be zh-CN or en.").WithKey("language")
	}
	if u.Email != "" {
		if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
			return errs.Field("email", "Email address is not valid.").WithKey("email")
		}
	}
	return nil
}

func (in UserInput) apply(u *User) {
	if in.DisplayName != nil {
		u.DisplayName = strings.TrimSpace(*in.DisplayName)
	}
	if in.Email != nil {
		u.Email = strings.TrimSpace(*in.Email)
	}
	if in.Role != nil {
		u.Role = *in.Role
	}
	if in.Tier != nil {
		u.Tier = *in.Tier
	}
	if in.PartnerID != nil {
		u.PartnerID = *in.PartnerID
	}
	if in.Language != nil {
		u.Language = *in.Language
	}
	if in.Disabled != nil {
		u.Disabled = *in.Disabled
	}
}

// CreateUser adds a user. The actor is recorded in the audit log.
func (s *Service) CreateUser(ctx context.Context, actor Actor, in UserInput) (*User, error) {
	now := s.clock()
	u := &User{Username: NormalizeUsername(in.Username), CreatedAt: now, UpdatedAt: now, PasswordSetAt: now}
	in.apply(u)
	if u.Role == RoleAgent && in.Tier == nil {
		u.Tier = TierFirstLine
	}
	if err := validateUser(u); err != nil {
		return nil, err
	}
	if err := ValidatePassword(in.Password); err != nil {
		return nil, err
	}
	hash, err := HashPassword(in.Password)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkPartner(ctx, tx, u.PartnerID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, display_name, email, role, tier, partner_id, language,
			password_hash, disabled, password_changed_at, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			u.Username, u.DisplayName, u.Email, string(u.Role), u.Tier, nullID(u.PartnerID), u.Language,
			hash, u.Disabled, now, now, now).Scan(&u.ID)
		if db.IsUniqueViolation(err) {
			return errs.Field("username", fmt.Sprintf("The username %q is taken.", u.Username)).WithKey("username_taken", u.Username)
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, actor, AuditUserCreate, "user", u.ID, map[string]any{
			"username": u.Username, "role": u.Role, "tier": u.Tier, "partner_id": u.PartnerID})
	})
	if err != nil {
		return nil, fmt.Errorf("auth: create user %q: %w", u.Username, err)
	}
	return u, nil
}

// UpdateUser changes a user's profile, role, tier, partner or disabled flag. Role and
// tier changes are audited as permission changes; disabling ends the user's sessions.
func (s *Service) UpdateUser(ctx context.Context, actor Actor, id int64, in UserInput) (*User, error) {
	var u *User
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := findUser(ctx, tx, "id = $1", id)
		if err != nil {
			return err
		}
		nu := *old
		in.apply(&nu)
		if nu.Role != RoleAgent {
			nu.Tier = 0
		} else if nu.Tier == 0 {
			nu.Tier = TierFirstLine
		}
		if nu.Role != RolePartner {
			nu.PartnerID = 0
		}
		if err := validateUser(&nu); err != nil {
			return err
		}
		if actor.UserID == id && (nu.Disabled || (old.Role == RoleAdmin && nu.Role != RoleAdmin)) {
			return errs.E(errs.Conflict, "You cannot disable yourself or take away your own admin role.").WithKey("self_demote")
		}
		if old.Role == RoleAdmin && !old.Disabled && (nu.Role != RoleAdmin || nu.Disabled) {
			var admins int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE role = 'admin' AND disabled = FALSE`).Scan(&admins); err != nil {
				return err
			}
			if admins <= 1 {
				return errs.E(errs.Conflict, "This is the last active admin; make another admin first.").WithKey("last_admin")
			}
		}
		if err := checkPartner(ctx, tx, nu.PartnerID); err != nil {
			return err
		}
		nu.UpdatedAt = s.clock()
		_, err = tx.ExecContext(ctx, `UPDATE users SET display_name = $1, email = $2, role = $3, tier = $4, partner_id = $5,
			language = $6, disabled = $7, updated_at = $8 WHERE id = $9`,
			nu.DisplayName, nu.Email, string(nu.Role), nu.Tier, nullID(nu.PartnerID), nu.Language, nu.Disabled, nu.UpdatedAt, id)
		if err != nil {
			return err
		}
		if nu.Role != old.Role || nu.Tier != old.Tier || nu.PartnerID != old.PartnerID {
			if err := s.record(ctx, tx, actor, AuditUserRole, "user", id, map[string]any{
				"from": map[string]any{"role": old.Role, "tier": old.Tier, "partner_id": old.PartnerID},
				"to":   map[string]any{"role": nu.Role, "tier": nu.Tier, "partner_id": nu.PartnerID}}); err != nil {
				return err
			}
		}
		if nu.Disabled != old.Disabled {
			action := AuditUserEnable
			if nu.Disabled {
				action = AuditUserDisable
				if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, id); err != nil {
					return err
				}
			}
			if err := s.record(ctx, tx, actor, action, "user", id, nil); err != nil {
				return err
			}
		}
		if nu.DisplayName != old.DisplayName || nu.Email != old.Email || nu.Language != old.Language {
			if err := s.record(ctx, tx, actor, AuditUserUpdate, "user", id, map[string]any{
				"display_name": nu.DisplayName, "email": nu.Email, "language": nu.Language}); err != nil {
				return err
			}
		}
		u = &nu
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("auth: update user %d: %w", id, err)
	}
	return u, nil
}

// SetPassword replaces a user's password, unlocks the account and ends the user's other
// sessions (keepSession, if not empty, is the token hash of the session to keep).
func (s *Service) SetPassword(ctx context.Context, actor Actor, id int64, password, keepSession string) error {
	if err := ValidatePassword(password); err != nil {
		return err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, password_changed_at = $2, updated_at = $2,
			failed_logins = 0, locked_until = NULL WHERE id = $3`, hash, s.clock(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, "User not found.").WithKey("user_not_found")
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2`, id, keepSession); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, AuditUserPassword, "user", id, nil)
	})
	if err != nil {
		return fmt.Errorf("auth: set password of user %d: %w", id, err)
	}
	return nil
}

// ChangeOwnPassword checks the current password before setting a new one.
func (s *Service) ChangeOwnPassword(ctx context.Context, p *Principal, current, next string) error {
	u, err := s.User(ctx, p.User.ID)
	if err != nil {
		return err
	}
	if !CheckPassword(u.passwordHash, current) {
		return errs.Field("current_password", "The current password is wrong.").WithKey("current_password")
	}
	return s.SetPassword(ctx, p.Actor(), u.ID, next, p.sessionHash)
}

// User returns one user by ID.
func (s *Service) User(ctx context.Context, id int64) (*User, error) {
	u, err := findUser(ctx, s.db.Read(), "id = $1", id)
	if err != nil {
		return nil, fmt.Errorf("auth: user %d: %w", id, err)
	}
	return u, nil
}

// UserByUsername returns one user by username (case-insensitive).
func (s *Service) UserByUsername(ctx context.Context, username string) (*User, error) {
	u, err := findUser(ctx, s.db.Read(), "username = $1", NormalizeUsername(username))
	if err != nil {
		return nil, fmt.Errorf("auth: user %q: %w", username, err)
	}
	return u, nil
}

// UserFilter selects users.
type UserFilter struct {
	Query     string // part of username, display name or email
	Role      Role
	PartnerID int64
	Limit     int // default 200, at most 1000
	Offset    int
}

// ListUsers returns users matching f, ordered by username, and the total count.
func (s *Service) ListUsers(ctx context.Context, f UserFilter) ([]*User, int, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if q := strings.TrimSpace(f.Query); q != "" {
		p := arg("%" + strings.ToLower(q) + "%")
		where = append(where, "(lower(username) LIKE "+p+" OR lower(display_name) LIKE "+p+" OR lower(email) LIKE "+p+")")
	}
	if f.Role != "" {
		where = append(where, "role = "+arg(string(f.Role)))
	}
	if f.PartnerID != 0 {
		where = append(where, "partner_id = "+arg(f.PartnerID))
	}
	cond := "1 = 1"
	if len(where) > 0 {
		cond = strings.Join(where, " AND ")
	}
	var total int
	if err := s.db.Read().QueryRowContext(ctx, "SELECT count(*) FROM users WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("auth: count users: %w", err)
	}
	rows, err := s.db.Read().QueryContext(ctx, userSelect+" WHERE "+cond+" ORDER BY username LIMIT "+arg(f.Limit)+" OFFSET "+arg(f.Offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("auth: list users: %w", err)
	}
	defer rows.Close()
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, u)
	}
	return out, total, rows.Err()
}

// CountUsers returns how many users exist (0 on a first start).
func (s *Service) CountUsers(ctx context.Context) (int, error) {
	var n int
	err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM users`).Scan(&n)
	return n, err
}

const userSelect = `SELECT id, username, display_name, email, role, tier, COALESCE(partner_id, 0), language, password_hash,
	disabled, failed_logins, locked_until, last_login_at, password_changed_at, created_at, updated_at FROM users`

type scanner interface{ Scan(dest ...any) error }

func scanUser(row scanner) (*User, error) {
	var u User
	var role string
	var locked, lastLogin sql.NullTime
	err := row.Scan(&u.ID, &u.Username, &u.DisplayName, &u.Email, &role, &u.Tier, &u.PartnerID, &u.Language, &u.passwordHash,
		&u.Disabled, &u.FailedLogins, &locked, &lastLogin, &u.PasswordSetAt, &u.CreatedAt, &u.UpdatedAt)
	if err != nil {
		return nil, err
	}
	u.Role = Role(role)
	u.LockedUntil = locked.Time
	u.LastLoginAt = lastLogin.Time
	return &u, nil
}

func findUser(ctx context.Context, q db.Queryer, cond string, args ...any) (*User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, userSelect+" WHERE "+cond, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "User not found.").WithKey("user_not_found")
	}
	return u, err
}

func checkPartner(ctx context.Context, q db.Queryer, id int64) error {
	if id == 0 {
		return nil
	}
	var n int
	if err := q.QueryRowContext(ctx, `SELECT count(*) FROM partners WHERE id = $1`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errs.Field("partner_id", "Unknown partner.").WithKey("partner_unknown")
	}
	return nil
}

// nullID stores 0 as NULL for optional references.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
