//! The `normwatch` command line, run as a user runs it.

use crate::common::BIN;
use std::path::Path;
use std::process::{Command, Output};

fn normwatch(dir: &Path, args: &[&str]) -> Output {
    Command::new(BIN)
        .current_dir(dir)
        .args(args)
        .env_remove("NORMWATCH_DATABASE")
        .env_remove("NORMWATCH_DATA_DIR")
        .env_remove("NORMWATCH_CONFIG")
        .output()
        .expect("run normwatch")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        let dest = to.join(path.file_name().expect("name"));
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).expect("copy");
        }
    }
}

fn catalog_source() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../catalog"))
}

#[test]
fn catalog_check_accepts_the_shipped_catalogue() {
    let dir = tempfile::tempdir().expect("tmp");
    let built_in = normwatch(dir.path(), &["catalog", "check"]);
    assert!(built_in.status.success(), "{}", stderr(&built_in));
    assert!(stdout(&built_in).contains("valid") && stdout(&built_in).contains("20 norms"));
    let folder = catalog_source().to_str().expect("utf-8 path").to_owned();
    let on_disk = normwatch(dir.path(), &["catalog", "check", "--dir", &folder]);
    assert!(on_disk.status.success(), "{}", stderr(&on_disk));
}

#[test]
fn catalog_check_names_file_entry_and_field_of_each_problem() {
    let dir = tempfile::tempdir().expect("tmp");
    let broken = dir.path().join("catalog");
    copy_dir(catalog_source(), &broken);
    let norms = broken.join("norms.toml");
    let text = std::fs::read_to_string(&norms).expect("read");
    // Point gcsc-1's first source at a document that does not exist.
    let start = text.find("id = \"gcsc-1\"").expect("gcsc-1 in norms.toml");
    let at = start + text[start..].find("document = \"gcsc-2019\"").expect("gcsc-1 cites gcsc-2019");
    let text = format!("{}document = \"gcsc-2091\"{}", &text[..at], &text[at + "document = \"gcsc-2019\"".len()..]);
    std::fs::write(&norms, text).expect("write");
    let out = normwatch(dir.path(), &["catalog", "check", "--dir", "catalog"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("norms.toml: norm `gcsc-1`: field `sources[0].document`"), "{err}");
    assert!(err.contains("gcsc-2091"), "{err}");
    // A missing folder is an error that names it.
    let out = normwatch(dir.path(), &["catalog", "check", "--dir", "no-such-folder"]);
    assert!(!out.status.success() && stderr(&out).contains("no-such-folder"));
}

#[test]
fn serve_refuses_a_broken_catalogue_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("tmp");
    let broken = dir.path().join("catalog");
    copy_dir(catalog_source(), &broken);
    let path = broken.join("principles.toml");
    let text = std::fs::read_to_string(&path).expect("read").replacen("en = ", "english = ", 1);
    std::fs::write(&path, text).expect("write");
    let out = normwatch(dir.path(), &["init", "--catalog-dir", "catalog", "--data-dir", "data"]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("principles.toml"), "{}", stderr(&out));
    assert!(!dir.path().join("data/normwatch.db").exists(), "no database was created from a broken catalogue");
}

