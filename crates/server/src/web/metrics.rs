//! The metrics page: published violations per norm, attribution lag by attributor kind, the
//! response rate and the states that violated norms they endorse, with SVG charts drawn on the
//! server, in Japanese and English.
use super::dates;
use super::download::{self, Download, Format};
use super::pages::{encode, label, page};
use super::{WebError, charts, failure, layout};
use crate::AppState;
use crate::api::metrics::{endorsed_violations, lag_figures, response_figures, violation_counts};
use crate::auth::Caller;
use crate::extract::Params;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{PreEscaped, html};
use normwatch_core::Lang;
use std::collections::BTreeMap;

#[derive(serde::Serialize)]
struct Words {
    title: &'static str,
    intro: &'static str,
    violations: &'static str,
    violations_axis: &'static str,
    lag: &'static str,
    lag_rule: &'static str,
    lag_axis: &'static str,
    kind: &'static str,
    incidents: &'static str,
    median: &'static str,
    responses: &'static str,
    responses_text: &'static str,
    endorsed: &'static str,
    endorsed_intro: &'static str,
    state: &'static str,
    norm: &'static str,
    endorsed_on: &'static str,
    incident: &'static str,
    none: &'static str,
    json: &'static str,
    whole_page: &'static str,
    csv: &'static str,
}

const JA: Words = Words {
    title: "指標",
    intro: "公開済みで取り消されていない記録から算出した数値。閲覧権限の範囲の記録だけを数える。",
    violations: "規範ごとの違反（確定・可能性が高い）",
    violations_axis: "件数",
    lag: "帰属までの日数（帰属者の種類別）",
    lag_rule: "インシデントの開始（不明なら発見）から、その種類の帰属者による最初の帰属までの日数の中央値。日付が日単位で分かるものだけを使い、負の値は除く。",
    lag_axis: "日数の中央値",
    kind: "帰属者の種類",
    incidents: "インシデント数",
    median: "中央値（日）",
    responses: "対応率",
    responses_text: "国家に帰属されたインシデントのうち、対応が記録されたもの",
    endorsed: "自ら支持した規範に違反したと評価された国",
    endorsed_intro: "違反の評価（確定・可能性が高い）の対象国が、その規範を支持する公開済みの立場を最新の立場としているもの。",
    state: "国",
    norm: "規範",
    endorsed_on: "支持の表明日",
    incident: "インシデント",
    none: "該当なし",
    json: "JSON",
    whole_page: "このページのすべての数値",
    csv: "CSV",
};

const EN: Words = Words {
    title: "Metrics",
    intro: "Figures over published records that still stand; only records you may read are counted.",
    violations: "Violations per norm (established or likely)",
    violations_axis: "count",
    lag: "Attribution lag by kind of attributor",
    lag_rule: "Median days from an incident's start (or its discovery) to its first attribution by that kind of attributor. Only dates known to the day count; negative lags are left out.",
    lag_axis: "median days",
    kind: "Attributor kind",
    incidents: "Incidents",
    median: "Median (days)",
    responses: "Response rate",
    responses_text: "of the incidents attributed to a state drew a recorded response",
    endorsed: "States assessed as violating norms they endorse",
    endorsed_intro: "Violation assessments (established or likely) against a state whose latest published stance on the norm is to endorse it.",
    state: "State",
    norm: "Norm",
    endorsed_on: "Endorsed on",
    incident: "Incident",
    none: "None",
    json: "JSON",
    whole_page: "Every figure on this page",
    csv: "CSV",
};

fn words(l: Lang) -> &'static Words {
    match l {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// Attributor kinds in both languages.
pub(super) fn kind_label(kind: &str, l: Lang) -> &str {
    let ja = match kind {
        "government" => "政府",
        "intergovernmental" => "国際機関",
        "security-company" => "セキュリティ企業",
        "private-sector" => "民間企業",
        "media" => "報道機関",
        "academia" => "学術",
        "civil-society" => "市民社会",
        "victim" => "被害者",
        "self-claimed" => "攻撃者自身",
        _ => "その他",
    };
    if l == Lang::Ja { ja } else { kind }
}

/// The tables of the page, each downloadable on its own as CSV (`?format=csv&table=…`).
const TABLES: [&str; 4] = ["violations", "lag", "responses", "endorsed"];

/// Everything the page shows, as one JSON document.
#[derive(serde::Serialize)]
struct MetricsJson<'a> {
    violations: &'a [normwatch_core::metrics::ViolationCount],
    attribution_lag: &'a [normwatch_core::metrics::AttributionLag],
    attribution_lag_rule: &'a str,
    responses: &'a normwatch_core::metrics::ResponseRate,
    endorsed_violations: &'a [crate::api::metrics::EndorsedViolation],
}

