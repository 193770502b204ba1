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
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// Announcements tell agents what changed: a price, a promotion, a product or quality
// notice. Anyone who writes knowledge, and any supervisor, posts one; it waits as pending
// until a curator publishes or rejects it. Agents acknowledge each published one, and the
// curator sees who has read it and who has not.

// Kind is what an announcement is about.
type Kind string

const (
	KindPrice     Kind = "price"
	KindPromotion Kind = "promotion"
	KindProduct   Kind = "product"
	KindQuality   Kind = "quality"
	KindOther     Kind = "other"
)

// Kinds lists every kind in the order the console shows them.
var Kinds = []Kind{KindPrice, KindPromotion, KindProduct, KindQuality, KindOther}

// AnnStatus is where an announcement stands.
type AnnStatus string

const (
	Pending      AnnStatus = "pending"
	AnnPublished AnnStatus = "published"
	Rejected     AnnStatus = "rejected"
)

// AnnStatuses lists every announcement status.
var AnnStatuses = []AnnStatus{Pending, AnnPublished, Rejected}

// Announcement is one notice to agents.
type Announcement struct {
	ID            int64
	Kind          Kind
	Source        string // the department or source, e.g. 产品部, 市场部
	Title         string
	Body          string
	EffectiveFrom time.Time
	EffectiveTo   time.Time // zero: open-ended; shown to agents until then
	Status        AnnStatus
	AuthorID      int64
	AuthorName    string
	CreatedAt     time.Time
	DecidedBy     int64
	DecidedByName string
	DecidedAt     time.Time
	DecisionNote  string
	ReadAt        time.Time // when the reader acknowledged it; zero when unread
}

// Unread reports whether the reader has not acknowledged a published announcement.
func (a *Announcement) Unread() bool { return a.Status == AnnPublished && a.ReadAt.IsZero() }

// AnnouncementInput is an announcement to post.
type AnnouncementInput struct {
	Kind          Kind
	Source        string
	Title         string
	Body          string
	EffectiveFrom time.Time // now when zero
	EffectiveTo   time.Time // zero: open-ended
}

// CanPost reports whether u may post announcements: writers of knowledge and supervisors.
func CanPost(u *auth.User) bool {
	return u.Can(auth.PermKBWrite) || (u != nil && !u.Disabled && u.Role == auth.RoleSupervisor && u.Can(auth.PermConsole))
}

// PostAnnouncement adds an announcement that waits for a curator.
func (s *Service) PostAnnouncement(ctx context.Context, by *auth.User, in AnnouncementInput) (*Announcement, error) {
	if !CanPost(by) {
		return nil, errs.E(errs.Forbidden, "You do not have permission to do this.").WithKey("forbidden")
	}
	in.Source, in.Title, in.Body = strings.TrimSpace(in.Source), strings.TrimSpace(in.Title), strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	switch {
	case !slices.Contains(Kinds, in.Kind):
		return nil, errs.Field("kind", "Choose what the announcement is about.").WithKey("ann_kind")
	case in.Source == "" || utf8.RuneCountInString(in.Source) > 60:
		return nil, errs.Field("source", "Department or source must have 1 to 60 characters.").WithKey("ann_source")
	case in.Title == "" || utf8.RuneCountInString(in.Title) > MaxTitle:
		return nil, errs.Field("title", fmt.Sprintf("Title must have 1 to %d characters.", MaxTitle)).WithKey("kb_title", MaxTitle)
	case in.Body == "" || utf8.RuneCountInString(in.Body) > 10000:
		return nil, errs.Field("body", "Text must have 1 to 10000 characters.").WithKey("ann_body", 10000)
	}
	now := s.clock()
	if in.EffectiveFrom.IsZero() {
		in.EffectiveFrom = now
	}
	if !in.EffectiveTo.IsZero() && !in.EffectiveTo.After(in.EffectiveFrom) {
		return nil, errs.Field("effective_to", "The end must come after the start.").WithKey("ann_dates")
	}
	var id int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO announcements (kind, source, title, body, effective_from, effective_to, status, author_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			in.Kind, in.Source, in.Title, in.Body, in.EffectiveFrom.UTC().Truncate(time.Microsecond), nullTime(in.EffectiveTo), Pending, by.ID, now).Scan(&id)
	})
	if err != nil {
		return nil, fmt.Errorf("kb: post announcement: %w", err)
	}
	return s.Announcement(ctx, by, id)
}

// Approve publishes a pending announcement. Only curators may; the service checks it
// whatever the route does.
func (s *Service) Approve(ctx context.Context, by *auth.User, id int64) error {
	return s.decide(ctx, by, id, AnnPublished, "")
}

