package crm

import (
	"context"
	"database/sql"
	"strings"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// TimelineCategories are the event categories a customer's timeline can be filtered by.
var TimelineCategories = []string{"contact", "ticket", "lead", "survey", "customer"}

// TimelineFilter selects a page of a customer's timeline.
type TimelineFilter struct {
	Categories []string // empty: all
	Limit      int      // default 50, at most 500
	Offset     int
}

// Timeline returns one page of everything that happened with a customer (contacts,
// tickets, leads, surveys, notes, changes), newest first, and the total count.
func (s *Store) Timeline(ctx context.Context, customerID int64, f TimelineFilter) ([]events.Event, int, error) {
	if err := exists(ctx, s.db.Read(), customerID); err != nil {
		return nil, 0, err
	}
	return s.events.List(ctx, events.Filter{CustomerID: customerID, Categories: f.Categories, Limit: f.Limit, Offset: f.Offset})
}

// AddNote writes a note on a customer's timeline (a customer.note event).
func (s *Store) AddNote(ctx context.Context, actorID, customerID int64, text string) (*events.Event, error) {
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > 4000 {
		return nil, errs.Field("text", "A note must have 1 to 4000 characters.").WithKey("note_text")
	}
	e := &events.Event{Kind: "customer.note", ActorID: actorID, CustomerID: customerID, At: s.clock(), Data: map[string]any{"text": text}}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := exists(ctx, tx, customerID); err != nil {
			return err
		}
		return s.events.Append(ctx, tx, e)
	})
	if err != nil {
		return nil, err
	}
	s.events.Notify()
	return e, nil
}
