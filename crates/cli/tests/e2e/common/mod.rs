//! Starts the real `normwatch serve` on a random loopback port with a fresh database, as a user
//! would, and talks HTTP to it.
#![allow(dead_code)]

pub mod downloads;
pub mod portal;
pub mod s3;
pub mod webdriver;

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const BIN: &str = env!("CARGO_BIN_EXE_normwatch");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A setting a test cannot run without, from the environment. Its absence fails the test, in
/// and outside CI, with what it needs and the command that provides it: a test never skips.
pub fn required_env(var: &str, needs: &str, example: &str) -> String {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => v,
        _ => panic!("needs {needs}: run `bash scripts/test`, or set {var}={example}"),
    }
}

/// The PostgreSQL server the test script started, as an admin URL.
pub fn postgres_admin_url() -> String {
    required_env("NORMWATCH_TEST_POSTGRES", "PostgreSQL", "postgres://postgres@127.0.0.1:5432/postgres")
}

/// A fresh, empty PostgreSQL database for one test (zero2prod's pattern).
pub async fn fresh_postgres_database() -> String {
    use sqlx::{Connection, Executor, PgConnection};
    let admin = postgres_admin_url();
    let name = format!("nw_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::connect(&admin).await.expect("connect to the test PostgreSQL server");
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")))
        .await
        .expect("create test database");
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b).to_owned();
    format!("{base}/{name}")
}

pub struct TestServer {
    pub url: String,
    /// The database URL the server uses (the SQLite file's URL when on SQLite).
    pub database: String,
    /// The first admin's password: the one `serve` printed, already changed by the test set-up
    /// (the first sign-in must change it), except on a server from [`TestServer::first_run`].
    pub admin_password: String,
    pub backend: Backend,
    pub data_dir: PathBuf,
    /// The S3-compatible server holding the evidence blobs, when not the data directory.
    pub s3: Option<s3::S3Server>,
    /// The settings it was started with, kept for a restart.
    env: Vec<(String, String)>,
    child: Child,
    dir: tempfile::TempDir,
}

/// Where a test server's blobs are kept under a bucket (`--blobs s3://BUCKET/PREFIX`).
const S3_PREFIX: &str = "instance-1";

impl TestServer {
    /// Fails the test when PostgreSQL is wanted and not configured.
    pub async fn start(backend: Backend) -> TestServer {
        Self::start_with_env(backend, &[]).await
    }

    /// Starts with extra environment variables (settings such as NORMWATCH_PUBLIC_URL); the
    /// admin has changed the printed one-time password, as its first sign-in must.
    pub async fn start_with_env(backend: Backend, env: &[(&str, &str)]) -> TestServer {
        let mut s = Self::first_run(backend, env).await;
        let token = token_for(&s, "admin", &s.admin_password).await;
        let new = format!("admin-{}", uuid::Uuid::new_v4().simple());
        let (status, body) = Api::with_token(&s, &token)
            .post(
                "/api/v1/me/password",
                &serde_json::json!({"current_password": s.admin_password, "new_password": new}),
            )
            .await;
        assert_eq!(status, 204, "the admin's first password change: {body}");
        s.admin_password = new;
        s
    }

    /// Starts a server (admin as after [`TestServer::start`]) that keeps its evidence in a bucket
    /// of a fresh S3-compatible server on loopback.
    pub async fn start_with_s3(backend: Backend) -> TestServer {
        let bucket = s3::S3Server::start().await;
        let env = bucket.env(S3_PREFIX);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut s = Self::start_with_env(backend, &env).await;
        s.s3 = Some(bucket);
        s
    }

