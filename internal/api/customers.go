package api

import (
	"bytes"
	"net/http"
	"strconv"
	"time"

	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
)

type customerJSON struct {
	ID        int64             `json:"id"`
	Name      string            `json:"name"`
	Company   string            `json:"company"`
	VIPLevel  int               `json:"vip_level"`
	City      string            `json:"city"`
	Note      string            `json:"note"`
	Phones    []phoneJSON       `json:"phones"`
	Emails    []string          `json:"emails"`
	Tags      []string          `json:"tags"`
	Addresses []addressJSON     `json:"addresses,omitempty"`
	Assets    []assetJSON       `json:"assets,omitempty"`
	Fields    map[string]string `json:"fields,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
}

type phoneJSON struct {
	Number  string `json:"number"`
	Display string `json:"display"`
	Label   string `json:"label"`
}

type addressJSON struct {
	Label      string `json:"label"`
	Province   string `json:"province"`
	City       string `json:"city"`
	District   string `json:"district"`
	Street     string `json:"street"`
	PostalCode string `json:"postal_code"`
}

type assetJSON struct {
	Kind        string `json:"kind"`
	Number      string `json:"number"`
	Product     string `json:"product"`
	PurchasedOn string `json:"purchased_on"`
	WarrantyEnd string `json:"warranty_end"`
}

func toCustomerJSON(c *crm.Customer) customerJSON {
	out := customerJSON{ID: c.ID, Name: c.Name, Company: c.Company, VIPLevel: c.VIPLevel, City: c.City, Note: c.Note,
		Phones: []phoneJSON{}, Emails: orNone(c.Emails), Tags: orNone(c.Tags), Fields: c.Fields, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
	for _, p := range c.Phones {
		out.Phones = append(out.Phones, phoneJSON{p.Number, p.Display(), p.Label})
	}
	for _, a := range c.Addresses {
		out.Addresses = append(out.Addresses, addressJSON(a))
	}
	for _, a := range c.Assets {
		out.Assets = append(out.Assets, assetJSON(a))
	}
	return out
}

func orNone(xs []string) []string {
	if xs == nil {
		return []string{}
	}
	return xs
}

// customerBody is a customer to create, or the changes to one: absent fields keep
// their value on PATCH; a list given replaces the list.
type customerBody struct {
	Name      *string            `json:"name"`
	Company   *string            `json:"company"`
	VIPLevel  *int               `json:"vip_level"`
	City      *string            `json:"city"`
	Note      *string            `json:"note"`
	Phones    *[]phoneJSON       `json:"phones"`
	Emails    *[]string          `json:"emails"`
	Tags      *[]string          `json:"tags"`
	Addresses *[]addressJSON     `json:"addresses"`
	Assets    *[]assetJSON       `json:"assets"`
	Fields    *map[string]string `json:"fields"`
}

func (b customerBody) apply(c *crm.Customer) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	set(&c.Name, b.Name)
	set(&c.Company, b.Company)
	set(&c.City, b.City)
	set(&c.Note, b.Note)
	if b.VIPLevel != nil {
		c.VIPLevel = *b.VIPLevel
	}
	if b.Phones != nil {
		c.Phones = nil
		for _, p := range *b.Phones {
			c.Phones = append(c.Phones, crm.Phone{Number: p.Number, Label: p.Label})
		}
	}
	if b.Emails != nil {
		c.Emails = *b.Emails
	}
	if b.Tags != nil {
		c.Tags = *b.Tags
	}
	if b.Addresses != nil {
		c.Addresses = nil
		for _, a := range *b.Addresses {
			c.Addresses = append(c.Addresses, crm.Address(a))
		}
	}
	if b.Assets != nil {
		c.Assets = nil
		for _, a := range *b.Assets {
			c.Assets = append(c.Assets, crm.Asset(a))
		}
	}
	if b.Fields != nil {
		c.Fields = *b.Fields
	}
}

func (a *API) searchCustomers(w http.ResponseWriter, r *http.Request) (int, any, error) {
	limit, offset, err := paging(r)
	if err != nil {
		return 0, nil, err
	}
	cs, total, err := a.Customers.Search(r.Context(), crm.Filter{Query: r.URL.Query().Get("q"), Tag: r.URL.Query().Get("tag"), Limit: limit, Offset: offset})
	if err != nil {
		return 0, nil, err
	}
	out := list[customerJSON]{Items: []customerJSON{}, Total: total}
	for _, c := range cs {
		out.Items = append(out.Items, toCustomerJSON(c))
	}
	return http.StatusOK, out, nil
}

func (a *API) createCustomer(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[customerBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	c := &crm.Customer{}
	b.apply(c)
	if err := a.Customers.CreateAs(r.Context(), principal(r).User.ID, c); err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toCustomerJSON(c), nil
}

func (a *API) getCustomer(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	c, err := a.Customers.Get(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toCustomerJSON(c), nil
}

func (a *API) updateCustomer(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[customerBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	c, err := a.Customers.Get(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	b.apply(c)
	if err := a.Customers.Update(r.Context(), principal(r).User.ID, c); err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toCustomerJSON(c), nil
}

func (a *API) lookupCustomers(w http.ResponseWriter, r *http.Request) (int, any, error) {
	cs, err := a.Customers.LookupByPhone(r.Context(), r.URL.Query().Get("phone"))
	if err != nil {
		return 0, nil, err
	}
	out := list[customerJSON]{Items: []customerJSON{}, Total: len(cs)}
	for _, c := range cs {
		out.Items = append(out.Items, toCustomerJSON(c))
	}
	return http.StatusOK, out, nil
}

type eventJSON struct {
	ID         int64          `json:"id"`
	At         time.Time      `json:"at"`
	Kind       string         `json:"kind"`
	ActorID    int64          `json:"actor_id,omitempty"`
	CustomerID int64          `json:"customer_id,omitempty"`
	TicketID   int64          `json:"ticket_id,omitempty"`
	ContactID  int64          `json:"contact_id,omitempty"`
	Data       map[string]any `json:"data"`
}

func (a *API) customerTimeline(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	limit, offset, err := paging(r)
	if err != nil {
		return 0, nil, err
	}
	var cats []string
	if c := r.URL.Query().Get("category"); c != "" {
		cats = []string{c}
	}
	evs, total, err := a.Customers.Timeline(r.Context(), id, crm.TimelineFilter{Categories: cats, Limit: limit, Offset: offset})
	if err != nil {
		return 0, nil, err
	}
	out := list[eventJSON]{Items: []eventJSON{}, Total: total}
	for _, e := range evs {
		out.Items = append(out.Items, eventJSON{e.ID, e.At, e.Kind, e.ActorID, e.CustomerID, e.TicketID, e.ContactID, e.Data})
	}
	return http.StatusOK, out, nil
}

func (a *API) addCustomerNote(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[struct {
		Text string `json:"text"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	e, err := a.Customers.AddNote(r.Context(), principal(r).User.ID, id, b.Text)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, eventJSON{e.ID, e.At, e.Kind, e.ActorID, e.CustomerID, e.TicketID, e.ContactID, e.Data}, nil
}

