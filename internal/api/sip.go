package api

import (
	"net/http"

	"github.com/hotlinecc/hotline/internal/httpx"
	"github.com/hotlinecc/hotline/internal/voice/sip"
)

// sipAccountBody creates an agent phone's SIP account.
type sipAccountBody struct {
	UserID   int64  `json:"user_id"`
	Username string `json:"username"` // the extension
	Password string `json:"password"` // empty: a random one
}

// sipSecretJSON is an account with its password, shown once.
type sipSecretJSON struct {
	Account  sip.AccountRow `json:"account"`
	Password string         `json:"password"`
}

func (a *API) listSIPAccounts(w http.ResponseWriter, r *http.Request) (int, any, error) {
	rows, err := a.SIP.Accounts(r.Context())
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, list[sip.AccountRow]{Items: append([]sip.AccountRow{}, rows...), Total: len(rows)}, nil
}

func (a *API) createSIPAccount(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[sipAccountBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	row, pw, err := a.SIP.CreateAccount(r.Context(), b.UserID, b.Username, b.Password)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, sipSecretJSON{row, pw}, nil
}

func (a *API) updateSIPAccount(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[struct {
		Disabled bool `json:"disabled"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	row, err := a.SIP.SetDisabled(r.Context(), id, b.Disabled)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, row, nil
}

func (a *API) resetSIPPassword(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	row, pw, err := a.SIP.ResetPassword(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, sipSecretJSON{row, pw}, nil
}

func (a *API) listSIPRegistrations(w http.ResponseWriter, r *http.Request) (int, any, error) {
	regs := []sip.Registration{}
	if a.SIPEngine != nil {
		regs = append(regs, a.SIPEngine.Registrations()...)
	}
	return http.StatusOK, list[sip.Registration]{Items: regs, Total: len(regs)}, nil
}

// trunkJSON is a trunk; the password is write-only.
type trunkJSON struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	DIDs      []sip.DID `json:"dids"`
	Host      string    `json:"host"`
	Port      int       `json:"port"`
	Transport string    `json:"transport"`
	Username  string    `json:"username"`
	Password  string    `json:"password,omitempty"`
	CallerID  string    `json:"caller_id"`
	Default   bool      `json:"default"`
	Enabled   bool      `json:"enabled"`
}

func toTrunkJSON(t sip.Trunk) trunkJSON {
	dids := append([]sip.DID{}, t.DIDs...)
	return trunkJSON{ID: t.ID, Name: t.Name, DIDs: dids, Host: t.Host, Port: t.Port, Transport: t.Transport,
		Username: t.Username, CallerID: t.CallerID, Default: t.Default, Enabled: t.Enabled}
}

func (b trunkJSON) trunk(id int64) sip.Trunk {
	return sip.Trunk{ID: id, Name: b.Name, DIDs: b.DIDs, Host: b.Host, Port: b.Port, Transport: b.Transport,
		Username: b.Username, Password: b.Password, CallerID: b.CallerID, Default: b.Default, Enabled: b.Enabled}
}

func (a *API) listTrunks(w http.ResponseWriter, r *http.Request) (int, any, error) {
	ts, err := a.SIP.Trunks(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := list[trunkJSON]{Items: []trunkJSON{}, Total: len(ts)}
	for _, t := range ts {
		out.Items = append(out.Items, toTrunkJSON(t))
	}
	return http.StatusOK, out, nil
}

func (a *API) saveTrunk(w http.ResponseWriter, r *http.Request, id int64) (sip.Trunk, error) {
	b, err := httpx.DecodeJSON[trunkJSON](w, r, a.MaxBodyBytes)
	if err != nil {
		return sip.Trunk{}, err
	}
	t := b.trunk(id)
	if id != 0 && b.Password == "" { // keep the stored password unless a new one is given
		old, err := a.SIP.Trunk(r.Context(), id)
		if err != nil {
			return sip.Trunk{}, err
		}
		t.Password = old.Password
	}
	return t, a.SIP.SaveTrunk(r.Context(), &t)
}

func (a *API) createTrunk(w http.ResponseWriter, r *http.Request) (int, any, error) {
	t, err := a.saveTrunk(w, r, 0)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusCreated, toTrunkJSON(t), nil
}

func (a *API) updateTrunk(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	t, err := a.saveTrunk(w, r, id)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, toTrunkJSON(t), nil
}

func (a *API) deleteTrunk(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	return http.StatusNoContent, nil, a.SIP.DeleteTrunk(r.Context(), id)
}
