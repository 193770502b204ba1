// Package acdstore persists the ACD's settings: queues, which agents serve them (with
// proficiency, position and tier), and the agents' skills.
package acdstore

import (
	"context"
	"database/sql"
	"errors"
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

const queueColumns = `q.id, q.code, q.name_zh, q.name_en, q.strategy, q.priority, q.sl_seconds, q.wrap_up_seconds,
	q.max_wait_seconds, q.max_wait_action, q.overflow_queue, q.ring_seconds, q.max_misses, q.announce_seconds,
	q.music_on_hold, q.join_empty, q.leave_empty, q.tier2_seconds, q.tier3_seconds`

// scanQueue reads the queueColumns, then extra.
func scanQueue(row interface{ Scan(...any) error }, q *acd.Queue, extra ...any) error {
	var strategy, action, join, leave string
	err := row.Scan(append([]any{&q.ID, &q.Code, &q.NameZH, &q.NameEN, &strategy, &q.Priority, &q.SLSeconds, &q.WrapUpSeconds,
		&q.MaxWaitSeconds, &action, &q.OverflowQueue, &q.RingSeconds, &q.MaxMisses, &q.AnnounceSeconds,
		&q.MusicOnHold, &join, &leave, &q.Tier2Seconds, &q.Tier3Seconds}, extra...)...)
	q.Strategy, q.MaxWaitAction, q.JoinEmpty, q.LeaveEmpty = acd.Strategy(strategy), acd.ExitAction(action), acd.EmptyRule(join), acd.EmptyRule(leave)
	return err
}

// settings are the columns a save writes, in the order of the SQL below.
func settings(q *acd.Queue) []any {
	return []any{q.NameZH, q.NameEN, string(q.Strategy), q.Priority, q.SLSeconds, q.WrapUpSeconds, q.MaxWaitSeconds,
		string(q.Exit()), q.OverflowQueue, q.RingSeconds, q.MaxMisses, q.AnnounceSeconds, q.MusicOnHold,
		string(q.JoinEmpty), string(q.LeaveEmpty), q.Tier2Seconds, q.Tier3Seconds}
}

// Limits on settings the router takes as given.
const (
	maxSeconds    = 24 * 3600
	maxMusicClass = 64
	maxPriority   = 100
)

// check validates q beyond acd.Queue.Validate: sane upper bounds, an overflow queue only
// for the overflow action, and that it exists (inside tx).
func check(ctx context.Context, tx *sql.Tx, q *acd.Queue) error {
	if q.MaxWaitAction == "" {
		q.MaxWaitAction = acd.ExitVoicemail
	}
	if q.MaxWaitAction != acd.ExitOverflow {
		q.OverflowQueue = ""
	}
	if err := q.Validate(); err != nil {
		return err
	}
	switch {
	case q.Priority < -maxPriority || q.Priority > maxPriority:
		return errs.Field("priority", "Priority must be -100 to 100.").WithKey("queue_priority")
	case q.SLSeconds > maxSeconds || q.WrapUpSeconds > maxSeconds || q.MaxWaitSeconds > maxSeconds || q.RingSeconds > 600 ||
		q.AnnounceSeconds > maxSeconds || q.Tier3Seconds > maxSeconds || q.MaxMisses > 100:
		return errs.Field("sl_seconds", "A time or count is too large.").WithKey("queue_too_large")
	case len(q.MusicOnHold) > maxMusicClass:
		return errs.Field("music_on_hold", "The music on hold name is too long.").WithKey("queue_moh")
	}
	if q.MaxWaitAction == acd.ExitOverflow {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM queues WHERE code = $1`, q.OverflowQueue).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Field("overflow_queue", fmt.Sprintf("No queue has the code %q.", q.OverflowQueue)).WithKey("queue_overflow_unknown", q.OverflowQueue)
		}
		if err != nil {
			return fmt.Errorf("acdstore: overflow queue %q: %w", q.OverflowQueue, err)
		}
	}
	return nil
}

// CreateQueue adds a queue. A MaxWaitAction left empty is stored as voicemail.
func (s *Store) CreateQueue(ctx context.Context, q *acd.Queue) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := check(ctx, tx, q); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `INSERT INTO queues (name_zh, name_en, strategy, priority, sl_seconds, wrap_up_seconds,
			max_wait_seconds, max_wait_action, overflow_queue, ring_seconds, max_misses, announce_seconds, music_on_hold,
			join_empty, leave_empty, tier2_seconds, tier3_seconds, code, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id`,
			append(settings(q), q.Code, time.Now().UTC().Truncate(time.Microsecond))...).Scan(&q.ID)
	})
	if db.IsUniqueViolation(err) {
		return errs.Field("code", "A queue with this code exists.").WithKey("queue_code_taken")
	}
	if err != nil {
		return fmt.Errorf("acdstore: create queue %q: %w", q.Code, err)
	}
	return nil
}

// UpdateQueue saves a queue's settings. The code cannot change: IVR flows and other
// queues' overflow refer to it.
func (s *Store) UpdateQueue(ctx context.Context, q *acd.Queue) error {
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var code string
		err := tx.QueryRowContext(ctx, `SELECT code FROM queues WHERE id = $1`, q.ID).Scan(&code)
		if errors.Is(err, sql.ErrNoRows) {
			return notFound()
		}
		if err != nil {
			return err
		}
		if q.Code != code {
			return errs.Field("code", "A queue's code cannot change; IVR flows and overflow rules refer to it.").WithKey("queue_code_fixed")
		}
		if err := check(ctx, tx, q); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE queues SET name_zh = $1, name_en = $2, strategy = $3, priority = $4, sl_seconds = $5,
			wrap_up_seconds = $6, max_wait_seconds = $7, max_wait_action = $8, overflow_queue = $9, ring_seconds = $10,
			max_misses = $11, announce_seconds = $12, music_on_hold = $13, join_empty = $14, leave_empty = $15,
			tier2_seconds = $16, tier3_seconds = $17 WHERE id = $18`, append(settings(q), q.ID)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("acdstore: update queue %d: %w", q.ID, err)
	}
	return nil
}

func notFound() error { return errs.E(errs.NotFound, "No such queue.").WithKey("queue_not_found") }

// Queue returns one queue's settings.
func (s *Store) Queue(ctx context.Context, id int64) (*acd.Queue, error) {
	var q acd.Queue
	err := scanQueue(s.db.Read().QueryRowContext(ctx, `SELECT `+queueColumns+` FROM queues q WHERE q.id = $1`, id), &q)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound()
	}
	if err != nil {
		return nil, fmt.Errorf("acdstore: queue %d: %w", id, err)
	}
	return &q, nil
}

// QueueSummary is a queue with how many agents serve it.
type QueueSummary struct {
	acd.Queue
	Members int
}

// Queues lists every queue by priority, then code.
func (s *Store) Queues(ctx context.Context) ([]QueueSummary, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+queueColumns+`, (SELECT count(*) FROM queue_members m WHERE m.queue_id = q.id)
		FROM queues q ORDER BY q.priority DESC, q.code`)
	if err != nil {
		return nil, fmt.Errorf("acdstore: list queues: %w", err)
	}
	defer rows.Close()
	var out []QueueSummary
	for rows.Next() {
		var q QueueSummary
		if err := scanQueue(rows, &q.Queue, &q.Members); err != nil {
			return nil, fmt.Errorf("acdstore: list queues: %w", err)
		}
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
// member's tier override, else the user's agent tier (1 when the user has none); members
// come in their order (position, then user id) and Order numbers them from 0. Disabled
// users are left out. The agents' skills, which the router takes at login, come from
// AllSkills.
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
	ms, err := s.members(ctx, 0)
	if err != nil {
		return nil, err
	}
	for _, m := range ms {
		i, ok := byID[m.queueID]
		if !ok || m.Disabled {
			continue
		}
		m.Order = len(out[i].Members)
		out[i].Members = append(out[i].Members, m.Member)
	}
	return out, nil
}
