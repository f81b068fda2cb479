//! Federation: observatories on loopback that follow each other over TAXII 2.1 and verify what
//! they receive. A publishes; B follows A through a proxy that alters one record in transit and
//! later shows a forked checkpoint (same key, another root); C follows A with an account of A's
//! (it reads TLP:AMBER there) and follows B (which never passes A's records on).
use crate::common::{Api, Backend, Roles, TestServer, reviewers, token_for};
use axum::body::Body;
use axum::extract::{OriginalUri, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

#[tokio::test]
async fn three_observatories_follow_verify_and_detect_a_fork() {
    let sqlite = Backend::Sqlite;
    let a = start(sqlite, "a").await;
    let b = start(Backend::Postgres, "b").await;
    let c = start(sqlite, "c").await;
    let a_key = verifier_key(&a).await;

    // A publishes two TLP:CLEAR incidents and one TLP:AMBER one.
    let roles = Roles::set_up(&a).await;
    let revs = reviewers(&a, &roles.admin).await;
    let mut ids = Vec::new();
    for (title, tlp) in
        [("Wiper at a port QzportZq", "clear"), ("Outage of a grid QzgridZq", "clear"), ("Amber QzamberZq", "amber")]
    {
        let (st, i) = roles.editor.post("/api/v1/incidents", &incident(title, tlp)).await;
        assert_eq!(st, 201, "{i}");
        let id = i["id"].as_str().expect("id").to_owned();
        crate::common::publish_through_review(&roles.editor, &revs.0, &revs.1, &format!("/api/v1/incidents/{id}"))
            .await;
        ids.push(id);
    }

    // A knows B and C as witnesses: B through the API, C from the command line.
    let (b_key, c_key) = (verifier_key(&b).await, verifier_key(&c).await);
    let (st, w) = roles.editor.post("/api/v1/witnesses", &json!({"key": b_key})).await;
    assert_eq!((st, w["name"].as_str()), (201, Some("b.example/normwatch")), "{w}");
    let (st, w) = roles.editor.post("/api/v1/witnesses", &json!({"key": a_key})).await;
    assert_eq!((st, w["errors"][0]["field"].as_str()), (422, Some("key")), "a log is not its own witness: {w}");
    let out = a.cli(&["log", "witnesses", "add", &c_key]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (_, known) = Api::anonymous(&a).get("/api/v1/witnesses").await;
    assert_eq!(known["count"], 2, "{known}");

    // The default log name does not federate: a follower left at it is refused, naming the fix.
    let plain = TestServer::start(sqlite).await;
    let (st, p) = admin(&plain).await.post("/api/v1/peers", &json!({"url": a.url, "key": a_key})).await;
    assert_eq!((st, p["errors"][0]["field"].as_str()), (422, Some("url")), "{p}");
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("--public-url")), "{p}");

    // B follows A anonymously, through a proxy that alters the first incident's proof in transit.
    let proxy = Proxy::start(&a.url, &ids[0]).await;
    let b_admin = admin(&b).await;
    let (st, bad) = b_admin.post("/api/v1/peers", &json!({"url": proxy.url, "key": "not a key"})).await;
    assert_eq!((st, bad["errors"][0]["field"].as_str()), (422, Some("key")), "{bad}");
    let (st, peer) = b_admin.post("/api/v1/peers", &json!({"url": proxy.url, "key": a_key})).await;
    assert_eq!(st, 201, "{peer}");
    assert_eq!(peer["origin"], "a.example/normwatch");
    let b_peer = peer["id"].as_str().expect("id").to_owned();
    let (st, report) = b_admin.post(&format!("/api/v1/peers/{b_peer}/sync"), &json!({})).await;
    assert_eq!(st, 200, "{report}");
    // A's published records are its incidents and the positions its catalogue seeds.
    assert_eq!(report["refused"].as_u64(), Some(1), "{report}");
    assert_eq!(report["cosigned"], true, "B cosigned A's checkpoint and A took it: {report}");
    let b_view = b.get("/log/witnessed").await.json::<Value>().await.expect("json");
    assert_eq!(b_view["logs"][0]["origin"], "a.example/normwatch", "{b_view}");
    assert!(b_view["logs"][0]["note"].as_str().is_some_and(|n| n.contains("— b.example/normwatch ")), "{b_view}");
    let b_received = report["received"].as_u64().expect("received");
    assert!(b_received > 1, "{report}");
    let (_, view) = b_admin.get(&format!("/api/v1/peers/{b_peer}")).await;
    assert_eq!((view["records"].as_u64(), view["refused"].as_u64()), (Some(b_received), Some(1)), "{view}");
    let refusal = &view["refusals"][0];
    assert_eq!(refusal["origin_id"], json!(ids[0]), "{view}");
    assert!(refusal["reason"].as_str().is_some_and(|r| r.contains("is not leaf")), "{view}");
    // What B keeps: the untouched TLP:CLEAR incident, with its provenance, readable by anyone.
    let (_, kept) = Api::anonymous(&b).get("/api/v1/federated-records?type=incident").await;
    assert_eq!(kept["count"], 1, "{kept}");
    let r = &kept["records"][0];
    assert_eq!((r["origin"].as_str(), r["origin_id"].as_str()), (Some("a.example/normwatch"), Some(ids[1].as_str())));
    assert!(r["record"]["title"]["en"].as_str().is_some_and(|t| t.contains("QzgridZq")), "{r}");
    assert!(r["log_index"].as_u64().is_some() && r["checkpoint_size"].as_u64() >= Some(3), "{r}");
    // A sync again brings nothing twice.
    let (_, again) = b_admin.post(&format!("/api/v1/peers/{b_peer}/sync"), &json!({})).await;
    assert_eq!(again["received"], 0, "{again}");
    let (_, kept) = Api::anonymous(&b).get("/api/v1/federated-records?type=incident").await;
    assert_eq!(kept["count"], 1, "{kept}");

    // C follows A with a token of A's editor (so TLP:AMBER too), and follows B.
    let token = roles.editor.token.clone().expect("the editor's token");
    let token_file = c.dir().join("a.token");
    std::fs::write(&token_file, &token).expect("token file");
    let out = c.cli(&["peers", "add", &a.url, "--key", &a_key, "--token-file", token_file.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let c_peer_a = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let out = c.cli(&["peers", "add", &b.url, "--key", &b_key]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = c.cli(&["peers", "sync"]);
    let printed = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(out.status.success(), "{printed}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        printed.contains("a.example/normwatch: checkpoint size")
            && printed.contains(&format!("{} received", b_received + 2)),
        "{printed}"
    );
    assert!(
        printed.contains(&format!("b.example/normwatch: checkpoint size {0}, {0} received", b_received - 1)),
        "{printed}"
    );
    let c_admin = admin(&c).await;
    assert!(printed.contains("a.example/normwatch: checkpoint size") && printed.contains("; cosigned"), "{printed}");

    // A's checkpoint now carries B's and C's cosignatures, and a verifier can require both.
    let note = a.get("/log/checkpoint").await.text().await.expect("text");
    assert!(note.contains("\n— b.example/normwatch ") && note.contains("\n— c.example/normwatch "), "{note}");
    let proof = a.get(&format!("/log/proof/inclusion?record=incident/{}", ids[1])).await.text().await.expect("proof");
    let (proof_file, note_file) = (c.dir().join("proof.json"), c.dir().join("checkpoint.txt"));
    std::fs::write(&proof_file, proof).expect("proof file");
    std::fs::write(&note_file, &note).expect("checkpoint file");
    let (pf, nf) = (proof_file.to_str().expect("path"), note_file.to_str().expect("path"));
    let verify = |extra: &[&str]| {
        let mut args = vec!["verify", pf, "--checkpoint", nf, "--key", &a_key];
        args.extend_from_slice(extra);
        c.cli(&args)
    };
    let out = verify(&["--witness", &b_key, "--witness", &c_key]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("witnessed by 2 of 2"), "{out:?}");
    let stranger = verifier_key(&plain).await;
    let out = verify(&["--witness", &b_key, "--witness", &stranger, "--quorum", "2"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("carries 1 of the 2"), "{out:?}");
    // A cosignature by a witness A does not know is refused, naming the fix; a checkpoint A never
    // signed too.
    let mut unknown = normwatch_ledger::note::SignedNote::parse(&note).expect("note");
    unknown.signatures.truncate(1);
    unknown.cosign(&normwatch_ledger::InstanceKey::from_seed("x.example/w", [9; 32]).expect("key"), 1);
    let r = reqwest::Client::new()
        .post(format!("{}/log/cosignatures", a.url))
        .body(unknown.to_text())
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 422);
    assert!(r.text().await.expect("body").contains("normwatch log witnesses add"));

    // B's own records (its seeded positions) come from B; A's incidents once, from A, never
    // through B.
    let (_, all) = c_admin.get("/api/v1/federated-records?type=incident").await;
    assert_eq!(all["count"], 3, "{all}");
    assert!(all["records"].as_array().expect("list").iter().all(|r| r["peer_id"] == json!(c_peer_a)), "{all}");
    // The amber record is read at C as A marked it: not by an anonymous reader.
    let (_, open) = Api::anonymous(&c).get("/api/v1/federated-records?type=incident").await;
    assert_eq!(open["count"], 2, "{open}");
    assert!(!open.to_string().contains("QzamberZq"), "{open}");
    // C's analysts take A's incident into their own ledger to assess it: a draft of C's, marked
    // as A marked it, with where it came from; once only.
    let adopt = format!("/api/v1/federated-records/{c_peer_a}/incident/{}/adopt", ids[1]);
    let (st, draft) = c_admin.post(&adopt, &json!({})).await;
    assert_eq!(st, 201, "{draft}");
    assert_eq!((draft["status"].as_str(), draft["tlp"].as_str()), (Some("draft"), Some("clear")), "{draft}");
    assert_eq!(draft["origin"]["dataset"], "federation", "{draft}");
    assert_eq!(draft["origin"]["id"], json!(format!("a.example/normwatch/{}", ids[1])), "{draft}");
    assert!(draft["origin"]["fields"]["log_index"].is_string(), "{draft}");
    assert!(draft["title"]["en"].as_str().is_some_and(|t| t.contains("QzgridZq")), "{draft}");
    assert!(draft["sources"].to_string().contains(&format!("/incidents/{}", ids[1])), "{draft}");
    let (st, twice) = c_admin.post(&adopt, &json!({})).await;
    assert_eq!(st, 409, "{twice}");
    let (st, anonymous) = Api::anonymous(&c).post(&adopt, &json!({})).await;
    assert_eq!(st, 401, "{anonymous}");
    // A record of one of A's communities stays with that community: it is not filed here.
    let body = json!({"id": "shared-1", "title": {"en": "Shared QzsharedZq"}, "tlp": "green"});
    c.execute_sql(format!(
        "INSERT INTO federated_records (peer_id, record_kind, origin_id, origin, log_index, checkpoint_size, stix_id, tlp, community, body, received_at) \
         VALUES ('{c_peer_a}', 'incident', 'shared-1', 'a.example/normwatch', 0, 1, 'incident--shared', 'green', 'coop', '{body}', '2024-05-01T00:00:00Z')"
    ))
    .await;
    let (st, shared) =
        c_admin.post(&format!("/api/v1/federated-records/{c_peer_a}/incident/shared-1/adopt"), &json!({})).await;
    assert_eq!((st, shared["errors"][0]["field"].as_str()), (422, Some("community")), "{shared}");
    // Not ours to show until our review publishes it.
    let (_, open) = Api::anonymous(&c).get("/api/v1/incidents").await;
    assert!(!open.to_string().contains("QzgridZq"), "{open}");
    // The portal shows received records as their origin's, with their provenance.
    let page = c.get("/federated?type=incident&lang=en").await.text().await.expect("page");
    assert!(page.contains("QzgridZq") && page.contains("a.example/normwatch") && !page.contains("QzamberZq"), "{page}");
    let detail = c.get(&format!("/federated/{c_peer_a}/incident/{}?lang=en", ids[1])).await;
    assert_eq!(detail.status(), 200);
    let detail = detail.text().await.expect("page");
    assert!(detail.contains("federated-provenance") && detail.contains("/log/checkpoint?size="), "{detail}");
    let hidden = c.get(&format!("/federated/{c_peer_a}/incident/{}?lang=en", ids[2])).await;
    assert_eq!(hidden.status(), 404, "the amber record is not there for an anonymous reader");

    // A corrects that incident: at C's next sync the new version arrives and supersedes the one
    // kept, which the portal then shows as corrected at the origin.
    let (st, fix) = roles
        .editor
        .post(
            &format!("/api/v1/incidents/{}/corrections", ids[1]),
            &json!({"record": incident("Outage of a grid QzgridZq, corrected", "clear")}),
        )
        .await;
    assert_eq!(st, 201, "{fix}");
    let fixed = fix["id"].as_str().expect("id").to_owned();
    crate::common::publish_through_review(&roles.editor, &revs.0, &revs.1, &format!("/api/v1/incidents/{fixed}")).await;
    let out = c.cli(&["peers", "sync", &c_peer_a]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (_, old) = c_admin.get(&format!("/api/v1/federated-records/{c_peer_a}/incident/{}", ids[1])).await;
    assert_eq!(old["superseded_by"], json!(fixed), "{old}");
    let page = c.get(&format!("/federated/{c_peer_a}/incident/{}?lang=en", ids[1])).await.text().await.expect("page");
    assert!(page.contains("corrected at the origin") && page.contains(&fixed), "{page}");

    // The token is never shown back.
    let (_, peers) = c_admin.get("/api/v1/peers").await;
    assert!(!peers.to_string().contains(&token), "{peers}");
    assert_eq!(peers["peers"][0]["reads_with_token"], true, "{peers}");
    let out = c.cli(&["peers", "list", "--json"]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(&token));

    // A forked A: same key, another root for the size B saw. B stops and keeps both checkpoints.
    let (_, seen) = b_admin.get(&format!("/api/v1/peers/{b_peer}")).await;
    let size = seen["seen_size"].as_u64().expect("size");
    let text = std::fs::read_to_string(a.data_dir.join("keys/log.key")).expect("A's key");
    let key = normwatch_ledger::InstanceKey::parse_private(text.trim()).expect("key");
    let forged =
        normwatch_ledger::Checkpoint { origin: key.name().to_owned(), size, root: [7; 32], extensions: vec![] };
    *proxy.checkpoint.lock().expect("lock") =
        Some(normwatch_ledger::note::SignedNote::sign(&forged.to_text(), &key).to_text());
    let (st, forked) = b_admin.post(&format!("/api/v1/peers/{b_peer}/sync"), &json!({})).await;
    assert_eq!(st, 200, "{forked}");
    assert!(forked["fork"].as_str().is_some_and(|f| f.contains("two different roots")), "{forked}");
    let (_, view) = b_admin.get(&format!("/api/v1/peers/{b_peer}")).await;
    assert_eq!(view["state"], "forked", "{view}");
    let fork = &view["forks"][0];
    assert_eq!(fork["earlier_note"], seen["seen_note"], "{view}");
    assert!(fork["later_note"].as_str().is_some_and(|n| n.contains(&format!("\n{size}\n"))), "{view}");
    // Sync stays stopped, even once the peer shows its real checkpoint again.
    *proxy.checkpoint.lock().expect("lock") = None;
    let (_, still) = b_admin.post(&format!("/api/v1/peers/{b_peer}/sync"), &json!({})).await;
    assert!(still["fork"].is_string() && still["received"] == 0, "{still}");
    let (_, view) = b_admin.get(&format!("/api/v1/peers/{b_peer}")).await;
    let error = view["last_error"].as_str().unwrap_or_default();
    assert!(error.starts_with("FORK: ") && !error.starts_with("FORK: FORK"), "{view}");
}

/// A shows B (through a proxy) another tree of the size it shows everyone else. B, seeing A for
/// the first time, cannot tell; C, following A and B, compares A's checkpoint with what B
/// witnessed of A and stops following A, keeping both signed checkpoints.
#[tokio::test]
async fn a_log_that_shows_a_witness_another_history_is_caught() {
    let (a, b, c) =
        (start(Backend::Sqlite, "a").await, start(Backend::Sqlite, "b").await, start(Backend::Sqlite, "c").await);
    let a_key = verifier_key(&a).await;
    let real = a.get("/log/checkpoint").await.text().await.expect("checkpoint");
    let size =
        normwatch_ledger::Checkpoint::parse(&normwatch_ledger::note::SignedNote::parse(&real).expect("note").text)
            .expect("checkpoint")
            .size;
    assert!(size > 0, "A's catalogue seeds published positions");
    let text = std::fs::read_to_string(a.data_dir.join("keys/log.key")).expect("A's key");
    let key = normwatch_ledger::InstanceKey::parse_private(text.trim()).expect("key");
    let forged =
        normwatch_ledger::Checkpoint { origin: key.name().to_owned(), size, root: [7; 32], extensions: vec![] };
    let proxy = Proxy::start(&a.url, "").await;
    *proxy.checkpoint.lock().expect("lock") =
        Some(normwatch_ledger::note::SignedNote::sign(&forged.to_text(), &key).to_text());

    let b_admin = admin(&b).await;
    let (_, peer) = b_admin.post("/api/v1/peers", &json!({"url": proxy.url, "key": a_key})).await;
    let b_peer = peer["id"].as_str().expect("id").to_owned();
    // B cosigns what it was shown (a witness vouches for consistency, and this is the first
    // checkpoint it sees of A), but A's real leaves do not hash to the forged root: nothing is
    // taken, and A does not take a cosignature of a checkpoint it never signed.
    let (st, report) = b_admin.post(&format!("/api/v1/peers/{b_peer}/sync"), &json!({})).await;
    assert_eq!(st, 502, "{report}");
    assert!(report["detail"].as_str().is_some_and(|d| d.contains("do not hash to the root it signed")), "{report}");
    let b_view = b.get("/log/witnessed").await.json::<Value>().await.expect("json");
    assert!(b_view["logs"][0]["note"].as_str().is_some_and(|n| n.contains("— b.example/normwatch ")), "{b_view}");
    let a_note = a.get("/log/checkpoint").await.text().await.expect("checkpoint");
    assert!(!a_note.contains("— b.example/normwatch "), "{a_note}");

    let c_admin = admin(&c).await;
    let (_, c_a) = c_admin.post("/api/v1/peers", &json!({"url": a.url, "key": a_key})).await;
    let b_key = verifier_key(&b).await;
    let (st, _) = c_admin.post("/api/v1/peers", &json!({"url": b.url, "key": b_key})).await;
    assert_eq!(st, 201);
    let c_a = c_a["id"].as_str().expect("id").to_owned();
    let (st, report) = c_admin.post(&format!("/api/v1/peers/{c_a}/sync"), &json!({})).await;
    assert_eq!(st, 200, "{report}");
    let fork = report["fork"].as_str().unwrap_or_default();
    assert!(fork.contains("two different roots") && fork.contains("witness b.example/normwatch"), "{report}");
    assert_eq!(report["received"], 0, "{report}");
    let (_, view) = c_admin.get(&format!("/api/v1/peers/{c_a}")).await;
    assert_eq!(view["state"], "forked", "{view}");
    let kept = &view["forks"][0];
    assert!(kept["earlier_note"].as_str().is_some_and(|n| n.contains("— b.example/normwatch ")), "{view}");
    assert_eq!(kept["later_note"].as_str(), Some(real.as_str()), "{view}");
    // The fork is reported on C's /log page.
    let page = c.get("/log?lang=en").await.text().await.expect("page");
    let table = page.split_once("id=\"log-forks\"").map(|(_, t)| t).unwrap_or_default();
    assert!(table.contains("a.example/normwatch") && table.contains("witness b.example/normwatch"), "{page}");
}

/// A is killed (SIGKILL) while B is fetching its records: that sync fails, naming the
/// peer; the next one, once A is back, takes every record exactly once.
#[tokio::test]
async fn a_peer_killed_mid_sync_resumes_without_loss_or_duplicates() {
    let mut a = start(Backend::Sqlite, "a").await;
    let b = start(Backend::Postgres, "b").await;
    let a_key = verifier_key(&a).await;
    let (_, objects) = Api::anonymous(&a).get("/api/v1/positions").await;
    let published = objects["count"].as_u64().expect("count");
    assert!(published > 40, "A's catalogue seeds enough published positions: {objects}");
    let proxy = Proxy::start(&a.url, "").await;
    // Held at the first page of TAXII objects: the leaves are checked, no record kept yet.
    *proxy.hold.path.lock().expect("lock") = "/objects/".to_owned();
    proxy.hold.at.store(1, std::sync::atomic::Ordering::SeqCst);
    let b_admin = admin(&b).await;
    let (_, peer) = b_admin.post("/api/v1/peers", &json!({"url": proxy.url, "key": a_key})).await;
    let b_peer = peer["id"].as_str().expect("id").to_owned();

    let sync = {
        let (url, token) = (b.url.clone(), b_admin.token.clone().expect("token"));
        let path = format!("{url}/api/v1/peers/{b_peer}/sync");
        tokio::spawn(async move { reqwest::Client::new().post(path).bearer_auth(token).send().await.expect("sync") })
    };
    proxy.hold.reached.notified().await;
    a.kill_and_restart();
    *proxy.upstream.lock().expect("lock") = a.url.trim_end_matches('/').to_owned();
    proxy.hold.at.store(0, std::sync::atomic::Ordering::SeqCst);
    proxy.hold.go.add_permits(10_000);
    let failed = sync.await.expect("task");
    assert_eq!(failed.status(), 502, "the sync that lost its peer fails");
    let problem: Value = failed.json().await.expect("problem");
    assert!(problem["detail"].as_str().is_some_and(|d| d.contains("the peer is gone")), "{problem}");
    let (_, view) = b_admin.get(&format!("/api/v1/peers/{b_peer}")).await;
    assert!(view["last_error"].as_str().is_some_and(|e| e.contains("502")), "{view}");

    let (st, report) = b_admin.post(&format!("/api/v1/peers/{b_peer}/sync"), &json!({})).await;
    assert_eq!(st, 200, "{report}");
    assert_eq!(report["refused"], 0, "{report}");
    let (_, again) = b_admin.post(&format!("/api/v1/peers/{b_peer}/sync"), &json!({})).await;
    assert_eq!((again["received"].as_u64(), again["refused"].as_u64()), (Some(0), Some(0)), "{again}");
    let (_, kept) = b_admin.get("/api/v1/federated-records?type=position&limit=1000").await;
    let ids: std::collections::HashSet<&str> =
        kept["records"].as_array().expect("list").iter().filter_map(|r| r["origin_id"].as_str()).collect();
    assert_eq!((kept["count"].as_u64(), ids.len() as u64), (Some(published), published), "{kept}");
    let (_, view) = b_admin.get(&format!("/api/v1/peers/{b_peer}")).await;
    assert!(view["last_error"].is_null(), "{view}");
}

#[tokio::test]
async fn an_origin_comes_from_the_public_url() {
    let s = TestServer::start_with_env(Backend::Sqlite, &[("NORMWATCH_PUBLIC_URL", "https://obs.example.org/")]).await;
    assert!(verifier_key(&s).await.starts_with("obs.example.org/normwatch+"));
    let note = s.get("/log/checkpoint").await.text().await.expect("text");
    assert!(note.starts_with("obs.example.org/normwatch\n"), "{note}");
}

async fn start(backend: Backend, name: &str) -> TestServer {
    let origin = format!("{name}.example/normwatch");
    TestServer::start_with_env(backend, &[("NORMWATCH_LOG_ORIGIN", &origin), ("NORMWATCH_PEER_SYNC_SECS", "0")]).await
}

async fn admin(s: &TestServer) -> Api {
    Api::with_token(s, &token_for(s, "admin", &s.admin_password).await)
}

async fn verifier_key(s: &TestServer) -> String {
    s.json("/api/v1/health").await["log_verifier_key"].as_str().expect("key").to_owned()
}

fn incident(title: &str, tlp: &str) -> Value {
    json!({
        "title": {"ja": format!("{title}（日本語）"), "en": title},
        "description": {"en": "Systems of a port operator were wiped."},
        "started": "2023-05", "discovered": "2023-06-14",
        "operation_types": ["data-destruction"],
        "actors": [{"kind": "non-state", "name": "Group X"}],
        "targets": [{"name": "Port operator", "country": "JP", "sector": "ci.transport"}],
        "sources": [{"url": "https://news.example/port", "title": "Report"}],
        "impact": {"availability": "high", "countries_affected": ["JP"]},
        "stakeholder": "jp", "tlp": tlp
    })
}

/// A man in the middle on loopback: passes requests to the peer, alters the record in the
/// inclusion proof and in the TAXII objects of `tamper` (none when empty), answers
/// `/log/checkpoint` with `checkpoint` when set, and, when told to, holds the requests to a path
/// from the `n`th on until released.
struct Proxy {
    url: String,
    checkpoint: Arc<Mutex<Option<String>>>,
    upstream: Arc<Mutex<String>>,
    hold: Arc<Hold>,
}

/// Where the proxy holds requests: after `at` inclusion proofs it notifies `reached` and waits
/// for `go`.
struct Hold {
    /// The requests counted: those whose path contains this.
    path: Mutex<String>,
    at: std::sync::atomic::AtomicUsize,
    seen: std::sync::atomic::AtomicUsize,
    reached: tokio::sync::Notify,
    go: tokio::sync::Semaphore,
}

#[derive(Clone)]
struct ProxyState {
    upstream: Arc<Mutex<String>>,
    tamper: String,
    checkpoint: Arc<Mutex<Option<String>>>,
    hold: Arc<Hold>,
}

impl Proxy {
    async fn start(upstream: &str, tamper: &str) -> Proxy {
        let checkpoint = Arc::new(Mutex::new(None));
        let upstream = Arc::new(Mutex::new(upstream.trim_end_matches('/').to_owned()));
        let hold = Arc::new(Hold {
            path: Mutex::new(String::new()),
            at: 0.into(),
            seen: 0.into(),
            reached: tokio::sync::Notify::new(),
            go: tokio::sync::Semaphore::new(0),
        });
        let state = ProxyState {
            upstream: upstream.clone(),
            tamper: tamper.to_owned(),
            checkpoint: checkpoint.clone(),
            hold: hold.clone(),
        };
        let app = axum::Router::new().fallback(forward).with_state(state);
        let addr = crate::collect::serve(app).await;
        Proxy { url: format!("http://{addr}"), checkpoint, upstream, hold }
    }
}

async fn forward(
    State(p): State<ProxyState>,
    OriginalUri(uri): OriginalUri,
    method: axum::http::Method,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    use std::sync::atomic::Ordering;
    let path = uri.path_and_query().map_or("/", |pq| pq.as_str()).to_owned();
    if uri.path() == "/log/checkpoint"
        && let Some(note) = p.checkpoint.lock().expect("lock").clone()
    {
        return Response::new(Body::from(note));
    }
    // The peer as it is when the request arrives (a held request goes to it even if it died).
    let upstream = p.upstream.lock().expect("lock").clone();
    let at = p.hold.at.load(Ordering::SeqCst);
    let held = at > 0 && uri.path().contains(p.hold.path.lock().expect("lock").as_str());
    if held && p.hold.seen.fetch_add(1, Ordering::SeqCst) + 1 >= at {
        p.hold.reached.notify_one();
        let _permit = p.hold.go.acquire().await.expect("semaphore");
    }
    let method = reqwest::Method::from_bytes(method.as_str().as_bytes()).expect("method");
    let mut request = reqwest::Client::new().request(method, format!("{upstream}{path}")).body(body.to_vec());
    for name in ["authorization", "accept", "content-type"] {
        if let Some(v) = headers.get(name) {
            request = request.header(name, v.clone());
        }
    }
    let upstream = match request.send().await {
        Ok(r) => r,
        Err(e) => {
            let mut gone = Response::new(Body::from(format!("the peer is gone: {e}")));
            *gone.status_mut() = StatusCode::BAD_GATEWAY;
            return gone;
        }
    };
    let status = StatusCode::from_u16(upstream.status().as_u16()).expect("status");
    let kept: Vec<(String, String)> = upstream
        .headers()
        .iter()
        .filter(|(k, _)| k.as_str() == "content-type" || k.as_str().starts_with("x-taxii"))
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or_default().to_owned()))
        .collect();
    let mut body = upstream.text().await.expect("body");
    if uri.path() == "/log/proof/inclusion" && !p.tamper.is_empty() && path.contains(&p.tamper) {
        let mut v: Value = serde_json::from_str(&body).expect("proof");
        v["record"]["title"]["en"] = json!("Something else happened");
        body = v.to_string();
    }
    // The record a TAXII object carries, altered the same way.
    if uri.path().contains("/objects/") && !p.tamper.is_empty() && body.contains(&p.tamper) {
        let mut v: Value = serde_json::from_str(&body).expect("objects");
        for o in v["objects"].as_array_mut().into_iter().flatten() {
            for (_, e) in o["extensions"].as_object_mut().into_iter().flatten() {
                if e["record_id"] == json!(p.tamper) && e["record"].is_object() {
                    e["record"]["title"]["en"] = json!("Something else happened");
                }
            }
        }
        body = v.to_string();
    }
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    for (k, v) in kept {
        response.headers_mut().insert(
            axum::http::HeaderName::from_bytes(k.as_bytes()).expect("name"),
            axum::http::HeaderValue::from_str(&v).expect("value"),
        );
    }
    response
}
