package media

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/rtp"

	"github.com/hotlinecc/hotline/internal/voice"
)

var loopback = netip.MustParseAddr("127.0.0.1")

func newSession(t testing.TB, ports *Ports) *Session {
	t.Helper()
	c, err := ports.Listen(loopback)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSession(c)
	t.Cleanup(func() { s.Close() })
	return s
}

// TestRTPLoopback runs two sessions on 127.0.0.1: A plays a 1 kHz tone to B in PCMA, B
// sends the digit 5 to A as RFC 4733 events.
func TestRTPLoopback(t *testing.T) {
	ports := &Ports{Min: 31000, Max: 31100}
	a, b := newSession(t, ports), newSession(t, ports)
	if p := a.LocalAddr().Port(); p%2 != 0 || p < 31000 || p > 31100 {
		t.Fatalf("port %d outside the even range", p)
	}
	digits := make(chan byte, 4)
	a.Start(SessionConfig{Codec: PCMA, EventPT: 101, Remote: b.LocalAddr(), OnDigit: func(d byte) { digits <- d }})
	b.Start(SessionConfig{Codec: PCMA, EventPT: 101, Remote: a.LocalAddr()})
	a.SetSource(NewTone(1000, 8000, 0))
	if err := b.SendDigit('5', 100*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-digits:
		if d != '5' {
			t.Fatalf("digit %q", d)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("no digit")
	}
	deadline := time.Now().Add(2 * time.Second)
	var f voice.Frame
	for {
		time.Sleep(20 * time.Millisecond)
		b.ReadFrame(&f)
		if ToneLevel(f[:], 1000) > 7000 && ToneLevel(f[:], 2000) < 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("B never heard the tone: 1 kHz level %.0f", ToneLevel(f[:], 1000))
		}
	}
	time.Sleep(100 * time.Millisecond)
	select {
	case d := <-digits:
		t.Fatalf("digit %q fired twice", d)
	default:
	}
	if a.Stats().Sent.Load() == 0 || b.Stats().Received.Load() == 0 {
		t.Fatal("no packets counted")
	}
}

// rawPeer is a plain UDP socket that speaks RTP by hand, like sipp replaying a pcap.
type rawPeer struct {
	c   *net.UDPConn
	seq uint16
}

func newRawPeer(t *testing.T) *rawPeer {
	c, err := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(loopback, 0)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawPeer{c: c}
}

func (p *rawPeer) send(t *testing.T, to netip.AddrPort, pt uint8, ts uint32, payload []byte) {
	t.Helper()
	p.seq++
	b, err := (&rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: pt, SequenceNumber: p.seq, Timestamp: ts, SSRC: 42}, Payload: payload}).Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.c.WriteToUDPAddrPort(b, to); err != nil {
		t.Fatal(err)
	}
}

