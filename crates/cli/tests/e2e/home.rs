//! The home page (what the observatory holds now) and the map of incidents (`/analysis/map`),
//! over HTTP on both backends: counts, the latest incidents and findings, the map's links, the
//! map page's counts against the incident list's own, its filters and downloads — and that a
//! draft or a TLP:AMBER incident is neither shown nor counted for a signed-out visitor. Then in
//! a browser, in both languages: screenshots and an axe audit.

use crate::common::downloads::{page, part, values};
use crate::common::{Api, Roles, TestServer, file_and_publish, reviewers};
use serde_json::{Value, json};

on_both_backends!(home_counts_and_lists_what_a_visitor_may_read, map_counts_as_the_incident_list_with_downloads);

/// What the seeding made.
struct Seeded {
    roles: Roles,
    reviewers: (Api, Api),
    /// Published, TLP:CLEAR, started 2024-02, targets JP; a claim attributes it to RU.
    grid: String,
    /// Published, TLP:CLEAR, started 2023-05, targets JP and KR; a violation assessment.
    dns: String,
    /// Published, TLP:AMBER, targets DE.
    amber: String,
    /// A draft, targets FR.
    draft: String,
    assessment: String,
    claim: String,
}

fn incident(title: &str, started: &str, countries: &[&str], tlp: &str) -> Value {
    let targets: Vec<Value> =
        countries.iter().map(|c| json!({"name": format!("Operator in {c}"), "country": c})).collect();
    json!({"title": {"ja": title, "en": title}, "started": started, "operation_types": ["disruption"],
           "targets": targets, "sources": [{"url": "https://news.example/x"}], "stakeholder": "jp", "tlp": tlp})
}

async fn seed(s: &TestServer) -> Seeded {
    let roles = Roles::set_up(s).await;
    let (r1, r2) = reviewers(s, &roles.admin).await;
    let publish = |path: &'static str, body: Value| {
        let (editor, r1, r2) = (&roles.editor, &r1, &r2);
        async move { file_and_publish(editor, r1, r2, path, &body).await }
    };
    let grid = publish("/api/v1/incidents", incident("QzGridAttackZq", "2024-02-10", &["JP"], "clear")).await;
    let dns = publish("/api/v1/incidents", incident("QzDnsTamperZq", "2023-05", &["JP", "KR"], "clear")).await;
    let amber = publish("/api/v1/incidents", incident("QzAmberSecretZq", "2024-06-01", &["DE"], "amber")).await;
    let (st, d) =
        roles.editor.post("/api/v1/incidents", &incident("QzDraftSecretZq", "2024-07-01", &["FR"], "clear")).await;
    assert_eq!(st, 201, "{d}");
    let draft = d["id"].as_str().expect("id").to_owned();
    let claim = publish(
        "/api/v1/attributions",
        json!({"incident": grid, "attributor": {"name": "Government of Japan", "kind": "government", "stakeholder": "jp"},
               "attributed_to": {"state": "RU"}, "type": "political", "attributed_on": "2024-04-01"}),
    )
    .await;
    let assessment = publish(
        "/api/v1/assessments",
        json!({"incident": dns, "norm": "gcsc-1", "actor": {"kind": "non-state", "group": "Group X"}, "level": "likely",
               "rationale": {"ja": "重要インフラへの攻撃。", "en": "An attack on critical infrastructure."}, "tlp": "clear"}),
    )
    .await;
    // A claim on the AMBER incident: hidden with it.
    publish(
        "/api/v1/attributions",
        json!({"incident": amber, "attributor": {"name": "Government of Japan", "kind": "government", "stakeholder": "jp"},
               "attributed_to": {"state": "CN"}, "type": "political", "attributed_on": "2024-07-01", "tlp": "amber"}),
    )
    .await;
    Seeded { roles, reviewers: (r1, r2), grid, dns, amber, draft, assessment, claim }
}

/// The number a figure of the home page shows.
fn figure(html: &str, id: &str) -> i64 {
    let li = part(html, id, "</li>");
    let n = &li[li.find("<b class=\"n\">").unwrap_or_else(|| panic!("{id}: no number: {li}")) + 13..];
    n[..n.find('<').expect("end")].parse().unwrap_or_else(|e| panic!("{id}: {e}: {li}"))
}

