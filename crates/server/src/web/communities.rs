//! Communities of interest: purpose, focus norms, the five success factors, members, decisions;
//! downloads of exactly what the page shows.
use super::kit::download::{self, Download, Format};
use super::kit::{DataVisit, Rows, Visit};
use super::kit::{WebError, failure, layout};
use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;

pub async fn list(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    // Communities are not logged records: no STIX form.
    let DataVisit { page, format, caller, .. } = v.data("/communities", Rows::NotLogged, &[])?;
    let (l, ui) = (page.lang, page.ui());
    let list = state.store.communities().await.map_err(failure(l))?;
    if format != Format::Html {
        let columns = ["id", "name_ja", "name_en", "focus_norms", "members", "decisions"];
        let rows = list
            .iter()
            .map(|c| {
                vec![
                    c.id.clone(),
                    c.name.ja.clone(),
                    c.name.en.clone(),
                    c.focus_norms.join(" "),
                    c.members.iter().map(|m| m.stakeholder.as_str()).collect::<Vec<_>>().join(" "),
                    c.decisions.len().to_string(),
                ]
            })
            .collect();
        let json = serde_json::json!({ "count": list.len(), "communities": list });
        let d = Download::unlogged("communities", &columns, rows, &json);
        return download::answer(&state, &caller, format, l, &d).await;
    }
    let body = html! {
        h1 { (ui.communities_title) }
        p { (ui.communities_intro) }
        (download::links_without_stix(&page))
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
                ul { @for d in &c.decisions { li { (super::kit::dates::format_date(&d.decided_on, l)) ": " (if d.text.get(l).is_empty() { &d.text.en } else { d.text.get(l) }) " — " (d.participants.join(", ")) } } }
            }
        }
    };
    Ok(layout(&page, ui.communities_title, body).into_response())
}
