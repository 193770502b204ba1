// Package crm owns customers: their names, phone numbers, emails, addresses, tags, custom
// fields and products owned; every contact with them (calls, chats, emails, SMS, visits)
// with repeat-contact detection; their timeline; sales leads referred to partners; merging
// duplicates; and import and export. Lookup by phone drives screen pop, so it is one
// indexed query.
package crm

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
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
	Addresses []Address
	Tags      []string
	Fields    map[string]string // custom field key -> value (see FieldDef)
	Assets    []Asset
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

// Address is a postal address, written the Chinese way from province down to street.
type Address struct {
	Label      string // home, office, delivery
	Province   string
	City       string
	District   string
	Street     string
	PostalCode string
}

// String is the address on one line, province first.
func (a Address) String() string {
	s := strings.Join(nonEmpty(a.Province, a.City, a.District, a.Street), " ")
	if a.PostalCode != "" {
		s += " (" + a.PostalCode + ")"
	}
	return s
}

func nonEmpty(xs ...string) []string {
	var out []string
	for _, x := range xs {
		if x != "" {
			out = append(out, x)
		}
	}
	return out
}

// Asset kinds: a device by serial number, an insurance policy, a card (e.g. transit card).
const (
	AssetDevice = "device"
	AssetPolicy = "policy"
	AssetCard   = "card"
)

// AssetKinds lists the kinds of product a customer may own.
var AssetKinds = []string{AssetDevice, AssetPolicy, AssetCard}

// Asset is a product a customer owns.
type Asset struct {
	Kind        string
	Number      string // serial, policy or card number: upper-case, no spaces
	Product     string // model or product name
	PurchasedOn string // YYYY-MM-DD or ""
	WarrantyEnd string // YYYY-MM-DD or ""
}

// InWarranty reports whether the warranty runs on the given day (YYYY-MM-DD).
func (a Asset) InWarranty(today string) bool { return a.WarrantyEnd != "" && a.WarrantyEnd >= today }

// Options configure a Store.
type Options struct {
	// Events is the event log the store appends to. Nil means a log of its own over
	// the same database (events are written, but nobody else is woken).
	Events *events.Log
	// RepeatWindow is how far back an earlier contact makes a new one a repeat.
	// Zero means DefaultRepeatWindow.
	RepeatWindow time.Duration
}

// DefaultRepeatWindow is the repeat-contact window when none is configured.
const DefaultRepeatWindow = 7 * 24 * time.Hour

// Store reads and writes customers, their contacts and leads.
type Store struct {
	db      *db.DB
	events  *events.Log
	window  time.Duration
	now     func() time.Time
	hooks   []MergeHook
	tickets OpenTickets
}

// NewStore returns a Store over d with default options.
func NewStore(d *db.DB) *Store { return New(d, Options{}) }

// New returns a Store over d.
func New(d *db.DB, o Options) *Store {
	if o.Events == nil {
		o.Events = events.New(d)
	}
	if o.RepeatWindow <= 0 {
		o.RepeatWindow = DefaultRepeatWindow
	}
	return &Store{db: d, events: o.Events, window: o.RepeatWindow, now: time.Now}
}

// SetClock replaces the store's clock (tests, demo data in the past).
func (s *Store) SetClock(now func() time.Time) { s.now = now }

// RepeatWindow is the configured repeat-contact window.
func (s *Store) RepeatWindow() time.Duration { return s.window }

func (s *Store) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// Create validates and adds a customer with everything it holds in one transaction.
func (s *Store) Create(ctx context.Context, c *Customer) error { return s.CreateAs(ctx, 0, c) }

// CreateAs is Create on behalf of a user (0 for the system); it writes a
// customer.created event.
func (s *Store) CreateAs(ctx context.Context, actorID int64, c *Customer) error {
	defs, err := s.FieldDefs(ctx)
	if err != nil {
		return err
	}
	if err := validate(c, defs); err != nil {
		return err
	}
	now := s.clock()
	c.CreatedAt, c.UpdatedAt = now, now
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.insert(ctx, tx, c); err != nil {
			return err
		}
		return s.events.Append(ctx, tx, &events.Event{Kind: "customer.created", ActorID: actorID, CustomerID: c.ID, At: now,
			Data: map[string]any{"name": c.Name}})
	})
	if err == nil {
		s.events.Notify()
	}
	return err
}

