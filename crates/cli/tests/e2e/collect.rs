//! Systematic collection end to end (issue 20): a local HTTP server started here serves feed
//! fixtures (tests/data/collect/: RSS 2.0, Atom 1.0, JSON Feed, a MISP feed, a malformed feed, a
//! feed answering 304 to its ETag, and one that never answers), and a second `normwatch serve`
//! is a TAXII 2.1 source. Editors register sources, poll them (`POST /api/v1/collection/run`),
//! and triage the items; the public sends tips. Each item appears once, a bad source is reported
//! in its health without stopping the others, a private address is refused without the
//! operator's leave, and only editors and admins see any of it.
use crate::common::{Api, NOT_POLLING, Roles, TestServer, file_and_publish, reviewers, token_for};
use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::time::Duration;

on_both_backends!(
    env crate::common::COLLECTING;
    feeds_are_collected_once_and_triaged,
    tips_come_in_anonymously_within_limits,
    a_silent_source_fails_alone_beside_a_taxii_source_and_private_ones_need_leave,
);

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/collect").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Serves `app` on a loopback port for the rest of the test.
pub async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

/// 200 with an ETag the first time, 304 to a request that sends it back.
async fn etagged(headers: HeaderMap) -> impl IntoResponse {
    const TAG: &str = "\"fjord-v1\"";
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(TAG) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, TAG)], String::new());
    }
    (StatusCode::OK, [(header::ETAG, TAG)], fixture("etag.xml"))
}

/// The feed fixtures, each at its own path.
async fn feeds() -> SocketAddr {
    let file = |name: &'static str| get(move || async move { fixture(name) });
    serve(
        Router::new()
            .route("/rss.xml", file("rss.xml"))
            .route("/atom.xml", file("atom.xml"))
            .route("/feed.json", file("feed.json"))
            .route("/malformed.xml", file("malformed.xml"))
            .route("/misp/manifest.json", file("misp/manifest.json"))
            .route(
                "/misp/0c6e6a3e-5d4b-4f7a-8e21-3a9b10000001.json",
                file("misp/0c6e6a3e-5d4b-4f7a-8e21-3a9b10000001.json"),
            )
            .route(
                "/misp/0c6e6a3e-5d4b-4f7a-8e21-3a9b10000002.json",
                file("misp/0c6e6a3e-5d4b-4f7a-8e21-3a9b10000002.json"),
            )
            .route("/etag.xml", get(etagged))
            // Never answers within the collector's 30 s limit.
            .route(
                "/silent.xml",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(300)).await;
                    fixture("rss.xml")
                }),
            ),
    )
    .await
}

/// POSTs `body` and returns the status, the `Location` header and the body.
async fn post_located(api: &Api, path: &str, body: &Value) -> (u16, Option<String>, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}{path}", api.base))
        .bearer_auth(api.token.as_deref().expect("a token"))
        .json(body)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    let location = r.headers().get(header::LOCATION).and_then(|v| v.to_str().ok()).map(str::to_owned);
    (status, location, r.json().await.expect("JSON"))
}

/// Registers a source and returns its id.
async fn add_source(api: &Api, name: &str, kind: &str, url: String) -> String {
    let (st, location, b) =
        post_located(api, "/api/v1/sources", &json!({"name": name, "kind": kind, "url": url, "interval_secs": 600}))
            .await;
    assert_eq!(st, 201, "{name}: {b}");
    let id = b["id"].as_str().expect("id").to_owned();
    assert_eq!(location.as_deref(), Some(format!("/api/v1/sources/{id}").as_str()));
    id
}

async fn run(api: &Api) -> Value {
    let (st, report) = api.post("/api/v1/collection/run", &json!({})).await;
    assert_eq!(st, 200, "{report}");
    report
}

/// The outcome of source `id` in a run's report.
fn outcome<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["sources"].as_array().expect("sources").iter().find(|s| s["source"] == id).unwrap_or_else(|| {
        panic!("source {id} is not in the run: {report}");
    })
}

