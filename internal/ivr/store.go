package ivr

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Store keeps flows and uploaded prompts.
type Store struct {
	db *db.DB
	// dir is the folder for uploaded prompt files (<data>/prompts).
	dir string
	// queues lists the codes of the ACD's queues, for validating queue nodes.
	queues func(ctx context.Context) ([]string, error)
	// calendars lists the ids of the business calendars, for validating hours nodes
	// (nil: not checked).
	calendars func(ctx context.Context) ([]int64, error)
}

// UseCalendars makes validation check that an hours node's calendar is one of those ids
// lists.
func (s *Store) UseCalendars(ids func(ctx context.Context) ([]int64, error)) { s.calendars = ids }

// NewStore returns a Store over d that keeps uploaded prompts under dir and asks queues
// which queue codes exist.
func NewStore(d *db.DB, dir string, queues func(ctx context.Context) ([]string, error)) *Store {
	return &Store{db: d, dir: dir, queues: queues}
}

// FlowSummary is a flow in the list.
type FlowSummary struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Language  string    `json:"language"`
	IsDefault bool      `json:"is_default"`
	Version   int       `json:"version"`
	Nodes     int       `json:"nodes"`
	UpdatedAt time.Time `json:"updated_at"`
}

// definition is the stored JSON of a flow's graph.
type definition struct {
	Start string `json:"start"`
	Nodes []Node `json:"nodes"`
}

func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// Catalog returns what validation checks flows against: the queues and prompts that exist.
func (s *Store) Catalog(ctx context.Context) (Catalog, error) {
	codes, err := s.queues(ctx)
	if err != nil {
		return Catalog{}, fmt.Errorf("ivr: queues: %w", err)
	}
	uploaded, err := s.uploadedNames(ctx)
	if err != nil {
		return Catalog{}, err
	}
	cat := Catalog{
		Queue: func(code string) bool { return slices.Contains(codes, code) },
		Prompt: func(lang, name string) bool {
			return shippedPrompt(lang, name) || uploaded[lang+"/"+name]
		},
	}
	if s.calendars != nil {
		ids, err := s.calendars(ctx)
		if err != nil {
			return Catalog{}, fmt.Errorf("ivr: calendars: %w", err)
		}
		cat.Calendar = func(id int64) bool { return slices.Contains(ids, id) }
	}
	return cat, nil
}

// Check validates f against the current queues and prompts without saving it.
func (s *Store) Check(ctx context.Context, f *Flow) (Problems, error) {
	cat, err := s.Catalog(ctx)
	if err != nil {
		return nil, err
	}
	return Validate(f, cat), nil
}

// Flows lists every flow, the default first, then by name.
func (s *Store) Flows(ctx context.Context) ([]FlowSummary, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, name, language, is_default, version, definition, updated_at
		FROM ivr_flows ORDER BY is_default DESC, name`)
	if err != nil {
		return nil, fmt.Errorf("ivr: list flows: %w", err)
	}
	defer rows.Close()
	out := []FlowSummary{}
	for rows.Next() {
		var f FlowSummary
		var def string
		if err := rows.Scan(&f.ID, &f.Name, &f.Language, &f.IsDefault, &f.Version, &def, &f.UpdatedAt); err != nil {
			return nil, fmt.Errorf("ivr: list flows: %w", err)
		}
		var d definition
		if json.Unmarshal([]byte(def), &d) == nil {
			f.Nodes = len(d.Nodes)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

const flowColumns = `id, name, language, definition, is_default, version, created_at, updated_at`

func scanFlow(row interface{ Scan(...any) error }) (*Flow, error) {
	var f Flow
	var def string
	if err := row.Scan(&f.ID, &f.Name, &f.Language, &def, &f.IsDefault, &f.Version, &f.CreatedAt, &f.UpdatedAt); err != nil {
		return nil, err
	}
	var d definition
	if err := json.Unmarshal([]byte(def), &d); err != nil {
		return nil, fmt.Errorf("ivr: flow %d: stored definition: %w", f.ID, err)
	}
	f.Start, f.Nodes = d.Start, d.Nodes
	return &f, nil
}

// Flow returns one flow.
func (s *Store) Flow(ctx context.Context, id int64) (*Flow, error) {
	f, err := scanFlow(s.db.Read().QueryRowContext(ctx, `SELECT `+flowColumns+` FROM ivr_flows WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "No IVR flow %d.", id).WithKey("ivr_flow_not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("ivr: flow %d: %w", id, err)
	}
	return f, nil
}

// DefaultFlow returns the flow for calls to numbers that match no trunk DID.
func (s *Store) DefaultFlow(ctx context.Context) (*Flow, error) {
	f, err := scanFlow(s.db.Read().QueryRowContext(ctx, `SELECT `+flowColumns+` FROM ivr_flows WHERE is_default`))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "There is no default IVR flow.").WithKey("ivr_no_default")
	}
	if err != nil {
		return nil, fmt.Errorf("ivr: default flow: %w", err)
	}
	return f, nil
}

// clean trims what people type and fills defaults before validation.
func clean(f *Flow) {
	f.Name = strings.TrimSpace(f.Name)
	f.Start = strings.TrimSpace(f.Start)
	for i := range f.Nodes {
		n := &f.Nodes[i]
		n.ID = strings.TrimSpace(n.ID)
		n.Name = strings.TrimSpace(n.Name)
		exits := n.Exits[:0]
		for _, e := range n.Exits {
			e.Name, e.To = strings.TrimSpace(e.Name), strings.TrimSpace(e.To)
			if e.Name != "" || e.To != "" {
				exits = append(exits, e)
			}
		}
		n.Exits = exits
		if n.Kind == KindLookup {
			n.Params.Method = strings.ToUpper(strings.TrimSpace(n.Params.Method))
		}
	}
}

