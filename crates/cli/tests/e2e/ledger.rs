//! The violation ledger over HTTP: incidents, screening, assessments (the addressee rule),
//! attributions (contested), review and publication (two reviewers, two stakeholder kinds),
//! corrections that supersede, TLP, and the log proof of a published finding.

use crate::common::{Roles, TestServer, file_and_publish, publish_through_review, reviewers, verify_offline};
use serde_json::{Value, json};

on_both_backends!(
    review_publication_and_supersession,
    screening_addressees_and_attribution,
    incident_pages_in_both_languages,
    metrics_count_published_findings_only,
    collective_statement_co_signed_and_verified,
    periodic_report_in_both_languages
);

fn incident_body() -> Value {
    json!({
        "title": {"ja": "DNS基盤への攻撃", "en": "Attack on DNS infrastructure"},
        "description": {"en": "Resolvers of a national registry were tampered with."},
        "started": "2023-05",
        "discovered": "2023-06-14",
        "operation_types": ["supply-chain-compromise", "denial-of-service"],
        "actors": [{"kind": "non-state", "name": "Group X"}],
        "targets": [
            {"name": "Registry", "country": "JP", "asset_classes": ["pc.naming"]},
            {"name": "Power utility", "country": "JP", "sector": "ci.energy"}
        ],
        "sources": [{"url": "https://news.example/dns"}],
        "impact": {"availability": "high", "functional_duration": "days", "countries_affected": ["JP"],
                   "economic_loss": {"amount": 1000000, "currency": "JPY"}},
        "stakeholder": "jp"
    })
}

