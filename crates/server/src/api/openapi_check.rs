//! The OpenAPI document against the router and the error mapping: every route the router serves
//! is documented and nothing else is; every problem response is problem+json with a status the
//! error mapping produces; and generic bad requests (a bad query, a bad token, a body that is
//! not JSON, malformed or too large, an unknown id) get only documented statuses, anonymously and
//! as an admin. Schemathesis (crates/cli/tests/schemathesis.rs) then tries real data.
use super::{OPENAPI, served};
use crate::error::ApiError;
use axum::body::Body;
use axum::http::{Method, Request, header};
use normwatch_core::FieldError;
use normwatch_store::StoreError;
use serde_json::Value;
use std::collections::BTreeSet;
use tower::ServiceExt;

fn document() -> Value {
    serde_json::from_str(OPENAPI).expect("openapi.json is JSON")
}

/// Every documented operation: (method, path, operation).
fn operations(doc: &Value) -> Vec<(Method, String, Value)> {
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("path item") {
            if let Ok(m) = method.to_uppercase().parse::<Method>()
                && matches!(m, Method::GET | Method::POST | Method::PUT | Method::DELETE | Method::PATCH)
            {
                out.push((m, path.clone(), op.clone()));
            }
        }
    }
    out
}

/// A response with its `$ref` (to `#/components/responses/…`) followed.
fn resolve<'a>(doc: &'a Value, response: &'a Value) -> &'a Value {
    match response["$ref"].as_str().and_then(|r| r.strip_prefix("#/components/responses/")) {
        Some(name) => &doc["components"]["responses"][name],
        None => response,
    }
}

fn documented_statuses(op: &Value) -> BTreeSet<u16> {
    op["responses"].as_object().expect("responses").keys().filter_map(|k| k.parse().ok()).collect()
}

/// The statuses the one error mapping answers with, but for internal failures (500).
fn problem_statuses() -> BTreeSet<u16> {
    let field = || FieldError::new("f", "r");
    let errors = [
        ApiError::NotFound { kind: "k", id: "i".into() },
        ApiError::NoRoute("/".into()),
        ApiError::MethodNotAllowed { method: Method::PATCH, path: "/".into() },
        ApiError::InvalidParameter(field()),
        ApiError::InvalidBody(field()),
        ApiError::InvalidField(field()),
        ApiError::PayloadTooLarge { limit: 1 },
        ApiError::UnsupportedMediaType,
        ApiError::Unauthenticated("u".into()),
        ApiError::Forbidden { role: "r".into(), right: "x", scope: String::new() },
        ApiError::CsrfRejected,
        ApiError::TooManyRequests { retry_after: 1 },
        ApiError::Unavailable(StoreError::NotFound),
        ApiError::Store(StoreError::Rejected(field())),
        ApiError::Store(StoreError::Conflict("c".into())),
        ApiError::Store(StoreError::NotFound),
        ApiError::Peer("p".into()),
    ];
    for e in &errors {
        // No wildcard: a new variant does not compile here until it is listed above (or below,
        // if it is an internal failure).
        match e {
            ApiError::NotFound { .. }
            | ApiError::NoRoute(_)
            | ApiError::MethodNotAllowed { .. }
            | ApiError::InvalidParameter(_)
            | ApiError::InvalidBody(_)
            | ApiError::InvalidField(_)
            | ApiError::PayloadTooLarge { .. }
            | ApiError::UnsupportedMediaType
            | ApiError::Unauthenticated(_)
            | ApiError::Forbidden { .. }
            | ApiError::CsrfRejected
            | ApiError::TooManyRequests { .. }
            | ApiError::Unavailable(_)
            | ApiError::Peer(_)
            | ApiError::Store(_) => {}
            // Internal: 500, a bug, never documented.
            ApiError::Blob(_) => {}
        }
    }
    errors.iter().map(|e| e.status().as_u16()).filter(|s| *s != 500).collect()
}

