//! Importing real public datasets (EuRepoC v1.1, the CFR tracker) through the CLI into a running
//! instance, then reading them back over HTTP: counts, idempotence, search pages, and the
//! attribution-lag metric checked against an independent reading of the CSV files.
mod common;

use common::{TestServer, data};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

on_both_backends!(eurepoc_and_cfr_import_once_and_feed_the_metrics);

fn import(s: &TestServer, args: &[&str]) -> String {
    let out = s.cli(args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{args:?}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// The lag rule, re-implemented from the CSVs alone: per incident and attributor kind, the first
/// attribution date known to the day (EuRepoC writes unknown days as `-01`) minus the incident's
/// start known to the day; negative lags dropped; the median per kind.
fn expected_lag() -> BTreeMap<String, (usize, f64)> {
    let day = |v: &str| -> Option<time::Date> {
        let v = v.get(..10)?;
        if v.ends_with("-01") {
            return None;
        }
        time::Date::parse(v, &time::macros::format_description!("[year]-[month]-[day]")).ok()
    };
    let mut starts = HashMap::new();
    let mut global = csv::Reader::from_path(data("eurepoc-1.1/EuRepoC_Global_Database_1.1.csv")).expect("global");
    let h = global.headers().expect("headers").clone();
    let (id, start) =
        (h.iter().position(|c| c == "ID").expect("ID"), h.iter().position(|c| c == "start_date").expect("start"));
    for r in global.records() {
        let r = r.expect("row");
        starts.insert(r[id].to_owned(), day(&r[start]));
    }
    let mut first: HashMap<(String, &str), time::Date> = HashMap::new();
    let mut attr = csv::Reader::from_path(data("eurepoc-1.1/EuRepoC_Attribution_dataset_1.1.csv")).expect("attr");
    let h = attr.headers().expect("headers").clone();
    let col = |n: &str| h.iter().position(|c| c == n).expect("column");
    let (inc, aid, date, basis) =
        (col("incident_ID"), col("attribution_ID"), col("attribution_date"), col("attribution_basis"));
    for r in attr.records() {
        let r = r.expect("row");
        if r[aid].is_empty() {
            continue;
        }
        let kind = match &r[basis] {
            "Attacker confirms" => "self-claimed",
            "IT-security community attributes attacker" => "security-company",
            "Attribution by receiver government / state entity" => "government",
            "Media-based attribution" => "media",
            "Attribution by EU institution/agency" | "Attribution by international organization" => "intergovernmental",
            "Receiver attributes attacker" => "victim",
            _ => "other",
        };
        if let Some(d) = day(&r[date]) {
            let e = first.entry((r[inc].to_owned(), kind)).or_insert(d);
            if d < *e {
                *e = d;
            }
        }
    }
    let mut lags: BTreeMap<String, Vec<i64>> = BTreeMap::new();
    for ((incident, kind), d) in first {
        if let Some(Some(s)) = starts.get(&incident) {
            let lag = (d - *s).whole_days();
            if lag >= 0 {
                lags.entry(kind.to_owned()).or_default().push(lag);
            }
        }
    }
    lags.into_iter()
        .map(|(k, mut v)| {
            v.sort_unstable();
            let n = v.len();
            let m = if n % 2 == 1 { v[n / 2] as f64 } else { (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0 };
            (k, (n, m))
        })
        .collect()
}

async fn eurepoc_and_cfr_import_once_and_feed_the_metrics(s: TestServer) {
    let dir = data("eurepoc-1.1");
    let dir = dir.to_str().expect("path");
    let first = import(&s, &["import", "eurepoc", dir]);
    assert!(first.contains("1643 incidents (1643 new), 2631 attribution claims (2631 new)"), "{first}");
    assert!(first.contains("12 placeholder rows"), "{first}");
    let again = import(&s, &["import", "eurepoc", dir]);
    assert!(again.contains("(0 new)") && !again.contains("(1643 new)"), "importing twice changes nothing: {again}");
    let page = s.json("/api/v1/incidents?limit=1").await;
    assert_eq!(page["total"], 1643, "{page}");
    let claims = s.json("/api/v1/attributions").await;
    assert_eq!(claims["count"], 2631);
    // Every original field is kept, and the source URL with it.
    let one = s.json(&format!("/api/v1/incidents/{}", page["incidents"][0]["id"].as_str().expect("id"))).await;
    assert_eq!(one["origin"]["dataset"], "eurepoc");
    assert!(
        one["origin"]["fields"]
            .as_object()
            .is_some_and(|f| f.contains_key("incident_type") && f.contains_key("sources_url"))
    );

    // The attribution-lag metric agrees with an independent reading of the files.
    let lag = s.json("/api/v1/metrics/attribution-lag").await;
    let got: BTreeMap<String, (usize, f64)> = lag["lag"]
        .as_array()
        .expect("lag")
        .iter()
        .map(|r: &Value| {
            let k = r["attributor_kind"].as_str().expect("kind").to_owned();
            (k, (r["incidents"].as_u64().expect("n") as usize, r["median_days"].as_f64().expect("median")))
        })
        .collect();
    let expected = expected_lag();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);

    // Every imported record's leaf matches the record as stored and read back.
    let audit = s.cli(&["log", "audit"]);
    assert!(
        audit.status.success(),
        "{}{}",
        String::from_utf8_lossy(&audit.stdout),
        String::from_utf8_lossy(&audit.stderr)
    );

    let cfr = data("cfr-tracker/cyber-operations-incidents.csv");
    let out = import(&s, &["import", "cfr", cfr.to_str().expect("path")]);
    assert!(out.contains("CFR: 768 incidents (768 new)"), "{out}");
    let out = import(&s, &["import", "cfr", cfr.to_str().expect("path")]);
    assert!(out.contains("(0 new)"), "{out}");

    // Paging by cursor visits every incident once.
    let mut seen = HashSet::new();
    let mut next: Option<String> = None;
    loop {
        let path = match &next {
            Some(c) => format!("/api/v1/incidents?limit=500&cursor={c}"),
            None => "/api/v1/incidents?limit=500".to_owned(),
        };
        let page = s.json(&path).await;
        assert_eq!(page["total"], 1643 + 768);
        for i in page["incidents"].as_array().expect("incidents") {
            assert!(seen.insert(i["id"].as_str().expect("id").to_owned()), "an incident came twice");
        }
        match page["next"].as_str() {
            Some(c) => next = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen.len(), 1643 + 768);
    // Filters narrow, and the facet count for a value equals the filtered total.
    let all = s.json("/api/v1/incidents?limit=1").await;
    let ua = all["facets"]["country"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["value"] == "UA"))
        .expect("UA facet")
        .clone();
    let filtered = s.json("/api/v1/incidents?country=UA&limit=1").await;
    assert_eq!(filtered["total"], ua["count"]);
    let espionage_2015 = s.json("/api/v1/incidents?operation=espionage&year=2015&limit=1").await;
    let n = espionage_2015["total"].as_i64().expect("total");
    assert!(n > 0 && n < all["total"].as_i64().expect("total"));
    let r = s.get("/api/v1/incidents?operation=hacking").await;
    assert_eq!(r.status(), 400);
}
