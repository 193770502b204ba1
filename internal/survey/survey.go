// Package survey asks customers how they were served: a keypad rating after a queue call
// (turned on per queue, sampled), questionnaires that administrators design (ratings,
// choices, free text, NPS, branching, versions), invitations delivered as signed,
// expiring, single-use links or taken by an agent on a callback, and results (response
// rate, CSAT, average, NPS) by queue, agent, ticket type and period. A low score opens a
// follow-up to-do for a supervisor.
package survey

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/todo"
)

// Languages a survey speaks.
var Languages = []string{"zh", "en"}

// Todos creates follow-up and callback to-dos. *todo.Store implements it.
type Todos interface {
	Create(ctx context.Context, actor todo.Actor, in todo.Input) (*todo.Todo, error)
}

// Store reads and writes surveys.
type Store struct {
	db     *db.DB
	events *events.Log
	todos  Todos
	loc    *time.Location
	now    func() time.Time
}

// New returns a Store. todos may be nil (no follow-ups are opened then).
func New(d *db.DB, log *events.Log, todos Todos, loc *time.Location) *Store {
	if loc == nil {
		loc = time.UTC
	}
	return &Store{db: d, events: log, todos: todos, loc: loc, now: time.Now}
}

// SetClock replaces the store's clock (tests).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Config is the center's survey rules.
type Config struct {
	LowScore                int   `json:"low_score"` // a 1-5 rating at or below opens a follow-up (0: never)
	LowNPS                  int   `json:"low_nps"`   // an NPS answer at or below opens a follow-up (-1: never)
	FollowupUserID          int64 `json:"followup_user_id,omitempty"`
	FollowupQueueID         int64 `json:"followup_queue_id,omitempty"`
	CallbackQueueID         int64 `json:"callback_queue_id,omitempty"`
	CallbackQuestionnaireID int64 `json:"callback_questionnaire_id,omitempty"`
	CallbackDays            int   `json:"callback_days"` // call back customers whose ticket closed this many days ago
	LinkDays                int   `json:"link_days"`     // how long an invitation link stays valid
}

func defaultConfig() Config { return Config{LowScore: 2, LowNPS: 6, CallbackDays: 1, LinkDays: 7} }

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// ensureConfig makes the config row (with a fresh signing secret) on first use.
func (s *Store) ensureConfig(ctx context.Context) error {
	var n int
	if err := s.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM survey_config WHERE id = 1`).Scan(&n); err != nil {
		return fmt.Errorf("survey: config: %w", err)
	}
	if n > 0 {
		return nil
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	_, err := s.db.Write().ExecContext(ctx, `INSERT INTO survey_config (id, secret, updated_at) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING`,
		hex.EncodeToString(b), s.clock())
	if err != nil {
		return fmt.Errorf("survey: config: %w", err)
	}
	return nil
}

// Config returns the center's survey rules.
func (s *Store) Config(ctx context.Context) (Config, error) {
	c, _, err := s.config(ctx)
	return c, err
}

func (s *Store) config(ctx context.Context) (Config, []byte, error) {
	if err := s.ensureConfig(ctx); err != nil {
		return Config{}, nil, err
	}
	c := defaultConfig()
	var secret string
	var fu, fq, cq, cqn sql.NullInt64
	err := s.db.Read().QueryRowContext(ctx, `SELECT secret, low_score, low_nps, followup_user_id, followup_queue_id, callback_queue_id,
		callback_questionnaire_id, callback_days, link_days FROM survey_config WHERE id = 1`).
		Scan(&secret, &c.LowScore, &c.LowNPS, &fu, &fq, &cq, &cqn, &c.CallbackDays, &c.LinkDays)
	if err != nil {
		return c, nil, fmt.Errorf("survey: config: %w", err)
	}
	c.FollowupUserID, c.FollowupQueueID, c.CallbackQueueID, c.CallbackQuestionnaireID = fu.Int64, fq.Int64, cq.Int64, cqn.Int64
	key, err := hex.DecodeString(secret)
	if err != nil || len(key) < 16 {
		return c, nil, errors.New("survey: the signing secret is damaged")
	}
	return c, key, nil
}

// SaveConfig changes the center's survey rules.
func (s *Store) SaveConfig(ctx context.Context, c Config) error {
	switch {
	case c.LowScore < 0 || c.LowScore > 5:
		return errs.Field("low_score", "The low rating is 0 (never) to 5.").WithKey("survey_low_score")
	case c.LowNPS < -1 || c.LowNPS > 10:
		return errs.Field("low_nps", "The low NPS answer is -1 (never) to 10.").WithKey("survey_low_nps")
	case c.FollowupUserID > 0 && c.FollowupQueueID > 0:
		return errs.Field("followup_user_id", "Send follow-ups to one user or one queue.").WithKey("survey_followup_one")
	case c.CallbackDays < 1 || c.CallbackDays > 30:
		return errs.Field("callback_days", "Call back 1 to 30 days after closing.").WithKey("survey_callback_days")
	case c.LinkDays < 1 || c.LinkDays > 90:
		return errs.Field("link_days", "A link stays valid 1 to 90 days.").WithKey("survey_link_days")
	}
	if err := s.ensureConfig(ctx); err != nil {
		return err
	}
	if c.CallbackQuestionnaireID > 0 {
		if _, err := s.Questionnaire(ctx, c.CallbackQuestionnaireID); err != nil {
			return err
		}
	}
	for _, ref := range []struct {
		table, field string
		id           int64
	}{{"users", "followup_user_id", c.FollowupUserID}, {"queues", "followup_queue_id", c.FollowupQueueID}, {"queues", "callback_queue_id", c.CallbackQueueID}} {
		if ok, err := s.exists(ctx, ref.table, ref.id); err != nil {
			return err
		} else if !ok {
			return errs.Field(ref.field, "No such user or queue.").WithKey("survey_no_target")
		}
	}
	_, err := s.db.Write().ExecContext(ctx, `UPDATE survey_config SET low_score = $1, low_nps = $2, followup_user_id = $3, followup_queue_id = $4,
		callback_queue_id = $5, callback_questionnaire_id = $6, callback_days = $7, link_days = $8, updated_at = $9 WHERE id = 1`,
		c.LowScore, c.LowNPS, nullID(c.FollowupUserID), nullID(c.FollowupQueueID), nullID(c.CallbackQueueID), nullID(c.CallbackQuestionnaireID),
		c.CallbackDays, c.LinkDays, s.clock())
	if err != nil {
		return fmt.Errorf("survey: save config: %w", err)
	}
	return nil
}

// QueueSetting is the keypad rating of one queue.
type QueueSetting struct {
	Queue         string    `json:"queue"`
	Enabled       bool      `json:"enabled"`
	SamplePercent int       `json:"sample_percent"` // 0-100: the share of calls asked
	Language      string    `json:"language"`       // zh or en: the prompts' language
	Q1            [2]string `json:"q1"`             // custom question text (zh, en); empty plays the shipped prompt
	Q2Enabled     bool      `json:"q2_enabled"`
	Q2            [2]string `json:"q2"`
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
}

// QueueSettings lists the keypad settings by queue code.
func (s *Store) QueueSettings(ctx context.Context) (map[string]QueueSetting, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT queue_code, enabled, sample_percent, language, q1_zh, q1_en, q2_enabled, q2_zh, q2_en, updated_at FROM survey_settings`)
	if err != nil {
		return nil, fmt.Errorf("survey: settings: %w", err)
	}
	defer rows.Close()
	out := map[string]QueueSetting{}
	for rows.Next() {
		var q QueueSetting
		var en, q2 int
		if err := rows.Scan(&q.Queue, &en, &q.SamplePercent, &q.Language, &q.Q1[0], &q.Q1[1], &q2, &q.Q2[0], &q.Q2[1], &q.UpdatedAt); err != nil {
			return nil, err
		}
		q.Enabled, q.Q2Enabled = en == 1, q2 == 1
		out[q.Queue] = q
	}
	return out, rows.Err()
}