async fn review_publication_and_supersession(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (rev_cs, rev_ac) = reviewers(&s, &roles.admin).await;
    // Who may file: a contributor for its own stakeholder, not another's; readers not at all.
    let (st, p) = roles.reader.post("/api/v1/incidents", &incident_body()).await;
    assert_eq!((st, p["missing_right"].clone()), (403, json!("incidents:write")), "{p}");
    let (st, _) = roles.acme_contributor.post("/api/v1/incidents", &incident_body()).await;
    assert_eq!(st, 403);
    let mut published = incident_body();
    published["status"] = json!("published");
    let (st, p) = roles.contributor.post("/api/v1/incidents", &published).await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (422, json!("status")), "{p}");
    let (st, incident) = roles.contributor.post("/api/v1/incidents", &incident_body()).await;
    assert_eq!(st, 201, "{incident}");
    assert_eq!(incident["status"], "draft");
    let id = incident["id"].as_str().expect("id").to_owned();
    let path = format!("/api/v1/incidents/{id}");
    // A draft is not public.
    assert_eq!(roles.anonymous.get(&path).await.0, 404);
    assert_eq!(roles.reader.get(&path).await.0, 404);
    assert_eq!(roles.reviewer.get(&path).await.0, 200);

    // Editing a draft needs the version read; a stale one is refused and changes nothing.
    let mut edited = incident_body();
    edited["title"]["en"] = json!("Attack on the DNS of a registry");
    let put = |v: Option<i64>, body: Value| {
        let c = roles.contributor.clone();
        let url = format!("{}{path}", s.url);
        async move {
            let mut rb = reqwest::Client::new().put(url).bearer_auth(c.token.expect("token")).json(&body);
            if let Some(v) = v {
                rb = rb.header("If-Match", v.to_string());
            }
            let r = rb.send().await.expect("put");
            (r.status().as_u16(), r.json::<Value>().await.expect("json"))
        }
    };
    let (st, p) = put(None, edited.clone()).await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (400, json!("If-Match")), "{p}");
    let (st, p) = put(Some(7), edited.clone()).await;
    assert_eq!(st, 409, "{p}");
    let (st, p) = put(Some(1), edited.clone()).await;
    assert_eq!(
        (st, p["version"].clone(), p["title"]["en"].clone()),
        (200, json!(2), json!("Attack on the DNS of a registry"))
    );

    // Review: reviewers need a stakeholder; the author cannot review; one kind is not enough.
    let (st, p) = rev_cs.post(&format!("{path}/reviews"), &json!({"verdict": "approve"})).await;
    assert_eq!(st, 409, "not yet submitted: {p}");
    let (st, _) = roles.contributor.post(&format!("{path}/submit"), &json!({})).await;
    assert_eq!(st, 200);
    let (st, p) = roles.reviewer.post(&format!("{path}/reviews"), &json!({"verdict": "approve"})).await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (422, json!("reviewer")), "{p}");
    let (st, p) = roles.contributor.post(&format!("{path}/reviews"), &json!({"verdict": "approve"})).await;
    assert_eq!((st, p["missing_right"].clone()), (403, json!("records:review")), "{p}");
    let (st, p) = rev_cs.post(&format!("{path}/reviews"), &json!({"verdict": "approve"})).await;
    assert_eq!(st, 200, "{p}");
    let (st, p) = rev_cs.post(&format!("{path}/publish"), &json!({})).await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (422, json!("reviews")), "{p}");
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("2 reviewers of 2 different stakeholder kinds")), "{p}");
    // Asking for changes sends it back; the earlier approval no longer counts for the new version.
    let (st, p) = rev_ac.post(&format!("{path}/reviews"), &json!({"verdict": "request-changes"})).await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (422, json!("comment")));
    let (st, p) = rev_ac
        .post(
            &format!("{path}/reviews"),
            &json!({"verdict": "request-changes", "comment": "cite a source in Japanese"}),
        )
        .await;
    assert_eq!((st, p["status"].clone()), (200, json!("draft")), "{p}");
    let (_, _) = roles.contributor.post(&format!("{path}/submit"), &json!({})).await;
    let (st, _) = rev_ac.post(&format!("{path}/reviews"), &json!({"verdict": "approve"})).await;
    assert_eq!(st, 200);
    let (st, p) = rev_ac.post(&format!("{path}/publish"), &json!({})).await;
    assert_eq!(st, 422, "the civil-society approval was for an older version: {p}");
    let (st, _) = rev_cs.post(&format!("{path}/reviews"), &json!({"verdict": "approve"})).await;
    assert_eq!(st, 200);
    let (st, incident) = rev_cs.post(&format!("{path}/publish"), &json!({})).await;
    assert_eq!((st, incident["status"].clone()), (200, json!("published")), "{incident} {}", s.log());
    assert!(incident["log_index"].is_u64(), "{incident}");
    let (st, public) = roles.anonymous.get(&path).await;
    assert_eq!((st, public["title"]["en"].clone()), (200, json!("Attack on the DNS of a registry")));
    // Published: no more edits in place.
    let (st, _) = put(Some(incident["version"].as_i64().expect("v")), edited.clone()).await;
    assert_eq!(st, 409);

    // A finding is marked at least as strictly as its incident, and published after it.
    let assessment = json!({
        "incident": id, "norm": "gcsc-1", "actor": {"kind": "non-state", "group": "Group X"},
        "level": "likely", "rationale": {"en": "Resolvers were altered."}, "tlp": "clear"
    });
    let (st, a) = roles.editor.post("/api/v1/assessments", &assessment).await;
    assert_eq!(st, 201, "{a}");
    let apath = format!("/api/v1/assessments/{}", a["id"].as_str().expect("id"));
    let first = publish_through_review(&roles.editor, &rev_cs, &rev_ac, &apath).await;
    assert_eq!(first["status"], "published");
    // The published finding verifies offline against the signed checkpoint, as a reader would.
    let key = s.json("/api/v1/health").await["log_verifier_key"].as_str().expect("key").to_owned();
    let fid = first["id"].as_str().expect("id");
    let (st, bundle) = roles.anonymous.get(&format!("/log/proof/inclusion?record=violation-assessment/{fid}")).await;
    assert_eq!(st, 200, "{bundle}");
    let (record_file, cp_file) = s.save_proof(&bundle);
    let verify = || verify_offline(&record_file, &cp_file, &key);
    let ok = verify();
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let mut tampered = bundle.clone();
    tampered["record"]["level"] = json!("established");
    std::fs::write(&record_file, tampered.to_string()).expect("write");
    assert_eq!(verify().status.code(), Some(1), "an altered finding fails");

    // A correction is a new version; once published, the old one names it and stays readable.
    let mut corrected = assessment.clone();
    corrected["level"] = json!("established");
    let (st, p) = roles.editor.post(&format!("{apath}/corrections"), &json!({"record": corrected})).await;
    assert_eq!((st, p["supersedes"].clone()), (201, first["id"].clone()), "{p}");
    let cpath = format!("/api/v1/assessments/{}", p["id"].as_str().expect("id"));
    let (_, before) = roles.anonymous.get(&apath).await;
    assert!(before.get("superseded_by").is_none(), "a draft correction supersedes nothing yet: {before}");
    publish_through_review(&roles.editor, &rev_cs, &rev_ac, &cpath).await;
    let (st, old) = roles.anonymous.get(&apath).await;
    assert_eq!((st, old["level"].clone()), (200, json!("likely")));
    assert_eq!(old["superseded_by"], p["id"]);
    let (_, list) = roles.anonymous.get(&format!("/api/v1/assessments?incident={id}")).await;
    assert_eq!(list["count"], 2, "{list}");
    // Only a published record is corrected; a draft is edited instead.
    let (st, draft) = roles.editor.post(&format!("{cpath}/corrections"), &json!({"record": assessment})).await;
    assert_eq!(st, 201, "{draft}");
    let dpath = format!("/api/v1/assessments/{}", draft["id"].as_str().expect("id"));
    let (st, p) = roles.editor.post(&format!("{dpath}/corrections"), &json!({"record": assessment})).await;
    assert_eq!(st, 409, "{p}");
}

