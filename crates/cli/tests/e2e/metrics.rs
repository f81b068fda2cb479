//! The metrics and the periodic report on the real EuRepoC v1.1 data, imported through the CLI:
//! the attribution lag (month- and year-precise dates as intervals) and the response rate per
//! attributing kind, checked against an independent recomputation from the records read back
//! over the API; and the report selecting by when things happened, not when they were imported.

use crate::common::{TestServer, data, incident_pages, standing};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use time::Date;

on_both_backends!(eurepoc_metrics_rest_on_every_dated_claim_and_the_report_follows_event_time);

/// The days a `YYYY`, `YYYY-MM` or `YYYY-MM-DD` date may mean, computed here without the core.
fn days(text: &str) -> (Date, Date) {
    let ymd = |y: i32, m: u8, d: u8| {
        Date::from_calendar_date(y, time::Month::try_from(m).expect("month"), d).expect("calendar date")
    };
    let year: i32 = text[..4].parse().expect("year");
    match text.len() {
        4 => (ymd(year, 1, 1), ymd(year, 12, 31)),
        7 => {
            let month: u8 = text[5..7].parse().expect("month");
            let next = if month == 12 { ymd(year + 1, 1, 1) } else { ymd(year, month + 1, 1) };
            (ymd(year, month, 1), next.previous_day().expect("day before"))
        }
        _ => (
            ymd(year, text[5..7].parse().expect("m"), text[8..10].parse().expect("d")),
            ymd(year, text[5..7].parse().expect("m"), text[8..10].parse().expect("d")),
        ),
    }
}

fn median(mut v: Vec<i64>) -> Value {
    v.sort_unstable();
    let n = v.len();
    if n == 0 {
        return Value::Null;
    }
    let m = if n % 2 == 1 { v[n / 2] as f64 } else { (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0 };
    serde_json::json!(m)
}

/// A lag: (lower bound, upper bound, both dates known to the day).
type Lag = (i64, i64, bool);

/// One lag figure as the API writes it, from (lower, upper, day-precise) lags.
fn figure(lags: &[Lag]) -> Value {
    let exact: Vec<i64> = lags.iter().filter(|l| l.2).map(|l| l.0).collect();
    serde_json::json!({
        "incidents": lags.len(),
        "day_precise": exact.len(),
        "median_lower_days": median(lags.iter().map(|l| l.0).collect()),
        "median_upper_days": median(lags.iter().map(|l| l.1).collect()),
        "day_precise_median_days": median(exact),
    })
}

/// Every incident, read one by one (the list holds summaries without the dates' precision).
async fn incidents(s: &TestServer) -> Vec<Value> {
    let client = reqwest::Client::new();
    let mut out = Vec::new();
    for page in incident_pages(s).await {
        for i in page["incidents"].as_array().expect("incidents") {
            let url = s.at(&format!("/api/v1/incidents/{}", i["id"].as_str().expect("id")));
            let r = client.get(url).send().await.expect("incident");
            assert_eq!(r.status(), 200);
            out.push(r.json::<Value>().await.expect("incident JSON"));
        }
    }
    out
}

fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The part of the report from the element with `id` to the next `<h2`.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no section {id}"));
    let rest = &html[start..];
    &rest[..rest[4..].find("<h2").map_or(rest.len(), |e| e + 4)]
}

fn report(s: &TestServer, from: &str, to: &str) -> (String, String) {
    let file = s.dir().join(format!("report-{from}.html"));
    let out = s.cli(&["report", "--from", from, "--to", to, "--lang", "en", "--out", file.to_str().expect("path")]);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stderr}");
    (std::fs::read_to_string(&file).expect("report"), stderr)
}

