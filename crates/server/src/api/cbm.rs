//! Points of contact.
use super::render;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, api_language};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use normwatch_core::Right;
use normwatch_core::cbm::ContactInput;
use serde_json::json;

pub async fn create_contact(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<ContactInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let JsonBody(input) = body?;
    caller.require(Right::WriteContacts, Some(&input.stakeholder))?;
    input.validate().map_err(ApiError::InvalidField)?;
    let c = state.store.create_contact(&caller.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

/// The directory: contacts the caller may read; `current=true` keeps those valid today.
pub async fn contacts(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&["stakeholder", "current"])?;
    let get = |k: &str| params.pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let current = match get("current").as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(normwatch_core::FieldError::new("current", format!("`{other}`: use true or false")).into());
        }
    };
    let today = crate::today().to_string();
    let list: Vec<_> = state
        .store
        .contacts(&caller.viewer(), get("stakeholder").as_deref())
        .await?
        .into_iter()
        .filter(|c| !current || c.current_on(&today))
        .collect();
    render(&headers, api_language(&params, &headers), &json!({"count": list.len(), "contacts": list}))
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckInput {
    organiser: String,
    title: String,
    /// The group: every current contact of these stakeholders is asked to answer.
    stakeholders: Vec<String>,
}

/// Sends a communication check. The answer links stand in for delivery (e-mail or webhook): each
/// holds a one-time token that only its contact should see.
pub async fn send_check(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<CheckInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let JsonBody(input) = body?;
    caller.require(Right::WriteContacts, Some(&input.organiser))?;
    let invalid = |f: &str, r: String| ApiError::InvalidField(normwatch_core::FieldError::new(f, r));
    if input.title.trim().is_empty() || input.title.chars().count() > 200 {
        return Err(invalid("title", "1–200 characters".into()));
    }
    if input.stakeholders.is_empty() {
        return Err(invalid("stakeholders", "name the group: the stakeholders whose contacts are checked".into()));
    }
    // Every contact of the group is checked, whatever the organiser may read of their details.
    let everyone = normwatch_core::Viewer::system();
    let today = crate::today().to_string();
    let mut targets = Vec::new();
    let mut links = Vec::new();
    for (i, s) in input.stakeholders.iter().enumerate() {
        if state.store.stakeholder(s).await?.is_none() {
            return Err(invalid(&format!("stakeholders[{i}]"), format!("no stakeholder `{s}`")));
        }
        for c in state.store.contacts(&everyone, Some(s)).await?.into_iter().filter(|c| c.current_on(&today)) {
            let token = crate::auth::random_secret();
            targets.push((c.id.clone(), s.clone(), crate::auth::secret_hash(&token)));
            links.push(json!({"contact": c.id, "stakeholder": s, "answer": {"method": "POST", "path": "/api/v1/checks/answer", "token": token}}));
        }
    }
    if targets.is_empty() {
        return Err(invalid("stakeholders", "none of these stakeholders has a current point of contact".into()));
    }
    let check = state.store.create_check(&caller.actor(), &input.organiser, input.title.trim(), &targets).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            json!({"check": {"id": check.id, "sent_at": check.sent_at, "targets": targets.len()}, "deliveries": links}),
        ),
    )
        .into_response())
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswerInput {
    token: String,
}

/// A contact answers a check with its one-time token (no account needed: the token is the proof).
pub async fn answer_check(
    State(state): State<AppState>,
    body: Result<JsonBody<AnswerInput>, ApiError>,
) -> Result<Response, ApiError> {
    let JsonBody(input) = body?;
    match state.store.acknowledge_check(&crate::auth::secret_hash(input.token.trim())).await? {
        Some(true) => Ok(Json(json!({"acknowledged": true})).into_response()),
        Some(false) => Ok(Json(json!({"acknowledged": true, "already": true})).into_response()),
        None => Err(ApiError::NotFound { kind: "check answer token", id: "…".into() }),
    }
}

/// Results of every check: response rate and response-time distribution, per check and over
/// time. For signed-in accounts; aggregates and stakeholder ids only, no contact details.
pub async fn checks(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let list: Vec<_> = state
        .store
        .checks()
        .await?
        .into_iter()
        .map(|c| {
            let seconds: Vec<Option<i64>> = c.responses.iter().map(|(_, s)| *s).collect();
            let unanswered: Vec<&str> =
                c.responses.iter().filter(|(_, s)| s.is_none()).map(|(st, _)| st.as_str()).collect();
            json!({"id": c.id, "organiser": c.organiser, "title": c.title, "sent_at": c.sent_at,
                   "results": normwatch_core::cbm::CheckResults::compute(&seconds), "unanswered_by": unanswered})
        })
        .collect();
    Ok(Json(json!({"count": list.len(), "checks": list})).into_response())
}

