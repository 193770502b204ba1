package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"time"
)

// Handler does one job. It returns nil when the work is done; an error makes the job run
// again after a backoff, until it has failed MaxAttempts times. Wrap an error with
// Permanent when retrying cannot help. ctx ends before the job's lease does.
type Handler func(ctx context.Context, j *Job) error

// Permanent marks err as not worth retrying: the job is dead at once.
func Permanent(err error) error { return permanentError{err} }

type permanentError struct{ error }

func (p permanentError) Unwrap() error { return p.error }

// Options tune a Runner; zero values take the defaults.
type Options struct {
	Workers int           // jobs run at once; default 4
	Poll    time.Duration // fallback poll for due jobs and other processes' work; default 5s
	Lease   time.Duration // how long a claim lasts; default 5m. A handler's ctx ends 5% sooner.
	// Backoff is the wait before the next run after a job's attempt-th failure; default
	// ExpBackoff(10s, 1h).
	Backoff func(attempt int) time.Duration
	// Observe, when set, is told each run's outcome (done, retry, dead, lost) and duration,
	// e.g. to count it in Prometheus.
	Observe func(kind, outcome string, d time.Duration)
	Log     *slog.Logger
}

// ExpBackoff doubles the wait from base with each attempt up to max, and picks a random
// point in the upper half of it ("equal jitter"), so jobs that failed together do not all
// retry together.
func ExpBackoff(base, max time.Duration) func(attempt int) time.Duration {
	return func(attempt int) time.Duration {
		d := base
		for i := 1; i < attempt && d < max; i++ {
			d *= 2
		}
		d = min(d, max)
		half := d / 2
		return half + rand.N(half+1)
	}
}

// Runner claims due jobs and runs them on a small pool of workers. Register handlers and
// schedules, then Start it; Shutdown stops claiming and waits for the running jobs.
type Runner struct {
	q        *Queue
	opts     Options
	worker   string
	log      *slog.Logger
	handlers map[string]Handler
	scheds   []schedule

	mu      sync.Mutex
	started bool
	cancel  context.CancelFunc // stops the claim loop
	loop    sync.WaitGroup     // the claim loop
	running sync.WaitGroup     // jobs being run
	jobCtx  context.Context    // parent of running jobs' contexts; cancelled by a Shutdown that timed out
	abort   context.CancelFunc
	slots   chan struct{} // a token per running job
	freed   chan struct{} // a worker finished: claim again
}

type schedule struct {
	name     string
	interval time.Duration
}

// NewRunner returns a runner for q.
func NewRunner(q *Queue, o Options) *Runner {
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.Poll <= 0 {
		o.Poll = 5 * time.Second
	}
	if o.Lease <= 0 {
		o.Lease = 5 * time.Minute
	}
	if o.Backoff == nil {
		o.Backoff = ExpBackoff(10*time.Second, time.Hour)
	}
	if o.Log == nil {
		o.Log = slog.New(slog.DiscardHandler)
	}
	return &Runner{q: q, opts: o, worker: workerID(), log: o.Log, handlers: map[string]Handler{},
		slots: make(chan struct{}, o.Workers), freed: make(chan struct{}, 1)}
}

// Handle registers the handler of a kind of job. Call it before Start.
func (r *Runner) Handle(kind string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		panic("jobs: Handle after Start")
	}
	r.handlers[kind] = h
}

// ScheduleKind is the job kind that runs the schedule name.
func ScheduleKind(name string) string { return "schedule." + name }

// Every runs fn every interval, in whichever process's runner reaches the tick first. Each
// tick is a job (kind "schedule.<name>"), so it is retried, leased and visible like any
// other; a tick is skipped while the previous one is still queued or running.
func (r *Runner) Every(name string, interval time.Duration, fn func(ctx context.Context) error) {
	if interval < time.Second {
		panic("jobs: a schedule's interval must be at least a second")
	}
	r.Handle(ScheduleKind(name), func(ctx context.Context, _ *Job) error { return fn(ctx) })
	r.mu.Lock()
	r.scheds = append(r.scheds, schedule{name, interval})
	r.mu.Unlock()
}

