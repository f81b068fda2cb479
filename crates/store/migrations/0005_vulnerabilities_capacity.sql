-- Vulnerabilities (GCSC norm 6, UN GGE (j)). Marked records: `stakeholder_id` is the vendor
-- when it is a registered stakeholder. A published record is never edited: the vendor's
-- mitigation timeline is a list of events, each a record (and a log leaf) of its own.
CREATE TABLE vulnerabilities (
    id                TEXT PRIMARY KEY,
    cve_id            TEXT,
    product           TEXT NOT NULL,
    vendor            TEXT NOT NULL,
    stakeholder_id    TEXT REFERENCES stakeholders(id),
    advisory_url      TEXT,
    reported_on       TEXT NOT NULL,
    tlp               TEXT NOT NULL,
    status            TEXT NOT NULL,
    recorded_by       TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    version           BIGINT NOT NULL
);

CREATE TABLE vulnerability_events (
    id               TEXT PRIMARY KEY,
    vulnerability_id TEXT NOT NULL REFERENCES vulnerabilities(id),
    event            TEXT NOT NULL,
    happened_on      TEXT NOT NULL,
    recorded_by      TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    UNIQUE (vulnerability_id, event)
);
CREATE INDEX vulnerability_events_by_vulnerability ON vulnerability_events (vulnerability_id, happened_on);

-- Capacity-building programmes (Recommendation 3, framework element 6).
CREATE TABLE capacity_programmes (
    id             TEXT PRIMARY KEY,
    stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id),
    title_ja       TEXT NOT NULL,
    title_en       TEXT NOT NULL,
    beneficiaries  TEXT NOT NULL,
    region         TEXT NOT NULL,
    norms          TEXT NOT NULL,
    elements       TEXT NOT NULL,
    starts_on      TEXT NOT NULL,
    ends_on        TEXT,
    progress       TEXT NOT NULL,
    outcomes_ja    TEXT NOT NULL,
    outcomes_en    TEXT NOT NULL,
    tlp            TEXT NOT NULL,
    status         TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        BIGINT NOT NULL
);
