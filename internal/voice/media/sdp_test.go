package media

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
)

func sdpOf(lines ...string) []byte {
	head := []string{"v=0", "o=- 1 1 IN IP4 192.0.2.10", "s=-", "c=IN IP4 192.0.2.10", "t=0 0"}
	return []byte(strings.Join(append(head, lines...), "\r\n") + "\r\n")
}

func TestParseSDP(t *testing.T) {
	tests := []struct {
		name  string
		offer []byte
		want  Negotiated
		err   error
	}{
		{"sipp: PCMU and events", sdpOf("m=audio 6000 RTP/AVP 0 101", "a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000", "a=fmtp:101 0-15"),
			Negotiated{netip.MustParseAddrPort("192.0.2.10:6000"), PCMU, 101, "sendrecv"}, nil},
		{"A-law preferred", sdpOf("m=audio 7000 RTP/AVP 8 0 96", "a=rtpmap:96 telephone-event/8000"),
			Negotiated{netip.MustParseAddrPort("192.0.2.10:7000"), PCMA, 96, "sendrecv"}, nil},
		{"opus first, then PCMU; media-level address", sdpOf("m=audio 7000 RTP/AVP 111 0", "c=IN IP4 198.51.100.7", "a=rtpmap:111 opus/48000/2", "a=sendonly"),
			Negotiated{netip.MustParseAddrPort("198.51.100.7:7000"), PCMU, 0, "sendonly"}, nil},
		{"video first", sdpOf("m=video 9000 RTP/AVP 96", "m=audio 7002 RTP/AVP 0"),
			Negotiated{netip.MustParseAddrPort("192.0.2.10:7002"), PCMU, 0, "sendrecv"}, nil},
		{"only G.729", sdpOf("m=audio 7000 RTP/AVP 18", "a=rtpmap:18 G729/8000"), Negotiated{}, ErrNoCodec},
		{"SRTP", sdpOf("m=audio 7000 RTP/SAVP 0"), Negotiated{}, ErrNoCodec},
		{"remapped static type", sdpOf("m=audio 7000 RTP/AVP 0", "a=rtpmap:0 G722/8000"), Negotiated{}, ErrNoCodec},
		{"no audio", sdpOf("m=video 9000 RTP/AVP 96"), Negotiated{}, ErrNoCodec},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSDP(tt.offer)
			if !errors.Is(err, tt.err) || (err == nil && got != tt.want) {
				t.Fatalf("got %+v, %v; want %+v, %v", got, err, tt.want, tt.err)
			}
		})
	}
	if _, err := ParseSDP([]byte("not sdp")); err == nil {
		t.Fatal("garbage parsed")
	}
}

func TestAnswerAndOfferParseBack(t *testing.T) {
	local := netip.MustParseAddrPort("203.0.113.5:31002")
	offer, _ := ParseSDP(sdpOf("m=audio 6000 RTP/AVP 8 0 101", "a=rtpmap:101 telephone-event/8000", "a=sendonly"))
	ans := AnswerSDP(offer, local, 77)
	got, err := ParseSDP(ans)
	if err != nil {
		t.Fatalf("%v\n%s", err, ans)
	}
	if got.Remote != local || got.Codec != PCMA || got.EventPT != 101 || got.Direction != "recvonly" {
		t.Fatalf("answer parses to %+v:\n%s", got, ans)
	}
	if !strings.Contains(string(ans), "m=audio 31002 RTP/AVP 8 101\r\n") {
		t.Fatalf("answer offers more than the choice:\n%s", ans)
	}
	ours, err := ParseSDP(OfferSDP(local, 78))
	if err != nil || ours.Codec != PCMU || ours.EventPT != 101 {
		t.Fatalf("offer parses to %+v, %v", ours, err)
	}
}
