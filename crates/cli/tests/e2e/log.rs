//! The transparency log over HTTP and the CLI, against the real server: signed checkpoints,
//! offline verification, audit of a tampered database, witnessing and forks, and publications
//! that survive SIGKILL. On SQLite and PostgreSQL.

use crate::common::{Api, Roles, TestServer, verify_offline};
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use normwatch_ledger::note::SignedNote;
use normwatch_ledger::{Checkpoint, VerifierKey, leaf_hash, verify_consistency};
use serde_json::{Value, json};

on_both_backends!(
    published_records_are_proven_offline,
    audit_names_a_row_edited_in_the_database,
    publications_survive_sigkill,
);

fn position(stakeholder: &str, norm: &str, stated_on: &str) -> Value {
    json!({"stakeholder": stakeholder, "norm": norm, "stance": "endorse", "stated_on": stated_on,
           "source": {"url": "https://example.org/statement"}})
}

async fn text(s: &TestServer, path: &str) -> String {
    let r = s.get(path).await;
    assert_eq!(r.status(), 200, "GET {path}");
    r.text().await.expect("text")
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

async fn published_records_are_proven_offline(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let key = s.json("/api/v1/health").await["log_verifier_key"].as_str().expect("key").to_owned();
    let verifier = VerifierKey::parse(&key).expect("verifier key");
    let first_note = text(&s, "/log/checkpoint").await;
    let note = SignedNote::parse(&first_note).expect("signed note");
    note.verify(&verifier).expect("signed by the instance key");
    let first = Checkpoint::parse(&note.text).expect("checkpoint");
    assert_eq!(first.size, 96, "the G7 Lucca positions");
    assert_eq!(first.origin, "localhost/normwatch");

    // A new publication gets a leaf; a draft does not.
    let (status, published) = roles.editor.post("/api/v1/positions", &position("fr", "gcsc-5", "2021-01-01")).await;
    assert_eq!(status, 201);
    assert_eq!(published["log_index"], 96);
    let mut draft = position("fr", "gcsc-6", "2021-01-01");
    draft["status"] = json!("draft");
    let (_, draft) = roles.editor.post("/api/v1/positions", &draft).await;
    assert!(draft.get("log_index").is_none(), "{draft}");

    let second_note = text(&s, "/log/checkpoint").await;
    let second = Checkpoint::parse(&SignedNote::parse(&second_note).expect("note").text).expect("checkpoint");
    assert_eq!(second.size, 97);
    // The log only grew: the consistency proof holds between the two signed roots.
    let proof = s.json("/log/proof/consistency?from=96&to=97").await;
    let hashes: Vec<[u8; 32]> = proof["hashes"]
        .as_array()
        .expect("hashes")
        .iter()
        .map(|h| B64.decode(h.as_str().expect("b64")).expect("b64").try_into().expect("32 bytes"))
        .collect();
    verify_consistency(96, 97, &first.root, &second.root, &hashes).expect("consistent");
    // Entries hash to their leaves.
    let entries = s.json("/log/entries?start=95&end=97").await;
    for e in entries["entries"].as_array().expect("entries") {
        let body = e["body"].as_str().expect("body");
        assert_eq!(e["leaf_hash"], B64.encode(leaf_hash(body.as_bytes())));
        assert!(!body.contains("endorse"), "the public log holds digests, not record text");
    }

    // Offline verification with the CLI, as a reader would do it.
    let id = published["id"].as_str().expect("id");
    let bundle = s.json(&format!("/log/proof/inclusion?record=position/{id}")).await;
    assert_eq!(bundle["size"], 97);
    let dir = s.dir();
    let (record_file, cp_file) = (dir.join("record.json"), dir.join("checkpoint.txt"));
    std::fs::write(&record_file, bundle.to_string()).expect("write");
    std::fs::write(&cp_file, &second_note).expect("write");
    let verify = |key: &str| verify_offline(&record_file, &cp_file, key);
    let ok = verify(&key);
    assert!(ok.status.success(), "{}{}", stdout(&ok), stderr(&ok));
    assert!(stdout(&ok).contains(&format!("position {id} is leaf 96")));
    // A modified record fails.
    let mut tampered = bundle.clone();
    tampered["record"]["stance"] = json!("reject");
    std::fs::write(&record_file, tampered.to_string()).expect("write");
    let bad = verify(&key);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("FAILED") && stderr(&bad).contains("altered"), "{}", stderr(&bad));
    // A wrong key fails with a clear message.
    std::fs::write(&record_file, bundle.to_string()).expect("write");
    let stranger =
        normwatch_ledger::InstanceKey::from_seed("localhost/normwatch", [42; 32]).expect("key").encode_verifier();
    let wrong = verify(&stranger);
    assert!(!wrong.status.success());
    assert!(stderr(&wrong).contains("signature"), "{}", stderr(&wrong));
    // A proof for an older size against a newer checkpoint says how to get the right one.
    let old_bundle = s.json(&format!("/log/proof/inclusion?record=position/{id}&size=97")).await;
    std::fs::write(&record_file, old_bundle.to_string()).expect("write");
    std::fs::write(&cp_file, &first_note).expect("write");
    let stale = verify(&key);
    assert!(!stale.status.success() && stderr(&stale).contains("size=96"), "{}", stderr(&stale));

    // What a viewer may not read is not proven to it either; bad parameters are named.
    let mut red = position("fr", "gcsc-7", "2021-02-02");
    red["tlp"] = json!("red");
    let (_, red) = roles.admin.post("/api/v1/positions", &red).await;
    let r = s.get(&format!("/log/proof/inclusion?record=position/{}", red["id"].as_str().expect("id"))).await;
    assert_eq!(r.status(), 404);
    for (path, field) in [
        ("/log/proof/inclusion?index=5000", "size"),
        ("/log/proof/inclusion?index=1&size=100000", "size"),
        ("/log/proof/inclusion", "index"),
        ("/log/proof/inclusion?record=hurricane/1", "record"),
        ("/log/proof/consistency?from=9&to=3", "size"),
        ("/log/entries?start=x", "start"),
    ] {
        let r = s.get(path).await;
        assert_eq!(r.status(), 400, "{path}");
        let p: Value = r.json().await.expect("problem");
        assert_eq!(p["errors"][0]["field"], field, "{path}: {p}");
    }
}

