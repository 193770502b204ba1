package qa

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
	"github.com/hotlinecc/hotline/internal/voice"
	"github.com/hotlinecc/hotline/internal/voice/media"
)

// Talk analysis: energy-based voice activity per 20 ms frame on each channel of a stereo
// recording (left: the caller, right: the agent, as internal/voice/sip records them).

const frameMS = 1000 * voice.FrameSamples / voice.SampleRate // 20

// VAD tunes voice activity detection.
type VAD struct {
	Threshold float64 // RMS of a frame at or above which the frame is speech (of 32767)
	Hangover  int     // quiet runs of at most this many frames between speech count as speech
}

// DefaultVAD is about -40 dBFS with 200 ms of hangover, so the pauses between words do
// not split a turn.
var DefaultVAD = VAD{Threshold: 330, Hangover: 10}

// Analysis is the talk analysis of a call's recording.
type Analysis struct {
	CallID           int64
	AnalyzedAt       time.Time
	DurationMS       int64
	AgentTalkMS      int64
	CallerTalkMS     int64
	TalkRatio        float64 // agent talk / both parties' talk; 0 when nobody spoke
	LongestSilenceMS int64   // longest stretch where both were quiet
	OvertalkMS       int64   // time both spoke at once
	Error            string  // why the recording could not be analysed
}

// active marks each 20 ms frame of samples as speech or not.
func (v VAD) active(samples []int16) []bool {
	n := len(samples) / voice.FrameSamples
	out := make([]bool, n)
	for f := range n {
		var sum float64
		for _, s := range samples[f*voice.FrameSamples : (f+1)*voice.FrameSamples] {
			sum += float64(s) * float64(s)
		}
		out[f] = math.Sqrt(sum/voice.FrameSamples) >= v.Threshold
	}
	// Hangover: fill short quiet gaps between two speech frames.
	last := -1
	for i, a := range out {
		if !a {
			continue
		}
		if last >= 0 && i-last-1 <= v.Hangover {
			for j := last + 1; j < i; j++ {
				out[j] = true
			}
		}
		last = i
	}
	return out
}

// Analyze computes the talk figures of a stereo (or mono: caller and agent unknown, all
// speech counts as the agent's) recording.
func (v VAD) Analyze(w *media.WAV) Analysis {
	var caller, agent []bool
	switch len(w.Channels) {
	case 1:
		agent = v.active(w.Channels[0])
		caller = make([]bool, len(agent))
	default:
		caller, agent = v.active(w.Channels[0]), v.active(w.Channels[1])
	}
	var a Analysis
	a.DurationMS = int64(len(agent) * frameMS)
	var silence, longest int64
	for i := range agent {
		if agent[i] && caller[i] {
			a.OvertalkMS += frameMS
		}
		if agent[i] {
			a.AgentTalkMS += frameMS
		}
		if caller[i] {
			a.CallerTalkMS += frameMS
		}
		if !agent[i] && !caller[i] {
			silence += frameMS
			longest = max(longest, silence)
		} else {
			silence = 0
		}
	}
	a.LongestSilenceMS = longest
	if talk := a.AgentTalkMS + a.CallerTalkMS; talk > 0 {
		a.TalkRatio = round2(float64(a.AgentTalkMS) / float64(talk))
	}
	return a
}

// AnalyzePending analyses up to limit ended calls with a recording that have no analysis
// yet, oldest first, and returns how many it stored. A recording that cannot be read is
// stored with its error, so it is not tried again and again. The job runner calls it.
func (s *Store) AnalyzePending(ctx context.Context, limit int) (int, error) {
	if limit <= 0 {
		limit = 20
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT c.id, c.recording_path FROM calls c LEFT JOIN qa_call_analysis a ON a.call_id = c.id
		WHERE a.call_id IS NULL AND c.recording_path <> '' AND c.recording_purged_at IS NULL AND c.ended_at IS NOT NULL ORDER BY c.id LIMIT $1`, limit)
	if err != nil {
		return 0, fmt.Errorf("qa: pending analyses: %w", err)
	}
	type todo struct {
		id   int64
		path string
	}
	var list []todo
	for rows.Next() {
		var t todo
		if err := rows.Scan(&t.id, &t.path); err != nil {
			rows.Close()
			return 0, err
		}
		list = append(list, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, t := range list {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		var a Analysis
		w, err := media.ReadWAV(s.path(t.path))
		if err != nil {
			a.Error = err.Error()
		} else {
			a = DefaultVAD.Analyze(w)
		}
		a.CallID, a.AnalyzedAt = t.id, utc(s.now())
		if err := s.saveAnalysis(ctx, &a); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

func (s *Store) saveAnalysis(ctx context.Context, a *Analysis) error {
	_, err := s.db.Write().ExecContext(ctx, `INSERT INTO qa_call_analysis (call_id, analyzed_at, duration_ms, agent_talk_ms, caller_talk_ms, talk_ratio,
		longest_silence_ms, overtalk_ms, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (call_id) DO NOTHING`,
		a.CallID, a.AnalyzedAt, a.DurationMS, a.AgentTalkMS, a.CallerTalkMS, a.TalkRatio, a.LongestSilenceMS, a.OvertalkMS, a.Error)
	if err != nil {
		return fmt.Errorf("qa: save analysis of call %d: %w", a.CallID, err)
	}
	return nil
}

// CallAnalysis returns the talk analysis of a call (not found when none was made yet).
func (s *Store) CallAnalysis(ctx context.Context, callID int64) (*Analysis, error) {
	var a Analysis
	err := s.db.Read().QueryRowContext(ctx, `SELECT call_id, analyzed_at, duration_ms, agent_talk_ms, caller_talk_ms, talk_ratio, longest_silence_ms,
		overtalk_ms, error FROM qa_call_analysis WHERE call_id = $1`, callID).Scan(&a.CallID, &a.AnalyzedAt, &a.DurationMS, &a.AgentTalkMS,
		&a.CallerTalkMS, &a.TalkRatio, &a.LongestSilenceMS, &a.OvertalkMS, &a.Error)
	if err == sql.ErrNoRows {
		return nil, errs.E(errs.NotFound, "This call has not been analysed.").WithKey("qa_no_analysis")
	}
	if err != nil {
		return nil, fmt.Errorf("qa: analysis of call %d: %w", callID, err)
	}
	return &a, nil
}
