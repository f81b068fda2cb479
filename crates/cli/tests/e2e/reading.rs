//! The reading pages over HTTP, against the real server, on SQLite and PostgreSQL: the home
//! page's latest findings, a norm's endorsers and assessed incidents, a stakeholder's attributions, the log
//! page, the incident timeline — each in Japanese and English, each showing only what the
//! viewer may read, and each page's CSV, JSON and STIX downloads holding exactly what it shows.

use crate::common::downloads::{column, csv, json_download, page, part, stix_download, values};
use crate::common::{Api, Roles, TestServer, reviewers, verify_offline};
use serde_json::{Value, json};

on_both_backends!(
    home_lists_the_latest_findings_as_the_viewer_may_read_them,
    norm_page_lists_endorsers_and_assessed_incidents_with_downloads,
    stakeholder_page_lists_attributions_made_and_received_with_downloads,
    log_page_shows_the_checkpoint_key_and_how_to_verify,
    timeline_groups_published_incidents_by_year_and_month_with_downloads,
    metrics_and_adoption_download_what_they_show,
);

const HOSTILE: &str = "<script>alert(1)</script>";
const HOSTILE_ESCAPED: &str = "&lt;script&gt;alert(1)&lt;/script&gt;";

/// What the seeding made.
struct Seeded {
    roles: Roles,
    /// Published, TLP:CLEAR, started 2023-05, discovered 2023-06-14.
    dns: String,
    /// Published, TLP:CLEAR, titled with markup, started 2024-02-10.
    hostile: String,
    /// Published, TLP:GREEN: signed-in readers only.
    green: String,
    /// A draft: nobody reading sees it.
    draft: String,
    /// Published assessments (gge-f): of `dns`, of `hostile`; of `green` (TLP:GREEN).
    assessment_dns: String,
    assessment_hostile: String,
    assessment_green: String,
    /// Published claims by acme against RU: about `dns` (2023-07-01), about `hostile` (2024-03).
    claim_dns: String,
    claim_hostile: String,
}

async fn publish(author: &Api, r1: &Api, r2: &Api, path: &str) {
    let (st, b) = author.post(&format!("{path}/submit"), &json!({})).await;
    assert_eq!(st, 200, "submit {path}: {b}");
    for r in [r1, r2] {
        let (st, b) = r.post(&format!("{path}/reviews"), &json!({"verdict": "approve"})).await;
        assert_eq!(st, 200, "review {path}: {b}");
    }
    let (st, b) = r1.post(&format!("{path}/publish"), &json!({})).await;
    assert_eq!(st, 200, "publish {path}: {b}");
}

async fn created(api: &Api, path: &str, body: Value) -> String {
    let (st, b) = api.post(path, &body).await;
    assert_eq!(st, 201, "POST {path}: {b}");
    b["id"].as_str().expect("id").to_owned()
}

