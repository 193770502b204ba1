package voicetest

import (
	"fmt"
	"maps"
	"sync"

	"github.com/hotlinecc/hotline/internal/voice"
)

// Room is an in-memory voice.Room. Hears tells who hears whom by the members' roles.
type Room struct {
	e  *Engine
	id string

	mu      sync.Mutex
	members map[string]*Call
	roles   map[string]voice.Role
	recs    []*recording
	closed  bool
}

var _ voice.Room = (*Room)(nil)

// NewRoom makes an empty room.
func (e *Engine) NewRoom() voice.Room {
	e.mu.Lock()
	e.seq++
	id := fmt.Sprintf("room-%d", e.seq)
	e.mu.Unlock()
	return &Room{e: e, id: id, members: map[string]*Call{}, roles: map[string]voice.Role{}}
}

func (r *Room) ID() string { return r.id }

func asCall(c voice.Call) (*Call, error) {
	tc, ok := c.(*Call)
	if !ok {
		return nil, fmt.Errorf("voicetest: %T is not a voicetest call", c)
	}
	return tc, nil
}

// Join adds an answered call with role ro, moving it out of any other room.
func (r *Room) Join(c voice.Call, ro voice.Role) error {
	tc, err := asCall(c)
	if err != nil {
		return err
	}
	if !ro.Valid() {
		return fmt.Errorf("voicetest: join %s: invalid role %+v", c.ID(), ro)
	}
	if err := tc.ready(); err != nil {
		return err
	}
	tc.mu.Lock()
	old := tc.room
	tc.mu.Unlock()
	if old != nil && old != r {
		_ = old.Leave(tc)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return voice.ErrRoomClosed
	}
	r.members[tc.id], r.roles[tc.id] = tc, ro
	tc.mu.Lock()
	tc.room = r
	tc.mu.Unlock()
	return nil
}

// SetRole changes a member's role.
func (r *Room) SetRole(c voice.Call, ro voice.Role) error {
	if !ro.Valid() {
		return fmt.Errorf("voicetest: set role %s: invalid role %+v", c.ID(), ro)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.members[c.ID()]; !ok {
		return voice.ErrNotInRoom
	}
	r.roles[c.ID()] = ro
	return nil
}

// Leave takes c out of the room.
func (r *Room) Leave(c voice.Call) error {
	r.mu.Lock()
	tc, ok := r.members[c.ID()]
	delete(r.members, c.ID())
	delete(r.roles, c.ID())
	r.mu.Unlock()
	if !ok {
		return voice.ErrNotInRoom
	}
	tc.mu.Lock()
	if tc.room == r {
		tc.room = nil
	}
	tc.mu.Unlock()
	return nil
}

// Members lists the members' roles by call ID.
func (r *Room) Members() map[string]voice.Role {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.roles)
}

// Hears reports whether listener hears speaker: both are members and the speaker's role
// reaches the listener.
func (r *Room) Hears(listener, speaker voice.Call) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	_, in := r.members[listener.ID()]
	ro, sp := r.roles[speaker.ID()]
	return in && sp && voice.Hears(listener.ID(), speaker.ID(), ro)
}

// Record starts a recording of the room; it stops with Stop or Close.
func (r *Room) Record(path string, left ...voice.Call) (voice.Recording, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return nil, voice.ErrRoomClosed
	}
	rec := newRecording(path, 0)
	r.recs = append(r.recs, rec)
	return rec, nil
}

// Close takes every member out and stops the recordings.
func (r *Room) Close() error {
	r.mu.Lock()
	r.closed = true
	members, recs := r.members, r.recs
	r.members, r.roles, r.recs = map[string]*Call{}, map[string]voice.Role{}, nil
	r.mu.Unlock()
	for _, c := range members {
		c.mu.Lock()
		if c.room == r {
			c.room = nil
		}
		c.mu.Unlock()
	}
	for _, rec := range recs {
		rec.finish("")
	}
	return nil
}

// Room is the room the call is in, or nil.
func (c *Call) Room() *Room {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.room
}
