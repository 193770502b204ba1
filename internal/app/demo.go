package app

import (
	"context"

	"github.com/hotlinecc/hotline/internal/demo"
)

// LoadDemo fills an empty database with the demo center through the app's services.
func (a *App) LoadDemo(ctx context.Context) error {
	return demo.Load(ctx, demo.Services{
		Auth:      a.Auth,
		Customers: a.Customers,
		Queues:    a.Queues,
		Webhooks:  a.Webhooks,
		IVR:       a.IVR,
		KB:        a.KB,
		Calendars: a.Calendars,
		SLARules:  a.SLARules,
		Todos:     a.Todos,
		Tickets:   a.Tickets,
		Calls:     a.Calls,
		SIP:       a.SIPStore,
		QA:        a.QA,
		Surveys:   a.Surveys,
	})
}
