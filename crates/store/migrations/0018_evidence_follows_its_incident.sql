-- Evidence belongs to its incident. Until now an upload was published at once whatever its
-- incident's state, kept no community, and kept its marking when the incident's was raised.
-- This re-derives each piece's scope from its incident; what changes is written to the audit
-- log (actor `migration`), and the STIX objects it had put in TAXII collections it no longer
-- belongs to are withdrawn. Log leaves already appended stay: the log is append-only and a
-- leaf holds only a digest, so it reveals nothing; the record behind it is no longer served
-- to those who may not read it, and it keeps that leaf when its incident is published.
CREATE TABLE evidence_rescoped AS
SELECT e.id, e.tlp AS old_tlp, e.status AS old_status, e.community_id AS old_community,
       CASE WHEN (CASE e.tlp WHEN 'clear' THEN 0 WHEN 'green' THEN 1 WHEN 'amber' THEN 2 WHEN 'amber+strict' THEN 3 ELSE 4 END)
               < (CASE i.tlp WHEN 'clear' THEN 0 WHEN 'green' THEN 1 WHEN 'amber' THEN 2 WHEN 'amber+strict' THEN 3 ELSE 4 END)
            THEN i.tlp ELSE e.tlp END AS new_tlp,
       CASE WHEN i.status = 'published' THEN e.status ELSE 'draft' END AS new_status,
       i.community_id AS new_community
FROM incident_evidence e JOIN incidents i ON i.id = e.incident_id;

DELETE FROM evidence_rescoped
WHERE old_tlp = new_tlp AND old_status = new_status
  AND COALESCE(old_community, '') = COALESCE(new_community, '');

UPDATE incident_evidence SET
    tlp = (SELECT r.new_tlp FROM evidence_rescoped r WHERE r.id = incident_evidence.id),
    status = (SELECT r.new_status FROM evidence_rescoped r WHERE r.id = incident_evidence.id),
    community_id = (SELECT r.new_community FROM evidence_rescoped r WHERE r.id = incident_evidence.id),
    version = version + 1
WHERE id IN (SELECT id FROM evidence_rescoped);

INSERT INTO audit_log (at, actor, action, entity, entity_id, before, after)
SELECT '2026-12-02T00:00:00Z', 'migration', 'rescope', 'incident-evidence', r.id,
       '{"tlp":"' || r.old_tlp || '","status":"' || r.old_status || '","community":"' || COALESCE(r.old_community, '') || '"}',
       '{"tlp":"' || r.new_tlp || '","status":"' || r.new_status || '","community":"' || COALESCE(r.new_community, '') || '"}'
FROM evidence_rescoped r;

-- The evidence's note (its extension names the evidence id) and, unless other evidence in the
-- same collection shares it, its file observable (named by hash).
DELETE FROM stix_objects
WHERE origin = 'normwatch' AND EXISTS (
    SELECT 1 FROM evidence_rescoped r JOIN incident_evidence e ON e.id = r.id
    WHERE stix_objects.tlp = r.old_tlp AND COALESCE(stix_objects.community_id, '') = COALESCE(r.old_community, '')
      AND ((stix_objects.stix_type = 'note' AND stix_objects.body LIKE '%' || r.id || '%')
        OR (stix_objects.stix_type = 'file' AND stix_objects.body LIKE '%' || e.sha256 || '%'
            AND NOT EXISTS (SELECT 1 FROM incident_evidence o WHERE o.sha256 = e.sha256 AND o.status = 'published'
                            AND o.tlp = stix_objects.tlp AND COALESCE(o.community_id, '') = COALESCE(stix_objects.community_id, '')))));

DROP TABLE evidence_rescoped;
