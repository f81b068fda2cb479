//! The vulnerability equities process over HTTP: cases and decisions by board members, the rules
//! for restriction, overdue re-reviews, the public report's aggregates, and confidentiality
//! against every role and interface. On SQLite and PostgreSQL.

use crate::common::{Api, Roles, TestServer, jp_vep_board};
use serde_json::{Value, json};

on_both_backends!(vep_cases_decisions_and_the_report, vep_cases_are_invisible_outside_the_board);

const PRODUCT: &str = "Kumo Router 7";

fn case(product: &str, submitted_on: &str) -> Value {
    json!({
        "product": product, "vendor": "Kumo Networks", "cve_id": null, "severity": "high",
        "discovered_on": "2024-01-15", "submitting_agency": "NISC", "submitted_on": submitted_on,
        "equities": {
            "defensive": {"product_usage": "high", "likelihood_others_find": "medium", "harm_if_exploited": "high", "patchable": true},
            "intelligence_value": "medium", "law_enforcement_value": "low", "commercial": "none", "international_partnerships": "low"
        }
    })
}

/// A board for Japan with two members; returns (board member API, second member API).
async fn board(s: &TestServer, roles: &Roles) -> (Api, Api) {
    let mut members = jp_vep_board(s, roles, &[("vep-chair", "NISC"), ("vep-member", "NPA")]).await;
    let (status, p) = roles.editor.post("/api/v1/vep/boards", &json!({"id": "acme-vep", "stakeholder": "acme", "name": {"ja": "社", "en": "Co"}, "members": [{"username": "vep-chair", "agency": "x"}]})).await;
    assert_eq!(status, 422, "only states have VEP boards: {p}");
    assert_eq!(p["errors"][0]["field"], "stakeholder");
    let (status, p) = roles.editor.post("/api/v1/vep/boards", &json!({"id": "jp-vep-2", "stakeholder": "jp", "name": {"ja": "二", "en": "Two"}, "members": [{"username": "vep-chair", "agency": "x"}, {"username": "vep-chair", "agency": "y"}]})).await;
    assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!("members[1].username")));
    let member = members.pop().expect("two members");
    (members.pop().expect("two members"), member)
}

