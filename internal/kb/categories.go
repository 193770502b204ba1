package kb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Category groups articles; a category may sit under a parent.
type Category struct {
	ID       int64
	Name     string
	ParentID int64 // 0 at the top
	Position int
	Articles int // published and draft articles directly in it
	Depth    int // 0 at the top, for indented lists
}

// Categories returns every category, parents before their children, each level by
// position then name.
func (s *Service) Categories(ctx context.Context) ([]Category, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT c.id, c.name, c.parent_id, c.position,
		(SELECT count(*) FROM kb_articles a WHERE a.category_id = c.id AND a.status <> 'archived')
		FROM kb_categories c ORDER BY c.position, c.name`)
	if err != nil {
		return nil, fmt.Errorf("kb: categories: %w", err)
	}
	defer rows.Close()
	var all []Category
	for rows.Next() {
		var c Category
		var parent sql.NullInt64
		if err := rows.Scan(&c.ID, &c.Name, &parent, &c.Position, &c.Articles); err != nil {
			return nil, fmt.Errorf("kb: categories: %w", err)
		}
		c.ParentID = parent.Int64
		all = append(all, c)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Order as a tree: each category followed by its children.
	var out []Category
	var add func(parent int64, depth int)
	add = func(parent int64, depth int) {
		for _, c := range all {
			if c.ParentID == parent && depth < 8 {
				c.Depth = depth
				out = append(out, c)
				add(c.ID, depth+1)
			}
		}
	}
	add(0, 0)
	return out, nil
}

// subtree returns id and the ids of every category below it.
func subtree(cats []Category, id int64) []int64 {
	out := []int64{id}
	for i := 0; i < len(out); i++ {
		for _, c := range cats {
			if c.ParentID == out[i] {
				out = append(out, c.ID)
			}
		}
	}
	return out
}

// CategoryInput is a category to create or change.
type CategoryInput struct {
	Name     string
	ParentID int64
	Position int
}

func (s *Service) validCategory(ctx context.Context, q db.Queryer, id int64, in *CategoryInput) error {
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || utf8.RuneCountInString(in.Name) > 60 {
		return errs.Field("name", "Category name must have 1 to 60 characters.").WithKey("kb_category_name")
	}
	if in.Position < 0 || in.Position > 9999 {
		return errs.Field("position", "Position must be 0 to 9999.").WithKey("kb_position")
	}
	// The parent must exist and must not be the category itself or below it.
	for p := in.ParentID; p != 0; {
		if p == id {
			return errs.Field("parent_id", "A category cannot sit under itself.").WithKey("kb_category_parent")
		}
		var next sql.NullInt64
		if err := q.QueryRowContext(ctx, `SELECT parent_id FROM kb_categories WHERE id = $1`, p).Scan(&next); err == sql.ErrNoRows {
			return errs.Field("parent_id", "Unknown category.").WithKey("kb_category")
		} else if err != nil {
			return fmt.Errorf("kb: category parent: %w", err)
		}
		p = next.Int64
	}
	return nil
}

// CreateCategory adds a category.
func (s *Service) CreateCategory(ctx context.Context, by *auth.User, in CategoryInput) (*Category, error) {
	if err := need(by, auth.PermKBWrite); err != nil {
		return nil, err
	}
	c := &Category{}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.validCategory(ctx, tx, 0, &in); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO kb_categories (name, parent_id, position, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			in.Name, nullID(in.ParentID), in.Position, s.clock()).Scan(&c.ID)
		return categoryErr(err)
	})
	if err != nil {
		return nil, err
	}
	c.Name, c.ParentID, c.Position = in.Name, in.ParentID, in.Position
	return c, nil
}

// UpdateCategory renames or moves a category.
func (s *Service) UpdateCategory(ctx context.Context, by *auth.User, id int64, in CategoryInput) error {
	if err := need(by, auth.PermKBWrite); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.validCategory(ctx, tx, id, &in); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE kb_categories SET name = $1, parent_id = $2, position = $3 WHERE id = $4`,
			in.Name, nullID(in.ParentID), in.Position, id)
		if err != nil {
			return categoryErr(err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Category")
		}
		return nil
	})
}

// DeleteCategory removes an empty category: one that holds no articles (archived ones
// included, since their history names it) and no other categories.
func (s *Service) DeleteCategory(ctx context.Context, by *auth.User, id int64) error {
	if err := need(by, auth.PermKBWrite); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var used int
		if err := tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM kb_articles WHERE category_id = $1) + (SELECT count(*) FROM kb_categories WHERE parent_id = $1)`, id).Scan(&used); err != nil {
			return fmt.Errorf("kb: delete category: %w", err)
		}
		if used > 0 {
			return errs.E(errs.Conflict, "The category still holds articles or categories.").WithKey("kb_category_in_use")
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM kb_categories WHERE id = $1`, id)
		if err != nil {
			return fmt.Errorf("kb: delete category: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound("Category")
		}
		return nil
	})
}

func categoryErr(err error) error {
	if db.IsUniqueViolation(err) {
		return errs.Field("name", "A category of this name exists at this place.").WithKey("kb_category_taken")
	}
	if err != nil {
		return fmt.Errorf("kb: save category: %w", err)
	}
	return nil
}
