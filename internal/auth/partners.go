package auth

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
)

// Partner is an outside organization whose users see only what is dispatched to it.
type Partner struct {
	ID        int64
	Name      string
	Kind      string // repair_station, merchant, dealer
	Phone     string
	Address   string
	CreatedAt time.Time
}

// PartnerKinds lists the kinds of partner.
var PartnerKinds = []string{"repair_station", "merchant", "dealer"}

// CreatePartner adds a partner organization.
func (s *Service) CreatePartner(ctx context.Context, actor Actor, p Partner) (*Partner, error) {
	p.Name = strings.TrimSpace(p.Name)
	if p.Name == "" || utf8.RuneCountInString(p.Name) > 100 {
		return nil, errs.Field("name", "Partner name must have 1 to 100 characters.").WithKey("partner_name")
	}
	known := false
	for _, k := range PartnerKinds {
		known = known || k == p.Kind
	}
	if !known {
		return nil, errs.Field("kind", "Partner kind must be repair_station, merchant or dealer.").WithKey("partner_kind")
	}
	p.CreatedAt = s.clock()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO partners (name, kind, phone, address, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			p.Name, p.Kind, p.Phone, p.Address, p.CreatedAt).Scan(&p.ID)
		if db.IsUniqueViolation(err) {
			return errs.Field("name", fmt.Sprintf("A partner named %q exists.", p.Name)).WithKey("partner_taken", p.Name)
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, actor, AuditPartnerCreate, "partner", p.ID, map[string]any{"name": p.Name, "kind": p.Kind})
	})
	if err != nil {
		return nil, fmt.Errorf("auth: create partner: %w", err)
	}
	return &p, nil
}

// Partners lists partner organizations by name.
func (s *Service) Partners(ctx context.Context) ([]Partner, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, name, kind, phone, address, created_at FROM partners ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("auth: list partners: %w", err)
	}
	defer rows.Close()
	var out []Partner
	for rows.Next() {
		var p Partner
		if err := rows.Scan(&p.ID, &p.Name, &p.Kind, &p.Phone, &p.Address, &p.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
