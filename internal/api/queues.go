package api

import (
	"net/http"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/acd/acdstore"
	"github.com/hotlinecc/hotline/internal/httpx"
)

// queueBody is a queue's settings as the API reads and writes them.
type queueBody struct {
	Code            string         `json:"code"`
	NameZH          string         `json:"name_zh"`
	NameEN          string         `json:"name_en"`
	Strategy        acd.Strategy   `json:"strategy"`
	Priority        int            `json:"priority"`
	SLSeconds       int            `json:"sl_seconds"`
	WrapUpSeconds   int            `json:"wrap_up_seconds"`
	MaxWaitSeconds  int            `json:"max_wait_seconds"`
	MaxWaitAction   acd.ExitAction `json:"max_wait_action"`
	OverflowQueue   string         `json:"overflow_queue"`
	RingSeconds     int            `json:"ring_seconds"`
	MaxMisses       int            `json:"max_misses"`
	AnnounceSeconds int            `json:"announce_seconds"`
	MusicOnHold     string         `json:"music_on_hold"`
	JoinEmpty       acd.EmptyRule  `json:"join_empty"`
	LeaveEmpty      acd.EmptyRule  `json:"leave_empty"`
	Tier2Seconds    int            `json:"tier2_seconds"`
	Tier3Seconds    int            `json:"tier3_seconds"`
}

func (b queueBody) queue(id int64) *acd.Queue {
	return &acd.Queue{ID: id, Code: b.Code, NameZH: b.NameZH, NameEN: b.NameEN, Strategy: b.Strategy, Priority: b.Priority,
		SLSeconds: b.SLSeconds, WrapUpSeconds: b.WrapUpSeconds, MaxWaitSeconds: b.MaxWaitSeconds, MaxWaitAction: b.MaxWaitAction,
		OverflowQueue: b.OverflowQueue, RingSeconds: b.RingSeconds, MaxMisses: b.MaxMisses, AnnounceSeconds: b.AnnounceSeconds,
		MusicOnHold: b.MusicOnHold, JoinEmpty: b.JoinEmpty, LeaveEmpty: b.LeaveEmpty, Tier2Seconds: b.Tier2Seconds, Tier3Seconds: b.Tier3Seconds}
}

func bodyOf(q acd.Queue) queueBody {
	return queueBody{q.Code, q.NameZH, q.NameEN, q.Strategy, q.Priority, q.SLSeconds, q.WrapUpSeconds, q.MaxWaitSeconds,
		q.Exit(), q.OverflowQueue, q.RingSeconds, q.MaxMisses, q.AnnounceSeconds, q.MusicOnHold, q.JoinEmpty, q.LeaveEmpty,
		q.Tier2Seconds, q.Tier3Seconds}
}

type queueJSON struct {
	ID int64 `json:"id"`
	queueBody
	MemberCount int `json:"member_count"`
}

type memberJSON struct {
	AgentID      int64  `json:"agent_id"`
	Username     string `json:"username"`
	DisplayName  string `json:"display_name"`
	Proficiency  int    `json:"proficiency"`
	Position     int    `json:"position"`
	Tier         int    `json:"tier"`
	TierOverride int    `json:"tier_override"`
	Disabled     bool   `json:"disabled"`
}

type queueDetailJSON struct {
	queueJSON
	Members []memberJSON `json:"members"`
}

func (a *API) listQueues(w http.ResponseWriter, r *http.Request) (int, any, error) {
	qs, err := a.Queues.Queues(r.Context())
	if err != nil {
		return 0, nil, err
	}
	out := list[queueJSON]{Items: []queueJSON{}, Total: len(qs)}
	for _, q := range qs {
		out.Items = append(out.Items, queueJSON{q.ID, bodyOf(q.Queue), q.Members})
	}
	return http.StatusOK, out, nil
}

