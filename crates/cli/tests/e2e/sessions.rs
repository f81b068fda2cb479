//! The portal's sign-in, session cookie, CSRF protection, adoption matrix and stakeholder pages,
//! over HTTP against the real server, on SQLite and PostgreSQL.

use crate::common::{Api, Roles, TestServer};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use serde_json::json;

on_both_backends!(
    check_results_page_draws_the_response_rate,
    sign_in_sessions_and_csrf,
    forms_refuse_forged_and_bad_input,
    adoption_matrix_page,
    stakeholder_page_shows_history,
);

fn client() -> reqwest::Client {
    crate::common::no_redirects()
}

fn set_cookie(r: &reqwest::Response, name: &str) -> Option<(String, String)> {
    r.headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| {
            let value = v[name.len() + 1..].split(';').next().unwrap_or("").to_owned();
            (value, v.to_owned())
        })
}

/// Signs in through the form; returns the session cookie value.
async fn sign_in(s: &TestServer, username: &str, password: &str) -> String {
    let c = client();
    let form = c.get(s.at("/sign-in?lang=en")).send().await.expect("get");
    let (login_cookie, _) = set_cookie(&form, "nw_login_csrf").expect("login csrf cookie");
    let html = form.text().await.expect("html");
    let csrf = crate::common::field_value(&html, "csrf");
    assert_eq!(csrf, login_cookie, "double-submit: the same token in cookie and form");
    let r = c
        .post(s.at("/sign-in"))
        .header(COOKIE, format!("nw_login_csrf={login_cookie}"))
        .form(&[("username", username), ("password", password), ("csrf", &csrf), ("lang", "en")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 303, "sign-in of {username}");
    set_cookie(&r, "nw_session").expect("session cookie").0
}

async fn page_as(s: &TestServer, session: &str, path: &str) -> (u16, String) {
    let r = client().get(s.at(path)).header(COOKIE, format!("nw_session={session}")).send().await.expect("get");
    (r.status().as_u16(), r.text().await.expect("html"))
}

async fn sign_in_sessions_and_csrf(s: TestServer) {
    let c = client();
    let form = c.get(s.at("/sign-in")).send().await.expect("get");
    let (login_cookie, raw) = set_cookie(&form, "nw_login_csrf").expect("cookie");
    assert!(raw.contains("HttpOnly") && raw.contains("SameSite=Strict"), "{raw}");
    let csrf = crate::common::field_value(&form.text().await.expect("html"), "csrf");
    let post = |cookie: Option<String>, token: String, password: &'static str| {
        let c = c.clone();
        let url = s.at("/sign-in");
        async move {
            let mut rb = c.post(url).form(&[("username", "admin"), ("password", password), ("csrf", &token)]);
            if let Some(v) = cookie {
                rb = rb.header(COOKIE, format!("nw_login_csrf={v}"));
            }
            rb.send().await.expect("post")
        }
    };
    let pw: &'static str = Box::leak(s.admin_password.clone().into_boxed_str());
    // Forged: wrong token, or no cookie.
    let r = post(Some(login_cookie.clone()), "forged".into(), pw).await;
    assert_eq!(r.status(), 403);
    assert!(set_cookie(&r, "nw_session").is_none());
    let r = post(None, csrf.clone(), pw).await;
    assert_eq!(r.status(), 403);
    // Wrong password: 401 and the form again.
    let r = post(Some(login_cookie.clone()), csrf.clone(), "not the password").await;
    assert_eq!(r.status(), 401);
    assert!(r.text().await.expect("html").contains("id=\"sign-in-error\""));
    // Right.
    let r = post(Some(login_cookie), csrf, pw).await;
    assert_eq!(r.status(), 303);
    assert!(r.headers()[LOCATION].to_str().is_ok_and(|l| l.starts_with("/adoption")));
    let (session, raw) = set_cookie(&r, "nw_session").expect("session");
    assert!(raw.contains("HttpOnly") && raw.contains("SameSite=Lax") && raw.contains("Path=/"), "{raw}");
    let (status, html) = page_as(&s, &session, "/adoption?lang=en").await;
    assert_eq!(status, 200);
    assert!(html.contains("Signed in as") && html.contains("Administrator"));
    let token = crate::common::field_value(&html, "csrf");
    // The session works for API reads; API writes need the CSRF header too.
    let me = c.get(s.at("/api/v1/me")).header(COOKIE, format!("nw_session={session}")).send().await.expect("me");
    assert_eq!(me.status(), 200);
    let body = json!({"stakeholder": "jp", "norm": "gcsc-7", "stance": "endorse", "stated_on": "2021-09-28", "source": {"url": "https://example.org/"}});
    let r = c
        .post(s.at("/api/v1/positions"))
        .header(COOKIE, format!("nw_session={session}"))
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403, "a cookie alone does not write through the API");
    let r = c
        .post(s.at("/api/v1/positions"))
        .header(COOKIE, format!("nw_session={session}"))
        .header("X-CSRF-Token", &token)
        .json(&body)
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 201);
    // Sign out: forged first, then for real.
    let r = c
        .post(s.at("/sign-out"))
        .header(COOKIE, format!("nw_session={session}"))
        .form(&[("csrf", "forged")])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    assert_eq!(page_as(&s, &session, "/api/v1/me").await.0, 200, "still signed in");
    let r = c
        .post(s.at("/sign-out"))
        .header(COOKIE, format!("nw_session={session}"))
        .form(&[("csrf", token.as_str())])
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 303);
    assert!(set_cookie(&r, "nw_session").is_some_and(|(v, raw)| v.is_empty() && raw.contains("Max-Age=0")));
    assert_eq!(page_as(&s, &session, "/api/v1/me").await.0, 401, "the session is gone on the server");
    // Signing in and out is in the audit log.
    let admin = Api::with_token(&s, &crate::common::token_for(&s, "admin", &s.admin_password).await);
    let (_, log) = admin.get("/api/v1/audit?entity=session").await;
    let actions: Vec<&str> =
        log["entries"].as_array().expect("entries").iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["sign-out", "sign-in"], "newest first");
}

