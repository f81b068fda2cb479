-- Systematic collection (GCSC Recommendation 4): the sources an editor registers, the items
-- each poll brings in, and the triage decisions coders make on them. Items are read by editors
-- only (triage is not published); a promoted item's incident is a draft like any other.
CREATE TABLE sources (
    id            TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    url           TEXT NOT NULL,
    interval_secs BIGINT NOT NULL,
    -- collect::Health as JSON: last success, last error, failures, items seen, validators.
    health        TEXT NOT NULL,
    next_due      TEXT NOT NULL,
    -- A TAXII source's last `added` date: the next poll asks for what came after.
    cursor        TEXT,
    created_by    TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    removed_at    TEXT
);
CREATE UNIQUE INDEX sources_by_name ON sources (name) WHERE removed_at IS NULL;
CREATE INDEX sources_by_due ON sources (next_due) WHERE removed_at IS NULL;

CREATE TABLE items (
    id            TEXT PRIMARY KEY,
    -- NULL for a public tip.
    source_id     TEXT REFERENCES sources (id),
    origin        TEXT NOT NULL CHECK (origin IN ('source', 'tip')),
    canonical_url TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    -- SimHash of title and text, as a signed 64-bit integer.
    signature     BIGINT NOT NULL,
    -- The id of the first item of its near-duplicate cluster (its own id when it is first).
    cluster       TEXT NOT NULL,
    title         TEXT NOT NULL,
    text          TEXT NOT NULL,
    language      TEXT,
    published     TEXT,
    fetched_at    TEXT NOT NULL,
    cves          TEXT NOT NULL,
    proposals     TEXT NOT NULL,
    norms         TEXT NOT NULL,
    -- Existing incidents the item may be about, with scores and reasons.
    matches       TEXT NOT NULL,
    -- Hundredths: how much the item deserves a coder's time.
    relevance     BIGINT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('open', 'promoted', 'attached', 'dismissed')),
    incident_id   TEXT,
    reason        TEXT,
    decided_by    TEXT,
    decided_at    TEXT,
    version       BIGINT NOT NULL
);
CREATE UNIQUE INDEX items_by_url ON items (canonical_url);
CREATE UNIQUE INDEX items_by_hash ON items (content_hash);
CREATE INDEX items_by_state ON items (state, relevance, id);
CREATE INDEX items_by_cluster ON items (cluster);
CREATE INDEX items_by_source ON items (source_id, fetched_at);