// queueDetail answers a queue with its members.
func (a *API) queueDetail(r *http.Request, id int64, status int) (int, any, error) {
	q, err := a.Queues.Queue(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	ms, err := a.Queues.Members(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	out := queueDetailJSON{queueJSON: queueJSON{q.ID, bodyOf(*q), len(ms)}, Members: []memberJSON{}}
	for _, m := range ms {
		out.Members = append(out.Members, memberJSON{m.Agent, m.Username, m.DisplayName, m.Proficiency, m.Order, m.Tier, m.TierOverride, m.Disabled})
	}
	return status, out, nil
}

func (a *API) getQueue(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	return a.queueDetail(r, id, http.StatusOK)
}

func (a *API) createQueue(w http.ResponseWriter, r *http.Request) (int, any, error) {
	b, err := httpx.DecodeJSON[queueBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	q := b.queue(0)
	if err := a.Queues.CreateQueue(r.Context(), q); err != nil {
		return 0, nil, err
	}
	a.Auth.Audit(r.Context(), principal(r).Actor(), "queue.created", "queue", q.ID, map[string]any{"code": q.Code})
	return a.queueDetail(r, q.ID, http.StatusCreated)
}

func (a *API) updateQueue(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[queueBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	if err := a.Queues.UpdateQueue(r.Context(), b.queue(id)); err != nil {
		return 0, nil, err
	}
	a.Auth.Audit(r.Context(), principal(r).Actor(), "queue.updated", "queue", id, map[string]any{"code": b.Code})
	return a.queueDetail(r, id, http.StatusOK)
}

type membersBody struct {
	Members []struct {
		AgentID     int64 `json:"agent_id"`
		Proficiency int   `json:"proficiency"`
		Position    *int  `json:"position"`
		Tier        int   `json:"tier"`
	} `json:"members"`
}

// setQueueMembers replaces a queue's members; a member without a position takes its
// index in the list.
func (a *API) setQueueMembers(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[membersBody](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	in := make([]acdstore.MemberInput, 0, len(b.Members))
	for i, m := range b.Members {
		pos := i
		if m.Position != nil {
			pos = *m.Position
		}
		in = append(in, acdstore.MemberInput{Agent: m.AgentID, Proficiency: m.Proficiency, Position: pos, Tier: m.Tier})
	}
	if err := a.Queues.SetMembers(r.Context(), id, in); err != nil {
		return 0, nil, err
	}
	a.Auth.Audit(r.Context(), principal(r).Actor(), "queue.members_set", "queue", id, map[string]any{"members": len(in)})
	return a.queueDetail(r, id, http.StatusOK)
}

type skillJSON struct {
	Skill       string `json:"skill"`
	Proficiency int    `json:"proficiency"`
}

type skillsJSON struct {
	AgentID int64       `json:"agent_id"`
	Skills  []skillJSON `json:"skills"`
}

func (a *API) skillsOf(r *http.Request, id int64) (int, any, error) {
	if _, err := a.Auth.User(r.Context(), id); err != nil {
		return 0, nil, err
	}
	sks, err := a.Queues.Skills(r.Context(), id)
	if err != nil {
		return 0, nil, err
	}
	out := skillsJSON{AgentID: id, Skills: []skillJSON{}}
	for _, s := range sks {
		out.Skills = append(out.Skills, skillJSON{s.Name, s.Proficiency})
	}
	return http.StatusOK, out, nil
}

func (a *API) getAgentSkills(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	return a.skillsOf(r, id)
}

func (a *API) setAgentSkills(w http.ResponseWriter, r *http.Request) (int, any, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, nil, err
	}
	b, err := httpx.DecodeJSON[struct {
		Skills []skillJSON `json:"skills"`
	}](w, r, a.MaxBodyBytes)
	if err != nil {
		return 0, nil, err
	}
	sks := make([]acdstore.Skill, 0, len(b.Skills))
	for _, s := range b.Skills {
		sks = append(sks, acdstore.Skill{Name: s.Skill, Proficiency: s.Proficiency})
	}
	if err := a.Queues.SetSkills(r.Context(), id, sks); err != nil {
		return 0, nil, err
	}
	a.Auth.Audit(r.Context(), principal(r).Actor(), "agent.skills_set", "user", id, map[string]any{"skills": len(sks)})
	return a.skillsOf(r, id)
}