async fn forms_refuse_forged_and_bad_input(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    // A contributor for jp, with a password we know.
    let (user, password) = crate::common::account(&roles.admin, "jp-desk", "contributor", Some("jp")).await;
    let session = sign_in(&s, &user, &password).await;
    let (status, html) = page_as(&s, &session, "/stakeholders/jp?lang=en").await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"record-position\""), "the form is offered to who may use it");
    let token = crate::common::field_value(&html, "csrf");
    let count =
        || async { Api::anonymous(&s).get("/api/v1/positions?stakeholder=jp&norm=gcsc-5").await.1["count"].as_u64() };
    let before = count().await;
    let post = |path: &str, csrf: &str, stated_on: &str| {
        let rb = client().post(s.at(path)).header(COOKIE, format!("nw_session={session}")).form(&[
            ("csrf", csrf),
            ("lang", "en"),
            ("norm", "gcsc-5"),
            ("stance", "endorse"),
            ("stated_on", stated_on),
            ("source_url", "https://www.nisc.go.jp/"),
        ]);
        async move { rb.send().await.expect("post") }
    };
    let r = post("/stakeholders/jp/positions", "forged", "2021-09-28").await;
    assert_eq!(r.status(), 403, "CSRF");
    let r = post("/stakeholders/jp/positions", "", "2021-09-28").await;
    assert_eq!(r.status(), 403, "CSRF missing");
    assert_eq!(count().await, before, "nothing written");
    let r = post("/stakeholders/fr/positions", &token, "2021-09-28").await;
    assert_eq!(r.status(), 403, "another stakeholder");
    let r = post("/stakeholders/jp/positions", &token, "2999-01-01").await;
    assert_eq!(r.status(), 422);
    assert!(r.text().await.expect("html").contains("stated_on"), "the error names the field");
    assert_eq!(count().await, before, "nothing written");
    let r = post("/stakeholders/jp/positions", &token, "2021-09-28").await;
    assert_eq!(r.status(), 303);
    assert_eq!(count().await, before.map(|n| n + 1));
    let (_, html) = page_as(&s, &session, "/stakeholders/jp?lang=en").await;
    assert!(html.contains("data-norm=\"gcsc-5\""), "the new position is in the history");
}

async fn adoption_matrix_page(s: TestServer) {
    let html = s.get("/adoption?lang=ja").await.text().await.expect("html");
    assert!(html.contains("<html lang=\"ja\">") && html.contains("id=\"matrix\""));
    for id in ["ca", "fr", "de", "it", "jp", "gb", "us", "eu"] {
        assert!(html.contains(&format!("data-stakeholder=\"{id}\"")), "{id}");
    }
    assert_eq!(html.matches("data-stance=\"endorse\"").count(), 8 * 12, "eight endorsers of twelve norms");
    assert!(html.contains("日本") && html.contains("支持"));
    assert!(html.contains("/api/v1/adoption?format=csv"));
    let states = s.get("/adoption?lang=en&kind=state&norm=gge-f").await.text().await.expect("html");
    assert_eq!(states.matches("data-stakeholder=").count(), 7);
    assert_eq!(states.matches("data-stance=\"endorse\"").count(), 7);
    let before = s.get("/adoption?lang=en&as_of=2017-04-10").await.text().await.expect("html");
    assert_eq!(before.matches("data-stance=\"endorse\"").count(), 0, "nothing before the declaration");
    // The filter form as a browser sends it, blanks included.
    let blank = s.get("/adoption?lang=en&kind=&country=&norm=&as_of=").await;
    assert_eq!(blank.status(), 200);
    assert_eq!(blank.text().await.expect("html").matches("data-stance=\"endorse\"").count(), 8 * 12);
    let r = s.get("/adoption?as_of=yesterday").await;
    assert_eq!(r.status(), 400);
}

