//! Stakeholders, accounts and roles, positions, evidence, legal positions and the adoption
//! matrix, over HTTP against the real server, on SQLite and PostgreSQL.

use crate::common::{Api, Roles, TestServer, signed_in, token_for};
use serde_json::{Value, json};

on_both_backends!(
    g7_lucca_positions_are_in_the_matrix_with_their_source,
    every_role_against_every_write,
    every_role_reads_only_its_markings,
    failed_sign_ins_are_rate_limited,
    revoked_tokens_stop_working,
    position_history_and_the_matrix_as_of_a_date,
    bad_input_is_refused_naming_the_field_and_writes_nothing,
    legal_positions_are_for_states,
    stakeholder_updates_are_versioned_and_audited,
    changing_a_password_ends_old_tokens,
    supersession_follows_stated_dates_and_hides_what_a_viewer_may_not_read,
    parallel_guesses_and_parallel_writes,
);

fn public_key(seed: u8) -> String {
    use base64::Engine;
    let key = ed25519_dalek::SigningKey::from_bytes(&[seed; 32]);
    base64::engine::general_purpose::STANDARD.encode(key.verifying_key().as_bytes())
}

fn position(stakeholder: &str, norm: &str, stance: &str, stated_on: &str) -> Value {
    json!({"stakeholder": stakeholder, "norm": norm, "stance": stance, "stated_on": stated_on,
           "source": {"url": "https://example.org/statement"}})
}

async fn audit_count(roles: &Roles) -> usize {
    let (status, body) = roles.admin.get("/api/v1/audit?limit=500").await;
    assert_eq!(status, 200, "{body}");
    body["count"].as_u64().expect("count") as usize
}

async fn g7_lucca_positions_are_in_the_matrix_with_their_source(s: TestServer) {
    let anon = Api::anonymous(&s);
    let (status, m) = anon.get("/api/v1/adoption?lang=en").await;
    assert_eq!(status, 200, "{m}");
    assert_eq!(m["norms"].as_array().map(Vec::len), Some(20));
    let rows = m["rows"].as_array().expect("rows");
    let ids: Vec<&str> = rows.iter().filter_map(|r| r["stakeholder"].as_str()).collect();
    for id in ["ca", "fr", "de", "it", "jp", "gb", "us", "eu"] {
        assert!(ids.contains(&id), "{id} in {ids:?}");
    }
    for row in rows {
        let cells = &row["cells"];
        for norm in ["gge-a", "gge-f", "gge-k", "g20-ip-theft"] {
            assert_eq!(cells[norm]["stance"], "endorse", "{} {norm}", row["stakeholder"]);
            assert_eq!(cells[norm]["stated_on"], "2017-04-11");
            assert_eq!(cells[norm]["source"]["document"], "g7-lucca-2017");
        }
        assert_eq!(cells["gge-f"]["source"]["paragraph"], "6", "G7 Lucca item 6 is gge-f");
        assert!(cells["gcsc-1"]["stance"].is_null(), "the G7 did not endorse the GCSC norms in 2017");
    }
    let eu = rows.iter().find(|r| r["stakeholder"] == "eu").expect("eu");
    assert_eq!(eu["kind"], "intergovernmental");
    // Filters.
    let (_, states) = anon.get("/api/v1/adoption?kind=state&norm=gge-f").await;
    assert_eq!(states["rows"].as_array().map(Vec::len), Some(7));
    assert_eq!(states["norms"], json!(["gge-f"]));
    let (_, japan) = anon.get("/api/v1/adoption?country=jp").await;
    assert_eq!(japan["rows"].as_array().map(Vec::len), Some(1));
    // CSV download.
    let r = reqwest::get(s.at("/api/v1/adoption?format=csv&norm=gge-f")).await.expect("csv");
    assert!(r.headers()["content-type"].to_str().is_ok_and(|c| c.starts_with("text/csv")));
    let csv = r.text().await.expect("text");
    assert_eq!(csv.lines().count(), 9, "header and eight rows: {csv}");
    assert!(csv.contains("jp,Japan,日本,state,JP,gge-f,endorse,2017-04-11,"), "{csv}");
    assert!(csv.contains(",g7-lucca-2017,6,0"), "{csv}");
}