async fn screening_addressees_and_attribution(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (st, incident) = roles.editor.post("/api/v1/incidents", &incident_body()).await;
    assert_eq!(st, 201, "{incident}");
    let id = incident["id"].as_str().expect("id").to_owned();
    let (st, screening) = roles.editor.get(&format!("/api/v1/incidents/{id}/screening")).await;
    assert_eq!(st, 200, "{screening}");
    let norms: Vec<&str> =
        screening["norms"].as_array().expect("norms").iter().filter_map(|n| n["norm"].as_str()).collect();
    // A group with no state link is not addressed by UN GGE 13(f), nor is crime GCSC norm 8's
    // ground; the public core and the tampered supply chain are engaged whoever acted.
    assert_eq!(norms, ["gcsc-1", "gcsc-3"], "{screening}");
    let hit = |norm: &str| {
        screening["norms"].as_array().and_then(|a| a.iter().find(|n| n["norm"] == norm)).cloned().unwrap_or_default()
    };
    let g1 = hit("gcsc-1");
    assert!(
        g1["reasons"][0]["en"].as_str().is_some_and(|r| r.contains("pc.naming") && r.contains("GCSC 2019 6A norm 1"))
    );
    assert_eq!(
        (g1["confidence"].clone(), g1["citation"]["en"].clone()),
        (json!("medium"), json!("GCSC 2019 6A norm 1; GCSC 2019 Annex B norm 1")),
        "{g1}"
    );
    assert!(g1["confidence_reason"]["ja"].as_str().is_some_and(|r| !r.is_empty()), "{g1}");
    // Bad incidents are refused by field.
    for (patch, field, code) in [
        (json!({"title": {"ja": "", "en": " "}}), "title", 422),
        (json!({"started": "2023-13"}), "started", 400),
        (json!({"targets": [{"name": "x", "asset_classes": ["pc.nowhere"]}]}), "targets[0].asset_classes[0]", 422),
        (json!({"operation_types": ["hacking"]}), "operation_types[0]", 422),
        (json!({"impact": {"economic_loss": {"amount": 5, "currency": "yen"}}}), "impact.economic_loss.currency", 422),
    ] {
        let mut body = incident_body();
        for (k, v) in patch.as_object().expect("patch") {
            body[k] = v.clone();
        }
        let (st, p) = roles.editor.post("/api/v1/incidents", &body).await;
        assert_eq!((st, p["errors"][0]["field"].clone()), (code, json!(field)), "{p}");
    }
    // The addressee rule: a UN GGE norm is for states; a group answers through its state.
    let assess = |norm: &str, actor: Value| {
        let editor = roles.editor.clone();
        let body = json!({"incident": id, "norm": norm, "actor": actor, "level": "possible",
                          "rationale": {"en": "Indications only."}});
        async move { editor.post("/api/v1/assessments", &body).await }
    };
    let (st, p) = assess("gge-f", json!({"kind": "non-state", "group": "Group X"})).await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (422, json!("actor.kind")), "{p}");
    assert!(p["detail"].as_str().is_some_and(|d| d.contains("proxy")), "{p}");
    let (st, p) = assess("gge-f", json!({"kind": "state", "state": "XX"})).await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (422, json!("actor.state")), "{p}");
    let (st, p) =
        assess("gge-f", json!({"kind": "state", "state": "RU", "group": "Group X", "responsibility": "territory"}))
            .await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (422, json!("actor.responsibility")), "{p}");
    let (st, p) =
        assess("gge-c", json!({"kind": "state", "state": "RU", "group": "Group X", "responsibility": "territory"}))
            .await;
    assert_eq!(st, 201, "{p}");
    let (st, p) =
        assess("gge-f", json!({"kind": "state", "state": "RU", "group": "Group X", "responsibility": "proxy"})).await;
    assert_eq!(st, 201, "{p}");
    let (st, p) = assess("gcsc-8", json!({"kind": "non-state", "group": "Group X"})).await;
    assert_eq!(st, 201, "{p}");
    let (st, p) = assess("gge-z", json!({"kind": "state", "state": "RU"})).await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (422, json!("norm")), "{p}");
    // A finding may not be marked less strictly than its incident.
    let mut amber = incident_body();
    amber["tlp"] = json!("amber");
    let (_, amber) = roles.editor.post("/api/v1/incidents", &amber).await;
    let (st, p) = roles
        .editor
        .post(
            "/api/v1/assessments",
            &json!({"incident": amber["id"], "norm": "gcsc-8", "level": "possible",
            "actor": {"kind": "non-state", "group": "G"}, "rationale": {"en": "x"}, "tlp": "green"}),
        )
        .await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (422, json!("tlp")), "{p}");

    // Attribution: claims naming different states make it contested (for those who see them).
    let claim = |state: &str, by: &str| {
        json!({"incident": id, "attributor": {"name": by, "kind": "security-company"},
               "attributed_to": {"state": state, "group": "Group X", "relation": "proxy"},
               "type": "technical", "confidence": "icd.likely", "attributed_on": "2023-07-01", "status": "in-review"})
    };
    let (st, p) = roles
        .editor
        .post(
            "/api/v1/attributions",
            &json!({"incident": id, "attributor": {"name": "A", "kind": "media"},
            "attributed_to": {}, "type": "political", "attributed_on": "2023-07"}),
        )
        .await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (422, json!("attributed_to")), "{p}");
    let (st, p) = roles.editor.post("/api/v1/attributions", &claim("RU", "Lab One")).await;
    assert_eq!((st, p["status"].clone()), (201, json!("in-review")), "{p}");
    let (_, q) = roles.editor.post("/api/v1/attributions", &claim("KP", "Lab Two")).await;
    let (st, body) = roles.editor.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!((st, body["attribution"]["state"].clone()), (200, json!("unattributed")), "{body}");
    // Publish both directly in the store's terms: through review by two kinds.
    let (rev_cs, rev_ac) = reviewers(&s, &roles.admin).await;
    publish_through_review(&roles.editor, &rev_cs, &rev_ac, &format!("/api/v1/incidents/{id}")).await;
    for c in [&p, &q] {
        let path = format!("/api/v1/attributions/{}", c["id"].as_str().expect("id"));
        for r in [&rev_cs, &rev_ac] {
            let (st, b) = r.post(&format!("{path}/reviews"), &json!({"verdict": "approve"})).await;
            assert_eq!(st, 200, "{b}");
        }
        let (st, b) = rev_cs.post(&format!("{path}/publish"), &json!({})).await;
        assert_eq!(st, 200, "{b}");
    }
    let (_, body) = roles.anonymous.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(body["attribution"], json!({"state": "contested", "states": ["KP", "RU"]}), "{body}");
    // Published claims naming the group a state's proxy bring the state-addressed norms in.
    let (st, screening) = roles.anonymous.get(&format!("/api/v1/incidents/{id}/screening")).await;
    assert_eq!(st, 200, "{screening}");
    let f = screening["norms"].as_array().and_then(|a| a.iter().find(|n| n["norm"] == "gge-f")).cloned();
    let f = f.unwrap_or_else(|| panic!("gge-f once a proxy is claimed: {screening}"));
    assert!(
        f["reasons"][0]["en"]
            .as_str()
            .is_some_and(|r| r.contains("ci.energy") && r.contains("UN GGE 2015 para. 13(f)")),
        "{f}"
    );
    assert_eq!(f["confidence"], "high", "{f}");
}

