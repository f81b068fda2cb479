//! The standards registry and baselines, and a stakeholder's hygiene scores over time as an SVG
//! chart drawn on the server; downloads of exactly what each shows.
use super::kit::download::{self, Download, Format};
use super::kit::encode;
use super::kit::{DataVisit, Rows, Visit};
use super::kit::{WebError, failure, layout};
use crate::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use maud::{PreEscaped, html};
use normwatch_core::capacity::{Assessment, ControlStatus};

pub async fn standards(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    // The registry is catalogue data, not logged records: no STIX form.
    let DataVisit { page, format, caller, .. } = v.data("/standards", Rows::NotLogged, &[])?;
    let (l, ui, c) = (page.lang, page.ui(), state.catalog());
    if format != Format::Html {
        let columns = ["id", "title_ja", "title_en", "publisher", "url", "norms", "assets"];
        let rows = c
            .standards
            .iter()
            .map(|s| {
                vec![
                    s.id.clone(),
                    s.title.ja.clone(),
                    s.title.en.clone(),
                    s.publisher.clone(),
                    s.url.clone(),
                    s.norms.join(" "),
                    s.assets.join(" "),
                ]
            })
            .collect();
        let json = serde_json::json!({ "standards": c.standards, "baselines": c.baselines });
        let d = Download::unlogged("standards", &columns, rows, &json);
        return download::answer(&state, &caller, format, l, &d).await;
    }
    let label = |id: &str| c.term(id).map_or(id.to_owned(), |(_, t)| t.label.get(l).to_owned());
    let body = html! {
        h1 { (ui.standards_title) }
        p { (ui.standards_intro) }
        (download::links_without_stix(&page))
        table #standards {
            thead { tr { th { (ui.standards_title) } th { (ui.norms) } th { (ui.assets) } } }
            tbody {
                @for s in &c.standards {
                    tr id=(s.id) {
                        td { a href=(s.url) { b { (s.title.get(l)) } } " · " (s.publisher) br; small { (s.summary.get(l)) } }
                        td { @for n in &s.norms { a.tag href=(page.link(&format!("/norms/{n}"))) { (n) } } }
                        td { @for a in &s.assets { span.tag { (label(a)) } } }
                    }
                }
            }
        }
        @for b in &c.baselines {
            h2 id=(b.id) { (b.title.get(l)) }
            p { (b.summary.get(l)) }
            ol { @for ctl in &b.controls { li { (ctl.title.get(l)) " " @for st in &ctl.standards { a.tag href=(format!("#{st}")) { (st) } } } } }
        }
    };
    Ok(layout(&page, ui.standards_title, body).into_response())
}

pub async fn stakeholder_hygiene(
    State(state): State<AppState>,
    Path(id): Path<String>,
    v: Visit,
) -> Result<Response, WebError> {
    let DataVisit { page, format, params, caller } =
        v.without_blanks().data(&format!("/stakeholders/{}/hygiene", encode(&id)), Rows::Logged, &["baseline"])?;
    let (l, ui) = (page.lang, page.ui());
    let baseline_id = params.first("baseline").map(str::to_owned);
    let baseline = match &baseline_id {
        Some(b) => state.catalog().baseline(b).cloned(),
        None => state.catalog().baselines.first().cloned(),
    }
    .ok_or_else(|| WebError::not_found(l, "no such baseline"))?;
    let s = state
        .store
        .stakeholder(&id)
        .await
        .map_err(failure(l))?
        .ok_or_else(|| WebError::not_found(l, format!("no stakeholder `{id}`")))?;
    let list: Vec<Assessment> =
        state.store.assessments(&caller.viewer(), Some(&id), Some(&baseline.id)).await.map_err(failure(l))?;
    if format != Format::Html {
        let columns = ["id", "stakeholder", "baseline", "assessed_on", "score", "tlp"];
        let rows = list
            .iter()
            .map(|a| {
                vec![
                    a.id.clone(),
                    a.stakeholder.clone(),
                    a.baseline.clone(),
                    a.assessed_on.clone(),
                    a.score.map(|x| x.to_string()).unwrap_or_default(),
                    a.recorded.tlp.name().to_owned(),
                ]
            })
            .collect();
        let json = serde_json::json!({ "stakeholder": s.id, "baseline": baseline.id, "count": list.len(), "assessments": list });
        let name = format!("hygiene-{}", s.id);
        let d = Download {
            name: &name,
            columns: &columns,
            rows,
            json: &json,
            records: list.iter().map(|a| ("hygiene-assessment", a.id.as_str())).collect(),
            stakeholders: vec![s.id.as_str()],
        };
        return download::answer(&state, &caller, format, l, &d).await;
    }
    let points: Vec<(time::Date, f64)> = list
        .iter()
        .filter_map(|a| Some((normwatch_core::adoption::parse_date("d", &a.assessed_on).ok()?, a.score?)))
        .collect();
    let chart =
        if points.is_empty() { None } else { super::kit::charts::percent_over_time(&points, ui.hygiene_score).ok() };
    let latest = list.last();
    let body = html! {
        p.id { (s.id) }
        h1 { (s.name.get(l)) " — " (baseline.title.get(l)) }
        @match &chart {
            Some(svg) => { figure #score-chart role="img" aria-label=(ui.hygiene_score) { (PreEscaped(svg)) } }
            None => { p { (ui.no_results) } }
        }
        (download::links(&page))
        table #scores { thead { tr { th { (ui.stated_on) } th { (ui.hygiene_score) } } }
            tbody { @for a in &list { tr { td.date { (super::kit::dates::format_date(&a.assessed_on, l)) } td { (a.score.map_or_else(|| "—".to_owned(), |x| format!("{x}%"))) } } } } }
        @if let Some(a) = latest {
            h2 { (ui.hygiene_latest) " (" (super::kit::dates::format_date(&a.assessed_on, l)) ")" }
            table #controls { tbody {
                @for ctl in &baseline.controls {
                    tr { td { (ctl.title.get(l)) } td { (a.results.iter().find(|r| r.control == ctl.id).map_or("—", |r| match r.status {
                        ControlStatus::Implemented => ui.control_implemented,
                        ControlStatus::Partial => ui.control_partial,
                        ControlStatus::NotImplemented => ui.control_not_implemented,
                        ControlStatus::NotApplicable => ui.control_not_applicable,
                    })) } }
                }
            } }
        }
    };
    Ok(layout(&page, baseline.title.get(l), body).into_response())
}
