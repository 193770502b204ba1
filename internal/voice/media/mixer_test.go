package media

import (
	"errors"
	"math"
	"path/filepath"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/voice"
)

// port is a room member for tests: it says a tone and keeps what it heard last.
type port struct {
	say   voice.Source
	heard voice.Frame
	n     int
}

func (p *port) ReadFrame(f *voice.Frame) error {
	if p.say == nil {
		clear(f[:])
		return nil
	}
	return p.say.ReadFrame(f)
}

func (p *port) WriteFrame(f *voice.Frame) error {
	p.heard = *f
	p.n++
	return nil
}

// hears tells which of the test frequencies p heard in its last frame.
func (p *port) hears() map[float64]bool {
	out := map[float64]bool{}
	for _, f := range []float64{1000, 2000, 3000} {
		if ToneLevel(p.heard[:], f) > 4000 {
			out[f] = true
		}
	}
	return out
}

func same(a, b map[float64]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

type set = map[float64]bool

// TestRoomMatrix plays a caller (1 kHz), an agent (2 kHz) and a supervisor (3 kHz) through
// the roles of a contact center call and checks by Goertzel who hears whom.
func TestRoomMatrix(t *testing.T) {
	caller := &port{say: NewTone(1000, 8000, 0)}
	agent := &port{say: NewTone(2000, 8000, 0)}
	sup := &port{say: NewTone(3000, 8000, 0)}
	r := NewManualRoom()
	must(t, r.Join("caller", caller, voice.Role{Kind: voice.Full}))
	must(t, r.Join("agent", agent, voice.Role{Kind: voice.Full}))
	steps := []struct {
		name                 string
		change               func() error
		caller, agent, super set
	}{
		{"bridge", func() error { return nil }, set{2000: true}, set{1000: true}, nil},
		{"listen", func() error { return r.Join("sup", sup, voice.Role{Kind: voice.Listen}) },
			set{2000: true}, set{1000: true}, set{1000: true, 2000: true}},
		{"whisper", func() error { return r.SetRole("sup", voice.Role{Kind: voice.Whisper, To: "agent"}) },
			set{2000: true}, set{1000: true, 3000: true}, set{1000: true, 2000: true}},
		{"barge", func() error { return r.SetRole("sup", voice.Role{Kind: voice.Full}) },
			set{2000: true, 3000: true}, set{1000: true, 3000: true}, set{1000: true, 2000: true}},
		{"agent leaves", func() error { return r.Leave("agent") },
			set{3000: true}, set{1000: true, 3000: true}, set{1000: true}},
	}
	for _, s := range steps {
		must(t, s.change())
		r.Tick()
		for _, c := range []struct {
			who  string
			p    *port
			want set
		}{{"caller", caller, s.caller}, {"agent", agent, s.agent}, {"supervisor", sup, s.super}} {
			if got := c.p.hears(); !same(got, c.want) && !(s.name == "bridge" && c.p == sup) {
				t.Errorf("%s: %s hears %v, want %v", s.name, c.who, got, c.want)
			}
		}
	}
	if !r.Hears("sup", "caller") || r.Hears("caller", "agent") {
		t.Error("Hears disagrees with the matrix")
	}
	if err := r.Leave("agent"); !errors.Is(err, voice.ErrNotInRoom) {
		t.Fatalf("leave twice: %v", err)
	}
	if err := r.SetRole("sup", voice.Role{Kind: voice.Whisper}); err == nil {
		t.Fatal("whisper to nobody accepted")
	}
}

func TestMixerGainAndSaturation(t *testing.T) {
	var m Mixer
	a, b, c := m.Add(), m.Add(), m.Add()
	m.SetGain(c, a, 1)
	m.SetGain(c, b, 1)
	m.SetGain(a, b, 0.5)
	m.SetGain(a, a, 1) // ignored: nobody hears himself
	for i := range a.In {
		a.In[i], b.In[i] = 30000, 30000
	}
	b.In[1], a.In[1] = -30000, -30000
	m.Mix()
	if c.Out[0] != math.MaxInt16 || c.Out[1] != math.MinInt16 {
		t.Fatalf("no saturation: %d %d", c.Out[0], c.Out[1])
	}
	if a.Out[0] != 15000 || a.Out[1] != -15000 {
		t.Fatalf("half gain: %d %d", a.Out[0], a.Out[1])
	}
	if b.Out != (voice.Frame{}) {
		t.Fatal("b hears somebody")
	}
	if g := m.Gain(a, b); g != 0.5 {
		t.Fatalf("gain %v", g)
	}
	m.Remove(b)
	m.Mix()
	if a.Out != (voice.Frame{}) || c.Out[0] != 30000 || m.Len() != 2 {
		t.Fatalf("after remove: a %d c %d len %d", a.Out[0], c.Out[0], m.Len())
	}
	d := m.Add() // reuses b's slot
	if d.slot != 1 {
		t.Fatalf("slot %d", d.slot)
	}
}

// TestRoomTicksAndRecords lets a room tick by itself for half a second and checks that the
// stereo recording holds the caller left and the agent and a whispering supervisor right,
// but not a listen-only one.
func TestRoomTicksAndRecords(t *testing.T) {
	path := filepath.Join(t.TempDir(), "room.wav")
	r := NewRoom()
	caller := &port{say: NewTone(1000, 8000, 0)}
	agent := &port{say: NewTone(2000, 8000, 0)}
	sup := &port{say: NewTone(3000, 8000, 0)}
	must(t, r.Join("caller", caller, voice.Role{Kind: voice.Full}))
	must(t, r.Join("agent", agent, voice.Role{Kind: voice.Full}))
	must(t, r.Join("sup", sup, voice.Role{Kind: voice.Listen}))
	rec, err := r.Record(path, "caller")
	must(t, err)
	time.Sleep(300 * time.Millisecond)
	must(t, r.SetRole("sup", voice.Role{Kind: voice.Whisper, To: "agent"}))
	time.Sleep(300 * time.Millisecond)
	must(t, r.Close())
	<-rec.Done()
	info, err := rec.Stop()
	must(t, err)
	if info.Duration < 400*time.Millisecond || caller.n < 20 {
		t.Fatalf("recorded %v, caller heard %d frames", info.Duration, caller.n)
	}
	w, err := ReadWAV(path)
	must(t, err)
	left, right := w.Channels[0], w.Channels[1]
	first, last := right[:160], right[len(right)-160:]
	switch {
	case ToneLevel(left[:160], 1000) < 7000 || ToneLevel(left[:160], 2000) > 100:
		t.Error("left is not the caller")
	case ToneLevel(first, 2000) < 7000 || ToneLevel(first, 3000) > 100 || ToneLevel(first, 1000) > 100:
		t.Error("right holds more than the agent while the supervisor listens")
	case ToneLevel(last, 3000) < 7000:
		t.Error("right misses the whispering supervisor")
	}
	if err := r.Join("x", caller, voice.Role{Kind: voice.Full}); !errors.Is(err, voice.ErrRoomClosed) {
		t.Fatalf("join after close: %v", err)
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// BenchmarkMixer mixes a room of a caller, an agent and a whispering supervisor, plus a
// 10-member conference.
func BenchmarkMixer(b *testing.B) {
	for _, n := range []int{3, 10} {
		b.Run(map[int]string{3: "whisper-3", 10: "conference-10"}[n], func(b *testing.B) {
			r := NewManualRoom()
			for i := range n {
				role := voice.Role{Kind: voice.Full}
				if n == 3 && i == 2 {
					role = voice.Role{Kind: voice.Whisper, To: "m1"}
				}
				var f voice.Frame
				NewTone(float64(500+100*i), 3000, 1).ReadFrame(&f)
				must(b, r.Join("m"+string(rune('0'+i)), &fixedPort{f}, role))
			}
			b.ReportAllocs()
			for b.Loop() {
				r.Tick()
			}
		})
	}
}

// fixedPort says the same frame every tick, so that benchmarks measure the room, not the
// tone generator.
type fixedPort struct{ f voice.Frame }

func (p *fixedPort) ReadFrame(f *voice.Frame) error  { *f = p.f; return nil }
func (p *fixedPort) WriteFrame(f *voice.Frame) error { return nil }
