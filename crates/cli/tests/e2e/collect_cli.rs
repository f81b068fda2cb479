//! Collection from the command line: `normwatch sources add|list|remove` and `normwatch collect
//! once` against feeds a local HTTP server serves; the poller of `serve`, which collects in the
//! background and stops cleanly on SIGTERM; and `classify train` learning from triage decisions.
use crate::common::{BIN, Backend, TestServer, data, fresh_postgres_database, token_for};
use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Each listed `async fn name(backend: Backend)` as a test on SQLite and on PostgreSQL (the
/// tests start their own servers: the poller needs settings the common macro does not give).
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[tokio::test] async fn $name() { super::$name($crate::common::Backend::Sqlite).await } )*
        }
        mod postgres {
            $( #[tokio::test] async fn $name() { super::$name($crate::common::Backend::Postgres).await } )*
        }
    };
}

on_both!(
    sources_are_added_listed_polled_once_and_removed,
    the_poller_of_serve_collects_and_stops_on_sigterm,
    triage_decisions_teach_the_classifier
);

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/collect-cli").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A feed server on a loopback port: an RSS feed of 3 entries, an Atom feed of 2, and a 404.
/// It runs on a thread of its own, so that it answers while the test waits for a CLI run.
async fn feeds() -> SocketAddr {
    let rss = fixture("rss.xml");
    let atom = fixture("atom.xml");
    let app = Router::new()
        .route("/rss.xml", get(move || std::future::ready(rss.clone())))
        .route("/atom.xml", get(move || std::future::ready(atom.clone())))
        .route("/gone.xml", get(|| std::future::ready(axum::http::StatusCode::NOT_FOUND)));
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the feed server");
            tx.send(listener.local_addr().expect("address")).expect("send the address");
            let _ = axum::serve(listener, app).await;
        });
    });
    rx.recv_timeout(Duration::from_secs(10)).expect("the feed server started")
}

fn text(o: &Output) -> (String, String) {
    (String::from_utf8_lossy(&o.stdout).into_owned(), String::from_utf8_lossy(&o.stderr).into_owned())
}

/// Runs the CLI, which must succeed; returns its standard output.
fn ok(s: &TestServer, args: &[&str]) -> String {
    let out = s.cli(args);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "normwatch {args:?} failed:\n{stdout}\n{stderr}");
    stdout
}

/// Runs the CLI, which must fail; returns its standard error.
fn fails(s: &TestServer, args: &[&str]) -> String {
    let out = s.cli(args);
    let (stdout, stderr) = text(&out);
    assert!(!out.status.success(), "normwatch {args:?} succeeded:\n{stdout}\n{stderr}");
    stderr
}

fn listed(s: &TestServer) -> Vec<Value> {
    let out = ok(s, &["sources", "list", "--json"]);
    serde_json::from_str::<Value>(&out).expect("JSON list").as_array().cloned().expect("an array")
}

fn by_name<'a>(list: &'a [Value], name: &str) -> &'a Value {
    list.iter().find(|v| v["name"] == name).unwrap_or_else(|| panic!("no source {name} in {list:?}"))
}

