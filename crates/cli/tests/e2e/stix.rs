//! STIX 2.1 and TAXII 2.1 against OASIS's own tools: taxii2-client drives the TAXII server,
//! stix2-validator checks exports, and MITRE ATT&CK (real STIX 2.0 with custom types) goes in
//! through `normwatch import stix` and comes out unchanged.

use crate::common::{Api, Roles, TestServer, cert_coop, data, reviewers, test_python, token_for};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::process::Command;

on_both_backends!(
    taxii_with_the_oasis_client,
    community_collections_reach_members_only,
    only_the_creator_versions_an_object,
    exports_pass_the_oasis_validator,
    attack_imports_and_round_trips
);

const TAXII: &str = "application/taxii+json;version=2.1";

/// An account with a known password (for HTTP Basic), acting for `jp`. The admin chooses the
/// password: a generated one would be a one-time one, which its bearer tokens cannot use.
async fn basic_account(admin: &Api) -> (String, String) {
    let password = "the TAXII connector's password";
    let (st, b) = admin
        .post(
            "/api/v1/accounts",
            &json!({"username": "taxii-jp", "display_name": "TAXII connector", "role": "contributor",
                "stakeholder": "jp", "password": password}),
        )
        .await;
    assert_eq!(st, 201, "{b}");
    ("taxii-jp".to_owned(), password.to_owned())
}

async fn publish(editor: &Api, reviewers: &(Api, Api), path: &str) {
    let (st, b) = editor.post(&format!("{path}/submit"), &json!({})).await;
    assert_eq!(st, 200, "submit {path}: {b}");
    for r in [&reviewers.0, &reviewers.1] {
        let (st, b) = r.post(&format!("{path}/reviews"), &json!({"verdict": "approve"})).await;
        assert_eq!(st, 200, "review {path}: {b}");
    }
    let (st, b) = reviewers.0.post(&format!("{path}/publish"), &json!({})).await;
    assert_eq!(st, 200, "publish {path}: {b}");
}

/// A published TLP:CLEAR incident with an assessment and an attribution claim, and a TLP:GREEN
/// incident.
async fn published_findings(s: &TestServer, roles: &Roles) {
    let revs = reviewers(s, &roles.admin).await;
    let incident = |title: &str, tlp: &str| {
        json!({
            "title": {"ja": format!("{title}（日本語）"), "en": title},
            "description": {"en": "Resolvers of a national registry were tampered with."},
            "started": "2023-05", "discovered": "2023-06-14",
            "operation_types": ["denial-of-service"],
            "actors": [{"kind": "non-state", "name": "Group X"}],
            "targets": [{"name": "Power utility", "country": "JP", "sector": "ci.energy"}],
            "sources": [{"url": "https://news.example/dns", "title": "Report"}],
            "impact": {"availability": "high", "countries_affected": ["JP"]},
            "stakeholder": "jp", "tlp": tlp
        })
    };
    let (st, clear) = roles.editor.post("/api/v1/incidents", &incident("Attack on DNS", "clear")).await;
    assert_eq!(st, 201, "{clear}");
    let clear_id = clear["id"].as_str().expect("id").to_owned();
    publish(&roles.editor, &revs, &format!("/api/v1/incidents/{clear_id}")).await;
    let (st, a) = roles
        .editor
        .post(
            "/api/v1/assessments",
            &json!({"incident": clear_id, "norm": "gge-f", "actor": {"kind": "state", "state": "RU"},
                    "level": "likely", "rationale": {"en": "The grid was hit.", "ja": "電力網が攻撃された。"}}),
        )
        .await;
    assert_eq!(st, 201, "{a}");
    publish(&roles.editor, &revs, &format!("/api/v1/assessments/{}", a["id"].as_str().expect("id"))).await;
    let (st, c) = roles
        .editor
        .post(
            "/api/v1/attributions",
            &json!({"incident": clear_id, "attributor": {"name": "Lab One", "kind": "security-company"},
                    "attributed_to": {"state": "RU", "group": "Group X", "relation": "proxy"},
                    "type": "technical", "confidence": "icd.likely", "attributed_on": "2023-07-01"}),
        )
        .await;
    assert_eq!(st, 201, "{c}");
    publish(&roles.editor, &revs, &format!("/api/v1/attributions/{}", c["id"].as_str().expect("id"))).await;
    let (st, green) = roles.editor.post("/api/v1/incidents", &incident("Espionage at a ministry", "green")).await;
    assert_eq!(st, 201, "{green}");
    let green_id = green["id"].as_str().expect("id").to_owned();
    publish(&roles.editor, &revs, &format!("/api/v1/incidents/{green_id}")).await;
}

