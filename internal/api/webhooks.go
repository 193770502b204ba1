package api

import (
	"net/http"
	"time"

	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/webhook"
)

type webhookJSON struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	URL       string    `json:"url"`
	Secret    string    `json:"secret"`
	Events    []string  `json:"events"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

func toWebhookJSON(w *webhook.Webhook) webhookJSON {
	return webhookJSON{w.ID, w.Name, w.URL, w.Secret, w.Events, w.Active, w.CreatedAt, w.UpdatedAt}
}

type deliveryJSON struct {
	ID           int64     `json:"id"`
	WebhookID    int64     `json:"webhook_id"`
	Delivery     string    `json:"delivery"`
	EventID      *int64    `json:"event_id"`
	Kind         string    `json:"kind"`
	Status       string    `json:"status"`
	Attempts     int       `json:"attempts"`
	ResponseCode int       `json:"response_code"`
	DurationMS   int64     `json:"duration_ms"`
	Error        string    `json:"error"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
}

func toDeliveryJSON(d *webhook.Delivery) deliveryJSON {
	out := deliveryJSON{ID: d.ID, WebhookID: d.WebhookID, Delivery: d.UID, Kind: d.Kind, Status: d.Status, Attempts: d.Attempts,
		ResponseCode: d.ResponseCode, DurationMS: d.Duration.Milliseconds(), Error: d.Error, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if d.EventID != 0 {
		out.EventID = &d.EventID
	}
	return out
}

// webhookBody is a webhook to create, or a change (absent fields unchanged).
type webhookBody struct {
	Name   *string   `json:"name"`
	URL    *string   `json:"url"`
	Events *[]string `json:"events"`
	Active *bool     `json:"active"`
}

func (b webhookBody) input() webhook.Input {
	return webhook.Input{Name: b.Name, URL: b.URL, Events: b.Events, Active: b.Active}
}

func (a *API) listWebhooks(w http.ResponseWriter, r *http.Request) (int, any, error) {
	hooks, err := a.Webhooks.List(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := list[webhookJSON]{Items: []webhookJSON{}, Total: len(hooks)}
	for _, h := range hooks {
		out.Items = append(out.Items, toWebhookJSON(h))
	}
	return http.StatusOK, out, nil
}

func (a *API) createWebhook(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[webhookBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	h, err := a.Webhooks.Create(r.Context(), b.input())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toWebhookJSON(h), nil
}

func (a *API) getWebhook(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	h, err := a.Webhooks.Get(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toWebhookJSON(h), nil
}

func (a *API) updateWebhook(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[webhookBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	h, err := a.Webhooks.Update(r.Context(), id, b.input())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toWebhookJSON(h), nil
}

func (a *API) deleteWebhook(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, a.Webhooks.Delete(r.Context(), id)
}

func (a *API) listDeliveries(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	limit, offset, err := paging(r)
	if err != nil {
		return 0, nil, err
	}
	if _, err := a.Webhooks.Get(r.Context(), id); err != nil {
		return 0, nil, err
	}
	ds, total, err := a.Webhooks.Deliveries(r.Context(), id, limit, offset)
	if err != nil {
		return 0, nil, err
	}
	out := list[deliveryJSON]{Items: []deliveryJSON{}, Total: total}
	for _, d := range ds {
		out.Items = append(out.Items, toDeliveryJSON(d))
	}
	return http.StatusOK, out, nil
}

func (a *API) testWebhook(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	d, err := a.Webhooks.SendTest(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, toDeliveryJSON(d), nil
}

func (a *API) redeliver(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	d, err := a.Webhooks.Redeliver(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusAccepted, toDeliveryJSON(d), nil
}
