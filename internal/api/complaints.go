package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/sla"
	"github.com/hotlinecc/hotline/internal/ticket"
)

// complaintRoutes are the complaint desk and SLA routes. The ticket service checks who
// may do what (handlers, reviewers, department members) whatever the route says.
func (a *API) complaintRoutes() []Route {
	read, console := auth.Need(auth.PermTicketsRead), auth.Need(auth.PermConsole)
	handle, review := auth.Need(auth.PermComplaintsHandle), auth.Need(auth.PermComplaintsClose)
	return []Route{
		{"GET", "/api/v1/complaints", read, a.serve(a.listComplaints)},
		{"GET", "/api/v1/complaints/department-subtasks", console, a.serve(a.departmentSubtasks)},
		{"GET", "/api/v1/tickets/{id}/complaint", read, a.serve(a.getComplaint)},
		{"GET", "/api/v1/tickets/{id}/subtasks", read, a.serve(a.listSubtasks)},
		{"POST", "/api/v1/tickets/{id}/subtasks", handle, a.serve(a.addSubtask)},
		{"POST", "/api/v1/tickets/{id}/subtasks/{sid}/replies", console, a.serve(a.replySubtask)},
		{"GET", "/api/v1/tickets/{id}/customer-replies", read, a.serve(a.listCustomerReplies)},
		{"POST", "/api/v1/tickets/{id}/customer-replies", handle, a.serve(a.addCustomerReply)},
		{"POST", "/api/v1/tickets/{id}/closure/request", handle, a.serve(a.requestClosure)},
		{"POST", "/api/v1/tickets/{id}/closure/approve", review, a.serve(a.approveClosure)},
		{"POST", "/api/v1/tickets/{id}/closure/return", review, a.serve(a.returnClosure)},
		{"GET", "/api/v1/tickets/{id}/sla", read, a.serve(a.ticketSLA)},
	}
}

type subtaskReplyJSON struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	AuthorID int64     `json:"author_id"`
	Author   string    `json:"author"`
	Body     string    `json:"body"`
	Done     bool      `json:"done"`
}

type subtaskJSON struct {
	ID           int64              `json:"id"`
	TicketID     int64              `json:"ticket_id"`
	TicketNumber string             `json:"ticket_number"`
	TicketTitle  string             `json:"ticket_title"`
	DepartmentID int64              `json:"department_id"`
	Department   string             `json:"department"`
	Title        string             `json:"title"`
	CreatedBy    int64              `json:"created_by"`
	CreatedAt    time.Time          `json:"created_at"`
	DoneAt       *time.Time         `json:"done_at"`
	Replies      []subtaskReplyJSON `json:"replies"`
}

func toSubtaskJSON(st ticket.Subtask) subtaskJSON {
	out := subtaskJSON{ID: st.ID, TicketID: st.TicketID, TicketNumber: st.TicketNumber, TicketTitle: st.TicketTitle, DepartmentID: st.DepartmentID,
		Department: st.DepartmentName.ZH, Title: st.Title, CreatedBy: st.CreatedBy, CreatedAt: st.CreatedAt, DoneAt: timePtr(st.DoneAt), Replies: []subtaskReplyJSON{}}
	for _, r := range st.Replies {
		out.Replies = append(out.Replies, toSubtaskReplyJSON(r))
	}
	return out
}

func toSubtaskReplyJSON(r ticket.SubtaskReply) subtaskReplyJSON {
	return subtaskReplyJSON{ID: r.ID, At: r.At, AuthorID: r.AuthorID, Author: r.AuthorName, Body: r.Body, Done: r.Done}
}

func subtasksJSON(sts []ticket.Subtask) list[subtaskJSON] {
	out := list[subtaskJSON]{Items: []subtaskJSON{}, Total: len(sts)}
	for _, st := range sts {
		out.Items = append(out.Items, toSubtaskJSON(st))
	}
	return out
}

type customerReplyJSON struct {
	ID         int64     `json:"id"`
	RepliedAt  time.Time `json:"replied_at"`
	Channel    string    `json:"channel"`
	Body       string    `json:"body"`
	ByID       int64     `json:"by_id"`
	By         string    `json:"by"`
	RecordedAt time.Time `json:"recorded_at"`
}

