//! The metrics page: published violations per norm, attribution lag by attributor kind, the
//! response rate and the states that violated norms they endorse, with SVG charts drawn on the
//! server, in Japanese and English.
use super::kit::charts;
use super::kit::dates;
use super::kit::download::{self, Download, Format};
use super::kit::{DataVisit, Rows, Visit};
use super::kit::{LAG_COLUMNS, RATE_COLUMNS, encode, label, lag_cells, lag_trend_table, percent, rate_cells};
use super::kit::{WebError, bounds, failure, kind_label, layout};
use crate::AppState;
use crate::web::kit::i18n::words;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::{PreEscaped, html};
use std::collections::BTreeMap;

words! {
    struct Words, fn words;
    @same_in_both ["json", "csv"];
    title: "指標", "Metrics";
    intro:
        "公開済みで取り消されていない記録から算出した数値。閲覧権限の範囲の記録だけを数える。",
        "Figures over published records that still stand; only records you may read are counted.";
    violations: "規範ごとの違反（確定・可能性が高い）", "Violations per norm (established or likely)";
    violations_axis: "件数", "count";
    lag: "帰属までの日数（帰属者の種類別）", "Attribution lag by kind of attributor";
    lag_rule:
        "インシデントの開始（不明なら発見）から、その種類の帰属者による最初の帰属までの日数。月や年までしか分からない日付はその期間のどの日でもありうるため、日数は幅（下限〜上限）になる。期間が重なるときの下限は0日とし、帰属が開始より確実に前のもの（データの誤り）だけを除く。中央値も下限と上限で示す。比較のため、両方の日付が日単位で分かるインシデントだけの中央値も載せる。",
        "Days from an incident's start (or its discovery, when the start is unknown) to its first attribution by that kind of attributor. A date known only to the month or year may be any day in it, so the lag is a range from a lower to an upper bound; where the two dates overlap the lower bound is 0, and only an attribution certainly earlier than the start (a data error) is left out. The median is given by its lower and upper bound, next to the median over incidents with both dates known to the day.";
    lag_axis: "日数の中央値", "median days";
    lag_lower: "下限", "lower";
    lag_upper: "上限", "upper";
    kind: "帰属者の種類", "Attributor kind";
    attributed: "帰属されたインシデント", "Incidents attributed";
    incidents: "算出に使ったインシデント", "Incidents counted";
    day_precise: "うち日付が日単位", "of which day-precise";
    median: "中央値（日、下限〜上限）", "Median (days, lower–upper)";
    day_precise_median: "日単位のみの中央値（日）", "Day-precise median (days)";
    trend: "帰属までの日数の推移（インシデント開始年別）", "Attribution lag by year the incident started";
    trend_intro:
        "インシデントが始まった年ごと（月や年までの日付では最も早くありうる日の年）の同じ数値。",
        "The same figures per year of the incident's start (for a month or a year, the year of its earliest possible day).";
    year: "開始年", "Start year";
    responses: "対応率", "Response rate";
    responses_text: "国家に帰属されたインシデントのうち、対応が記録されたもの", "of the incidents attributed to a state drew a recorded response";
    responses_per_kind: "帰属者の種類別の対応率", "Response rate by kind of attributor";
    with_response: "対応あり", "With a response";
    rate: "割合", "Rate";
    overall: "全体", "All kinds";
    groups_note:
        "同じ出来事を記録した複数の記録が結び付けられているときは、1件として数える。",
        "Records of one real-world incident that are linked together count as one incident.";
    endorsed: "自ら支持した規範に違反したと評価された国", "States assessed as violating norms they endorse";
    endorsed_intro:
        "違反の評価（確定・可能性が高い）の対象国が、その規範を支持する公開済みの立場を最新の立場としているもの。",
        "Violation assessments (established or likely) against a state whose latest published stance on the norm is to endorse it.";
    state: "国", "State";
    norm: "規範", "Norm";
    endorsed_on: "支持の表明日", "Endorsed on";
    incident: "インシデント", "Incident";
    none: "該当なし", "None";
    json: "JSON", "JSON";
    whole_page: "このページのすべての数値", "Every figure on this page";
    csv: "CSV", "CSV";
}

/// The tables of the page, each downloadable on its own as CSV (`?format=csv&table=…`).
const TABLES: [&str; 5] = ["violations", "lag", "lag-trend", "responses", "endorsed"];

