package web

import (
	"net/http"
	"strconv"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/ticket"
)

// The partner portal: a partner's users see the orders dispatched to their partner and
// nothing else of the center. The ticket service enforces the scope; these pages only
// show less (no history, no internal notes, no customer record).

type ordersData struct {
	Lang    string
	Open    bool
	Orders  []*ticket.Ticket
	Total   int
	Page    int
	PrevURL string
	NextURL string
	types   typeIndex
}

// StatusName labels an order's status in the page's language.
func (d *ordersData) StatusName(t *ticket.Ticket) string { return d.types.status(t, d.Lang) }

func (c *Console) orders(w http.ResponseWriter, r *http.Request) {
	d := &ordersData{Lang: Language(r), Open: r.URL.Query().Get("all") == ""}
	d.Page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	d.Page = max(d.Page, 1)
	var err error
	if _, d.types, err = c.loadTypes(r); err != nil {
		c.Fail(w, r, err)
		return
	}
	f := ticket.Filter{Open: d.Open, Limit: ticketsPerPage, Offset: (d.Page - 1) * ticketsPerPage}
	if d.Orders, d.Total, err = c.Tickets.List(r.Context(), auth.FromContext(r.Context()), f); err != nil {
		c.Fail(w, r, err)
		return
	}
	all := ""
	if !d.Open {
		all = "&all=1"
	}
	if d.Page > 1 {
		d.PrevURL = "/orders?page=" + strconv.Itoa(d.Page-1) + all
	}
	if d.Page*ticketsPerPage < d.Total {
		d.NextURL = "/orders?page=" + strconv.Itoa(d.Page+1) + all
	}
	c.render(w, r, http.StatusOK, "orders", c.page(r, "orders.title", d))
}

func (c *Console) showOrder(w http.ResponseWriter, r *http.Request) {
	c.showTicket(w, r)
}
