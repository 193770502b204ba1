package qa

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// Store reads and writes scorecards, samples, evaluations, calibrations and talk analyses.
type Store struct {
	db      *db.DB
	events  *events.Log
	loc     *time.Location
	dataDir string
	now     func() time.Time
}

// Options configure a Store.
type Options struct {
	Location *time.Location // the center's time zone (weeks start on its Mondays)
	DataDir  string         // recordings are relative to it
}

// New returns a Store.
func New(d *db.DB, ev *events.Log, o Options) *Store {
	if o.Location == nil {
		o.Location = time.UTC
	}
	return &Store{db: d, events: ev, loc: o.Location, dataDir: o.DataDir, now: time.Now}
}

func utc(t time.Time) time.Time { return t.UTC().Truncate(time.Microsecond) }

func nullTime(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func (s *Store) path(rel string) string { return filepath.Join(s.dataDir, filepath.FromSlash(rel)) }

// Scorecard is a scorecard with its current form.
type Scorecard struct {
	ID          int64
	Name        string
	Description string
	Queues      []string // queue codes it applies to; empty: every queue
	Directions  []string // call directions it applies to; empty: both
	Active      bool
	Version     int   // current version number
	VersionID   int64 // current version's id
	Form        Form
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Applies reports whether the scorecard is meant for a call of queue and direction.
func (c *Scorecard) Applies(queue, direction string) bool {
	return c.Active && (len(c.Queues) == 0 || slices.Contains(c.Queues, queue)) &&
		(len(c.Directions) == 0 || slices.Contains(c.Directions, direction))
}

// Version is one saved form of a scorecard.
type Version struct {
	ID          int64
	ScorecardID int64
	Version     int
	Form        Form
	CreatedBy   int64
	CreatedAt   time.Time
}

// ScorecardInput creates a scorecard or changes one (a changed form makes a new version).
type ScorecardInput struct {
	Name        string
	Description string
	Queues      []string
	Directions  []string
	Active      bool
	Form        Form
}

func (in *ScorecardInput) validate() error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len([]rune(in.Name)) > 100 {
		return errs.Field("name", "A scorecard needs a name of at most 100 characters.").WithKey("qa_name")
	}
	for _, d := range in.Directions {
		if d != "inbound" && d != "outbound" {
			return errs.Field("directions", "A direction is inbound or outbound.").WithKey("qa_direction")
		}
	}
	in.Queues = cleanList(in.Queues)
	in.Directions = cleanList(in.Directions)
	return in.Form.normalize()
}

func cleanList(xs []string) []string {
	out := []string{}
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" && !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only our own types are marshalled
	}
	return string(b)
}

// CreateScorecard saves a new scorecard at version 1.
func (s *Store) CreateScorecard(ctx context.Context, actor int64, in ScorecardInput) (*Scorecard, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	now := utc(s.now())
	var id int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO qa_scorecards (name, description, queues, directions, active, version, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, 1, $6, $6) RETURNING id`, in.Name, in.Description, jsonText(in.Queues), jsonText(in.Directions), in.Active, now).Scan(&id)
		if db.IsUniqueViolation(err) {
			return errs.Field("name", "A scorecard of that name exists.").WithKey("qa_name_taken")
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO qa_scorecard_versions (scorecard_id, version, form, created_by, created_at) VALUES ($1, 1, $2, $3, $4)`,
			id, jsonText(in.Form), nullID(actor), now)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("qa: create scorecard: %w", err)
	}
	return s.Scorecard(ctx, id)
}