// CreateFlow validates and stores a new flow; the first flow becomes the default.
func (s *Store) CreateFlow(ctx context.Context, f *Flow, by int64) error {
	clean(f)
	if err := s.valid(ctx, f); err != nil {
		return err
	}
	def, _ := json.Marshal(definition{Start: f.Start, Nodes: f.Nodes})
	t := now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM ivr_flows WHERE is_default`).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			f.IsDefault = true
		} else if f.IsDefault {
			if _, err := tx.ExecContext(ctx, `UPDATE ivr_flows SET is_default = FALSE WHERE is_default`); err != nil {
				return err
			}
		}
		f.Version, f.CreatedAt, f.UpdatedAt = 1, t, t
		if err := tx.QueryRowContext(ctx, `INSERT INTO ivr_flows (name, language, definition, is_default, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 1, $5, $5) RETURNING id`, f.Name, f.Language, string(def), f.IsDefault, t).Scan(&f.ID); err != nil {
			return err
		}
		return saveVersion(ctx, tx, f.ID, 1, def, by, t)
	})
	if db.IsUniqueViolation(err) {
		return errs.Field("name", "A flow with this name exists.").WithKey("ivr_name_taken")
	}
	if err != nil {
		return fmt.Errorf("ivr: create flow %q: %w", f.Name, err)
	}
	return nil
}

// UpdateFlow validates and saves a changed flow. f.Version must be the version it was
// read at (0 skips the check): a flow changed meanwhile by someone else is a conflict.
// IsDefault is changed only by SetDefault.
func (s *Store) UpdateFlow(ctx context.Context, f *Flow, by int64) error {
	clean(f)
	if err := s.valid(ctx, f); err != nil {
		return err
	}
	def, _ := json.Marshal(definition{Start: f.Start, Nodes: f.Nodes})
	t := now()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var version int
		var isDefault bool
		var created time.Time
		err := tx.QueryRowContext(ctx, `SELECT version, is_default, created_at FROM ivr_flows WHERE id = $1`, f.ID).Scan(&version, &isDefault, &created)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "No IVR flow %d.", f.ID).WithKey("ivr_flow_not_found")
		}
		if err != nil {
			return err
		}
		if f.Version != 0 && f.Version != version {
			return errs.E(errs.Conflict, "Someone saved this flow meanwhile (version %d); reload it and apply your change again.", version).WithKey("ivr_version", version)
		}
		f.Version, f.IsDefault, f.CreatedAt, f.UpdatedAt = version+1, isDefault, created, t
		if _, err := tx.ExecContext(ctx, `UPDATE ivr_flows SET name = $1, language = $2, definition = $3, version = $4, updated_at = $5 WHERE id = $6`,
			f.Name, f.Language, string(def), f.Version, t, f.ID); err != nil {
			return err
		}
		return saveVersion(ctx, tx, f.ID, f.Version, def, by, t)
	})
	if db.IsUniqueViolation(err) {
		return errs.Field("name", "A flow with this name exists.").WithKey("ivr_name_taken")
	}
	if err != nil {
		if _, ok := errs.As(err); ok {
			return err
		}
		return fmt.Errorf("ivr: update flow %d: %w", f.ID, err)
	}
	return nil
}

func (s *Store) valid(ctx context.Context, f *Flow) error {
	ps, err := s.Check(ctx, f)
	if err != nil {
		return err
	}
	return ps.Err()
}

func saveVersion(ctx context.Context, tx *sql.Tx, id int64, version int, def []byte, by int64, t time.Time) error {
	var user any
	if by > 0 {
		user = by
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO ivr_flow_versions (flow_id, version, definition, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5)`,
		id, version, string(def), user, t)
	return err
}

// SetDefault makes a flow the default one.
func (s *Store) SetDefault(ctx context.Context, id int64) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE ivr_flows SET is_default = FALSE WHERE is_default AND id <> $1`, id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE ivr_flows SET is_default = TRUE WHERE id = $1`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, "No IVR flow %d.", id).WithKey("ivr_flow_not_found")
		}
		return nil
	})
	if _, ok := errs.As(err); err != nil && !ok {
		return fmt.Errorf("ivr: set default flow %d: %w", id, err)
	}
	return err
}

// DeleteFlow removes a flow and its versions. The default flow stays until another is
// made the default.
func (s *Store) DeleteFlow(ctx context.Context, id int64) error {
	f, err := s.Flow(ctx, id)
	if err != nil {
		return err
	}
	if f.IsDefault {
		return errs.E(errs.Conflict, "The default flow cannot be deleted; make another flow the default first.").WithKey("ivr_delete_default")
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM ivr_flow_versions WHERE flow_id = $1`, id); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM ivr_flows WHERE id = $1`, id)
		return err
	})
	if err != nil {
		return fmt.Errorf("ivr: delete flow %d: %w", id, err)
	}
	return nil
}

// Version is one saved version of a flow.
type Version struct {
	Version int       `json:"version"`
	SavedBy int64     `json:"saved_by,omitempty"`
	SavedAt time.Time `json:"saved_at"`
}

// Versions lists a flow's saved versions, newest first.
func (s *Store) Versions(ctx context.Context, id int64) ([]Version, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT version, COALESCE(saved_by, 0), saved_at FROM ivr_flow_versions WHERE flow_id = $1 ORDER BY version DESC`, id)
	if err != nil {
		return nil, fmt.Errorf("ivr: versions of flow %d: %w", id, err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		var v Version
		if err := rows.Scan(&v.Version, &v.SavedBy, &v.SavedAt); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
