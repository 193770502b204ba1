package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
)

type blocklistData struct {
	Entries []crm.BlockEntry
	Now     time.Time
	Form    crm.BlockInput
	Days    string
	Error   string
}

func (c *Console) blocklist(w http.ResponseWriter, r *http.Request) {
	c.blocklistPage(w, r, http.StatusOK, &blocklistData{})
}

func (c *Console) blocklistPage(w http.ResponseWriter, r *http.Request, status int, d *blocklistData) {
	var err error
	if d.Entries, err = c.Blocklist.List(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	d.Now = time.Now()
	c.render(w, r, status, "blocklist", c.page(r, "block.title", d))
}

// addBlock blocks a number or prefix, for a number of days or for good.
func (c *Console) addBlock(w http.ResponseWriter, r *http.Request) {
	in := crm.BlockInput{Pattern: strings.TrimSpace(r.PostFormValue("pattern")), Reason: r.PostFormValue("reason"), CreatedBy: auth.FromContext(r.Context()).User.ID}
	days := r.PostFormValue("days")
	var err error
	switch days {
	case "", "0":
	case "1", "7", "30", "90":
		n := map[string]int{"1": 1, "7": 7, "30": 30, "90": 90}[days]
		in.ExpiresAt = time.Now().AddDate(0, 0, n)
	default:
		err = errs.Field("days", "Choose how long the block lasts.").WithKey("block_expiry")
	}
	if err == nil {
		_, err = c.Blocklist.Add(r.Context(), in)
	}
	if err != nil {
		if errs.CodeOf(err) == errs.Internal {
			c.Fail(w, r, err)
			return
		}
		c.blocklistPage(w, r, httpx.Status(errs.CodeOf(err)), &blocklistData{Form: in, Days: days, Error: message(c.Catalog.Locale(Language(r)), err)})
		return
	}
	http.Redirect(w, r, "/settings/blocklist?ok=block_added", http.StatusSeeOther)
}

func (c *Console) removeBlock(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = c.Blocklist.Remove(r.Context(), id)
	}
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings/blocklist?ok=block_removed", http.StatusSeeOther)
}
