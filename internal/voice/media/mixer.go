package media

import (
	"math"
	"sync"

	"github.com/hotlinecc/hotline/internal/voice"
)

// Mixer mixes the frames of its participants by a gain matrix: each tick, every
// participant's Out is the saturated sum of In of the participants it hears, each times
// its gain. A bridge, a conference, silent monitoring, whisper and barge are all settings
// of the matrix. Mix allocates nothing; Add, Remove and SetGain may allocate. All methods
// are safe for concurrent use, and the matrix may change between ticks.
type Mixer struct {
	mu    sync.Mutex
	parts []*Participant // by slot; nil slots are free
	acc   [voice.FrameSamples]int64
}

// Participant is one row and one column of the matrix. Fill In before Mix; read Out
// after it (both under the caller's own ordering: Mix is not running concurrently with
// the owner's access when the owner drives the ticks, as Room does).
type Participant struct {
	In, Out voice.Frame
	slot    int
	hears   []hear // the speakers this participant hears, with their gains
}

type hear struct {
	from *Participant
	gain int32 // Q12: 4096 is unity
}

const unity = 1 << 12

// Add adds a participant that hears nobody and is heard by nobody.
func (m *Mixer) Add() *Participant {
	m.mu.Lock()
	defer m.mu.Unlock()
	p := &Participant{slot: -1}
	for i, q := range m.parts {
		if q == nil {
			p.slot, m.parts[i] = i, p
			return p
		}
	}
	p.slot = len(m.parts)
	m.parts = append(m.parts, p)
	return p
}

// Remove takes p out of the mixer and out of every row that heard it.
func (m *Mixer) Remove(p *Participant) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if p.slot < 0 || p.slot >= len(m.parts) || m.parts[p.slot] != p {
		return
	}
	m.parts[p.slot] = nil
	p.slot = -1
	for _, q := range m.parts {
		if q != nil {
			q.hears = without(q.hears, p)
		}
	}
}

func without(hs []hear, p *Participant) []hear {
	for i, h := range hs {
		if h.from == p {
			return append(hs[:i], hs[i+1:]...)
		}
	}
	return hs
}

// SetGain sets how loud listener hears speaker: 0 is not at all, 1 is as spoken. A
// participant never hears itself.
func (m *Mixer) SetGain(listener, speaker *Participant, gain float64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if listener == speaker || listener.slot < 0 || speaker.slot < 0 {
		return
	}
	g := int32(math.Round(min(max(gain, 0), 8) * unity))
	listener.hears = without(listener.hears, speaker)
	if g > 0 {
		listener.hears = append(listener.hears, hear{speaker, g})
	}
}

// Gain tells how loud listener hears speaker.
func (m *Mixer) Gain(listener, speaker *Participant) float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, h := range listener.hears {
		if h.from == speaker {
			return float64(h.gain) / unity
		}
	}
	return 0
}

// Len is the number of participants.
func (m *Mixer) Len() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for _, p := range m.parts {
		if p != nil {
			n++
		}
	}
	return n
}

// Mix computes every participant's Out from the others' In.
func (m *Mixer) Mix() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, l := range m.parts {
		if l == nil {
			continue
		}
		switch {
		case len(l.hears) == 0:
			clear(l.Out[:])
		case len(l.hears) == 1 && l.hears[0].gain == unity:
			l.Out = l.hears[0].from.In
		default:
			acc := &m.acc
			clear(acc[:])
			for _, h := range l.hears {
				in := &h.from.In
				if h.gain == unity {
					for i, s := range in {
						acc[i] += int64(s) << 12
					}
					continue
				}
				for i, s := range in {
					acc[i] += int64(s) * int64(h.gain)
				}
			}
			for i, v := range acc {
				l.Out[i] = saturate64(v >> 12)
			}
		}
	}
}

func saturate(v int32) int16 {
	if v > math.MaxInt16 {
		return math.MaxInt16
	}
	if v < math.MinInt16 {
		return math.MinInt16
	}
	return int16(v)
}

func saturate64(v int64) int16 {
	return saturate(int32(min(max(v, math.MinInt16), math.MaxInt16)))
}

// AddFrame adds src into dst with saturation.
func AddFrame(dst, src *voice.Frame) {
	for i, s := range src {
		dst[i] = saturate(int32(dst[i]) + int32(s))
	}
}
