package sip

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Store keeps SIP accounts and trunks in the database. It is the engine's Directory.
type Store struct {
	db    *db.DB
	realm string
}

var _ Directory = (*Store)(nil)

// NewStore makes a store whose accounts' HA1 is computed for realm ("hotline" when
// empty; it must be the engine's realm).
func NewStore(d *db.DB, realm string) *Store {
	if realm == "" {
		realm = "hotline"
	}
	return &Store{db: d, realm: realm}
}

// Realm is the digest realm of the accounts.
func (s *Store) Realm() string { return s.realm }

// AccountRow is an account as the console lists it.
type AccountRow struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	UserName  string    `json:"user_name"` // the user's display name
	Username  string    `json:"username"`  // the extension
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

var extensionRE = regexp.MustCompile(`^[0-9]{2,8}$`)

// Account finds an account by username (ErrNoAccount if none).
func (s *Store) Account(ctx context.Context, username string) (Account, error) {
	var a Account
	var uid sql.NullInt64
	err := s.db.Read().QueryRowContext(ctx,
		`SELECT id, user_id, username, ha1, disabled FROM sip_accounts WHERE username = $1 AND realm = $2`,
		username, s.realm).Scan(&a.ID, &uid, &a.Username, &a.HA1, &a.Disabled)
	if errors.Is(err, sql.ErrNoRows) {
		return Account{}, ErrNoAccount
	}
	if err != nil {
		return Account{}, fmt.Errorf("sip: account %s: %w", username, err)
	}
	a.UserID = uid.Int64
	return a, nil
}

// ExtensionOf returns the extension of user userID's enabled account ("" when the user
// has none; the lowest when several).
func (s *Store) ExtensionOf(ctx context.Context, userID int64) (string, error) {
	var ext string
	err := s.db.Read().QueryRowContext(ctx,
		`SELECT username FROM sip_accounts WHERE user_id = $1 AND realm = $2 AND NOT disabled ORDER BY username LIMIT 1`,
		userID, s.realm).Scan(&ext)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("sip: extension of user %d: %w", userID, err)
	}
	return ext, nil
}

// Accounts lists the accounts by extension.
func (s *Store) Accounts(ctx context.Context) ([]AccountRow, error) {
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT a.id, COALESCE(a.user_id, 0), COALESCE(u.display_name, ''), a.username, a.disabled, a.created_at, a.updated_at
		FROM sip_accounts a LEFT JOIN users u ON u.id = a.user_id
		ORDER BY a.username`)
	if err != nil {
		return nil, fmt.Errorf("sip: accounts: %w", err)
	}
	defer rows.Close()
	var out []AccountRow
	for rows.Next() {
		var r AccountRow
		if err := rows.Scan(&r.ID, &r.UserID, &r.UserName, &r.Username, &r.Disabled, &r.CreatedAt, &r.UpdatedAt); err != nil {
			return nil, fmt.Errorf("sip: accounts: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// NewPassword makes a random SIP password (16 characters, no look-alikes).
func NewPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

// CreateAccount gives user userID the extension ext with password (a random one when
// empty). It returns the account and the password, which is shown once: only its HA1 is
// stored.
func (s *Store) CreateAccount(ctx context.Context, userID int64, ext, password string) (AccountRow, string, error) {
	ext = strings.TrimSpace(ext)
	if !extensionRE.MatchString(ext) {
		return AccountRow{}, "", errs.Field("username", "An extension is 2 to 8 digits.").WithKey("sip_extension")
	}
	if password == "" {
		password = NewPassword()
	} else if len(password) < 8 {
		return AccountRow{}, "", errs.Field("password", "A SIP password has at least 8 characters.").WithKey("sip_password")
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	var uid any
	if userID > 0 {
		uid = userID
	}
	var id int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if userID > 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE id = $1`, userID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return errs.Field("user_id", "No such user.").WithKey("sip_user")
			}
		}
		return tx.QueryRowContext(ctx, `
			INSERT INTO sip_accounts (user_id, username, realm, ha1, disabled, created_at, updated_at)
			VALUES ($1, $2, $3, $4, FALSE, $5, $5) RETURNING id`,
			uid, ext, s.realm, HA1(ext, s.realm, password), now).Scan(&id)
	})
	if db.IsUniqueViolation(err) {
		return AccountRow{}, "", errs.E(errs.Conflict, "Extension %s is taken.", ext).WithKey("sip_taken")
	}
	if err != nil {
		if _, ok := errs.As(err); ok {
			return AccountRow{}, "", err
		}
		return AccountRow{}, "", fmt.Errorf("sip: create account %s: %w", ext, err)
	}
	row, err := s.account(ctx, id)
	return row, password, err
}

