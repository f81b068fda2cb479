//! Polling sources served by a local HTTP server that the test starts: every feed kind, a
//! malformed feed, a 304 after an ETag, one that times out, one too large, and the refusal of
//! private addresses without `allow_private`.
use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use normwatch_collect::poll::{PollError, Polled, poll};
use normwatch_collect::{Admission, Deduper, FetchError, Fetcher, Health, Limits, Source, SourceConfig, Validators};
use std::net::SocketAddr;
use std::time::Duration;
use time::OffsetDateTime;

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

async fn etagged(headers: HeaderMap) -> impl IntoResponse {
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some("\"v1\"") {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, "\"v1\"")], String::new());
    }
    (StatusCode::OK, [(header::ETAG, "\"v1\"")], fixture("rss.xml"))
}

async fn serve() -> SocketAddr {
    let file = |name: &'static str| get(move || async move { fixture(name) });
    let app = Router::new()
        .route("/rss.xml", file("rss.xml"))
        .route("/atom.xml", file("atom.xml"))
        .route("/feed.json", file("feed.json"))
        .route("/malformed.xml", file("malformed.xml"))
        .route("/bundle.json", file("stix-bundle.json"))
        .route("/kev.json", file("kev.json"))
        .route("/misp/manifest.json", file("misp/manifest.json"))
        .route(
            "/misp/5b2f1f7e-1c2d-4e5f-9a0b-000000000001.json",
            file("misp/5b2f1f7e-1c2d-4e5f-9a0b-000000000001.json"),
        )
        .route(
            "/misp/5b2f1f7e-1c2d-4e5f-9a0b-000000000002.json",
            file("misp/5b2f1f7e-1c2d-4e5f-9a0b-000000000002.json"),
        )
        .route("/etag.xml", get(etagged))
        .route(
            "/slow.xml",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(10)).await;
                fixture("rss.xml")
            }),
        )
        .route("/big.xml", get(|| async { "x".repeat(300_000) }))
        .route("/gone.xml", get(|| async { StatusCode::NOT_FOUND }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    addr
}

fn source(kind: &str, url: String) -> Source {
    Source::from_config(&SourceConfig {
        name: format!("{kind} fixture"),
        kind: kind.into(),
        url,
        interval_secs: Some(600),
    })
    .expect("valid source")
}

fn limits() -> Limits {
    Limits { max_bytes: 200_000, timeout: Duration::from_millis(800) }
}

#[tokio::test]
async fn every_kind_polls_items_appear_once_and_a_bad_source_stops_none() {
    let addr = serve().await;
    let fetcher = Fetcher::new(limits(), true).expect("client");
    let sources = [
        source("rss", format!("http://{addr}/rss.xml")),
        source("rss", format!("http://{addr}/malformed.xml")),
        source("atom", format!("http://{addr}/atom.xml")),
        source("json-feed", format!("http://{addr}/feed.json")),
        source("misp", format!("http://{addr}/misp/manifest.json")),
        source("stix-bundle", format!("http://{addr}/bundle.json")),
        source("exploited-vulnerabilities", format!("http://{addr}/kev.json")),
        source("rss", format!("http://{addr}/gone.xml")),
    ];
    let now = OffsetDateTime::UNIX_EPOCH;
    let mut dedupe = Deduper::new();
    let mut kept = Vec::new();
    let mut healths = Vec::new();
    for round in 0..2 {
        for s in &sources {
            let mut health = Health::new(now);
            match poll(&fetcher, s, &Validators::default(), None).await {
                Ok(Polled::Items { items, .. }) => {
                    let n = items.len() as u64;
                    for item in items {
                        if let Admission::New { cluster, .. } = dedupe.admit(&item) {
                            kept.push((item, cluster));
                        }
                    }
                    health.succeeded(now, s.interval, n, None);
                }
                Ok(Polled::NotModified) => health.succeeded(now, s.interval, 0, None),
                Err(e) => health.failed(now, s.interval, &e.to_string()),
            }
            if round == 0 {
                healths.push((s.url.to_string(), health));
            }
        }
    }
    // 2 RSS + 2 Atom + 2 JSON Feed + 2 MISP events + 1 STIX report + 1 CVE, each once.
    assert_eq!(kept.len(), 10, "{:#?}", kept.iter().map(|(i, _)| &i.canonical_url).collect::<Vec<_>>());
    assert!(kept.iter().any(|(i, _)| i.title == "Espionage campaign against foreign ministry"));
    assert!(kept.iter().any(|(i, _)| i.language.as_deref() == Some("ja")));
    let failed: Vec<&str> = healths.iter().filter(|(_, h)| h.failures == 1).map(|(u, _)| u.as_str()).collect();
    assert_eq!(failed.len(), 2, "{healths:#?}");
    assert!(failed[0].ends_with("/malformed.xml") && failed[1].ends_with("/gone.xml"));
    let malformed = &healths[1].1;
    assert!(
        malformed.last_error.as_deref().is_some_and(|e| e.starts_with("not an RSS, Atom or JSON feed")),
        "{malformed:?}"
    );
    assert_eq!(healths[0].1.items_seen, 2);
}

#[tokio::test]
async fn conditional_get_answers_not_modified() {
    let addr = serve().await;
    let fetcher = Fetcher::new(limits(), true).expect("client");
    let s = source("rss", format!("http://{addr}/etag.xml"));
    let Polled::Items { items, validators, .. } =
        poll(&fetcher, &s, &Validators::default(), None).await.expect("first poll")
    else {
        panic!("first poll has a body");
    };
    assert_eq!(items.len(), 2);
    assert_eq!(validators.etag.as_deref(), Some("\"v1\""));
    assert!(matches!(poll(&fetcher, &s, &validators, None).await.expect("second poll"), Polled::NotModified));
}

#[tokio::test]
async fn time_and_size_limits_hold() {
    let addr = serve().await;
    let fetcher = Fetcher::new(limits(), true).expect("client");
    let started = std::time::Instant::now();
    let slow = poll(&fetcher, &source("rss", format!("http://{addr}/slow.xml")), &Validators::default(), None).await;
    assert!(matches!(slow, Err(PollError::Fetch(FetchError::Timeout(_)))), "{slow:?}");
    assert!(started.elapsed() < Duration::from_secs(5));
    let big = poll(&fetcher, &source("rss", format!("http://{addr}/big.xml")), &Validators::default(), None).await;
    assert!(matches!(big, Err(PollError::Fetch(FetchError::TooLarge { limit: 200_000 }))), "{big:?}");
}

#[tokio::test]
async fn private_addresses_are_refused_without_allow_private() {
    let addr = serve().await;
    let guarded = Fetcher::new(limits(), false).expect("client");
    for url in [format!("http://{addr}/rss.xml"), format!("http://localhost:{}/rss.xml", addr.port())] {
        let r = poll(&guarded, &source("rss", url.clone()), &Validators::default(), None).await;
        match r {
            Err(PollError::Fetch(FetchError::Refused { addr: ip, .. })) => assert!(ip.is_loopback(), "{url}: {ip}"),
            other => panic!("{url}: expected a refusal, got {other:?}"),
        }
    }
    // The same server is fine when the operator allows private sources.
    let open = Fetcher::new(limits(), true).expect("client");
    assert!(
        poll(&open, &source("rss", format!("http://localhost:{}/rss.xml", addr.port())), &Validators::default(), None)
            .await
            .is_ok()
    );
}