    /// A second `normwatch serve` on this server's database and data directory (its key, its
    /// blobs), on a port of its own: the way an observatory grows past one process or machine.
    pub fn second_server(&self) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let (child, url, _) = spawn_serve(dir.path(), &self.data_dir, &self.database, &self.env);
        TestServer {
            url,
            database: self.database.clone(),
            admin_password: self.admin_password.clone(),
            backend: self.backend,
            data_dir: self.data_dir.clone(),
            s3: None,
            env: self.env.clone(),
            child,
            dir,
        }
    }

    /// How many blobs are stored under `under` (`sha256` for stored ones, `staging` for uploads
    /// in progress), wherever this server keeps them.
    pub async fn stored_blobs(&self, under: &str) -> usize {
        match &self.s3 {
            Some(bucket) => bucket.keys(&format!("{S3_PREFIX}/{under}/")).await.len(),
            None => files_under(&self.data_dir.join("blobs").join(under)),
        }
    }

    /// Starts a server whose admin still has the printed one-time password.
    pub async fn first_run(backend: Backend, env: &[(&str, &str)]) -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let data_dir = dir.path().join("data");
        let database = match backend {
            Backend::Sqlite => format!("sqlite://{}", data_dir.join("normwatch.db").display()),
            Backend::Postgres => fresh_postgres_database().await,
        };
        let env: Vec<(String, String)> = env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let (child, url, admin_password) = spawn_serve(dir.path(), &data_dir, &database, &env);
        TestServer { url, database, admin_password, backend, data_dir, s3: None, env, child, dir }
    }

    /// Kills the server with SIGKILL (no shutdown at all) and starts it again on the same data.
    pub fn kill_and_restart(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let (child, url, _) = spawn_serve(self.dir.path(), &self.data_dir, &self.database, &self.env);
        self.child = child;
        self.url = url;
    }

    /// Runs the `normwatch` CLI against this server's data directory and database.
    pub fn cli(&self, args: &[&str]) -> std::process::Output {
        Command::new(BIN)
            .args(args)
            .arg("--data-dir")
            .arg(&self.data_dir)
            .args(["--database", &self.database])
            .env_remove("NORMWATCH_CONFIG")
            .env("NORMWATCH_LOG", "warn")
            .output()
            .expect("run normwatch")
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    /// A page's URL in a language.
    pub fn in_lang(&self, path: &str, lang: &str) -> String {
        self.at(&format!("{path}{}lang={lang}", if path.contains('?') { '&' } else { '?' }))
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        reqwest::get(self.at(path)).await.expect("request")
    }

    pub async fn json(&self, path: &str) -> serde_json::Value {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "GET {path}");
        r.json().await.expect("JSON body")
    }

    /// Runs SQL on the server's database behind its back, as someone with database access (or
    /// a clock moving on) would.
    pub async fn execute_sql(&self, sql: String) {
        use sqlx::{Connection, Executor};
        match self.backend {
            Backend::Sqlite => {
                let mut c = sqlx::SqliteConnection::connect(&self.database).await.expect("sqlite");
                c.execute(sqlx::AssertSqlSafe(sql)).await.expect("SQL");
            }
            Backend::Postgres => {
                let mut c = sqlx::PgConnection::connect(&self.database).await.expect("postgres");
                c.execute(sqlx::AssertSqlSafe(sql)).await.expect("SQL");
            }
        }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// Starts `normwatch serve` on a random port; returns the child, its URL and (on a first run)
/// the admin's one-time password.
fn spawn_serve(dir: &Path, data_dir: &Path, database: &str, env: &[(String, String)]) -> (Child, String, String) {
    let mut cmd = Command::new(BIN);
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"]).arg(data_dir).args(["--database", database]);
    let log = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("server.log")).expect("log file");
    cmd.env_remove("NORMWATCH_DATABASE")
        .env_remove("NORMWATCH_CONFIG")
        .env("NORMWATCH_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log));
    let mut child = cmd.spawn().expect("start normwatch serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        // Keep reading so the server never blocks on a full pipe.
        let mut password = String::new();
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if let Some(rest) = line.trim().strip_prefix("its password:") {
                password = rest.trim().to_owned();
            }
            if let Some(rest) = line.strip_prefix("normwatch listening on ") {
                let _ = tx.send((rest.trim_end_matches('/').to_owned(), password.clone()));
            }
        }
    });
    match rx.recv_timeout(Duration::from_secs(60)) {
        Ok((url, password)) => (child, url, password),
        Err(_) => {
            let _ = child.kill();
            let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
            panic!("normwatch serve did not print its address within 60 s; its log:\n{log}");
        }
    }
}

