-- +goose Up
-- The rest of a queue's settings (see internal/acd.Queue): what happens after the maximum
-- wait, ring time, pause after missed offers, announcements, hold music, rules for an
-- empty queue and tier escalation.
ALTER TABLE queues ADD COLUMN max_wait_action TEXT NOT NULL DEFAULT 'voicemail';
ALTER TABLE queues ADD COLUMN overflow_queue TEXT NOT NULL DEFAULT '';
ALTER TABLE queues ADD COLUMN ring_seconds INTEGER NOT NULL DEFAULT 20;
ALTER TABLE queues ADD COLUMN max_misses INTEGER NOT NULL DEFAULT 3;
ALTER TABLE queues ADD COLUMN announce_seconds INTEGER NOT NULL DEFAULT 60;
ALTER TABLE queues ADD COLUMN music_on_hold TEXT NOT NULL DEFAULT '';
ALTER TABLE queues ADD COLUMN join_empty TEXT NOT NULL DEFAULT '';
ALTER TABLE queues ADD COLUMN leave_empty TEXT NOT NULL DEFAULT '';
ALTER TABLE queues ADD COLUMN tier2_seconds INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queues ADD COLUMN tier3_seconds INTEGER NOT NULL DEFAULT 0;

-- A member's place in the queue's fixed order (top_down, round_robin), lowest first, and
-- a tier that overrides the agent's own tier in this queue (NULL: the agent's tier).
ALTER TABLE queue_members ADD COLUMN position INTEGER NOT NULL DEFAULT 0;
ALTER TABLE queue_members ADD COLUMN tier INTEGER CHECK (tier BETWEEN 1 AND 3);

-- An agent's skills for skills-based routing: a call that needs a skill at a level goes
-- only to agents who have it at that level or higher.
CREATE TABLE agent_skills (
    user_id     BIGINT NOT NULL REFERENCES users(id),
    skill       TEXT NOT NULL,
    proficiency INTEGER NOT NULL CHECK (proficiency BETWEEN 1 AND 5),
    PRIMARY KEY (user_id, skill)
);

-- +goose Down
DROP TABLE agent_skills;
ALTER TABLE queue_members DROP COLUMN tier;
ALTER TABLE queue_members DROP COLUMN position;
ALTER TABLE queues DROP COLUMN tier3_seconds;
ALTER TABLE queues DROP COLUMN tier2_seconds;
ALTER TABLE queues DROP COLUMN leave_empty;
ALTER TABLE queues DROP COLUMN join_empty;
ALTER TABLE queues DROP COLUMN music_on_hold;
ALTER TABLE queues DROP COLUMN announce_seconds;
ALTER TABLE queues DROP COLUMN max_misses;
ALTER TABLE queues DROP COLUMN ring_seconds;
ALTER TABLE queues DROP COLUMN overflow_queue;
ALTER TABLE queues DROP COLUMN max_wait_action;
