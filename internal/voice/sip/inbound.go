package sip

import (
	"errors"
	"mime"
	"strings"

	sipmsg "github.com/emiago/sipgo/sip"

	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
)

const allowed = "INVITE, ACK, CANCEL, BYE, INFO, OPTIONS, REGISTER"

// routes registers the request handlers.
func (e *Engine) routes() {
	e.srv.OnInvite(e.tracked(e.onInvite))
	e.srv.OnAck(e.tracked(e.onAck))
	e.srv.OnBye(e.tracked(e.onBye))
	e.srv.OnInfo(e.tracked(e.onInfo))
	e.srv.OnRegister(e.tracked(e.onRegister))
	e.srv.OnOptions(e.tracked(func(req *sipmsg.Request, tx sipmsg.ServerTransaction) {
		res := sipmsg.NewResponseFromRequest(req, 200, "OK", nil)
		res.AppendHeader(sipmsg.NewHeader("Allow", allowed))
		res.AppendHeader(sipmsg.NewHeader("Accept", "application/sdp, application/dtmf-relay, application/dtmf"))
		_ = tx.Respond(res)
	}))
	e.srv.OnCancel(e.tracked(func(req *sipmsg.Request, tx sipmsg.ServerTransaction) {
		// A CANCEL that matched a pending INVITE was answered by the transaction layer.
		e.respond(req, tx, 481, "Call/Transaction Does Not Exist")
	}))
	e.srv.OnNoRoute(e.tracked(func(req *sipmsg.Request, tx sipmsg.ServerTransaction) {
		res := sipmsg.NewResponseFromRequest(req, 405, "Method Not Allowed", nil)
		res.AppendHeader(sipmsg.NewHeader("Allow", allowed))
		_ = tx.Respond(res)
	}))
}

// tracked wraps a handler so that Close waits for it, and answers a request missing a
// mandatory header with 400 before h sees it. A request that arrives while the engine
// stops gets 503.
func (e *Engine) tracked(h func(*sipmsg.Request, sipmsg.ServerTransaction)) func(*sipmsg.Request, sipmsg.ServerTransaction) {
	return func(req *sipmsg.Request, tx sipmsg.ServerTransaction) {
		if req.IsAck() {
			if e.enter() {
				defer e.wg.Done()
				h(req, tx)
			}
			return
		}
		if missing := missingHeader(req); missing != "" {
			e.respond(req, tx, 400, "Missing "+missing)
			return
		}
		if !e.enter() {
			e.respond(req, tx, 503, "Service Unavailable")
			return
		}
		defer e.wg.Done()
		defer func() {
			if v := recover(); v != nil { // a bug in a handler must not take the engine down
				e.log.Error("SIP handler panic", "method", req.Method, "panic", v)
				e.respond(req, tx, 500, "Server Internal Error")
			}
		}()
		h(req, tx)
	}
}

// enter counts a goroutine the engine waits for; false once the engine stops.
func (e *Engine) enter() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.stopping {
		return false
	}
	e.wg.Add(1)
	return true
}

// missingHeader names the first mandatory header (RFC 3261 8.1.1) a request lacks.
func missingHeader(req *sipmsg.Request) string {
	switch {
	case req.From() == nil:
		return "From"
	case req.To() == nil:
		return "To"
	case req.CallID() == nil || string(*req.CallID()) == "":
		return "Call-ID"
	case req.CSeq() == nil:
		return "CSeq"
	case req.Via() == nil:
		return "Via"
	case req.MaxForwards() == nil && req.Method != sipmsg.ACK:
		return "Max-Forwards"
	case req.IsInvite() && req.Contact() == nil:
		return "Contact"
	}
	return ""
}

func (e *Engine) respond(req *sipmsg.Request, tx sipmsg.ServerTransaction, code int, reason string) {
	if err := tx.Respond(sipmsg.NewResponseFromRequest(req, code, reason, nil)); err != nil {
		e.log.Debug("SIP respond failed", "code", code, "err", err)
	}
}

// refusal is the SIP response for a call refused with cause.
func refusal(cause voice.Cause) (int, string) {
	switch cause {
	case voice.CauseBusy:
		return 486, "Busy Here"
	case voice.CauseDeclined:
		return 603, "Decline"
	case voice.CauseFailed:
		return 500, "Server Internal Error"
	}
	return 480, "Temporarily Unavailable"
}

