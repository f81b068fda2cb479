//! Two `normwatch serve` processes on one database: what is written through one is served by the
//! other within a second — its search index, its figures, its log and TAXII follow the database,
//! not their own memory — and publications through both at once make one consistent log.

use crate::common::{Api, Roles, TestServer, file_and_publish, reviewers};
use serde_json::{Value, json};
use std::time::{Duration, Instant};

on_both_backends!(two_servers_on_one_database_see_each_others_writes);

fn incident(title: &str) -> Value {
    json!({"title": {"en": title}, "operation_types": ["data-destruction"], "started": "2026-03-01",
        "targets": [{"name": "Grid operator", "country": "EE", "sector": "ci.energy"}], "stakeholder": "jp", "tlp": "clear"})
}

/// Waits up to a second for `seen` to hold; the time it took, or the failure with what was last seen.
async fn within_a_second<F, Fut>(what: &str, mut seen: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    let start = Instant::now();
    loop {
        match seen().await {
            Ok(()) => return start.elapsed(),
            Err(last) if start.elapsed() > Duration::from_secs(1) => panic!("{what} not seen within 1 s: {last}"),
            Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
        }
    }
}

/// What a server shows of an incident titled `title`: in the search, on the home page, by id.
async fn shows(api: &Api, s: &TestServer, title: &str, id: &str) -> Result<(), String> {
    let (_, page) = api.get(&format!("/api/v1/incidents?q={}", title.replace(' ', "+"))).await;
    if page["total"] != 1 {
        return Err(format!("search: {page}"));
    }
    let home = s.get("/?lang=en").await.text().await.unwrap_or_default();
    if !home.contains(title) {
        return Err("the home page's latest incidents".into());
    }
    match api.get(&format!("/api/v1/incidents/{id}")).await {
        (200, _) => Ok(()),
        (status, body) => Err(format!("GET the incident: {status} {body}")),
    }
}

async fn log_size(s: &TestServer) -> u64 {
    let text = s.get("/log/checkpoint").await.text().await.expect("checkpoint");
    text.lines().nth(1).and_then(|l| l.parse().ok()).unwrap_or_else(|| panic!("a checkpoint: {text}"))
}

async fn two_servers_on_one_database_see_each_others_writes(a: TestServer) {
    let b = a.second_server();
    let roles = Roles::set_up(&a).await;
    let (r1, r2) = reviewers(&a, &roles.admin).await;
    let (on_a, on_b) = (roles.reader.clone(), roles.reader.on(&b));
    // Both have answered a search and drawn the home page before the writes: what they keep in
    // memory (the index, the figures) is built and must follow.
    for (api, s) in [(&on_a, &a), (&on_b, &b)] {
        assert_eq!(api.get("/api/v1/incidents").await.1["total"], 0);
        assert_eq!(s.get("/").await.status(), 200);
    }

    // Written and published through A, served by B.
    let first = file_and_publish(&roles.contributor, &r1, &r2, "/api/v1/incidents", &incident("Turbine wiper")).await;
    let took = within_a_second("A's publication through B", || shows(&on_b, &b, "Turbine wiper", &first)).await;
    eprintln!("B served A's publication after {took:?}");

    // Written and published through B (the same accounts: sessions and tokens are in the
    // database), served by A.
    let (author, s1, s2) = (roles.contributor.on(&b), r1.on(&b), r2.on(&b));
    let second = file_and_publish(&author, &s1, &s2, "/api/v1/incidents", &incident("Substation outage")).await;
    within_a_second("B's publication through A", || shows(&on_a, &a, "Substation outage", &second)).await;

    // Publications through both at once make one log: every leaf once, the same size and root
    // on both, and the audit recomputes each leaf from the records.
    let mut drafts = Vec::new();
    for n in 0..6 {
        let through = if n % 2 == 0 { &a } else { &b };
        let (st, body) =
            roles.contributor.on(through).post("/api/v1/incidents", &incident(&format!("Relay fault {n}"))).await;
        assert_eq!(st, 201, "{body}");
        drafts.push((through, body["id"].as_str().expect("id").to_owned()));
    }
    let mut publications = tokio::task::JoinSet::new();
    for (through, id) in &drafts {
        let (author, r1, r2) = (roles.contributor.on(through), r1.on(through), r2.on(through));
        let path = format!("/api/v1/incidents/{id}");
        publications.spawn(async move { crate::common::publish_through_review(&author, &r1, &r2, &path).await });
    }
    let published = publications.join_all().await;
    let mut indexes: Vec<u64> = published.iter().map(|p| p["log_index"].as_u64().expect("a log index")).collect();
    indexes.sort_unstable();
    indexes.dedup();
    assert_eq!(indexes.len(), 6, "each publication has a leaf of its own: {indexes:?}");
    within_a_second("one log size on both", || async {
        let (x, y) = (log_size(&a).await, log_size(&b).await);
        if x == y { Ok(()) } else { Err(format!("A {x}, B {y}")) }
    })
    .await;
    for (api, s) in [(&on_a, &a), (&on_b, &b)] {
        assert_eq!(api.get("/api/v1/incidents?q=Relay").await.1["total"], 6, "{}", s.url);
    }
    let audit = a.cli(&["log", "audit"]);
    assert!(audit.status.success(), "{}", String::from_utf8_lossy(&audit.stderr));

    // TAXII through B carries what was published through A.
    let (_, collections) = on_b.get("/taxii2/api/collections/").await;
    let mut found = false;
    for c in collections["collections"].as_array().into_iter().flatten() {
        let id = c["id"].as_str().expect("collection id");
        let (_, objects) = on_b.get(&format!("/taxii2/api/collections/{id}/objects/?match[type]=incident")).await;
        found |= objects.to_string().contains("Turbine wiper");
    }
    assert!(found, "B's TAXII serves the incident published through A");
}