pub async fn page_metrics(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    // `table` picks the CSV's table: kept out of the page's address and of its checked parameters.
    let mut v = v.without_blanks();
    let table = v.params.first("table").map(str::to_owned);
    v.params.pairs.retain(|(k, _)| k != "table");
    let DataVisit { page, format, caller, .. } = v.data("/metrics", Rows::Logged, &[])?;
    let l = page.lang;
    let w = words(l);
    let catalog = state.catalog();
    let json = state.app().all_metrics(caller.acting()).await.map_err(failure(l))?;
    let (counts, lag, rate, endorsed) =
        (&json.violations, &json.attribution_lag.figures, &json.responses, &json.endorsed_violations);
    if format != Format::Html {
        // A CSV holds one table, named; JSON and STIX hold the whole page.
        let table = match (format, table.as_deref()) {
            (_, Some(t)) if TABLES.contains(&t) => t,
            (Format::Csv, _) | (_, Some(_)) => {
                return Err(WebError {
                    status: StatusCode::BAD_REQUEST,
                    lang: l,
                    message: format!(
                        "table: `{}` is not a table of this page; give table={} with format=csv",
                        table.as_deref().unwrap_or(""),
                        TABLES.join(", table=")
                    ),
                });
            }
            (_, None) => "violations",
        };
        let (columns, rows): (Vec<&str>, Vec<Vec<String>>) = match table {
            "violations" => (
                vec!["norm", "year", "count"],
                counts
                    .iter()
                    .map(|c| {
                        vec![c.norm.clone(), c.year.map(|y| y.to_string()).unwrap_or_default(), c.count.to_string()]
                    })
                    .collect(),
            ),
            "lag" => (
                ["attributor_kind", "attributed_incidents"].into_iter().chain(LAG_COLUMNS).collect(),
                lag.by_kind
                    .iter()
                    .map(|r| {
                        [r.attributor_kind.name().to_owned(), r.attributed_incidents.to_string()]
                            .into_iter()
                            .chain(lag_cells(&r.figure))
                            .collect()
                    })
                    .collect(),
            ),
            "lag-trend" => lag_trend_table(&lag.by_year),
            // The overall rate first, its kind left empty; then one row per kind.
            "responses" => (
                std::iter::once("attributor_kind").chain(RATE_COLUMNS).collect(),
                std::iter::once((String::new(), &rate.overall))
                    .chain(rate.by_attributor_kind.iter().map(|k| (k.attributor_kind.name().to_owned(), &k.rate)))
                    .map(|(kind, r)| std::iter::once(kind).chain(rate_cells(r)).collect())
                    .collect(),
            ),
            // "endorsed", the last of TABLES.
            _ => (
                vec!["state", "stakeholder", "norm", "endorsed_on", "position", "level", "assessment", "incident"],
                endorsed
                    .iter()
                    .map(|e| {
                        vec![
                            e.state.clone(),
                            e.stakeholder.clone(),
                            e.norm.clone(),
                            e.endorsed_on.clone(),
                            e.position.clone(),
                            e.level.clone(),
                            e.assessment.clone(),
                            e.incident.clone(),
                        ]
                    })
                    .collect(),
            ),
        };
        // The STIX bundle: the published violation assessments the figures count (read as the
        // counts read them), their incidents, and the states of the endorsed-norm table.
        let counted = if format == Format::Stix {
            state
                .store
                .standing_records::<normwatch_core::violation::AssessmentInput>(&caller.viewer())
                .await
                .map_err(failure(l))?
        } else {
            Vec::new()
        };
        let counted: Vec<_> = counted
            .iter()
            .filter(|a| normwatch_core::metrics::VIOLATION_LEVELS.contains(&a.body.level.as_str()))
            .collect();
        let mut records: Vec<(&str, &str)> = counted.iter().map(|a| ("violation-assessment", a.id.as_str())).collect();
        records.extend(counted.iter().map(|a| ("incident", a.body.incident.as_str())));
        let name = match format {
            Format::Csv => format!("metrics-{table}"),
            _ => "metrics".to_owned(),
        };
        let d = Download {
            name: &name,
            columns: &columns,
            rows,
            json: &json,
            records,
            stakeholders: endorsed.iter().map(|e| e.stakeholder.as_str()).collect(),
        };
        return download::answer(&state, &caller, format, l, &d).await;
    }
    let csv_link = |t: &str| page.link(&format!("/metrics?format=csv&table={t}"));
    let mut per_norm: BTreeMap<&str, f64> = BTreeMap::new();
    for c in counts {
        *per_norm.entry(c.norm.as_str()).or_default() += c.count as f64;
    }
    let norm_bars: Vec<(String, f64)> = per_norm.iter().map(|(n, c)| ((*n).to_owned(), *c)).collect();
    // Two bars per kind: the lower and the upper bound of its median.
    let lag_bars: Vec<(String, f64)> = lag
        .by_kind
        .iter()
        .flat_map(|r| {
            let kind = kind_label(r.attributor_kind.name(), l);
            [(w.lag_lower, r.figure.median_lower_days), (w.lag_upper, r.figure.median_upper_days)]
                .into_iter()
                .filter_map(move |(bound, m)| m.map(|m| (format!("{kind} ({bound})"), m)))
        })
        .collect();
    let chart = |bars: &[(String, f64)], axis: &str| {
        charts::bars(bars, axis).map_err(|e| WebError {
            status: axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            lang: l,
            message: format!("the chart could not be drawn: {e}"),
        })
    };
    let violations_svg = chart(&norm_bars, w.violations_axis)?;
    let lag_svg = chart(&lag_bars, w.lag_axis)?;
    let body = html! {
        h1 { (w.title) }
        p { (w.intro) }
        h2 #violations { (w.violations) }
        @if norm_bars.is_empty() { p { (w.none) } } @else {
            figure role="img" aria-label=(w.violations) { (PreEscaped(violations_svg)) }
        }
        p.downloads { a href=(csv_link("violations")) { (w.csv) } " · " a href="/api/v1/metrics/violations" { (w.json) } }
        h2 #lag { (w.lag) }
        p { (w.lag_rule) }
        p { (w.groups_note) }
        @if lag.by_kind.is_empty() { p { (w.none) } } @else {
            @if !lag_bars.is_empty() { figure role="img" aria-label=(w.lag) { (PreEscaped(lag_svg)) } }
            table #lag-table {
                thead { tr { th { (w.kind) } th { (w.attributed) } th { (w.incidents) } th { (w.day_precise) }
                             th { (w.median) } th { (w.day_precise_median) } } }
                tbody { @for r in &lag.by_kind {
                    tr data-kind=(r.attributor_kind.name()) {
                        td { (kind_label(r.attributor_kind.name(), l)) } td.count { (r.attributed_incidents) }
                        td.count { (r.figure.incidents) } td.count { (r.figure.day_precise) }
                        td.count.bounds { (bounds(&r.figure)) }
                        td.count { (r.figure.day_precise_median_days.map_or_else(|| "—".to_owned(), |m| format!("{m}"))) } }
                } }
            }
        }
        p.downloads { a href=(csv_link("lag")) { (w.csv) } " · " a href="/api/v1/metrics/attribution-lag" { (w.json) } }
        h3 #lag-trend { (w.trend) }
        p { (w.trend_intro) }
        @if lag.by_year.is_empty() { p { (w.none) } } @else {
            table #lag-trend-table {
                thead { tr { th { (w.year) } th { (w.kind) } th { (w.incidents) } th { (w.day_precise) }
                             th { (w.median) } th { (w.day_precise_median) } } }
                tbody { @for r in &lag.by_year {
                    tr { td { (r.year) } td { (kind_label(r.attributor_kind.name(), l)) }
                         td.count { (r.figure.incidents) } td.count { (r.figure.day_precise) }
                         td.count { (bounds(&r.figure)) }
                         td.count { (r.figure.day_precise_median_days.map_or_else(|| "—".to_owned(), |m| format!("{m}"))) } }
                } }
            }
        }
        p.downloads { a href=(csv_link("lag-trend")) { (w.csv) } }
        h2 #responses { (w.responses) }
        p #response-rate { b { (rate.overall.with_response) " / " (rate.overall.attributed_incidents) } " ("
            (percent(&rate.overall)) ") " (w.responses_text) }
        @if !rate.by_attributor_kind.is_empty() {
            h3 { (w.responses_per_kind) }
            table #responses-table {
                thead { tr { th { (w.kind) } th { (w.attributed) } th { (w.with_response) } th { (w.rate) } } }
                tbody {
                    @for (kind, r) in rate.by_attributor_kind.iter().map(|k| (kind_label(k.attributor_kind.name(), l), &k.rate))
                        .chain(std::iter::once((w.overall, &rate.overall))) {
                        tr { td { (kind) } td.count { (r.attributed_incidents) } td.count { (r.with_response) }
                             td.count { (percent(r)) } }
                    }
                }
            }
        }
        p.downloads { a href=(csv_link("responses")) { (w.csv) } " · " a href="/api/v1/metrics/response-rate" { (w.json) } }
        h2 #endorsed { (w.endorsed) }
        p { (w.endorsed_intro) }
        @if endorsed.is_empty() { p { (w.none) } } @else {
            table #endorsed-table {
                thead { tr { th { (w.state) } th { (w.norm) } th { (w.endorsed_on) } th { (w.incident) } } }
                tbody { @for e in endorsed {
                    tr { td { a href=(page.link(&format!("/stakeholders/{}", encode(&e.stakeholder)))) { (e.state) } }
                         td { a href=(page.link(&format!("/norms/{}", encode(&e.norm)))) { (label(&catalog, &e.norm, l)) } }
                         td.date { (dates::format_date(&e.endorsed_on, l)) }
                         td { a href=(page.link(&format!("/incidents/{}", encode(&e.incident)))) { (e.level) } } }
                } }
            }
            p.downloads { a href=(csv_link("endorsed")) { (w.csv) } }
        }
        h2 #downloads { (w.whole_page) }
        (download::links(&page))
    };
    Ok(layout(&page, w.title, body).into_response())
}
