package crm

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// Lead statuses: a purchase-intent contact is new, referred to a dealer or store, then
// contacted by it, and finally won or lost.
const (
	LeadNew       = "new"
	LeadReferred  = "referred"
	LeadContacted = "contacted"
	LeadWon       = "won"
	LeadLost      = "lost"
)

// LeadStatuses lists every lead status in order.
var LeadStatuses = []string{LeadNew, LeadReferred, LeadContacted, LeadWon, LeadLost}

// Lead is a customer's intent to buy, referred to a partner (dealer or store).
type Lead struct {
	ID         int64
	CustomerID int64
	ContactID  int64 // the contact it came from, or 0
	PartnerID  int64 // the dealer or store it is referred to, or 0
	Product    string
	Status     string
	FollowUp   string // YYYY-MM-DD or ""
	OwnerID    int64  // the user who follows it up, or 0
	Note       string
	CreatedAt  time.Time
	UpdatedAt  time.Time

	// Read-only, for lists: what the partner needs to contact the customer.
	CustomerName  string
	CustomerPhone string // display form of the first number
	PartnerName   string
	OwnerName     string
}

// LeadChange is what an update sets; nil fields keep their value. A partner may set
// only Status, FollowUp and Note.
type LeadChange struct {
	Product   *string
	Status    *string
	FollowUp  *string
	Note      *string
	PartnerID *int64
	OwnerID   *int64
}

// scope is what a user may see of leads: all (center staff) or one partner's.
func scope(u *auth.User, write bool) (partnerID int64, err error) {
	switch {
	case u != nil && u.Can(auth.PermPartnerOrders):
		if u.PartnerID == 0 {
			return 0, errs.E(errs.Forbidden, "You belong to no partner.").WithKey("forbidden")
		}
		return u.PartnerID, nil
	case u != nil && !write && u.Can(auth.PermCustomersRead), u != nil && write && u.Can(auth.PermCustomersWrite):
		return 0, nil
	}
	return 0, errs.E(errs.Forbidden, "You do not have permission to do this.").WithKey("forbidden")
}

