"""Drives normwatch's TAXII 2.1 server with OASIS's taxii2-client, as a MISP or OpenCTI
connector would, and prints what it saw as JSON for the Rust test to check.

usage: taxii_client.py BASE_URL USERNAME PASSWORD TOKEN
"""
import json
import sys
import uuid

from taxii2client.common import TokenAuth
from taxii2client.v21 import Server, as_pages

base, user, password, token = sys.argv[1:5]
out = {}


def ts(n):
    return "2024-01-01T00:00:%02d.000Z" % n


# Anonymous: discovery and the public collection only.
anon = Server(base + "/taxii2/")
out["title"] = anon.title
out["anonymous_collections"] = [c.title for c in anon.default.collections]
clear = [c for c in anon.default.collections if c.title == "TLP:CLEAR"][0]
out["clear_types"] = sorted({o["type"] for page in as_pages(clear.get_objects, per_request=50) for o in page.get("objects", [])})

# HTTP Basic: the collections of a contributor's markings.
server = Server(base + "/taxii2/", user=user, password=password)
root = server.api_roots[0]
out["api_root_versions"] = root.versions
collections = {c.title: c for c in root.collections}
out["collections"] = sorted(collections)
green = collections["TLP:GREEN"]
out["green_can_write"] = green.can_write

# Add 30 indicators, one bad object and one marked RED.
indicators = []
for n in range(30):
    indicators.append({
        "type": "indicator", "spec_version": "2.1", "id": "indicator--" + str(uuid.uuid4()),
        "created": ts(n), "modified": ts(n), "name": "ioc %d" % n, "pattern_type": "stix",
        "pattern": "[ipv4-addr:value = '198.51.100.%d']" % n, "valid_from": ts(n),
        "x_vendor_score": n,
    })
bad = {"type": "indicator", "spec_version": "2.1", "id": "indicator--" + str(uuid.uuid4()),
       "created": "yesterday", "modified": ts(1), "pattern_type": "stix", "pattern": "[x:y = 'z']", "valid_from": ts(1)}
red = dict(indicators[0], id="indicator--" + str(uuid.uuid4()),
           object_marking_refs=["marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"])
status = green.add_objects({"objects": indicators + [bad, red]})
out["status"] = {k: getattr(status, k) for k in ("status", "total_count", "success_count", "failure_count", "pending_count")}
out["failures"] = status.failures
status.refresh()
out["status_refreshed"] = status.status

# The same objects again add nothing; a second version of one indicator is a new version.
again = green.add_objects({"objects": indicators[:3]})
out["again_success"] = again.success_count
v2 = dict(indicators[5], modified="2024-02-01T00:00:00.000Z", name="ioc 5 revised")
green.add_objects({"objects": [v2]})
versioned = indicators[5]["id"]

# Paging by `next`.
by_next = []
for page in as_pages(green.get_objects, per_request=7, type="indicator"):
    by_next.extend(o["id"] for o in page.get("objects", []))
out["by_next"] = by_next

# Paging by `added_after`, with the manifest's date_added (never `next`).
by_added, after, dates = [], None, []
while True:
    kwargs = {"limit": 7, "type": "indicator"}
    if after:
        kwargs["added_after"] = after
    page = green.get_manifest(**kwargs)
    records = page.get("objects", [])
    if not records:
        break
    by_added.extend(r["id"] for r in records)
    dates.extend(r["date_added"] for r in records)
    after = records[-1]["date_added"]
out["by_added_after"] = by_added
out["dates_strictly_increase"] = all(a < b for a, b in zip(dates, dates[1:]))

# `next` stays right when `added_after` changes between pages.
first = green.get_objects(limit=5, type="indicator")
second = green.get_objects(limit=5, type="indicator", next=first["next"], added_after="2000-01-01T00:00:00Z")
out["first_then_second"] = [o["id"] for o in first["objects"]] + [o["id"] for o in second["objects"]]

# Filters, single object, versions.
out["versioned_id"] = versioned
out["latest_name"] = green.get_object(versioned)["objects"][0]["name"]
out["all_versions"] = len(green.get_object(versioned, version="all")["objects"])
out["first_version_name"] = green.get_object(versioned, version="first")["objects"][0]["name"]
out["versions"] = green.object_versions(versioned)["versions"]
out["by_id"] = [o["id"] for o in green.get_objects(id=indicators[2]["id"])["objects"]]
out["custom_kept"] = green.get_object(indicators[7]["id"])["objects"][0].get("x_vendor_score")
out["spec_20"] = green.get_objects(spec_version="2.0").get("objects", [])
out["posted_ids"] = [o["id"] for o in indicators]

# A bearer token (taxii2-client's TokenAuth sends `Token …`) reaches the same collections.
tok = Server(base + "/taxii2/", auth=TokenAuth(token))
out["token_collections"] = sorted(c.title for c in tok.api_roots[0].collections)

print(json.dumps(out))
