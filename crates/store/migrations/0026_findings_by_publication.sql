-- The home page lists the latest published findings of each kind: newest publication first,
-- stopping at the limit, instead of sorting every finding.
CREATE INDEX violation_assessments_by_published_on ON violation_assessments (published_on, id);
CREATE INDEX attribution_claims_by_published_on ON attribution_claims (published_on, id);
CREATE INDEX incident_responses_by_published_on ON incident_responses (published_on, id);
