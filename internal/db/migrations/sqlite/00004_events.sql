-- +goose Up
-- The event log: every state change that matters is written once, in the same transaction
-- as the change. Customer timelines, webhooks, wallboards and reports all read it.
-- kind is "<category>.<what>" (ticket.created, call.answered, customer.merged); data is a
-- JSON object whose shape belongs to the package that writes the kind.
CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    kind        TEXT NOT NULL,
    category    TEXT NOT NULL,
    actor_id    INTEGER,
    customer_id INTEGER,
    ticket_id   INTEGER,
    contact_id  INTEGER,
    data        TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX events_customer ON events(customer_id, at);
CREATE INDEX events_ticket ON events(ticket_id, at);
CREATE INDEX events_kind_at ON events(kind, at);

-- +goose Down
DROP TABLE events;