func checkLead(ctx context.Context, q db.Queryer, l *Lead) error {
	var p problems
	l.Product, l.Note = strings.TrimSpace(l.Product), strings.TrimSpace(l.Note)
	if l.Product == "" || utf8.RuneCountInString(l.Product) > 200 {
		p.add("product", fieldErr("product", "lead_product", "Name the product of interest (at most 200 characters)."))
	}
	if !slices.Contains(LeadStatuses, l.Status) {
		p.add("status", fieldErr("status", "lead_status", "Status must be new, referred, contacted, won or lost."))
	}
	if l.Status != LeadNew && l.PartnerID == 0 {
		p.add("partner_id", fieldErr("partner_id", "lead_partner", "Refer the lead to a dealer or store first."))
	}
	if n, ok := normalizeDate(l.FollowUp); ok {
		l.FollowUp = n
	} else {
		p.add("follow_up", fieldErr("follow_up", "date", "Not a date (YYYY-MM-DD): %s.", l.FollowUp))
	}
	if utf8.RuneCountInString(l.Note) > 2000 {
		p.add("note", fieldErr("note", "lead_note", "A lead note must have at most 2000 characters."))
	}
	if err := p.err(); err != nil {
		return err
	}
	if l.PartnerID != 0 {
		var one int
		err := q.QueryRowContext(ctx, `SELECT 1 FROM partners WHERE id = $1`, l.PartnerID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Field("partner_id", "Unknown partner.").WithKey("partner_unknown")
		}
		if err != nil {
			return err
		}
	}
	if l.OwnerID != 0 {
		var one int
		err := q.QueryRowContext(ctx, `SELECT 1 FROM users WHERE id = $1`, l.OwnerID).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.Field("owner_id", "Unknown user.").WithKey("user_not_found")
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// CreateLead adds a lead for a customer (center staff with customers.write only). A lead
// with a partner and no status starts as referred, otherwise as new.
func (s *Store) CreateLead(ctx context.Context, u *auth.User, l *Lead) error {
	if p, err := scope(u, true); err != nil || p != 0 {
		return errs.E(errs.Forbidden, "You do not have permission to do this.").WithKey("forbidden")
	}
	if l.Status == "" {
		l.Status = LeadNew
		if l.PartnerID != 0 {
			l.Status = LeadReferred
		}
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := exists(ctx, tx, l.CustomerID); err != nil {
			return err
		}
		if err := checkLead(ctx, tx, l); err != nil {
			return err
		}
		now := s.clock()
		l.CreatedAt, l.UpdatedAt = now, now
		if err := tx.QueryRowContext(ctx, `INSERT INTO leads (customer_id, contact_id, partner_id, product, status, follow_up, owner_id, note, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id`, l.CustomerID, nullID(l.ContactID), nullID(l.PartnerID), l.Product, l.Status,
			l.FollowUp, nullID(l.OwnerID), l.Note, now).Scan(&l.ID); err != nil {
			return fmt.Errorf("crm: create lead: %w", err)
		}
		return s.leadEvent(ctx, tx, "lead.created", u.ID, l, nil)
	})
	if err != nil {
		return err
	}
	s.events.Notify()
	return nil
}

func (s *Store) leadEvent(ctx context.Context, tx *sql.Tx, kind string, actorID int64, l *Lead, changed []string) error {
	var partner string
	if l.PartnerID != 0 {
		if err := tx.QueryRowContext(ctx, `SELECT name FROM partners WHERE id = $1`, l.PartnerID).Scan(&partner); err != nil {
			return fmt.Errorf("crm: lead partner: %w", err)
		}
	}
	data := map[string]any{"lead_id": l.ID, "product": l.Product, "status": l.Status, "partner": partner, "follow_up": l.FollowUp}
	if changed != nil {
		data["changed"] = changed
	}
	return s.events.Append(ctx, tx, &events.Event{Kind: kind, ActorID: actorID, CustomerID: l.CustomerID, ContactID: l.ContactID, At: l.UpdatedAt, Data: data})
}

// UpdateLead changes a lead. A partner user may change only the status, follow-up date
// and note of leads referred to its own partner; any other lead is not found for it.
func (s *Store) UpdateLead(ctx context.Context, u *auth.User, id int64, ch LeadChange) (*Lead, error) {
	partner, err := scope(u, true)
	if err != nil {
		return nil, err
	}
	if partner != 0 && (ch.Product != nil || ch.PartnerID != nil || ch.OwnerID != nil) {
		return nil, errs.E(errs.Forbidden, "A partner may change only the status, follow-up date and note.").WithKey("lead_partner_fields")
	}
	var l *Lead
	changed := false
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		ls, err := queryLeads(ctx, tx, partner, "l.id = $1", id)
		if err != nil {
			return err
		}
		if len(ls) == 0 {
			return errs.E(errs.NotFound, "Lead %d not found.", id).WithKey("not_found")
		}
		l = ls[0]
		old := *l
		set := func(dst *string, v *string) {
			if v != nil {
				*dst = *v
			}
		}
		set(&l.Product, ch.Product)
		set(&l.Status, ch.Status)
		set(&l.FollowUp, ch.FollowUp)
		set(&l.Note, ch.Note)
		if ch.PartnerID != nil {
			l.PartnerID = *ch.PartnerID
		}
		if ch.OwnerID != nil {
			l.OwnerID = *ch.OwnerID
		}
		if l.Status == LeadNew && l.PartnerID != 0 && old.PartnerID == 0 {
			l.Status = LeadReferred
		}
		if err := checkLead(ctx, tx, l); err != nil {
			return err
		}
		var what []string
		for _, c := range []struct {
			name string
			diff bool
		}{{"product", old.Product != l.Product}, {"status", old.Status != l.Status}, {"follow_up", old.FollowUp != l.FollowUp},
			{"note", old.Note != l.Note}, {"partner", old.PartnerID != l.PartnerID}, {"owner", old.OwnerID != l.OwnerID}} {
			if c.diff {
				what = append(what, c.name)
			}
		}
		if len(what) == 0 {
			return nil
		}
		changed = true
		l.UpdatedAt = s.clock()
		if _, err := tx.ExecContext(ctx, `UPDATE leads SET product = $1, status = $2, follow_up = $3, note = $4, partner_id = $5, owner_id = $6, updated_at = $7 WHERE id = $8`,
			l.Product, l.Status, l.FollowUp, l.Note, nullID(l.PartnerID), nullID(l.OwnerID), l.UpdatedAt, id); err != nil {
			return fmt.Errorf("crm: update lead %d: %w", id, err)
		}
		return s.leadEvent(ctx, tx, "lead.updated", u.ID, l, what)
	})
	if err != nil {
		return nil, err
	}
	if changed {
		s.events.Notify()
	}
	return s.Lead(ctx, u, id)
}

