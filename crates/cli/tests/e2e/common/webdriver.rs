//! A small W3C WebDriver client for end-to-end tests in a real headless Chromium: JSON over HTTP
//! to the chromedriver that `scripts/test` starts (NORMWATCH_TEST_WEBDRIVER). A failed command
//! panics with the driver's message and the page it happened on: these are tests.

use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// WebDriver's key codes, for `send_keys` and `press` (W3C WebDriver §17.4.2).
pub mod keys {
    pub const TAB: &str = "\u{E004}";
    pub const ENTER: &str = "\u{E007}";
    pub const ESCAPE: &str = "\u{E00C}";
    pub const BACKSPACE: &str = "\u{E003}";
    pub const SHIFT: &str = "\u{E008}";
    pub const ARROW_DOWN: &str = "\u{E015}";
    pub const ARROW_UP: &str = "\u{E013}";
    pub const SPACE: &str = "\u{E00D}";
}

/// The key under which WebDriver passes an element reference in JSON.
const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The chromedriver to use, from NORMWATCH_TEST_WEBDRIVER.
pub fn webdriver_url() -> String {
    super::required_env("NORMWATCH_TEST_WEBDRIVER", "chromedriver", "http://127.0.0.1:9515")
        .trim_end_matches('/')
        .to_owned()
}

/// Where tests leave files for a person to look at (screenshots): NORMWATCH_TEST_ARTIFACTS, or
/// `target/test-artifacts` of the workspace.
pub fn artifacts_dir() -> PathBuf {
    match std::env::var("NORMWATCH_TEST_ARTIFACTS") {
        Ok(d) if !d.is_empty() => PathBuf::from(d),
        _ => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-artifacts"),
    }
}

/// An error the WebDriver answered with: its W3C error code (`no such element`, …) and message.
#[derive(Debug, Clone)]
pub struct DriverError {
    pub error: String,
    pub message: String,
}

/// One WebDriver session: one headless Chromium with its own empty profile and download folder.
#[derive(Debug)]
pub struct Browser {
    http: reqwest::Client,
    driver: String,
    session: String,
    closed: bool,
    downloads: tempfile::TempDir,
    // Kept until the session is gone: Chromium writes into it while it runs.
    _profile: tempfile::TempDir,
}

/// Whether a failure message says the browser process itself went away (a renderer crash, a
/// closed session) or never came up (Chromium not started in time on a loaded machine), as
/// opposed to a page or a test going wrong.
pub fn browser_died(message: &str) -> bool {
    let crashed = message.contains("invalid session id")
        && (message.contains("renderer") || message.contains("browser has closed the connection"));
    let not_started = message.contains("started no session")
        && (message.contains("session not created") || message.contains("chrome not reachable"));
    crashed || not_started
}

