-- Self-assessments of a stakeholder against a hygiene baseline of the catalogue (GCSC norm 7).
CREATE TABLE hygiene_assessments (
    id             TEXT PRIMARY KEY,
    stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id),
    baseline_id    TEXT NOT NULL,
    assessed_on    TEXT NOT NULL,
    results        TEXT NOT NULL,
    tlp            TEXT NOT NULL,
    status         TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        BIGINT NOT NULL
);
CREATE INDEX hygiene_by_stakeholder ON hygiene_assessments (stakeholder_id, baseline_id, assessed_on);
