// Package acdstore persists the ACD's settings: queues and which agents serve them.
package acdstore

import (
	"context"
	"fmt"
	"time"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Store reads and writes queue settings.
type Store struct{ db *db.DB }

// New returns a Store over d.
func New(d *db.DB) *Store { return &Store{db: d} }

// CreateQueue adds a queue.
func (s *Store) CreateQueue(ctx context.Context, q *acd.Queue) error {
	if err := q.Validate(); err != nil {
		return err
	}
	err := s.db.Write().QueryRowContext(ctx, `INSERT INTO queues (code, name_zh, name_en, strategy, priority, sl_seconds, wrap_up_seconds, max_wait_seconds, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, q.Code, q.NameZH, q.NameEN, string(q.Strategy), q.Priority,
		q.SLSeconds, q.WrapUpSeconds, q.MaxWaitSeconds, time.Now().UTC().Truncate(time.Microsecond)).Scan(&q.ID)
	if db.IsUniqueViolation(err) {
		return errs.Field("code", "A queue with this code exists.").WithKey("queue_code_taken")
	}
	if err != nil {
		return fmt.Errorf("acdstore: create queue %q: %w", q.Code, err)
	}
	return nil
}

// AddMember lets an agent serve a queue at a proficiency of 1 to 5.
func (s *Store) AddMember(ctx context.Context, queueID, userID int64, proficiency int) error {
	if proficiency < 1 || proficiency > 5 {
		return errs.Field("proficiency", "Proficiency must be 1 to 5.").WithKey("proficiency")
	}
	_, err := s.db.Write().ExecContext(ctx, `INSERT INTO queue_members (queue_id, user_id, proficiency) VALUES ($1, $2, $3)
		ON CONFLICT (queue_id, user_id) DO UPDATE SET proficiency = excluded.proficiency`, queueID, userID, proficiency)
	if err != nil {
		return fmt.Errorf("acdstore: add member %d to queue %d: %w", userID, queueID, err)
	}
	return nil
}

// QueueSummary is a queue with how many agents serve it.
type QueueSummary struct {
	acd.Queue
	Members int
}

// Queues lists every queue by priority, then code.
func (s *Store) Queues(ctx context.Context) ([]QueueSummary, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT q.id, q.code, q.name_zh, q.name_en, q.strategy, q.priority, q.sl_seconds,
		q.wrap_up_seconds, q.max_wait_seconds, (SELECT count(*) FROM queue_members m WHERE m.queue_id = q.id)
		FROM queues q ORDER BY q.priority DESC, q.code`)
	if err != nil {
		return nil, fmt.Errorf("acdstore: list queues: %w", err)
	}
	defer rows.Close()
	var out []QueueSummary
	for rows.Next() {
		var q QueueSummary
		var strategy string
		if err := rows.Scan(&q.ID, &q.Code, &q.NameZH, &q.NameEN, &strategy, &q.Priority, &q.SLSeconds, &q.WrapUpSeconds, &q.MaxWaitSeconds, &q.Members); err != nil {
			return nil, err
		}
		q.Strategy = acd.Strategy(strategy)
		out = append(out, q)
	}
	return out, rows.Err()
}

// RoutingQueue is a queue with its members, as the ACD router takes them.
type RoutingQueue struct {
	Queue   acd.Queue
	Members []acd.Member
}

// Routing loads every queue with its members for the router. A member's tier is the
// user's agent tier (1 when the user has none); members are ordered by user id.
func (s *Store) Routing(ctx context.Context) ([]RoutingQueue, error) {
	qs, err := s.Queues(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]RoutingQueue, 0, len(qs))
	byID := map[int64]int{}
	for _, q := range qs {
		byID[q.ID] = len(out)
		out = append(out, RoutingQueue{Queue: q.Queue})
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT m.queue_id, m.user_id, m.proficiency, u.tier
		FROM queue_members m JOIN users u ON u.id = m.user_id
		WHERE NOT u.disabled ORDER BY m.queue_id, m.user_id`)
	if err != nil {
		return nil, fmt.Errorf("acdstore: load members: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var queueID int64
		var m acd.Member
		if err := rows.Scan(&queueID, &m.Agent, &m.Proficiency, &m.Tier); err != nil {
			return nil, err
		}
		if m.Tier < 1 {
			m.Tier = 1
		}
		i, ok := byID[queueID]
		if !ok {
			continue
		}
		m.Order = len(out[i].Members)
		out[i].Members = append(out[i].Members, m)
	}
	return out, rows.Err()
}