fn secrets_absent(html: &str, what: &str, s: &Seeded) {
    for secret in ["QzAmberSecretZq", "QzDraftSecretZq", s.amber.as_str(), s.draft.as_str()] {
        assert!(!html.contains(secret), "{what}: `{secret}` shown to a signed-out visitor");
    }
}

async fn home_counts_and_lists_what_a_visitor_may_read(s: TestServer) {
    let seeded = seed(&s).await;
    let anonymous: &Api = &seeded.roles.anonymous;
    let stakeholders = s.json("/api/v1/stakeholders").await["count"].as_i64().expect("count");
    for (lang, title, figures) in [
        ("en", "an observatory of cyberstability norms", "What it holds now"),
        ("ja", "観測所", "いま記録されているもの"),
    ] {
        let html = page(&s, anonymous, &format!("/?lang={lang}")).await;
        let h1 = part(&html, "main", "</h1>");
        assert!(h1.contains(title), "{lang}: titled as an observatory: {h1}");
        assert!(html.contains(figures), "{lang}");
        // Two published CLEAR incidents; the AMBER one and the draft are not counted.
        assert_eq!(figure(&html, "count-incidents"), 2, "{lang}");
        assert_eq!(figure(&html, "count-claims"), 1, "{lang}: the AMBER claim is not counted");
        assert_eq!(figure(&html, "count-assessments"), 1, "{lang}");
        assert_eq!(figure(&html, "count-responses"), 0, "{lang}");
        assert_eq!(figure(&html, "count-stakeholders"), stakeholders, "{lang}");
        // The latest incidents, newest start first; the latest findings, linked.
        let latest = part(&html, "latest-incidents", "</table>");
        assert_eq!(values(latest, "data-incident"), vec![seeded.grid.clone(), seeded.dns.clone()], "{lang}");
        assert!(latest.contains(&format!("href=\"/incidents/{}?lang={lang}\"", seeded.grid)), "{lang}");
        let findings = part(&html, "latest-findings", "</table>");
        let mut shown = values(findings, "data-finding");
        shown.sort();
        let mut expected = vec![seeded.assessment.clone(), seeded.claim.clone()];
        expected.sort();
        assert_eq!(shown, expected, "{lang}");
        assert!(findings.contains(&format!("href=\"/incidents/{}?lang={lang}\"", seeded.dns)), "{lang}");
        // Incidents per year: a chart and its table.
        let per_year = part(&html, "incidents-per-year", "</section>");
        assert!(per_year.contains("<svg"), "{lang}: a chart");
        assert_eq!(values(per_year, "data-year"), vec!["2024".to_owned(), "2023".to_owned()], "{lang}");
        // The map: JP (2) and KR (1), each linked to its filtered list; not DE or FR.
        let map = part(&html, "home-map", "</figure>");
        assert_eq!(values(map, "data-country"), vec!["JP".to_owned(), "KR".to_owned()], "{lang}");
        assert_eq!(values(map, "data-count"), vec!["2".to_owned(), "1".to_owned()], "{lang}");
        assert!(map.contains(&format!("href=\"/incidents?country=JP&amp;lang={lang}\"")), "{lang}: {map}");
        assert!(map.contains("<title>"), "{lang}: each country titled");
        assert!(html.contains(&format!("href=\"/analysis/map?lang={lang}\"")), "{lang}: links the map page");
        secrets_absent(&html, lang, &seeded);
        // The catalogue's principles stay (norm pages link to them).
        assert!(html.contains("id=\"principles\""), "{lang}");
    }
    // The list a country links to holds as many incidents as the map says.
    let jp = s.json("/api/v1/incidents?country=JP").await;
    assert_eq!(jp["total"], 2);

    // An administrator sees the AMBER incident counted (the draft is not published).
    let admin = page(&s, &seeded.roles.admin, "/?lang=en").await;
    assert_eq!(figure(&admin, "count-incidents"), 3);
    assert!(values(part(&admin, "home-map", "</figure>"), "data-country").contains(&"DE".to_owned()));

    // A publication shows at once: the kept figures follow the write. It started this year,
    // which the trend beside the count shows against last year.
    let (r1, r2) = &seeded.reviewers;
    let year = time::OffsetDateTime::now_utc().year();
    let started = format!("{year}-01");
    file_and_publish(
        &seeded.roles.editor,
        r1,
        r2,
        "/api/v1/incidents",
        &incident("QzNewZq", &started, &["US"], "clear"),
    )
    .await;
    let html = page(&s, anonymous, "/?lang=en").await;
    assert_eq!(figure(&html, "count-incidents"), 3);
    let trend = part(&html, "count-incidents", "</li>");
    assert!(trend.contains(&format!("started {year}: 1 · {}: 0", year - 1)), "the trend by year: {trend}");
    assert!(values(part(&html, "home-map", "</figure>"), "data-country").contains(&"US".to_owned()));
}

