//! Schemathesis (PyPI) against the real server: it generates requests from the OpenAPI document
//! and fails on any server error, any status the document does not list, any response whose
//! content type or body the document does not describe, and any invalid request accepted. On each
//! backend it runs anonymously over the public operations, then as an admin (who sees drafts and
//! may write) over all of them, token revocation last. The data seeded here gives operations real
//! ids to hit next to generated ones.

use crate::common::{Api, Roles, TestServer, file_and_publish, publish_through_review, reviewers};
use serde_json::{Value, json};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

on_both_backends!(schemathesis_finds_no_fault, nul_characters_are_refused_not_failed_on);

/// Examples per operation in the fuzzing phase (the coverage phase, most of the cases, does not
/// depend on it): few enough that all runs of a backend take about a minute on two cores. Set
/// NORMWATCH_SCHEMATHESIS_EXAMPLES to search longer.
const EXAMPLES: &str = "6";
/// Fixed so that a failure repeats; set NORMWATCH_SCHEMATHESIS_SEED to explore other cases.
const SEED: &str = "20261202";

/// Checks the run applies. `positive_data_acceptance` is left out: filters such as `norm` or
/// `kind` take terms of the catalogue, which is data, so a schema-valid but unknown term is
/// rightly a 400.
const EXCLUDED_CHECKS: &str = "positive_data_acceptance";

fn id(v: &Value) -> String {
    v["id"].as_str().unwrap_or_else(|| panic!("no id in {v}")).to_owned()
}

async fn created(api: &Api, path: &str, body: Value) -> String {
    let (st, b) = api.post(path, &body).await;
    assert_eq!(st, 201, "POST {path}: {b}");
    id(&b)
}

