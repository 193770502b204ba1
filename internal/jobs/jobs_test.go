package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
)

// clock is a settable time for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func mustGet(t *testing.T, q *Queue, id int64) *Job {
	t.Helper()
	j, err := q.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return j
}

func runDue(t *testing.T, r *Runner, want int) {
	t.Helper()
	n, err := r.RunDue(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Fatalf("ran %d jobs, want %d", n, want)
	}
}

func TestEnqueueValidates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		q := NewQueue(d, nil)
		ctx := context.Background()
		for _, j := range []Job{{}, {Kind: "x.y", Payload: json.RawMessage(`{"a":`)}, {Kind: "x.y", MaxAttempts: 1000}} {
			if _, err := q.EnqueueNow(ctx, j); !errs.Is(err, errs.Invalid) {
				t.Errorf("enqueue %+v: %v, want invalid", j, err)
			}
		}
		if _, total, _ := q.List(ctx, Filter{}); total != 0 {
			t.Fatalf("invalid jobs were stored: %d", total)
		}
		if _, _, err := q.List(ctx, Filter{Status: "bogus"}); !errs.Is(err, errs.Invalid) {
			t.Fatalf("bad status filter: %v", err)
		}
	})
}

// A job that fails is retried after an exponential backoff with jitter, then succeeds;
// attempts and the last error are recorded.
func TestRetryWithBackoff(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock()
		q := NewQueue(d, clk.Now)
		r := NewRunner(q, Options{})
		calls := 0
		var payloads []string
		r.Handle("test.flaky", func(ctx context.Context, j *Job) error {
			calls++
			payloads = append(payloads, string(j.Payload))
			if calls < 3 {
				return fmt.Errorf("receiver said no (%d)", calls)
			}
			return nil
		})
		id, err := q.EnqueueNow(ctx, Job{Kind: "test.flaky", Payload: json.RawMessage(`{"n":1}`)})
		if err != nil {
			t.Fatal(err)
		}
		runDue(t, r, 1)
		j := mustGet(t, q, id)
		if j.Status != Queued || j.Attempts != 1 || j.LastError != "receiver said no (1)" {
			t.Fatalf("after one failure: %+v", j)
		}
		if wait := j.RunAt.Sub(clk.Now()); wait < 5*time.Second || wait > 10*time.Second {
			t.Fatalf("first backoff %v, want 5s..10s", wait)
		}
		runDue(t, r, 0) // not due yet
		clk.Advance(10 * time.Second)
		runDue(t, r, 1)
		j = mustGet(t, q, id)
		if wait := j.RunAt.Sub(clk.Now()); j.Attempts != 2 || wait < 10*time.Second || wait > 20*time.Second {
			t.Fatalf("second backoff %v (attempts %d), want 10s..20s", wait, j.Attempts)
		}
		clk.Advance(20 * time.Second)
		runDue(t, r, 1)
		j = mustGet(t, q, id)
		if j.Status != Done || j.Attempts != 3 || j.FinishedAt.IsZero() || j.LastError != "" {
			t.Fatalf("after success: %+v", j)
		}
		if payloads[2] != `{"n":1}` {
			t.Fatalf("payload %q", payloads[2])
		}
		if n, _ := q.Prune(ctx, clk.Now().Add(time.Second)); n != 1 {
			t.Fatalf("pruned %d", n)
		}
	})
}

func TestExpBackoff(t *testing.T) {
	b := ExpBackoff(time.Second, time.Minute)
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 4: 8 * time.Second, 7: time.Minute, 30: time.Minute} {
		seen := map[time.Duration]bool{}
		for range 50 {
			d := b(attempt)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d: %v, want %v..%v", attempt, d, want/2, want)
			}
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("attempt %d: no jitter", attempt)
		}
	}
}

