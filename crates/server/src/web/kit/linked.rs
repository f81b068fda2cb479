//! Records linked as the same incident, as the incident-links page and an incident's pages show
//! them: one record's cell, the "also recorded in" note under a listed incident, and the incident
//! page's section of the same incident in other sources.
use super::i18n::in_lang;
use super::page::{Page, WebError, failure};
use super::text::{either, encode};
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::i18n::words;
use maud::{Markup, html};
use normwatch_store::LinkEnd;

words! {
    struct Words;
    start: "開始", "Start";
    source: "出典", "Source";
    entered_here: "ここで入力", "entered here";
    same_incident: "他の出典にある同じ事案", "Same incident in other sources";
    same_intro:
        "確認済みの関連付けにより、次の記録はこの事案と同じものとして一件に数えられます。",
        "Confirmed links make these records one incident with this one; lists and counts take them once.";
    also_in: "同じ事案の他の記録", "also recorded in";
}

/// One linked record: its title, source, identifier there, start date and first source link.
pub fn end_cell(page: &Page, e: &LinkEnd) -> Markup {
    let w = in_lang(page.lang, &JA, &EN);
    html! {
        a href=(page.link(&format!("/incidents/{}", encode(&e.id)))) { (either(&e.title, page.lang)) }
        br;
        small {
            (w.source) ": " (e.dataset.as_deref().unwrap_or(w.entered_here))
            @if let Some(o) = &e.origin_id { " " (o) }
            " · " (w.start) ": " (e.start.as_deref().unwrap_or("—"))
        }
        @if let Some(u) = e.sources.first() { br; small { a href=(u) rel="noreferrer" { (u) } } }
    }
}

/// Under a listed incident: the other records of its group, with their sources.
pub fn also_in(page: &Page, others: &[LinkEnd]) -> Markup {
    let w = in_lang(page.lang, &JA, &EN);
    html! {
        @if !others.is_empty() {
            br;
            small.also-in { (w.also_in) ": "
                @for (n, e) in others.iter().enumerate() {
                    @if n > 0 { ", " }
                    a href=(page.link(&format!("/incidents/{}", encode(&e.id)))) { (e.dataset.as_deref().unwrap_or(w.entered_here)) }
                }
            }
        }
    }
}

/// The incident page's section: the same incident in other sources, as the viewer may read.
pub async fn same_incident_section(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: &str,
) -> Result<Markup, WebError> {
    let l = page.lang;
    let others = state.store.linked_incidents(&caller.viewer(), id).await.map_err(failure(l))?;
    let w = in_lang(l, &JA, &EN);
    Ok(html! {
        @if !others.is_empty() {
            h2 #same-incident { (w.same_incident) }
            p { (w.same_intro) }
            ul #linked-records { @for e in &others {
                li { (end_cell(page, e))
                    @if e.sources.len() > 1 { ul { @for u in e.sources.iter().skip(1).take(10) { li { a href=(u) rel="noreferrer" { (u) } } } } } }
            } }
        }
    })
}
