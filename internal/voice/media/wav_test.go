package media

import (
	"encoding/binary"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/hotlinecc/hotline/internal/voice"
)

func writeTone(t *testing.T, path string, freq float64, frames int) {
	t.Helper()
	w, err := CreateWAV(path, 1)
	if err != nil {
		t.Fatal(err)
	}
	tone := NewTone(freq, 8000, frames)
	var f voice.Frame
	for tone.ReadFrame(&f) == nil {
		if err := w.WriteMono(&f); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestWAVPlayback(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.wav")
	writeTone(t, path, 1000, 10)
	src, err := OpenWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	var f voice.Frame
	n := 0
	for src.ReadFrame(&f) == nil {
		n++
		if l := ToneLevel(f[:], 1000); l < 7900 || l > 8100 {
			t.Fatalf("frame %d: 1 kHz level %.0f", n, l)
		}
	}
	if n != 10 {
		t.Fatalf("%d frames, want 10", n)
	}
	loop := Loop(src)
	for i := range 25 {
		if err := loop.ReadFrame(&f); err != nil {
			t.Fatalf("loop frame %d: %v", i, err)
		}
	}
}

func TestWAVPartialLastFrame(t *testing.T) {
	path := filepath.Join(t.TempDir(), "short.wav")
	var h [wavHeaderSize]byte
	wavHeader(&h, 1, 6)
	b := append(h[:], 1, 0, 2, 0, 3, 0)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	src, err := OpenWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	f := voice.Frame{9, 9, 9, 9, 9}
	if err := src.ReadFrame(&f); err != nil || f[0] != 1 || f[2] != 3 || f[3] != 0 || f[159] != 0 {
		t.Fatalf("frame %v err %v", f[:5], err)
	}
	if err := src.ReadFrame(&f); err != io.EOF {
		t.Fatalf("after the end: %v", err)
	}
}

func TestWAVRejectsOtherFormats(t *testing.T) {
	header := func(tag, channels uint16, rate uint32, bits uint16) []byte {
		var h [wavHeaderSize]byte
		wavHeader(&h, int(channels), 0)
		binary.LittleEndian.PutUint16(h[20:], tag)
		binary.LittleEndian.PutUint32(h[24:], rate)
		binary.LittleEndian.PutUint16(h[34:], bits)
		return h[:]
	}
	tests := []struct {
		name string
		data []byte
	}{
		{"16 kHz", header(1, 1, 16000, 16)},
		{"8 bit", header(1, 1, 8000, 8)},
		{"µ-law encoded", header(7, 1, 8000, 8)},
		{"stereo prompt", header(1, 2, 8000, 16)},
		{"not RIFF", []byte("ID3\x03 this is an mp3 file....................")},
		{"empty", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "x.wav")
			if err := os.WriteFile(path, tt.data, 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := OpenWAV(path)
			if !errors.Is(err, ErrWAVFormat) {
				t.Fatalf("err = %v", err)
			}
			t.Log(err)
		})
	}
}

// TestWAVCrashRepair writes a stereo recording, "kills" the writer by dropping it
// unclosed, and checks that RepairWAV recovers all but at most the last second.
func TestWAVCrashRepair(t *testing.T) {
	path := filepath.Join(t.TempDir(), "rec.wav")
	w, err := CreateWAV(path, 2)
	if err != nil {
		t.Fatal(err)
	}
	left, right := NewTone(1000, 8000, 0), NewTone(2000, 8000, 0)
	var l, r voice.Frame
	const frames = 175 // 3.5 s
	for range frames {
		left.ReadFrame(&l)
		right.ReadFrame(&r)
		if err := w.WriteStereo(&l, &r); err != nil {
			t.Fatal(err)
		}
	}
	// Killed here: the buffer is never flushed, the file is never closed (the *os.File is
	// closed only to release it, which writes nothing).
	w.f.Close()

	before, err := ReadWAV(path)
	if err != nil {
		t.Fatalf("read before repair: %v", err)
	}
	got := len(before.Channels[0])
	if got < (frames-50)*voice.FrameSamples {
		t.Fatalf("header covers %d samples, want at least %d", got, (frames-50)*voice.FrameSamples)
	}
	// Simulate a torn write: half a sample frame at the end.
	fh, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	fh.Write([]byte{1, 2, 3})
	fh.Close()

	n, err := RepairWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	after, err := ReadWAV(path)
	if err != nil {
		t.Fatal(err)
	}
	if n%4 != 0 || int64(len(after.Channels[0])*4) != n || len(after.Channels[0]) < got {
		t.Fatalf("repaired %d bytes, %d samples (had %d)", n, len(after.Channels[0]), got)
	}
	seg := after.Channels[0][len(after.Channels[0])-160:]
	if ToneLevel(seg, 1000) < 7000 || ToneLevel(after.Channels[1][:160], 2000) < 7000 || ToneLevel(seg, 2000) > 100 {
		t.Fatalf("channels mixed up: left 1k %.0f 2k %.0f", ToneLevel(seg, 1000), ToneLevel(seg, 2000))
	}
	// A closed file is whole.
	w2, _ := CreateWAV(path, 2)
	w2.WriteStereo(&l, &r)
	w2.Close()
	whole, _ := ReadWAV(path)
	if len(whole.Channels[1]) != 160 {
		t.Fatalf("closed file holds %d samples", len(whole.Channels[1]))
	}
}

func TestToneLevel(t *testing.T) {
	var f voice.Frame
	NewTone(1000, 8000, 1).ReadFrame(&f)
	for _, tt := range []struct {
		freq     float64
		min, max float64
	}{{1000, 7900, 8100}, {2000, 0, 50}, {440, 0, 1500}} {
		if l := ToneLevel(f[:], tt.freq); l < tt.min || l > tt.max {
			t.Errorf("level at %.0f Hz = %.0f, want %.0f..%.0f", tt.freq, l, tt.min, tt.max)
		}
	}
	if ToneLevel(nil, 1000) != 0 {
		t.Error("empty")
	}
}
