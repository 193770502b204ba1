package ticket

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Note is a reply or progress note (visible to the partner the ticket is dispatched to)
// or an internal note (the center only).
type Note struct {
	ID         int64
	TicketID   int64
	At         time.Time
	AuthorID   int64
	AuthorName string
	Internal   bool
	Body       string
}

// AddNote adds a note to a ticket. Partners add progress notes to their own orders and
// can never write (or read) internal ones.
func (s *Service) AddNote(ctx context.Context, p *auth.Principal, id int64, body string, internal bool) (*Note, error) {
	sc, err := scopeOf(p)
	if err != nil {
		return nil, err
	}
	if sc.all {
		if err := need(p, auth.PermTicketsWrite); err != nil {
			return nil, err
		}
	} else if internal {
		return nil, errs.E(errs.Forbidden, "Partners cannot write internal notes.").WithKey("forbidden")
	}
	body = strings.TrimSpace(body)
	if body == "" || utf8.RuneCountInString(body) > 10000 {
		return nil, errs.Field("body", "A note must have 1 to 10000 characters.").WithKey("ticket_note")
	}
	now := s.clock()
	var n *Note
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		t, typ, err := loadTicket(ctx, tx, sc, id)
		if err != nil {
			return err
		}
		noteID, err := s.insertNote(ctx, tx, p, t, typ, body, internal, now)
		n = &Note{ID: noteID, TicketID: t.ID, At: now, AuthorID: p.User.ID, AuthorName: p.User.DisplayName, Internal: internal, Body: body}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("ticket: note on %d: %w", id, err)
	}
	s.events.Notify()
	return n, nil
}

// insertNote writes a note, marks the first response when staff answer publicly, and
// appends ticket.note_added.
func (s *Service) insertNote(ctx context.Context, tx *sql.Tx, p *auth.Principal, t *Ticket, typ *Type, body string, internal bool, now time.Time) (int64, error) {
	var id int64
	if err := tx.QueryRowContext(ctx, `INSERT INTO ticket_notes (ticket_id, at, author_id, internal, body) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
		t.ID, now, p.User.ID, internal, body).Scan(&id); err != nil {
		return 0, err
	}
	if !internal && !IsPartner(p) {
		if err := s.markResponded(ctx, tx, t, typ, now); err != nil {
			return 0, err
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE tickets SET updated_at = $1 WHERE id = $2`, now, t.ID); err != nil {
		return 0, err
	}
	data := map[string]any{"internal": internal, "partner": IsPartner(p)}
	if !internal {
		data["excerpt"] = excerpt(body, 140)
	}
	return id, s.emit(ctx, tx, p, "ticket.note_added", t, typ, data)
}

func excerpt(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// Notes lists a ticket's notes, oldest first; partners get only the non-internal ones.
func (s *Service) Notes(ctx context.Context, p *auth.Principal, id int64) ([]Note, error) {
	sc, err := scopeOf(p)
	if err != nil {
		return nil, err
	}
	if _, _, err := loadTicket(ctx, s.db.Read(), sc, id); err != nil {
		return nil, err
	}
	q := `SELECT n.id, n.ticket_id, n.at, COALESCE(n.author_id, 0), COALESCE(u.display_name, ''), n.internal, n.body
		FROM ticket_notes n LEFT JOIN users u ON u.id = n.author_id WHERE n.ticket_id = $1`
	if !sc.all {
		q += " AND NOT n.internal"
	}
	rows, err := s.db.Read().QueryContext(ctx, q+" ORDER BY n.at, n.id", id)
	if err != nil {
		return nil, fmt.Errorf("ticket: notes %d: %w", id, err)
	}
	defer rows.Close()
	var out []Note
	for rows.Next() {
		var n Note
		if err := rows.Scan(&n.ID, &n.TicketID, &n.At, &n.AuthorID, &n.AuthorName, &n.Internal, &n.Body); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}