impl Browser {
    /// A new session; fails the test when no WebDriver is configured.
    pub async fn start() -> Browser {
        let driver = webdriver_url();
        let profile = tempfile::tempdir().expect("browser profile dir");
        let downloads = tempfile::tempdir().expect("download dir");
        let capabilities = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": "/usr/bin/chromium",
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-background-networking", "--disable-component-update", "--no-first-run",
                    "--disable-sync", "--disable-quic", "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": {
                    "download.default_directory": downloads.path().display().to_string(),
                    "download.prompt_for_download": false,
                },
            },
            // Lets `console_messages` read what pages logged (CSP violations, script errors).
            "goog:loggingPrefs": {"browser": "ALL"},
            // axe checks every node of a page; on a world map under a loaded 2-core machine that
            // outlasts WebDriver's default 30 s script timeout. The HTTP client waits 120 s.
            "timeouts": {"script": 110_000, "pageLoad": 110_000},
        }}});
        let http = reqwest::Client::builder().timeout(Duration::from_secs(120)).build().expect("HTTP client");
        let r = http.post(format!("{driver}/session")).json(&capabilities).send().await;
        let r = r.unwrap_or_else(|e| panic!("WebDriver at {driver} does not answer: {e}"));
        let body: Value = r.json().await.expect("WebDriver answers JSON");
        let Some(id) = body["value"]["sessionId"].as_str() else {
            panic!("WebDriver at {driver} started no session: {}", body["value"]);
        };
        let session = format!("{driver}/session/{id}");
        Browser { http, driver, session, closed: false, downloads, _profile: profile }
    }

    /// Sends one command; the driver's error, if any, as a value to inspect.
    pub async fn command(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value, DriverError> {
        let mut rb = self.http.request(method, format!("{}{path}", self.session));
        // WebDriver wants a JSON body on every POST, `{}` when there are no parameters.
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let r = match rb.send().await {
            Ok(r) => r,
            Err(e) => return Err(DriverError { error: "no answer".into(), message: e.to_string() }),
        };
        let ok = r.status().is_success();
        let body: Value = match r.json().await {
            Ok(b) => b,
            Err(e) => return Err(DriverError { error: "not JSON".into(), message: e.to_string() }),
        };
        let value = body.get("value").cloned().unwrap_or(Value::Null);
        if ok {
            return Ok(value);
        }
        let text = |k: &str| value[k].as_str().unwrap_or_default().to_owned();
        // Chromium appends its version to every message; it only adds noise to a failure.
        let message = text("message");
        let message = message.split("\n  (Session info").next().unwrap_or_default().to_owned();
        Err(DriverError { error: text("error"), message })
    }

    /// Sends one command and panics with the driver's message and the current page on failure.
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        match self.command(method.clone(), path, body).await {
            Ok(v) => v,
            Err(e) => {
                let url = self.command(reqwest::Method::GET, "/url", None).await.unwrap_or_default();
                panic!("WebDriver {method} {path}: {} ({}) on {url}", e.message, e.error)
            }
        }
    }

    async fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None).await
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    /// Navigates and waits until the page has loaded.
    pub async fn goto(&self, url: &str) {
        self.post("/url", json!({ "url": url })).await;
    }

    pub async fn current_url(&self) -> String {
        self.get("/url").await.as_str().unwrap_or_default().to_owned()
    }

    pub async fn title(&self) -> String {
        self.get("/title").await.as_str().unwrap_or_default().to_owned()
    }

    /// The page's markup as the browser now holds it (after parsing, not the bytes served).
    pub async fn source(&self) -> String {
        self.get("/source").await.as_str().unwrap_or_default().to_owned()
    }

    /// The text a reader sees on the page (`innerText` of the body).
    pub async fn body_text(&self) -> String {
        self.find("body").await.text().await
    }

    /// The first element matching a CSS selector; panics when there is none.
    pub async fn find(&self, css: &str) -> Element<'_> {
        let v = self.post("/element", json!({"using": "css selector", "value": css})).await;
        self.element(&v).unwrap_or_else(|| panic!("no element reference for `{css}`: {v}"))
    }

    /// The first element matching a CSS selector, if any.
    pub async fn try_find(&self, css: &str) -> Option<Element<'_>> {
        let found =
            self.command(reqwest::Method::POST, "/element", Some(json!({"using": "css selector", "value": css}))).await;
        match found {
            Ok(v) => self.element(&v),
            Err(e) if e.error == "no such element" => None,
            Err(e) => panic!("WebDriver find `{css}`: {} on {}", e.message, self.current_url().await),
        }
    }

    /// Every element matching a CSS selector, in document order.
    pub async fn find_all(&self, css: &str) -> Vec<Element<'_>> {
        let v = self.post("/elements", json!({"using": "css selector", "value": css})).await;
        v.as_array().map(|a| a.iter().filter_map(|e| self.element(e)).collect()).unwrap_or_default()
    }

    /// Waits for an element matching a CSS selector to appear, polling; panics after `timeout`.
    pub async fn wait_for(&self, css: &str, timeout: Duration) -> Element<'_> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(e) = self.try_find(css).await {
                return e;
            }
            if Instant::now() > deadline {
                panic!("no `{css}` within {timeout:?} on {}", self.current_url().await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Runs a script in the page (`arguments[i]` are `args`; elements pass as `Element::arg`)
    /// and returns its result. WebDriver runs it outside the page's Content-Security-Policy.
    pub async fn execute(&self, script: &str, args: Vec<Value>) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": args})).await
    }

    /// An element a script returned.
    pub fn element(&self, value: &Value) -> Option<Element<'_>> {
        let id = value.get(ELEMENT_KEY)?.as_str()?;
        Some(Element { browser: self, id: id.to_owned() })
    }

    /// Clicks a submit button and waits for the new page it leads to (not the old one still
    /// showing), then for `then` on it.
    pub async fn submit_and_wait(&self, button: &str, then: &str) {
        self.execute("window.nwBeforeSubmit = true", vec![]).await;
        self.find(button).await.click().await;
        let deadline = Instant::now() + Duration::from_secs(15);
        let fresh = "return window.nwBeforeSubmit === undefined && document.readyState === 'complete'";
        while self.execute(fresh, vec![]).await != json!(true) {
            assert!(Instant::now() < deadline, "`{button}` led to no new page");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.wait_for(then, Duration::from_secs(15)).await;
    }

    /// Types a username and password into the sign-in form of the page the browser is on.
    pub async fn fill_sign_in(&self, username: &str, password: &str) {
        self.wait_for("form[action='/sign-in'] input[name=username]", Duration::from_secs(10))
            .await
            .send_keys(username)
            .await;
        self.find("form[action='/sign-in'] input[name=password]").await.send_keys(password).await;
    }

    /// Signs in on the sign-in form the browser is on, as a person types, and waits for the
    /// header to name who is signed in.
    pub async fn sign_in(&self, username: &str, password: &str) {
        self.fill_sign_in(username, password).await;
        self.find("form[action='/sign-in'] button[type=submit]").await.click().await;
        self.wait_for("header .user b", Duration::from_secs(10)).await;
    }

    /// The element that has the keyboard focus (the body when none has).
    pub async fn active_element(&self) -> Element<'_> {
        let v = self.get("/element/active").await;
        self.element(&v).unwrap_or_else(|| panic!("no active element reference: {v}"))
    }

    /// Types keys (text or `keys::*`) into whatever has the focus, as a person at the keyboard.
    pub async fn press(&self, text: &str) {
        let mut actions = Vec::new();
        for c in text.chars() {
            actions.push(json!({"type": "keyDown", "value": c.to_string()}));
            actions.push(json!({"type": "keyUp", "value": c.to_string()}));
        }
        self.post("/actions", json!({"actions": [{"type": "key", "id": "keyboard", "actions": actions}]})).await;
    }

    /// The text of the open alert, confirm or prompt dialog, if one is open.
    pub async fn alert_text(&self) -> Option<String> {
        match self.command(reqwest::Method::GET, "/alert/text", None).await {
            Ok(v) => Some(v.as_str().unwrap_or_default().to_owned()),
            Err(e) if e.error == "no such alert" => None,
            Err(e) => panic!("WebDriver GET /alert/text: {} ({})", e.message, e.error),
        }
    }

    /// What the page logged to the console since the last call (level, message).
    pub async fn console_messages(&self) -> Vec<(String, String)> {
        let v = self.post("/se/log", json!({"type": "browser"})).await;
        let entries = v.as_array().cloned().unwrap_or_default();
        let text = |e: &Value, k: &str| e[k].as_str().unwrap_or_default().to_owned();
        entries.iter().map(|e| (text(e, "level"), text(e, "message"))).collect()
    }

    /// Saves a PNG of the viewport as `<artifacts>/screenshots/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        use base64::Engine;
        let encoded = self.get("/screenshot").await;
        let png = base64::engine::general_purpose::STANDARD
            .decode(encoded.as_str().unwrap_or_default())
            .expect("WebDriver screenshots are base64 PNG");
        let dir = artifacts_dir().join("screenshots");
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("create {}: {e}", dir.display()));
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
        path
    }

    /// The folder this session's downloads land in.
    pub fn download_dir(&self) -> &Path {
        self.downloads.path()
    }

    /// Waits for a completed download whose name ends with `suffix` (Chromium writes
    /// `<name>.crdownload` and renames it when done) and returns its path.
    pub async fn wait_for_download(&self, suffix: &str, timeout: Duration) -> PathBuf {
        let deadline = Instant::now() + timeout;
        loop {
            let files: Vec<PathBuf> = std::fs::read_dir(self.download_dir())
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .map(|e| e.path())
                .collect();
            // Chromium may put an empty file under the final name while it still writes the
            // `.crdownload` beside it: done is a non-empty file and no download in progress.
            let writing = files.iter().any(|p| p.to_string_lossy().ends_with(".crdownload"));
            let done = files
                .into_iter()
                .find(|p| p.to_string_lossy().ends_with(suffix) && std::fs::metadata(p).is_ok_and(|m| m.len() > 0));
            if let (Some(path), false) = (done, writing) {
                return path;
            }
            if Instant::now() > deadline {
                let seen: Vec<_> = std::fs::read_dir(self.download_dir())
                    .into_iter()
                    .flatten()
                    .filter_map(Result::ok)
                    .map(|e| e.file_name())
                    .collect();
                panic!("no download ending `{suffix}` within {timeout:?} (folder holds {seen:?})");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Ends the session and closes the browser (dropping the `Browser` does so too).
    pub async fn quit(mut self) {
        self.closed = true;
        let _ = self.command(reqwest::Method::DELETE, "", None).await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if self.closed {
            return;
        }
        // Drop cannot await, and a test's runtime may be single-threaded: a plain blocking
        // HTTP/1.1 DELETE over a socket ends the session (and so its Chromium) anyway.
        let Some(rest) = self.driver.strip_prefix("http://") else { return };
        let Some(path) = self.session.strip_prefix(&self.driver) else { return };
        let Ok(mut stream) = std::net::TcpStream::connect(rest) else { return };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(30)));
        use std::io::{Read, Write};
        let request =
            format!("DELETE {path} HTTP/1.1\r\nHost: {rest}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        if stream.write_all(request.as_bytes()).is_ok() {
            let _ = stream.read_to_end(&mut Vec::new());
        }
    }
}

