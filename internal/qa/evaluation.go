package qa

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// Evaluation states.
const (
	StatusSubmitted    = "submitted"
	StatusAcknowledged = "acknowledged"
	StatusDisputed     = "disputed"
	StatusResolved     = "resolved"
)

// Resolutions of a dispute.
const (
	ResolutionUpheld   = "upheld"
	ResolutionAdjusted = "adjusted"
)

// Evaluation is one scoring of a call on one scorecard version.
type Evaluation struct {
	ID             int64
	CallID         int64
	ScorecardID    int64
	VersionID      int64
	Version        int
	ScorecardName  string
	EvaluatorID    int64
	AgentID        int64
	SampleID       int64
	CalibrationID  int64
	Answers        map[string]Answer
	Comment        string
	Score          float64
	OriginalScore  float64
	Failed         bool
	Status         string
	AcknowledgedAt time.Time
	DisputeComment string
	DisputedAt     time.Time
	Resolution     string
	ResolutionNote string
	ResolvedBy     int64
	ResolvedAt     time.Time
	CreatedAt      time.Time

	Form          Form   // the version's form
	EvaluatorName string // for display
	AgentName     string
}

// EvaluationInput is a new evaluation.
type EvaluationInput struct {
	CallID        int64
	ScorecardID   int64
	CalibrationID int64 // optional: part of a calibration session (its version is used)
	Answers       map[string]Answer
	Comment       string
}

// CanSee reports whether p may read e: quality staff and reviewers every evaluation,
// an agent the evaluations of its own calls (not calibration scorings).
func CanSee(p *auth.Principal, e *Evaluation) bool {
	if p.Can(auth.PermQualityEvaluate) || p.Can(auth.PermQualityReview) {
		return true
	}
	return e.CalibrationID == 0 && e.AgentID == p.User.ID
}

