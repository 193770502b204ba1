-- +goose Up
-- Pre-aggregated call statistics (internal/report): one row per 15-minute interval (start
-- in UTC, by the call's started_at), queue ('' for calls that reached none) and agent (0
-- for none). report.Rollup re-aggregates the intervals touched by calls that ended since
-- its watermark, so a row is always the full aggregate of its calls (idempotent).
CREATE TABLE report_intervals (
    interval_start   TIMESTAMP NOT NULL,
    queue            TEXT NOT NULL,
    agent_id         INTEGER NOT NULL,
    calls            INTEGER NOT NULL DEFAULT 0, -- every ended inbound call
    offered          INTEGER NOT NULL DEFAULT 0, -- reached a queue
    answered         INTEGER NOT NULL DEFAULT 0,
    answered_in_sl   INTEGER NOT NULL DEFAULT 0, -- answered within the queue's sl_seconds
    abandoned        INTEGER NOT NULL DEFAULT 0,
    abandoned_short  INTEGER NOT NULL DEFAULT 0, -- abandoned within 5 seconds
    voicemail        INTEGER NOT NULL DEFAULT 0,
    blocked          INTEGER NOT NULL DEFAULT 0,
    repeat_calls     INTEGER NOT NULL DEFAULT 0,
    repeat_answered  INTEGER NOT NULL DEFAULT 0,
    transferred      INTEGER NOT NULL DEFAULT 0,
    wait_answered    INTEGER NOT NULL DEFAULT 0, -- seconds
    wait_abandoned   INTEGER NOT NULL DEFAULT 0, -- seconds
    talk_seconds     INTEGER NOT NULL DEFAULT 0,
    wrap_seconds     INTEGER NOT NULL DEFAULT 0, -- the queue's wrap-up time per answered call
    trunk_minutes    INTEGER NOT NULL DEFAULT 0, -- each call's duration rounded up to minutes
    PRIMARY KEY (interval_start, queue, agent_id)
);

-- The same sums without the agent, for center and queue reports by interval and the
-- weekday x hour heatmap.
CREATE TABLE report_queue_intervals (
    interval_start   TIMESTAMP NOT NULL,
    queue            TEXT NOT NULL,
    calls            INTEGER NOT NULL DEFAULT 0, -- every ended inbound call
    offered          INTEGER NOT NULL DEFAULT 0, -- reached a queue
    answered         INTEGER NOT NULL DEFAULT 0,
    answered_in_sl   INTEGER NOT NULL DEFAULT 0, -- answered within the queue's sl_seconds
    abandoned        INTEGER NOT NULL DEFAULT 0,
    abandoned_short  INTEGER NOT NULL DEFAULT 0, -- abandoned within 5 seconds
    voicemail        INTEGER NOT NULL DEFAULT 0,
    blocked          INTEGER NOT NULL DEFAULT 0,
    repeat_calls     INTEGER NOT NULL DEFAULT 0,
    repeat_answered  INTEGER NOT NULL DEFAULT 0,
    transferred      INTEGER NOT NULL DEFAULT 0,
    wait_answered    INTEGER NOT NULL DEFAULT 0, -- seconds
    wait_abandoned   INTEGER NOT NULL DEFAULT 0, -- seconds
    talk_seconds     INTEGER NOT NULL DEFAULT 0,
    wrap_seconds     INTEGER NOT NULL DEFAULT 0, -- the queue's wrap-up time per answered call
    trunk_minutes    INTEGER NOT NULL DEFAULT 0, -- each call's duration rounded up to minutes
    PRIMARY KEY (interval_start, queue)
);

-- The same sums per day in the center's time zone (day is the local midnight), for
-- reports by day, week and month; rebuilt when the time zone changes (report_state.zone).
CREATE TABLE report_days (
    day              TIMESTAMP NOT NULL,
    queue            TEXT NOT NULL,
    agent_id         INTEGER NOT NULL,
    calls            INTEGER NOT NULL DEFAULT 0, -- every ended inbound call
    offered          INTEGER NOT NULL DEFAULT 0, -- reached a queue
    answered         INTEGER NOT NULL DEFAULT 0,
    answered_in_sl   INTEGER NOT NULL DEFAULT 0, -- answered within the queue's sl_seconds
    abandoned        INTEGER NOT NULL DEFAULT 0,
    abandoned_short  INTEGER NOT NULL DEFAULT 0, -- abandoned within 5 seconds
    voicemail        INTEGER NOT NULL DEFAULT 0,
    blocked          INTEGER NOT NULL DEFAULT 0,
    repeat_calls     INTEGER NOT NULL DEFAULT 0,
    repeat_answered  INTEGER NOT NULL DEFAULT 0,
    transferred      INTEGER NOT NULL DEFAULT 0,
    wait_answered    INTEGER NOT NULL DEFAULT 0, -- seconds
    wait_abandoned   INTEGER NOT NULL DEFAULT 0, -- seconds
    talk_seconds     INTEGER NOT NULL DEFAULT 0,
    wrap_seconds     INTEGER NOT NULL DEFAULT 0, -- the queue's wrap-up time per answered call
    trunk_minutes    INTEGER NOT NULL DEFAULT 0, -- each call's duration rounded up to minutes
    PRIMARY KEY (day, queue, agent_id)
);

-- The rollup's progress: calls that ended at or before rolled_to are aggregated.
CREATE TABLE report_state (
    id         INTEGER PRIMARY KEY,
    rolled_to  TIMESTAMP NOT NULL,
    zone       TEXT NOT NULL DEFAULT '',
    updated_at TIMESTAMP NOT NULL
);

-- The cost model for cost per contact (one row, id 1).
CREATE TABLE report_costs (
    id                INTEGER PRIMARY KEY,
    seats             INTEGER NOT NULL DEFAULT 0,
    seat_hour_cost    REAL NOT NULL DEFAULT 0,
    trunk_minute_cost REAL NOT NULL DEFAULT 0,
    currency          TEXT NOT NULL DEFAULT 'CNY',
    updated_at        TIMESTAMP NOT NULL,
    updated_by        INTEGER REFERENCES users(id)
);

CREATE INDEX calls_ended ON calls(ended_at);
CREATE INDEX tickets_closed ON tickets(closed_at);

-- +goose Down
DROP INDEX tickets_closed;
DROP INDEX calls_ended;
DROP TABLE report_costs;
DROP TABLE report_state;
DROP TABLE report_days;
DROP TABLE report_queue_intervals;
DROP TABLE report_intervals;
