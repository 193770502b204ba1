package webhook

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
)

// batch is how many events one dispatch transaction reads.
const batch = 200

// Dispatch turns every new event of the log into deliveries for the webhooks that
// subscribe to it, and returns how many deliveries it enqueued. Each batch is one
// transaction: deliveries, their jobs and the cursor commit together.
func (s *Store) Dispatch(ctx context.Context) (int, error) {
	total := 0
	for {
		n, more, err := s.dispatchBatch(ctx)
		total += n
		if err != nil || !more {
			return total, err
		}
	}
}

func (s *Store) dispatchBatch(ctx context.Context) (enqueued int, more bool, err error) {
	// A cheap look first, so an idle dispatcher does not take the write lock.
	var cursor int64
	if err := s.db.Read().QueryRowContext(ctx, "SELECT last_event_id FROM webhook_cursor WHERE id = 1").Scan(&cursor); err != nil {
		return 0, false, fmt.Errorf("webhook: read cursor: %w", err)
	}
	last, err := s.events.LastID(ctx)
	if err != nil || last <= cursor {
		return 0, false, err
	}
	lock := ""
	if s.db.Dialect == db.Postgres {
		lock = " FOR UPDATE" // a second process's dispatcher waits, then sees the moved cursor
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		enqueued = 0
		if err := tx.QueryRowContext(ctx, "SELECT last_event_id FROM webhook_cursor WHERE id = 1"+lock).Scan(&cursor); err != nil {
			return fmt.Errorf("webhook: lock cursor: %w", err)
		}
		evs, err := s.events.Since(ctx, cursor, batch)
		if err != nil || len(evs) == 0 {
			return err
		}
		hooks, err := s.list(ctx, tx, " WHERE active = TRUE")
		if err != nil {
			return err
		}
		now := s.clock()
		next := cursor
		stopped := false
		for _, e := range evs {
			// On PostgreSQL ids are handed out before commit, so a missing id may be an
			// event whose transaction has not committed yet. Wait for it a little; a gap
			// that outlives Settle is a rolled-back transaction.
			if e.ID != next+1 && now.Sub(e.At) < s.opts.Settle {
				stopped = true
				break
			}
			for _, h := range hooks {
				if !h.Matches(e.Kind) {
					continue
				}
				body, err := bodyOf(e)
				if err != nil {
					return fmt.Errorf("webhook: event %d: %w", e.ID, err)
				}
				if _, err := s.enqueue(ctx, tx, h.ID, e.ID, e.Kind, body); err != nil {
					return err
				}
				enqueued++
			}
			next = e.ID
		}
		if next == cursor {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "UPDATE webhook_cursor SET last_event_id = $1 WHERE id = 1", next); err != nil {
			return fmt.Errorf("webhook: move cursor: %w", err)
		}
		more = !stopped && len(evs) == batch
		return nil
	})
	if err != nil {
		return 0, false, err
	}
	if enqueued > 0 {
		s.q.Notify()
	}
	return enqueued, more, nil
}

// RunDispatcher dispatches new events until ctx ends: at once when the event log signals
// a commit in this process, and every Poll for other processes' events and for gaps
// waiting to settle. Its caller owns the goroutine it runs in.
func (s *Store) RunDispatcher(ctx context.Context, log *slog.Logger) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	wake, unsubscribe := s.events.Subscribe()
	defer unsubscribe()
	t := time.NewTicker(s.opts.Poll)
	defer t.Stop()
	for {
		if _, err := s.Dispatch(ctx); err != nil && ctx.Err() == nil {
			log.Error("webhook: dispatch", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-t.C:
		}
	}
}
