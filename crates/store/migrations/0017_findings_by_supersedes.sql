-- Reading findings derives each one's published successor (`superseded_by`) by looking rows up
-- by `supersedes`. Incidents had an index for it; without one on the findings every row read
-- scanned its whole table (quadratic: listing 160,000 attribution claims did not finish).
CREATE INDEX violation_assessments_by_supersedes ON violation_assessments (supersedes);
CREATE INDEX attribution_claims_by_supersedes ON attribution_claims (supersedes);
CREATE INDEX attribution_statements_by_supersedes ON attribution_statements (supersedes);
CREATE INDEX incident_responses_by_supersedes ON incident_responses (supersedes);
