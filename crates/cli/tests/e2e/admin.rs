//! Administration in the portal and the API: the first sign-in must change the printed one-time
//! password; administrators create accounts (with role and stakeholder) and stakeholders, change,
//! disable and enable accounts; everyone manages their own API tokens. Over HTTP, on SQLite and
//! PostgreSQL.
use crate::common::{Api, TestServer, account, field_value, no_redirects, token_for};
use reqwest::header::{COOKIE, LOCATION};
use serde_json::json;

on_both_backends!(
    an_admin_creates_stakeholders_and_accounts_in_the_portal,
    a_disabled_account_cannot_sign_in_and_its_tokens_stop,
    the_tokens_page_creates_and_revokes,
);

/// On a server whose admin still has the password `serve` printed.
mod first_run {
    mod sqlite {
        use crate::common::{Backend, TestServer};

        #[tokio::test]
        async fn the_printed_password_must_be_changed_first() {
            let server = TestServer::first_run(Backend::Sqlite, &[]).await;
            crate::admin::printed_password_is_changed_first(server).await;
        }
    }
    mod postgres {
        use crate::common::{Backend, TestServer};

        #[tokio::test]
        async fn the_printed_password_must_be_changed_first() {
            let server = TestServer::first_run(Backend::Postgres, &[]).await;
            crate::admin::printed_password_is_changed_first(server).await;
        }
    }
}

/// A browser's session: its cookie, and the CSRF token of the last page read.
struct Portal<'s> {
    s: &'s TestServer,
    session: String,
    csrf: String,
}

struct Answer {
    status: u16,
    location: String,
    html: String,
    session: Option<String>,
}

async fn answer(r: reqwest::Response) -> Answer {
    let status = r.status().as_u16();
    let location = r.headers().get(LOCATION).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    let session = crate::common::set_cookie(&r, "nw_session");
    Answer { status, location, html: r.text().await.expect("body"), session }
}

/// Signs in through the form, as a person does; the answer to the form's post.
async fn sign_in<'s>(s: &'s TestServer, username: &str, password: &str) -> (Answer, Option<Portal<'s>>) {
    let r = crate::common::post_sign_in(s, username, password).await;
    let a = answer(r).await;
    let portal = a.session.clone().map(|session| Portal { s, session, csrf: String::new() });
    (a, portal)
}

impl Portal<'_> {
    async fn get(&mut self, path: &str) -> Answer {
        let r = no_redirects()
            .get(self.s.at(path))
            .header(COOKIE, format!("nw_session={}", self.session))
            .send()
            .await
            .expect("get");
        let a = answer(r).await;
        if a.html.contains("name=\"csrf\" value=\"") {
            self.csrf = field_value(&a.html, "csrf");
        }
        a
    }

    /// Posts a form with the session's CSRF token (read from `from` first).
    async fn post(&mut self, from: &str, path: &str, fields: &[(&str, &str)]) -> Answer {
        self.get(from).await;
        let mut form: Vec<(&str, &str)> = vec![("csrf", &self.csrf), ("lang", "en")];
        form.extend_from_slice(fields);
        let r = no_redirects()
            .post(self.s.at(path))
            .header(COOKIE, format!("nw_session={}", self.session))
            .form(&form)
            .send()
            .await
            .expect("post");
        answer(r).await
    }
}

/// The text of the element with `id` (`<… id="ID">text<`).
fn text_of(html: &str, id: &str) -> String {
    let key = format!("id=\"{id}\">");
    let at = html.find(&key).unwrap_or_else(|| panic!("no #{id} in {html}"));
    html[at + key.len()..].split('<').next().unwrap_or_default().to_owned()
}

