-- Communication checks ("pings" of a points-of-contact directory): an organiser sends a check to
-- every current contact of a group; each answers through its own one-time link.
CREATE TABLE communication_checks (
    id          TEXT PRIMARY KEY,
    organiser   TEXT NOT NULL REFERENCES stakeholders(id),
    title       TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);

CREATE TABLE communication_check_targets (
    check_id        TEXT NOT NULL REFERENCES communication_checks(id),
    contact_id      TEXT NOT NULL REFERENCES points_of_contact(id),
    stakeholder_id  TEXT NOT NULL,
    token_hash      TEXT NOT NULL UNIQUE,
    acknowledged_at TEXT,
    PRIMARY KEY (check_id, contact_id)
);
