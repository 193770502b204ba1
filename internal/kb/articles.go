package kb

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Status is where an article stands: only published articles are shown to readers.
type Status string

const (
	Draft     Status = "draft"
	Published Status = "published"
	Archived  Status = "archived"
)

// Statuses lists every article status in the order the console shows them.
var Statuses = []Status{Draft, Published, Archived}

// Valid reports whether st is a known status.
func (st Status) Valid() bool { return slices.Contains(Statuses, st) }

// Article is one piece of knowledge.
type Article struct {
	ID            int64
	Title         string
	Body          string
	CategoryID    int64
	CategoryName  string
	Tags          []string
	Status        Status
	Version       int
	AuthorID      int64
	AuthorName    string
	UpdatedBy     int64
	UpdatedByName string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Matched and Score rank a search result: how many query terms it holds, and their
	// weight (title above tags above body).
	Matched, Score int
}

// ArticleInput is an article to create or save.
type ArticleInput struct {
	Title      string
	Body       string
	CategoryID int64
	Tags       []string
	Status     Status // draft when empty
	// BaseVersion is the version the editor started from; when set and another save came
	// in between, the save is refused rather than silently overwriting it.
	BaseVersion int
	Note        string // what changed, kept with the version
}

// Limits of an article.
const (
	MaxTitle = 200
	MaxBody  = 50000
	MaxTags  = 12
	MaxTag   = 32
)

// ParseTags splits tags typed in one field (commas, Chinese commas or spaces).
func ParseTags(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool {
		return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' || r == '\t' || r == '\n'
	})
}

func (s *Service) validArticle(ctx context.Context, q db.Queryer, in *ArticleInput) error {
	in.Title = strings.TrimSpace(in.Title)
	in.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	if in.Title == "" || utf8.RuneCountInString(in.Title) > MaxTitle {
		return errs.Field("title", fmt.Sprintf("Title must have 1 to %d characters.", MaxTitle)).WithKey("kb_title", MaxTitle)
	}
	if in.Body == "" || utf8.RuneCountInString(in.Body) > MaxBody {
		return errs.Field("body", fmt.Sprintf("Text must have 1 to %d characters.", MaxBody)).WithKey("kb_body", MaxBody)
	}
	if in.Status == "" {
		in.Status = Draft
	}
	if !in.Status.Valid() {
		return errs.Field("status", "Status must be draft, published or archived.").WithKey("kb_status")
	}
	if utf8.RuneCountInString(in.Note) > 200 {
		return errs.Field("note", "The change note must have at most 200 characters.").WithKey("kb_note")
	}
	var tags []string
	for _, t := range in.Tags {
		t = strings.ToLower(strings.TrimSpace(t))
		if t == "" || slices.Contains(tags, t) {
			continue
		}
		if utf8.RuneCountInString(t) > MaxTag {
			return errs.Field("tags", fmt.Sprintf("A tag must have at most %d characters.", MaxTag)).WithKey("kb_tag", MaxTag)
		}
		tags = append(tags, t)
	}
	if len(tags) > MaxTags {
		return errs.Field("tags", fmt.Sprintf("An article may have at most %d tags.", MaxTags)).WithKey("kb_tags", MaxTags)
	}
	in.Tags = tags
	if in.CategoryID != 0 {
		var n int
		if err := q.QueryRowContext(ctx, `SELECT count(*) FROM kb_categories WHERE id = $1`, in.CategoryID).Scan(&n); err != nil {
			return fmt.Errorf("kb: check category: %w", err)
		}
		if n == 0 {
			return errs.Field("category_id", "Unknown category.").WithKey("kb_category")
		}
	}
	return nil
}

// CreateArticle adds an article as version 1.
func (s *Service) CreateArticle(ctx context.Context, by *auth.User, in ArticleInput) (*Article, error) {
	if err := need(by, auth.PermKBWrite); err != nil {
		return nil, err
	}
	var id int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.validArticle(ctx, tx, &in); err != nil {
			return err
		}
		now := s.clock()
		if err := tx.QueryRowContext(ctx, `INSERT INTO kb_articles (title, body, category_id, status, version, author_id, updated_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, 1, $5, $5, $6, $6) RETURNING id`,
			in.Title, in.Body, nullID(in.CategoryID), in.Status, by.ID, now).Scan(&id); err != nil {
			return fmt.Errorf("kb: create article: %w", err)
		}
		return s.afterSave(ctx, tx, id, 1, by.ID, now, in)
	})
	if err != nil {
		return nil, err
	}
	return s.Article(ctx, by, id)
}

