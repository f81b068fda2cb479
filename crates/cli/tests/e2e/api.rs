//! The JSON API over HTTP, against the real server, on SQLite and PostgreSQL.

use crate::common::{Backend, TestServer};
use serde_json::{Value, json};

on_both_backends!(
    health_names_the_backend,
    twenty_norms_each_in_japanese_and_english,
    gcsc_1_addresses_non_state_actors_and_cites_the_gcsc,
    two_documents_resolve_to_the_same_norm,
    japanese_full_text_search,
    english_and_short_japanese_search,
    filters_by_principle_and_addressee,
    unknown_norm_is_a_404_problem,
    bad_parameters_are_400_problems_naming_them,
    language_from_parameter_and_accept_language,
    whole_catalogue_and_taxonomies,
    etag_answers_304_when_unchanged,
    openapi_document_describes_live_routes,
    unknown_routes_and_methods_are_problems,
);

fn ids(body: &Value) -> Vec<String> {
    body["norms"].as_array().expect("norms array").iter().map(|n| n["id"].as_str().expect("id").to_owned()).collect()
}

async fn problem(s: &TestServer, path: &str, status: u16) -> Value {
    let r = s.get(path).await;
    assert_eq!(r.status(), status, "GET {path}");
    assert_eq!(r.headers()["content-type"], "application/problem+json", "GET {path}");
    let body: Value = r.json().await.expect("problem JSON");
    assert_eq!(body["status"], status);
    assert!(body["type"].as_str().is_some_and(|t| t.starts_with("urn:normwatch:problem:")), "{body}");
    assert!(body["title"].is_string() && body["detail"].is_string(), "{body}");
    body
}

async fn health_names_the_backend(s: TestServer) {
    let h = s.json("/api/v1/health").await;
    assert_eq!(h["status"], "ok");
    let expected = match s.backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    };
    assert_eq!(h["database"], expected);
    assert_eq!(h["catalog"]["version"], 1);
    assert!(h["log_verifier_key"].as_str().is_some_and(|k| k.starts_with("localhost/normwatch+")), "{h}");
    if s.backend == Backend::Sqlite {
        assert!(s.data_dir.join("normwatch.db").is_file(), "first run creates the SQLite file");
    }
    assert!(s.data_dir.join("keys/log.key").is_file(), "first run creates the signing key");
}

async fn twenty_norms_each_in_japanese_and_english(s: TestServer) {
    let body = s.json("/api/v1/norms?lang=all").await;
    assert_eq!(body["count"], 20);
    let norms = body["norms"].as_array().expect("array");
    assert_eq!(norms.len(), 20);
    for n in norms {
        for field in ["title", "summary"] {
            for lang in ["ja", "en"] {
                let text = n[field][lang].as_str().unwrap_or("");
                assert!(!text.trim().is_empty(), "{} {field}.{lang} is empty", n["id"]);
            }
        }
        let ja = n["summary"]["ja"].as_str().unwrap_or("");
        assert!(ja.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)), "{}: Japanese summary has kana", n["id"]);
    }
}

async fn gcsc_1_addresses_non_state_actors_and_cites_the_gcsc(s: TestServer) {
    let n = s.json("/api/v1/norms/gcsc-1").await;
    let addressees: Vec<&str> = n["addressees"].as_array().expect("array").iter().filter_map(Value::as_str).collect();
    assert!(addressees.contains(&"non-state-actors") && addressees.contains(&"states"), "{addressees:?}");
    assert!(n["sources"].as_array().expect("sources").iter().any(|src| src["document"] == "gcsc-2019"));
    assert!(n["assets"].as_array().expect("assets").iter().any(|a| a.as_str().is_some_and(|a| a.starts_with("pc"))));
    let related: Vec<&str> = n["related"].as_array().expect("related").iter().filter_map(Value::as_str).collect();
    assert!(related.contains(&"gge-f"), "{related:?}");
    // The UN GGE norms address states only: the non-state filter leaves them out.
    let nsa = ids(&s.json("/api/v1/norms?addressee=non-state-actors").await);
    assert!(nsa.contains(&"gcsc-1".to_owned()));
    assert!(nsa.iter().all(|id| !id.starts_with("gge-")), "{nsa:?}");
}

