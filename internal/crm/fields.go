package crm

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// FieldDef is an admin-defined custom field of customers (e.g. "industry", a choice of
// retail/education/government; "contract_end", a date).
type FieldDef struct {
	ID       int64
	Key      string // a-z, 0-9 and _, starting with a letter
	LabelZH  string
	LabelEN  string
	Kind     string   // text, number, date, choice
	Options  []string // the choices of a choice field
	Position int
}

// Label is the field's label in a language (zh-CN or en).
func (d FieldDef) Label(lang string) string {
	if lang == "en" {
		return d.LabelEN
	}
	return d.LabelZH
}

var fieldKeyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]{0,31}$`)

// FieldDefs lists the custom field definitions in display order.
func (s *Store) FieldDefs(ctx context.Context) ([]FieldDef, error) {
	return fieldDefs(ctx, s.db.Read())
}

func fieldDefs(ctx context.Context, q db.Queryer) ([]FieldDef, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, key, label_zh, label_en, kind, options, position FROM customer_fields ORDER BY position, id`)
	if err != nil {
		return nil, fmt.Errorf("crm: field definitions: %w", err)
	}
	defer rows.Close()
	var out []FieldDef
	for rows.Next() {
		var d FieldDef
		var opts string
		if err := rows.Scan(&d.ID, &d.Key, &d.LabelZH, &d.LabelEN, &d.Kind, &opts, &d.Position); err != nil {
			return nil, err
		}
		if opts != "" {
			d.Options = strings.Split(opts, "\n")
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// SaveFieldDef creates a definition (ID 0) or changes one; the key of a stored field
// does not change, so stored values keep their meaning.
func (s *Store) SaveFieldDef(ctx context.Context, actorID int64, d *FieldDef) error {
	var p problems
	d.Key, d.LabelZH, d.LabelEN = strings.TrimSpace(d.Key), strings.TrimSpace(d.LabelZH), strings.TrimSpace(d.LabelEN)
	if d.ID == 0 && !fieldKeyPattern.MatchString(d.Key) {
		p.add("key", fieldErr("key", "field_key", "Field key must be 1 to 32 characters a-z, 0-9 or _, starting with a letter."))
	}
	if d.LabelZH == "" || d.LabelEN == "" || utf8.RuneCountInString(d.LabelZH) > 50 || utf8.RuneCountInString(d.LabelEN) > 50 {
		p.add("label", fieldErr("label", "field_label", "A field needs a Chinese and an English label of at most 50 characters."))
	}
	if !slices.Contains(FieldKinds, d.Kind) {
		p.add("kind", fieldErr("kind", "field_kind", "Field kind must be text, number, date or choice."))
	}
	var opts []string
	for _, o := range d.Options {
		if o = strings.TrimSpace(o); o != "" && !slices.Contains(opts, o) {
			opts = append(opts, o)
		}
	}
	d.Options = opts
	if d.Kind == FieldChoice && len(opts) == 0 {
		p.add("options", fieldErr("options", "field_options", "A choice field needs at least one option."))
	}
	if d.Kind != FieldChoice {
		d.Options = nil
	}
	if err := p.err(); err != nil {
		return err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if d.ID == 0 {
			err = tx.QueryRowContext(ctx, `INSERT INTO customer_fields (key, label_zh, label_en, kind, options, position, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, d.Key, d.LabelZH, d.LabelEN, d.Kind, strings.Join(d.Options, "\n"), d.Position, s.clock()).Scan(&d.ID)
			if db.IsUniqueViolation(err) {
				return fieldErr("key", "field_taken", "A field with the key %s exists.", d.Key)
			}
		} else {
			var res sql.Result
			res, err = tx.ExecContext(ctx, `UPDATE customer_fields SET label_zh = $1, label_en = $2, kind = $3, options = $4, position = $5 WHERE id = $6`,
				d.LabelZH, d.LabelEN, d.Kind, strings.Join(d.Options, "\n"), d.Position, d.ID)
			if n, _ := rowsAffected(res, err); err == nil && n == 0 {
				return errs.E(errs.NotFound, "Custom field %d not found.", d.ID).WithKey("not_found")
			}
		}
		if err != nil {
			return fmt.Errorf("crm: save field %s: %w", d.Key, err)
		}
		return s.events.Append(ctx, tx, &events.Event{Kind: "settings.customer_field", ActorID: actorID,
			Data: map[string]any{"key": d.Key, "kind": d.Kind}})
	})
	return err
}

func rowsAffected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// DeleteFieldDef removes a definition. Values already stored stay in the records but
// are no longer shown or accepted.
func (s *Store) DeleteFieldDef(ctx context.Context, actorID, id int64) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var key string
		if err := tx.QueryRowContext(ctx, `DELETE FROM customer_fields WHERE id = $1 RETURNING key`, id).Scan(&key); err != nil {
			if err == sql.ErrNoRows {
				return errs.E(errs.NotFound, "Custom field %d not found.", id).WithKey("not_found")
			}
			return fmt.Errorf("crm: delete field %d: %w", id, err)
		}
		return s.events.Append(ctx, tx, &events.Event{Kind: "settings.customer_field_deleted", ActorID: actorID, Data: map[string]any{"key": key}})
	})
}
