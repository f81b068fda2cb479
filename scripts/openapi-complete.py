#!/usr/bin/env python3
"""Completes the status responses of crates/server/src/api/openapi.json from what each handler can
answer, so that the document lists every status an operation returns (schemathesis fails the
suite on any undocumented one).

The schemas, parameters and summaries are written by hand in the document; this script owns only
the error responses (and the `lang` parameter of language-aware reads). It adds what is missing
and leaves hand-written responses alone, so running it again changes nothing.

    python3 scripts/openapi-complete.py          # rewrite the document in place
    python3 scripts/openapi-complete.py --check  # exit 1 if the document is not complete

What an operation can answer follows from its handler (crates/server/src/api/). The letters:

    Q  reads the query string (Params): 400 for an unknown or malformed parameter or `lang`
    L  renders texts in the chosen language: takes `lang`; 304 for a matching If-None-Match
    E  renders with an ETag but in no language: 304
    C  reads the caller (Caller): 401 for an unknown token; a write 403 without the session's
       CSRF token
    F  checks a right: 403
    V  validates fields: 422
    X  can conflict (a taken id, a concurrent change, a state that does not allow it): 409
    R  signs in with a password: 429 after too many failures
    N  answers 404 though it has no path parameter
    B  reads a raw body with its own size limit: 400, 413
    U  checks the database: 503

Derived from the document itself: a JSON request body gives 400, 413 and 415; a path parameter
gives 404 (a path that names nothing, one with U+0000 included); `security` gives 401. The unit test beside the API (crates/server/src/api/openapi_check.rs)
checks the result against the router and the error mapping.
"""

import json
import sys
from pathlib import Path

DOCUMENT = Path(__file__).resolve().parent.parent / "crates/server/src/api/openapi.json"

LEDGER_KINDS = ["incidents", "assessments", "attributions", "statements", "responses"]

