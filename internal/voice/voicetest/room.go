package voicetest

import (
	"fmt"
	"sync"

	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
)

// Room is an in-memory voice.Room over the real media.Room: members' voices (Call.Say)
// are mixed by their roles every 20 ms of engine time, and Call.Heard tells what each one
// hears.
type Room struct {
	id string
	mr *media.Room

	mu      sync.Mutex
	members map[string]*Call
	closed  bool
}

var _ voice.Room = (*Room)(nil)

// NewRoom makes an empty room.
func (e *Engine) NewRoom() voice.Room {
	e.mu.Lock()
	e.seq++
	id := fmt.Sprintf("room-%d", e.seq)
	e.mu.Unlock()
	return &Room{id: id, mr: media.NewRoom(), members: map[string]*Call{}}
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
	if old := tc.Room(); old != nil && old != r {
		_ = old.Leave(tc)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return voice.ErrRoomClosed
	}
	if err := r.mr.Join(tc.id, &tc.port, ro); err != nil {
		return err
	}
	r.members[tc.id] = tc
	tc.mu.Lock()
	tc.room = r
	tc.mu.Unlock()
	return nil
}

// SetRole changes a member's role.
func (r *Room) SetRole(c voice.Call, ro voice.Role) error { return r.mr.SetRole(c.ID(), ro) }

// Leave takes c out of the room.
func (r *Room) Leave(c voice.Call) error {
	r.mu.Lock()
	tc := r.members[c.ID()]
	delete(r.members, c.ID())
	r.mu.Unlock()
	if err := r.mr.Leave(c.ID()); err != nil {
		return err
	}
	if tc != nil {
		tc.mu.Lock()
		if tc.room == r {
			tc.room = nil
		}
		tc.mu.Unlock()
	}
	return nil
}

// Members lists the members' roles by call ID.
func (r *Room) Members() map[string]voice.Role { return r.mr.Members() }

// Hears reports whether listener hears speaker by the room's matrix.
func (r *Room) Hears(listener, speaker voice.Call) bool {
	return r.mr.Hears(listener.ID(), speaker.ID())
}

// Record records the room in stereo: left the calls in left, right the other speakers.
func (r *Room) Record(path string, left ...voice.Call) (voice.Recording, error) {
	ids := make([]string, len(left))
	for i, c := range left {
		ids[i] = c.ID()
	}
	return r.mr.Record(path, ids...)
}

// Close takes every member out and stops the recordings.
func (r *Room) Close() error {
	r.mu.Lock()
	r.closed = true
	members := r.members
	r.members = map[string]*Call{}
	r.mu.Unlock()
	for _, c := range members {
		c.mu.Lock()
		if c.room == r {
			c.room = nil
		}
		c.mu.Unlock()
	}
	return r.mr.Close()
}

// Room is the room the call is in, or nil.
func (c *Call) Room() *Room {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.room
}
