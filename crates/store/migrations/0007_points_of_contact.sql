-- Points of contact (OSCE CBM 8, the UN points-of-contact directory): marked records, TLP:AMBER
-- unless said otherwise, so that contact details reach members only.
CREATE TABLE points_of_contact (
    id             TEXT PRIMARY KEY,
    stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id),
    kind           TEXT NOT NULL,
    name           TEXT NOT NULL,
    role_title     TEXT NOT NULL,
    channels       TEXT NOT NULL,
    languages      TEXT NOT NULL,
    hours          TEXT NOT NULL,
    time_zone      TEXT NOT NULL,
    valid_from     TEXT NOT NULL,
    valid_until    TEXT,
    tlp            TEXT NOT NULL,
    status         TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        BIGINT NOT NULL
);
CREATE INDEX contacts_by_stakeholder ON points_of_contact (stakeholder_id, kind);