// After MaxAttempts failures the job is dead, kept and visible; an admin may retry it
// (with fresh attempts) or discard it. Permanent errors and panics are failures too.
func TestDeadAfterMaxAttempts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock()
		q := NewQueue(d, clk.Now)
		r := NewRunner(q, Options{Backoff: func(int) time.Duration { return time.Minute }})
		fail := true
		r.Handle("test.fail", func(context.Context, *Job) error {
			if fail {
				return errors.New("down")
			}
			return nil
		})
		r.Handle("test.permanent", func(context.Context, *Job) error { return Permanent(errors.New("bad input")) })
		r.Handle("test.panic", func(context.Context, *Job) error { panic("boom") })
		id, _ := q.EnqueueNow(ctx, Job{Kind: "test.fail", MaxAttempts: 2})
		perm, _ := q.EnqueueNow(ctx, Job{Kind: "test.permanent"})
		pan, _ := q.EnqueueNow(ctx, Job{Kind: "test.panic", MaxAttempts: 1})
		orphan, _ := q.EnqueueNow(ctx, Job{Kind: "test.nobody", MaxAttempts: 1})
		runDue(t, r, 4)
		clk.Advance(time.Minute)
		runDue(t, r, 1)
		j := mustGet(t, q, id)
		if j.Status != Dead || j.Attempts != 2 || j.LastError != "down" {
			t.Fatalf("dead job: %+v", j)
		}
		if j := mustGet(t, q, perm); j.Status != Dead || j.Attempts != 1 {
			t.Fatalf("permanent failure: %+v", j)
		}
		if j := mustGet(t, q, pan); j.Status != Dead || len(j.LastError) < 11 || j.LastError[:11] != "panic: boom" {
			t.Fatalf("panic: %+v", j)
		}
		if j := mustGet(t, q, orphan); j.Status != Dead {
			t.Fatalf("job without a handler: %+v", j)
		}
		clk.Advance(time.Hour)
		runDue(t, r, 0) // dead jobs stay dead
		dead, total, err := q.List(ctx, Filter{Status: Dead})
		if err != nil || total != 4 || len(dead) != 4 {
			t.Fatalf("dead list: %d %v", total, err)
		}
		counts, _ := q.Counts(ctx)
		if counts[Dead] != 4 {
			t.Fatalf("counts %v", counts)
		}
		fail = false
		if err := q.Retry(ctx, id); err != nil {
			t.Fatal(err)
		}
		runDue(t, r, 1)
		if j := mustGet(t, q, id); j.Status != Done || j.Attempts != 1 {
			t.Fatalf("retried job: %+v", j)
		}
		if err := q.Retry(ctx, id); !errs.Is(err, errs.Conflict) {
			t.Fatalf("retry of a done job: %v", err)
		}
		if err := q.Retry(ctx, 9999); !errs.Is(err, errs.NotFound) {
			t.Fatalf("retry of a missing job: %v", err)
		}
		if err := q.Discard(ctx, perm); err != nil {
			t.Fatal(err)
		}
		if _, err := q.Get(ctx, perm); !errs.Is(err, errs.NotFound) {
			t.Fatalf("discarded job: %v", err)
		}
	})
}

// A runner that dies mid-run (claims and never finishes) leaves a lease that expires; the
// job then runs again, and the dead runner's late report is ignored.
func TestLeaseExpiryRerunsAbandonedJob(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock()
		q := NewQueue(d, clk.Now)
		id, _ := q.EnqueueNow(ctx, Job{Kind: "test.work", MaxAttempts: 2})
		abandoned, err := q.claim(ctx, "killed-runner", time.Minute)
		if err != nil || abandoned == nil || abandoned.ID != id || abandoned.Status != Running {
			t.Fatalf("claim: %+v %v", abandoned, err)
		}
		if again, _ := q.claim(ctx, "other", time.Minute); again != nil {
			t.Fatal("a leased job was claimed twice")
		}
		runs := 0
		r := NewRunner(q, Options{})
		r.Handle("test.work", func(context.Context, *Job) error { runs++; return nil })
		runDue(t, r, 0)
		clk.Advance(61 * time.Second)
		runDue(t, r, 1)
		j := mustGet(t, q, id)
		if runs != 1 || j.Status != Done || j.Attempts != 2 {
			t.Fatalf("after lease expiry: runs %d %+v", runs, j)
		}
		if ok, err := q.finish(ctx, abandoned, "killed-runner", Queued, clk.Now(), "late"); ok || err != nil {
			t.Fatalf("the dead runner's late report was accepted: %v %v", ok, err)
		}
		// A job whose last allowed attempt was abandoned is dead, not run a third time.
		id2, _ := q.EnqueueNow(ctx, Job{Kind: "test.work", MaxAttempts: 1})
		q.claim(ctx, "killed-runner", time.Minute)
		clk.Advance(2 * time.Minute)
		runDue(t, r, 1)
		if j := mustGet(t, q, id2); runs != 1 || j.Status != Dead {
			t.Fatalf("abandoned last attempt: runs %d %+v", runs, j)
		}
	})
}