async fn two_documents_resolve_to_the_same_norm(s: TestServer) {
    let gge = ids(&s.json("/api/v1/norms?source=un-gge-2015&paragraph=13(f)").await);
    let lucca = ids(&s.json("/api/v1/norms?source=g7-lucca-2017&paragraph=6").await);
    assert_eq!(gge, vec!["gge-f"]);
    assert_eq!(lucca, gge, "G7 Lucca item 6 is UN GGE 13(f)");
    // Paragraph spelling does not matter.
    assert_eq!(ids(&s.json("/api/v1/norms?source=un-gge-2015&paragraph=13%20(F)").await), gge);
    // All of G7 Lucca's norms: the 11 UN GGE norms and the G20 one.
    let all_lucca = ids(&s.json("/api/v1/norms?source=g7-lucca-2017").await);
    assert_eq!(all_lucca.len(), 12, "{all_lucca:?}");
    assert!(all_lucca.contains(&"g20-ip-theft".to_owned()));
}

async fn japanese_full_text_search(s: TestServer) {
    let body = s.json("/api/v1/norms?q=%E8%84%86%E5%BC%B1%E6%80%A7&lang=all").await; // 脆弱性
    let found = ids(&body);
    assert!(found.contains(&"gcsc-5".to_owned()) && found.contains(&"gcsc-6".to_owned()), "{found:?}");
    for n in body["norms"].as_array().expect("array") {
        let text = format!("{}{}", n["title"]["ja"], n["summary"]["ja"]);
        assert!(text.contains("脆弱性"), "{} matched without the word", n["id"]);
    }
    assert!(found.len() < 20, "the search narrows");
    // Several words: all must occur.
    let both = ids(&s.json("/api/v1/norms?q=脆弱性%20開示").await);
    assert!(!both.is_empty() && both.iter().all(|id| found.contains(id)), "{both:?} ⊆ {found:?}");
    assert!(both.contains(&"gcsc-5".to_owned()));
}

async fn english_and_short_japanese_search(s: TestServer) {
    let en = ids(&s.json("/api/v1/norms?q=VULNERABILIT").await);
    assert!(en.contains(&"gcsc-5".to_owned()) && en.contains(&"gcsc-6".to_owned()), "case-insensitive: {en:?}");
    // Two characters: below the trigram length, still found.
    let body = s.json("/api/v1/norms?q=%E9%81%B8%E6%8C%99&lang=ja").await; // 選挙
    let found = ids(&body);
    assert!(found.contains(&"gcsc-2".to_owned()), "{found:?}");
    let none = s.json("/api/v1/norms?q=zzqxv-no-such-word").await;
    assert_eq!(none["count"], 0);
    // LIKE wildcards are searched for literally.
    assert_eq!(s.json("/api/v1/norms?q=%25").await["count"], 0);
}

async fn filters_by_principle_and_addressee(s: TestServer) {
    let hr = ids(&s.json("/api/v1/norms?principle=human-rights").await);
    assert!(!hr.is_empty() && hr.len() < 20, "{hr:?}");
    for id in &hr {
        let n = s.json(&format!("/api/v1/norms/{id}")).await;
        assert!(n["principles"].as_array().expect("array").iter().any(|p| p == "human-rights"), "{id}");
    }
    let producers = ids(&s.json("/api/v1/norms?addressee=producers").await);
    assert!(producers.contains(&"gcsc-6".to_owned()), "{producers:?}");
    let both = ids(&s.json("/api/v1/norms?addressee=both").await);
    assert!(both.contains(&"gcsc-1".to_owned()) && both.iter().all(|id| id.starts_with("gcsc-")), "{both:?}");
}

async fn unknown_norm_is_a_404_problem(s: TestServer) {
    let p = problem(&s, "/api/v1/norms/gge-z", 404).await;
    assert_eq!(p["id"], "gge-z");
    assert_eq!(p["resource"], "norm");
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("gge-z")));
    let p = problem(&s, "/api/v1/taxonomies/no-such-taxonomy", 404).await;
    assert_eq!(p["resource"], "taxonomy");
}

