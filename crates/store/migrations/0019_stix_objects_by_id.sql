-- Before storing a new version of an object, the store looks up who created the versions it
-- holds (only the creator may version an object, STIX 2.1 §3.6): by id, across collections.
CREATE INDEX stix_objects_by_id ON stix_objects (stix_id);
