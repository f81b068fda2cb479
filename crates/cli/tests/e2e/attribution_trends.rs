//! `/analysis/attribution`: the attribution lag and the response rate per year an incident
//! started, on the real EuRepoC v1.1 data, checked against the metrics API (unfiltered) and an
//! independent recount from the records read back over the API (filtered by country), with its
//! CSV tables and precise refusals.

use crate::common::{Roles, TestServer, data, file_and_publish, publish_grid_incident, reviewers, standing};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

on_both_backends!(attribution_trends_follow_the_incident_filters, a_publication_moves_the_figures_at_once);

/// Every incident summary a filtered list holds, paging through it.
async fn listed(s: &TestServer, filter: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut path = format!("/api/v1/incidents?limit=500&{filter}");
    loop {
        let page = s.json(&path).await;
        out.extend(page["incidents"].as_array().expect("incidents").iter().cloned());
        match page["next"].as_str() {
            Some(c) => path = format!("/api/v1/incidents?limit=500&{filter}&cursor={c}"),
            None => return out,
        }
    }
}

/// (year, attributed to a state, with a response), recounted from the records.
fn response_rows(incidents: &[Value], claims: &[&Value], responses: &[&Value]) -> Vec<(i64, usize, usize)> {
    let year: HashMap<&str, i64> = incidents
        .iter()
        .filter_map(|i| {
            let start = i["start"].as_str()?;
            Some((i["id"].as_str().expect("id"), start[..4].parse().expect("year")))
        })
        .collect();
    let responded: HashSet<&str> = responses.iter().map(|r| r["incident"].as_str().expect("incident")).collect();
    let mut per_year: BTreeMap<i64, BTreeSet<&str>> = BTreeMap::new();
    for c in claims.iter().filter(|c| c["attributed_to"]["state"].is_string()) {
        let incident = c["incident"].as_str().expect("incident");
        if let Some(y) = year.get(incident) {
            per_year.entry(*y).or_default().insert(incident);
        }
    }
    per_year.into_iter().map(|(y, set)| (y, set.len(), set.iter().filter(|i| responded.contains(*i)).count())).collect()
}

fn got_rows(trends: &Value) -> Vec<(i64, usize, usize)> {
    trends["responses_by_year"]
        .as_array()
        .expect("responses_by_year")
        .iter()
        .map(|r| {
            (
                r["year"].as_i64().expect("year"),
                r["attributed_incidents"].as_u64().expect("n") as usize,
                r["with_response"].as_u64().expect("w") as usize,
            )
        })
        .collect()
}

