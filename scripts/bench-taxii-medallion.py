#!/usr/bin/env python3
"""Helpers for scripts/bench-taxii (TAXII GET-objects throughput, normwatch vs medallion).

  prepare BUNDLE DIR USER PASSWORD
      Write DIR/medallion-data.json (medallion 3.0 memory-backend data: one API root
      "normwatch-bench" with one readable collection holding every object of the STIX bundle,
      plus the manifest entries the backend needs: id, date_added, version, media_type) and
      DIR/medallion-config.json (memory backend, that file, one Basic-auth user, page size 100).
      Prints the collection id.

  count FILE
      Print how many objects the TAXII envelope in FILE holds (0 when it has none).

  same-ids FILE_A FILE_B
      Print "same" when both envelopes hold the same object ids (in any order), else say how
      they differ and exit 1.

  free-port
      Print a free TCP port on 127.0.0.1.

Only the standard library is used, so any python3 can run it.
"""
import datetime as dt
import json
import socket
import sys

API_ROOT = "normwatch-bench"
COLLECTION_ID = "6f3e4f0a-2c1b-4c8e-9a51-0b7f3c2d9e11"  # arbitrary, fixed


def version_of(obj):
    # What medallion's own add_objects records (common.determine_version): modified, else created.
    return obj.get("modified", obj.get("created"))


def spec_version_of(obj):
    # medallion's common.determine_spec_version: no created/modified -> SCO (2.1), else
    # spec_version, defaulting to 2.0 (the ATT&CK bundle's objects carry none).
    if "created" not in obj and "modified" not in obj:
        return "2.1"
    return obj.get("spec_version", "2.0")


def prepare(bundle_path, out_dir, user, password):
    with open(bundle_path, encoding="utf-8") as f:
        objects = json.load(f)["objects"]
    # Strictly increasing date_added, one microsecond apart, in bundle order (medallion's
    # timestamp format, see common.datetime_to_string).
    base = dt.datetime(2025, 1, 1, tzinfo=dt.timezone.utc)
    manifest = []
    media_types = set()
    for i, obj in enumerate(objects):
        media_type = "application/stix+json;version=" + spec_version_of(obj)
        media_types.add(media_type)
        added = (base + dt.timedelta(microseconds=i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        manifest.append({
            "id": obj["id"],
            "date_added": added,
            "version": version_of(obj),
            "media_type": media_type,
        })
    data = {
        "/discovery": {
            "title": "medallion (normwatch TAXII benchmark)",
            "description": "MITRE ATT&CK served by OASIS's reference TAXII server",
            "default": "/{}/".format(API_ROOT),
            "api_roots": ["/{}/".format(API_ROOT)],
        },
        API_ROOT: {
            "information": {
                "title": "benchmark API root",
                "versions": ["application/taxii+json;version=2.1"],
                "max_content_length": 104857600,
            },
            "status": [],
            "collections": [{
                "id": COLLECTION_ID,
                "title": "MITRE ATT&CK enterprise",
                "can_read": True,
                "can_write": False,
                "media_types": sorted(media_types),
                "objects": objects,
                "manifest": manifest,
            }],
        },
    }
    data_path = "{}/medallion-data.json".format(out_dir)
    with open(data_path, "w", encoding="utf-8") as f:
        json.dump(data, f)
    config = {
        "backend": {
            "module": "medallion.backends.memory_backend",
            "module_class": "MemoryBackend",
            "filename": data_path,
        },
        "users": {user: password},
        "taxii": {"max_page_size": 100},
    }
    with open("{}/medallion-config.json".format(out_dir), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
    print(COLLECTION_ID)


def count(path):
    with open(path, encoding="utf-8") as f:
        envelope = json.load(f)
    print(len(envelope.get("objects", [])))


def same_ids(path_a, path_b):
    ids = []
    for path in (path_a, path_b):
        with open(path, encoding="utf-8") as f:
            ids.append({o["id"] for o in json.load(f).get("objects", [])})
    if ids[0] == ids[1]:
        print("same")
    else:
        sys.exit("{} ids only in the first, {} only in the second".format(
            len(ids[0] - ids[1]), len(ids[1] - ids[0])))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        print(s.getsockname()[1])


def main(argv):
    if len(argv) == 6 and argv[1] == "prepare":
        prepare(*argv[2:])
    elif len(argv) == 3 and argv[1] == "count":
        count(argv[2])
    elif len(argv) == 4 and argv[1] == "same-ids":
        same_ids(argv[2], argv[3])
    elif len(argv) == 2 and argv[1] == "free-port":
        free_port()
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
