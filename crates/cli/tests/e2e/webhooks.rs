//! Hotline messages delivered to a stakeholder's webhook: signed with HMAC-SHA256 over the
//! timestamp and body, retried after a failure, every attempt in the delivery log.

use crate::common::{Backend, Roles, TestServer, signed_in};
use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// HMAC-SHA256 written out here, apart from the server's, to check its signatures.
fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    let mut k = [0u8; 64];
    k[..key.len()].copy_from_slice(key);
    let ipad: Vec<u8> = k.iter().map(|b| b ^ 0x36).collect();
    let opad: Vec<u8> = k.iter().map(|b| b ^ 0x5c).collect();
    let inner = Sha256::digest([ipad.as_slice(), msg].concat());
    Sha256::digest([opad.as_slice(), inner.as_slice()].concat()).to_vec()
}

type Received = Arc<Mutex<Vec<(HeaderMap, String)>>>;

/// A receiver on loopback that fails its first call (503) and accepts the rest (204).
async fn receiver() -> (String, Received) {
    let received: Received = Arc::new(Mutex::new(Vec::new()));
    let calls = Arc::new(AtomicUsize::new(0));
    let (r, c) = (received.clone(), calls.clone());
    let app = Router::new().route(
        "/hook",
        post(move |headers: HeaderMap, body: String| {
            let (r, c) = (r.clone(), c.clone());
            async move {
                r.lock().expect("lock").push((headers, body));
                if c.fetch_add(1, Ordering::SeqCst) == 0 {
                    StatusCode::SERVICE_UNAVAILABLE
                } else {
                    StatusCode::NO_CONTENT
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, received)
}

async fn hotline_reaches_webhooks(backend: Backend) {
    let env = [("NORMWATCH_WEBHOOK_POLL_MS", "50"), ("NORMWATCH_WEBHOOK_RETRY_BASE_MS", "200")];
    let s = TestServer::start_with_env(backend, &env).await;
    let roles = Roles::set_up(&s).await;
    let fr = signed_in(&s, &roles.admin, "fr-desk", "contributor", Some("fr")).await;
    let (url, received) = receiver().await;
    assert_eq!(
        roles.contributor.post("/api/v1/webhooks", &json!({"stakeholder": "fr", "url": url})).await.0,
        403,
        "not its stakeholder"
    );
    let (status, p) = fr.post("/api/v1/webhooks", &json!({"stakeholder": "fr", "url": "ftp://x"})).await;
    assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!("url")));
    let (status, hook) = fr.post("/api/v1/webhooks", &json!({"stakeholder": "fr", "url": url})).await;
    assert_eq!(status, 201, "{hook}");
    let secret = hook["secret"].as_str().expect("secret").to_owned();
    let contact = |st: &str| {
        json!({"stakeholder": st, "kind": "technical", "name": format!("{st} duty"), "role_title": "Officer",
        "channels": [{"kind": "email", "value": "duty@cert.example"}], "languages": ["en"], "hours": "24/7",
        "time_zone": "UTC", "valid_from": "2024-01-01"})
    };
    let (_, jp) = roles.editor.post("/api/v1/contacts", &contact("jp")).await;
    let (_, frc) = roles.editor.post("/api/v1/contacts", &contact("fr")).await;
    let (status, sent) = roles
        .contributor
        .post(
            "/api/v1/hotline",
            &json!({"from_contact": jp["id"], "to_contacts": [frc["id"]], "severity": "critical",
            "subject": "DDoS on a registry", "body": {"en": "Requesting assistance"}, "ack_within_minutes": 60}),
        )
        .await;
    assert_eq!(status, 201, "{sent}");
    assert_eq!(sent["webhooks_queued"], 1);
    // The first attempt fails (503); the retry, 200 ms later, is accepted.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while received.lock().expect("lock").len() < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let calls = received.lock().expect("lock").clone();
    assert_eq!(calls.len(), 2, "one failure, one retry");
    let (headers, body) = &calls[1];
    let ts = headers["x-normwatch-timestamp"].to_str().expect("ts");
    let expected = format!("sha256={}", hex::encode(hmac(secret.as_bytes(), format!("{ts}.{body}").as_bytes())));
    assert_eq!(headers["x-normwatch-signature"].to_str().expect("sig"), expected, "signed over timestamp and body");
    assert_ne!(expected, format!("sha256={}", hex::encode(hmac(b"another secret", format!("{ts}.{body}").as_bytes()))));
    let event: Value = serde_json::from_str(body).expect("json");
    assert_eq!((event["event"].clone(), event["id"].clone()), (json!("hotline.message"), sent["id"].clone()));
    assert_eq!(calls[0].0["x-normwatch-delivery"], calls[1].0["x-normwatch-delivery"], "the same delivery, retried");
    // The delivery log, for the endpoint's stakeholder only.
    let path = format!("/api/v1/webhooks/{}/deliveries", hook["id"].as_str().expect("id"));
    let mut log = Value::Null;
    for _ in 0..40 {
        log = fr.get(&path).await.1;
        if log["deliveries"][0]["status"] == "delivered" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let d = &log["deliveries"][0];
    assert_eq!(
        (d["status"].clone(), d["attempts"].clone(), d["last_status"].clone()),
        (json!("delivered"), json!(2), json!(204)),
        "{log}"
    );
    assert_eq!(roles.contributor.get(&path).await.0, 403);
    // Past the deadline, the sender's own webhook is told: escalation.
    let (jp_url, jp_received) = receiver().await;
    let (status, _) = roles.contributor.post("/api/v1/webhooks", &json!({"stakeholder": "jp", "url": jp_url})).await;
    assert_eq!(status, 201);
    let sql = format!(
        "UPDATE hotline_messages SET sent_at = '2020-01-01T00:00:00.000Z' WHERE id = '{}'",
        sent["id"].as_str().expect("id")
    );
    s.execute_sql(sql).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    while jp_received.lock().expect("lock").len() < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let escalations = jp_received.lock().expect("lock").clone();
    assert!(escalations.len() >= 2, "the escalation was delivered (after one refused attempt)");
    let event: Value = serde_json::from_str(&escalations[1].1).expect("json");
    assert_eq!(event["event"], "hotline.escalated");
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    assert_eq!(jp_received.lock().expect("lock").len(), 2, "escalated once, not every round");
}

#[tokio::test]
async fn sqlite_hotline_reaches_webhooks() {
    hotline_reaches_webhooks(Backend::Sqlite).await
}

#[tokio::test]
async fn postgres_hotline_reaches_webhooks() {
    hotline_reaches_webhooks(Backend::Postgres).await
}
