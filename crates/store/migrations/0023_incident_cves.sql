-- Incidents name vulnerabilities (GCSC norm 6, UN GGE 13 (j)): each CVE id an incident's text
-- names (core's `vulnerability::incident_cves`) is one more of its own facets, `cve`, written
-- with the incident like its other facets. A vulnerability's incidents are then a lookup on
-- `incident_facets`' key (facet, value, …), and the incident list filters by `cve=` as by any facet.
-- Those who triage also see the incidents that items naming the CVE were promoted or attached to.
CREATE INDEX items_by_incident ON items (incident_id) WHERE incident_id IS NOT NULL;

-- Work that SQL cannot do and the store does in Rust when it opens a database, once: here, the
-- `cve` facets of the incidents written before this migration (the parser is core's, not SQL's).
CREATE TABLE pending_backfills (
    name TEXT PRIMARY KEY
);
INSERT INTO pending_backfills (name) VALUES ('incident-cves');