func toCustomerReplyJSON(r ticket.CustomerReply) customerReplyJSON {
	return customerReplyJSON{ID: r.ID, RepliedAt: r.RepliedAt, Channel: r.Channel, Body: r.Body, ByID: r.ByID, By: r.ByName, RecordedAt: r.RecordedAt}
}

type reviewJSON struct {
	ID          int64      `json:"id"`
	RequestedAt time.Time  `json:"requested_at"`
	RequestedBy int64      `json:"requested_by"`
	Note        string     `json:"note"`
	Decision    string     `json:"decision"`
	DecidedAt   *time.Time `json:"decided_at"`
	DecidedBy   int64      `json:"decided_by,omitempty"`
	Reason      string     `json:"reason,omitempty"`
}

type complaintJSON struct {
	Ticket          ticketJSON          `json:"ticket"`
	Subtasks        []subtaskJSON       `json:"subtasks"`
	CustomerReplies []customerReplyJSON `json:"customer_replies"`
	Reviews         []reviewJSON        `json:"reviews"`
	PendingReview   bool                `json:"pending_review"`
	FirstContactAt  time.Time           `json:"first_contact_at"`
	CycleSeconds    int64               `json:"cycle_seconds,omitempty"`
}

func toComplaintJSON(c *ticket.Complaint) complaintJSON {
	out := complaintJSON{Ticket: toTicketJSON(c.Ticket), Subtasks: subtasksJSON(c.Subtasks).Items, CustomerReplies: []customerReplyJSON{},
		Reviews: []reviewJSON{}, PendingReview: c.Pending != nil, FirstContactAt: c.FirstContactAt, CycleSeconds: int64(c.CycleTime / time.Second)}
	for _, r := range c.CustomerReplies {
		out.CustomerReplies = append(out.CustomerReplies, toCustomerReplyJSON(r))
	}
	for _, r := range c.Reviews {
		out.Reviews = append(out.Reviews, reviewJSON{ID: r.ID, RequestedAt: r.RequestedAt, RequestedBy: r.RequestedBy, Note: r.Note, Decision: r.Decision,
			DecidedAt: timePtr(r.DecidedAt), DecidedBy: r.DecidedBy, Reason: r.Reason})
	}
	return out
}

type complaintRowJSON struct {
	Ticket       ticketJSON `json:"ticket"`
	AgeSeconds   int64      `json:"age_seconds"`
	Subtasks     int        `json:"subtasks"`
	OpenSubtasks int        `json:"open_subtasks"`
	Replied      bool       `json:"replied"`
	PendingSince *time.Time `json:"pending_since"`
}

func (a *API) listComplaints(w http.ResponseWriter, r *http.Request) (int, any, error) {
	limit, err := queryInt(r, "limit")
	if err != nil {
		return 0, nil, err
	}
	rows, err := a.Tickets.Complaints(r.Context(), principal(r), r.URL.Query().Get("view"), limit)
	if err != nil {
		return 0, nil, err
	}
	out := list[complaintRowJSON]{Items: []complaintRowJSON{}, Total: len(rows)}
	for _, c := range rows {
		out.Items = append(out.Items, complaintRowJSON{Ticket: toTicketJSON(c.Ticket), AgeSeconds: int64(c.Age / time.Second), Subtasks: c.Subtasks,
			OpenSubtasks: c.OpenSubtasks, Replied: c.Replied, PendingSince: timePtr(c.PendingSince)})
	}
	return http.StatusOK, out, nil
}

func (a *API) departmentSubtasks(w http.ResponseWriter, r *http.Request) (int, any, error) {
	sts, err := a.Tickets.DepartmentSubtasks(r.Context(), principal(r), r.URL.Query().Get("status") != "all")
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, subtasksJSON(sts), nil
}

