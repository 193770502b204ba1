// Package sip is Hotline's telephony engine: an implementation of voice.Engine that
// speaks SIP over UDP, TCP and (optionally) TLS with github.com/emiago/sipgo, and carries
// audio with internal/voice/media. It takes inbound calls (from trunks, softphones and
// anything that reaches the listening address), registers agent phones with digest
// authentication, originates calls to registered extensions and, through outbound
// trunks, to outside numbers, and bridges calls in rooms.
//
// The accounts and trunks live in the database (Store); the engine reads them through a
// Directory so that tests can hand it a map.
package sip

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/emiago/sipgo"
	sipmsg "github.com/emiago/sipgo/sip"

	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
)

// Options configure an Engine.
type Options struct {
	// Addr is the UDP and TCP listening address ("127.0.0.1:5060"; port 0 picks a free
	// port, the same for both).
	Addr string
	// TLSAddr, TLSCert and TLSKey turn on SIP over TLS when all three are set.
	TLSAddr, TLSCert, TLSKey string
	// PublicIP is the address put into SDP and Contact headers. Empty: the listening IP,
	// or 127.0.0.1 when listening on every interface.
	PublicIP string
	// RTPMin and RTPMax bound the RTP ports (0: any free port).
	RTPMin, RTPMax int
	// Realm is the digest realm of the registrar ("hotline" when empty).
	Realm string
	// Prompts is the folder of recorded prompts: Prompt{ID: "welcome", Lang: "zh-CN"}
	// plays Prompts/zh-CN/welcome.wav (or Prompts/welcome.wav).
	Prompts string
	// Lang is the default prompt language ("zh-CN" when empty).
	Lang string
	// Directory gives SIP accounts and trunks; nil refuses every registration and has no
	// trunks.
	Directory Directory
	// Log gets the engine's messages (slog.Default() when nil).
	Log *slog.Logger
}

// Engine is a SIP voice.Engine. Build it with New, start it with Start, stop it with
// Close.
type Engine struct {
	opt    Options
	log    *slog.Logger
	public netip.Addr
	ports  media.Ports
	reg    *registrar

	ua  *sipgo.UserAgent
	srv *sipgo.Server
	cli *sipgo.Client
	dua *sipgo.DialogUA

	handler atomic.Pointer[voice.Handler]
	onReg   atomic.Pointer[RegistrationHook]

	mu       sync.Mutex
	calls    map[string]*Call // by dialog key (Call-ID, local tag, remote tag)
	started  bool
	closed   bool // no new calls
	stopping bool // no new goroutines
	udpAddr  netip.AddrPort
	tcpAddr  netip.AddrPort
	tlsAddr  netip.AddrPort
	closers  []io.Closer

	ctx     context.Context
	cancel  context.CancelFunc
	stopCtx func() bool    // stops watching Start's ctx
	wg      sync.WaitGroup // request handlers, call handlers, BYEs, the sweeper
	srvWG   sync.WaitGroup // the transports' serving goroutines
	nextID  atomic.Uint64
}

var _ voice.Engine = (*Engine)(nil)

