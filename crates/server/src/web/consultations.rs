//! Consultations: each proposal, its comment period, the comments by stakeholder kind, the outcome;
//! downloads of exactly what the page shows.
use super::kit::download::{self, Download, Format, wire_name};
use super::kit::{DataVisit, Rows, Visit};
use super::kit::{WebError, failure, layout};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;
use normwatch_core::consultation::Outcome;

pub async fn list(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    // Consultations are not logged records: no STIX form.
    let DataVisit { page, format, caller, .. } = v.data("/consultations", Rows::NotLogged, &[])?;
    let (l, ui) = (page.lang, page.ui());
    let list = state.store.consultations().await.map_err(failure(l))?;
    if format != Format::Html {
        let columns = [
            "id",
            "kind",
            "title_ja",
            "title_en",
            "opens_on",
            "closes_on",
            "outcome",
            "decided_on",
            "proposed_norm",
            "norm",
            "comments",
        ];
        let rows = list
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    wire_name(&c.kind),
                    c.title.ja.clone(),
                    c.title.en.clone(),
                    c.opens_on.clone(),
                    c.closes_on.clone(),
                    c.outcome.as_ref().map(wire_name).unwrap_or_default(),
                    c.decided_on.clone().unwrap_or_default(),
                    c.proposed_norm.as_ref().map(|p| p.id.clone()).unwrap_or_default(),
                    c.norm.clone().unwrap_or_default(),
                    c.comments.len().to_string(),
                ]
            })
            .collect();
        let json = serde_json::json!({ "count": list.len(), "consultations": list });
        let d = Download::unlogged("consultations", &columns, rows, &json);
        return download::answer(&state, &caller, format, l, &d).await;
    }
    let catalog = state.catalog();
    let label = |id: &str| catalog.term(id).map_or(id.to_owned(), |(_, t)| t.label.get(l).to_owned());
    let body = html! {
        h1 { (ui.consultations_title) }
        p { (ui.consultations_intro) }
        (download::links_without_stix(&page))
        @for c in &list {
            section.consultation id=(c.id) {
                h2 { (c.title.get(l)) }
                p { (c.text.get(l)) }
                p { small { (ui.comment_period) ": " (super::kit::dates::format_date(&c.opens_on, l)) " – " (super::kit::dates::format_date(&c.closes_on, l)) " · " (ui.outcome) ": "
                    (match c.outcome { Some(Outcome::Adopted) => "adopted", Some(Outcome::Revised) => "revised", Some(Outcome::Withdrawn) => "withdrawn", None => ui.open })
                    @if let Some(p) = &c.proposed_norm { " · " a href=(page.link(&format!("/norms/{}", p.id))) { (p.id) } } } }
                @if let Some(r) = &c.rationale { p { i { (r.get(l)) } } }
                h3 { (ui.comments) " (" (c.comments.len()) ")" }
                p.balance { @for (kind, n) in &c.balance { span.tag data-kind=(kind) { (label(kind)) ": " (n) } } }
                ul { @for m in &c.comments { li { b { (m.stakeholder) } " (" (label(&m.stakeholder_kind)) "): " (m.text) } } }
            }
        }
    };
    Ok(layout(&page, ui.consultations_title, body).into_response())
}