// UpdateScorecard changes a scorecard; a form that differs from the current one becomes a
// new version, and evaluations made on older versions keep theirs.
func (s *Store) UpdateScorecard(ctx context.Context, actor, id int64, in ScorecardInput) (*Scorecard, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	cur, err := s.Scorecard(ctx, id)
	if err != nil {
		return nil, err
	}
	now := utc(s.now())
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		version := cur.Version
		if jsonText(in.Form) != jsonText(cur.Form) {
			version++
			if _, err := tx.ExecContext(ctx, `INSERT INTO qa_scorecard_versions (scorecard_id, version, form, created_by, created_at) VALUES ($1, $2, $3, $4, $5)`,
				id, version, jsonText(in.Form), nullID(actor), now); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `UPDATE qa_scorecards SET name = $1, description = $2, queues = $3, directions = $4, active = $5, version = $6, updated_at = $7 WHERE id = $8`,
			in.Name, in.Description, jsonText(in.Queues), jsonText(in.Directions), in.Active, version, now, id)
		if db.IsUniqueViolation(err) {
			return errs.Field("name", "A scorecard of that name exists.").WithKey("qa_name_taken")
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("qa: update scorecard %d: %w", id, err)
	}
	return s.Scorecard(ctx, id)
}

const scorecardCols = `c.id, c.name, c.description, c.queues, c.directions, c.active, c.version, v.id, v.form, c.created_at, c.updated_at
	FROM qa_scorecards c JOIN qa_scorecard_versions v ON v.scorecard_id = c.id AND v.version = c.version`

func scanScorecard(row interface{ Scan(...any) error }) (*Scorecard, error) {
	var c Scorecard
	var queues, dirs, form string
	if err := row.Scan(&c.ID, &c.Name, &c.Description, &queues, &dirs, &c.Active, &c.Version, &c.VersionID, &form, &c.CreatedAt, &c.UpdatedAt); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(queues), &c.Queues); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(dirs), &c.Directions); err != nil {
		return nil, err
	}
	return &c, json.Unmarshal([]byte(form), &c.Form)
}

// Scorecard returns a scorecard with its current form.
func (s *Store) Scorecard(ctx context.Context, id int64) (*Scorecard, error) {
	c, err := scanScorecard(s.db.Read().QueryRowContext(ctx, `SELECT `+scorecardCols+` WHERE c.id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, errs.E(errs.NotFound, "No such scorecard.").WithKey("qa_scorecard_not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("qa: scorecard %d: %w", id, err)
	}
	return c, nil
}

// Scorecards lists every scorecard by name.
func (s *Store) Scorecards(ctx context.Context) ([]*Scorecard, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+scorecardCols+` ORDER BY c.name`)
	if err != nil {
		return nil, fmt.Errorf("qa: scorecards: %w", err)
	}
	defer rows.Close()
	var out []*Scorecard
	for rows.Next() {
		c, err := scanScorecard(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Versions lists a scorecard's versions, newest first.
func (s *Store) Versions(ctx context.Context, scorecardID int64) ([]Version, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, scorecard_id, version, form, created_by, created_at FROM qa_scorecard_versions
		WHERE scorecard_id = $1 ORDER BY version DESC`, scorecardID)
	if err != nil {
		return nil, fmt.Errorf("qa: versions of %d: %w", scorecardID, err)
	}
	defer rows.Close()
	var out []Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *v)
	}
	return out, rows.Err()
}

func scanVersion(row interface{ Scan(...any) error }) (*Version, error) {
	var v Version
	var form string
	var by sql.NullInt64
	if err := row.Scan(&v.ID, &v.ScorecardID, &v.Version, &form, &by, &v.CreatedAt); err != nil {
		return nil, err
	}
	v.CreatedBy = by.Int64
	return &v, json.Unmarshal([]byte(form), &v.Form)
}

// version returns one version by id.
func (s *Store) version(ctx context.Context, q db.Queryer, id int64) (*Version, error) {
	v, err := scanVersion(q.QueryRowContext(ctx, `SELECT id, scorecard_id, version, form, created_by, created_at FROM qa_scorecard_versions WHERE id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, errs.E(errs.NotFound, "No such scorecard version.").WithKey("qa_scorecard_not_found")
	}
	return v, err
}
