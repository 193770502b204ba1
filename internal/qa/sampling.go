package qa

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"time"

	"github.com/hotlinecc/hotline/internal/errs"
)

// Sample reasons.
const (
	ReasonRandom    = "random"
	ReasonLongCall  = "long_call"
	ReasonRepeat    = "repeat_caller"
	ReasonComplaint = "complaint"
	ReasonTransfer  = "transfer"
	ReasonSilence   = "long_silence"
	ReasonOvertalk  = "overtalk"
)

// Sampling is the rule set of the weekly sample. A call matching a rule is sampled (with
// the first rule it matches as the reason); then each agent gets RandomPerAgent more
// calls drawn at random. Zero turns a rule off. Low survey scores are not a rule yet:
// there are no surveys.
type Sampling struct {
	RandomPerAgent  int  `json:"random_per_agent"`
	LongCallMinutes int  `json:"long_call_minutes"`
	RepeatCallers   bool `json:"repeat_callers"`
	Complaints      bool `json:"complaints"` // the caller has a complaint ticket
	Transfers       bool `json:"transfers"`
	SilenceSeconds  int  `json:"silence_seconds"`  // longest silence at least this long
	OvertalkSeconds int  `json:"overtalk_seconds"` // overtalk at least this long
}

// DefaultSampling is used until the rules are saved.
var DefaultSampling = Sampling{RandomPerAgent: 2, LongCallMinutes: 15, RepeatCallers: true, Complaints: true, Transfers: true,
	SilenceSeconds: 30, OvertalkSeconds: 20}

func (r *Sampling) validate() error {
	for _, v := range []int{r.RandomPerAgent, r.LongCallMinutes, r.SilenceSeconds, r.OvertalkSeconds} {
		if v < 0 || v > 10000 {
			return errs.Field("sampling", "Sampling numbers are between 0 and 10000.").WithKey("qa_sampling_range")
		}
	}
	return nil
}

// SamplingRules returns the saved rules, or the defaults.
func (s *Store) SamplingRules(ctx context.Context) (Sampling, error) {
	var text string
	err := s.db.Read().QueryRowContext(ctx, `SELECT sampling FROM qa_settings WHERE id = 1`).Scan(&text)
	if err == sql.ErrNoRows {
		return DefaultSampling, nil
	}
	if err != nil {
		return Sampling{}, fmt.Errorf("qa: sampling rules: %w", err)
	}
	r := DefaultSampling
	return r, json.Unmarshal([]byte(text), &r)
}

// SaveSamplingRules stores the rules.
func (s *Store) SaveSamplingRules(ctx context.Context, r Sampling) error {
	if err := r.validate(); err != nil {
		return err
	}
	_, err := s.db.Write().ExecContext(ctx, `INSERT INTO qa_settings (id, sampling) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET sampling = excluded.sampling`, jsonText(r))
	if err != nil {
		return fmt.Errorf("qa: save sampling rules: %w", err)
	}
	return nil
}

// WeekStart returns the Monday 00:00 (center's time zone) of the week holding t.
func (s *Store) WeekStart(t time.Time) time.Time {
	t = t.In(s.loc)
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, s.loc)
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

type candidate struct {
	callID, agentID     int64
	talk                int
	repeat              bool
	transfer, complaint bool
	silenceMS           sql.NullInt64
	overtalkMS          sql.NullInt64
}

func (r Sampling) reason(c candidate) string {
	switch {
	case r.Complaints && c.complaint:
		return ReasonComplaint
	case r.LongCallMinutes > 0 && c.talk >= r.LongCallMinutes*60:
		return ReasonLongCall
	case r.RepeatCallers && c.repeat:
		return ReasonRepeat
	case r.Transfers && c.transfer:
		return ReasonTransfer
	case r.SilenceSeconds > 0 && c.silenceMS.Valid && c.silenceMS.Int64 >= int64(r.SilenceSeconds)*1000:
		return ReasonSilence
	case r.OvertalkSeconds > 0 && c.overtalkMS.Valid && c.overtalkMS.Int64 >= int64(r.OvertalkSeconds)*1000:
		return ReasonOvertalk
	}
	return ""
}

