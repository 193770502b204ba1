package sip

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
)

// Account is an agent phone's SIP login: the username is the extension, and only HA1 =
// MD5(username:realm:password) is kept, which is what digest authentication needs.
type Account struct {
	ID       int64
	UserID   int64 // the Hotline user it belongs to (0: none)
	Username string
	HA1      string
	Disabled bool
}

// DID is a number a trunk delivers and the IVR flow that takes it (0: the default flow).
type DID struct {
	Number string `json:"number"`
	FlowID int64  `json:"flow_id"`
}

// Trunk is a carrier or PBX link: the numbers it delivers to us and where outbound calls
// go. The password is kept in clear because digest authentication towards the carrier
// needs it.
type Trunk struct {
	ID        int64
	Name      string
	DIDs      []DID
	Host      string // outbound host ("" = inbound only)
	Port      int
	Transport string // udp, tcp or tls
	Username  string
	Password  string
	CallerID  string // the number presented on outbound calls
	Default   bool   // the trunk for outside numbers
	Enabled   bool
}

// ErrNoAccount is returned by a Directory for an unknown username.
var ErrNoAccount = errors.New("sip: no such account")

// Directory gives the engine SIP accounts and trunks.
type Directory interface {
	// Account finds a username's account (ErrNoAccount if none).
	Account(ctx context.Context, username string) (Account, error)
	// Trunks lists the trunks.
	Trunks(ctx context.Context) ([]Trunk, error)
}

// HA1 is MD5(username:realm:password) in hex.
func HA1(username, realm, password string) string {
	h := md5.Sum([]byte(username + ":" + realm + ":" + password))
	return hex.EncodeToString(h[:])
}

// NormalizeNumber keeps the digits of a phone number (and a leading +), so that
// "010-1234 5678" matches "01012345678".
func NormalizeNumber(s string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(s) {
		if (r >= '0' && r <= '9') || (r == '+' && i == 0) || r == '*' || r == '#' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// RouteFor finds the IVR flow of a dialed number by the trunks' DIDs: ok is false when
// no enabled trunk has the number (the switchboard then uses its default flow).
func (e *Engine) RouteFor(dialed string) (flowID int64, ok bool) {
	flowID, _, ok = e.route(dialed)
	return flowID, ok
}

func (e *Engine) route(dialed string) (int64, string, bool) {
	if e.opt.Directory == nil {
		return 0, "", false
	}
	want := NormalizeNumber(dialed)
	if want == "" {
		return 0, "", false
	}
	trunks, err := e.opt.Directory.Trunks(e.ctx)
	if err != nil {
		e.log.Error("SIP trunks", "err", err)
		return 0, "", false
	}
	for _, t := range trunks {
		if !t.Enabled {
			continue
		}
		for _, d := range t.DIDs {
			if NormalizeNumber(d.Number) == want {
				return d.FlowID, t.Name, true
			}
		}
	}
	return 0, "", false
}

// MemoryDirectory is a Directory in memory (tests and tools).
type MemoryDirectory struct {
	mu       sync.Mutex
	accounts map[string]Account
	trunks   []Trunk
}

// NewMemoryDirectory makes an empty directory.
func NewMemoryDirectory() *MemoryDirectory {
	return &MemoryDirectory{accounts: map[string]Account{}}
}

// AddAccount adds username with password in realm.
func (m *MemoryDirectory) AddAccount(username, realm, password string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.accounts[username] = Account{ID: int64(len(m.accounts) + 1), Username: username, HA1: HA1(username, realm, password)}
}

// AddTrunk adds a trunk.
func (m *MemoryDirectory) AddTrunk(t Trunk) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.trunks = append(m.trunks, t)
}

func (m *MemoryDirectory) Account(_ context.Context, username string) (Account, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	a, ok := m.accounts[username]
	if !ok {
		return Account{}, ErrNoAccount
	}
	return a, nil
}

func (m *MemoryDirectory) Trunks(context.Context) ([]Trunk, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]Trunk(nil), m.trunks...), nil
}