async fn attribution_trends_follow_the_incident_filters(s: TestServer) {
    let dir = data("eurepoc-1.1");
    let out = s.cli(&["import", "eurepoc", dir.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let claims = s.json("/api/v1/attributions").await;
    let claims = standing(&claims, "attributions");
    let responses = s.json("/api/v1/responses").await;
    let responses = standing(&responses, "responses");

    // Unfiltered, the lag per year is the metrics API's, and the response rate per year is
    // recounted from every record.
    let all = s.json("/analysis/attribution?format=json").await;
    let metrics = s.json("/api/v1/metrics/attribution-lag").await;
    assert_eq!(all["lag_by_year"], metrics["by_year"]);
    assert_eq!(all["claims"].as_u64(), Some(claims.len() as u64));
    let incidents = listed(&s, "").await;
    let expected = response_rows(&incidents, &claims, &responses);
    assert!(expected.len() > 5 && expected.iter().any(|r| r.2 > 0), "years with responses: {expected:?}");
    assert_eq!(got_rows(&all), expected);

    // Filtered by a targeted country, only those incidents' claims and responses count.
    let ua = listed(&s, "country=UA").await;
    let ids: HashSet<&str> = ua.iter().map(|i| i["id"].as_str().expect("id")).collect();
    let of_ua = |v: &[&Value]| -> Vec<Value> {
        v.iter().filter(|r| ids.contains(r["incident"].as_str().expect("incident"))).map(|r| (*r).clone()).collect()
    };
    let (ua_claims, ua_responses) = (of_ua(&claims), of_ua(&responses));
    let filtered = s.json("/analysis/attribution?format=json&country=UA").await;
    assert_eq!(filtered["claims"].as_u64(), Some(ua_claims.len() as u64));
    assert!(!ua_claims.is_empty() && ua_claims.len() < claims.len());
    let expected_ua =
        response_rows(&ua, &ua_claims.iter().collect::<Vec<_>>(), &ua_responses.iter().collect::<Vec<_>>());
    assert_eq!(got_rows(&filtered), expected_ua);
    assert_ne!(filtered["lag_by_year"], all["lag_by_year"]);

    // The CSV tables hold the same rows.
    let csv = s.get("/analysis/attribution?format=csv&table=responses&country=UA").await;
    assert_eq!(csv.status(), 200);
    let text = csv.text().await.expect("csv");
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("year,attributed_incidents,with_response,rate"));
    let rows: Vec<(i64, usize, usize)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0].parse().expect("year"), f[1].parse().expect("n"), f[2].parse().expect("w"))
        })
        .collect();
    assert_eq!(rows, expected_ua);
    let lag_csv = s.get("/analysis/attribution?format=csv").await.text().await.expect("csv");
    assert_eq!(
        lag_csv.lines().next(),
        Some("year,attributor_kind,incidents,day_precise,median_lower_days,median_upper_days,day_precise_median_days")
    );
    assert_eq!(lag_csv.lines().count(), 1 + all["lag_by_year"].as_array().expect("lag").len());

    // The page, in both languages, draws both charts and tables.
    for (lang, title) in [("ja", "帰属の速さと対応率の推移"), ("en", "Attribution speed and response rate over time")]
    {
        let r = s.get(&format!("/analysis/attribution?lang={lang}&country=UA")).await;
        assert_eq!(r.status(), 200);
        let html = r.text().await.expect("html");
        assert!(html.contains(title), "{lang}");
        assert_eq!(html.matches("<svg").count(), 2, "{lang}: two charts");
        assert!(html.contains("id=\"lag-table\"") && html.contains("id=\"responses-table\""));
        assert!(html.contains("value=\"UA\""), "{lang}: the filter as given");
    }

    // Refusals name what to fix.
    for (path, field) in [
        ("/analysis/attribution?format=csv&table=nope", "table"),
        ("/analysis/attribution?year=soon", "year"),
        ("/analysis/attribution?format=stix", "format"),
    ] {
        let r = s.get(path).await;
        assert_eq!(r.status(), 400, "{path}");
        let body = r.text().await.expect("body");
        assert!(body.contains(field), "{path}: {body}");
    }
}

/// The figures are kept between requests until something is written: a response published after
/// a first reading shows in the next one, on the analysis page and in the metrics.
async fn a_publication_moves_the_figures_at_once(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (r1, r2) = reviewers(&s, &roles.admin).await;
    let incident = publish_grid_incident(&roles.editor, &r1, &r2).await;
    file_and_publish(
        &roles.editor,
        &r1,
        &r2,
        "/api/v1/attributions",
        &json!({"incident": incident, "attributor": {"name": "Government of Japan", "kind": "government", "stakeholder": "jp"},
                "attributed_to": {"state": "RU"}, "type": "political", "attributed_on": "2021-06-01"}),
    )
    .await;
    let rows = |v: &Value| got_rows(v);
    let before = s.json("/analysis/attribution?format=json").await;
    assert_eq!(rows(&before), vec![(2021, 1, 0)]);
    assert_eq!(s.json("/api/v1/metrics").await["responses"]["with_response"], 0);
    // Read again: the same (kept) figures.
    assert_eq!(s.json("/analysis/attribution?format=json").await, before);
    file_and_publish(
        &roles.editor,
        &r1,
        &r2,
        "/api/v1/responses",
        &json!({"incident": incident, "responder": {"name": "Japan", "kind": "government", "stakeholder": "jp", "country": "JP"},
                "type": "resp.public-attribution", "legal_character": "retorsion", "responded_on": "2021-07-01"}),
    )
    .await;
    assert_eq!(rows(&s.json("/analysis/attribution?format=json").await), vec![(2021, 1, 1)]);
    assert_eq!(s.json("/api/v1/metrics").await["responses"]["with_response"], 1);
    // Filtered to another country, nothing.
    assert_eq!(rows(&s.json("/analysis/attribution?format=json&country=DE").await), vec![]);
}