// insert writes a validated customer and its parts inside tx.
func (s *Store) insert(ctx context.Context, tx *sql.Tx, c *Customer) error {
	fields, err := json.Marshal(orEmpty(c.Fields))
	if err != nil {
		return err
	}
	if err := tx.QueryRowContext(ctx, `INSERT INTO customers (name, company, vip_level, city, note, fields, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, c.Name, c.Company, c.VIPLevel, c.City, c.Note, string(fields), c.CreatedAt).Scan(&c.ID); err != nil {
		return fmt.Errorf("crm: create customer: %w", err)
	}
	return writeParts(ctx, tx, c)
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// writeParts inserts the phones, emails, tags, addresses and assets of c.
func writeParts(ctx context.Context, tx *sql.Tx, c *Customer) error {
	for _, p := range c.Phones {
		if _, err := tx.ExecContext(ctx, `INSERT INTO customer_phones (customer_id, number, display, label) VALUES ($1, $2, $3, $4)`,
			c.ID, p.Number, DisplayPhone(p.Number), p.Label); err != nil {
			return fmt.Errorf("crm: add phone: %w", err)
		}
	}
	for _, e := range c.Emails {
		if _, err := tx.ExecContext(ctx, `INSERT INTO customer_emails (customer_id, address) VALUES ($1, $2)`, c.ID, e); err != nil {
			return fmt.Errorf("crm: add email: %w", err)
		}
	}
	for _, t := range c.Tags {
		if _, err := tx.ExecContext(ctx, `INSERT INTO customer_tags (customer_id, tag) VALUES ($1, $2)`, c.ID, t); err != nil {
			return fmt.Errorf("crm: add tag: %w", err)
		}
	}
	for _, a := range c.Addresses {
		if _, err := tx.ExecContext(ctx, `INSERT INTO customer_addresses (customer_id, label, province, city, district, street, postal_code)
			VALUES ($1, $2, $3, $4, $5, $6, $7)`, c.ID, a.Label, a.Province, a.City, a.District, a.Street, a.PostalCode); err != nil {
			return fmt.Errorf("crm: add address: %w", err)
		}
	}
	for _, a := range c.Assets {
		if _, err := tx.ExecContext(ctx, `INSERT INTO customer_assets (customer_id, kind, number, product, purchased_on, warranty_end)
			VALUES ($1, $2, $3, $4, $5, $6)`, c.ID, a.Kind, a.Number, a.Product, a.PurchasedOn, a.WarrantyEnd); err != nil {
			return fmt.Errorf("crm: add asset: %w", err)
		}
	}
	return nil
}

var partTables = []string{"customer_phones", "customer_emails", "customer_tags", "customer_addresses", "customer_assets"}

// Get returns one customer with everything it holds.
func (s *Store) Get(ctx context.Context, id int64) (*Customer, error) {
	return getCustomer(ctx, s.db.Read(), id)
}

func getCustomer(ctx context.Context, q db.Queryer, id int64) (*Customer, error) {
	cs, err := queryCustomers(ctx, q, "WHERE id = $1", id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, errs.E(errs.NotFound, "Customer %d not found.", id).WithKey("customer_not_found")
	}
	c := cs[0]
	if err := loadParts(ctx, q, map[int64]*Customer{id: c}, true); err != nil {
		return nil, err
	}
	return c, nil
}

const customerColumns = "id, name, company, vip_level, city, note, fields, created_at, updated_at"

// queryCustomers runs SELECT customerColumns FROM customers <rest>.
func queryCustomers(ctx context.Context, q db.Queryer, rest string, args ...any) ([]*Customer, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+customerColumns+" FROM customers "+rest, args...)
	if err != nil {
		return nil, fmt.Errorf("crm: query customers: %w", err)
	}
	defer rows.Close()
	var out []*Customer
	for rows.Next() {
		c := &Customer{}
		var fields string
		if err := rows.Scan(&c.ID, &c.Name, &c.Company, &c.VIPLevel, &c.City, &c.Note, &fields, &c.CreatedAt, &c.UpdatedAt); err != nil {
			return nil, fmt.Errorf("crm: scan customer: %w", err)
		}
		if err := json.Unmarshal([]byte(fields), &c.Fields); err != nil {
			return nil, fmt.Errorf("crm: customer %d fields: %w", c.ID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// loadParts fills in the phones, emails and tags of the given customers, and with all
// also their addresses and assets, one query per table.
func loadParts(ctx context.Context, q db.Queryer, byID map[int64]*Customer, all bool) error {
	if len(byID) == 0 {
		return nil
	}
	var ph []string
	var args []any
	for id := range byID {
		args = append(args, id)
		ph = append(ph, fmt.Sprintf("$%d", len(args)))
	}
	in := " WHERE customer_id IN (" + strings.Join(ph, ",") + ")"
	each := func(query string, scan func(rows *sql.Rows) error, order ...string) error {
		if len(order) == 0 {
			query += in
		}
		rows, err := q.QueryContext(ctx, query+" ORDER BY 1, 2"+strings.Join(order, ""), args...)
		if err != nil {
			return fmt.Errorf("crm: load parts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return fmt.Errorf("crm: load parts: %w", err)
			}
		}
		return rows.Err()
	}
	// Phones, emails and tags in one round trip: screen pop waits for this.
	var id int64
	err := each(`SELECT customer_id, 1 AS part, id AS ord, number, label FROM customer_phones`+in+`
		UNION ALL SELECT customer_id, 2, id, address, '' FROM customer_emails`+in+`
		UNION ALL SELECT customer_id, 3, 0, tag, '' FROM customer_tags`+in, func(rows *sql.Rows) error {
		var part, ord int64
		var v, label string
		if err := rows.Scan(&id, &part, &ord, &v, &label); err != nil {
			return err
		}
		c := byID[id]
		switch part {
		case 1:
			c.Phones = append(c.Phones, Phone{Number: v, Label: label})
		case 2:
			c.Emails = append(c.Emails, v)
		default:
			c.Tags = append(c.Tags, v)
		}
		return nil
	}, ", 3, 4")
	if err != nil || !all {
		return err
	}
	err = each("SELECT customer_id, id, label, province, city, district, street, postal_code FROM customer_addresses", func(rows *sql.Rows) error {
		var a Address
		var rid int64
		if err := rows.Scan(&id, &rid, &a.Label, &a.Province, &a.City, &a.District, &a.Street, &a.PostalCode); err != nil {
			return err
		}
		byID[id].Addresses = append(byID[id].Addresses, a)
		return nil
	})
	if err != nil {
		return err
	}
	return each("SELECT customer_id, id, kind, number, product, purchased_on, warranty_end FROM customer_assets", func(rows *sql.Rows) error {
		var a Asset
		var rid int64
		if err := rows.Scan(&id, &rid, &a.Kind, &a.Number, &a.Product, &a.PurchasedOn, &a.WarrantyEnd); err != nil {
			return err
		}
		byID[id].Assets = append(byID[id].Assets, a)
		return nil
	})
}

// Update replaces a customer's record with c (phones, emails, addresses, tags, custom
// fields and assets included) and writes a customer.updated event listing what changed.
// Nothing changes when nothing differs.
func (s *Store) Update(ctx context.Context, actorID int64, c *Customer) error {
	defs, err := s.FieldDefs(ctx)
	if err != nil {
		return err
	}
	if err := validate(c, defs); err != nil {
		return err
	}
	changed := false
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := getCustomer(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		changes := diff(old, c)
		c.CreatedAt, c.UpdatedAt = old.CreatedAt, old.UpdatedAt
		if len(changes) == 0 {
			return nil
		}
		changed = true
		c.UpdatedAt = s.clock()
		fields, _ := json.Marshal(orEmpty(c.Fields))
		if _, err := tx.ExecContext(ctx, `UPDATE customers SET name = $1, company = $2, vip_level = $3, city = $4, note = $5, fields = $6, updated_at = $7 WHERE id = $8`,
			c.Name, c.Company, c.VIPLevel, c.City, c.Note, string(fields), c.UpdatedAt, c.ID); err != nil {
			return fmt.Errorf("crm: update customer %d: %w", c.ID, err)
		}
		for _, t := range partTables {
			if _, err := tx.ExecContext(ctx, "DELETE FROM "+t+" WHERE customer_id = $1", c.ID); err != nil {
				return fmt.Errorf("crm: update customer %d: %w", c.ID, err)
			}
		}
		if err := writeParts(ctx, tx, c); err != nil {
			return err
		}
		return s.events.Append(ctx, tx, &events.Event{Kind: "customer.updated", ActorID: actorID, CustomerID: c.ID, At: c.UpdatedAt,
			Data: map[string]any{"name": c.Name, "changed": changes}})
	})
	if err == nil && changed {
		s.events.Notify()
	}
	return err
}

// diff lists the parts of a customer that differ between old and new, by field name.
func diff(old, nu *Customer) []string {
	var out []string
	add := func(name string, a, b any) {
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			out = append(out, name)
		}
	}
	add("name", old.Name, nu.Name)
	add("company", old.Company, nu.Company)
	add("vip_level", old.VIPLevel, nu.VIPLevel)
	add("city", old.City, nu.City)
	add("note", old.Note, nu.Note)
	add("phones", old.Phones, nu.Phones)
	add("emails", old.Emails, nu.Emails)
	add("addresses", old.Addresses, nu.Addresses)
	add("tags", old.Tags, nu.Tags)
	add("fields", orEmpty(old.Fields), orEmpty(nu.Fields))
	add("assets", old.Assets, nu.Assets)
	return out
}

// Filter selects customers.
type Filter struct {
	// Query is a name (or part; Chinese names too), a phone number in any common format,
	// an email, a serial, policy or card number, or a tag.
	Query  string
	Tag    string // only customers with this tag
	Limit  int    // default 50, at most 500 (export: at most MaxExportRows)
	Offset int
}

// Search finds customers newest first, with the total count. A phone number, email,
// serial number or tag matches exactly (indexed); other text matches part of the name
// or company.
func (s *Store) Search(ctx context.Context, f Filter) ([]*Customer, int, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	return s.search(ctx, f, true)
}

// search runs a Filter, loading phones, emails and tags with parts.
func (s *Store) search(ctx context.Context, f Filter, parts bool) ([]*Customer, int, error) {
	var conds []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return fmt.Sprintf("$%d", len(args))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		var alts []string
		if n, err := NormalizePhone(q); err == nil {
			alts = append(alts, "id IN (SELECT customer_id FROM customer_phones WHERE number = "+arg(n)+")")
		}
		if strings.Contains(q, "@") {
			alts = append(alts, "id IN (SELECT customer_id FROM customer_emails WHERE address = "+arg(strings.ToLower(q))+")")
		}
		if num := normalizeNumber(q); num != "" {
			alts = append(alts, "id IN (SELECT customer_id FROM customer_assets WHERE number = "+arg(num)+")")
		}
		alts = append(alts, "id IN (SELECT customer_id FROM customer_tags WHERE tag = "+arg(q)+")")
		like := arg("%" + strings.ToLower(escapeLike(q)) + "%")
		alts = append(alts, "lower(name) LIKE "+like+" ESCAPE '\\'", "lower(company) LIKE "+like+" ESCAPE '\\'")
		conds = append(conds, "("+strings.Join(alts, " OR ")+")")
	}
	if t := strings.TrimSpace(f.Tag); t != "" {
		conds = append(conds, "id IN (SELECT customer_id FROM customer_tags WHERE tag = "+arg(t)+")")
	}
	where := ""
	if len(conds) > 0 {
		where = "WHERE " + strings.Join(conds, " AND ")
	}
	var total int
	if err := s.db.Read().QueryRowContext(ctx, "SELECT count(*) FROM customers "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("crm: count customers: %w", err)
	}
	out, err := queryCustomers(ctx, s.db.Read(), where+" ORDER BY id DESC LIMIT "+arg(f.Limit)+" OFFSET "+arg(f.Offset), args...)
	if err != nil || !parts {
		return out, total, err
	}
	return out, total, loadParts(ctx, s.db.Read(), index(out), false)
}

func index(cs []*Customer) map[int64]*Customer {
	m := make(map[int64]*Customer, len(cs))
	for _, c := range cs {
		m[c.ID] = c
	}
	return m
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// LookupByPhone returns the customers who have the number, in any common format: one
// indexed query, for screen pop. VIPs come first. A string that is not a phone number
// is an Invalid error.
func (s *Store) LookupByPhone(ctx context.Context, raw string) ([]*Customer, error) {
	n, err := NormalizePhone(raw)
	if err != nil {
		return nil, err
	}
	cs, err := queryCustomers(ctx, s.db.Read(), "WHERE id IN (SELECT customer_id FROM customer_phones WHERE number = $1) ORDER BY vip_level DESC, id", n)
	if err != nil {
		return nil, err
	}
	return cs, loadParts(ctx, s.db.Read(), index(cs), false)
}

// Count returns the number of customers.
func (s *Store) Count(ctx context.Context) (int, error) {
	var n int
	err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM customers`).Scan(&n)
	return n, err
}

// exists reports a NotFound error when customer id does not exist.
func exists(ctx context.Context, q db.Queryer, id int64) error {
	var one int
	err := q.QueryRowContext(ctx, "SELECT 1 FROM customers WHERE id = $1", id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return errs.E(errs.NotFound, "Customer %d not found.", id).WithKey("customer_not_found")
	}
	return err
}
