package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/todo"
)

// overdueBadge counts the signed-in user's overdue to-dos for the header: one indexed
// query per page, only for users who keep to-dos.
func (c *Console) overdueBadge(r *http.Request, p *auth.Principal) int {
	if c.Todos == nil || !p.Can(auth.PermTodos) {
		return 0
	}
	n, err := c.Todos.OverdueCount(r.Context(), p.User.ID, time.Now())
	if err != nil {
		c.Log.Error("overdue badge", "user", p.User.ID, "err", err)
	}
	return n
}

// todoActor is the signed-in user acting on to-dos; supervisors and admins may act on
// anyone's.
func todoActor(r *http.Request) todo.Actor {
	p := auth.FromContext(r.Context())
	return todo.Actor{UserID: p.User.ID, All: p.User.Role == auth.RoleAdmin || p.User.Role == auth.RoleSupervisor}
}

// todoForm is the new to-do form as typed, shown again when it is refused.
type todoForm struct {
	Title, Kind, Note, DueAt, CustomerID, TicketID, QueueID string
}

type todosData struct {
	Lists  *todo.Lists
	Now    time.Time
	Kinds  []todo.Kind
	Queues []acdstore.QueueSummary
	Form   todoForm
	Error  string
	Errors map[string]string
}

// DueSoon reports whether an open to-do is due within the next hour.
func (d *todosData) DueSoon(t *todo.Todo) bool { return t.DueAt.Sub(d.Now) < time.Hour }

// localInput is the value of a datetime-local input for t in the center's time zone.
func (c *Console) localInput(t time.Time) string { return t.In(c.Location).Format("2006-01-02T15:04") }

func (c *Console) todos(w http.ResponseWriter, r *http.Request) {
	now := time.Now()
	c.todosPage(w, r, http.StatusOK, &todosData{Form: todoForm{Kind: string(todo.Callback), DueAt: c.localInput(now.Add(time.Hour).Truncate(15 * time.Minute))}})
}

func (c *Console) todosPage(w http.ResponseWriter, r *http.Request, status int, d *todosData) {
	d.Now, d.Kinds = time.Now(), todo.Kinds
	var err error
	if d.Lists, err = c.Todos.ListFor(r.Context(), auth.FromContext(r.Context()).User.ID, d.Now, c.Location); err != nil {
		c.Fail(w, r, err)
		return
	}
	if d.Queues, err = c.Queues.Queues(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, status, "todos", c.page(r, "todo.title", d))
}

// formID reads an optional positive id from a form field.
func formID(r *http.Request, field string) (int64, error) {
	s := strings.TrimSpace(r.PostFormValue(field))
	if s == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Field(field, "Give a number, or leave it empty.").WithKey("todo_id_format")
	}
	return id, nil
}

// formTime reads a datetime-local field in the center's time zone.
func (c *Console) formTime(r *http.Request, field string) (time.Time, error) {
	s := strings.TrimSpace(r.PostFormValue(field))
	t, err := time.ParseInLocation("2006-01-02T15:04", s, c.Location)
	if err != nil {
		return time.Time{}, errs.Field(field, "Give a date and time.").WithKey("todo_due")
	}
	return t, nil
}

func (c *Console) createTodo(w http.ResponseWriter, r *http.Request) {
	f := todoForm{Title: r.PostFormValue("title"), Kind: r.PostFormValue("kind"), Note: r.PostFormValue("note"), DueAt: r.PostFormValue("due_at"),
		CustomerID: r.PostFormValue("customer_id"), TicketID: r.PostFormValue("ticket_id"), QueueID: r.PostFormValue("queue_id")}
	in := todo.Input{Title: f.Title, Kind: todo.Kind(f.Kind), Note: f.Note}
	var err error
	if in.DueAt, err = c.formTime(r, "due_at"); err == nil {
		if in.CustomerID, err = formID(r, "customer_id"); err == nil {
			if in.TicketID, err = formID(r, "ticket_id"); err == nil {
				in.QueueID, err = formID(r, "queue_id")
			}
		}
	}
	if err == nil {
		_, err = c.Todos.Create(r.Context(), todoActor(r), in)
	}
	if err != nil {
		if errs.CodeOf(err) == errs.Internal {
			c.Fail(w, r, err)
			return
		}
		l := c.Catalog.Locale(Language(r))
		c.todosPage(w, r, httpx.Status(errs.CodeOf(err)), &todosData{Form: f, Error: message(l, err), Errors: fieldErrors(l, err)})
		return
	}
	http.Redirect(w, r, "/todos?ok=todo_created", http.StatusSeeOther)
}

// todoAction runs one change on the to-do named in the path and goes back to the list.
func (c *Console) todoAction(flash string, do func(r *http.Request, id int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := pathID(r)
		if err == nil {
			err = do(r, id)
		}
		if err != nil {
			c.Fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/todos?ok="+flash, http.StatusSeeOther)
	}
}

func (c *Console) completeTodo(w http.ResponseWriter, r *http.Request) {
	c.todoAction("todo_done", func(r *http.Request, id int64) error {
		_, err := c.Todos.Complete(r.Context(), todoActor(r), id)
		return err
	})(w, r)
}

func (c *Console) claimTodo(w http.ResponseWriter, r *http.Request) {
	c.todoAction("todo_claimed", func(r *http.Request, id int64) error {
		_, err := c.Todos.Claim(r.Context(), todoActor(r), id)
		return err
	})(w, r)
}

func (c *Console) cancelTodo(w http.ResponseWriter, r *http.Request) {
	c.todoAction("todo_cancelled", func(r *http.Request, id int64) error {
		_, err := c.Todos.Cancel(r.Context(), todoActor(r), id)
		return err
	})(w, r)
}

func (c *Console) rescheduleTodo(w http.ResponseWriter, r *http.Request) {
	c.todoAction("todo_rescheduled", func(r *http.Request, id int64) error {
		due, err := c.formTime(r, "due_at")
		if err != nil {
			return err
		}
		_, err = c.Todos.Reschedule(r.Context(), todoActor(r), id, due, r.PostFormValue("reason"))
		return err
	})(w, r)
}

// QueueName is the name of queue id in lang ("" when unknown).
func (d *todosData) QueueName(id int64, lang string) string {
	for _, q := range d.Queues {
		if q.ID == id {
			return q.Name(lang)
		}
	}
	return ""
}

// todoSection is one part of the list: overdue, today or upcoming.
type todoSection struct {
	Key   string
	Badge string // badge class
	Todos []*todo.Todo
}

// Sections are the open parts of the list, most urgent first.
func (d *todosData) Sections() []todoSection {
	return []todoSection{{"overdue", "", d.Lists.Overdue}, {"today", "on", d.Lists.Today}, {"upcoming", "off", d.Lists.Upcoming}}
}