async fn sources_are_added_listed_polled_once_and_removed(backend: Backend) {
    // The poller off: this test decides when sources are polled.
    let s = TestServer::start_with_env(backend, &[("NORMWATCH_COLLECT_POLL_SECS", "0")]).await;
    let addr = feeds().await;
    let url = |path: &str| format!("http://{addr}/{path}");

    // Bad input names its flag, exits non-zero and adds nothing.
    let e = fails(&s, &["sources", "add", "--name", "Odd", "--kind", "podcast", "--url", &url("rss.xml")]);
    assert!(e.contains("--kind") && e.contains("podcast") && e.contains("rss"), "{e}");
    let e = fails(&s, &["sources", "add", "--name", "Odd", "--kind", "rss", "--url", "ftp://cert.example/feed"]);
    assert!(e.contains("--url"), "{e}");
    let e = fails(
        &s,
        &["sources", "add", "--name", "Odd", "--kind", "rss", "--url", &url("rss.xml"), "--interval-secs", "5"],
    );
    assert!(e.contains("--interval-secs"), "{e}");
    let e = fails(&s, &["sources", "add", "--name", "Odd", "--kind", "rss"]);
    assert!(e.contains("--url"), "{e}");
    assert!(listed(&s).is_empty(), "a refused source was added");

    let rss = ok(&s, &["sources", "add", "--name", "CERT advisories", "--kind", "rss", "--url", &url("rss.xml")]);
    let rss = rss.trim().to_owned();
    assert_eq!(rss.len(), 36, "the new source's id: {rss}");
    ok(
        &s,
        &[
            "sources",
            "add",
            "--name",
            "Threat research",
            "--kind",
            "atom",
            "--url",
            &url("atom.xml"),
            "--interval-secs",
            "600",
        ],
    );
    ok(&s, &["sources", "add", "--name", "Gone", "--kind", "rss", "--url", &url("gone.xml")]);
    let e = fails(&s, &["sources", "add", "--name", "Gone", "--kind", "atom", "--url", &url("atom.xml")]);
    assert!(e.contains("--name") && e.contains("exists already"), "{e}");
    let list = listed(&s);
    assert_eq!(list.len(), 3, "{list:?}");
    assert_eq!(by_name(&list, "Threat research")["interval_secs"], 600);
    assert_eq!(by_name(&list, "CERT advisories")["interval_secs"], 3600);
    let table = ok(&s, &["sources", "list"]);
    for word in ["last success", "last error", "failures", "next due", "CERT advisories", "atom", &url("gone.xml")] {
        assert!(table.contains(word), "`{word}` missing from the table:\n{table}");
    }

    // Without the operator's permission, loopback sources are refused, and the run still ends 0.
    let out = ok(&s, &["collect", "once"]);
    assert!(out.contains("CERT advisories: error:"), "{out}");
    assert!(out.contains("3 source(s) polled, 0 entries, 0 new item(s), 3 failed"), "{out}");
    // Failed sources back off: none is due now; --all polls them anyway.
    let out = ok(&s, &["collect", "once", "--allow-private-sources"]);
    assert!(out.contains("0 source(s) polled"), "{out}");
    let out = ok(&s, &["collect", "once", "--all", "--allow-private-sources"]);
    assert!(out.contains("CERT advisories: 3 entries, 3 new"), "{out}");
    assert!(out.contains("Threat research: 2 entries, 2 new"), "{out}");
    assert!(out.contains("Gone: error:") && out.contains("404"), "{out}");
    assert!(out.contains("3 source(s) polled, 5 entries, 5 new item(s), 1 failed"), "{out}");

    let list = listed(&s);
    let cert = by_name(&list, "CERT advisories");
    assert_eq!(cert["items"], 3, "{cert}");
    assert!(cert["health"]["last_success"].is_string(), "{cert}");
    assert_eq!(cert["health"]["failures"], 0, "{cert}");
    let gone = by_name(&list, "Gone");
    assert_eq!((gone["items"].clone(), gone["health"]["failures"].clone()), (json!(0), json!(2)), "{gone}");
    assert!(gone["health"]["last_error"].as_str().is_some_and(|e| e.contains("404")), "{gone}");

    // A second run: what succeeded is not due for an hour; polled anyway, nothing is new.
    let out = ok(&s, &["collect", "once", "--allow-private-sources"]);
    assert!(out.contains("0 source(s) polled, 0 entries, 0 new item(s)"), "{out}");
    let out = ok(&s, &["collect", "once", "--all", "--allow-private-sources"]);
    assert!(out.contains("CERT advisories: 3 entries, 0 new"), "{out}");
    assert!(out.contains("5 entries, 0 new item(s)"), "{out}");
    assert_eq!(by_name(&listed(&s), "CERT advisories")["items"], 3);

    // Removing stops polling; the items stay. An unknown id is named.
    ok(&s, &["sources", "remove", &rss]);
    let list = listed(&s);
    assert_eq!(list.len(), 2, "{list:?}");
    assert!(list.iter().all(|v| v["id"] != rss.as_str()), "{list:?}");
    let e = fails(&s, &["sources", "remove", &rss]);
    assert!(e.contains("no source") && e.contains(&rss), "{e}");
    let out = ok(&s, &["collect", "once", "--all", "--allow-private-sources"]);
    assert!(!out.contains("CERT advisories") && out.contains("2 source(s) polled"), "{out}");

    // Every --help names its arguments.
    let help = ok(&s, &["sources", "add", "--help"]);
    for word in ["--name", "--kind", "--url", "--interval-secs", "json-feed", "exploited-vulnerabilities"] {
        assert!(help.contains(word), "`{word}` missing from sources add --help:\n{help}");
    }
    let help = ok(&s, &["collect", "once", "--help"]);
    assert!(help.contains("--all") && help.contains("cron"), "{help}");
}

