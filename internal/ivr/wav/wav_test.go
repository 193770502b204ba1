package wav

import (
	"bytes"
	"errors"
	"io"
	"math"
	"os"
	"testing"

	"github.com/hotlinecc/hotline/internal/voice"
)

func tone(rate int, hz float64, n int) []int16 {
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(10000 * math.Sin(2*math.Pi*hz*float64(i)/float64(rate)))
	}
	return out
}

// power is the Goertzel power of hz in samples at 8 kHz, per sample.
func power(s []int16, hz float64) float64 {
	k := 2 * math.Cos(2*math.Pi*hz/voice.SampleRate)
	var s1, s2 float64
	for _, x := range s {
		s0 := float64(x) + k*s1 - s2
		s2, s1 = s1, s0
	}
	return (s1*s1 + s2*s2 - k*s1*s2) / float64(len(s)*len(s))
}

func TestEncodeParseRoundTrip(t *testing.T) {
	in := tone(8000, 440, 1000)
	var buf bytes.Buffer
	if err := Encode(&buf, 8000, in); err != nil {
		t.Fatal(err)
	}
	f, data, err := Parse(buf.Bytes())
	if err != nil || f != Telephone {
		t.Fatalf("parse: %v %v", f, err)
	}
	got := Samples(data)
	if len(got) != len(in) || got[123] != in[123] {
		t.Fatalf("samples differ")
	}
	if d := f.Duration(data); d != 0.125 {
		t.Fatalf("duration %v", d)
	}
	src, err := Open(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	var fr voice.Frame
	frames := 0
	for src.ReadFrame(&fr) == nil {
		frames++
	}
	if frames != 7 || fr[40] != 0 { // 1000 samples: 6 full frames and one padded with silence
		t.Fatalf("frames %d, last frame not padded", frames)
	}
	if err := src.ReadFrame(&fr); !errors.Is(err, io.EOF) {
		t.Fatalf("after the end: %v", err)
	}
}

func TestParseRejects(t *testing.T) {
	var ok bytes.Buffer
	Encode(&ok, 8000, tone(8000, 440, 100))
	compressed := bytes.Clone(ok.Bytes())
	compressed[20] = 7 // mu-law
	for name, b := range map[string][]byte{
		"empty": nil, "text": []byte("hello, this is not audio at all"), "mp3": []byte("ID3\x03\x00\x00\x00\x00\x00\x00garbage-garbage"),
		"compressed": compressed, "no data": ok.Bytes()[:36],
	} {
		if _, _, err := Parse(b); !errors.Is(err, ErrNotWAV) {
			t.Errorf("%s: %v", name, err)
		}
	}
	var wide bytes.Buffer
	Encode(&wide, 16000, tone(16000, 440, 100))
	if _, err := Open(wide.Bytes()); err == nil {
		t.Error("16 kHz opened as a telephone prompt")
	}
}

func TestResampleKeepsSpeechBandAndDropsAliases(t *testing.T) {
	const rate = 22050
	low := Resample(tone(rate, 1000, rate), rate)
	if len(low) != 8000 {
		t.Fatalf("%d samples, want 8000", len(low))
	}
	high := Resample(tone(rate, 6000, rate), rate) // would alias to 2 kHz without filtering
	if p1, p2 := power(low, 1000), power(high, 2000); p1 < 1e6 || p2 > p1/100 {
		t.Fatalf("1 kHz kept with power %.0f; 6 kHz aliased to 2 kHz with power %.0f", p1, p2)
	}
}

func TestShippedPromptsAreTelephoneFormat(t *testing.T) {
	for _, name := range []string{"../prompts/zh/welcome.wav", "../prompts/en/main_menu.wav", "../prompts/moh.wav"} {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Open(b); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}
