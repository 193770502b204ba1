-- +goose Up
-- Departments of the company that work orders are dispatched to (after-sales, logistics,
-- quality...), and who belongs to each.
CREATE TABLE departments (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,
    name_zh     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE department_members (
    department_id INTEGER NOT NULL REFERENCES departments(id),
    user_id       INTEGER NOT NULL REFERENCES users(id),
    PRIMARY KEY (department_id, user_id)
);
CREATE INDEX department_members_user ON department_members(user_id);

-- A ticket type is defined by admins without code: its fields, form layout, statuses and
-- transitions are one JSON document (definition) validated by internal/ticket on save.
CREATE TABLE ticket_types (
    id                     INTEGER PRIMARY KEY,
    code                   TEXT NOT NULL UNIQUE,
    name_zh                TEXT NOT NULL,
    name_en                TEXT NOT NULL,
    complaint              BOOLEAN NOT NULL DEFAULT FALSE,
    default_priority       TEXT NOT NULL DEFAULT 'normal',
    first_response_minutes INTEGER NOT NULL DEFAULT 0,
    resolution_minutes     INTEGER NOT NULL DEFAULT 0,
    definition             TEXT NOT NULL,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL
);

-- One counter per day (in the center's time zone) for numbers read out on the phone:
-- 2026112300017 is the 17th ticket of 23 November 2026.
CREATE TABLE ticket_numbers (
    day   TEXT PRIMARY KEY,
    last  INTEGER NOT NULL
);

CREATE TABLE tickets (
    id                INTEGER PRIMARY KEY,
    number            TEXT NOT NULL UNIQUE,
    type_id           INTEGER NOT NULL REFERENCES ticket_types(id),
    customer_id       INTEGER NOT NULL REFERENCES customers(id),
    contact_id        INTEGER,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL DEFAULT '',
    priority          TEXT NOT NULL,
    channel           TEXT NOT NULL,
    status            TEXT NOT NULL,
    status_category   TEXT NOT NULL,
    fields            TEXT NOT NULL DEFAULT '{}',
    created_by        INTEGER REFERENCES users(id),
    assignee_id       INTEGER REFERENCES users(id),
    group_id          INTEGER REFERENCES queues(id),
    department_id     INTEGER REFERENCES departments(id),
    partner_id        INTEGER REFERENCES partners(id),
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    first_response_at TIMESTAMP,
    resolved_at       TIMESTAMP,
    closed_at         TIMESTAMP
);
CREATE INDEX tickets_customer ON tickets(customer_id, created_at);
CREATE INDEX tickets_assignee ON tickets(assignee_id, status_category);
CREATE INDEX tickets_partner ON tickets(partner_id, status_category);
CREATE INDEX tickets_group ON tickets(group_id, status_category);
CREATE INDEX tickets_department ON tickets(department_id, status_category);
CREATE INDEX tickets_created ON tickets(created_at);

-- Every change of a ticket: who, when, which field, from what to what (display values).
CREATE TABLE ticket_changes (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER REFERENCES users(id),
    field       TEXT NOT NULL,
    old_value   TEXT NOT NULL DEFAULT '',
    new_value   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ticket_changes_ticket ON ticket_changes(ticket_id, at);

-- Notes: internal ones are for the center only; the others (replies, progress notes)
-- are visible to the partner the ticket is dispatched to.
CREATE TABLE ticket_notes (
    id          INTEGER PRIMARY KEY,
    ticket_id   INTEGER NOT NULL REFERENCES tickets(id),
    at          TIMESTAMP NOT NULL,
    author_id   INTEGER REFERENCES users(id),
    internal    BOOLEAN NOT NULL DEFAULT FALSE,
    body        TEXT NOT NULL
);
CREATE INDEX ticket_notes_ticket ON ticket_notes(ticket_id, at);

-- Attachment content lives on disk under the data folder, named by its sha256.
CREATE TABLE ticket_attachments (
    id           INTEGER PRIMARY KEY,
    ticket_id    INTEGER NOT NULL REFERENCES tickets(id),
    at           TIMESTAMP NOT NULL,
    uploader_id  INTEGER REFERENCES users(id),
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    sha256       TEXT NOT NULL
);
CREATE INDEX ticket_attachments_ticket ON ticket_attachments(ticket_id);

-- +goose Down
DROP TABLE ticket_attachments;
DROP TABLE ticket_notes;
DROP TABLE ticket_changes;
DROP TABLE tickets;
DROP TABLE ticket_numbers;
DROP TABLE ticket_types;
DROP TABLE department_members;
DROP TABLE departments;