fn counts(v: &Value, key: &str) -> Vec<(String, i64)> {
    v[key]
        .as_object()
        .unwrap_or_else(|| panic!("{key}: {v}"))
        .iter()
        .map(|(k, n)| (k.clone(), n.as_i64().expect("count")))
        .collect()
}

fn facet(list: &Value, name: &str) -> Vec<(String, i64)> {
    let mut out: Vec<(String, i64)> = list["facets"][name]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| (f["value"].as_str().expect("value").to_owned(), f["count"].as_i64().expect("count")))
        .collect();
    out.sort();
    out
}

async fn map_counts_as_the_incident_list_with_downloads(s: TestServer) {
    let seeded = seed(&s).await;
    // Signed out, unfiltered and filtered: the incident list's own facet counts.
    for filter in ["", "year=2023", "country=KR", "attributed_state=RU", "q=QzGridAttackZq"] {
        let map = s.json(&format!("/analysis/map?format=json&{filter}")).await;
        let list = s.json(&format!("/api/v1/incidents?{filter}")).await;
        assert_eq!(map["incidents"], list["total"], "{filter}");
        assert_eq!(counts(&map, "targeted"), facet(&list, "country"), "{filter}");
        assert_eq!(counts(&map, "attributed"), facet(&list, "attributed_state"), "{filter}");
    }
    let all = s.json("/analysis/map?format=json").await;
    assert_eq!(counts(&all, "targeted"), vec![("JP".to_owned(), 2), ("KR".to_owned(), 1)]);
    assert_eq!(counts(&all, "attributed"), vec![("RU".to_owned(), 1)]);
    let y2023 = s.json("/analysis/map?format=json&year=2023").await;
    assert_eq!(counts(&y2023, "targeted"), vec![("JP".to_owned(), 1), ("KR".to_owned(), 1)]);
    assert_eq!(counts(&y2023, "attributed"), vec![]);

    // An administrator's map counts the AMBER incident and the draft as the list shows them.
    let (_, admin_map) = seeded.roles.admin.get("/analysis/map?format=json").await;
    let admin_targets = counts(&admin_map, "targeted");
    assert!(admin_targets.contains(&("DE".to_owned(), 1)) && admin_targets.contains(&("FR".to_owned(), 1)));
    assert!(counts(&admin_map, "attributed").contains(&("CN".to_owned(), 1)));

    // The page in both languages: two maps, two tables, links that keep the filters.
    for (lang, title) in [("en", "Map of incidents"), ("ja", "インシデントの地図")] {
        let html = page(&s, &seeded.roles.anonymous, &format!("/analysis/map?lang={lang}&year=2023")).await;
        assert!(html.contains(title), "{lang}");
        let targeted = part(&html, "targeted-map", "</figure>");
        assert_eq!(values(targeted, "data-country"), vec!["JP".to_owned(), "KR".to_owned()], "{lang}");
        assert!(
            targeted.contains(&format!("href=\"/incidents?year=2023&amp;country=KR&amp;lang={lang}\"")),
            "{lang}: the country's list, filtered as the map: {targeted}"
        );
        let table = part(&html, "targeted-table", "</table>");
        assert_eq!(values(table, "data-country"), vec!["JP".to_owned(), "KR".to_owned()], "{lang}");
        assert!(html.contains("value=\"2023\""), "{lang}: the filter as given");
        assert!(!html.contains("attributed-map"), "{lang}: no state attributed in 2023");
        secrets_absent(&html, lang, &seeded);
        let all = page(&s, &seeded.roles.anonymous, &format!("/analysis/map?lang={lang}")).await;
        let attributed = part(&all, "attributed-map", "</figure>");
        assert!(attributed.contains(&format!("href=\"/incidents?attributed_state=RU&amp;lang={lang}\"")), "{lang}");
        assert!(!all.contains("data-country=\"CN\"") && !all.contains("data-country=\"DE\""), "{lang}");
        secrets_absent(&all, lang, &seeded);
    }

    // The CSV tables.
    let targets = s.get("/analysis/map?format=csv").await.text().await.expect("csv");
    let lines: Vec<&str> = targets.lines().collect();
    assert_eq!(lines[0], "country,name_ja,name_en,incidents");
    assert!(lines[1].starts_with("JP,") && lines[1].ends_with(",Japan,2"), "{targets}");
    assert!(lines[2].starts_with("KR,") && lines[2].ends_with(",1"), "{targets}");
    assert_eq!(lines.len(), 3);
    let attributed = s.get("/analysis/map?format=csv&table=attributed").await.text().await.expect("csv");
    assert_eq!(attributed.lines().collect::<Vec<_>>(), vec!["country,name_ja,name_en,incidents", "RU,ロシア,Russia,1"]);
    let r = s.get("/analysis/map?format=csv&table=attributed&year=2023").await.text().await.expect("csv");
    assert_eq!(r.lines().count(), 1, "filtered: only the header");

    // Refusals name what to fix.
    for (path, field) in [
        ("/analysis/map?format=csv&table=nope", "table"),
        ("/analysis/map?year=soon", "year"),
        ("/analysis/map?country=XX", "country"),
        ("/analysis/map?format=stix", "format"),
    ] {
        let r = s.get(path).await;
        assert_eq!(r.status(), 400, "{path}");
        let body = r.text().await.expect("body");
        assert!(body.contains(field), "{path}: {body}");
    }
}