async fn seed(s: &TestServer) -> Seeded {
    let roles = Roles::set_up(s).await;
    let (rev_cs, rev_ac) = reviewers(s, &roles.admin).await;
    let (st, b) = roles
        .admin
        .post(
            "/api/v1/stakeholders",
            &json!({"id": "ru", "kind": "state", "country": "RU", "name": {"ja": "ロシア", "en": "Russia"}}),
        )
        .await;
    assert_eq!(st, 201, "{b}");
    // Positions on gge-f (the G7 seven endorse it already): Russia rejects, Acme abstains, and
    // the university's endorsement is TLP:GREEN.
    for (who, stance, date, tlp) in [
        ("ru", "reject", "2021-03-05", "clear"),
        ("acme", "abstain", "2022-01-01", "clear"),
        ("univ", "endorse", "2023-03-01", "green"),
    ] {
        created(
            &roles.admin,
            "/api/v1/positions",
            json!({"stakeholder": who, "norm": "gge-f", "stance": stance, "stated_on": date, "tlp": tlp,
                   "status": "published", "source": {"url": "https://example.org/statement"}}),
        )
        .await;
    }
    let incident = |title_ja: &str, title_en: &str, started: &str, country: &str, tlp: &str| {
        json!({"title": {"ja": title_ja, "en": title_en}, "started": started, "discovered": "2024-03-01",
               "operation_types": ["denial-of-service"], "targets": [{"name": "Registry", "country": country}],
               "sources": [{"url": "https://news.example/x"}], "stakeholder": "jp", "tlp": tlp})
    };
    let mut dns_body = incident("DNS基盤への攻撃", "Attack on DNS infrastructure", "2023-05", "JP", "clear");
    dns_body["discovered"] = json!("2023-06-14");
    let dns = created(&roles.editor, "/api/v1/incidents", dns_body).await;
    let hostile =
        created(&roles.editor, "/api/v1/incidents", incident(HOSTILE, HOSTILE, "2024-02-10", "DE", "clear")).await;
    let green = created(
        &roles.editor,
        "/api/v1/incidents",
        incident("緑の侵入", "Green intrusion", "2023-09-02", "JP", "green"),
    )
    .await;
    let draft =
        created(&roles.editor, "/api/v1/incidents", incident("秘密の下書き", "Secret draft", "2023-08", "JP", "clear"))
            .await;
    for id in [&dns, &hostile, &green] {
        publish(&roles.editor, &rev_cs, &rev_ac, &format!("/api/v1/incidents/{id}")).await;
    }
    let assess = |incident: &str, level: &str, tlp: &str| {
        json!({"incident": incident, "norm": "gge-f", "actor": {"kind": "state", "state": "RU"}, "level": level,
               "rationale": {"en": "For the test."}, "tlp": tlp})
    };
    let mut findings = Vec::new();
    for body in
        [assess(&dns, "likely", "clear"), assess(&hostile, "possible", "clear"), assess(&green, "established", "green")]
    {
        let id = created(&roles.editor, "/api/v1/assessments", body).await;
        publish(&roles.editor, &rev_cs, &rev_ac, &format!("/api/v1/assessments/{id}")).await;
        findings.push(id);
    }
    // A draft assessment of the draft incident is never shown.
    created(&roles.editor, "/api/v1/assessments", assess(&draft, "likely", "clear")).await;
    let claim = |incident: &str, on: &str| {
        json!({"incident": incident, "attributor": {"name": "Acme Corporation", "kind": "private-sector", "stakeholder": "acme"},
               "attributed_to": {"state": "RU"}, "type": "technical", "attributed_on": on})
    };
    let mut claims = Vec::new();
    for body in [claim(&dns, "2023-07-01"), claim(&hostile, "2024-03")] {
        let id = created(&roles.editor, "/api/v1/attributions", body).await;
        publish(&roles.editor, &rev_cs, &rev_ac, &format!("/api/v1/attributions/{id}")).await;
        claims.push(id);
    }
    let mut f = findings.into_iter();
    let mut c = claims.into_iter();
    Seeded {
        roles,
        dns,
        hostile,
        green,
        draft,
        assessment_dns: f.next().expect("a"),
        assessment_hostile: f.next().expect("a"),
        assessment_green: f.next().expect("a"),
        claim_dns: c.next().expect("c"),
        claim_hostile: c.next().expect("c"),
    }
}