func (a *API) mergeCustomers(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[struct {
		Keep int64 `json:"keep"`
		Drop int64 `json:"drop"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	c, err := a.Customers.Merge(r.Context(), principal(r).User.ID, b.Keep, b.Drop)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toCustomerJSON(c), nil
}

func (a *API) customerDuplicates(w http.ResponseWriter, r *http.Request) (int, any, error) {
	limit, _, err := paging(r)
	if err != nil {
		return 0, nil, err
	}
	ds, err := a.Customers.Duplicates(r.Context(), 0, limit)
	if err != nil {
		return 0, nil, err
	}
	type dupJSON struct {
		A      customerJSON `json:"a"`
		B      customerJSON `json:"b"`
		Reason string       `json:"reason"`
		Value  string       `json:"value"`
	}
	out := list[dupJSON]{Items: []dupJSON{}, Total: len(ds)}
	for _, d := range ds {
		out.Items = append(out.Items, dupJSON{toCustomerJSON(d.A), toCustomerJSON(d.B), d.Reason, d.Value})
	}
	return http.StatusOK, out, nil
}

type contactJSON struct {
	ID         int64      `json:"id"`
	CustomerID int64      `json:"customer_id,omitempty"`
	Channel    string     `json:"channel"`
	Direction  string     `json:"direction"`
	From       string     `json:"from"`
	To         string     `json:"to"`
	Number     string     `json:"number"`
	StartedAt  time.Time  `json:"started_at"`
	EndedAt    *time.Time `json:"ended_at"`
	AgentID    int64      `json:"agent_id,omitempty"`
	Summary    string     `json:"summary"`
	RepeatOf   int64      `json:"repeat_of,omitempty"`
}

func toContactJSON(c crm.Contact) contactJSON {
	return contactJSON{c.ID, c.CustomerID, c.Channel, c.Direction, c.From, c.To, c.Number, c.StartedAt, timePtr(c.EndedAt), c.AgentID, c.Summary, c.RepeatOf}
}

type ticketRefJSON struct {
	ID     int64  `json:"id"`
	Number string `json:"number"`
	Title  string `json:"title"`
	Status string `json:"status"`
}

func (a *API) recordContact(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[struct {
		CustomerID int64      `json:"customer_id"`
		Channel    string     `json:"channel"`
		Direction  string     `json:"direction"`
		From       string     `json:"from"`
		To         string     `json:"to"`
		StartedAt  *time.Time `json:"started_at"`
		EndedAt    *time.Time `json:"ended_at"`
		Summary    string     `json:"summary"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	c := &crm.Contact{CustomerID: b.CustomerID, Channel: b.Channel, Direction: b.Direction, From: b.From, To: b.To, Summary: b.Summary, AgentID: principal(r).User.ID}
	if b.StartedAt != nil {
		c.StartedAt = *b.StartedAt
	}
	if b.EndedAt != nil {
		c.EndedAt = *b.EndedAt
	}
	rep, err := a.Customers.RecordContact(r.Context(), c)
	if err != nil {
		return 0, nil, err
	}
	out := struct {
		Contact     contactJSON     `json:"contact"`
		Earlier     []contactJSON   `json:"earlier"`
		OpenTickets []ticketRefJSON `json:"open_tickets"`
	}{toContactJSON(*c), []contactJSON{}, []ticketRefJSON{}}
	for _, e := range rep.Earlier {
		out.Earlier = append(out.Earlier, toContactJSON(e))
	}
	for _, t := range rep.OpenTickets {
		out.OpenTickets = append(out.OpenTickets, ticketRefJSON(t))
	}
	return http.StatusCreated, out, nil
}

func (a *API) listContacts(w http.ResponseWriter, r *http.Request) (int, any, error) {
	limit, offset, err := paging(r)
	if err != nil {
		return 0, nil, err
	}
	cid, _ := strconv.ParseInt(r.URL.Query().Get("customer_id"), 10, 64)
	cs, err := a.Customers.Contacts(r.Context(), crm.ContactFilter{CustomerID: cid, Number: r.URL.Query().Get("number"), Limit: limit, Offset: offset})
	if err != nil {
		return 0, nil, err
	}
	out := list[contactJSON]{Items: []contactJSON{}, Total: len(cs)}
	for _, c := range cs {
		out.Items = append(out.Items, toContactJSON(c))
	}
	return http.StatusOK, out, nil
}

type leadJSON struct {
	ID            int64     `json:"id"`
	CustomerID    int64     `json:"customer_id"`
	CustomerName  string    `json:"customer_name"`
	CustomerPhone string    `json:"customer_phone"`
	ContactID     int64     `json:"contact_id,omitempty"`
	PartnerID     int64     `json:"partner_id,omitempty"`
	PartnerName   string    `json:"partner_name"`
	Product       string    `json:"product"`
	Status        string    `json:"status"`
	FollowUp      string    `json:"follow_up"`
	OwnerID       int64     `json:"owner_id,omitempty"`
	Note          string    `json:"note"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
}

func toLeadJSON(l *crm.Lead) leadJSON {
	return leadJSON{l.ID, l.CustomerID, l.CustomerName, l.CustomerPhone, l.ContactID, l.PartnerID, l.PartnerName, l.Product, l.Status,
		l.FollowUp, l.OwnerID, l.Note, l.CreatedAt, l.UpdatedAt}
}

// listLeads serves /leads (staff: all) and /partner/leads (a partner: its own); the
// store limits partner users whatever the route.
func (a *API) listLeads(w http.ResponseWriter, r *http.Request) (int, any, error) {
	limit, offset, err := paging(r)
	if err != nil {
		return 0, nil, err
	}
	q := r.URL.Query()
	partner, _ := strconv.ParseInt(q.Get("partner_id"), 10, 64)
	customer, _ := strconv.ParseInt(q.Get("customer_id"), 10, 64)
	ls, err := a.Customers.Leads(r.Context(), principal(r).User, crm.LeadFilter{Status: q.Get("status"), PartnerID: partner, CustomerID: customer, Limit: limit, Offset: offset})
	if err != nil {
		return 0, nil, err
	}
	out := list[leadJSON]{Items: []leadJSON{}, Total: len(ls)}
	for _, l := range ls {
		out.Items = append(out.Items, toLeadJSON(l))
	}
	return http.StatusOK, out, nil
}

func (a *API) createLead(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[struct {
		CustomerID int64  `json:"customer_id"`
		ContactID  int64  `json:"contact_id"`
		PartnerID  int64  `json:"partner_id"`
		Product    string `json:"product"`
		Status     string `json:"status"`
		FollowUp   string `json:"follow_up"`
		OwnerID    int64  `json:"owner_id"`
		Note       string `json:"note"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	u := principal(r).User
	l := &crm.Lead{CustomerID: b.CustomerID, ContactID: b.ContactID, PartnerID: b.PartnerID, Product: b.Product, Status: b.Status,
		FollowUp: b.FollowUp, OwnerID: b.OwnerID, Note: b.Note}
	if l.OwnerID == 0 {
		l.OwnerID = u.ID
	}
	if err := a.Customers.CreateLead(r.Context(), u, l); err != nil {
		return 0, nil, err
	}
	got, err := a.Customers.Lead(r.Context(), u, l.ID)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toLeadJSON(got), nil
}

func (a *API) getLead(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	l, err := a.Customers.Lead(r.Context(), principal(r).User, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toLeadJSON(l), nil
}

func (a *API) updateLead(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[struct {
		Product   *string `json:"product"`
		Status    *string `json:"status"`
		FollowUp  *string `json:"follow_up"`
		Note      *string `json:"note"`
		PartnerID *int64  `json:"partner_id"`
		OwnerID   *int64  `json:"owner_id"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	l, err := a.Customers.UpdateLead(r.Context(), principal(r).User, id, crm.LeadChange{Product: b.Product, Status: b.Status, FollowUp: b.FollowUp,
		Note: b.Note, PartnerID: b.PartnerID, OwnerID: b.OwnerID})
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toLeadJSON(l), nil
}

// exportCustomers answers the customers of a search as a CSV or .xlsx file.
func (a *API) exportCustomers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	format, lang := q.Get("format"), q.Get("lang")
	if format == "" {
		format = "csv"
	}
	if lang != "en" {
		lang = "zh-CN"
	}
	var buf bytes.Buffer
	if err := a.Customers.Export(r.Context(), crm.Filter{Query: q.Get("q"), Tag: q.Get("tag")}, format, lang, &buf); err != nil {
		a.Fail(w, r, err)
		return
	}
	ct := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Disposition", `attachment; filename="customers.`+format+`"`)
	w.Write(buf.Bytes())
}

type rowErrorJSON struct {
	Row     int    `json:"row"`
	Column  string `json:"column"`
	Message string `json:"message"`
}

// importCustomers reads a CSV or .xlsx file sent as the body (Content-Type text/csv or
// the xlsx type); ?dry_run=true checks only, ?mode=skip_bad imports the good rows.
func (a *API) importCustomers(w http.ResponseWriter, r *http.Request) (int, any, error) {
	name := "upload.csv"
	switch ct := r.Header.Get("Content-Type"); ct {
	case "text/csv", "text/csv; charset=utf-8":
	case "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":
		name = "upload.xlsx"
	default:
		return 0, nil, errs.E(errs.Invalid, "Send the file as text/csv or application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.")
	}
	table, err := crm.ReadTable(name, http.MaxBytesReader(w, r.Body, min(a.MaxBodyBytes, crm.MaxImportBytes)))
	if err != nil {
		if _, ok := errs.As(err); !ok {
			return 0, nil, errs.E(errs.TooLarge, "The file is larger than %d bytes.", min(a.MaxBodyBytes, crm.MaxImportBytes))
		}
		return 0, nil, err
	}
	q := r.URL.Query()
	mode := q.Get("mode")
	if mode != "" && mode != "all" && mode != "skip_bad" {
		return 0, nil, errs.Field("mode", "mode must be all or skip_bad.")
	}
	rep, err := a.Customers.Import(r.Context(), table, crm.ImportOptions{DryRun: q.Get("dry_run") == "true", SkipBad: mode == "skip_bad", ActorID: principal(r).User.ID})
	if err != nil {
		return 0, nil, err
	}
	out := struct {
		DryRun   bool           `json:"dry_run"`
		Rows     int            `json:"rows"`
		Valid    int            `json:"valid"`
		Imported int            `json:"imported"`
		Errors   []rowErrorJSON `json:"errors"`
	}{rep.DryRun, rep.Rows, rep.Valid, rep.Imported, []rowErrorJSON{}}
	for _, e := range rep.Errors {
		out.Errors = append(out.Errors, rowErrorJSON{e.Row, e.Column, e.Message})
	}
	return http.StatusOK, out, nil
}
