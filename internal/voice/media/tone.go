package media

import (
	"io"
	"math"

	"github.com/hotlinecc/hotline/internal/voice"
)

// Tone is a sine source: Frequency Hz at Amplitude (of 32767) for Frames frames, or
// forever if Frames is 0. Tests use 1 kHz and 2 kHz tones to tell speakers apart.
type Tone struct {
	Frequency float64
	Amplitude float64
	Frames    int

	n     int
	phase float64
}

// NewTone makes a tone of freq Hz at amplitude amp lasting frames frames (0: forever).
func NewTone(freq, amp float64, frames int) *Tone {
	return &Tone{Frequency: freq, Amplitude: amp, Frames: frames}
}

// ReadFrame writes the next 20 ms of the sine.
func (t *Tone) ReadFrame(f *voice.Frame) error {
	if t.Frames > 0 && t.n >= t.Frames {
		return io.EOF
	}
	t.n++
	step := 2 * math.Pi * t.Frequency / voice.SampleRate
	for i := range f {
		f[i] = int16(t.Amplitude * math.Sin(t.phase))
		t.phase += step
	}
	t.phase = math.Mod(t.phase, 2*math.Pi)
	return nil
}

// Rewind starts the tone again.
func (t *Tone) Rewind() error {
	t.n, t.phase = 0, 0
	return nil
}

// Rewinder is a source that can start again.
type Rewinder interface {
	voice.Source
	Rewind() error
}

// Looping plays a source again and again (music on hold). It ends only if the source is
// empty or cannot rewind.
type Looping struct {
	Src Rewinder
}

// Loop returns src played in a loop.
func Loop(src Rewinder) *Looping { return &Looping{Src: src} }

// ReadFrame reads the next frame, rewinding at the end.
func (l *Looping) ReadFrame(f *voice.Frame) error {
	err := l.Src.ReadFrame(f)
	if err != io.EOF {
		return err
	}
	if err := l.Src.Rewind(); err != nil {
		return err
	}
	return l.Src.ReadFrame(f) // an empty source ends with io.EOF here
}

// Close closes the looped source if it can be closed.
func (l *Looping) Close() error {
	if c, ok := l.Src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// Goertzel returns the power of freq in samples (8 kHz), by the Goertzel algorithm.
func Goertzel(samples []int16, freq float64) float64 {
	coeff := 2 * math.Cos(2*math.Pi*freq/voice.SampleRate)
	var s1, s2 float64
	for _, x := range samples {
		s := float64(x) + coeff*s1 - s2
		s2, s1 = s1, s
	}
	return s1*s1 + s2*s2 - coeff*s1*s2
}

// ToneLevel estimates the amplitude (in sample units, of 32767) of the sine at freq in
// samples: a 1 kHz tone of amplitude 8000 gives about 8000 at 1000 and about 0 at 2000.
// Windows of a whole number of cycles (160 samples for 1 and 2 kHz) are exact.
func ToneLevel(samples []int16, freq float64) float64 {
	if len(samples) == 0 {
		return 0
	}
	return 2 * math.Sqrt(max(Goertzel(samples, freq), 0)) / float64(len(samples))
}
