package app

import (
	"context"
	"slices"
	"time"

	"github.com/hotlinecc/hotline/internal/calendar"
)

// ivrCalendars answers IVR hours nodes that name a business calendar (ivr.Calendars).
type ivrCalendars struct{ store *calendar.Store }

// HoursAt reports whether calendar id is open at t and whether t falls on one of its
// holidays, in the calendar's own time zone.
func (c ivrCalendars) HoursAt(ctx context.Context, id int64, t time.Time) (open, holiday bool, err error) {
	cal, err := c.store.Get(ctx, id)
	if err != nil {
		return false, false, err
	}
	sch, err := cal.Schedule()
	if err != nil {
		return false, false, err
	}
	date := t.In(sch.Location()).Format(time.DateOnly)
	holiday = slices.ContainsFunc(cal.Holidays, func(h calendar.Holiday) bool { return h.Date == date })
	return sch.Open(t), holiday, nil
}

// calendarIDs lists the business calendars' ids, for validating IVR hours nodes.
func (a *App) calendarIDs(ctx context.Context) ([]int64, error) {
	list, err := a.Calendars.List(ctx)
	ids := make([]int64, 0, len(list))
	for _, c := range list {
		ids = append(ids, c.ID)
	}
	return ids, err
}
