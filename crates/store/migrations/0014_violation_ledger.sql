-- The violation ledger (GCSC Rec. 2 and 4, §6D): incidents and the findings made about them.
-- Every table shares the marked-record columns (`stakeholder_id`, `tlp`, `status`,
-- `recorded_by`, `community_id`) read through the store's one visibility filter. The record itself
-- is `body` (its canonical JSON input); the other columns index it for filters and figures.
-- Published rows are never updated: a correction is a new row whose `supersedes` names the old.
CREATE TABLE incidents (
    id             TEXT PRIMARY KEY,
    title_ja       TEXT NOT NULL,
    title_en       TEXT NOT NULL,
    start_key      TEXT NOT NULL,
    start_year     BIGINT,
    discovered     TEXT,
    origin_dataset TEXT,
    origin_id      TEXT,
    stakeholder_id TEXT,
    tlp            TEXT NOT NULL,
    status         TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    community_id   TEXT,
    body           TEXT NOT NULL,
    supersedes     TEXT,
    retraction     TEXT,
    published_on   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        BIGINT NOT NULL
);
CREATE INDEX incidents_by_start ON incidents (start_key DESC, id DESC);
CREATE INDEX incidents_by_year ON incidents (start_year, start_key);
CREATE INDEX incidents_by_status ON incidents (status, tlp, start_key);
-- An import is idempotent: one original record, one incident (corrections excepted).
CREATE UNIQUE INDEX incidents_by_origin ON incidents (origin_dataset, origin_id) WHERE supersedes IS NULL;
CREATE INDEX incidents_by_supersedes ON incidents (supersedes);

-- Filter and facet values of an incident. Values from the incident itself have no `source_tlp`;
-- values from a published finding (norm, attributed state) carry that finding's marking and scope.
CREATE TABLE incident_facets (
    incident_id  TEXT NOT NULL,
    facet        TEXT NOT NULL,
    value        TEXT NOT NULL,
    source_id    TEXT NOT NULL,
    source_tlp   TEXT,
    community_id TEXT,
    PRIMARY KEY (facet, value, incident_id, source_id)
);
CREATE INDEX incident_facets_by_incident ON incident_facets (incident_id);

CREATE TABLE violation_assessments (
    id             TEXT PRIMARY KEY,
    incident_id    TEXT NOT NULL REFERENCES incidents(id),
    norm_id        TEXT NOT NULL,
    level          TEXT NOT NULL,
    actor_state    TEXT,
    stakeholder_id TEXT,
    tlp            TEXT NOT NULL,
    status         TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    community_id   TEXT,
    body           TEXT NOT NULL,
    supersedes     TEXT,
    retraction     TEXT,
    published_on   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        BIGINT NOT NULL
);
CREATE INDEX violation_assessments_by_incident ON violation_assessments (incident_id);
CREATE INDEX violation_assessments_by_norm ON violation_assessments (norm_id, status);

CREATE TABLE attribution_claims (
    id               TEXT PRIMARY KEY,
    incident_id      TEXT NOT NULL REFERENCES incidents(id),
    attributed_state TEXT,
    attributor_kind  TEXT NOT NULL,
    attributed_on    TEXT,
    origin_id        TEXT,
    stakeholder_id   TEXT,
    tlp              TEXT NOT NULL,
    status           TEXT NOT NULL,
    recorded_by      TEXT NOT NULL,
    community_id     TEXT,
    body             TEXT NOT NULL,
    supersedes       TEXT,
    retraction       TEXT,
    published_on     TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    version          BIGINT NOT NULL
);
CREATE INDEX attribution_claims_by_incident ON attribution_claims (incident_id);
CREATE UNIQUE INDEX attribution_claims_by_origin ON attribution_claims (origin_id) WHERE supersedes IS NULL;

CREATE TABLE attribution_statements (
    id             TEXT PRIMARY KEY,
    issued_on      TEXT NOT NULL,
    stakeholder_id TEXT,
    tlp            TEXT NOT NULL,
    status         TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    community_id   TEXT,
    body           TEXT NOT NULL,
    supersedes     TEXT,
    retraction     TEXT,
    published_on   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        BIGINT NOT NULL
);

-- Co-signatures over a statement's canonical bytes, each by a key registered to its signer.
CREATE TABLE statement_signatures (
    id             TEXT PRIMARY KEY,
    statement_id   TEXT NOT NULL REFERENCES attribution_statements(id),
    stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id),
    key_id         TEXT NOT NULL REFERENCES stakeholder_keys(id),
    signature      TEXT NOT NULL,
    signed_at      TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    UNIQUE (statement_id, stakeholder_id)
);

CREATE TABLE incident_responses (
    id             TEXT PRIMARY KEY,
    incident_id    TEXT NOT NULL REFERENCES incidents(id),
    response_type  TEXT NOT NULL,
    responded_on   TEXT NOT NULL,
    stakeholder_id TEXT,
    tlp            TEXT NOT NULL,
    status         TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    community_id   TEXT,
    body           TEXT NOT NULL,
    supersedes     TEXT,
    retraction     TEXT,
    published_on   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        BIGINT NOT NULL
);
CREATE INDEX incident_responses_by_incident ON incident_responses (incident_id);

-- Reviews of a record's version: approvals count only for the version they saw.
CREATE TABLE record_reviews (
    id               TEXT PRIMARY KEY,
    entity           TEXT NOT NULL,
    record_id        TEXT NOT NULL,
    record_version   BIGINT NOT NULL,
    reviewer         TEXT NOT NULL,
    stakeholder_kind TEXT NOT NULL,
    verdict          TEXT NOT NULL,
    comment          TEXT,
    created_at       TEXT NOT NULL
);
CREATE INDEX record_reviews_by_record ON record_reviews (entity, record_id);

-- Evidence about an incident: bytes in the content-addressed blob store, metadata here.
CREATE TABLE incident_evidence (
    id             TEXT PRIMARY KEY,
    incident_id    TEXT NOT NULL REFERENCES incidents(id),
    sha256         TEXT NOT NULL,
    size           BIGINT NOT NULL,
    media_type     TEXT NOT NULL,
    filename       TEXT NOT NULL,
    protocol       TEXT NOT NULL,
    stakeholder_id TEXT,
    tlp            TEXT NOT NULL,
    status         TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    community_id   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        BIGINT NOT NULL
);
CREATE INDEX incident_evidence_by_incident ON incident_evidence (incident_id);
CREATE INDEX incident_evidence_by_hash ON incident_evidence (sha256);

-- Chain of custody: each entry hashes the one before it.
CREATE TABLE custody_entries (
    evidence_id TEXT NOT NULL REFERENCES incident_evidence(id),
    seq         BIGINT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    note        TEXT,
    at          TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    entry_hash  TEXT NOT NULL,
    PRIMARY KEY (evidence_id, seq)
);

--sqlite: -- Title and description search: trigrams serve Japanese, which has no spaces.
--sqlite: CREATE VIRTUAL TABLE incident_search USING fts5(incident_id UNINDEXED, body, tokenize = 'trigram');
--postgres: CREATE TABLE incident_search (incident_id TEXT PRIMARY KEY, body TEXT NOT NULL);
--postgres: CREATE INDEX incident_search_trgm ON incident_search USING gin (body gin_trgm_ops);