async fn vep_cases_decisions_and_the_report(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (chair, member) = board(&s, &roles).await;
    let mut ids = Vec::new();
    for (product, submitted) in [("A", "2024-03-01"), ("B", "2024-04-01"), ("C", "2024-05-01"), ("D", "2024-06-01")] {
        let (status, body) = chair.post("/api/v1/vep/boards/jp-vep/cases", &case(product, submitted)).await;
        assert_eq!(status, 201, "{body}");
        ids.push(body["id"].as_str().expect("id").to_owned());
    }
    let (status, p) = chair.post("/api/v1/vep/boards/jp-vep/cases", &json!({"cve_id": "CVE-24-1"})).await;
    assert_eq!(status, 400, "{p}");
    let mut bad_cve = case("E", "2024-06-01");
    bad_cve["cve_id"] = json!("CVE-24-1");
    let (status, p) = chair.post("/api/v1/vep/boards/jp-vep/cases", &bad_cve).await;
    assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!("cve_id")));
    let decide = |id: &str, body: Value| {
        let member = member.clone();
        let path = format!("/api/v1/vep/cases/{id}/decisions");
        async move { member.post(&path, &body).await }
    };
    // Restriction without justification, without a re-review date, or beyond twelve months.
    for (body, field) in [
        (json!({"decision": "restrict", "decided_on": "2024-03-11", "rereview_by": "2024-09-01"}), "justification"),
        (
            json!({"decision": "restrict", "decided_on": "2024-03-11", "justification": "ongoing operation"}),
            "rereview_by",
        ),
        (
            json!({"decision": "restrict", "decided_on": "2024-03-11", "justification": "x", "rereview_by": "2025-03-12"}),
            "rereview_by",
        ),
        (json!({"decision": "disclose", "decided_on": "2024-03-11"}), "disclose_to"),
        (json!({"decision": "disclose", "decided_on": "2024-02-01", "disclose_to": "vendor"}), "decided_on"),
    ] {
        let (status, p) = decide(&ids[0], body.clone()).await;
        assert_eq!(status, 422, "{body}: {p}");
        assert_eq!(p["errors"][0]["field"], field, "{body}: {p}");
    }
    let (_, a) = chair.get(&format!("/api/v1/vep/cases/{}", ids[0])).await;
    assert_eq!(a["decisions"].as_array().map(Vec::len), Some(0), "refused decisions wrote nothing");
    // A: restricted 10 days after submission, re-review missed → overdue.
    let (status, a) = decide(&ids[0], json!({"decision": "restrict", "decided_on": "2024-03-11", "justification": "ongoing operation", "rereview_by": "2024-09-01"})).await;
    assert_eq!(status, 201, "{a}");
    assert_eq!(a["overdue"], true);
    // B: disclosed after 20 days.
    let (status, _) = decide(&ids[1], json!({"decision": "disclose", "decided_on": "2024-04-21", "disclose_to": "vendor", "vendor_notified_on": "2024-04-22"})).await;
    assert_eq!(status, 201);
    // C: restricted after 30 days, re-reviewed (disclosed) before its date.
    let (status, _) = decide(&ids[2], json!({"decision": "restrict", "decided_on": "2024-05-31", "justification": "partner equities", "rereview_by": "2024-08-01"})).await;
    assert_eq!(status, 201);
    let (status, c) =
        decide(&ids[2], json!({"decision": "disclose", "decided_on": "2024-07-15", "disclose_to": "vendor"})).await;
    assert_eq!(status, 201);
    assert_eq!(c["overdue"], false);
    assert_eq!(c["decisions"].as_array().map(Vec::len), Some(2));
    // A disclosure is final, and no decision may be dated before the current one.
    let (status, p) = decide(
        &ids[2],
        json!({"decision": "restrict", "decided_on": "2024-08-01", "justification": "x", "rereview_by": "2024-12-01"}),
    )
    .await;
    assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!("decision")), "{p}");
    let (status, p) =
        decide(&ids[0], json!({"decision": "disclose", "decided_on": "2024-03-05", "disclose_to": "vendor"})).await;
    assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!("decided_on")), "{p}");
    // D: undecided.
    let (_, overdue) = chair.get("/api/v1/vep/boards/jp-vep/cases?overdue=true").await;
    let overdue_ids: Vec<&str> =
        overdue["cases"].as_array().expect("cases").iter().filter_map(|c| c["id"].as_str()).collect();
    assert_eq!(overdue_ids, [ids[0].as_str()]);

    // The public report, by anyone, matches the cases.
    let (status, report) = Api::anonymous(&s).get("/api/v1/vep/boards/jp-vep/report?year=2024").await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(report["cases"], 4);
    assert_eq!(report["decided"], 3);
    assert_eq!(report["disclosed"], 1);
    assert!((report["disclosed_share"].as_f64().expect("share") - 1.0 / 3.0).abs() < 1e-9);
    assert_eq!(report["median_days_to_decision"], 20.0);
    assert_eq!(report["rereviews_due"], 2);
    assert_eq!(report["rereviewed_on_time"], 1);
    assert_eq!(report["overdue_now"], 1);
    let (_, all) = chair.get("/api/v1/vep/boards/jp-vep/cases").await;
    let cases = all["cases"].as_array().expect("cases");
    let decided = cases.iter().filter(|c| c["decisions"].as_array().is_some_and(|d| !d.is_empty())).count();
    assert_eq!(report["decided"], decided, "the aggregates are the members' cases, counted");
    let (_, empty) = Api::anonymous(&s).get("/api/v1/vep/boards/jp-vep/report?year=2023").await;
    assert_eq!(empty["cases"], 0);
    assert!(empty["disclosed_share"].is_null());
    let r = s.get("/api/v1/vep/boards/jp-vep/report?year=2024&format=csv").await;
    assert!(r.text().await.expect("csv").contains("\r\njp-vep,2024,4,3,1,0.3333,20.0000,2,1,1\r\n"));
    let (status, p) = Api::anonymous(&s).get("/api/v1/vep/boards/jp-vep/report?year=1999").await;
    assert_eq!((status, p["errors"][0]["field"].clone()), (400, json!("year")));
    // The report page, in both languages.
    let ja = s.get("/vep/jp-vep?lang=ja&year=2024").await.text().await.expect("html");
    assert!(
        ja.contains("<html lang=\"ja\">") && ja.contains("透明性報告") && ja.contains("<td id=\"r-median\">20</td>")
    );
    let en = s.get("/vep/jp-vep?lang=en&year=2024").await.text().await.expect("html");
    assert!(en.contains("Transparency report") && en.contains("<td id=\"r-share\">33%</td>"));
}

