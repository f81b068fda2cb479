-- The catalogue, versioned: every distinct catalogue content loaded is one version.
CREATE TABLE catalog_versions (
    version     INTEGER PRIMARY KEY,
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
    position    INTEGER NOT NULL,
    status      TEXT NOT NULL,
    origin      TEXT NOT NULL,
    since_version INTEGER NOT NULL REFERENCES catalog_versions(version),
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

-- Japanese has no spaces between words: trigrams match any 3+ character substring.
CREATE VIRTUAL TABLE norm_search USING fts5(norm_id UNINDEXED, body, tokenize = 'trigram');