// Evaluate scores a call for p (who needs PermQualityEvaluate; the route checks it, and
// so does this). The call must have been answered by an agent. The score is computed
// here from the answers; a sample of the call is marked done.
func (s *Store) Evaluate(ctx context.Context, p *auth.Principal, in EvaluationInput) (*Evaluation, error) {
	if !p.Can(auth.PermQualityEvaluate) {
		return nil, errs.E(errs.Forbidden, "You may not score calls.").WithKey("forbidden")
	}
	in.Comment = strings.TrimSpace(in.Comment)
	var id int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var agent sql.NullInt64
		var customer sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT agent_id, customer_id FROM calls WHERE id = $1`, in.CallID).Scan(&agent, &customer)
		if err == sql.ErrNoRows {
			return errs.E(errs.NotFound, "No such call.").WithKey("call_not_found")
		}
		if err != nil {
			return err
		}
		if !agent.Valid {
			return errs.Field("call_id", "Only calls an agent answered can be scored.").WithKey("qa_call_unanswered")
		}
		var versionID int64
		if in.CalibrationID != 0 {
			var callID int64
			err := tx.QueryRowContext(ctx, `SELECT call_id, version_id FROM qa_calibrations WHERE id = $1`, in.CalibrationID).Scan(&callID, &versionID)
			if err == sql.ErrNoRows {
				return errs.E(errs.NotFound, "No such calibration session.").WithKey("qa_calibration_not_found")
			}
			if err != nil {
				return err
			}
			if callID != in.CallID {
				return errs.Field("call_id", "The calibration session is about another call.").WithKey("qa_calibration_call")
			}
		} else if err := tx.QueryRowContext(ctx, `SELECT v.id FROM qa_scorecards c JOIN qa_scorecard_versions v ON v.scorecard_id = c.id AND v.version = c.version
			WHERE c.id = $1`, in.ScorecardID).Scan(&versionID); err == sql.ErrNoRows {
			return errs.Field("scorecard_id", "No such scorecard.").WithKey("qa_scorecard_not_found")
		} else if err != nil {
			return err
		}
		v, err := s.version(ctx, tx, versionID)
		if err != nil {
			return err
		}
		res, err := v.Form.Score(in.Answers)
		if err != nil {
			return err
		}
		var sample sql.NullInt64
		if in.CalibrationID == 0 {
			if err := tx.QueryRowContext(ctx, `SELECT id FROM qa_samples WHERE call_id = $1`, in.CallID).Scan(&sample); err != nil && err != sql.ErrNoRows {
				return err
			}
		}
		now := utc(s.now())
		err = tx.QueryRowContext(ctx, `INSERT INTO qa_evaluations (call_id, scorecard_id, version_id, evaluator_id, agent_id, sample_id, calibration_id,
			answers, comment, score, original_score, failed, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13) RETURNING id`,
			in.CallID, v.ScorecardID, v.ID, p.User.ID, agent.Int64, sample, nullID(in.CalibrationID), jsonText(in.Answers), in.Comment,
			res.Score, res.Failed, StatusSubmitted, now).Scan(&id)
		if db.IsUniqueViolation(err) {
			return errs.E(errs.Conflict, "You have already scored this calibration call.").WithKey("qa_calibration_done")
		}
		if err != nil {
			return err
		}
		if sample.Valid {
			if _, err := tx.ExecContext(ctx, `UPDATE qa_samples SET status = 'done' WHERE id = $1`, sample.Int64); err != nil {
				return err
			}
		}
		if in.CalibrationID != 0 {
			return nil
		}
		return s.events.Append(ctx, tx, &events.Event{At: now, Kind: "quality.evaluated", ActorID: p.User.ID, CustomerID: customer.Int64,
			Data: map[string]any{"evaluation_id": id, "call_id": in.CallID, "agent_id": agent.Int64, "score": res.Score, "failed": res.Failed}})
	})
	if err != nil {
		return nil, fmt.Errorf("qa: evaluate call %d: %w", in.CallID, err)
	}
	s.events.Notify()
	return s.evaluation(ctx, id)
}

const evaluationCols = `e.id, e.call_id, e.scorecard_id, e.version_id, v.version, c.name, e.evaluator_id, e.agent_id, e.sample_id, e.calibration_id,
	e.answers, e.comment, e.score, e.original_score, e.failed, e.status, e.acknowledged_at, e.dispute_comment, e.disputed_at, e.resolution,
	e.resolution_note, e.resolved_by, e.resolved_at, e.created_at, v.form, ue.display_name, ua.display_name
	FROM qa_evaluations e JOIN qa_scorecard_versions v ON v.id = e.version_id JOIN qa_scorecards c ON c.id = e.scorecard_id
	JOIN users ue ON ue.id = e.evaluator_id JOIN users ua ON ua.id = e.agent_id`

func scanEvaluation(row interface{ Scan(...any) error }) (*Evaluation, error) {
	var e Evaluation
	var sample, cal, resolvedBy sql.NullInt64
	var ack, disputed, resolved sql.NullTime
	var answers, form string
	if err := row.Scan(&e.ID, &e.CallID, &e.ScorecardID, &e.VersionID, &e.Version, &e.ScorecardName, &e.EvaluatorID, &e.AgentID, &sample, &cal,
		&answers, &e.Comment, &e.Score, &e.OriginalScore, &e.Failed, &e.Status, &ack, &e.DisputeComment, &disputed, &e.Resolution,
		&e.ResolutionNote, &resolvedBy, &resolved, &e.CreatedAt, &form, &e.EvaluatorName, &e.AgentName); err != nil {
		return nil, err
	}
	e.SampleID, e.CalibrationID, e.ResolvedBy = sample.Int64, cal.Int64, resolvedBy.Int64
	e.AcknowledgedAt, e.DisputedAt, e.ResolvedAt = nullTime(ack), nullTime(disputed), nullTime(resolved)
	if err := json.Unmarshal([]byte(answers), &e.Answers); err != nil {
		return nil, err
	}
	return &e, json.Unmarshal([]byte(form), &e.Form)
}

func (s *Store) evaluation(ctx context.Context, id int64) (*Evaluation, error) {
	e, err := scanEvaluation(s.db.Read().QueryRowContext(ctx, `SELECT `+evaluationCols+` WHERE e.id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, errs.E(errs.NotFound, "No such evaluation.").WithKey("qa_evaluation_not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("qa: evaluation %d: %w", id, err)
	}
	return e, nil
}

// Evaluation returns an evaluation p may see; others are not found.
func (s *Store) Evaluation(ctx context.Context, p *auth.Principal, id int64) (*Evaluation, error) {
	e, err := s.evaluation(ctx, id)
	if err != nil {
		return nil, err
	}
	if !CanSee(p, e) {
		return nil, errs.E(errs.NotFound, "No such evaluation.").WithKey("qa_evaluation_not_found")
	}
	return e, nil
}

// EvaluationFilter selects evaluations, newest first.
type EvaluationFilter struct {
	AgentID       int64
	CallID        int64
	Status        string
	CalibrationID int64 // 0: calibration scorings are left out
	Limit, Offset int   // default 50, at most 500
}

