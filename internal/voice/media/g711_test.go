package media

import (
	"math"
	"testing"
)

func TestG711KnownValues(t *testing.T) {
	tests := []struct {
		codec Codec
		pcm   int16
		code  byte
		back  int16
	}{
		{PCMU, 0, 0xFF, 0},
		{PCMU, -1, 0x7E, -8},
		{PCMU, -4, 0x7E, -8},
		{PCMU, 32767, 0x80, 32124},
		{PCMU, -32768, 0x00, -32124},
		{PCMU, 1000, 0xCE, 988},
		{PCMU, -1000, 0x4E, -988},
		{PCMA, 0, 0xD5, 8},
		{PCMA, -1, 0x55, -8},
		{PCMA, 32767, 0xAA, 32256},
		{PCMA, -32768, 0x2A, -32256},
		{PCMA, 1000, 0xFA, 1008},
		{PCMA, -1000, 0x7A, -1008},
	}
	for _, tt := range tests {
		var code [1]byte
		var back [1]int16
		tt.codec.Encode(code[:], []int16{tt.pcm})
		tt.codec.Decode(back[:], code[:])
		if code[0] != tt.code || back[0] != tt.back {
			t.Errorf("%s %d: code %#02x back %d, want %#02x %d", tt.codec, tt.pcm, code[0], back[0], tt.code, tt.back)
		}
	}
}

// TestG711RoundTrip checks every 16-bit sample against the codec's error bound: G.711 keeps
// about 12 bits of relative precision, so the error is at most 1/32 of the value plus a
// small constant near zero.
func TestG711RoundTrip(t *testing.T) {
	for _, c := range []Codec{PCMU, PCMA} {
		var code [1]byte
		var back [1]int16
		worst := 0.0
		for s := math.MinInt16; s <= math.MaxInt16; s++ {
			c.Encode(code[:], []int16{int16(s)})
			c.Decode(back[:], code[:])
			err := math.Abs(float64(back[0]) - float64(s))
			bound := math.Abs(float64(s))/32 + 16
			if s > 32124 || s < -32124 { // µ-law clips beyond 32124
				bound += 700
			}
			if err > bound {
				t.Fatalf("%s %d -> %d: error %.0f > %.0f", c, s, back[0], err, bound)
			}
			worst = max(worst, err/(math.Abs(float64(s))+1))
		}
		// Every code decodes to a value that encodes back to the same code.
		for b := range 256 {
			c.Decode(back[:], []byte{byte(b)})
			c.Encode(code[:], back[:])
			want := byte(b)
			if c == PCMU && b == 0x7F { // -0 encodes as +0
				want = 0xFF
			}
			if code[0] != want {
				t.Errorf("%s code %#02x -> %d -> %#02x", c, b, back[0], code[0])
			}
		}
	}
}

func BenchmarkEncodeUlaw(b *testing.B) {
	src := make([]int16, 160)
	for i := range src {
		src[i] = int16(i * 200)
	}
	dst := make([]byte, 160)
	b.ReportAllocs()
	for b.Loop() {
		EncodeUlaw(dst, src)
	}
}