async fn home_lists_the_latest_findings_as_the_viewer_may_read_them(s: TestServer) {
    let seeded = seed(&s).await;
    let anonymous = &seeded.roles.anonymous;
    for (lang, heading) in
        [("en", "Latest published assessments, attributions and responses"), ("ja", "最近公開された評価・帰属・対応")]
    {
        let html = page(&s, anonymous, &format!("/?lang={lang}")).await;
        assert!(html.contains(heading), "{lang}: the latest findings' heading");
        let latest = part(&html, "latest-findings", "</table>");
        let mut shown = values(latest, "data-finding");
        shown.sort();
        let mut expected = vec![
            seeded.assessment_hostile.clone(),
            seeded.assessment_dns.clone(),
            seeded.claim_dns.clone(),
            seeded.claim_hostile.clone(),
        ];
        expected.sort();
        assert_eq!(shown, expected, "{lang}: the published findings, the TLP:GREEN one hidden");
        assert!(latest.contains(&format!("href=\"/incidents/{}?lang={lang}\"", seeded.dns)), "{lang}: linked incident");
        assert!(latest.contains(&format!("href=\"/norms/gge-f?lang={lang}\"")), "{lang}: an assessment links its norm");
        assert!(latest.contains(HOSTILE_ESCAPED), "{lang}: the hostile title is escaped");
        assert!(!html.contains(HOSTILE), "{lang}: never as markup");
        assert!(!html.contains("Green intrusion") && !html.contains("緑の侵入") && !html.contains("Secret draft"));
        let incidents = part(&html, "latest-incidents", "</table>");
        assert_eq!(
            values(incidents, "data-incident"),
            vec![seeded.hostile.clone(), seeded.dns.clone()],
            "{lang}: the latest started first; neither GREEN nor the draft"
        );
        for more in ["/incidents", "/metrics", "/adoption", "/analysis/map"] {
            assert!(html.contains(&format!("href=\"{more}?lang={lang}")), "{lang}: links {more}");
        }
    }
    // A signed-in reader sees the TLP:GREEN finding too; the draft stays hidden.
    let html = page(&s, &seeded.roles.reader, "/?lang=en").await;
    let latest = part(&html, "latest-findings", "</table>");
    assert!(values(latest, "data-finding").contains(&seeded.assessment_green), "the reader sees GREEN");
    assert!(!html.contains("Secret draft"));
}

async fn norm_page_lists_endorsers_and_assessed_incidents_with_downloads(s: TestServer) {
    let seeded = seed(&s).await;
    let anonymous = &seeded.roles.anonymous;
    for (lang, endorsers, date) in
        [("en", "Who endorses it", "5 March 2021"), ("ja", "この規範を支持するステークホルダー", "2021年3月5日")]
    {
        let html = page(&s, anonymous, &format!("/norms/gge-f?lang={lang}")).await;
        assert!(html.contains(endorsers), "{lang}");
        let endorse = part(&html, "endorsers", "</ul>");
        assert!(endorse.contains(&format!("href=\"/stakeholders/jp?lang={lang}\"")), "{lang}: Japan endorses gge-f");
        assert!(!endorse.contains("/stakeholders/univ"), "{lang}: a GREEN position is hidden from anonymous readers");
        let reject = part(&html, "rejecters", "</ul>");
        assert!(
            reject.contains("/stakeholders/ru?") && reject.contains(date),
            "{lang}: Russia rejects, dated per language"
        );
        assert!(part(&html, "abstainers", "</ul>").contains("/stakeholders/acme?"), "{lang}");
        let assessed = part(&html, "assessed-incidents", "</table>");
        assert_eq!(
            values(assessed, "data-assessment"),
            vec![seeded.assessment_hostile.clone(), seeded.assessment_dns.clone()]
        );
        assert!(
            assessed.contains(HOSTILE_ESCAPED) && assessed.contains(&format!("/incidents/{}?lang={lang}", seeded.dns))
        );
        assert!(!html.contains(&seeded.green) && !html.contains(&seeded.draft));
        for f in ["csv", "json", "stix"] {
            assert!(html.contains(&format!("href=\"/norms/gge-f?format={f}&amp;lang={lang}\"")), "{lang}: {f} link");
        }
    }
    // The downloads hold exactly the rows shown, for each kind of reader.
    for (who, api) in [("anonymous", anonymous), ("reader", &seeded.roles.reader)] {
        let html = page(&s, api, "/norms/gge-f?lang=en").await;
        let shown_stakeholders = values(part(&html, "uptake", "</section>"), "data-stakeholder");
        let shown_assessments = values(part(&html, "assessed", "</section>"), "data-assessment");
        assert_eq!(shown_assessments.contains(&seeded.assessment_green), who == "reader");
        assert_eq!(shown_stakeholders.contains(&"univ".to_owned()), who == "reader");
        let (header, rows) = csv(&s, api, "/norms/gge-f?format=csv&lang=en", "norm-gge-f").await;
        assert_eq!(header[..3], ["section", "record", "date"]);
        assert_eq!(rows.len(), shown_stakeholders.len() + shown_assessments.len(), "{who}: as many rows as shown");
        let csv_stakeholders: Vec<String> =
            rows.iter().filter(|r| r["section"] != "assessment").map(|r| r["stakeholder"].clone()).collect();
        assert_eq!(csv_stakeholders, shown_stakeholders, "{who}");
        assert_eq!(column(&rows, Some("assessment"), "record"), shown_assessments, "{who}");
        let json = json_download(&s, api, "/norms/gge-f?format=json", "norm-gge-f").await;
        let ids: Vec<&str> = json["assessments"]
            .as_array()
            .expect("assessments")
            .iter()
            .filter_map(|a| a["assessment"].as_str())
            .collect();
        assert_eq!(ids, shown_assessments.iter().map(String::as_str).collect::<Vec<_>>(), "{who}");
        assert_eq!(json["reject"][0]["stakeholder"], "ru");
        let (_, stix) = stix_download(&s, api, "/norms/gge-f?format=stix").await;
        for id in shown_assessments.iter().chain([&seeded.dns, &seeded.hostile]) {
            assert!(stix.contains(id.as_str()), "{who}: the bundle holds {id}");
        }
        assert_eq!(stix.contains(&seeded.green), who == "reader", "{who}: GREEN only for readers");
        assert!(!stix.contains(&seeded.draft));
    }
    let r = s.get("/norms/gge-f?format=pdf").await;
    assert_eq!(r.status(), 400);
}

