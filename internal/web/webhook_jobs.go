package web

import (
	"net/http"
	"strconv"

	"github.com/hotlinecc/hotline/internal/jobs"
)

type jobsData struct {
	Status     string
	Statuses   []jobs.Status
	Counts     map[jobs.Status]int
	Jobs       []*jobs.Job
	Total      int
	Prev, Next int // offsets of the neighbouring pages; -1 when none
}

const jobsPerPage = 50

// jobs lists background jobs: by default those not done (queued, running, dead).
func (c *Console) jobs(w http.ResponseWriter, r *http.Request) {
	d := &jobsData{Status: r.URL.Query().Get("status"), Statuses: jobs.Statuses, Prev: -1, Next: -1}
	offset, _ := strconv.Atoi(r.URL.Query().Get("offset"))
	offset = max(0, offset)
	var err error
	if d.Jobs, d.Total, err = c.Jobs.List(r.Context(), jobs.Filter{Status: jobs.Status(d.Status), Limit: jobsPerPage, Offset: offset}); err != nil {
		c.Fail(w, r, err)
		return
	}
	if d.Counts, err = c.Jobs.Counts(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	if offset > 0 {
		d.Prev = max(0, offset-jobsPerPage)
	}
	if offset+jobsPerPage < d.Total {
		d.Next = offset + jobsPerPage
	}
	c.render(w, r, http.StatusOK, "webhook_jobs", c.page(r, "jobs.title", d))
}

func (c *Console) jobAction(w http.ResponseWriter, r *http.Request, act func(*http.Request, int64) error, flash string) {
	id, err := pathID(r)
	if err == nil {
		err = act(r, id)
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings/jobs?ok="+flash, http.StatusSeeOther)
}

func (c *Console) retryJob(w http.ResponseWriter, r *http.Request) {
	c.jobAction(w, r, func(r *http.Request, id int64) error { return c.Jobs.Retry(r.Context(), id) }, "job_retried")
}

func (c *Console) discardJob(w http.ResponseWriter, r *http.Request) {
	c.jobAction(w, r, func(r *http.Request, id int64) error { return c.Jobs.Discard(r.Context(), id) }, "job_discarded")
}
