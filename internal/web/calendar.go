package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/calendar"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
)

// calendarRow is a calendar in the list with its state now.
type calendarRow struct {
	*calendar.Calendar
	Status calendar.Status
}

func (c *Console) calendars(w http.ResponseWriter, r *http.Request) {
	list, err := c.Calendars.List(r.Context())
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	now := time.Now()
	var rows []calendarRow
	for _, cal := range list {
		row := calendarRow{Calendar: cal}
		if sch, err := cal.Schedule(); err == nil {
			row.Status = sch.StatusAt(now)
		}
		rows = append(rows, row)
	}
	c.render(w, r, http.StatusOK, "calendars", c.page(r, "calendar.title", rows))
}

// weekOrder lists weekdays as the form shows them, Monday first.
var weekOrder = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// calendarForm is the calendar form's text, kept as typed so a refused form shows again.
type calendarForm struct {
	ID                       int64
	NameZH, NameEN, TimeZone string
	Hours                    [7]string // by time.Weekday
	Holidays, WorkDays       string    // one per line
	Error                    string
	Errors                   map[string]string
	Days                     []time.Weekday
	Zones                    []string
}

// zones are offered in the form; any IANA name is accepted.
var zones = []string{"Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Asia/Tokyo", "Europe/London", "Europe/Berlin", "America/New_York", "America/Los_Angeles", "UTC"}

func formOf(cal *calendar.Calendar) *calendarForm {
	f := &calendarForm{ID: cal.ID, NameZH: cal.NameZH, NameEN: cal.NameEN, TimeZone: cal.TimeZone}
	for d, spans := range cal.Week {
		f.Hours[d] = calendar.FormatSpans(spans)
	}
	var hs, ws []string
	for _, h := range cal.Holidays {
		hs = append(hs, strings.TrimSpace(h.Date+" "+h.Name))
	}
	for _, wd := range cal.WorkDays {
		ws = append(ws, strings.TrimSpace(wd.Date+" "+strings.ReplaceAll(calendar.FormatSpans(wd.Spans), " ", "")+" "+wd.Name))
	}
	f.Holidays, f.WorkDays = strings.Join(hs, "\n"), strings.Join(ws, "\n")
	return f
}

// parse turns the form into a calendar; the store validates the rest.
func (f *calendarForm) parse() (*calendar.Calendar, error) {
	cal := &calendar.Calendar{ID: f.ID, NameZH: f.NameZH, NameEN: f.NameEN, TimeZone: strings.TrimSpace(f.TimeZone)}
	for d := range f.Hours {
		spans, err := calendar.ParseSpans(f.Hours[d])
		if err != nil {
			return nil, errs.Field(fmt.Sprintf("hours_%d", d), err.Error()).WithKey("calendar_hours", err.Error())
		}
		cal.Week[d] = spans
	}
	for _, line := range lines(f.Holidays) {
		date, name, _ := strings.Cut(line, " ")
		cal.Holidays = append(cal.Holidays, calendar.Holiday{Date: date, Name: strings.TrimSpace(name)})
	}
	for _, line := range lines(f.WorkDays) {
		parts := strings.Fields(line)
		if len(parts) < 2 {
			return nil, errs.Field("workdays", fmt.Sprintf("%q: write a date and hours, like 2026-10-10 09:00-18:00.", line)).WithKey("calendar_workday_line", line)
		}
		spans, err := calendar.ParseSpans(parts[1])
		if err != nil {
			return nil, errs.Field("workdays", fmt.Sprintf("%s: %v.", parts[0], err)).WithKey("calendar_workday_hours", parts[0], err.Error())
		}
		cal.WorkDays = append(cal.WorkDays, calendar.WorkDay{Date: parts[0], Name: strings.Join(parts[2:], " "), Spans: spans})
	}
	return cal, nil
}

// lines returns the non-blank lines of s, trimmed.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func calendarInput(r *http.Request, id int64) *calendarForm {
	f := &calendarForm{ID: id, NameZH: r.PostFormValue("name_zh"), NameEN: r.PostFormValue("name_en"), TimeZone: r.PostFormValue("time_zone"),
		Holidays: r.PostFormValue("holidays"), WorkDays: r.PostFormValue("workdays")}
	for d := range f.Hours {
		f.Hours[d] = r.PostFormValue("hours_" + strconv.Itoa(d))
	}
	return f
}

func (c *Console) calendarForm(w http.ResponseWriter, r *http.Request, status int, f *calendarForm) {
	f.Days, f.Zones = weekOrder, zones
	title := "calendar.edit"
	if f.ID == 0 {
		title = "calendar.new"
	}
	c.render(w, r, status, "calendar_form", c.page(r, title, f))
}

func (c *Console) newCalendar(w http.ResponseWriter, r *http.Request) {
	f := &calendarForm{TimeZone: c.Location.String()}
	for _, d := range weekOrder[:5] {
		f.Hours[d] = "09:00-18:00"
	}
	c.calendarForm(w, r, http.StatusOK, f)
}

// withID calls fn with the id in the path, or fails with 404.
func (c *Console) withID(w http.ResponseWriter, r *http.Request, fn func(w http.ResponseWriter, r *http.Request, id int64)) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	fn(w, r, id)
}

func (c *Console) editCalendar(w http.ResponseWriter, r *http.Request) {
	c.withID(w, r, func(w http.ResponseWriter, r *http.Request, id int64) {
		cal, err := c.Calendars.Get(r.Context(), id)
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		c.calendarForm(w, r, http.StatusOK, formOf(cal))
	})
}

func (c *Console) createCalendar(w http.ResponseWriter, r *http.Request) { c.saveCalendar(w, r, 0) }

func (c *Console) updateCalendar(w http.ResponseWriter, r *http.Request) {
	c.withID(w, r, c.saveCalendar)
}

func (c *Console) saveCalendar(w http.ResponseWriter, r *http.Request, id int64) {
	f := calendarInput(r, id)
	cal, err := f.parse()
	if err == nil {
		if id == 0 {
			err = c.Calendars.Create(r.Context(), cal)
		} else {
			err = c.Calendars.Update(r.Context(), cal)
		}
	}
	if err != nil {
		if code := errs.CodeOf(err); code == errs.Internal || code == errs.NotFound {
			c.Fail(w, r, err)
			return
		}
		l := c.Catalog.Locale(Language(r))
		f.Error, f.Errors = message(l, err), fieldErrors(l, err)
		c.calendarForm(w, r, httpx.Status(errs.CodeOf(err)), f)
		return
	}
	http.Redirect(w, r, "/settings/calendars/"+strconv.FormatInt(cal.ID, 10)+"?ok=calendar_saved", http.StatusSeeOther)
}
