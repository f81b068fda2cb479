//! Evidence uploads over HTTP: streamed into the content-addressed blob store (identical bytes
//! once), SHA-256 and size recorded, the size limit, the protocol checklist's completeness, the
//! hash-chained custody, TLP on reads, citations by assessments, and the log.

use crate::common::{Api, Backend, Roles, TestServer, cert_coop, publish_through_review, reviewers};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

on_both_backends!(
    evidence_is_stored_once_hashed_and_kept_in_custody,
    evidence_follows_its_incident,
    evidence_that_leaked_is_rescoped_by_the_migration
);

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

/// The same tests with the blobs in a bucket of a real S3-compatible server (moto on loopback):
/// nothing of them lands in the data directory.
mod s3 {
    use crate::common::{Backend, TestServer};

    #[tokio::test]
    async fn evidence_is_stored_once_hashed_and_kept_in_custody() {
        let s = TestServer::start_with_s3(Backend::Sqlite).await;
        let local = s.data_dir.join("blobs");
        super::evidence_is_stored_once_hashed_and_kept_in_custody(s).await;
        assert!(!local.exists(), "with --blobs s3://…, no blob folder is made in the data directory");
    }

    #[tokio::test]
    async fn evidence_follows_its_incident() {
        super::evidence_follows_its_incident(TestServer::start_with_s3(Backend::Postgres).await).await
    }

    /// A bucket that is not there stops the start with what to check, before anything listens.
    #[tokio::test]
    async fn a_missing_bucket_stops_the_start() {
        let s3 = crate::common::s3::S3Server::start().await;
        let dir = tempfile::tempdir().expect("tmp");
        let mut env = s3.env("nw");
        env[0].1 = "s3://no-such-bucket/nw".to_owned();
        let out = std::process::Command::new(crate::common::BIN)
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.path())
            .env_remove("NORMWATCH_DATABASE")
            .env_remove("NORMWATCH_CONFIG")
            .envs(env)
            .output()
            .expect("run normwatch serve");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{stderr}");
        assert!(stderr.contains("s3://no-such-bucket/nw") && stderr.contains("AWS_ENDPOINT"), "{stderr}");
        assert!(!String::from_utf8_lossy(&out.stdout).contains("listening"));
    }
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
    // The incident is a draft: so is its evidence, and nothing of it is logged yet.
    assert_eq!((first["status"].clone(), first["log_index"].clone()), (json!("draft"), Value::Null), "{first}");
    // The same bytes again: a second record, one blob.
    let (st, second) = upload(&roles.contributor, &id, "filename=copy.bin&stakeholder=jp", bytes).await;
    assert_eq!((st, second["sha256"].clone()), (201, first["sha256"].clone()));
    assert_ne!(second["id"], first["id"]);
    assert_eq!(s.stored_blobs("sha256").await, 1, "identical bytes are stored once");
    assert_eq!(s.stored_blobs("staging").await, 0);

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
    assert_eq!(s.stored_blobs("sha256").await, 1);

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
        let small = TestServer::start_with_env(Backend::Sqlite, &[("NORMWATCH_EVIDENCE_MAX_BYTES", "16")]).await;
        let roles = Roles::set_up(&small).await;
        let (_, incident) = roles.contributor.post("/api/v1/incidents", &body).await;
        let id = incident["id"].as_str().expect("id");
        let (st, p) = upload(&roles.contributor, id, "filename=big.bin&stakeholder=jp", &[7u8; 64]).await;
        assert_eq!(st, 413, "{p}");
        assert_eq!(small.stored_blobs("sha256").await + small.stored_blobs("staging").await, 0);
        let (st, _) = upload(&roles.contributor, id, "filename=small.bin&stakeholder=jp", &[7u8; 16]).await;
        assert_eq!(st, 201);
    }
}

/// What every viewer can reach of a piece of evidence: its record, its bytes, and any TAXII
/// object naming it or its incident in the collections the viewer may read.
async fn reachable(api: &Api, evidence: &str, incident: &str) -> Vec<String> {
    let mut seen = Vec::new();
    if api.get(&format!("/api/v1/evidence-items/{evidence}")).await.0 == 200 {
        seen.push("record".to_owned());
    }
    if api.get(&format!("/api/v1/evidence-items/{evidence}/content")).await.0 == 200 {
        seen.push("content".to_owned());
    }
    let (_, listed) = api.get(&format!("/api/v1/incidents/{incident}/evidence")).await;
    if listed.to_string().contains(evidence) {
        seen.push("list".to_owned());
    }
    let (_, collections) = api.get("/taxii2/api/collections/").await;
    for c in collections["collections"].as_array().into_iter().flatten() {
        let id = c["id"].as_str().expect("collection id");
        let (_, objects) = api.get(&format!("/taxii2/api/collections/{id}/objects/?match[type]=note")).await;
        if objects.to_string().contains(evidence) {
            seen.push(format!("taxii {}", c["title"].as_str().unwrap_or("")));
        }
    }
    seen
}

