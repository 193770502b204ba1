package calendar

import (
	"context"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
)

func TestStore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := NewStore(d)
		c := valid()
		if err := s.Create(ctx, c); err != nil {
			t.Fatal(err)
		}
		other := &Calendar{NameZH: "热线", NameEN: "Hotline", TimeZone: "UTC"}
		other.Week[time.Sunday] = []Span{{0, MinutesPerDay}}
		if err := s.Create(ctx, other); err != nil {
			t.Fatal(err)
		}
		got, err := s.Get(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.NameZH != "办公时间" || FormatSpans(got.Week[time.Monday]) != "09:00-12:00, 13:00-18:00" || len(got.Holidays) != 2 ||
			got.Holidays[0] != (Holiday{"2026-10-01", "国庆节"}) || len(got.WorkDays) != 1 || FormatSpans(got.WorkDays[0].Spans) != "09:00-18:00" {
			t.Fatalf("stored calendar %+v", got)
		}
		all, err := s.List(ctx)
		if err != nil || len(all) != 2 || FormatSpans(all[1].Week[time.Sunday]) != "00:00-24:00" || len(all[1].Holidays) != 0 {
			t.Fatalf("list %+v %v", all, err)
		}
		// The stored make-up Saturday is open; the holiday is not.
		st, err := s.StatusAt(ctx, c.ID, time.Date(2026, 10, 10, 2, 0, 0, 0, time.UTC)) // 10:00 in Shanghai
		if err != nil || !st.Open {
			t.Fatalf("make-up day status %+v %v", st, err)
		}
		if st, _ := s.StatusAt(ctx, c.ID, time.Date(2026, 10, 1, 2, 0, 0, 0, time.UTC)); st.Open {
			t.Fatalf("holiday status %+v", st)
		}

		// An invalid update changes nothing.
		bad := *got
		bad.TimeZone = "Mars/Olympus"
		bad.Holidays = nil
		if err := s.Update(ctx, &bad); !errs.Is(err, errs.Invalid) {
			t.Fatalf("invalid update: %v", err)
		}
		if again, _ := s.Get(ctx, c.ID); again.TimeZone != "Asia/Shanghai" || len(again.Holidays) != 2 {
			t.Fatalf("invalid update changed the calendar: %+v", again)
		}
		// A valid update replaces hours and days.
		upd := *got
		upd.NameEN = "Office"
		upd.Week = [7][]Span{}
		upd.Week[time.Tuesday] = []Span{{600, 660}}
		upd.Holidays = []Holiday{{"2026-12-25", ""}}
		upd.WorkDays = nil
		if err := s.Update(ctx, &upd); err != nil {
			t.Fatal(err)
		}
		again, _ := s.Get(ctx, c.ID)
		if again.NameEN != "Office" || len(again.Week[time.Monday]) != 0 || FormatSpans(again.Week[time.Tuesday]) != "10:00-11:00" ||
			len(again.Holidays) != 1 || len(again.WorkDays) != 0 {
			t.Fatalf("updated %+v", again)
		}
		missing := upd
		missing.ID = 9999
		if err := s.Update(ctx, &missing); !errs.Is(err, errs.NotFound) {
			t.Fatalf("update missing: %v", err)
		}
		if _, err := s.Get(ctx, 9999); !errs.Is(err, errs.NotFound) {
			t.Fatalf("get missing: %v", err)
		}
		if _, err := s.Schedule(ctx, 9999); !errs.Is(err, errs.NotFound) {
			t.Fatalf("schedule missing: %v", err)
		}
	})
}