/// Each write, tried by every role: allowed, or 401/403 with a problem naming the missing right.
async fn every_role_against_every_write(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let mut n = 0u8;
    for (name, api) in roles.all() {
        n += 1;
        let allowed = |who: &[&str]| who.contains(&name);
        let writes: Vec<(&str, String, Value, bool, &str)> = vec![
            (
                "POST",
                "/api/v1/stakeholders".into(),
                json!({"id": format!("org-{n}"), "kind": "civil-society", "name": {"ja": "団体", "en": "Org"}}),
                allowed(&["admin", "editor"]),
                "stakeholders:write",
            ),
            (
                "PUT",
                "/api/v1/stakeholders/acme".into(),
                json!({"id": "acme", "kind": "private-sector", "country": "JP", "version": 0,
                       "name": {"ja": "アクメ", "en": "Acme"}}),
                allowed(&["admin", "editor"]),
                "stakeholders:write",
            ),
            (
                "POST",
                "/api/v1/stakeholders/jp/keys".into(),
                json!({"label": format!("key {n}"), "public_key": public_key(n)}),
                allowed(&["admin", "editor", "contributor"]),
                "keys:write",
            ),
            (
                "POST",
                "/api/v1/positions".into(),
                position("jp", "gcsc-5", "endorse", "2020-01-01"),
                allowed(&["admin", "editor", "contributor"]),
                "positions:write",
            ),
            (
                "POST",
                "/api/v1/evidence".into(),
                json!({"stakeholder": "jp", "norm": "gcsc-5", "kind": "strategy-policy", "dated": "2021-09-28",
                       "url": "https://example.org/strategy", "summary": {"en": "A strategy."}}),
                allowed(&["admin", "editor", "contributor"]),
                "evidence:write",
            ),
            (
                "POST",
                "/api/v1/legal-positions".into(),
                json!({"stakeholder": "jp", "topic": "sovereignty", "summary": {"ja": "主権は適用される。"},
                       "source_url": "https://example.org/legal", "dated": "2021-05-28"}),
                allowed(&["admin", "editor", "contributor"]),
                "legal-positions:write",
            ),
            (
                "POST",
                "/api/v1/accounts".into(),
                json!({"username": format!("user{n}"), "display_name": "U", "role": "reader"}),
                allowed(&["admin"]),
                "accounts:manage",
            ),
        ];
        for (method, path, body, ok, right) in writes {
            let method: reqwest::Method = method.parse().expect("method");
            let (status, problem) = api.send(method.clone(), &path, Some(&body)).await;
            if ok {
                // The PUT carries a stale version on purpose: reaching the version check (409)
                // shows the right was granted.
                let expected = if method == reqwest::Method::PUT { 409 } else { 201 };
                assert_eq!(status, expected, "{name} {method} {path}: {problem}");
            } else if name == "anonymous" {
                assert_eq!(status, 401, "{name} {method} {path}: {problem}");
                assert_eq!(problem["type"], "urn:normwatch:problem:unauthenticated");
            } else {
                assert_eq!(status, 403, "{name} {method} {path}: {problem}");
                assert_eq!(problem["missing_right"], right, "{name} {method} {path}");
                assert!(problem["detail"].as_str().is_some_and(|d| d.contains(right)), "{problem}");
            }
        }
        // The audit log is the admin's.
        let (status, _) = api.get("/api/v1/audit").await;
        let expected = match name {
            "admin" => 200,
            "anonymous" => 401,
            _ => 403,
        };
        assert_eq!(status, expected, "{name} GET /audit");
    }
    // A contributor writes for its own stakeholder only.
    let (status, p) =
        roles.contributor.post("/api/v1/positions", &position("fr", "gcsc-5", "endorse", "2020-01-01")).await;
    assert_eq!(status, 403, "{p}");
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("`fr`") && d.contains("`jp`")), "{p}");
    let (status, _) =
        roles.acme_contributor.post("/api/v1/positions", &position("acme", "gcsc-6", "endorse", "2022-01-01")).await;
    assert_eq!(status, 201);
}

