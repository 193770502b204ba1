package contact

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"

	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
)

// Recover closes every call record that a stopped process left active: the call is
// marked interrupted, ended at its last known activity, and its recording and voicemail
// files are repaired (media.RepairWAV) so their audio up to the crash is kept with its
// duration. Run it at start, before the switchboard takes calls. It returns how many
// records it closed.
func (s *Store) Recover(ctx context.Context) (int, error) {
	calls, _, err := s.List(ctx, Filter{Status: StatusActive, Limit: 500})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range calls {
		if err := s.recoverCall(ctx, c); err != nil {
			return n, err
		}
		n++
	}
	if len(calls) == 500 {
		more, err := s.Recover(ctx)
		return n + more, err
	}
	return n, nil
}

func (s *Store) recoverCall(ctx context.Context, c *Call) error {
	end := c.LastActivityAt
	c.Status, c.EndedAt, c.EndedBy, c.EndCause = StatusInterrupted, end, EndedBySystem, "interrupted"
	switch {
	case !c.AnsweredAt.IsZero():
		c.TalkSeconds = seconds(end.Sub(c.AnsweredAt))
		if !c.QueuedAt.IsZero() {
			c.WaitSeconds = seconds(c.AnsweredAt.Sub(c.QueuedAt))
		}
	case !c.QueuedAt.IsZero():
		c.WaitSeconds = seconds(end.Sub(c.QueuedAt))
	}
	var err error
	if c.RecordingSeconds, err = s.repair(c.RecordingPath); err != nil {
		return err
	}
	if c.VoicemailSeconds, err = s.repair(c.VoicemailPath); err != nil {
		return err
	}
	return s.Save(ctx, c, Change{At: end, Events: []string{"call.ended"}, Data: map[string]any{"ended_by": c.EndedBy, "cause": c.EndCause}})
}

// repair fixes a WAV file's header after a crash and returns its length in seconds. A
// missing file is no error: the call was interrupted before a frame was written.
func (s *Store) repair(rel string) (int, error) {
	if rel == "" {
		return 0, nil
	}
	path := s.Path(rel)
	bytes, err := media.RepairWAV(path)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("contact: recover %s: %w", rel, err)
	}
	w, err := media.ReadWAV(path)
	if err != nil {
		return 0, fmt.Errorf("contact: recover %s: %w", rel, err)
	}
	perSample := int64(2 * len(w.Channels))
	return seconds(time.Duration(bytes/perSample) * time.Second / voice.SampleRate), nil
}

// seconds rounds a duration to whole seconds.
func seconds(d time.Duration) int {
	if d < 0 {
		return 0
	}
	return int(d.Round(time.Second) / time.Second)
}

// PurgeRecordings deletes the recording files of calls that started more than days days
// before now, and marks their records purged (the path stays, for the record). days 0
// keeps recordings forever. It returns how many files it deleted.
func (s *Store) PurgeRecordings(ctx context.Context, days int, now time.Time) (int, error) {
	if days <= 0 {
		return 0, nil
	}
	cutoff := utc(now.AddDate(0, 0, -days))
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, recording_path FROM calls WHERE recording_path <> '' AND recording_purged_at IS NULL
		AND status <> $1 AND started_at < $2 ORDER BY id LIMIT 1000`, string(StatusActive), cutoff)
	if err != nil {
		return 0, fmt.Errorf("contact: purge: %w", err)
	}
	type old struct {
		id   int64
		path string
	}
	var olds []old
	for rows.Next() {
		var o old
		if err := rows.Scan(&o.id, &o.path); err != nil {
			rows.Close()
			return 0, err
		}
		olds = append(olds, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, o := range olds {
		if err := os.Remove(s.Path(o.path)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return n, fmt.Errorf("contact: purge %s: %w", o.path, err)
		}
		if _, err := s.db.Write().ExecContext(ctx, `UPDATE calls SET recording_purged_at = $1 WHERE id = $2`, utc(now), o.id); err != nil {
			return n, fmt.Errorf("contact: purge call %d: %w", o.id, err)
		}
		n++
	}
	if len(olds) == 1000 {
		more, err := s.PurgeRecordings(ctx, days, now)
		return n + more, err
	}
	return n, nil
}
