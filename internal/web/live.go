package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
)

// The live pages (the agent console and the wallboard) are pushed over one
// server-sent-events endpoint, GET /live?view=agent|wallboard. Each connection tails the
// event log: it subscribes (a wake-up after every commit), reads what is new with Since,
// keeps what the user may see and sends small HTML fragments as named SSE events:
//
//	agent:     "status" (the agent's state bar and call panel), "pop" (the screen pop of
//	           a call offered to the agent); only the agent's own agent.state and call.*
//	wallboard: "wallboard" (queue tiles, agent grid, live calls) on any agent.*, call.*
//	           or queue.* event
//
// A wake-up without new events (Notify after a change that writes no event, such as a
// console state change before the switchboard logs agent.state) refreshes the view too.
// The request context owns the connection's only goroutine (the handler itself).

// liveHeartbeat is how often an idle stream sends a comment, so proxies keep it open.
const liveHeartbeat = 20 * time.Second

// liveView renders what a connection shows. update reads a batch of new events (empty
// after a bare wake-up) and returns the SSE events to send.
type liveView interface {
	initial(ctx context.Context) ([]sseEvent, error)
	update(ctx context.Context, evs []events.Event) ([]sseEvent, error)
}

// noView shows nothing.
type noView struct{}

func (noView) initial(context.Context) ([]sseEvent, error)                { return nil, nil }
func (noView) update(context.Context, []events.Event) ([]sseEvent, error) { return nil, nil }

type sseEvent struct {
	name string
	data []byte
}

// live serves the SSE stream. A request that does not accept text/event-stream (a
// plain GET, a link checker) gets the current fragments once and the response ends.
func (c *Console) live(w http.ResponseWriter, r *http.Request) {
	u := me(r)
	var view liveView
	name := r.URL.Query().Get("view")
	if name == "" {
		// No view named: what the user may see (nothing for a user who neither takes
		// calls nor reads the wallboard: the stream then carries heartbeats only).
		switch {
		case u.Can(auth.PermCallsAnswer):
			name = "agent"
		case u.Can(auth.PermWallboard):
			name = "wallboard"
		default:
			name = "none"
		}
	}
	switch name {
	case "none":
		view = noView{}
	case "agent":
		if !u.Can(auth.PermCallsAnswer) {
			c.Fail(w, r, errs.E(errs.Forbidden, "You may not take calls.").WithKey("forbidden"))
			return
		}
		view = &agentLive{c: c, r: r, agent: u.ID}
	case "wallboard":
		if !u.Can(auth.PermWallboard) {
			c.Fail(w, r, errs.E(errs.Forbidden, "You may not see the wallboard.").WithKey("forbidden"))
			return
		}
		view = &wallboardLive{c: c, r: r}
	default:
		c.Fail(w, r, errs.Field("view", "The live view must be agent or wallboard.").WithKey("live_view"))
		return
	}
	ctx := r.Context()
	// Subscribe before reading the last id, so nothing committed in between is missed.
	wake, stop := c.Events.Subscribe()
	defer stop()
	last, err := c.Events.LastID(ctx)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	first, err := view.initial(ctx)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	// The server's ReadTimeout would end a long stream (its expiry cancels the request
	// context): this connection reads nothing more, so it has no read deadline.
	rc.SetReadDeadline(time.Time{})
	rc.SetWriteDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprintf(w, "retry: 3000\n\n")
	if err := writeSSE(w, rc, first); err != nil {
		return
	}
	if !strings.Contains(r.Header.Get("Accept"), "text/event-stream") {
		return
	}
	beat := time.NewTicker(liveHeartbeat)
	defer beat.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-beat.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil || rc.Flush() != nil {
				return
			}
		case <-wake:
			var batch []events.Event
			for {
				evs, err := c.Events.Since(ctx, last, 500)
				if err != nil {
					if ctx.Err() == nil {
						c.Log.Warn("live: read events", "err", err)
					}
					return
				}
				batch = append(batch, evs...)
				if len(evs) > 0 {
					last = evs[len(evs)-1].ID
				}
				if len(evs) < 500 {
					break
				}
			}
			out, err := view.update(ctx, batch)
			if err != nil {
				if ctx.Err() == nil && !errors.Is(err, context.Canceled) {
					c.Log.Warn("live: render", "err", err)
				}
				return
			}
			if err := writeSSE(w, rc, out); err != nil {
				return
			}
		}
	}
}

// writeSSE writes events (each data line prefixed, as the format needs) and flushes.
func writeSSE(w http.ResponseWriter, rc *http.ResponseController, evs []sseEvent) error {
	var b bytes.Buffer
	for _, e := range evs {
		b.WriteString("event: " + e.name + "\n")
		for line := range bytes.SplitSeq(bytes.TrimRight(e.data, "\n"), []byte("\n")) {
			b.WriteString("data: ")
			b.Write(bytes.TrimRight(line, "\r"))
			b.WriteByte('\n')
		}
		b.WriteByte('\n')
	}
	if b.Len() == 0 {
		return nil
	}
	if _, err := w.Write(b.Bytes()); err != nil {
		return err
	}
	return rc.Flush()
}

// fragment renders one block of a page for the request's user and language, without
// the page chrome's database lookups.
func (c *Console) fragment(r *http.Request, name, block string, data any) ([]byte, error) {
	t, ok := c.pages[name]
	if !ok {
		return nil, fmt.Errorf("web: no template %s", name)
	}
	p := &Page{L: c.Catalog.Locale(Language(r)), Path: r.URL.Path, Version: c.Version, Location: c.Location, Data: data}
	if pr := auth.FromContext(r.Context()); pr != nil {
		p.User, p.CSRF = pr.User, pr.CSRF
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, p); err != nil {
		return nil, fmt.Errorf("web: render %s/%s: %w", name, block, err)
	}
	return buf.Bytes(), nil
}

// dataInt reads a number from an event's data (JSON numbers decode as float64).
func dataInt(e events.Event, key string) int64 {
	switch v := e.Data[key].(type) {
	case float64:
		return int64(v)
	case int64:
		return v
	case int:
		return int64(v)
	case string:
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	}
	return 0
}
