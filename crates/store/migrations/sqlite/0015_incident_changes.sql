-- Which incidents changed, in order, so that an in-memory search index (SQLite) stays current
-- whoever wrote: the server, or a CLI import beside it. Triggers keep it, so no write path can
-- forget. Own facets change only with their incident row; facets from published findings are
-- added on their own.
CREATE TABLE incident_changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    incident_id TEXT NOT NULL
);
CREATE TRIGGER incidents_inserted AFTER INSERT ON incidents
BEGIN INSERT INTO incident_changes (incident_id) VALUES (NEW.id); END;
CREATE TRIGGER incidents_updated AFTER UPDATE ON incidents
BEGIN INSERT INTO incident_changes (incident_id) VALUES (NEW.id); END;
CREATE TRIGGER finding_facets_inserted AFTER INSERT ON incident_facets WHEN NEW.source_tlp IS NOT NULL
BEGIN INSERT INTO incident_changes (incident_id) VALUES (NEW.incident_id); END;
