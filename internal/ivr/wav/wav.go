// Package wav reads and writes the WAV files of prompts: PCM, and in particular the
// 8 kHz 16-bit mono that the telephone path plays without conversion. It also plays a
// decoded prompt as a voice.Source and resamples speech to 8 kHz.
package wav

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/hotlinecc/hotline/internal/voice"
)

// Format is a PCM WAV file's format.
type Format struct {
	Rate     int
	Bits     int
	Channels int
}

// Telephone is the format prompts must have.
var Telephone = Format{Rate: voice.SampleRate, Bits: 16, Channels: 1}

func (f Format) String() string {
	return fmt.Sprintf("%d Hz %d-bit %s", f.Rate, f.Bits, map[bool]string{true: "mono", false: fmt.Sprintf("%d channels", f.Channels)}[f.Channels == 1])
}

// ErrNotWAV is returned for data that is not a PCM WAV file.
var ErrNotWAV = errors.New("wav: not a PCM WAV file")

// Parse reads a WAV file's format and returns its sample data (little-endian PCM). It
// accepts only uncompressed PCM (format 1, or WAVE_FORMAT_EXTENSIBLE holding PCM).
func Parse(b []byte) (Format, []byte, error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return Format{}, nil, ErrNotWAV
	}
	var f Format
	haveFmt := false
	for p := 12; p+8 <= len(b); {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		body := b[p+8:]
		if size > len(body) {
			if id != "data" {
				return Format{}, nil, fmt.Errorf("%w: chunk %q is cut short", ErrNotWAV, id)
			}
			size = len(body) // streamed files may leave the data size unset
		}
		body = body[:size]
		switch id {
		case "fmt ":
			if size < 16 {
				return Format{}, nil, fmt.Errorf("%w: short format chunk", ErrNotWAV)
			}
			tag := binary.LittleEndian.Uint16(body[0:2])
			if tag == 0xFFFE && size >= 26 {
				tag = binary.LittleEndian.Uint16(body[24:26])
			}
			if tag != 1 {
				return Format{}, nil, fmt.Errorf("%w: compressed audio (format %d); save it as PCM", ErrNotWAV, tag)
			}
			f = Format{Channels: int(binary.LittleEndian.Uint16(body[2:4])), Rate: int(binary.LittleEndian.Uint32(body[4:8])),
				Bits: int(binary.LittleEndian.Uint16(body[14:16]))}
			haveFmt = true
		case "data":
			if !haveFmt {
				return Format{}, nil, fmt.Errorf("%w: data before format", ErrNotWAV)
			}
			return f, body, nil
		}
		p += 8 + size + size%2
	}
	return Format{}, nil, fmt.Errorf("%w: no audio data", ErrNotWAV)
}

// Samples decodes 16-bit mono data into samples.
func Samples(data []byte) []int16 {
	out := make([]int16, len(data)/2)
	for i := range out {
		out[i] = int16(binary.LittleEndian.Uint16(data[2*i:]))
	}
	return out
}

// Encode writes samples as a 16-bit mono WAV file at rate.
func Encode(w io.Writer, rate int, samples []int16) error {
	var buf bytes.Buffer
	n := uint32(len(samples) * 2)
	buf.WriteString("RIFF")
	binary.Write(&buf, binary.LittleEndian, 36+n)
	buf.WriteString("WAVEfmt ")
	for _, v := range []any{uint32(16), uint16(1), uint16(1), uint32(rate), uint32(rate * 2), uint16(2), uint16(16)} {
		binary.Write(&buf, binary.LittleEndian, v)
	}
	buf.WriteString("data")
	binary.Write(&buf, binary.LittleEndian, n)
	binary.Write(&buf, binary.LittleEndian, samples)
	_, err := w.Write(buf.Bytes())
	return err
}

// Duration is how long data of format f plays.
func (f Format) Duration(data []byte) float64 {
	if f.Rate == 0 || f.Bits == 0 || f.Channels == 0 {
		return 0
	}
	return float64(len(data)) / float64(f.Rate*f.Channels*f.Bits/8)
}

// Resample converts mono samples from rate to 8 kHz through a windowed-sinc low-pass
// filter, for speech synthesised at 22.05 kHz.
func Resample(in []int16, rate int) []int16 {
	const to = voice.SampleRate
	if rate == to {
		return append([]int16(nil), in...)
	}
	ratio := float64(rate) / to
	cutoff := math.Min(1, 1/ratio) * 0.9 // of the input's Nyquist
	const half = 16                      // filter taps each side
	out := make([]int16, int(float64(len(in))/ratio))
	for i := range out {
		center := float64(i) * ratio
		c := int(center)
		var sum, norm float64
		for k := c - half*int(math.Ceil(ratio)); k <= c+half*int(math.Ceil(ratio)); k++ {
			if k < 0 || k >= len(in) {
				continue
			}
			x := (float64(k) - center) * cutoff
			w := 0.5 + 0.5*math.Cos(math.Pi*x/half) // Hann window
			if math.Abs(x) > half {
				continue
			}
			s := 1.0
			if x != 0 {
				s = math.Sin(math.Pi*x) / (math.Pi * x)
			}
			sum += float64(in[k]) * s * w
			norm += s * w
		}
		if norm != 0 {
			sum /= norm
		}
		out[i] = int16(max(-32768, min(32767, math.Round(sum))))
	}
	return out
}

// Source plays 8 kHz 16-bit mono samples as voice frames; the last frame is padded with
// silence.
type Source struct {
	samples []int16
	pos     int
}

// NewSource returns a Source over samples.
func NewSource(samples []int16) *Source { return &Source{samples: samples} }

// ReadFrame fills f with the next 20 ms, or returns io.EOF at the end.
func (s *Source) ReadFrame(f *voice.Frame) error {
	if s.pos >= len(s.samples) {
		return io.EOF
	}
	n := copy(f[:], s.samples[s.pos:])
	clear(f[n:])
	s.pos += n
	return nil
}

// Open parses a telephone-format WAV file and returns its Source.
func Open(b []byte) (*Source, error) {
	f, data, err := Parse(b)
	if err != nil {
		return nil, err
	}
	if f != Telephone {
		return nil, fmt.Errorf("wav: %s, want %s", f, Telephone)
	}
	return NewSource(Samples(data)), nil
}
