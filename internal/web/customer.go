package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/i18n"
)

func userOf(r *http.Request) *auth.User { return auth.FromContext(r.Context()).User }

type customersData struct {
	Query     string
	Tag       string
	Customers []*crm.Customer
	Total     int
	Offset    int
	Next      int
	Prev      int
}

func (c *Console) customers(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := &customersData{Query: q.Get("q"), Tag: q.Get("tag")}
	d.Offset, _ = strconv.Atoi(q.Get("offset"))
	d.Offset = max(d.Offset, 0)
	var err error
	if d.Customers, d.Total, err = c.Customers.Search(r.Context(), crm.Filter{Query: d.Query, Tag: d.Tag, Limit: 100, Offset: d.Offset}); err != nil {
		c.Fail(w, r, err)
		return
	}
	d.Prev, d.Next = max(d.Offset-100, 0), 0
	if d.Offset+100 < d.Total {
		d.Next = d.Offset + 100
	}
	block := "layout"
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "customer-rows" {
		block = "rows"
	}
	c.renderBlock(w, r, http.StatusOK, "customers", block, c.page(r, "customers.title", d))
}

// QueryString is the search's query for links (export, paging).
func (d *customersData) QueryString(extra ...string) string {
	v := url.Values{}
	if d.Query != "" {
		v.Set("q", d.Query)
	}
	if d.Tag != "" {
		v.Set("tag", d.Tag)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		v.Set(extra[i], extra[i+1])
	}
	return v.Encode()
}

type customerView struct {
	Customer   *crm.Customer
	Defs       []crm.FieldDef
	Timeline   []timelineItem
	Total      int
	Category   string
	Categories []string
	Offset     int
	Next, Prev int
	Duplicates []crm.Duplicate
	Repeat     *crm.Repeat
	Leads      []*crm.Lead
	Partners   []auth.Partner
	Channels   []string
	Today      string
	Error      string
}

const timelinePage = 20

func (c *Console) customer(w http.ResponseWriter, r *http.Request) {
	c.showCustomer(w, r, http.StatusOK, "")
}

