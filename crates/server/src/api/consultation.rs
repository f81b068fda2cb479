//! Consultations: proposals, comment periods, comments by stakeholder kind, outcomes.
use super::handler::{Answer, Write, listed, made, ok};
use crate::AppState;
use crate::error::ApiError;
use crate::extract::Params;
use axum::extract::{Path, State};
use normwatch_core::Right;
use normwatch_core::consultation::{CommentInput, ConsultationInput, OutcomeInput};
use serde_json::json;

pub async fn create(State(state): State<AppState>, write: Write<ConsultationInput>) -> Answer {
    let (caller, input) = write.with(Right::ManageConsultations)?;
    made(json!({"id": state.app().create_consultation(caller.acting(), &input).await?}))
}

pub async fn list(State(state): State<AppState>, params: Params) -> Answer {
    params.only(&[])?;
    ok(listed("consultations", &state.store.consultations().await?))
}

pub async fn one(State(state): State<AppState>, Path(id): Path<String>) -> Answer {
    ok(state.store.consultation(&id).await?.ok_or(ApiError::NotFound { kind: "consultation", id })?)
}

/// A stakeholder comments, while the comment period is open (contributors for their own).
pub async fn comment(State(state): State<AppState>, Path(id): Path<String>, write: Write<CommentInput>) -> Answer {
    let (caller, input) = write.signed_in()?;
    made(json!({"id": state.app().comment_on_consultation(caller.acting(), &id, &input).await?}))
}

/// Decides the consultation; an adopted new norm joins the catalogue as `proposed` at once.
pub async fn decide(State(state): State<AppState>, Path(id): Path<String>, write: Write<OutcomeInput>) -> Answer {
    let (caller, input) = write.with(Right::ManageConsultations)?;
    state.app().decide_consultation(caller.acting(), &id, &input).await?;
    state.reload_catalog().await?;
    ok(state.store.consultation(&id).await?.ok_or(ApiError::NotFound { kind: "consultation", id })?)
}