#[test]
fn every_served_route_is_documented_and_nothing_else() {
    let doc = document();
    let served: BTreeSet<(String, String)> = served().into_iter().map(|(m, p)| (m.to_string(), p)).collect();
    let documented: BTreeSet<(String, String)> =
        operations(&doc).into_iter().map(|(m, p, _)| (m.to_string(), p)).collect();
    assert!(served.len() > 100, "the router lists what it serves ({} routes)", served.len());
    let undocumented: Vec<_> = served.difference(&documented).collect();
    assert!(undocumented.is_empty(), "served but not in openapi.json: {undocumented:?}");
    let unserved: Vec<_> = documented.difference(&served).collect();
    assert!(unserved.is_empty(), "in openapi.json but not served: {unserved:?}");
}

#[test]
fn problem_responses_are_problem_json_the_mapping_can_produce() {
    let doc = document();
    let producible = problem_statuses();
    for (method, path, op) in operations(&doc) {
        let statuses = documented_statuses(&op);
        for status in &statuses {
            let response = resolve(&doc, &op["responses"][status.to_string()]);
            assert!(response.is_object(), "{method} {path} {status}: the response is defined");
            if *status < 400 {
                continue;
            }
            // 5xx are failures, not part of the contract; only health reports the database down,
            // and a peer sync a peer that failed (502).
            assert!(
                *status < 500
                    || (*status == 503 && path == "/health")
                    || (*status == 502 && path == "/peers/{id}/sync"),
                "{method} {path} documents {status}: a server error is a bug, not an answer"
            );
            assert!(producible.contains(status), "{method} {path} documents {status}, which ApiError never answers");
            let content = response["content"].as_object().expect("content");
            assert_eq!(
                content.keys().collect::<Vec<_>>(),
                ["application/problem+json"],
                "{method} {path} {status} is a problem document"
            );
            assert_eq!(content["application/problem+json"]["schema"]["$ref"], "#/components/schemas/Problem");
        }
        let json_body = !op["requestBody"]["content"]["application/json"].is_null();
        if json_body {
            for s in [400, 413, 415] {
                assert!(statuses.contains(&s), "{method} {path} reads a JSON body and can answer {s}");
            }
        }
        if op.get("security").is_some() {
            assert!(statuses.contains(&401), "{method} {path} needs a sign-in and can answer 401");
        }
        if path.contains('{') {
            assert!(statuses.contains(&404), "{method} {path} looks its path up and can answer 404");
        }
    }
}

/// A temporary directory, removed however the test ends.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A router on a fresh SQLite database with the built-in catalogue and an admin's token, as
/// `serve` sets it up.
async fn app() -> (axum::Router, String, TempDir) {
    let dir = TempDir(std::env::temp_dir().join(format!("normwatch-openapi-{}", uuid::Uuid::new_v4().simple())));
    std::fs::create_dir_all(&dir.0).expect("temp dir");
    let store = normwatch_store::Store::connect(&format!("sqlite://{}", dir.0.join("db.sqlite").display()))
        .await
        .expect("store");
    let catalog = normwatch_core::Catalog::from_files(&normwatch_core::CatalogFile::embedded()).expect("catalogue");
    store.load_catalog(&catalog).await.expect("load catalogue");
    let blobs = normwatch_store::BlobStore::local(&dir.0.join("blobs")).expect("blobs");
    let key = normwatch_ledger::InstanceKey::from_seed("test.invalid/normwatch", [7; 32]).expect("key");
    let actor = normwatch_store::Actor::system();
    let admin = store
        .create_account(
            &actor,
            &normwatch_store::NewAccount {
                username: "admin".into(),
                display_name: "Admin".into(),
                role: normwatch_core::Role::Admin,
                stakeholder: None,
                password_hash: "unused".into(),
                must_change_password: false,
            },
        )
        .await
        .expect("admin");
    let secret = format!("{}{}", crate::auth::TOKEN_PREFIX, crate::auth::random_secret());
    store.create_token(&actor, &admin.id, "t", &crate::auth::secret_hash(&secret), None).await.expect("token");
    let state = crate::AppState::new(store, blobs, key).await.expect("state");
    (crate::router(state), secret, dir)
}

