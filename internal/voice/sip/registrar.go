package sip

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	sipmsg "github.com/emiago/sipgo/sip"
	"github.com/icholy/digest"
)

// Registrar limits.
const (
	nonceTTL       = 5 * time.Minute
	maxAuthFails   = 3 // wrong responses to the same user from the same source before 403
	failWindow     = 5 * time.Minute
	defaultExpires = 3600
	minExpires     = 60
	maxExpires     = 3600
)

// Registration is where an agent phone can be reached.
type Registration struct {
	User      string    `json:"user"`
	Contact   string    `json:"contact"`   // the Contact URI the phone registered
	Source    string    `json:"source"`    // the address its REGISTER came from
	Transport string    `json:"transport"` // UDP, TCP or TLS
	UserAgent string    `json:"user_agent"`
	Expires   time.Time `json:"expires"`
}

type registrar struct {
	realm  string
	dir    Directory
	secret [32]byte

	mu    sync.Mutex
	regs  map[string]map[string]Registration // user -> contact -> registration
	fails map[string]failCount               // user|source -> failures
}

type failCount struct {
	n    int
	last time.Time
}

func newRegistrar(realm string, dir Directory) *registrar {
	r := &registrar{realm: realm, dir: dir, regs: map[string]map[string]Registration{}, fails: map[string]failCount{}}
	_, _ = rand.Read(r.secret[:])
	return r
}

// nonce is the time it was made and a MAC of it, so that any nonce we made can be checked
// (and told stale) without keeping it.
func (r *registrar) nonce(now time.Time) string {
	ts := strconv.FormatInt(now.Unix(), 16)
	return ts + "." + r.mac(ts)
}

func (r *registrar) mac(ts string) string {
	m := hmac.New(sha256.New, r.secret[:])
	m.Write([]byte(ts))
	return hex.EncodeToString(m.Sum(nil)[:16])
}

// checkNonce reports whether n is ours and whether it is still fresh.
func (r *registrar) checkNonce(n string, now time.Time) (ours, fresh bool) {
	ts, mac, ok := strings.Cut(n, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(r.mac(ts))) {
		return false, false
	}
	sec, err := strconv.ParseInt(ts, 16, 64)
	if err != nil {
		return false, false
	}
	age := now.Sub(time.Unix(sec, 0))
	return true, age >= -time.Minute && age <= nonceTTL
}

// challenge answers 401 with a fresh nonce.
func (r *registrar) challenge(req *sipmsg.Request, tx sipmsg.ServerTransaction, stale bool, now time.Time) {
	ch := digest.Challenge{Realm: r.realm, Nonce: r.nonce(now), Algorithm: "MD5", QOP: []string{"auth"}, Stale: stale}
	res := sipmsg.NewResponseFromRequest(req, 401, "Unauthorized", nil)
	res.AppendHeader(sipmsg.NewHeader("WWW-Authenticate", ch.String()))
	_ = tx.Respond(res)
}

// authError is why a request failed digest authentication.
type authError int

const (
	authOK        authError = iota
	authChallenge           // no or unusable credentials: 401
	authStale               // our nonce, expired: 401 stale=true
	authForbidden           // unknown or disabled user, or too many failures: 403
	authBad                 // unparseable credentials: 400
)

// verify checks the Authorization of req for username user.
func (r *registrar) verify(ctx context.Context, req *sipmsg.Request, now time.Time) (string, authError) {
	h := req.GetHeader("Authorization")
	if h == nil {
		return "", authChallenge
	}
	cred, err := digest.ParseCredentials(h.Value())
	if err != nil {
		return "", authBad
	}
	if cred.Realm != r.realm || (cred.Algorithm != "" && !strings.EqualFold(cred.Algorithm, "MD5")) {
		return "", authChallenge
	}
	if r.dir == nil {
		return cred.Username, authForbidden
	}
	acct, err := r.dir.Account(ctx, cred.Username)
	if err != nil || acct.Disabled {
		return cred.Username, authForbidden
	}
	key := cred.Username + "|" + sourceHost(req.Source())
	r.mu.Lock()
	f := r.fails[key]
	r.mu.Unlock()
	if f.n >= maxAuthFails && now.Sub(f.last) < failWindow {
		return cred.Username, authForbidden
	}
	ours, fresh := r.checkNonce(cred.Nonce, now)
	if !ours {
		return cred.Username, authChallenge
	}
	ch := &digest.Challenge{Realm: r.realm, Nonce: cred.Nonce, Algorithm: "MD5"}
	if cred.QOP != "" {
		if cred.QOP != "auth" {
			return cred.Username, authChallenge
		}
		ch.QOP = []string{"auth"}
	}
	want, err := digest.Digest(ch, digest.Options{
		Method: req.Method.String(), URI: cred.URI, Username: cred.Username,
		A1: acct.HA1, Cnonce: cred.Cnonce, Count: cred.Nc,
	})
	if err != nil || subtle.ConstantTimeCompare([]byte(want.Response), []byte(strings.ToLower(cred.Response))) != 1 {
		r.mu.Lock()
		f := r.fails[key]
		f.n++
		f.last = now
		r.fails[key] = f
		r.mu.Unlock()
		if f.n >= maxAuthFails {
			return cred.Username, authForbidden
		}
		return cred.Username, authChallenge
	}
	if !fresh {
		return cred.Username, authStale
	}
	r.mu.Lock()
	delete(r.fails, key)
	r.mu.Unlock()
	return cred.Username, authOK
}

func sourceHost(src string) string {
	if i := strings.LastIndexByte(src, ':'); i > 0 {
		return src[:i]
	}
	return src
}

