//! Consultations: each proposal, its comment period, the comments by stakeholder kind, the outcome.
use super::pages::page;
use super::{WebError, failure, layout};
use crate::AppState;
use crate::auth::Caller;
use crate::extract::Params;
use axum::extract::State;
use axum::http::HeaderMap;
use maud::{Markup, html};
use normwatch_core::consultation::Outcome;

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    params: Params,
) -> Result<Markup, WebError> {
    let page = page(&params, &headers, &caller, "/consultations")?;
    let (l, ui) = (page.lang, page.ui());
    params.only(&[]).map_err(failure(l))?;
    let list = state.store.consultations().await.map_err(failure(l))?;
    let catalog = state.catalog();
    let label = |id: &str| catalog.term(id).map_or(id.to_owned(), |(_, t)| t.label.get(l).to_owned());
    let body = html! {
        h1 { (ui.consultations_title) }
        p { (ui.consultations_intro) }
        @for c in &list {
            section.consultation id=(c.id) {
                h2 { (c.title.get(l)) }
                p { (c.text.get(l)) }
                p { small { (ui.comment_period) ": " (c.opens_on) " – " (c.closes_on) " · " (ui.outcome) ": "
                    (match c.outcome { Some(Outcome::Adopted) => "adopted", Some(Outcome::Revised) => "revised", Some(Outcome::Withdrawn) => "withdrawn", None => ui.open })
                    @if let Some(p) = &c.proposed_norm { " · " a href=(page.link(&format!("/norms/{}", p.id))) { (p.id) } } } }
                @if let Some(r) = &c.rationale { p { i { (r.get(l)) } } }
                h3 { (ui.comments) " (" (c.comments.len()) ")" }
                p.balance { @for (kind, n) in &c.balance { span.tag data-kind=(kind) { (label(kind)) ": " (n) } } }
                ul { @for m in &c.comments { li { b { (m.stakeholder) } " (" (label(&m.stakeholder_kind)) "): " (m.text) } } }
            }
        }
    };
    Ok(layout(&page, ui.consultations_title, body))
}