async fn every_role_reads_only_its_markings(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    // Admin records acme's stance on six norms: each TLP published, and one draft at CLEAR.
    let marks = [
        ("gcsc-1", "clear", "published"),
        ("gcsc-2", "green", "published"),
        ("gcsc-3", "amber", "published"),
        ("gcsc-4", "amber+strict", "published"),
        ("gcsc-6", "red", "published"),
        ("gcsc-7", "clear", "draft"),
    ];
    let mut ids = std::collections::HashMap::new();
    for (norm, tlp, status) in marks {
        let mut body = position("acme", norm, "endorse", "2023-03-01");
        body["tlp"] = json!(tlp);
        body["status"] = json!(status);
        let (code, p) = roles.admin.post("/api/v1/positions", &body).await;
        assert_eq!(code, 201, "{p}");
        assert_eq!(p["tlp"], tlp);
        ids.insert(norm, p["id"].as_str().expect("id").to_owned());
    }
    let expect: [(&str, &[&str]); 7] = [
        ("anonymous", &["gcsc-1"]),
        ("reader", &["gcsc-1", "gcsc-2"]),
        ("contributor", &["gcsc-1", "gcsc-2"]),
        ("acme-contributor", &["gcsc-1", "gcsc-2", "gcsc-3", "gcsc-4", "gcsc-6", "gcsc-7"]),
        ("reviewer", &["gcsc-1", "gcsc-2", "gcsc-3", "gcsc-4", "gcsc-7"]),
        ("editor", &["gcsc-1", "gcsc-2", "gcsc-3", "gcsc-4", "gcsc-7"]),
        ("admin", &["gcsc-1", "gcsc-2", "gcsc-3", "gcsc-4", "gcsc-6", "gcsc-7"]),
    ];
    for (name, visible) in expect {
        let api = roles.all().into_iter().find(|(n, _)| *n == name).expect("role").1;
        let (status, list) = api.get("/api/v1/positions?stakeholder=acme").await;
        assert_eq!(status, 200);
        let mut seen: Vec<&str> =
            list["positions"].as_array().expect("list").iter().filter_map(|p| p["norm"].as_str()).collect();
        seen.sort();
        assert_eq!(seen, visible, "{name} sees");
        // Single reads and the matrix obey the same rule.
        for (norm, id) in &ids {
            let (status, _) = api.get(&format!("/api/v1/positions/{id}")).await;
            assert_eq!(status, if visible.contains(norm) { 200 } else { 404 }, "{name} GET position {norm}");
        }
        let (_, m) = api.get("/api/v1/adoption?country=JP&kind=private-sector").await;
        let cells = &m["rows"][0]["cells"];
        for (norm, _, status) in marks {
            // The matrix shows published stances only, and only those the viewer may read.
            let shown = visible.contains(&norm) && status == "published";
            assert_eq!(cells[norm]["stance"].is_string(), shown, "{name} matrix {norm}");
        }
    }
}

async fn failed_sign_ins_are_rate_limited(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let anon = Api::anonymous(&s);
    let (status, body) = roles.admin.post("/api/v1/accounts", &json!({"username": "victim", "display_name": "V", "role": "reader", "password": "correct horse battery staple"})).await;
    assert_eq!(status, 201, "{body}");
    for i in 0..5 {
        let (status, p) = anon
            .post("/api/v1/tokens", &json!({"name": "t", "username": "victim", "password": format!("guess {i} wrong")}))
            .await;
        assert_eq!(status, 401, "{p}");
    }
    let r = reqwest::Client::new()
        .post(s.at("/api/v1/tokens"))
        .json(&json!({"name": "t", "username": "victim", "password": "correct horse battery staple"}))
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 429, "locked even with the right password");
    let retry: u64 = r.headers()["retry-after"].to_str().expect("retry-after").parse().expect("seconds");
    assert!(retry > 0 && retry <= 15 * 60);
    let problem: Value = r.json().await.expect("problem");
    assert_eq!(problem["type"], "urn:normwatch:problem:too-many-requests");
    // Another account is not locked by the victim's failures.
    assert!(!token_for(&s, "admin", &s.admin_password).await.is_empty());
}

async fn revoked_tokens_stop_working(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (status, me) = roles.reader.get("/api/v1/me").await;
    assert_eq!(status, 200);
    assert_eq!(me["account"]["role"], "reader");
    let (_, list) = roles.reader.get("/api/v1/tokens").await;
    let id = list["tokens"][0]["id"].as_str().expect("token id").to_owned();
    assert!(list["tokens"][0]["last_used_at"].is_string());
    assert!(list.to_string().find("nwt_").is_none(), "secrets are never listed");
    // Someone else's token is not found, not revoked.
    let (status, _) = roles.editor.delete(&format!("/api/v1/tokens/{id}")).await;
    assert_eq!(status, 404);
    let (status, _) = roles.reader.get("/api/v1/me").await;
    assert_eq!(status, 200);
    let (status, revoked) = roles.reader.delete(&format!("/api/v1/tokens/{id}")).await;
    assert_eq!(status, 200);
    assert!(revoked["revoked_at"].is_string());
    let (status, p) = roles.reader.get("/api/v1/me").await;
    assert_eq!(status, 401);
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("revoked")));
    let (status, _) = Api::with_token(&s, "nwt_not-a-token").get("/api/v1/positions").await;
    assert_eq!(status, 401, "a wrong token is an error, not anonymous access");
}