async fn eurepoc_metrics_rest_on_every_dated_claim_and_the_report_follows_event_time(s: TestServer) {
    let dir = data("eurepoc-1.1");
    let out = s.cli(&["import", "eurepoc", dir.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let metrics = s.json("/api/v1/metrics").await;
    let incidents = incidents(&s).await;
    let claims = s.json("/api/v1/attributions").await;
    let claims = standing(&claims, "attributions");
    let responses = s.json("/api/v1/responses").await;
    let responses = standing(&responses, "responses");
    assert!(incidents.len() > 1000 && claims.len() > 1000, "EuRepoC was imported");

    // The lag, recomputed: per incident and attributor kind the earliest claim (each bound the
    // earliest), from the start (or discovery); lower bound clamped at 0, left out only when
    // the claim is certainly before the start.
    let start: HashMap<&str, (Date, Date)> = incidents
        .iter()
        .filter_map(|i| {
            let d = i["started"].as_str().or_else(|| i["discovered"].as_str())?;
            Some((i["id"].as_str().expect("id"), days(d)))
        })
        .collect();
    let mut attributed: BTreeMap<&str, HashSet<&str>> = BTreeMap::new();
    let mut first: HashMap<(&str, &str), (Date, Date)> = HashMap::new();
    for c in &claims {
        let (incident, kind) =
            (c["incident"].as_str().expect("incident"), c["attributor"]["kind"].as_str().expect("kind"));
        attributed.entry(kind).or_default().insert(incident);
        if let Some(on) = c["attributed_on"].as_str() {
            let (lo, hi) = days(on);
            let e = first.entry((incident, kind)).or_insert((lo, hi));
            *e = (e.0.min(lo), e.1.min(hi));
        }
    }
    let mut per_kind: BTreeMap<&str, Vec<Lag>> = BTreeMap::new();
    let mut per_year: BTreeMap<(i32, &str), Vec<Lag>> = BTreeMap::new();
    for ((incident, kind), (lo, hi)) in &first {
        let Some((s_lo, s_hi)) = start.get(incident) else { continue };
        let upper = (*hi - *s_lo).whole_days();
        if upper < 0 {
            continue;
        }
        let lag = ((*lo - *s_hi).whole_days().max(0), upper, lo == hi && s_lo == s_hi);
        per_kind.entry(kind).or_default().push(lag);
        per_year.entry((s_lo.year(), kind)).or_default().push(lag);
    }
    let lag = &metrics["attribution_lag"];
    let by_kind: BTreeMap<&str, &Value> = lag["by_kind"]
        .as_array()
        .expect("by_kind")
        .iter()
        .map(|r| (r["attributor_kind"].as_str().expect("kind"), r))
        .collect();
    assert_eq!(by_kind.keys().copied().collect::<BTreeSet<_>>(), attributed.keys().copied().collect::<BTreeSet<_>>());
    for (kind, row) in &by_kind {
        let mut expected = figure(per_kind.get(kind).map_or(&[][..], Vec::as_slice));
        expected["attributor_kind"] = serde_json::json!(kind);
        expected["attributed_incidents"] = serde_json::json!(attributed[kind].len());
        assert_eq!(**row, expected, "{kind}");
    }
    let years = lag["by_year"].as_array().expect("by_year");
    assert_eq!(years.len(), per_year.len());
    for row in years {
        let key = (row["year"].as_i64().expect("year") as i32, row["attributor_kind"].as_str().expect("kind"));
        let mut expected = figure(&per_year[&key]);
        expected["year"] = row["year"].clone();
        expected["attributor_kind"] = row["attributor_kind"].clone();
        assert_eq!(*row, expected, "{key:?}");
    }
    // The government figure no longer rests on the 18 incidents with both dates to the day.
    let government = by_kind["government"];
    let n = government["incidents"].as_u64().expect("n");
    eprintln!("government lag: {government}");
    assert!(n > 100, "the government lag rests on {n} incidents");
    assert!(government["median_lower_days"].as_f64() <= government["median_upper_days"].as_f64());
    // The other routes say the same.
    let alone = s.json("/api/v1/metrics/attribution-lag").await;
    assert_eq!((&alone["by_kind"], &alone["by_year"]), (&lag["by_kind"], &lag["by_year"]));

    // The response rate per kind, recomputed: incidents attributed to a state by each kind,
    // and those of them with a standing response.
    let responded: HashSet<&str> = responses.iter().map(|r| r["incident"].as_str().expect("incident")).collect();
    let mut to_state: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for c in claims.iter().filter(|c| c["attributed_to"]["state"].is_string()) {
        to_state
            .entry(c["attributor"]["kind"].as_str().expect("kind"))
            .or_default()
            .insert(c["incident"].as_str().expect("incident"));
    }
    let rate = |set: &BTreeSet<&str>| {
        let with = set.iter().filter(|i| responded.contains(*i)).count();
        (set.len(), with, (!set.is_empty()).then(|| with as f64 / set.len() as f64))
    };
    let got = |r: &Value| {
        (
            r["attributed_incidents"].as_u64().expect("n") as usize,
            r["with_response"].as_u64().expect("w") as usize,
            r["rate"].as_f64(),
        )
    };
    let all: BTreeSet<&str> = to_state.values().flatten().copied().collect();
    let rates = &metrics["responses"];
    assert_eq!(got(rates), rate(&all));
    let per_kind_rates = rates["by_attributor_kind"].as_array().expect("per kind");
    assert_eq!(per_kind_rates.len(), to_state.len());
    for r in per_kind_rates {
        let kind = r["attributor_kind"].as_str().expect("kind");
        assert_eq!(got(r), rate(&to_state[kind]), "{kind}");
    }
    eprintln!("response rate: {rates}");

    // The report for 2017 holds NotPetya (EuRepoC: started 2017-06-27), by when it happened.
    let by_origin = |id: &str| {
        incidents.iter().find(|i| i["origin"]["id"] == id).unwrap_or_else(|| panic!("EuRepoC incident {id}"))
    };
    let title = |i: &Value| escaped(i["title"]["en"].as_str().expect("title"));
    let notpetya = by_origin("1032");
    assert_eq!(notpetya["started"].as_str().map(|d| &d[..4]), Some("2017"));
    let (html, stderr) = report(&s, "2017-01-01", "2017-12-31");
    assert!(stderr.lines().filter(|l| l.starts_with("report: ")).count() >= 4, "a line per phase: {stderr}");
    let in_2017 = section(&html, "incidents");
    assert!(in_2017.contains(&title(notpetya)) && in_2017.contains("NotPetya"), "NotPetya in 2017");
    let korea_2005 = by_origin("17");
    assert!(!html.contains(&title(korea_2005)), "a 2005 incident is not in the 2017 report");
    // Every incident whose start overlaps 2017 is listed, and how many dates are imprecise.
    let (from, to) = (days("2017").0, days("2017").1);
    let overlaps = |d: &str| {
        let (lo, hi) = days(d);
        lo <= to && hi >= from
    };
    let dated: Vec<&str> = incidents
        .iter()
        .filter_map(|i| i["started"].as_str().or_else(|| i["discovered"].as_str()))
        .chain(claims.iter().filter_map(|c| c["attributed_on"].as_str()))
        .chain(responses.iter().filter_map(|r| r["responded_on"].as_str()))
        .filter(|d| overlaps(d))
        .collect();
    let imprecise = dated.iter().filter(|d| d.len() < 10).count();
    assert!(
        html.contains(&format!(
            "<p id=\"imprecise-dates\"><b>{imprecise}</b> of the {} dates in this report are known only to the month or year.",
            dated.len()
        )),
        "{}",
        &html[html.find("imprecise-dates").unwrap_or(0)..][..200]
    );
    // Undated incidents are listed apart, not given the day they were imported.
    let undated: Vec<&Value> =
        incidents.iter().filter(|i| i["started"].is_null() && i["discovered"].is_null()).collect();
    assert!(!undated.is_empty(), "EuRepoC has incidents without a start date");
    let unknown = section(&html, "date-unknown");
    for i in &undated {
        assert!(unknown.contains(&title(i)), "{} in the date-unknown section", i["title"]["en"]);
        assert!(!in_2017.contains(&title(i)));
    }
    assert!(unknown.contains(&format!("Incidents with neither a start nor a discovery date ({})", undated.len())));

    // The report for the current year holds no 2005 incident, though all were imported today.
    let today = time::OffsetDateTime::now_utc().date();
    let (html, _) = report(&s, &format!("{}-01-01", today.year()), &today.to_string());
    assert!(!html.contains(&title(korea_2005)), "a 2005 incident is not in this year's report");
    for i in incidents.iter().filter(|i| i["started"].as_str().is_some_and(|d| d.starts_with("2005"))) {
        assert!(!section(&html, "incidents").contains(&title(i)), "{}", i["title"]["en"]);
    }
}
