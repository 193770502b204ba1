package api

import (
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
)

type callJSON struct {
	ID               int64      `json:"id"`
	Direction        string     `json:"direction"`
	From             string     `json:"from"`
	Dialed           string     `json:"dialed"`
	CustomerID       int64      `json:"customer_id,omitempty"`
	ContactID        int64      `json:"contact_id,omitempty"`
	Repeat           bool       `json:"repeat_caller"`
	EarlierContacts  []int64    `json:"earlier_contacts"`
	VIPLevel         int        `json:"vip_level"`
	IVRTrace         []string   `json:"ivr_trace"`
	Queue            string     `json:"queue"`
	AgentID          int64      `json:"agent_id,omitempty"`
	Status           string     `json:"status"`
	StartedAt        time.Time  `json:"started_at"`
	QueuedAt         *time.Time `json:"queued_at"`
	AnsweredAt       *time.Time `json:"answered_at"`
	EndedAt          *time.Time `json:"ended_at"`
	WaitSeconds      int        `json:"wait_seconds"`
	TalkSeconds      int        `json:"talk_seconds"`
	EndCause         string     `json:"end_cause"`
	EndedBy          string     `json:"ended_by"`
	HasRecording     bool       `json:"has_recording"`
	RecordingSeconds int        `json:"recording_seconds"`
	VoicemailSeconds int        `json:"voicemail_seconds"`
}

func toCallJSON(c *contact.Call) callJSON {
	return callJSON{ID: c.ID, Direction: c.Direction, From: c.From, Dialed: c.Dialed, CustomerID: c.CustomerID, ContactID: c.ContactID,
		Repeat: c.Repeat, EarlierContacts: append([]int64{}, c.EarlierContacts...), VIPLevel: c.VIPLevel, IVRTrace: append([]string{}, c.IVRTrace...),
		Queue: c.Queue, AgentID: c.AgentID, Status: string(c.Status), StartedAt: c.StartedAt, QueuedAt: timePtr(c.QueuedAt),
		AnsweredAt: timePtr(c.AnsweredAt), EndedAt: timePtr(c.EndedAt), WaitSeconds: c.WaitSeconds, TalkSeconds: c.TalkSeconds,
		EndCause: c.EndCause, EndedBy: c.EndedBy, HasRecording: c.HasRecording(), RecordingSeconds: c.RecordingSeconds, VoicemailSeconds: c.VoicemailSeconds}
}

// callFilter reads the list filters: from and to (dates or RFC 3339 times), number,
// agent_id, queue, status, limit, offset.
func callFilter(r *http.Request) (contact.Filter, error) {
	var f contact.Filter
	var err error
	if f.Limit, f.Offset, err = paging(r); err != nil {
		return f, err
	}
	q := r.URL.Query()
	for name, dst := range map[string]*time.Time{"from": &f.From, "to": &f.To} {
		if s := q.Get(name); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return f, errs.E(errs.Invalid, "Query parameter %s must be an RFC 3339 time.", name)
			}
			*dst = t
		}
	}
	agent, err := queryInt(r, "agent_id")
	if err != nil {
		return f, err
	}
	f.AgentID, f.Number, f.Queue, f.Status = int64(agent), q.Get("number"), q.Get("queue"), contact.Status(q.Get("status"))
	return f, nil
}

func (a *API) listCalls(w http.ResponseWriter, r *http.Request) (int, any, error) {
	f, err := callFilter(r)
	if err != nil {
		return 0, nil, err
	}
	calls, total, err := a.Calls.ListFor(r.Context(), principal(r), f)
	if err != nil {
		return 0, nil, err
	}
	out := list[callJSON]{Items: []callJSON{}, Total: total}
	for _, c := range calls {
		out.Items = append(out.Items, toCallJSON(c))
	}
	return http.StatusOK, out, nil
}

func (a *API) getCall(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	c, err := a.Calls.GetFor(r.Context(), principal(r), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toCallJSON(c), nil
}

type queueEventJSON struct {
	At          time.Time `json:"at"`
	Kind        string    `json:"kind"`
	Queue       string    `json:"queue"`
	AgentID     int64     `json:"agent_id,omitempty"`
	WaitSeconds int       `json:"wait_seconds"`
	Detail      string    `json:"detail"`
}

func (a *API) callQueueEvents(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	if _, err := a.Calls.GetFor(r.Context(), principal(r), id); err != nil {
		return 0, nil, err
	}
	evs, err := a.Calls.QueueEvents(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	out := list[queueEventJSON]{Items: []queueEventJSON{}, Total: len(evs)}
	for _, e := range evs {
		out.Items = append(out.Items, queueEventJSON{e.At, e.Kind, e.Queue, e.AgentID, e.WaitSeconds, e.Detail})
	}
	return http.StatusOK, out, nil
}

// callRecording serves a recording as audio/wav with Range support, to those who may
// hear it (the contact store decides).
func (a *API) callRecording(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		a.Fail(w, r, err)
		return
	}
	c, f, err := a.Calls.Recording(r.Context(), principal(r), id)
	if err != nil {
		a.Fail(w, r, err)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		a.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Content-Disposition", `attachment; filename="`+path.Base(c.RecordingPath)+`"`)
	http.ServeContent(w, r, path.Base(c.RecordingPath), st.ModTime(), f)
}

type blockJSON struct {
	ID        int64      `json:"id"`
	Pattern   string     `json:"pattern"`
	Reason    string     `json:"reason"`
	Auto      bool       `json:"auto"`
	CreatedBy int64      `json:"created_by,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at"`
	Hits      int        `json:"hits"`
	LastHitAt *time.Time `json:"last_hit_at"`
}

func toBlockJSON(e crm.BlockEntry) blockJSON {
	return blockJSON{e.ID, e.Pattern, e.Reason, e.Auto, e.CreatedBy, e.CreatedAt, timePtr(e.ExpiresAt), e.Hits, timePtr(e.LastHitAt)}
}

func (a *API) listBlocklist(w http.ResponseWriter, r *http.Request) (int, any, error) {
	entries, err := a.Blocklist.List(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := list[blockJSON]{Items: []blockJSON{}, Total: len(entries)}
	for _, e := range entries {
		out.Items = append(out.Items, toBlockJSON(e))
	}
	return http.StatusOK, out, nil
}

func (a *API) addBlock(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[struct {
		Pattern   string     `json:"pattern"`
		Reason    string     `json:"reason"`
		ExpiresAt *time.Time `json:"expires_at"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	in := crm.BlockInput{Pattern: strings.TrimSpace(b.Pattern), Reason: b.Reason, CreatedBy: principal(r).User.ID}
	if b.ExpiresAt != nil {
		in.ExpiresAt = *b.ExpiresAt
	}
	e, err := a.Blocklist.Add(r.Context(), in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toBlockJSON(*e), nil
}

func (a *API) removeBlock(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	if err := a.Blocklist.Remove(r.Context(), id); err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, nil
}