// showCustomer renders the profile; errMsg is a failed action's message.
func (c *Console) showCustomer(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	ctx := r.Context()
	cu, err := c.Customers.Get(ctx, id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	q := r.URL.Query()
	d := &customerView{Customer: cu, Category: q.Get("category"), Categories: crm.TimelineCategories, Channels: crm.Channels, Error: errMsg,
		Today: time.Now().In(c.Location).Format("2006-01-02")}
	d.Offset, _ = strconv.Atoi(q.Get("offset"))
	d.Offset = max(d.Offset, 0)
	var cats []string
	if slices.Contains(crm.TimelineCategories, d.Category) {
		cats = []string{d.Category}
	} else {
		d.Category = ""
	}
	evs, total, err := c.Customers.Timeline(ctx, id, crm.TimelineFilter{Categories: cats, Limit: timelinePage, Offset: d.Offset})
	if err == nil {
		d.Total = total
		d.Prev = max(d.Offset-timelinePage, 0)
		if d.Offset+timelinePage < total {
			d.Next = d.Offset + timelinePage
		}
		d.Timeline, err = c.timelineItems(r, evs)
	}
	if err == nil {
		d.Defs, err = c.Customers.FieldDefs(ctx)
	}
	if err == nil {
		d.Repeat, err = c.Customers.CheckRepeat(ctx, id, "")
	}
	if err == nil {
		d.Leads, err = c.Customers.Leads(ctx, userOf(r), crm.LeadFilter{CustomerID: id})
	}
	if err == nil {
		d.Partners, err = c.Auth.Partners(ctx)
	}
	if err == nil && userOf(r).Can(auth.PermCustomersWrite) {
		d.Duplicates, err = c.Customers.Duplicates(ctx, id, 20)
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	block := "layout"
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "timeline" {
		block = "timeline"
	}
	p := c.page(r, "customers.profile", d)
	p.Title = cu.Name
	c.renderBlock(w, r, status, "customer_view", block, p)
}

// TimelineURL is the profile with another timeline category or page.
func (d *customerView) TimelineURL(category string, offset int) string {
	v := url.Values{}
	if category != "" {
		v.Set("category", category)
	}
	if offset > 0 {
		v.Set("offset", strconv.Itoa(offset))
	}
	s := "/customers/" + strconv.FormatInt(d.Customer.ID, 10)
	if len(v) > 0 {
		s += "?" + v.Encode()
	}
	return s
}

// FieldValue is a custom field's value for display.
func (d *customerView) FieldValue(key string) string { return d.Customer.Fields[key] }

type timelineItem struct {
	ID       int64
	At       time.Time
	Kind     string
	Category string
	Title    string
	Detail   string
	Actor    string
	TicketID int64
	Repeat   bool
}

// timelineItems renders events readably in the reader's language, with the actors' names.
func (c *Console) timelineItems(r *http.Request, evs []events.Event) ([]timelineItem, error) {
	l := c.Catalog.Locale(Language(r))
	actors := map[int64]string{}
	for _, e := range evs {
		if e.ActorID == 0 || actors[e.ActorID] != "" {
			continue
		}
		u, err := c.Auth.User(r.Context(), e.ActorID)
		if err != nil {
			if errs.CodeOf(err) != errs.NotFound {
				return nil, err
			}
			actors[e.ActorID] = "#" + strconv.FormatInt(e.ActorID, 10)
			continue
		}
		actors[e.ActorID] = u.DisplayName
	}
	out := make([]timelineItem, 0, len(evs))
	for _, e := range evs {
		title, detail := describeEvent(l, e)
		out = append(out, timelineItem{ID: e.ID, At: e.At, Kind: e.Kind, Category: e.Category(), Title: title, Detail: detail,
			Actor: actors[e.ActorID], TicketID: e.TicketID, Repeat: e.Data["repeat_of"] != nil})
	}
	return out, nil
}

// describeEvent is an event's title and detail line in a language. Kinds this package
// does not know get a generic title and their data's text values.
func describeEvent(l *i18n.Locale, e events.Event) (title, detail string) {
	key := "timeline.kind." + e.Kind
	switch {
	case l.Has(key):
		title = l.T(key)
	case e.Category() == "ticket":
		title = l.T("timeline.ticket_other", strings.TrimPrefix(e.Kind, "ticket."))
	default:
		title = l.T("timeline.generic", e.Kind)
	}
	var parts []string
	add := func(s string) {
		if s != "" {
			parts = append(parts, s)
		}
	}
	switch e.Category() {
	case "contact":
		add(l.T("timeline.dir." + e.Str("direction")))
		add(crm.DisplayPhone(e.Str("number")))
		if s, ok := e.Data["seconds"].(float64); ok {
			add(l.T("timeline.seconds", int(s)))
		}
		add(e.Str("summary"))
	case "ticket":
		add(strings.TrimSpace(e.Str("number") + " " + e.Str("title")))
		if st := ticketStatusName(l.Lang, e); st != "" {
			add(l.T("timeline.status", st))
		}
		for _, k := range []string{"partner", "department", "assignee"} {
			if v := e.Str(k); v != "" {
				add(l.T("timeline.to", v))
			}
		}
		add(e.Str("name"))    // an attachment's file name
		add(e.Str("excerpt")) // a note's text, unless internal
	case "todo":
		if k := "todo.kind." + e.Str("kind"); l.Has(k) {
			add(l.T(k))
		}
		add(e.Str("title"))
	case "lead":
		add(e.Str("product"))
		if st := e.Str("status"); st != "" {
			add(l.T("lead.status." + st))
		}
		if p := e.Str("partner"); p != "" {
			add(l.T("timeline.to", p))
		}
	default:
		switch e.Kind {
		case "customer.note":
			add(e.Str("text"))
		case "customer.merged":
			add(l.T("timeline.merged", e.Str("merged_name"), jsonInt(e.Data["merged_id"])))
		case "customer.updated":
			changed, _ := e.Data["changed"].([]any)
			var names []string
			for _, f := range changed {
				s, _ := f.(string)
				names = append(names, l.T("customers.f."+s))
			}
			add(strings.Join(names, l.T("common.list_sep")))
		case "customer.created":
			if e.Str("source") == "import" {
				add(l.T("timeline.imported"))
			}
		default:
			keys := make([]string, 0, len(e.Data))
			for k := range e.Data {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				if s, ok := e.Data[k].(string); ok && s != "" {
					add(s)
				}
			}
		}
	}
	return title, strings.Join(parts, " · ")
}

// ticketStatusName is a ticket event's status as its type names it in lang, or its code.
func ticketStatusName(lang string, e events.Event) string {
	name := e.Str("status_name")
	if lang == "en" {
		name = e.Str("status_name_en")
	}
	if name == "" {
		name = e.Str("status")
	}
	return name
}

func jsonInt(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

// formCustomer reads the customer form: lists come as repeated fields.
func formCustomer(r *http.Request, defs []crm.FieldDef) *crm.Customer {
	f := r.PostForm
	vip, err := strconv.Atoi(f.Get("vip_level"))
	if err != nil {
		vip = -1
	}
	cu := &crm.Customer{Name: f.Get("name"), Company: f.Get("company"), City: f.Get("city"), Note: f.Get("note"), VIPLevel: vip,
		Fields: map[string]string{}}
	labels := f["phone_label"]
	for i, n := range f["phone"] {
		label := ""
		if i < len(labels) {
			label = labels[i]
		}
		cu.Phones = append(cu.Phones, crm.Phone{Number: n, Label: label})
	}
	cu.Emails = strings.Fields(strings.NewReplacer(",", " ", ";", " ", "，", " ").Replace(f.Get("emails")))
	for _, t := range strings.FieldsFunc(f.Get("tags"), func(r rune) bool { return r == ',' || r == '，' || r == ';' || r == '、' }) {
		cu.Tags = append(cu.Tags, t)
	}
	at := func(name string, i int) string {
		if vs := f[name]; i < len(vs) {
			return vs[i]
		}
		return ""
	}
	for i := range f["addr_street"] {
		cu.Addresses = append(cu.Addresses, crm.Address{Label: at("addr_label", i), Province: at("addr_province", i), City: at("addr_city", i),
			District: at("addr_district", i), Street: at("addr_street", i), PostalCode: at("addr_postal", i)})
	}
	for i := range f["asset_number"] {
		cu.Assets = append(cu.Assets, crm.Asset{Kind: at("asset_kind", i), Number: at("asset_number", i), Product: at("asset_product", i),
			PurchasedOn: at("asset_purchased", i), WarrantyEnd: at("asset_warranty", i)})
	}
	for _, d := range defs {
		cu.Fields[d.Key] = f.Get("field_" + d.Key)
	}
	return cu
}

type customerFormData struct {
	Customer  *crm.Customer
	New       bool
	Defs      []crm.FieldDef
	Kinds     []string
	Error     string
	Errors    map[string]string
	TagsText  string
	EmailText string
}

func (c *Console) customerForm(w http.ResponseWriter, r *http.Request, status int, d *customerFormData) {
	var err error
	if d.Defs, err = c.Customers.FieldDefs(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	d.Kinds = crm.AssetKinds
	cu := d.Customer
	d.TagsText, d.EmailText = strings.Join(cu.Tags, ", "), strings.Join(cu.Emails, "\n")
	// Blank rows to add a phone, an address and a product.
	cu.Phones = append(cu.Phones, crm.Phone{}, crm.Phone{})
	cu.Addresses = append(cu.Addresses, crm.Address{})
	cu.Assets = append(cu.Assets, crm.Asset{Kind: crm.AssetDevice})
	title := "customers.edit"
	if d.New {
		title = "customers.new"
	}
	c.render(w, r, status, "customer_form", c.page(r, title, d))
}

func (c *Console) newCustomer(w http.ResponseWriter, r *http.Request) {
	cu := &crm.Customer{}
	if p := r.URL.Query().Get("phone"); p != "" {
		cu.Phones = []crm.Phone{{Number: p}}
	}
	c.customerForm(w, r, http.StatusOK, &customerFormData{New: true, Customer: cu})
}

func (c *Console) editCustomer(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	cu, err := c.Customers.Get(r.Context(), id)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	c.customerForm(w, r, http.StatusOK, &customerFormData{Customer: cu})
}

// customerFailure shows the form again with the errors.
func (c *Console) customerFailure(w http.ResponseWriter, r *http.Request, err error, d *customerFormData) {
	if code := errs.CodeOf(err); code == errs.Internal || code == errs.NotFound {
		c.Fail(w, r, err)
		return
	}
	l := c.Catalog.Locale(Language(r))
	d.Error = message(l, err)
	d.Errors = map[string]string{}
	for f, fe := range crm.FieldErrors(err) {
		d.Errors[f] = message(l, fe)
	}
	c.customerForm(w, r, httpx.Status(errs.CodeOf(err)), d)
}

func (c *Console) createCustomer(w http.ResponseWriter, r *http.Request) {
	defs, err := c.Customers.FieldDefs(r.Context())
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	cu := formCustomer(r, defs)
	if err := c.Customers.CreateAs(r.Context(), userOf(r).ID, cu); err != nil {
		c.customerFailure(w, r, err, &customerFormData{New: true, Customer: cu})
		return
	}
	http.Redirect(w, r, "/customers/"+strconv.FormatInt(cu.ID, 10)+"?ok=customer_created", http.StatusSeeOther)
}

func (c *Console) updateCustomer(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	defs, err := c.Customers.FieldDefs(r.Context())
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	cu := formCustomer(r, defs)
	cu.ID = id
	if err := c.Customers.Update(r.Context(), userOf(r).ID, cu); err != nil {
		c.customerFailure(w, r, err, &customerFormData{Customer: cu})
		return
	}
	http.Redirect(w, r, "/customers/"+strconv.FormatInt(id, 10)+"?ok=customer_saved", http.StatusSeeOther)
}

// actionFailure re-renders the profile with a failed action's message.
func (c *Console) actionFailure(w http.ResponseWriter, r *http.Request, err error) {
	if code := errs.CodeOf(err); code == errs.Internal || code == errs.NotFound || code == errs.Forbidden {
		c.Fail(w, r, err)
		return
	}
	c.showCustomer(w, r, httpx.Status(errs.CodeOf(err)), message(c.Catalog.Locale(Language(r)), err))
}

func (c *Console) addNote(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if _, err := c.Customers.AddNote(r.Context(), userOf(r).ID, id, r.PostFormValue("text")); err != nil {
		c.actionFailure(w, r, err)
		return
	}
	http.Redirect(w, r, "/customers/"+strconv.FormatInt(id, 10)+"?ok=note_added", http.StatusSeeOther)
}

func (c *Console) recordContact(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	ct := &crm.Contact{CustomerID: id, Channel: r.PostFormValue("channel"), Direction: r.PostFormValue("direction"),
		Summary: r.PostFormValue("summary"), AgentID: userOf(r).ID}
	if n := strings.TrimSpace(r.PostFormValue("number")); n != "" {
		if ct.Direction == crm.Outbound {
			ct.To = n
		} else {
			ct.From = n
		}
	}
	if _, err := c.Customers.RecordContact(r.Context(), ct); err != nil {
		c.actionFailure(w, r, err)
		return
	}
	http.Redirect(w, r, "/customers/"+strconv.FormatInt(id, 10)+"?ok=contact_recorded", http.StatusSeeOther)
}

func (c *Console) createLead(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	partner, _ := strconv.ParseInt(r.PostFormValue("partner_id"), 10, 64)
	l := &crm.Lead{CustomerID: id, Product: r.PostFormValue("product"), PartnerID: partner, FollowUp: r.PostFormValue("follow_up"),
		Note: r.PostFormValue("note"), OwnerID: userOf(r).ID}
	if err := c.Customers.CreateLead(r.Context(), userOf(r), l); err != nil {
		c.actionFailure(w, r, err)
		return
	}
	http.Redirect(w, r, "/customers/"+strconv.FormatInt(id, 10)+"?ok=lead_created", http.StatusSeeOther)
}
