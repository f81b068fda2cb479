-- Federation (GCSC Recommendation 5): the peers this instance follows, the checkpoints each
-- showed (the last one is what the next must extend), the forks found (both signed checkpoints
-- kept as evidence), the records received from each with their provenance, and the records
-- refused (verification failed: they are not kept, the reason is shown on the peer's page).
CREATE TABLE peers (
    id              TEXT PRIMARY KEY,
    -- The peer's base URL, without a trailing slash.
    url             TEXT NOT NULL,
    -- The peer's log origin: the name its pinned key signs as.
    origin          TEXT NOT NULL,
    verifier_key    TEXT NOT NULL,
    -- The API token of the account this instance reads as at the peer; never shown again.
    token           TEXT,
    state           TEXT NOT NULL CHECK (state IN ('active', 'forked')),
    -- The last checkpoint seen and verified, as the peer signed it (its size and root are read
    -- from it: the next checkpoint must extend it).
    seen_note       TEXT,
    -- JSON: TAXII collection id -> the last date_added taken from it.
    cursors         TEXT NOT NULL,
    last_sync_at    TEXT,
    last_error      TEXT,
    created_by      TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE UNIQUE INDEX peers_by_origin ON peers (origin);
CREATE UNIQUE INDEX peers_by_url ON peers (url);

CREATE TABLE peer_forks (
    id           TEXT PRIMARY KEY,
    peer_id      TEXT NOT NULL REFERENCES peers (id),
    reason       TEXT NOT NULL,
    earlier_note TEXT,
    later_note   TEXT NOT NULL,
    detected_at  TEXT NOT NULL
);
CREATE INDEX peer_forks_by_peer ON peer_forks (peer_id, detected_at);

CREATE TABLE peer_refusals (
    id          TEXT PRIMARY KEY,
    peer_id     TEXT NOT NULL REFERENCES peers (id),
    record_kind TEXT NOT NULL,
    origin_id   TEXT NOT NULL,
    reason      TEXT NOT NULL,
    refused_at  TEXT NOT NULL
);
CREATE INDEX peer_refusals_by_peer ON peer_refusals (peer_id, refused_at);

-- A record received from a peer, verified: never re-published here, never sent back. Its TLP
-- is the origin's marking; a record of one of the peer's communities is read here by admins only.
CREATE TABLE federated_records (
    peer_id         TEXT NOT NULL REFERENCES peers (id),
    record_kind     TEXT NOT NULL,
    origin_id       TEXT NOT NULL,
    origin          TEXT NOT NULL,
    log_index       BIGINT NOT NULL,
    checkpoint_size BIGINT NOT NULL,
    stix_id         TEXT NOT NULL,
    tlp             TEXT NOT NULL,
    community       TEXT,
    body            TEXT NOT NULL,
    received_at     TEXT NOT NULL,
    -- The origin id of the record that corrected or retracted this one at the origin.
    superseded_by   TEXT,
    PRIMARY KEY (peer_id, record_kind, origin_id)
);
CREATE INDEX federated_records_by_received ON federated_records (received_at, peer_id);