async fn stakeholder_page_shows_history(s: TestServer) {
    let html = s.get("/stakeholders/jp?lang=en").await.text().await.expect("html");
    assert!(html.contains("Japan"));
    assert_eq!(html.matches("<td class=\"endorse\"").count(), 12);
    assert!(!html.contains("id=\"record-position\""), "no form for anonymous visitors");
    assert_eq!(s.get("/stakeholders/atlantis").await.status(), 404);
    let list = s.get("/stakeholders?lang=ja").await.text().await.expect("html");
    assert!(list.contains("/stakeholders/eu?lang=ja") && list.contains("欧州連合"));
}

/// Behind an HTTPS proxy (a public https:// URL) every cookie is `Secure`; otherwise not.
#[tokio::test]
async fn cookies_are_secure_behind_https() {
    let s = TestServer::start_with_env(
        crate::common::Backend::Sqlite,
        &[("NORMWATCH_PUBLIC_URL", "https://observatory.example")],
    )
    .await;
    let r = client().get(s.at("/sign-in")).send().await.expect("get");
    let (_, raw) = set_cookie(&r, "nw_login_csrf").expect("cookie");
    assert!(raw.ends_with("; Secure"), "{raw}");
    let plain = TestServer::start(crate::common::Backend::Sqlite).await;
    let r = client().get(plain.at("/sign-in")).send().await.expect("get");
    let (_, raw) = set_cookie(&r, "nw_login_csrf").expect("cookie");
    assert!(!raw.contains("Secure"), "{raw}");
}

async fn check_results_page_draws_the_response_rate(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let contact = json!({"stakeholder": "jp", "kind": "technical", "name": "Duty", "role_title": "Officer",
        "channels": [{"kind": "email", "value": "duty@cert.example"}], "languages": ["ja"], "hours": "24/7",
        "time_zone": "Asia/Tokyo", "valid_from": "2024-01-01"});
    assert_eq!(roles.editor.post("/api/v1/contacts", &contact).await.0, 201);
    let (_, sent) = roles
        .editor
        .post("/api/v1/checks", &json!({"organiser": "jp", "title": "Monthly ping", "stakeholders": ["jp"]}))
        .await;
    let token = sent["deliveries"][0]["answer"]["token"].clone();
    assert_eq!(Api::anonymous(&s).post("/api/v1/checks/answer", &json!({"token": token})).await.0, 200);
    let anonymous = s.get("/checks?lang=en").await.text().await.expect("html");
    assert!(anonymous.contains("id=\"signed-in-only\"") && !anonymous.contains("Monthly ping"));
    let session = sign_in(&s, "admin", &s.admin_password.clone()).await;
    let (status, html) = page_as(&s, &session, "/checks?lang=ja").await;
    assert_eq!(status, 200);
    assert!(
        html.contains("<svg") && html.contains("応答率") && html.contains("Monthly ping") && html.contains("100%"),
        "{}",
        &html[..html.len().min(300)]
    );
    // The hotline inbox: admins see every message, with each recipient's state.
    let fr_contact = json!({"stakeholder": "fr", "kind": "policy", "name": "FR desk", "role_title": "Officer",
        "channels": [{"kind": "email", "value": "desk@fr.example"}], "languages": ["fr"], "hours": "9-17",
        "time_zone": "Europe/Paris", "valid_from": "2024-01-01"});
    let (_, frc) = roles.editor.post("/api/v1/contacts", &fr_contact).await;
    let jp_contact = sent["deliveries"][0]["contact"].clone();
    let (status, _) = roles
        .editor
        .post(
            "/api/v1/hotline",
            &json!({"from_contact": frc["id"], "to_contacts": [jp_contact], "severity": "high",
            "subject": "Cable cut", "body": {"en": "Please confirm reception"}, "ack_within_minutes": 1}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, inbox) = page_as(&s, &session, "/hotline?lang=ja").await;
    assert!(inbox.contains("Cable cut") && inbox.contains("確認待ち"), "admins see every message");
    let anonymous = s.get("/hotline?lang=en").await.text().await.expect("html");
    assert!(anonymous.contains("id=\"signed-in-only\"") && !anonymous.contains("Cable cut"));
}