func (e *Engine) onRegister(req *sipmsg.Request, tx sipmsg.ServerTransaction) {
	r := e.reg
	now := time.Now()
	ctx, cancel := context.WithTimeout(e.ctx, 5*time.Second)
	defer cancel()
	user, res := r.verify(ctx, req, now)
	switch res {
	case authChallenge, authStale:
		r.challenge(req, tx, res == authStale, now)
		return
	case authBad:
		e.respond(req, tx, 400, "Bad Authorization")
		return
	case authForbidden:
		e.log.Info("REGISTER refused", "user", user, "source", req.Source())
		e.respond(req, tx, 403, "Forbidden")
		return
	}
	if req.To().Address.User != user {
		e.respond(req, tx, 403, "Forbidden")
		return
	}
	expires := defaultExpires
	if h := req.GetHeader("Expires"); h != nil {
		n, err := strconv.Atoi(strings.TrimSpace(h.Value()))
		if err != nil || n < 0 {
			e.respond(req, tx, 400, "Bad Expires")
			return
		}
		expires = n
	}
	ua := ""
	if h := req.GetHeader("User-Agent"); h != nil {
		ua = h.Value()
	}
	contacts := req.GetHeaders("Contact")
	for _, h := range contacts {
		ch, ok := h.(*sipmsg.ContactHeader)
		if !ok {
			continue
		}
		exp := expires
		if v, ok := ch.Params.Get("expires"); ok {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				e.respond(req, tx, 400, "Bad Expires")
				return
			}
			exp = n
		}
		if ch.Address.Wildcard {
			if exp != 0 || len(contacts) != 1 {
				e.respond(req, tx, 400, "Bad Wildcard")
				return
			}
			r.removeAll(user)
			continue
		}
		if exp > 0 && exp < minExpires {
			res := sipmsg.NewResponseFromRequest(req, 423, "Interval Too Brief", nil)
			res.AppendHeader(sipmsg.NewHeader("Min-Expires", strconv.Itoa(minExpires)))
			_ = tx.Respond(res)
			return
		}
		uri := ch.Address.String()
		if exp == 0 {
			r.remove(user, uri)
			e.log.Info("unregistered", "user", user, "contact", uri)
			continue
		}
		exp = min(exp, maxExpires)
		r.add(Registration{
			User: user, Contact: uri, Source: req.Source(), Transport: req.Transport(), UserAgent: ua,
			Expires: now.Add(time.Duration(exp) * time.Second),
		})
		e.log.Info("registered", "user", user, "contact", uri, "source", req.Source(), "expires", exp)
	}
	ok := sipmsg.NewResponseFromRequest(req, 200, "OK", nil)
	for _, reg := range r.of(user, now) {
		var u sipmsg.Uri
		if sipmsg.ParseUri(reg.Contact, &u) != nil {
			continue
		}
		ok.AppendHeader(&sipmsg.ContactHeader{Address: u, Params: sipmsg.HeaderParams{{K: "expires", V: strconv.Itoa(int(reg.Expires.Sub(now).Seconds()))}}})
	}
	ok.AppendHeader(sipmsg.NewHeader("Date", now.UTC().Format(time.RFC1123)))
	_ = tx.Respond(ok)
	e.registrationChanged(user, len(r.of(user, now)) > 0)
}

func (r *registrar) add(reg Registration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.regs[reg.User]
	if m == nil {
		m = map[string]Registration{}
		r.regs[reg.User] = m
	}
	m[reg.Contact] = reg
}

func (r *registrar) remove(user, contact string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.regs[user], contact)
	if len(r.regs[user]) == 0 {
		delete(r.regs, user)
	}
}

func (r *registrar) removeAll(user string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.regs, user)
}

// of lists user's live registrations, newest expiry first.
func (r *registrar) of(user string, now time.Time) []Registration {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Registration
	for _, reg := range r.regs[user] {
		if reg.Expires.After(now) {
			out = append(out, reg)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Expires.After(out[j].Expires) })
	return out
}

func (r *registrar) list(now time.Time) []Registration {
	r.mu.Lock()
	var users []string
	for u := range r.regs {
		users = append(users, u)
	}
	r.mu.Unlock()
	sort.Strings(users)
	var out []Registration
	for _, u := range users {
		out = append(out, r.of(u, now)...)
	}
	return out
}

// expire drops registrations and failure counts that ran out. It returns the users
// whose last registration expired.
func (r *registrar) expire(now time.Time) (gone []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for u, m := range r.regs {
		for c, reg := range m {
			if !reg.Expires.After(now) {
				delete(m, c)
			}
		}
		if len(m) == 0 {
			delete(r.regs, u)
			gone = append(gone, u)
		}
	}
	for k, f := range r.fails {
		if now.Sub(f.last) > failWindow {
			delete(r.fails, k)
		}
	}
	return gone
}

// Registered reports the live registrations of user.
func (e *Engine) Registered(user string) []Registration { return e.reg.of(user, time.Now()) }

var errNotRegistered = errors.New("sip: not registered")

// target is where to send an INVITE for user.
func (e *Engine) target(user string) (Registration, sipmsg.Uri, error) {
	regs := e.reg.of(user, time.Now())
	if len(regs) == 0 {
		return Registration{}, sipmsg.Uri{}, errNotRegistered
	}
	var u sipmsg.Uri
	if err := sipmsg.ParseUri(regs[0].Contact, &u); err != nil {
		return Registration{}, u, fmt.Errorf("sip: contact %q: %w", regs[0].Contact, err)
	}
	return regs[0], u, nil
}
