package survey

import (
	"context"
	"fmt"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/todo"
)

// ClosedTicket is a ticket that closed, for invitations after a case ends. The survey
// reads the tickets table (owned by internal/ticket) for this only.
type ClosedTicket struct {
	ID, CustomerID, AgentID int64
	Type                    string
	ClosedAt                time.Time
}

// closedTickets lists tickets closed in [from, to) that have no invitation of channel.
func (s *Store) closedTickets(ctx context.Context, from, to time.Time, channel string) ([]ClosedTicket, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT t.id, t.customer_id, COALESCE(t.assignee_id, 0), COALESCE(tt.name_zh, ''), t.closed_at
		FROM tickets t LEFT JOIN ticket_types tt ON tt.id = t.type_id
		WHERE t.closed_at >= $1 AND t.closed_at < $2
		AND NOT EXISTS (SELECT 1 FROM survey_invitations i WHERE i.ticket_id = t.id AND i.channel = $3) ORDER BY t.closed_at LIMIT 1000`,
		from.UTC(), to.UTC(), channel)
	if err != nil {
		return nil, fmt.Errorf("survey: closed tickets: %w", err)
	}
	defer rows.Close()
	var out []ClosedTicket
	for rows.Next() {
		var t ClosedTicket
		if err := rows.Scan(&t.ID, &t.CustomerID, &t.AgentID, &t.Type, &t.ClosedAt); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// InviteClosedTickets makes a link invitation (questionnaire q) for every ticket closed
// in [from, to) that has none; a job calls it (the coordinator's wiring). It returns the
// invitations made; sending their messages comes with the SMS and email channels.
func (s *Store) InviteClosedTickets(ctx context.Context, q int64, from, to time.Time, baseURL string) ([]*Invitation, error) {
	ts, err := s.closedTickets(ctx, from, to, ChannelLink)
	if err != nil {
		return nil, err
	}
	var out []*Invitation
	for _, t := range ts {
		inv, err := s.Invite(ctx, 0, InviteInput{QuestionnaireID: q, CustomerID: t.CustomerID, TicketID: t.ID, AgentID: t.AgentID,
			TicketType: t.Type, BaseURL: baseURL})
		if err != nil {
			return out, fmt.Errorf("survey: invite ticket %d: %w", t.ID, err)
		}
		out = append(out, inv)
	}
	return out, nil
}

// PlanCallbacks makes the callback list of day (in the center's time zone): a callback
// invitation with the config's questionnaire for every ticket closed CallbackDays before
// day, each with a call-back to-do for the config's callback queue whose note links to
// the agent's questionnaire page. Tickets already on a list are skipped, so it may run
// more than once a day.
func (s *Store) PlanCallbacks(ctx context.Context, day time.Time) ([]*Invitation, error) {
	cfg, err := s.Config(ctx)
	if err != nil {
		return nil, err
	}
	if cfg.CallbackQuestionnaireID == 0 || cfg.CallbackQueueID == 0 {
		return nil, errs.E(errs.Invalid, "Choose the callback questionnaire and queue in the survey settings first.").WithKey("survey_callback_unset")
	}
	y, m, d := day.In(s.loc).Date()
	start := time.Date(y, m, d-cfg.CallbackDays, 0, 0, 0, 0, s.loc)
	ts, err := s.closedTickets(ctx, start, start.AddDate(0, 0, 1), ChannelCallback)
	if err != nil {
		return nil, err
	}
	var out []*Invitation
	for _, t := range ts {
		inv, err := s.Invite(ctx, 0, InviteInput{Channel: ChannelCallback, CustomerID: t.CustomerID, TicketID: t.ID, AgentID: t.AgentID, TicketType: t.Type})
		if err != nil {
			return out, fmt.Errorf("survey: callback ticket %d: %w", t.ID, err)
		}
		if s.todos != nil {
			td, err := s.todos.Create(ctx, todo.System, todo.Input{Title: "满意度回访 / Satisfaction callback", Kind: todo.Callback,
				Note: fmt.Sprintf("/surveys/callback/%d", inv.ID), DueAt: time.Date(y, m, d, 18, 0, 0, 0, s.loc), QueueID: cfg.CallbackQueueID,
				CustomerID: t.CustomerID, TicketID: t.ID})
			if err != nil {
				return out, fmt.Errorf("survey: callback to-do of ticket %d: %w", t.ID, err)
			}
			inv.TodoID = td.ID
			if _, err := s.db.Write().ExecContext(ctx, `UPDATE survey_invitations SET todo_id = $1 WHERE id = $2`, td.ID, inv.ID); err != nil {
				return out, err
			}
		}
		out = append(out, inv)
	}
	return out, nil
}
