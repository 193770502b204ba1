package ticket

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/hotlinecc/hotline/internal/sla"
	"github.com/hotlinecc/hotline/internal/todo"
)

// EscalationReport says what one escalation pass did.
type EscalationReport struct {
	Checked  int // open tickets looked at
	Warnings int // clocks that started warning
	Breaches int // clocks that breached
	Fired    int // rules that fired
	Notified int // to-dos created
}

// Escalate looks at every open ticket's clocks now: it appends ticket.sla_warning and
// ticket.sla_breached once per clock, and fires the escalation rules that match, once
// per ticket each (ticket.escalated), applying their actions: a to-do for each notified
// user or group, a reassignment or a raised priority (with history). The periodic job
// calls it every minute.
func (s *Service) Escalate(ctx context.Context, rules *sla.RuleStore, todos *todo.Store) (EscalationReport, error) {
	var rep EscalationReport
	rs, err := rules.List(ctx)
	if err != nil {
		return rep, err
	}
	names := map[int64]string{}
	for _, r := range rs {
		names[r.ID] = r.Name
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id FROM tickets WHERE status_category IN ('open', 'waiting') ORDER BY id`)
	if err != nil {
		return rep, fmt.Errorf("ticket: escalate: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return rep, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return rep, err
	}
	now := s.clock()
	changed := false
	for _, id := range ids {
		var notes []todo.Input
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			var err error
			notes, err = s.escalateOne(ctx, tx, id, rs, names, now, &rep)
			return err
		})
		if err != nil {
			return rep, fmt.Errorf("ticket: escalate %d: %w", id, err)
		}
		rep.Checked++
		for _, in := range notes {
			changed = true
			if _, err := todos.Create(ctx, todo.System, in); err != nil {
				return rep, fmt.Errorf("ticket: escalation to-do for %d: %w", id, err)
			}
			rep.Notified++
		}
	}
	if changed || rep.Warnings+rep.Breaches+rep.Fired > 0 {
		s.events.Notify()
	}
	return rep, nil
}

func (s *Service) escalateOne(ctx context.Context, tx *sql.Tx, id int64, rs []sla.Rule, names map[int64]string, now time.Time, rep *EscalationReport) ([]todo.Input, error) {
	t, typ, err := loadTicket(ctx, tx, scope{all: true}, id)
	if err != nil || !t.Open() {
		return nil, err
	}
	v, err := s.slaOf(ctx, tx, t, typ, now)
	if err != nil {
		return nil, err
	}
	marks, err := marksOf(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	for _, c := range sla.Clocks {
		cs := v.State.Of(c)
		if cs.Target <= 0 || cs.Stopped {
			continue
		}
		if (cs.Warning || cs.Breached) && !marks["warning:"+string(c)] {
			if err := s.mark(ctx, tx, id, "warning:"+string(c), now); err != nil {
				return nil, err
			}
			rep.Warnings++
			if err := s.emit(ctx, tx, nil, "ticket.sla_warning", t, typ, map[string]any{"clock": string(c), "due_at": cs.Due}); err != nil {
				return nil, err
			}
		}
		if cs.Breached && !marks["breached:"+string(c)] {
			if err := s.mark(ctx, tx, id, "breached:"+string(c), now); err != nil {
				return nil, err
			}
			rep.Breaches++
			if err := s.emit(ctx, tx, nil, "ticket.sla_breached", t, typ, map[string]any{"clock": string(c), "due_at": cs.Due}); err != nil {
				return nil, err
			}
		}
	}
	fired := map[int64]bool{}
	for m := range marks {
		if n, ok := cutRule(m); ok {
			fired[n] = true
		}
	}
	actions, firedIDs := sla.Evaluate(rs, sla.Ticket{ID: t.ID, Type: typ.Code, Priority: t.Priority, State: v.State}, fired)
	if len(firedIDs) == 0 {
		return nil, s.refreshSLA(ctx, tx, t, typ, now)
	}
	var notes []todo.Input
	done := map[int64][]string{}
	for _, a := range actions {
		outcome, ns, err := s.apply(ctx, tx, t, typ, a, names[a.RuleID], now)
		if err != nil {
			return nil, err
		}
		notes = append(notes, ns...)
		done[a.RuleID] = append(done[a.RuleID], outcome)
	}
	for _, rid := range firedIDs {
		if err := s.mark(ctx, tx, id, "rule:"+strconv.FormatInt(rid, 10), now); err != nil {
			return nil, err
		}
		rep.Fired++
		if err := s.emit(ctx, tx, nil, "ticket.escalated", t, typ, map[string]any{"rule_id": rid, "rule": names[rid], "actions": done[rid]}); err != nil {
			return nil, err
		}
	}
	return notes, s.refreshSLA(ctx, tx, t, typ, now)
}

func cutRule(mark string) (int64, bool) {
	if len(mark) < 6 || mark[:5] != "rule:" {
		return 0, false
	}
	n, err := strconv.ParseInt(mark[5:], 10, 64)
	return n, err == nil
}

func marksOf(ctx context.Context, tx *sql.Tx, id int64) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT mark FROM ticket_sla_marks WHERE ticket_id = $1`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var m string
		if err := rows.Scan(&m); err != nil {
			return nil, err
		}
		out[m] = true
	}
	return out, rows.Err()
}