/// An element of the current page.
#[derive(Debug, Clone)]
pub struct Element<'b> {
    browser: &'b Browser,
    id: String,
}

impl<'b> Element<'b> {
    /// This element as an argument of `Browser::execute`.
    pub fn arg(&self) -> Value {
        json!({ ELEMENT_KEY: self.id })
    }

    fn path(&self, rest: &str) -> String {
        format!("/element/{}{rest}", self.id)
    }

    pub async fn click(&self) {
        self.browser.post(&self.path("/click"), json!({})).await;
    }

    /// Focuses the element and types into it; `text` may hold `keys::*`.
    pub async fn send_keys(&self, text: &str) {
        self.browser.post(&self.path("/value"), json!({ "text": text })).await;
    }

    pub async fn clear(&self) {
        self.browser.post(&self.path("/clear"), json!({})).await;
    }

    /// The rendered text, as a reader sees it (hidden parts left out).
    pub async fn text(&self) -> String {
        self.browser.get(&self.path("/text")).await.as_str().unwrap_or_default().to_owned()
    }

    /// The markup attribute, if present.
    pub async fn attribute(&self, name: &str) -> Option<String> {
        self.browser.get(&self.path(&format!("/attribute/{name}"))).await.as_str().map(str::to_owned)
    }

    /// The DOM property (e.g. `value`, `checked`, the resolved `href`).
    pub async fn property(&self, name: &str) -> Value {
        self.browser.get(&self.path(&format!("/property/{name}"))).await
    }

