package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/ticket"
)

// ticketRoutes are the work-order routes: types, tickets, the partner portal's orders
// and departments. The ticket service checks row-level access (partners reach only
// their own orders) whatever the route.
func (a *API) ticketRoutes() []Route {
	read, write := auth.Need(auth.PermTicketsRead), auth.Need(auth.PermTicketsWrite)
	settings, partner := auth.Need(auth.PermSettingsManage), auth.Need(auth.PermPartnerOrders)
	return []Route{
		{"GET", "/api/v1/ticket-types", read, a.serve(a.listTicketTypes)},
		{"POST", "/api/v1/ticket-types", settings, a.serve(a.createTicketType)},
		{"GET", "/api/v1/ticket-types/{id}", read, a.serve(a.getTicketType)},
		{"PUT", "/api/v1/ticket-types/{id}", settings, a.serve(a.updateTicketType)},

		{"GET", "/api/v1/tickets", read, a.serve(a.listTickets)},
		{"POST", "/api/v1/tickets", write, a.serve(a.createTicket)},
		{"GET", "/api/v1/tickets/{id}", read, a.serve(a.getTicket)},
		{"PATCH", "/api/v1/tickets/{id}", write, a.serve(a.updateTicket)},
		{"POST", "/api/v1/tickets/{id}/status", write, a.serve(a.ticketStatus)},
		{"POST", "/api/v1/tickets/{id}/dispatch", write, a.serve(a.dispatchTicket)},
		{"GET", "/api/v1/tickets/{id}/notes", read, a.serve(a.listNotes)},
		{"POST", "/api/v1/tickets/{id}/notes", write, a.serve(a.addNote)},
		{"GET", "/api/v1/tickets/{id}/history", read, a.serve(a.ticketHistory)},
		{"GET", "/api/v1/tickets/{id}/attachments", read, a.serve(a.listAttachments)},
		{"POST", "/api/v1/tickets/{id}/attachments", write, a.serve(a.addAttachment)},
		{"GET", "/api/v1/tickets/{id}/attachments/{aid}", read, a.attachmentContent},

		{"GET", "/api/v1/orders", partner, a.serve(a.listOrders)},
		{"GET", "/api/v1/orders/{id}", partner, a.serve(a.getOrder)},
		{"POST", "/api/v1/orders/{id}/status", partner, a.serve(a.orderStatus)},
		{"GET", "/api/v1/orders/{id}/notes", partner, a.serve(a.listNotes)},
		{"POST", "/api/v1/orders/{id}/notes", partner, a.serve(a.addNote)},
		{"GET", "/api/v1/orders/{id}/attachments", partner, a.serve(a.listAttachments)},
		{"POST", "/api/v1/orders/{id}/attachments", partner, a.serve(a.addAttachment)},
		{"GET", "/api/v1/orders/{id}/attachments/{aid}", partner, a.attachmentContent},

		{"GET", "/api/v1/departments", read, a.serve(a.listDepartments)},
		{"POST", "/api/v1/departments", settings, a.serve(a.createDepartment)},
		{"PUT", "/api/v1/departments/{id}", settings, a.serve(a.updateDepartment)},
	}
}

// --- ticket types ---

