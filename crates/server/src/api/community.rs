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
use normwatch_core::community::{CommunityInput, DecisionInput, coordinates};
use serde_json::json;

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<CommunityInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.require(Right::ManageConsultations, None)?;
    let JsonBody(input) = body?;
    let community = input.parse(&state.catalog()).map_err(ApiError::InvalidField)?;
    let focus_norms: Vec<String> = community.focus_norms.iter().map(|n| n.to_string()).collect();
    let members: Vec<(String, String)> =
        community.members.iter().map(|m| (m.stakeholder.to_string(), m.role.as_str().to_owned())).collect();
    state
        .store
        .create_community(
            &caller.actor(),
            community.id.as_str(),
            &community.name,
            &community.purpose,
            &focus_norms,
            &community.success_factors,
            &members,
        )
        .await?;
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
    let account = caller.signed_in()?.clone();
    let JsonBody(input) = body?;
    let community = state
        .store
        .communities()
        .await?
        .into_iter()
        .find(|c| c.id == id)
        .ok_or(ApiError::NotFound { kind: "community", id: id.clone() })?;
    let coordinator = account
        .stakeholder
        .as_ref()
        .is_some_and(|s| coordinates(community.members.iter().map(|m| (m.stakeholder.as_str(), m.role.as_str())), s));
    if !coordinator {
        caller.require(Right::ManageConsultations, None)?;
    }
    input.validate(crate::today()).map_err(ApiError::InvalidField)?;
    let d = state
        .store
        .add_community_decision(&caller.actor(), &id, &input.decided_on, &input.text, &input.participants)
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": d}))).into_response())
}
