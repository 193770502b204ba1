-- +goose Up
-- Durable background jobs (internal/jobs). A job is queued until run_at, then claimed by
-- one runner for a lease (locked_until); a runner that dies mid-run leaves an expired lease
-- and the job is claimed again. After max_attempts failures it is dead: kept for an admin.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    status       TEXT NOT NULL DEFAULT 'queued', -- queued, running, done, dead
    run_at       TIMESTAMP NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    locked_until TIMESTAMP,
    locked_by    TEXT NOT NULL DEFAULT '',
    last_error   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP
);
CREATE INDEX jobs_due ON jobs(status, run_at);
CREATE INDEX jobs_lease ON jobs(status, locked_until);
CREATE INDEX jobs_kind ON jobs(kind, status);

-- Recurring schedules: the process whose UPDATE moves next_run_at enqueues the run, so
-- several processes never start the same tick twice.
CREATE TABLE job_schedules (
    name             TEXT PRIMARY KEY,
    interval_seconds INTEGER NOT NULL,
    next_run_at      TIMESTAMP NOT NULL
);

-- Webhooks (internal/webhook): events are pushed to these URLs, signed with the secret.
-- events holds the subscribed kinds and prefixes, space separated (ticket.created ticket.*).
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    events     TEXT NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- One row per delivery of one event to one webhook; retries update it.
CREATE TABLE webhook_deliveries (
    id            INTEGER PRIMARY KEY,
    webhook_id    INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    uid           TEXT NOT NULL UNIQUE,
    event_id      INTEGER,
    kind          TEXT NOT NULL,
    body          TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'pending', -- pending, retrying, delivered, failed, cancelled
    attempts      INTEGER NOT NULL DEFAULT 0,
    response_code INTEGER NOT NULL DEFAULT 0,
    duration_ms   INTEGER NOT NULL DEFAULT 0,
    error         TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, id);

-- How far the webhook dispatcher has read the event log.
CREATE TABLE webhook_cursor (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    last_event_id INTEGER NOT NULL
);
INSERT INTO webhook_cursor (id, last_event_id) VALUES (1, 0);

-- +goose Down
DROP TABLE webhook_cursor;
DROP TABLE webhook_deliveries;
DROP TABLE webhooks;
DROP TABLE job_schedules;
DROP TABLE jobs;
