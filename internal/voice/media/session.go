package media

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"

	"github.com/hotlinecc/hotline/internal/voice"
)

// Ports is the UDP port range RTP sessions bind in (even ports, RTCP would take the odd
// one above). It hands out ports round-robin so that a port just freed is not reused at
// once. The zero value binds any free port.
type Ports struct {
	Min, Max int
	next     atomic.Uint32
}

// Listen binds a UDP socket on ip in the range.
func (p *Ports) Listen(ip netip.Addr) (*net.UDPConn, error) {
	if p == nil || p.Min <= 0 || p.Max < p.Min {
		return net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip, 0)))
	}
	lo := p.Min + p.Min%2
	n := (p.Max-lo)/2 + 1
	start := int(p.next.Add(1))
	var err error
	for i := range n {
		port := lo + 2*((start+i)%n)
		var c *net.UDPConn
		c, err = net.ListenUDP("udp", net.UDPAddrFromAddrPort(netip.AddrPortFrom(ip, uint16(port))))
		if err == nil {
			p.next.Store(uint32(start + i))
			return c, nil
		}
	}
	return nil, fmt.Errorf("media: no free RTP port in %d-%d: %w", p.Min, p.Max, err)
}

// SessionConfig is what offer/answer agreed for a session.
type SessionConfig struct {
	Codec   Codec
	EventPT uint8          // telephone-event payload type; 0 if not negotiated
	Remote  netip.AddrPort // where the peer said to send; replaced by the source it sends from
	// OnDigit is called from the receiving goroutine with each RFC 4733 digit.
	OnDigit func(digit byte)
}

// Session is one RTP stream over UDP: a receiving goroutine that decodes packets into a
// small reorder buffer and RFC 4733 events into digits, and a sending goroutine that, every
// 20 ms, reads a frame from the session's source, encodes it and sends it (or the packets
// of a digit being sent). The packet path allocates nothing.
//
// A Session is a Port: ReadFrame gives the next received frame (silence when none came),
// WriteFrame queues a frame to send when no source is set.
type Session struct {
	conn *net.UDPConn
	cfg  SessionConfig

	remote atomic.Pointer[netip.AddrPort]
	source atomic.Pointer[sourceBox]
	queue  FrameQueue

	mu    sync.Mutex // guards jit and tones
	jit   jitter
	tones [][4]byte // telephone-event payloads still to send

	ssrc      uint32
	stats     Stats
	start     sync.Once
	closeOnce sync.Once
	stop      chan struct{}
	wg        sync.WaitGroup
}

type sourceBox struct{ s voice.Source }

// Stats counts a session's packets.
type Stats struct {
	Sent, Received, Late, Lost, Ignored atomic.Uint64
}

// NewSession makes a session on a socket bound by Ports.Listen.
func NewSession(conn *net.UDPConn) *Session {
	return &Session{conn: conn, stop: make(chan struct{}), ssrc: rand.Uint32()}
}

// LocalAddr is the address the session receives on (to put into SDP).
func (s *Session) LocalAddr() netip.AddrPort {
	return s.conn.LocalAddr().(*net.UDPAddr).AddrPort()
}

// Stats returns the session's counters.
func (s *Session) Stats() *Stats { return &s.stats }

// Start starts receiving and sending with the negotiated cfg. It runs once.
func (s *Session) Start(cfg SessionConfig) {
	s.start.Do(func() {
		s.cfg = cfg
		if cfg.Remote.IsValid() {
			r := cfg.Remote
			s.remote.Store(&r)
		}
		s.wg.Add(2)
		go s.receive()
		go s.send()
	})
}

// SetSource makes src what the session sends, from the next tick on; nil sends the
// frames queued by WriteFrame (silence when none are). A source that ends is dropped.
func (s *Session) SetSource(src voice.Source) {
	if src == nil {
		s.source.Store(nil)
		return
	}
	s.source.Store(&sourceBox{src})
}