/// Every item in `state` (all pages), by following `next`.
async fn all_items(api: &Api, query: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut path = format!("/api/v1/triage?limit=3&{query}");
    loop {
        let (st, page) = api.get(&path).await;
        assert_eq!(st, 200, "{path}: {page}");
        let items = page["items"].as_array().expect("items");
        assert!(items.len() <= 3);
        assert_eq!(page["count"], items.len());
        out.extend(items.iter().cloned());
        match page["next"].as_str() {
            Some(next) => path = format!("/api/v1/triage?limit=3&{query}&cursor={next}"),
            None => return out,
        }
    }
}

fn titled<'a>(items: &'a [Value], title: &str) -> Vec<&'a Value> {
    items.iter().filter(|i| i["title"] == title).collect()
}

fn field_error(status: u16, body: &Value, field: &str) {
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], field, "{body}");
}

/// Makes every source due again, as time passing would.
async fn all_due(s: &TestServer) {
    s.execute_sql("UPDATE sources SET next_due = '2000-01-01T00:00:00Z'".into()).await;
}

const HOSPITALS: &str = "Ransomware forces hospitals in Germany to postpone surgeries";
const WATER: &str = "Dosing settings at a Finnish water treatment plant changed remotely";
const ELECTION: &str = "Election commission website knocked offline during the vote count";

