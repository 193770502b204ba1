package survey

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/todo"
)

// Response is one customer's answers.
type Response struct {
	ID           int64             `json:"id"`
	InvitationID int64             `json:"invitation_id,omitempty"`
	VersionID    int64             `json:"version_id,omitempty"`
	Channel      string            `json:"channel"`
	Language     string            `json:"language"`
	CallID       int64             `json:"call_id,omitempty"`
	TicketID     int64             `json:"ticket_id,omitempty"`
	CustomerID   int64             `json:"customer_id,omitempty"`
	AgentID      int64             `json:"agent_id,omitempty"`
	Queue        string            `json:"queue,omitempty"`
	TicketType   string            `json:"ticket_type,omitempty"`
	Score        int               `json:"score,omitempty"` // the first 1-5 rating (0: none)
	NPS          int               `json:"nps"`             // the first 0-10 answer (-1: none)
	Comment      string            `json:"comment,omitempty"`
	Answers      map[string]string `json:"answers"`
	AnsweredBy   int64             `json:"answered_by,omitempty"`
	CreatedAt    time.Time         `json:"created_at"`
	// Filled in for display.
	AgentName, CustomerName string `json:"-"`
}

// checkAnswers validates answers against the questions on the path they take, drops
// answers to questions that were skipped, and fills the response's score, NPS and
// comment from them.
func checkAnswers(qs []Question, answers map[string]string, r *Response) error {
	clean := map[string]string{}
	r.NPS = -1
	var comments []string
	for _, i := range Path(qs, answers) {
		q, k, n := qs[i], Key(i), i+1
		a := strings.TrimSpace(answers[k])
		if a == "" {
			if q.Required {
				return errs.Field(k, fmt.Sprintf("Please answer question %d.", n)).WithKey("survey_required", n)
			}
			continue
		}
		bad := errs.Field(k, fmt.Sprintf("Question %d: the answer is not one of the choices.", n)).WithKey("survey_bad_answer", n)
		switch q.Kind {
		case Rating, NPS, Single:
			lo, hi := 1, 5
			if q.Kind == NPS {
				lo, hi = 0, 10
			} else if q.Kind == Single {
				hi = len(q.Options)
			}
			v, err := strconv.Atoi(a)
			if err != nil || v < lo || v > hi {
				return bad
			}
			if q.Kind == Rating && r.Score == 0 {
				r.Score = v
			}
			if q.Kind == NPS && r.NPS < 0 {
				r.NPS = v
			}
		case Multi:
			var picked []int
			for p := range strings.SplitSeq(a, ",") {
				v, err := strconv.Atoi(strings.TrimSpace(p))
				if err != nil || v < 1 || v > len(q.Options) || slices.Contains(picked, v) {
					return bad
				}
				picked = append(picked, v)
			}
			slices.Sort(picked)
			a = strings.Trim(strings.Join(strings.Fields(fmt.Sprint(picked)), ","), "[]")
		case Text:
			if len([]rune(a)) > 2000 {
				return errs.Field(k, fmt.Sprintf("Question %d: at most 2000 characters.", n)).WithKey("survey_text_long", n)
			}
			comments = append(comments, a)
		}
		clean[k] = a
	}
	r.Answers, r.Comment = clean, strings.Join(comments, "\n")
	return nil
}

// Submit stores the answers to a link's invitation. A second answer, a tampered or an
// expired link is refused and changes nothing.
func (s *Store) Submit(ctx context.Context, token string, answers map[string]string) (*Response, error) {
	inv, v, err := s.ByToken(ctx, token)
	if err != nil {
		return nil, err
	}
	return s.answer(ctx, inv, v, answers, 0)
}

// AnswerCallback stores the answers an agent took on a callback survey.
func (s *Store) AnswerCallback(ctx context.Context, agent, invitationID int64, answers map[string]string) (*Response, error) {
	inv, err := s.Invitation(ctx, invitationID)
	if err != nil {
		return nil, err
	}
	if !inv.AnsweredAt.IsZero() {
		return nil, ErrAnswered()
	}
	v, err := s.Version(ctx, inv.VersionID)
	if err != nil {
		return nil, err
	}
	return s.answer(ctx, inv, v, answers, agent)
}

