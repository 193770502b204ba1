-- +goose Up
-- Business calendars: weekly working hours, holidays and make-up working days (调休).
CREATE TABLE calendars (
    id          INTEGER PRIMARY KEY,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    time_zone   TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

-- Weekly hours: weekday 0 (Sunday) to 6, minutes after midnight, end up to 1440 (24:00).
CREATE TABLE calendar_hours (
    calendar_id  INTEGER NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    weekday      INTEGER NOT NULL,
    start_minute INTEGER NOT NULL,
    end_minute   INTEGER NOT NULL
);
CREATE INDEX calendar_hours_calendar ON calendar_hours(calendar_id);

-- Dates that differ from the week: kind 'holiday' (closed all day) or 'workday' (a
-- make-up working day with its own hours, written like 09:00-18:00).
CREATE TABLE calendar_days (
    calendar_id INTEGER NOT NULL REFERENCES calendars(id) ON DELETE CASCADE,
    day         TEXT NOT NULL,
    kind        TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    hours       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (calendar_id, day)
);

-- SLA escalation rules; actions is a JSON list owned by internal/sla.
CREATE TABLE sla_rules (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    enabled       BOOLEAN NOT NULL DEFAULT TRUE,
    ticket_type   TEXT NOT NULL DEFAULT '',
    priority      TEXT NOT NULL DEFAULT '',
    clock         TEXT NOT NULL,
    on_state      TEXT NOT NULL,
    after_minutes INTEGER NOT NULL DEFAULT 0,
    actions       TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

-- Reminders and to-dos: commitments made on a call. Assigned to a user, or to a group (a
-- queue, or a department by plain id) for anyone in it to claim. ticket_id has no foreign
-- key: work orders live in their own package.
CREATE TABLE todos (
    id            INTEGER PRIMARY KEY,
    title         TEXT NOT NULL,
    kind          TEXT NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    due_at        TIMESTAMP NOT NULL,
    assignee_id   INTEGER REFERENCES users(id),
    queue_id      INTEGER REFERENCES queues(id),
    department_id INTEGER,
    customer_id   INTEGER REFERENCES customers(id),
    ticket_id     INTEGER,
    created_by    INTEGER REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    done_at       TIMESTAMP,
    done_by       INTEGER REFERENCES users(id),
    cancelled_at  TIMESTAMP,
    cancelled_by  INTEGER REFERENCES users(id)
);
-- Open to-dos by assignee and by group, by due time: the overdue badge and the lists.
CREATE INDEX todos_open_assignee ON todos(assignee_id, due_at) WHERE done_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX todos_open_queue ON todos(queue_id, due_at) WHERE assignee_id IS NULL AND done_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX todos_open_due ON todos(due_at) WHERE done_at IS NULL AND cancelled_at IS NULL;
CREATE INDEX todos_done ON todos(done_by, done_at);
CREATE INDEX todos_customer ON todos(customer_id);
CREATE INDEX todos_ticket ON todos(ticket_id);

-- +goose Down
DROP TABLE todos;
DROP TABLE sla_rules;
DROP TABLE calendar_days;
DROP TABLE calendar_hours;
DROP TABLE calendars;
