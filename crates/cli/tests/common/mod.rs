//! Starts the real `normwatch serve` on a random loopback port with a fresh database, as a user
//! would, and talks HTTP to it.
#![allow(dead_code)]

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

/// The PostgreSQL server the test script started, as an admin URL. Under `CI=true` its absence
/// fails the test; elsewhere the PostgreSQL half of the suite is skipped with a message.
pub fn postgres_admin_url() -> Option<String> {
    match std::env::var("NORMWATCH_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("NORMWATCH_TEST_POSTGRES is not set under CI=true: run the suite with `bash scripts/test`")
        }
        _ => {
            eprintln!("SKIPPED: NORMWATCH_TEST_POSTGRES is not set; `bash scripts/test` starts PostgreSQL");
            None
        }
    }
}

/// A fresh, empty PostgreSQL database for one test (zero2prod's pattern).
pub async fn fresh_postgres_database() -> Option<String> {
    use sqlx::{Connection, Executor, PgConnection};
    let admin = postgres_admin_url()?;
    let name = format!("nw_test_{}", uuid::Uuid::new_v4().simple());
    let mut conn = PgConnection::connect(&admin).await.expect("connect to the test PostgreSQL server");
    conn.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")))
        .await
        .expect("create test database");
    let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b).to_owned();
    Some(format!("{base}/{name}"))
}

pub struct TestServer {
    pub url: String,
    pub backend: Backend,
    pub data_dir: PathBuf,
    child: Child,
    dir: tempfile::TempDir,
}

impl TestServer {
    /// `None` only when PostgreSQL is wanted, not configured, and not under CI.
    pub async fn start(backend: Backend) -> Option<TestServer> {
        let dir = tempfile::tempdir().expect("temp dir");
        let data_dir = dir.path().join("data");
        let mut cmd = Command::new(BIN);
        cmd.args(["serve", "--listen", "127.0.0.1:0", "--data-dir"]).arg(&data_dir);
        if backend == Backend::Postgres {
            let url = fresh_postgres_database().await?;
            cmd.args(["--database", &url]);
        }
        let log = std::fs::File::create(dir.path().join("server.log")).expect("log file");
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
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("normwatch listening on ") {
                    let _ = tx.send(rest.trim_end_matches('/').to_owned());
                }
            }
        });
        let url = match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(url) => url,
            Err(_) => {
                let _ = child.kill();
                let log = std::fs::read_to_string(dir.path().join("server.log")).unwrap_or_default();
                panic!("normwatch serve did not print its address within 60 s; its log:\n{log}");
            }
        };
        Some(TestServer { url, backend, data_dir, child, dir })
    }

    pub fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        reqwest::get(self.at(path)).await.expect("request")
    }

    pub async fn json(&self, path: &str) -> serde_json::Value {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "GET {path}");
        r.json().await.expect("JSON body")
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }

    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Declares each listed `async fn name(server: TestServer)` as a test on SQLite and on PostgreSQL.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    let server = $crate::common::TestServer::start($crate::common::Backend::Sqlite).await.expect("sqlite");
                    super::$name(server).await
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    let Some(server) = $crate::common::TestServer::start($crate::common::Backend::Postgres).await else { return };
                    super::$name(server).await
                }
            )*
        }
    };
}

/// The Python of the test venv that `scripts/test` prepares (OpenAPI validator, later OASIS
/// tools). Under `CI=true` its absence fails the test.
pub fn test_python() -> Option<PathBuf> {
    match std::env::var("NORMWATCH_TEST_PYTHON") {
        Ok(p) if !p.is_empty() => Some(PathBuf::from(p)),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("NORMWATCH_TEST_PYTHON is not set under CI=true: run the suite with `bash scripts/test`")
        }
        _ => {
            eprintln!("SKIPPED: NORMWATCH_TEST_PYTHON is not set; `bash scripts/test` prepares it");
            None
        }
    }
}