func (s *Store) answer(ctx context.Context, inv *Invitation, v *Version, answers map[string]string, agent int64) (*Response, error) {
	r := &Response{InvitationID: inv.ID, VersionID: v.ID, Channel: inv.Channel, Language: inv.Language, CallID: inv.CallID, TicketID: inv.TicketID,
		CustomerID: inv.CustomerID, AgentID: inv.AgentID, Queue: inv.Queue, TicketType: inv.TicketType, AnsweredBy: agent}
	if err := checkAnswers(v.Questions, answers, r); err != nil {
		return nil, err
	}
	if len(r.Answers) == 0 {
		return nil, errs.E(errs.Invalid, "Please answer at least one question.").WithKey("survey_empty")
	}
	err := s.record(ctx, r, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE survey_invitations SET answered_at = $1 WHERE id = $2 AND answered_at IS NULL`, r.CreatedAt, inv.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrAnswered()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// record writes a response with its survey.answered event (and, before, the claim of
// its invitation by claim), then opens a follow-up for a low score.
func (s *Store) record(ctx context.Context, r *Response, claim func(tx *sql.Tx) error) error {
	r.CreatedAt = s.clock()
	ans, _ := json.Marshal(r.Answers)
	var score, nps any
	if r.Score > 0 {
		score = r.Score
	}
	if r.NPS >= 0 {
		nps = r.NPS
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if claim != nil {
			if err := claim(tx); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO survey_responses (invitation_id, version_id, channel, language, call_id, ticket_id, customer_id,
			agent_id, queue_code, ticket_type, score, nps, comment, answers, answered_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
			nullID(r.InvitationID), nullID(r.VersionID), r.Channel, r.Language, nullID(r.CallID), nullID(r.TicketID), nullID(r.CustomerID),
			nullID(r.AgentID), r.Queue, r.TicketType, score, nps, r.Comment, string(ans), nullID(r.AnsweredBy), r.CreatedAt).Scan(&r.ID); err != nil {
			if db.IsUniqueViolation(err) {
				return ErrAnswered()
			}
			return fmt.Errorf("survey: record response: %w", err)
		}
		data := map[string]any{"response_id": r.ID, "channel": r.Channel, "agent_id": r.AgentID, "queue": r.Queue}
		if r.Score > 0 {
			data["score"] = r.Score
		}
		if r.NPS >= 0 {
			data["nps"] = r.NPS
		}
		if r.Comment != "" {
			data["comment"] = r.Comment
		}
		if r.CallID > 0 {
			data["call_id"] = r.CallID
		}
		return s.events.Append(ctx, tx, &events.Event{Kind: "survey.answered", CustomerID: r.CustomerID, TicketID: r.TicketID,
			ActorID: r.AnsweredBy, Data: data})
	})
	if err != nil {
		return err
	}
	s.events.Notify()
	s.followUp(ctx, r)
	return nil
}

// Low reports whether a response's score is low by the config.
func (c Config) Low(score, nps int) bool {
	return score > 0 && score <= c.LowScore || nps >= 0 && nps <= c.LowNPS
}

// followUp opens a to-do for the supervisors when the score is low. A failure is not
// the customer's problem: the response stays stored and the results show the score.
func (s *Store) followUp(ctx context.Context, r *Response) {
	cfg, err := s.Config(ctx)
	if err != nil || s.todos == nil || !cfg.Low(r.Score, r.NPS) || cfg.FollowupUserID == 0 && cfg.FollowupQueueID == 0 {
		return
	}
	what := fmt.Sprintf("rating %d/5", r.Score)
	if r.Score == 0 {
		what = fmt.Sprintf("NPS %d/10", r.NPS)
	}
	note := fmt.Sprintf("Survey response %d (%s, %s).", r.ID, r.Channel, what)
	if r.Comment != "" {
		note += "\n" + r.Comment
	}
	_, _ = s.todos.Create(ctx, todo.System, todo.Input{Title: "低分回访 / Low survey score: " + what, Kind: todo.Callback, Note: note,
		DueAt: s.clock().Add(24 * time.Hour), AssigneeID: cfg.FollowupUserID, QueueID: cfg.FollowupQueueID, CustomerID: r.CustomerID, TicketID: r.TicketID})
}
