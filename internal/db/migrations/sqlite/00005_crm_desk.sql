-- +goose Up
-- The customer side of the desk: custom field values (JSON object keyed by field key),
-- tags, addresses, products owned, admin-defined custom fields, every contact with a
-- customer (calls, chats, emails, SMS, visits) and sales leads referred to partners.
ALTER TABLE customers ADD COLUMN fields TEXT NOT NULL DEFAULT '{}';
CREATE INDEX customers_company ON customers(company);

CREATE TABLE customer_tags (
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    tag         TEXT NOT NULL,
    PRIMARY KEY (customer_id, tag)
);
CREATE INDEX customer_tags_tag ON customer_tags(tag);

CREATE TABLE customer_addresses (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    label       TEXT NOT NULL DEFAULT '',
    province    TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    district    TEXT NOT NULL DEFAULT '',
    street      TEXT NOT NULL DEFAULT '',
    postal_code TEXT NOT NULL DEFAULT ''
);
CREATE INDEX customer_addresses_customer ON customer_addresses(customer_id);

-- Products owned: a device by serial number, an insurance policy, a transit card. number
-- is stored upper-case without spaces and indexed (agents search by it). Dates are
-- calendar days, YYYY-MM-DD, or '' when unknown.
CREATE TABLE customer_assets (
    id           INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    kind         TEXT NOT NULL,
    number       TEXT NOT NULL,
    product      TEXT NOT NULL DEFAULT '',
    purchased_on TEXT NOT NULL DEFAULT '',
    warranty_end TEXT NOT NULL DEFAULT ''
);
CREATE INDEX customer_assets_number ON customer_assets(number);
CREATE INDEX customer_assets_customer ON customer_assets(customer_id);

CREATE TABLE customer_fields (
    id         INTEGER PRIMARY KEY,
    key        TEXT NOT NULL UNIQUE,
    label_zh   TEXT NOT NULL,
    label_en   TEXT NOT NULL,
    kind       TEXT NOT NULL,
    options    TEXT NOT NULL DEFAULT '',
    position   INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL
);

-- Every contact with a customer. customer_id is NULL for unknown callers; number is the
-- customer's side (normalized when it is a phone number), so repeat contacts of unknown
-- callers are found by number. repeat_of links to the latest earlier contact in the
-- repeat window.
CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER REFERENCES customers(id),
    channel     TEXT NOT NULL,
    direction   TEXT NOT NULL,
    from_addr   TEXT NOT NULL DEFAULT '',
    to_addr     TEXT NOT NULL DEFAULT '',
    number      TEXT NOT NULL DEFAULT '',
    started_at  TIMESTAMP NOT NULL,
    ended_at    TIMESTAMP,
    agent_id    INTEGER REFERENCES users(id),
    summary     TEXT NOT NULL DEFAULT '',
    repeat_of   INTEGER REFERENCES contacts(id)
);
CREATE INDEX contacts_customer ON contacts(customer_id, started_at);
CREATE INDEX contacts_number ON contacts(number, started_at);

CREATE TABLE leads (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    contact_id  INTEGER REFERENCES contacts(id),
    partner_id  INTEGER REFERENCES partners(id),
    product     TEXT NOT NULL,
    status      TEXT NOT NULL,
    follow_up   TEXT NOT NULL DEFAULT '',
    owner_id    INTEGER REFERENCES users(id),
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX leads_customer ON leads(customer_id);
CREATE INDEX leads_partner ON leads(partner_id, status);

-- +goose Down
DROP TABLE leads;
DROP TABLE contacts;
DROP TABLE customer_fields;
DROP TABLE customer_assets;
DROP TABLE customer_addresses;
DROP TABLE customer_tags;
DROP INDEX customers_company;
ALTER TABLE customers DROP COLUMN fields;
