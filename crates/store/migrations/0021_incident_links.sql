-- Links between incidents that describe the same real-world incident (one from EuRepoC, one
-- from the CFR tracker, one entered by hand): proposed by the matcher or made by an editor,
-- confirmed or rejected by a coder. Each end's origin (dataset, original id) is kept, so a
-- decision outlives a re-import: a pair decided once is never proposed again, and a confirmed
-- pair is applied to the records that now carry those origins. `incident_a` < `incident_b`.
CREATE TABLE incident_links (
    id               TEXT PRIMARY KEY,
    incident_a       TEXT NOT NULL REFERENCES incidents (id),
    incident_b       TEXT NOT NULL REFERENCES incidents (id),
    origin_a_dataset TEXT,
    origin_a_id      TEXT,
    origin_b_dataset TEXT,
    origin_b_id      TEXT,
    status           TEXT NOT NULL CHECK (status IN ('proposed', 'confirmed', 'rejected')),
    -- Hundredths: 0 (surely different) to 100 (surely the same).
    score            BIGINT NOT NULL,
    reasons          TEXT NOT NULL,
    proposed_by      TEXT NOT NULL,
    decided_by       TEXT,
    decided_at       TEXT,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    version          BIGINT NOT NULL
);
CREATE UNIQUE INDEX incident_links_by_pair ON incident_links (incident_a, incident_b);
CREATE INDEX incident_links_by_b ON incident_links (incident_b);
CREATE INDEX incident_links_by_status ON incident_links (status, score);