// ReadFrame gives the next received frame in sequence order, or silence.
func (s *Session) ReadFrame(f *voice.Frame) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.jit.pop(f) {
		clear(f[:])
	}
	return nil
}

// WriteFrame queues f to be sent (used while no source is set, e.g. by a Room).
func (s *Session) WriteFrame(f *voice.Frame) error {
	s.queue.WriteFrame(f)
	return nil
}

// SendDigit sends digit as RFC 4733 events lasting about d (at least 40 ms).
func (s *Session) SendDigit(digit byte, d time.Duration) error {
	if s.cfg.EventPT == 0 {
		return errors.New("media: telephone-event was not negotiated")
	}
	ps, err := DTMFPayloads(digit, max(int(d/voice.FrameDuration), 2), 10)
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.tones = append(s.tones, ps...)
	s.mu.Unlock()
	return nil
}

// Close stops the session and waits for its goroutines.
func (s *Session) Close() error {
	var err error
	s.closeOnce.Do(func() {
		close(s.stop)
		err = s.conn.Close()
		s.wg.Wait()
	})
	return err
}

func (s *Session) receive() {
	defer s.wg.Done()
	var buf [1500]byte
	var pkt rtp.Packet
	var dec DTMFDecoder
	for {
		n, from, err := s.conn.ReadFromUDPAddrPort(buf[:])
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		if pkt.Unmarshal(buf[:n]) != nil || pkt.Version != 2 {
			s.stats.Ignored.Add(1)
			continue
		}
		s.handle(&pkt, from, &dec)
	}
}

// handle takes one parsed packet from from.
func (s *Session) handle(pkt *rtp.Packet, from netip.AddrPort, dec *DTMFDecoder) {
	s.stats.Received.Add(1)
	if r := s.remote.Load(); r == nil || *r != from { // symmetric RTP: latch on the source
		latched := from
		s.remote.Store(&latched)
	}
	switch {
	case pkt.PayloadType == uint8(s.cfg.Codec):
		s.mu.Lock()
		s.jit.push(pkt.SequenceNumber, s.cfg.Codec, pkt.Payload, &s.stats)
		s.mu.Unlock()
	case s.cfg.EventPT != 0 && pkt.PayloadType == s.cfg.EventPT:
		if d, ok := dec.Decode(pkt.Timestamp, pkt.Payload); ok && s.cfg.OnDigit != nil {
			s.cfg.OnDigit(d)
		}
		if d, ok := dec.Pending(); ok && s.cfg.OnDigit != nil {
			s.cfg.OnDigit(d)
		}
	default:
		s.stats.Ignored.Add(1) // comfort noise and unknown payloads
	}
}

func (s *Session) send() {
	defer s.wg.Done()
	t := time.NewTicker(voice.FrameDuration)
	defer t.Stop()
	st := &sender{h: rtp.Header{Version: 2, SSRC: s.ssrc, SequenceNumber: uint16(rand.Uint32()), Timestamp: rand.Uint32(), Marker: true}}
	for {
		select {
		case <-s.stop:
			return
		case <-t.C:
			s.tick(st)
		}
	}
}

// sender is the sending goroutine's state.
type sender struct {
	buf   [12 + voice.FrameSamples]byte
	frame voice.Frame
	h     rtp.Header
	evTS  uint32
	inEv  bool
}

