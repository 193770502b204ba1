package media

import (
	"fmt"
	"sync"
	"time"

	"github.com/hotlinecc/hotline/internal/voice"
)

// Port is a member's audio in a Room: ReadFrame gives what the member says in this tick
// (silence when it says nothing), WriteFrame takes what the member hears. Neither may
// block: the room calls them from its tick.
type Port interface {
	voice.Source
	WriteFrame(f *voice.Frame) error
}

// Room runs a Mixer every 20 ms over its members' ports, by the voice.Role of each member,
// and records the room in stereo. Its ticking goroutine runs while the room has members.
// Engines wrap it into their voice.Room.
type Room struct {
	mu      sync.Mutex
	mixer   Mixer
	members []*member
	recs    []*roomRecording
	stop    chan struct{} // closes the ticking goroutine; nil while it does not run
	closed  bool
	manual  bool // ticks come from Tick only (tests and benchmarks)
}

type member struct {
	id   string
	port Port
	role voice.Role
	p    *Participant
}

// NewRoom makes a room that ticks by itself every 20 ms while it has members.
func NewRoom() *Room { return &Room{} }

// NewManualRoom makes a room that ticks only when Tick is called.
func NewManualRoom() *Room { return &Room{manual: true} }

// Join adds the member id speaking and hearing through port with role.
func (r *Room) Join(id string, port Port, role voice.Role) error {
	if !role.Valid() {
		return fmt.Errorf("media: join %s: invalid role %+v", id, role)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return voice.ErrRoomClosed
	}
	if m := r.find(id); m != nil {
		m.port, m.role = port, role
	} else {
		r.members = append(r.members, &member{id: id, port: port, role: role, p: r.mixer.Add()})
	}
	r.applyRoles()
	if !r.manual && r.stop == nil {
		r.stop = make(chan struct{})
		go r.run(r.stop)
	}
	return nil
}

func (r *Room) find(id string) *member {
	for _, m := range r.members {
		if m.id == id {
			return m
		}
	}
	return nil
}

// applyRoles rebuilds the mixer's matrix from the roles.
func (r *Room) applyRoles() {
	for _, l := range r.members {
		for _, s := range r.members {
			g := 0.0
			if voice.Hears(l.id, s.id, s.role) {
				g = 1
			}
			r.mixer.SetGain(l.p, s.p, g)
		}
	}
}

// SetRole changes a member's role.
func (r *Room) SetRole(id string, role voice.Role) error {
	if !role.Valid() {
		return fmt.Errorf("media: set role %s: invalid role %+v", id, role)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	m := r.find(id)
	if m == nil {
		return voice.ErrNotInRoom
	}
	m.role = role
	r.applyRoles()
	return nil
}

// Leave takes the member id out.
func (r *Room) Leave(id string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, m := range r.members {
		if m.id == id {
			r.mixer.Remove(m.p)
			r.members = append(r.members[:i], r.members[i+1:]...)
			if len(r.members) == 0 && r.stop != nil {
				close(r.stop)
				r.stop = nil
			}
			return nil
		}
	}
	return voice.ErrNotInRoom
}

// Members lists the members' roles by id.
func (r *Room) Members() map[string]voice.Role {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]voice.Role, len(r.members))
	for _, m := range r.members {
		out[m.id] = m.role
	}
	return out
}

// Hears reports whether listener hears speaker now.
func (r *Room) Hears(listener, speaker string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	l, s := r.find(listener), r.find(speaker)
	return l != nil && s != nil && r.mixer.Gain(l.p, s.p) > 0
}

func (r *Room) run(stop chan struct{}) {
	t := time.NewTicker(voice.FrameDuration)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			r.Tick()
		}
	}
}

// Tick reads every member's port, mixes, writes every member's port and the recordings.
func (r *Room) Tick() {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.members {
		if m.port.ReadFrame(&m.p.In) != nil {
			clear(m.p.In[:])
		}
	}
	r.mixer.Mix()
	for _, m := range r.members {
		_ = m.port.WriteFrame(&m.p.Out)
	}
	for i := 0; i < len(r.recs); i++ {
		if !r.recs[i].write(r.members) {
			r.recs = append(r.recs[:i], r.recs[i+1:]...)
			i--
		}
	}
}

// Record records the room in stereo at path: the members in left on the left channel,
// every other speaking member (not listen-only) on the right.
func (r *Room) Record(path string, left ...string) (voice.Recording, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, voice.ErrRoomClosed
	}
	w, err := CreateWAV(path, 2)
	if err != nil {
		return nil, fmt.Errorf("media: record room: %w", err)
	}
	rec := &roomRecording{Recorder: NewRecorder(w, path, 0, ""), left: map[string]bool{}}
	for _, id := range left {
		rec.left[id] = true
	}
	r.recs = append(r.recs, rec)
	return rec, nil
}

type roomRecording struct {
	*Recorder
	left        map[string]bool
	leftF, rigF voice.Frame
}

// write adds a tick to the file; false means the recording has stopped.
func (rr *roomRecording) write(ms []*member) bool {
	clear(rr.leftF[:])
	clear(rr.rigF[:])
	for _, m := range ms {
		switch {
		case rr.left[m.id]:
			AddFrame(&rr.leftF, &m.p.In)
		case m.role.Kind != voice.Listen:
			AddFrame(&rr.rigF, &m.p.In)
		}
	}
	return rr.WriteStereo(&rr.leftF, &rr.rigF)
}

// Close takes every member out and stops the recordings.
func (r *Room) Close() error {
	r.mu.Lock()
	r.closed = true
	for _, m := range r.members {
		r.mixer.Remove(m.p)
	}
	r.members = nil
	if r.stop != nil {
		close(r.stop)
		r.stop = nil
	}
	recs := r.recs
	r.recs = nil
	r.mu.Unlock()
	var err error
	for _, rec := range recs {
		if _, e := rec.Stop(); e != nil && err == nil {
			err = e
		}
	}
	return err
}
