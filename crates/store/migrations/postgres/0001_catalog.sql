-- The catalogue, versioned: every distinct catalogue content loaded is one version.
CREATE TABLE catalog_versions (
    version     BIGINT PRIMARY KEY,
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
    position    BIGINT NOT NULL,
    status      TEXT NOT NULL,
    origin      TEXT NOT NULL,
    since_version BIGINT NOT NULL REFERENCES catalog_versions(version),
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

-- Japanese has no spaces between words: trigram indexes serve substring search (ILIKE).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE norm_search (
    norm_id TEXT PRIMARY KEY,
    body    TEXT NOT NULL
);
CREATE INDEX norm_search_trgm ON norm_search USING gin (body gin_trgm_ops);