// TestRTPDuration0FirstPacketAndLatching replays a digit whose first event packet has
// duration 0, as sipp's dtmf_2833_1.pcap does, and checks that the session answers to the
// address the peer really sends from rather than the one it was told.
func TestRTPDuration0FirstPacketAndLatching(t *testing.T) {
	s := newSession(t, nil)
	digits := make(chan byte, 4)
	nowhere := netip.MustParseAddrPort("127.0.0.1:9") // discard: the SDP address is wrong
	s.Start(SessionConfig{Codec: PCMU, EventPT: 101, Remote: nowhere, OnDigit: func(d byte) { digits <- d }})
	peer := newRawPeer(t)
	for _, p := range []tev{{8000, 1, false, 0}, {8000, 1, false, 160}, {8000, 1, false, 320}, {8000, 1, true, 480}, {8000, 1, true, 480}, {8000, 1, true, 480}} {
		peer.send(t, s.LocalAddr(), 101, p.ts, p.payload())
	}
	select {
	case d := <-digits:
		if d != '1' {
			t.Fatalf("digit %q", d)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the duration-0 digit was dropped")
	}
	peer.c.SetReadDeadline(time.Now().Add(2 * time.Second))
	var buf [1500]byte
	n, from, err := peer.c.ReadFromUDPAddrPort(buf[:])
	if err != nil {
		t.Fatalf("no RTP came back to the latched address: %v", err)
	}
	var pkt rtp.Packet
	if err := pkt.Unmarshal(buf[:n]); err != nil || pkt.PayloadType != 0 || len(pkt.Payload) != 160 || from != s.LocalAddr() {
		t.Fatalf("packet %v from %v: %v", pkt.Header, from, err)
	}
	select {
	case d := <-digits:
		t.Fatalf("digit %q fired twice", d)
	case <-time.After(50 * time.Millisecond):
	}
}

func TestJitterReorderAndLoss(t *testing.T) {
	var j jitter
	var st Stats
	frame := func(v byte) []byte {
		b := make([]byte, 160)
		for i := range b {
			b[i] = v
		}
		return b
	}
	// 10 11 13 12 (reordered), 9 (late), 15 16 17 (14 lost)
	for _, seq := range []uint16{10, 11, 13, 12, 9, 15, 16, 17} {
		j.push(seq, PCMU, frame(byte(seq)), &st)
	}
	var f voice.Frame
	var got []int16
	for j.pop(&f) {
		got = append(got, f[0])
	}
	want := []uint16{10, 11, 12, 13, 15, 16, 17}
	if len(got) != len(want) {
		t.Fatalf("played %d frames %v, want %v", len(got), got, want)
	}
	for i, seq := range want {
		var d [1]int16
		DecodeUlaw(d[:], []byte{byte(seq)})
		if got[i] != d[0] {
			t.Fatalf("frame %d = %d, want seq %d", i, got[i], seq)
		}
	}
	if st.Late.Load() != 1 {
		t.Fatalf("late %d", st.Late.Load())
	}
	// Sequence numbers wrap.
	var w jitter
	for _, seq := range []uint16{65534, 65535, 0, 1} {
		w.push(seq, PCMU, frame(1), &st)
	}
	n := 0
	for w.pop(&f) {
		n++
	}
	if n != 4 {
		t.Fatalf("across the wrap: %d frames", n)
	}
}

func TestFrameQueue(t *testing.T) {
	var q FrameQueue
	for i := range 8 {
		q.WriteFrame(&voice.Frame{int16(i)})
	}
	var f voice.Frame
	for want := 2; want < 8; want++ {
		q.ReadFrame(&f)
		if f[0] != int16(want) {
			t.Fatalf("got %d want %d", f[0], want)
		}
	}
	f[0] = 5
	q.ReadFrame(&f)
	if f[0] != 0 {
		t.Fatal("empty queue gave no silence")
	}
}

// BenchmarkRTPReceive sends PCMU packets from a plain socket to a session over loopback
// and drains its reorder buffer: allocations of both goroutines count.
func BenchmarkRTPReceive(b *testing.B) {
	c, err := (*Ports)(nil).Listen(loopback)
	if err != nil {
		b.Fatal(err)
	}
	s := NewSession(c)
	defer s.Close()
	s.Start(SessionConfig{Codec: PCMU, Remote: netip.MustParseAddrPort("127.0.0.1:9")})
	s.stop <- struct{}{} // not a close: there is no reader; stop the sender instead
	raw, _ := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(loopback, 0)))
	defer raw.Close()
	pkt := rtp.Packet{Header: rtp.Header{Version: 2, SSRC: 7}, Payload: make([]byte, 160)}
	buf := make([]byte, 172)
	to := s.LocalAddr()
	var f voice.Frame
	b.ReportAllocs()
	for b.Loop() {
		pkt.SequenceNumber++
		pkt.Timestamp += 160
		n, _ := pkt.MarshalTo(buf)
		raw.WriteToUDPAddrPort(buf[:n], to)
		s.ReadFrame(&f)
	}
}

// BenchmarkRTPSend runs the sending tick (read source, encode, marshal, send) without the
// 20 ms pacing.
func BenchmarkRTPSend(b *testing.B) {
	s := newSession(b, nil)
	sink, _ := net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(loopback, 0)))
	defer sink.Close()
	r := sink.LocalAddr().(*net.UDPAddr).AddrPort()
	s.cfg = SessionConfig{Codec: PCMU}
	s.remote.Store(&r)
	go func() {
		var buf [1500]byte
		for {
			if _, err := sink.Read(buf[:]); err != nil {
				return
			}
		}
	}()
	s.SetSource(Loop(NewTone(1000, 8000, 50)))
	st := &sender{h: rtp.Header{Version: 2, SSRC: 1}}
	b.ReportAllocs()
	for b.Loop() {
		s.tick(st)
	}
}