/// One generic request an operation is sent.
#[derive(Debug, Clone)]
struct Probe {
    what: &'static str,
    /// Another path than the operation's with an unknown id.
    path: Option<String>,
    query: &'static str,
    authorization: Option<String>,
    content_type: Option<&'static str>,
    body: String,
}

impl Probe {
    fn new(what: &'static str) -> Probe {
        Probe { what, path: None, query: "", authorization: None, content_type: None, body: String::new() }
    }

    fn path(self, path: String) -> Probe {
        Probe { path: Some(path), ..self }
    }

    fn query(self, query: &'static str) -> Probe {
        Probe { query, ..self }
    }

    fn authorization(self, value: &str) -> Probe {
        Probe { authorization: Some(value.to_owned()), ..self }
    }

    fn body(self, content_type: &'static str, body: &str) -> Probe {
        Probe { content_type: Some(content_type), body: body.to_owned(), ..self }
    }
}

#[tokio::test]
async fn generic_bad_requests_get_documented_statuses() {
    let doc = document();
    let (router, admin_token, _dir) = app().await;
    let admin = format!("Bearer {admin_token}");
    let oversized = format!("\"{}\"", "x".repeat(crate::MAX_BODY_BYTES + 1));
    let mut wrong = Vec::new();
    let mut sent = 0;
    for (method, path, op) in operations(&doc) {
        let documented = documented_statuses(&op);
        let concrete = format!("/api/v1{}", path.replace("{id}", "nothing-here").replace("{name}", "nothing-here"));
        // A NUL in a path parameter names nothing.
        let with_nul = format!("/api/v1{}", path.replace("{id}", "a%00b").replace("{name}", "a%00b"));
        let mut probes = vec![
            Probe::new("plain"),
            Probe::new("bad lang").query("?lang=xx"),
            Probe::new("unknown parameter").query("?no_such_parameter=1"),
            Probe::new("unknown token").authorization("Bearer nwt_unknown"),
            Probe::new("not a bearer token").authorization("Basic YTpi"),
            Probe::new("NUL in the query").query("?q=a%00b"),
        ];
        if !op["requestBody"]["content"]["application/json"].is_null() {
            probes.push(Probe::new("empty object").body("application/json", "{}"));
            probes.push(Probe::new("not JSON").body("text/plain", "hello"));
            probes.push(Probe::new("malformed JSON").body("application/json", "{"));
            probes.push(Probe::new("too large").body("application/json", &oversized));
            probes.push(Probe::new("NUL in a text").body("application/json", r#"{"id": "a\u0000b"}"#));
        }
        // Each probe without credentials again as the admin, who gets past the sign-in checks.
        if with_nul != concrete {
            probes.push(Probe::new("NUL in the path").path(with_nul));
        }
        let as_admin: Vec<Probe> =
            probes.iter().filter(|p| p.authorization.is_none()).map(|p| p.clone().authorization(&admin)).collect();
        for probe in probes.into_iter().chain(as_admin) {
            let target = probe.path.as_deref().unwrap_or(&concrete);
            let mut request = Request::builder().method(method.clone()).uri(format!("{target}{}", probe.query));
            if let Some(a) = &probe.authorization {
                request = request.header(header::AUTHORIZATION, a);
            }
            if let Some(c) = probe.content_type {
                request = request.header(header::CONTENT_TYPE, c);
            }
            let response = router.clone().oneshot(request.body(Body::from(probe.body)).expect("request")).await;
            let status = response.expect("infallible").status();
            sent += 1;
            let who = if probe.authorization.as_deref() == Some(admin.as_str()) { "admin" } else { "anonymous" };
            if status.is_server_error() || !documented.contains(&status.as_u16()) {
                wrong.push(format!("{method} {path} ({}, {who}): {status}", probe.what));
            }
        }
    }
    assert!(sent > 1000, "{sent} requests");
    assert!(wrong.is_empty(), "undocumented statuses:\n{}", wrong.join("\n"));
}
