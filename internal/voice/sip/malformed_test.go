package sip

import (
	"context"
	"fmt"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/sip/siptest"
)

// rawExchange sends msg over network to addr and returns the first line of the answer,
// or "" if none came within wait.
func rawExchange(t *testing.T, network, addr, msg string, wait time.Duration) string {
	t.Helper()
	c, err := net.Dial(network, addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(msg)); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(wait))
	buf := make([]byte, 4096)
	n, err := c.Read(buf)
	if err != nil {
		return ""
	}
	line, _, _ := strings.Cut(string(buf[:n]), "\r\n")
	return line
}

// request builds a SIP request to addr with headers; "-Name" in drop leaves a header out.
func request(method, addr, network string, body string, drop ...string) string {
	h := []string{
		fmt.Sprintf("Via: SIP/2.0/%s 127.0.0.1:9;rport;branch=z9hG4bK%d", strings.ToUpper(network), time.Now().UnixNano()),
		"From: <sip:test@127.0.0.1>;tag=abc",
		"To: <sip:4001@" + addr + ">",
		fmt.Sprintf("Call-ID: raw-%d", time.Now().UnixNano()),
		"CSeq: 1 " + method,
		"Contact: <sip:test@127.0.0.1:9>",
		"Max-Forwards: 70",
	}
	var s strings.Builder
	fmt.Fprintf(&s, "%s sip:4001@%s SIP/2.0\r\n", method, addr)
	for _, x := range h {
		name, _, _ := strings.Cut(x, ":")
		skip := false
		for _, d := range drop {
			skip = skip || d == name
		}
		if !skip {
			s.WriteString(x + "\r\n")
		}
	}
	if body != "" {
		s.WriteString("Content-Type: application/sdp\r\n")
	}
	fmt.Fprintf(&s, "Content-Length: %d\r\n\r\n%s", len(body), body)
	return s.String()
}

func TestMalformedRequests(t *testing.T) {
	before := runtime.NumGoroutine()
	e := startEngine(t, NewMemoryDirectory())
	e.OnInbound(func(ctx context.Context, c voice.Call) { _ = c.Hangup(voice.CauseBusy) })
	addr := e.Addr().String()
	noAudio := "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n"
	for _, network := range []string{"udp", "tcp"} {
		cases := []struct {
			name, msg, want string
		}{
			{"garbage", "\x00\xffhello there\r\n\r\n", ""},
			{"half a request line", "INVITE sip:\r\n\r\n", ""},
			{"no Call-ID", request("OPTIONS", addr, network, "", "Call-ID"), "SIP/2.0 400"},
			{"no From", request("INVITE", addr, network, "", "From"), "SIP/2.0 400"},
			{"no To", request("OPTIONS", addr, network, "", "To"), "SIP/2.0 400"},
			{"INVITE without Contact", request("INVITE", addr, network, "", "Contact"), "SIP/2.0 400"},
			{"INVITE with G.729 only", request("INVITE", addr, network, noAudio), "SIP/2.0 488"},
			{"INVITE without SDP", request("INVITE", addr, network, ""), "SIP/2.0 488"},
			{"BYE outside a dialog", request("BYE", addr, network, ""), "SIP/2.0 481"},
			{"INFO outside a dialog", request("INFO", addr, network, ""), "SIP/2.0 481"},
			{"unknown method", request("PUBLISH", addr, network, ""), "SIP/2.0 405"},
			{"OPTIONS", request("OPTIONS", addr, network, ""), "SIP/2.0 200"},
		}
		for _, tc := range cases {
			t.Run(network+"/"+tc.name, func(t *testing.T) {
				wait := 2 * time.Second
				if tc.want == "" {
					wait = 300 * time.Millisecond
				}
				got := rawExchange(t, network, addr, tc.msg, wait)
				if got != tc.want && !(tc.want != "" && strings.HasPrefix(got, tc.want)) {
					t.Errorf("got %q, want %q", got, tc.want)
				}
			})
		}
	}
	s := siptest.StartSipp(t, "testdata/uac_malformed.xml", addr, "-s", "4001")
	s.Wait(t, 20*time.Second)
	// Still alive after all that.
	if got := rawExchange(t, "udp", addr, request("OPTIONS", addr, "udp", ""), 2*time.Second); !strings.HasPrefix(got, "SIP/2.0 200") {
		t.Fatalf("OPTIONS after the garbage: %q", got)
	}
	e.Close()
	if !siptest.WaitFor(10*time.Second, func() bool { return runtime.NumGoroutine() <= before+2 }) {
		buf := make([]byte, 1<<20)
		t.Errorf("goroutines: %d before, %d after Close\n%s", before, runtime.NumGoroutine(), buf[:runtime.Stack(buf, true)])
	}
}

func TestNoHandlerIs480(t *testing.T) {
	e := startEngine(t, NewMemoryDirectory())
	addr := e.Addr().String()
	sdp := "v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
	if got := rawExchange(t, "udp", addr, request("INVITE", addr, "udp", sdp), 2*time.Second); !strings.HasPrefix(got, "SIP/2.0 480") {
		t.Fatalf("INVITE without a handler: %q, want 480", got)
	}
}
