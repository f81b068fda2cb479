-- Responses imported from public datasets (EuRepoC's political and legal responses, CFR's
-- Response column) carry their key in the source, as attribution claims do: importing the same
-- release again finds them, and a newer release supersedes the version that changed.
ALTER TABLE incident_responses ADD COLUMN origin_id TEXT;
CREATE UNIQUE INDEX incident_responses_by_origin ON incident_responses (origin_id) WHERE supersedes IS NULL;