/// Changes the password on the form the portal leads to; the new session.
async fn change_password<'s>(p: &mut Portal<'s>, current: &str, new: &str) -> Portal<'s> {
    let a = p
        .post(
            "/account/password?lang=en",
            "/account/password",
            &[("current_password", current), ("new_password", new), ("new_password_again", new)],
        )
        .await;
    assert_eq!(a.status, 303, "{}", a.html);
    Portal { s: p.s, session: a.session.expect("a new session"), csrf: String::new() }
}

async fn printed_password_is_changed_first(s: TestServer) {
    let printed = s.admin_password.clone();
    // The API: a token can be had with the printed password, and does nothing but change it.
    let token = token_for(&s, "admin", &printed).await;
    let api = Api::with_token(&s, &token);
    let (st, problem) = api.get("/api/v1/me").await;
    assert_eq!(st, 403, "{problem}");
    assert_eq!(problem["type"], "urn:normwatch:problem:password-change-required");
    assert!(problem["detail"].as_str().unwrap_or_default().contains("POST /api/v1/me/password"), "{problem}");
    let (st, _) = api.get("/api/v1/norms").await;
    assert_eq!(st, 403, "even a public read, with that token");
    // The portal: every page leads to the change form, in the page's language.
    let (a, portal) = sign_in(&s, "admin", &printed).await;
    assert_eq!(a.status, 303);
    let mut p = portal.expect("signed in");
    for path in ["/adoption?lang=ja", "/admin/accounts?lang=ja", "/norms?lang=ja"] {
        let a = p.get(path).await;
        assert_eq!((a.status, a.location.as_str()), (303, "/account/password?lang=ja"), "{path}");
    }
    let a = p.post("/account/password", "/admin/stakeholders", &[("id", "x")]).await;
    assert_eq!((a.status, a.location.as_str()), (303, "/account/password?lang=en"), "a post too");
    let a = p.get("/account/password?lang=en").await;
    assert_eq!(a.status, 200);
    assert!(a.html.contains("id=\"password-due\""), "the form says why");
    // Refusals come back beside their field.
    let a = p
        .post(
            "/account/password",
            "/account/password",
            &[
                ("current_password", printed.as_str()),
                ("new_password", "a long new password"),
                ("new_password_again", "another"),
            ],
        )
        .await;
    assert_eq!(a.status, 422);
    assert!(a.html.contains("id=\"new_password_again-error\""), "{}", a.html);
    let a = p
        .post(
            "/account/password",
            "/account/password",
            &[
                ("current_password", "not it at all"),
                ("new_password", "a long new password"),
                ("new_password_again", "a long new password"),
            ],
        )
        .await;
    assert_eq!(a.status, 422);
    assert!(a.html.contains("id=\"current_password-error\""), "{}", a.html);
    let a = p
        .post(
            "/account/password",
            "/account/password",
            &[("current_password", printed.as_str()), ("new_password", "short"), ("new_password_again", "short")],
        )
        .await;
    assert!(a.status == 422 && a.html.contains("id=\"new_password-error\""), "{}", a.html);
    let mut p = change_password(&mut p, &printed, "the admin's own password").await;
    assert_eq!(p.get("/adoption?lang=en").await.status, 200);
    assert_eq!(p.get("/admin/accounts?lang=en").await.status, 200);
    // The old token ended with the change; a new sign-in works, and the printed password not.
    let (st, _) = api.get("/api/v1/me").await;
    assert_eq!(st, 401);
    let me = Api::with_token(&s, &token_for(&s, "admin", "the admin's own password").await);
    let (st, body) = me.get("/api/v1/me").await;
    assert_eq!(st, 200, "{body}");
    let (a, _) = sign_in(&s, "admin", &printed).await;
    assert_eq!(a.status, 401);
}

async fn admin_portal(s: &TestServer) -> Portal<'_> {
    let (a, p) = sign_in(s, "admin", &s.admin_password).await;
    assert_eq!(a.status, 303, "{}", a.html);
    p.expect("signed in")
}

