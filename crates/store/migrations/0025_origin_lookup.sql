-- An import looks each record up by its key in the source (`origin_*`), among all its versions.
-- The unique indexes on those columns are partial (`WHERE supersedes IS NULL`), which the lookup
-- cannot use, so every imported record scanned its whole table: importing 100,000 incidents and
-- their claims slowed quadratically. These indexes serve the lookup.
CREATE INDEX incidents_by_origin_key ON incidents (origin_dataset, origin_id);
CREATE INDEX attribution_claims_by_origin_key ON attribution_claims (origin_id);
CREATE INDEX incident_responses_by_origin_key ON incident_responses (origin_id);
