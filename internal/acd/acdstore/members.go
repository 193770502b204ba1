package acdstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/hotlinecc/hotline/internal/acd"
	"github.com/hotlinecc/hotline/internal/auth"
	"github.com/hotlinecc/hotline/internal/errs"
)

// MaxMembers bounds one queue's member list.
const MaxMembers = 500

// MemberInfo is a queue member as the settings show it.
type MemberInfo struct {
	acd.Member       // Tier is the tier in effect: TierOverride, else the agent's tier
	TierOverride int // 0: the agent's own tier
	Username     string
	DisplayName  string
	Disabled     bool // the user is disabled and left out of routing

	queueID int64
}

// MemberInput is one member in a SetMembers list.
type MemberInput struct {
	Agent       int64
	Proficiency int
	Position    int // lowest first for top_down and round_robin; ties by user id
	Tier        int // 0: the agent's own tier; 1 to 3 overrides it in this queue
}

// members loads the members of queue id (every queue when id is 0) in their order.
func (s *Store) members(ctx context.Context, id int64) ([]MemberInfo, error) {
	where, args := "", []any{}
	if id != 0 {
		where, args = "WHERE m.queue_id = $1", []any{id}
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT m.queue_id, m.user_id, m.proficiency, m.position, m.tier, u.tier,
		u.username, u.display_name, u.disabled
		FROM queue_members m JOIN users u ON u.id = m.user_id `+where+`
		ORDER BY m.queue_id, m.position, m.user_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("acdstore: load members: %w", err)
	}
	defer rows.Close()
	var out []MemberInfo
	for rows.Next() {
		var m MemberInfo
		var override sql.NullInt64
		var userTier int
		if err := rows.Scan(&m.queueID, &m.Agent, &m.Proficiency, &m.Order, &override, &userTier, &m.Username, &m.DisplayName, &m.Disabled); err != nil {
			return nil, fmt.Errorf("acdstore: load members: %w", err)
		}
		m.TierOverride = int(override.Int64)
		m.Tier = max(userTier, 1)
		if m.TierOverride > 0 {
			m.Tier = m.TierOverride
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// Members lists queue id's members in their order (position, then user id); Order is
// the stored position.
func (s *Store) Members(ctx context.Context, id int64) ([]MemberInfo, error) {
	if _, err := s.Queue(ctx, id); err != nil {
		return nil, err
	}
	return s.members(ctx, id)
}

// AddMember lets an agent serve a queue at a proficiency of 1 to 5, after its members.
func (s *Store) AddMember(ctx context.Context, queueID, userID int64, proficiency int) error {
	if proficiency < 1 || proficiency > 5 {
		return errs.Field("proficiency", "Proficiency must be 1 to 5.").WithKey("proficiency")
	}
	_, err := s.db.Write().ExecContext(ctx, `INSERT INTO queue_members (queue_id, user_id, proficiency, position)
		VALUES ($1, $2, $3, (SELECT count(*) FROM queue_members WHERE queue_id = $1))
		ON CONFLICT (queue_id, user_id) DO UPDATE SET proficiency = excluded.proficiency`, queueID, userID, proficiency)
	if err != nil {
		return fmt.Errorf("acdstore: add member %d to queue %d: %w", userID, queueID, err)
	}
	return nil
}

// checkAgent reports an error unless user id exists (else missing) and may take calls.
func checkAgent(ctx context.Context, tx *sql.Tx, id int64, field string, missing error) error {
	var role string
	var tier int
	err := tx.QueryRowContext(ctx, `SELECT role, tier FROM users WHERE id = $1`, id).Scan(&role, &tier)
	if errors.Is(err, sql.ErrNoRows) {
		return missing
	}
	if err != nil {
		return fmt.Errorf("acdstore: user %d: %w", id, err)
	}
	if !slices.Contains(auth.PermissionsOf(auth.Role(role), tier), auth.PermCallsAnswer) {
		return errs.Field(field, fmt.Sprintf("User %d does not take calls.", id)).WithKey("member_not_agent", id)
	}
	return nil
}

// SetMembers replaces queue id's members by list. Nothing changes when any entry is
// refused: an unknown user or one who does not take calls, an agent listed twice, a
// proficiency outside 1 to 5, a negative position or a tier outside 0 to 3.
func (s *Store) SetMembers(ctx context.Context, id int64, list []MemberInput) error {
	if len(list) > MaxMembers {
		return errs.Field("members", fmt.Sprintf("A queue has at most %d members.", MaxMembers)).WithKey("members_too_many", MaxMembers)
	}
	seen := map[int64]bool{}
	for _, in := range list {
		m := acd.Member{Agent: in.Agent, Proficiency: in.Proficiency, Tier: max(in.Tier, 1), Order: in.Position}
		if err := m.Validate(); err != nil {
			return err
		}
		if in.Tier < 0 {
			return errs.Field("tier", "Tier must be 1 to 3.").WithKey("member_tier")
		}
		if seen[in.Agent] {
			return errs.Field("agent", fmt.Sprintf("User %d is listed twice.", in.Agent)).WithKey("member_twice", in.Agent)
		}
		seen[in.Agent] = true
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM queues WHERE id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return notFound()
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM queue_members WHERE queue_id = $1`, id); err != nil {
			return err
		}
		for _, in := range list {
			missing := errs.Field("agent", fmt.Sprintf("User %d does not exist.", in.Agent)).WithKey("member_unknown", in.Agent)
			if err := checkAgent(ctx, tx, in.Agent, "agent", missing); err != nil {
				return err
			}
			var tier sql.NullInt64
			if in.Tier > 0 {
				tier = sql.NullInt64{Int64: int64(in.Tier), Valid: true}
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO queue_members (queue_id, user_id, proficiency, position, tier)
				VALUES ($1, $2, $3, $4, $5)`, id, in.Agent, in.Proficiency, in.Position, tier); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("acdstore: set members of queue %d: %w", id, err)
	}
	return nil
}

// Skill is an agent's level (1 to 5) in a skill such as a language, a product line or
// a kind of matter.
type Skill struct {
	Name        string
	Proficiency int
}

// MaxSkills bounds one agent's skill list; MaxSkillName bounds a name in characters.
const (
	MaxSkills    = 50
	MaxSkillName = 32
)

// Skills lists agent id's skills by name.
func (s *Store) Skills(ctx context.Context, id int64) ([]Skill, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT skill, proficiency FROM agent_skills WHERE user_id = $1 ORDER BY skill`, id)
	if err != nil {
		return nil, fmt.Errorf("acdstore: skills of %d: %w", id, err)
	}
	defer rows.Close()
	out := []Skill{}
	for rows.Next() {
		var sk Skill
		if err := rows.Scan(&sk.Name, &sk.Proficiency); err != nil {
			return nil, fmt.Errorf("acdstore: skills of %d: %w", id, err)
		}
		out = append(out, sk)
	}
	return out, rows.Err()
}

// AllSkills returns every agent's skills (user id to skill to level), the form
// acd.Router.AgentLogin takes them in. Disabled users are left out.
func (s *Store) AllSkills(ctx context.Context) (map[int64]map[string]int, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT k.user_id, k.skill, k.proficiency FROM agent_skills k
		JOIN users u ON u.id = k.user_id WHERE NOT u.disabled`)
	if err != nil {
		return nil, fmt.Errorf("acdstore: skills: %w", err)
	}
	defer rows.Close()
	out := map[int64]map[string]int{}
	for rows.Next() {
		var id int64
		var sk Skill
		if err := rows.Scan(&id, &sk.Name, &sk.Proficiency); err != nil {
			return nil, fmt.Errorf("acdstore: skills: %w", err)
		}
		if out[id] == nil {
			out[id] = map[string]int{}
		}
		out[id][sk.Name] = sk.Proficiency
	}
	return out, rows.Err()
}

// SetSkills replaces agent id's skills. Names are trimmed and compared without case
// (stored in lower case); each has 1 to MaxSkillName characters and a level of 1 to 5.
func (s *Store) SetSkills(ctx context.Context, id int64, skills []Skill) error {
	if len(skills) > MaxSkills {
		return errs.Field("skills", fmt.Sprintf("An agent has at most %d skills.", MaxSkills)).WithKey("skills_too_many", MaxSkills)
	}
	clean := make([]Skill, 0, len(skills))
	for _, sk := range skills {
		sk.Name = strings.ToLower(strings.TrimSpace(sk.Name))
		n := utf8.RuneCountInString(sk.Name)
		switch {
		case n == 0 || n > MaxSkillName || strings.ContainsAny(sk.Name, ",=\n\t"):
			return errs.Field("skills", fmt.Sprintf("A skill name has 1 to %d characters, without commas or =.", MaxSkillName)).WithKey("skill_name", MaxSkillName)
		case sk.Proficiency < 1 || sk.Proficiency > 5:
			return errs.Field("skills", "Proficiency must be 1 to 5.").WithKey("proficiency")
		case slices.ContainsFunc(clean, func(o Skill) bool { return o.Name == sk.Name }):
			return errs.Field("skills", fmt.Sprintf("The skill %q is listed twice.", sk.Name)).WithKey("skill_twice", sk.Name)
		}
		clean = append(clean, sk)
	}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := checkAgent(ctx, tx, id, "agent", errs.E(errs.NotFound, "No such user.").WithKey("not_found")); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM agent_skills WHERE user_id = $1`, id); err != nil {
			return err
		}
		for _, sk := range clean {
			if _, err := tx.ExecContext(ctx, `INSERT INTO agent_skills (user_id, skill, proficiency) VALUES ($1, $2, $3)`, id, sk.Name, sk.Proficiency); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("acdstore: set skills of %d: %w", id, err)
	}
	return nil
}
