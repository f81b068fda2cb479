-- STIX objects served over TAXII: those others push (import, TAXII POST) kept verbatim, and the
-- STIX form of every record normwatch publishes. A collection is a scope: a TLP marking and a
-- community (or none, for the public). `date_added` is unique and strictly increasing across the
-- table (allocated under the stix_head row), so paging by it loses nothing.
CREATE TABLE stix_objects (
    scope        TEXT NOT NULL,
    stix_id      TEXT NOT NULL,
    version_key  TEXT NOT NULL,
    modified     TEXT,
    stix_type    TEXT NOT NULL,
    spec_version TEXT NOT NULL,
    tlp          TEXT NOT NULL,
    community_id TEXT,
    date_added   TEXT NOT NULL UNIQUE,
--sqlite:     latest       INTEGER NOT NULL DEFAULT 0,
--sqlite:     earliest     INTEGER NOT NULL DEFAULT 0,
--postgres:     latest       BIGINT NOT NULL DEFAULT 0,
--postgres:     earliest     BIGINT NOT NULL DEFAULT 0,
    origin       TEXT NOT NULL,
    added_by     TEXT,
    body         TEXT NOT NULL,
    PRIMARY KEY (scope, stix_id, version_key)
);
-- Pages of the newest versions; other reads go by the primary key or by date_added. Few
-- indexes on purpose: every one is written again for each object of a large import.
CREATE INDEX stix_objects_latest ON stix_objects (scope, latest, date_added);

-- One row: the last date_added given out, and how much of the transparency log has been
-- turned into STIX objects.
CREATE TABLE stix_head (
--sqlite:     id          INTEGER PRIMARY KEY,
--postgres:     id          BIGINT PRIMARY KEY,
    last_added  TEXT NOT NULL,
--sqlite:     synced_size INTEGER NOT NULL
--postgres:     synced_size BIGINT NOT NULL
);
INSERT INTO stix_head (id, last_added, synced_size) VALUES (1, '1970-01-01T00:00:00.000000Z', 0);

-- TAXII status resources: what became of each POST of objects.
CREATE TABLE taxii_status (
    id            TEXT PRIMARY KEY,
    scope         TEXT NOT NULL,
    account_id    TEXT,
    status        TEXT NOT NULL,
    request_time  TEXT NOT NULL,
    total_count   INTEGER NOT NULL,
--sqlite:     success_count INTEGER NOT NULL,
--sqlite:     failure_count INTEGER NOT NULL,
--sqlite:     pending_count INTEGER NOT NULL,
--postgres:     success_count BIGINT NOT NULL,
--postgres:     failure_count BIGINT NOT NULL,
--postgres:     pending_count BIGINT NOT NULL,
    details       TEXT NOT NULL
);