async fn an_admin_creates_stakeholders_and_accounts_in_the_portal(s: TestServer) {
    let mut p = admin_portal(&s).await;
    let a = p.get("/admin/stakeholders?lang=ja").await;
    assert_eq!(a.status, 200);
    assert!(a.html.contains("id=\"stakeholder-jp\""));
    let a = p
        .post(
            "/admin/stakeholders",
            "/admin/stakeholders",
            &[("id", "watchdog"), ("name_ja", "監視団体"), ("name_en", "Watchdog"), ("kind", "civil-society")],
        )
        .await;
    assert_eq!((a.status, a.location.as_str()), (303, "/admin/stakeholders/watchdog?lang=en"), "{}", a.html);
    let (st, body) = Api::anonymous(&s).get("/api/v1/stakeholders/watchdog").await;
    assert_eq!((st, body["name"]["en"].as_str()), (200, Some("Watchdog")), "{body}");
    // A state without its country: the reason beside the field, the form as typed.
    let a = p
        .post(
            "/admin/stakeholders",
            "/admin/stakeholders",
            &[("id", "nowhere"), ("name_ja", "無国"), ("name_en", "Nowhere"), ("kind", "state")],
        )
        .await;
    assert_eq!(a.status, 422);
    assert!(a.html.contains("id=\"country-error\"") && a.html.contains("value=\"Nowhere\""), "{}", a.html);
    // Editing keeps the id and changes the name.
    let a = p
        .post(
            "/admin/stakeholders/watchdog",
            "/admin/stakeholders/watchdog",
            &[("name_ja", "監視団体"), ("name_en", "Watchdog NGO"), ("kind", "civil-society"), ("version", "1")],
        )
        .await;
    assert_eq!(a.status, 303, "{}", a.html);
    let (_, body) = Api::anonymous(&s).get("/api/v1/stakeholders/watchdog").await;
    assert_eq!(body["name"]["en"], "Watchdog NGO");

    // A bad username comes back with the reason and the form as typed (not the password).
    let bad = [
        ("username", "Bad Name"),
        ("display_name", "Rita Reviewer"),
        ("role", "reviewer"),
        ("stakeholder", "watchdog"),
        ("password", "a typed password"),
    ];
    let a = p.post("/admin/accounts", "/admin/accounts", &bad).await;
    assert_eq!(a.status, 422);
    assert!(a.html.contains("id=\"username-error\""), "{}", a.html);
    assert!(a.html.contains("value=\"Bad Name\"") && a.html.contains("value=\"Rita Reviewer\""));
    assert!(a.html.contains("<option value=\"watchdog\" selected>"), "the stakeholder as chosen");
    assert!(!a.html.contains("a typed password"), "a password is never shown again");
    // A reviewer linked to the stakeholder, with a one-time password shown once.
    let good =
        [("username", "rita"), ("display_name", "Rita Reviewer"), ("role", "reviewer"), ("stakeholder", "watchdog")];
    let a = p.post("/admin/accounts", "/admin/accounts", &good).await;
    assert_eq!(a.status, 200, "{}", a.html);
    let one_time = text_of(&a.html, "one-time-password");
    assert!(one_time.len() >= 32);
    let a = p.post("/admin/accounts", "/admin/accounts", &good).await;
    assert_eq!(a.status, 409, "a taken username");
    assert!(a.html.contains("id=\"username-error\""), "{}", a.html);
    let admin = Api::with_token(&s, &token_for(&s, "admin", &s.admin_password).await);
    let (_, list) = admin.get("/api/v1/accounts").await;
    let rita = list["accounts"].as_array().into_iter().flatten().find(|a| a["username"] == "rita").expect("rita");
    assert_eq!(
        (&rita["role"], &rita["stakeholder"], &rita["must_change_password"]),
        (&json!("reviewer"), &json!("watchdog"), &json!(true))
    );
    let id = rita["id"].as_str().expect("id").to_owned();
    // Her first sign-in changes the one-time password.
    let (a, rp) = sign_in(&s, "rita", &one_time).await;
    assert_eq!(a.status, 303);
    let mut rp = rp.expect("signed in");
    assert_eq!(rp.get("/incidents?lang=en").await.location, "/account/password?lang=en");
    let mut rp = change_password(&mut rp, &one_time, "rita's own password").await;
    assert_eq!(rp.get("/incidents?lang=en").await.status, 200);
    // She is no admin: the administration pages refuse her.
    for path in ["/admin/accounts", &format!("/admin/accounts/{id}"), "/admin/stakeholders", "/admin/stakeholders/jp"] {
        assert_eq!(rp.get(path).await.status, 403, "{path}");
    }
    let a = rp.post("/account/tokens", "/admin/accounts", &good).await;
    assert_eq!(a.status, 403);
    // The admin changes her role: a contributor must name a stakeholder.
    let page = format!("/admin/accounts/{id}");
    let a = p.post(&page, &page, &[("display_name", "Rita"), ("role", "contributor"), ("stakeholder", "")]).await;
    assert_eq!(a.status, 422);
    assert!(a.html.contains("id=\"stakeholder-error\"") && a.html.contains("value=\"Rita\""), "{}", a.html);
    let a = p.post(&page, &page, &[("display_name", "Rita"), ("role", "editor"), ("stakeholder", "jp")]).await;
    assert_eq!(a.status, 303, "{}", a.html);
    let (_, one) = admin.get(&format!("/api/v1/accounts/{id}")).await;
    assert_eq!(
        (&one["role"], &one["stakeholder"], &one["must_change_password"]),
        (&json!("editor"), &json!("jp"), &json!(false))
    );
    // The API: PATCH changes what it names; an admin cannot take away its own administration.
    let (st, body) = admin
        .send(
            reqwest::Method::PATCH,
            &format!("/api/v1/accounts/{id}"),
            Some(&json!({"stakeholder": null, "role": "reviewer"})),
        )
        .await;
    assert_eq!(st, 200, "{body}");
    assert!(body.get("stakeholder").is_none(), "{body}");
    let (_, me) = admin.get("/api/v1/me").await;
    let own = format!("/api/v1/accounts/{}", me["account"]["id"].as_str().expect("id"));
    let (st, body) = admin.send(reqwest::Method::PATCH, &own, Some(&json!({"role": "editor"}))).await;
    assert_eq!((st, body["errors"][0]["field"].as_str()), (422, Some("role")), "{body}");
    let (st, body) = admin.send(reqwest::Method::PATCH, &own, Some(&json!({"disabled": true}))).await;
    assert_eq!((st, body["errors"][0]["field"].as_str()), (422, Some("disabled")), "{body}");
    let (st, body) = admin.post(&format!("{own}/password"), &json!({})).await;
    assert_eq!((st, body["errors"][0]["field"].as_str()), (422, Some("id")), "not its own: {body}");
    // A new one-time password from the admin must be changed again.
    let (st, body) = admin.post(&format!("/api/v1/accounts/{id}/password"), &json!({})).await;
    assert_eq!(st, 200, "{body}");
    let given = body["password"].as_str().expect("password");
    let rita = Api::with_token(&s, &token_for(&s, "rita", given).await);
    assert_eq!(rita.get("/api/v1/me").await.0, 403);
}