// Evaluations lists the evaluations p may see that match f: agents without quality
// permissions see only their own calls' evaluations whatever f says.
func (s *Store) Evaluations(ctx context.Context, p *auth.Principal, f EvaluationFilter) ([]*Evaluation, int, error) {
	if !p.Can(auth.PermQualityEvaluate) && !p.Can(auth.PermQualityReview) {
		f.AgentID, f.CalibrationID = p.User.ID, 0
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.CalibrationID != 0 {
		where = append(where, "e.calibration_id = "+arg(f.CalibrationID))
	} else {
		where = append(where, "e.calibration_id IS NULL")
	}
	if f.AgentID != 0 {
		where = append(where, "e.agent_id = "+arg(f.AgentID))
	}
	if f.CallID != 0 {
		where = append(where, "e.call_id = "+arg(f.CallID))
	}
	if f.Status != "" {
		where = append(where, "e.status = "+arg(f.Status))
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM qa_evaluations e WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("qa: count evaluations: %w", err)
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+evaluationCols+` WHERE `+cond+` ORDER BY e.id DESC LIMIT `+arg(f.Limit)+` OFFSET `+arg(f.Offset), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("qa: evaluations: %w", err)
	}
	defer rows.Close()
	var out []*Evaluation
	for rows.Next() {
		e, err := scanEvaluation(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, e)
	}
	return out, total, rows.Err()
}

// change applies one step of the dispute flow to evaluation id in a transaction: check
// says whether p may take it from e's state; update writes it.
func (s *Store) change(ctx context.Context, p *auth.Principal, id int64, kind string, check func(e *Evaluation) error,
	update string, args ...any) (*Evaluation, error) {
	e, err := s.Evaluation(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if err := check(e); err != nil {
		return nil, err
	}
	now := utc(s.now())
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE qa_evaluations SET `+update+` WHERE id = $1 AND status = $2`, append([]any{id, e.Status, now}, args...)...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.E(errs.Conflict, "The evaluation changed meanwhile; reload it.").WithKey("qa_changed")
		}
		return s.events.Append(ctx, tx, &events.Event{At: now, Kind: kind, ActorID: p.User.ID,
			Data: map[string]any{"evaluation_id": id, "call_id": e.CallID, "agent_id": e.AgentID}})
	})
	if err != nil {
		return nil, fmt.Errorf("qa: %s %d: %w", kind, id, err)
	}
	s.events.Notify()
	return s.evaluation(ctx, id)
}

func ownSubmitted(p *auth.Principal, e *Evaluation) error {
	if e.AgentID != p.User.ID || e.CalibrationID != 0 {
		return errs.E(errs.Forbidden, "Only the agent of the call may acknowledge or dispute its evaluation.").WithKey("qa_not_own")
	}
	if e.Status != StatusSubmitted {
		return errs.E(errs.Conflict, "This evaluation was already acknowledged or disputed.").WithKey("qa_not_submitted")
	}
	return nil
}

// Acknowledge records that the agent of the call has read its evaluation.
func (s *Store) Acknowledge(ctx context.Context, p *auth.Principal, id int64) (*Evaluation, error) {
	return s.change(ctx, p, id, "quality.acknowledged", func(e *Evaluation) error { return ownSubmitted(p, e) },
		`status = 'acknowledged', acknowledged_at = $3`)
}

// Dispute records the agent's disagreement with its evaluation, with a reason.
func (s *Store) Dispute(ctx context.Context, p *auth.Principal, id int64, comment string) (*Evaluation, error) {
	comment = strings.TrimSpace(comment)
	if comment == "" || len([]rune(comment)) > 2000 {
		return nil, errs.Field("comment", "Say why you dispute the evaluation (at most 2000 characters).").WithKey("qa_dispute_comment")
	}
	return s.change(ctx, p, id, "quality.disputed", func(e *Evaluation) error { return ownSubmitted(p, e) },
		`status = 'disputed', disputed_at = $3, dispute_comment = $4`, comment)
}

// Resolution is a reviewer's decision on a dispute.
type Resolution struct {
	Adjust bool    // false: the score is upheld
	Score  float64 // the new score 0-100 when Adjust
	Note   string
}

// Resolve decides a dispute: uphold the score or adjust it, with a note. It needs
// PermQualityReview, and the reviewer may not be the evaluator.
func (s *Store) Resolve(ctx context.Context, p *auth.Principal, id int64, r Resolution) (*Evaluation, error) {
	if !p.Can(auth.PermQualityReview) {
		return nil, errs.E(errs.Forbidden, "You may not resolve disputes.").WithKey("forbidden")
	}
	r.Note = strings.TrimSpace(r.Note)
	if r.Note == "" || len([]rune(r.Note)) > 2000 {
		return nil, errs.Field("note", "A resolution needs a note (at most 2000 characters).").WithKey("qa_resolution_note")
	}
	if r.Adjust && (r.Score < 0 || r.Score > 100 || r.Score != r.Score) {
		return nil, errs.Field("score", "The adjusted score is between 0 and 100.").WithKey("qa_score_range")
	}
	cur, err := s.Evaluation(ctx, p, id)
	if err != nil {
		return nil, err
	}
	res, failed := ResolutionUpheld, cur.Failed
	if r.Adjust {
		res, failed = ResolutionAdjusted, cur.Failed && r.Score == 0
	} else {
		r.Score = cur.Score
	}
	check := func(e *Evaluation) error {
		if e.Status != StatusDisputed {
			return errs.E(errs.Conflict, "Only a disputed evaluation can be resolved.").WithKey("qa_not_disputed")
		}
		if e.EvaluatorID == p.User.ID {
			return errs.E(errs.Forbidden, "The evaluator may not resolve a dispute of its own evaluation.").WithKey("qa_own_dispute")
		}
		return nil
	}
	return s.change(ctx, p, id, "quality.resolved", check,
		`status = 'resolved', resolved_at = $3, resolution = $4, resolution_note = $5, resolved_by = $6, score = $7, failed = $8`,
		res, r.Note, p.User.ID, round2(r.Score), failed)
}
