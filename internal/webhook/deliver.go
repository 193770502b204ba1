package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/jobs"
)

// DeliverKind is the job kind of one delivery.
const DeliverKind = "webhook.deliver"

// Delivery statuses.
const (
	Pending   = "pending"   // queued, not tried yet
	Retrying  = "retrying"  // failed, will be tried again
	Delivered = "delivered" // the receiver answered 2xx
	Failed    = "failed"    // every attempt failed; can be redelivered
	Cancelled = "cancelled" // the webhook was deactivated before it was sent
)

// Delivery is one event sent (or to be sent) to one webhook; retries update it.
type Delivery struct {
	ID           int64
	WebhookID    int64
	UID          string // X-Hotline-Delivery, the same on every retry
	EventID      int64  // 0 for a test event
	Kind         string
	Body         string
	Status       string
	Attempts     int
	ResponseCode int
	Duration     time.Duration
	Error        string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Body is the JSON a receiver gets.
type Body struct {
	ID         int64          `json:"id"` // the event's id: receivers dedupe on it
	Kind       string         `json:"kind"`
	At         time.Time      `json:"at"`
	CustomerID *int64         `json:"customer_id"`
	TicketID   *int64         `json:"ticket_id"`
	Data       map[string]any `json:"data"`
}

func bodyOf(e events.Event) ([]byte, error) {
	b := Body{ID: e.ID, Kind: e.Kind, At: e.At.UTC(), Data: e.Data}
	if e.CustomerID != 0 {
		b.CustomerID = &e.CustomerID
	}
	if e.TicketID != 0 {
		b.TicketID = &e.TicketID
	}
	if b.Data == nil {
		b.Data = map[string]any{}
	}
	return json.Marshal(b)
}

// Sign returns the X-Hotline-Signature of body sent at timestamp (Unix seconds).
func Sign(secret string, timestamp int64, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(strconv.FormatInt(timestamp, 10)))
	mac.Write([]byte("."))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a delivery as a receiver written in Go would: the signature header must
// match the body and timestamp header, and the timestamp be within tolerance of now.
func Verify(secret, timestampHeader, signatureHeader string, body []byte, now time.Time, tolerance time.Duration) error {
	ts, err := strconv.ParseInt(timestampHeader, 10, 64)
	if err != nil {
		return errors.New("webhook: bad X-Hotline-Timestamp")
	}
	if d := now.Sub(time.Unix(ts, 0)); d > tolerance || d < -tolerance {
		return errors.New("webhook: timestamp outside tolerance (replayed or clock skew)")
	}
	if subtle.ConstantTimeCompare([]byte(Sign(secret, ts, body)), []byte(signatureHeader)) != 1 {
		return errors.New("webhook: signature mismatch")
	}
	return nil
}

func newUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40 // version 4
	b[8] = b[8]&0x3f | 0x80 // RFC 4122 variant
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

type jobPayload struct {
	DeliveryID int64 `json:"delivery_id"`
}

// enqueue records a delivery of body to hook and its job, inside tx.
func (s *Store) enqueue(ctx context.Context, tx *sql.Tx, hookID, eventID int64, kind string, body []byte) (*Delivery, error) {
	now := s.clock()
	d := &Delivery{WebhookID: hookID, UID: newUID(), EventID: eventID, Kind: kind, Body: string(body), Status: Pending, CreatedAt: now, UpdatedAt: now}
	var ev any
	if eventID != 0 {
		ev = eventID
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, uid, event_id, kind, body, status, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, hookID, d.UID, ev, kind, d.Body, d.Status, now).Scan(&d.ID)
	if err != nil {
		return nil, fmt.Errorf("webhook: record delivery: %w", err)
	}
	payload, _ := json.Marshal(jobPayload{d.ID})
	if _, err := s.q.Enqueue(ctx, tx, jobs.Job{Kind: DeliverKind, Payload: payload, MaxAttempts: s.opts.MaxAttempts}); err != nil {
		return nil, err
	}
	return d, nil
}

// Register adds the delivery handler to a job runner.
func (s *Store) Register(r *jobs.Runner) { r.Handle(DeliverKind, s.deliver) }

// deliver is the job: POST the delivery's body, signed, and record the outcome.
func (s *Store) deliver(ctx context.Context, j *jobs.Job) error {
	var p jobPayload
	if err := json.Unmarshal(j.Payload, &p); err != nil || p.DeliveryID == 0 {
		return jobs.Permanent(fmt.Errorf("webhook: bad job payload %s", j.Payload))
	}
	d, err := s.Delivery(ctx, p.DeliveryID)
	if errs.Is(err, errs.NotFound) {
		return nil // the webhook was deleted with its deliveries
	}
	if err != nil {
		return err
	}
	hook, err := s.Get(ctx, d.WebhookID)
	if errs.Is(err, errs.NotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if !hook.Active && d.Kind != TestKind {
		return s.record(ctx, d.ID, Cancelled, j.Attempts, 0, 0, "the webhook is inactive")
	}

	start := time.Now()
	code, sendErr := s.post(ctx, hook, d)
	elapsed := time.Since(start)
	if sendErr == nil {
		return s.record(ctx, d.ID, Delivered, j.Attempts, code, elapsed, "")
	}
	status := Retrying
	if j.Attempts >= j.MaxAttempts {
		status = Failed
	}
	if err := s.record(ctx, d.ID, status, j.Attempts, code, elapsed, sendErr.Error()); err != nil {
		return errors.Join(sendErr, err)
	}
	return sendErr
}

// post sends one attempt and returns the response code (0 when none came).
func (s *Store) post(ctx context.Context, hook *Webhook, d *Delivery) (int, error) {
	body := []byte(d.Body)
	ts := s.opts.Now().Unix()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Hotline-Webhook/1")
	req.Header.Set("X-Hotline-Event", d.Kind)
	req.Header.Set("X-Hotline-Delivery", d.UID)
	req.Header.Set("X-Hotline-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Hotline-Signature", Sign(hook.Secret, ts, body))
	resp, err := s.opts.Client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("POST failed: %w", err)
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20)) // let the connection be reused
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("the receiver answered %s: %s", resp.Status, bytes.TrimSpace(snippet))
	}
	return resp.StatusCode, nil
}