async fn evidence_follows_its_incident(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (r1, r2) = reviewers(&s, &roles.admin).await;
    let incident = |title: &str, tlp: &str| {
        json!({"title": {"en": title}, "operation_types": ["data-destruction"],
            "targets": [{"name": "Utility", "country": "JP", "sector": "ci.energy"}], "stakeholder": "jp", "tlp": tlp})
    };
    // A draft incident's evidence is a draft: nobody outside its readers reaches it, it is not
    // logged, not in TAXII, and its bytes are not downloadable.
    let (st, draft) = roles.contributor.post("/api/v1/incidents", &incident("Draft wiper", "clear")).await;
    assert_eq!(st, 201, "{draft}");
    let draft_id = draft["id"].as_str().expect("id").to_owned();
    let (st, ev) =
        upload(&roles.contributor, &draft_id, "filename=memo.txt&tlp=clear&stakeholder=jp", b"draft bytes").await;
    assert_eq!(st, 201, "{ev}");
    let ev_id = ev["id"].as_str().expect("id").to_owned();
    assert_eq!((ev["status"].clone(), ev["log_index"].clone()), (json!("draft"), Value::Null), "{ev}");
    for (role, api) in [("anonymous", &roles.anonymous), ("reader", &roles.reader), ("acme", &roles.acme_contributor)] {
        assert_eq!(reachable(api, &ev_id, &draft_id).await, Vec::<String>::new(), "{role}");
    }
    assert_eq!(reachable(&roles.editor, &ev_id, &draft_id).await, ["record", "content", "list"], "editors read drafts");

    // Raising the draft's marking raises its evidence's.
    let (_, current) = roles.contributor.get(&format!("/api/v1/incidents/{draft_id}")).await;
    let mut raised = incident("Draft wiper", "red");
    raised["title"] = current["title"].clone();
    let r = reqwest::Client::new()
        .put(s.at(&format!("/api/v1/incidents/{draft_id}")))
        .bearer_auth(roles.contributor.token.clone().expect("token"))
        .header("If-Match", current["version"].to_string())
        .json(&raised)
        .send()
        .await
        .expect("update");
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap_or_default());
    let (_, ev) = roles.admin.get(&format!("/api/v1/evidence-items/{ev_id}")).await;
    assert_eq!(ev["tlp"], "red", "{ev}");
    assert_eq!(reachable(&roles.editor, &ev_id, &draft_id).await, Vec::<String>::new(), "red is not for editors");

    // Publishing an incident publishes its evidence, in the same review: leaf, TAXII, download.
    let (_, open) = roles.contributor.post("/api/v1/incidents", &incident("Public wiper", "clear")).await;
    let open_id = open["id"].as_str().expect("id").to_owned();
    let (_, ev) =
        upload(&roles.contributor, &open_id, "filename=open.txt&tlp=clear&stakeholder=jp", b"open bytes").await;
    let open_ev = ev["id"].as_str().expect("id").to_owned();
    assert_eq!(reachable(&roles.anonymous, &open_ev, &open_id).await, Vec::<String>::new());
    publish_through_review(&roles.contributor, &r1, &r2, &format!("/api/v1/incidents/{open_id}")).await;
    let (_, ev) = roles.anonymous.get(&format!("/api/v1/evidence-items/{open_ev}")).await;
    assert!(ev["log_index"].is_u64() && ev.get("status").is_none(), "published and logged: {ev}");
    assert_eq!(reachable(&roles.anonymous, &open_ev, &open_id).await, ["record", "content", "list", "taxii TLP:CLEAR"]);

    // Someone else's evidence on a published incident waits for the review of a finding that
    // cites it; the finding's publication publishes it.
    let (st, theirs) =
        upload(&roles.acme_contributor, &open_id, "filename=acme.txt&tlp=clear&stakeholder=acme", b"acme bytes").await;
    assert_eq!((st, theirs["status"].clone()), (201, json!("draft")), "{theirs}");
    let theirs_id = theirs["id"].as_str().expect("id").to_owned();
    assert_eq!(reachable(&roles.anonymous, &theirs_id, &open_id).await, Vec::<String>::new());
    let (st, finding) = roles
        .editor
        .post(
            "/api/v1/assessments",
            &json!({"incident": open_id, "norm": "gge-f", "actor": {"kind": "state", "state": "RU"}, "level": "possible",
                    "rationale": {"en": "Wiper on a utility."}, "evidence": [theirs_id], "tlp": "clear"}),
        )
        .await;
    assert_eq!(st, 201, "{finding}");
    let finding_id = finding["id"].as_str().expect("id");
    publish_through_review(&roles.editor, &r1, &r2, &format!("/api/v1/assessments/{finding_id}")).await;
    assert_eq!(
        reachable(&roles.anonymous, &theirs_id, &open_id).await,
        ["record", "content", "list", "taxii TLP:CLEAR"]
    );
    // The contributor who speaks for the incident adds to it without review.
    let (_, own) = upload(&roles.contributor, &open_id, "filename=more.txt&tlp=clear&stakeholder=jp", b"more").await;
    assert!(own["log_index"].is_u64(), "{own}");

    // A community's incident: its evidence reaches the community's members only.
    let members = json!([{"stakeholder": "jp", "role": "coordinator"}, {"stakeholder": "watchdog", "role": "member"},
                         {"stakeholder": "univ", "role": "member"}]);
    let community = cert_coop(&["gge-f"], members);
    let (st, b) = roles.admin.post("/api/v1/communities", &community).await;
    assert_eq!(st, 201, "{b}");
    let mut shared = incident("Shared wiper", "green");
    shared["community"] = json!("cert-coop");
    let shared_id = crate::common::file_and_publish(&roles.contributor, &r1, &r2, "/api/v1/incidents", &shared).await;
    let (st, ev) =
        upload(&roles.contributor, &shared_id, "filename=c.txt&tlp=green&stakeholder=jp", b"community").await;
    assert_eq!((st, ev["community"].clone()), (201, json!("cert-coop")), "{ev}");
    let shared_ev = ev["id"].as_str().expect("id").to_owned();
    for (role, api) in [("reader", &roles.reader), ("acme", &roles.acme_contributor), ("editor", &roles.editor)] {
        assert_eq!(reachable(api, &shared_ev, &shared_id).await, Vec::<String>::new(), "{role}");
    }
    assert_eq!(reachable(&roles.contributor, &shared_ev, &shared_id).await[..3], ["record", "content", "list"]);

    // The audit recomputes every leaf, the published evidence's included.
    let audit = s.cli(&["log", "audit"]);
    assert!(audit.status.success(), "{}", String::from_utf8_lossy(&audit.stderr));
}