func (a *API) getComplaint(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	c, err := a.Tickets.Complaint(r.Context(), principal(r), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toComplaintJSON(c), nil
}

func (a *API) listSubtasks(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	sts, err := a.Tickets.Subtasks(r.Context(), principal(r), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, subtasksJSON(sts), nil
}

func (a *API) addSubtask(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	body, err := httpx.DecodeJSON[struct {
		DepartmentID int64  `json:"department_id"`
		Title        string `json:"title"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	st, err := a.Tickets.AddSubtask(r.Context(), principal(r), id, body.DepartmentID, body.Title)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toSubtaskJSON(*st), nil
}

func (a *API) replySubtask(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	sid, err := strconv.ParseInt(r.PathValue("sid"), 10, 64)
	if err != nil || sid <= 0 {
		return 0, nil, errs.E(errs.NotFound, "Sub-task not found.").WithKey("complaint_subtask_not_found")
	}
	body, err := httpx.DecodeJSON[struct {
		Body string `json:"body"`
		Done bool   `json:"done"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	rep, err := a.Tickets.ReplySubtask(r.Context(), principal(r), id, sid, body.Body, body.Done)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toSubtaskReplyJSON(*rep), nil
}

func (a *API) listCustomerReplies(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	rs, err := a.Tickets.CustomerReplies(r.Context(), principal(r), id)
	if err != nil {
		return 0, nil, err
	}
	out := list[customerReplyJSON]{Items: []customerReplyJSON{}, Total: len(rs)}
	for _, x := range rs {
		out.Items = append(out.Items, toCustomerReplyJSON(x))
	}
	return http.StatusOK, out, nil
}

func (a *API) addCustomerReply(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	body, err := httpx.DecodeJSON[struct {
		Channel   string     `json:"channel"`
		Body      string     `json:"body"`
		RepliedAt *time.Time `json:"replied_at"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	in := ticket.NewCustomerReply{Channel: body.Channel, Body: body.Body}
	if body.RepliedAt != nil {
		in.RepliedAt = *body.RepliedAt
	}
	rep, err := a.Tickets.AddCustomerReply(r.Context(), principal(r), id, in)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toCustomerReplyJSON(*rep), nil
}

// closure runs one step of the closure review and answers with the complaint.
func (a *API) closure(w http.ResponseWriter, r *http.Request, step func(id int64, note, reason string) (*ticket.Complaint, error)) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	body, err := httpx.DecodeJSON[struct {
		Note   string `json:"note"`
		Reason string `json:"reason"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	c, err := step(id, body.Note, body.Reason)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toComplaintJSON(c), nil
}

func (a *API) requestClosure(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return a.closure(w, r, func(id int64, note, _ string) (*ticket.Complaint, error) {
		return a.Tickets.RequestClosure(r.Context(), principal(r), id, note)
	})
}

func (a *API) approveClosure(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return a.closure(w, r, func(id int64, _, _ string) (*ticket.Complaint, error) {
		return a.Tickets.ApproveClosure(r.Context(), principal(r), id)
	})
}

func (a *API) returnClosure(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return a.closure(w, r, func(id int64, _, reason string) (*ticket.Complaint, error) {
		return a.Tickets.ReturnClosure(r.Context(), principal(r), id, reason)
	})
}

type clockJSON struct {
	Target    int64      `json:"target_seconds"`
	Elapsed   int64      `json:"elapsed_seconds"`
	Due       *time.Time `json:"due_at"`
	Paused    bool       `json:"paused"`
	Stopped   bool       `json:"stopped"`
	Warning   bool       `json:"warning"`
	Breached  bool       `json:"breached"`
	StoppedAt *time.Time `json:"stopped_at"`
}

func (a *API) ticketSLA(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	v, err := a.Tickets.SLA(r.Context(), principal(r), id)
	if err != nil {
		return 0, nil, err
	}
	toClock := func(c sla.ClockState) clockJSON {
		return clockJSON{Target: int64(c.Target / time.Second), Elapsed: int64(c.Elapsed / time.Second), Due: timePtr(c.Due), Paused: c.Paused,
			Stopped: c.Stopped, Warning: c.Warning, Breached: c.Breached, StoppedAt: timePtr(c.StoppedAt)}
	}
	return http.StatusOK, map[string]any{
		"status":         v.Status,
		"due_at":         timePtr(v.Due),
		"calendar":       v.Calendar,
		"first_response": toClock(v.State.FirstResponse),
		"resolution":     toClock(v.State.Resolution),
	}, nil
}
