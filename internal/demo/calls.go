package demo

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/crm"
	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
)

// demoCall is one call of the demo's call log.
type demoCall struct {
	agent  string // username; "" for none
	queue  string
	status contact.Status
	wait   int
	talk   int
	repeat bool
}

var demoCalls = []demoCall{
	{"agent1", "presales", contact.StatusCompleted, 12, 95, false},
	{"agent2", "repair", contact.StatusCompleted, 8, 240, true},
	{"", "support", contact.StatusAbandoned, 75, 0, false},
	{"senior1", "support", contact.StatusCompleted, 31, 410, false},
	{"agent3", "presales", contact.StatusCompleted, 4, 60, false},
	{"", "repair", contact.StatusVoicemail, 600, 0, true},
	{"expert", "vip", contact.StatusCompleted, 2, 180, false},
	{"agent1", "support", contact.StatusCompleted, 19, 130, true},
}

// loadCalls writes a day of call records, with short stereo recordings (a 1 kHz caller
// and a 2 kHz agent) for the answered ones, through the same store as the switchboard.
func loadCalls(ctx context.Context, s Services) error {
	customers, _, err := s.Customers.Search(ctx, crm.Filter{Limit: len(demoCalls)})
	if err != nil {
		return err
	}
	start := time.Now().Add(-8 * time.Hour).Truncate(time.Minute)
	for i, dc := range demoCalls {
		cu := customers[i%len(customers)]
		at := start.Add(time.Duration(i) * 47 * time.Minute)
		c := &contact.Call{UID: fmt.Sprintf("demo-%d", i+1), Direction: string(voice.Inbound), From: crm.DisplayPhone(cu.Phones[0].Number),
			Caller: cu.Phones[0].Number, Dialed: "4008001234", StartedAt: at}
		if err := s.Calls.Begin(ctx, c); err != nil {
			return err
		}
		c.CustomerID, c.VIPLevel, c.Repeat, c.Queue = cu.ID, cu.VIPLevel, dc.repeat, dc.queue
		c.IVRTrace = []string{"welcome", "menu.main", "queue." + dc.queue}
		c.QueuedAt, c.WaitSeconds, c.TalkSeconds, c.Status = at.Add(20*time.Second), dc.wait, dc.talk, dc.status
		answered := c.QueuedAt.Add(time.Duration(dc.wait) * time.Second)
		c.EndedAt = answered.Add(time.Duration(dc.talk) * time.Second)
		c.EndedBy = contact.EndedByCaller
		steps := []*contact.QueueEvent{{Kind: contact.QueueEntered, Queue: dc.queue, At: c.QueuedAt}}
		if dc.agent != "" {
			u, err := s.Auth.UserByUsername(ctx, dc.agent)
			if err != nil {
				return err
			}
			c.AgentID, c.AnsweredAt = u.ID, answered
			c.RecordingPath = fmt.Sprintf("recordings/%s/%d.wav", at.UTC().Format("2006/01/02"), c.ID)
			if c.RecordingSeconds, err = demoRecording(s.Calls.Path(c.RecordingPath)); err != nil {
				return err
			}
			steps = append(steps, &contact.QueueEvent{Kind: contact.QueueOffered, Queue: dc.queue, AgentID: u.ID, At: answered.Add(-3 * time.Second)},
				&contact.QueueEvent{Kind: contact.QueueAnswered, Queue: dc.queue, AgentID: u.ID, WaitSeconds: dc.wait, At: answered},
				&contact.QueueEvent{Kind: contact.QueueDoneByCaller, Queue: dc.queue, AgentID: u.ID, At: c.EndedAt})
		} else if dc.status == contact.StatusAbandoned {
			steps = append(steps, &contact.QueueEvent{Kind: contact.QueueAbandoned, Queue: dc.queue, WaitSeconds: dc.wait, At: c.EndedAt})
		} else {
			c.EndedBy = contact.EndedBySystem
			steps = append(steps, &contact.QueueEvent{Kind: contact.QueueVoicemail, Queue: dc.queue, WaitSeconds: dc.wait, At: c.EndedAt, Detail: "max_wait"})
		}
		for j, q := range steps {
			ch := contact.Change{At: q.At, Queue: q}
			if j == len(steps)-1 {
				ch.Events = []string{"call.started", "call.ended"}
			}
			if err := s.Calls.Save(ctx, c, ch); err != nil {
				return err
			}
		}
	}
	return nil
}

// demoRecording writes five seconds of a stereo call and returns its length in seconds.
func demoRecording(path string) (int, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return 0, err
	}
	w, err := media.CreateWAV(path, 2)
	if err != nil {
		return 0, err
	}
	caller, agent := media.NewTone(1000, 6000, 0), media.NewTone(2000, 6000, 0)
	var l, r voice.Frame
	for range 5 * 50 {
		caller.ReadFrame(&l)
		agent.ReadFrame(&r)
		if err := w.WriteStereo(&l, &r); err != nil {
			w.Close()
			return 0, err
		}
	}
	return 5, w.Close()
}