// Reject turns a pending announcement down with a reason for its author.
func (s *Service) Reject(ctx context.Context, by *auth.User, id int64, note string) error {
	note = strings.TrimSpace(note)
	if note == "" || utf8.RuneCountInString(note) > 500 {
		return errs.Field("note", "Give a reason of 1 to 500 characters.").WithKey("ann_note")
	}
	return s.decide(ctx, by, id, Rejected, note)
}

func (s *Service) decide(ctx context.Context, by *auth.User, id int64, to AnnStatus, note string) error {
	if err := need(by, auth.PermKBCurate); err != nil {
		return err
	}
	var title string
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var st AnnStatus
		if err := tx.QueryRowContext(ctx, `SELECT status, title FROM announcements WHERE id = $1`, id).Scan(&st, &title); err == sql.ErrNoRows {
			return notFound("Announcement")
		} else if err != nil {
			return fmt.Errorf("kb: announcement %d: %w", id, err)
		}
		if st != Pending {
			return errs.E(errs.Conflict, "This announcement has already been decided.").WithKey("ann_decided")
		}
		now := s.clock()
		if _, err := tx.ExecContext(ctx, `UPDATE announcements SET status = $1, decided_by = $2, decided_at = $3, decision_note = $4 WHERE id = $5 AND status = $6`,
			to, by.ID, now, note, id, Pending); err != nil {
			return fmt.Errorf("kb: decide announcement %d: %w", id, err)
		}
		if s.events == nil {
			return nil
		}
		return s.events.Append(ctx, tx, &events.Event{Kind: "announcement." + string(to), ActorID: by.ID, At: now,
			Data: map[string]any{"announcement_id": id, "title": title}})
	})
	if err == nil && s.events != nil {
		s.events.Notify()
	}
	return err
}

const annColumns = `a.id, a.kind, a.source, a.title, a.body, a.effective_from, a.effective_to, a.status, a.author_id, au.display_name,
	a.created_at, a.decided_by, COALESCE(du.display_name, ''), a.decided_at, a.decision_note, r.read_at
	FROM announcements a JOIN users au ON au.id = a.author_id LEFT JOIN users du ON du.id = a.decided_by
	LEFT JOIN announcement_reads r ON r.announcement_id = a.id AND r.user_id = $1`

func scanAnnouncement(row interface{ Scan(...any) error }) (*Announcement, error) {
	a := &Announcement{}
	var to, decidedAt, readAt sql.NullTime
	var decidedBy sql.NullInt64
	if err := row.Scan(&a.ID, &a.Kind, &a.Source, &a.Title, &a.Body, &a.EffectiveFrom, &to, &a.Status, &a.AuthorID, &a.AuthorName,
		&a.CreatedAt, &decidedBy, &a.DecidedByName, &decidedAt, &a.DecisionNote, &readAt); err != nil {
		return nil, err
	}
	a.EffectiveTo, a.DecidedAt, a.ReadAt, a.DecidedBy = to.Time, decidedAt.Time, readAt.Time, decidedBy.Int64
	return a, nil
}

// visible reports whether by may see a: published ones to every reader of knowledge,
// others to their author and to curators.
func visible(by *auth.User, a *Announcement) bool {
	if a.Status == AnnPublished {
		return by.Can(auth.PermKBRead)
	}
	return by.Can(auth.PermKBCurate) || (a.AuthorID == by.ID && by.Can(auth.PermConsole))
}

// Announcement returns one announcement with the reader's read time.
func (s *Service) Announcement(ctx context.Context, by *auth.User, id int64) (*Announcement, error) {
	if by == nil {
		return nil, need(by, auth.PermKBRead)
	}
	a, err := scanAnnouncement(s.db.Read().QueryRowContext(ctx, "SELECT "+annColumns+" WHERE a.id = $2", by.ID, id))
	if err == sql.ErrNoRows {
		return nil, notFound("Announcement")
	}
	if err != nil {
		return nil, fmt.Errorf("kb: announcement %d: %w", id, err)
	}
	if !visible(by, a) {
		return nil, notFound("Announcement")
	}
	return a, nil
}

// AnnFilter selects announcements.
type AnnFilter struct {
	// Status is published when empty. Pending and rejected ones are listed to curators,
	// and to others only those they wrote.
	Status AnnStatus
	// Expired includes published announcements whose end has passed.
	Expired bool
	Limit   int // default 50, at most 200
	Offset  int
}

