"""Writes a synthetic STIX 2.1 bundle of about SIZE_MB megabytes to PATH, streaming (the file is
never held in memory): indicators, malware and relationships with UUIDv4 ids, millisecond
timestamps, TLP 2.0 markings and a custom property, for memory and speed benchmarks of
`normwatch import stix`.

usage: python3 scripts/gen-stix-bundle.py PATH SIZE_MB
"""
import json
import random
import sys
import uuid

path, size_mb = sys.argv[1], int(sys.argv[2])
target = size_mb * 1024 * 1024
rng = random.Random(42)
markings = [
    "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
]
words = "supply chain espionage intrusion wiper ransomware phishing credential loader beacon".split()


def ts(i):
    return "2024-%02d-%02dT%02d:%02d:%02d.%03dZ" % (1 + i % 12, 1 + i % 28, i % 24, i % 60, (i // 60) % 60, i % 1000)


def uid():
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


written = 0
count = 0
with open(path, "w", encoding="utf-8") as f:
    head = '{"type":"bundle","id":"bundle--%s","objects":[' % uid()
    f.write(head)
    written += len(head)
    while written < target:
        t = ts(count)
        kind = count % 3
        if kind == 0:
            o = {"type": "indicator", "spec_version": "2.1", "id": "indicator--" + uid(), "created": t, "modified": t,
                 "name": "indicator %d" % count, "pattern_type": "stix", "valid_from": t,
                 "pattern": "[ipv4-addr:value = '198.51.%d.%d']" % (count % 256, (count // 256) % 256),
                 "description": " ".join(rng.choice(words) for _ in range(80)),
                 "object_marking_refs": [markings[count % 2]], "x_vendor_score": count % 100}
        elif kind == 1:
            o = {"type": "malware", "spec_version": "2.1", "id": "malware--" + uid(), "created": t, "modified": t,
                 "name": "family %d" % count, "is_family": True,
                 "description": " ".join(rng.choice(words) for _ in range(80)),
                 "object_marking_refs": [markings[count % 2]]}
        else:
            o = {"type": "relationship", "spec_version": "2.1", "id": "relationship--" + uid(), "created": t,
                 "modified": t, "relationship_type": "indicates", "source_ref": "indicator--" + uid(),
                 "target_ref": "malware--" + uid(), "description": " ".join(rng.choice(words) for _ in range(60)),
                 "object_marking_refs": [markings[count % 2]]}
        text = ("," if count else "") + json.dumps(o, separators=(",", ":"))
        f.write(text)
        written += len(text)
        count += 1
    f.write("]}\n")
print("%s: %d objects, %d bytes" % (path, count, written + 3))
