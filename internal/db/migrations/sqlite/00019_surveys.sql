-- +goose Up
-- Surveys (internal/survey): keypad ratings after queue calls, questionnaires with
-- versions, invitations by signed link or by callback, and responses.

-- One row (id 1): the signing secret of invitation links (made at first use) and the
-- center's survey rules.
CREATE TABLE survey_config (
    id                        INTEGER PRIMARY KEY,
    secret                    TEXT NOT NULL DEFAULT '',
    low_score                 INTEGER NOT NULL DEFAULT 2,  -- a rating at or below opens a follow-up
    low_nps                   INTEGER NOT NULL DEFAULT 6,  -- an NPS answer at or below opens a follow-up
    followup_user_id          INTEGER REFERENCES users(id),
    followup_queue_id         INTEGER REFERENCES queues(id),
    callback_queue_id         INTEGER REFERENCES queues(id),
    callback_questionnaire_id INTEGER,
    callback_days             INTEGER NOT NULL DEFAULT 1,  -- tickets closed this many days ago
    link_days                 INTEGER NOT NULL DEFAULT 7,  -- how long a link stays valid
    updated_at                TIMESTAMP NOT NULL
);

-- Keypad rating per queue.
CREATE TABLE survey_settings (
    queue_code     TEXT PRIMARY KEY,
    enabled        INTEGER NOT NULL DEFAULT 0,
    sample_percent INTEGER NOT NULL DEFAULT 100,
    language       TEXT NOT NULL DEFAULT 'zh',
    q1_zh          TEXT NOT NULL DEFAULT '',
    q1_en          TEXT NOT NULL DEFAULT '',
    q2_enabled     INTEGER NOT NULL DEFAULT 0,
    q2_zh          TEXT NOT NULL DEFAULT '',
    q2_en          TEXT NOT NULL DEFAULT '',
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE survey_questionnaires (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1, -- the current version
    archived    INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- Every saved version of a questionnaire's questions (JSON); answers keep theirs.
CREATE TABLE survey_versions (
    id               INTEGER PRIMARY KEY,
    questionnaire_id INTEGER NOT NULL REFERENCES survey_questionnaires(id),
    version          INTEGER NOT NULL,
    questions        TEXT NOT NULL,
    created_by       INTEGER REFERENCES users(id),
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (questionnaire_id, version)
);

CREATE TABLE survey_invitations (
    id               INTEGER PRIMARY KEY,
    version_id       INTEGER NOT NULL REFERENCES survey_versions(id),
    channel          TEXT NOT NULL,             -- link or callback
    language         TEXT NOT NULL,
    customer_id      INTEGER REFERENCES customers(id),
    ticket_id        INTEGER REFERENCES tickets(id),
    call_id          INTEGER,
    agent_id         INTEGER REFERENCES users(id),
    queue_code       TEXT NOT NULL DEFAULT '',
    ticket_type      TEXT NOT NULL DEFAULT '',
    message          TEXT NOT NULL DEFAULT '',  -- the SMS/email text with the link
    todo_id          INTEGER,
    created_by       INTEGER REFERENCES users(id),
    created_at       TIMESTAMP NOT NULL,
    expires_at       TIMESTAMP NOT NULL,
    answered_at      TIMESTAMP
);
CREATE INDEX survey_invitations_created ON survey_invitations(created_at);
CREATE UNIQUE INDEX survey_invitations_ticket ON survey_invitations(ticket_id, channel);

CREATE TABLE survey_responses (
    id            INTEGER PRIMARY KEY,
    invitation_id INTEGER UNIQUE REFERENCES survey_invitations(id),
    version_id    INTEGER REFERENCES survey_versions(id),
    channel       TEXT NOT NULL,                -- keypad, link or callback
    language      TEXT NOT NULL,
    call_id       INTEGER,
    ticket_id     INTEGER,
    customer_id   INTEGER,
    agent_id      INTEGER,
    queue_code    TEXT NOT NULL DEFAULT '',
    ticket_type   TEXT NOT NULL DEFAULT '',
    score         INTEGER,                      -- the first 1-5 rating
    nps           INTEGER,                      -- the first 0-10 answer
    comment       TEXT NOT NULL DEFAULT '',
    answers       TEXT NOT NULL DEFAULT '{}',   -- question key to answer
    answered_by   INTEGER REFERENCES users(id), -- the agent who took a callback survey
    created_at    TIMESTAMP NOT NULL
);
CREATE INDEX survey_responses_created ON survey_responses(created_at);
CREATE UNIQUE INDEX survey_responses_call ON survey_responses(call_id, channel);

-- +goose Down
DROP TABLE survey_responses;
DROP TABLE survey_invitations;
DROP TABLE survey_versions;
DROP TABLE survey_questionnaires;
DROP TABLE survey_settings;
DROP TABLE survey_config;
