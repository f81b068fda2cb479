//! Attribution over time: how many days pass before an incident is attributed, per year the
//! incident started and kind of attributor, and how often an incident attributed to a state
//! draws a recorded response, per year — over the incidents the incident list's filters select.
use crate::AppState;
use crate::web::kit::charts;
use crate::web::kit::download::{self, Download, Format};
use crate::web::kit::i18n::in_lang;
use crate::web::kit::{DataVisit, Rows, Visit};
use crate::web::kit::{WebError, bad_query, bounds, encode, failure, incident_filters, kind_label, layout};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{PreEscaped, html};
use normwatch_core::Lang;
use normwatch_core::incident::IncidentQuery;
use normwatch_core::metrics::{LagFigure, ResponseRate};
use std::collections::BTreeMap;

#[derive(serde::Serialize)]
struct Words {
    title: &'static str,
    intro: &'static str,
    apply: &'static str,
    claims: &'static str,
    lag: &'static str,
    lag_rule: &'static str,
    lag_axis: &'static str,
    lag_chart: &'static str,
    responses: &'static str,
    responses_rule: &'static str,
    rate_axis: &'static str,
    rate_chart: &'static str,
    year: &'static str,
    kind: &'static str,
    incidents: &'static str,
    day_precise: &'static str,
    median: &'static str,
    attributed: &'static str,
    with_response: &'static str,
    rate: &'static str,
    all_kinds: &'static str,
    none: &'static str,
    csv: &'static str,
    analysis: &'static str,
}

const JA: Words = Words {
    title: "帰属の速さと対応率の推移",
    intro: "インシデントが始まった年ごとに、公の帰属までにかかった日数と、国家に帰属されたインシデントに対応が記録された割合を示す。インシデントの一覧と同じ条件で絞り込める。閲覧権限の範囲の公開済みの記録だけを数える。",
    apply: "絞り込む",
    claims: "数えた帰属の主張",
    lag: "帰属までの日数",
    lag_rule: "インシデントの開始（不明なら発見）から、その種類の帰属者による最初の帰属までの日数の中央値。月や年までしか分からない日付は幅として扱うため、中央値は下限〜上限で示す。図は上限の中央値を描く。結び付けられた記録は1件として数える。",
    lag_axis: "日数の中央値（上限）",
    lag_chart: "帰属者の種類ごとの、開始年別の帰属までの日数の中央値（上限）の折れ線グラフ。数値は下の表にある。",
    responses: "対応率",
    responses_rule: "国家に帰属されたインシデントのうち、対応（制裁、起訴、声明など）が記録されたものの割合。開始年が分からないインシデントは含めない。",
    rate_axis: "対応率（%）",
    rate_chart: "開始年別の対応率の折れ線グラフ。数値は下の表にある。",
    year: "開始年",
    kind: "帰属者の種類",
    incidents: "インシデント数",
    day_precise: "うち日付が日単位",
    median: "中央値（日、下限〜上限）",
    attributed: "国家に帰属されたインシデント",
    with_response: "対応あり",
    rate: "割合",
    all_kinds: "対応率",
    none: "該当なし",
    csv: "CSV",
    analysis: "分析の一覧へ",
};

