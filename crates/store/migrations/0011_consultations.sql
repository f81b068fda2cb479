-- Consultations (GCSC Recommendation 6; norms are not static, 6A): a proposal, its comment
-- period, comments by stakeholders, and an outcome. An adopted new norm enters the catalogue
-- as a `proposed` norm (catalog_entries, origin 'consultation').
CREATE TABLE consultations (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    title_ja      TEXT NOT NULL,
    title_en      TEXT NOT NULL,
    text_ja       TEXT NOT NULL,
    text_en       TEXT NOT NULL,
    norm_id       TEXT,
    proposed_norm TEXT,
    opens_on      TEXT NOT NULL,
    closes_on     TEXT NOT NULL,
    outcome       TEXT,
    rationale_ja  TEXT,
    rationale_en  TEXT,
    decided_on    TEXT,
    recorded_by   TEXT NOT NULL,
    created_at    TEXT NOT NULL
);

CREATE TABLE consultation_comments (
    id              TEXT PRIMARY KEY,
    consultation_id TEXT NOT NULL REFERENCES consultations(id),
    stakeholder_id  TEXT NOT NULL REFERENCES stakeholders(id),
    text            TEXT NOT NULL,
    recorded_by     TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
CREATE INDEX comments_by_consultation ON consultation_comments (consultation_id, created_at);