// QueueSetting returns one queue's keypad setting (off when none is saved).
func (s *Store) QueueSetting(ctx context.Context, queue string) (QueueSetting, error) {
	all, err := s.QueueSettings(ctx)
	if err != nil {
		return QueueSetting{}, err
	}
	q, ok := all[queue]
	if !ok {
		q = QueueSetting{Queue: queue, SamplePercent: 100, Language: "zh"}
	}
	return q, nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// SaveQueueSetting turns the keypad rating of a queue on or off.
func (s *Store) SaveQueueSetting(ctx context.Context, q QueueSetting) error {
	switch {
	case q.Queue == "":
		return errs.Field("queue", "Choose a queue.").WithKey("survey_queue")
	case q.SamplePercent < 0 || q.SamplePercent > 100:
		return errs.Field("sample_percent", "The sample share is 0 to 100 percent.").WithKey("survey_sample")
	case q.Language != "zh" && q.Language != "en":
		return errs.Field("language", "The language is zh or en.").WithKey("survey_language")
	}
	for _, t := range []string{q.Q1[0], q.Q1[1], q.Q2[0], q.Q2[1]} {
		if len([]rune(t)) > 300 {
			return errs.Field("q1", "A question has at most 300 characters.").WithKey("survey_prompt_long")
		}
	}
	var n int
	if err := s.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM queues WHERE code = $1`, q.Queue).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errs.Field("queue", "No such queue.").WithKey("survey_queue")
	}
	_, err := s.db.Write().ExecContext(ctx, `INSERT INTO survey_settings (queue_code, enabled, sample_percent, language, q1_zh, q1_en, q2_enabled, q2_zh, q2_en, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
		ON CONFLICT (queue_code) DO UPDATE SET enabled = excluded.enabled, sample_percent = excluded.sample_percent, language = excluded.language,
		q1_zh = excluded.q1_zh, q1_en = excluded.q1_en, q2_enabled = excluded.q2_enabled, q2_zh = excluded.q2_zh, q2_en = excluded.q2_en, updated_at = excluded.updated_at`,
		q.Queue, b2i(q.Enabled), q.SamplePercent, q.Language, q.Q1[0], q.Q1[1], b2i(q.Q2Enabled), q.Q2[0], q.Q2[1], s.clock())
	if err != nil {
		return fmt.Errorf("survey: save setting %s: %w", q.Queue, err)
	}
	return nil
}

// exists reports whether a row with id is in table (a fixed name); id 0 counts as present.
func (s *Store) exists(ctx context.Context, table string, id int64) (bool, error) {
	if id == 0 {
		return true, nil
	}
	var n int
	if err := s.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE id = $1`, id).Scan(&n); err != nil {
		return false, fmt.Errorf("survey: %s %d: %w", table, id, err)
	}
	return n > 0, nil
}