async fn bad_parameters_are_400_problems_naming_them(s: TestServer) {
    for (path, field) in [
        ("/api/v1/norms?lang=fr", "lang"),
        ("/api/v1/norms/gcsc-1?lang=", "lang"),
        ("/api/v1/catalog?lang=xx", "lang"),
        ("/api/v1/norms?source=un-gge-2051", "source"),
        ("/api/v1/norms?paragraph=6", "paragraph"),
        ("/api/v1/norms?addressee=pirates", "addressee"),
        ("/api/v1/norms?principle=speed", "principle"),
        ("/api/v1/norms?sauce=un-gge-2015", "sauce"),
        ("/api/v1/norms?source=", "source"),
        ("/api/v1/norms/gcsc-1?verbose=1", "verbose"),
    ] {
        let p = problem(&s, path, 400).await;
        assert_eq!(p["errors"][0]["field"], field, "{path}: {p}");
        assert!(p["errors"][0]["reason"].as_str().is_some_and(|r| !r.is_empty()));
    }
    let long = "a".repeat(201);
    let p = problem(&s, &format!("/api/v1/norms?q={long}"), 400).await;
    assert_eq!(p["errors"][0]["field"], "q");
}

async fn language_from_parameter_and_accept_language(s: TestServer) {
    let ja = s.json("/api/v1/norms/gge-f?lang=ja").await;
    let en = s.json("/api/v1/norms/gge-f?lang=en").await;
    assert!(ja["title"].is_string() && en["title"].is_string());
    assert_ne!(ja["title"], en["title"]);
    let client = reqwest::Client::new();
    let r =
        client.get(s.at("/api/v1/norms/gge-f")).header("Accept-Language", "ja-JP, en;q=0.5").send().await.expect("get");
    assert_eq!(r.headers()["content-language"], "ja");
    let by_header: Value = r.json().await.expect("json");
    assert_eq!(by_header["title"], ja["title"]);
    // The parameter wins over the header.
    let r = client.get(s.at("/api/v1/norms/gge-f?lang=en")).header("Accept-Language", "ja").send().await.expect("get");
    assert_eq!(r.json::<Value>().await.expect("json")["title"], en["title"]);
    // Neither: both languages.
    let all = s.json("/api/v1/norms/gge-f").await;
    assert_eq!(all["title"]["ja"], ja["title"]);
    assert_eq!(all["title"]["en"], en["title"]);
}

async fn whole_catalogue_and_taxonomies(s: TestServer) {
    let c = s.json("/api/v1/catalog").await;
    assert_eq!(c["documents"].as_array().map(Vec::len), Some(4));
    assert_eq!(c["principles"].as_array().map(Vec::len), Some(4));
    assert_eq!(c["framework"].as_array().map(Vec::len), Some(7));
    assert_eq!(c["recommendations"].as_array().map(Vec::len), Some(6));
    assert_eq!(c["norms"].as_array().map(Vec::len), Some(20));
    assert_eq!(c["meta"]["version"], "2026.1");
    let list = s.json("/api/v1/taxonomies").await;
    let tax: Vec<&str> =
        list["taxonomies"].as_array().expect("array").iter().filter_map(|t| t["id"].as_str()).collect();
    for t in
        ["public-core", "electoral", "critical-infrastructure", "emergency-response", "confidence", "response-types"]
    {
        assert!(tax.contains(&t), "{t} in {tax:?}");
    }
    let pc = s.json("/api/v1/taxonomies/public-core?lang=en").await;
    assert_eq!(pc["kind"], "assets");
    let terms = pc["terms"].as_array().expect("terms");
    assert!(terms.iter().any(|t| t["id"] == "pc.routing" && t["label"].is_string()));
    assert!(terms.iter().filter(|t| t["parent"] == "pc").count() == 6);
    let icd = s.json("/api/v1/taxonomies/confidence").await;
    assert_eq!(icd["terms"].as_array().map(Vec::len), Some(7));
    assert!(
        icd["terms"]
            .as_array()
            .expect("terms")
            .iter()
            .all(|t| t["probability"].as_array().is_some_and(|p| p.len() == 2))
    );
}