async fn contact_by_id(state: &AppState, id: &str) -> Result<Option<normwatch_core::cbm::PointOfContact>, ApiError> {
    Ok(state.store.contact(&normwatch_core::Viewer::system(), id).await?)
}

/// Sends a hotline message from one of the caller's stakeholder's contacts to other contacts.
pub async fn send_hotline(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<normwatch_core::cbm::HotlineInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let JsonBody(input) = body?;
    let invalid = |f: &str, r: &str| ApiError::InvalidField(normwatch_core::FieldError::new(f, r));
    let from = contact_by_id(&state, &input.from_contact)
        .await?
        .ok_or_else(|| invalid("from_contact", "no such point of contact"))?;
    caller.require(Right::WriteContacts, Some(&from.stakeholder))?;
    input.validate().map_err(ApiError::InvalidField)?;
    let mut to = Vec::new();
    for (i, id) in input.to_contacts.iter().enumerate() {
        let c = contact_by_id(&state, id)
            .await?
            .ok_or_else(|| invalid(&format!("to_contacts[{i}]"), "no such point of contact"))?;
        if c.id == from.id || to.iter().any(|t: &normwatch_core::cbm::PointOfContact| t.id == c.id) {
            return Err(invalid(&format!("to_contacts[{i}]"), "the sender, or listed twice"));
        }
        to.push(c);
    }
    let id = state.store.create_hotline_message(&caller.actor(), &from, &to, &input).await?;
    // Each recipient stakeholder's webhooks get the message, signed (see webhooks.rs).
    let mut stakeholders: Vec<String> = to.iter().map(|c| c.stakeholder.clone()).collect();
    stakeholders.sort();
    stakeholders.dedup();
    let body =
        json!({"event": "hotline.message", "id": id, "from_contact": from.id, "from_stakeholder": from.stakeholder,
        "to_contacts": input.to_contacts, "severity": input.severity, "subject": input.subject, "body": input.body,
        "ack_within_minutes": input.ack_within_minutes})
        .to_string();
    let queued = state.store.queue_webhooks(&stakeholders, "hotline.message", &id, &body).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id, "recipients": to.len(), "webhooks_queued": queued})))
        .into_response())
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    stakeholder: String,
    url: String,
}

/// Registers an endpoint for a stakeholder's hotline messages; the signing secret is shown once.
pub async fn create_webhook(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<WebhookInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let JsonBody(input) = body?;
    caller.require(Right::WriteContacts, Some(&input.stakeholder))?;
    let ok = (input.url.starts_with("https://") || input.url.starts_with("http://"))
        && input.url.len() <= 2048
        && !input.url.contains(' ');
    if !ok {
        return Err(ApiError::InvalidField(normwatch_core::FieldError::new("url", "an http(s) URL")));
    }
    let secret = crate::auth::random_secret();
    let id = state.store.create_webhook(&caller.actor(), &input.stakeholder, &input.url, &secret).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id, "secret": secret}))).into_response())
}

/// The delivery log of an endpoint, for its stakeholder.
pub async fn webhook_deliveries(
    State(state): State<AppState>,
    caller: Caller,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let owner = state.store.webhook_owner(&id).await?.ok_or(ApiError::NotFound { kind: "webhook", id: id.clone() })?;
    caller.require(Right::WriteContacts, Some(&owner))?;
    let list = state.store.webhook_deliveries(&id).await?;
    Ok(Json(json!({"count": list.len(), "deliveries": list})).into_response())
}

/// The caller's hotline inbox and outbox: messages its stakeholder sent or received (admins: all),
/// with each recipient's acknowledgement and escalation.
pub async fn hotline(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    let account = caller.signed_in()?;
    let list = if account.role == normwatch_core::Role::Admin {
        state.store.hotline_messages(None).await?
    } else if let Some(s) = &account.stakeholder {
        state.store.hotline_messages(Some(s)).await?
    } else {
        vec![]
    };
    Ok(Json(json!({"count": list.len(), "messages": list})).into_response())
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AckInput {
    contact: String,
}

pub async fn acknowledge_hotline(
    State(state): State<AppState>,
    caller: Caller,
    axum::extract::Path(id): axum::extract::Path<String>,
    body: Result<JsonBody<AckInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let JsonBody(input) = body?;
    let contact = contact_by_id(&state, &input.contact).await?.ok_or_else(|| {
        ApiError::InvalidField(normwatch_core::FieldError::new("contact", "no such point of contact"))
    })?;
    caller.require(Right::WriteContacts, Some(&contact.stakeholder))?;
    match state.store.acknowledge_hotline(&caller.actor(), &id, &contact.id).await? {
        Some(first) => Ok(Json(json!({"acknowledged": true, "already": !first})).into_response()),
        None => Err(ApiError::NotFound { kind: "hotline message to this contact", id }),
    }
}