async fn audit_names_a_row_edited_in_the_database(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (_, p) = roles.editor.post("/api/v1/positions", &position("de", "gcsc-2", "2022-02-02")).await;
    let clean = s.cli(&["log", "audit"]);
    assert!(clean.status.success(), "{}{}", stdout(&clean), stderr(&clean));
    assert!(stdout(&clean).contains("97 leaves"));
    // Someone with database access rewrites the published stance.
    let id = p["id"].as_str().expect("id");
    s.execute_sql(format!("UPDATE positions SET stance = 'reject' WHERE id = '{id}'")).await;
    let audit = s.cli(&["log", "audit"]);
    assert_eq!(audit.status.code(), Some(1));
    let err = stderr(&audit);
    assert!(err.contains(&format!("leaf 96 (position {id})")) && err.contains("differs"), "{err}");
}

async fn publications_survive_sigkill(mut s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let token = roles.editor.token.clone().expect("token");
    let mut accepted = 0usize;
    for round in 0..4u32 {
        let api = Api::with_token(&s, &token);
        // A stream of publications, cut short by SIGKILL at a moment that differs each round.
        let stream = tokio::spawn(async move {
            let mut ok = 0usize;
            for i in 0..10_000u32 {
                let day = 1 + (i % 28);
                let (status, _) =
                    api.post("/api/v1/positions", &position("it", "gcsc-4", &format!("2020-02-{day:02}"))).await;
                // 0: the server is gone (killed); anything else than 201 ends the stream too.
                if status == 201 {
                    ok += 1;
                } else {
                    break;
                }
            }
            ok
        });
        tokio::time::sleep(std::time::Duration::from_millis(250 + 130 * u64::from(round))).await;
        s.kill_and_restart();
        accepted += stream.await.unwrap_or(0);
        let audit = s.cli(&["log", "audit"]);
        assert!(audit.status.success(), "round {round}: {}", stderr(&audit));
    }
    eprintln!("{accepted} publications acknowledged across four SIGKILLs");
    assert!(accepted > 0, "publications went through before each kill");
    // Every accepted publication is there with its leaf.
    let (_, list) = Api::anonymous(&s).get("/api/v1/positions?stakeholder=it&norm=gcsc-4").await;
    let list = list["positions"].as_array().expect("list").clone();
    assert!(list.len() >= accepted, "{} stored, {accepted} acknowledged", list.len());
    assert!(list.iter().all(|p| p["log_index"].is_u64()), "no publication without its leaf");
    let checkpoint = text(&s, "/log/checkpoint").await;
    let size = Checkpoint::parse(&SignedNote::parse(&checkpoint).expect("note").text).expect("checkpoint").size;
    assert_eq!(size as usize, 96 + list.len());
}

