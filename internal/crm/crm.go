// Package crm owns customers: their names, phone numbers and emails, and finding them
// by any of those (lookup by phone drives screen pop, so it is one indexed query).
package crm

import (
	"context"
	"database/sql"
	"fmt"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Customer is a person or company that contacts the center.
type Customer struct {
	ID        int64
	Name      string
	Company   string
	VIPLevel  int // 0 none, 1-3 rising
	City      string
	Note      string
	Phones    []Phone
	Emails    []string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Phone is one of a customer's numbers, stored normalized (see NormalizePhone).
type Phone struct {
	Number string // normalized
	Label  string // mobile, office, home
}

// Display is the number as agents read it.
func (p Phone) Display() string { return DisplayPhone(p.Number) }

// Store reads and writes customers.
type Store struct {
	db  *db.DB
	now func() time.Time
}

// NewStore returns a Store over d.
func NewStore(d *db.DB) *Store { return &Store{db: d, now: time.Now} }

func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Create validates and adds a customer with its phones and emails in one transaction.
func (s *Store) Create(ctx context.Context, c *Customer) error {
	c.Name = strings.TrimSpace(c.Name)
	if c.Name == "" || utf8.RuneCountInString(c.Name) > 100 {
		return errs.Field("name", "Customer name must have 1 to 100 characters.").WithKey("customer_name")
	}
	if c.VIPLevel < 0 || c.VIPLevel > 3 {
		return errs.Field("vip_level", "VIP level must be 0 to 3.").WithKey("vip_level")
	}
	for i, p := range c.Phones {
		n, err := NormalizePhone(p.Number)
		if err != nil {
			return err
		}
		c.Phones[i].Number = n
	}
	for _, e := range c.Emails {
		if a, err := mail.ParseAddress(e); err != nil || a.Address != e {
			return errs.Field("email", "Email address is not valid.").WithKey("email")
		}
	}
	now := s.clock()
	c.CreatedAt, c.UpdatedAt = now, now
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO customers (name, company, vip_level, city, note, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, c.Name, c.Company, c.VIPLevel, c.City, c.Note, now).Scan(&c.ID); err != nil {
			return fmt.Errorf("crm: create customer: %w", err)
		}
		for _, p := range c.Phones {
			if _, err := tx.ExecContext(ctx, `INSERT INTO customer_phones (customer_id, number, display, label) VALUES ($1, $2, $3, $4)`,
				c.ID, p.Number, DisplayPhone(p.Number), p.Label); err != nil {
				return fmt.Errorf("crm: add phone: %w", err)
			}
		}
		for _, e := range c.Emails {
			if _, err := tx.ExecContext(ctx, `INSERT INTO customer_emails (customer_id, address) VALUES ($1, $2)`, c.ID, strings.ToLower(e)); err != nil {
				return fmt.Errorf("crm: add email: %w", err)
			}
		}
		return nil
	})
}

// Filter selects customers.
type Filter struct {
	Query  string // a name (or part), a phone number in any common format, or an email
	Limit  int    // default 50, at most 500
	Offset int
}

// Search finds customers by phone (exact, indexed), email, or part of the name (Chinese
// names included), newest first, with the total count.
func (s *Store) Search(ctx context.Context, f Filter) ([]*Customer, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	q := strings.TrimSpace(f.Query)
	cond, args := "1 = 1", []any{}
	if q != "" {
		if n, err := NormalizePhone(q); err == nil {
			cond, args = "id IN (SELECT customer_id FROM customer_phones WHERE number = $1)", []any{n}
		} else if strings.Contains(q, "@") {
			cond, args = "id IN (SELECT customer_id FROM customer_emails WHERE address = $1)", []any{strings.ToLower(q)}
		} else {
			cond, args = "(name LIKE $1 OR company LIKE $1)", []any{"%" + q + "%"}
		}
	}
	var total int
	if err := s.db.Read().QueryRowContext(ctx, "SELECT count(*) FROM customers WHERE "+cond, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("crm: count customers: %w", err)
	}
	n := len(args)
	rows, err := s.db.Read().QueryContext(ctx, fmt.Sprintf(`SELECT id, name, company, vip_level, city, note, created_at, updated_at
		FROM customers WHERE %s ORDER BY id DESC LIMIT $%d OFFSET $%d`, cond, n+1, n+2), append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("crm: search customers: %w", err)
	}
	defer rows.Close()
	var out []*Customer
	byID := map[int64]*Customer{}
	for rows.Next() {
		c := &Customer{}
		if err := rows.Scan(&c.ID, &c.Name, &c.Company, &c.VIPLevel, &c.City, &c.Note, &c.CreatedAt, &c.UpdatedAt); err != nil {
			return nil, 0, err
		}
		out = append(out, c)
		byID[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, total, s.loadPhones(ctx, byID)
}

// loadPhones fills in the phones of the given customers with one query.
func (s *Store) loadPhones(ctx context.Context, byID map[int64]*Customer) error {
	if len(byID) == 0 {
		return nil
	}
	var ph []string
	var args []any
	for id := range byID {
		args = append(args, id)
		ph = append(ph, fmt.Sprintf("$%d", len(args)))
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT customer_id, number, label FROM customer_phones WHERE customer_id IN (`+strings.Join(ph, ",")+`) ORDER BY id`, args...)
	if err != nil {
		return fmt.Errorf("crm: load phones: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var p Phone
		if err := rows.Scan(&id, &p.Number, &p.Label); err != nil {
			return err
		}
		byID[id].Phones = append(byID[id].Phones, p)
	}
	return rows.Err()
}

// Count returns the number of customers.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM customers`).Scan(&n)
	return n, err
}
