package web

import (
	"net/http"
	"path"
	"strconv"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/contact"
)

type callsData struct {
	Calls    []*contact.Call
	Total    int
	Date     string // YYYY-MM-DD in the center's time zone
	Number   string
	Agent    string
	Queue    string
	Status   string
	Statuses []contact.Status
	All      bool // the user sees the whole center's calls
	Next     int
}

// calls lists call records with filters; agents see the calls they answered.
func (c *Console) calls(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	p := auth.FromContext(r.Context())
	d := &callsData{Date: q.Get("date"), Number: q.Get("number"), Agent: q.Get("agent"), Queue: q.Get("queue"), Status: q.Get("status"),
		Statuses: contact.Statuses, All: contact.SeesAll(p)}
	offset, _ := strconv.Atoi(q.Get("offset"))
	f := contact.Filter{Number: d.Number, Queue: d.Queue, Status: contact.Status(d.Status), Limit: 100, Offset: max(offset, 0)}
	if day, err := time.ParseInLocation("2006-01-02", d.Date, c.Location); err == nil {
		f.From, f.To = day, day.AddDate(0, 0, 1)
	} else {
		d.Date = ""
	}
	if id, err := strconv.ParseInt(d.Agent, 10, 64); err == nil {
		f.AgentID = id
	}
	var err error
	if d.Calls, d.Total, err = c.Calls.ListFor(r.Context(), p, f); err != nil {
		c.Fail(w, r, err)
		return
	}
	if f.Offset+len(d.Calls) < d.Total {
		d.Next = f.Offset + len(d.Calls)
	}
	c.render(w, r, http.StatusOK, "calls", c.page(r, "call.list_title", d))
}

type callData struct {
	Call     *contact.Call
	Events   []contact.QueueEvent
	MayHear  bool
	AudioURL string
}

// call shows one call record: details, queue events, IVR trace and the recording to
// those who may hear it. ?recording=play (or =download) serves the recording itself,
// with Range support for the audio player: it is the same call, in another form.
func (c *Console) call(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	p := auth.FromContext(r.Context())
	if mode := r.URL.Query().Get("recording"); mode != "" {
		c.recording(w, r, p, id, mode == "download")
		return
	}
	d := &callData{}
	if d.Call, err = c.Calls.GetFor(r.Context(), p, id); err != nil {
		c.Fail(w, r, err)
		return
	}
	if d.Events, err = c.Calls.QueueEvents(r.Context(), id); err != nil {
		c.Fail(w, r, err)
		return
	}
	d.MayHear = contact.MayHear(p, d.Call) && d.Call.HasRecording()
	d.AudioURL = "/calls/" + strconv.FormatInt(id, 10) + "?recording="
	c.render(w, r, http.StatusOK, "call", c.page(r, "call.title", d))
}

func (c *Console) recording(w http.ResponseWriter, r *http.Request, p *auth.Principal, id int64, download bool) {
	call, f, err := c.Calls.Recording(r.Context(), p, id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	name := path.Base(call.RecordingPath)
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Cache-Control", "private, no-store")
	if download {
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	}
	http.ServeContent(w, r, name, st.ModTime(), f)
}
