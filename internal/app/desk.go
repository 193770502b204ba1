package app

import (
	"context"
	"time"

	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/ticket"
)

// EscalationInterval is how often the SLA escalation job looks at open tickets.
const EscalationInterval = time.Minute

// wireDesk connects the service desk: the customer side sees open tickets, merging
// customers carries their tickets and to-dos along, and a periodic job keeps SLA clocks
// and escalations current.
func (a *App) wireDesk() {
	a.Customers.SetOpenTickets(openTickets{a.Tickets})
	a.Customers.OnMerge(a.Tickets.MoveCustomer)
	a.Customers.OnMerge(a.Todos.MoveCustomer)
	a.Runner.Every("sla.escalate", EscalationInterval, func(ctx context.Context) error {
		rep, err := a.Tickets.Escalate(ctx, a.SLARules, a.Todos)
		if err != nil {
			return err
		}
		if rep.Warnings+rep.Breaches+rep.Fired > 0 {
			a.Log.Info("sla escalation", "checked", rep.Checked, "warnings", rep.Warnings, "breaches", rep.Breaches, "fired", rep.Fired, "notified", rep.Notified)
		}
		return nil
	})
}

// openTickets adapts the ticket service to what crm asks of it.
type openTickets struct{ t *ticket.Service }

func (o openTickets) OpenTicketsOf(ctx context.Context, customerID int64) ([]crm.TicketRef, error) {
	refs, err := o.t.OpenTicketsOf(ctx, customerID)
	if err != nil {
		return nil, err
	}
	out := make([]crm.TicketRef, 0, len(refs))
	for _, r := range refs {
		out = append(out, crm.TicketRef{ID: r.ID, Number: r.Number, Title: r.Title, Status: r.Status})
	}
	return out, nil
}