async fn vep_cases_are_invisible_outside_the_board(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (chair, _) = board(&s, &roles).await;
    let (_, body) = chair.post("/api/v1/vep/boards/jp-vep/cases", &case(PRODUCT, "2024-03-01")).await;
    let id = body["id"].as_str().expect("id").to_owned();
    let (status, _) = chair.get(&format!("/api/v1/vep/cases/{id}")).await;
    assert_eq!(status, 200, "a member reads it");
    for (name, api) in roles.all() {
        let (status, list) = api.get("/api/v1/vep/boards/jp-vep/cases").await;
        assert!(status == 401 || status == 404, "{name}: {status} {list}");
        assert!(!list.to_string().contains(PRODUCT), "{name}");
        let (status, one) = api.get(&format!("/api/v1/vep/cases/{id}")).await;
        assert!(status == 401 || status == 404, "{name}: {status}");
        assert!(!one.to_string().contains(PRODUCT));
        let (status, _) = api.post("/api/v1/vep/boards/jp-vep/cases", &case("X", "2024-03-01")).await;
        assert!(status == 401 || status == 404, "{name} cannot submit: {status}");
        let (status, _) = api
            .post(
                &format!("/api/v1/vep/cases/{id}/decisions"),
                &json!({"decision": "disclose", "decided_on": "2024-04-01", "disclose_to": "vendor"}),
            )
            .await;
        assert!(status == 401 || status == 404, "{name} cannot decide: {status}");
    }
    // Not through the audit log (the admin's), nor the transparency log, nor the public report.
    let (_, audit) = roles.admin.get("/api/v1/audit?limit=500").await;
    assert!(audit.to_string().contains("vep-case"), "the filing is audited");
    assert!(!audit.to_string().contains(PRODUCT), "but not its content");
    let (_, entries) = Api::anonymous(&s).get("/log/entries").await;
    // By kind, case id and content: the leaves' base64 hashes may spell "vep" by chance.
    let leaves = entries["entries"].as_array().expect("entries");
    assert!(!leaves.is_empty(), "the seed's positions are logged: {entries}");
    for leaf in leaves {
        let (kind, body) = (leaf["type"].as_str().expect("type"), leaf["body"].as_str().expect("body"));
        assert!(!kind.contains("vep"), "a VEP record in the log: {kind}");
        assert!(!body.contains(&id) && !body.contains(PRODUCT), "the case in a leaf: {body}");
    }
    let (_, report) = Api::anonymous(&s).get("/api/v1/vep/boards/jp-vep/report?year=2024").await;
    assert!(!report.to_string().contains(PRODUCT));
    // Nor through the portal: anonymous visitors see the report, not the cases.
    let html = s.get("/vep/jp-vep?lang=en&year=2024").await.text().await.expect("html");
    assert!(html.contains("id=\"confidential\"") && !html.contains(PRODUCT));
}