func TestSchedules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		clk := newClock()
		q := NewQueue(d, clk.Now)
		ticks := 0
		r := NewRunner(q, Options{})
		r.Every("sla.check", time.Minute, func(context.Context) error { ticks++; return nil })
		runDue(t, r, 0)
		clk.Advance(30 * time.Second)
		runDue(t, r, 0)
		clk.Advance(31 * time.Second)
		runDue(t, r, 1)
		runDue(t, r, 0)
		// A second process's runner shares the schedule: each tick runs once in all.
		r2 := NewRunner(NewQueue(d, clk.Now), Options{})
		r2.Every("sla.check", time.Minute, func(context.Context) error { ticks++; return nil })
		clk.Advance(61 * time.Second)
		n1, _ := r.RunDue(ctx)
		n2, _ := r2.RunDue(ctx)
		if n1+n2 != 1 || ticks != 2 {
			t.Fatalf("second tick ran %d+%d times (ticks %d)", n1, n2, ticks)
		}
		// While a tick is still pending, the next tick is skipped rather than piled up.
		q.claim(ctx, "slow", time.Hour) // nothing to claim: no pending tick
		clk.Advance(61 * time.Second)
		if _, err := r.tickSchedules(ctx); err != nil {
			t.Fatal(err)
		}
		clk.Advance(61 * time.Second)
		if _, err := r.tickSchedules(ctx); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := q.List(ctx, Filter{Status: Queued, Kind: ScheduleKind("sla.check")}); total != 1 {
			t.Fatalf("%d ticks queued, want 1", total)
		}
	})
}

// Shutdown stops claiming and waits for the running job to finish; Enqueue's wake-up
// starts a job without waiting for the (long) poll.
func TestShutdownWaitsForRunningJobs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		q := NewQueue(d, nil)
		r := NewRunner(q, Options{Poll: time.Hour})
		started, release := make(chan struct{}), make(chan struct{})
		var finished atomic.Bool
		r.Handle("test.slow", func(ctx context.Context, j *Job) error {
			close(started)
			<-release
			finished.Store(true)
			return nil
		})
		if err := r.Start(ctx); err != nil {
			t.Fatal(err)
		}
		id, _ := q.EnqueueNow(ctx, Job{Kind: "test.slow"})
		select {
		case <-started:
		case <-time.After(5 * time.Second):
			t.Fatal("the enqueued job did not start: no wake-up")
		}
		stopped := make(chan struct{})
		go func() { r.Stop(); close(stopped) }()
		select {
		case <-stopped:
			t.Fatal("Stop returned while a job was running")
		case <-time.After(200 * time.Millisecond):
		}
		close(release)
		select {
		case <-stopped:
		case <-time.After(5 * time.Second):
			t.Fatal("Stop did not return after the job finished")
		}
		if j := mustGet(t, q, id); !finished.Load() || j.Status != Done {
			t.Fatalf("job after Stop: %+v", j)
		}
		// A stopped runner claims nothing more.
		id2, _ := q.EnqueueNow(ctx, Job{Kind: "test.slow"})
		time.Sleep(50 * time.Millisecond)
		if j := mustGet(t, q, id2); j.Status != Queued {
			t.Fatalf("a stopped runner ran a job: %+v", j)
		}
	})
}

// A Shutdown whose deadline passes cancels the running job's context.
func TestShutdownDeadlineCancelsJobs(t *testing.T) {
	d := dbtest.SQLite(t)
	q := NewQueue(d, nil)
	r := NewRunner(q, Options{Poll: time.Hour})
	started := make(chan struct{})
	r.Handle("test.stuck", func(ctx context.Context, j *Job) error {
		close(started)
		<-ctx.Done()
		return ctx.Err()
	})
	r.Start(context.Background())
	q.EnqueueNow(context.Background(), Job{Kind: "test.stuck"})
	<-started
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	if err := r.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("shutdown: %v", err)
	}
}

// Two runners (two processes) working one table never run a job twice.
func TestTwoRunnersNeverRunAJobTwice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		const n = 60
		var mu sync.Mutex
		runs := map[int64]int{}
		var done atomic.Int32
		handler := func(ctx context.Context, j *Job) error {
			mu.Lock()
			runs[j.ID]++
			mu.Unlock()
			time.Sleep(time.Millisecond)
			done.Add(1)
			return nil
		}
		var runners []*Runner
		var queues []*Queue
		for range 2 {
			q := NewQueue(d, nil)
			r := NewRunner(q, Options{Workers: 4, Poll: 20 * time.Millisecond})
			r.Handle("test.count", handler)
			if err := r.Start(ctx); err != nil {
				t.Fatal(err)
			}
			runners = append(runners, r)
			queues = append(queues, q)
		}
		for i := range n {
			if _, err := queues[i%2].EnqueueNow(ctx, Job{Kind: "test.count"}); err != nil {
				t.Fatal(err)
			}
		}
		deadline := time.Now().Add(20 * time.Second)
		for done.Load() < n && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		for _, r := range runners {
			r.Stop()
		}
		if len(runs) != n {
			t.Fatalf("%d of %d jobs ran", len(runs), n)
		}
		for id, c := range runs {
			if c != 1 {
				t.Errorf("job %d ran %d times", id, c)
			}
		}
		counts, _ := queues[0].Counts(ctx)
		if counts[Done] != n {
			t.Fatalf("counts %v", counts)
		}
	})
}
