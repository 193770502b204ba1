-- +goose Up
CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    company     TEXT NOT NULL DEFAULT '',
    vip_level   INTEGER NOT NULL DEFAULT 0,
    city        TEXT NOT NULL DEFAULT '',
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX customers_name ON customers(name);

-- number is normalized (E.164 for China: +8613812345678, +861012345678, 4008001234 for
-- service numbers); lookup by number drives screen pop, so it is indexed.
CREATE TABLE customer_phones (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    number      TEXT NOT NULL,
    display     TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX customer_phones_number ON customer_phones(number);
CREATE INDEX customer_phones_customer ON customer_phones(customer_id);

CREATE TABLE customer_emails (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    address     TEXT NOT NULL,
    label       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX customer_emails_address ON customer_emails(address);
CREATE INDEX customer_emails_customer ON customer_emails(customer_id);

-- +goose Down
DROP TABLE customer_emails;
DROP TABLE customer_phones;
DROP TABLE customers;