#[test]
fn init_creates_the_instance_once() {
    let dir = tempfile::tempdir().expect("tmp");
    let first = normwatch(dir.path(), &["init"]);
    assert!(first.status.success(), "{}", stderr(&first));
    let text = stdout(&first);
    assert!(text.contains("loaded as version 1") && text.contains("(created)"), "{text}");
    assert!(text.contains("G7 Lucca 2017:  96 positions of 8 stakeholders"), "{text}");
    assert!(text.contains("first admin:    admin") && text.contains("its password:"), "{text}");
    let data = dir.path().join("normwatch-data");
    assert!(data.join("normwatch.db").is_file());
    let key = data.join("keys/log.key");
    assert!(std::fs::read_to_string(&key).expect("key").starts_with("PRIVATE+KEY+localhost/normwatch+"));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the private key is readable by its owner only");
    }
    let vkey = std::fs::read_to_string(data.join("keys/log.vkey")).expect("vkey");
    let second = normwatch(dir.path(), &["init"]);
    assert!(second.status.success());
    let text = stdout(&second);
    assert!(text.contains("unchanged") && text.contains("(existing)"), "{text}");
    assert!(!text.contains("its password:") && !text.contains("G7 Lucca 2017:"), "created once only: {text}");
    assert!(text.contains(vkey.trim()), "the same key is kept");
    // A changed catalogue becomes version 2.
    let cat = dir.path().join("catalog");
    copy_dir(catalog_source(), &cat);
    let path = cat.join("catalog.toml");
    let text = std::fs::read_to_string(&path).expect("read").replace("2026.1", "2026.2-test");
    std::fs::write(&path, text).expect("write");
    let third = normwatch(dir.path(), &["init", "--catalog-dir", "catalog"]);
    assert!(stdout(&third).contains("2026.2-test loaded as version 2"), "{}", stdout(&third));
}

#[test]
fn norms_list_and_show() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = normwatch(dir.path(), &["norms", "list", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let all: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(all.as_array().map(Vec::len), Some(20));
    assert!(all[0]["title"]["ja"].is_string(), "JSON defaults to both languages");
    let out = normwatch(dir.path(), &["norms", "list", "--source", "g7-lucca-2017", "--paragraph", "6"]);
    let table = stdout(&out);
    assert_eq!(table.lines().count(), 1, "{table}");
    assert!(table.starts_with("gge-f"));
    let out = normwatch(dir.path(), &["norms", "list", "-q", "脆弱性", "--lang", "ja"]);
    let table = stdout(&out);
    assert!(table.contains("gcsc-5") && table.contains("gcsc-6"), "{table}");
    let out = normwatch(dir.path(), &["norms", "show", "gcsc-1", "--lang", "ja"]);
    assert!(out.status.success());
    assert!(stdout(&out).contains("gcsc-2019") && stdout(&out).contains("[ja]"));
    let out = normwatch(dir.path(), &["norms", "show", "gcsc-1", "--json", "--lang", "en"]);
    let one: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(one["title"].is_string());
}

#[test]
fn bad_cli_input_is_a_precise_error() {
    let dir = tempfile::tempdir().expect("tmp");
    for (args, needle) in [
        (vec!["norms", "show", "gge-z"], "no norm `gge-z`"),
        (vec!["norms", "list", "--addressee", "pirates"], "--addressee"),
        (vec!["norms", "list", "--source", "nowhere"], "--source"),
        (vec!["norms", "list", "--lang", "fr"], "--lang"),
        (vec!["config", "--listen", "localhost"], "--listen"),
        (
            vec!["config", "--blobs", "gs://evidence/nw"],
            "--blobs: `gs://evidence/nw` is neither a folder nor an S3 location",
        ),
        (vec!["--database", "mysql://x/y", "config"], "--database"),
    ] {
        let out = normwatch(dir.path(), &args);
        assert!(!out.status.success(), "{args:?} should fail");
        assert!(stderr(&out).contains(needle), "{args:?}: {}", stderr(&out));
    }
}

#[test]
fn config_merges_file_environment_and_flags_and_redacts_secrets() {
    let dir = tempfile::tempdir().expect("tmp");
    std::fs::write(dir.path().join("nw.toml"), "listen = \"127.0.0.1:9001\"\nlog_origin = \"file.example/log\"\n")
        .expect("write");
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .args(["--config", "nw.toml", "config", "--listen", "127.0.0.1:9002", "--json"])
        .env("NORMWATCH_DATABASE", "postgres://nw:hunter2@db.example:5432/nw")
        .env("NORMWATCH_LOG_ORIGIN", "env.example/log")
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(!text.contains("hunter2"), "the password is redacted: {text}");
    let c: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(c["database"], "postgres://nw:***@db.example:5432/nw");
    assert_eq!(c["listen"], "127.0.0.1:9002", "the flag beats the file");
    assert_eq!(c["log_origin"], "env.example/log", "the environment beats the file");
    let toml = normwatch(dir.path(), &["--config", "nw.toml", "config"]);
    assert!(stdout(&toml).contains("listen = \"127.0.0.1:9001\""), "the file beats the default");
    std::fs::write(dir.path().join("bad.toml"), "lisen = \"x\"\n").expect("write");
    let bad = normwatch(dir.path(), &["--config", "bad.toml", "config"]);
    assert!(!bad.status.success() && stderr(&bad).contains("bad.toml"));
}

#[test]
fn serve_on_a_taken_port_says_which_flag_to_change() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = taken.local_addr().expect("addr").to_string();
    let dir = tempfile::tempdir().expect("tmp");
    let out = normwatch(dir.path(), &["serve", "--listen", &addr]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("--listen"), "{}", stderr(&out));
}