fn files_under(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| if e.path().is_dir() { files_under(&e.path()) } else { 1 }).sum())
        .unwrap_or(0)
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Declares each listed `async fn name(server: TestServer, browser: Browser)` as a test on SQLite
/// and on PostgreSQL, each with a fresh server and a fresh browser session.
macro_rules! in_browser {
    ($($name:ident),* $(,)?) => {
        in_browser!(@on sqlite, Sqlite; $($name),*);
        in_browser!(@on postgres, Postgres; $($name),*);
    };
    (@on $module:ident, $backend:ident; $($name:ident),*) => {
        mod $module {
            $(
                #[tokio::test]
                async fn $name() {
                    // Once more with a fresh browser and server if Chromium itself died (its
                    // renderer crashing under a loaded machine is no finding about our pages);
                    // any other failure stands at once.
                    for attempt in 1..=2 {
                        let run = tokio::spawn(async {
                            let browser = $crate::common::webdriver::Browser::start().await;
                            let server = $crate::common::TestServer::start($crate::common::Backend::$backend).await;
                            super::$name(server, browser).await
                        });
                        let Err(failure) = run.await else { return };
                        let Ok(payload) = failure.try_into_panic() else { panic!("the test task was cancelled") };
                        let message = payload
                            .downcast_ref::<String>()
                            .cloned()
                            .or_else(|| payload.downcast_ref::<&str>().map(|m| (*m).to_owned()))
                            .unwrap_or_default();
                        if attempt == 1 && $crate::common::webdriver::browser_died(&message) {
                            eprintln!("Chromium went away ({message}); once more with a fresh browser");
                            continue;
                        }
                        std::panic::resume_unwind(payload);
                    }
                }
            )*
        }
    };
}

/// Declares each listed `async fn name(server: TestServer)` as a test on SQLite and on PostgreSQL;
/// `env &[(VAR, value), …];` before the names starts the servers with those settings.
macro_rules! on_both_backends {
    (env $env:expr; $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let server =
                        $crate::common::TestServer::start_with_env($crate::common::Backend::Sqlite, $env).await;
                    super::$name(server).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let server =
                        $crate::common::TestServer::start_with_env($crate::common::Backend::Postgres, $env).await;
                    super::$name(server).await
                }
            )*
        }
    };
    ($($name:ident),* $(,)?) => {
        on_both_backends!(env &[]; $($name),*);
    };
}

/// Settings of a server whose collection a test drives: sources on loopback fixtures allowed,
/// and no background poller (the test polls with `POST /api/v1/collection/run`, so that what
/// each run finds is known).
pub const COLLECTING: &[(&str, &str)] =
    &[("NORMWATCH_ALLOW_PRIVATE_SOURCES", "true"), ("NORMWATCH_COLLECT_POLL_SECS", "0")];
/// No background poller, private sources refused (the default).
pub const NOT_POLLING: &[(&str, &str)] = &[("NORMWATCH_COLLECT_POLL_SECS", "0")];

/// The Python of the test venv that `scripts/test` prepares (OpenAPI validator, schemathesis,
/// OASIS's STIX and TAXII tools).
pub fn test_python() -> PathBuf {
    PathBuf::from(required_env("NORMWATCH_TEST_PYTHON", "the Python test tools", "target/test-venv/bin/python"))
}

/// An API client with an optional bearer token.
#[derive(Debug, Clone)]
pub struct Api {
    pub base: String,
    pub token: Option<String>,
    http: reqwest::Client,
}

impl Api {
    pub fn anonymous(server: &TestServer) -> Api {
        Api { base: server.url.clone(), token: None, http: reqwest::Client::new() }
    }

