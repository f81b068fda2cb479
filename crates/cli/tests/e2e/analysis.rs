//! The analysis pages (`/analysis/operations`, `/analysis/dyads`, `/analysis/norms`) count what
//! was seeded through the API, follow the incident list's filters, download the figures they
//! show, and never count a draft or a TLP:AMBER record for a signed-out visitor.
use crate::common::{Roles, TestServer, file_and_publish, reviewers};
use serde_json::{Value, json};

on_both_backends!(analysis_pages_count_what_was_published);

fn cells(v: &Value) -> Vec<(String, String, u64)> {
    v["cells"]
        .as_array()
        .expect("cells")
        .iter()
        .map(|c| {
            (
                c["row"].as_str().expect("row").to_owned(),
                c["column"].as_str().expect("column").to_owned(),
                c["incidents"].as_u64().expect("n"),
            )
        })
        .collect()
}

fn owned(v: &[(&str, &str, u64)]) -> Vec<(String, String, u64)> {
    v.iter().map(|(r, c, n)| ((*r).to_owned(), (*c).to_owned(), *n)).collect()
}

async fn analysis_pages_count_what_was_published(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (r1, r2) = reviewers(&s, &roles.admin).await;
    let incident = |year: &str, op: &str, country: &str, tlp: &str| {
        json!({"title": {"ja": "攻撃", "en": format!("Attack {year} {op} {country}")}, "started": year,
               "operation_types": [op], "targets": [{"name": "Operator", "country": country}],
               "sources": [{"url": "https://news.example/a"}], "stakeholder": "jp", "tlp": tlp})
    };
    let publish = |body: Value, path: &'static str| {
        let (editor, r1, r2) = (&roles.editor, &r1, &r2);
        async move { file_and_publish(editor, r1, r2, path, &body).await }
    };
    let a = publish(incident("2021", "disruption", "UA", "clear"), "/api/v1/incidents").await;
    let b = publish(incident("2022", "espionage", "JP", "clear"), "/api/v1/incidents").await;
    let c = publish(incident("2021", "espionage", "UA", "clear"), "/api/v1/incidents").await;
    // Not for a signed-out visitor: an amber incident, and a draft.
    let amber = publish(incident("2021", "disruption", "UA", "amber"), "/api/v1/incidents").await;
    let (st, draft) = roles.editor.post("/api/v1/incidents", &incident("2021", "disruption", "UA", "clear")).await;
    assert_eq!(st, 201, "{draft}");
    let claim = |incident: &str, state: &str| {
        json!({"incident": incident, "attributor": {"name": "Government of Japan", "kind": "government", "stakeholder": "jp"},
               "attributed_to": {"state": state}, "type": "political", "attributed_on": "2022-06-01"})
    };
    for (i, st) in [(&a, "RU"), (&b, "CN"), (&c, "RU")] {
        publish(claim(i, st), "/api/v1/attributions").await;
    }
    let mut amber_claim = claim(&amber, "RU");
    amber_claim["tlp"] = json!("amber");
    publish(amber_claim, "/api/v1/attributions").await;
    publish(
        json!({"incident": a, "norm": "gge-f", "actor": {"kind": "state", "state": "RU"}, "level": "likely",
               "rationale": {"ja": "送電網が止まった。", "en": "The grid stopped."}, "tlp": "clear"}),
        "/api/v1/assessments",
    )
    .await;

    // Operations: start year × operation type.
    let ops = s.json("/analysis/operations?format=json").await;
    assert_eq!(
        cells(&ops),
        owned(&[("2021", "disruption", 1), ("2021", "espionage", 1), ("2022", "espionage", 1)]),
        "signed out: no draft, no amber"
    );
    let (st, editor_view) = roles.editor.get("/analysis/operations?format=json").await;
    assert_eq!(st, 200);
    assert_eq!(cells(&editor_view).iter().find(|c| c.0 == "2021" && c.1 == "disruption").map(|c| c.2), Some(3));
    let filtered = s.json("/analysis/operations?format=json&country=UA").await;
    assert_eq!(cells(&filtered), owned(&[("2021", "disruption", 1), ("2021", "espionage", 1)]));
    let csv = s.get("/analysis/operations?format=csv&country=UA").await;
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().expect("ct").starts_with("text/csv"));
    let text = csv.text().await.expect("csv");
    assert_eq!(text, "year,operation,incidents\r\n2021,disruption,1\r\n2021,espionage,1\r\n");

    // Dyads: attributed state × targeted country, with links to the filtered list.
    let dyads = s.json("/analysis/dyads?format=json").await;
    assert_eq!(cells(&dyads), owned(&[("CN", "JP", 1), ("RU", "UA", 2)]));
    assert_eq!(cells(&s.json("/analysis/dyads?format=json&year=2022").await), owned(&[("CN", "JP", 1)]));
    let csv = s.get("/analysis/dyads?format=csv&lang=en").await.text().await.expect("csv");
    assert_eq!(
        csv,
        "attributed_state,attributed_state_name,country,country_name,incidents\r\nRU,Russia,UA,Ukraine,2\r\nCN,China,JP,Japan,1\r\n"
    );
    for lang in ["ja", "en"] {
        let html = s.get(&format!("/analysis/dyads?lang={lang}")).await.text().await.expect("html");
        assert!(html.contains("/incidents?attributed_state=RU&amp;country=UA"), "{lang}: a cell links to the list");
        assert!(html.contains(if lang == "ja" { "ロシア" } else { "Russia" }), "{lang}: names in the language");
    }
    let listed = s.json("/api/v1/incidents?attributed_state=RU&country=UA").await;
    assert_eq!(listed["total"], 2, "the cell's figure is the list's");

    // Norms: violations per norm and year; the endorsement table follows the positions.
    let norms = s.json("/analysis/norms?format=json").await;
    assert_eq!(norms["violations"], json!([{"norm": "gge-f", "year": 2021, "count": 1}]));
    assert_eq!(s.json("/analysis/norms?format=json&year=2022").await["violations"], json!([]));
    let csv = s.get("/analysis/norms?format=csv&table=violations").await.text().await.expect("csv");
    assert_eq!(csv, "norm,year,findings\r\ngge-f,2021,1\r\n");
    let endorsed = s.get("/analysis/norms?format=csv&table=endorsed").await;
    assert_eq!(endorsed.status(), 200);

    // Every page in both languages, with its chart titled and its filter form.
    for path in ["/analysis", "/analysis/operations", "/analysis/dyads", "/analysis/norms"] {
        for lang in ["ja", "en"] {
            let r = s.get(&format!("{path}?lang={lang}")).await;
            assert_eq!(r.status(), 200, "{path} {lang}");
            let html = r.text().await.expect("html");
            assert!(html.contains("href=\"/analysis?lang=") || html.contains("href=\"/analysis\""), "{path}: nav");
            if path == "/analysis" {
                for p in [
                    "/analysis/operations",
                    "/analysis/dyads",
                    "/analysis/norms",
                    "/analysis/attribution",
                    "/analysis/map",
                ] {
                    assert!(html.contains(p), "index links {p}");
                }
            } else {
                assert!(html.contains("form class=\"filters\""), "{path} {lang}: filters");
            }
            if path == "/analysis/operations" || path == "/analysis/norms" {
                assert!(html.contains("<svg") && html.contains("<title>"), "{path} {lang}: a titled chart");
            }
        }
    }
    // Refusals name what to fix.
    for (path, field) in [
        ("/analysis/norms?format=csv&table=nope", "table"),
        ("/analysis/dyads?year=soon", "year"),
        ("/analysis/operations?format=stix", "format"),
    ] {
        let r = s.get(path).await;
        assert_eq!(r.status(), 400, "{path}");
        assert!(r.text().await.expect("body").contains(field), "{path}");
    }
}

