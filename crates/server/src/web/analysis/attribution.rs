//! Attribution over time: how many days pass before an incident is attributed, per year the
//! incident started and kind of attributor, and how often an incident attributed to a state
//! draws a recorded response, per year — over the incidents the incident list's filters select.
use super::frame;
use crate::AppState;
use crate::web::kit::charts;
use crate::web::kit::download::{self, Download, Format};
use crate::web::kit::i18n::words;
use crate::web::kit::{RATE_COLUMNS, lag_trend_table, percent, rate_cells};
use crate::web::kit::{Visit, WebError, bounds, failure, kind_label, layout};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::{PreEscaped, html};
use std::collections::BTreeMap;

words! {
    struct Words, fn words;
    @same_in_both ["csv"];
    title: "帰属の速さと対応率の推移", "Attribution speed and response rate over time";
    intro:
        "インシデントが始まった年ごとに、公の帰属までにかかった日数と、国家に帰属されたインシデントに対応が記録された割合を示す。インシデントの一覧と同じ条件で絞り込める。閲覧権限の範囲の公開済みの記録だけを数える。",
        "Per year an incident started: the days until it was publicly attributed, and the share of incidents attributed to a state that drew a recorded response. Filter as on the incident list. Only published records you may read are counted.";
    claims: "数えた帰属の主張", "Attribution claims counted";
    lag: "帰属までの日数", "Days until attribution";
    lag_rule:
        "インシデントの開始（不明なら発見）から、その種類の帰属者による最初の帰属までの日数の中央値。月や年までしか分からない日付は幅として扱うため、中央値は下限〜上限で示す。図は上限の中央値を描く。結び付けられた記録は1件として数える。",
        "The median of the days from an incident's start (or discovery, when the start is unknown) to its first attribution by each kind of attributor. A date known only to the month or year is a range of days, so the median is given by its lower and upper bound; the chart draws the upper bound. Linked records count as one incident.";
    lag_axis: "日数の中央値（上限）", "median days (upper bound)";
    lag_chart:
        "帰属者の種類ごとの、開始年別の帰属までの日数の中央値（上限）の折れ線グラフ。数値は下の表にある。",
        "Line chart of the median days until attribution (upper bound) per start year, one line per kind of attributor. The figures are in the table below.";
    responses: "対応率", "Response rate";
    responses_rule:
        "国家に帰属されたインシデントのうち、対応（制裁、起訴、声明など）が記録されたものの割合。開始年が分からないインシデントは含めない。",
        "Of the incidents attributed to a state, the share with a recorded response (sanctions, indictments, statements …). Incidents whose start year is unknown are left out.";
    rate_axis: "対応率（%）", "response rate (%)";
    rate_chart:
        "開始年別の対応率の折れ線グラフ。数値は下の表にある。",
        "Line chart of the response rate per start year. The figures are in the table below.";
    year: "開始年", "Start year";
    kind: "帰属者の種類", "Attributor kind";
    incidents: "インシデント数", "Incidents";
    day_precise: "うち日付が日単位", "of which day-precise";
    median: "中央値（日、下限〜上限）", "Median (days, lower–upper)";
    attributed: "国家に帰属されたインシデント", "Attributed to a state";
    with_response: "対応あり", "With a response";
    rate: "割合", "Rate";
    all_kinds: "対応率", "Response rate";
    none: "該当なし", "None";
    csv: "CSV", "CSV";
}

/// The page's tables, each a CSV of its own (`?format=csv&table=…`; `lag` when not named).
const TABLES: [&str; 2] = ["lag", "responses"];

pub async fn page(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let a = frame::read(&state, v, "/analysis/attribution", &TABLES)?;
    let l = a.lang();
    let w = words(l);
    let trends = state.app().attribution_trends(a.caller.acting(), &a.query).await.map_err(failure(l))?;
    if a.format != Format::Html {
        let (columns, rows): (Vec<&str>, Vec<Vec<String>>) = if a.table == "lag" {
            lag_trend_table(&trends.lag_by_year)
        } else {
            (
                std::iter::once("year").chain(RATE_COLUMNS).collect(),
                trends
                    .responses_by_year
                    .iter()
                    .map(|r| std::iter::once(r.year.to_string()).chain(rate_cells(&r.rate)).collect())
                    .collect(),
            )
        };
        let name = format!("attribution-{}", a.table);
        let d = Download::unlogged(&name, &columns, rows, &trends);
        return download::answer(&state, &a.caller, a.format, l, &d).await;
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
    let lag_svg = a.drawn(charts::lines_by_year(&lag_series, w.lag_axis, None))?;
    let rate_svg = a.drawn(charts::lines_by_year(&rate_series, w.rate_axis, Some(100.0)))?;
    let body = html! {
        (a.back())
        h1 { (w.title) }
        p { (w.intro) }
        (a.filter_form())
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
        p.downloads { a.download href=(a.csv_link("lag")) type="text/csv" { (w.csv) } }
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
        p.downloads { a.download href=(a.csv_link("responses")) type="text/csv" { (w.csv) } }
        (download::links_without_stix(&a.page))
    };
    Ok(layout(&a.page, w.title, body).into_response())
}
