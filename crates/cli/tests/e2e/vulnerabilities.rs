//! Vulnerabilities in the loop (GCSC norm 6, UN GGE 13 (j)), both ways: a vulnerability shows
//! the incidents that name its CVE and the VEP cases about it, an incident the vulnerabilities it
//! names — each within what the reader may read. On SQLite and PostgreSQL.

use crate::common::{
    Api, Roles, TestServer, file_and_publish, incident_revision, jp_vep_board, publish_through_review, reviewers,
};
use serde_json::{Value, json};

on_both_backends!(
    incidents_and_vulnerabilities_name_each_other,
    vep_cases_show_to_board_members_only,
    incidents_written_before_get_their_cves
);

const CVE: &str = "CVE-2023-1234";

fn ids(list: &Value) -> Vec<String> {
    let mut out: Vec<String> =
        list.as_array().into_iter().flatten().filter_map(|i| i["id"].as_str().map(str::to_owned)).collect();
    out.sort();
    out
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn registered(roles: &Roles, cve: &str) -> String {
    let (st, v) = roles
        .editor
        .post(
            "/api/v1/vulnerabilities",
            &json!({"cve_id": cve, "product": "Kumo Router 7", "vendor": "Kumo Networks", "reported_on": "2023-03-01"}),
        )
        .await;
    assert_eq!(st, 201, "{v}");
    v["id"].as_str().expect("id").to_owned()
}

async fn incident(editor: &Api, body: Value) -> String {
    let (st, b) = editor.post("/api/v1/incidents", &body).await;
    assert_eq!(st, 201, "{b}");
    b["id"].as_str().expect("id").to_owned()
}

/// A GET through the portal as `api`'s caller (its bearer token, if any): status and body.
async fn page(s: &TestServer, api: &Api, path: &str) -> (u16, String) {
    let mut rb = reqwest::Client::new().get(s.at(path));
    if let Some(t) = &api.token {
        rb = rb.bearer_auth(t);
    }
    let r = rb.send().await.expect("page");
    (r.status().as_u16(), r.text().await.expect("html"))
}

async fn incidents_and_vulnerabilities_name_each_other(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (r1, r2) = reviewers(&s, &roles.admin).await;
    let vuln = registered(&roles, CVE).await;
    let publish = |body: Value| {
        let (e, r1, r2) = (roles.editor.clone(), r1.clone(), r2.clone());
        async move { file_and_publish(&e, &r1, &r2, "/api/v1/incidents", &body).await }
    };
    // Named in the title (lower case), in a source's URL, in the description; one CVE unregistered.
    let open = publish(json!({"title": {"en": "Utility hit through cve-2023-1234"}, "started": "2023-05"})).await;
    let both = publish(json!({"title": {"en": "Two holes"}, "started": "2023-04",
        "sources": [{"url": "https://cert.example/advisories/CVE-2023-9999"}],
        "description": {"ja": "CVE-2023-1234とCVE-2023-9999が悪用された。", "en": ""}}))
    .await;
    let amber = publish(json!({"title": {"en": "AmberQz exploitation"}, "tlp": "amber",
        "description": {"en": format!("Exploited {CVE}.")}}))
    .await;
    let draft = incident(&roles.editor, json!({"title": {"en": format!("DraftQz {CVE}")}})).await;
    let unrelated = publish(json!({"title": {"en": "Unrelated CVE-2023-12345678 text"}})).await;

    // The vulnerability lists what each reader may read, and no more.
    let path = format!("/api/v1/vulnerabilities/{vuln}");
    let public = sorted(vec![open.clone(), both.clone()]);
    for (name, api) in [("anonymous", &roles.anonymous), ("reader", &roles.reader)] {
        let (st, v) = api.get(&path).await;
        assert_eq!(st, 200, "{name}: {v}");
        assert_eq!(ids(&v["incidents"]), public, "{name}: {v}");
        assert!(!v.to_string().contains("AmberQz") && !v.to_string().contains("DraftQz"), "{name}: {v}");
        assert_eq!(v["vep_cases"], json!([]), "{name}");
    }
    let (_, v) = roles.editor.get(&path).await;
    assert_eq!(ids(&v["incidents"]), sorted(vec![open.clone(), both.clone(), amber.clone(), draft.clone()]), "{v}");
    assert!(!ids(&v["incidents"]).contains(&unrelated));
    // Newest start first, with title and start.
    assert_eq!(v["incidents"][0]["id"].as_str(), Some(open.as_str()), "{v}");
    assert_eq!(v["incidents"][0]["start"], "2023-05-01");
    assert_eq!(v["incidents"][0]["title"]["en"], "Utility hit through cve-2023-1234");

    // The portal's page of the vulnerability, linked from the list.
    let (_, list) = page(&s, &roles.anonymous, "/vulnerabilities?lang=en").await;
    assert!(list.contains(&format!("href=\"/vulnerabilities/{vuln}?lang=en\"")), "{list}");
    let (st, html) = page(&s, &roles.anonymous, &format!("/vulnerabilities/{vuln}?lang=en")).await;
    assert_eq!(st, 200, "{html}");
    assert!(html.contains(&format!("href=\"/incidents/{open}?lang=en\"")), "{html}");
    assert!(html.contains(&format!("href=\"/incidents/{both}?lang=en\"")));
    assert!(!html.contains("AmberQz") && !html.contains(&amber) && !html.contains("DraftQz") && !html.contains(&draft));
    assert!(!html.contains("id=\"vep-cases\""), "no case for a visitor");
    let (_, ja) = page(&s, &roles.anonymous, &format!("/vulnerabilities/{vuln}?lang=ja")).await;
    assert!(ja.contains("この脆弱性を悪用したインシデント") && ja.contains(CVE), "{ja}");
    let (_, html) = page(&s, &roles.editor, &format!("/vulnerabilities/{vuln}?lang=en")).await;
    assert!(html.contains("AmberQz") && html.contains(&format!("href=\"/incidents/{draft}?lang=en\"")), "{html}");
    let (st, _) = page(&s, &roles.anonymous, "/vulnerabilities/00000000-0000-4000-8000-000000000000").await;
    assert_eq!(st, 404);

    // An incident lists the vulnerabilities it names, with the registry's record when there is one.
    let (_, i) = roles.anonymous.get(&format!("/api/v1/incidents/{open}")).await;
    assert_eq!(i["vulnerabilities"], json!([{"cve": CVE, "id": vuln}]), "{i}");
    assert_eq!(i["title"]["en"], "Utility hit through cve-2023-1234", "the record itself is as it was");
    let (_, i) = roles.anonymous.get(&format!("/api/v1/incidents/{both}")).await;
    assert_eq!(i["vulnerabilities"], json!([{"cve": CVE, "id": vuln}, {"cve": "CVE-2023-9999", "id": null}]), "{i}");
    let (_, i) = roles.anonymous.get(&format!("/api/v1/incidents/{unrelated}")).await;
    assert_eq!(i["vulnerabilities"], json!([]), "eight digits are not a CVE id: {i}");
    let (_, html) = page(&s, &roles.anonymous, &format!("/incidents/{both}?lang=en")).await;
    let named = &html[html.find("id=\"vulnerabilities\"").expect("the list of vulnerabilities")..];
    assert!(named.contains(&format!("href=\"/vulnerabilities/{vuln}?lang=en\"")), "{html}");
    assert!(named.contains("CVE-2023-9999"));
    let (_, ja) = page(&s, &roles.anonymous, &format!("/incidents/{both}?lang=ja")).await;
    assert!(ja.contains("言及している脆弱性"));

    // The incident list filters by CVE, within what the reader may read.
    let (st, l) = roles.anonymous.get("/api/v1/incidents?cve=cve-2023-1234").await;
    assert_eq!((st, ids(&l["incidents"])), (200, public.clone()), "{l}");
    let (_, l) = roles.editor.get(&format!("/api/v1/incidents?cve={CVE}")).await;
    assert_eq!(l["total"], 4, "{l}");
    let (_, l) = roles.anonymous.get("/api/v1/incidents?cve=CVE-2023-9999").await;
    assert_eq!(ids(&l["incidents"]), [both.as_str()]);
    let (st, p) = roles.anonymous.get("/api/v1/incidents?cve=CVE-23-1").await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (400, json!("cve")), "{p}");

    // A collected item naming the CVE, attached to an incident that does not: the link shows to
    // those who triage, not to the public (an unreviewed triage decision is not published).
    let item = "01900000-0000-7000-8000-0000000000aa";
    s.execute_sql(format!(
        "INSERT INTO items (id, source_id, origin, canonical_url, content_hash, signature, cluster, title, text, \
         fetched_at, cves, proposals, norms, matches, relevance, state, incident_id, version) VALUES \
         ('{item}', NULL, 'tip', 'https://news.example/kev', 'h1', 0, '{item}', 'KEV entry', 'Exploited {CVE}', \
          '2026-01-01T00:00:00.000Z', '[\"{CVE}\"]', '[]', '[]', '[]', 0, 'attached', '{unrelated}', 1)"
    ))
    .await;
    let (_, v) = roles.editor.get(&path).await;
    assert!(ids(&v["incidents"]).contains(&unrelated), "{v}");
    let (_, i) = roles.editor.get(&format!("/api/v1/incidents/{unrelated}")).await;
    assert_eq!(i["vulnerabilities"], json!([{"cve": CVE, "id": vuln}]), "{i}");
    for api in [&roles.anonymous, &roles.reader] {
        let (_, v) = api.get(&path).await;
        assert_eq!(ids(&v["incidents"]), public, "{v}");
        let (_, i) = api.get(&format!("/api/v1/incidents/{unrelated}")).await;
        assert_eq!(i["vulnerabilities"], json!([]), "{i}");
    }

    // An edit that no longer names the CVE takes the incident off the vulnerability: a draft
    // edited, and a published incident corrected (its corrected version stands for it).
    let r = reqwest::Client::new()
        .put(s.at(&format!("/api/v1/incidents/{draft}")))
        .bearer_auth(roles.editor.token.clone().expect("token"))
        .header("If-Match", "1")
        .json(&json!({"title": {"en": "DraftQz, no CVE any more"}}))
        .send()
        .await
        .expect("put");
    assert_eq!(r.status(), 200);
    let (_, old) = roles.editor.get(&format!("/api/v1/incidents/{open}")).await;
    let mut record = incident_revision(&old);
    record["status"] = json!("draft");
    record["title"]["en"] = json!("Utility hit, cause unknown");
    let (st, fixed) =
        roles.editor.post(&format!("/api/v1/incidents/{open}/corrections"), &json!({"record": record})).await;
    assert_eq!(st, 201, "{fixed}");
    let fixed = fixed["id"].as_str().expect("id").to_owned();
    publish_through_review(&roles.editor, &r1, &r2, &format!("/api/v1/incidents/{fixed}")).await;
    let (_, v) = roles.anonymous.get(&path).await;
    assert_eq!(ids(&v["incidents"]), [both.as_str()], "{v}");
    let (_, v) = roles.editor.get(&path).await;
    assert!(!ids(&v["incidents"]).iter().any(|i| *i == draft || *i == open || *i == fixed), "{v}");
}

