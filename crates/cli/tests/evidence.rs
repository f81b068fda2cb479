//! Evidence uploads over HTTP: streamed into the content-addressed blob store (identical bytes
//! once), SHA-256 and size recorded, the size limit, the protocol checklist's completeness, the
//! hash-chained custody, TLP on reads, citations by assessments, and the log.
mod common;

use common::{Api, Backend, Roles, TestServer};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

on_both_backends!(evidence_is_stored_once_hashed_and_kept_in_custody);

async fn upload(api: &Api, incident: &str, query: &str, bytes: &'static [u8]) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/api/v1/incidents/{incident}/evidence?{query}", api.base))
        .bearer_auth(api.token.clone().expect("token"))
        .header("Content-Type", "text/plain")
        .body(bytes)
        .send()
        .await
        .expect("upload");
    let status = r.status().as_u16();
    (status, r.json().await.unwrap_or(Value::Null))
}

fn files_under(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| if e.path().is_dir() { files_under(&e.path()) } else { 1 }).sum())
        .unwrap_or(0)
}

async fn evidence_is_stored_once_hashed_and_kept_in_custody(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let mut body = json!({"title": {"en": "Wiper at a utility"}, "operation_types": ["data-destruction"],
        "targets": [{"name": "Utility", "country": "JP", "sector": "ci.energy"}], "stakeholder": "jp", "tlp": "green"});
    let (st, incident) = roles.contributor.post("/api/v1/incidents", &body).await;
    assert_eq!(st, 201, "{incident}");
    let id = incident["id"].as_str().expect("id").to_owned();
    let bytes: &'static [u8] = b"MZ\x90\x00 wiper sample, defanged";
    let q = "filename=sample.bin&source=victim%20network&tool=FTK%20Imager&tool_version=4.7&stakeholder=jp";
    let (st, first) = upload(&roles.contributor, &id, q, bytes).await;
    assert_eq!(st, 201, "{first}");
    assert_eq!(first["sha256"], hex::encode(Sha256::digest(bytes)));
    assert_eq!(first["size"], bytes.len());
    assert_eq!(first["tlp"], "amber", "evidence is amber unless marked otherwise");
    assert_eq!(first["completeness"], json!({"filled": 3, "of": 6, "missing": ["method", "time_zone", "handling"]}));
    assert_eq!(
        (first["custody"][0]["action"].clone(), first["custody_intact"].clone()),
        (json!("collected"), json!(true))
    );
    assert!(first["log_index"].is_u64(), "{first}");
    // The same bytes again: a second record, one blob.
    let (st, second) = upload(&roles.contributor, &id, "filename=copy.bin&stakeholder=jp", bytes).await;
    assert_eq!((st, second["sha256"].clone()), (201, first["sha256"].clone()));
    assert_ne!(second["id"], first["id"]);
    let blobs = s.data_dir.join("blobs");
    assert_eq!(files_under(&blobs.join("sha256")), 1, "identical bytes are stored once");
    assert_eq!(files_under(&blobs.join("staging")), 0);

    // Refusals name the field and store nothing.
    for (query, field, code) in [
        ("stakeholder=jp", "filename", 400),
        ("filename=a/b&stakeholder=jp", "filename", 400),
        ("filename=x&tlp=clear&stakeholder=jp", "tlp", 422),
        ("filename=x&stakeholder=jp&colour=red", "colour", 400),
    ] {
        let (st, p) = upload(&roles.contributor, &id, query, b"other bytes").await;
        assert_eq!((st, p["errors"][0]["field"].clone()), (code, json!(field)), "{query}: {p}");
    }
    let (st, _) = upload(&roles.reader, &id, "filename=x", b"other").await;
    assert_eq!(st, 403);
    let (st, _) =
        upload(&roles.contributor, "00000000-0000-0000-0000-000000000000", "filename=x&stakeholder=jp", b"o").await;
    assert_eq!(st, 404);
    assert_eq!(files_under(&blobs.join("sha256")), 1);

    // Reading: the bytes and their hash; amber evidence is not for readers or the public.
    let eid = first["id"].as_str().expect("id").to_owned();
    let r = reqwest::Client::new()
        .get(s.at(&format!("/api/v1/evidence-items/{eid}/content")))
        .bearer_auth(roles.contributor.token.clone().expect("token"))
        .send()
        .await
        .expect("download");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-disposition"], "attachment");
    assert_eq!(
        r.headers()["x-content-sha256"].to_str().ok(),
        Some(format!("sha-256={}", first["sha256"].as_str().expect("h")).as_str())
    );
    assert_eq!(r.bytes().await.expect("bytes").as_ref(), bytes);
    assert_eq!(roles.reader.get(&format!("/api/v1/evidence-items/{eid}")).await.0, 404);
    assert_eq!(roles.anonymous.get(&format!("/api/v1/evidence-items/{eid}/content")).await.0, 404);
    assert_eq!(roles.editor.get(&format!("/api/v1/evidence-items/{eid}")).await.0, 200);

    // Custody: entries chain; an edited entry shows.
    let (st, p) =
        roles.contributor.post(&format!("/api/v1/evidence-items/{eid}/custody"), &json!({"action": "lost"})).await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (422, json!("action")));
    let (st, item) = roles
        .contributor
        .post(
            &format!("/api/v1/evidence-items/{eid}/custody"),
            &json!({"action": "analysed", "note": "hashes checked"}),
        )
        .await;
    assert_eq!(st, 200, "{item}");
    assert_eq!(item["custody"].as_array().map(Vec::len), Some(2));
    assert_eq!(item["custody"][1]["prev_hash"], item["custody"][0]["entry_hash"]);
    assert_eq!(item["custody_intact"], true);

    // Findings cite evidence about their own incident only.
    let assessment = |evidence: &str| {
        json!({"incident": id, "norm": "gge-f", "actor": {"kind": "state", "state": "RU"}, "level": "possible",
               "rationale": {"en": "Wiper on a utility."}, "evidence": [evidence], "tlp": "amber"})
    };
    let (st, p) = roles.editor.post("/api/v1/assessments", &assessment("00000000-0000-0000-0000-000000000000")).await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (422, json!("evidence[0]")), "{p}");
    let (st, p) = roles.editor.post("/api/v1/assessments", &assessment(&eid)).await;
    assert_eq!(st, 201, "{p}");

    // The log holds the evidence's leaf; the audit recomputes it from the store.
    let audit = s.cli(&["log", "audit"]);
    assert!(audit.status.success(), "{}", String::from_utf8_lossy(&audit.stderr));
    s.execute_sql(format!(
        "UPDATE custody_entries SET note = 'nothing to see' WHERE evidence_id = '{eid}' AND seq = 2"
    ))
    .await;
    let (_, item) = roles.contributor.get(&format!("/api/v1/evidence-items/{eid}")).await;
    assert_eq!(item["custody_intact"], false, "{item}");
    body["title"] = json!({"en": "x"});

    // The size limit: more bytes than allowed are refused and leave nothing behind.
    if s.backend == Backend::Sqlite {
        let small = TestServer::start_with_env(Backend::Sqlite, &[("NORMWATCH_EVIDENCE_MAX_BYTES", "16")])
            .await
            .expect("server");
        let roles = Roles::set_up(&small).await;
        let (_, incident) = roles.contributor.post("/api/v1/incidents", &body).await;
        let id = incident["id"].as_str().expect("id");
        let (st, p) = upload(&roles.contributor, id, "filename=big.bin&stakeholder=jp", &[7u8; 64]).await;
        assert_eq!(st, 413, "{p}");
        let blobs = small.data_dir.join("blobs");
        assert_eq!(files_under(&blobs.join("sha256")) + files_under(&blobs.join("staging")), 0);
        let (st, _) = upload(&roles.contributor, id, "filename=small.bin&stakeholder=jp", &[7u8; 16]).await;
        assert_eq!(st, 201);
    }
}
