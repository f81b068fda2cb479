//! `/incident-links`: records of the same real-world incident in different sources. Proposals
//! come from the matcher (`normwatch links propose`, and after each import); editors link by
//! hand, and confirm or reject proposals. A link shows only to whoever may read both incidents.
use super::{created, render};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, api_language};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use normwatch_core::Right;
use normwatch_core::linking::LinkStatus;
use serde::Deserialize;

/// `GET /incident-links?status=&incident=&cursor=&limit=`.
pub async fn list(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&["status", "incident", "cursor", "limit"])?;
    let status = params.one("status")?.map(LinkStatus::parse).transpose()?;
    let limit = params.limit(200, 50)?;
    let page = state
        .store
        .incident_links(&caller.viewer(), status, params.one("incident")?, params.one("cursor")?, limit)
        .await?;
    render(&headers, api_language(&params, &headers), &page)
}

/// `GET /incident-links/{id}`.
pub async fn one_link(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let link = state
        .store
        .incident_link(&caller.viewer(), &id)
        .await?
        .ok_or(ApiError::NotFound { kind: "incident link", id })?;
    render(&headers, api_language(&params, &headers), &link)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    /// The two incidents that are one.
    incidents: Vec<String>,
}

/// `POST /incident-links`: an editor links two incidents by hand (confirmed at once).
pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<LinkInput>, ApiError>,
) -> Result<Response, ApiError> {
    // Who may write is decided before the body is read: 401/403 come before 400.
    caller.require(Right::WriteIncidents, None)?;
    let JsonBody(input) = body?;
    let link = state.app().link_incidents(caller.acting(), &input.incidents).await?;
    Ok(created(&link, format!("/api/v1/incident-links/{}", link.id)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// The version the coder read; a stale one gets 409.
    #[serde(default)]
    version: Option<i64>,
}

async fn decide(
    state: AppState,
    caller: Caller,
    id: String,
    body: Result<JsonBody<DecisionInput>, ApiError>,
    decision: LinkStatus,
) -> Result<Response, ApiError> {
    caller.require(Right::WriteIncidents, None)?;
    // The body is optional: without one, the decision applies to the link as it stands.
    let version = match body {
        Ok(JsonBody(b)) => b.version,
        Err(ApiError::UnsupportedMediaType) => None,
        Err(e) => return Err(e),
    };
    let link = state.app().decide_incident_link(caller.acting(), &id, decision, version).await?;
    Ok(Json(link).into_response())
}

/// `POST /incident-links/{id}/confirm`.
pub async fn confirm(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<JsonBody<DecisionInput>, ApiError>,
) -> Result<Response, ApiError> {
    decide(state, caller, id, body, LinkStatus::Confirmed).await
}

/// `POST /incident-links/{id}/reject`.
pub async fn reject(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<JsonBody<DecisionInput>, ApiError>,
) -> Result<Response, ApiError> {
    decide(state, caller, id, body, LinkStatus::Rejected).await
}
