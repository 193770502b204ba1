package ticket

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/calendar"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// DefaultMaxAttachment is the default size limit of one attachment: 10 MiB.
const DefaultMaxAttachment = 10 << 20

// Options configure the service.
type Options struct {
	Location           *time.Location   // the center's time zone: ticket numbers count per local day
	DataDir            string           // attachments are stored under DataDir/attachments
	MaxAttachmentBytes int64            // 0 means DefaultMaxAttachment
	Now                func() time.Time // the clock; nil means time.Now (tests inject one)
}

// TransitionCheck decides whether p may move t along tr; a non-nil error refuses. Checks
// added with AddTransitionCheck run after the built-in one (the transition exists and p
// holds its permission), so a later feature (complaint closure review) can add rules.
type TransitionCheck func(ctx context.Context, tx *sql.Tx, p *auth.Principal, t *Ticket, typ *Type, tr Transition) error

// Service reads and changes tickets, types and departments.
type Service struct {
	db     *db.DB
	events *events.Log
	now    func() time.Time
	loc    *time.Location
	files  string
	max    int64
	checks []TransitionCheck
	cals   *calendar.Store
}

// New returns the service over d, appending events to ev.
func New(d *db.DB, ev *events.Log, o Options) *Service {
	if o.Location == nil {
		o.Location = time.UTC
	}
	if o.MaxAttachmentBytes <= 0 {
		o.MaxAttachmentBytes = DefaultMaxAttachment
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Service{db: d, events: ev, now: o.Now, loc: o.Location, files: filepath.Join(o.DataDir, "attachments"), max: o.MaxAttachmentBytes,
		cals: calendar.NewStore(d)}
	// The closure rules of complaints hold for every status change, by any path.
	s.AddTransitionCheck(s.complaintCheck)
	return s
}

// MaxAttachmentBytes is the size limit of one attachment.
func (s *Service) MaxAttachmentBytes() int64 { return s.max }

// AddTransitionCheck adds a rule that every status change must pass.
func (s *Service) AddTransitionCheck(c TransitionCheck) { s.checks = append(s.checks, c) }

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// scope is what a caller may see: every ticket, or those dispatched to one partner.
type scope struct {
	all       bool
	partnerID int64
}

var errNotFound = errs.E(errs.NotFound, "Ticket not found.").WithKey("ticket_not_found")

// scopeOf decides a caller's scope. Center staff with tickets.read see every ticket;
// partner users see only what is dispatched to their partner.
func scopeOf(p *auth.Principal) (scope, error) {
	switch {
	case p == nil || p.User == nil:
		return scope{}, errs.E(errs.Unauthorized, "Please sign in.").WithKey("sign_in")
	case p.Can(auth.PermTicketsRead):
		return scope{all: true}, nil
	case p.Can(auth.PermPartnerOrders) && p.User.PartnerID != 0:
		return scope{partnerID: p.User.PartnerID}, nil
	}
	return scope{}, errs.E(errs.Forbidden, "You do not have permission to do this.").WithKey("forbidden")
}

// IsPartner reports whether p sees tickets as a partner (only its own orders, no
// internal notes, no customer records).
func IsPartner(p *auth.Principal) bool {
	sc, err := scopeOf(p)
	return err == nil && !sc.all
}

func need(p *auth.Principal, perm auth.Permission) error {
	if !p.Can(perm) {
		return errs.E(errs.Forbidden, "You do not have permission to do this.").WithKey("forbidden")
	}
	return nil
}

// --- ticket types ---

const typeSelect = `SELECT id, code, name_zh, name_en, complaint, default_priority, first_response_minutes, resolution_minutes, COALESCE(calendar_id, 0), definition, created_at, updated_at FROM ticket_types`

func scanType(row interface{ Scan(...any) error }) (*Type, error) {
	t := &Type{}
	var def string
	if err := row.Scan(&t.ID, &t.Code, &t.NameZH, &t.NameEN, &t.Complaint, &t.DefaultPriority, &t.FirstResponseMinutes, &t.ResolutionMinutes, &t.CalendarID, &def, &t.CreatedAt, &t.UpdatedAt); err != nil {
		return nil, err
	}
	var d definition
	if err := json.Unmarshal([]byte(def), &d); err != nil {
		return nil, fmt.Errorf("ticket: type %d definition: %w", t.ID, err)
	}
	t.Fields, t.Statuses, t.Transitions = d.Fields, d.Statuses, d.Transitions
	return t, nil
}

// Types lists every ticket type by code.
func (s *Service) Types(ctx context.Context) ([]*Type, error) {
	rows, err := s.db.Read().QueryContext(ctx, typeSelect+" ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("ticket: list types: %w", err)
	}
	defer rows.Close()
	var out []*Type
	for rows.Next() {
		t, err := scanType(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Type returns one type by id.
func (s *Service) Type(ctx context.Context, id int64) (*Type, error) {
	return findType(ctx, s.db.Read(), "id = $1", id)
}

// TypeByCode returns one type by code.
func (s *Service) TypeByCode(ctx context.Context, code string) (*Type, error) {
	return findType(ctx, s.db.Read(), "code = $1", code)
}

func findType(ctx context.Context, q db.Queryer, cond string, arg any) (*Type, error) {
	t, err := scanType(q.QueryRowContext(ctx, typeSelect+" WHERE "+cond, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "Ticket type not found.").WithKey("ticket_type_not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("ticket: type: %w", err)
	}
	return t, nil
}

// SaveType validates and stores a type: a new one when t.ID is 0, else it replaces the
// stored definition. A status in use by tickets cannot be removed.
func (s *Service) SaveType(ctx context.Context, p *auth.Principal, t *Type) error {
	if err := need(p, auth.PermSettingsManage); err != nil {
		return err
	}
	if err := t.Validate(); err != nil {
		return err
	}
	def, err := json.Marshal(definition{Fields: t.Fields, Statuses: t.Statuses, Transitions: t.Transitions})
	if err != nil {
		return err
	}
	now := s.clock()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if t.CalendarID != 0 {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM calendars WHERE id = $1`, t.CalendarID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return invalid("calendar_id", "ticket_calendar", "Calendar %d does not exist.", t.CalendarID)
			}
		}
		if t.ID == 0 {
			t.CreatedAt, t.UpdatedAt = now, now
			return tx.QueryRowContext(ctx, `INSERT INTO ticket_types (code, name_zh, name_en, complaint, default_priority, first_response_minutes, resolution_minutes, definition, created_at, updated_at, calendar_id)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id`, t.Code, t.NameZH, t.NameEN, t.Complaint, t.DefaultPriority,
				t.FirstResponseMinutes, t.ResolutionMinutes, string(def), now, nullID(t.CalendarID)).Scan(&t.ID)
		}
		if _, err := findType(ctx, tx, "id = $1", t.ID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT status FROM tickets WHERE type_id = $1`, t.ID)
		if err != nil {
			return err
		}
		var used []string
		for rows.Next() {
			var st string
			if err := rows.Scan(&st); err != nil {
				rows.Close()
				return err
			}
			used = append(used, st)
		}
		rows.Close()
		for _, st := range used {
			if _, ok := t.Status(st); !ok {
				return invalid("statuses", "ticket_status_in_use", "Status %q is in use by tickets and cannot be removed.", st)
			}
		}
		t.UpdatedAt = now
		_, err = tx.ExecContext(ctx, `UPDATE ticket_types SET code = $1, name_zh = $2, name_en = $3, complaint = $4, default_priority = $5,
			first_response_minutes = $6, resolution_minutes = $7, definition = $8, updated_at = $9, calendar_id = $10 WHERE id = $11`,
			t.Code, t.NameZH, t.NameEN, t.Complaint, t.DefaultPriority, t.FirstResponseMinutes, t.ResolutionMinutes, string(def), now, nullID(t.CalendarID), t.ID)
		if err != nil {
			return err
		}
		// Keep the category of open tickets in step with the edited workflow.
		for _, st := range t.Statuses {
			if _, err := tx.ExecContext(ctx, `UPDATE tickets SET status_category = $1 WHERE type_id = $2 AND status = $3`, string(st.Category), t.ID, st.Code); err != nil {
				return err
			}
		}
		return nil
	})
	if db.IsUniqueViolation(err) {
		return invalid("code", "ticket_code_taken", "A ticket type with code %q exists.", t.Code)
	}
	if err != nil {
		return fmt.Errorf("ticket: save type %q: %w", t.Code, err)
	}
	return nil
}