async fn feeds_are_collected_once_and_triaged(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let fx = feeds().await;
    let ed = &roles.editor;
    let at = |path: &str| format!("http://{fx}{path}");

    // Only editors and admins see or touch collection.
    for (who, api, status) in [
        ("anonymous", &roles.anonymous, 401),
        ("reader", &roles.reader, 403),
        ("contributor", &roles.contributor, 403),
        ("reviewer", &roles.reviewer, 403),
    ] {
        for path in ["/api/v1/sources", "/api/v1/triage", "/api/v1/collection/coverage"] {
            let (st, b) = api.get(path).await;
            assert_eq!(st, status, "{who} GET {path}: {b}");
        }
        let (st, _) = api.post("/api/v1/collection/run", &json!({})).await;
        assert_eq!(st, status, "{who} runs the collection");
        let (st, _) = api.post("/api/v1/sources", &json!({"name": "x", "kind": "rss", "url": at("/rss.xml")})).await;
        assert_eq!(st, status, "{who} registers a source");
    }

    // Bad configurations name their field and create nothing.
    for (body, field) in [
        (json!({"name": "x", "kind": "rdf", "url": at("/rss.xml")}), "kind"),
        (json!({"name": "x", "kind": "rss", "url": "not a url"}), "url"),
        (json!({"name": "x", "kind": "rss", "url": "ftp://files.example/feed"}), "url"),
        (json!({"name": "x", "kind": "taxii", "url": at("/taxii2/api/")}), "url"),
        (json!({"name": "x", "kind": "rss", "url": at("/rss.xml"), "interval_secs": 5}), "interval_secs"),
        (json!({"name": "  ", "kind": "rss", "url": at("/rss.xml")}), "name"),
    ] {
        let (st, b) = ed.post("/api/v1/sources", &body).await;
        field_error(st, &b, field);
    }
    let (st, b) =
        ed.post("/api/v1/sources", &json!({"name": "x", "kind": "rss", "url": at("/rss.xml"), "colour": 1})).await;
    assert_eq!((st, b["errors"][0]["field"].as_str()), (400, Some("colour")), "{b}");
    let (_, list) = ed.get("/api/v1/sources").await;
    assert_eq!(list["count"], 0, "nothing was created: {list}");

    let rss = add_source(ed, "Harbour News", "rss", at("/rss.xml")).await;
    let atom = add_source(ed, "Northern Ledger", "atom", at("/atom.xml")).await;
    let jsonfeed = add_source(&roles.admin, "Baltic Wire", "json-feed", at("/feed.json")).await;
    let misp = add_source(ed, "CERT MISP feed", "misp", at("/misp/manifest.json")).await;
    let broken = add_source(ed, "Cut-off feed", "rss", at("/malformed.xml")).await;
    let etag = add_source(ed, "Fjord Telecom Watch", "rss", at("/etag.xml")).await;
    let (st, b) =
        ed.post("/api/v1/sources", &json!({"name": "Harbour News", "kind": "rss", "url": at("/etag.xml")})).await;
    field_error(st, &b, "name");

    // The first run: every good source brings its entries; the broken one fails alone.
    let report = run(ed).await;
    assert_eq!(report["sources"].as_array().map(Vec::len), Some(6), "{report}");
    let bad = outcome(&report, &broken);
    assert!(bad["error"].as_str().is_some_and(|e| e.contains("not an RSS, Atom or JSON feed")), "{bad}");
    for id in [&rss, &atom, &jsonfeed, &misp, &etag] {
        assert!(outcome(&report, id)["error"].is_null(), "{report}");
    }
    assert_eq!(outcome(&report, &misp)["new"], 2, "{report}");
    assert_eq!(outcome(&report, &etag)["new"], 1, "{report}");
    // 2 RSS + 2 Atom + 2 JSON Feed + 2 MISP + 1 = 9 entries; the water story is carried word
    // for word by two feeds, so it is kept once: 8 items.
    assert_eq!(report["new_items"], 8, "{report}");
    assert_eq!(report["failed"], 1, "{report}");

    // The second run, everything due again: nothing new; the ETag source answers 304.
    all_due(&s).await;
    let report = run(ed).await;
    assert_eq!(report["new_items"], 0, "{report}");
    let again = outcome(&report, &etag);
    assert_eq!((again["not_modified"].as_bool(), again["new"].as_u64()), (Some(true), Some(0)), "{again}");
    assert!(again["error"].is_null(), "{again}");
    assert!(outcome(&report, &rss)["entries"].as_u64() == Some(2), "{report}");

    // Health: the broken source shows its error and failures; the others their success.
    let (st, list) = ed.get("/api/v1/sources").await;
    assert_eq!((st, list["count"].as_u64()), (200, Some(6)), "{list}");
    let health =
        |id: &str| list["sources"].as_array().expect("sources").iter().find(|x| x["id"] == id).expect("listed").clone();
    let b = health(&broken);
    assert_eq!(b["health"]["failures"], 2, "{b}");
    assert!(b["health"]["last_error"].as_str().is_some_and(|e| e.contains("not an RSS")), "{b}");
    assert!(b["health"]["last_success"].is_null(), "{b}");
    let e = health(&etag);
    assert_eq!((e["health"]["failures"].as_u64(), e["health"]["items_seen"].as_u64()), (Some(0), Some(1)), "{e}");
    assert!(e["health"]["last_success"].is_string() && e["health"]["last_error"].is_null(), "{e}");
    assert_eq!((e["items"].as_u64(), e["used"].as_u64()), (Some(1), Some(0)), "{e}");
    let m = health(&misp);
    assert_eq!((m["items"].as_u64(), m["health"]["items_seen"].as_u64()), (Some(2), Some(2)), "{m}");
    assert!(m["next_due"].as_str().is_some_and(|d| d > "2026"), "polled, so due later: {m}");
    let (st, one) = ed.get(&format!("/api/v1/sources/{misp}")).await;
    assert_eq!((st, &one["name"]), (200, &json!("CERT MISP feed")), "{one}");

    // The queue: 8 open items, most relevant first, each once, in pages.
    let items = all_items(ed, "").await;
    assert_eq!(items.len(), 8, "{items:#?}");
    let ids: BTreeSet<&str> = items.iter().filter_map(|i| i["id"].as_str()).collect();
    assert_eq!(ids.len(), 8, "no item twice across pages");
    let relevance: Vec<f64> = items.iter().filter_map(|i| i["relevance"].as_f64()).collect();
    assert!(relevance.windows(2).all(|w| w[0] >= w[1]), "ranked by relevance: {relevance:?}");
    assert_eq!(titled(&items, WATER).len(), 1, "the same text in two feeds is kept once");
    // The same story retold by another feed is one cluster of two.
    let hospitals = titled(&items, HOSPITALS);
    assert_eq!(hospitals.len(), 2, "retold, not copied: both kept");
    assert_eq!(hospitals[0]["cluster"], hospitals[1]["cluster"], "{hospitals:#?}");
    assert!(hospitals.iter().all(|h| h["cluster_size"] == 2), "{hospitals:#?}");
    let cluster = hospitals[0]["cluster"].as_str().expect("cluster");
    assert_eq!(all_items(ed, &format!("cluster={cluster}")).await.len(), 2);
    let japanese: Vec<&Value> = items.iter().filter(|i| i["language"] == "ja").collect();
    assert_eq!(japanese.len(), 1, "the Japanese entry: {items:#?}");
    assert!(
        japanese[0]["proposals"].as_array().is_some_and(|p| p.iter().any(|p| p["label"] == "JP")),
        "{:#}",
        japanese[0]
    );
    assert_eq!(all_items(ed, &format!("source={misp}")).await.len(), 2);
    assert_eq!(all_items(ed, "origin=tip").await.len(), 0);
    for (query, field) in
        [("state=closed", "state"), ("origin=feed", "origin"), ("limit=0", "limit"), ("cursor=zz", "cursor")]
    {
        let (st, b) = ed.get(&format!("/api/v1/triage?{query}")).await;
        assert_eq!((st, b["errors"][0]["field"].as_str()), (400, Some(field)), "{query}: {b}");
    }

    // An item with its proposals, each with a reason.
    let first = hospitals.iter().find(|h| h["source_id"] == rss).or(hospitals.first()).expect("one");
    let id = first["id"].as_str().expect("id");
    let (st, item) = ed.get(&format!("/api/v1/triage/{id}")).await;
    assert_eq!(st, 200, "{item}");
    let proposals = item["proposals"].as_array().expect("proposals");
    for (family, label) in [("operation-types", "ransomware"), ("target-countries", "DE"), ("sectors", "ci.health")] {
        let p = proposals.iter().find(|p| p["family"] == family && p["label"] == label);
        assert!(p.is_some_and(|p| p["reason"].as_str().is_some_and(|r| !r.is_empty())), "{family} {label}: {item:#}");
    }
    for (who, api, status) in [("reader", &roles.reader, 403), ("anonymous", &roles.anonymous, 401)] {
        let (st, _) = api.get(&format!("/api/v1/triage/{id}")).await;
        assert_eq!(st, status, "{who} reads an item");
        let (st, _) = api.post(&format!("/api/v1/triage/{id}/promote"), &json!({})).await;
        assert_eq!(st, status, "{who} promotes");
        let (st, _) = api.get(&format!("/api/v1/sources/{misp}")).await;
        assert_eq!(st, status, "{who} reads a source");
    }

    // Promotion, with the cluster: a draft incident from the proposals, the items as sources.
    let (st, b) = ed.post(&format!("/api/v1/triage/{id}/promote"), &json!({"version": 7, "cluster": true})).await;
    assert_eq!(st, 409, "a stale version: {b}");
    let (st, location, promoted) = post_located(
        ed,
        &format!("/api/v1/triage/{id}/promote"),
        &json!({"version": item["version"], "cluster": true}),
    )
    .await;
    assert_eq!(st, 201, "{promoted}");
    let incident = &promoted["incident"];
    let incident_id = incident["id"].as_str().expect("incident id");
    assert_eq!(location.as_deref(), Some(format!("/api/v1/incidents/{incident_id}").as_str()));
    assert_eq!(incident["status"], "draft", "{incident:#}");
    assert!(incident["operation_types"].as_array().is_some_and(|o| o.contains(&json!("ransomware"))), "{incident:#}");
    assert!(
        incident["impact"]["countries_affected"].as_array().is_some_and(|c| c.contains(&json!("DE"))),
        "{incident:#}"
    );
    assert!(
        incident["targets"].as_array().is_some_and(|t| t.iter().any(|t| t["sector"] == "ci.health")),
        "{incident:#}"
    );
    let source_urls: BTreeSet<&str> =
        incident["sources"].as_array().expect("sources").iter().filter_map(|s| s["url"].as_str()).collect();
    let cluster_urls: BTreeSet<&str> = hospitals.iter().filter_map(|h| h["canonical_url"].as_str()).collect();
    assert_eq!(source_urls, cluster_urls, "both reports are the draft's sources");
    assert!(
        cluster_urls.contains("https://harbour-news.example/2026/03/hospital-ransomware"),
        "tracking parameters are dropped from the canonical URL: {cluster_urls:?}"
    );
    assert_eq!(promoted["items"].as_array().map(Vec::len), Some(2), "{promoted}");
    assert!(
        promoted["items"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|i| i["state"] == "promoted" && i["incident_id"] == incident_id)
    );
    let (st, draft) = ed.get(&format!("/api/v1/incidents/{incident_id}")).await;
    assert_eq!((st, &draft["status"]), (200, &json!("draft")), "{draft}");
    // A decided item is decided once.
    let (st, b) = ed.post(&format!("/api/v1/triage/{id}/dismiss"), &json!({"reason": "again"})).await;
    assert_eq!(st, 409, "{b}");

    // Dismissal needs a reason, which is kept; a second decision is a conflict.
    let election = titled(&items, ELECTION)[0]["id"].as_str().expect("id").to_owned();
    let (st, b) = ed.post(&format!("/api/v1/triage/{election}/dismiss"), &json!({})).await;
    field_error(st, &b, "reason");
    let reason = "Hacktivist nuisance with no state link shown";
    let (st, b) = ed.post(&format!("/api/v1/triage/{election}/dismiss"), &json!({"reason": reason})).await;
    assert_eq!((st, &b["items"][0]["state"]), (200, &json!("dismissed")), "{b}");
    let (_, kept) = ed.get(&format!("/api/v1/triage/{election}")).await;
    assert_eq!((&kept["state"], &kept["reason"]), (&json!("dismissed"), &json!(reason)), "{kept}");
    assert!(kept["decided_by"].is_string() && kept["decided_at"].is_string(), "{kept}");
    let (st, b) = ed.post(&format!("/api/v1/triage/{election}/promote"), &json!({})).await;
    assert_eq!(st, 409, "{b}");
    let (st, b) = ed.post(&format!("/api/v1/triage/{election}/dismiss"), &json!({"reason": reason})).await;
    assert_eq!(st, 409, "{b}");
    let dismissed = all_items(ed, "state=dismissed").await;
    assert_eq!(dismissed.len(), 1);
    // The decision is in the audit log, with who made it and why.
    let (st, audit) = roles.admin.get("/api/v1/audit?entity=item").await;
    assert_eq!(st, 200, "{audit}");
    let entry = audit["entries"]
        .as_array()
        .and_then(|l| l.iter().find(|e| e["entity_id"] == election.as_str()))
        .unwrap_or_else(|| panic!("the dismissal is audited: {audit}"));
    assert_eq!((&entry["action"], &entry["after"]["reason"]), (&json!("dismissed"), &json!(reason)), "{entry}");

    // Attachment: to an incident that exists, named.
    let water = titled(&items, WATER)[0]["id"].as_str().expect("id").to_owned();
    let (st, b) = ed.post(&format!("/api/v1/triage/{water}/attach"), &json!({})).await;
    field_error(st, &b, "incident");
    let (st, b) = ed.post(&format!("/api/v1/triage/{water}/attach"), &json!({"incident": "no-such-incident"})).await;
    assert_eq!(st, 422, "{b}");
    assert_eq!(b["errors"][0]["field"], "incident", "{b}");
    let (_, still) = ed.get(&format!("/api/v1/triage/{water}")).await;
    assert_eq!(still["state"], "open", "a refused decision changes nothing");
    let (st, b) = ed.post(&format!("/api/v1/triage/{water}/attach"), &json!({"incident": incident_id})).await;
    assert_eq!((st, &b["items"][0]["state"]), (200, &json!("attached")), "{b}");
    assert_eq!(b["items"][0]["incident_id"], incident_id);

    let open = all_items(ed, "").await;
    assert_eq!(open.len(), 4, "8 less 2 promoted, 1 dismissed, 1 attached");
    assert_eq!(all_items(ed, "state=all").await.len(), 8);

    // Coverage: per source, what it brought and what became of it.
    let (st, coverage) = ed.get("/api/v1/collection/coverage").await;
    assert_eq!(st, 200, "{coverage}");
    let line =
        |id: &str| coverage["sources"].as_array().expect("sources").iter().find(|c| c["source_id"] == id).cloned();
    assert_eq!(line(&misp).map(|c| c["items"].clone()), Some(json!(2)), "{coverage}");
    let used: i64 =
        coverage["sources"].as_array().into_iter().flatten().map(|c| c["promoted"].as_i64().unwrap_or(0)).sum();
    assert_eq!(used, 2, "{coverage}");
    assert!(line(&broken).is_none(), "a source that brought nothing has no line: {coverage}");

    // Removing a source stops its polls; its items stay.
    let (st, _) = ed.delete(&format!("/api/v1/sources/{misp}")).await;
    assert_eq!(st, 204);
    let (st, _) = ed.get(&format!("/api/v1/sources/{misp}")).await;
    assert_eq!(st, 404);
    let (st, _) = ed.delete(&format!("/api/v1/sources/{misp}")).await;
    assert_eq!(st, 404);
    assert_eq!(all_items(ed, &format!("source={misp}&state=all")).await.len(), 2);
    all_due(&s).await;
    let report = run(ed).await;
    assert!(
        report["sources"].as_array().is_some_and(|l| l.len() == 5 && l.iter().all(|x| x["source"] != misp.as_str()))
    );
}

