//! Norms over time: published violation findings per norm and start year, and the states
//! assessed as violating a norm they endorse, over the incidents the incident list's filters
//! select (`/analysis/norms`).
use super::frame::{self, fold_series};
use crate::AppState;
use crate::web::kit::charts;
use crate::web::kit::download::{self, Download, Format};
use crate::web::kit::i18n::words;
use crate::web::kit::{Visit, WebError, failure, label, layout};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::{PreEscaped, html};
use normwatch_core::country_display::country_name;
use std::collections::BTreeSet;

words! {
    struct Words, fn words;
    title: "規範ごとの違反の推移", "Violations per norm over time";
    intro:
        "公開された評価が違反（確定または可能性が高い）とした件数を、規範とインシデントの開始年ごとに示す。インシデントの一覧と同じ条件で絞り込める。",
        "How many published assessments found a violation (established or likely), per norm and year the incident started. Filter as on the incident list.";
    violations: "開始年ごとの違反", "Violations per start year";
    violations_rule:
        "違反と評価された所見の数（1件のインシデントに複数の所見があればそれぞれ数える）。開始年が分からないものは表の「不明」に数える。",
        "Findings of a violation (an incident with several findings counts once per finding). Those whose start year is unknown are counted under “unknown” in the table.";
    axis: "違反の所見の数", "violation findings";
    chart:
        "開始年ごとの規範別の違反の所見の数の積み上げ棒グラフ。数値は下の表にある。",
        "Stacked bar chart of violation findings per start year by norm. The figures are in the table below.";
    norm: "規範", "Norm";
    findings: "違反の所見", "Violation findings";
    unknown: "不明", "unknown";
    endorsed: "支持する規範に違反したと評価された国", "States assessed as violating a norm they endorse";
    endorsed_rule:
        "公開された立場で規範を支持している国のうち、同じ規範について公開された違反の評価を受けているもの。",
        "States whose published position endorses a norm and against which a published finding of a violation of that norm stands.";
    state: "国", "State";
    level: "評価", "Finding";
    incident: "インシデント", "Incident";
    endorsed_on: "支持を表明した日", "Endorsed on";
}

pub async fn page(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let a = frame::read(&state, v, "/analysis/norms", &["violations", "endorsed"])?;
    let l = a.lang();
    let (w, fw) = (words(l), frame::words(l));
    let t = state.app().norm_trends(a.caller.acting(), &a.query).await.map_err(failure(l))?;
    if a.format != Format::Html {
        let (columns, rows): (Vec<&str>, Vec<Vec<String>>) = if a.table == "violations" {
            (
                vec!["norm", "year", "findings"],
                t.violations
                    .iter()
                    .map(|v| {
                        vec![v.norm.clone(), v.year.map(|y| y.to_string()).unwrap_or_default(), v.count.to_string()]
                    })
                    .collect(),
            )
        } else {
            (
                vec!["state", "stakeholder", "norm", "level", "incident", "assessment", "endorsed_on", "position"],
                t.endorsed_violations
                    .iter()
                    .map(|e| {
                        vec![
                            e.state.clone(),
                            e.stakeholder.clone(),
                            e.norm.clone(),
                            e.level.clone(),
                            e.incident.clone(),
                            e.assessment.clone(),
                            e.endorsed_on.clone(),
                            e.position.clone(),
                        ]
                    })
                    .collect(),
            )
        };
        let name = format!("analysis-norms-{}", a.table);
        let d = Download::unlogged(&name, &columns, rows, &t);
        return download::answer(&state, &a.caller, a.format, l, &d).await;
    }
    let norms: BTreeSet<&str> = t.violations.iter().map(|v| v.norm.as_str()).collect();
    let count = |norm: &str, year: Option<i32>| {
        t.violations.iter().find(|v| v.norm == norm && v.year == year).map_or(0, |v| v.count)
    };
    let known: Vec<i32> = t.violations.iter().filter_map(|v| v.year).collect();
    let years: Vec<i32> = match (known.iter().min(), known.iter().max()) {
        (Some(lo), Some(hi)) => (*lo..=*hi).collect(),
        _ => Vec::new(),
    };
    let unknown = t.violations.iter().any(|v| v.year.is_none());
    let series: Vec<(String, Vec<f64>)> =
        norms.iter().map(|n| ((*n).to_owned(), years.iter().map(|y| count(n, Some(*y)) as f64).collect())).collect();
    let series = fold_series(series, charts::STACK_SERIES, fw.other);
    let svg = a.drawn(charts::stacked_bars_by_year(&years, &series, w.axis, w.chart))?;
    let body = html! {
        (a.back())
        h1 { (w.title) }
        p { (w.intro) }
        (a.filter_form())
        h2 #violations { (w.violations) }
        p { (w.violations_rule) }
        @if t.violations.is_empty() { p #none { (fw.none) } } @else {
            @if !years.is_empty() { figure.chart role="img" aria-label=(w.chart) { (PreEscaped(svg)) } }
            div.scroll {
                table.matrix #violations-table {
                    caption { (w.findings) }
                    thead { tr {
                        th scope="col" { (fw.year) }
                        @for n in &norms { th scope="col" data-norm=(n) { abbr title=(label(&a.catalog, n, l)) { (n) } } }
                    } }
                    tbody {
                        @for y in years.iter().rev() {
                            tr data-year=(y) {
                                th scope="row" { (y) }
                                @for n in &norms { td.count data-norm=(n) { (count(n, Some(*y))) } }
                            }
                        }
                        @if unknown {
                            tr data-year="" {
                                th scope="row" { (w.unknown) }
                                @for n in &norms { td.count data-norm=(n) { (count(n, None)) } }
                            }
                        }
                    }
                }
            }
        }
        (a.csv("violations"))
        h2 #endorsed { (w.endorsed) }
        p { (w.endorsed_rule) }
        @if t.endorsed_violations.is_empty() { p #none-endorsed { (fw.none) } } @else {
            table #endorsed-table {
                thead { tr { th scope="col" { (w.state) } th scope="col" { (w.norm) } th scope="col" { (w.level) }
                             th scope="col" { (w.incident) } th scope="col" { (w.endorsed_on) } } }
                tbody { @for e in &t.endorsed_violations {
                    tr data-state=(e.state) data-norm=(e.norm) {
                        td { a href=(a.page.link(&format!("/stakeholders/{}", e.stakeholder))) { (country_name(&e.state, l).unwrap_or(&e.state)) } }
                        td { (label(&a.catalog, &e.norm, l)) }
                        td { (label(&a.catalog, &e.level, l)) }
                        td { a.incident href=(a.page.link(&format!("/incidents/{}", e.incident))) { span.id { (e.incident) } } }
                        td.date { (e.endorsed_on) }
                    }
                } }
            }
        }
        (a.csv("endorsed"))
        (download::links_without_stix(&a.page))
    };
    Ok(layout(&a.page, w.title, body).into_response())
}
