// Package media is Hotline's media engine: G.711, RTP sessions over UDP, RFC 4733 and SIP
// INFO DTMF, a mixer with a hear/speak matrix, rooms, WAV playback and crash-safe stereo
// recording, tones, a Goertzel detector and SDP offer/answer. It holds no SIP: the SIP layer
// (internal/voice/sip) drives it.
//
// Inside the engine audio is voice.Frame: 20 ms of 8 kHz 16-bit linear PCM.
package media

import "fmt"

// Codec is a G.711 variant, named by its static RTP payload type.
type Codec uint8

const (
	PCMU Codec = 0 // G.711 µ-law
	PCMA Codec = 8 // G.711 A-law
)

func (c Codec) String() string {
	switch c {
	case PCMU:
		return "PCMU"
	case PCMA:
		return "PCMA"
	}
	return fmt.Sprintf("codec(%d)", uint8(c))
}

// Encode encodes len(src) samples into dst (len(dst) >= len(src)).
func (c Codec) Encode(dst []byte, src []int16) {
	if c == PCMA {
		EncodeAlaw(dst, src)
		return
	}
	EncodeUlaw(dst, src)
}

// Decode decodes len(src) bytes into dst (len(dst) >= len(src)).
func (c Codec) Decode(dst []int16, src []byte) {
	if c == PCMA {
		DecodeAlaw(dst, src)
		return
	}
	DecodeUlaw(dst, src)
}

// The tables: decoding is one lookup per byte; encoding is one lookup per sample in a table
// indexed by the sample's top 14 (µ-law) or 13 (A-law) bits, which is all the precision
// the codecs keep.
var (
	ulawToLinear [256]int16
	alawToLinear [256]int16
	linearToUlaw [1 << 14]byte
	linearToAlaw [1 << 13]byte
)

func init() {
	for i := range 256 {
		ulawToLinear[i] = ulaw2linear(byte(i))
		alawToLinear[i] = alaw2linear(byte(i))
	}
	for i := range linearToUlaw {
		linearToUlaw[i] = linear2ulaw(int16(uint16(i) << 2))
	}
	for i := range linearToAlaw {
		linearToAlaw[i] = linear2alaw(int16(uint16(i) << 3))
	}
}

// EncodeUlaw encodes PCM samples to µ-law.
func EncodeUlaw(dst []byte, src []int16) {
	dst = dst[:len(src)]
	for i, s := range src {
		dst[i] = linearToUlaw[uint16(s)>>2]
	}
}

// DecodeUlaw decodes µ-law to PCM samples.
func DecodeUlaw(dst []int16, src []byte) {
	dst = dst[:len(src)]
	for i, b := range src {
		dst[i] = ulawToLinear[b]
	}
}

// EncodeAlaw encodes PCM samples to A-law.
func EncodeAlaw(dst []byte, src []int16) {
	dst = dst[:len(src)]
	for i, s := range src {
		dst[i] = linearToAlaw[uint16(s)>>3]
	}
}

// DecodeAlaw decodes A-law to PCM samples.
func DecodeAlaw(dst []int16, src []byte) {
	dst = dst[:len(src)]
	for i, b := range src {
		dst[i] = alawToLinear[b]
	}
}

// The reference algorithms of ITU-T G.711 (as in the public-domain Sun g711.c), used to
// build the tables.

func segment(v int, ends *[8]int) int {
	for i, e := range ends {
		if v <= e {
			return i
		}
	}
	return 8
}

var (
	ulawSegEnd = [8]int{0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF}
	alawSegEnd = [8]int{0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF}
)

func linear2ulaw(pcm int16) byte {
	const bias, clip = 0x84, 8159
	v := int(pcm) >> 2
	mask := 0xFF
	if v < 0 {
		v, mask = -v, 0x7F
	}
	v = min(v, clip) + bias>>2
	seg := segment(v, &ulawSegEnd)
	if seg >= 8 {
		return byte(0x7F ^ mask)
	}
	return byte(((seg << 4) | ((v >> (seg + 1)) & 0xF)) ^ mask)
}

func ulaw2linear(u byte) int16 {
	const bias = 0x84
	u = ^u
	t := (int(u&0x0F) << 3) + bias
	t <<= (u & 0x70) >> 4
	if u&0x80 != 0 {
		return int16(bias - t)
	}
	return int16(t - bias)
}

func linear2alaw(pcm int16) byte {
	v := int(pcm) >> 3
	mask := 0xD5
	if v < 0 {
		v, mask = -v-1, 0x55
	}
	seg := segment(v, &alawSegEnd)
	if seg >= 8 {
		return byte(0x7F ^ mask)
	}
	a := seg << 4
	if seg < 2 {
		a |= (v >> 1) & 0xF
	} else {
		a |= (v >> seg) & 0xF
	}
	return byte(a ^ mask)
}

func alaw2linear(a byte) int16 {
	a ^= 0x55
	t := int(a&0x0F) << 4
	switch seg := (a & 0x70) >> 4; seg {
	case 0:
		t += 8
	case 1:
		t += 0x108
	default:
		t += 0x108
		t <<= seg - 1
	}
	if a&0x80 != 0 {
		return int16(t)
	}
	return int16(-t)
}