// New builds an engine; it does not listen yet.
func New(opt Options) (*Engine, error) {
	if opt.Realm == "" {
		opt.Realm = "hotline"
	}
	if opt.Lang == "" {
		opt.Lang = "zh-CN"
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	e := &Engine{opt: opt, log: opt.Log.With("component", "sip"), calls: map[string]*Call{}}
	e.ports = media.Ports{Min: opt.RTPMin, Max: opt.RTPMax}
	e.ctx, e.cancel = context.WithCancel(context.Background())
	e.reg = newRegistrar(opt.Realm, opt.Directory)
	if opt.PublicIP != "" {
		ip, err := netip.ParseAddr(opt.PublicIP)
		if err != nil {
			return nil, fmt.Errorf("sip: public IP %q: %w", opt.PublicIP, err)
		}
		e.public = ip
	}
	return e, nil
}

// OnInbound sets the handler of inbound calls.
func (e *Engine) OnInbound(h voice.Handler) {
	if h == nil {
		e.handler.Store(nil)
		return
	}
	e.handler.Store(&h)
}

// RegistrationHook is told when a user's phone becomes reachable (registered true, on
// every successful REGISTER that leaves the user registered) and when the user's last
// registration ends (registered false: unregistered or expired). It runs on the
// engine's goroutines and should not block for long.
type RegistrationHook func(ctx context.Context, user string, registered bool)

// OnRegistration sets the registration hook (nil removes it).
func (e *Engine) OnRegistration(h RegistrationHook) {
	if h == nil {
		e.onReg.Store(nil)
		return
	}
	e.onReg.Store(&h)
}

// registrationChanged calls the hook, if any.
func (e *Engine) registrationChanged(user string, registered bool) {
	if h := e.onReg.Load(); h != nil {
		ctx, cancel := context.WithTimeout(e.ctx, 5*time.Second)
		defer cancel()
		(*h)(ctx, user, registered)
	}
}

// Addr is the UDP (and TCP) address the engine listens on, once started.
func (e *Engine) Addr() netip.AddrPort {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.udpAddr
}

// TLSAddr is the TLS address, if TLS is on.
func (e *Engine) TLSAddr() netip.AddrPort {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.tlsAddr
}

// Registrations lists the current registrations of every user.
func (e *Engine) Registrations() []Registration { return e.reg.list(time.Now()) }

// Start listens on UDP and TCP (and TLS when configured) and serves until Close. It
// returns once the sockets are bound.
func (e *Engine) Start(ctx context.Context) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.started || e.closed {
		return errors.New("sip: engine already started or closed")
	}
	udp, tcp, err := listenPair(e.opt.Addr)
	if err != nil {
		return err
	}
	e.udpAddr = udp.LocalAddr().(*net.UDPAddr).AddrPort()
	e.tcpAddr = tcp.Addr().(*net.TCPAddr).AddrPort()
	e.closers = append(e.closers, udp, tcp)
	if !e.public.IsValid() {
		e.public = e.udpAddr.Addr().Unmap()
		if e.public.IsUnspecified() {
			e.public = netip.MustParseAddr("127.0.0.1")
		}
	}
	var tlsLn net.Listener
	var tlsConf *tls.Config
	if e.opt.TLSAddr != "" && e.opt.TLSCert != "" && e.opt.TLSKey != "" {
		cert, err := tls.LoadX509KeyPair(e.opt.TLSCert, e.opt.TLSKey)
		if err != nil {
			e.closeListeners()
			return fmt.Errorf("sip: TLS certificate: %w", err)
		}
		tlsConf = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		tlsLn, err = tls.Listen("tcp", e.opt.TLSAddr, tlsConf)
		if err != nil {
			e.closeListeners()
			return fmt.Errorf("sip: listen TLS %s: %w", e.opt.TLSAddr, err)
		}
		e.tlsAddr = tlsLn.Addr().(*net.TCPAddr).AddrPort()
		e.closers = append(e.closers, tlsLn)
	}

	uaOpts := []sipgo.UserAgentOption{sipgo.WithUserAgent("Hotline"), sipgo.WithUserAgentHostname(e.public.String())}
	if tlsConf != nil {
		uaOpts = append(uaOpts, sipgo.WithUserAgenTLSConfig(&tls.Config{MinVersion: tls.VersionTLS12}))
	}
	if e.ua, err = sipgo.NewUA(uaOpts...); err != nil {
		e.closeListeners()
		return fmt.Errorf("sip: user agent: %w", err)
	}
	if e.srv, err = sipgo.NewServer(e.ua, sipgo.WithServerLogger(e.log)); err != nil {
		e.closeListeners()
		return fmt.Errorf("sip: server: %w", err)
	}
	if e.cli, err = sipgo.NewClient(e.ua, sipgo.WithClientLogger(e.log), sipgo.WithClientHostname(e.public.String())); err != nil {
		e.closeListeners()
		return fmt.Errorf("sip: client: %w", err)
	}
	e.dua = &sipgo.DialogUA{Client: e.cli, ContactHDR: e.contact("udp"), RewriteContact: true}
	e.routes()

	e.started = true
	e.serve(func() error { return e.srv.ServeUDP(udp) })
	e.serve(func() error { return e.srv.ServeTCP(tcp) })
	if tlsLn != nil {
		e.serve(func() error { return e.srv.ServeTLS(tlsLn) })
	}
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		e.sweep()
	}()
	e.stopCtx = context.AfterFunc(ctx, func() { e.Close() }) // the caller's ctx also stops the engine
	e.log.Info("SIP listening", "udp", e.udpAddr, "tcp", e.tcpAddr, "tls", e.tlsAddr, "public", e.public)
	return nil
}

// Serve starts the engine and blocks until ctx ends, then closes it.
func (e *Engine) Serve(ctx context.Context) error {
	if err := e.Start(ctx); err != nil {
		return err
	}
	<-e.ctx.Done()
	return e.Close()
}

func (e *Engine) serve(f func() error) {
	e.srvWG.Add(1)
	go func() {
		defer e.srvWG.Done()
		if err := f(); err != nil && !errors.Is(err, net.ErrClosed) && e.ctx.Err() == nil {
			e.log.Error("SIP transport stopped", "err", err)
		}
	}()
}