async fn position_history_and_the_matrix_as_of_a_date(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (status, p) =
        roles.contributor.post("/api/v1/positions", &position("jp", "gge-f", "abstain", "2024-01-01")).await;
    assert_eq!(status, 201, "{p}");
    let (_, history) = Api::anonymous(&s).get("/api/v1/positions?stakeholder=jp&norm=gge-f").await;
    let list = history["positions"].as_array().expect("list");
    assert_eq!(list.len(), 2, "the old position stays readable");
    assert_eq!(list[0]["stance"], "endorse");
    assert_eq!(list[1]["stance"], "abstain");
    assert_eq!(list[1]["supersedes"], list[0]["id"]);
    let stance = |m: &Value| {
        m["rows"].as_array().expect("rows").iter().find(|r| r["stakeholder"] == "jp").expect("jp")["cells"]["gge-f"]["stance"].clone()
    };
    let (_, now) = Api::anonymous(&s).get("/api/v1/adoption?norm=gge-f").await;
    assert_eq!(stance(&now), "abstain");
    let (_, then) = Api::anonymous(&s).get("/api/v1/adoption?norm=gge-f&as_of=2020-06-30").await;
    assert_eq!(stance(&then), "endorse");
    assert_eq!(then["as_of"], "2020-06-30");
    let (_, before) = Api::anonymous(&s).get("/api/v1/adoption?norm=gge-f&as_of=2017-04-10").await;
    assert!(stance(&before).is_null(), "nothing stated before the declaration");
    let (status, p) = Api::anonymous(&s).get("/api/v1/adoption?as_of=2017-13-01").await;
    assert_eq!(status, 400);
    assert_eq!(p["errors"][0]["field"], "as_of");
    // Evidence counts follow the date too.
    let (status, _) = roles
        .contributor
        .post(
            "/api/v1/evidence",
            &json!({"stakeholder": "jp", "norm": "gge-f", "kind": "law-regulation",
        "dated": "2022-05-11", "url": "https://example.org/law", "summary": {"ja": "法律", "en": "A law"}}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, now) = Api::anonymous(&s).get("/api/v1/adoption?norm=gge-f&country=JP&kind=state").await;
    assert_eq!(now["rows"][0]["cells"]["gge-f"]["evidence"], 1);
    let (_, then) = Api::anonymous(&s).get("/api/v1/adoption?norm=gge-f&country=JP&kind=state&as_of=2021-01-01").await;
    assert_eq!(then["rows"][0]["cells"]["gge-f"]["evidence"], 0);
}

async fn bad_input_is_refused_naming_the_field_and_writes_nothing(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let before_audit = audit_count(&roles).await;
    let (_, before) = roles.admin.get("/api/v1/positions").await;
    let tomorrow = (time::OffsetDateTime::now_utc().date() + time::Duration::days(2)).to_string();
    let cases: Vec<(&str, Value, u16, &str)> = vec![
        ("/api/v1/positions", position("jp", "gge-z", "endorse", "2020-01-01"), 422, "norm"),
        ("/api/v1/positions", position("atlantis", "gge-f", "endorse", "2020-01-01"), 422, "stakeholder"),
        ("/api/v1/positions", position("jp", "gge-f", "endorse", &tomorrow), 422, "stated_on"),
        ("/api/v1/positions", position("jp", "gge-f", "like", "2020-01-01"), 400, "stance"),
        ("/api/v1/positions", position("jp", "gge-f", "endorse", "+2020-01-01"), 422, "stated_on"),
        (
            "/api/v1/positions",
            json!({"stakeholder": "jp", "norm": "gge-f", "stated_on": "2020-01-01", "source": {"url": "https://x.example/"}}),
            400,
            "stance",
        ),
        (
            "/api/v1/positions",
            json!({"stakeholder": "jp", "norm": "gge-f", "stance": "endorse", "stated_on": "2020-01-01", "source": {"url": "https://x.example/"}, "mood": "good"}),
            400,
            "mood",
        ),
        (
            "/api/v1/positions",
            json!({"stakeholder": "jp", "norm": "gge-f", "stance": "endorse", "stated_on": "2020-01-01", "source": {}}),
            422,
            "source",
        ),
        (
            "/api/v1/positions",
            json!({"stakeholder": "jp", "norm": "gge-f", "stance": "endorse", "stated_on": "2020-01-01", "source": {"document": "nowhere"}}),
            422,
            "source.document",
        ),
        (
            "/api/v1/positions",
            json!({"stakeholder": "jp", "norm": "gge-f", "stance": "endorse", "stated_on": "2020-01-01", "source": {"url": "x"}, "tlp": "white"}),
            400,
            "tlp",
        ),
        (
            "/api/v1/stakeholders",
            json!({"id": "zz", "kind": "state", "country": "XX", "name": {"ja": "国", "en": "Land"}}),
            422,
            "country",
        ),
        (
            "/api/v1/stakeholders",
            json!({"id": "uk", "kind": "state", "country": "UK", "name": {"ja": "英", "en": "UK"}}),
            422,
            "country",
        ),
        (
            "/api/v1/stakeholders",
            json!({"id": "zz", "kind": "state", "name": {"ja": "国", "en": "Land"}}),
            422,
            "country",
        ),
        (
            "/api/v1/stakeholders",
            json!({"id": "zz", "kind": "guild", "name": {"ja": "組合", "en": "Guild"}}),
            422,
            "kind",
        ),
        ("/api/v1/stakeholders", json!({"id": "zz", "kind": "academia", "name": {"ja": "大学"}}), 422, "name.en"),
        (
            "/api/v1/stakeholders",
            json!({"id": "Bad Id", "kind": "academia", "name": {"ja": "大学", "en": "U"}}),
            422,
            "id",
        ),
        (
            "/api/v1/stakeholders",
            json!({"id": "jp", "kind": "state", "country": "JP", "name": {"ja": "日本", "en": "Japan"}}),
            409,
            "",
        ),
        ("/api/v1/stakeholders/jp/keys", json!({"label": "k", "public_key": "AAAA"}), 422, "public_key"),
        (
            "/api/v1/evidence",
            json!({"stakeholder": "jp", "norm": "gge-f", "kind": "rumour", "dated": "2020-01-01", "url": "https://x.example/", "summary": {"en": "x"}}),
            422,
            "kind",
        ),
        (
            "/api/v1/evidence",
            json!({"stakeholder": "jp", "norm": "gge-f", "kind": "practice", "dated": "2020-01-01", "url": "https://x.example/", "summary": {"en": " "}}),
            422,
            "summary",
        ),
        ("/api/v1/accounts", json!({"username": "x", "display_name": "X", "role": "reader"}), 422, "username"),
        ("/api/v1/accounts", json!({"username": "someone", "display_name": "X", "role": "king"}), 400, "role"),
        (
            "/api/v1/accounts",
            json!({"username": "someone", "display_name": "X", "role": "contributor"}),
            422,
            "stakeholder",
        ),
        (
            "/api/v1/accounts",
            json!({"username": "someone", "display_name": "X", "role": "reader", "password": "short"}),
            422,
            "password",
        ),
    ];
    for (path, body, status, field) in cases {
        let (code, p) = roles.admin.post(path, &body).await;
        assert_eq!(code, status, "{path} {body}: {p}");
        if !field.is_empty() {
            assert_eq!(p["errors"][0]["field"], field, "{path} {body}: {p}");
        }
    }
    // Oversized and mistyped bodies.
    let big = json!({"stakeholder": "jp", "norm": "gge-f", "stance": "endorse", "stated_on": "2020-01-01",
        "source": {"url": "https://x.example/"}, "statement": {"en": "x".repeat(100_000)}});
    let (code, p) = roles.admin.post("/api/v1/positions", &big).await;
    assert_eq!(code, 413, "{p}");
    assert_eq!(p["errors"][0]["field"], "body");
    let r = reqwest::Client::new()
        .post(s.at("/api/v1/positions"))
        .bearer_auth(roles.admin.token.clone().expect("token"))
        .header("content-type", "text/plain")
        .body("stance=endorse")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 415);
    // Nothing was written.
    let (_, after) = roles.admin.get("/api/v1/positions").await;
    assert_eq!(after["count"], before["count"]);
    assert_eq!(audit_count(&roles).await, before_audit, "no write reached the audit log");
}