#[test]
fn every_command_has_help() {
    let dir = tempfile::tempdir().expect("tmp");
    for args in [
        vec!["--help"],
        vec!["serve", "--help"],
        vec!["init", "--help"],
        vec!["catalog", "check", "--help"],
        vec!["norms", "list", "--help"],
        vec!["norms", "show", "--help"],
        vec!["config", "--help"],
        vec!["accounts", "list", "--help"],
        vec!["accounts", "reset-password", "--help"],
    ] {
        let out = normwatch(dir.path(), &args);
        assert!(out.status.success(), "{args:?}");
        let text = stdout(&out);
        assert!(text.contains("Usage: normwatch"), "{args:?}");
    }
    let out = normwatch(dir.path(), &["--help"]);
    for cmd in ["serve", "init", "catalog", "norms", "config"] {
        assert!(stdout(&out).contains(cmd));
    }
}

#[test]
fn a_lost_admin_password_can_be_reset_from_the_machine() {
    let dir = tempfile::tempdir().expect("tmp");
    assert!(normwatch(dir.path(), &["init"]).status.success());
    let list = normwatch(dir.path(), &["accounts", "list"]);
    assert!(stdout(&list).starts_with("admin"), "{}", stdout(&list));
    let out = normwatch(dir.path(), &["accounts", "reset-password", "admin"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let password = text.lines().next().and_then(|l| l.rsplit(' ').next()).expect("password");
    assert!(password.len() >= 32, "{text}");
    let out = normwatch(dir.path(), &["accounts", "reset-password", "nobody"]);
    assert!(!out.status.success() && stderr(&out).contains("no account `nobody`"));
}

#[test]
fn a_commands_help_shows_its_own_options_and_the_global_ones_only() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = normwatch(dir.path(), &["sources", "list", "--help"]);
    let help = stdout(&out);
    assert!(out.status.success() && help.contains("--json") && help.contains("--data-dir"), "{help}");
    for serve_only in ["--listen", "--review-approvals", "--webhook-poll-ms", "--public-url"] {
        assert!(!help.contains(serve_only), "`sources list --help` shows {serve_only}:\n{help}");
    }
    let serve = stdout(&normwatch(dir.path(), &["serve", "--help"]));
    assert!(serve.contains("--listen") && serve.contains("--review-approvals"), "{serve}");
    // The instance's settings still reach every command through the environment.
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .args(["config", "--json"])
        .env("NORMWATCH_REVIEW_APPROVALS", "3")
        .output()
        .expect("run");
    let c: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(c["review_approvals"], 3);
    let bad = Command::new(BIN)
        .current_dir(dir.path())
        .args(["norms", "list"])
        .env("NORMWATCH_REVIEW_APPROVALS", "many")
        .output()
        .expect("run");
    assert!(!bad.status.success() && stderr(&bad).contains("review-approvals"), "{}", stderr(&bad));
}

#[test]
fn a_log_written_to_a_file_has_no_colour_codes() {
    let dir = tempfile::tempdir().expect("tmp");
    let out = normwatch(dir.path(), &["init", "--log", "debug"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let log = stderr(&out);
    assert!(log.contains("DEBUG") || log.contains("INFO"), "no log lines to check: {log}");
    assert!(!log.contains('\u{1b}'), "colour codes in a redirected log: {log:?}");
}
