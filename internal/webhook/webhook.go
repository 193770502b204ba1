// Package webhook pushes events of the event log to URLs that an admin configures: a
// ticket created, updated or dispatched reaches the maker's ERP or a partner's system
// within seconds, signed so the receiver knows it came from this Hotline.
//
// A dispatcher tails the event log by id. In one transaction it records a delivery per
// matching (webhook, event), enqueues a job for each (internal/jobs) and moves its cursor,
// so a restart loses no event and delivers none twice. The job POSTs the event and is
// retried with backoff until the receiver answers 2xx or the attempts run out.
//
// Receivers verify a delivery like this (see Verify, and the console's webhook page):
//
//	signed := X-Hotline-Timestamp + "." + raw request body
//	expected := "sha256=" + hex(HMAC-SHA256(secret, signed))
//	accept when expected equals X-Hotline-Signature (constant-time compare) and the
//	timestamp is within 5 minutes of now; dedupe on the body's "id" (or X-Hotline-Delivery).
package webhook

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/jobs"
)

// Kinds are the event kinds and prefixes the console offers to subscribe to. The API
// accepts any well-formed kind or "<category>.*" too.
var Kinds = []string{
	"ticket.created", "ticket.updated", "ticket.status_changed", "ticket.dispatched",
	"ticket.assigned", "ticket.note_added", "ticket.*", "customer.*", "call.*", "*",
}

// TestKind is the kind of the event that "send test event" delivers.
const TestKind = "webhook.test"

var patternRE = regexp.MustCompile(`^(\*|[a-z][a-z0-9_]*\.(\*|[a-z][a-z0-9_]*))$`)

// Webhook is one receiver of events.
type Webhook struct {
	ID        int64
	Name      string
	URL       string
	Secret    string   // the HMAC key; shown to admins so they can configure the receiver
	Events    []string // kinds (ticket.created) and prefixes (ticket.*, or * for all)
	Active    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Matches reports whether the webhook subscribes to an event kind.
func (w *Webhook) Matches(kind string) bool { return Matches(w.Events, kind) }

// Matches reports whether any pattern covers kind: an exact kind, "<category>.*", or "*".
func Matches(patterns []string, kind string) bool {
	for _, p := range patterns {
		if p == "*" || p == kind || (strings.HasSuffix(p, ".*") && strings.HasPrefix(kind, strings.TrimSuffix(p, "*"))) {
			return true
		}
	}
	return false
}

// Input is a webhook to create or a change to one; nil fields are unchanged.
type Input struct {
	Name   *string
	URL    *string
	Events *[]string
	Active *bool
}

// Options tune the store; zero values take the defaults.
type Options struct {
	Now         func() time.Time
	Client      *http.Client  // default: 10 s timeout, redirects not followed
	MaxAttempts int           // delivery attempts before giving up; default 10 (retries over roughly 40 to 85 minutes)
	Settle      time.Duration // how long a gap in event ids may be an uncommitted event; default 5s
	Poll        time.Duration // the dispatcher's fallback poll; default 2s
}

// Store keeps webhooks and their deliveries and delivers events.
type Store struct {
	db     *db.DB
	q      *jobs.Queue
	events *events.Log
	opts   Options
}

// New returns the store. Register its job handler on the runner that works q.
func New(d *db.DB, q *jobs.Queue, ev *events.Log, o Options) *Store {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = 10
	}
	if o.Settle <= 0 {
		o.Settle = 5 * time.Second
	}
	if o.Poll <= 0 {
		o.Poll = 2 * time.Second
	}
	return &Store{db: d, q: q, events: ev, opts: o}
}

func (s *Store) clock() time.Time { return s.opts.Now().UTC().Truncate(time.Microsecond) }

// ValidateURL accepts absolute http and https URLs with a host and no credentials.
func ValidateURL(raw string) error {
	bad := errs.Field("url", "The URL must be an absolute http:// or https:// address.").WithKey("webhook_url")
	if raw == "" || len(raw) > 2000 || strings.TrimSpace(raw) != raw {
		return bad
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
		return bad
	}
	if u.User != nil {
		return errs.Field("url", "Do not put a user name or password in the URL; the signature authenticates deliveries.").WithKey("webhook_url_userinfo")
	}
	return nil
}

// normalizeEvents trims, de-duplicates and checks subscribed patterns.
func normalizeEvents(in []string) ([]string, error) {
	var out []string
	for _, p := range in {
		for _, f := range strings.FieldsFunc(p, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' || r == '\r' }) {
			if !patternRE.MatchString(f) {
				return nil, errs.Field("events", fmt.Sprintf("%q is not an event kind (ticket.created), a prefix (ticket.*) or *.", f)).WithKey("webhook_event", f)
			}
			if !slices.Contains(out, f) {
				out = append(out, f)
			}
		}
	}
	if len(out) == 0 {
		return nil, errs.Field("events", "Choose at least one event.").WithKey("webhook_no_events")
	}
	if len(out) > 50 {
		return nil, errs.Field("events", "At most 50 event kinds.").WithKey("webhook_too_many_events")
	}
	return out, nil
}