/// Values schemathesis may use for a parameter, beside the ones it generates.
#[derive(Default)]
struct Seeded {
    /// (dictionary name, values)
    dictionaries: Vec<(&'static str, Vec<String>)>,
    /// (regex over the operation's path, parameter, dictionary name)
    bindings: Vec<(&'static str, &'static str, &'static str)>,
}

impl Seeded {
    fn add(&mut self, name: &'static str, values: Vec<String>, paths: &[(&'static str, &'static str)]) {
        self.dictionaries.push((name, values));
        for (path, parameter) in paths {
            self.bindings.push((path, parameter, name));
        }
    }

    /// The schemathesis configuration: each binding draws a seeded value half of the time.
    fn toml(&self) -> String {
        // A workaround for CPython 3.11 inside Hypothesis; the file says which.
        let hooks = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemathesis_hooks.py");
        let mut out = format!("hooks = '{}'\n\n", hooks.display());
        for (name, values) in &self.dictionaries {
            let quoted: Vec<String> = values.iter().map(|v| format!("'{v}'")).collect();
            let _ = writeln!(out, "[dictionaries.{name}]\nvalues = [{}]\n", quoted.join(", "));
        }
        for (path, parameter, name) in &self.bindings {
            let _ = writeln!(
                out,
                "[[operations]]\ninclude-path-regex = '{path}'\nparameters = {{ '{parameter}' = {{ dictionary = '{name}', probability = 0.5 }} }}\n"
            );
        }
        out
    }
}

/// Records of every kind the API serves, published and draft, through the API as people file them.
async fn seed(s: &TestServer, roles: &Roles) -> Seeded {
    let (rev_cs, rev_ac) = reviewers(s, &roles.admin).await;
    let incident = json!({
        "title": {"ja": "DNS基盤への攻撃", "en": "Attack on DNS infrastructure"},
        "description": {"en": "Resolvers of a national registry were tampered with."},
        "started": "2023-05", "discovered": "2023-06-14",
        "operation_types": ["supply-chain-compromise"],
        "actors": [{"kind": "non-state", "name": "Group X"}],
        "targets": [{"name": "Registry", "country": "JP", "asset_classes": ["pc.naming"]}],
        "sources": [{"url": "https://news.example/dns"}],
        "stakeholder": "jp", "tlp": "clear"
    });
    let published = file_and_publish(&roles.editor, &rev_cs, &rev_ac, "/api/v1/incidents", &incident).await;
    let draft = created(&roles.editor, "/api/v1/incidents", incident.clone()).await;
    let assessment = file_and_publish(
        &roles.editor,
        &rev_cs,
        &rev_ac,
        "/api/v1/assessments",
        &json!({"incident": published, "norm": "gcsc-1", "actor": {"kind": "non-state", "group": "Group X"},
                "level": "likely", "rationale": {"ja": "リゾルバが改ざんされた。", "en": "Resolvers were altered."}, "tlp": "clear"}),
    )
    .await;
    let claim = file_and_publish(
        &roles.editor,
        &rev_cs,
        &rev_ac,
        "/api/v1/attributions",
        &json!({"incident": published, "attributor": {"name": "Government of Japan", "kind": "government", "stakeholder": "jp"},
                "attributed_to": {"state": "RU"}, "type": "political", "attributed_on": "2023-09-01"}),
    )
    .await;
    let statement = file_and_publish(
        &roles.editor,
        &rev_cs,
        &rev_ac,
        "/api/v1/statements",
        &json!({"text": {"ja": "共同声明", "en": "Joint statement on the DNS attack"}, "claims": [claim], "issued_on": "2023-09-02"}),
    )
    .await;
    let response = created(
        &roles.editor,
        "/api/v1/responses",
        json!({"incident": published, "responder": {"name": "Japan", "kind": "government", "stakeholder": "jp"},
               "type": "resp.public-attribution", "legal_character": "retorsion", "responded_on": "2023-08"}),
    )
    .await;
    publish_through_review(&roles.editor, &rev_cs, &rev_ac, &format!("/api/v1/responses/{response}")).await;

    let upload = reqwest::Client::new()
        .post(format!("{}/api/v1/incidents/{published}/evidence?filename=resolver.log&tlp=clear&stakeholder=jp", s.url))
        .bearer_auth(roles.editor.token.as_deref().expect("token"))
        .header("content-type", "text/plain")
        .body("resolver log, defanged")
        .send()
        .await
        .expect("upload");
    assert_eq!(upload.status(), 201);
    let evidence = id(&upload.json().await.expect("evidence"));

    let vulnerability = created(
        &roles.editor,
        "/api/v1/vulnerabilities",
        json!({"product": "Kumo Router", "vendor": "Kumo", "reported_on": "2024-01-01"}),
    )
    .await;
    let (st, board) = roles
        .admin
        .post(
            "/api/v1/vep/boards",
            &json!({"id": "jp-vep", "stakeholder": "jp", "name": {"ja": "審査会", "en": "Equities board"},
                    "members": [{"username": "admin", "agency": "NISC"}]}),
        )
        .await;
    assert_eq!(st, 201, "{board}");
    let case = created(
        &roles.admin,
        "/api/v1/vep/boards/jp-vep/cases",
        json!({"product": "Kumo Router", "vendor": "Kumo Networks", "cve_id": null, "severity": "high",
               "discovered_on": "2024-01-15", "submitting_agency": "NISC", "submitted_on": "2024-01-20",
               "equities": {"defensive": {"product_usage": "high", "likelihood_others_find": "medium", "harm_if_exploited": "high", "patchable": true},
                            "intelligence_value": "medium", "law_enforcement_value": "low", "commercial": "none", "international_partnerships": "low"}}),
    )
    .await;
    let consultation = created(
        &roles.editor,
        "/api/v1/consultations",
        json!({"kind": "new-norm",
               "title": {"ja": "医療機関への攻撃の禁止", "en": "No ransomware against hospitals"},
               "text": {"ja": "医療機関を攻撃しない。", "en": "Do not attack hospitals."},
               "proposed_norm": {"id": "hospitals", "title": {"ja": "医療機関への攻撃の自制", "en": "Restraint towards hospitals"},
                   "summary": {"ja": "医療機関を攻撃しない。", "en": "Do not attack hospitals."},
                   "addressees": ["states"], "kind": "restraint", "principles": ["restraint"]},
               "opens_on": "2024-01-01", "closes_on": "2999-12-31"}),
    )
    .await;
    let community = created(
        &roles.admin,
        "/api/v1/communities",
        json!({"id": "cert-coop", "name": {"ja": "CERT協力", "en": "CERT cooperation"},
               "purpose": {"ja": "協力する。", "en": "Cooperate."}, "focus_norms": ["gge-f"],
               "success_factors": {"shared_principles": "GCSC principles", "problem_focus": "CI incidents", "expertise": "CERT staff",
                                   "support": "member-funded", "transparent_process": "decisions logged here"},
               "members": [{"stakeholder": "jp", "role": "coordinator"}, {"stakeholder": "acme"}]}),
    )
    .await;
    let contact = json!({"stakeholder": "jp", "kind": "technical", "name": "Duty officer", "role_title": "Duty officer",
        "channels": [{"kind": "email", "value": "duty@cert.example"}], "languages": ["ja", "en"], "hours": "24/7",
        "time_zone": "Asia/Tokyo", "valid_from": "2024-01-01", "tlp": "clear"});
    created(&roles.editor, "/api/v1/contacts", contact).await;
    // A loopback address: nothing this test does may send a delivery off the machine.
    let (st, hook) =
        roles.editor.post("/api/v1/webhooks", &json!({"stakeholder": "jp", "url": "http://127.0.0.1:9/hook"})).await;
    assert_eq!(st, 201, "{hook}");
    // A spare token of the admin's, for the revocation run to revoke.
    let (st, spare) = roles.admin.post("/api/v1/tokens", &json!({"name": "spare"})).await;
    assert_eq!(st, 201, "{spare}");
    let (_, positions) = roles.anonymous.get("/api/v1/positions?stakeholder=jp").await;
    let position = id(&positions["positions"][0]);

    let mut seeded = Seeded::default();
    seeded.add(
        "incidents",
        vec![published.clone(), draft],
        &[
            (r"^/incidents/\{id\}", "path.id"),
            (r"^/(assessments|attributions|statements|responses)$", "query.incident"),
        ],
    );
    seeded.add("assessments", vec![assessment], &[(r"^/assessments/\{id\}", "path.id")]);
    seeded.add("attributions", vec![claim], &[(r"^/attributions/\{id\}", "path.id")]);
    seeded.add("statements", vec![statement], &[(r"^/statements/\{id\}", "path.id")]);
    seeded.add("responses", vec![response], &[(r"^/responses/\{id\}", "path.id")]);
    seeded.add("evidence_items", vec![evidence], &[(r"^/evidence-items/\{id\}", "path.id")]);
    seeded.add("vulnerabilities", vec![vulnerability], &[(r"^/vulnerabilities/\{id\}", "path.id")]);
    seeded.add("boards", vec!["jp-vep".into()], &[(r"^/vep/boards/\{id\}", "path.id")]);
    seeded.add("cases", vec![case], &[(r"^/vep/cases/\{id\}", "path.id")]);
    seeded.add("consultations", vec![consultation], &[(r"^/consultations/\{id\}", "path.id")]);
    seeded.add("communities", vec![community], &[(r"^/communities/\{id\}", "path.id")]);
    seeded.add("webhooks", vec![id(&hook)], &[(r"^/webhooks/\{id\}", "path.id")]);
    seeded.add("positions", vec![position], &[(r"^/positions/\{id\}", "path.id")]);
    seeded.add("tokens", vec![id(&spare["record"])], &[(r"^/tokens/\{id\}", "path.id")]);
    seeded.add(
        "stakeholders",
        vec!["jp".into(), "acme".into()],
        &[
            (r"^/stakeholders/\{id\}", "path.id"),
            (r"^/(positions|evidence|legal-positions|contacts|hygiene/assessments)$", "query.stakeholder"),
        ],
    );
    seeded.add(
        "norms",
        vec!["gcsc-1".into(), "gge-f".into()],
        &[
            (r"^/norms/\{id\}", "path.id"),
            (r"^/(positions|evidence|adoption|incidents|export/stix|standards|capacity/programmes)$", "query.norm"),
        ],
    );
    seeded.add(
        "taxonomies",
        vec!["stakeholder-kinds".into(), "legal-topics".into()],
        &[(r"^/taxonomies/\{name\}", "path.name")],
    );
    seeded
}

/// What one run did, from schemathesis' JSON report.
#[derive(Debug)]
struct Run {
    operations: u64,
    cases: u64,
    seconds: f64,
    failures: Vec<Value>,
    errors: Vec<Value>,
    /// What schemathesis could not do well (operations that only ever saw 404, say).
    warnings: Value,
    output: String,
    exit_ok: bool,
}

/// One run of schemathesis: who calls, and which operations.
struct Pass<'a> {
    role: &'static str,
    token: Option<&'a str>,
    /// schemathesis' operation filters.
    filter: [&'static str; 2],
    /// Fewer operations tested means the filter or the document broke.
    min_operations: u64,
}

fn schemathesis(python: &Path, s: &TestServer, dir: &Path, pass: &Pass<'_>) -> Run {
    let role = pass.role;
    // `st` is installed beside the venv's Python (scripts/test installs it from
    // scripts/test-requirements.txt); a venv without it fails the test, never skips it.
    let st: PathBuf = python.with_file_name("st");
    assert!(st.exists(), "{} is missing: scripts/test installs schemathesis into the test venv", st.display());
    let report = dir.join(format!("schemathesis-{}.json", role.replace(|c: char| !c.is_alphanumeric(), "-")));
    let seed = std::env::var("NORMWATCH_SCHEMATHESIS_SEED").unwrap_or_else(|_| SEED.to_owned());
    let examples = std::env::var("NORMWATCH_SCHEMATHESIS_EXAMPLES").unwrap_or_else(|_| EXAMPLES.to_owned());
    let mut cmd = std::process::Command::new(&st);
    cmd.current_dir(dir)
        .arg("--no-color")
        .arg("--config-file")
        .arg(dir.join("schemathesis.toml"))
        .arg("run")
        .arg(s.at("/api/v1/openapi.json"))
        .args(["--url", &s.at("/api/v1")])
        .args(["--checks", "all", "--exclude-checks", EXCLUDED_CHECKS])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--max-examples", &examples, "--seed", &seed, "--workers", "2"])
        .args(["--request-timeout", "30", "--suppress-health-check", "all"])
        .args(["--report", "json", "--report-json-path"])
        .arg(&report)
        .args(pass.filter)
        .env("NO_COLOR", "1");
    if let Some(t) = pass.token {
        cmd.args(["--header", &format!("Authorization: Bearer {t}")]);
    }
    let out = cmd.output().expect("run schemathesis");
    let output = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let json: Value = std::fs::read_to_string(&report)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_else(|| panic!("schemathesis wrote no report ({role}):\n{output}"));
    Run {
        operations: json["operations"]["tested"].as_u64().unwrap_or(0),
        cases: json["test_cases"]["generated"].as_u64().unwrap_or(0),
        seconds: json["running_time"].as_f64().unwrap_or(0.0),
        failures: json["failures"].as_array().cloned().unwrap_or_default(),
        errors: json["errors"].as_array().cloned().unwrap_or_default(),
        warnings: json["warnings"].clone(),
        output,
        exit_ok: out.status.success(),
    }
}

async fn schemathesis_finds_no_fault(s: TestServer) {
    let python = crate::common::test_python();
    let roles = Roles::set_up(&s).await;
    let seeded = seed(&s, &roles).await;
    let dir = s.dir().join("schemathesis");
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("schemathesis.toml"), seeded.toml()).expect("config");
    let admin = roles.admin.token.clone().expect("admin token");
    let passes = [
        // Operations that need a sign-in answer an anonymous caller 401 whatever it sends: the
        // admin's run checks that (schemathesis' ignored_auth drops the token), as does the unit
        // test beside the API, so the anonymous run spends its time on the public operations.
        // It comes first, on the seeded data as it is; the admin's runs then write too.
        Pass {
            role: "anonymous",
            token: None,
            filter: ["--exclude-by", "/security/0/bearer == []"],
            min_operations: 40,
        },
        // Token ids read from GET /tokens would let DELETE /tokens/{id} revoke the admin's own
        // token and leave the rest of the run signed out, so revocation runs last, on its own.
        Pass { role: "admin", token: Some(&admin), filter: ["--exclude-path", "/tokens/{id}"], min_operations: 100 },
        Pass {
            role: "admin, revoking tokens",
            token: Some(&admin),
            filter: ["--include-path", "/tokens/{id}"],
            min_operations: 1,
        },
    ];
    let mut faults = Vec::new();
    for pass in &passes {
        let role = pass.role;
        let run = schemathesis(&python, &s, &dir, pass);
        println!(
            "schemathesis {:?} {role}: {} operations, {} cases, {:.1} s",
            s.backend, run.operations, run.cases, run.seconds
        );
        println!("schemathesis {:?} {role} warnings: {}", s.backend, run.warnings);
        assert!(
            run.operations >= pass.min_operations,
            "schemathesis tested too few operations ({role}):\n{}",
            run.output
        );
        // A signed-in run that sees only 401/403 somewhere lost its sign-in and tested nothing there.
        let signed_out = run.warnings["missing_auth"].as_array().map_or(0, Vec::len);
        if pass.token.is_some() && signed_out > 0 {
            faults.push(format!("{role}: signed out for {signed_out} operations: {}", run.warnings["missing_auth"]));
        }
        if !(run.exit_ok && run.failures.is_empty() && run.errors.is_empty()) {
            faults.push(format!(
                "{role}: failures {}, errors {}\n{}",
                Value::from(run.failures),
                Value::from(run.errors),
                run.output
            ));
        }
    }
    assert!(faults.is_empty(), "schemathesis found faults:\n{}\nserver log:\n{}", faults.join("\n\n"), s.log());
}

/// What schemathesis found on PostgreSQL, whose text cannot hold U+0000: a NUL in a JSON body, a
/// query parameter or a path reached a query and failed it (500). Each is now refused where it
/// comes in, naming the field, on both backends and in the portal too.
async fn nul_characters_are_refused_not_failed_on(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    for (path, status, field) in [
        ("/api/v1/stakeholders/a%00b", 404, None),
        ("/api/v1/incidents/a%00b", 404, None),
        ("/api/v1/norms/gcsc-1%00", 404, None),
        ("/api/v1/incidents?q=a%00b", 400, Some("q")),
        ("/api/v1/positions?stakeholder=jp%00", 400, Some("stakeholder")),
        ("/api/v1/assessments?incident=%00", 400, Some("incident")),
        ("/api/v1/norms?q%00=1", 400, Some("query")),
    ] {
        let (st, p) = roles.admin.get(path).await;
        assert_eq!((st, p["errors"][0]["field"].as_str()), (status, field), "GET {path}: {p}");
    }
    for (path, body, field) in [
        ("/api/v1/hotline/x/ack", json!({"contact": "a\u{0}"}), "contact"),
        (
            "/api/v1/stakeholders",
            json!({"id": "zz", "kind": "state", "country": "JP", "name": {"ja": "a\u{0}", "en": "b"}}),
            "name.ja",
        ),
        ("/api/v1/checks/answer", json!({"token": "\u{0}"}), "token"),
    ] {
        let (st, p) = roles.admin.post(path, &body).await;
        assert_eq!((st, p["errors"][0]["field"].as_str()), (400, Some(field)), "POST {path}: {p}");
    }
    // The portal's pages read the same path and query.
    for (path, status) in [("/incidents/a%00b", 404), ("/stakeholders/a%00b", 404), ("/incidents?q=%00", 400)] {
        assert_eq!(s.get(path).await.status(), status, "GET {path}");
    }
    assert!(!s.log().contains("ERROR"), "nothing failed inside: {}", s.log());
}
