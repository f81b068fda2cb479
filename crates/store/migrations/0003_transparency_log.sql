-- The transparency log: one leaf per published record version, appended in the same
-- transaction as the publication. `body` is the RFC 8785 canonical JSON the leaf hash commits to.
CREATE TABLE log_leaves (
    idx         BIGINT PRIMARY KEY,
    entity      TEXT NOT NULL,
    entity_id   TEXT NOT NULL,
    leaf_hash   TEXT NOT NULL,
    body        TEXT NOT NULL,
    appended_at TEXT NOT NULL,
    UNIQUE (entity, entity_id)
);

-- The log's size, one row: appenders take its row lock, so indexes never collide.
CREATE TABLE log_head (
    id   BIGINT PRIMARY KEY,
    size BIGINT NOT NULL
);
INSERT INTO log_head (id, size) VALUES (1, 0);

-- Signed checkpoints (C2SP signed notes), one per size signed.
CREATE TABLE log_checkpoints (
    size       BIGINT PRIMARY KEY,
    root       TEXT NOT NULL,
    note       TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- What this instance saw of other logs it witnesses: the latest consistent checkpoint per origin.
CREATE TABLE witnessed_logs (
    origin     TEXT PRIMARY KEY,
    size       BIGINT NOT NULL,
    root       TEXT NOT NULL,
    note       TEXT NOT NULL,
    seen_at    TEXT NOT NULL
);
