-- +goose Up
-- Agent phones' SIP logins: the username is the extension; only HA1 =
-- MD5(username:realm:password) is kept, which is what digest authentication needs.
CREATE TABLE sip_accounts (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER REFERENCES users(id),
    username   TEXT NOT NULL UNIQUE,
    realm      TEXT NOT NULL,
    ha1        TEXT NOT NULL,
    disabled   BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX sip_accounts_user ON sip_accounts(user_id);

-- Carrier and PBX links. The password is kept because calling out through the trunk
-- answers its digest challenges with it.
CREATE TABLE sip_trunks (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    host       TEXT NOT NULL DEFAULT '',
    port       INTEGER NOT NULL DEFAULT 5060,
    transport  TEXT NOT NULL DEFAULT 'udp',
    username   TEXT NOT NULL DEFAULT '',
    password   TEXT NOT NULL DEFAULT '',
    caller_id  TEXT NOT NULL DEFAULT '',
    is_default BOOLEAN NOT NULL DEFAULT FALSE,
    enabled    BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- The numbers a trunk delivers and the IVR flow of each (0: the default flow; flows
-- live in another package, so no foreign key).
CREATE TABLE sip_trunk_dids (
    id       INTEGER PRIMARY KEY,
    trunk_id INTEGER NOT NULL REFERENCES sip_trunks(id) ON DELETE CASCADE,
    number   TEXT NOT NULL UNIQUE,
    flow_id  BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sip_trunk_dids_trunk ON sip_trunk_dids(trunk_id);

-- +goose Down
DROP TABLE sip_trunk_dids;
DROP TABLE sip_trunks;
DROP TABLE sip_accounts;