// Start begins claiming and running jobs until ctx ends or Shutdown is called. Running
// jobs do not end with ctx: Shutdown waits for them.
func (r *Runner) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		return errors.New("jobs: runner started twice")
	}
	if err := r.registerSchedules(ctx); err != nil {
		return err
	}
	r.started = true
	loopCtx, cancel := context.WithCancel(ctx)
	r.cancel = cancel
	r.jobCtx, r.abort = context.WithCancel(context.WithoutCancel(ctx))
	r.loop.Add(1)
	go func() {
		defer r.loop.Done()
		r.run(loopCtx)
	}()
	return nil
}

// Shutdown stops claiming new jobs and waits for the running ones to finish. If ctx ends
// first, the running jobs' contexts are cancelled, they are awaited, and ctx's error is
// returned; their leases expire and another runner retries them.
func (r *Runner) Shutdown(ctx context.Context) error {
	r.mu.Lock()
	started := r.started
	r.mu.Unlock()
	if !started {
		return nil
	}
	r.cancel()
	r.loop.Wait()
	done := make(chan struct{})
	go func() {
		r.running.Wait()
		close(done)
	}()
	select {
	case <-done:
		r.abort()
		return nil
	case <-ctx.Done():
		r.abort()
		<-done
		return ctx.Err()
	}
}

// Stop is Shutdown without a deadline.
func (r *Runner) Stop() { r.Shutdown(context.Background()) }

// run is the claim loop: fill free workers with due jobs, then sleep until Enqueue's
// wake-up, a worker frees up, a schedule is due, or the poll interval passes.
func (r *Runner) run(ctx context.Context) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		next, err := r.tickSchedules(ctx)
		if err != nil && ctx.Err() == nil {
			r.log.Error("jobs: schedules", "err", err)
		}
		r.fill(ctx)
		wait := r.opts.Poll
		if !next.IsZero() {
			wait = min(wait, max(next.Sub(r.q.now()), 10*time.Millisecond))
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-r.q.wake:
		case <-r.freed:
		case <-timer.C:
		}
	}
}

// fill claims jobs while workers are free.
func (r *Runner) fill(ctx context.Context) {
	for ctx.Err() == nil {
		select {
		case r.slots <- struct{}{}:
		default:
			return // every worker is busy; a finishing one signals freed
		}
		j, err := r.q.claim(ctx, r.worker, r.opts.Lease)
		if err != nil || j == nil {
			<-r.slots
			if err != nil && ctx.Err() == nil {
				r.log.Error("jobs: claim", "err", err)
			}
			return
		}
		r.running.Add(1)
		go func() {
			defer r.running.Done()
			r.execute(r.jobCtx, j)
			<-r.slots
			select {
			case r.freed <- struct{}{}:
			default:
			}
		}()
	}
}

// RunDue claims and runs due jobs one at a time in the caller's goroutine until none is
// due, and returns how many ran. Tests drive a runner with it and an injected clock; the
// console could offer it as "run now".
func (r *Runner) RunDue(ctx context.Context) (int, error) {
	if _, err := r.tickSchedules(ctx); err != nil {
		return 0, err
	}
	n := 0
	for {
		j, err := r.q.claim(ctx, r.worker, r.opts.Lease)
		if err != nil || j == nil {
			return n, err
		}
		r.execute(ctx, j)
		n++
	}
}

// execute runs a claimed job and records its outcome.
func (r *Runner) execute(parent context.Context, j *Job) {
	start := time.Now()
	if j.Attempts > j.MaxAttempts {
		// Claimed again after its last attempt's runner died: do not run it again.
		r.record(j, Dead, j.RunAt, "lease expired during the last attempt", start)
		return
	}
	r.mu.Lock()
	h := r.handlers[j.Kind]
	r.mu.Unlock()
	var err error
	if h == nil {
		err = fmt.Errorf("no handler for job kind %q in this process", j.Kind)
	} else {
		ctx, cancel := context.WithTimeout(parent, r.opts.Lease-r.opts.Lease/20)
		err = safeCall(ctx, h, j)
		cancel()
	}
	switch {
	case err == nil:
		r.record(j, Done, j.RunAt, "", start)
	case j.Attempts >= j.MaxAttempts || errors.As(err, new(permanentError)):
		r.log.Warn("jobs: dead", "id", j.ID, "kind", j.Kind, "attempts", j.Attempts, "err", err)
		r.record(j, Dead, j.RunAt, err.Error(), start)
	default:
		r.log.Info("jobs: retry", "id", j.ID, "kind", j.Kind, "attempt", j.Attempts, "err", err)
		r.record(j, Queued, r.q.clock().Add(r.opts.Backoff(j.Attempts)), err.Error(), start)
	}
}

