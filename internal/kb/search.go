package kb

import (
	"context"
	"fmt"
	"strings"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Filter selects articles.
type Filter struct {
	Query      string // search text; empty lists articles newest first
	CategoryID int64  // this category and those below it
	Tag        string
	// Status is published when empty; "all" means every status. Readers who may not
	// write knowledge always get published articles only.
	Status string
	Limit  int // default 20, at most 200
	Offset int
}

// Result is one page of articles and how many match in all.
type Result struct {
	Articles []*Article
	Total    int
	Terms    []string // the query's terms, for highlighting
}

// Search finds articles. With a query, each article is ranked by how many of the query's
// terms it holds, then by their weight (title above tags above body); it must hold at
// least half of them. Every lookup goes through the kb_terms primary key.
func (s *Service) Search(ctx context.Context, by *auth.User, f Filter) (*Result, error) {
	if err := need(by, auth.PermKBRead); err != nil {
		return nil, err
	}
	return s.search(ctx, f, by.Can(auth.PermKBWrite))
}

// search runs f; only writers may see other statuses than published.
func (s *Service) search(ctx context.Context, f Filter, writer bool) (*Result, error) {
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 20
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	if len([]rune(f.Query)) > 200 {
		return nil, errs.Field("q", "The search text must have at most 200 characters.").WithKey("kb_query")
	}
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	switch {
	case f.Status == "all" && writer:
	case f.Status == "" || !writer:
		conds = append(conds, "a.status = "+arg(string(Published)))
	case Status(f.Status).Valid():
		conds = append(conds, "a.status = "+arg(f.Status))
	default:
		return nil, errs.Field("status", "Status must be draft, published or archived.").WithKey("kb_status")
	}
	if f.CategoryID != 0 {
		cats, err := s.Categories(ctx)
		if err != nil {
			return nil, err
		}
		var ph []string
		for _, id := range subtree(cats, f.CategoryID) {
			ph = append(ph, arg(id))
		}
		conds = append(conds, "a.category_id IN ("+strings.Join(ph, ", ")+")")
	}
	if t := strings.ToLower(strings.TrimSpace(f.Tag)); t != "" {
		conds = append(conds, "a.id IN (SELECT article_id FROM kb_article_tags WHERE tag = "+arg(t)+")")
	}
	res := &Result{Terms: QueryTerms(f.Query)}
	where := ""
	if len(conds) > 0 {
		where = " AND " + strings.Join(conds, " AND ")
	}
	type hit struct {
		id              int64
		matched, weight int
	}
	var hits []hit
	if strings.TrimSpace(f.Query) != "" {
		if len(res.Terms) == 0 {
			return res, nil // only stop words or punctuation
		}
		var ph []string
		for _, t := range res.Terms {
			ph = append(ph, arg(t))
		}
		inner := `SELECT t.article_id, count(*) AS matched, sum(t.weight) AS score
			FROM kb_terms t JOIN kb_articles a ON a.id = t.article_id
			WHERE t.term IN (` + strings.Join(ph, ", ") + `)` + where + `
			GROUP BY t.article_id HAVING count(*) >= ` + arg(minMatch(len(res.Terms)))
		if err := s.db.Read().QueryRowContext(ctx, "SELECT count(*) FROM ("+inner+") m", args...).Scan(&res.Total); err != nil {
			return nil, fmt.Errorf("kb: count search: %w", err)
		}
		q := inner + " ORDER BY matched DESC, score DESC, t.article_id DESC LIMIT " + arg(f.Limit) + " OFFSET " + arg(f.Offset)
		rows, err := s.db.Read().QueryContext(ctx, q, args...)
		if err != nil {
			return nil, fmt.Errorf("kb: search: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var h hit
			if err := rows.Scan(&h.id, &h.matched, &h.weight); err != nil {
				return nil, fmt.Errorf("kb: search: %w", err)
			}
			hits = append(hits, h)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	} else {
		cond := "1 = 1" + where
		if err := s.db.Read().QueryRowContext(ctx, "SELECT count(*) FROM kb_articles a WHERE "+cond, args...).Scan(&res.Total); err != nil {
			return nil, fmt.Errorf("kb: count articles: %w", err)
		}
		rows, err := s.db.Read().QueryContext(ctx, "SELECT a.id FROM kb_articles a WHERE "+cond+
			" ORDER BY a.updated_at DESC, a.id DESC LIMIT "+arg(f.Limit)+" OFFSET "+arg(f.Offset), args...)
		if err != nil {
			return nil, fmt.Errorf("kb: list articles: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var h hit
			if err := rows.Scan(&h.id); err != nil {
				return nil, err
			}
			hits = append(hits, h)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	m, err := s.articles(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, h := range hits {
		if a := m[h.id]; a != nil {
			a.Matched, a.Score = h.matched, h.weight
			res.Articles = append(res.Articles, a)
		}
	}
	return res, nil
}

// Suggest returns up to limit published articles for a call: those tagged with the
// ticket type's code and matching the topic text first, then those matching the text,
// then those tagged with the type. Published articles are open to every reader of
// knowledge; callers show them only to such readers.
func (s *Service) Suggest(ctx context.Context, text, ticketType string, limit int) ([]*Article, error) {
	if limit <= 0 || limit > 50 {
		limit = 5
	}
	var byText, byTag []*Article
	if strings.TrimSpace(text) != "" {
		r, err := s.search(ctx, Filter{Query: truncate(text, 200), Limit: 50}, false)
		if err != nil {
			return nil, err
		}
		byText = r.Articles
	}
	if ticketType = strings.TrimSpace(ticketType); ticketType != "" {
		r, err := s.search(ctx, Filter{Tag: ticketType, Limit: 50}, false)
		if err != nil {
			return nil, err
		}
		byTag = r.Articles
	}
	tagged := map[int64]bool{}
	for _, a := range byTag {
		tagged[a.ID] = true
	}
	seen := map[int64]bool{}
	var out []*Article
	add := func(list []*Article, keep func(*Article) bool) {
		for _, a := range list {
			if len(out) < limit && !seen[a.ID] && keep(a) {
				seen[a.ID] = true
				out = append(out, a)
			}
		}
	}
	add(byText, func(a *Article) bool { return tagged[a.ID] })
	add(byText, func(*Article) bool { return true })
	add(byTag, func(*Article) bool { return true })
	return out, nil
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		return string(r[:n])
	}
	return s
}