// Announcements lists announcements for by: unread first, then newest first.
func (s *Service) Announcements(ctx context.Context, by *auth.User, f AnnFilter) ([]*Announcement, error) {
	if by == nil {
		return nil, need(by, auth.PermKBRead)
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Offset < 0 {
		f.Offset = 0
	}
	if f.Status == "" {
		f.Status = AnnPublished
	}
	if !slices.Contains(AnnStatuses, f.Status) {
		return nil, errs.Field("status", "Status must be pending, published or rejected.").WithKey("ann_status")
	}
	args := []any{by.ID, f.Status}
	cond := "a.status = $2"
	switch {
	case f.Status == AnnPublished:
		if err := need(by, auth.PermKBRead); err != nil {
			return nil, err
		}
		if !f.Expired {
			args = append(args, s.clock())
			cond += " AND (a.effective_to IS NULL OR a.effective_to > $3)"
		}
	case !by.Can(auth.PermKBCurate):
		args = append(args, by.ID)
		cond += " AND a.author_id = $3"
	}
	args = append(args, f.Limit, f.Offset)
	rows, err := s.db.Read().QueryContext(ctx, "SELECT "+annColumns+" WHERE "+cond+
		fmt.Sprintf(" ORDER BY CASE WHEN r.read_at IS NULL THEN 0 ELSE 1 END, a.effective_from DESC, a.id DESC LIMIT $%d OFFSET $%d", len(args)-1, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("kb: announcements: %w", err)
	}
	defer rows.Close()
	var out []*Announcement
	for rows.Next() {
		a, err := scanAnnouncement(rows)
		if err != nil {
			return nil, fmt.Errorf("kb: scan announcement: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// UnreadCount is how many current published announcements userID has not acknowledged:
// one indexed query, run for the badge on every console page.
func (s *Service) UnreadCount(ctx context.Context, userID int64) (int, error) {
	var n int
	err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM announcements a
		WHERE a.status = $1 AND (a.effective_to IS NULL OR a.effective_to > $2)
		AND NOT EXISTS (SELECT 1 FROM announcement_reads r WHERE r.announcement_id = a.id AND r.user_id = $3)`,
		AnnPublished, s.clock(), userID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("kb: unread announcements: %w", err)
	}
	return n, nil
}

// Acknowledge records that by has read a published announcement. Acknowledging twice
// keeps the first time.
func (s *Service) Acknowledge(ctx context.Context, by *auth.User, id int64) error {
	a, err := s.Announcement(ctx, by, id)
	if err != nil {
		return err
	}
	if a.Status != AnnPublished {
		return errs.E(errs.Conflict, "Only published announcements are acknowledged.").WithKey("ann_not_published")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO announcement_reads (announcement_id, user_id, read_at) VALUES ($1, $2, $3)
			ON CONFLICT (announcement_id, user_id) DO NOTHING`, id, by.ID, s.clock()); err != nil {
			return fmt.Errorf("kb: acknowledge %d: %w", id, err)
		}
		return nil
	})
}

// Receipt is one user's state for an announcement.
type Receipt struct {
	UserID   int64
	Username string
	Name     string
	Role     auth.Role
	Tier     int
	ReadAt   time.Time // zero: not read
}

// Reads returns, for curators, who among the active users who read knowledge has
// acknowledged an announcement (earliest first) and who has not (by name).
func (s *Service) Reads(ctx context.Context, by *auth.User, id int64) (read, unread []Receipt, err error) {
	if err := need(by, auth.PermKBCurate); err != nil {
		return nil, nil, err
	}
	if _, err := s.Announcement(ctx, by, id); err != nil {
		return nil, nil, err
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT u.id, u.username, u.display_name, u.role, u.tier, r.read_at
		FROM users u LEFT JOIN announcement_reads r ON r.user_id = u.id AND r.announcement_id = $1
		WHERE u.disabled = $2 ORDER BY r.read_at, u.display_name, u.id`, id, false)
	if err != nil {
		return nil, nil, fmt.Errorf("kb: reads of %d: %w", id, err)
	}
	defer rows.Close()
	for rows.Next() {
		var rc Receipt
		var at sql.NullTime
		if err := rows.Scan(&rc.UserID, &rc.Username, &rc.Name, &rc.Role, &rc.Tier, &at); err != nil {
			return nil, nil, fmt.Errorf("kb: scan receipt: %w", err)
		}
		if !auth.Has(rc.Role, rc.Tier, auth.PermKBRead) {
			continue
		}
		rc.ReadAt = at.Time
		if at.Valid {
			read = append(read, rc)
		} else {
			unread = append(unread, rc)
		}
	}
	return read, unread, rows.Err()
}
