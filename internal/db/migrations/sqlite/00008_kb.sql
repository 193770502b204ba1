-- +goose Up
-- Knowledge: articles in categories, every saved version kept, a search index of terms
-- (CJK character bigrams and unigrams, lowercased Latin words) that both engines query
-- the same way; call scripts per ticket type and step; announcements with read receipts.
CREATE TABLE kb_categories (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    parent_id   INTEGER REFERENCES kb_categories(id),
    position    INTEGER NOT NULL DEFAULT 0,
    created_at  TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX kb_categories_name ON kb_categories(COALESCE(parent_id, 0), name);

CREATE TABLE kb_articles (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    category_id INTEGER REFERENCES kb_categories(id),
    status      TEXT NOT NULL,
    version     INTEGER NOT NULL,
    author_id   INTEGER NOT NULL REFERENCES users(id),
    updated_by  INTEGER NOT NULL REFERENCES users(id),
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX kb_articles_category ON kb_articles(category_id);
CREATE INDEX kb_articles_status ON kb_articles(status, updated_at);

CREATE TABLE kb_article_tags (
    article_id  INTEGER NOT NULL REFERENCES kb_articles(id),
    tag         TEXT NOT NULL,
    PRIMARY KEY (article_id, tag)
);
CREATE INDEX kb_article_tags_tag ON kb_article_tags(tag);

-- Every saved version, the current one included: who saved it, when, and the full text.
CREATE TABLE kb_versions (
    id          INTEGER PRIMARY KEY,
    article_id  INTEGER NOT NULL REFERENCES kb_articles(id),
    version     INTEGER NOT NULL,
    title       TEXT NOT NULL,
    body        TEXT NOT NULL,
    category_id INTEGER,
    tags        TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    saved_by    INTEGER NOT NULL REFERENCES users(id),
    saved_at    TIMESTAMP NOT NULL,
    UNIQUE (article_id, version)
);

-- The search index: weight adds up where the term occurs (title above tags above body).
CREATE TABLE kb_terms (
    term        TEXT NOT NULL,
    article_id  INTEGER NOT NULL REFERENCES kb_articles(id),
    weight      INTEGER NOT NULL,
    PRIMARY KEY (term, article_id)
);
CREATE INDEX kb_terms_article ON kb_terms(article_id);

-- Call scripts: ticket_type '' holds the general wording used for every call.
CREATE TABLE kb_scripts (
    id          INTEGER PRIMARY KEY,
    ticket_type TEXT NOT NULL,
    step        TEXT NOT NULL,
    position    INTEGER NOT NULL,
    body        TEXT NOT NULL,
    updated_by  INTEGER REFERENCES users(id),
    updated_at  TIMESTAMP NOT NULL,
    UNIQUE (ticket_type, step)
);

CREATE TABLE announcements (
    id             INTEGER PRIMARY KEY,
    kind           TEXT NOT NULL,
    source         TEXT NOT NULL,
    title          TEXT NOT NULL,
    body           TEXT NOT NULL,
    effective_from TIMESTAMP NOT NULL,
    effective_to   TIMESTAMP,
    status         TEXT NOT NULL,
    author_id      INTEGER NOT NULL REFERENCES users(id),
    created_at     TIMESTAMP NOT NULL,
    decided_by     INTEGER REFERENCES users(id),
    decided_at     TIMESTAMP,
    decision_note  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX announcements_status ON announcements(status, effective_to);
CREATE INDEX announcements_author ON announcements(author_id);

CREATE TABLE announcement_reads (
    announcement_id INTEGER NOT NULL REFERENCES announcements(id),
    user_id         INTEGER NOT NULL REFERENCES users(id),
    read_at         TIMESTAMP NOT NULL,
    PRIMARY KEY (announcement_id, user_id)
);
CREATE INDEX announcement_reads_user ON announcement_reads(user_id);

-- +goose Down
DROP TABLE announcement_reads;
DROP TABLE announcements;
DROP TABLE kb_scripts;
DROP TABLE kb_terms;
DROP TABLE kb_versions;
DROP TABLE kb_article_tags;
DROP TABLE kb_articles;
DROP TABLE kb_categories;