async fn tips_come_in_anonymously_within_limits(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let tip = json!({
        "text": "The city library's public terminals in Osaka have shown a ransom note since this morning; staff say the loan system is down too.",
        "urls": ["https://forum.example/t/library-ransom-note?utm_campaign=x#post-3"],
    });
    let (st, b) = roles.anonymous.post("/api/v1/tips", &tip).await;
    assert_eq!((st, &b), (202, &json!({"received": true})), "nothing of the queue is returned");
    let (st, b) = roles.anonymous.post("/api/v1/tips", &json!({"text": "   "})).await;
    field_error(st, &b, "text");
    let (st, b) = roles
        .anonymous
        .post("/api/v1/tips", &json!({"text": "Look <script>alert(1)</script> at this defacement"}))
        .await;
    field_error(st, &b, "text");
    let (st, b) = roles.anonymous.post("/api/v1/tips", &json!({"text": "x".repeat(17 * 1024)})).await;
    assert_eq!(st, 413, "{b}");
    // The same tip again is answered as received, and kept once.
    let (st, b) = roles.anonymous.post("/api/v1/tips", &tip).await;
    assert_eq!((st, &b), (202, &json!({"received": true})));
    // The sixth within the window is refused, with when to try again.
    let r = reqwest::Client::new()
        .post(s.at("/api/v1/tips"))
        .json(
            &json!({"text": "A second report: the prefecture's tax office site was defaced with a political message."}),
        )
        .send()
        .await
        .expect("tip");
    assert_eq!(r.status(), 429);
    let retry: u64 =
        r.headers().get(header::RETRY_AFTER).and_then(|v| v.to_str().ok()?.parse().ok()).expect("Retry-After");
    assert!((1..=600).contains(&retry), "{retry}");
    let problem: Value = r.json().await.expect("problem");
    assert_eq!(problem["type"], "urn:normwatch:problem:too-many-requests", "{problem}");

    // In the queue, marked as a tip, once; only for editors.
    let (st, b) = roles.reader.get("/api/v1/triage?origin=tip").await;
    assert_eq!(st, 403, "{b}");
    let tips = all_items(&roles.editor, "origin=tip").await;
    assert_eq!(tips.len(), 1, "{tips:#?}");
    let t = &tips[0];
    assert_eq!(t["origin"], "tip");
    assert_eq!(t["canonical_url"], "https://forum.example/t/library-ransom-note", "{t}");
    assert!(t["text"].as_str().is_some_and(|x| x.contains("Osaka")), "{t}");
    assert!(t["source_id"].is_null());
    let (_, coverage) = roles.editor.get("/api/v1/collection/coverage").await;
    assert!(
        coverage["sources"].as_array().is_some_and(|l| l.iter().any(|c| c["name"] == "tips" && c["items"] == 1)),
        "{coverage}"
    );
}