/// A GET through `raw`, without a body.
async fn taxii_get(s: &TestServer, path: &str, headers: &[(&str, &str)]) -> (u16, HashMap<String, String>, Value) {
    raw(s, reqwest::Method::GET, path, headers, None).await
}

async fn raw(
    s: &TestServer,
    method: reqwest::Method,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<Vec<u8>>,
) -> (u16, HashMap<String, String>, Value) {
    let mut rb = reqwest::Client::new().request(method, s.at(path));
    for (k, v) in headers {
        rb = rb.header(*k, *v);
    }
    if let Some(b) = body {
        rb = rb.body(b);
    }
    let r = rb.send().await.expect("request");
    let status = r.status().as_u16();
    let headers = r
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect::<HashMap<_, _>>();
    let text = r.text().await.expect("body");
    (status, headers, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

async fn taxii_with_the_oasis_client(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    published_findings(&s, &roles).await;
    let (user, password) = basic_account(&roles.admin).await;
    let token = token_for(&s, &user, &password).await;
    let python = test_python();
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/taxii_client.py");
    let out = Command::new(&python).arg(&script).args([&s.url, &user, &password, &token]).output().expect("python");
    assert!(
        out.status.success(),
        "taxii2-client run failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let r: Value = serde_json::from_slice(&out.stdout).expect("JSON from the client script");

    // Who sees which collection: anonymous the public TLP:CLEAR one only; a contributor CLEAR and GREEN.
    assert_eq!(r["anonymous_collections"], json!(["TLP:CLEAR"]), "{r}");
    assert_eq!(r["collections"], json!(["TLP:CLEAR", "TLP:GREEN"]), "{r}");
    assert_eq!(r["token_collections"], r["collections"]);
    // Every role sees the collections of the markings it may read, and no others.
    for (role, api) in roles.all() {
        let mut headers = vec![("Accept", TAXII.to_owned())];
        if let Some(t) = &api.token {
            headers.push(("Authorization", format!("Bearer {t}")));
        }
        let headers: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let (st, _, b) = taxii_get(&s, "/taxii2/api/collections/", &headers).await;
        assert_eq!(st, 200, "{role}: {b}");
        let titles: Vec<&str> =
            b["collections"].as_array().expect("collections").iter().filter_map(|c| c["title"].as_str()).collect();
        let expected: &[&str] = match role {
            "anonymous" => &["TLP:CLEAR"],
            "contributor" | "acme-contributor" | "reader" => &["TLP:CLEAR", "TLP:GREEN"],
            "editor" | "reviewer" => &["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT"],
            _ => &["TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"],
        };
        assert_eq!(titles, expected, "{role}");
    }
    assert_eq!(r["green_can_write"], json!(true));
    assert_eq!(r["api_root_versions"], json!([TAXII]));
    // Published findings are there in STIX.
    for t in ["incident", "identity", "extension-definition", "intrusion-set", "threat-actor", "relationship"] {
        assert!(r["clear_types"].as_array().expect("types").contains(&json!(t)), "no {t} in {}", r["clear_types"]);
    }
    // The status: 30 stored, the bad one and the RED one refused with reasons.
    assert_eq!(
        r["status"],
        json!({"status": "complete", "total_count": 32, "success_count": 30, "failure_count": 2, "pending_count": 0}),
        "{r}"
    );
    let failures = r["failures"].to_string();
    assert!(failures.contains("/objects/30/created"), "{failures}");
    assert!(failures.contains("TLP:RED"), "{failures}");
    assert_eq!(r["status_refreshed"], json!("complete"));
    assert_eq!(r["again_success"], json!(3));
    // Paging loses nothing and repeats nothing, by `next` and by `added_after`.
    let posted: HashSet<String> =
        r["posted_ids"].as_array().expect("ids").iter().map(|v| v.as_str().expect("id").to_owned()).collect();
    for how in ["by_next", "by_added_after"] {
        let ids: Vec<String> =
            r[how].as_array().expect(how).iter().map(|v| v.as_str().expect("id").to_owned()).collect();
        let unique: HashSet<String> = ids.iter().cloned().collect();
        assert_eq!(unique.len(), ids.len(), "{how} repeated objects");
        assert_eq!(unique, posted, "{how} lost or added objects");
    }
    assert_eq!(r["dates_strictly_increase"], json!(true));
    let by_next: Vec<Value> = r["by_next"].as_array().expect("ids").clone();
    assert_eq!(
        r["first_then_second"].as_array().expect("ids")[..],
        by_next[..10],
        "next must not move with added_after"
    );
    // Versions and filters.
    assert_eq!(r["latest_name"], json!("ioc 5 revised"));
    assert_eq!(r["first_version_name"], json!("ioc 5"));
    assert_eq!(r["all_versions"], json!(2));
    assert_eq!(r["versions"], json!(["2024-01-01T00:00:05.000Z", "2024-02-01T00:00:00.000Z"]));
    assert_eq!(r["by_id"].as_array().map(Vec::len), Some(1));
    assert_eq!(r["custom_kept"], json!(7));
    assert_eq!(r["spec_20"], json!([]));

    // The HTTP rules, as raw requests.
    let (_, _, cols) =
        taxii_get(&s, "/taxii2/api/collections/", &[("Authorization", &format!("Bearer {token}"))]).await;
    let (clear, green) = clear_and_green(&cols);
    let (st, h, _) = taxii_get(&s, &format!("/taxii2/api/collections/{clear}/objects/"), &[("Accept", TAXII)]).await;
    assert_eq!((st, h.get("content-type").map(String::as_str)), (200, Some(TAXII)));
    assert!(h.contains_key("x-taxii-date-added-first") && h.contains_key("x-taxii-date-added-last"), "{h:?}");
    let (st, h, b) = taxii_get(&s, "/taxii2/", &[("Accept", "application/xml")]).await;
    assert_eq!(
        (st, b["http_status"].clone(), h.get("content-type").cloned()),
        (406, json!("406"), Some(TAXII.to_owned())),
        "{b}"
    );
    let (st, h, b) = taxii_get(&s, &format!("/taxii2/api/collections/{green}/objects/"), &[]).await;
    assert_eq!((st, h.contains_key("www-authenticate")), (401, true), "{b}");
    let reader = &roles.reader;
    let reader_token = reader.token.clone().expect("token");
    let bearer = format!("Bearer {reader_token}");
    let (st, _, b) = raw(
        &s,
        reqwest::Method::POST,
        &format!("/taxii2/api/collections/{green}/objects/"),
        &[("Authorization", &bearer), ("Content-Type", TAXII)],
        Some(b"{\"objects\":[]}".to_vec()),
    )
    .await;
    assert_eq!(st, 403, "a reader may not add objects: {b}");
    let basic = format!("Bearer {token}");
    let (st, _, b) = raw(
        &s,
        reqwest::Method::POST,
        &format!("/taxii2/api/collections/{green}/objects/"),
        &[("Authorization", &basic), ("Content-Type", "application/json")],
        Some(b"{\"objects\":[]}".to_vec()),
    )
    .await;
    assert_eq!((st, b["http_status"].clone()), (415, json!("415")), "{b}");
    // Too large: refused from the declared length, before a byte of the body is read (a raw
    // request, since a client still sending would see its pipe closed instead of the answer).
    let answer = {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let host = s.url.trim_start_matches("http://").to_owned();
        let mut conn = tokio::net::TcpStream::connect(&host).await.expect("connect");
        let head = format!(
            "POST /taxii2/api/collections/{green}/objects/ HTTP/1.1\r\nHost: {host}\r\nAuthorization: {basic}\r\n\
             Content-Type: {TAXII}\r\nContent-Length: 40000000\r\nConnection: close\r\n\r\n"
        );
        conn.write_all(head.as_bytes()).await.expect("write");
        let mut answer = String::new();
        conn.read_to_string(&mut answer).await.expect("read");
        answer
    };
    assert!(answer.starts_with("HTTP/1.1 413") && answer.contains("\"http_status\":\"413\""), "{answer}");
    let (st, _, b) = taxii_get(&s, "/taxii2/api/collections/00000000-0000-4000-8000-000000000000/objects/", &[]).await;
    assert_eq!(st, 404, "{b}");
    let (st, _, b) =
        taxii_get(&s, &format!("/taxii2/api/collections/{clear}/objects/?added_after=yesterday"), &[]).await;
    assert_eq!((st, b["description"].as_str().is_some_and(|d| d.contains("added_after"))), (400, true), "{b}");
    let (st, _, _) = taxii_get(
        &s,
        &format!("/taxii2/api/collections/{clear}/objects/?limit=1"),
        &[("Authorization", "Basic bm9ib2R5Ondyb25n")],
    )
    .await;
    assert_eq!(st, 401);
    // The published incident is served to anonymous readers; the GREEN one is not in CLEAR.
    let (_, _, objects) =
        taxii_get(&s, &format!("/taxii2/api/collections/{clear}/objects/?match[type]=incident"), &[]).await;
    let names: Vec<String> = objects["objects"]
        .as_array()
        .expect("objects")
        .iter()
        .map(|o| o["name"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(names, vec!["Attack on DNS"], "{objects}");
}

fn validate(python: &PathBuf, file: &std::path::Path) -> (bool, String) {
    let schemas = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../stix/schemas");
    let out = Command::new(python)
        .args(["-m", "stix2validator.scripts.stix2_validator", "--schemas"])
        .arg(&schemas)
        .arg(file)
        .output()
        .expect("run stix2_validator");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success() && !text.contains("[X]"), text)
}

async fn exports_pass_the_oasis_validator(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    published_findings(&s, &roles).await;
    // The export takes the incident list's filters and keeps to what the caller may read.
    let (st, anon) = roles.anonymous.get("/api/v1/export/stix?country=JP").await;
    assert_eq!(st, 200, "{anon}");
    let text = anon.to_string();
    assert!(!text.contains("Espionage at a ministry"), "a TLP:GREEN incident reached an anonymous reader");
    let types: HashSet<&str> =
        anon["objects"].as_array().expect("objects").iter().filter_map(|o| o["type"].as_str()).collect();
    for t in [
        "incident",
        "identity",
        "note",
        "intrusion-set",
        "threat-actor",
        "relationship",
        "report",
        "extension-definition",
    ] {
        assert!(types.contains(t), "no {t} in {types:?}");
    }
    let (_, reader) = roles.reader.get("/api/v1/export/stix").await;
    assert!(reader.to_string().contains("Espionage at a ministry"));
    let (st, bad) = roles.anonymous.get("/api/v1/export/stix?country=Atlantis").await;
    assert_eq!(st, 400, "{bad}");
    let (_, none) = roles.anonymous.get("/api/v1/export/stix?year=1999").await;
    assert!(!none.to_string().contains("\"incident\""), "{none}");
    // The CLI export gives the same objects for the same filters.
    let file = s.dir().join("export.json");
    let out = s.cli(&["export", "stix", "--country", "JP", "--out", file.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cli: Value = serde_json::from_slice(&std::fs::read(&file).expect("export file")).expect("bundle");
    let ids = |b: &Value| -> HashSet<String> {
        b["objects"]
            .as_array()
            .expect("objects")
            .iter()
            .filter(|o| o["type"] != "report")
            .map(|o| o["id"].as_str().expect("id").to_owned())
            .collect()
    };
    assert_eq!(ids(&cli), ids(&anon));
    let out = s.cli(&["export", "stix", "--country", "Atlantis"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("--country"));
    let all = s.dir().join("all.json");
    let out = s.cli(&["export", "stix", "--all", "--out", all.to_str().expect("path")]);
    assert!(out.status.success());
    assert!(std::fs::read_to_string(&all).expect("file").contains("Espionage at a ministry"));

    // The extension's schema is published by the instance, as the validator reads it.
    let (st, schema) = roles.anonymous.get("/api/v1/export/stix/extension-schema.json").await;
    assert_eq!((st, schema["$schema"].is_string()), (200, true), "{schema}");
    let python = test_python();
    for f in [&file, &all] {
        let (ok, report) = validate(&python, f);
        assert!(ok, "stix2-validator found errors in {}:\n{report}", f.display());
    }
    // The validator does fail on a broken export (so the check above can fail).
    let mut broken = cli.clone();
    broken["objects"][0]["created"] = json!("not a time");
    let broken_file = s.dir().join("broken.json");
    std::fs::write(&broken_file, broken.to_string()).expect("write");
    let (ok, _) = validate(&python, &broken_file);
    assert!(!ok, "the validator passed a broken timestamp");
}

async fn attack_imports_and_round_trips(s: TestServer) {
    let attack = data("mitre-attack/enterprise-attack-18.1.json");
    let path = attack.to_str().expect("path");
    let out = s.cli(&["import", "stix", path]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("24771 objects read, 24771 added, 0 already there, 0 skipped"), "{stdout}");
    let out = s.cli(&["import", "stix", path]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains("24771 objects read, 0 added, 24771 already there"), "{stdout}");

    // Re-export keeps every object exactly, custom x-mitre properties included.
    let file = s.dir().join("attack-out.json");
    let out = s.cli(&["export", "stix", "--stored", "--out", file.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let original: Value = serde_json::from_slice(&std::fs::read(&attack).expect("attack")).expect("json");
    let exported: Value = serde_json::from_slice(&std::fs::read(&file).expect("export")).expect("json");
    let by_id: HashMap<(String, String), &Value> = exported["objects"]
        .as_array()
        .expect("objects")
        .iter()
        .map(|o| ((o["id"].as_str().unwrap_or("").to_owned(), o["modified"].as_str().unwrap_or("").to_owned()), o))
        .collect();
    let objects = original["objects"].as_array().expect("objects");
    assert_eq!(objects.len(), 24771);
    let mut custom = 0;
    for o in objects {
        let key = (o["id"].as_str().unwrap_or("").to_owned(), o["modified"].as_str().unwrap_or("").to_owned());
        assert_eq!(by_id.get(&key), Some(&o), "{key:?} changed or went missing");
        if o.as_object().is_some_and(|m| m.keys().any(|k| k.starts_with("x_mitre_"))) {
            custom += 1;
        }
    }
    assert!(custom > 10_000, "only {custom} objects with x_mitre_ properties");

    // Over TAXII the public collection serves them all (the newest version of each).
    let (_, _, cols) = taxii_get(&s, "/taxii2/api/collections/", &[]).await;
    let clear = cols["collections"][0]["id"].as_str().expect("id").to_owned();
    let (_, _, tactics) =
        taxii_get(&s, &format!("/taxii2/api/collections/{clear}/objects/?match[type]=x-mitre-tactic"), &[]).await;
    let expected = objects.iter().filter(|o| o["type"] == "x-mitre-tactic").count();
    assert_eq!(tactics["objects"].as_array().map(Vec::len), Some(expected));

    // A bundle with bad objects: each reported with its id and pointer, the rest imported.
    let bundle = json!({"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d", "objects": [
        {"type": "malware", "spec_version": "2.1", "id": "malware--31b940d4-6f7f-459a-80ea-9c1f17b5891b", "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z", "name": "ok", "is_family": true},
        {"type": "malware", "spec_version": "2.1", "id": "indicator--31b940d4-6f7f-459a-80ea-9c1f17b5891b", "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z"},
        {"type": "x-acme-thing", "spec_version": "2.1", "id": "x-acme-thing--0d4a4ac8-e8a3-4c8d-a3e8-5a7a9c1f0c11", "created": "2024-01-01T00:00:00.000Z", "modified": "2023-01-01T00:00:00.000Z"}
    ]});
    let bad = s.dir().join("bad.json");
    std::fs::write(&bad, bundle.to_string()).expect("write");
    let out = s.cli(&["import", "stix", bad.to_str().expect("path")]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stdout}{stderr}");
    assert!(stdout.contains("3 objects read, 1 added"), "{stdout}{stderr}");
    assert!(stderr.contains("/objects/1/id") && stderr.contains("/objects/2/modified"), "{stderr}");
    let out = s.cli(&["import", "stix", "/nonexistent.json"]);
    assert!(!out.status.success());
}

fn headers_for(api: &Api) -> Vec<(&'static str, String)> {
    let mut h = vec![("Accept", TAXII.to_owned()), ("Content-Type", TAXII.to_owned())];
    if let Some(t) = &api.token {
        h.push(("Authorization", format!("Bearer {t}")));
    }
    h
}

/// The ids of the TLP:CLEAR and TLP:GREEN collections, from a collections listing.
fn clear_and_green(cols: &Value) -> (String, String) {
    let id_of = |title: &str| -> String {
        cols["collections"].as_array().expect("collections").iter().find(|c| c["title"] == title).expect(title)["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    (id_of("TLP:CLEAR"), id_of("TLP:GREEN"))
}

async fn taxii_as(
    s: &TestServer,
    api: &Api,
    method: reqwest::Method,
    path: &str,
    body: Option<&Value>,
) -> (u16, Value) {
    let h = headers_for(api);
    let h: Vec<(&str, &str)> = h.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let (st, _, b) = raw(s, method, path, &h, body.map(|b| b.to_string().into_bytes())).await;
    (st, b)
}

async fn community_collections_reach_members_only(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let community = cert_coop(&["gge-f"], json!([{"stakeholder": "jp", "role": "coordinator"}]));
    let (st, b) = roles.admin.post("/api/v1/communities", &community).await;
    assert_eq!(st, 201, "{b}");
    let (_, cols) = taxii_as(&s, &roles.contributor, reqwest::Method::GET, "/taxii2/api/collections/", None).await;
    let find = |title: &str| -> String {
        cols["collections"]
            .as_array()
            .expect("collections")
            .iter()
            .find(|c| c["title"] == title)
            .unwrap_or_else(|| panic!("no {title} in {cols}"))["id"]
            .as_str()
            .expect("id")
            .to_owned()
    };
    let shared = find("TLP:GREEN · community cert-coop");
    let public = find("TLP:GREEN");
    let indicator = json!({"type": "indicator", "spec_version": "2.1", "id": "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "created": "2024-03-01T00:00:00.000Z", "modified": "2024-03-01T00:00:00.000Z", "pattern_type": "stix",
        "pattern": "[domain-name:value = 'c2.example']", "valid_from": "2024-03-01T00:00:00.000Z"});
    let (st, status) = taxii_as(
        &s,
        &roles.contributor,
        reqwest::Method::POST,
        &format!("/taxii2/api/collections/{shared}/objects/"),
        Some(&json!({"objects": [indicator]})),
    )
    .await;
    assert_eq!((st, status["success_count"].clone()), (202, json!(1)), "{status}");
    let objects = format!("/taxii2/api/collections/{shared}/objects/");
    let (st, b) = taxii_as(&s, &roles.contributor, reqwest::Method::GET, &objects, None).await;
    assert_eq!((st, b["objects"][0]["id"].clone()), (200, indicator["id"].clone()), "{b}");
    // Not members: refused, whatever their role; anonymous: asked for credentials.
    for (role, expected) in
        [("anonymous", 401), ("reader", 403), ("editor", 403), ("admin", 403), ("acme-contributor", 403)]
    {
        let api = roles.all().into_iter().find(|(n, _)| *n == role).expect("role").1;
        let (st, b) = taxii_as(&s, api, reqwest::Method::GET, &objects, None).await;
        assert_eq!(st, expected, "{role}: {b}");
        assert!(!b.to_string().contains("c2.example"), "{role} read a community object");
    }
    // The object is in the community's collection only, not in the public one of its marking.
    let (_, b) =
        taxii_as(&s, &roles.reader, reqwest::Method::GET, &format!("/taxii2/api/collections/{public}/objects/"), None)
            .await;
    assert!(!b.to_string().contains("c2.example"), "{b}");
    // Status resources belong to whoever posted.
    let status_path = format!("/taxii2/api/status/{}/", status["id"].as_str().expect("id"));
    assert_eq!(taxii_as(&s, &roles.contributor, reqwest::Method::GET, &status_path, None).await.0, 200);
    assert_eq!(taxii_as(&s, &roles.acme_contributor, reqwest::Method::GET, &status_path, None).await.0, 404);
}

/// STIX 2.1 §3.6: only an object's creator makes new versions of it. What normwatch published is
/// never versioned from outside; another account's object is not versioned by someone else.
async fn only_the_creator_versions_an_object(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    published_findings(&s, &roles).await;
    let (_, cols) = taxii_as(&s, &roles.contributor, reqwest::Method::GET, "/taxii2/api/collections/", None).await;
    let (clear, green) = clear_and_green(&cols);
    // What anyone reads of one type in the TLP:CLEAR collection.
    let clear_objects = |kind: &str| {
        let path = format!("/taxii2/api/collections/{clear}/objects/?match[type]={kind}");
        let (s, anonymous) = (&s, roles.anonymous.clone());
        async move { taxii_as(s, &anonymous, reqwest::Method::GET, &path, None).await }
    };
    let (_, ours) = clear_objects("incident").await;
    let original = ours["objects"][0].clone();
    assert!(original["created_by_ref"].is_string(), "{original}");
    let mut forged = original.clone();
    forged["modified"] = json!("2099-01-01T00:00:00.000Z");
    forged["name"] = json!("Forged by a contributor");
    let mut impostor = json!({"type": "indicator", "spec_version": "2.1", "id": "indicator--0b3a9c8e-4f5d-4c1e-9a7b-2d6e8f1a3c5b",
        "created": "2024-03-01T00:00:00.000Z", "modified": "2024-03-01T00:00:00.000Z", "pattern_type": "stix",
        "pattern": "[domain-name:value = 'c2.example']", "valid_from": "2024-03-01T00:00:00.000Z"});
    impostor["created_by_ref"] = original["created_by_ref"].clone();
    let own = json!({"type": "indicator", "spec_version": "2.1", "id": "indicator--5f1c2b7e-8d3a-4e6f-b9c0-1a2d3e4f5a6b",
        "created": "2024-03-01T00:00:00.000Z", "modified": "2024-03-01T00:00:00.000Z", "pattern_type": "stix",
        "pattern": "[domain-name:value = 'own.example']", "valid_from": "2024-03-01T00:00:00.000Z"});
    // Each object goes to the collection of its marking (the instance's are TLP:CLEAR).
    let post = |api: &Api, body: Value| {
        let collection = if body["object_marking_refs"].is_null() { &green } else { &clear };
        let objects = format!("/taxii2/api/collections/{collection}/objects/");
        let (s, api) = (&s, api.clone());
        async move { taxii_as(s, &api, reqwest::Method::POST, &objects, Some(&json!({"objects": [body]}))).await }
    };
    let (st, status) = post(&roles.contributor, forged.clone()).await;
    assert_eq!(st, 202, "{status}");
    assert_eq!((status["success_count"].clone(), status["failure_count"].clone()), (json!(0), json!(1)), "{status}");
    assert_eq!(status["failures"][0]["id"], original["id"], "{status}");
    assert!(status["failures"][0]["message"].as_str().is_some_and(|m| m.contains("3.6")), "{status}");
    // Nobody speaks as a registered stakeholder it does not act for, nor as normwatch.
    let (_, status) = post(&roles.acme_contributor, impostor.clone()).await;
    assert_eq!(status["failure_count"], 1, "acme is not jp: {status}");
    let (_, identities) = clear_objects("identity").await;
    let normwatch = identities["objects"].as_array().expect("identities").iter().find(|o| o["name"] == "normwatch");
    impostor["created_by_ref"] = normwatch.expect("normwatch's identity")["id"].clone();
    let (_, status) = post(&roles.contributor, impostor).await;
    assert_eq!(status["failure_count"], 1, "nobody speaks as normwatch: {status}");
    // Every reader still gets normwatch's version only.
    let (_, versions) = taxii_as(
        &s,
        &roles.reader,
        reqwest::Method::GET,
        &format!("/taxii2/api/collections/{clear}/objects/{}/versions/", original["id"].as_str().expect("id")),
        None,
    )
    .await;
    assert_eq!(versions["versions"], json!([original["modified"]]), "{versions}");
    assert!(!ours.to_string().contains("Forged"));
    let (_, again) = taxii_as(
        &s,
        &roles.reader,
        reqwest::Method::GET,
        &format!("/taxii2/api/collections/{green}/objects/?match[type]=incident"),
        None,
    )
    .await;
    assert!(!again.to_string().contains("Forged"), "{again}");

    // An account's own object: it versions it; another account may not.
    assert_eq!(post(&roles.contributor, own.clone()).await.1["success_count"], 1);
    let mut next = own.clone();
    next["modified"] = json!("2024-04-01T00:00:00.000Z");
    let (_, status) = post(&roles.acme_contributor, next.clone()).await;
    assert_eq!(status["failure_count"], 1, "{status}");
    let (_, status) = post(&roles.contributor, next).await;
    assert_eq!(status["success_count"], 1, "{status}");

    // The CLI's import refuses the same, names the object and exits non-zero.
    let bundle = s.dir().join("forged.json");
    std::fs::write(
        &bundle,
        json!({"type": "bundle", "id": "bundle--6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", "objects": [forged]})
            .to_string(),
    )
    .expect("write bundle");
    let out = s.cli(&["import", "stix", bundle.to_str().expect("path")]);
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(!out.status.success(), "{said}");
    assert!(said.contains(original["id"].as_str().expect("id")) && said.contains("3.6"), "{said}");
}
