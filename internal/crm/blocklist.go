package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
)

// BlockEntry is one line of the blocklist: an exact number (stored normalized, see
// NormalizePhone) or a prefix pattern ending in * ("170*", "+86170*", "0755*"). Calls
// from a matching number are refused while the entry has not expired; each refusal counts
// as a hit.
type BlockEntry struct {
	ID        int64
	Pattern   string
	Reason    string
	Auto      bool      // added by the switchboard for calling too often
	CreatedBy int64     // 0 for the system
	CreatedAt time.Time //
	ExpiresAt time.Time // zero: never
	Hits      int
	LastHitAt time.Time
}

// Prefix reports whether the entry is a pattern rather than one number.
func (e BlockEntry) Prefix() bool { return strings.HasSuffix(e.Pattern, "*") }

// Expired reports whether the entry no longer blocks at now.
func (e BlockEntry) Expired(now time.Time) bool {
	return !e.ExpiresAt.IsZero() && !now.Before(e.ExpiresAt)
}

// BlockInput is a new blocklist entry.
type BlockInput struct {
	Pattern   string
	Reason    string
	Auto      bool
	CreatedBy int64
	ExpiresAt time.Time // zero: never
}

// BlockStore reads and writes the blocklist.
type BlockStore struct {
	db  *db.DB
	now func() time.Time
}

// NewBlockStore returns a BlockStore over d.
func NewBlockStore(d *db.DB) *BlockStore { return &BlockStore{db: d, now: time.Now} }

func (s *BlockStore) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// BlockPattern checks and normalizes a pattern as people type it: a phone number in any
// common format becomes its stored form; a prefix ends in * and holds only digits after
// an optional leading +.
func BlockPattern(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if p, ok := strings.CutSuffix(raw, "*"); ok {
		p = strings.NewReplacer(" ", "", "-", "").Replace(p)
		digits := strings.TrimPrefix(p, "+")
		if digits == "" || len(digits) > 15 || strings.Trim(digits, "0123456789") != "" {
			return "", errs.Field("pattern", "A prefix is digits (with an optional +) followed by *, e.g. 170* or +86170*.").WithKey("block_pattern")
		}
		return p + "*", nil
	}
	n, err := NormalizePhone(raw)
	if err != nil {
		return "", errs.Field("pattern", "Enter a phone number or a prefix ending in *, e.g. 170*.").WithKey("block_pattern")
	}
	return n, nil
}

// BlockForms are the forms of a normalized number that patterns are matched against:
// the stored form, and for Chinese numbers the national forms (17012345678 for mobiles,
// 075588776655 and 75588776655 for landlines), so "170*" and "0755*" match as people mean.
func BlockForms(number string) []string {
	forms := []string{number}
	if n, ok := strings.CutPrefix(number, "+86"); ok {
		forms = append(forms, n)
		if !(len(n) == 11 && n[0] == '1' && n[1] >= '3') {
			forms = append(forms, "0"+n)
		}
	}
	return forms
}

// BlockMatches reports whether pattern blocks the normalized number.
func BlockMatches(pattern, number string) bool {
	p, prefix := strings.CutSuffix(pattern, "*")
	for _, f := range BlockForms(number) {
		if (prefix && strings.HasPrefix(f, p)) || (!prefix && f == p) {
			return true
		}
	}
	return false
}

