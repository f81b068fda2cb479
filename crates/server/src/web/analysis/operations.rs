//! Operations over time: incidents per year they started, by operation type, over the
//! incidents the incident list's filters select (`/analysis/operations`).
use super::frame::{self, fold_series};
use crate::AppState;
use crate::web::kit::charts;
use crate::web::kit::download::{self, Download, Format};
use crate::web::kit::i18n::words;
use crate::web::kit::{Visit, WebError, encode, failure, label, layout};
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::{PreEscaped, html};
use normwatch_core::incident::Dimension;

words! {
    struct Words, fn words;
    title: "作戦の種類ごとのインシデントの推移", "Incidents by operation type over time";
    intro:
        "インシデントが始まった年ごとに、作戦の種類（諜報、ランサムウェア、妨害など）別の件数を示す。開始年が分からないインシデントは含めない。インシデントの一覧と同じ条件で絞り込める。",
        "Per year an incident started: how many incidents there were of each operation type (espionage, ransomware, disruption …). Incidents whose start year is unknown are left out. Filter as on the incident list.";
    axis: "インシデント数", "incidents";
    chart:
        "開始年ごとの作戦の種類別インシデント数の積み上げ棒グラフ。数値は下の表にある。",
        "Stacked bar chart of incidents per start year by operation type. The figures are in the table below.";
    table: "開始年と作戦の種類ごとのインシデント数", "Incidents per start year and operation type";
    operation: "作戦の種類", "Operation type";
}

pub async fn page(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let a = frame::read(&state, v, "/analysis/operations", &["operations"])?;
    let l = a.lang();
    let (w, fw) = (words(l), frame::words(l));
    let t = state
        .app()
        .incident_crosstab(a.caller.acting(), &a.query, Dimension::Year, Dimension::OperationType)
        .await
        .map_err(failure(l))?;
    if a.format != Format::Html {
        let rows = t.cells.iter().map(|c| vec![c.row.clone(), c.column.clone(), c.incidents.to_string()]).collect();
        let d = Download::unlogged("analysis-operations", &["year", "operation", "incidents"], rows, &t);
        return download::answer(&state, &a.caller, a.format, l, &d).await;
    }
    let years: Vec<i32> = {
        let known: Vec<i32> = t.cells.iter().filter_map(|c| c.row.parse().ok()).collect();
        match (known.iter().min(), known.iter().max()) {
            (Some(lo), Some(hi)) => (*lo..=*hi).collect(),
            _ => Vec::new(),
        }
    };
    let operations: Vec<String> = t.column_totals().into_iter().map(|(o, _)| o).collect();
    let series: Vec<(String, Vec<f64>)> = operations
        .iter()
        .map(|o| {
            let values = years.iter().map(|y| t.get(&y.to_string(), o) as f64).collect();
            (label(&a.catalog, o, l), values)
        })
        .collect();
    let series = fold_series(series, charts::STACK_SERIES, fw.other);
    let svg = a.drawn(charts::stacked_bars_by_year(&years, &series, w.axis, w.chart))?;
    let body = html! {
        (a.back())
        h1 { (w.title) }
        p { (w.intro) " " (fw.counted) }
        (a.filter_form())
        @if t.cells.is_empty() { p #none { (fw.none) } } @else {
            figure.chart role="img" aria-label=(w.chart) { (PreEscaped(svg)) }
            div.scroll {
                table.matrix #operations-table {
                    caption { (w.table) }
                    thead { tr {
                        th scope="col" { (fw.year) }
                        @for o in &operations { th scope="col" data-operation=(o) { (label(&a.catalog, o, l)) } }
                    } }
                    tbody { @for y in years.iter().rev() {
                        tr data-year=(y) {
                            th scope="row" { (y) }
                            @for o in &operations {
                                @let n = t.get(&y.to_string(), o);
                                td.count data-operation=(o) {
                                    @if n > 0 {
                                        a href=(a.list_link(&[format!("year={y}"), format!("operation={}", encode(o))])) { (n) }
                                    } @else { "0" }
                                }
                            }
                        }
                    } }
                }
            }
        }
        (a.csv("operations"))
        (download::links_without_stix(&a.page))
    };
    Ok(layout(&a.page, w.title, body).into_response())
}
