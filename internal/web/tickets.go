package web

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/ticket"
)

const ticketsPerPage = 50

// typeNames finds a ticket's type among the loaded ones, for status labels.
type typeIndex map[int64]*ticket.Type

func (ix typeIndex) status(t *ticket.Ticket, lang string) string {
	if typ := ix[t.TypeID]; typ != nil {
		return typ.StatusName(t.Status, lang)
	}
	return t.Status
}

type ticketsData struct {
	Lang       string
	View       string // all, mine, groups
	Status     string
	TypeID     int64
	Priority   string
	PartnerID  int64
	Query      string
	Sort       string // "" newest first, due: by SLA due time
	SortURL    string // the list sorted the other way
	Tickets    []*ticket.Ticket
	Total      int
	Page       int
	PrevURL    string
	NextURL    string
	Types      []*ticket.Type
	Partners   []auth.Partner
	Priorities []string
	types      typeIndex
}

// StatusName labels a ticket's status in the page's language.
func (d *ticketsData) StatusName(t *ticket.Ticket) string { return d.types.status(t, d.Lang) }

func (c *Console) loadTypes(r *http.Request) ([]*ticket.Type, typeIndex, error) {
	types, err := c.Tickets.Types(r.Context())
	ix := typeIndex{}
	for _, t := range types {
		ix[t.ID] = t
	}
	return types, ix, err
}

func queryID(r *http.Request, name string) int64 {
	id, _ := strconv.ParseInt(r.URL.Query().Get(name), 10, 64)
	return id
}

func (c *Console) tickets(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &ticketsData{Lang: Language(r), View: q.Get("view"), Status: q.Get("status"), TypeID: queryID(r, "type"), Priority: q.Get("priority"),
		PartnerID: queryID(r, "partner"), Query: strings.TrimSpace(q.Get("q")), Priorities: ticket.Priorities, Sort: sortParam(q)}
	d.Page, _ = strconv.Atoi(q.Get("page"))
	d.Page = max(d.Page, 1)
	f := ticket.Filter{Mine: d.View == "mine", MyGroups: d.View == "groups", Open: d.Status == "" && d.View != "all" && d.Query == "",
		TypeID: d.TypeID, Priority: d.Priority, PartnerID: d.PartnerID, Query: d.Query, Sort: d.Sort, Limit: ticketsPerPage, Offset: (d.Page - 1) * ticketsPerPage}
	if d.Status != "" && d.Status != "open" {
		f.Status = d.Status
	}
	var err error
	if d.Types, d.types, err = c.loadTypes(r); err != nil {
		c.Fail(w, r, err)
		return
	}
	if d.Tickets, d.Total, err = c.Tickets.List(r.Context(), auth.FromContext(r.Context()), f); err != nil {
		c.Fail(w, r, err)
		return
	}
	if d.Partners, err = c.Auth.Partners(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	page := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return "/tickets?" + v.Encode()
	}
	d.SortURL = sortURL(q)
	if d.Page > 1 {
		d.PrevURL = page(d.Page - 1)
	}
	if d.Page*ticketsPerPage < d.Total {
		d.NextURL = page(d.Page + 1)
	}
	c.render(w, r, http.StatusOK, "tickets", c.page(r, "tickets.title", d))
}

type ticketFormData struct {
	Lang       string
	Customer   *crm.Customer
	ContactID  int64
	Query      string
	Found      []*crm.Customer
	Types      []*ticket.Type
	Type       *ticket.Type
	Title      string
	Desc       string
	Priority   string
	Channel    string
	Values     ticket.Values
	Priorities []string
	Channels   []string
	Error      string
	Errors     map[string]string
}

// FieldError is the message for a custom field, if any.
func (d *ticketFormData) FieldError(code string) string { return d.Errors["fields."+code] }

// customerByID finds a customer for the intake form.
func (c *Console) customerByID(r *http.Request, id int64) (*crm.Customer, error) {
	if id <= 0 {
		return nil, nil
	}
	name, phone, err := c.Tickets.CustomerBrief(r.Context(), id)
	if err != nil {
		return nil, err
	}
	cu := &crm.Customer{ID: id, Name: name}
	if phone != "" {
		cu.Phones = []crm.Phone{{Number: phone}}
	}
	return cu, nil
}

