-- +goose Up
-- Agent states (internal/contact): one row per interval an agent spent in one state
-- (available, ringing, on_call, wrap_up, break with its reason). ended_at is NULL for the
-- interval going on; logged-out time has no row. Reports compute logged-in time, break
-- time and occupancy from these rows.
CREATE TABLE agent_state_log (
    id          INTEGER PRIMARY KEY,
    agent_id    INTEGER NOT NULL REFERENCES users(id),
    state       TEXT NOT NULL,
    reason      TEXT NOT NULL DEFAULT '',
    queue       TEXT NOT NULL DEFAULT '',
    call_id     INTEGER REFERENCES calls(id),
    started_at  TIMESTAMP NOT NULL,
    ended_at    TIMESTAMP
);
CREATE INDEX agent_state_log_agent ON agent_state_log(agent_id, started_at);
CREATE INDEX agent_state_log_started ON agent_state_log(started_at);

-- Each queue's disposition codes, chosen by the agent at wrap-up.
CREATE TABLE queue_dispositions (
    id        INTEGER PRIMARY KEY,
    queue     TEXT NOT NULL,
    code      TEXT NOT NULL,
    name_zh   TEXT NOT NULL,
    name_en   TEXT NOT NULL,
    position  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (queue, code)
);

-- The agent's wrap-up of a call: disposition, first-contact resolution, note.
CREATE TABLE call_wrapups (
    id           INTEGER PRIMARY KEY,
    call_id      INTEGER NOT NULL REFERENCES calls(id),
    agent_id     INTEGER NOT NULL REFERENCES users(id),
    disposition  TEXT NOT NULL DEFAULT '',
    resolved     BOOLEAN NOT NULL DEFAULT FALSE,
    note         TEXT NOT NULL DEFAULT '',
    follow_up_at TIMESTAMP,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (call_id, agent_id)
);

-- +goose Down
DROP TABLE call_wrapups;
DROP TABLE queue_dispositions;
DROP INDEX agent_state_log_started;
DROP INDEX agent_state_log_agent;
DROP TABLE agent_state_log;
