-- A counter that every committed write moves, in commit order: a figure kept in memory is true
-- while it stands still. The audit log's largest seq was used for that and is not enough on
-- PostgreSQL: a sequence number is drawn when the row is inserted, so a write that commits after
-- a later-numbered one leaves the largest seq where it was, and a figure computed in between is
-- served stale until the next write (two servers on one database make it likely). Updating the
-- one row takes its lock until commit, so the counter moves in commit order; a trigger on
-- audit_log moves it for whoever writes. A transaction that also appends to the transparency log
-- takes this row before the log's head, always in that order.
CREATE TABLE write_clock (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n  BIGINT NOT NULL
);
INSERT INTO write_clock (id, n) SELECT 1, COALESCE(MAX(seq), 0) FROM audit_log;
--sqlite: CREATE TRIGGER audit_moves_the_write_clock AFTER INSERT ON audit_log
--sqlite: BEGIN UPDATE write_clock SET n = n + 1 WHERE id = 1; END;
--postgres: CREATE FUNCTION move_write_clock() RETURNS trigger AS $$
--postgres: BEGIN
--postgres:     UPDATE write_clock SET n = n + 1 WHERE id = 1;
--postgres:     RETURN NULL;
--postgres: END;
--postgres: $$ LANGUAGE plpgsql;
--postgres: CREATE TRIGGER audit_moves_the_write_clock AFTER INSERT ON audit_log
--postgres:     FOR EACH ROW EXECUTE FUNCTION move_write_clock();
