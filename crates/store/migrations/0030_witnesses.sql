-- Witnessing both ways (C2SP tlog-cosignature): the witnesses this instance knows — whose
-- cosignatures of its own checkpoints it accepts and serves with them — and the cosignatures
-- received. A peer this instance follows is a known witness too (its pinned key).
CREATE TABLE log_witnesses (
    -- The witness's key as a cosigner (NAME+KEYID+BASE64, signature type 0x04).
    verifier_key TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    added_by     TEXT NOT NULL,
    added_at     TEXT NOT NULL
);

-- One witness's cosignature of one of this instance's checkpoints (by tree size): the signature
-- line as the witness wrote it, and the time it signed.
CREATE TABLE checkpoint_cosignatures (
    size         BIGINT NOT NULL,
    verifier_key TEXT NOT NULL,
    line         TEXT NOT NULL,
    signed_at    BIGINT NOT NULL,
    received_at  TEXT NOT NULL,
    PRIMARY KEY (size, verifier_key)
);

-- The origin id of the record a received record corrects or retracts at its origin. What
-- supersedes a record is read from it (whichever arrived first), so the stored successor of
-- migration 0029 goes.
ALTER TABLE federated_records ADD COLUMN supersedes TEXT;
CREATE INDEX federated_records_by_supersedes ON federated_records (peer_id, record_kind, supersedes);
ALTER TABLE federated_records DROP COLUMN superseded_by;

-- What a follower keeps of the leaves it checked of a peer's log: the frontier of that tree
-- (`SIZE:HEX,…`, one hash per complete subtree). The next sync fetches only the leaves after
-- it, and they must hash, with it, to the root the peer signed.
ALTER TABLE peers ADD COLUMN frontier TEXT;
