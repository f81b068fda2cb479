-- The hotline: a message from one point of contact to others, acknowledged by each recipient
-- within a deadline, escalated when the deadline passes.
CREATE TABLE hotline_messages (
    id                 TEXT PRIMARY KEY,
    from_contact       TEXT NOT NULL REFERENCES points_of_contact(id),
    from_stakeholder   TEXT NOT NULL,
    severity           TEXT NOT NULL,
    subject            TEXT NOT NULL,
    body_ja            TEXT NOT NULL,
    body_en            TEXT NOT NULL,
    incident_ref       TEXT,
    ack_within_minutes BIGINT NOT NULL,
    sent_at            TEXT NOT NULL,
    recorded_by        TEXT NOT NULL
);

CREATE TABLE hotline_recipients (
    message_id      TEXT NOT NULL REFERENCES hotline_messages(id),
    contact_id      TEXT NOT NULL REFERENCES points_of_contact(id),
    stakeholder_id  TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT,
    PRIMARY KEY (message_id, contact_id)
);
CREATE INDEX hotline_recipients_by_stakeholder ON hotline_recipients (stakeholder_id);