async fn etag_answers_304_when_unchanged(s: TestServer) {
    let r = s.get("/api/v1/norms?lang=en").await;
    let etag = r.headers()["etag"].to_str().expect("etag").to_owned();
    let client = reqwest::Client::new();
    let again = client.get(s.at("/api/v1/norms?lang=en")).header("If-None-Match", &etag).send().await.expect("get");
    assert_eq!(again.status(), 304);
    let other = client.get(s.at("/api/v1/norms?lang=ja")).header("If-None-Match", &etag).send().await.expect("get");
    assert_eq!(other.status(), 200, "another representation has another ETag");
}

async fn openapi_document_describes_live_routes(s: TestServer) {
    let doc = s.json("/api/v1/openapi.json").await;
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().expect("paths");
    for expected in [
        "/health",
        "/catalog",
        "/norms",
        "/norms/{id}",
        "/taxonomies",
        "/taxonomies/{name}",
        "/tokens",
        "/stakeholders",
        "/positions",
        "/evidence",
        "/legal-positions",
        "/adoption",
        "/audit",
        "/incidents",
        "/incidents/{id}/screening",
        "/incidents/{id}/evidence",
        "/assessments/{id}/publish",
        "/statements/{id}/verify",
        "/metrics/attribution-lag",
    ] {
        assert!(paths.contains_key(expected), "{expected} documented");
    }
    for (path, item) in paths {
        // Every documented operation is routed: an anonymous call never gets the no-route 404.
        for (method, op) in item.as_object().expect("path item") {
            let mut concrete = path.clone();
            for p in op["parameters"].as_array().into_iter().flatten() {
                if p["in"] == "path" {
                    let example = p["example"].as_str().unwrap_or("x");
                    concrete = concrete.replace(&format!("{{{}}}", p["name"].as_str().expect("name")), example);
                }
            }
            let m: reqwest::Method = method.to_uppercase().parse().expect("method");
            let r = reqwest::Client::new()
                .request(m, s.at(&format!("/api/v1{concrete}")))
                .json(&json!({}))
                .send()
                .await
                .expect("send");
            let status = r.status().as_u16();
            let problem: Value = r.json().await.unwrap_or(Value::Null);
            assert_ne!(problem["type"], "urn:normwatch:problem:no-route", "{method} {path} is routed");
            assert_ne!(status, 405, "{method} {path} is routed");
            // Public GETs answer; one whose example record does not exist here says not-found.
            let missing_example = path.contains('{') && problem["type"] == "urn:normwatch:problem:not-found";
            if method == "get" && op.get("security").is_none() && !missing_example {
                assert_eq!(status, 200, "documented GET {path} answers anonymously");
            }
            if op.get("security").is_some() && method != "post" {
                assert_eq!(status, 401, "{method} {path} needs a sign-in");
            }
        }
    }
}

async fn unknown_routes_and_methods_are_problems(s: TestServer) {
    let p = problem(&s, "/api/v1/nothing-here", 404).await;
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("/api/v1/nothing-here")));
    let r = reqwest::Client::new().delete(s.at("/api/v1/norms/gcsc-1")).send().await.expect("delete");
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
    // Nothing changed.
    assert_eq!(s.json("/api/v1/norms").await["count"], 20);
}

/// The served OpenAPI document passes the reference validator (openapi-spec-validator, PyPI).
#[tokio::test]
async fn openapi_document_passes_the_openapi_spec_validator() {
    let python = crate::common::test_python();
    let s = TestServer::start(Backend::Sqlite).await;
    let body = s.get("/api/v1/openapi.json").await.text().await.expect("text");
    let file = s.dir().join("openapi.json");
    std::fs::write(&file, &body).expect("write");
    let out = std::process::Command::new(&python)
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .output()
        .expect("run openapi_spec_validator");
    assert!(
        out.status.success(),
        "openapi-spec-validator rejects the document:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // And it does fail on a broken document, so the check above can fail.
    std::fs::write(
        &file,
        body.replace("\"openapi\":\"3.1.0\"", "\"openapi\":\"9.9\"")
            .replace("\"openapi\": \"3.1.0\"", "\"openapi\": \"9.9\""),
    )
    .expect("write");
    let out =
        std::process::Command::new(&python).args(["-m", "openapi_spec_validator"]).arg(&file).output().expect("run");
    assert!(!out.status.success(), "the validator rejects a broken document");
}