async fn a_disabled_account_cannot_sign_in_and_its_tokens_stop(s: TestServer) {
    let mut p = admin_portal(&s).await;
    let admin = Api::with_token(&s, &token_for(&s, "admin", &s.admin_password).await);
    let (user, password) = account(&admin, "dana", "editor", None).await;
    let dana = Api::with_token(&s, &token_for(&s, &user, &password).await);
    assert_eq!(dana.get("/api/v1/me").await.0, 200);
    let (_, portal) = sign_in(&s, &user, &password).await;
    let mut dp = portal.expect("signed in");
    let (_, list) = admin.get("/api/v1/accounts").await;
    let id = list["accounts"].as_array().into_iter().flatten().find(|a| a["username"] == "dana").expect("dana")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let page = format!("/admin/accounts/{id}");
    let a = p.post(&page, &format!("{page}/disable"), &[]).await;
    assert_eq!(a.status, 303, "{}", a.html);
    assert!(p.get(&page).await.html.contains(">Enable</button>"), "the page offers to enable it now");
    assert_eq!(dana.get("/api/v1/me").await.0, 401, "its token stops working");
    let (a, _) = sign_in(&s, &user, &password).await;
    assert_eq!(a.status, 401, "it cannot sign in");
    assert_eq!(dp.get("/admin/stakeholders").await.status, 401, "its session ended");
    // Enabled again, its token works again.
    let a = p.post(&page, &format!("{page}/enable"), &[]).await;
    assert_eq!(a.status, 303);
    assert_eq!(dana.get("/api/v1/me").await.0, 200);
    // An admin cannot disable itself in the portal either: the reason on its page.
    let (_, me) = admin.get("/api/v1/me").await;
    let own = format!("/admin/accounts/{}", me["account"]["id"].as_str().expect("id"));
    let a = p.post(&own, &format!("{own}/disable"), &[]).await;
    assert_eq!(a.status, 422);
    assert!(a.html.contains("cannot disable your own account"), "{}", a.html);
}

