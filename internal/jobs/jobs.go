// Package jobs is Hotline's durable background work: a job queue in the database and the
// runner that works it. It is the one place background work runs (webhook deliveries, SLA
// checks, reminders, exports), so every piece of such work survives a restart, is retried
// with backoff, and is visible to an admin when it keeps failing.
//
// A job is enqueued inside the transaction of the change that causes it (Enqueue), so
// the change and its follow-up commit together or not at all; call Notify after the
// commit to wake the runner at once. Jobs not caused by a change use EnqueueNow.
//
// Claiming. A runner claims one due job with a single statement on both engines:
//
//	UPDATE jobs SET status = 'running', locked_until = <now+lease>, attempts = attempts + 1 ...
//	WHERE id = (SELECT id FROM jobs WHERE <claimable> ORDER BY run_at, id LIMIT 1 [FOR UPDATE SKIP LOCKED])
//	  AND <claimable> RETURNING ...
//
// On SQLite the single writer connection (transactions begin IMMEDIATE) serializes the
// statement, so the sub-select and the update see the same state. On PostgreSQL the
// sub-select adds FOR UPDATE SKIP LOCKED, so concurrent runners skip a row another runner
// is claiming instead of waiting for it and then claiming it again; the repeated
// <claimable> condition on the outer UPDATE is re-checked on the row's newest version and
// makes a double claim impossible even without the lock clause. One statement, one round
// trip, no explicit transaction: that is why this pattern rather than SELECT-then-UPDATE.
//
// Leases. A claimed job holds a lease (locked_until). A job is claimable when it is queued
// and due, or running with an expired lease: its runner was killed mid-run, so it runs
// again (jobs must therefore be idempotent, or tolerate running twice). A handler's
// context ends shortly before its lease does, so a live runner never overruns its lease.
package jobs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Status is where a job is in its life.
type Status string

const (
	Queued  Status = "queued"  // waiting for run_at (also between retries)
	Running Status = "running" // claimed by a runner, under a lease
	Done    Status = "done"    // finished successfully
	Dead    Status = "dead"    // failed max_attempts times; kept until an admin retries or discards it
)

// Statuses lists every status in the order the console shows them.
var Statuses = []Status{Queued, Running, Dead, Done}

// Job is one unit of background work.
type Job struct {
	ID          int64
	Kind        string          // names the handler, e.g. webhook.deliver
	Payload     json.RawMessage // the handler's input; {} when empty
	Status      Status
	RunAt       time.Time // not before this time
	Attempts    int       // runs started so far, this one included while running
	MaxAttempts int       // after this many failed runs the job is dead
	LastError   string
	LockedUntil time.Time
	CreatedAt   time.Time
	UpdatedAt   time.Time
	FinishedAt  time.Time
}

// DefaultMaxAttempts is a job's MaxAttempts when the enqueuer gives none.
const DefaultMaxAttempts = 5

// Queue is the job table: enqueue, look, retry. It is safe for concurrent use. One Queue
// per process: its Notify wakes that process's runner.
type Queue struct {
	db   *db.DB
	now  func() time.Time
	wake chan struct{}
}

// NewQueue returns the queue over d. now is the clock (time.Now when nil).
func NewQueue(d *db.DB, now func() time.Time) *Queue {
	if now == nil {
		now = time.Now
	}
	return &Queue{db: d, now: now, wake: make(chan struct{}, 1)}
}

func (q *Queue) clock() time.Time { return q.now().UTC().Truncate(time.Microsecond) }

// Enqueue writes j inside tx (the transaction of the change that causes it) and returns
// its id. Call Notify after tx commits so the runner starts it without waiting for its
// next poll.
func (q *Queue) Enqueue(ctx context.Context, tx *sql.Tx, j Job) (int64, error) {
	return q.insert(ctx, tx, j)
}

// EnqueueNow writes j in its own transaction and wakes the runner.
func (q *Queue) EnqueueNow(ctx context.Context, j Job) (int64, error) {
	var id int64
	err := q.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = q.insert(ctx, tx, j)
		return err
	})
	if err == nil {
		q.Notify()
	}
	return id, err
}

