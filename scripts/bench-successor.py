#!/usr/bin/env python3
"""Reading every published incident with its successor (`superseded_by`), as the store's
`visible_records` asks SQLite: the old form (status and visibility terms beside the
`supersedes` probe, so the planner picks the status index and scans it per row) against the
form in use (those terms inside a CASE, so the planner probes `incidents_by_supersedes`).
Runs both side by side on one database, alternating, and prints medians and the load average.

Usage: python3 scripts/bench-successor.py DATA_DIR [RUNS]
       (DATA_DIR: an instance after `normwatch --data-dir DATA_DIR import eurepoc …` and `… import cfr …`)
"""
import os
import sqlite3
import statistics
import sys
import time

if len(sys.argv) < 2:
    sys.exit(__doc__)
db = sqlite3.connect(os.path.join(sys.argv[1], "normwatch.db"))
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
visible = "({a}.status = 'published' AND {a}.tlp IN ('clear') AND {a}.community_id IS NULL)"
rows = (
    "FROM incidents r LEFT JOIN log_leaves lg ON lg.entity = 'incident' AND lg.entity_id = r.id "
    f"WHERE {visible.format(a='r')}"
)
old = (
    "SELECT r.id, r.body, lg.idx, (SELECT MIN(n.id) FROM incidents n WHERE n.supersedes = r.id "
    f"AND n.status = 'published' AND {visible.format(a='n')}) {rows}"
)
new = (
    "SELECT r.id, r.body, lg.idx, (SELECT MIN(n.id) FROM incidents n WHERE n.supersedes = r.id "
    f"AND (CASE WHEN n.status = 'published' AND {visible.format(a='n')} THEN 1 ELSE 0 END) = 1) {rows}"
)
times = {"old": [], "new": []}
count = 0
for _ in range(runs):
    for name, query in (("old", old), ("new", new)):
        start = time.perf_counter()
        count = len(db.execute(query).fetchall())
        times[name].append(time.perf_counter() - start)
old_ms, new_ms = (statistics.median(times[k]) * 1000 for k in ("old", "new"))
print(f"{count} incidents, median of {runs}: old {old_ms:.1f} ms, new {new_ms:.1f} ms, "
      f"ratio {old_ms / new_ms:.0f}x; load average {os.getloadavg()}")