    pub async fn tag_name(&self) -> String {
        self.browser.get(&self.path("/name")).await.as_str().unwrap_or_default().to_lowercase()
    }

    pub async fn is_displayed(&self) -> bool {
        self.browser.get(&self.path("/displayed")).await.as_bool().unwrap_or(false)
    }

    /// The first descendant matching a CSS selector; panics when there is none.
    pub async fn find(&self, css: &str) -> Element<'b> {
        let v = self.browser.post(&self.path("/element"), json!({"using": "css selector", "value": css})).await;
        self.browser.element(&v).unwrap_or_else(|| panic!("no element reference for `{css}`: {v}"))
    }

    pub async fn find_all(&self, css: &str) -> Vec<Element<'b>> {
        let v = self.browser.post(&self.path("/elements"), json!({"using": "css selector", "value": css})).await;
        v.as_array().map(|a| a.iter().filter_map(|e| self.browser.element(e)).collect()).unwrap_or_default()
    }

    /// Chooses the option with this value in a `<select>`, by clicking it as a person would.
    pub async fn select_option(&self, value: &str) {
        let options = self.find_all("option").await;
        for option in options {
            if option.property("value").await.as_str() == Some(value) {
                option.click().await;
                return;
            }
        }
        panic!("no option `{value}` in the select on {}", self.browser.current_url().await);
    }
}

#[test]
fn a_dead_browser_is_told_from_a_failing_page() {
    assert!(browser_died(
        "WebDriver POST /url: invalid session id: session deleted as the browser has closed the connection"
    ));
    assert!(browser_died("invalid session id: Unable to receive message from renderer"));
    assert!(browser_died(
        "WebDriver at http://127.0.0.1:1 started no session: {\"error\":\"session not created\",\"message\":\"session not created: Chrome failed to start\"}"
    ));
    assert!(!browser_died("WebDriver at http://127.0.0.1:1 started no session: {\"error\":\"invalid argument\"}"));
    assert!(!browser_died("stale element reference: stale element not found"));
    assert!(!browser_died("assertion `left == right` failed: the search finds the published incident"));
}
