package sip

import (
	"errors"
	"sync"

	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
)

// Room bridges SIP calls through a media.Room by the voice hear/speak matrix.
type Room struct {
	id    string
	mr    *media.Room
	mu    sync.Mutex
	calls map[string]*Call
}

var _ voice.Room = (*Room)(nil)

// NewRoom makes an empty room.
func (e *Engine) NewRoom() voice.Room {
	return &Room{id: "room-" + e.newCallID(), mr: media.NewRoom(), calls: map[string]*Call{}}
}

func (r *Room) ID() string { return r.id }

var errNotSIP = errors.New("sip: the call is not a call of this engine")

// Join adds an answered call; a call in another room moves.
func (r *Room) Join(vc voice.Call, role voice.Role) error {
	c, ok := vc.(*Call)
	if !ok {
		return errNotSIP
	}
	if err := c.ready(); err != nil {
		return err
	}
	if !role.Valid() {
		return errors.New("sip: join: invalid role")
	}
	c.mu.Lock()
	old := c.room
	c.mu.Unlock()
	if old != nil && old != r {
		old.drop(c)
	}
	if err := r.mr.Join(c.id, roomPort{c.audio}, role); err != nil {
		return err
	}
	c.mu.Lock()
	if c.ended { // hung up while joining
		c.mu.Unlock()
		_ = r.mr.Leave(c.id)
		return voice.ErrHangup
	}
	c.room = r
	c.mu.Unlock()
	r.mu.Lock()
	r.calls[c.id] = c
	r.mu.Unlock()
	c.audio.setRoom(true)
	return nil
}

// SetRole changes a member's role.
func (r *Room) SetRole(vc voice.Call, role voice.Role) error {
	return r.mr.SetRole(vc.ID(), role)
}

// Leave takes a call out.
func (r *Room) Leave(vc voice.Call) error {
	r.mu.Lock()
	c, ok := r.calls[vc.ID()]
	r.mu.Unlock()
	if !ok {
		return voice.ErrNotInRoom
	}
	c.mu.Lock()
	if c.room == r {
		c.room = nil
	}
	c.mu.Unlock()
	r.drop(c)
	return nil
}

// drop takes c out of the mixer.
func (r *Room) drop(c *Call) {
	r.mu.Lock()
	delete(r.calls, c.id)
	r.mu.Unlock()
	_ = r.mr.Leave(c.id)
	c.audio.setRoom(false)
}

func (r *Room) Members() map[string]voice.Role { return r.mr.Members() }

// Record records the room in stereo: the calls in left on the left channel, every other
// speaking member on the right.
func (r *Room) Record(path string, left ...voice.Call) (voice.Recording, error) {
	ids := make([]string, len(left))
	for i, c := range left {
		ids[i] = c.ID()
	}
	return r.mr.Record(path, ids...)
}

// Close takes every member out and stops recordings.
func (r *Room) Close() error {
	r.mu.Lock()
	calls := r.calls
	r.calls = map[string]*Call{}
	r.mu.Unlock()
	for _, c := range calls {
		c.mu.Lock()
		if c.room == r {
			c.room = nil
		}
		c.mu.Unlock()
		c.audio.setRoom(false)
	}
	return r.mr.Close()
}
