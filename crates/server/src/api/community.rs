//! Communities of interest: public metadata (members, focus norms, success factors, decisions).
use super::handler::{Answer, Write, listed, made, ok};
use crate::AppState;
use axum::extract::{Path, State};
use normwatch_core::Right;
use normwatch_core::community::{CommunityInput, DecisionInput};
use serde_json::json;

pub async fn create(State(state): State<AppState>, write: Write<CommunityInput>) -> Answer {
    let (caller, input) = write.with(Right::ManageConsultations)?;
    let community = state.app().create_community(caller.acting(), input).await?;
    made(json!({"id": community.id}))
}

pub async fn list(State(state): State<AppState>) -> Answer {
    ok(listed("communities", &state.store.communities().await?))
}

/// Logs a decision: by a coordinator member's account, or an admin or editor.
pub async fn decide(State(state): State<AppState>, Path(id): Path<String>, write: Write<DecisionInput>) -> Answer {
    let (caller, input) = write.signed_in()?;
    made(json!({"id": state.app().decide_for_community(caller.acting(), &id, &input).await?}))
}
