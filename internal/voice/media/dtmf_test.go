package media

import (
	"errors"
	"testing"
	"time"
)

type tev struct {
	ts  uint32
	ev  byte
	end bool
	dur uint16
}

func (p tev) payload() []byte {
	b := []byte{p.ev, 10, byte(p.dur >> 8), byte(p.dur)}
	if p.end {
		b[1] |= 0x80
	}
	return b
}

func TestDTMFDecoder(t *testing.T) {
	press := func(ts uint32, ev byte, first uint16) []tev {
		return []tev{{ts, ev, false, first}, {ts, ev, false, 320}, {ts, ev, false, 480},
			{ts, ev, true, 640}, {ts, ev, true, 640}, {ts, ev, true, 640}}
	}
	cat := func(seqs ...[]tev) []tev {
		var out []tev
		for _, s := range seqs {
			out = append(out, s...)
		}
		return out
	}
	tests := []struct {
		name string
		pkts []tev
		want string
	}{
		{"one digit, three ends", press(1000, 5, 160), "5"},
		{"first packet of duration 0 (sipp pcap)", press(1000, 1, 0), "1"},
		{"two presses of the same digit", cat(press(1000, 2, 160), press(2600, 2, 160)), "22"},
		{"star, hash and letters", cat(press(1, 10, 160), press(900, 11, 0), press(1800, 12, 160)), "*#A"},
		{"end packets lost", cat(press(1000, 7, 160)[:3], press(3000, 8, 160)), "78"},
		{"only one end packet", press(1000, 9, 160)[:4], "9"},
		{"late duplicate end of an old event", cat(press(1000, 3, 160), []tev{{1000, 3, true, 640}}), "3"},
		{"flash is not a digit", []tev{{1, 16, true, 160}}, ""},
		{"no end yet", press(1000, 4, 160)[:3], ""},
		{"lost end then a lone end packet", cat(press(1000, 6, 160)[:2], []tev{{5000, 0, true, 800}}), "60"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d DTMFDecoder
			got := ""
			for _, p := range tt.pkts {
				if dg, ok := d.Decode(p.ts, p.payload()); ok {
					got += string(dg)
				}
				if dg, ok := d.Pending(); ok {
					got += string(dg)
				}
			}
			if got != tt.want {
				t.Fatalf("digits %q, want %q", got, tt.want)
			}
		})
	}
	var d DTMFDecoder
	if _, ok := d.Decode(1, []byte{1, 2}); ok {
		t.Fatal("short payload decoded")
	}
}

func TestDTMFPayloadsRoundTrip(t *testing.T) {
	var d DTMFDecoder
	got := ""
	for i, digit := range []byte("0123456789*#ABCDa") {
		ps, err := DTMFPayloads(digit, 5, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 7 || ps[0][1]&0x80 != 0 || ps[4][1]&0x80 == 0 || ps[6] != ps[4] || ps[4][3] != 0x20 || ps[4][2] != 3 {
			t.Fatalf("payloads %v", ps)
		}
		for _, p := range ps {
			if dg, ok := d.Decode(uint32(i*2000), p[:]); ok {
				got += string(dg)
			}
		}
	}
	if got != "0123456789*#ABCDA" {
		t.Fatalf("round trip %q", got)
	}
	if _, err := DTMFPayloads('x', 5, 10); err == nil {
		t.Fatal("x accepted")
	}
}

func TestParseDTMFInfo(t *testing.T) {
	tests := []struct {
		ct, body string
		digit    byte
		dur      time.Duration
		bad      bool
	}{
		{"application/dtmf-relay", "Signal=5\r\nDuration=160\r\n", '5', 160 * time.Millisecond, false},
		{"application/dtmf-relay", "signal= #\nduration=250", '#', 250 * time.Millisecond, false},
		{"Application/DTMF-Relay; charset=utf-8", "Signal=10\r\n", '*', 0, false},
		{"application/dtmf-relay", "Signal=11", '#', 0, false},
		{"application/dtmf-relay", "Signal=b\r\nDuration=100", 'B', 100 * time.Millisecond, false},
		{"application/dtmf", "7\r\n", '7', 0, false},
		{"application/dtmf", "11", '#', 0, false},
		{"application/dtmf-relay", "Duration=160", 0, 0, true},
		{"application/dtmf-relay", "Signal=x", 0, 0, true},
		{"application/dtmf-relay", "Signal=1\r\nDuration=-3", 0, 0, true},
		{"application/sdp", "v=0", 0, 0, true},
		{"", "5", 0, 0, true},
	}
	for _, tt := range tests {
		d, dur, err := ParseDTMFInfo(tt.ct, []byte(tt.body))
		if tt.bad {
			if !errors.Is(err, ErrDTMFInfo) {
				t.Errorf("%s %q: err %v", tt.ct, tt.body, err)
			}
			continue
		}
		if err != nil || d != tt.digit || dur != tt.dur {
			t.Errorf("%s %q: %q %v %v, want %q %v", tt.ct, tt.body, d, dur, err, tt.digit, tt.dur)
		}
	}
}
