//! The points-of-contact directory, as far as the visitor is cleared to read it.
use super::pages::page;
use super::{WebError, failure, layout};
use crate::AppState;
use crate::auth::Caller;
use crate::extract::Params;
use axum::extract::State;
use axum::http::HeaderMap;
use maud::{Markup, html};
use normwatch_core::cbm::ContactKind;

pub async fn directory(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    params: Params,
) -> Result<Markup, WebError> {
    let page = page(&params, &headers, &caller, "/contacts")?;
    let (l, ui) = (page.lang, page.ui());
    params.only(&[]).map_err(failure(l))?;
    let today = crate::today().to_string();
    let list: Vec<_> = state
        .store
        .contacts(&caller.viewer(), None)
        .await
        .map_err(failure(l))?
        .into_iter()
        .filter(|c| c.current_on(&today))
        .collect();
    let body = html! {
        h1 { (ui.contacts_title) }
        p { (ui.contacts_intro) }
        @if list.is_empty() {
            p #no-contacts { (ui.contacts_hidden) }
        } @else {
            table #contacts {
                thead { tr { th { (ui.stakeholders) } th { (ui.kind) } th { (ui.username) } th { (ui.hours) } th { (ui.languages) } } }
                tbody {
                    @for c in &list {
                        tr data-tlp=(c.tlp.name()) {
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
    Ok(layout(&page, ui.contacts_title, body))
}
