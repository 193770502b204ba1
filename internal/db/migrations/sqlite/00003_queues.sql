-- +goose Up
-- Queue settings; the routing decisions themselves are made by internal/acd in memory.
CREATE TABLE queues (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    name_zh          TEXT NOT NULL,
    name_en          TEXT NOT NULL,
    strategy         TEXT NOT NULL DEFAULT 'longest_idle',
    priority         INTEGER NOT NULL DEFAULT 0,
    sl_seconds       INTEGER NOT NULL DEFAULT 30,
    wrap_up_seconds  INTEGER NOT NULL DEFAULT 15,
    max_wait_seconds INTEGER NOT NULL DEFAULT 600,
    created_at       TIMESTAMP NOT NULL
);

-- Which agents serve which queue, at what skill level (1-5).
CREATE TABLE queue_members (
    queue_id    INTEGER NOT NULL REFERENCES queues(id),
    user_id     INTEGER NOT NULL REFERENCES users(id),
    proficiency INTEGER NOT NULL DEFAULT 3,
    PRIMARY KEY (queue_id, user_id)
);
CREATE INDEX queue_members_user ON queue_members(user_id);

-- +goose Down
DROP TABLE queue_members;
DROP TABLE queues;
