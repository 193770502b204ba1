package qa

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Calibration is a session in which several evaluators score the same call.
type Calibration struct {
	ID            int64
	CallID        int64
	VersionID     int64
	ScorecardName string
	Name          string
	CreatedBy     int64
	CreatedAt     time.Time
}

// CreateCalibration opens a session on a call with a scorecard's current version.
func (s *Store) CreateCalibration(ctx context.Context, actor, callID, scorecardID int64, name string) (*Calibration, error) {
	c, err := s.Scorecard(ctx, scorecardID)
	if err != nil {
		return nil, err
	}
	var agent sql.NullInt64
	err = s.db.Read().QueryRowContext(ctx, `SELECT agent_id FROM calls WHERE id = $1`, callID).Scan(&agent)
	if err == sql.ErrNoRows || (err == nil && !agent.Valid) {
		return nil, errs.Field("call_id", "Only calls an agent answered can be scored.").WithKey("qa_call_unanswered")
	}
	if err != nil {
		return nil, err
	}
	name = strings.TrimSpace(name)
	var id int64
	err = s.db.Write().QueryRowContext(ctx, `INSERT INTO qa_calibrations (call_id, version_id, name, created_by, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		callID, c.VersionID, name, nullID(actor), utc(s.now())).Scan(&id)
	if err != nil {
		return nil, fmt.Errorf("qa: create calibration: %w", err)
	}
	return &Calibration{ID: id, CallID: callID, VersionID: c.VersionID, ScorecardName: c.Name, Name: name, CreatedBy: actor}, nil
}

// Calibrations lists the sessions, newest first.
func (s *Store) Calibrations(ctx context.Context) ([]Calibration, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT k.id, k.call_id, k.version_id, c.name, k.name, k.created_by, k.created_at FROM qa_calibrations k
		JOIN qa_scorecard_versions v ON v.id = k.version_id JOIN qa_scorecards c ON c.id = v.scorecard_id ORDER BY k.id DESC LIMIT 200`)
	if err != nil {
		return nil, fmt.Errorf("qa: calibrations: %w", err)
	}
	defer rows.Close()
	var out []Calibration
	for rows.Next() {
		var k Calibration
		var by sql.NullInt64
		if err := rows.Scan(&k.ID, &k.CallID, &k.VersionID, &k.ScorecardName, &k.Name, &by, &k.CreatedAt); err != nil {
			return nil, err
		}
		k.CreatedBy = by.Int64
		out = append(out, k)
	}
	return out, rows.Err()
}

// Spread is the agreement of a calibration session's evaluators on one item (or on the
// total): item scores on 0-100.
type Spread struct {
	Key, Text      string // "" for the total
	N              int
	Min, Max, Mean float64
	StdDev         float64 // population standard deviation
}

// CalibrationSpread returns each item's and the total's spread over the session's
// evaluations (the total last), and the evaluations.
func (s *Store) CalibrationSpread(ctx context.Context, id int64) ([]Spread, []*Evaluation, error) {
	var versionID int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT version_id FROM qa_calibrations WHERE id = $1`, id).Scan(&versionID)
	if err == sql.ErrNoRows {
		return nil, nil, errs.E(errs.NotFound, "No such calibration session.").WithKey("qa_calibration_not_found")
	}
	if err != nil {
		return nil, nil, err
	}
	v, err := s.version(ctx, s.db.Read(), versionID)
	if err != nil {
		return nil, nil, err
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+evaluationCols+` WHERE e.calibration_id = $1 ORDER BY e.id`, id)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var evs []*Evaluation
	for rows.Next() {
		e, err := scanEvaluation(rows)
		if err != nil {
			return nil, nil, err
		}
		evs = append(evs, e)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	var out []Spread
	for _, it := range v.Form.Items() {
		var xs []float64
		for _, e := range evs {
			if a, ok := e.Answers[it.Key]; ok {
				xs = append(xs, float64(a.Value)/float64(it.Max)*100)
			}
		}
		out = append(out, spread(it.Key, it.Text, xs))
	}
	var totals []float64
	for _, e := range evs {
		totals = append(totals, e.Score)
	}
	return append(out, spread("", "", totals)), evs, nil
}

func spread(key, text string, xs []float64) Spread {
	sp := Spread{Key: key, Text: text, N: len(xs)}
	if len(xs) == 0 {
		return sp
	}
	sp.Min, sp.Max = xs[0], xs[0]
	var sum float64
	for _, x := range xs {
		sp.Min, sp.Max = min(sp.Min, x), max(sp.Max, x)
		sum += x
	}
	sp.Mean = sum / float64(len(xs))
	var sq float64
	for _, x := range xs {
		sq += (x - sp.Mean) * (x - sp.Mean)
	}
	sp.StdDev = round2(math.Sqrt(sq / float64(len(xs))))
	sp.Mean, sp.Min, sp.Max = round2(sp.Mean), round2(sp.Min), round2(sp.Max)
	return sp
}