async fn vep_cases_show_to_board_members_only(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let vuln = registered(&roles, CVE).await;
    let mut members = jp_vep_board(&s, &roles, &[("vep-chair", "NISC")]).await;
    let chair = members.pop().expect("one member");
    let case = json!({
        "product": "Kumo Router 7", "vendor": "Kumo Networks", "cve_id": CVE, "severity": "high",
        "discovered_on": "2023-01-15", "submitting_agency": "NISC", "submitted_on": "2023-02-01",
        "equities": {
            "defensive": {"product_usage": "high", "likelihood_others_find": "medium", "harm_if_exploited": "high", "patchable": true},
            "intelligence_value": "medium", "law_enforcement_value": "low", "commercial": "none", "international_partnerships": "low"
        }
    });
    let (st, c) = chair.post("/api/v1/vep/boards/jp-vep/cases", &case).await;
    assert_eq!(st, 201, "{c}");
    let case_id = c["id"].as_str().expect("id").to_owned();
    let mut other = case.clone();
    other["cve_id"] = json!("CVE-2023-5555");
    assert_eq!(chair.post("/api/v1/vep/boards/jp-vep/cases", &other).await.0, 201);
    let (st, d) = chair
        .post(
            &format!("/api/v1/vep/cases/{case_id}/decisions"),
            &json!({"decision": "disclose", "decided_on": "2023-02-10", "disclose_to": "vendor"}),
        )
        .await;
    assert_eq!(st, 201, "{d}");

    let path = format!("/api/v1/vulnerabilities/{vuln}");
    let (st, v) = chair.get(&path).await;
    assert_eq!(st, 200, "{v}");
    assert_eq!(ids(&v["vep_cases"]), [case_id.as_str()], "only the case about this CVE: {v}");
    assert_eq!(v["vep_cases"][0]["board"], "jp-vep");
    assert_eq!(v["vep_cases"][0]["decision"], "disclose");
    let r = reqwest::Client::new()
        .get(s.at(&path))
        .bearer_auth(chair.token.clone().expect("token"))
        .send()
        .await
        .expect("read");
    assert_eq!(r.headers().get("cache-control").and_then(|h| h.to_str().ok()), Some("no-store"));
    let (_, html) = page(&s, &chair, &format!("/vulnerabilities/{vuln}?lang=en")).await;
    let cases = &html[html.find("id=\"vep-cases\"").expect("the member sees the cases")..];
    assert!(cases.contains(&format!("data-case=\"{case_id}\"")) && cases.contains("href=\"/vep/jp-vep?lang=en\""));
    // Nobody else, whatever their role: not the case, not its id.
    for (name, api) in roles.all() {
        let (st, v) = api.get(&path).await;
        assert_eq!((st, v["vep_cases"].clone()), (200, json!([])), "{name}: {v}");
        assert!(!v.to_string().contains(&case_id), "{name}");
        let (_, html) = page(&s, api, &format!("/vulnerabilities/{vuln}")).await;
        assert!(!html.contains(&case_id) && !html.contains("id=\"vep-cases\""), "{name}");
    }
}

