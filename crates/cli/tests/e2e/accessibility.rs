//! Accessibility: axe-core (Deque's rules engine, from npm; `scripts/test` installs it) runs in
//! headless Chromium over every portal page the router serves, in Japanese and in English,
//! signed out and signed in as an administrator. A serious or critical violation (colour
//! contrast included) fails the test, naming the page, the rule and the elements.
//!
//! The pages come from the router's own route list (`normwatch_server::get_paths`), so a page
//! added tomorrow is checked tomorrow; on SQLite only, as the other browser tests.

use crate::common::webdriver::Browser;
use crate::common::{
    Roles, TestServer, file_and_publish, jp_vep_board, publish_joint_statement, publish_through_review, reviewers,
};
use serde_json::{Value, json};

in_browser!(every_portal_page_has_no_serious_accessibility_violation);

/// axe-core's browser bundle, from NORMWATCH_TEST_AXE.
pub(crate) fn axe_source() -> String {
    let path = crate::common::required_env(
        "NORMWATCH_TEST_AXE",
        "axe-core (npm)",
        "target/test-npm/node_modules/axe-core/axe.min.js",
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("NORMWATCH_TEST_AXE={path}: {e}"))
}

/// Runs axe on the page and answers its serious and critical violations, a few elements each.
const RUN_AXE: &str = r#"
const done = arguments[arguments.length - 1];
axe.run(document, { resultTypes: ['violations'] })
  .then(r => done(r.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => ({ rule: v.id, impact: v.impact, help: v.help,
                 nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' — ' + (n.failureSummary || '').split('\n').slice(1, 2).join('')) }))))
  .catch(e => done([{ rule: 'axe-error', impact: 'critical', help: String(e), nodes: [] }]));
"#;

/// The peer of the record received from another observatory that the seed writes.
const FEDERATED_PEER: &str = "peer-a11y";

/// A record received from a peer, written as a sync keeps it (the sync itself is federation's
/// test): its page is a portal page too.
async fn federated_record(s: &TestServer) -> String {
    let now = "2024-05-01T00:00:00.000000Z";
    s.execute_sql(format!(
        "INSERT INTO peers (id, url, origin, verifier_key, state, cursors, created_by, created_at) \
         VALUES ('{FEDERATED_PEER}', 'https://peer.example', 'peer.example/normwatch', 'peer.example/normwatch+00000000+AAAA', 'forked', '{{}}', 'system', '{now}')"
    ))
    .await;
    s.execute_sql(format!(
        "INSERT INTO peer_forks (id, peer_id, reason, earlier_note, later_note, detected_at) \
         VALUES ('fork-a11y', '{FEDERATED_PEER}', 'log peer.example/normwatch signed two different roots for size 3', 'a', 'b', '{now}')"
    ))
    .await;
    let body = json!({"id": "fed-a11y", "tlp": "clear", "status": "published",
                      "title": {"ja": "港湾への攻撃", "en": "Attack on a port"}});
    s.execute_sql(format!(
        "INSERT INTO federated_records (peer_id, record_kind, origin_id, origin, log_index, checkpoint_size, stix_id, tlp, body, received_at) \
         VALUES ('{FEDERATED_PEER}', 'incident', 'fed-a11y', 'peer.example/normwatch', 2, 3, 'incident--a11y', 'clear', '{body}', '{now}')"
    ))
    .await;
    "fed-a11y".to_owned()
}

/// The portal's pages: the router's GET routes that are not the API, TAXII, the log's machine
/// endpoints or files, with each `{parameter}` filled with a record that exists.
fn portal_pages(fill: &[(&str, String)]) -> Vec<String> {
    let machine = ["/api/", "/taxii2", "/.well-known", "/assets/", "/log/", "/metrics.json"];
    let mut out = Vec::new();
    for template in normwatch_server::get_paths() {
        if machine.iter().any(|m| template.starts_with(m)) || template.ends_with(".txt") {
            continue;
        }
        let mut path = template.clone();
        for (prefix, value) in fill {
            if path.starts_with(prefix) && path.contains("{id}") {
                path = path.replacen("{id}", value, 1);
            }
        }
        if path.starts_with("/federated/") {
            path = path.replace("{peer}", FEDERATED_PEER).replace("{kind}", "incident");
        }
        path = path
            .replace("{board}", &fill.iter().find(|(p, _)| *p == "/vep/").map(|(_, v)| v.clone()).unwrap_or_default());
        if path.contains('{') {
            panic!("no record to fill {template} with: add one to the accessibility test's seed");
        }
        out.push(path);
    }
    out
}

pub(crate) async fn audit(b: &Browser, s: &TestServer, pages: &[String], who: &str, found: &mut Vec<String>) -> usize {
    let axe = axe_source();
    let mut checked = 0;
    for lang in ["ja", "en"] {
        for path in pages {
            let sep = if path.contains('?') { '&' } else { '?' };
            b.goto(&s.at(&format!("{path}{sep}lang={lang}"))).await;
            if b.execute("return document.contentType", vec![]).await != json!("text/html") {
                continue;
            }
            audit_here(b, &axe, &format!("{path} ({lang}, {who})"), found).await;
            checked += 1;
        }
    }
    checked
}

