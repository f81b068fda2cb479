#!/usr/bin/env python3
"""Runs a command and prints each line it writes with the seconds since it started, so that the
steps of a long command (e.g. `normwatch import eurepoc DIR --data-dir D`: records stored, links
proposed, STIX objects made) are timed by the line that ends each one.
Usage: python3 scripts/time-lines.py COMMAND [ARG...]   (NORMWATCH_LOG=warn is set for it)"""
import os
import subprocess
import sys
import time

if len(sys.argv) < 2:
    sys.exit(__doc__)
start = time.time()
env = {**os.environ, "NORMWATCH_LOG": "warn"}
with subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env) as p:
    for line in p.stdout:
        print(f"{time.time() - start:7.3f} {line.rstrip()}")
print(f"{time.time() - start:7.3f} exit {p.returncode}")
sys.exit(p.returncode)