    pub fn with_token(server: &TestServer, token: &str) -> Api {
        Api { token: Some(token.to_owned()), ..Api::anonymous(server) }
    }

    /// The same client (same token) talking to another server.
    pub fn on(&self, server: &TestServer) -> Api {
        Api { base: server.url.clone(), ..self.clone() }
    }

    fn auth(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        match &self.token {
            Some(t) => rb.bearer_auth(t),
            None => rb,
        }
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> (u16, serde_json::Value) {
        let mut rb = self.auth(self.http.request(method, format!("{}{path}", self.base)));
        if let Some(b) = body {
            rb = rb.json(b);
        }
        // A refused or cut connection is status 0, so that tests that kill the server can go on.
        let Ok(r) = rb.send().await else { return (0, serde_json::Value::Null) };
        let status = r.status().as_u16();
        let Ok(text) = r.text().await else { return (0, serde_json::Value::Null) };
        (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
    }

    pub async fn get(&self, path: &str) -> (u16, serde_json::Value) {
        self.send(reqwest::Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        self.send(reqwest::Method::POST, path, Some(body)).await
    }

    pub async fn put(&self, path: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
        self.send(reqwest::Method::PUT, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> (u16, serde_json::Value) {
        self.send(reqwest::Method::DELETE, path, None).await
    }
}

/// Signs in through the API and returns a token.
pub async fn token_for(server: &TestServer, username: &str, password: &str) -> String {
    let (status, body) = Api::anonymous(server)
        .post("/api/v1/tokens", &serde_json::json!({"name": "test", "username": username, "password": password}))
        .await;
    assert_eq!(status, 201, "sign-in of {username}: {body}");
    body["token"].as_str().expect("token").to_owned()
}

/// One API client per role, plus anonymous. The contributor acts for `jp`; a second contributor
/// acts for `acme`, a company registered here.
#[derive(Debug)]
pub struct Roles {
    pub anonymous: Api,
    pub admin: Api,
    pub editor: Api,
    pub reviewer: Api,
    pub contributor: Api,
    pub acme_contributor: Api,
    pub reader: Api,
}

impl Roles {
    pub async fn set_up(server: &TestServer) -> Roles {
        let admin = Api::with_token(server, &token_for(server, "admin", &server.admin_password).await);
        let (status, body) = admin
            .post(
                "/api/v1/stakeholders",
                &serde_json::json!({"id": "acme", "kind": "private-sector", "country": "JP",
                    "name": {"ja": "アクメ株式会社", "en": "Acme Corporation"}, "website": "https://acme.example/"}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        let mut clients = Vec::new();
        for (username, role, stakeholder) in [
            ("editor1", "editor", None),
            ("reviewer1", "reviewer", None),
            ("contributor-jp", "contributor", Some("jp")),
            ("contributor-acme", "contributor", Some("acme")),
            ("reader1", "reader", None),
        ] {
            clients.push(signed_in(server, &admin, username, role, stakeholder).await);
        }
        let mut c = clients.into_iter();
        let mut next = move || c.next().expect("client");
        Roles {
            anonymous: Api::anonymous(server),
            admin,
            editor: next(),
            reviewer: next(),
            contributor: next(),
            acme_contributor: next(),
            reader: next(),
        }
    }

    pub fn all(&self) -> [(&'static str, &Api); 7] {
        [
            ("anonymous", &self.anonymous),
            ("admin", &self.admin),
            ("editor", &self.editor),
            ("reviewer", &self.reviewer),
            ("contributor", &self.contributor),
            ("acme-contributor", &self.acme_contributor),
            ("reader", &self.reader),
        ]
    }
}

/// A file of the public datasets: in NORMWATCH_TEST_DATA (set by `scripts/test`), or in
/// ../shared/data beside the checkout. Missing data fails the test: it is never skipped.
pub fn data(rel: &str) -> PathBuf {
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    let root = match std::env::var("NORMWATCH_TEST_DATA") {
        Ok(d) if !d.is_empty() => PathBuf::from(d),
        _ => beside,
    };
    let path = root.join(rel);
    assert!(
        path.exists(),
        "{} is missing: set NORMWATCH_TEST_DATA to the folder of the public datasets",
        path.display()
    );
    path
}

/// Two more reviewers, acting for stakeholders of two different kinds.
pub async fn reviewers(s: &TestServer, admin: &Api) -> (Api, Api) {
    let mut out = Vec::new();
    for (id, kind, user) in [("watchdog", "civil-society", "rev-cs"), ("univ", "academia", "rev-ac")] {
        let (st, b) = admin
            .post("/api/v1/stakeholders", &serde_json::json!({"id": id, "kind": kind, "name": {"ja": id, "en": id}}))
            .await;
        assert_eq!(st, 201, "{b}");
        out.push(signed_in(s, admin, user, "reviewer", Some(id)).await);
    }
    let second = out.pop().expect("two");
    (out.pop().expect("two"), second)
}

/// Takes a draft record (incident, assessment, …) at `path` through review to publication: the
/// author submits, two reviewers approve, the first publishes. Returns the published record.
/// Files a record in `collection` (e.g. `/api/v1/assessments`) as `author`, takes it through
/// review by `r1` and `r2` to publication, and returns its id.
pub async fn file_and_publish(author: &Api, r1: &Api, r2: &Api, collection: &str, body: &serde_json::Value) -> String {
    let (st, record) = author.post(collection, body).await;
    assert_eq!(st, 201, "{collection}: {record}");
    let id = record["id"].as_str().expect("id").to_owned();
    publish_through_review(author, r1, r2, &format!("{collection}/{id}")).await;
    id
}

/// The published records that still stand (not superseded, not retracted), from a list answer.
pub fn standing<'a>(list: &'a serde_json::Value, key: &str) -> Vec<&'a serde_json::Value> {
    list[key]
        .as_array()
        .expect("list")
        .iter()
        .filter(|r| r["status"] == "published" && r.get("superseded_by").is_none() && r.get("retraction").is_none())
        .collect()
}

/// A published incident against a Ukrainian grid operator (March 2021, recorded by `jp`): its id.
pub async fn publish_grid_incident(editor: &Api, r1: &Api, r2: &Api) -> String {
    let incident = serde_json::json!({"title": {"ja": "送電網への攻撃", "en": "Attack on the grid"}, "started": "2021-03",
        "operation_types": ["disruption"], "targets": [{"name": "Grid operator", "country": "UA"}],
        "sources": [{"url": "https://news.example/grid"}], "stakeholder": "jp"});
    file_and_publish(editor, r1, r2, "/api/v1/incidents", &incident).await
}

pub async fn publish_through_review(author: &Api, r1: &Api, r2: &Api, path: &str) -> serde_json::Value {
    let (st, b) = author.post(&format!("{path}/submit"), &serde_json::json!({})).await;
    assert_eq!(st, 200, "submit {path}: {b}");
    for r in [r1, r2] {
        let (st, b) = r.post(&format!("{path}/reviews"), &serde_json::json!({"verdict": "approve"})).await;
        assert_eq!(st, 200, "review {path}: {b}");
    }
    let (st, b) = r1.post(&format!("{path}/publish"), &serde_json::json!({})).await;
    assert_eq!(st, 200, "publish {path}: {b}");
    b
}

/// An account made by `admin` with a password it chose (a generated one would be a one-time
/// one, to be changed at the first sign-in), for tests that sign in through the portal as a
/// person would: (username, password).
pub async fn account(admin: &Api, username: &str, role: &str, stakeholder: Option<&str>) -> (String, String) {
    let password = format!("pw-{}", uuid::Uuid::new_v4().simple());
    let (st, b) = admin
        .post(
            "/api/v1/accounts",
            &serde_json::json!({"username": username, "display_name": username, "role": role,
                "stakeholder": stakeholder, "password": password}),
        )
        .await;
    assert_eq!(st, 201, "{b}");
    (username.to_owned(), password)
}

/// An account made by `admin` with a password it chose, signed in through the API.
pub async fn signed_in(s: &TestServer, admin: &Api, username: &str, role: &str, stakeholder: Option<&str>) -> Api {
    let (username, password) = account(admin, username, role, stakeholder).await;
    Api::with_token(s, &token_for(s, &username, &password).await)
}

/// The value of the first `name="NAME"` form field on a page (a CSRF token, a draft's version).
pub fn field_value(html: &str, name: &str) -> String {
    let key = format!("name=\"{name}\" value=\"");
    let at = html.find(&key).unwrap_or_else(|| panic!("no `{name}` field"));
    let rest = &html[at + key.len()..];
    rest[..rest.find('"').expect("end of value")].to_owned()
}

/// A client that does not follow redirects, to see where a form sends the browser.
pub fn no_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

/// The value of the cookie `name` that a response sets, if it sets one.
pub fn set_cookie(r: &reqwest::Response, name: &str) -> Option<String> {
    r.headers()
        .get_all(reqwest::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find_map(|v| v.strip_prefix(&format!("{name}=")).and_then(|v| v.split(';').next()).map(str::to_owned))
}

/// Signs in through the portal's form as a browser without JavaScript does (the form's login
/// CSRF cookie, then the post); the post's answer, redirects not followed.
pub async fn post_sign_in(s: &TestServer, username: &str, password: &str) -> reqwest::Response {
    let c = no_redirects();
    let form = c.get(s.at("/sign-in?lang=en")).send().await.expect("get");
    let login = set_cookie(&form, "nw_login_csrf").expect("login cookie");
    c.post(s.at("/sign-in"))
        .header(reqwest::header::COOKIE, format!("nw_login_csrf={login}"))
        .form(&[("username", username), ("password", password), ("csrf", &login), ("lang", "en")])
        .send()
        .await
        .expect("post")
}

/// The strings at `key` of the objects in the array `items` (the ids of a list), skipping
/// objects without one.
pub fn strings(items: &serde_json::Value, key: &str) -> Vec<String> {
    items.as_array().expect("an array").iter().filter_map(|i| i[key].as_str().map(str::to_owned)).collect()
}

/// Every page of the incident list, following its cursor from the first page to the last.
pub async fn incident_pages(s: &TestServer) -> Vec<serde_json::Value> {
    let mut pages = Vec::new();
    let mut path = "/api/v1/incidents?limit=500".to_owned();
    loop {
        let page = s.json(&path).await;
        let next = page["next"].as_str().map(|c| format!("/api/v1/incidents?limit=500&cursor={c}"));
        pages.push(page);
        match next {
            Some(p) => path = p,
            None => return pages,
        }
    }
}

/// The fields of an incident that a correction sends again.
pub const INCIDENT_FIELDS: [&str; 13] = [
    "title",
    "description",
    "started",
    "ended",
    "discovered",
    "operation_types",
    "actors",
    "targets",
    "sources",
    "impact",
    "tlp",
    "community",
    "origin",
];

/// The body of a correction of `incident`: its fields among `INCIDENT_FIELDS` that are set.
pub fn incident_revision(incident: &serde_json::Value) -> serde_json::Value {
    let mut record = serde_json::Map::new();
    for key in INCIDENT_FIELDS {
        if let Some(v) = incident.get(key).filter(|v| !v.is_null()) {
            record.insert(key.to_owned(), v.clone());
        }
    }
    serde_json::Value::Object(record)
}

/// The community `cert-coop` (CERT cooperation) with these focus norms and members, as an admin
/// creates it.
pub fn cert_coop(focus_norms: &[&str], members: serde_json::Value) -> serde_json::Value {
    serde_json::json!({"id": "cert-coop", "name": {"ja": "CERT協力", "en": "CERT cooperation"},
        "purpose": {"ja": "重要インフラの事案で協力する。", "en": "Cooperate on critical-infrastructure incidents."},
        "focus_norms": focus_norms,
        "success_factors": {"shared_principles": "GCSC principles", "problem_focus": "CI incidents", "expertise": "CERT staff",
                            "support": "member-funded", "transparent_process": "decisions logged here"},
        "members": members})
}

impl TestServer {
    /// Saves an inclusion proof bundle (`/log/proof/inclusion`) as a reader would for `verify`:
    /// the bundle and its checkpoint, as (record file, checkpoint file) in the server's folder.
    pub fn save_proof(&self, bundle: &serde_json::Value) -> (PathBuf, PathBuf) {
        let (record, checkpoint) = (self.dir().join("record.json"), self.dir().join("checkpoint.txt"));
        std::fs::write(&record, bundle.to_string()).expect("write the record");
        std::fs::write(&checkpoint, bundle["checkpoint"].as_str().expect("checkpoint")).expect("write the checkpoint");
        (record, checkpoint)
    }
}

/// Runs `normwatch verify RECORD --checkpoint CHECKPOINT --key KEY` offline, as a reader would.
pub fn verify_offline(record: &Path, checkpoint: &Path, key: impl AsRef<std::ffi::OsStr>) -> std::process::Output {
    Command::new(BIN)
        .arg("verify")
        .arg(record)
        .arg("--checkpoint")
        .arg(checkpoint)
        .arg("--key")
        .arg(key)
        .output()
        .expect("run normwatch verify")
}

/// Japan's VEP board `jp-vep` with these (username, agency) members, each a reader account made
/// by the admin; returns the members signed in, in the same order.
pub async fn jp_vep_board(s: &TestServer, roles: &Roles, members: &[(&str, &str)]) -> Vec<Api> {
    let mut signed = Vec::new();
    for (username, _) in members {
        signed.push(signed_in(s, &roles.admin, username, "reader", None).await);
    }
    let members: Vec<serde_json::Value> =
        members.iter().map(|(username, agency)| serde_json::json!({"username": username, "agency": agency})).collect();
    let board = serde_json::json!({"id": "jp-vep", "stakeholder": "jp",
        "name": {"ja": "日本VEP委員会", "en": "Japan VEP board"}, "members": members});
    let (st, b) = roles.editor.post("/api/v1/vep/boards", &board).await;
    assert_eq!(st, 201, "{b}");
    signed
}

/// Japan attributes `incident` to Russia and a collective statement makes that claim, both
/// published through review; answers the statement's id.
pub async fn publish_joint_statement(roles: &Roles, reviewers: &(Api, Api), incident: &str) -> String {
    let (st, claim) = roles
        .editor
        .post(
            "/api/v1/attributions",
            &serde_json::json!({"incident": incident, "attributor": {"name": "Government of Japan", "kind": "government", "stakeholder": "jp"},
                    "attributed_to": {"state": "RU"}, "type": "political", "attributed_on": "2023-09-01"}),
        )
        .await;
    assert_eq!(st, 201, "{claim}");
    let claim = claim["id"].as_str().expect("claim id").to_owned();
    publish_through_review(&roles.editor, &reviewers.0, &reviewers.1, &format!("/api/v1/attributions/{claim}")).await;
    let (st, statement) = roles
        .editor
        .post(
            "/api/v1/statements",
            &serde_json::json!({"text": {"ja": "DNS基盤への攻撃をロシアに帰属させる共同声明", "en": "Joint statement on the DNS attack"},
                    "claims": [claim], "issued_on": "2023-09-02"}),
        )
        .await;
    assert_eq!(st, 201, "{statement}");
    let statement = statement["id"].as_str().expect("statement id").to_owned();
    publish_through_review(&roles.editor, &reviewers.0, &reviewers.1, &format!("/api/v1/statements/{statement}")).await;
    statement
}