async fn legal_positions_are_for_states(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let body = json!({"stakeholder": "acme", "topic": "due-diligence", "summary": {"en": "x"}, "source_url": "https://x.example/", "dated": "2021-01-01"});
    let (code, p) = roles.admin.post("/api/v1/legal-positions", &body).await;
    assert_eq!(code, 422);
    assert_eq!(p["errors"][0]["field"], "stakeholder");
    let body = json!({"stakeholder": "jp", "topic": "astrology", "summary": {"en": "x"}, "source_url": "https://x.example/", "dated": "2021-01-01"});
    let (code, p) = roles.admin.post("/api/v1/legal-positions", &body).await;
    assert_eq!(code, 422);
    assert_eq!(p["errors"][0]["field"], "topic");
    let body = json!({"stakeholder": "jp", "topic": "due-diligence", "summary": {"ja": "相当の注意は国際法上の義務である。", "en": "Due diligence is an obligation."},
        "source_url": "https://www.mofa.go.jp/", "dated": "2021-05-28"});
    let (code, p) = roles.contributor.post("/api/v1/legal-positions", &body).await;
    assert_eq!(code, 201, "{p}");
    let (_, list) = Api::anonymous(&s).get("/api/v1/legal-positions?topic=due-diligence&lang=ja").await;
    assert_eq!(list["count"], 1);
    assert_eq!(list["legal_positions"][0]["summary"], "相当の注意は国際法上の義務である。");
    let (code, _) = Api::anonymous(&s).get("/api/v1/legal-positions?topic=astrology").await;
    assert_eq!(code, 400);
}

