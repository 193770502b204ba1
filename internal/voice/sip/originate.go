package sip

import (
	"context"
	"errors"
	"net"
	"strings"
	"time"

	"github.com/emiago/sipgo"
	sipmsg "github.com/emiago/sipgo/sip"

	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
)

// dialCause maps a final response of an INVITE we sent to the surface's causes.
func dialCause(code int) voice.Cause {
	switch code {
	case 486, 600:
		return voice.CauseBusy
	case 603:
		return voice.CauseDeclined
	case 404, 410, 480, 484:
		return voice.CauseUnavailable
	case 408:
		return voice.CauseNoAnswer
	case 487:
		return voice.CauseCancelled
	}
	return voice.CauseFailed
}

// destination is where Originate sends an INVITE.
type destination struct {
	uri       sipmsg.Uri
	addr      string // host:port to send to ("" = the URI's)
	transport string
	trunk     *Trunk
}

// resolve finds d.To: a registered extension, else an outside number through the
// default outbound trunk.
func (e *Engine) resolve(to string) (destination, voice.Cause) {
	if reg, uri, err := e.target(to); err == nil {
		return destination{uri: uri, addr: reg.Source, transport: reg.Transport}, ""
	}
	if e.opt.Directory == nil {
		return destination{}, voice.CauseUnavailable
	}
	if _, err := e.opt.Directory.Account(e.ctx, to); err == nil {
		return destination{}, voice.CauseUnavailable // an extension that is not registered
	}
	num := NormalizeNumber(to)
	if num == "" {
		return destination{}, voice.CauseUnavailable
	}
	trunks, err := e.opt.Directory.Trunks(e.ctx)
	if err != nil {
		e.log.Error("SIP trunks", "err", err)
		return destination{}, voice.CauseFailed
	}
	var out *Trunk
	for i := range trunks {
		t := &trunks[i]
		if t.Enabled && t.Host != "" && (out == nil || t.Default && !out.Default) {
			out = t
		}
	}
	if out == nil {
		return destination{}, voice.CauseUnavailable
	}
	tr := strings.ToUpper(out.Transport)
	if tr == "" {
		tr = "UDP"
	}
	port := out.Port
	if port == 0 {
		port = 5060
	}
	u := sipmsg.Uri{Scheme: "sip", User: num, Host: out.Host, Port: port}
	if tr != "UDP" {
		u.UriParams = sipmsg.HeaderParams{{K: "transport", V: strings.ToLower(tr)}}
	}
	return destination{uri: u, transport: tr, trunk: out}, ""
}