func (s *Store) account(ctx context.Context, id int64) (AccountRow, error) {
	rows, err := s.Accounts(ctx)
	if err != nil {
		return AccountRow{}, err
	}
	for _, r := range rows {
		if r.ID == id {
			return r, nil
		}
	}
	return AccountRow{}, errs.E(errs.NotFound, "No SIP account %d.", id).WithKey("sip_no_account")
}

// ResetPassword gives account id a new random password and returns it (shown once).
func (s *Store) ResetPassword(ctx context.Context, id int64) (AccountRow, string, error) {
	row, err := s.account(ctx, id)
	if err != nil {
		return AccountRow{}, "", err
	}
	password := NewPassword()
	now := time.Now().UTC().Truncate(time.Microsecond)
	if _, err := s.db.Write().ExecContext(ctx, `UPDATE sip_accounts SET ha1 = $1, realm = $2, updated_at = $3 WHERE id = $4`,
		HA1(row.Username, s.realm, password), s.realm, now, id); err != nil {
		return AccountRow{}, "", fmt.Errorf("sip: reset password %d: %w", id, err)
	}
	row.UpdatedAt = now
	return row, password, nil
}

// SetDisabled disables or enables account id. A disabled phone cannot register.
func (s *Store) SetDisabled(ctx context.Context, id int64, disabled bool) (AccountRow, error) {
	now := time.Now().UTC().Truncate(time.Microsecond)
	res, err := s.db.Write().ExecContext(ctx, `UPDATE sip_accounts SET disabled = $1, updated_at = $2 WHERE id = $3`, disabled, now, id)
	if err != nil {
		return AccountRow{}, fmt.Errorf("sip: disable %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return AccountRow{}, errs.E(errs.NotFound, "No SIP account %d.", id).WithKey("sip_no_account")
	}
	return s.account(ctx, id)
}

// Trunks lists the trunks by name with their DIDs.
func (s *Store) Trunks(ctx context.Context) ([]Trunk, error) {
	rows, err := s.db.Read().QueryContext(ctx, `
		SELECT id, name, host, port, transport, username, password, caller_id, is_default, enabled
		FROM sip_trunks ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("sip: trunks: %w", err)
	}
	var out []Trunk
	idx := map[int64]int{}
	for rows.Next() {
		var t Trunk
		if err := rows.Scan(&t.ID, &t.Name, &t.Host, &t.Port, &t.Transport, &t.Username, &t.Password, &t.CallerID, &t.Default, &t.Enabled); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sip: trunks: %w", err)
		}
		idx[t.ID] = len(out)
		out = append(out, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	drows, err := s.db.Read().QueryContext(ctx, `SELECT trunk_id, number, flow_id FROM sip_trunk_dids ORDER BY number`)
	if err != nil {
		return nil, fmt.Errorf("sip: trunk numbers: %w", err)
	}
	defer drows.Close()
	for drows.Next() {
		var tid int64
		var d DID
		if err := drows.Scan(&tid, &d.Number, &d.FlowID); err != nil {
			return nil, fmt.Errorf("sip: trunk numbers: %w", err)
		}
		if i, ok := idx[tid]; ok {
			out[i].DIDs = append(out[i].DIDs, d)
		}
	}
	return out, drows.Err()
}

// Trunk finds a trunk by id.
func (s *Store) Trunk(ctx context.Context, id int64) (Trunk, error) {
	ts, err := s.Trunks(ctx)
	if err != nil {
		return Trunk{}, err
	}
	for _, t := range ts {
		if t.ID == id {
			return t, nil
		}
	}
	return Trunk{}, errs.E(errs.NotFound, "No trunk %d.", id).WithKey("sip_no_trunk")
}

// validate checks and normalizes a trunk.
func (t *Trunk) validate() error {
	t.Name = strings.TrimSpace(t.Name)
	t.Host = strings.TrimSpace(t.Host)
	t.Transport = strings.ToLower(strings.TrimSpace(t.Transport))
	switch {
	case t.Name == "" || len(t.Name) > 64:
		return errs.Field("name", "A trunk needs a name of at most 64 characters.").WithKey("sip_trunk_name")
	case strings.ContainsAny(t.Host, " /@;<>"):
		return errs.Field("host", "The host is a name or an IP address.").WithKey("sip_trunk_host")
	}
	if t.Transport == "" {
		t.Transport = "udp"
	}
	if t.Transport != "udp" && t.Transport != "tcp" && t.Transport != "tls" {
		return errs.Field("transport", "The transport is udp, tcp or tls.").WithKey("sip_trunk_transport")
	}
	if t.Port == 0 {
		t.Port = 5060
	}
	if t.Port < 1 || t.Port > 65535 {
		return errs.Field("port", "The port is 1 to 65535.").WithKey("sip_trunk_port")
	}
	if t.Default && t.Host == "" {
		return errs.Field("host", "The default outbound trunk needs a host.").WithKey("sip_trunk_default")
	}
	seen := map[string]bool{}
	for i := range t.DIDs {
		n := NormalizeNumber(t.DIDs[i].Number)
		if n == "" || len(n) > 32 {
			return errs.Field("dids", fmt.Sprintf("%q is not a phone number.", t.DIDs[i].Number)).WithKey("sip_trunk_did")
		}
		if seen[n] {
			return errs.Field("dids", fmt.Sprintf("%s is listed twice.", n)).WithKey("sip_trunk_did_twice")
		}
		if t.DIDs[i].FlowID < 0 {
			return errs.Field("dids", "A flow id is 0 (the default flow) or more.").WithKey("sip_trunk_flow")
		}
		seen[n] = true
		t.DIDs[i].Number = n
	}
	return nil
}

// SaveTrunk creates t (ID 0) or replaces it. Only one trunk is the default: saving a
// default trunk clears the flag on the others.
func (s *Store) SaveTrunk(ctx context.Context, t *Trunk) error {
	if err := t.validate(); err != nil {
		return err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if t.Default {
			if _, err := tx.ExecContext(ctx, `UPDATE sip_trunks SET is_default = FALSE WHERE id <> $1`, t.ID); err != nil {
				return err
			}
		}
		if t.ID == 0 {
			if err := tx.QueryRowContext(ctx, `
				INSERT INTO sip_trunks (name, host, port, transport, username, password, caller_id, is_default, enabled, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id`,
				t.Name, t.Host, t.Port, t.Transport, t.Username, t.Password, t.CallerID, t.Default, t.Enabled, now).Scan(&t.ID); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `
				UPDATE sip_trunks SET name = $1, host = $2, port = $3, transport = $4, username = $5, password = $6,
					caller_id = $7, is_default = $8, enabled = $9, updated_at = $10 WHERE id = $11`,
				t.Name, t.Host, t.Port, t.Transport, t.Username, t.Password, t.CallerID, t.Default, t.Enabled, now, t.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errs.E(errs.NotFound, "No trunk %d.", t.ID).WithKey("sip_no_trunk")
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM sip_trunk_dids WHERE trunk_id = $1`, t.ID); err != nil {
				return err
			}
		}
		for _, d := range t.DIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO sip_trunk_dids (trunk_id, number, flow_id) VALUES ($1, $2, $3)`, t.ID, d.Number, d.FlowID); err != nil {
				return err
			}
		}
		return nil
	})
	if db.IsUniqueViolation(err) {
		return errs.E(errs.Conflict, "The trunk name or one of its numbers is taken.").WithKey("sip_trunk_taken")
	}
	if err != nil {
		if _, ok := errs.As(err); ok {
			return err
		}
		return fmt.Errorf("sip: save trunk %s: %w", t.Name, err)
	}
	return nil
}

// DeleteTrunk removes trunk id and its numbers.
func (s *Store) DeleteTrunk(ctx context.Context, id int64) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sip_trunk_dids WHERE trunk_id = $1`, id); err != nil {
			return fmt.Errorf("sip: delete trunk %d: %w", id, err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM sip_trunks WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("sip: delete trunk %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, "No trunk %d.", id).WithKey("sip_no_trunk")
		}
		return nil
	})
}
