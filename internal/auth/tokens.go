package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/errs"
)

// APIToken is a per-user credential for the REST API. Only its hash is stored; the
// token itself is shown once, when it is created.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	Prefix     string // the first characters, so people can tell tokens apart
	CreatedAt  time.Time
	LastUsedAt time.Time
	ExpiresAt  time.Time // zero: never
	RevokedAt  time.Time
}

// TokenPrefix starts every API token, so leaked tokens are easy to search for.
const TokenPrefix = "htl_"

// CreateToken issues an API token for the caller and returns it with the secret.
func (s *Service) CreateToken(ctx context.Context, p *Principal, name string, ttl time.Duration) (*APIToken, string, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 64 {
		return nil, "", errs.Field("name", "Token name must have 1 to 64 characters.").WithKey("token_name")
	}
	if ttl < 0 {
		return nil, "", errs.Field("expires_in_days", "Expiry must not be negative.").WithKey("token_expiry")
	}
	secret := TokenPrefix + randomToken(32)
	now := s.clock()
	t := &APIToken{UserID: p.User.ID, Name: name, Prefix: secret[:12], CreatedAt: now}
	if ttl > 0 {
		t.ExpiresAt = now.Add(ttl)
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var expires any
		if !t.ExpiresAt.IsZero() {
			expires = t.ExpiresAt
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, t.UserID, t.Name, t.Prefix, hashToken(secret), now, expires).Scan(&t.ID); err != nil {
			return err
		}
		return s.record(ctx, tx, p.Actor(), AuditTokenCreate, "api_token", t.ID, map[string]any{"name": name, "prefix": t.Prefix})
	})
	if err != nil {
		return nil, "", fmt.Errorf("auth: create token: %w", err)
	}
	return t, secret, nil
}

// Tokens lists the caller's tokens that are not revoked.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]APIToken, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, user_id, name, prefix, created_at, last_used_at, expires_at
		FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id DESC`, userID)
	if err != nil {
		return nil, fmt.Errorf("auth: list tokens: %w", err)
	}
	defer rows.Close()
	var out []APIToken
	for rows.Next() {
		var t APIToken
		var used, expires sql.NullTime
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.CreatedAt, &used, &expires); err != nil {
			return nil, err
		}
		t.LastUsedAt, t.ExpiresAt = used.Time, expires.Time
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes one of the caller's tokens; admins may revoke anyone's.
func (s *Service) RevokeToken(ctx context.Context, p *Principal, id int64) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var owner int64
		err := tx.QueryRowContext(ctx, `SELECT user_id FROM api_tokens WHERE id = $1 AND revoked_at IS NULL`, id).Scan(&owner)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "Token not found.").WithKey("token_not_found")
		}
		if err != nil {
			return err
		}
		if owner != p.User.ID && !p.Can(PermUsersManage) {
			return errs.E(errs.NotFound, "Token not found.").WithKey("token_not_found")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2`, s.clock(), id); err != nil {
			return err
		}
		return s.record(ctx, tx, p.Actor(), AuditTokenRevoke, "api_token", id, nil)
	})
	if err != nil {
		return fmt.Errorf("auth: revoke token %d: %w", id, err)
	}
	return nil
}

// TokenPrincipal returns the principal of an API token.
func (s *Service) TokenPrincipal(ctx context.Context, secret, ip string) (*Principal, error) {
	bad := errs.E(errs.Unauthorized, "The API token is not valid.")
	if !strings.HasPrefix(secret, TokenPrefix) {
		return nil, bad
	}
	now := s.clock()
	var id, userID int64
	var used, expires sql.NullTime
	err := s.db.Read().QueryRowContext(ctx, `SELECT id, user_id, last_used_at, expires_at FROM api_tokens
		WHERE token_hash = $1 AND revoked_at IS NULL`, hashToken(secret)).Scan(&id, &userID, &used, &expires)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && expires.Valid && !expires.Time.After(now)) {
		return nil, bad
	}
	if err != nil {
		return nil, fmt.Errorf("auth: token: %w", err)
	}
	u, err := findUser(ctx, s.db.Read(), "id = $1", userID)
	if err != nil || u.Disabled {
		return nil, bad
	}
	if !used.Valid || now.Sub(used.Time) > sessionRefresh {
		if _, err := s.db.Write().ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, id); err != nil {
			return nil, fmt.Errorf("auth: token used: %w", err)
		}
	}
	return &Principal{User: u, IP: ip}, nil
}
