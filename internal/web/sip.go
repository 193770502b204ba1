package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/voice/sip"
)

type sipData struct {
	Accounts      []sip.AccountRow
	Registrations []sip.Registration
	Users         []*auth.User
	Secret        *sipSecret // a password just created or reset, shown once
	Form          struct {
		UserID   int64
		Username string
	}
	Error string
}

type sipSecret struct {
	Username, Password string
}

func (c *Console) sipPage(w http.ResponseWriter, r *http.Request, status int, d *sipData) {
	var err error
	if d.Accounts, err = c.SIP.Accounts(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	if c.SIPEngine != nil {
		d.Registrations = c.SIPEngine.Registrations()
	}
	if d.Users, _, err = c.Auth.ListUsers(r.Context(), auth.UserFilter{Limit: 1000}); err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, status, "sip", c.page(r, "sip.title", d))
}

func (c *Console) sipAccounts(w http.ResponseWriter, r *http.Request) {
	c.sipPage(w, r, http.StatusOK, &sipData{})
}

// sipFail shows err on the page, or the error page for internal errors.
func (c *Console) sipFail(w http.ResponseWriter, r *http.Request, err error, d *sipData) {
	if errs.CodeOf(err) == errs.Internal {
		c.Fail(w, r, err)
		return
	}
	d.Error = message(c.Catalog.Locale(Language(r)), err)
	c.sipPage(w, r, httpx.Status(errs.CodeOf(err)), d)
}

func (c *Console) createSIPAccount(w http.ResponseWriter, r *http.Request) {
	d := &sipData{}
	d.Form.UserID, _ = strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	d.Form.Username = strings.TrimSpace(r.PostFormValue("username"))
	row, pw, err := c.SIP.CreateAccount(r.Context(), d.Form.UserID, d.Form.Username, "")
	if err != nil {
		c.sipFail(w, r, err, d)
		return
	}
	c.sipPage(w, r, http.StatusOK, &sipData{Secret: &sipSecret{row.Username, pw}})
}

func (c *Console) resetSIPPassword(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	row, pw, err := c.SIP.ResetPassword(r.Context(), id)
	if err != nil {
		c.sipFail(w, r, err, &sipData{})
		return
	}
	c.sipPage(w, r, http.StatusOK, &sipData{Secret: &sipSecret{row.Username, pw}})
}

func (c *Console) setSIPDisabled(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if _, err := c.SIP.SetDisabled(r.Context(), id, r.PostFormValue("disabled") == "true"); err != nil {
		c.sipFail(w, r, err, &sipData{})
		return
	}
	http.Redirect(w, r, "/settings/sip", http.StatusSeeOther)
}

type trunksData struct {
	Trunks []sip.Trunk
	Form   sip.Trunk
	DIDs   string // the form's numbers: "number=flow" per line
	Error  string
	// Transports are the choices of the transport select.
	Transports []string
}

func (c *Console) trunksPage(w http.ResponseWriter, r *http.Request, status int, d *trunksData) {
	d.Transports = []string{"udp", "tcp", "tls"}
	var err error
	if d.Trunks, err = c.SIP.Trunks(r.Context()); err != nil {
		c.Fail(w, r, err)
		return
	}
	c.render(w, r, status, "sip_trunks", c.page(r, "trunks.title", d))
}

func (c *Console) trunks(w http.ResponseWriter, r *http.Request) {
	c.trunksPage(w, r, http.StatusOK, &trunksData{Form: sip.Trunk{Port: 5060, Transport: "udp", Enabled: true}})
}

// parseDIDs reads "number" or "number=flow id" lines; a bad flow id becomes -1, which
// validation rejects.
func parseDIDs(s string) []sip.DID {
	var out []sip.DID
	for line := range strings.Lines(s) {
		num, flow, _ := strings.Cut(strings.TrimSpace(line), "=")
		if strings.TrimSpace(num) == "" {
			continue
		}
		d := sip.DID{Number: strings.TrimSpace(num)}
		if f := strings.TrimSpace(flow); f != "" {
			var err error
			if d.FlowID, err = strconv.ParseInt(f, 10, 64); err != nil {
				d.FlowID = -1
			}
		}
		out = append(out, d)
	}
	return out
}

func (c *Console) createTrunk(w http.ResponseWriter, r *http.Request) {
	port, err := strconv.Atoi(strings.TrimSpace(r.PostFormValue("port")))
	if err != nil {
		port = -1
	}
	t := sip.Trunk{
		Name: r.PostFormValue("name"), Host: r.PostFormValue("host"), Port: port, Transport: r.PostFormValue("transport"),
		Username: strings.TrimSpace(r.PostFormValue("username")), Password: r.PostFormValue("password"),
		CallerID: strings.TrimSpace(r.PostFormValue("caller_id")), Default: r.PostFormValue("default") == "on",
		Enabled: r.PostFormValue("enabled") == "on", DIDs: parseDIDs(r.PostFormValue("dids")),
	}
	if err := c.SIP.SaveTrunk(r.Context(), &t); err != nil {
		if errs.CodeOf(err) == errs.Internal {
			c.Fail(w, r, err)
			return
		}
		t.Password = ""
		c.trunksPage(w, r, httpx.Status(errs.CodeOf(err)), &trunksData{Form: t, DIDs: r.PostFormValue("dids"), Error: message(c.Catalog.Locale(Language(r)), err)})
		return
	}
	http.Redirect(w, r, "/settings/trunks", http.StatusSeeOther)
}

func (c *Console) deleteTrunk(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		c.Fail(w, r, err)
		return
	}
	if err := c.SIP.DeleteTrunk(r.Context(), id); err != nil {
		c.Fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/settings/trunks", http.StatusSeeOther)
}