// Originate rings d.To and returns the answered call.
func (e *Engine) Originate(ctx context.Context, d voice.Dial) (voice.Call, error) {
	fail := func(c voice.Cause) error { return &voice.DialError{To: d.To, Cause: c} }
	e.mu.Lock()
	ok := e.started && !e.closed
	e.mu.Unlock()
	if !ok {
		return nil, fail(voice.CauseFailed)
	}
	if d.Timeout <= 0 {
		d.Timeout = 30 * time.Second
	}
	dst, cause := e.resolve(d.To)
	if cause != "" {
		return nil, fail(cause)
	}
	sess, err := e.newSession()
	if err != nil {
		e.log.Error("no RTP port for an outbound call", "err", err)
		return nil, fail(voice.CauseFailed)
	}
	c := e.newCall(voice.Outbound, d.From, d.To, sess)
	c.fromName = d.FromName
	req := e.inviteRequest(d, dst, c)

	ringCtx, cancel := context.WithTimeout(ctx, d.Timeout)
	defer cancel()
	stop := context.AfterFunc(e.ctx, cancel)
	defer stop()
	dcs, err := e.dua.WriteInvite(ringCtx, req)
	if err != nil {
		sess.Close()
		e.log.Info("INVITE not sent", "to", d.To, "err", err)
		return nil, fail(voice.CauseFailed)
	}
	opts := sipgo.AnswerOptions{}
	if dst.trunk != nil {
		opts.Username, opts.Password = dst.trunk.Username, dst.trunk.Password
	}
	if err := dcs.WaitAnswer(ringCtx, opts); err != nil {
		dcs.Close()
		sess.Close()
		var de *sipgo.ErrDialogResponse
		switch {
		case errors.As(err, &de):
			cause = dialCause(de.Res.StatusCode)
		case ctx.Err() != nil:
			cause = voice.CauseCancelled
		case e.ctx.Err() != nil:
			cause = voice.CauseFailed
		case ringCtx.Err() != nil:
			cause = voice.CauseNoAnswer
		default:
			cause = voice.CauseFailed
		}
		e.log.Info("dial failed", "to", d.To, "cause", cause, "err", err)
		return nil, fail(cause)
	}
	res := dcs.InviteResponse
	n, err := media.ParseSDP(res.Body())
	key := dialogKey(req.CallID(), &sipmsg.ToHeader{Params: req.From().Params}, &sipmsg.FromHeader{Params: res.To().Params})
	if err != nil || !e.register(key, c) {
		e.log.Info("answered without usable SDP, or engine closing", "to", d.To, "err", err)
		_ = dcs.Ack(context.Background())
		byeCtx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		_ = dcs.Bye(byeCtx)
		cancel()
		sess.Close()
		return nil, fail(voice.CauseFailed)
	}
	c.client = dcs
	c.setAnswered(media.SessionConfig{Codec: n.Codec, EventPT: n.EventPT, Remote: n.Remote})
	if err := dcs.Ack(context.Background()); err != nil {
		e.log.Info("ACK failed", "call", c.id, "err", err)
	}
	e.log.Info("outbound call answered", "call", c.id, "to", d.To)
	return c, nil
}

// inviteRequest builds the INVITE of an outbound call with our SDP offer.
func (e *Engine) inviteRequest(d voice.Dial, dst destination, c *Call) *sipmsg.Request {
	req := sipmsg.NewRequest(sipmsg.INVITE, dst.uri)
	tr := strings.ToUpper(dst.transport)
	if tr == "" {
		tr = "UDP"
	}
	req.SetTransport(tr)
	if dst.addr != "" {
		req.SetDestination(dst.addr)
	}
	fromUser := d.From
	if fromUser == "" {
		fromUser = "hotline"
	}
	if dst.trunk != nil && dst.trunk.CallerID != "" {
		fromUser = dst.trunk.CallerID
	}
	host := e.public.String()
	if dst.trunk != nil {
		host = dst.trunk.Host
	}
	from := &sipmsg.FromHeader{DisplayName: d.FromName, Address: sipmsg.Uri{Scheme: "sip", User: fromUser, Host: host}, Params: sipmsg.NewParams()}
	from.Params.Add("tag", sipmsg.GenerateTagN(16))
	req.AppendHeader(from)
	req.AppendHeader(&sipmsg.ToHeader{Address: sipmsg.Uri{Scheme: "sip", User: d.To, Host: dst.uri.Host, Port: dst.uri.Port}})
	ct := e.contact(tr)
	req.AppendHeader(&ct)
	if d.AutoAnswer {
		req.AppendHeader(sipmsg.NewHeader("Call-Info", "<sip:"+host+">;answer-after=0"))
		req.AppendHeader(sipmsg.NewHeader("Alert-Info", "<http://localhost>;info=alert-autoanswer"))
	}
	for k, v := range d.Headers {
		req.AppendHeader(sipmsg.NewHeader(k, v))
	}
	req.AppendHeader(sipmsg.NewHeader("Allow", allowed))
	req.AppendHeader(sipmsg.NewHeader("Content-Type", "application/sdp"))
	req.SetBody(media.OfferSDP(e.localAddr(c.sess), c.sdpID))
	if tr == "UDP" { // send from the listening socket, so that replies and our Contact agree
		req.Laddr = sipmsg.Addr{IP: net.IP(e.udpAddr.Addr().AsSlice()), Port: int(e.udpAddr.Port())}
	}
	return req
}
