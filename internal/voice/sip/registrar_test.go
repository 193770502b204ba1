package sip

import (
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/icholy/digest"
)

// registerer sends REGISTERs over one UDP socket and reads the answers.
type registerer struct {
	t    *testing.T
	c    net.Conn
	addr string
	seq  int
}

func (r *registerer) send(user, expires, auth string) (status string, headers map[string]string) {
	r.t.Helper()
	r.seq++
	local := r.c.LocalAddr().String()
	msg := fmt.Sprintf("REGISTER sip:%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;rport;branch=z9hG4bKreg%d%d\r\n"+
		"From: <sip:%s@%s>;tag=t1\r\nTo: <sip:%s@%s>\r\nCall-ID: reg-%s\r\nCSeq: %d REGISTER\r\n"+
		"Contact: <sip:%s@%s>\r\nExpires: %s\r\nMax-Forwards: 70\r\nUser-Agent: regtest\r\n",
		r.addr, local, r.seq, time.Now().UnixNano(), user, r.addr, user, r.addr, user, r.seq, user, local, expires)
	if auth != "" {
		msg += "Authorization: " + auth + "\r\n"
	}
	msg += "Content-Length: 0\r\n\r\n"
	if _, err := r.c.Write([]byte(msg)); err != nil {
		r.t.Fatal(err)
	}
	_ = r.c.SetReadDeadline(time.Now().Add(3 * time.Second))
	buf := make([]byte, 4096)
	n, err := r.c.Read(buf)
	if err != nil {
		r.t.Fatalf("no answer to REGISTER: %v", err)
	}
	lines := strings.Split(string(buf[:n]), "\r\n")
	headers = map[string]string{}
	for _, l := range lines[1:] {
		if k, v, ok := strings.Cut(l, ":"); ok {
			headers[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		}
	}
	return lines[0], headers
}

// authorize answers the challenge in a 401's headers.
func (r *registerer) authorize(h map[string]string, user, pass string) string {
	r.t.Helper()
	ch, err := digest.ParseChallenge(h["www-authenticate"])
	if err != nil {
		r.t.Fatalf("challenge %q: %v", h["www-authenticate"], err)
	}
	cred, err := digest.Digest(ch, digest.Options{Method: "REGISTER", URI: "sip:" + r.addr, Username: user, Password: pass})
	if err != nil {
		r.t.Fatal(err)
	}
	return cred.String()
}

func TestRegistrar(t *testing.T) {
	dir := NewMemoryDirectory()
	dir.AddAccount("1001", "hotline", "right")
	dir.AddAccount("1003", "hotline", "other")
	e := startEngine(t, dir)
	c, err := net.Dial("udp", e.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := &registerer{t: t, c: c, addr: e.Addr().String()}

	st, h := r.send("1001", "60", "")
	if !strings.HasPrefix(st, "SIP/2.0 401") || !strings.Contains(h["www-authenticate"], `qop="auth"`) {
		t.Fatalf("first REGISTER: %s %v", st, h)
	}
	// The right password registers; the contact and expiry are kept.
	st, _ = r.send("1001", "60", r.authorize(h, "1001", "right"))
	if !strings.HasPrefix(st, "SIP/2.0 200") {
		t.Fatalf("REGISTER with the right password: %s", st)
	}
	regs := e.Registered("1001")
	if len(regs) != 1 || regs[0].UserAgent != "regtest" || time.Until(regs[0].Expires) > time.Minute || time.Until(regs[0].Expires) < 50*time.Second {
		t.Fatalf("registrations %+v", regs)
	}
	// Too short an interval: 423.
	st, h = r.send("1001", "10", "")
	if st, _ = r.send("1001", "10", r.authorize(h, "1001", "right")); !strings.HasPrefix(st, "SIP/2.0 423") {
		t.Errorf("Expires 10: %s, want 423", st)
	}
	// Expires: 0 unregisters.
	_, h = r.send("1001", "0", "")
	if st, _ = r.send("1001", "0", r.authorize(h, "1001", "right")); !strings.HasPrefix(st, "SIP/2.0 200") || len(e.Registered("1001")) != 0 {
		t.Fatalf("unregister: %s, %v", st, e.Registered("1001"))
	}
	// An unknown user is forbidden.
	_, h = r.send("7777", "60", "")
	if st, _ = r.send("7777", "60", r.authorize(h, "7777", "x")); !strings.HasPrefix(st, "SIP/2.0 403") {
		t.Errorf("unknown user: %s, want 403", st)
	}
	// Credentials of one user for another user's address: forbidden.
	_, h = r.send("1001", "60", "")
	if st, _ = r.send("1001", "60", r.authorize(h, "1003", "other")); !strings.HasPrefix(st, "SIP/2.0 403") {
		t.Errorf("1003's credentials for 1001: %s, want 403", st)
	}
	// A wrong password is challenged again, then forbidden after the retries.
	_, h = r.send("1001", "60", "")
	for i := 1; i <= maxAuthFails; i++ {
		st, h2 := r.send("1001", "60", r.authorize(h, "1001", "wrong"))
		want := "SIP/2.0 401"
		if i == maxAuthFails {
			want = "SIP/2.0 403"
		} else {
			h = h2
		}
		if !strings.HasPrefix(st, want) {
			t.Fatalf("wrong password, try %d: %s, want %s", i, st, want)
		}
	}
	if len(e.Registered("1001")) != 0 {
		t.Error("registered with a wrong password")
	}
}

func TestNonce(t *testing.T) {
	r := newRegistrar("hotline", nil)
	now := time.Now()
	n := r.nonce(now)
	if ours, fresh := r.checkNonce(n, now.Add(time.Minute)); !ours || !fresh {
		t.Errorf("fresh nonce: ours %v fresh %v", ours, fresh)
	}
	if ours, fresh := r.checkNonce(n, now.Add(nonceTTL+time.Second)); !ours || fresh {
		t.Errorf("old nonce: ours %v fresh %v; want ours and stale", ours, fresh)
	}
	if ours, _ := r.checkNonce(n[:len(n)-1]+"0", now); ours && !strings.HasSuffix(n, "0") {
		t.Error("a forged nonce passed")
	}
	if ours, _ := newRegistrar("hotline", nil).checkNonce(n, now); ours {
		t.Error("another registrar's nonce passed")
	}
}
