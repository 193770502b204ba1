package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/webhook"
)

func (c *Console) webhooks(w http.ResponseWriter, r *http.Request) {
	hooks, err := c.Webhooks.List(r.Context())
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "webhooks", c.page(r, "webhooks.title", hooks))
}

// kindOption is one subscribable kind on the form.
type kindOption struct {
	Kind    string
	Checked bool
}

type webhookFormData struct {
	Hook       *webhook.Webhook
	New        bool
	Kinds      []kindOption
	Other      string // subscribed patterns the console does not offer as boxes
	Error      string
	Errors     map[string]string
	Deliveries []*webhook.Delivery
	Total      int
	Offset     int
	Prev, Next int // offsets of the neighbouring pages of the log; -1 when none
}

const deliveriesPerPage = 25

func (c *Console) webhookForm(w http.ResponseWriter, r *http.Request, status int, d *webhookFormData) {
	for _, k := range webhook.Kinds {
		d.Kinds = append(d.Kinds, kindOption{k, slices.Contains(d.Hook.Events, k)})
	}
	if d.Other == "" {
		var other []string
		for _, e := range d.Hook.Events {
			if !slices.Contains(webhook.Kinds, e) {
				other = append(other, e)
			}
		}
		d.Other = strings.Join(other, " ")
	}
	title := "webhooks.new"
	if !d.New {
		title = "webhooks.edit"
		var err error
		if d.Deliveries, d.Total, err = c.Webhooks.Deliveries(r.Context(), d.Hook.ID, deliveriesPerPage, d.Offset); err != nil {
			c.Fail(w, r, err)
			return
		}
		d.Prev, d.Next = -1, -1
		if d.Offset > 0 {
			d.Prev = max(0, d.Offset-deliveriesPerPage)
		}
		if d.Offset+deliveriesPerPage < d.Total {
			d.Next = d.Offset + deliveriesPerPage
		}
	}
	c.render(w, r, status, "webhook_form", c.page(r, title, d))
}

func (c *Console) newWebhook(w http.ResponseWriter, r *http.Request) {
	c.webhookForm(w, r, http.StatusOK, &webhookFormData{New: true, Hook: &webhook.Webhook{Active: true,
		Events: []string{"ticket.created", "ticket.updated", "ticket.dispatched"}}})
}

// webhookInput reads the webhook form: the ticked kinds plus any typed in "other".
func webhookInput(r *http.Request) webhook.Input {
	name, url := r.PostFormValue("name"), r.PostFormValue("url")
	kinds := append([]string{}, r.PostForm["events"]...)
	if other := strings.TrimSpace(r.PostFormValue("events_other")); other != "" {
		kinds = append(kinds, other)
	}
	active := r.PostFormValue("active") == "on"
	return webhook.Input{Name: &name, URL: &url, Events: &kinds, Active: &active}
}

// webhookFailure shows the form again with the error and what was typed.
func (c *Console) webhookFailure(w http.ResponseWriter, r *http.Request, err error, d *webhookFormData, in webhook.Input) {
	if errs.CodeOf(err) == errs.Internal || errs.CodeOf(err) == errs.NotFound {
		c.Fail(w, r, err)
		return
	}
	l := c.Catalog.Locale(Language(r))
	d.Error, d.Errors = message(l, err), fieldErrors(l, err)
	shown := *d.Hook
	shown.Name, shown.URL, shown.Active, shown.Events = *in.Name, *in.URL, *in.Active, r.PostForm["events"]
	d.Hook, d.Other = &shown, strings.TrimSpace(r.PostFormValue("events_other"))
	c.webhookForm(w, r, httpx.Status(errs.CodeOf(err)), d)
}

func (c *Console) createWebhook(w http.ResponseWriter, r *http.Request) {
	in := webhookInput(r)
	h, err := c.Webhooks.Create(r.Context(), in)
	if err != nil {
		c.webhookFailure(w, r, err, &webhookFormData{New: true, Hook: &webhook.Webhook{}}, in)
		return
	}
	http.Redirect(w, r, webhookURL(h.ID, "webhook_created"), http.StatusSeeOther)
}

func webhookURL(id int64, flash string) string {
	return "/settings/webhooks/" + strconv.FormatInt(id, 10) + "?ok=" + flash
}

// hookFromPath loads the webhook named by the path, or answers the failure.
func (c *Console) hookFromPath(w http.ResponseWriter, r *http.Request) *webhook.Webhook {
	id, err := pathID(r)
	if err == nil {
		var h *webhook.Webhook
		if h, err = c.Webhooks.Get(r.Context(), id); err == nil {
			return h
		}
	}
	c.Fail(w, r, err)
	return nil
}

func (c *Console) editWebhook(w http.ResponseWriter, r *http.Request) {
	h := c.hookFromPath(w, r)
	if h == nil {
		return
	}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	c.webhookForm(w, r, http.StatusOK, &webhookFormData{Hook: h, Offset: max(0, offset)})
}

func (c *Console) updateWebhook(w http.ResponseWriter, r *http.Request) {
	h := c.hookFromPath(w, r)
	if h == nil {
		return
	}
	in := webhookInput(r)
	if _, err := c.Webhooks.Update(r.Context(), h.ID, in); err != nil {
		c.webhookFailure(w, r, err, &webhookFormData{Hook: h}, in)
		return
	}
	http.Redirect(w, r, webhookURL(h.ID, "webhook_saved"), http.StatusSeeOther)
}

// webhookAction runs an action on the webhook named by the path and returns to its page.
func (c *Console) webhookAction(flash string, act func(r *http.Request, h *webhook.Webhook) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h := c.hookFromPath(w, r)
		if h == nil {
			return
		}
		if err := act(r, h); err != nil {
			c.Fail(w, r, err)
			return
		}
		http.Redirect(w, r, webhookURL(h.ID, flash), http.StatusSeeOther)
	}
}

func (c *Console) toggleWebhook(w http.ResponseWriter, r *http.Request) {
	c.webhookAction("webhook_saved", func(r *http.Request, h *webhook.Webhook) error {
		active := !h.Active
		_, err := c.Webhooks.Update(r.Context(), h.ID, webhook.Input{Active: &active})
		return err
	})(w, r)
}

func (c *Console) rotateWebhookSecret(w http.ResponseWriter, r *http.Request) {
	c.webhookAction("webhook_secret_rotated", func(r *http.Request, h *webhook.Webhook) error {
		_, err := c.Webhooks.RotateSecret(r.Context(), h.ID)
		return err
	})(w, r)
}

func (c *Console) testWebhook(w http.ResponseWriter, r *http.Request) {
	c.webhookAction("webhook_test_sent", func(r *http.Request, h *webhook.Webhook) error {
		_, err := c.Webhooks.SendTest(r.Context(), h.ID)
		return err
	})(w, r)
}

func (c *Console) deleteWebhook(w http.ResponseWriter, r *http.Request) {
	h := c.hookFromPath(w, r)
	if h == nil {
		return
	}
	if err := c.Webhooks.Delete(r.Context(), h.ID); err != nil {
		c.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings/webhooks?ok=webhook_deleted", http.StatusSeeOther)
}

func (c *Console) redeliver(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	d, err := c.Webhooks.Redeliver(r.Context(), id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, webhookURL(d.WebhookID, "webhook_redelivered"), http.StatusSeeOther)
}
