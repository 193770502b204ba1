-- +goose Up
-- Quality assurance (internal/qa): scorecards with versions, the weekly sample of calls,
-- evaluations with acknowledgement and disputes, calibration sessions, and the talk
-- analysis of recorded calls.

-- A scorecard; its form lives in versions. queues and directions are JSON arrays of the
-- queue codes and call directions it applies to ([] = every one).
CREATE TABLE qa_scorecards (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    description TEXT NOT NULL DEFAULT '',
    queues      TEXT NOT NULL DEFAULT '[]',
    directions  TEXT NOT NULL DEFAULT '[]',
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    version     INTEGER NOT NULL DEFAULT 1, -- the current version number
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- Every saved form of a scorecard (JSON: sections with weighted items). Evaluations point
-- to the version they were scored on, so editing a scorecard never changes old scores.
CREATE TABLE qa_scorecard_versions (
    id           INTEGER PRIMARY KEY,
    scorecard_id INTEGER NOT NULL REFERENCES qa_scorecards(id),
    version      INTEGER NOT NULL,
    form         TEXT NOT NULL,
    created_by   INTEGER REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (scorecard_id, version)
);

-- Sampling rules (one row, id 1; JSON).
CREATE TABLE qa_settings (
    id       INTEGER PRIMARY KEY,
    sampling TEXT NOT NULL DEFAULT '{}'
);

-- The worklist: calls picked for evaluation. week is the Monday (center's time zone,
-- YYYY-MM-DD) of the week sampled; a call is sampled once whatever the reason.
CREATE TABLE qa_samples (
    id          INTEGER PRIMARY KEY,
    call_id     INTEGER NOT NULL UNIQUE REFERENCES calls(id),
    agent_id    INTEGER NOT NULL REFERENCES users(id),
    week        TEXT NOT NULL,
    reason      TEXT NOT NULL,
    assigned_to INTEGER REFERENCES users(id),
    status      TEXT NOT NULL DEFAULT 'open', -- open, done
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX qa_samples_week ON qa_samples(week, agent_id);
CREATE INDEX qa_samples_assigned ON qa_samples(assigned_to, status);

-- Calibration sessions: several evaluators score the same call on the same version.
CREATE TABLE qa_calibrations (
    id           INTEGER PRIMARY KEY,
    call_id      INTEGER NOT NULL REFERENCES calls(id),
    version_id   INTEGER NOT NULL REFERENCES qa_scorecard_versions(id),
    name         TEXT NOT NULL DEFAULT '',
    created_by   INTEGER REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL
);

-- Evaluations. answers: JSON object item key -> {value, na, comment}. score is 0-100
-- (0 when a critical item failed); original_score keeps the evaluator's score when a
-- dispute adjusted it. status: submitted, acknowledged, disputed, resolved.
CREATE TABLE qa_evaluations (
    id              INTEGER PRIMARY KEY,
    call_id         INTEGER NOT NULL REFERENCES calls(id),
    scorecard_id    INTEGER NOT NULL REFERENCES qa_scorecards(id),
    version_id      INTEGER NOT NULL REFERENCES qa_scorecard_versions(id),
    evaluator_id    INTEGER NOT NULL REFERENCES users(id),
    agent_id        INTEGER NOT NULL REFERENCES users(id),
    sample_id       INTEGER REFERENCES qa_samples(id),
    calibration_id  INTEGER REFERENCES qa_calibrations(id),
    answers         TEXT NOT NULL,
    comment         TEXT NOT NULL DEFAULT '',
    score           REAL NOT NULL,
    original_score  REAL NOT NULL,
    failed          BOOLEAN NOT NULL DEFAULT FALSE,
    status          TEXT NOT NULL,
    acknowledged_at TIMESTAMP,
    dispute_comment TEXT NOT NULL DEFAULT '',
    disputed_at     TIMESTAMP,
    resolution      TEXT NOT NULL DEFAULT '', -- upheld, adjusted
    resolution_note TEXT NOT NULL DEFAULT '',
    resolved_by     INTEGER REFERENCES users(id),
    resolved_at     TIMESTAMP,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX qa_evaluations_agent ON qa_evaluations(agent_id, created_at);
CREATE INDEX qa_evaluations_call ON qa_evaluations(call_id);
CREATE INDEX qa_evaluations_calibration ON qa_evaluations(calibration_id);
CREATE UNIQUE INDEX qa_evaluations_calibration_evaluator ON qa_evaluations(calibration_id, evaluator_id);

-- Talk analysis of a recorded call (energy-based voice activity per channel: left is the
-- caller, right the agent). error is set when the recording could not be read.
CREATE TABLE qa_call_analysis (
    call_id            INTEGER PRIMARY KEY REFERENCES calls(id),
    analyzed_at        TIMESTAMP NOT NULL,
    duration_ms        INTEGER NOT NULL DEFAULT 0,
    agent_talk_ms      INTEGER NOT NULL DEFAULT 0,
    caller_talk_ms     INTEGER NOT NULL DEFAULT 0,
    talk_ratio         REAL NOT NULL DEFAULT 0, -- agent talk / (agent + caller talk)
    longest_silence_ms INTEGER NOT NULL DEFAULT 0,
    overtalk_ms        INTEGER NOT NULL DEFAULT 0,
    error              TEXT NOT NULL DEFAULT ''
);

-- +goose Down
DROP TABLE qa_call_analysis;
DROP TABLE qa_evaluations;
DROP TABLE qa_calibrations;
DROP TABLE qa_samples;
DROP TABLE qa_settings;
DROP TABLE qa_scorecard_versions;
DROP TABLE qa_scorecards;