OPERATIONS = {
    "GET /health": "QEU",
    "GET /catalog": "QL",
    "GET /norms": "QL",
    "GET /norms/{id}": "QL",
    "GET /taxonomies": "QL",
    "GET /taxonomies/{name}": "QL",
    "GET /openapi.json": "",
    "GET /me": "C",
    "POST /me/password": "CVR",
    "POST /tokens": "CVR",
    "GET /tokens": "C",
    "DELETE /tokens/{id}": "C",
    "POST /accounts": "CFVX",
    "GET /accounts": "CF",
    "GET /accounts/{id}": "CF",
    "PATCH /accounts/{id}": "CFV",
    "POST /accounts/{id}/password": "CFV",
    "POST /stakeholders": "CFVX",
    "GET /stakeholders": "QL",
    "GET /stakeholders/{id}": "QL",
    "PUT /stakeholders/{id}": "CFVX",
    "POST /stakeholders/{id}/keys": "CFVX",
    "POST /positions": "CFVX",
    "GET /positions": "CQL",
    "GET /positions/{id}": "CQL",
    "POST /evidence": "CFVX",
    "GET /evidence": "CQL",
    "POST /legal-positions": "CFVX",
    "GET /legal-positions": "CQL",
    "GET /adoption": "CQL",
    "GET /audit": "CFQE",
    "POST /vep/boards": "CFVX",
    "GET /vep/boards": "QL",
    "POST /vep/boards/{id}/cases": "CVX",
    "GET /vep/boards/{id}/cases": "CQ",
    "GET /vep/boards/{id}/report": "QE",
    "GET /vep/cases/{id}": "C",
    "POST /vep/cases/{id}/decisions": "CVX",
    "POST /vulnerabilities": "CFVX",
    "GET /vulnerabilities": "CQL",
    "GET /vulnerabilities/{id}": "CQL",
    "POST /vulnerabilities/{id}/events": "CFVX",
    "POST /capacity/programmes": "CFVX",
    "GET /capacity/programmes": "CQL",
    "GET /capacity/coverage": "CQL",
    "GET /standards": "QL",
    "GET /hygiene/baselines": "QL",
    "POST /hygiene/assessments": "CFVX",
    "GET /hygiene/assessments": "CQL",
    "POST /contacts": "CFVX",
    "GET /contacts": "CQL",
    "POST /checks": "CFVX",
    "GET /checks": "C",
    "POST /checks/answer": "N",
    "POST /hotline": "CFVX",
    "GET /hotline": "C",
    "POST /hotline/{id}/ack": "CFV",
    "POST /webhooks": "CFVX",
    "GET /webhooks/{id}/deliveries": "CF",
    "POST /consultations": "CFVX",
    "GET /consultations": "Q",
    "GET /consultations/{id}": "",
    "POST /consultations/{id}/comments": "CFVX",
    "POST /consultations/{id}/outcome": "CFVX",
    "POST /communities": "CFVX",
    "GET /communities": "",
    "POST /communities/{id}/decisions": "CFVX",
    "GET /incidents/{id}/screening": "CQL",
    "GET /incident-links": "CQL",
    "POST /incident-links": "CFVX",
    "GET /incident-links/{id}": "CQL",
    "POST /incident-links/{id}/confirm": "CFVX",
    "POST /incident-links/{id}/reject": "CFVX",
    "GET /incidents/{id}/evidence": "CQL",
    "POST /incidents/{id}/evidence": "CFQVXB",
    "GET /evidence-items/{id}": "CQL",
    "GET /evidence-items/{id}/content": "C",
    "POST /evidence-items/{id}/custody": "CFVX",
    "GET /statements/{id}/canonical": "CQL",
    "POST /statements/{id}/signatures": "CFVX",
    "GET /statements/{id}/verify": "CQL",
    "GET /metrics": "CQL",
    "GET /metrics/violations": "CQL",
    "GET /metrics/attribution-lag": "CQL",
    "GET /metrics/response-rate": "CQL",
    "GET /metrics/endorsed-violations": "CQL",
    "GET /export/stix": "CQ",
    "GET /export/stix/extension-schema.json": "",
    "POST /sources": "CFV",
    "GET /sources": "CFQ",
    "GET /sources/{id}": "CFQ",
    "DELETE /sources/{id}": "CF",
    "POST /peers": "CFV",
    "GET /peers": "CFQ",
    "GET /peers/{id}": "CFQ",
    "POST /peers/{id}/sync": "CFV",
    "GET /federated-records": "CQ",
    "GET /federated-records/{peer}/{kind}/{id}": "CQ",
    "POST /federated-records/{peer}/incident/{id}/adopt": "CFVX",
    "POST /witnesses": "CFV",
    "GET /witnesses": "Q",
    "GET /triage": "CFQ",
    "GET /triage/{id}": "CF",
    "POST /triage/{id}/promote": "CFVX",
    "POST /triage/{id}/attach": "CFVX",
    "POST /triage/{id}/dismiss": "CFVX",
    "GET /collection/coverage": "CFQ",
    "POST /collection/run": "CF",
    # 429 (too many tips from one address) is written by hand in the document.
    "POST /tips": "V",
}
for kind in LEDGER_KINDS:
    OPERATIONS.update(
        {
            f"POST /{kind}": "CFVX",
            f"GET /{kind}": "CQL",
            f"GET /{kind}/{{id}}": "CQL",
            f"PUT /{kind}/{{id}}": "CFVX",
            f"POST /{kind}/{{id}}/submit": "CFVX",
            f"POST /{kind}/{{id}}/publish": "CFVX",
            f"POST /{kind}/{{id}}/reviews": "CFVX",
            f"POST /{kind}/{{id}}/corrections": "CFVX",
        }
    )