/// `normwatch serve` with the poller every second, started here so that the test can send it
/// SIGTERM; returns the child, the database URL, the data dir and the log file.
async fn serve_with_poller(backend: Backend, dir: &Path) -> (std::process::Child, String, PathBuf, PathBuf) {
    let data_dir = dir.join("data");
    let database = match backend {
        Backend::Sqlite => format!("sqlite://{}", data_dir.join("normwatch.db").display()),
        Backend::Postgres => fresh_postgres_database().await,
    };
    let log = dir.join("server.log");
    let log_file = std::fs::File::create(&log).expect("log file");
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data_dir)
        .args(["--database", &database])
        .env_remove("NORMWATCH_CONFIG")
        .env_remove("NORMWATCH_DATABASE")
        .env("NORMWATCH_LOG", "info")
        .env("NORMWATCH_COLLECT_POLL_SECS", "1")
        .env("NORMWATCH_ALLOW_PRIVATE_SOURCES", "true")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log_file))
        .spawn()
        .expect("start normwatch serve");
    let stdout = child.stdout.take().expect("stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if line.starts_with("normwatch listening on ") {
                let _ = tx.send(());
            }
        }
    });
    if rx.recv_timeout(Duration::from_secs(60)).is_err() {
        let _ = child.kill();
        panic!("serve did not start within 60 s:\n{}", std::fs::read_to_string(&log).unwrap_or_default());
    }
    (child, database, data_dir, log)
}

async fn the_poller_of_serve_collects_and_stops_on_sigterm(backend: Backend) {
    let dir = tempfile::tempdir().expect("temp dir");
    let addr = feeds().await;
    let (mut child, database, data_dir, log) = serve_with_poller(backend, dir.path()).await;
    let cli = |args: &[&str]| {
        let out = Command::new(BIN)
            .args(args)
            .arg("--data-dir")
            .arg(&data_dir)
            .args(["--database", &database])
            .env_remove("NORMWATCH_CONFIG")
            .env("NORMWATCH_LOG", "warn")
            .output()
            .expect("run normwatch");
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "normwatch {args:?}:\n{stdout}\n{stderr}");
        stdout
    };
    cli(&["sources", "add", "--name", "CERT advisories", "--kind", "rss", "--url", &format!("http://{addr}/rss.xml")]);
    cli(&["sources", "add", "--name", "Research", "--kind", "atom", "--url", &format!("http://{addr}/atom.xml")]);
    // Registered sources are due at once: the poller (every second) takes them in.
    let deadline = Instant::now() + Duration::from_secs(60);
    let items = loop {
        let list: Value = serde_json::from_str(&cli(&["sources", "list", "--json"])).expect("JSON");
        let items: i64 = list.as_array().expect("array").iter().filter_map(|s| s["items"].as_i64()).sum();
        if items == 5 || Instant::now() > deadline {
            break items;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let server_log = || plain(&std::fs::read_to_string(&log).unwrap_or_default());
    assert_eq!(items, 5, "the poller kept {items} of 5 items; its log:\n{}", server_log());
    // Runs go on without adding the same items again.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let list: Value = serde_json::from_str(&cli(&["sources", "list", "--json"])).expect("JSON");
    let again: i64 = list.as_array().expect("array").iter().filter_map(|s| s["items"].as_i64()).sum();
    assert_eq!(again, 5, "{list}");

    // SIGTERM: the server and its poller stop cleanly, promptly, with exit code 0.
    let pid = child.id().to_string();
    let sent = Command::new("kill").args(["-TERM", &pid]).status().expect("run kill");
    assert!(sent.success(), "kill -TERM {pid}");
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for serve") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("serve did not stop within 15 s of SIGTERM; its log:\n{}", server_log());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let log = server_log();
    assert!(status.success(), "serve exited with {status}; its log:\n{log}");
    for line in ["collection poller started", "collection run", "collection poller stopped"] {
        assert!(log.contains(line), "`{line}` is not in the server's log:\n{log}");
    }
    let runs: Vec<&str> = log.lines().filter(|l| l.contains("collection run")).collect();
    assert!(runs.iter().any(|l| l.contains("new_items=") && !l.contains("new_items=0")), "{log}");
    // The poller ends before the server's last line.
    let lines: Vec<&str> = log.lines().collect();
    let poller = lines.iter().position(|l| l.contains("collection poller stopped")).expect("poller stopped");
    let server = lines.iter().rposition(|l| l.ends_with("normwatch::setup: stopped")).expect("server stopped");
    assert!(poller < server, "{log}");
}

/// A log without its terminal colours (`\x1b[…m`).
fn plain(log: &str) -> String {
    let mut out = String::with_capacity(log.len());
    let mut chars = log.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            chars.by_ref().find(|c| *c == 'm');
        } else {
            out.push(c);
        }
    }
    out
}

