package media

import (
	"encoding/binary"
	"errors"
	"fmt"
	"mime"
	"strconv"
	"strings"
	"time"
)

// RFC 4733 telephone-event: a 4-byte payload of event, end bit and volume, duration in
// timestamp units. One key press is one event: every packet of it carries the timestamp of
// its start, its duration grows, and its end is sent three times.

// digits maps event codes 0-15 to digits.
const digits = "0123456789*#ABCD"

// DigitEvent is the RFC 4733 event code of a digit, or -1.
func DigitEvent(d byte) int {
	if d >= 'a' && d <= 'd' {
		d -= 'a' - 'A'
	}
	return strings.IndexByte(digits, d)
}

// DTMFDecoder turns telephone-event payloads into digits. It fires each digit once, on the
// first packet with the end bit, deduplicating by RTP timestamp, so the redundant end
// packets and retransmissions are ignored. A first packet of duration 0 (sent by some
// phones and by sipp's dtmf pcap) starts the event like any other. If an event's end
// packets are all lost, the digit fires when the next event starts. The zero value is
// ready.
type DTMFDecoder struct {
	ts      uint32 // timestamp of the current event
	event   int8
	active  bool // an event is current
	fired   bool // the current event's digit has fired
	pending byte // digit of an unfinished event cut short by a new one
}

// Decode takes the payload and RTP timestamp of one telephone-event packet and returns
// a digit when one is complete. A second digit (the lost end of a previous event followed
// by a complete new one in the same packet) is returned by the next call of Pending.
func (d *DTMFDecoder) Decode(ts uint32, payload []byte) (byte, bool) {
	if len(payload) < 4 {
		return 0, false
	}
	ev := payload[0]
	end := payload[1]&0x80 != 0
	if ev >= uint8(len(digits)) { // flash, tones and other events are not digits
		return 0, false
	}
	if !d.active || ts != d.ts {
		var lost byte
		if d.active && !d.fired { // the previous event never ended
			lost = digits[d.event]
		}
		d.ts, d.event, d.active, d.fired = ts, int8(ev), true, false
		if lost != 0 {
			if end {
				d.fired = true
				d.pending = digits[ev]
			}
			return lost, true
		}
	}
	if !end || d.fired {
		return 0, false
	}
	d.fired = true
	return digits[d.event], true
}

// Pending returns a digit that Decode could not return in the same call.
func (d *DTMFDecoder) Pending() (byte, bool) {
	p := d.pending
	d.pending = 0
	return p, p != 0
}

// DTMFPayloads are the telephone-event payloads that send digit for frames packets of
// 20 ms at 8 kHz: frames growing packets, the last of them with the end bit, and two more
// copies of the end. Volume is in -dBm0 (10 is usual).
func DTMFPayloads(digit byte, frames int, volume uint8) ([][4]byte, error) {
	ev := DigitEvent(digit)
	if ev < 0 {
		return nil, fmt.Errorf("media: %q is not a DTMF digit", digit)
	}
	frames = max(frames, 1)
	out := make([][4]byte, 0, frames+2)
	for i := 1; i <= frames; i++ {
		var p [4]byte
		p[0] = byte(ev)
		p[1] = volume & 0x3F
		if i == frames {
			p[1] |= 0x80
		}
		binary.BigEndian.PutUint16(p[2:], uint16(min(i*160, 0xFFFF)))
		out = append(out, p)
	}
	return append(out, out[frames-1], out[frames-1]), nil
}

// ErrDTMFInfo is wrapped by errors about SIP INFO DTMF bodies; the SIP layer answers them
// with 415 (unknown content type) or 400.
var ErrDTMFInfo = errors.New("not a DTMF INFO body")

// ParseDTMFInfo reads the digit (and duration, if given) of a SIP INFO body of content
// type application/dtmf-relay ("Signal=5\r\nDuration=160") or application/dtmf ("5").
// Signal 10 and 11 mean * and #, as some phones send.
func ParseDTMFInfo(contentType string, body []byte) (byte, time.Duration, error) {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return 0, 0, fmt.Errorf("%w: content type %q", ErrDTMFInfo, contentType)
	}
	switch mt {
	case "application/dtmf":
		d, err := infoDigit(strings.TrimSpace(string(body)))
		return d, 0, err
	case "application/dtmf-relay":
	default:
		return 0, 0, fmt.Errorf("%w: content type %s", ErrDTMFInfo, mt)
	}
	var digit byte
	var dur time.Duration
	for line := range strings.Lines(string(body)) {
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "signal":
			if digit, err = infoDigit(v); err != nil {
				return 0, 0, err
			}
		case "duration":
			ms, err := strconv.Atoi(v)
			if err != nil || ms < 0 {
				return 0, 0, fmt.Errorf("%w: duration %q", ErrDTMFInfo, v)
			}
			dur = time.Duration(ms) * time.Millisecond
		}
	}
	if digit == 0 {
		return 0, 0, fmt.Errorf("%w: no Signal", ErrDTMFInfo)
	}
	return digit, dur, nil
}

func infoDigit(s string) (byte, error) {
	switch {
	case s == "10":
		return '*', nil
	case s == "11":
		return '#', nil
	case len(s) == 1 && DigitEvent(s[0]) >= 0:
		return digits[DigitEvent(s[0])], nil
	}
	return 0, fmt.Errorf("%w: signal %q", ErrDTMFInfo, s)
}