async fn a_silent_source_fails_alone_beside_a_taxii_source_and_private_ones_need_leave(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let fx = feeds().await;

    // Another observatory publishes an incident; its TLP:CLEAR collection is our source.
    let other = TestServer::start_with_env(s.backend, NOT_POLLING).await;
    let other_roles = Roles::set_up(&other).await;
    let (r1, r2) = reviewers(&other, &other_roles.admin).await;
    let incident = json!({
        "title": {"ja": "港湾管理システムへの侵入", "en": "Intrusion into a port management system"},
        "description": {"en": "Container tracking at a Baltic port was halted for a day after an intrusion into its terminal operating system."},
        "started": "2026-02", "operation_types": ["system-compromise"],
        "targets": [{"name": "Port operator", "country": "LT", "sector": "ci.transport"}],
        "sources": [{"url": "https://port-news.example/2026/terminal-intrusion"}], "tlp": "clear"
    });
    file_and_publish(&other_roles.editor, &r1, &r2, "/api/v1/incidents", &incident).await;
    let collections: Value = reqwest::Client::new()
        .get(other.at("/taxii2/api/collections/"))
        .header(header::ACCEPT, "application/taxii+json;version=2.1")
        .send()
        .await
        .expect("collections")
        .json()
        .await
        .expect("JSON");
    let clear = collections["collections"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["title"] == "TLP:CLEAR"))
        .and_then(|c| c["id"].as_str())
        .unwrap_or_else(|| panic!("a TLP:CLEAR collection: {collections}"));

    let ed = &roles.editor;
    let taxii =
        add_source(ed, "Partner observatory", "taxii", other.at(&format!("/taxii2/api/collections/{clear}/"))).await;
    let silent = add_source(ed, "Silent feed", "rss", format!("http://{fx}/silent.xml")).await;
    let started = std::time::Instant::now();
    let report = run(ed).await;
    assert!(started.elapsed() < Duration::from_secs(120), "the silent source is given up on");
    let t = outcome(&report, &taxii);
    assert!(t["error"].is_null() && t["new"] == 1, "{report}");
    let quiet = outcome(&report, &silent);
    assert!(quiet["error"].as_str().is_some_and(|e| e.contains("no answer within")), "{quiet}");
    let (_, one) = ed.get(&format!("/api/v1/sources/{silent}")).await;
    assert_eq!(one["health"]["failures"], 1, "{one}");
    assert!(one["health"]["last_error"].as_str().is_some_and(|e| e.contains("no answer within")), "{one}");
    let items = all_items(ed, &format!("source={taxii}")).await;
    assert_eq!(items.len(), 1, "{items:#?}");
    assert_eq!(items[0]["title"], "Intrusion into a port management system", "{:#}", items[0]);
    // The next poll asks only for what was added after the last object the partner served.
    let (_, partner) = ed.get(&format!("/api/v1/sources/{taxii}")).await;
    let cursor = partner["cursor"].as_str().unwrap_or_else(|| panic!("a TAXII source keeps its cursor: {partner}"));
    assert!(cursor.starts_with("20") && cursor.ends_with('Z'), "{partner}");

    // A server without --allow-private-sources refuses to poll a loopback source.
    let strict = TestServer::start_with_env(s.backend, NOT_POLLING).await;
    let admin = Api::with_token(&strict, &token_for(&strict, "admin", &strict.admin_password).await);
    let id = add_source(&admin, "Loopback feed", "rss", format!("http://{fx}/rss.xml")).await;
    let report = run(&admin).await;
    let refused = outcome(&report, &id);
    assert!(refused["error"].as_str().is_some_and(|e| e.contains("private, loopback or link-local")), "{refused}");
    assert_eq!(report["new_items"], 0);
    let (_, queue) = admin.get("/api/v1/triage?state=all").await;
    assert_eq!(queue["count"], 0, "{queue}");
}