// Add validates and stores an entry. A pattern that is already listed is a conflict.
func (s *BlockStore) Add(ctx context.Context, in BlockInput) (*BlockEntry, error) {
	p, err := BlockPattern(in.Pattern)
	if err != nil {
		return nil, err
	}
	in.Reason = strings.TrimSpace(in.Reason)
	if utf8.RuneCountInString(in.Reason) > 200 {
		return nil, errs.Field("reason", "The reason must have at most 200 characters.").WithKey("block_reason")
	}
	now := s.clock()
	if !in.ExpiresAt.IsZero() && !in.ExpiresAt.After(now) {
		return nil, errs.Field("expires_at", "The expiry must be in the future.").WithKey("block_expiry")
	}
	e := &BlockEntry{Pattern: p, Reason: in.Reason, Auto: in.Auto, CreatedBy: in.CreatedBy, CreatedAt: now, ExpiresAt: in.ExpiresAt.UTC().Truncate(time.Microsecond)}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		// An expired entry of the same pattern makes way for the new one.
		if _, err := tx.ExecContext(ctx, `DELETE FROM blocklist WHERE pattern = $1 AND expires_at IS NOT NULL AND expires_at <= $2`, p, now); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO blocklist (pattern, reason, auto, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			p, e.Reason, e.Auto, blockNullInt(e.CreatedBy), now, blockNullTime(e.ExpiresAt)).Scan(&e.ID)
	})
	if db.IsUniqueViolation(err) {
		return nil, errs.Field("pattern", "This number or prefix is already blocked.").WithKey("block_exists")
	}
	if err != nil {
		return nil, fmt.Errorf("crm: block %s: %w", p, err)
	}
	return e, nil
}

// Remove deletes an entry.
func (s *BlockStore) Remove(ctx context.Context, id int64) error {
	res, err := s.db.Write().ExecContext(ctx, `DELETE FROM blocklist WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("crm: unblock %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, "No such blocklist entry.").WithKey("not_found")
	}
	return nil
}

const blockColumns = `id, pattern, reason, auto, created_by, created_at, expires_at, hits, last_hit_at`

func blockScan(sc interface{ Scan(...any) error }) (BlockEntry, error) {
	var e BlockEntry
	var by sql.NullInt64
	var exp, last sql.NullTime
	err := sc.Scan(&e.ID, &e.Pattern, &e.Reason, &e.Auto, &by, &e.CreatedAt, &exp, &e.Hits, &last)
	e.CreatedBy, e.ExpiresAt, e.LastHitAt = by.Int64, exp.Time, last.Time
	return e, err
}

// List returns every entry, newest first, expired ones included (they block nothing).
func (s *BlockStore) List(ctx context.Context) ([]BlockEntry, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+blockColumns+` FROM blocklist ORDER BY id DESC`)
	if err != nil {
		return nil, fmt.Errorf("crm: list blocklist: %w", err)
	}
	defer rows.Close()
	var out []BlockEntry
	for rows.Next() {
		e, err := blockScan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Get returns one entry.
func (s *BlockStore) Get(ctx context.Context, id int64) (*BlockEntry, error) {
	e, err := blockScan(s.db.Read().QueryRowContext(ctx, `SELECT `+blockColumns+` FROM blocklist WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "No such blocklist entry.").WithKey("not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("crm: blocklist entry %d: %w", id, err)
	}
	return &e, nil
}

// Check finds the entry that blocks a caller at now and counts the hit: an exact entry
// before a prefix, a longer prefix before a shorter one. It returns nil when the caller
// may call. number is the caller id as received; one that is not a phone number (an
// anonymous caller) matches nothing.
func (s *BlockStore) Check(ctx context.Context, number string) (*BlockEntry, error) {
	n, err := NormalizePhone(number)
	if err != nil {
		return nil, nil
	}
	now := s.clock()
	var hit *BlockEntry
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+blockColumns+` FROM blocklist WHERE expires_at IS NULL OR expires_at > $1`, now)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			e, err := blockScan(rows)
			if err != nil {
				return err
			}
			if BlockMatches(e.Pattern, n) && (hit == nil || blockBetter(e, *hit)) {
				hit = &e
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		rows.Close()
		if hit == nil {
			return nil
		}
		hit.Hits++
		hit.LastHitAt = now
		_, err = tx.ExecContext(ctx, `UPDATE blocklist SET hits = hits + 1, last_hit_at = $1 WHERE id = $2`, now, hit.ID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("crm: check blocklist for %s: %w", n, err)
	}
	return hit, nil
}

// blockBetter orders matching entries: exact numbers first, then longer prefixes.
func blockBetter(a, b BlockEntry) bool {
	if a.Prefix() != b.Prefix() {
		return !a.Prefix()
	}
	return len(a.Pattern) > len(b.Pattern)
}

func blockNullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

func blockNullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
