package api

import (
	"fmt"
	"net/http"
	"time"

	"github.com/hotlinecc/hotline/internal/calendar"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/sla"
)

// weekKeys name the weekdays in JSON, indexed by time.Weekday.
var weekKeys = [7]string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}

type holidayJSON struct {
	Date string `json:"date"`
	Name string `json:"name"`
}

type workDayJSON struct {
	Date  string `json:"date"`
	Name  string `json:"name"`
	Hours string `json:"hours"`
}

// calendarBody is a calendar as the API reads it.
type calendarBody struct {
	NameZH   string            `json:"name_zh"`
	NameEN   string            `json:"name_en"`
	TimeZone string            `json:"time_zone"`
	Week     map[string]string `json:"week"` // mon..sun -> "09:00-12:00, 13:00-18:00"; missing or "" is closed
	Holidays []holidayJSON     `json:"holidays"`
	WorkDays []workDayJSON     `json:"workdays"`
}

type calendarJSON struct {
	ID int64 `json:"id"`
	calendarBody
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toCalendarJSON(c *calendar.Calendar) calendarJSON {
	out := calendarJSON{ID: c.ID, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, calendarBody: calendarBody{
		NameZH: c.NameZH, NameEN: c.NameEN, TimeZone: c.TimeZone, Week: map[string]string{},
		Holidays: []holidayJSON{}, WorkDays: []workDayJSON{}}}
	for d, spans := range c.Week {
		out.Week[weekKeys[d]] = calendar.FormatSpans(spans)
	}
	for _, h := range c.Holidays {
		out.Holidays = append(out.Holidays, holidayJSON(h))
	}
	for _, w := range c.WorkDays {
		out.WorkDays = append(out.WorkDays, workDayJSON{w.Date, w.Name, calendar.FormatSpans(w.Spans)})
	}
	return out
}

// toCalendar reads a body; the store validates the rest.
func (b calendarBody) toCalendar(id int64) (*calendar.Calendar, error) {
	c := &calendar.Calendar{ID: id, NameZH: b.NameZH, NameEN: b.NameEN, TimeZone: b.TimeZone}
	for key, hours := range b.Week {
		d := -1
		for i, k := range weekKeys {
			if k == key {
				d = i
			}
		}
		if d < 0 {
			return nil, errs.Field("week", fmt.Sprintf("%q is not a weekday: use mon, tue, wed, thu, fri, sat, sun.", key))
		}
		spans, err := calendar.ParseSpans(hours)
		if err != nil {
			return nil, errs.Field(fmt.Sprintf("hours_%d", d), fmt.Sprintf("week.%s: %v.", key, err))
		}
		c.Week[d] = spans
	}
	for _, h := range b.Holidays {
		c.Holidays = append(c.Holidays, calendar.Holiday(h))
	}
	for _, w := range b.WorkDays {
		spans, err := calendar.ParseSpans(w.Hours)
		if err != nil {
			return nil, errs.Field("workdays", fmt.Sprintf("Make-up day %s: %v.", w.Date, err))
		}
		c.WorkDays = append(c.WorkDays, calendar.WorkDay{Date: w.Date, Name: w.Name, Spans: spans})
	}
	return c, nil
}

func (a *API) listCalendars(w http.ResponseWriter, r *http.Request) (int, any, error) {
	cs, err := a.Calendars.List(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := list[calendarJSON]{Items: []calendarJSON{}, Total: len(cs)}
	for _, c := range cs {
		out.Items = append(out.Items, toCalendarJSON(c))
	}
	return http.StatusOK, out, nil
}

func (a *API) getCalendar(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	c, err := a.Calendars.Get(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toCalendarJSON(c), nil
}

func (a *API) createCalendar(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return a.saveCalendar(w, r, 0)
}

func (a *API) updateCalendar(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	return a.saveCalendar(w, r, id)
}

func (a *API) saveCalendar(w http.ResponseWriter, r *http.Request, id int64) (int, any, error) {
	b, err := httpx.DecodeJSON[calendarBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	c, err := b.toCalendar(id)
	if err != nil {
		return 0, nil, err
	}
	status := http.StatusOK
	if id == 0 {
		err, status = a.Calendars.Create(r.Context(), c), http.StatusCreated
	} else {
		err = a.Calendars.Update(r.Context(), c)
	}
	if err != nil {
		return 0, nil, err
	}
	return status, toCalendarJSON(c), nil
}

type calendarStatusJSON struct {
	At        time.Time  `json:"at"`
	Open      bool       `json:"open"`
	NextOpen  *time.Time `json:"next_open"`
	NextClose *time.Time `json:"next_close"`
}

// calendarOpen answers whether a calendar is open at ?at= (RFC 3339; now by default).
func (a *API) calendarOpen(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	at := time.Now()
	if s := r.URL.Query().Get("at"); s != "" {
		if at, err = time.Parse(time.RFC3339, s); err != nil {
			return 0, nil, errs.E(errs.Invalid, "Query parameter at must be an RFC 3339 time like 2026-10-01T09:30:00+08:00.")
		}
	}
	st, err := a.Calendars.StatusAt(r.Context(), id, at)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, calendarStatusJSON{At: st.At, Open: st.Open, NextOpen: timePtr(st.NextOpen), NextClose: timePtr(st.NextClose)}, nil
}

type slaRuleBody struct {
	Name         string       `json:"name"`
	Enabled      bool         `json:"enabled"`
	TicketType   string       `json:"ticket_type"`
	Priority     string       `json:"priority"`
	Clock        sla.Clock    `json:"clock"`
	On           sla.Trigger  `json:"on"`
	AfterMinutes int          `json:"after_minutes"`
	Actions      []sla.Action `json:"actions"`
}

type slaRuleJSON struct {
	ID int64 `json:"id"`
	slaRuleBody
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toRuleJSON(r *sla.Rule) slaRuleJSON {
	actions := r.Actions
	if actions == nil {
		actions = []sla.Action{}
	}
	return slaRuleJSON{ID: r.ID, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, slaRuleBody: slaRuleBody{
		Name: r.Name, Enabled: r.Enabled, TicketType: r.TicketType, Priority: r.Priority, Clock: r.Clock, On: r.On,
		AfterMinutes: r.AfterMinutes, Actions: actions}}
}

func (a *API) listSLARules(w http.ResponseWriter, r *http.Request) (int, any, error) {
	rs, err := a.SLARules.List(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := list[slaRuleJSON]{Items: []slaRuleJSON{}, Total: len(rs)}
	for i := range rs {
		out.Items = append(out.Items, toRuleJSON(&rs[i]))
	}
	return http.StatusOK, out, nil
}

func (a *API) getSLARule(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	rule, err := a.SLARules.Get(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toRuleJSON(rule), nil
}

func (a *API) createSLARule(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return a.saveSLARule(w, r, 0)
}

func (a *API) updateSLARule(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	return a.saveSLARule(w, r, id)
}

func (a *API) saveSLARule(w http.ResponseWriter, r *http.Request, id int64) (int, any, error) {
	b, err := httpx.DecodeJSON[slaRuleBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	rule := &sla.Rule{ID: id, Name: b.Name, Enabled: b.Enabled, TicketType: b.TicketType, Priority: b.Priority, Clock: b.Clock,
		On: b.On, AfterMinutes: b.AfterMinutes, Actions: b.Actions}
	status := http.StatusOK
	if id == 0 {
		err, status = a.SLARules.Create(r.Context(), rule), http.StatusCreated
	} else {
		err = a.SLARules.Update(r.Context(), rule)
	}
	if err != nil {
		return 0, nil, err
	}
	return status, toRuleJSON(rule), nil
}

func (a *API) deleteSLARule(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	if err := a.SLARules.Delete(r.Context(), id); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
