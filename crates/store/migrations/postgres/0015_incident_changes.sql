-- Which incidents changed, in order (see the SQLite migration: the in-memory search index reads
-- it there; PostgreSQL searches in SQL, and keeps the same schema).
CREATE TABLE incident_changes (
    seq         BIGSERIAL PRIMARY KEY,
    incident_id TEXT NOT NULL
);
CREATE FUNCTION note_incident_row_change() RETURNS trigger AS $$
BEGIN
    INSERT INTO incident_changes (incident_id) VALUES (NEW.id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE FUNCTION note_incident_facet_change() RETURNS trigger AS $$
BEGIN
    INSERT INTO incident_changes (incident_id) VALUES (NEW.incident_id);
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER incidents_changed AFTER INSERT OR UPDATE ON incidents
    FOR EACH ROW EXECUTE FUNCTION note_incident_row_change();
CREATE TRIGGER finding_facets_inserted AFTER INSERT ON incident_facets
    FOR EACH ROW WHEN (NEW.source_tlp IS NOT NULL) EXECUTE FUNCTION note_incident_facet_change();
