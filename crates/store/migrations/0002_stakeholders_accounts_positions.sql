-- Stakeholders and the Ed25519 keys registered to them.
CREATE TABLE stakeholders (
    id          TEXT PRIMARY KEY,
    name_ja     TEXT NOT NULL,
    name_en     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    country     TEXT,
    website     TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    version     BIGINT NOT NULL
);
CREATE INDEX stakeholders_by_kind ON stakeholders (kind, country);

CREATE TABLE stakeholder_keys (
    id             TEXT PRIMARY KEY,
    stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id),
    label          TEXT NOT NULL,
    public_key     TEXT NOT NULL UNIQUE,
    added_at       TEXT NOT NULL,
    revoked_at     TEXT
);

-- Accounts. Passwords as Argon2id PHC strings; never the password itself.
CREATE TABLE accounts (
    id             TEXT PRIMARY KEY,
    username       TEXT NOT NULL UNIQUE,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL,
    stakeholder_id TEXT REFERENCES stakeholders(id),
    password_hash  TEXT NOT NULL,
    disabled       BIGINT NOT NULL DEFAULT 0,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        BIGINT NOT NULL
);

-- Portal sessions and API tokens: only SHA-256 of the secret is stored.
CREATE TABLE sessions (
    secret_hash TEXT PRIMARY KEY,
    account_id  TEXT NOT NULL REFERENCES accounts(id),
    csrf_token  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    account_id   TEXT NOT NULL REFERENCES accounts(id),
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    expires_at   TEXT,
    revoked_at   TEXT,
    last_used_at TEXT
);

-- Norm positions: a new one supersedes the stakeholder's previous stance on the norm (derived
-- when read, from the order of stated dates); all stay readable.
CREATE TABLE positions (
    id               TEXT PRIMARY KEY,
    stakeholder_id   TEXT NOT NULL REFERENCES stakeholders(id),
    norm_id          TEXT NOT NULL,
    stance           TEXT NOT NULL,
    stated_on        TEXT NOT NULL,
    source_url       TEXT,
    source_document  TEXT,
    source_paragraph TEXT,
    statement_ja     TEXT,
    statement_en     TEXT,
    tlp              TEXT NOT NULL,
    status           TEXT NOT NULL,
    recorded_by      TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    version          BIGINT NOT NULL
);
CREATE INDEX positions_by_pair ON positions (stakeholder_id, norm_id, stated_on);
CREATE INDEX positions_by_norm ON positions (norm_id);

CREATE TABLE implementation_evidence (
    id             TEXT PRIMARY KEY,
    stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id),
    norm_id        TEXT NOT NULL,
    kind           TEXT NOT NULL,
    dated          TEXT NOT NULL,
    url            TEXT NOT NULL,
    summary_ja     TEXT NOT NULL,
    summary_en     TEXT NOT NULL,
    tlp            TEXT NOT NULL,
    status         TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        BIGINT NOT NULL
);
CREATE INDEX evidence_by_pair ON implementation_evidence (stakeholder_id, norm_id);

CREATE TABLE legal_positions (
    id             TEXT PRIMARY KEY,
    stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id),
    topic          TEXT NOT NULL,
    summary_ja     TEXT NOT NULL,
    summary_en     TEXT NOT NULL,
    source_url     TEXT NOT NULL,
    dated          TEXT NOT NULL,
    tlp            TEXT NOT NULL,
    status         TEXT NOT NULL,
    recorded_by    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    version        BIGINT NOT NULL
);
CREATE INDEX legal_positions_by_topic ON legal_positions (topic, stakeholder_id);

-- Every write: who, when, what, and the record before and after (canonical JSON).
CREATE TABLE audit_log (
--sqlite:     seq        INTEGER PRIMARY KEY AUTOINCREMENT,
--postgres:     seq        BIGSERIAL PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  TEXT NOT NULL,
    before     TEXT,
    after      TEXT
);
CREATE INDEX audit_by_entity ON audit_log (entity, entity_id);