async fn stakeholder_updates_are_versioned_and_audited(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (_, acme) = roles.admin.get("/api/v1/stakeholders/acme").await;
    assert_eq!(acme["version"], 1);
    let update = json!({"id": "acme", "kind": "private-sector", "country": "JP", "version": 1,
        "name": {"ja": "アクメ・ホールディングス", "en": "Acme Holdings"}});
    let (code, after) = roles.editor.put("/api/v1/stakeholders/acme", &update).await;
    assert_eq!(code, 200, "{after}");
    assert_eq!(after["version"], 2);
    // The same version again is stale.
    let (code, p) = roles.editor.put("/api/v1/stakeholders/acme", &update).await;
    assert_eq!(code, 409, "{p}");
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("version 2")));
    let (_, log) = roles.admin.get("/api/v1/audit?entity=stakeholder").await;
    let entry =
        log["entries"].as_array().expect("entries").iter().find(|e| e["action"] == "update").expect("update entry");
    assert_eq!(entry["entity_id"], "acme");
    assert_eq!(entry["before"]["name"]["en"], "Acme Corporation");
    assert_eq!(entry["after"]["name"]["en"], "Acme Holdings");
    let (_, me) = roles.editor.get("/api/v1/me").await;
    assert_eq!(entry["actor"], me["account"]["id"], "who");
    assert!(entry["at"].as_str().is_some_and(|t| t.starts_with("20")), "when");
    // A key registered to one stakeholder cannot be registered to another.
    let key = json!({"label": "shared", "public_key": public_key(200)});
    assert_eq!(roles.admin.post("/api/v1/stakeholders/jp/keys", &key).await.0, 201);
    let (code, p) = roles.admin.post("/api/v1/stakeholders/fr/keys", &key).await;
    assert_eq!(code, 409, "{p}");
}