# The shared problem responses, by status.
PROBLEMS = {
    "400": ("BadRequest", "Malformed request: a query parameter, header or body that cannot be read; `errors[0].field` names it"),
    "401": ("Unauthorized", "Not signed in, or the token is unknown, revoked or expired"),
    "403": ("Forbidden", "The role lacks the right (`missing_right` names it), or a session write came without its X-CSRF-Token"),
    "404": ("NotFound", "No such resource, or none the caller may read"),
    "409": ("Conflict", "The id is taken, the record changed meanwhile, or its state does not allow this"),
    "413": ("PayloadTooLarge", "The body is larger than the limit"),
    "415": ("UnsupportedMediaType", "The body is not sent as application/json"),
    "422": ("UnprocessableContent", "A field fails validation; `errors[0].field` names it"),
    "429": ("TooManyRequests", "Too many failed sign-ins; `Retry-After` says when to try again"),
    "503": ("ServiceUnavailable", "The database is not reachable"),
}


def problem_response(description):
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


def statuses(method, path, op, traits):
    """The statuses the operation can answer besides its success."""
    out = set()
    has_path_param = "{" in path
    json_body = "application/json" in op.get("requestBody", {}).get("content", {})
    if "Q" in traits:
        out.add("400")
    if "L" in traits or "E" in traits:
        out.add("304")
    if "C" in traits or op.get("security"):
        out.add("401")
    if "C" in traits and method != "GET":
        out.add("403")
    if "F" in traits:
        out.add("403")
    if "V" in traits:
        out.add("422")
    if "X" in traits:
        out.add("409")
    if "R" in traits:
        out.add("429")
    if has_path_param or "N" in traits:
        out.add("404")
    if json_body:
        out.update(["400", "413", "415"])
    if "B" in traits:
        out.update(["400", "413"])
    if "U" in traits:
        out.add("503")
    return out


def complete(doc):
    components = doc.setdefault("components", {})
    responses = components.setdefault("responses", {})
    for status, (name, description) in PROBLEMS.items():
        responses.setdefault(name, problem_response(description))
    responses.setdefault("NotModified", {"description": "Not modified: the `If-None-Match` ETag still matches"})
    lang_ref = {"$ref": "#/components/parameters/lang"}

    seen = set()
    for path, item in doc["paths"].items():
        for method, op in item.items():
            if method not in ("get", "post", "put", "delete", "patch"):
                continue
            key = f"{method.upper()} {path}"
            if key not in OPERATIONS:
                sys.exit(f"{key} is documented but not in scripts/openapi-complete.py's table: add it")
            seen.add(key)
            traits = OPERATIONS[key]
            if "L" in traits:
                params = op.setdefault("parameters", [])
                named = any(p.get("name") == "lang" or p.get("$ref") == lang_ref["$ref"] for p in params)
                if not named:
                    params.append(dict(lang_ref))
            existing = op.setdefault("responses", {})
            for status in sorted(statuses(method.upper(), path, op, traits)):
                if status in existing:
                    continue
                if status == "304":
                    existing[status] = {"$ref": "#/components/responses/NotModified"}
                else:
                    existing[status] = {"$ref": f"#/components/responses/{PROBLEMS[status][0]}"}
            # Successes first, then the problems in order, as a reader looks for them.
            op["responses"] = dict(sorted(existing.items(), key=lambda kv: kv[0]))
    missing = sorted(set(OPERATIONS) - seen)
    if missing:
        sys.exit("in the table but not documented: " + ", ".join(missing))
    return doc


def main():
    check = "--check" in sys.argv[1:]
    before = DOCUMENT.read_text(encoding="utf-8")
    after = json.dumps(complete(json.loads(before)), indent=1, ensure_ascii=False) + "\n"
    if check:
        if after != before:
            sys.exit(f"{DOCUMENT} is not complete: run python3 scripts/openapi-complete.py")
        return
    if after != before:
        DOCUMENT.write_text(after, encoding="utf-8")
        print(f"completed {DOCUMENT}")


if __name__ == "__main__":
    main()