async fn stakeholder_page_lists_attributions_made_and_received_with_downloads(s: TestServer) {
    let seeded = seed(&s).await;
    let anonymous = &seeded.roles.anonymous;
    for (lang, made, received, day, month) in [
        ("en", "Attributions made", "Attributions received", "1 July 2023", "March 2024"),
        ("ja", "行った帰属", "受けた帰属", "2023年7月1日", "2024年3月"),
    ] {
        let acme = page(&s, anonymous, &format!("/stakeholders/acme?lang={lang}")).await;
        assert!(acme.contains(made) && acme.contains(received), "{lang}");
        let table = part(&acme, "attributions-made", "</table>");
        assert_eq!(values(table, "data-claim"), vec![seeded.claim_dns.clone(), seeded.claim_hostile.clone()], "{lang}");
        assert!(table.contains(day) && table.contains(month), "{lang}: dates per language: {table}");
        assert!(table.contains(HOSTILE_ESCAPED) && table.contains("RU"), "{lang}");
        assert!(acme.contains("id=\"position-history\""), "{lang}: positions kept");
        let ru = page(&s, anonymous, &format!("/stakeholders/ru?lang={lang}")).await;
        let table = part(&ru, "attributions-received", "</table>");
        assert_eq!(values(table, "data-claim"), vec![seeded.claim_dns.clone(), seeded.claim_hostile.clone()], "{lang}");
        assert!(table.contains(&format!("href=\"/stakeholders/acme?lang={lang}\"")), "{lang}: the attributor linked");
        assert!(part(&ru, "position-history", "</table>").contains(if lang == "en" {
            "5 March 2021"
        } else {
            "2021年3月5日"
        }));
        assert!(!ru.contains("id=\"attributions-made\""), "{lang}: Russia made no attribution");
    }
    // Downloads: the rows shown, section by section.
    let html = page(&s, anonymous, "/stakeholders/ru?lang=en").await;
    let norms_shown = values(part(&html, "position-history", "</table>"), "data-norm");
    let (_, rows) = csv(&s, anonymous, "/stakeholders/ru?format=csv&lang=en", "stakeholder-ru").await;
    assert_eq!(column(&rows, Some("position"), "norm"), norms_shown);
    assert_eq!(
        column(&rows, Some("attribution-received"), "record"),
        vec![seeded.claim_dns.clone(), seeded.claim_hostile.clone()]
    );
    assert_eq!(column(&rows, Some("attribution-received"), "incident_title")[1], HOSTILE, "CSV holds text, not HTML");
    assert!(column(&rows, Some("attribution-made"), "record").is_empty());
    let json = json_download(&s, anonymous, "/stakeholders/ru?format=json", "stakeholder-ru").await;
    assert_eq!(json["stakeholder"]["id"], "ru");
    assert_eq!(json["attributions_received"].as_array().map(Vec::len), Some(2));
    assert_eq!(json["positions"].as_array().map(Vec::len), Some(norms_shown.len()));
    let (_, stix) = stix_download(&s, anonymous, "/stakeholders/ru?format=stix").await;
    for id in [&seeded.claim_dns, &seeded.claim_hostile, &seeded.dns] {
        assert!(stix.contains(id.as_str()), "the bundle holds {id}");
    }
    // A GREEN position shows to signed-in readers only, on the page and in its download.
    let univ_anon = page(&s, anonymous, "/stakeholders/univ?lang=en").await;
    assert!(values(part(&univ_anon, "position-history", "</table>"), "data-norm").is_empty());
    let univ_reader = page(&s, &seeded.roles.reader, "/stakeholders/univ?lang=en").await;
    assert_eq!(values(part(&univ_reader, "position-history", "</table>"), "data-norm"), vec!["gge-f"]);
    let (_, rows) = csv(&s, &seeded.roles.reader, "/stakeholders/univ?format=csv", "stakeholder-univ").await;
    assert_eq!(column(&rows, Some("position"), "norm"), vec!["gge-f"]);
    let (_, rows) = csv(&s, anonymous, "/stakeholders/univ?format=csv", "stakeholder-univ").await;
    assert!(rows.is_empty());
}