/// In a browser (a module of its own: `in_browser!` declares the backends' modules too).
mod browser {
    use super::*;
    use crate::common::webdriver::Browser;

    in_browser!(home_and_map_read_well_in_both_languages);

    async fn home_and_map_read_well_in_both_languages(s: TestServer, b: Browser) {
        seed(&s).await;
        for lang in ["ja", "en"] {
            for (name, path, heading) in
                [("home", "/", "#home-map"), ("analysis-map", "/analysis/map", "#targeted-map")]
            {
                b.goto(&s.in_lang(path, lang)).await;
                let declared = b.execute("return document.documentElement.lang", vec![]).await;
                assert_eq!(declared, json!(lang), "{path}");
                // The map is drawn: its countries have a size on screen.
                let width = b
                    .execute(
                        &format!("return document.querySelector('{heading} svg').getBoundingClientRect().width"),
                        vec![],
                    )
                    .await;
                assert!(width.as_f64().unwrap_or(0.0) > 300.0, "{path} ({lang}): the map is {width} wide");
                let links = b.execute(&format!("return document.querySelectorAll('{heading} a').length"), vec![]).await;
                assert_eq!(links, json!(2), "{path} ({lang}): JP and KR are links");
                // The page's top, then its map in view.
                for (shot, scroll) in [(format!("{name}-{lang}"), false), (format!("{name}-{lang}-map"), true)] {
                    if scroll {
                        b.execute(&format!("document.querySelector('{heading}').scrollIntoView()"), vec![]).await;
                    }
                    let shot = b.screenshot(&shot).await;
                    let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
                    assert!(size > 5_000, "{path} ({lang}): screenshot {} is only {size} bytes", shot.display());
                }
            }
        }
        // Following a country on the map opens its filtered list.
        b.goto(&s.in_lang("/", "en")).await;
        let href = b
            .execute("return document.querySelector('#home-map a[data-country=\"KR\"]').getAttribute('href')", vec![])
            .await;
        b.goto(&s.at(href.as_str().expect("href"))).await;
        let text = b.body_text().await;
        assert!(text.contains("QzDnsTamperZq") && !text.contains("QzGridAttackZq"), "the KR list: {text}");
        let mut found = Vec::new();
        let pages = ["/".to_owned(), "/analysis/map".to_owned()];
        let checked = crate::accessibility::audit(&b, &s, &pages, "signed out", &mut found).await;
        assert_eq!(checked, 4, "two pages in two languages");
        assert!(found.is_empty(), "serious accessibility violations:\n{}", found.join("\n"));
        b.quit().await;
    }
}