const EN: Words = Words {
    title: "Attribution speed and response rate over time",
    intro: "Per year an incident started: the days until it was publicly attributed, and the share of incidents attributed to a state that drew a recorded response. Filter as on the incident list. Only published records you may read are counted.",
    apply: "Filter",
    claims: "Attribution claims counted",
    lag: "Days until attribution",
    lag_rule: "The median of the days from an incident's start (or discovery, when the start is unknown) to its first attribution by each kind of attributor. A date known only to the month or year is a range of days, so the median is given by its lower and upper bound; the chart draws the upper bound. Linked records count as one incident.",
    lag_axis: "median days (upper bound)",
    lag_chart: "Line chart of the median days until attribution (upper bound) per start year, one line per kind of attributor. The figures are in the table below.",
    responses: "Response rate",
    responses_rule: "Of the incidents attributed to a state, the share with a recorded response (sanctions, indictments, statements …). Incidents whose start year is unknown are left out.",
    rate_axis: "response rate (%)",
    rate_chart: "Line chart of the response rate per start year. The figures are in the table below.",
    year: "Start year",
    kind: "Attributor kind",
    incidents: "Incidents",
    day_precise: "of which day-precise",
    median: "Median (days, lower–upper)",
    attributed: "Attributed to a state",
    with_response: "With a response",
    rate: "Rate",
    all_kinds: "Response rate",
    none: "None",
    csv: "CSV",
    analysis: "All analyses",
};

fn words(l: Lang) -> &'static Words {
    in_lang(l, &JA, &EN)
}

/// The page's tables, each a CSV of its own (`?format=csv&table=…`; `lag` when not named).
const TABLES: [&str; 2] = ["lag", "responses"];