async fn log_page_shows_the_checkpoint_key_and_how_to_verify(s: TestServer) {
    let seeded = seed(&s).await;
    let checkpoint = s.get("/log/checkpoint").await.text().await.expect("checkpoint");
    let key = s.json("/api/v1/health").await["log_verifier_key"].as_str().expect("key").to_owned();
    let size: u64 = checkpoint.lines().nth(1).and_then(|l| l.parse().ok()).expect("size line");
    let origin = checkpoint.lines().next().expect("origin line").to_owned();
    for (lang, heading) in [("en", "How to verify a record offline"), ("ja", "記録をオフラインで検証する手順")]
    {
        let html = page(&s, &seeded.roles.anonymous, &format!("/log?lang={lang}")).await;
        assert!(html.contains(heading), "{lang}");
        assert!(
            html.contains(&format!("id=\"checkpoint-note\">{checkpoint}</pre>")),
            "{lang}: the checkpoint verbatim"
        );
        assert!(html.contains(&format!("<dd id=\"tree-size\">{size}</dd>")), "{lang}");
        assert!(html.contains(&origin) && html.contains(&key), "{lang}: origin and key");
        assert!(
            html.contains("normwatch verify record.json --checkpoint checkpoint.txt --key normwatch.key"),
            "{lang}"
        );
        assert!(html.contains("/log/checkpoint &gt; checkpoint.txt"), "{lang}: the command, as text");
        assert!(
            html.contains("href=\"/log/checkpoint\"") && html.contains("href=\"/log/entries?start=0&amp;end="),
            "{lang}"
        );
        assert!(html.contains(&format!("href=\"/log?lang={lang}\"")), "{lang}: in the navigation");
    }
    // The steps work: the published assessment verifies against the page's checkpoint and key.
    let (st, bundle) = seeded
        .roles
        .anonymous
        .get(&format!("/log/proof/inclusion?record=violation-assessment/{}", seeded.assessment_dns))
        .await;
    assert_eq!(st, 200, "{bundle}");
    let (record, cp) = s.save_proof(&bundle);
    let key_file = s.dir().join("normwatch.key");
    std::fs::write(&key_file, format!("{key}\n")).expect("write");
    let out = verify_offline(&record, &cp, &key_file);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

async fn timeline_groups_published_incidents_by_year_and_month_with_downloads(s: TestServer) {
    let seeded = seed(&s).await;
    let anonymous = &seeded.roles.anonymous;
    for (lang, may, feb, day) in
        [("en", "May 2023", "February 2024", "10 February 2024"), ("ja", "2023年5月", "2024年2月", "2024年2月10日")]
    {
        let html = page(&s, anonymous, &format!("/incidents/timeline?lang={lang}")).await;
        let timeline = part(&html, "timeline", "</main>");
        assert_eq!(
            values(timeline, "data-incident"),
            vec![seeded.dns.clone(), seeded.hostile.clone()],
            "{lang}: oldest first, only what anonymous may read"
        );
        assert!(timeline.contains("id=\"year-2023\"") && timeline.contains("id=\"year-2024\""), "{lang}");
        assert!(
            timeline.contains(may) && timeline.contains(feb) && timeline.contains(day),
            "{lang}: months and days per language"
        );
        assert!(timeline.contains(HOSTILE_ESCAPED), "{lang}");
        assert!(timeline.contains(&format!("href=\"/incidents/{}?lang={lang}\"", seeded.dns)));
        assert!(!html.contains(&seeded.green) && !html.contains(&seeded.draft));
    }
    // The list's filters apply.
    let filtered = page(&s, anonymous, "/incidents/timeline?country=DE&lang=en").await;
    assert_eq!(values(part(&filtered, "timeline", "</main>"), "data-incident"), vec![seeded.hostile.clone()]);
    assert!(
        filtered.contains("href=\"/incidents/timeline?country=DE&amp;format=csv&amp;lang=en\""),
        "downloads keep the filters"
    );
    assert_eq!(s.get("/incidents/timeline?year=17").await.status(), 400);
    // A signed-in reader sees the GREEN incident, in its place.
    let reader = page(&s, &seeded.roles.reader, "/incidents/timeline?lang=en").await;
    let shown = values(part(&reader, "timeline", "</main>"), "data-incident");
    assert_eq!(shown, vec![seeded.dns.clone(), seeded.green.clone(), seeded.hostile.clone()]);
    // Downloads: exactly the incidents shown, in order.
    for (api, path) in [
        (anonymous, "/incidents/timeline?lang=en"),
        (&seeded.roles.reader, "/incidents/timeline?lang=en"),
        (anonymous, "/incidents/timeline?country=DE&lang=en"),
    ] {
        let html = page(&s, api, path).await;
        let shown = values(part(&html, "timeline", "</main>"), "data-incident");
        let (header, rows) = csv(&s, api, &format!("{path}&format=csv"), "timeline").await;
        assert_eq!(header, ["year", "month", "date", "incident", "title", "tlp"]);
        assert_eq!(column(&rows, None, "incident"), shown, "{path}");
        let json = json_download(&s, api, &format!("{path}&format=json"), "timeline").await;
        let ids: Vec<String> = json["incidents"]
            .as_array()
            .expect("incidents")
            .iter()
            .map(|i| i["incident"].as_str().expect("id").to_owned())
            .collect();
        assert_eq!(ids, shown, "{path}");
        let (_, stix) = stix_download(&s, api, &format!("{path}&format=stix")).await;
        for id in &shown {
            assert!(stix.contains(id.as_str()), "{path}: the bundle holds {id}");
        }
        assert!(!stix.contains(&seeded.draft));
    }
    let (_, rows) = csv(&s, anonymous, "/incidents/timeline?format=csv", "timeline").await;
    assert_eq!(
        (rows[0]["year"].as_str(), rows[0]["month"].as_str(), rows[0]["date"].as_str()),
        ("2023", "5", "2023-05")
    );
    assert_eq!(rows[1]["title"], HOSTILE);
}

/// The metrics page's tables download as CSV with exactly the API's figures for the same reader,
/// the whole page as JSON, and the records behind it as STIX; the adoption matrix as STIX holds
/// the published positions the reader may see.
async fn metrics_and_adoption_download_what_they_show(s: TestServer) {
    let seeded = seed(&s).await;
    let (anonymous, reader) = (&seeded.roles.anonymous, &seeded.roles.reader);
    for who in [anonymous, reader] {
        let (_, api) = who.get("/api/v1/metrics/violations").await;
        let (header, rows) = csv(&s, who, "/metrics?format=csv&table=violations", "metrics-violations").await;
        assert_eq!(header, ["norm", "year", "count"]);
        let expected: Vec<(String, String, String)> = api["counts"]
            .as_array()
            .or_else(|| api["violations"].as_array())
            .expect("counts")
            .iter()
            .map(|c| {
                (
                    c["norm"].as_str().unwrap_or_default().to_owned(),
                    c["year"].as_i64().map(|y| y.to_string()).unwrap_or_default(),
                    c["count"].to_string(),
                )
            })
            .collect();
        let got: Vec<(String, String, String)> =
            rows.iter().map(|r| (r["norm"].clone(), r["year"].clone(), r["count"].clone())).collect();
        assert!(!got.is_empty(), "published violations are counted");
        assert_eq!(got, expected, "the CSV holds the API's figures for the same reader");
        let whole = json_download(&s, who, "/metrics?format=json", "metrics").await;
        assert_eq!(whole["violations"].as_array().map(Vec::len), Some(expected.len()));
        let (_, endorsed) = csv(&s, who, "/metrics?format=csv&table=endorsed", "metrics-endorsed").await;
        let (_, api) = who.get("/api/v1/metrics/endorsed-violations").await;
        let listed = api.as_array().or_else(|| api["violations"].as_array()).map_or(0, Vec::len);
        assert_eq!(endorsed.len(), listed, "one row per endorsed-norm violation");
    }
    // The TLP:GREEN assessment counts for a signed-in reader only.
    let total = |rows: &[std::collections::HashMap<String, String>]| {
        rows.iter().map(|r| r["count"].parse::<u64>().unwrap_or(0)).sum::<u64>()
    };
    let (_, public) = csv(&s, anonymous, "/metrics?format=csv&table=violations", "metrics-violations").await;
    let (_, signed_in) = csv(&s, reader, "/metrics?format=csv&table=violations", "metrics-violations").await;
    assert_eq!(total(&signed_in), total(&public) + 1, "the green assessment, for the reader only");
    let r = reqwest::Client::new().get(s.at("/metrics?format=csv&lang=en")).send().await.expect("get");
    assert_eq!(r.status(), 400);
    assert!(r.text().await.expect("text").contains("table"), "a CSV of the page needs its table named");
    let (bundle, _) = stix_download(&s, anonymous, "/metrics?format=stix").await;
    assert!(bundle["objects"].as_array().is_some_and(|o| o.iter().any(|o| o["type"] == "incident")));

    // The adoption matrix: its page links the three formats; STIX holds what the reader may see.
    let html = page(&s, anonymous, "/adoption?norm=gge-f&lang=en").await;
    assert!(html.contains("href=\"/adoption?norm=gge-f&amp;format=stix&amp;lang=en\""), "a STIX link");
    let notes = |b: &Value| b["objects"].as_array().map_or(0, |o| o.iter().filter(|o| o["type"] == "note").count());
    let (public, text) = stix_download(&s, anonymous, "/adoption?norm=gge-f&format=stix").await;
    assert!(text.contains("Russia"), "the rejecting state's identity");
    let (signed_in, _) = stix_download(&s, reader, "/adoption?norm=gge-f&format=stix").await;
    assert_eq!(notes(&signed_in), notes(&public) + 1, "the TLP:GREEN endorsement, for the reader only");
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
        .get(s.at("/adoption?norm=gge-f&format=csv&lang=en"))
        .send()
        .await
        .expect("get");
    assert_eq!(r.status(), 303);
    assert_eq!(r.headers()["location"], "/api/v1/adoption?format=csv&lang=en&norm=gge-f", "the API's CSV writer");
}