// listenPair binds UDP and TCP on the same address; with port 0 it looks for a port free
// on both.
func listenPair(addr string) (*net.UDPConn, net.Listener, error) {
	for try := 0; ; try++ {
		ua, err := net.ResolveUDPAddr("udp", addr)
		if err != nil {
			return nil, nil, fmt.Errorf("sip: address %q: %w", addr, err)
		}
		udp, err := net.ListenUDP("udp", ua)
		if err != nil {
			return nil, nil, fmt.Errorf("sip: listen UDP %s: %w", addr, err)
		}
		port := udp.LocalAddr().(*net.UDPAddr).Port
		tcp, err := net.Listen("tcp", net.JoinHostPort(ua.IP.String(), strconv.Itoa(port)))
		if err == nil {
			return udp, tcp, nil
		}
		udp.Close()
		if ua.Port != 0 || try > 20 {
			return nil, nil, fmt.Errorf("sip: listen TCP %s: %w", addr, err)
		}
	}
}

func (e *Engine) closeListeners() {
	for _, c := range e.closers {
		c.Close()
	}
	e.closers = nil
}

// Close hangs up every call, stops listening, releases the RTP ports and waits for the
// engine's goroutines.
func (e *Engine) Close() error {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		e.wg.Wait()
		e.srvWG.Wait()
		return nil
	}
	e.closed = true
	calls := make([]*Call, 0, len(e.calls))
	for _, c := range e.calls {
		calls = append(calls, c)
	}
	stop := e.stopCtx
	e.mu.Unlock()
	if stop != nil {
		stop()
	}
	for _, c := range calls {
		_ = c.Hangup(voice.CauseNormal)
	}
	e.mu.Lock()
	e.stopping = true
	e.mu.Unlock()
	e.cancel() // stops pending INVITEs and dials, and the sweeper
	e.wg.Wait()
	e.mu.Lock()
	e.closeListeners()
	ua := e.ua
	e.mu.Unlock()
	var err error
	if ua != nil {
		err = ua.Close()
	}
	e.srvWG.Wait()
	return err
}

// goOwned runs f in a goroutine the engine waits for on Close; false once it stops.
func (e *Engine) goOwned(f func()) bool {
	if !e.enter() {
		return false
	}
	go func() {
		defer e.wg.Done()
		f()
	}()
	return true
}

// sweep drops expired registrations and nonce counters once a second.
func (e *Engine) sweep() {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-e.ctx.Done():
			return
		case now := <-t.C:
			for _, user := range e.reg.expire(now) {
				e.log.Info("registration expired", "user", user)
				e.registrationChanged(user, false)
			}
		}
	}
}

// contact is our Contact header for transport network.
func (e *Engine) contact(network string) sipmsg.ContactHeader {
	port := int(e.udpAddr.Port())
	params := sipmsg.NewParams()
	switch strings.ToLower(network) {
	case "tcp":
		port = int(e.tcpAddr.Port())
		params.Add("transport", "tcp")
	case "tls":
		port = int(e.tlsAddr.Port())
		params.Add("transport", "tls")
	}
	return sipmsg.ContactHeader{Address: sipmsg.Uri{Scheme: "sip", User: "hotline", Host: e.public.String(), Port: port, UriParams: params}}
}

// newCallID makes a call's Hotline id.
func (e *Engine) newCallID() string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return fmt.Sprintf("sip-%d-%08x", e.nextID.Add(1), binary.BigEndian.Uint32(b[:]))
}

// register keeps c under key; false if the engine has closed.
func (e *Engine) register(key string, c *Call) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return false
	}
	c.key = key
	e.calls[key] = c
	return true
}

func (e *Engine) unregister(c *Call) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.calls[c.key] == c {
		delete(e.calls, c.key)
	}
}

// inDialog finds the call of a request inside a dialog (BYE, INFO, re-INVITE, ACK).
func (e *Engine) inDialog(req *sipmsg.Request) *Call {
	key := dialogKey(req.CallID(), req.To(), req.From())
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.calls[key]
}

// Calls counts the calls in progress.
func (e *Engine) Calls() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return len(e.calls)
}

// dialogKey names a dialog by Call-ID, our tag and the peer's tag. For requests we
// receive, our tag is in To; for the dialogs we start, in From.
func dialogKey(callID *sipmsg.CallIDHeader, local *sipmsg.ToHeader, remote *sipmsg.FromHeader) string {
	if callID == nil || local == nil || remote == nil {
		return ""
	}
	lt, _ := local.Params.Get("tag")
	rt, _ := remote.Params.Get("tag")
	return string(*callID) + "|" + lt + "|" + rt
}

// localAddr is what we put into SDP for a session.
func (e *Engine) localAddr(s *media.Session) netip.AddrPort {
	return netip.AddrPortFrom(e.public, s.LocalAddr().Port())
}

// newSession binds an RTP socket.
func (e *Engine) newSession() (*media.Session, error) {
	ip := e.udpAddr.Addr()
	conn, err := e.ports.Listen(ip)
	if err != nil {
		return nil, err
	}
	return media.NewSession(conn), nil
}

// sessionID is an SDP session id.
func sessionID() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:]) >> 2
}