func (q *Queue) insert(ctx context.Context, tx db.Queryer, j Job) (int64, error) {
	if strings.TrimSpace(j.Kind) == "" || len(j.Kind) > 100 {
		return 0, errs.E(errs.Invalid, "jobs: a job needs a kind of at most 100 characters")
	}
	payload := []byte(j.Payload)
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	if !json.Valid(payload) {
		return 0, errs.E(errs.Invalid, "jobs: %s payload is not valid JSON", j.Kind)
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = DefaultMaxAttempts
	}
	if j.MaxAttempts > 100 {
		return 0, errs.E(errs.Invalid, "jobs: at most 100 attempts")
	}
	now := q.clock()
	runAt := j.RunAt.UTC().Truncate(time.Microsecond)
	if j.RunAt.IsZero() {
		runAt = now
	}
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO jobs (kind, payload, status, run_at, max_attempts, created_at, updated_at)
		VALUES ($1, $2, 'queued', $3, $4, $5, $5) RETURNING id`, j.Kind, string(payload), runAt, j.MaxAttempts, now).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("jobs: enqueue %s: %w", j.Kind, err)
	}
	return id, nil
}

// Notify wakes this process's runner; call it after a transaction that enqueued commits.
func (q *Queue) Notify() {
	select {
	case q.wake <- struct{}{}:
	default: // a wake-up is pending already
	}
}

const jobColumns = "id, kind, payload, status, run_at, attempts, max_attempts, last_error, locked_until, created_at, updated_at, finished_at"

type scanner interface{ Scan(...any) error }

func scanJob(s scanner) (*Job, error) {
	var j Job
	var payload string
	var locked, finished sql.NullTime
	if err := s.Scan(&j.ID, &j.Kind, &payload, &j.Status, &j.RunAt, &j.Attempts, &j.MaxAttempts, &j.LastError,
		&locked, &j.CreatedAt, &j.UpdatedAt, &finished); err != nil {
		return nil, err
	}
	j.Payload = json.RawMessage(payload)
	j.LockedUntil, j.FinishedAt = locked.Time, finished.Time
	return &j, nil
}

// claimable is the condition of a job a runner may take at $1 (now).
const claimable = "((status = 'queued' AND run_at <= $1) OR (status = 'running' AND locked_until < $1))"

// claim takes one due job for worker, leased until now+lease, or returns nil.
func (q *Queue) claim(ctx context.Context, worker string, lease time.Duration) (*Job, error) {
	now := q.clock()
	lock := ""
	if q.db.Dialect == db.Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	row := q.db.Write().QueryRowContext(ctx, `UPDATE jobs SET status = 'running', locked_until = $2, locked_by = $3,
		attempts = attempts + 1, updated_at = $1
		WHERE id = (SELECT id FROM jobs WHERE `+claimable+` ORDER BY run_at, id LIMIT 1`+lock+`) AND `+claimable+`
		RETURNING `+jobColumns, now, now.Add(lease), worker)
	j, err := scanJob(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("jobs: claim: %w", err)
	}
	return j, nil
}

// finish records the outcome of a run, if worker still holds the job's lease for that
// attempt. It reports whether it did (false: the lease expired and another runner took it).
func (q *Queue) finish(ctx context.Context, j *Job, worker string, status Status, runAt time.Time, lastError string) (bool, error) {
	now := q.clock()
	var finished any
	if status == Done || status == Dead {
		finished = now
	}
	if len(lastError) > 2000 {
		lastError = lastError[:2000]
	}
	res, err := q.db.Write().ExecContext(ctx, `UPDATE jobs SET status = $1, run_at = $2, last_error = $3, locked_until = NULL,
		locked_by = '', updated_at = $4, finished_at = $5
		WHERE id = $6 AND status = 'running' AND locked_by = $7 AND attempts = $8`,
		string(status), runAt.UTC().Truncate(time.Microsecond), lastError, now, finished, j.ID, worker, j.Attempts)
	if err != nil {
		return false, fmt.Errorf("jobs: finish %d: %w", j.ID, err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Filter selects jobs for the console, newest first.
type Filter struct {
	Status Status // empty: queued, running and dead (not done)
	Kind   string
	Limit  int // default 50, at most 500
	Offset int
}

// List returns the jobs that match f and how many match in all.
func (q *Queue) List(ctx context.Context, f Filter) ([]*Job, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	where, args := "status <> 'done'", []any{}
	if f.Status != "" {
		if !validStatus(f.Status) {
			return nil, 0, errs.E(errs.Invalid, "Unknown job status %q.", f.Status).WithKey("job_status")
		}
		args = append(args, string(f.Status))
		where = fmt.Sprintf("status = $%d", len(args))
	}
	if f.Kind != "" {
		args = append(args, f.Kind)
		where += fmt.Sprintf(" AND kind = $%d", len(args))
	}
	var total int
	if err := q.db.Read().QueryRowContext(ctx, "SELECT count(*) FROM jobs WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("jobs: count: %w", err)
	}
	args = append(args, f.Limit, f.Offset)
	rows, err := q.db.Read().QueryContext(ctx, fmt.Sprintf("SELECT %s FROM jobs WHERE %s ORDER BY id DESC LIMIT $%d OFFSET $%d",
		jobColumns, where, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, 0, fmt.Errorf("jobs: list: %w", err)
	}
	defer rows.Close()
	var out []*Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("jobs: scan: %w", err)
		}
		out = append(out, j)
	}
	return out, total, rows.Err()
}

func validStatus(s Status) bool {
	for _, v := range Statuses {
		if v == s {
			return true
		}
	}
	return false
}

// Get returns one job.
func (q *Queue) Get(ctx context.Context, id int64) (*Job, error) {
	j, err := scanJob(q.db.Read().QueryRowContext(ctx, "SELECT "+jobColumns+" FROM jobs WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "No such job.").WithKey("not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("jobs: get %d: %w", id, err)
	}
	return j, nil
}

// Counts returns how many jobs are in each status.
func (q *Queue) Counts(ctx context.Context) (map[Status]int, error) {
	rows, err := q.db.Read().QueryContext(ctx, "SELECT status, count(*) FROM jobs GROUP BY status")
	if err != nil {
		return nil, fmt.Errorf("jobs: counts: %w", err)
	}
	defer rows.Close()
	out := map[Status]int{}
	for rows.Next() {
		var s Status
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		out[s] = n
	}
	return out, rows.Err()
}

// Retry puts a dead (or waiting) job back in the queue to run now, with a fresh count of
// attempts. A running or finished job cannot be retried.
func (q *Queue) Retry(ctx context.Context, id int64) error {
	now := q.clock()
	res, err := q.db.Write().ExecContext(ctx, `UPDATE jobs SET status = 'queued', run_at = $1, attempts = 0, updated_at = $1,
		finished_at = NULL WHERE id = $2 AND status IN ('dead', 'queued')`, now, id)
	if err != nil {
		return fmt.Errorf("jobs: retry %d: %w", id, err)
	}
	if err := q.oneRow(ctx, res, id, "retried"); err != nil {
		return err
	}
	q.Notify()
	return nil
}

// Discard deletes a dead or queued job.
func (q *Queue) Discard(ctx context.Context, id int64) error {
	res, err := q.db.Write().ExecContext(ctx, "DELETE FROM jobs WHERE id = $1 AND status IN ('dead', 'queued')", id)
	if err != nil {
		return fmt.Errorf("jobs: discard %d: %w", id, err)
	}
	return q.oneRow(ctx, res, id, "discarded")
}

// oneRow turns "no row changed" into NotFound (no such job) or Conflict (wrong status).
func (q *Queue) oneRow(ctx context.Context, res sql.Result, id int64, what string) error {
	if n, err := res.RowsAffected(); err != nil || n == 1 {
		return err
	}
	j, err := q.Get(ctx, id)
	if err != nil {
		return err
	}
	return errs.E(errs.Conflict, "Job %d is %s and cannot be %s.", id, j.Status, what).WithKey("job_state")
}

// Prune deletes finished jobs older than before and returns how many.
func (q *Queue) Prune(ctx context.Context, before time.Time) (int64, error) {
	res, err := q.db.Write().ExecContext(ctx, "DELETE FROM jobs WHERE status = 'done' AND finished_at < $1", before.UTC().Truncate(time.Microsecond))
	if err != nil {
		return 0, fmt.Errorf("jobs: prune: %w", err)
	}
	return res.RowsAffected()
}

// workerID names a runner in locked_by: host, process and a random part.
func workerID() string {
	host, _ := os.Hostname()
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s:%d:%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
