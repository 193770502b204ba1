-- +goose Up
-- Call records (CDRs): one row per call, inserted when the call arrives (before it is
-- answered) and updated as it moves on, so a crash loses nothing that happened.
-- status: active, completed, abandoned, voicemail, blocked, interrupted.
CREATE TABLE calls (
    id                INTEGER PRIMARY KEY,
    uid               TEXT NOT NULL UNIQUE,          -- the voice engine's call id
    direction         TEXT NOT NULL,
    from_number       TEXT NOT NULL,                 -- caller id as received
    caller            TEXT NOT NULL DEFAULT '',      -- caller id normalized (crm.NormalizePhone), '' if not a number
    dialed            TEXT NOT NULL,
    customer_id       INTEGER REFERENCES customers(id),
    contact_id        INTEGER,                       -- the customer's contact history entry
    repeat_caller     BOOLEAN NOT NULL DEFAULT FALSE,
    earlier_contacts  TEXT NOT NULL DEFAULT '[]',    -- JSON array of earlier contact ids
    vip_level         INTEGER NOT NULL DEFAULT 0,
    ivr_trace         TEXT NOT NULL DEFAULT '[]',    -- JSON array of IVR node ids
    queue             TEXT NOT NULL DEFAULT '',
    agent_id          INTEGER REFERENCES users(id),
    status            TEXT NOT NULL,
    started_at        TIMESTAMP NOT NULL,
    queued_at         TIMESTAMP,
    answered_at       TIMESTAMP,
    ended_at          TIMESTAMP,
    last_activity_at  TIMESTAMP NOT NULL,
    wait_seconds      INTEGER NOT NULL DEFAULT 0,
    talk_seconds      INTEGER NOT NULL DEFAULT 0,
    end_cause         TEXT NOT NULL DEFAULT '',
    ended_by          TEXT NOT NULL DEFAULT '',      -- caller, agent, system
    recording_path    TEXT NOT NULL DEFAULT '',
    recording_seconds INTEGER NOT NULL DEFAULT 0,
    recording_purged_at TIMESTAMP,
    voicemail_path    TEXT NOT NULL DEFAULT '',
    voicemail_seconds INTEGER NOT NULL DEFAULT 0,
    block_id          INTEGER
);
CREATE INDEX calls_started ON calls(started_at);
CREATE INDEX calls_status ON calls(status);
CREATE INDEX calls_caller ON calls(caller, started_at);
CREATE INDEX calls_agent ON calls(agent_id, started_at);
CREATE INDEX calls_customer ON calls(customer_id, started_at);

-- The queue event log of each call: entered_queue, offered, answered, no_answer,
-- abandoned, overflowed, transferred, completed_by_caller, completed_by_agent, voicemail,
-- callback_requested, written as each happens.
CREATE TABLE call_queue_events (
    id           INTEGER PRIMARY KEY,
    call_id      INTEGER NOT NULL REFERENCES calls(id),
    at           TIMESTAMP NOT NULL,
    kind         TEXT NOT NULL,
    queue        TEXT NOT NULL DEFAULT '',
    agent_id     INTEGER,
    wait_seconds INTEGER NOT NULL DEFAULT 0,
    detail       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX call_queue_events_call ON call_queue_events(call_id, id);
CREATE INDEX call_queue_events_kind_at ON call_queue_events(kind, at);

-- The blocklist (internal/crm): exact numbers (normalized) and prefix patterns ending in *.
CREATE TABLE blocklist (
    id          INTEGER PRIMARY KEY,
    pattern     TEXT NOT NULL UNIQUE,
    reason      TEXT NOT NULL DEFAULT '',
    auto        BOOLEAN NOT NULL DEFAULT FALSE,
    created_by  INTEGER REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP,
    hits        INTEGER NOT NULL DEFAULT 0,
    last_hit_at TIMESTAMP
);

-- +goose Down
DROP TABLE blocklist;
DROP TABLE call_queue_events;
DROP TABLE calls;
