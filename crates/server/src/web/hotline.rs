//! The hotline inbox of the signed-in person's stakeholder (admins: all messages).
use super::kit::Visit;
use super::kit::{WebError, failure, layout};
use crate::AppState;
use axum::extract::State;
use maud::{Markup, html};

pub async fn inbox(State(state): State<AppState>, v: Visit) -> Result<Markup, WebError> {
    let page = v.page("/hotline")?;
    let (l, ui) = (page.lang, page.ui());
    let messages = state.app().hotline_inbox(v.caller.acting()).await.map_err(failure(l))?;
    let body = html! {
        h1 { (ui.hotline_title) }
        p { (ui.hotline_intro) }
        @if v.caller.account.is_none() { p #signed-in-only { (ui.checks_signed_in_only) } }
        @else if messages.is_empty() { p { (ui.hotline_none) } }
        @for m in &messages {
            section.message data-severity=(format!("{:?}", m.severity).to_lowercase()) {
                h2 { (m.subject) }
                p { small { (ui.severity) ": " (format!("{:?}", m.severity).to_lowercase()) " · " (m.from_stakeholder) " · " (m.sent_at) " · " (ui.deadline) " " (m.ack_deadline) } }
                p { (if m.body.get(l).trim().is_empty() { if l == normwatch_core::Lang::Ja { &m.body.en } else { &m.body.ja } } else { m.body.get(l) }) }
                ul {
                    @for r in &m.recipients {
                        li data-escalated=(r.escalated) {
                            (r.stakeholder) " — "
                            @if r.acknowledged_at.is_some() { span.tag { (ui.acknowledged) } }
                            @else if r.escalated { span.tag.error { (ui.escalated) } }
                            @else { span.tag { (ui.waiting) } }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(&page, ui.hotline_title, body))
}
