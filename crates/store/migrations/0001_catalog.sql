-- The catalogue, versioned: every distinct catalogue content loaded is one version.
CREATE TABLE catalog_versions (
--sqlite:     version     INTEGER PRIMARY KEY,
--postgres:     version     BIGINT PRIMARY KEY,
    label       TEXT NOT NULL,
    digest      TEXT NOT NULL,
    loaded_at   TEXT NOT NULL,
    meta        TEXT NOT NULL
);

-- Every catalogue entry as canonical JSON, in file order. `origin` is `catalog` for entries
-- from the catalogue files; consultations will add entries of their own origin.
CREATE TABLE catalog_entries (
    kind        TEXT NOT NULL,
    id          TEXT NOT NULL,
--sqlite:     position    INTEGER NOT NULL,
--postgres:     position    BIGINT NOT NULL,
    status      TEXT NOT NULL,
    origin      TEXT NOT NULL,
--sqlite:     since_version INTEGER NOT NULL REFERENCES catalog_versions(version),
--postgres:     since_version BIGINT NOT NULL REFERENCES catalog_versions(version),
    body        TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);

CREATE TABLE norm_sources (
    norm_id       TEXT NOT NULL,
    document_id   TEXT NOT NULL,
    paragraph     TEXT NOT NULL,
    paragraph_key TEXT NOT NULL,
    PRIMARY KEY (norm_id, document_id, paragraph_key)
);
CREATE INDEX norm_sources_by_document ON norm_sources (document_id, paragraph_key);

CREATE TABLE norm_addressees (
    norm_id   TEXT NOT NULL,
    addressee TEXT NOT NULL,
    PRIMARY KEY (norm_id, addressee)
);

CREATE TABLE norm_principles (
    norm_id      TEXT NOT NULL,
    principle_id TEXT NOT NULL,
    PRIMARY KEY (norm_id, principle_id)
);

--sqlite: -- Japanese has no spaces between words: trigrams match any 3+ character substring.
--sqlite: CREATE VIRTUAL TABLE norm_search USING fts5(norm_id UNINDEXED, body, tokenize = 'trigram');
--postgres: -- Japanese has no spaces between words: trigram indexes serve substring search (ILIKE).
--postgres: CREATE EXTENSION IF NOT EXISTS pg_trgm;
--postgres: CREATE TABLE norm_search (
--postgres:     norm_id TEXT PRIMARY KEY,
--postgres:     body    TEXT NOT NULL
--postgres: );
--postgres: CREATE INDEX norm_search_trgm ON norm_search USING gin (body gin_trgm_ops);