func (w *Webhook) apply(in Input) error {
	if in.Name != nil {
		w.Name = strings.TrimSpace(*in.Name)
	}
	if in.URL != nil {
		w.URL = strings.TrimSpace(*in.URL)
	}
	if in.Events != nil {
		w.Events = *in.Events
	}
	if in.Active != nil {
		w.Active = *in.Active
	}
	if w.Name == "" || len([]rune(w.Name)) > 100 {
		return errs.Field("name", "Name must be 1 to 100 characters.").WithKey("webhook_name")
	}
	if err := ValidateURL(w.URL); err != nil {
		return err
	}
	ev, err := normalizeEvents(w.Events)
	if err != nil {
		return err
	}
	w.Events = ev
	return nil
}

// NewSecret returns a random signing secret.
func NewSecret() string {
	var b [24]byte
	rand.Read(b[:])
	return "whsec_" + hex.EncodeToString(b[:])
}

// Create adds a webhook with a new secret; it is active unless in.Active says otherwise.
func (s *Store) Create(ctx context.Context, in Input) (*Webhook, error) {
	w := &Webhook{Active: true, Secret: NewSecret()}
	if err := w.apply(in); err != nil {
		return nil, err
	}
	w.CreatedAt = s.clock()
	w.UpdatedAt = w.CreatedAt
	err := s.db.Write().QueryRowContext(ctx, `INSERT INTO webhooks (name, url, secret, events, active, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, w.Name, w.URL, w.Secret, strings.Join(w.Events, " "), w.Active, w.CreatedAt).Scan(&w.ID)
	if err != nil {
		return nil, fmt.Errorf("webhook: create: %w", err)
	}
	return w, nil
}

// Update changes a webhook.
func (s *Store) Update(ctx context.Context, id int64, in Input) (*Webhook, error) {
	w, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := w.apply(in); err != nil {
		return nil, err
	}
	w.UpdatedAt = s.clock()
	_, err = s.db.Write().ExecContext(ctx, "UPDATE webhooks SET name = $1, url = $2, events = $3, active = $4, updated_at = $5 WHERE id = $6",
		w.Name, w.URL, strings.Join(w.Events, " "), w.Active, w.UpdatedAt, id)
	if err != nil {
		return nil, fmt.Errorf("webhook: update %d: %w", id, err)
	}
	return w, nil
}

// RotateSecret gives a webhook a new secret and returns it.
func (s *Store) RotateSecret(ctx context.Context, id int64) (*Webhook, error) {
	w, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	w.Secret, w.UpdatedAt = NewSecret(), s.clock()
	if _, err := s.db.Write().ExecContext(ctx, "UPDATE webhooks SET secret = $1, updated_at = $2 WHERE id = $3", w.Secret, w.UpdatedAt, id); err != nil {
		return nil, fmt.Errorf("webhook: rotate secret %d: %w", id, err)
	}
	return w, nil
}

// Delete removes a webhook and its delivery log; its pending deliveries are dropped.
func (s *Store) Delete(ctx context.Context, id int64) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM webhook_deliveries WHERE webhook_id = $1", id); err != nil {
			return fmt.Errorf("webhook: delete %d deliveries: %w", id, err)
		}
		res, err := tx.ExecContext(ctx, "DELETE FROM webhooks WHERE id = $1", id)
		if err != nil {
			return fmt.Errorf("webhook: delete %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound()
		}
		return nil
	})
}

func notFound() error { return errs.E(errs.NotFound, "No such webhook.").WithKey("not_found") }

const hookColumns = "id, name, url, secret, events, active, created_at, updated_at"

func scanHook(sc interface{ Scan(...any) error }) (*Webhook, error) {
	var w Webhook
	var ev string
	if err := sc.Scan(&w.ID, &w.Name, &w.URL, &w.Secret, &ev, &w.Active, &w.CreatedAt, &w.UpdatedAt); err != nil {
		return nil, err
	}
	w.Events = strings.Fields(ev)
	return &w, nil
}

// Get returns one webhook.
func (s *Store) Get(ctx context.Context, id int64) (*Webhook, error) {
	w, err := scanHook(s.db.Read().QueryRowContext(ctx, "SELECT "+hookColumns+" FROM webhooks WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound()
	}
	if err != nil {
		return nil, fmt.Errorf("webhook: get %d: %w", id, err)
	}
	return w, nil
}

// List returns every webhook by name.
func (s *Store) List(ctx context.Context) ([]*Webhook, error) {
	return s.list(ctx, s.db.Read(), "")
}

func (s *Store) list(ctx context.Context, q db.Queryer, where string) ([]*Webhook, error) {
	rows, err := q.QueryContext(ctx, "SELECT "+hookColumns+" FROM webhooks"+where+" ORDER BY name, id")
	if err != nil {
		return nil, fmt.Errorf("webhook: list: %w", err)
	}
	defer rows.Close()
	var out []*Webhook
	for rows.Next() {
		w, err := scanHook(rows)
		if err != nil {
			return nil, fmt.Errorf("webhook: scan: %w", err)
		}
		out = append(out, w)
	}
	return out, rows.Err()
}