/// Incidents written before migration 0023 have no `cve` facets: the store gives them theirs
/// when it opens the database, once.
async fn incidents_written_before_get_their_cves(mut s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (r1, r2) = reviewers(&s, &roles.admin).await;
    let vuln = registered(&roles, CVE).await;
    let old = file_and_publish(
        &roles.editor,
        &r1,
        &r2,
        "/api/v1/incidents",
        &json!({"title": {"en": format!("Old incident naming {CVE}")}}),
    )
    .await;
    let path = format!("/api/v1/vulnerabilities/{vuln}");
    assert_eq!(ids(&roles.anonymous.get(&path).await.1["incidents"]), [old.as_str()]);
    // As a database from before 0023 would be: no `cve` facets, the backfill pending.
    s.execute_sql("DELETE FROM incident_facets WHERE facet = 'cve'".into()).await;
    s.execute_sql("INSERT INTO pending_backfills (name) VALUES ('incident-cves')".into()).await;
    s.kill_and_restart();
    let anonymous = Api::anonymous(&s);
    let (st, v) = anonymous.get(&path).await;
    assert_eq!((st, ids(&v["incidents"])), (200, vec![old.clone()]), "{v}");
    let (_, l) = anonymous.get(&format!("/api/v1/incidents?cve={CVE}")).await;
    assert_eq!(ids(&l["incidents"]), [old.as_str()], "{l}");
    // Done once: the task's row is gone (inserting it again would otherwise break its key).
    s.execute_sql("INSERT INTO pending_backfills (name) VALUES ('incident-cves')".into()).await;
}
