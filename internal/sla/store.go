package sla

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
)

// RuleStore reads and writes escalation rules.
type RuleStore struct {
	db  *db.DB
	now func() time.Time
}

// NewRuleStore returns a RuleStore over d.
func NewRuleStore(d *db.DB) *RuleStore { return &RuleStore{db: d, now: time.Now} }

func (s *RuleStore) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Create validates and adds a rule.
func (s *RuleStore) Create(ctx context.Context, r *Rule) error {
	if err := r.Validate(); err != nil {
		return err
	}
	now := s.clock()
	r.CreatedAt, r.UpdatedAt = now, now
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkTargets(ctx, tx, r); err != nil {
			return err
		}
		actions, _ := json.Marshal(r.Actions)
		if err := tx.QueryRowContext(ctx, `INSERT INTO sla_rules (name, enabled, ticket_type, priority, clock, on_state, after_minutes, actions, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`,
			r.Name, r.Enabled, r.TicketType, r.Priority, string(r.Clock), string(r.On), r.AfterMinutes, string(actions), now).Scan(&r.ID); err != nil {
			return fmt.Errorf("sla: create rule: %w", err)
		}
		return nil
	})
}

// Update validates r and replaces the stored rule r.ID with it.
func (s *RuleStore) Update(ctx context.Context, r *Rule) error {
	if err := r.Validate(); err != nil {
		return err
	}
	r.UpdatedAt = s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkTargets(ctx, tx, r); err != nil {
			return err
		}
		actions, _ := json.Marshal(r.Actions)
		res, err := tx.ExecContext(ctx, `UPDATE sla_rules SET name = $1, enabled = $2, ticket_type = $3, priority = $4, clock = $5, on_state = $6,
			after_minutes = $7, actions = $8, updated_at = $9 WHERE id = $10`,
			r.Name, r.Enabled, r.TicketType, r.Priority, string(r.Clock), string(r.On), r.AfterMinutes, string(actions), r.UpdatedAt, r.ID)
		if err != nil {
			return fmt.Errorf("sla: update rule %d: %w", r.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ruleNotFound()
		}
		return nil
	})
}

// Delete removes a rule.
func (s *RuleStore) Delete(ctx context.Context, id int64) error {
	res, err := s.db.Write().ExecContext(ctx, `DELETE FROM sla_rules WHERE id = $1`, id)
	if err != nil {
		return fmt.Errorf("sla: delete rule %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return ruleNotFound()
	}
	return nil
}

func ruleNotFound() error {
	return errs.E(errs.NotFound, "Escalation rule not found.").WithKey("sla_rule_not_found")
}

// checkTargets refuses actions naming users or groups that do not exist.
func checkTargets(ctx context.Context, tx *sql.Tx, r *Rule) error {
	for _, a := range r.Actions {
		for _, id := range a.UserIDs {
			if !exists(ctx, tx, "SELECT count(*) FROM users WHERE id = $1", id) {
				return errs.Field("actions", fmt.Sprintf("There is no user %d.", id)).WithKey("sla_no_user", id)
			}
		}
		if a.GroupID != 0 && !exists(ctx, tx, "SELECT count(*) FROM queues WHERE id = $1", a.GroupID) {
			return errs.Field("actions", fmt.Sprintf("There is no group %d.", a.GroupID)).WithKey("sla_no_group", a.GroupID)
		}
	}
	return nil
}

func exists(ctx context.Context, tx *sql.Tx, q string, id int64) bool {
	var n int
	return tx.QueryRowContext(ctx, q, id).Scan(&n) == nil && n > 0
}

// Get returns one rule.
func (s *RuleStore) Get(ctx context.Context, id int64) (*Rule, error) {
	rs, err := s.list(ctx, "WHERE id = $1", id)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, ruleNotFound()
	}
	return &rs[0], nil
}

// List returns every rule by id: the order in which Evaluate applies them.
func (s *RuleStore) List(ctx context.Context) ([]Rule, error) { return s.list(ctx, "") }

func (s *RuleStore) list(ctx context.Context, where string, args ...any) ([]Rule, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, name, enabled, ticket_type, priority, clock, on_state, after_minutes, actions, created_at, updated_at
		FROM sla_rules `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("sla: list rules: %w", err)
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		var r Rule
		var clock, on, actions string
		if err := rows.Scan(&r.ID, &r.Name, &r.Enabled, &r.TicketType, &r.Priority, &clock, &on, &r.AfterMinutes, &actions, &r.CreatedAt, &r.UpdatedAt); err != nil {
			return nil, err
		}
		r.Clock, r.On = Clock(clock), Trigger(on)
		if err := json.Unmarshal([]byte(actions), &r.Actions); err != nil {
			return nil, fmt.Errorf("sla: rule %d actions: %w", r.ID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