// UpdateArticle saves a new version of an article; the previous ones stay in its history.
func (s *Service) UpdateArticle(ctx context.Context, by *auth.User, id int64, in ArticleInput) (*Article, error) {
	if err := need(by, auth.PermKBWrite); err != nil {
		return nil, err
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		return s.saveVersion(ctx, tx, by, id, in)
	})
	if err != nil {
		return nil, err
	}
	return s.Article(ctx, by, id)
}

// saveVersion writes in as the next version of article id.
func (s *Service) saveVersion(ctx context.Context, tx *sql.Tx, by *auth.User, id int64, in ArticleInput) error {
	var current int
	if err := tx.QueryRowContext(ctx, `SELECT version FROM kb_articles WHERE id = $1`, id).Scan(&current); err == sql.ErrNoRows {
		return notFound("Article")
	} else if err != nil {
		return fmt.Errorf("kb: article %d: %w", id, err)
	}
	if in.BaseVersion != 0 && in.BaseVersion != current {
		return errs.E(errs.Conflict, "Someone saved version %d of this article after you opened it; reload it and make your change again.", current).
			WithKey("kb_version_conflict", current)
	}
	if err := s.validArticle(ctx, tx, &in); err != nil {
		return err
	}
	now := s.clock()
	next := current + 1
	// The version check in WHERE makes two concurrent saves of one version fail cleanly.
	res, err := tx.ExecContext(ctx, `UPDATE kb_articles SET title = $1, body = $2, category_id = $3, status = $4, version = $5, updated_by = $6, updated_at = $7
		WHERE id = $8 AND version = $9`, in.Title, in.Body, nullID(in.CategoryID), in.Status, next, by.ID, now, id, current)
	if err != nil {
		return fmt.Errorf("kb: update article %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.Conflict, "The article changed while saving; reload it.").WithKey("kb_version_conflict", current)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM kb_article_tags WHERE article_id = $1`, id); err != nil {
		return fmt.Errorf("kb: article %d tags: %w", id, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM kb_terms WHERE article_id = $1`, id); err != nil {
		return fmt.Errorf("kb: article %d terms: %w", id, err)
	}
	return s.afterSave(ctx, tx, id, next, by.ID, now, in)
}

// afterSave writes an article's tags, its version row and its search terms.
func (s *Service) afterSave(ctx context.Context, tx *sql.Tx, id int64, version int, by int64, now time.Time, in ArticleInput) error {
	for _, t := range in.Tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO kb_article_tags (article_id, tag) VALUES ($1, $2)`, id, t); err != nil {
			return fmt.Errorf("kb: article %d tag: %w", id, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO kb_versions (article_id, version, title, body, category_id, tags, status, note, saved_by, saved_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		id, version, in.Title, in.Body, nullID(in.CategoryID), strings.Join(in.Tags, ","), in.Status, strings.TrimSpace(in.Note), by, now); err != nil {
		return fmt.Errorf("kb: article %d version %d: %w", id, version, err)
	}
	return writeTerms(ctx, tx, id, indexTerms(in.Title, in.Body, in.Tags))
}

// writeTerms inserts an article's index terms, many rows per statement.
func writeTerms(ctx context.Context, tx *sql.Tx, id int64, terms map[string]int) error {
	keys := make([]string, 0, len(terms))
	for t := range terms {
		keys = append(keys, t)
	}
	slices.Sort(keys)
	const batch = 300
	for len(keys) > 0 {
		n := min(batch, len(keys))
		var q strings.Builder
		q.WriteString("INSERT INTO kb_terms (term, article_id, weight) VALUES ")
		args := make([]any, 0, 3*n)
		for i, t := range keys[:n] {
			if i > 0 {
				q.WriteString(", ")
			}
			fmt.Fprintf(&q, "($%d, $%d, $%d)", 3*i+1, 3*i+2, 3*i+3)
			args = append(args, t, id, terms[t])
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("kb: index article %d: %w", id, err)
		}
		keys = keys[n:]
	}
	return nil
}

const articleColumns = `a.id, a.title, a.body, a.category_id, COALESCE(c.name, ''), a.status, a.version,
	a.author_id, au.display_name, a.updated_by, ub.display_name, a.created_at, a.updated_at`

const articleFrom = ` FROM kb_articles a LEFT JOIN kb_categories c ON c.id = a.category_id
	JOIN users au ON au.id = a.author_id JOIN users ub ON ub.id = a.updated_by`

// articles loads the articles with the given ids, with their tags, keyed by id.
func (s *Service) articles(ctx context.Context, ids []int64) (map[int64]*Article, error) {
	out := map[int64]*Article{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := s.db.Read().QueryContext(ctx, "SELECT "+articleColumns+articleFrom+" WHERE a.id IN ("+placeholders(1, len(ids))+")", args...)
	if err != nil {
		return nil, fmt.Errorf("kb: load articles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a := &Article{}
		var cat sql.NullInt64
		if err := rows.Scan(&a.ID, &a.Title, &a.Body, &cat, &a.CategoryName, &a.Status, &a.Version,
			&a.AuthorID, &a.AuthorName, &a.UpdatedBy, &a.UpdatedByName, &a.CreatedAt, &a.UpdatedAt); err != nil {
			return nil, fmt.Errorf("kb: scan article: %w", err)
		}
		a.CategoryID = cat.Int64
		out[a.ID] = a
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	tags, err := s.db.Read().QueryContext(ctx, "SELECT article_id, tag FROM kb_article_tags WHERE article_id IN ("+placeholders(1, len(ids))+") ORDER BY tag", args...)
	if err != nil {
		return nil, fmt.Errorf("kb: load tags: %w", err)
	}
	defer tags.Close()
	for tags.Next() {
		var id int64
		var t string
		if err := tags.Scan(&id, &t); err != nil {
			return nil, err
		}
		if a := out[id]; a != nil {
			a.Tags = append(a.Tags, t)
		}
	}
	return out, tags.Err()
}

// Article returns one article. Readers see published articles only; writers see all.
func (s *Service) Article(ctx context.Context, by *auth.User, id int64) (*Article, error) {
	if err := need(by, auth.PermKBRead); err != nil {
		return nil, err
	}
	m, err := s.articles(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	a := m[id]
	if a == nil || (a.Status != Published && !by.Can(auth.PermKBWrite)) {
		return nil, notFound("Article")
	}
	return a, nil
}

// Version is one saved state of an article.
type Version struct {
	ArticleID   int64
	Version     int
	Title       string
	Body        string
	CategoryID  int64
	Tags        []string
	Status      Status
	Note        string
	SavedBy     int64
	SavedByName string
	SavedAt     time.Time
}

const versionColumns = `v.article_id, v.version, v.title, v.body, v.category_id, v.tags, v.status, v.note, v.saved_by, u.display_name, v.saved_at
	FROM kb_versions v JOIN users u ON u.id = v.saved_by`

func scanVersion(row interface{ Scan(...any) error }) (*Version, error) {
	v := &Version{}
	var cat sql.NullInt64
	var tags string
	if err := row.Scan(&v.ArticleID, &v.Version, &v.Title, &v.Body, &cat, &tags, &v.Status, &v.Note, &v.SavedBy, &v.SavedByName, &v.SavedAt); err != nil {
		return nil, err
	}
	v.CategoryID = cat.Int64
	if tags != "" {
		v.Tags = strings.Split(tags, ",")
	}
	return v, nil
}

// Versions returns an article's history, newest first (writers only).
func (s *Service) Versions(ctx context.Context, by *auth.User, id int64) ([]*Version, error) {
	if err := need(by, auth.PermKBWrite); err != nil {
		return nil, err
	}
	rows, err := s.db.Read().QueryContext(ctx, "SELECT "+versionColumns+" WHERE v.article_id = $1 ORDER BY v.version DESC", id)
	if err != nil {
		return nil, fmt.Errorf("kb: versions of %d: %w", id, err)
	}
	defer rows.Close()
	var out []*Version
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("kb: scan version: %w", err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, notFound("Article")
	}
	return out, nil
}

// Version returns one saved version of an article (writers only).
func (s *Service) Version(ctx context.Context, by *auth.User, id int64, version int) (*Version, error) {
	if err := need(by, auth.PermKBWrite); err != nil {
		return nil, err
	}
	v, err := scanVersion(s.db.Read().QueryRowContext(ctx, "SELECT "+versionColumns+" WHERE v.article_id = $1 AND v.version = $2", id, version))
	if err == sql.ErrNoRows {
		return nil, notFound("Version")
	}
	if err != nil {
		return nil, fmt.Errorf("kb: version %d of %d: %w", version, id, err)
	}
	return v, nil
}

// RestoreVersion saves an old version's text, category, tags and status as the newest
// version; the history keeps everything in between.
func (s *Service) RestoreVersion(ctx context.Context, by *auth.User, id int64, version int) (*Article, error) {
	v, err := s.Version(ctx, by, id, version)
	if err != nil {
		return nil, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		in := ArticleInput{Title: v.Title, Body: v.Body, CategoryID: v.CategoryID, Tags: v.Tags, Status: v.Status,
			Note: fmt.Sprintf("restored version %d", version)}
		// The category may have been deleted since; the restored article then has none.
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM kb_categories WHERE id = $1`, v.CategoryID).Scan(&n); err != nil {
			return fmt.Errorf("kb: restore: %w", err)
		}
		if n == 0 {
			in.CategoryID = 0
		}
		return s.saveVersion(ctx, tx, by, id, in)
	})
	if err != nil {
		return nil, err
	}
	return s.Article(ctx, by, id)
}
