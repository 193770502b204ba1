package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/ticket"
)

// sortParam reads the ticket list's sort: "due" or newest first.
func sortParam(q url.Values) string {
	if q.Get("sort") == "due" {
		return "due"
	}
	return ""
}

// sortURL is the ticket list with the other sort, keeping the filters.
func sortURL(q url.Values) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Del("page")
	if sortParam(q) == "due" {
		v.Del("sort")
	} else {
		v.Set("sort", "due")
	}
	if len(v) == 0 {
		return "/tickets"
	}
	return "/tickets?" + v.Encode()
}

// loadDesk adds the SLA clocks and, for complaints, the complaint panel to the ticket
// page of center staff.
func (c *Console) loadDesk(r *http.Request, d *ticketData) error {
	p := auth.FromContext(r.Context())
	d.userID = p.User.ID
	var err error
	if d.SLA, err = c.Tickets.SLA(r.Context(), p, d.Ticket.ID); err != nil {
		return err
	}
	if d.Type.Complaint {
		if d.Complaint, err = c.Tickets.Complaint(r.Context(), p, d.Ticket.ID); err != nil {
			return err
		}
		if d.Departments == nil {
			if d.Departments, err = c.Tickets.Departments(r.Context()); err != nil {
				return err
			}
		}
	}
	return nil
}

// IsMember reports whether the viewer belongs to a department (who may reply to its
// sub-tasks).
func (d *ticketData) IsMember(departmentID int64) bool {
	for _, dep := range d.Departments {
		if dep.ID == departmentID {
			return dep.HasMember(d.userID)
		}
	}
	return false
}

// ReplyChannels are the channels of a reply to the customer, for the form.
func (d *ticketData) ReplyChannels() []string { return ticket.ReplyChannels }

type complaintsData struct {
	Lang     string
	View     string // open, mine, review, department
	Rows     []ticket.ComplaintRow
	Subtasks []ticket.Subtask
	types    typeIndex
}

// StatusName labels a complaint's status in the page's language.
func (d *complaintsData) StatusName(t *ticket.Ticket) string { return d.types.status(t, d.Lang) }

// AgeHours is a complaint's age in whole hours, for the list.
func (d *complaintsData) AgeHours(r ticket.ComplaintRow) int { return int(r.Age / time.Hour) }

func (c *Console) complaints(w http.ResponseWriter, r *http.Request) {
	p := auth.FromContext(r.Context())
	d := &complaintsData{Lang: Language(r), View: r.URL.Query().Get("view")}
	if d.View == "" {
		d.View = ticket.ComplaintsOpen
	}
	var err error
	if _, d.types, err = c.loadTypes(r); err != nil {
		c.Fail(w, r, err)
		return
	}
	switch d.View {
	case "department":
		d.Subtasks, err = c.Tickets.DepartmentSubtasks(r.Context(), p, false)
	case ticket.ComplaintsOpen, ticket.ComplaintsMine, ticket.ComplaintsReview:
		d.Rows, err = c.Tickets.Complaints(r.Context(), p, d.View, 0)
	default:
		err = errs.E(errs.NotFound, "Not found.").WithKey("not_found")
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, http.StatusOK, "complaints", c.page(r, "complaints.title", d))
}

// complaintStep runs one complaint action from the ticket page and shows the outcome.
func (c *Console) complaintStep(flash string, step func(r *http.Request, p *auth.Principal, id int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		if err := r.ParseForm(); err != nil {
			c.Fail(w, r, errs.E(errs.Invalid, "The form could not be read.").WithKey("form"))
			return
		}
		err = step(r, auth.FromContext(r.Context()), id)
		c.afterChange(w, r, id, err, flash)
	}
}

func (c *Console) addSubtask(w http.ResponseWriter, r *http.Request) {
	c.complaintStep("complaint_subtask", func(r *http.Request, p *auth.Principal, id int64) error {
		dept, _ := strconv.ParseInt(r.PostFormValue("department_id"), 10, 64)
		_, err := c.Tickets.AddSubtask(r.Context(), p, id, dept, r.PostFormValue("title"))
		return err
	})(w, r)
}

func (c *Console) customerReply(w http.ResponseWriter, r *http.Request) {
	c.complaintStep("complaint_reply", func(r *http.Request, p *auth.Principal, id int64) error {
		in := ticket.NewCustomerReply{Channel: r.PostFormValue("channel"), Body: r.PostFormValue("body")}
		if v := r.PostFormValue("replied_at"); v != "" {
			at, err := time.ParseInLocation("2006-01-02T15:04", v, c.Location)
			if err != nil {
				return errs.Field("replied_at", "Give the date and time of the reply.").WithKey("complaint_reply_when")
			}
			in.RepliedAt = at
		}
		_, err := c.Tickets.AddCustomerReply(r.Context(), p, id, in)
		return err
	})(w, r)
}

func (c *Console) requestClosure(w http.ResponseWriter, r *http.Request) {
	c.complaintStep("complaint_requested", func(r *http.Request, p *auth.Principal, id int64) error {
		_, err := c.Tickets.RequestClosure(r.Context(), p, id, r.PostFormValue("note"))
		return err
	})(w, r)
}

func (c *Console) approveClosure(w http.ResponseWriter, r *http.Request) {
	c.complaintStep("complaint_approved", func(r *http.Request, p *auth.Principal, id int64) error {
		_, err := c.Tickets.ApproveClosure(r.Context(), p, id)
		return err
	})(w, r)
}

func (c *Console) returnClosure(w http.ResponseWriter, r *http.Request) {
	c.complaintStep("complaint_returned", func(r *http.Request, p *auth.Principal, id int64) error {
		_, err := c.Tickets.ReturnClosure(r.Context(), p, id, r.PostFormValue("reason"))
		return err
	})(w, r)
}

// replySubtask records a department member's reply. Members who cannot read tickets
// return to their list of sub-tasks; errors show on that list's page as a failure.
func (c *Console) replySubtask(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	sid, err := strconv.ParseInt(r.PathValue("sid"), 10, 64)
	if err != nil || sid <= 0 {
		c.Fail(w, r, errs.E(errs.NotFound, "Sub-task not found.").WithKey("complaint_subtask_not_found"))
		return
	}
	r.ParseForm()
	p := auth.FromContext(r.Context())
	_, err = c.Tickets.ReplySubtask(r.Context(), p, id, sid, r.PostFormValue("body"), r.PostFormValue("done") != "")
	if r.PostFormValue("back") == "department" || !p.Can(auth.PermTicketsRead) {
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/complaints?view=department&ok=complaint_subtask_replied", http.StatusSeeOther)
		return
	}
	c.afterChange(w, r, id, err, "complaint_subtask_replied")
}