// SampleWeek picks the calls of the week that starts on weekStart's Monday for the
// worklist: every answered call matching a rule, then up to RandomPerAgent random calls
// per agent. It is idempotent: a call is sampled once, an agent's random draw is
// topped up to the number and drawn with a seed of the week and the agent, so a rerun adds
// only what is missing (calls that ended or were analysed since). It returns how many
// calls it added. The job runner calls it (for the past week, and the current one).
func (s *Store) SampleWeek(ctx context.Context, weekStart time.Time) (int, error) {
	rules, err := s.SamplingRules(ctx)
	if err != nil {
		return 0, err
	}
	from := s.WeekStart(weekStart)
	week := from.Format("2006-01-02")
	rows, err := s.db.Read().QueryContext(ctx, `SELECT c.id, c.agent_id, c.talk_seconds, c.repeat_caller,
		EXISTS (SELECT 1 FROM call_queue_events q WHERE q.call_id = c.id AND q.kind = 'transferred'),
		EXISTS (SELECT 1 FROM tickets t JOIN ticket_types tt ON tt.id = t.type_id WHERE t.customer_id = c.customer_id AND tt.complaint),
		a.longest_silence_ms, a.overtalk_ms
		FROM calls c LEFT JOIN qa_call_analysis a ON a.call_id = c.id AND a.error = ''
		WHERE c.agent_id IS NOT NULL AND c.answered_at IS NOT NULL AND c.ended_at IS NOT NULL AND c.started_at >= $1 AND c.started_at < $2
		AND NOT EXISTS (SELECT 1 FROM qa_samples s WHERE s.call_id = c.id) ORDER BY c.id`, utc(from), utc(from.AddDate(0, 0, 7)))
	if err != nil {
		return 0, fmt.Errorf("qa: sample week %s: %w", week, err)
	}
	var cands []candidate
	for rows.Next() {
		var c candidate
		if err := rows.Scan(&c.callID, &c.agentID, &c.talk, &c.repeat, &c.transfer, &c.complaint, &c.silenceMS, &c.overtalkMS); err != nil {
			rows.Close()
			return 0, err
		}
		cands = append(cands, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	type pick struct {
		c      candidate
		reason string
	}
	var picks []pick
	pool := map[int64][]candidate{}
	var agents []int64
	for _, c := range cands {
		if r := rules.reason(c); r != "" {
			picks = append(picks, pick{c, r})
			continue
		}
		if _, ok := pool[c.agentID]; !ok {
			agents = append(agents, c.agentID)
		}
		pool[c.agentID] = append(pool[c.agentID], c)
	}
	for _, agent := range agents {
		var have int
		if err := s.db.Read().QueryRowContext(ctx, `SELECT count(*) FROM qa_samples WHERE week = $1 AND agent_id = $2 AND reason = $3`,
			week, agent, ReasonRandom).Scan(&have); err != nil {
			return 0, err
		}
		list := pool[agent]
		h := fnv.New64a()
		fmt.Fprintf(h, "%s/%d", week, agent)
		rng := rand.New(rand.NewPCG(h.Sum64(), 18))
		rng.Shuffle(len(list), func(i, j int) { list[i], list[j] = list[j], list[i] })
		for i := 0; i < rules.RandomPerAgent-have && i < len(list); i++ {
			picks = append(picks, pick{list[i], ReasonRandom})
		}
	}
	now := utc(s.now())
	added := 0
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, p := range picks {
			res, err := tx.ExecContext(ctx, `INSERT INTO qa_samples (call_id, agent_id, week, reason, status, created_at) VALUES ($1, $2, $3, $4, 'open', $5)
				ON CONFLICT (call_id) DO NOTHING`, p.c.callID, p.c.agentID, week, p.reason, now)
			if err != nil {
				return err
			}
			n, _ := res.RowsAffected()
			added += int(n)
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("qa: sample week %s: %w", week, err)
	}
	return added, nil
}

// SampleItem is one call of the worklist.
type SampleItem struct {
	ID           int64
	CallID       int64
	AgentID      int64
	AgentName    string
	Week         string
	Reason       string
	AssignedTo   int64
	AssigneeName string
	Status       string
	StartedAt    time.Time
	Queue        string
	TalkSeconds  int
	CreatedAt    time.Time
}

// WorklistFilter selects worklist entries, newest week first.
type WorklistFilter struct {
	Week       string // YYYY-MM-DD of the Monday; "" for every week
	AssignedTo int64  // -1: unassigned only
	Status     string
	Limit      int // default 100, at most 500
}

// Worklist lists sampled calls.
func (s *Store) Worklist(ctx context.Context, f WorklistFilter) ([]SampleItem, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	q := `SELECT s.id, s.call_id, s.agent_id, ua.display_name, s.week, s.reason, s.assigned_to, COALESCE(uq.display_name, ''), s.status,
		c.started_at, c.queue, c.talk_seconds, s.created_at FROM qa_samples s JOIN calls c ON c.id = s.call_id JOIN users ua ON ua.id = s.agent_id
		LEFT JOIN users uq ON uq.id = s.assigned_to WHERE ($1 = '' OR s.week = $1) AND ($2 = '' OR s.status = $2)
		AND ($3 = 0 OR s.assigned_to = $3 OR ($3 = -1 AND s.assigned_to IS NULL)) ORDER BY s.week DESC, s.status DESC, s.id LIMIT $4`
	rows, err := s.db.Read().QueryContext(ctx, q, f.Week, f.Status, f.AssignedTo, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("qa: worklist: %w", err)
	}
	defer rows.Close()
	var out []SampleItem
	for rows.Next() {
		var it SampleItem
		var assigned sql.NullInt64
		if err := rows.Scan(&it.ID, &it.CallID, &it.AgentID, &it.AgentName, &it.Week, &it.Reason, &assigned, &it.AssigneeName, &it.Status,
			&it.StartedAt, &it.Queue, &it.TalkSeconds, &it.CreatedAt); err != nil {
			return nil, err
		}
		it.AssignedTo = assigned.Int64
		out = append(out, it)
	}
	return out, rows.Err()
}

// Assign gives a sampled call to a member of the quality staff (0: nobody). The caller
// checks that the assignee may evaluate.
func (s *Store) Assign(ctx context.Context, sampleID, userID int64) error {
	res, err := s.db.Write().ExecContext(ctx, `UPDATE qa_samples SET assigned_to = $1 WHERE id = $2`, nullID(userID), sampleID)
	if err != nil {
		return fmt.Errorf("qa: assign sample %d: %w", sampleID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errs.E(errs.NotFound, "No such sampled call.").WithKey("qa_sample_not_found")
	}
	return nil
}
