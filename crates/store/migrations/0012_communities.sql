-- Communities of interest (GCSC 6E, Recommendation 5): members, focus norms, the five success
-- factors, a decisions log, and a sharing scope: a record marked for a community is read by its
-- members only (enforced in every store query through `community_id`).
CREATE TABLE communities (
    id                TEXT PRIMARY KEY,
    name_ja           TEXT NOT NULL,
    name_en           TEXT NOT NULL,
    purpose_ja        TEXT NOT NULL,
    purpose_en        TEXT NOT NULL,
    focus_norms       TEXT NOT NULL,
    success_factors   TEXT NOT NULL,
    recorded_by       TEXT NOT NULL,
    created_at        TEXT NOT NULL
);

CREATE TABLE community_members (
    community_id   TEXT NOT NULL REFERENCES communities(id),
    stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id),
    role           TEXT NOT NULL,
    joined_on      TEXT NOT NULL,
    PRIMARY KEY (community_id, stakeholder_id)
);
CREATE INDEX community_members_by_stakeholder ON community_members (stakeholder_id);

CREATE TABLE community_decisions (
    id           TEXT PRIMARY KEY,
    community_id TEXT NOT NULL REFERENCES communities(id),
    decided_on   TEXT NOT NULL,
    text_ja      TEXT NOT NULL,
    text_en      TEXT NOT NULL,
    participants TEXT NOT NULL,
    recorded_by  TEXT NOT NULL,
    created_at   TEXT NOT NULL
);

ALTER TABLE positions ADD COLUMN community_id TEXT;
ALTER TABLE implementation_evidence ADD COLUMN community_id TEXT;
ALTER TABLE legal_positions ADD COLUMN community_id TEXT;
ALTER TABLE vulnerabilities ADD COLUMN community_id TEXT;
ALTER TABLE capacity_programmes ADD COLUMN community_id TEXT;
ALTER TABLE hygiene_assessments ADD COLUMN community_id TEXT;
ALTER TABLE points_of_contact ADD COLUMN community_id TEXT;