func (c *Console) newTicket(w http.ResponseWriter, r *http.Request) {
	d := &ticketFormData{Priority: "", Channel: "phone", Values: ticket.Values{}}
	q := r.URL.Query()
	var err error
	if d.Customer, err = c.customerByID(r, queryID(r, "customer")); err != nil {
		c.Fail(w, r, err)
		return
	}
	d.ContactID = queryID(r, "contact")
	if d.Customer == nil {
		d.Query = strings.TrimSpace(q.Get("q"))
		if d.Query != "" {
			if d.Found, _, err = c.Customers.Search(r.Context(), crm.Filter{Query: d.Query, Limit: 20}); err != nil {
				c.Fail(w, r, err)
				return
			}
		}
	}
	c.ticketForm(w, r, http.StatusOK, d, q.Get("type"))
}

func (c *Console) ticketForm(w http.ResponseWriter, r *http.Request, status int, d *ticketFormData, typeCode string) {
	d.Lang, d.Priorities, d.Channels = Language(r), ticket.Priorities, ticket.Channels
	var err error
	if d.Types, _, err = c.loadTypes(r); err != nil {
		c.Fail(w, r, err)
		return
	}
	for _, t := range d.Types {
		if t.Code == typeCode || (d.Type == nil && typeCode == "") {
			d.Type = t
		}
	}
	if d.Type != nil && d.Priority == "" {
		d.Priority = d.Type.DefaultPriority
	}
	c.render(w, r, status, "ticket_new", c.page(r, "tickets.new", d))
}

// formValues reads a type's custom fields from a form ("fv_<code>"); attachment fields
// come as files and are left out.
func formValues(r *http.Request, typ *ticket.Type) map[string]any {
	out := map[string]any{}
	for _, f := range typ.Fields {
		switch f.Kind {
		case ticket.KindAttachment:
		case ticket.KindMulti:
			out[f.Code] = r.PostForm["fv_"+f.Code]
		default:
			out[f.Code] = r.PostFormValue("fv_" + f.Code)
		}
	}
	return out
}

// parseForm reads a urlencoded or multipart form with room for attachments.
func (c *Console) parseForm(r *http.Request) error {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return errs.E(errs.Invalid, "The form could not be read.").WithKey("form")
		}
		return nil
	}
	return r.ParseForm()
}

// uploads opens the files of a multipart form: the field "file" and "f_<code>" for
// attachment fields. The caller closes them.
func uploads(r *http.Request, typ *ticket.Type) ([]ticket.Upload, []io.Closer, error) {
	if r.MultipartForm == nil {
		return nil, nil, nil
	}
	var ups []ticket.Upload
	var closers []io.Closer
	add := func(field string, fhs []*multipart.FileHeader) error {
		for _, fh := range fhs {
			if fh.Size == 0 && fh.Filename == "" {
				continue
			}
			f, err := fh.Open()
			if err != nil {
				return err
			}
			closers = append(closers, f)
			ups = append(ups, ticket.Upload{Field: field, Name: fh.Filename, Body: f})
		}
		return nil
	}
	if err := add("", r.MultipartForm.File["file"]); err != nil {
		return nil, closers, err
	}
	if typ != nil {
		for _, f := range typ.Fields {
			if f.Kind == ticket.KindAttachment {
				if err := add(f.Code, r.MultipartForm.File["f_"+f.Code]); err != nil {
					return nil, closers, err
				}
			}
		}
	}
	return ups, closers, nil
}

func closeAll(cs []io.Closer) {
	for _, c := range cs {
		c.Close()
	}
}

func (c *Console) createTicket(w http.ResponseWriter, r *http.Request) {
	if err := c.parseForm(r); err != nil {
		c.Fail(w, r, err)
		return
	}
	typeID, _ := strconv.ParseInt(r.PostFormValue("type_id"), 10, 64)
	customerID, _ := strconv.ParseInt(r.PostFormValue("customer_id"), 10, 64)
	contactID, _ := strconv.ParseInt(r.PostFormValue("contact_id"), 10, 64)
	d := &ticketFormData{Title: r.PostFormValue("title"), Desc: r.PostFormValue("description"), Priority: r.PostFormValue("priority"),
		Channel: r.PostFormValue("channel"), ContactID: contactID, Values: ticket.Values{}}
	typ, err := c.Tickets.Type(r.Context(), typeID)
	if err != nil {
		c.Fail(w, r, errs.E(errs.Invalid, "Choose a ticket type.").WithKey("ticket_type_required"))
		return
	}
	in := ticket.NewTicket{TypeID: typeID, CustomerID: customerID, ContactID: contactID, Title: d.Title, Description: d.Desc,
		Priority: d.Priority, Channel: d.Channel, Fields: formValues(r, typ)}
	for k, v := range in.Fields {
		d.Values[k] = v
	}
	ups, closers, err := uploads(r, typ)
	defer closeAll(closers)
	if err == nil {
		in.Uploads = ups
		var t *ticket.Ticket
		if t, err = c.Tickets.Create(r.Context(), auth.FromContext(r.Context()), in); err == nil {
			http.Redirect(w, r, fmt.Sprintf("/tickets/%d?ok=ticket_created", t.ID), http.StatusSeeOther)
			return
		}
	}
	code := errs.CodeOf(err)
	if code == errs.Internal || code == errs.Forbidden {
		c.Fail(w, r, err)
		return
	}
	l := c.Catalog.Locale(Language(r))
	d.Error, d.Errors = message(l, err), fieldErrors(l, err)
	if d.Customer, err = c.customerByID(r, customerID); err != nil && !errs.Is(err, errs.NotFound) {
		c.Fail(w, r, err)
		return
	}
	c.ticketForm(w, r, httpx.Status(code), d, typ.Code)
}