func (r *Runner) record(j *Job, s Status, runAt time.Time, lastError string, start time.Time) {
	// The outcome is written even when the job's context was cancelled.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	outcome := map[Status]string{Done: "done", Dead: "dead", Queued: "retry"}[s]
	ok, err := r.q.finish(ctx, j, r.worker, s, runAt, lastError)
	if err != nil {
		r.log.Error("jobs: record outcome", "id", j.ID, "kind", j.Kind, "err", err)
	} else if !ok {
		outcome = "lost"
		r.log.Warn("jobs: lease lost before the job finished; another runner has it", "id", j.ID, "kind", j.Kind)
	}
	if r.opts.Observe != nil {
		r.opts.Observe(j.Kind, outcome, time.Since(start))
	}
}

// safeCall runs h, turning a panic into an error.
func safeCall(ctx context.Context, h Handler, j *Job) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
		}
	}()
	return h(ctx, j)
}

// registerSchedules stores each schedule, due after one interval for a new one; a changed
// interval takes effect from the next tick.
func (r *Runner) registerSchedules(ctx context.Context) error {
	for _, s := range r.scheds {
		now := r.q.clock()
		_, err := r.q.db.Write().ExecContext(ctx, `INSERT INTO job_schedules (name, interval_seconds, next_run_at) VALUES ($1, $2, $3)
			ON CONFLICT (name) DO UPDATE SET interval_seconds = excluded.interval_seconds`,
			s.name, int64(s.interval/time.Second), now.Add(s.interval))
		if err != nil {
			return fmt.Errorf("jobs: schedule %s: %w", s.name, err)
		}
	}
	return nil
}

// tickSchedules enqueues a job for every due schedule and returns when the next is due.
// Moving next_run_at is the claim: of several processes, only the one whose UPDATE
// changed the row enqueues the tick.
func (r *Runner) tickSchedules(ctx context.Context) (time.Time, error) {
	r.mu.Lock()
	scheds := r.scheds
	r.mu.Unlock()
	var next time.Time
	for _, s := range scheds {
		due, err := r.tickSchedule(ctx, s)
		if err != nil {
			return time.Time{}, err
		}
		if next.IsZero() || due.Before(next) {
			next = due
		}
	}
	return next, nil
}

func (r *Runner) tickSchedule(ctx context.Context, s schedule) (time.Time, error) {
	now := r.q.clock()
	var next time.Time
	enqueued := false
	err := r.q.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, "SELECT next_run_at FROM job_schedules WHERE name = $1", s.name).Scan(&next)
		if errors.Is(err, sql.ErrNoRows) { // first sight of this schedule: its first tick is one interval away
			next = now.Add(s.interval)
			_, err = tx.ExecContext(ctx, "INSERT INTO job_schedules (name, interval_seconds, next_run_at) VALUES ($1, $2, $3)",
				s.name, int64(s.interval/time.Second), next)
			return err
		}
		if err != nil {
			return err
		}
		if next.After(now) {
			return nil
		}
		due := next
		next = now.Add(s.interval)
		res, err := tx.ExecContext(ctx, "UPDATE job_schedules SET next_run_at = $1 WHERE name = $2 AND next_run_at = $3", next, s.name, due)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err // another process took this tick
		}
		var pending int
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM jobs WHERE kind = $1 AND status IN ('queued', 'running')",
			ScheduleKind(s.name)).Scan(&pending); err != nil {
			return err
		}
		if pending > 0 {
			return nil // the previous tick has not finished: skip this one
		}
		_, err = r.q.insert(ctx, tx, Job{Kind: ScheduleKind(s.name), MaxAttempts: 3})
		enqueued = err == nil
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("jobs: schedule %s: %w", s.name, err)
	}
	if enqueued {
		r.q.Notify()
	}
	return next, nil
}