func (s *Service) mark(ctx context.Context, tx *sql.Tx, id int64, mark string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO ticket_sla_marks (ticket_id, mark, at) VALUES ($1, $2, $3)`, id, mark, now)
	return err
}

// apply carries out one escalation action on t and says what it did; notifications
// come back as to-dos to create after the transaction.
func (s *Service) apply(ctx context.Context, tx *sql.Tx, t *Ticket, typ *Type, a sla.Action, rule string, now time.Time) (string, []todo.Input, error) {
	switch a.Kind {
	case sla.Notify:
		title := excerpt(fmt.Sprintf("SLA %s %s: %s", t.Number, rule, t.Title), 200)
		var out []todo.Input
		for _, u := range a.UserIDs {
			out = append(out, todo.Input{Title: title, Kind: todo.Other, DueAt: now, AssigneeID: u, CustomerID: t.CustomerID, TicketID: t.ID})
		}
		if a.GroupID != 0 {
			out = append(out, todo.Input{Title: title, Kind: todo.Other, DueAt: now, QueueID: a.GroupID, CustomerID: t.CustomerID, TicketID: t.ID})
		}
		return "notify", out, nil
	case sla.RaisePriority:
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET priority = $1, updated_at = $2 WHERE id = $3`, a.Priority, now, t.ID); err != nil {
			return "", nil, err
		}
		if err := record(ctx, tx, t.ID, 0, now, []change{{"priority", t.Priority, a.Priority}}); err != nil {
			return "", nil, err
		}
		t.Priority = a.Priority
		return "raise_priority:" + a.Priority, nil, nil
	case sla.Reassign:
		if len(a.UserIDs) == 1 {
			u := a.UserIDs[0]
			var name string
			err := tx.QueryRowContext(ctx, `SELECT display_name FROM users WHERE id = $1 AND role <> 'partner' AND NOT disabled`, u).Scan(&name)
			if errors.Is(err, sql.ErrNoRows) {
				return "reassign_skipped:unknown_user", nil, nil
			}
			if err != nil {
				return "", nil, err
			}
			if typ.Complaint {
				if err := checkHandler(ctx, tx, u); err != nil {
					return "reassign_skipped:not_handler", nil, nil
				}
			}
			if _, err := tx.ExecContext(ctx, `UPDATE tickets SET assignee_id = $1, updated_at = $2 WHERE id = $3`, u, now, t.ID); err != nil {
				return "", nil, err
			}
			if err := record(ctx, tx, t.ID, 0, now, []change{{"assignee", t.AssigneeName, name}}); err != nil {
				return "", nil, err
			}
			t.AssigneeID, t.AssigneeName = u, name
			return "reassign:user:" + strconv.FormatInt(u, 10), nil, nil
		}
		var name string
		err := tx.QueryRowContext(ctx, `SELECT name_zh FROM queues WHERE id = $1`, a.GroupID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return "reassign_skipped:unknown_group", nil, nil
		}
		if err != nil {
			return "", nil, err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE tickets SET group_id = $1, assignee_id = NULL, updated_at = $2 WHERE id = $3`, a.GroupID, now, t.ID); err != nil {
			return "", nil, err
		}
		if err := record(ctx, tx, t.ID, 0, now, []change{{"group", t.GroupName.ZH, name}, {"assignee", t.AssigneeName, ""}}); err != nil {
			return "", nil, err
		}
		t.GroupID, t.AssigneeID = a.GroupID, 0
		return "reassign:group:" + strconv.FormatInt(a.GroupID, 10), nil, nil
	}
	return "", nil, fmt.Errorf("unknown action %q", a.Kind)
}