type ticketData struct {
	Lang        string
	Ticket      *ticket.Ticket
	Type        *ticket.Type
	Transitions []ticket.Transition
	Notes       []ticket.Note
	Attachments []ticket.Attachment
	Changes     []ticket.Change
	Users       []*auth.User
	Queues      []acdstore.QueueSummary
	Departments []*ticket.Department
	Partners    []auth.Partner
	Priorities  []string
	Error       string
	Errors      map[string]string
	Base        string // /tickets or /orders
	SLA         *ticket.SLAView
	Complaint   *ticket.Complaint // for complaint tickets
	userID      int64
}

// FieldError is the message for a custom field, if any.
func (d *ticketData) FieldError(code string) string { return d.Errors["fields."+code] }

// ChangeLabel names a history entry's field in the page's language.
func (d *ticketData) ChangeLabel(field string) string {
	if code, ok := strings.CutPrefix(field, "field."); ok {
		if f, ok := d.Type.Field(code); ok {
			return f.Name(d.Lang)
		}
		return code
	}
	return ""
}

// ChangeValue shows a history value, naming statuses.
func (d *ticketData) ChangeValue(field, v string) string {
	if field == "status" && v != "" {
		return d.Type.StatusName(v, d.Lang)
	}
	return v
}

// loadTicketPage gathers what the ticket (or order) page shows, as p may see it.
func (c *Console) loadTicketPage(r *http.Request, id int64) (*ticketData, error) {
	p := auth.FromContext(r.Context())
	ctx := r.Context()
	d := &ticketData{Lang: Language(r), Priorities: ticket.Priorities, Base: "/tickets"}
	var err error
	if d.Ticket, d.Type, err = c.Tickets.Get(ctx, p, id); err != nil {
		return nil, err
	}
	d.Transitions = ticket.Transitions(p, d.Ticket, d.Type)
	if d.Notes, err = c.Tickets.Notes(ctx, p, id); err != nil {
		return nil, err
	}
	if d.Attachments, err = c.Tickets.Attachments(ctx, p, id); err != nil {
		return nil, err
	}
	if ticket.IsPartner(p) {
		d.Base = "/orders"
		return d, nil
	}
	if d.Changes, err = c.Tickets.Changes(ctx, p, id); err != nil {
		return nil, err
	}
	if err := c.loadDesk(r, d); err != nil {
		return nil, err
	}
	if p.Can(auth.PermTicketsWrite) {
		users, _, err := c.Auth.ListUsers(ctx, auth.UserFilter{Limit: 500})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			if u.Role != auth.RolePartner && !u.Disabled && u.Can(auth.PermTicketsWrite) {
				d.Users = append(d.Users, u)
			}
		}
		if d.Queues, err = c.Queues.Queues(ctx); err != nil {
			return nil, err
		}
		if d.Departments, err = c.Tickets.Departments(ctx); err != nil {
			return nil, err
		}
		if d.Partners, err = c.Auth.Partners(ctx); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// renderTicket shows a ticket (or, for partners, an order) with an optional error.
func (c *Console) renderTicket(w http.ResponseWriter, r *http.Request, id int64, status int, failure error) {
	d, err := c.loadTicketPage(r, id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if failure != nil {
		l := c.Catalog.Locale(Language(r))
		d.Error, d.Errors = message(l, failure), fieldErrors(l, failure)
	}
	name, title := "ticket", "tickets.ticket"
	if d.Base == "/orders" {
		name, title = "order", "orders.order"
	}
	p := c.page(r, title, d)
	p.Title = d.Ticket.Number + " " + d.Ticket.Title
	c.render(w, r, status, name, p)
}

func (c *Console) showTicket(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.renderTicket(w, r, id, http.StatusOK, nil)
}

// afterChange redirects to the ticket on success, or shows it again with the error
// (status 400 for bad input) when the change was refused.
func (c *Console) afterChange(w http.ResponseWriter, r *http.Request, id int64, err error, flash string) {
	if err == nil {
		base := "/tickets"
		if strings.HasPrefix(r.URL.Path, "/orders/") {
			base = "/orders"
		}
		http.Redirect(w, r, fmt.Sprintf("%s/%d?ok=%s", base, id, flash), http.StatusSeeOther)
		return
	}
	switch errs.CodeOf(err) {
	case errs.Invalid, errs.Conflict, errs.TooLarge:
		c.renderTicket(w, r, id, httpx.Status(errs.CodeOf(err)), err)
	default:
		c.Fail(w, r, err)
	}
}

func (c *Console) updateTicket(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	p := auth.FromContext(r.Context())
	_, typ, err := c.Tickets.Get(r.Context(), p, id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	r.ParseForm()
	title, desc, prio := r.PostFormValue("title"), r.PostFormValue("description"), r.PostFormValue("priority")
	_, err = c.Tickets.Update(r.Context(), p, id, ticket.Update{Title: &title, Description: &desc, Priority: &prio, Fields: formValues(r, typ)})
	c.afterChange(w, r, id, err, "ticket_saved")
}

func (c *Console) ticketStatus(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	_, err = c.Tickets.ChangeStatus(r.Context(), auth.FromContext(r.Context()), id, r.PostFormValue("to"), r.PostFormValue("note"))
	c.afterChange(w, r, id, err, "ticket_status")
}

// formRef reads an optional id from a form: absent keeps (nil), empty clears (0).
func formRef(r *http.Request, name string) *int64 {
	if _, ok := r.PostForm[name]; !ok {
		return nil
	}
	v, err := strconv.ParseInt(r.PostFormValue(name), 10, 64)
	if err != nil || v < 0 {
		v = 0
		if r.PostFormValue(name) != "" {
			v = -1 // unparseable: the service reports it unknown
		}
	}
	return &v
}

func (c *Console) dispatchTicket(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	r.ParseForm()
	d := ticket.Dispatch{AssigneeID: formRef(r, "assignee_id"), GroupID: formRef(r, "group_id"), DepartmentID: formRef(r, "department_id"), PartnerID: formRef(r, "partner_id")}
	if r.PostFormValue("take") != "" {
		self := auth.FromContext(r.Context()).User.ID
		d = ticket.Dispatch{AssigneeID: &self}
	}
	_, err = c.Tickets.Dispatch(r.Context(), auth.FromContext(r.Context()), id, d)
	c.afterChange(w, r, id, err, "ticket_dispatched")
}

func (c *Console) ticketNote(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	_, err = c.Tickets.AddNote(r.Context(), auth.FromContext(r.Context()), id, r.PostFormValue("body"), r.PostFormValue("internal") == "on")
	c.afterChange(w, r, id, err, "ticket_note")
}

func (c *Console) ticketAttachment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if err := c.parseForm(r); err != nil {
		c.afterChange(w, r, id, err, "")
		return
	}
	ups, closers, err := uploads(r, nil)
	defer closeAll(closers)
	if err == nil && len(ups) == 0 {
		err = errs.Field("file", "Choose a file.").WithKey("attachment_none")
	}
	if err == nil {
		_, err = c.Tickets.AddAttachment(r.Context(), auth.FromContext(r.Context()), id, ups[0])
	}
	c.afterChange(w, r, id, err, "ticket_attached")
}

// ticketFile serves an attachment to whoever may see its ticket, never sniffed by the
// browser and never shown inline unless it is an image or a PDF.
func (c *Console) ticketFile(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	a, f, err := c.Tickets.OpenAttachment(r.Context(), auth.FromContext(r.Context()), id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	defer f.Close()
	ServeAttachment(w, r, a, f)
}

// ServeAttachment writes an attachment's content with safe headers.
func ServeAttachment(w http.ResponseWriter, r *http.Request, a *ticket.Attachment, f io.ReadSeeker) {
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", a.Disposition())
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	http.ServeContent(w, r, "", a.At, f)
}
