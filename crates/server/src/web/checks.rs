//! Communication-check results: the response rate over time (chart) and each check's figures.
use super::kit::Visit;
use super::kit::{WebError, failure, layout};
use crate::AppState;
use axum::extract::State;
use maud::{Markup, PreEscaped, html};

pub async fn results(State(state): State<AppState>, v: Visit) -> Result<Markup, WebError> {
    let page = v.page("/checks")?;
    let (l, ui) = (page.lang, page.ui());
    if v.caller.account.is_none() {
        let body =
            html! { h1 { (ui.checks_title) } p { (ui.checks_intro) } p #signed-in-only { (ui.checks_signed_in_only) } };
        return Ok(layout(&page, ui.checks_title, body));
    }
    let rows = state.app().check_results(v.caller.acting()).await.map_err(failure(l))?;
    let points: Vec<(time::Date, f64)> = rows
        .iter()
        .filter_map(|(c, r)| {
            Some((normwatch_core::adoption::parse_date("d", c.sent_at.get(..10)?).ok()?, r.response_rate?))
        })
        .collect();
    let chart =
        if points.is_empty() { None } else { super::kit::charts::percent_over_time(&points, ui.response_rate).ok() };
    let minutes = |s: Option<f64>| s.map_or_else(|| "—".to_owned(), |s| format!("{:.0} min", s / 60.0));
    let body = html! {
        h1 { (ui.checks_title) }
        p { (ui.checks_intro) }
        @if let Some(svg) = &chart { figure #rate-chart role="img" aria-label=(ui.response_rate) { (PreEscaped(svg)) } }
        table #checks {
            thead { tr { th { (ui.stated_on) } th { (ui.summary) } th { (ui.response_rate) } th { (ui.median_response) } th { "≤15m / ≤1h / ≤4h / ≤24h / >24h" } th { (ui.unanswered) } } }
            tbody {
                @for (c, r) in &rows {
                    tr {
                        td { (c.sent_at.get(..10).unwrap_or("")) }
                        td { (c.title) " (" (c.organiser) ")" }
                        td { (r.response_rate.map_or_else(|| "—".to_owned(), |x| format!("{x}%"))) }
                        td { (minutes(r.median_seconds)) }
                        td { (r.distribution.iter().map(|(_, n)| n.to_string()).collect::<Vec<_>>().join(" / ")) }
                        td { (r.unanswered) }
                    }
                }
            }
        }
    };
    Ok(layout(&page, ui.checks_title, body))
}
