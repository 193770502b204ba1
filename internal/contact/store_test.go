package contact_test

import (
	"context"
	"encoding/binary"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/contact"
	"github.com/hotlinecc/hotline/internal/db"
	"github.com/hotlinecc/hotline/internal/db/dbtest"
	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/events"
	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
)

// writeTruncatedWAV writes secs seconds of a stereo recording (caller 1 kHz left, agent
// 2 kHz right) the way a killed process leaves it: the audio on disk, the header's sizes
// stale (one second), and half a sample frame at the end.
func writeTruncatedWAV(t *testing.T, path string, secs int) {
	t.Helper()
	must(t, os.MkdirAll(filepath.Dir(path), 0o750))
	w, err := media.CreateWAV(path, 2)
	must(t, err)
	left, right := media.NewTone(1000, 8000, 0), media.NewTone(2000, 8000, 0)
	var l, r voice.Frame
	for range secs * 50 {
		left.ReadFrame(&l)
		right.ReadFrame(&r)
		must(t, w.WriteStereo(&l, &r))
	}
	must(t, w.Close())
	f, err := os.OpenFile(path, os.O_RDWR|os.O_APPEND, 0)
	must(t, err)
	defer f.Close()
	var stale [4]byte
	binary.LittleEndian.PutUint32(stale[:], 8000*4)
	_, err = f.WriteAt(stale[:], 40)
	if err != nil { // O_APPEND forbids WriteAt on some systems: reopen
		g, err := os.OpenFile(path, os.O_RDWR, 0)
		must(t, err)
		_, err = g.WriteAt(stale[:], 40)
		must(t, err)
		g.Close()
	}
	_, err = f.Write([]byte{1, 2})
	must(t, err)
}

func TestRecoverClosesInterruptedCalls(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		dir := t.TempDir()
		ev := events.New(d)
		s := contact.NewStore(d, ev, dir)
		start := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		open := &contact.Call{UID: "in-1", Direction: "inbound", From: "13812345678", Caller: "+8613812345678", Dialed: "4008001234", StartedAt: start}
		must(t, s.Begin(ctx, open))
		open.Queue, open.QueuedAt, open.AnsweredAt = "support", start.Add(5*time.Second), start.Add(20*time.Second)
		open.RecordingPath = "recordings/2026/03/02/1.wav"
		must(t, s.Save(ctx, open, contact.Change{At: start.Add(50 * time.Second), Queue: &contact.QueueEvent{Kind: contact.QueueAnswered, Queue: "support"}}))
		writeTruncatedWAV(t, s.Path(open.RecordingPath), 30)
		waiting := &contact.Call{UID: "in-2", Direction: "inbound", From: "010-12345678", Dialed: "4008001234", StartedAt: start}
		must(t, s.Begin(ctx, waiting))
		waiting.Queue, waiting.QueuedAt, waiting.RecordingPath = "support", start.Add(2*time.Second), "recordings/2026/03/02/missing.wav"
		must(t, s.Save(ctx, waiting, contact.Change{At: start.Add(12 * time.Second)}))
		done := &contact.Call{UID: "in-3", Direction: "inbound", From: "1", Dialed: "2", StartedAt: start}
		must(t, s.Begin(ctx, done))
		done.Status, done.EndedAt = contact.StatusCompleted, start.Add(time.Minute)
		must(t, s.Save(ctx, done, contact.Change{At: done.EndedAt}))

		n, err := s.Recover(ctx)
		must(t, err)
		if n != 2 {
			t.Fatalf("recovered %d calls, want 2", n)
		}
		for _, c := range []struct {
			id         int64
			end        time.Time
			talk, wait int
			recSeconds int
		}{
			{open.ID, start.Add(50 * time.Second), 30, 15, 30},
			{waiting.ID, start.Add(12 * time.Second), 0, 10, 0},
		} {
			got, err := s.Get(ctx, c.id)
			must(t, err)
			if got.Status != contact.StatusInterrupted || !got.EndedAt.Equal(c.end) || got.TalkSeconds != c.talk || got.WaitSeconds != c.wait ||
				got.RecordingSeconds != c.recSeconds || got.EndedBy != contact.EndedBySystem {
				t.Errorf("call %d: %+v", c.id, got)
			}
		}
		w, err := media.ReadWAV(s.Path(open.RecordingPath))
		must(t, err)
		if len(w.Channels[0]) != 30*8000 {
			t.Errorf("repaired recording holds %d samples", len(w.Channels[0]))
		}
		if media.ToneLevel(w.Channels[0][8000:8160], 1000) < 7000 || media.ToneLevel(w.Channels[1][8000:8160], 2000) < 7000 {
			t.Error("repaired recording lost its audio")
		}
		if got, _ := s.Get(ctx, done.ID); got.Status != contact.StatusCompleted {
			t.Errorf("a finished call was touched: %s", got.Status)
		}
		if n, err := s.Recover(ctx); n != 0 || err != nil {
			t.Fatalf("second recovery: %d %v", n, err)
		}
		evs, _, err := ev.List(ctx, events.Filter{Categories: []string{"call"}})
		must(t, err)
		if len(evs) != 2 || evs[0].Kind != "call.ended" || evs[0].Str("cause") != "interrupted" {
			t.Errorf("events %+v", evs)
		}

		// Retention: recordings of calls older than the setting are deleted and marked.
		purged, err := s.PurgeRecordings(ctx, 30, start.AddDate(0, 0, 29))
		if err != nil || purged != 0 {
			t.Fatalf("purge within retention: %d %v", purged, err)
		}
		purged, err = s.PurgeRecordings(ctx, 30, start.AddDate(0, 0, 31))
		if err != nil || purged != 2 {
			t.Fatalf("purge: %d %v", purged, err)
		}
		if _, err := os.Stat(s.Path(open.RecordingPath)); !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("purged file still there: %v", err)
		}
		got, _ := s.Get(ctx, open.ID)
		if got.HasRecording() || got.RecordingPurged.IsZero() {
			t.Fatalf("purged record %+v", got)
		}
		if n, _ := s.PurgeRecordings(ctx, 0, start.AddDate(5, 0, 0)); n != 0 {
			t.Fatal("retention 0 purged")
		}
	})
}

func TestRecordingAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		ctx := context.Background()
		at := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		mk := func(agent, customer int64) *contact.Call {
			c := &contact.Call{UID: "x" + time.Now().String(), Direction: "inbound", From: "13812345678", Dialed: "4008001234", StartedAt: at}
			must(t, f.store.Begin(ctx, c))
			c.AgentID, c.CustomerID, c.Status, c.RecordingPath = agent, customer, contact.StatusCompleted, "recordings/r.wav"
			must(t, f.store.Save(ctx, c, contact.Change{At: at}))
			return c
		}
		writeTruncatedWAV(t, f.store.Path("recordings/r.wav"), 1)
		mine, theirs, anonymous := mk(f.agents[0], f.customer.ID), mk(f.agents[1], f.customer.ID), mk(f.agents[1], 0)
		who := func(id int64, role auth.Role, tier int) *auth.Principal {
			return &auth.Principal{User: &auth.User{ID: id, Role: role, Tier: tier}}
		}
		agent := who(f.agents[0], auth.RoleAgent, 1)
		qa := who(9999, auth.RoleQA, 0)
		partner := who(9998, auth.RolePartner, 0)
		for _, c := range []struct {
			name string
			p    *auth.Principal
			call *contact.Call
			see  errs.Code // "" for allowed
			hear errs.Code
		}{
			{"agent, own call", agent, mine, "", ""},
			{"agent, colleague's call of a customer", agent, theirs, "", errs.Forbidden},
			{"agent, colleague's call of nobody known", agent, anonymous, errs.NotFound, errs.NotFound},
			{"quality staff", qa, theirs, "", ""},
			{"partner", partner, mine, errs.NotFound, errs.NotFound},
		} {
			_, err := f.store.GetFor(ctx, c.p, c.call.ID)
			if errs.CodeOf(err) != c.see {
				t.Errorf("%s: see: %v", c.name, err)
			}
			_, file, err := f.store.Recording(ctx, c.p, c.call.ID)
			if errs.CodeOf(err) != c.hear {
				t.Errorf("%s: hear: %v", c.name, err)
			}
			if file != nil {
				file.Close()
			}
		}
		list, total, err := f.store.ListFor(ctx, agent, contact.Filter{})
		must(t, err)
		if total != 1 || list[0].ID != mine.ID {
			t.Errorf("agent's list: %d", total)
		}
		if _, total, _ := f.store.ListFor(ctx, qa, contact.Filter{}); total != 3 {
			t.Errorf("QA's list: %d", total)
		}
	})
}