/// An instance that ran the old code holds evidence published with its draft incident, marked
/// below it and outside its community. Migration 18 re-derives all three from the incident and
/// records each correction in the audit log.
async fn evidence_that_leaked_is_rescoped_by_the_migration(mut s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (_, incident) = roles
        .contributor
        .post(
            "/api/v1/incidents",
            &json!({"title": {"en": "Draft"}, "operation_types": ["data-destruction"],
                "targets": [{"name": "Utility", "country": "JP", "sector": "ci.energy"}], "stakeholder": "jp", "tlp": "amber"}),
        )
        .await;
    let id = incident["id"].as_str().expect("id").to_owned();
    let (st, ev) = upload(&roles.contributor, &id, "filename=old.txt&tlp=amber&stakeholder=jp", b"old").await;
    assert_eq!(st, 201, "{ev}");
    let eid = ev["id"].as_str().expect("id").to_owned();
    // What the old code stored.
    s.execute_sql(format!("UPDATE incident_evidence SET status = 'published', tlp = 'clear' WHERE id = '{eid}'")).await;
    s.execute_sql("DELETE FROM _sqlx_migrations WHERE version = 18".into()).await;
    s.kill_and_restart();
    let admin = Api::with_token(&s, roles.admin.token.as_deref().expect("token"));
    let (_, ev) = admin.get(&format!("/api/v1/evidence-items/{eid}")).await;
    assert_eq!((ev["status"].clone(), ev["tlp"].clone()), (json!("draft"), json!("amber")), "{ev}");
    let (_, audit) = admin.get("/api/v1/audit?entity=incident-evidence").await;
    let rescoped = audit["entries"].as_array().expect("entries").iter().find(|e| e["action"] == "rescope");
    let rescoped = rescoped.unwrap_or_else(|| panic!("no rescope entry: {audit}"));
    assert_eq!(
        (rescoped["actor"].clone(), rescoped["entity_id"].clone()),
        (json!("migration"), json!(eid)),
        "{rescoped}"
    );
    // Running it again changes nothing more.
    s.execute_sql("DELETE FROM _sqlx_migrations WHERE version = 18".into()).await;
    s.kill_and_restart();
    let admin = Api::with_token(&s, roles.admin.token.as_deref().expect("token"));
    let (_, again) = admin.get("/api/v1/audit?entity=incident-evidence").await;
    assert_eq!(again["entries"].as_array().map(|e| e.iter().filter(|e| e["action"] == "rescope").count()), Some(1));
    let audit = s.cli(&["log", "audit"]);
    assert!(audit.status.success(), "{}", String::from_utf8_lossy(&audit.stderr));
}
