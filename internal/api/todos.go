package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/todo"
)

type todoJSON struct {
	ID           int64      `json:"id"`
	Title        string     `json:"title"`
	Kind         todo.Kind  `json:"kind"`
	Note         string     `json:"note"`
	DueAt        time.Time  `json:"due_at"`
	Overdue      bool       `json:"overdue"`
	AssigneeID   int64      `json:"assignee_id,omitempty"`
	AssigneeName string     `json:"assignee_name,omitempty"`
	QueueID      int64      `json:"queue_id,omitempty"`
	DepartmentID int64      `json:"department_id,omitempty"`
	CustomerID   int64      `json:"customer_id,omitempty"`
	CustomerName string     `json:"customer_name,omitempty"`
	TicketID     int64      `json:"ticket_id,omitempty"`
	CreatedBy    int64      `json:"created_by,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	DoneAt       *time.Time `json:"done_at"`
	DoneBy       int64      `json:"done_by,omitempty"`
	CancelledAt  *time.Time `json:"cancelled_at"`
}

func toTodoJSON(t *todo.Todo, now time.Time) todoJSON {
	return todoJSON{ID: t.ID, Title: t.Title, Kind: t.Kind, Note: t.Note, DueAt: t.DueAt, Overdue: t.Overdue(now),
		AssigneeID: t.AssigneeID, AssigneeName: t.AssigneeName, QueueID: t.QueueID, DepartmentID: t.DepartmentID,
		CustomerID: t.CustomerID, CustomerName: t.CustomerName, TicketID: t.TicketID, CreatedBy: t.CreatedBy,
		CreatedAt: t.CreatedAt, DoneAt: timePtr(t.DoneAt), DoneBy: t.DoneBy, CancelledAt: timePtr(t.CancelledAt)}
}

// todoActor is the caller acting on to-dos; supervisors and admins may act on anyone's.
func todoActor(r *http.Request) todo.Actor {
	u := principal(r).User
	return todo.Actor{UserID: u.ID, All: u.Role == auth.RoleAdmin || u.Role == auth.RoleSupervisor}
}

// queryID reads an optional positive id query parameter.
func queryID(r *http.Request, name string) (int64, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.E(errs.Invalid, "Query parameter %s must be a positive whole number.", name)
	}
	return id, nil
}

func (a *API) listTodos(w http.ResponseWriter, r *http.Request) (int, any, error) {
	limit, offset, err := paging(r)
	if err != nil {
		return 0, nil, err
	}
	f := todo.Filter{UserID: principal(r).User.ID, Status: r.URL.Query().Get("status"), Limit: limit, Offset: offset}
	if f.CustomerID, err = queryID(r, "customer_id"); err != nil {
		return 0, nil, err
	}
	if f.TicketID, err = queryID(r, "ticket_id"); err != nil {
		return 0, nil, err
	}
	now := time.Now()
	ts, total, err := a.Todos.List(r.Context(), f, now)
	if err != nil {
		return 0, nil, err
	}
	out := list[todoJSON]{Items: []todoJSON{}, Total: total}
	for _, t := range ts {
		out.Items = append(out.Items, toTodoJSON(t, now))
	}
	return http.StatusOK, out, nil
}

func (a *API) createTodo(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[struct {
		Title        string    `json:"title"`
		Kind         todo.Kind `json:"kind"`
		Note         string    `json:"note"`
		DueAt        time.Time `json:"due_at"`
		AssigneeID   int64     `json:"assignee_id"`
		QueueID      int64     `json:"queue_id"`
		DepartmentID int64     `json:"department_id"`
		CustomerID   int64     `json:"customer_id"`
		TicketID     int64     `json:"ticket_id"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	t, err := a.Todos.Create(r.Context(), todoActor(r), todo.Input(b))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toTodoJSON(t, time.Now()), nil
}

// updateTodo reschedules (due_at, reason) and/or reassigns (one of assignee_id, queue_id,
// department_id) a to-do.
func (a *API) updateTodo(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[struct {
		DueAt        *time.Time `json:"due_at"`
		Reason       string     `json:"reason"`
		AssigneeID   *int64     `json:"assignee_id"`
		QueueID      *int64     `json:"queue_id"`
		DepartmentID *int64     `json:"department_id"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	c := todo.Change{DueAt: b.DueAt, Reason: b.Reason}
	if b.AssigneeID != nil || b.QueueID != nil || b.DepartmentID != nil {
		c.Assign = &todo.Assignee{UserID: deref(b.AssigneeID), QueueID: deref(b.QueueID), DepartmentID: deref(b.DepartmentID)}
	}
	t, err := a.Todos.Update(r.Context(), todoActor(r), id, c)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toTodoJSON(t, time.Now()), nil
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

func (a *API) completeTodo(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	t, err := a.Todos.Complete(r.Context(), todoActor(r), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toTodoJSON(t, time.Now()), nil
}
