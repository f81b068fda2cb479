//! `/incident-links`: records of the same real-world incident in different sources. Proposals
//! come from the matcher (`normwatch links propose`, and after each import); editors link by
//! hand, and confirm or reject proposals. A link shows only to whoever may read both incidents.
use super::handler::{Answer, Read, Write, created, ok};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use axum::extract::{Path, State};
use normwatch_core::Right;
use normwatch_core::linking::LinkStatus;
use serde::Deserialize;

/// `GET /incident-links?status=&incident=&cursor=&limit=`.
pub async fn list(State(state): State<AppState>, caller: Caller, read: Read) -> Answer {
    read.only(&["status", "incident", "cursor", "limit"])?;
    let status = read.one("status")?.map(LinkStatus::parse).transpose()?;
    let limit = read.limit(200, 50)?;
    let page =
        state.store.incident_links(&caller.viewer(), status, read.one("incident")?, read.one("cursor")?, limit).await?;
    read.render(&page)
}

/// `GET /incident-links/{id}`.
pub async fn one_link(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, read: Read) -> Answer {
    read.only(&[])?;
    let link = state.store.incident_link(&caller.viewer(), &id).await?;
    read.render(&link.ok_or(ApiError::NotFound { kind: "incident link", id })?)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    /// The two incidents that are one.
    incidents: Vec<String>,
}

/// `POST /incident-links`: an editor links two incidents by hand (confirmed at once).
pub async fn create(State(state): State<AppState>, write: Write<LinkInput>) -> Answer {
    let (caller, input) = write.with(Right::WriteIncidents)?;
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

async fn decide(state: AppState, id: String, write: Write<DecisionInput>, decision: LinkStatus) -> Answer {
    let Write { caller, body } = write;
    caller.require(Right::WriteIncidents, None)?;
    // The body is optional: without one, the decision applies to the link as it stands.
    let version = match body {
        Ok(b) => b.version,
        Err(ApiError::UnsupportedMediaType) => None,
        Err(e) => return Err(e),
    };
    ok(state.app().decide_incident_link(caller.acting(), &id, decision, version).await?)
}

/// `POST /incident-links/{id}/confirm`.
pub async fn confirm(State(state): State<AppState>, Path(id): Path<String>, write: Write<DecisionInput>) -> Answer {
    decide(state, id, write, LinkStatus::Confirmed).await
}

/// `POST /incident-links/{id}/reject`.
pub async fn reject(State(state): State<AppState>, Path(id): Path<String>, write: Write<DecisionInput>) -> Answer {
    decide(state, id, write, LinkStatus::Rejected).await
}