async fn changing_a_password_ends_old_tokens(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (status, body) = roles
        .admin
        .post(
            "/api/v1/accounts",
            &json!({"username": "mover", "display_name": "M", "role": "reader", "password": "the first password"}),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    assert!(body.get("password").is_none(), "a chosen password is not echoed");
    let old = Api::with_token(&s, &token_for(&s, "mover", "the first password").await);
    let (status, p) = old
        .post("/api/v1/me/password", &json!({"current_password": "wrong one", "new_password": "the second password"}))
        .await;
    assert_eq!(status, 422, "{p}");
    assert_eq!(p["errors"][0]["field"], "current_password");
    let (status, p) = old
        .post("/api/v1/me/password", &json!({"current_password": "the first password", "new_password": "short"}))
        .await;
    assert_eq!(status, 422);
    assert_eq!(p["errors"][0]["field"], "new_password");
    let (status, _) = old
        .post(
            "/api/v1/me/password",
            &json!({"current_password": "the first password", "new_password": "the second password"}),
        )
        .await;
    assert_eq!(status, 204);
    assert_eq!(old.get("/api/v1/me").await.0, 401, "tokens issued before the change end");
    let (status, _) = Api::anonymous(&s)
        .post("/api/v1/tokens", &json!({"name": "t", "username": "mover", "password": "the first password"}))
        .await;
    assert_eq!(status, 401);
    let fresh = Api::with_token(&s, &token_for(&s, "mover", "the second password").await);
    assert_eq!(fresh.get("/api/v1/me").await.0, 200);
}

async fn supersession_follows_stated_dates_and_hides_what_a_viewer_may_not_read(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let mut red = position("jp", "gge-a", "reject", "2018-06-01");
    red["tlp"] = json!("red");
    let (status, red) = roles.admin.post("/api/v1/positions", &red).await;
    assert_eq!(status, 201, "{red}");
    let (status, later) =
        roles.contributor.post("/api/v1/positions", &position("jp", "gge-a", "abstain", "2019-06-01")).await;
    assert_eq!(status, 201, "{later}");
    let history = |api: Api| async move {
        let (_, body) = api.get("/api/v1/positions?stakeholder=jp&norm=gge-a").await;
        body["positions"].as_array().expect("list").clone()
    };
    let public = history(Api::anonymous(&s)).await;
    assert_eq!(public.len(), 2, "the public sees 2017 and 2019");
    assert_eq!(public[1]["supersedes"], public[0]["id"], "the public chain skips the hidden record");
    assert!(!public.iter().any(|p| p["supersedes"] == red["id"]), "a hidden record's id never leaks");
    let full = history(roles.admin.clone()).await;
    assert_eq!(full.len(), 3);
    assert_eq!(full[1]["id"], red["id"]);
    assert_eq!(full[2]["supersedes"], red["id"], "the admin sees the whole chain");
    // A backdated position takes its place in the chain.
    let (status, early) =
        roles.contributor.post("/api/v1/positions", &position("jp", "gge-a", "abstain", "2016-01-01")).await;
    assert_eq!(status, 201);
    let public = history(Api::anonymous(&s)).await;
    assert_eq!(public[0]["id"], early["id"]);
    assert!(public[0]["supersedes"].is_null());
    assert_eq!(public[1]["supersedes"], early["id"]);
    // An affiliation does not widen a reader's clearance (only contributors act for a stakeholder).
    let reader = signed_in(&s, &roles.admin, "jp-reader", "reader", Some("jp")).await;
    assert_eq!(history(reader).await.len(), 3, "not the RED one");
}

async fn parallel_guesses_and_parallel_writes(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    // Twenty guesses at once: the limiter counts them as they start, so at most five get checked.
    let guesses = (0..20).map(|i| {
        let anon = Api::anonymous(&s);
        async move {
            anon.post(
                "/api/v1/tokens",
                &json!({"name": "t", "username": "reader1", "password": format!("guess number {i}")}),
            )
            .await
            .0
        }
    });
    let codes = futures_join_all(guesses).await;
    assert_eq!(codes.iter().filter(|c| **c == 401).count(), 5, "{codes:?}");
    assert_eq!(codes.iter().filter(|c| **c == 429).count(), 15, "{codes:?}");
    // Twenty writes at once all land (SQLite writers wait for the lock instead of failing).
    let writes = (0..20).map(|i| {
        let editor = roles.editor.clone();
        async move {
            editor
                .post("/api/v1/positions", &position("fr", "gcsc-7", "endorse", &format!("2020-01-{:02}", i + 1)))
                .await
                .0
        }
    });
    let codes = futures_join_all(writes).await;
    assert!(codes.iter().all(|c| *c == 201), "{codes:?}");
    let (_, list) = Api::anonymous(&s).get("/api/v1/positions?stakeholder=fr&norm=gcsc-7").await;
    assert_eq!(list["count"], 20);
}

/// Runs the futures concurrently on the test's runtime and collects their results in order.
async fn futures_join_all<F: std::future::Future<Output = u16> + Send + 'static>(
    futures: impl Iterator<Item = F>,
) -> Vec<u16> {
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}
