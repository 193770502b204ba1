package crm

import (
	"context"
	"database/sql"
	"fmt"
	"sort"

	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// MergeHook moves what another package holds of customer from to customer to, inside the
// merge's transaction (tickets, to-dos...). An error rolls the whole merge back.
type MergeHook func(ctx context.Context, tx *sql.Tx, from, to int64) error

// OnMerge registers a hook that every Merge runs. Register hooks while wiring the
// application, before serving.
func (s *Store) OnMerge(h MergeHook) { s.hooks = append(s.hooks, h) }

// Duplicate is a pair of customers that are probably the same, and why.
type Duplicate struct {
	A, B   *Customer
	Reason string // phone, email or name_company
	Value  string // the shared number, address or name
}

// Duplicates finds pairs of customers that share a phone number or email, or have the
// same name at the same (non-empty) company. With customerID, only pairs with that
// customer.
func (s *Store) Duplicates(ctx context.Context, customerID int64, limit int) ([]Duplicate, error) {
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	only := ""
	args := []any{limit}
	if customerID != 0 {
		only = " AND (a.customer_id = $2 OR b.customer_id = $2)"
		args = append(args, customerID)
	}
	onlyC := ""
	if customerID != 0 {
		onlyC = " AND (a.id = $2 OR b.id = $2)"
	}
	q := `SELECT a.customer_id, b.customer_id, 'phone', a.number FROM customer_phones a JOIN customer_phones b ON a.number = b.number AND a.customer_id < b.customer_id WHERE 1 = 1` + only + `
		UNION SELECT a.customer_id, b.customer_id, 'email', a.address FROM customer_emails a JOIN customer_emails b ON a.address = b.address AND a.customer_id < b.customer_id WHERE 1 = 1` + only + `
		UNION SELECT a.id, b.id, 'name_company', a.name FROM customers a JOIN customers b ON a.name = b.name AND a.company = b.company AND a.id < b.id WHERE a.company <> ''` + onlyC + `
		ORDER BY 1, 2 LIMIT $1`
	rows, err := s.db.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("crm: duplicates: %w", err)
	}
	type pair struct {
		a, b          int64
		reason, value string
	}
	var pairs []pair
	seen := map[[2]int64]bool{}
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.a, &p.b, &p.reason, &p.value); err != nil {
			rows.Close()
			return nil, err
		}
		if k := [2]int64{p.a, p.b}; !seen[k] {
			seen[k] = true
			pairs = append(pairs, p)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	byID := map[int64]*Customer{}
	var ids []any
	var ph string
	for _, p := range pairs {
		for _, id := range []int64{p.a, p.b} {
			if byID[id] == nil {
				byID[id] = &Customer{}
				ids = append(ids, id)
				if ph != "" {
					ph += ","
				}
				ph += fmt.Sprintf("$%d", len(ids))
			}
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	cs, err := queryCustomers(ctx, s.db.Read(), "WHERE id IN ("+ph+")", ids...)
	if err != nil {
		return nil, err
	}
	byID = index(cs)
	if err := loadParts(ctx, s.db.Read(), byID, false); err != nil {
		return nil, err
	}
	out := make([]Duplicate, 0, len(pairs))
	for _, p := range pairs {
		out = append(out, Duplicate{A: byID[p.a], B: byID[p.b], Reason: p.reason, Value: p.value})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].A.ID < out[j].A.ID })
	return out, nil
}

// Merge folds customer drop into customer keep in one transaction: phones, emails, tags,
// addresses, assets, contacts, leads and every event move to keep (values keep already
// has are not doubled), keep's empty details are filled from drop, the registered merge
// hooks run, a customer.merged event records who merged what, and drop is deleted.
func (s *Store) Merge(ctx context.Context, actorID, keep, drop int64) (*Customer, error) {
	if keep == drop {
		return nil, errs.E(errs.Invalid, "A customer cannot be merged into itself.").WithKey("merge_same")
	}
	var kept *Customer
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		k, err := getCustomer(ctx, tx, keep)
		if err != nil {
			return err
		}
		d, err := getCustomer(ctx, tx, drop)
		if err != nil {
			return err
		}
		stmts := []string{
			`DELETE FROM customer_phones WHERE customer_id = $2 AND number IN (SELECT number FROM customer_phones WHERE customer_id = $1)`,
			`UPDATE customer_phones SET customer_id = $1 WHERE customer_id = $2`,
			`DELETE FROM customer_emails WHERE customer_id = $2 AND address IN (SELECT address FROM customer_emails WHERE customer_id = $1)`,
			`UPDATE customer_emails SET customer_id = $1 WHERE customer_id = $2`,
			`DELETE FROM customer_tags WHERE customer_id = $2 AND tag IN (SELECT tag FROM customer_tags WHERE customer_id = $1)`,
			`UPDATE customer_tags SET customer_id = $1 WHERE customer_id = $2`,
			`DELETE FROM customer_assets WHERE customer_id = $2 AND number IN (SELECT number FROM customer_assets WHERE customer_id = $1)`,
			`UPDATE customer_assets SET customer_id = $1 WHERE customer_id = $2`,
			`UPDATE customer_addresses SET customer_id = $1 WHERE customer_id = $2`,
			`UPDATE contacts SET customer_id = $1 WHERE customer_id = $2`,
			`UPDATE leads SET customer_id = $1 WHERE customer_id = $2`,
		}
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q, keep, drop); err != nil {
				return fmt.Errorf("crm: merge %d into %d: %w", drop, keep, err)
			}
		}
		if err := s.events.MoveCustomer(ctx, tx, drop, keep); err != nil {
			return err
		}
		for _, h := range s.hooks {
			if err := h(ctx, tx, drop, keep); err != nil {
				return fmt.Errorf("crm: merge %d into %d: hook: %w", drop, keep, err)
			}
		}
		fill := func(dst *string, src string) {
			if *dst == "" {
				*dst = src
			}
		}
		fill(&k.Company, d.Company)
		fill(&k.City, d.City)
		fill(&k.Note, d.Note)
		k.VIPLevel = max(k.VIPLevel, d.VIPLevel)
		k.Fields = orEmpty(k.Fields)
		for key, v := range d.Fields {
			if k.Fields[key] == "" {
				k.Fields[key] = v
			}
		}
		fields := mustJSON(k.Fields)
		now := s.clock()
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET company = $1, city = $2, note = $3, vip_level = $4, fields = $5, updated_at = $6 WHERE id = $7`,
			k.Company, k.City, k.Note, k.VIPLevel, fields, now, keep); err != nil {
			return fmt.Errorf("crm: merge %d into %d: %w", drop, keep, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM customers WHERE id = $1`, drop); err != nil {
			return fmt.Errorf("crm: merge %d into %d: delete: %w", drop, keep, err)
		}
		var phones []string
		for _, p := range d.Phones {
			phones = append(phones, p.Number)
		}
		if err := s.events.Append(ctx, tx, &events.Event{Kind: "customer.merged", ActorID: actorID, CustomerID: keep, At: now,
			Data: map[string]any{"merged_id": drop, "merged_name": d.Name, "merged_phones": phones, "merged_emails": d.Emails, "name": k.Name}}); err != nil {
			return err
		}
		kept, err = getCustomer(ctx, tx, keep)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.events.Notify()
	return kept, nil
}
