package auth

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Principal is the signed-in caller of one request.
type Principal struct {
	User *User
	// CSRF is the session's anti-forgery token; empty for API tokens, which are not sent
	// by browsers on their own and so need none.
	CSRF string
	IP   string

	sessionHash string
}

// Can reports whether the caller may do perm.
func (p *Principal) Can(perm Permission) bool { return p != nil && p.User.Can(perm) }

// Actor is the caller as the audit log records it.
func (p *Principal) Actor() Actor {
	return Actor{UserID: p.User.ID, Name: p.User.Username, IP: p.IP}
}

// ViaSession reports whether the caller came with a console session cookie.
func (p *Principal) ViaSession() bool { return p.sessionHash != "" }

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// dummyHash is checked against when the username is unknown, so that a wrong username
// takes as long as a wrong password and does not reveal which users exist.
var dummyHash, _ = HashPassword("not a real password")

// errBadLogin is the one answer for an unknown user, a wrong password or a disabled user.
var errBadLogin = errs.E(errs.Unauthorized, "Wrong username or password.").WithKey("bad_login")

// Login checks a username and password and opens a session. It returns the session
// token for the cookie. Client addresses are rate-limited and accounts lock after
// MaxFailedLogins wrong passwords in a row.
func (s *Service) Login(ctx context.Context, username, password, ip, userAgent string) (string, *Principal, error) {
	if s.limiter.Exceeded(ip) {
		return "", nil, errs.E(errs.TooMany, "Too many sign-in attempts from your address. Wait a minute and try again.").WithKey("rate_limited")
	}
	username = NormalizeUsername(username)
	now := s.clock()
	u, err := findUser(ctx, s.db.Read(), "username = $1", username)
	if errs.Is(err, errs.NotFound) {
		s.limiter.Hit(ip)
		CheckPassword(dummyHash, password)
		s.Audit(ctx, Actor{Name: username, IP: ip}, AuditLoginFailure, "user", nil, "unknown user")
		return "", nil, errBadLogin
	}
	if err != nil {
		return "", nil, fmt.Errorf("auth: login: %w", err)
	}
	if u.LockedUntil.After(now) {
		CheckPassword(dummyHash, password)
		minutes := int(u.LockedUntil.Sub(now).Minutes()) + 1
		return "", nil, errs.E(errs.TooMany,
			"This account is locked after %d wrong passwords. Try again in %d minutes or ask an admin to reset the password.",
			MaxFailedLogins, minutes).WithKey("locked", MaxFailedLogins, minutes)
	}
	if !CheckPassword(u.passwordHash, password) || u.Disabled {
		s.limiter.Hit(ip)
		if err := s.loginFailed(ctx, u, ip); err != nil {
			return "", nil, err
		}
		return "", nil, errBadLogin
	}
	token := randomToken(32)
	p := &Principal{User: u, CSRF: randomToken(32), IP: ip, sessionHash: hashToken(token)}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		// Expired sessions are swept here rather than by a timer: sign-ins are frequent
		// enough, and nothing else has to own a goroutine.
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1`, now); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at, expires_at, ip, user_agent)
			VALUES ($1, $2, $3, $4, $4, $5, $6, $7)`, p.sessionHash, u.ID, p.CSRF, now, now.Add(s.sessionTTL), ip, truncate(userAgent, 300)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0, locked_until = NULL, last_login_at = $1 WHERE id = $2`, now, u.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, p.Actor(), AuditLoginSuccess, "user", u.ID, nil)
	})
	if err != nil {
		return "", nil, fmt.Errorf("auth: login %q: %w", username, err)
	}
	u.FailedLogins, u.LockedUntil, u.LastLoginAt = 0, time.Time{}, now
	return token, p, nil
}

func (s *Service) loginFailed(ctx context.Context, u *User, ip string) error {
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var failed int
		if err := tx.QueryRowContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins`, u.ID).Scan(&failed); err != nil {
			return err
		}
		a := Actor{UserID: u.ID, Name: u.Username, IP: ip}
		if err := s.record(ctx, tx, a, AuditLoginFailure, "user", u.ID, map[string]any{"failed_logins": failed, "disabled": u.Disabled}); err != nil {
			return err
		}
		if failed < MaxFailedLogins {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET locked_until = $1, failed_logins = 0 WHERE id = $2`, now.Add(LockoutDuration), u.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, a, AuditLoginLocked, "user", u.ID, map[string]any{"until": now.Add(LockoutDuration)})
	})
}

// sessionRefresh is how stale last_seen_at may get before a request slides the expiry;
// it keeps reads from writing on every page view.
const sessionRefresh = time.Minute

// Session returns the principal of a session token, or an Unauthorized error when the
// session is unknown, expired or its user disabled.
func (s *Service) Session(ctx context.Context, token, ip string) (*Principal, error) {
	if token == "" {
		return nil, errs.E(errs.Unauthorized, "Please sign in.").WithKey("sign_in")
	}
	h := hashToken(token)
	now := s.clock()
	var csrf string
	var expires, lastSeen time.Time
	var userID int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT user_id, csrf_token, expires_at, last_seen_at FROM sessions WHERE token_hash = $1`, h).
		Scan(&userID, &csrf, &expires, &lastSeen)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !expires.After(now)) {
		return nil, errs.E(errs.Unauthorized, "Your session has ended. Please sign in again.").WithKey("session_ended")
	}
	if err != nil {
		return nil, fmt.Errorf("auth: session: %w", err)
	}
	u, err := findUser(ctx, s.db.Read(), "id = $1", userID)
	if err != nil || u.Disabled {
		return nil, errs.E(errs.Unauthorized, "Your session has ended. Please sign in again.").WithKey("session_ended")
	}
	if now.Sub(lastSeen) > sessionRefresh {
		if _, err := s.db.Write().ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE token_hash = $3`,
			now, now.Add(s.sessionTTL), h); err != nil {
			return nil, fmt.Errorf("auth: refresh session: %w", err)
		}
	}
	return &Principal{User: u, CSRF: csrf, IP: ip, sessionHash: h}, nil
}

// Logout ends the caller's session.
func (s *Service) Logout(ctx context.Context, p *Principal) error {
	if p == nil || p.sessionHash == "" {
		return nil
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash = $1`, p.sessionHash); err != nil {
			return err
		}
		return s.record(ctx, tx, p.Actor(), AuditLogout, "user", p.User.ID, nil)
	})
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}