func (s *Store) record(ctx context.Context, id int64, status string, attempts, code int, d time.Duration, msg string) error {
	if len(msg) > 1000 {
		msg = msg[:1000]
	}
	_, err := s.db.Write().ExecContext(ctx, `UPDATE webhook_deliveries SET status = $1, attempts = $2, response_code = $3,
		duration_ms = $4, error = $5, updated_at = $6 WHERE id = $7`, status, attempts, code, d.Milliseconds(), msg, s.clock(), id)
	if err != nil {
		return fmt.Errorf("webhook: record delivery %d: %w", id, err)
	}
	return nil
}

const deliveryColumns = "id, webhook_id, uid, event_id, kind, body, status, attempts, response_code, duration_ms, error, created_at, updated_at"

func scanDelivery(sc interface{ Scan(...any) error }) (*Delivery, error) {
	var d Delivery
	var ev sql.NullInt64
	var ms int64
	if err := sc.Scan(&d.ID, &d.WebhookID, &d.UID, &ev, &d.Kind, &d.Body, &d.Status, &d.Attempts, &d.ResponseCode, &ms,
		&d.Error, &d.CreatedAt, &d.UpdatedAt); err != nil {
		return nil, err
	}
	d.EventID, d.Duration = ev.Int64, time.Duration(ms)*time.Millisecond
	return &d, nil
}

// Delivery returns one delivery.
func (s *Store) Delivery(ctx context.Context, id int64) (*Delivery, error) {
	d, err := scanDelivery(s.db.Read().QueryRowContext(ctx, "SELECT "+deliveryColumns+" FROM webhook_deliveries WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errs.E(errs.NotFound, "No such delivery.").WithKey("not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("webhook: delivery %d: %w", id, err)
	}
	return d, nil
}

// Deliveries returns a webhook's deliveries, newest first, and how many it has in all.
func (s *Store) Deliveries(ctx context.Context, hookID int64, limit, offset int) ([]*Delivery, int, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	var total int
	if err := s.db.Read().QueryRowContext(ctx, "SELECT count(*) FROM webhook_deliveries WHERE webhook_id = $1", hookID).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("webhook: count deliveries: %w", err)
	}
	rows, err := s.db.Read().QueryContext(ctx, "SELECT "+deliveryColumns+" FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2 OFFSET $3",
		hookID, limit, offset)
	if err != nil {
		return nil, 0, fmt.Errorf("webhook: deliveries: %w", err)
	}
	defer rows.Close()
	var out []*Delivery
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("webhook: scan delivery: %w", err)
		}
		out = append(out, d)
	}
	return out, total, rows.Err()
}

// SendTest delivers a test event to a webhook, active or not.
func (s *Store) SendTest(ctx context.Context, hookID int64) (*Delivery, error) {
	if _, err := s.Get(ctx, hookID); err != nil {
		return nil, err
	}
	body, err := bodyOf(events.Event{Kind: TestKind, At: s.clock(), Data: map[string]any{
		"webhook_id": hookID, "message": "Test event from Hotline: the webhook is reachable and the signature can be checked.",
	}})
	if err != nil {
		return nil, err
	}
	return s.enqueueNow(ctx, hookID, 0, TestKind, body)
}

// Redeliver sends a delivery's body again, as a new delivery (new X-Hotline-Delivery,
// same event id in the body).
func (s *Store) Redeliver(ctx context.Context, deliveryID int64) (*Delivery, error) {
	d, err := s.Delivery(ctx, deliveryID)
	if err != nil {
		return nil, err
	}
	return s.enqueueNow(ctx, d.WebhookID, d.EventID, d.Kind, []byte(d.Body))
}

func (s *Store) enqueueNow(ctx context.Context, hookID, eventID int64, kind string, body []byte) (*Delivery, error) {
	var d *Delivery
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		d, err = s.enqueue(ctx, tx, hookID, eventID, kind, body)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.q.Notify()
	return d, nil
}
