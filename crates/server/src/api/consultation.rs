//! Consultations: proposals, comment periods, comments by stakeholder kind, outcomes.
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use normwatch_core::Right;
use normwatch_core::consultation::{CommentInput, ConsultationInput, OutcomeInput};
use serde_json::json;

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<ConsultationInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.require(Right::ManageConsultations, None)?;
    let JsonBody(input) = body?;
    let id = state.app().create_consultation(caller.acting(), &input).await?;
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

/// A stakeholder comments, while the comment period is open (contributors for their own).
pub async fn comment(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<JsonBody<CommentInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let JsonBody(input) = body?;
    let comment = state.app().comment_on_consultation(caller.acting(), &id, &input).await?;
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
    state.app().decide_consultation(caller.acting(), &id, &input).await?;
    state.reload_catalog().await?;
    let c = state.store.consultation(&id).await?.ok_or(ApiError::NotFound { kind: "consultation", id })?;
    Ok(Json(c).into_response())
}