fn number(v: Option<f64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn lag_row(year: i32, kind: &str, f: &LagFigure) -> Vec<String> {
    vec![
        year.to_string(),
        kind.to_owned(),
        f.incidents.to_string(),
        f.day_precise.to_string(),
        number(f.median_lower_days),
        number(f.median_upper_days),
        number(f.day_precise_median_days),
    ]
}

fn percent(r: &ResponseRate) -> String {
    r.rate.map_or_else(|| "—".to_owned(), |r| format!("{:.0}%", r * 100.0))
}

pub async fn page(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    // `table` picks the CSV's table: kept out of the incident filters.
    let mut v = v.without_blanks();
    let table = v.params.pairs.iter().find(|(k, _)| k == "table").map(|(_, v)| v.clone());
    v.params.pairs.retain(|(k, _)| k != "table");
    let DataVisit { page, format, params, caller } = v.data_query("/analysis/attribution", Rows::NotLogged)?;
    let l = page.lang;
    let w = words(l);
    let catalog = state.catalog();
    let query = IncidentQuery::parse(params.iter(), &catalog).map_err(bad_query(l))?;
    let trends = state.app().attribution_trends(caller.acting(), &query).await.map_err(failure(l))?;
    let filters: Vec<String> = params.pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect();
    if format != Format::Html {
        let table = match table.as_deref() {
            None => "lag",
            Some(t) if TABLES.contains(&t) => t,
            Some(t) => {
                return Err(WebError {
                    status: StatusCode::BAD_REQUEST,
                    lang: l,
                    message: format!(
                        "table: `{t}` is not a table of this page; give table={}",
                        TABLES.join(" or table=")
                    ),
                });
            }
        };
        let (columns, rows): (Vec<&str>, Vec<Vec<String>>) = if table == "lag" {
            (
                vec![
                    "year",
                    "attributor_kind",
                    "incidents",
                    "day_precise",
                    "median_lower_days",
                    "median_upper_days",
                    "day_precise_median_days",
                ],
                trends.lag_by_year.iter().map(|r| lag_row(r.year, r.attributor_kind.name(), &r.figure)).collect(),
            )
        } else {
            (
                vec!["year", "attributed_incidents", "with_response", "rate"],
                trends
                    .responses_by_year
                    .iter()
                    .map(|r| {
                        vec![
                            r.year.to_string(),
                            r.rate.attributed_incidents.to_string(),
                            r.rate.with_response.to_string(),
                            number(r.rate.rate),
                        ]
                    })
                    .collect(),
            )
        };
        let name = format!("attribution-{table}");
        let d = Download::unlogged(&name, &columns, rows, &trends);
        return download::answer(&state, &caller, format, l, &d).await;
    }
    // One line per kind of attributor: the upper bound of its median per year.
    let mut per_kind: BTreeMap<&str, Vec<(i32, f64)>> = BTreeMap::new();
    for r in &trends.lag_by_year {
        if let Some(m) = r.figure.median_upper_days {
            per_kind.entry(r.attributor_kind.name()).or_default().push((r.year, m));
        }
    }
    let lag_series: Vec<(String, Vec<(i32, f64)>)> =
        per_kind.into_iter().map(|(k, p)| (kind_label(k, l).to_owned(), p)).collect();
    let rate_series: Vec<(String, Vec<(i32, f64)>)> = vec![(
        w.all_kinds.to_owned(),
        trends.responses_by_year.iter().filter_map(|r| r.rate.rate.map(|x| (r.year, x * 100.0))).collect(),
    )];
    let drawn = |svg: Result<String, String>| {
        svg.map_err(|e| WebError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            lang: l,
            message: format!("the chart could not be drawn: {e}"),
        })
    };
    let lag_svg = drawn(charts::lines_by_year(&lag_series, w.lag_axis, None))?;
    let rate_svg = drawn(charts::lines_by_year(&rate_series, w.rate_axis, Some(100.0)))?;
    let value = |k: &str| params.pairs.iter().find(|(p, _)| p == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let csv_link = |t: &str| {
        let mut q = filters.clone();
        q.extend([format!("lang={}", l.code()), "format=csv".to_owned(), format!("table={t}")]);
        format!("/analysis/attribution?{}", q.join("&"))
    };
    let body = html! {
        p { a href=(page.link("/analysis")) { "← " (w.analysis) } }
        h1 { (w.title) }
        p { (w.intro) }
        form.filters method="get" action="/analysis/attribution" role="search" {
            input type="hidden" name="lang" value=(l.code());
            (incident_filters(l, &catalog, &value))
            button type="submit" { (w.apply) }
        }
        p #claims { (w.claims) ": " b { (trends.claims) } }
        h2 #lag { (w.lag) }
        p { (w.lag_rule) }
        @if trends.lag_by_year.is_empty() { p { (w.none) } } @else {
            figure role="img" aria-label=(w.lag_chart) { (PreEscaped(lag_svg)) }
            table #lag-table {
                thead { tr { th scope="col" { (w.year) } th scope="col" { (w.kind) } th scope="col" { (w.incidents) }
                             th scope="col" { (w.day_precise) } th scope="col" { (w.median) } } }
                tbody { @for r in &trends.lag_by_year {
                    tr data-year=(r.year) data-kind=(r.attributor_kind.name()) {
                        td { (r.year) } td { (kind_label(r.attributor_kind.name(), l)) }
                        td.count { (r.figure.incidents) } td.count { (r.figure.day_precise) }
                        td.count.bounds { (bounds(&r.figure)) } }
                } }
            }
        }
        p.downloads { a.download href=(csv_link("lag")) type="text/csv" { (w.csv) } }
        h2 #responses { (w.responses) }
        p { (w.responses_rule) }
        @if trends.responses_by_year.is_empty() { p { (w.none) } } @else {
            figure role="img" aria-label=(w.rate_chart) { (PreEscaped(rate_svg)) }
            table #responses-table {
                thead { tr { th scope="col" { (w.year) } th scope="col" { (w.attributed) }
                             th scope="col" { (w.with_response) } th scope="col" { (w.rate) } } }
                tbody { @for r in &trends.responses_by_year {
                    tr data-year=(r.year) {
                        td { (r.year) } td.count { (r.rate.attributed_incidents) } td.count { (r.rate.with_response) }
                        td.count { (percent(&r.rate)) } }
                } }
            }
        }
        p.downloads { a.download href=(csv_link("responses")) type="text/csv" { (w.csv) } }
        (download::links_without_stix(&page))
    };
    Ok(layout(&page, w.title, body).into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_word_in_both_languages() {
        crate::web::kit::i18n::assert_translated(&super::JA, &super::EN, &["csv"]);
    }
}
