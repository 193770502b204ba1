package ticket

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Department is a part of the company that work is dispatched to.
type Department struct {
	ID        int64
	Code      string
	NameZH    string
	NameEN    string
	Members   []Member
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Member is a user in a department.
type Member struct {
	UserID int64
	Name   string
}

// Name returns the department's name in lang.
func (d *Department) Name(lang string) string { return pick(lang, d.NameZH, d.NameEN) }

// HasMember reports whether a user belongs to the department (for forms).
func (d *Department) HasMember(userID int64) bool {
	for _, m := range d.Members {
		if m.UserID == userID {
			return true
		}
	}
	return false
}

// Departments lists every department by code, with members.
func (s *Service) Departments(ctx context.Context) ([]*Department, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, code, name_zh, name_en, created_at, updated_at FROM departments ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("ticket: list departments: %w", err)
	}
	var out []*Department
	byID := map[int64]*Department{}
	for rows.Next() {
		d := &Department{}
		if err := rows.Scan(&d.ID, &d.Code, &d.NameZH, &d.NameEN, &d.CreatedAt, &d.UpdatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, d)
		byID[d.ID] = d
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	mrows, err := s.db.Read().QueryContext(ctx, `SELECT m.department_id, m.user_id, u.display_name FROM department_members m JOIN users u ON u.id = m.user_id ORDER BY u.display_name`)
	if err != nil {
		return nil, fmt.Errorf("ticket: department members: %w", err)
	}
	defer mrows.Close()
	for mrows.Next() {
		var did int64
		var m Member
		if err := mrows.Scan(&did, &m.UserID, &m.Name); err != nil {
			return nil, err
		}
		if d := byID[did]; d != nil {
			d.Members = append(d.Members, m)
		}
	}
	return out, mrows.Err()
}

// Department returns one department with its members.
func (s *Service) Department(ctx context.Context, id int64) (*Department, error) {
	all, err := s.Departments(ctx)
	if err != nil {
		return nil, err
	}
	for _, d := range all {
		if d.ID == id {
			return d, nil
		}
	}
	return nil, errs.E(errs.NotFound, "Department not found.").WithKey("department_not_found")
}

// SaveDepartment creates (ID 0) or changes a department and sets its members.
func (s *Service) SaveDepartment(ctx context.Context, p *auth.Principal, d *Department) error {
	if err := need(p, auth.PermSettingsManage); err != nil {
		return err
	}
	d.Code, d.NameZH, d.NameEN = strings.TrimSpace(d.Code), strings.TrimSpace(d.NameZH), strings.TrimSpace(d.NameEN)
	if !codePattern.MatchString(d.Code) {
		return invalid("code", "ticket_code", "Code %q must be a-z, 0-9 and _, starting with a letter, at most 40 characters.", d.Code)
	}
	if err := checkName("name", d.NameZH, d.NameEN); err != nil {
		return err
	}
	now := s.clock()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, m := range d.Members {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE id = $1 AND role <> 'partner'`, m.UserID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return invalid("members", "department_member", "User %d is not a staff member.", m.UserID)
			}
		}
		if d.ID == 0 {
			d.CreatedAt, d.UpdatedAt = now, now
			if err := tx.QueryRowContext(ctx, `INSERT INTO departments (code, name_zh, name_en, created_at, updated_at) VALUES ($1, $2, $3, $4, $4) RETURNING id`,
				d.Code, d.NameZH, d.NameEN, now).Scan(&d.ID); err != nil {
				return err
			}
		} else {
			res, err := tx.ExecContext(ctx, `UPDATE departments SET code = $1, name_zh = $2, name_en = $3, updated_at = $4 WHERE id = $5`, d.Code, d.NameZH, d.NameEN, now, d.ID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return errs.E(errs.NotFound, "Department not found.").WithKey("department_not_found")
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM department_members WHERE department_id = $1`, d.ID); err != nil {
				return err
			}
		}
		seen := map[int64]bool{}
		for _, m := range d.Members {
			if seen[m.UserID] {
				continue
			}
			seen[m.UserID] = true
			if _, err := tx.ExecContext(ctx, `INSERT INTO department_members (department_id, user_id) VALUES ($1, $2)`, d.ID, m.UserID); err != nil {
				return err
			}
		}
		return nil
	})
	if db.IsUniqueViolation(err) {
		return invalid("code", "department_code_taken", "A department with code %q exists.", d.Code)
	}
	if err != nil {
		var e *errs.Error
		if errors.As(err, &e) {
			return err
		}
		return fmt.Errorf("ticket: save department %q: %w", d.Code, err)
	}
	return nil
}