async fn the_tokens_page_creates_and_revokes(s: TestServer) {
    let mut p = admin_portal(&s).await;
    let a = p.get("/account/tokens?lang=ja").await;
    assert_eq!(a.status, 200);
    let a = p.post("/account/tokens", "/account/tokens", &[("name", " "), ("expires_in_days", "30")]).await;
    assert_eq!(a.status, 422);
    assert!(a.html.contains("id=\"name-error\"") && a.html.contains("value=\"30\""), "{}", a.html);
    let a =
        p.post("/account/tokens", "/account/tokens", &[("name", "nightly export"), ("expires_in_days", "30")]).await;
    assert_eq!(a.status, 200, "{}", a.html);
    let secret = text_of(&a.html, "token-secret");
    let api = Api::with_token(&s, &secret);
    let (st, me) = api.get("/api/v1/me").await;
    assert_eq!((st, me["account"]["username"].as_str()), (200, Some("admin")));
    let (_, tokens) = api.get("/api/v1/tokens").await;
    let token =
        tokens["tokens"].as_array().into_iter().flatten().find(|t| t["name"] == "nightly export").expect("listed");
    assert!(token["expires_at"].is_string());
    let id = token["id"].as_str().expect("id");
    let listed = p.get("/account/tokens").await;
    assert!(
        listed.html.contains(&format!("id=\"token-{id}\"")) && !listed.html.contains(&secret),
        "the secret is shown once"
    );
    let a = p.post("/account/tokens", &format!("/account/tokens/{id}/revoke"), &[]).await;
    assert_eq!((a.status, a.location.as_str()), (303, "/account/tokens?lang=en"));
    assert_eq!(api.get("/api/v1/me").await.0, 401);
    // Someone else's token is not found, and not revoked.
    let admin = Api::with_token(&s, &token_for(&s, "admin", &s.admin_password).await);
    let (user, password) = account(&admin, "erin", "reader", None).await;
    let (_, erin) = sign_in(&s, &user, &password).await;
    let mut erin = erin.expect("signed in");
    let (_, mine) = admin.get("/api/v1/tokens").await;
    let live = mine["tokens"].as_array().into_iter().flatten().find(|t| t["revoked_at"].is_null()).expect("a live one");
    let a = erin
        .post("/account/tokens", &format!("/account/tokens/{}/revoke", live["id"].as_str().expect("id")), &[])
        .await;
    assert_eq!(a.status, 404);
    assert_eq!(admin.get("/api/v1/me").await.0, 200);
}
