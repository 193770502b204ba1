package app

import (
	"context"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/hotlinecc/hotline/internal/jobs"
	"github.com/hotlinecc/hotline/internal/webhook"
)

// buildJobs creates the job queue, its runner and the webhook store, and registers the
// handlers and schedules. It starts nothing: Start does.
func (a *App) buildJobs() {
	a.jobRuns = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "hotline_jobs_total", Help: "Background job runs by kind and outcome (done, retry, dead, lost).",
	}, []string{"kind", "outcome"})
	a.Jobs = jobs.NewQueue(a.DB, nil)
	a.Runner = jobs.NewRunner(a.Jobs, jobs.Options{Log: a.Log, Observe: func(kind, outcome string, _ time.Duration) {
		a.jobRuns.WithLabelValues(kind, outcome).Inc()
	}})
	a.Webhooks = webhook.New(a.DB, a.Jobs, a.Events, webhook.Options{})
	a.Webhooks.Register(a.Runner)
	a.Runner.Every("jobs.prune", time.Hour, func(ctx context.Context) error {
		_, err := a.Jobs.Prune(ctx, time.Now().Add(-7*24*time.Hour))
		return err
	})
}

// Start runs the background work, the job runner and the webhook dispatcher, until stop
// is called or ctx ends. stop stops them and waits for running jobs (up to 15 s, after
// which their contexts are cancelled and their leases let another start retry them);
// call it before Close. An App that is never started runs no goroutines.
func (a *App) Start(ctx context.Context) (stop func(), err error) {
	ctx, cancel := context.WithCancel(ctx)
	if err := a.Runner.Start(ctx); err != nil {
		cancel()
		return nil, err
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		a.Webhooks.RunDispatcher(ctx, a.Log)
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			cancel()
			wg.Wait()
			sctx, done := context.WithTimeout(context.Background(), 15*time.Second)
			defer done()
			if err := a.Runner.Shutdown(sctx); err != nil {
				a.Log.Warn("background jobs still running at shutdown; they will be retried", "err", err)
			}
		})
	}, nil
}