// tick sends one packet: the next telephone-event payload if a digit is being sent, else
// a frame of audio.
func (s *Session) tick(st *sender) {
	h := &st.h
	ts := h.Timestamp
	var ev [4]byte
	s.mu.Lock()
	haveEv := len(s.tones) > 0
	if haveEv {
		ev = s.tones[0]
		s.tones = s.tones[1:]
	}
	last := len(s.tones) == 0 || s.tones[0] != ev
	s.mu.Unlock()
	n := 12 + voice.FrameSamples
	if haveEv {
		if !st.inEv { // a new event: its timestamp is the start, the marker bit is set
			st.evTS, st.inEv, h.Marker = ts, true, true
		}
		h.PayloadType, h.Timestamp = s.cfg.EventPT, st.evTS
		copy(st.buf[12:], ev[:])
		n = 16
		if ev[1]&0x80 != 0 && last {
			st.inEv = false // the last of the three ends
		}
	} else {
		s.read(&st.frame)
		s.cfg.Codec.Encode(st.buf[12:], st.frame[:])
		h.PayloadType = uint8(s.cfg.Codec)
	}
	if r := s.remote.Load(); r != nil {
		if hn, err := h.MarshalTo(st.buf[:12]); err == nil && hn == 12 {
			if _, err := s.conn.WriteToUDPAddrPort(st.buf[:n], *r); err == nil {
				s.stats.Sent.Add(1)
			}
		}
	}
	h.SequenceNumber++
	h.Marker = false
	h.Timestamp = ts + voice.FrameSamples
}

// read fills f from the source, or from the queue.
func (s *Session) read(f *voice.Frame) {
	if b := s.source.Load(); b != nil {
		if err := b.s.ReadFrame(f); err == nil {
			return
		} else if err == io.EOF {
			s.source.CompareAndSwap(b, nil)
		}
	}
	s.queue.ReadFrame(f)
}

// jitter is a small reorder buffer of decoded frames keyed by sequence number. Packets
// older than the next frame to play are dropped as late; a gap is skipped once enough
// later frames are waiting.
type jitter struct {
	slots   [jitterSlots]jslot
	next    uint16
	started bool
	count   int
}

type jslot struct {
	seq uint16
	ok  bool
	f   voice.Frame
}

const (
	jitterSlots = 8
	jitterSkip  = 3 // frames waiting behind a gap before the gap counts as lost
)

func (j *jitter) push(seq uint16, c Codec, payload []byte, st *Stats) {
	if !j.started {
		j.started, j.next = true, seq
	}
	d := int16(seq - j.next)
	if d < 0 {
		st.Late.Add(1)
		return
	}
	if d >= jitterSlots { // far ahead (a jump in the stream): start over there
		for i := range j.slots {
			j.slots[i].ok = false
		}
		j.count, j.next = 0, seq
	}
	sl := &j.slots[seq%jitterSlots]
	if sl.ok && sl.seq == seq {
		return // duplicate
	}
	if !sl.ok {
		j.count++
	}
	n := min(len(payload), voice.FrameSamples)
	c.Decode(sl.f[:n], payload[:n])
	clear(sl.f[n:])
	sl.seq, sl.ok = seq, true
}

func (j *jitter) pop(f *voice.Frame) bool {
	if j.count == 0 {
		return false
	}
	for {
		sl := &j.slots[j.next%jitterSlots]
		if sl.ok && sl.seq == j.next {
			*f = sl.f
			sl.ok = false
			j.count--
			j.next++
			return true
		}
		if j.count < jitterSkip {
			return false // wait for the missing frame
		}
		j.next++ // lost
	}
}

// FrameQueue is a short queue of frames between a producer and a consumer on different
// ticks (a Room and a Session). It keeps the newest 6 frames (120 ms); reading an empty
// queue gives silence.
type FrameQueue struct {
	mu   sync.Mutex
	buf  [6]voice.Frame
	r, n int
}

// WriteFrame queues f, dropping the oldest frame when full.
func (q *FrameQueue) WriteFrame(f *voice.Frame) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.n == len(q.buf) {
		q.r = (q.r + 1) % len(q.buf)
		q.n--
	}
	q.buf[(q.r+q.n)%len(q.buf)] = *f
	q.n++
}

// ReadFrame takes the oldest frame, or silence.
func (q *FrameQueue) ReadFrame(f *voice.Frame) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.n == 0 {
		clear(f[:])
		return nil
	}
	*f = q.buf[q.r]
	q.r = (q.r + 1) % len(q.buf)
	q.n--
	return nil
}
