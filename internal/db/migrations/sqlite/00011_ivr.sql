-- +goose Up
-- IVR flows: a graph of nodes stored as JSON (internal/ivr validates it on save).
CREATE TABLE ivr_flows (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    language    TEXT NOT NULL,
    definition  TEXT NOT NULL,
    is_default  BOOLEAN NOT NULL DEFAULT FALSE,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
-- Calls to a number that matches no trunk DID run the one default flow.
CREATE UNIQUE INDEX ivr_flows_one_default ON ivr_flows(is_default) WHERE is_default;

-- Every saved version of a flow, for the record and to undo a bad change.
CREATE TABLE ivr_flow_versions (
    flow_id     INTEGER NOT NULL REFERENCES ivr_flows(id) ON DELETE CASCADE,
    version     INTEGER NOT NULL,
    definition  TEXT NOT NULL,
    saved_by    INTEGER REFERENCES users(id),
    saved_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (flow_id, version)
);

-- Prompts uploaded by administrators; the file lives under the data folder. A prompt
-- with the name of a shipped one replaces it.
CREATE TABLE ivr_prompts (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    language     TEXT NOT NULL,
    file         TEXT NOT NULL,
    size_bytes   INTEGER NOT NULL,
    duration_ms  INTEGER NOT NULL,
    uploaded_by  INTEGER REFERENCES users(id),
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (language, name)
);

-- +goose Down
DROP TABLE ivr_prompts;
DROP TABLE ivr_flow_versions;
DROP TABLE ivr_flows;
