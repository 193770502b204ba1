package calendar

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Store reads and writes calendars.
type Store struct {
	db  *db.DB
	now func() time.Time
}

// NewStore returns a Store over d.
func NewStore(d *db.DB) *Store { return &Store{db: d, now: time.Now} }

func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Create validates and adds a calendar.
func (s *Store) Create(ctx context.Context, c *Calendar) error {
	if err := c.Validate(); err != nil {
		return err
	}
	now := s.clock()
	c.CreatedAt, c.UpdatedAt = now, now
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO calendars (name_zh, name_en, time_zone, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $4) RETURNING id`, c.NameZH, c.NameEN, c.TimeZone, now).Scan(&c.ID); err != nil {
			return fmt.Errorf("calendar: create: %w", err)
		}
		return writeDetails(ctx, tx, c)
	})
}

// Update validates c and replaces the stored calendar c.ID with it.
func (s *Store) Update(ctx context.Context, c *Calendar) error {
	if err := c.Validate(); err != nil {
		return err
	}
	c.UpdatedAt = s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE calendars SET name_zh = $1, name_en = $2, time_zone = $3, updated_at = $4 WHERE id = $5`,
			c.NameZH, c.NameEN, c.TimeZone, c.UpdatedAt, c.ID)
		if err != nil {
			return fmt.Errorf("calendar: update %d: %w", c.ID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound()
		}
		for _, table := range []string{"calendar_hours", "calendar_days"} {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE calendar_id = $1", c.ID); err != nil {
				return fmt.Errorf("calendar: update %d: %w", c.ID, err)
			}
		}
		return writeDetails(ctx, tx, c)
	})
}

func notFound() error {
	return errs.E(errs.NotFound, "Calendar not found.").WithKey("calendar_not_found")
}

// writeDetails inserts the weekly hours, holidays and make-up days of c.
func writeDetails(ctx context.Context, tx *sql.Tx, c *Calendar) error {
	for day, spans := range c.Week {
		for _, sp := range spans {
			if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_hours (calendar_id, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4)`,
				c.ID, day, sp.Start, sp.End); err != nil {
				return fmt.Errorf("calendar: hours: %w", err)
			}
		}
	}
	for _, h := range c.Holidays {
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (calendar_id, day, kind, name) VALUES ($1, $2, 'holiday', $3)`, c.ID, h.Date, h.Name); err != nil {
			return fmt.Errorf("calendar: holiday %s: %w", h.Date, err)
		}
	}
	for _, w := range c.WorkDays {
		if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (calendar_id, day, kind, name, hours) VALUES ($1, $2, 'workday', $3, $4)`,
			c.ID, w.Date, w.Name, FormatSpans(w.Spans)); err != nil {
			return fmt.Errorf("calendar: make-up day %s: %w", w.Date, err)
		}
	}
	return nil
}

// Get returns one calendar with its hours and days.
func (s *Store) Get(ctx context.Context, id int64) (*Calendar, error) {
	list, err := s.load(ctx, "WHERE id = $1", id)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, notFound()
	}
	return list[0], nil
}

// List returns every calendar, by id.
func (s *Store) List(ctx context.Context) ([]*Calendar, error) { return s.load(ctx, "") }

// Schedule loads a calendar and compiles it, for callers that ask it questions.
func (s *Store) Schedule(ctx context.Context, id int64) (*Schedule, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	return c.Schedule()
}

func (s *Store) load(ctx context.Context, where string, args ...any) ([]*Calendar, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, name_zh, name_en, time_zone, created_at, updated_at FROM calendars `+where+` ORDER BY id`, args...)
	if err != nil {
		return nil, fmt.Errorf("calendar: list: %w", err)
	}
	defer rows.Close()
	var out []*Calendar
	byID := map[int64]*Calendar{}
	for rows.Next() {
		c := &Calendar{}
		if err := rows.Scan(&c.ID, &c.NameZH, &c.NameEN, &c.TimeZone, &c.CreatedAt, &c.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, c)
		byID[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	if len(out) == 0 {
		return nil, nil
	}
	filter, fargs := "", []any{}
	if len(out) == 1 {
		filter, fargs = " WHERE calendar_id = $1", []any{out[0].ID}
	}
	hours, err := s.db.Read().QueryContext(ctx, `SELECT calendar_id, weekday, start_minute, end_minute FROM calendar_hours`+filter+` ORDER BY calendar_id, weekday, start_minute`, fargs...)
	if err != nil {
		return nil, fmt.Errorf("calendar: hours: %w", err)
	}
	defer hours.Close()
	for hours.Next() {
		var id int64
		var day int
		var sp Span
		if err := hours.Scan(&id, &day, &sp.Start, &sp.End); err != nil {
			return nil, err
		}
		if c := byID[id]; c != nil && day >= 0 && day < 7 {
			c.Week[day] = append(c.Week[day], sp)
		}
	}
	if err := hours.Err(); err != nil {
		return nil, err
	}
	days, err := s.db.Read().QueryContext(ctx, `SELECT calendar_id, day, kind, name, hours FROM calendar_days`+filter+` ORDER BY calendar_id, day`, fargs...)
	if err != nil {
		return nil, fmt.Errorf("calendar: days: %w", err)
	}
	defer days.Close()
	for days.Next() {
		var id int64
		var day, kind, name, spans string
		if err := days.Scan(&id, &day, &kind, &name, &spans); err != nil {
			return nil, err
		}
		c := byID[id]
		if c == nil {
			continue
		}
		if kind == "holiday" {
			c.Holidays = append(c.Holidays, Holiday{day, name})
			continue
		}
		parsed, err := ParseSpans(spans)
		if err != nil {
			return nil, fmt.Errorf("calendar: %d: make-up day %s: %w", id, day, err)
		}
		c.WorkDays = append(c.WorkDays, WorkDay{day, name, parsed})
	}
	return out, days.Err()
}

// StatusAt answers whether calendar id is open at t, and when it next opens and closes.
func (s *Store) StatusAt(ctx context.Context, id int64, t time.Time) (Status, error) {
	sch, err := s.Schedule(ctx, id)
	if err != nil {
		return Status{}, err
	}
	return sch.StatusAt(t), nil
}
