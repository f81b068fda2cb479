//! Consultations: proposals, comment periods, comments by stakeholder kind, outcomes.
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use normwatch_core::consultation::{ConsultationInput, OutcomeInput};
use normwatch_core::{FieldError, Right};
use serde_json::json;

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<ConsultationInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.require(Right::ManageConsultations, None)?;
    let JsonBody(input) = body?;
    input.validate(&state.catalog()).map_err(ApiError::InvalidField)?;
    let id = state.store.create_consultation(&caller.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": id}))).into_response())
}

pub async fn list(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    params.only(&[])?;
    let list = state.store.consultations().await?;
    Ok(Json(json!({"count": list.len(), "consultations": list})).into_response())
}

pub async fn one(State(state): State<AppState>, Path(id): Path<String>) -> Result<Response, ApiError> {
    let c = state.store.consultation(&id).await?.ok_or(ApiError::NotFound { kind: "consultation", id })?;
    Ok(Json(c).into_response())
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommentInput {
    stakeholder: String,
    text: String,
}

/// A stakeholder comments, while the comment period is open (contributors for their own).
pub async fn comment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<JsonBody<CommentInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let JsonBody(input) = body?;
    caller.require(Right::WritePositions, Some(&input.stakeholder))?;
    let c = state.store.consultation(&id).await?.ok_or(ApiError::NotFound { kind: "consultation", id: id.clone() })?;
    let today = crate::today().to_string();
    if !ConsultationInput::open_on(&c.opens_on, &c.closes_on, &today) || c.outcome.is_some() {
        return Err(ApiError::InvalidField(FieldError::new(
            "consultation",
            format!("comments are open from {} to {} and before a decision", c.opens_on, c.closes_on),
        )));
    }
    if input.text.trim().is_empty() || input.text.chars().count() > 8000 {
        return Err(ApiError::InvalidField(FieldError::new("text", "1–8000 characters")));
    }
    let comment = state.store.add_comment(&caller.actor(), &id, &input.stakeholder, input.text.trim()).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": comment}))).into_response())
}

/// Decides the consultation; an adopted new norm joins the catalogue as `proposed` at once.
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<JsonBody<OutcomeInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.require(Right::ManageConsultations, None)?;
    let JsonBody(input) = body?;
    let c = state.store.consultation(&id).await?.ok_or(ApiError::NotFound { kind: "consultation", id: id.clone() })?;
    if input.rationale.ja.trim().is_empty() && input.rationale.en.trim().is_empty() {
        return Err(ApiError::InvalidField(FieldError::new("rationale", "explain the outcome (ja, en or both)")));
    }
    normwatch_core::adoption::past_date("decided_on", &input.decided_on, crate::today())
        .map_err(ApiError::InvalidField)?;
    if input.decided_on < c.opens_on {
        return Err(ApiError::InvalidField(FieldError::new("decided_on", "before the consultation opened")));
    }
    state.store.decide_consultation(&caller.actor(), &c, &input).await?;
    state.reload_catalog().await?;
    let c = state.store.consultation(&id).await?.ok_or(ApiError::NotFound { kind: "consultation", id })?;
    Ok(Json(c).into_response())
}
