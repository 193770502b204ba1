package media

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/pion/sdp/v3"
)

// ErrNoCodec means an SDP offer has no audio stream in PCMU or PCMA over RTP/AVP; the SIP
// layer answers it with 488 Not Acceptable Here.
var ErrNoCodec = errors.New("media: no supported audio codec (PCMU or PCMA over RTP/AVP)")

// Negotiated is what an offer and our answer agree on.
type Negotiated struct {
	Remote    netip.AddrPort // where the peer receives RTP (port 0 if it holds the call)
	Codec     Codec
	EventPT   uint8  // 0 if the peer offered no telephone-event/8000
	Direction string // the peer's direction: sendrecv, sendonly, recvonly or inactive
}

// ParseSDP reads an offer (or an answer to our offer) and chooses the first of PCMU and
// PCMA in the peer's order of preference, and its telephone-event payload type.
func ParseSDP(b []byte) (Negotiated, error) {
	var n Negotiated
	var s sdp.SessionDescription
	if err := s.Unmarshal(b); err != nil {
		return n, fmt.Errorf("media: parse SDP: %w", err)
	}
	for _, m := range s.MediaDescriptions {
		if m.MediaName.Media != "audio" || strings.Join(m.MediaName.Protos, "/") != "RTP/AVP" {
			continue
		}
		maps := rtpmaps(m)
		codec, ok := Codec(255), false
		for _, f := range m.MediaName.Formats {
			pt, err := strconv.Atoi(f)
			if err != nil || (pt != int(PCMU) && pt != int(PCMA)) {
				continue
			}
			// A static payload type means its codec unless an rtpmap says otherwise.
			if name, mapped := maps[uint8(pt)]; mapped && !strings.EqualFold(name, Codec(pt).String()+"/8000") {
				continue
			}
			codec, ok = Codec(pt), true
			break
		}
		if !ok {
			continue
		}
		for pt, name := range maps {
			if strings.EqualFold(name, "telephone-event/8000") && formatListed(m, pt) {
				n.EventPT = pt
			}
		}
		addr := connection(m.ConnectionInformation)
		if !addr.IsValid() {
			addr = connection(s.ConnectionInformation)
		}
		if !addr.IsValid() {
			return n, fmt.Errorf("media: SDP audio stream without a connection address")
		}
		n.Codec = codec
		n.Remote = netip.AddrPortFrom(addr, uint16(m.MediaName.Port.Value))
		n.Direction = "sendrecv"
		for _, a := range append(m.Attributes, s.Attributes...) {
			switch a.Key {
			case "sendrecv", "sendonly", "recvonly", "inactive":
				n.Direction = a.Key
			}
			if n.Direction != "sendrecv" {
				break
			}
		}
		return n, nil
	}
	return n, ErrNoCodec
}

func rtpmaps(m *sdp.MediaDescription) map[uint8]string {
	out := map[uint8]string{}
	for _, a := range m.Attributes {
		if a.Key != "rtpmap" {
			continue
		}
		pt, name, ok := strings.Cut(a.Value, " ")
		n, err := strconv.Atoi(pt)
		if ok && err == nil && n >= 0 && n < 128 {
			out[uint8(n)] = strings.TrimSpace(name)
		}
	}
	return out
}

func formatListed(m *sdp.MediaDescription, pt uint8) bool {
	for _, f := range m.MediaName.Formats {
		if f == strconv.Itoa(int(pt)) {
			return true
		}
	}
	return false
}

func connection(c *sdp.ConnectionInformation) netip.Addr {
	if c == nil || c.Address == nil {
		return netip.Addr{}
	}
	a, err := netip.ParseAddr(c.Address.Address)
	if err != nil {
		return netip.Addr{}
	}
	return a
}

// AnswerSDP is our answer to an offer that ParseSDP accepted: our RTP address, the chosen
// codec, telephone-event if offered, and the direction that mirrors the peer's.
func AnswerSDP(n Negotiated, local netip.AddrPort, sessionID uint64) []byte {
	dir := map[string]string{"sendonly": "recvonly", "recvonly": "sendonly", "inactive": "inactive"}[n.Direction]
	if dir == "" {
		dir = "sendrecv"
	}
	return describe(local, sessionID, []Codec{n.Codec}, n.EventPT, dir)
}

// OfferSDP is our offer for an outbound call: PCMU, PCMA and telephone-event 101.
func OfferSDP(local netip.AddrPort, sessionID uint64) []byte {
	return describe(local, sessionID, []Codec{PCMU, PCMA}, 101, "sendrecv")
}

func describe(local netip.AddrPort, id uint64, codecs []Codec, eventPT uint8, dir string) []byte {
	ipv := "IP4"
	if local.Addr().Is6() && !local.Addr().Is4In6() {
		ipv = "IP6"
	}
	addr := local.Addr().Unmap().String()
	var b strings.Builder
	fmt.Fprintf(&b, "v=0\r\no=hotline %d %d IN %s %s\r\ns=hotline\r\nc=IN %s %s\r\nt=0 0\r\n", id, id, ipv, addr, ipv, addr)
	fmt.Fprintf(&b, "m=audio %d RTP/AVP", local.Port())
	for _, c := range codecs {
		fmt.Fprintf(&b, " %d", c)
	}
	if eventPT != 0 {
		fmt.Fprintf(&b, " %d", eventPT)
	}
	b.WriteString("\r\n")
	for _, c := range codecs {
		fmt.Fprintf(&b, "a=rtpmap:%d %s/8000\r\n", c, c)
	}
	if eventPT != 0 {
		fmt.Fprintf(&b, "a=rtpmap:%d telephone-event/8000\r\na=fmtp:%d 0-16\r\n", eventPT, eventPT)
	}
	fmt.Fprintf(&b, "a=ptime:20\r\na=%s\r\n", dir)
	return []byte(b.String())
}
