-- Webhooks: a stakeholder's endpoint receives its hotline messages, signed with HMAC-SHA256;
-- every attempt is in the delivery log.
CREATE TABLE webhook_endpoints (
    id             TEXT PRIMARY KEY,
    stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id),
    url            TEXT NOT NULL,
    secret         TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    endpoint_id     TEXT NOT NULL REFERENCES webhook_endpoints(id),
    event           TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    body            TEXT NOT NULL,
    attempts        BIGINT NOT NULL,
    status          TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    last_status     BIGINT,
    last_error      TEXT,
    delivered_at    TEXT,
    created_at      TEXT NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
