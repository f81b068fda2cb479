-- Vulnerability equities process (GCSC norm 5). Boards belong to a state; their cases are
-- confidential to their members (TLP:RED), enforced in every query by membership.
CREATE TABLE vep_boards (
    id             TEXT PRIMARY KEY,
    stakeholder_id TEXT NOT NULL REFERENCES stakeholders(id),
    name_ja        TEXT NOT NULL,
    name_en        TEXT NOT NULL,
    created_at     TEXT NOT NULL
);

CREATE TABLE vep_board_members (
    board_id   TEXT NOT NULL REFERENCES vep_boards(id),
    account_id TEXT NOT NULL REFERENCES accounts(id),
    agency     TEXT NOT NULL,
    PRIMARY KEY (board_id, account_id)
);

CREATE TABLE vep_cases (
    id                TEXT PRIMARY KEY,
    board_id          TEXT NOT NULL REFERENCES vep_boards(id),
    product           TEXT NOT NULL,
    vendor            TEXT NOT NULL,
    cve_id            TEXT,
    severity          TEXT NOT NULL,
    discovered_on     TEXT NOT NULL,
    submitting_agency TEXT NOT NULL,
    submitted_on      TEXT NOT NULL,
    equities          TEXT NOT NULL,
    recorded_by       TEXT NOT NULL,
    created_at        TEXT NOT NULL
);
CREATE INDEX vep_cases_by_board ON vep_cases (board_id, submitted_on);

-- Every decision on a case, first and re-reviews alike; the latest is the case's decision.
CREATE TABLE vep_decisions (
    id                 TEXT PRIMARY KEY,
    case_id            TEXT NOT NULL REFERENCES vep_cases(id),
    decision           TEXT NOT NULL,
    decided_on         TEXT NOT NULL,
    disclose_to        TEXT,
    vendor_notified_on TEXT,
    justification      TEXT,
    rereview_by        TEXT,
    recorded_by        TEXT NOT NULL,
    created_at         TEXT NOT NULL
);
CREATE INDEX vep_decisions_by_case ON vep_decisions (case_id, decided_on);