/// Two instances watch each other's logs: consistent growth is cosigned, a fork is reported.
#[tokio::test]
async fn witnesses_cosign_and_report_forks() {
    let a = TestServer::start(crate::common::Backend::Sqlite).await;
    let b = TestServer::start(crate::common::Backend::Sqlite).await;
    let a_key = a.json("/api/v1/health").await["log_verifier_key"].as_str().expect("key").to_owned();
    let b_key =
        VerifierKey::parse(b.json("/api/v1/health").await["log_verifier_key"].as_str().expect("key")).expect("key");
    let b_cosigner = VerifierKey { alg: normwatch_ledger::key::ALG_COSIGNATURE, ..b_key };
    let witness = |target: &TestServer| b.cli(&["log", "witness", &target.url, "--key", &a_key]);
    let first = witness(&a);
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(stderr(&first).contains("first checkpoint"));
    let cosigned = SignedNote::parse(&stdout(&first)).expect("cosigned note");
    cosigned.verify(&VerifierKey::parse(&a_key).expect("key")).expect("the log's own signature stays");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("time").as_secs();
    cosigned.verify_cosignature(&b_cosigner, now).expect("cosigned by the witness");
    // A grows; the witness checks consistency and cosigns again.
    let roles = Roles::set_up(&a).await;
    roles.editor.post("/api/v1/positions", &position("ca", "gcsc-8", "2023-03-03")).await;
    let second = witness(&a);
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(stderr(&second).contains("consistent"));
    // A second instance holding A's key but another history: a fork.
    let c = TestServer::start(crate::common::Backend::Sqlite).await;
    drop(c);
    let fork_dir = tempfile::tempdir().expect("tmp");
    let data = fork_dir.path().join("data");
    std::fs::create_dir_all(data.join("keys")).expect("mkdir");
    for f in ["log.key", "log.vkey"] {
        std::fs::copy(a.data_dir.join("keys").join(f), data.join("keys").join(f)).expect("copy key");
    }
    let forked = std::process::Command::new(crate::common::BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(&data)
        .env("NORMWATCH_LOG", "warn")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let mut forked = KillOnDrop(forked);
    let url = {
        use std::io::BufRead;
        let out = forked.0.stdout.take().expect("stdout");
        let mut lines = std::io::BufReader::new(out).lines();
        loop {
            let line = lines.next().expect("a line").expect("utf-8");
            if let Some(rest) = line.strip_prefix("normwatch listening on ") {
                std::thread::spawn(move || for _ in lines {});
                break rest.trim_end_matches('/').to_owned();
            }
        }
    };
    let out = b.cli(&["log", "witness", &url, "--key", &a_key]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("FORK"), "{}", stderr(&out));
}

struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
