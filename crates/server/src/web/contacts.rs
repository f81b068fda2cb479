//! The points-of-contact directory, as far as the visitor is cleared to read it, and downloads
//! of exactly the contacts it shows.
use super::kit::download::{self, Download, Format};
use super::kit::{DataVisit, Rows, Visit};
use super::kit::{WebError, failure, layout};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;
use normwatch_core::cbm::ContactKind;

pub async fn directory(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let DataVisit { page, format, caller, .. } = v.data("/contacts", Rows::Logged, &[])?;
    let (l, ui) = (page.lang, page.ui());
    let today = crate::today().to_string();
    let list: Vec<_> = state
        .store
        .contacts(&caller.viewer(), None)
        .await
        .map_err(failure(l))?
        .into_iter()
        .filter(|c| c.current_on(&today))
        .collect();
    if format != Format::Html {
        let columns =
            ["id", "stakeholder", "kind", "name", "role_title", "channels", "hours", "time_zone", "languages", "tlp"];
        let rows = list
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    c.stakeholder.clone(),
                    match c.kind {
                        ContactKind::Policy => "policy",
                        ContactKind::Technical => "technical",
                    }
                    .to_owned(),
                    c.name.clone(),
                    c.role_title.clone(),
                    c.channels.iter().map(|ch| ch.value.as_str()).collect::<Vec<_>>().join(" "),
                    c.hours.clone(),
                    c.time_zone.clone(),
                    c.languages.join(" "),
                    c.recorded.tlp.name().to_owned(),
                ]
            })
            .collect();
        let json = serde_json::json!({ "on": today, "count": list.len(), "contacts": list });
        let d = Download {
            name: "contacts",
            columns: &columns,
            rows,
            json: &json,
            records: list.iter().map(|c| ("point-of-contact", c.id.as_str())).collect(),
            stakeholders: list.iter().map(|c| c.stakeholder.as_str()).collect(),
        };
        return download::answer(&state, &caller, format, l, &d).await;
    }
    let body = html! {
        h1 { (ui.contacts_title) }
        p { (ui.contacts_intro) }
        (download::links(&page))
        @if list.is_empty() {
            p #no-contacts { (ui.contacts_hidden) }
        } @else {
            table #contacts {
                thead { tr { th { (ui.stakeholders) } th { (ui.kind) } th { (ui.username) } th { (ui.hours) } th { (ui.languages) } } }
                tbody {
                    @for c in &list {
                        tr data-tlp=(c.recorded.tlp.name()) {
                            td { a href=(page.link(&format!("/stakeholders/{}", c.stakeholder))) { (c.stakeholder) } }
                            td { (match c.kind { ContactKind::Policy => ui.contact_policy, ContactKind::Technical => ui.contact_technical }) }
                            td { b { (c.name) } " — " (c.role_title) br;
                                 @for ch in &c.channels { span.tag { (ch.value) } } }
                            td { (c.hours) " (" (c.time_zone) ")" }
                            td { (c.languages.join(", ")) }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(&page, ui.contacts_title, body).into_response())
}