// Lead returns one lead the user may see.
func (s *Store) Lead(ctx context.Context, u *auth.User, id int64) (*Lead, error) {
	partner, err := scope(u, false)
	if err != nil {
		return nil, err
	}
	ls, err := queryLeads(ctx, s.db.Read(), partner, "l.id = $1", id)
	if err != nil {
		return nil, err
	}
	if len(ls) == 0 {
		return nil, errs.E(errs.NotFound, "Lead %d not found.", id).WithKey("not_found")
	}
	return ls[0], nil
}

// LeadFilter selects leads.
type LeadFilter struct {
	Status     string
	PartnerID  int64 // ignored for partner users: they see their own
	CustomerID int64
	Limit      int // default 100, at most 500
	Offset     int
}

// Leads lists the leads a user may see, by follow-up date (soonest first, undated last)
// then newest.
func (s *Store) Leads(ctx context.Context, u *auth.User, f LeadFilter) ([]*Lead, error) {
	partner, err := scope(u, false)
	if err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	conds := []string{"1 = 1"}
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if f.Status != "" {
		conds = append(conds, "l.status = "+arg(f.Status))
	}
	if f.PartnerID != 0 && partner == 0 {
		conds = append(conds, "l.partner_id = "+arg(f.PartnerID))
	}
	if f.CustomerID != 0 {
		conds = append(conds, "l.customer_id = "+arg(f.CustomerID))
	}
	where := strings.Join(conds, " AND ") + " ORDER BY CASE WHEN l.follow_up = '' THEN 1 ELSE 0 END, l.follow_up, l.id DESC LIMIT " + arg(f.Limit) + " OFFSET " + arg(f.Offset)
	return queryLeads(ctx, s.db.Read(), partner, where, args...)
}

// queryLeads reads leads matching cond; with partner set, only that partner's. The
// partner condition is appended with its own placeholder.
func queryLeads(ctx context.Context, q db.Queryer, partner int64, cond string, args ...any) ([]*Lead, error) {
	if partner != 0 {
		args = append(args, partner)
		cond = fmt.Sprintf("l.partner_id = $%d AND %s", len(args), cond)
	}
	rows, err := q.QueryContext(ctx, `SELECT l.id, l.customer_id, l.contact_id, l.partner_id, l.product, l.status, l.follow_up, l.owner_id, l.note, l.created_at, l.updated_at,
		c.name, COALESCE((SELECT min(p.display) FROM customer_phones p WHERE p.customer_id = l.customer_id), ''),
		COALESCE(pa.name, ''), COALESCE(u.display_name, '')
		FROM leads l JOIN customers c ON c.id = l.customer_id LEFT JOIN partners pa ON pa.id = l.partner_id LEFT JOIN users u ON u.id = l.owner_id
		WHERE `+cond, args...)
	if err != nil {
		return nil, fmt.Errorf("crm: leads: %w", err)
	}
	defer rows.Close()
	var out []*Lead
	for rows.Next() {
		l := &Lead{}
		var contact, partnerID, owner sql.NullInt64
		if err := rows.Scan(&l.ID, &l.CustomerID, &contact, &partnerID, &l.Product, &l.Status, &l.FollowUp, &owner, &l.Note, &l.CreatedAt, &l.UpdatedAt,
			&l.CustomerName, &l.CustomerPhone, &l.PartnerName, &l.OwnerName); err != nil {
			return nil, fmt.Errorf("crm: scan lead: %w", err)
		}
		l.ContactID, l.PartnerID, l.OwnerID = contact.Int64, partnerID.Int64, owner.Int64
		out = append(out, l)
	}
	return out, rows.Err()
}
