#!/usr/bin/env python3
"""Medians of each step of an incident search, per shape of the incident_search bench, from the
lines a build with scripts/bench-search-steps.patch applied writes to stderr (STEPS, SEARCH and
YEARS lines, microseconds). A search matched afresh times both ways of counting years once more;
that time is taken out of its match set and counts and shown beside them. The bench runs its
shapes in order, 200 runs each, every run a search with its match set kept and then one with
nothing kept (cold); page 6 first walks five pages.

Usage:
  git apply scripts/bench-search-steps.patch
  cargo bench -p normwatch-store --bench incident_search --no-run     # prints the binary
  NORMWATCH_BENCH_INCIDENTS=N NORMWATCH_BENCH_SEEDED=1 NORMWATCH_BENCH_SQLITE=FILE \\
    NORMWATCH_BENCH_SQL_RUNS=0 BINARY --bench 2> steps.txt            # a data dir kept by bench-scale
  python3 scripts/search-steps.py steps.txt [--runs 200] [--not-seeded]
  git apply -R scripts/bench-search-steps.patch
"""
import statistics
import sys

SHAPES = ["first page, no filter", "page 6, no filter", "by title, no filter", "by title desc + country",
          "country", "country + year", "operation + sector + year", "full text, rare term",
          "full text, common word", "common word + country"]

args = sys.argv[1:]
if not args or args[0].startswith("-"):
    sys.exit(__doc__)
runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 200
searches = []
current = {}
for line in open(args[0], encoding="utf-8"):
    words = line.split()
    if not words:
        continue
    if words[0] == "YEARS":
        current["years by rows"], current["years by bitmaps"] = int(words[4]), int(words[6])
    elif words[0] == "STEPS":
        v = {words[i]: int(words[i + 1]) for i in range(1, len(words) - 1, 2)}
        current.update({
            "matches": v["matches"], "index up to date": v["current"], "link groups": v["groups"] - v["current"],
            "terms": v["terms"] - v["groups"], "match set and counts": v["matched"] - v["terms"],
            "page": v["page"] - v["matched"], "rows listed": v["rows"] - v["page"],
        })
    elif words[0] == "SEARCH":
        current["whole search"] = int(words[4])
        searches.append(current)
        current = {}
at = 0 if "--not-seeded" in args else 1  # the bench's count of a seeded file is a search too
for shape in SHAPES:
    at += 5 if shape.startswith("page 6") else 0
    chunk, at = searches[at:at + 2 * runs], at + 2 * runs
    if not chunk:
        break
    print(f"{shape} ({chunk[0]['matches']:,} matches), medians in µs")
    for label, part in (("kept", chunk[0::2]), ("cold", chunk[1::2])):
        # The patch times both year counts inside the facet counts of a search counted afresh:
        # they are taken out of that step and shown beside it (only cold searches count).
        for p in part:
            if "years by rows" in p:
                p["match set and counts"] -= p["years by rows"] + p["years by bitmaps"]
        keys = ["index up to date", "link groups", "terms", "match set and counts", "page", "rows listed",
                "whole search"] + (["years by rows", "years by bitmaps"] if label == "cold" else [])
        cells = []
        for k in keys:
            values = [p[k] for p in part if k in p]
            if values:
                cells.append(f"{k} {statistics.median(values):.0f}")
        print(f"  {label}: " + ", ".join(cells))