// onInvite takes a new call, or a re-INVITE inside a call.
func (e *Engine) onInvite(req *sipmsg.Request, tx sipmsg.ServerTransaction) {
	if tag, _ := req.To().Params.Get("tag"); tag != "" {
		e.onReinvite(req, tx)
		return
	}
	hp := e.handler.Load()
	if hp == nil {
		e.respond(req, tx, 480, "Temporarily Unavailable")
		return
	}
	n, err := media.ParseSDP(req.Body())
	if err != nil {
		e.log.Info("INVITE refused: no usable SDP", "from", req.From().Address.User, "err", err)
		e.respond(req, tx, 488, "Not Acceptable Here")
		return
	}
	dtx, err := e.dua.ReadInvite(req, tx)
	if err != nil {
		e.respond(req, tx, 400, "Bad Request")
		return
	}
	defer dtx.Close()
	_ = dtx.Respond(100, "Trying", nil)
	sess, err := e.newSession()
	if err != nil {
		e.log.Error("no RTP port for an inbound call", "err", err)
		_ = dtx.Respond(503, "Service Unavailable", nil)
		return
	}
	from := req.From()
	c := e.newCall(voice.Inbound, from.Address.User, req.To().Address.User, sess)
	c.fromName = from.DisplayName
	c.server = dtx
	c.dialed = req.Recipient.User
	if c.dialed == "" {
		c.dialed = c.to
	}
	c.flowID, c.trunk, _ = e.route(c.dialed)
	inv := dtx.InviteRequest
	if !e.register(dialogKey(inv.CallID(), inv.To(), inv.From()), c) {
		sess.Close()
		_ = dtx.Respond(503, "Service Unavailable", nil)
		return
	}
	e.log.Info("inbound call", "call", c.id, "from", c.from, "to", c.dialed, "flow", c.flowID, "source", req.Source())
	_ = dtx.Respond(180, "Ringing", nil)
	h := *hp
	if !e.goOwned(func() {
		defer func() {
			if v := recover(); v != nil {
				e.log.Error("call handler panic", "call", c.id, "panic", v)
			}
			_ = c.Hangup(voice.CauseNormal)
		}()
		h(c.ctx, c)
	}) {
		c.end(voice.CauseFailed, false)
		_ = dtx.Respond(503, "Service Unavailable", nil)
		return
	}
	for {
		select {
		case res := <-c.answerReq:
			c.setAnswered(media.SessionConfig{Codec: n.Codec, EventPT: n.EventPT, Remote: n.Remote})
			ok := sipmsg.NewSDPResponseFromRequest(dtx.InviteRequest, media.AnswerSDP(n, e.localAddr(sess), c.sdpID))
			ct := e.contact(req.Transport())
			ok.AppendHeader(&ct)
			err := dtx.WriteResponse(ok)
			if err != nil {
				e.log.Info("answer failed", "call", c.id, "err", err)
				c.end(voice.CauseFailed, false)
				res <- voice.ErrHangup
				return
			}
			res <- nil
			return
		case cause := <-c.refuse:
			code, reason := refusal(cause)
			_ = dtx.Respond(code, reason, nil)
			return
		case <-dtx.Context().Done(): // CANCEL (answered 487 by the transaction) or a dead transaction
			c.end(voice.CauseCancelled, true)
			return
		}
	}
}

// onReinvite answers an offer inside a call (hold, unhold, a new media address).
func (e *Engine) onReinvite(req *sipmsg.Request, tx sipmsg.ServerTransaction) {
	c := e.inDialog(req)
	if c == nil {
		e.respond(req, tx, 481, "Call/Transaction Does Not Exist")
		return
	}
	n, err := media.ParseSDP(req.Body())
	if err != nil {
		e.respond(req, tx, 488, "Not Acceptable Here")
		return
	}
	e.log.Info("re-INVITE", "call", c.id, "direction", n.Direction)
	res := sipmsg.NewSDPResponseFromRequest(req, media.AnswerSDP(n, e.localAddr(c.sess), c.sdpID))
	ct := e.contact(req.Transport())
	res.AppendHeader(&ct)
	_ = tx.Respond(res)
}

func (e *Engine) onAck(req *sipmsg.Request, tx sipmsg.ServerTransaction) {
	if c := e.inDialog(req); c != nil && c.server != nil {
		_ = c.server.ReadAck(req, tx) // an ACK of a re-INVITE's answer has another CSeq
	}
}

func (e *Engine) onBye(req *sipmsg.Request, tx sipmsg.ServerTransaction) {
	c := e.inDialog(req)
	if c == nil {
		e.respond(req, tx, 481, "Call/Transaction Does Not Exist")
		return
	}
	var err error
	switch {
	case c.server != nil:
		err = c.server.ReadBye(req, tx)
	case c.client != nil:
		err = c.client.ReadBye(req, tx)
	}
	if err != nil {
		e.respond(req, tx, 200, "OK")
	}
	e.log.Info("remote hangup", "call", c.id)
	c.end(voice.CauseNormal, true)
}

// onInfo takes DTMF sent as SIP INFO (application/dtmf-relay or application/dtmf).
func (e *Engine) onInfo(req *sipmsg.Request, tx sipmsg.ServerTransaction) {
	c := e.inDialog(req)
	if c == nil {
		e.respond(req, tx, 481, "Call/Transaction Does Not Exist")
		return
	}
	ct := ""
	if h := req.ContentType(); h != nil {
		ct = h.Value()
	}
	if len(req.Body()) == 0 { // an empty INFO is a keepalive
		e.respond(req, tx, 200, "OK")
		return
	}
	d, _, err := media.ParseDTMFInfo(ct, req.Body())
	if err != nil {
		mt, _, _ := mime.ParseMediaType(ct)
		if errors.Is(err, media.ErrDTMFInfo) && !strings.HasPrefix(mt, "application/dtmf") {
			res := sipmsg.NewResponseFromRequest(req, 415, "Unsupported Media Type", nil)
			res.AppendHeader(sipmsg.NewHeader("Accept", "application/dtmf-relay, application/dtmf"))
			_ = tx.Respond(res)
			return
		}
		e.respond(req, tx, 400, "Bad DTMF Body")
		return
	}
	e.respond(req, tx, 200, "OK")
	c.digit(d)
}