async fn incident_pages_in_both_languages(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (rev_cs, rev_ac) = reviewers(&s, &roles.admin).await;
    let mut body = incident_body();
    body["title"] = json!({"ja": "<script>alert(1)</script>", "en": "<script>alert(1)</script>"});
    let (st, incident) = roles.editor.post("/api/v1/incidents", &body).await;
    assert_eq!(st, 201, "{incident}");
    let id = incident["id"].as_str().expect("id").to_owned();
    // Not published yet: the public list does not show it.
    let list = s.get("/incidents?lang=en").await.text().await.expect("html");
    assert!(!list.contains(&id));
    publish_through_review(&roles.editor, &rev_cs, &rev_ac, &format!("/api/v1/incidents/{id}")).await;
    for (lang, heading, screening) in
        [("en", "Incidents", "Norms it may engage"), ("ja", "インシデント", "関係しうる規範")]
    {
        let list =
            s.get(&format!("/incidents?lang={lang}&country=JP&sector=ci.energy&status=published&q=&year=")).await;
        assert_eq!(list.status(), 200);
        let list = list.text().await.expect("html");
        assert!(list.contains(&format!("<html lang=\"{lang}\"")) && list.contains(heading));
        assert!(list.contains(&id), "the published incident is listed");
        assert!(!list.contains("<script>alert(1)</script>") && list.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        let page = s.get(&format!("/incidents/{id}?lang={lang}")).await.text().await.expect("html");
        assert!(page.contains(screening) && page.contains("gcsc-1"), "{page}");
        // Each suggestion shows its confidence and the paragraphs it rests on.
        let (confidence, citation) = if lang == "en" {
            ("confidence: medium", "GCSC 2019 6A norm 1")
        } else {
            ("確度: 中", "GCSC 2019年報告書 6A norm 1")
        };
        assert!(page.contains(confidence) && page.contains(citation), "{page}");
        assert!(!page.contains("<script>alert(1)</script>") && page.contains("&lt;script&gt;"));
    }
    let bad = s.get("/incidents?operation=hacking&lang=en").await;
    assert_eq!(bad.status(), 400);
    assert_eq!(s.get("/incidents/00000000-0000-0000-0000-000000000000").await.status(), 404);
}

async fn metrics_count_published_findings_only(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (rev_cs, rev_ac) = reviewers(&s, &roles.admin).await;
    let (_, incident) = roles.editor.post("/api/v1/incidents", &incident_body()).await;
    let id = incident["id"].as_str().expect("id").to_owned();
    publish_through_review(&roles.editor, &rev_cs, &rev_ac, &format!("/api/v1/incidents/{id}")).await;
    // Japan endorses gge-f (the G7 Lucca seed); an assessment that it likely violated it counts.
    let violation = json!({"incident": id, "norm": "gge-f", "actor": {"kind": "state", "state": "JP"},
                           "level": "likely", "rationale": {"en": "Hypothetical, for the test."}});
    let (_, v) = roles.editor.post("/api/v1/assessments", &violation).await;
    let mut weak = violation.clone();
    weak["level"] = json!("possible");
    let (_, w) = roles.editor.post("/api/v1/assessments", &weak).await;
    // Drafts count for nobody.
    let (_, m) = roles.admin.get("/api/v1/metrics/violations").await;
    assert_eq!(m["violations"], json!([]), "{m}");
    for a in [&v, &w] {
        publish_through_review(
            &roles.editor,
            &rev_cs,
            &rev_ac,
            &format!("/api/v1/assessments/{}", a["id"].as_str().expect("id")),
        )
        .await;
    }
    let (_, m) = roles.anonymous.get("/api/v1/metrics/violations").await;
    assert_eq!(
        m["violations"],
        json!([{"norm": "gge-f", "year": 2023, "count": 1}]),
        "a possible violation is not counted: {m}"
    );
    let (_, e) = roles.anonymous.get("/api/v1/metrics/endorsed-violations").await;
    assert_eq!((e["count"].clone(), e["violations"][0]["stakeholder"].clone()), (json!(1), json!("jp")), "{e}");
    assert_eq!(e["violations"][0]["assessment"], v["id"]);

    // Response rate: of incidents attributed to a state, those that drew a response.
    let claim = json!({"incident": id, "attributor": {"name": "Lab", "kind": "security-company"},
        "attributed_to": {"state": "RU"}, "type": "technical", "attributed_on": "2023-07-01"});
    let (_, c) = roles.editor.post("/api/v1/attributions", &claim).await;
    publish_through_review(
        &roles.editor,
        &rev_cs,
        &rev_ac,
        &format!("/api/v1/attributions/{}", c["id"].as_str().expect("id")),
    )
    .await;
    let (_, r) = roles.anonymous.get("/api/v1/metrics/response-rate").await;
    assert_eq!((r["attributed_incidents"].clone(), r["with_response"].clone()), (json!(1), json!(0)), "{r}");
    let response = json!({"incident": id, "responder": {"name": "Japan", "kind": "government", "stakeholder": "jp"},
        "type": "resp.public-attribution", "legal_character": "retorsion", "responded_on": "2023-08"});
    let (st, p) = roles.editor.post("/api/v1/responses", &response).await;
    assert_eq!(st, 201, "{p}");
    publish_through_review(
        &roles.editor,
        &rev_cs,
        &rev_ac,
        &format!("/api/v1/responses/{}", p["id"].as_str().expect("id")),
    )
    .await;
    let (_, r) = roles.anonymous.get("/api/v1/metrics/response-rate").await;
    assert_eq!((r["with_response"].clone(), r["rate"].clone()), (json!(1), json!(1.0)), "{r}");
    // Lag: the start is known to the month only (2023-05), the attribution to the day
    // (2023-07-01): from 31 days (31 May) to 61 days (1 May), and no day-precise figure.
    let (_, lag) = roles.anonymous.get("/api/v1/metrics/attribution-lag").await;
    assert_eq!(
        lag["by_kind"],
        json!([{"attributor_kind": "security-company", "attributed_incidents": 1, "incidents": 1, "day_precise": 0,
                "median_lower_days": 31.0, "median_upper_days": 61.0, "day_precise_median_days": null}]),
        "{lag}"
    );
    assert_eq!(lag["by_year"][0]["year"], json!(2023), "{lag}");
    let (_, r) = roles.anonymous.get("/api/v1/metrics/response-rate").await;
    assert_eq!(
        r["by_attributor_kind"],
        json!([{"attributor_kind": "security-company", "attributed_incidents": 1, "with_response": 1, "rate": 1.0}]),
        "{r}"
    );

    // The metrics page draws the same figures, in both languages.
    for (lang, heading, kind) in
        [("en", "Violations per norm", "security-company"), ("ja", "規範ごとの違反", "セキュリティ企業")]
    {
        let r = s.get(&format!("/metrics?lang={lang}")).await;
        assert_eq!(r.status(), 200);
        let page = r.text().await.expect("html");
        assert!(page.contains(heading) && page.contains(kind), "{page}");
        assert_eq!(page.matches("<svg").count(), 2, "a chart for violations and one for the lag");
        assert!(page.contains("id=\"endorsed-table\"") && page.contains("/stakeholders/jp"));
        assert!(page.contains("1 / 1"), "the response rate");
    }
}

async fn collective_statement_co_signed_and_verified(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (rev_cs, rev_ac) = reviewers(&s, &roles.admin).await;
    let cli = |args: &[&str]| {
        let out = s.cli(args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    // Each co-signer makes a key and registers it.
    let mut keys = Vec::new();
    for who in ["jp", "acme"] {
        let file = s.dir().join(format!("{who}.key"));
        let (code, public, err) = cli(&["keygen", file.to_str().expect("path")]);
        assert_eq!(code, Some(0), "{err}");
        let (st, b) = roles
            .admin
            .post(
                &format!("/api/v1/stakeholders/{who}/keys"),
                &json!({"label": "statements", "public_key": public.trim()}),
            )
            .await;
        assert_eq!(st, 201, "{b}");
        keys.push(file);
    }
    assert_eq!(cli(&["keygen", keys[0].to_str().expect("path")]).0, Some(1), "a key file is never overwritten");

    let (_, incident) = roles.editor.post("/api/v1/incidents", &incident_body()).await;
    let id = incident["id"].as_str().expect("id").to_owned();
    publish_through_review(&roles.editor, &rev_cs, &rev_ac, &format!("/api/v1/incidents/{id}")).await;
    let (_, claim) = roles
        .editor
        .post(
            "/api/v1/attributions",
            &json!({"incident": id, "attributor": {"name": "G7", "kind": "government"},
            "attributed_to": {"state": "RU"}, "type": "political", "attributed_on": "2023-09-01"}),
        )
        .await;
    let (st, p) = roles
        .editor
        .post(
            "/api/v1/statements",
            &json!({"text": {"en": "x"}, "claims": ["00000000-0000-0000-0000-000000000000"], "issued_on": "2023-09"}),
        )
        .await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (422, json!("claims[0]")), "{p}");
    let (st, statement) = roles
        .editor
        .post(
            "/api/v1/statements",
            &json!({"text": {"ja": "共同声明", "en": "Joint statement on the DNS attack"},
            "claims": [claim["id"]], "issued_on": "2023-09-02"}),
        )
        .await;
    assert_eq!(st, 201, "{statement}");
    let path = format!("/api/v1/statements/{}", statement["id"].as_str().expect("id"));
    publish_through_review(&roles.editor, &rev_cs, &rev_ac, &path).await;

    let (st, canonical) = roles.anonymous.get(&format!("{path}/canonical")).await;
    assert_eq!(st, 200, "{canonical}");
    let canonical_file = s.dir().join("canonical.json");
    std::fs::write(&canonical_file, canonical.to_string()).expect("write");
    let sign = |key: &std::path::Path| {
        let (code, sig, err) = cli(&["sign", "--key", key.to_str().expect("p"), canonical_file.to_str().expect("p")]);
        assert_eq!(code, Some(0), "{err}");
        sig.trim().to_owned()
    };
    let (jp_sig, acme_sig) = (sign(&keys[0]), sign(&keys[1]));
    // A signature by a key not registered to the signer is refused, and so is signing for another.
    let (st, p) = roles
        .contributor
        .post(&format!("{path}/signatures"), &json!({"stakeholder": "jp", "signature": acme_sig}))
        .await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (422, json!("signature")), "{p}");
    let (st, _) = roles
        .acme_contributor
        .post(&format!("{path}/signatures"), &json!({"stakeholder": "jp", "signature": jp_sig}))
        .await;
    assert_eq!(st, 403);
    let (st, p) =
        roles.contributor.post(&format!("{path}/signatures"), &json!({"stakeholder": "jp", "signature": jp_sig})).await;
    assert_eq!(st, 201, "{p}");
    let (st, _) =
        roles.contributor.post(&format!("{path}/signatures"), &json!({"stakeholder": "jp", "signature": jp_sig})).await;
    assert_eq!(st, 409, "one signature per co-signer");
    let (st, _) = roles
        .acme_contributor
        .post(&format!("{path}/signatures"), &json!({"stakeholder": "acme", "signature": acme_sig}))
        .await;
    assert_eq!(st, 201);

    let (st, bundle) = roles.anonymous.get(&format!("{path}/verify")).await;
    assert_eq!(
        (st, bundle["valid"].clone(), bundle["signatures"].as_array().map(Vec::len)),
        (200, json!(true), Some(2)),
        "{bundle}"
    );
    let bundle_file = s.dir().join("bundle.json");
    std::fs::write(&bundle_file, bundle.to_string()).expect("write");
    let (code, out, err) = cli(&["statement", "verify", bundle_file.to_str().expect("p")]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("ok: jp signed") && out.contains("ok: acme signed"), "{out}");
    // A tampered statement fails offline, whatever canonical text the bundle claims.
    let mut tampered = bundle.clone();
    tampered["statement"]["text"]["en"] = json!("Joint statement on something else");
    std::fs::write(&bundle_file, tampered.to_string()).expect("write");
    let (code, _, err) = cli(&["statement", "verify", bundle_file.to_str().expect("p")]);
    assert_eq!(code, Some(1));
    assert!(err.contains("FAILED") && err.contains("altered"), "{err}");
    // A signature changed in the database is shown as invalid.
    s.execute_sql(format!(
        "UPDATE statement_signatures SET signature = '{acme_sig}' WHERE stakeholder_id = 'jp' AND statement_id = '{}'",
        statement["id"].as_str().expect("id")
    ))
    .await;
    let (_, bundle) = roles.anonymous.get(&format!("{path}/verify")).await;
    assert_eq!(bundle["valid"], json!(false), "{bundle}");
}

/// `normwatch report`: one self-contained HTML file of what was published in the period, in
/// either language, ending with the checkpoint it was built from; record text shows as text.
async fn periodic_report_in_both_languages(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (rev_cs, rev_ac) = reviewers(&s, &roles.admin).await;
    let mut body = incident_body();
    body["title"] = json!({"ja": "送電網への<b>攻撃</b>", "en": "Attack on the <script>grid</script>"});
    let (st, i) = roles.editor.post("/api/v1/incidents", &body).await;
    assert_eq!(st, 201, "{i}");
    let id = i["id"].as_str().expect("id").to_owned();
    publish_through_review(&roles.editor, &rev_cs, &rev_ac, &format!("/api/v1/incidents/{id}")).await;
    file_and_publish(
        &roles.editor,
        &rev_cs,
        &rev_ac,
        "/api/v1/assessments",
        &json!({"incident": id, "norm": "gge-f", "actor": {"kind": "state", "state": "RU"}, "level": "likely",
                    "rationale": {"en": "The grid was hit."}}),
    )
    .await;
    file_and_publish(&roles.editor, &rev_cs, &rev_ac, "/api/v1/attributions", &json!({"incident": id, "attributor": {"name": "Lab One", "kind": "security-company"},
                    "attributed_to": {"state": "RU"}, "type": "technical", "confidence": "icd.likely", "attributed_on": "2023-07-01"})).await;
    let checkpoint = s.get("/log/checkpoint").await.text().await.expect("checkpoint");
    let origin = checkpoint.lines().next().expect("origin line").to_owned();

    let today = time::OffsetDateTime::now_utc().date().to_string();
    for (lang, heading) in [
        ("en", "Violation assessments of incidents that started in the period"),
        ("ja", "期間中に始まったインシデントについての規範違反の評価"),
    ] {
        let file = s.dir().join(format!("report-{lang}.html"));
        let out = s.cli(&[
            "report",
            "--from",
            "2020-01-01",
            "--to",
            &today,
            "--lang",
            lang,
            "--out",
            file.to_str().expect("path"),
        ]);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let html = std::fs::read_to_string(&file).expect("report");
        assert!(html.starts_with("<!DOCTYPE html>") && html.contains(&format!("<html lang=\"{lang}\"")), "{lang}");
        assert!(html.contains(heading), "{lang}: no `{heading}`");
        assert!(html.contains("<svg"), "{lang}: no chart");
        assert!(html.contains("gge-f"), "{lang}: the assessed norm is missing");
        assert!(html.contains("Lab One"), "{lang}: the attribution is missing");
        assert!(html.contains(&origin), "{lang}: the checkpoint is missing");
        // Self-contained: nothing is fetched from elsewhere, and record text is escaped.
        assert!(!html.contains("<script") && !html.contains("<link") && !html.contains("src=\"http"), "{lang}");
        // Latin text in a Latin face: the first face named is not a Japanese one (IPAGothic's
        // Latin letters are fixed-width), and progress went to stderr while it ran.
        let faces = html.split("font-family:").nth(1).and_then(|f| f.split([';', '}']).next()).expect("a body font");
        let first = faces.split(',').next().unwrap_or_default();
        assert!(!first.contains("IPA") && !first.contains("CJK") && faces.contains("IPA"), "{lang}: {faces}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("report: "), "{lang}: no progress lines");
        let title = if lang == "en" {
            "Attack on the &lt;script&gt;grid&lt;/script&gt;"
        } else {
            "送電網への&lt;b&gt;攻撃&lt;/b&gt;"
        };
        assert!(html.contains(title), "{lang}: the incident title is not shown as text");
    }
    // A period with nothing published says so; the records above are not in it.
    let out = s.cli(&["report", "--from", "1990-01-01", "--to", "1990-12-31", "--lang", "en"]);
    let html = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && html.contains("None in this period.") && !html.contains("Lab One"), "{html}");
    let out = s.cli(&["report", "--from", "2025-02-30", "--to", "2025-03-01"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("--from"));
    let out = s.cli(&["report", "--from", "2025-03-01", "--to", "2025-01-01"]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("after --to"));
}