pub async fn page_metrics(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    params: Params,
) -> Result<Response, WebError> {
    let lang = super::page_language(params.lang, &headers)?;
    let (format, mut params) = download::format(params.without_blanks(), lang)?;
    let table = params.pairs.iter().find(|(k, _)| k == "table").map(|(_, v)| v.clone());
    params.pairs.retain(|(k, _)| k != "table");
    let page = page(&params, &headers, &caller, "/metrics")?;
    let l = page.lang;
    let w = words(l);
    params.only(&[]).map_err(failure(l))?;
    let viewer = caller.viewer();
    let catalog = state.catalog();
    let counts = violation_counts(&state, &viewer).await.map_err(failure(l))?;
    let (_, lag) = lag_figures(&state, &viewer).await.map_err(failure(l))?;
    let rate = response_figures(&state, &viewer).await.map_err(failure(l))?;
    let endorsed = endorsed_violations(&state, &viewer).await.map_err(failure(l))?;
    if format != Format::Html {
        let json = MetricsJson {
            violations: &counts,
            attribution_lag: &lag,
            attribution_lag_rule: crate::api::metrics::LAG_RULE,
            responses: &rate,
            endorsed_violations: &endorsed,
        };
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
                vec!["attributor_kind", "incidents", "median_days"],
                lag.iter()
                    .map(|r| {
                        vec![
                            r.attributor_kind.name().to_owned(),
                            r.incidents.to_string(),
                            r.median_days.map(|m| m.to_string()).unwrap_or_default(),
                        ]
                    })
                    .collect(),
            ),
            "responses" => (
                vec!["attributed_incidents", "with_response", "rate"],
                vec![vec![
                    rate.attributed_incidents.to_string(),
                    rate.with_response.to_string(),
                    rate.rate.map(|r| r.to_string()).unwrap_or_default(),
                ]],
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
                .standing_records::<normwatch_core::violation::AssessmentInput>(&viewer)
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
    for c in &counts {
        *per_norm.entry(c.norm.as_str()).or_default() += c.count as f64;
    }
    let norm_bars: Vec<(String, f64)> = per_norm.iter().map(|(n, c)| ((*n).to_owned(), *c)).collect();
    let lag_bars: Vec<(String, f64)> = lag
        .iter()
        .filter_map(|r| r.median_days.map(|m| (kind_label(r.attributor_kind.name(), l).to_owned(), m)))
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
        @if lag.is_empty() { p { (w.none) } } @else {
            figure role="img" aria-label=(w.lag) { (PreEscaped(lag_svg)) }
            table #lag-table {
                thead { tr { th { (w.kind) } th { (w.incidents) } th { (w.median) } } }
                tbody { @for r in &lag {
                    tr { td { (kind_label(r.attributor_kind.name(), l)) } td { (r.incidents) }
                         td { (r.median_days.map_or_else(|| "—".to_owned(), |m| format!("{m}"))) } }
                } }
            }
        }
        p.downloads { a href=(csv_link("lag")) { (w.csv) } " · " a href="/api/v1/metrics/attribution-lag" { (w.json) } }
        h2 #responses { (w.responses) }
        p #response-rate { b { (rate.with_response) " / " (rate.attributed_incidents) } " "
            (rate.rate.map_or_else(|| "—".to_owned(), |r| format!("({:.0}%)", r * 100.0))) " " (w.responses_text) }
        p.downloads { a href=(csv_link("responses")) { (w.csv) } }
        h2 #endorsed { (w.endorsed) }
        p { (w.endorsed_intro) }
        @if endorsed.is_empty() { p { (w.none) } } @else {
            table #endorsed-table {
                thead { tr { th { (w.state) } th { (w.norm) } th { (w.endorsed_on) } th { (w.incident) } } }
                tbody { @for e in &endorsed {
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

#[cfg(test)]
mod tests {
    #[test]
    fn every_word_in_both_languages() {
        super::super::i18n::assert_translated(&super::JA, &super::EN, &["json", "csv"]);
    }
}