/// In a browser (a module of its own: `in_browser!` declares the backend modules too).
mod browser {
    use crate::common::webdriver::Browser;
    use crate::common::{Roles, TestServer, file_and_publish, reviewers};
    use serde_json::json;

    in_browser!(analysis_pages_read_well_in_a_browser);

    /// Each page in both languages in a real browser: a screenshot, and no serious or critical
    /// accessibility violation (axe).
    async fn analysis_pages_read_well_in_a_browser(s: TestServer, b: Browser) {
        let roles = Roles::set_up(&s).await;
        let (r1, r2) = reviewers(&s, &roles.admin).await;
        let mut incidents = Vec::new();
        for (year, op, country) in
            [("2020", "espionage", "JP"), ("2021", "disruption", "UA"), ("2021", "ransomware", "US")]
        {
            let body = json!({"title": {"ja": "攻撃", "en": "Attack"}, "started": year, "operation_types": [op],
                          "targets": [{"name": "Operator", "country": country}], "sources": [{"url": "https://news.example/a"}],
                          "stakeholder": "jp"});
            incidents.push(file_and_publish(&roles.editor, &r1, &r2, "/api/v1/incidents", &body).await);
        }
        for (i, state) in incidents.iter().zip(["CN", "RU", "KP"]) {
            let body = json!({"incident": i, "attributor": {"name": "Government of Japan", "kind": "government", "stakeholder": "jp"},
                          "attributed_to": {"state": state}, "type": "political", "attributed_on": "2022-06-01"});
            file_and_publish(&roles.editor, &r1, &r2, "/api/v1/attributions", &body).await;
        }
        let body = json!({"incident": incidents[1], "norm": "gge-f", "actor": {"kind": "state", "state": "RU"}, "level": "likely",
                      "rationale": {"ja": "送電網が止まった。", "en": "The grid stopped."}, "tlp": "clear"});
        file_and_publish(&roles.editor, &r1, &r2, "/api/v1/assessments", &body).await;
        for lang in ["ja", "en"] {
            // The index leads to every analysis.
            b.goto(&s.at(&format!("/analysis?lang={lang}"))).await;
            let links = b.execute("return document.querySelectorAll('#analyses a').length", vec![]).await;
            assert_eq!(links, json!(5), "the analysis index ({lang}) links the five analyses");
            b.screenshot(&format!("analysis-index-{lang}")).await;
            for page in ["operations", "dyads", "norms", "attribution"] {
                b.goto(&s.at(&format!("/analysis/{page}?lang={lang}"))).await;
                // Each shows a table of what it counts; all but the dyads (a matrix table) draw a
                // chart too (server-side SVG).
                let drawn = b
                    .execute("return [document.querySelectorAll('main svg').length, document.querySelectorAll('main table').length]", vec![])
                    .await;
                let (svg, tables) = (drawn[0].as_u64().unwrap_or(0), drawn[1].as_u64().unwrap_or(0));
                assert!(
                    tables > 0 && (page == "dyads" || svg > 0),
                    "/analysis/{page} ({lang}): charts and tables {drawn}"
                );
                b.screenshot(&format!("analysis-{page}-{lang}")).await;
            }
        }
        let pages: Vec<String> =
            ["/analysis", "/analysis/operations", "/analysis/dyads", "/analysis/norms", "/analysis/attribution"]
                .iter()
                .map(|p| (*p).to_owned())
                .collect();
        let mut found = Vec::new();
        let checked = crate::accessibility::audit(&b, &s, &pages, "anonymous", &mut found).await;
        assert_eq!(checked, 10, "every page in both languages audited");
        assert!(found.is_empty(), "serious or critical violations:\n{}", found.join("\n"));
    }
}