type ticketTypeJSON struct {
	ID int64 `json:"id"`
	ticketTypeBody
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

type ticketTypeBody struct {
	Code                 string              `json:"code"`
	NameZH               string              `json:"name_zh"`
	NameEN               string              `json:"name_en"`
	Complaint            bool                `json:"complaint"`
	DefaultPriority      string              `json:"default_priority"`
	FirstResponseMinutes int                 `json:"first_response_minutes"`
	ResolutionMinutes    int                 `json:"resolution_minutes"`
	Fields               []ticket.Field      `json:"fields"`
	Statuses             []ticket.Status     `json:"statuses"`
	Transitions          []ticket.Transition `json:"transitions"`
	CalendarID           int64               `json:"calendar_id,omitempty"`
}

func toTypeJSON(t *ticket.Type) ticketTypeJSON {
	b := ticketTypeBody{t.Code, t.NameZH, t.NameEN, t.Complaint, t.DefaultPriority, t.FirstResponseMinutes, t.ResolutionMinutes,
		t.Fields, t.Statuses, t.Transitions, t.CalendarID}
	if b.Fields == nil {
		b.Fields = []ticket.Field{}
	}
	if b.Transitions == nil {
		b.Transitions = []ticket.Transition{}
	}
	return ticketTypeJSON{ID: t.ID, ticketTypeBody: b, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

func (b ticketTypeBody) toType() *ticket.Type {
	return &ticket.Type{Code: b.Code, NameZH: b.NameZH, NameEN: b.NameEN, Complaint: b.Complaint, DefaultPriority: b.DefaultPriority,
		FirstResponseMinutes: b.FirstResponseMinutes, ResolutionMinutes: b.ResolutionMinutes, Fields: b.Fields, Statuses: b.Statuses, Transitions: b.Transitions,
		CalendarID: b.CalendarID}
}

func (a *API) listTicketTypes(w http.ResponseWriter, r *http.Request) (int, any, error) {
	types, err := a.Tickets.Types(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := list[ticketTypeJSON]{Items: []ticketTypeJSON{}, Total: len(types)}
	for _, t := range types {
		out.Items = append(out.Items, toTypeJSON(t))
	}
	return http.StatusOK, out, nil
}

func (a *API) getTicketType(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	t, err := a.Tickets.Type(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toTypeJSON(t), nil
}

func (a *API) createTicketType(w http.ResponseWriter, r *http.Request) (int, any, error) {
	body, err := httpx.DecodeJSON[ticketTypeBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	t := body.toType()
	if err := a.Tickets.SaveType(r.Context(), principal(r), t); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toTypeJSON(t), nil
}

func (a *API) updateTicketType(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	if _, err := a.Tickets.Type(r.Context(), id); err != nil {
		return 0, nil, err
	}
	body, err := httpx.DecodeJSON[ticketTypeBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	t := body.toType()
	t.ID = id
	if err := a.Tickets.SaveType(r.Context(), principal(r), t); err != nil {
		return 0, nil, err
	}
	saved, err := a.Tickets.Type(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toTypeJSON(saved), nil
}

// --- tickets ---

type ticketJSON struct {
	ID              int64          `json:"id"`
	Number          string         `json:"number"`
	Type            string         `json:"type"`
	TypeID          int64          `json:"type_id"`
	CustomerID      int64          `json:"customer_id"`
	CustomerName    string         `json:"customer_name"`
	ContactID       int64          `json:"contact_id,omitempty"`
	Title           string         `json:"title"`
	Description     string         `json:"description"`
	Priority        string         `json:"priority"`
	Channel         string         `json:"channel"`
	Status          string         `json:"status"`
	StatusCategory  string         `json:"status_category"`
	Fields          map[string]any `json:"fields"`
	CreatedBy       int64          `json:"created_by,omitempty"`
	AssigneeID      int64          `json:"assignee_id,omitempty"`
	Assignee        string         `json:"assignee,omitempty"`
	GroupID         int64          `json:"group_id,omitempty"`
	DepartmentID    int64          `json:"department_id,omitempty"`
	PartnerID       int64          `json:"partner_id,omitempty"`
	Partner         string         `json:"partner,omitempty"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
	FirstResponseAt *time.Time     `json:"first_response_at"`
	ResolvedAt      *time.Time     `json:"resolved_at"`
	ClosedAt        *time.Time     `json:"closed_at"`
	SLAState        string         `json:"sla_state"`
	SLADueAt        *time.Time     `json:"sla_due_at"`
	CycleSeconds    int64          `json:"cycle_seconds,omitempty"`
}

func fieldsJSON(v ticket.Values) map[string]any {
	out := map[string]any{}
	for k, x := range v {
		out[k] = x
	}
	return out
}

func toTicketJSON(t *ticket.Ticket) ticketJSON {
	return ticketJSON{ID: t.ID, Number: t.Number, Type: t.TypeCode, TypeID: t.TypeID, CustomerID: t.CustomerID, CustomerName: t.CustomerName,
		ContactID: t.ContactID, Title: t.Title, Description: t.Description, Priority: t.Priority, Channel: t.Channel, Status: t.Status,
		StatusCategory: string(t.StatusCategory), Fields: fieldsJSON(t.Fields), CreatedBy: t.CreatedBy, AssigneeID: t.AssigneeID,
		Assignee: t.AssigneeName, GroupID: t.GroupID, DepartmentID: t.DepartmentID, PartnerID: t.PartnerID, Partner: t.PartnerName,
		CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt, FirstResponseAt: timePtr(t.FirstResponseAt), ResolvedAt: timePtr(t.ResolvedAt), ClosedAt: timePtr(t.ClosedAt),
		SLAState: t.SLAState, SLADueAt: timePtr(t.SLADueAt), CycleSeconds: t.CycleSeconds}
}

// orderJSON is what a partner sees of an order: the job, the customer's name and
// phone, and no internal routing.
type orderJSON struct {
	ID             int64          `json:"id"`
	Number         string         `json:"number"`
	Type           string         `json:"type"`
	Title          string         `json:"title"`
	Description    string         `json:"description"`
	Priority       string         `json:"priority"`
	Status         string         `json:"status"`
	StatusCategory string         `json:"status_category"`
	Fields         map[string]any `json:"fields"`
	CustomerName   string         `json:"customer_name"`
	CustomerPhone  string         `json:"customer_phone"`
	CreatedAt      time.Time      `json:"created_at"`
	UpdatedAt      time.Time      `json:"updated_at"`
}

func toOrderJSON(t *ticket.Ticket) orderJSON {
	return orderJSON{ID: t.ID, Number: t.Number, Type: t.TypeCode, Title: t.Title, Description: t.Description, Priority: t.Priority,
		Status: t.Status, StatusCategory: string(t.StatusCategory), Fields: fieldsJSON(t.Fields), CustomerName: t.CustomerName,
		CustomerPhone: t.CustomerPhone, CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt}
}

// ticketFilter reads the list filters shared by tickets and orders.
func ticketFilter(r *http.Request) (ticket.Filter, error) {
	limit, offset, err := paging(r)
	if err != nil {
		return ticket.Filter{}, err
	}
	q := r.URL.Query()
	f := ticket.Filter{Limit: limit, Offset: offset, Status: q.Get("status"), Priority: q.Get("priority"), Query: q.Get("q"),
		Mine: q.Get("mine") == "true", MyGroups: q.Get("my_groups") == "true", Open: q.Get("open") == "true", Sort: q.Get("sort")}
	for name, dst := range map[string]*int64{"type_id": &f.TypeID, "partner_id": &f.PartnerID, "customer_id": &f.CustomerID} {
		n, err := queryInt(r, name)
		if err != nil {
			return f, err
		}
		*dst = int64(n)
	}
	return f, nil
}

func (a *API) listTickets(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return listTicketsAs(a, r, toTicketJSON)
}

// listTicketsAs lists the tickets the caller may see (staff: the center's; partners:
// their orders), each shown by view.
func listTicketsAs[T any](a *API, r *http.Request, view func(*ticket.Ticket) T) (int, any, error) {
	f, err := ticketFilter(r)
	if err != nil {
		return 0, nil, err
	}
	ts, total, err := a.Tickets.List(r.Context(), principal(r), f)
	if err != nil {
		return 0, nil, err
	}
	out := list[T]{Items: []T{}, Total: total}
	for _, t := range ts {
		out.Items = append(out.Items, view(t))
	}
	return http.StatusOK, out, nil
}

type ticketCreateBody struct {
	Type        string         `json:"type"`
	TypeID      int64          `json:"type_id"`
	CustomerID  int64          `json:"customer_id"`
	ContactID   int64          `json:"contact_id"`
	Title       string         `json:"title"`
	Description string         `json:"description"`
	Priority    string         `json:"priority"`
	Channel     string         `json:"channel"`
	Fields      map[string]any `json:"fields"`
}

func (a *API) createTicket(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[ticketCreateBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	if b.TypeID == 0 && b.Type != "" {
		typ, err := a.Tickets.TypeByCode(r.Context(), b.Type)
		if err != nil {
			return 0, nil, errs.Field("type", "Unknown ticket type.").WithKey("ticket_type_required")
		}
		b.TypeID = typ.ID
	}
	if b.Channel == "" {
		b.Channel = "api"
	}
	t, err := a.Tickets.Create(r.Context(), principal(r), ticket.NewTicket{TypeID: b.TypeID, CustomerID: b.CustomerID, ContactID: b.ContactID,
		Title: b.Title, Description: b.Description, Priority: b.Priority, Channel: b.Channel, Fields: b.Fields})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toTicketJSON(t), nil
}

func (a *API) getTicket(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	t, _, err := a.Tickets.Get(r.Context(), principal(r), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toTicketJSON(t), nil
}

type ticketPatchBody struct {
	Title       *string        `json:"title"`
	Description *string        `json:"description"`
	Priority    *string        `json:"priority"`
	Fields      map[string]any `json:"fields"`
}

func (a *API) updateTicket(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[ticketPatchBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	t, err := a.Tickets.Update(r.Context(), principal(r), id, ticket.Update{Title: b.Title, Description: b.Description, Priority: b.Priority, Fields: b.Fields})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toTicketJSON(t), nil
}

type statusBody struct {
	Status string `json:"status"`
	Note   string `json:"note"`
}

func (a *API) changeStatus(w http.ResponseWriter, r *http.Request) (*ticket.Ticket, error) {
	id, err := pathID(r)
	if err != nil {
		return nil, err
	}
	b, err := httpx.DecodeJSON[statusBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return nil, err
	}
	return a.Tickets.ChangeStatus(r.Context(), principal(r), id, b.Status, b.Note)
}

func (a *API) ticketStatus(w http.ResponseWriter, r *http.Request) (int, any, error) {
	t, err := a.changeStatus(w, r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toTicketJSON(t), nil
}

type dispatchBody struct {
	AssigneeID   *int64 `json:"assignee_id"`
	GroupID      *int64 `json:"group_id"`
	DepartmentID *int64 `json:"department_id"`
	PartnerID    *int64 `json:"partner_id"`
}

func (a *API) dispatchTicket(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[dispatchBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	t, err := a.Tickets.Dispatch(r.Context(), principal(r), id, ticket.Dispatch(b))
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toTicketJSON(t), nil
}

type noteJSON struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	AuthorID int64     `json:"author_id"`
	Author   string    `json:"author"`
	Internal bool      `json:"internal"`
	Body     string    `json:"body"`
}

func toNoteJSON(n ticket.Note) noteJSON {
	return noteJSON{n.ID, n.At, n.AuthorID, n.AuthorName, n.Internal, n.Body}
}

func (a *API) listNotes(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	notes, err := a.Tickets.Notes(r.Context(), principal(r), id)
	if err != nil {
		return 0, nil, err
	}
	out := list[noteJSON]{Items: []noteJSON{}, Total: len(notes)}
	for _, n := range notes {
		out.Items = append(out.Items, toNoteJSON(n))
	}
	return http.StatusOK, out, nil
}

type noteBody struct {
	Body     string `json:"body"`
	Internal bool   `json:"internal"`
}

func (a *API) addNote(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[noteBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	n, err := a.Tickets.AddNote(r.Context(), principal(r), id, b.Body, b.Internal)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toNoteJSON(*n), nil
}

type changeJSON struct {
	At      time.Time `json:"at"`
	ActorID int64     `json:"actor_id"`
	Actor   string    `json:"actor"`
	Field   string    `json:"field"`
	Old     string    `json:"old"`
	New     string    `json:"new"`
}

func (a *API) ticketHistory(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	changes, err := a.Tickets.Changes(r.Context(), principal(r), id)
	if err != nil {
		return 0, nil, err
	}
	out := list[changeJSON]{Items: []changeJSON{}, Total: len(changes)}
	for _, c := range changes {
		out.Items = append(out.Items, changeJSON{c.At, c.ActorID, c.ActorName, c.Field, c.Old, c.New})
	}
	return http.StatusOK, out, nil
}

type attachmentJSON struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	Uploader    string    `json:"uploader"`
	At          time.Time `json:"at"`
}

func toAttachmentJSON(x ticket.Attachment) attachmentJSON {
	return attachmentJSON{x.ID, x.Name, x.ContentType, x.Size, x.SHA256, x.UploaderName, x.At}
}

func (a *API) listAttachments(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	atts, err := a.Tickets.Attachments(r.Context(), principal(r), id)
	if err != nil {
		return 0, nil, err
	}
	out := list[attachmentJSON]{Items: []attachmentJSON{}, Total: len(atts)}
	for _, x := range atts {
		out.Items = append(out.Items, toAttachmentJSON(x))
	}
	return http.StatusOK, out, nil
}

// addAttachment takes a multipart/form-data body with the file in the part "file".
func (a *API) addAttachment(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return 0, nil, errs.E(errs.Invalid, "Send the file as multipart/form-data in the part \"file\".")
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		if strings.Contains(err.Error(), "too large") {
			return 0, nil, errs.E(errs.TooLarge, "The file is larger than %d bytes.", a.Tickets.MaxAttachmentBytes())
		}
		return 0, nil, errs.E(errs.Invalid, "The body is not a valid multipart form.")
	}
	f, fh, err := r.FormFile("file")
	if err != nil {
		return 0, nil, errs.Field("file", "The part \"file\" is missing.")
	}
	defer f.Close()
	att, err := a.Tickets.AddAttachment(r.Context(), principal(r), id, ticket.Upload{Name: fh.Filename, Body: f})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toAttachmentJSON(*att), nil
}

// attachmentContent serves a file of a ticket the caller may see.
func (a *API) attachmentContent(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		a.Fail(w, r, err)
		return
	}
	aid, err := strconv.ParseInt(r.PathValue("aid"), 10, 64)
	if err != nil || aid <= 0 {
		a.Fail(w, r, errs.E(errs.NotFound, "Attachment not found."))
		return
	}
	att, f, err := a.Tickets.OpenAttachment(r.Context(), principal(r), aid)
	if err == nil && att.TicketID != id {
		f.Close()
		err = errs.E(errs.NotFound, "Attachment not found.")
	}
	if err != nil {
		a.Fail(w, r, err)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", att.ContentType)
	h.Set("Content-Disposition", att.Disposition())
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	http.ServeContent(w, r, "", att.At, f)
}

// --- orders (partner portal) ---

func (a *API) listOrders(w http.ResponseWriter, r *http.Request) (int, any, error) {
	return listTicketsAs(a, r, toOrderJSON)
}

func (a *API) getOrder(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	t, _, err := a.Tickets.Get(r.Context(), principal(r), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toOrderJSON(t), nil
}

func (a *API) orderStatus(w http.ResponseWriter, r *http.Request) (int, any, error) {
	t, err := a.changeStatus(w, r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toOrderJSON(t), nil
}

// --- departments ---

type departmentJSON struct {
	ID int64 `json:"id"`
	departmentBody
}

type departmentBody struct {
	Code    string  `json:"code"`
	NameZH  string  `json:"name_zh"`
	NameEN  string  `json:"name_en"`
	Members []int64 `json:"members"`
}

func toDepartmentJSON(d *ticket.Department) departmentJSON {
	out := departmentJSON{ID: d.ID, departmentBody: departmentBody{Code: d.Code, NameZH: d.NameZH, NameEN: d.NameEN, Members: []int64{}}}
	for _, m := range d.Members {
		out.Members = append(out.Members, m.UserID)
	}
	return out
}

func (a *API) listDepartments(w http.ResponseWriter, r *http.Request) (int, any, error) {
	ds, err := a.Tickets.Departments(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := list[departmentJSON]{Items: []departmentJSON{}, Total: len(ds)}
	for _, d := range ds {
		out.Items = append(out.Items, toDepartmentJSON(d))
	}
	return http.StatusOK, out, nil
}

func (a *API) saveDepartment(w http.ResponseWriter, r *http.Request, id int64) (*ticket.Department, error) {
	b, err := httpx.DecodeJSON[departmentBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return nil, err
	}
	d := &ticket.Department{ID: id, Code: b.Code, NameZH: b.NameZH, NameEN: b.NameEN}
	for _, m := range b.Members {
		d.Members = append(d.Members, ticket.Member{UserID: m})
	}
	if err := a.Tickets.SaveDepartment(r.Context(), principal(r), d); err != nil {
		return nil, err
	}
	return a.Tickets.Department(r.Context(), d.ID)
}

func (a *API) createDepartment(w http.ResponseWriter, r *http.Request) (int, any, error) {
	d, err := a.saveDepartment(w, r, 0)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toDepartmentJSON(d), nil
}

func (a *API) updateDepartment(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	d, err := a.saveDepartment(w, r, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toDepartmentJSON(d), nil
}