/// Runs axe (its source `axe`) on the page the browser is on, adding what it finds, named `what`.
pub(crate) async fn audit_here(b: &Browser, axe: &str, what: &str, found: &mut Vec<String>) {
    b.execute(&format!("{axe}\n;return typeof axe;"), vec![]).await;
    let r = b.command(reqwest::Method::POST, "/execute/async", Some(json!({"script": RUN_AXE, "args": []}))).await;
    let violations = r.unwrap_or_else(|e| panic!("{what}: axe did not run: {e:?}"));
    for v in violations.as_array().into_iter().flatten() {
        found.push(format!(
            "{what}: {} [{}] {} — {}",
            v["rule"].as_str().unwrap_or_default(),
            v["impact"].as_str().unwrap_or_default(),
            v["help"].as_str().unwrap_or_default(),
            v["nodes"].as_array().into_iter().flatten().filter_map(Value::as_str).collect::<Vec<_>>().join(" | ")
        ));
    }
}

async fn every_portal_page_has_no_serious_accessibility_violation(s: TestServer, b: Browser) {
    let roles = Roles::set_up(&s).await;
    let reviewers = reviewers(&s, &roles.admin).await;
    let incident = file_and_publish(
        &roles.editor,
        &reviewers.0,
        &reviewers.1,
        "/api/v1/incidents",
        &json!({
            "title": {"ja": "DNS基盤への攻撃", "en": "Attack on DNS infrastructure"},
            "description": {"ja": "リゾルバが改ざんされた。", "en": "Resolvers were tampered with."},
            "started": "2023-05", "operation_types": ["supply-chain-compromise"],
            "targets": [{"name": "Registry", "country": "JP", "asset_classes": ["pc.naming"]}],
            "sources": [{"url": "https://news.example/dns"}], "stakeholder": "jp"
        }),
    )
    .await;
    let statement = publish_joint_statement(&roles, &reviewers, &incident).await;
    let (st, v) = roles
        .admin
        .post(
            "/api/v1/vulnerabilities",
            &json!({"product": "Resolver", "vendor": "Acme", "reported_on": "2023-01-10", "tlp": "clear", "status": "published"}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    let vulnerability = v["id"].as_str().expect("vulnerability id").to_owned();
    jp_vep_board(&s, &roles, &[("vep-chair", "NISC")]).await;
    // A position of each stance, so that the stakeholder page's positions table and the
    // adoption matrix show every colour they use.
    for (norm, stance) in [("gcsc-1", "endorse"), ("gcsc-2", "reject"), ("gcsc-3", "abstain")] {
        let (st, p) = roles
            .admin
            .post(
                "/api/v1/positions",
                &json!({"stakeholder": "acme", "norm": norm, "stance": stance, "stated_on": "2023-03-01",
                        "source": {"url": "https://acme.example/statement"}, "tlp": "clear", "status": "published"}),
            )
            .await;
        assert_eq!(st, 201, "{p}");
    }
    let (st, a) = roles
        .editor
        .post(
            "/api/v1/assessments",
            &json!({"incident": incident, "norm": "gcsc-1", "actor": {"kind": "non-state", "group": "Group X"},
                    "level": "likely", "rationale": {"ja": "リゾルバが改ざんされた。", "en": "Resolvers were altered."}, "tlp": "clear"}),
        )
        .await;
    assert_eq!(st, 201, "{a}");
    let assessment = format!("/api/v1/assessments/{}", a["id"].as_str().expect("assessment id"));
    publish_through_review(&roles.editor, &reviewers.0, &reviewers.1, &assessment).await;

    let (_, me) = roles.admin.get("/api/v1/me").await;
    let admin_account = me["account"]["id"].as_str().expect("the admin's account id").to_owned();
    let fill = [
        ("/admin/accounts/", admin_account),
        ("/admin/stakeholders/", "acme".to_owned()),
        ("/incidents/", incident),
        ("/statements/", statement),
        ("/norms/", "gcsc-1".to_owned()),
        ("/taxonomies/", "public-core".to_owned()),
        ("/stakeholders/", "acme".to_owned()),
        ("/vulnerabilities/", vulnerability),
        ("/vep/", "jp-vep".to_owned()),
        ("/federated/", federated_record(&s).await),
    ];
    let pages = portal_pages(&fill);
    assert!(pages.len() >= 30, "{pages:?}");
    // The probe itself can fail: grey on white is found.
    b.goto(&s.at("/norms")).await;
    // (Through the CSSOM: the portal's CSP refuses inline style attributes.)
    let faint = "const p = document.createElement('p'); p.id = 'probe'; p.textContent = 'faint'; \
                 p.style.color = '#ddd'; p.style.background = '#fff'; document.querySelector('main').append(p);";
    b.execute(faint, vec![]).await;
    b.execute(&format!("{}\n;return typeof axe;", axe_source()), vec![]).await;
    let probe = b.command(reqwest::Method::POST, "/execute/async", Some(json!({"script": RUN_AXE, "args": []}))).await;
    let probe = probe.unwrap_or_else(|e| panic!("axe did not run: {e:?}"));
    assert!(probe.to_string().contains("color-contrast") && probe.to_string().contains("#probe"), "{probe}");

    let mut found = Vec::new();
    let anonymous = audit(&b, &s, &pages, "signed out", &mut found).await;
    b.goto(&s.at("/sign-in")).await;
    b.sign_in("admin", &s.admin_password).await;
    let signed_in = audit(&b, &s, &pages, "admin", &mut found).await;
    eprintln!("axe: {anonymous} page views signed out, {signed_in} signed in; {} serious or critical", found.len());
    assert!(anonymous >= pages.len() && signed_in >= pages.len(), "pages that were not HTML: {anonymous}, {signed_in}");
    b.quit().await;
    assert!(found.is_empty(), "{} serious or critical accessibility violations:\n{}", found.len(), found.join("\n"));
}
