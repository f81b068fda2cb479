//! Communities of interest: public metadata (members, focus norms, success factors, decisions).
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::JsonBody;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use normwatch_core::Right;
use normwatch_core::community::{CommunityInput, DecisionInput};
use serde_json::json;

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<CommunityInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.require(Right::ManageConsultations, None)?;
    let JsonBody(input) = body?;
    let community = state.app().create_community(caller.acting(), input).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": community.id}))).into_response())
}

pub async fn list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let list = state.store.communities().await?;
    Ok(Json(json!({"count": list.len(), "communities": list})).into_response())
}

/// Logs a decision: by a coordinator member's account, or an admin or editor.
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<JsonBody<DecisionInput>, ApiError>,
) -> Result<Response, ApiError> {
    // Who may write is decided before the body is read: 401 comes before 400.
    caller.signed_in()?;
    let JsonBody(input) = body?;
    let d = state.app().decide_for_community(caller.acting(), &id, &input).await?;
    Ok((StatusCode::CREATED, Json(json!({"id": d}))).into_response())
}
