//! Points of contact.
use super::accounts::ServerSecrets;
use super::handler::{Answer, Read, Write, listed, made, ok};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::JsonBody;
use axum::extract::{Path, State};
use normwatch_core::Right;
use normwatch_core::cbm::{CheckInput, ContactInput, HotlineInput, WebhookInput};
use serde_json::json;

pub async fn create_contact(State(state): State<AppState>, write: Write<ContactInput>) -> Answer {
    let (caller, input) = write.signed_in()?;
    made(state.app().create_contact(caller.acting(), &input).await?)
}

/// The directory: contacts the caller may read; `current=true` keeps those valid today.
pub async fn contacts(State(state): State<AppState>, caller: Caller, read: Read) -> Answer {
    read.only(&["stakeholder", "current"])?;
    let current = match read.first("current") {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(normwatch_core::FieldError::new("current", format!("`{other}`: use true or false")).into());
        }
    };
    let today = crate::today().to_string();
    let list: Vec<_> = state
        .store
        .contacts(&caller.viewer(), read.first("stakeholder"))
        .await?
        .into_iter()
        .filter(|c| !current || c.current_on(&today))
        .collect();
    read.render(&listed("contacts", &list))
}

/// Sends a communication check. The answer links stand in for delivery (e-mail or webhook): each
/// holds a one-time token that only its contact should see.
pub async fn send_check(State(state): State<AppState>, write: Write<CheckInput>) -> Answer {
    let (caller, input) = write.signed_in()?;
    let (check, deliveries) = state.app().send_check(caller.acting(), &input, &ServerSecrets).await?;
    let links: Vec<_> = deliveries
        .iter()
        .map(|d| json!({"contact": d.contact, "stakeholder": d.stakeholder, "answer": {"method": "POST", "path": "/api/v1/checks/answer", "token": d.token}}))
        .collect();
    made(json!({"check": {"id": check.id, "sent_at": check.sent_at, "targets": links.len()}, "deliveries": links}))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    token: String,
}

/// A contact answers a check with its one-time token (no account needed: the token is the proof).
pub async fn answer_check(State(state): State<AppState>, JsonBody(input): JsonBody<AnswerInput>) -> Answer {
    if state.app().answer_check(&input.token, &ServerSecrets).await? {
        ok(json!({"acknowledged": true}))
    } else {
        ok(json!({"acknowledged": true, "already": true}))
    }
}

/// Results of every check: response rate and response-time distribution, per check and over
/// time. For signed-in accounts; aggregates and stakeholder ids only, no contact details.
pub async fn checks(State(state): State<AppState>, caller: Caller) -> Answer {
    let list: Vec<_> = state
        .app()
        .check_results(caller.acting())
        .await?
        .into_iter()
        .map(|(c, results)| {
            let unanswered: Vec<&str> =
                c.responses.iter().filter(|(_, s)| s.is_none()).map(|(st, _)| st.as_str()).collect();
            json!({"id": c.id, "organiser": c.organiser, "title": c.title, "sent_at": c.sent_at,
                   "results": results, "unanswered_by": unanswered})
        })
        .collect();
    ok(listed("checks", &list))
}

/// Sends a hotline message from one of the caller's stakeholder's contacts to other contacts.
pub async fn send_hotline(State(state): State<AppState>, write: Write<HotlineInput>) -> Answer {
    let (caller, input) = write.signed_in()?;
    let sent = state.app().send_hotline(caller.acting(), &input).await?;
    made(json!({"id": sent.id, "recipients": sent.recipients, "webhooks_queued": sent.webhooks_queued}))
}

/// Registers an endpoint for a stakeholder's hotline messages; the signing secret is shown once.
pub async fn create_webhook(State(state): State<AppState>, write: Write<WebhookInput>) -> Answer {
    let (caller, input) = write.signed_in()?;
    let (id, secret) = state.app().create_webhook(caller.acting(), &input, &ServerSecrets).await?;
    made(json!({"id": id, "secret": secret}))
}

/// The delivery log of an endpoint, for its stakeholder.
pub async fn webhook_deliveries(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Answer {
    caller.signed_in()?;
    let owner = state.store.webhook_owner(&id).await?.ok_or(ApiError::NotFound { kind: "webhook", id: id.clone() })?;
    caller.require(Right::WriteContacts, Some(&owner))?;
    let list = state.store.webhook_deliveries(&id).await?;
    ok(listed("deliveries", &list))
}

/// The caller's hotline inbox and outbox: messages its stakeholder sent or received (admins: all),
/// with each recipient's acknowledgement and escalation.
pub async fn hotline(State(state): State<AppState>, caller: Caller) -> Answer {
    caller.signed_in()?;
    let list = state.app().hotline_inbox(caller.acting()).await?;
    ok(listed("messages", &list))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AckInput {
    contact: String,
}

pub async fn acknowledge_hotline(
    State(state): State<AppState>,
    Path(id): Path<String>,
    write: Write<AckInput>,
) -> Answer {
    let (caller, input) = write.signed_in()?;
    let first = state.app().acknowledge_hotline(caller.acting(), &id, &input.contact).await?;
    ok(json!({"acknowledged": true, "already": !first}))
}
