-- +goose Up
-- SLA clocks: which business calendar a ticket type counts in (NULL: the center's first
-- calendar, or around the clock when there is none), and on each ticket the due time of
-- its running clock and its state, kept current for sorting and badges.
ALTER TABLE ticket_types ADD COLUMN calendar_id INTEGER REFERENCES calendars(id);
ALTER TABLE tickets ADD COLUMN sla_due_at TIMESTAMP;
ALTER TABLE tickets ADD COLUMN sla_state TEXT NOT NULL DEFAULT '';
-- Complaint cycle time in seconds, first contact to closure, stored on close.
ALTER TABLE tickets ADD COLUMN cycle_seconds INTEGER;
CREATE INDEX tickets_sla_due ON tickets(status_category, sla_due_at);

-- While a ticket waits on the customer its clocks stop: one row per pause.
CREATE TABLE ticket_sla_pauses (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
    from_at     TIMESTAMP NOT NULL,
    to_at       TIMESTAMP
);
CREATE INDEX ticket_sla_pauses_ticket ON ticket_sla_pauses(ticket_id);

-- What has fired for a ticket, once each: warning:<clock>, breached:<clock>, rule:<id>.
CREATE TABLE ticket_sla_marks (
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
    mark        TEXT NOT NULL,
    at          TIMESTAMP NOT NULL,
    PRIMARY KEY (ticket_id, mark)
);

-- Complaint sub-tasks: part of a complaint handed to a department, whose members reply.
CREATE TABLE complaint_subtasks (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER NOT NULL REFERENCES tickets(id),
    department_id INTEGER NOT NULL REFERENCES departments(id),
    title         TEXT NOT NULL,
    created_by    INTEGER REFERENCES users(id),
    created_at    TIMESTAMP NOT NULL,
    done_at       TIMESTAMP,
    done_by       INTEGER REFERENCES users(id)
);
CREATE INDEX complaint_subtasks_ticket ON complaint_subtasks(ticket_id);
CREATE INDEX complaint_subtasks_department ON complaint_subtasks(department_id, done_at);

CREATE TABLE complaint_subtask_replies (
    id          INTEGER PRIMARY KEY,
    subtask_id  INTEGER NOT NULL REFERENCES complaint_subtasks(id),
    at          TIMESTAMP NOT NULL,
    author_id   INTEGER REFERENCES users(id),
    body        TEXT NOT NULL,
    done        BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX complaint_subtask_replies_subtask ON complaint_subtask_replies(subtask_id);

-- Replies given to the complaining customer: what, through which channel, when, by whom.
CREATE TABLE complaint_customer_replies (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
    replied_at  TIMESTAMP NOT NULL,
    channel     TEXT NOT NULL,
    body        TEXT NOT NULL,
    by_id       INTEGER REFERENCES users(id),
    recorded_at TIMESTAMP NOT NULL
);
CREATE INDEX complaint_customer_replies_ticket ON complaint_customer_replies(ticket_id);

-- Closure review: the handler asks, a reviewer approves or returns with a reason.
-- decision is '' while pending, then approved or returned.
CREATE TABLE complaint_reviews (
    id            INTEGER PRIMARY KEY,
    ticket_id     INTEGER NOT NULL REFERENCES tickets(id),
    requested_at  TIMESTAMP NOT NULL,
    requested_by  INTEGER REFERENCES users(id),
    note          TEXT NOT NULL DEFAULT '',
    decision      TEXT NOT NULL DEFAULT '',
    decided_at    TIMESTAMP,
    decided_by    INTEGER REFERENCES users(id),
    reason        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX complaint_reviews_ticket ON complaint_reviews(ticket_id, decision);

-- +goose Down
DROP TABLE complaint_reviews;
DROP TABLE complaint_customer_replies;
DROP TABLE complaint_subtask_replies;
DROP TABLE complaint_subtasks;
DROP TABLE ticket_sla_marks;
DROP TABLE ticket_sla_pauses;
DROP INDEX tickets_sla_due;
ALTER TABLE tickets DROP COLUMN cycle_seconds;
ALTER TABLE tickets DROP COLUMN sla_state;
ALTER TABLE tickets DROP COLUMN sla_due_at;
ALTER TABLE ticket_types DROP COLUMN calendar_id;
