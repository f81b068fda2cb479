//! Communities of interest: public metadata (members, focus norms, success factors, decisions).
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::JsonBody;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use normwatch_core::{FieldError, Localized, Right};
use normwatch_store::SuccessFactors;
use serde_json::json;

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    stakeholder: String,
    #[serde(default = "member")]
    role: String,
}

fn member() -> String {
    "member".to_owned()
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunityInput {
    id: String,
    name: Localized,
    purpose: Localized,
    #[serde(default)]
    focus_norms: Vec<String>,
    success_factors: SuccessFactors,
    members: Vec<MemberInput>,
}

pub async fn create(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<CommunityInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.require(Right::ManageConsultations, None)?;
    let JsonBody(input) = body?;
    let invalid = |f: &str, r: String| ApiError::InvalidField(FieldError::new(f, r));
    normwatch_core::StakeholderId::parse_field("id", &input.id).map_err(ApiError::InvalidField)?;
    for (field, t) in [("name", &input.name), ("purpose", &input.purpose)] {
        if let Some(lang) = t.missing().first() {
            return Err(invalid(&format!("{field}.{lang}"), "needed in Japanese and English".into()));
        }
    }
    let catalog = state.catalog();
    for (i, n) in input.focus_norms.iter().enumerate() {
        if catalog.norm(n).is_none() {
            return Err(invalid(&format!("focus_norms[{i}]"), format!("`{n}` is not a norm")));
        }
    }
    if input.members.is_empty() {
        return Err(invalid("members", "a community needs members".into()));
    }
    for (i, m) in input.members.iter().enumerate() {
        if !matches!(m.role.as_str(), "member" | "coordinator") {
            return Err(invalid(&format!("members[{i}].role"), "member or coordinator".into()));
        }
    }
    let members: Vec<(String, String)> =
        input.members.iter().map(|m| (m.stakeholder.clone(), m.role.clone())).collect();
    state
        .store
        .create_community(
            &caller.actor(),
            &input.id,
            &input.name,
            &input.purpose,
            &input.focus_norms,
            &input.success_factors,
            &members,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": input.id}))).into_response())
}

pub async fn list(State(state): State<AppState>) -> Result<Response, ApiError> {
    let list = state.store.communities().await?;
    Ok(Json(json!({"count": list.len(), "communities": list})).into_response())
}

#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    decided_on: String,
    text: Localized,
    participants: Vec<String>,
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
        .is_some_and(|s| community.members.iter().any(|m| &m.stakeholder == s && m.role == "coordinator"));
    if !coordinator {
        caller.require(Right::ManageConsultations, None)?;
    }
    normwatch_core::adoption::past_date("decided_on", &input.decided_on, crate::today())
        .map_err(ApiError::InvalidField)?;
    if input.text.ja.trim().is_empty() && input.text.en.trim().is_empty() {
        return Err(ApiError::InvalidField(FieldError::new("text", "write the decision (ja, en or both)")));
    }
    let d = state
        .store
        .add_community_decision(&caller.actor(), &id, &input.decided_on, &input.text, &input.participants)
        .await?;
    Ok((StatusCode::CREATED, Json(json!({"id": d}))).into_response())
}
