package app

import (
	"context"
	"time"

	"github.com/hotlinecc/hotline/internal/qa"
)

// wireQA builds the quality store and schedules its jobs: the talk analysis of new
// recordings every minute, and the weekly sample (the past week, to catch calls that ended
// or were analysed late, and the current one) every hour. Both are idempotent.
func (a *App) wireQA() {
	a.QA = qa.New(a.DB, a.Events, qa.Options{Location: a.Config.Location(), DataDir: a.Config.DataDir})
	a.Runner.Every("qa.analyze", time.Minute, func(ctx context.Context) error {
		_, err := a.QA.AnalyzePending(ctx, 50)
		return err
	})
	a.Runner.Every("qa.sample", time.Hour, func(ctx context.Context) error {
		now := time.Now()
		if _, err := a.QA.SampleWeek(ctx, now.AddDate(0, 0, -7)); err != nil {
			return err
		}
		_, err := a.QA.SampleWeek(ctx, now)
		return err
	})
}