/// A small EuRepoC folder: the first `n` incidents of the public release, with their receivers
/// and attributions.
fn tiny_eurepoc(into: &Path, n: usize) {
    let from = data("eurepoc-1.1");
    let mut ids = std::collections::HashSet::new();
    for (file, keep_first) in [
        ("EuRepoC_Global_Database_1.1.csv", true),
        ("EuRepoC_Receiver_dataset_1.1.csv", false),
        ("EuRepoC_Attribution_dataset_1.1.csv", false),
    ] {
        let mut reader = csv::Reader::from_path(from.join(file)).expect("read EuRepoC");
        let headers = reader.headers().expect("headers").clone();
        let id = headers.iter().position(|h| h == "ID" || h == "incident_ID").expect("an incident ID column");
        let mut writer = csv::Writer::from_path(into.join(file)).expect("write the small set");
        writer.write_record(&headers).expect("header");
        for row in reader.records() {
            let row = row.expect("row");
            let keep = if keep_first && ids.len() < n {
                ids.insert(row[id].to_owned());
                true
            } else {
                ids.contains(&row[id])
            };
            if keep {
                writer.write_record(&row).expect("row");
            }
        }
        writer.flush().expect("flush");
    }
}

/// `(examples from triage, decided items that taught labels, dismissed)` from train's output,
/// and the number of examples trained on.
fn trained(out: &str) -> (u64, u64, u64, u64) {
    let number = |after: &str| -> u64 {
        let at = out.find(after).unwrap_or_else(|| panic!("`{after}` is not in:\n{out}")) + after.len();
        out[at..].split_whitespace().next().and_then(|w| w.parse().ok()).unwrap_or_else(|| panic!("{out}"))
    };
    let line = out.lines().find(|l| l.contains("examples from triage")).unwrap_or_else(|| panic!("{out}"));
    let triage: u64 = line.split_whitespace().next().and_then(|w| w.parse().ok()).expect("count");
    (triage, number("triage: "), number("items, "), number("trained on "))
}

async fn triage_decisions_teach_the_classifier(backend: Backend) {
    let s = TestServer::start_with_env(backend, &[("NORMWATCH_COLLECT_POLL_SECS", "0")]).await;
    let small = tempfile::tempdir().expect("temp dir");
    tiny_eurepoc(small.path(), 80);
    let small_dir = small.path().to_str().expect("UTF-8 path");
    let train = |s: &TestServer| {
        let out = s.cli(&["classify", "train", small_dir]);
        let (stdout, stderr) = text(&out);
        assert!(out.status.success(), "classify train:\n{stdout}\n{stderr}");
        format!("{stderr}{stdout}")
    };
    // No item in the database yet: EuRepoC alone.
    let out = train(&s);
    let (triage, _, _, alone) = trained(&out);
    assert_eq!(triage, 0, "{out}");

    let addr = feeds().await;
    for (name, kind, path) in [("CERT", "rss", "rss.xml"), ("Research", "atom", "atom.xml")] {
        ok(&s, &["sources", "add", "--name", name, "--kind", kind, "--url", &format!("http://{addr}/{path}")]);
    }
    let out = ok(&s, &["collect", "once", "--allow-private-sources"]);
    assert!(out.contains("5 new item(s)"), "{out}");
    // An editor attaches the wiper story to the incident it reports, and dismisses the DDoS one
    // (the triage routes are another interface's; the decision is the same row).
    let admin = crate::common::Api::with_token(&s, &token_for(&s, "admin", &s.admin_password).await);
    let (st, incident) = admin
        .post(
            "/api/v1/incidents",
            &json!({
                "title": {"en": "Wiper at a Ukrainian electricity distributor"},
                "description": {"en": "Destructive malware erased servers."},
                "operation_types": ["data-destruction"],
                "actors": [{"kind": "state", "country": "RU"}],
                "targets": [{"name": "Electricity distributor", "country": "UA", "sector": "ci.energy"}],
                "sources": [{"url": "https://cert.example/advisories/2026-002"}]
            }),
        )
        .await;
    assert_eq!(st, 201, "{incident}");
    let id = incident["id"].as_str().expect("id");
    s.execute_sql(format!(
        "UPDATE items SET state = 'attached', incident_id = '{id}', decided_by = 'test', \
         decided_at = '2026-11-06T00:00:00.000Z', version = version + 1 WHERE title LIKE 'Wiper%'"
    ))
    .await;
    s.execute_sql(
        "UPDATE items SET state = 'dismissed', reason = 'hacktivist nuisance, no norm engaged', decided_by = 'test', \
         decided_at = '2026-11-06T00:00:00.000Z', version = version + 1 WHERE title LIKE 'DDoS%'"
            .to_owned(),
    )
    .await;

    let out = train(&s);
    assert!(out.contains("2 examples from triage: 1 promoted or attached items, 1 dismissed items"), "{out}");
    let (triage, used, dismissed, with_triage) = trained(&out);
    assert_eq!((triage, used, dismissed), (2, 1, 1), "{out}");
    assert_eq!(with_triage, alone + 2, "{out}");
    assert!(s.data_dir.join("classifier.json").is_file());
}
