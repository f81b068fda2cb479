//! Communities of interest: purpose, focus norms, the five success factors, members, decisions.
use super::pages::page;
use super::{WebError, failure, layout};
use crate::AppState;
use crate::auth::Caller;
use crate::extract::Params;
use axum::extract::State;
use axum::http::HeaderMap;
use maud::{Markup, html};

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    params: Params,
) -> Result<Markup, WebError> {
    let page = page(&params, &headers, &caller, "/communities")?;
    let (l, ui) = (page.lang, page.ui());
    params.only(&[]).map_err(failure(l))?;
    let list = state.store.communities().await.map_err(failure(l))?;
    let body = html! {
        h1 { (ui.communities_title) }
        p { (ui.communities_intro) }
        @for c in &list {
            section.community id=(c.id) {
                h2 { (c.name.get(l)) }
                p { (c.purpose.get(l)) " " @for n in &c.focus_norms { a.tag href=(page.link(&format!("/norms/{n}"))) { (n) } } }
                dl.facts {
                    dt { (ui.factor_principles) } dd { (c.success_factors.shared_principles) }
                    dt { (ui.factor_focus) } dd { (c.success_factors.problem_focus) }
                    dt { (ui.factor_expertise) } dd { (c.success_factors.expertise) }
                    dt { (ui.factor_support) } dd { (c.success_factors.support) }
                    dt { (ui.factor_process) } dd { (c.success_factors.transparent_process) }
                    dt { (ui.members) } dd { @for m in &c.members { a.tag href=(page.link(&format!("/stakeholders/{}", m.stakeholder))) { (m.stakeholder) " (" (m.role) ")" } } }
                }
                h3 { (ui.decisions) }
                ul { @for d in &c.decisions { li { (d.decided_on) ": " (if d.text.get(l).is_empty() { &d.text.en } else { d.text.get(l) }) " — " (d.participants.join(", ")) } } }
            }
        }
    };
    Ok(layout(&page, ui.communities_title, body))
}
