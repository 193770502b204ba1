package events

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
)

func TestAppendListAndTail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		l := New(d)
		base := time.Date(2026, 11, 20, 1, 0, 0, 0, time.UTC)
		in := []Event{
			{Kind: "call.answered", CustomerID: 7, At: base, Data: map[string]any{"queue": "support"}},
			{Kind: "ticket.created", CustomerID: 7, TicketID: 3, ActorID: 2, At: base.Add(time.Minute)},
			{Kind: "ticket.dispatched", CustomerID: 7, TicketID: 3, At: base.Add(2 * time.Minute), Data: map[string]any{"partner": "华强"}},
			{Kind: "note.added", CustomerID: 8, At: base.Add(3 * time.Minute)},
		}
		err := d.Tx(ctx, func(tx *sql.Tx) error {
			for i := range in {
				if err := l.Append(ctx, tx, &in[i]); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}

		tests := []struct {
			name  string
			f     Filter
			kinds []string
			total int
		}{
			{"customer newest first", Filter{CustomerID: 7}, []string{"ticket.dispatched", "ticket.created", "call.answered"}, 3},
			{"by category", Filter{CustomerID: 7, Categories: []string{"call"}}, []string{"call.answered"}, 1},
			{"paged", Filter{CustomerID: 7, Limit: 1, Offset: 1}, []string{"ticket.created"}, 3},
			{"ticket", Filter{TicketID: 3}, []string{"ticket.dispatched", "ticket.created"}, 2},
			{"none", Filter{CustomerID: 99}, nil, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, total, err := l.List(ctx, tt.f)
				if err != nil {
					t.Fatal(err)
				}
				var kinds []string
				for _, e := range got {
					kinds = append(kinds, e.Kind)
				}
				if total != tt.total || len(kinds) != len(tt.kinds) {
					t.Fatalf("got %v (total %d), want %v (total %d)", kinds, total, tt.kinds, tt.total)
				}
				for i := range kinds {
					if kinds[i] != tt.kinds[i] {
						t.Fatalf("got %v, want %v", kinds, tt.kinds)
					}
				}
			})
		}

		got, err := l.Since(ctx, in[1].ID, 10)
		if err != nil || len(got) != 2 || got[0].ID != in[2].ID {
			t.Fatalf("Since = %v, %v", got, err)
		}
		if got[0].Str("partner") != "华强" || !got[0].At.Equal(in[2].At) || got[0].TicketID != 3 || got[0].ActorID != 0 {
			t.Fatalf("round trip = %+v", got[0])
		}
		if last, err := l.LastID(ctx); err != nil || last != in[3].ID {
			t.Fatalf("LastID = %d, %v", last, err)
		}

		if err := d.Tx(ctx, func(tx *sql.Tx) error { return l.MoveCustomer(ctx, tx, 8, 7) }); err != nil {
			t.Fatal(err)
		}
		if _, total, _ := l.List(ctx, Filter{CustomerID: 7}); total != 4 {
			t.Fatalf("after merge customer 7 has %d events, want 4", total)
		}
	})
}

func TestAppendRejectsBadKind(t *testing.T) {
	d := dbtest.SQLite(t)
	l := New(d)
	err := d.Tx(context.Background(), func(tx *sql.Tx) error {
		return l.Append(context.Background(), tx, &Event{Kind: "created"})
	})
	if err == nil {
		t.Fatal("a kind without a category was accepted")
	}
}

func TestNotifyWakesSubscribers(t *testing.T) {
	l := New(nil)
	ch, cancel := l.Subscribe()
	l.Notify()
	l.Notify() // coalesces, never blocks
	select {
	case <-ch:
	default:
		t.Fatal("no wake-up")
	}
	cancel()
	l.Notify()
	select {
	case <-ch:
		t.Fatal("woken after cancel")
	default:
	}
}
