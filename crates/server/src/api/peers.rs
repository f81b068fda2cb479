//! Federation over the API: the peers this instance follows (editors and admins: add, list,
//! one with its forks and refusals, sync now) and the records received from them, which anyone
//! reads as the origin marked them. The use cases in `app::federation` check the rights.
use super::created;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params};
use axum::Json;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use normwatch_app::PeerInput;
use normwatch_app::witnesses::WitnessInput;
use normwatch_core::RecordKind;
use normwatch_store::FederatedFilter;
use serde_json::json;

const DEFAULT_PAGE: usize = 50;
const MAX_PAGE: usize = 1000;

pub async fn add(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<PeerInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let JsonBody(input) = body?;
    let peer = state.app().add_peer(caller.acting(), state.log.origin(), &input).await?;
    let location = format!("/api/v1/peers/{}", peer.id);
    Ok(created(&peer, location))
}

pub async fn list(State(state): State<AppState>, caller: Caller, params: Params) -> Result<Response, ApiError> {
    params.only(&[])?;
    let list = state.app().peers(caller.acting()).await?;
    Ok(Json(json!({"count": list.len(), "peers": list})).into_response())
}

pub async fn one(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    Ok(Json(state.app().peer(caller.acting(), &id).await?).into_response())
}

pub async fn sync(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response, ApiError> {
    Ok(Json(state.app().sync_peer(caller.acting(), &id, state.log.key()).await?).into_response())
}

/// The witnesses this log knows (public: a verifier picks its k of n among them).
pub async fn witnesses(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    params.only(&[])?;
    let list = state.app().known_witnesses().await?;
    Ok(Json(json!({"count": list.len(), "witnesses": list})).into_response())
}

pub async fn add_witness(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<WitnessInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let JsonBody(input) = body?;
    let witness = state.app().add_witness(caller.acting(), state.log.origin(), &input.key).await?;
    Ok(created(&witness, "/api/v1/witnesses".to_owned()))
}

/// One received record with its provenance.
pub async fn record(
    State(state): State<AppState>,
    caller: Caller,
    Path((peer, kind, id)): Path<(String, String, String)>,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    // A path that names no kind of record names nothing.
    let Some(kind) = RecordKind::parse_logged(&kind) else {
        return Err(ApiError::NotFound { kind: "federated record", id: format!("{peer}/{kind}/{id}") });
    };
    Ok(Json(state.app().federated_record(&caller.viewer(), &peer, kind, &id).await?).into_response())
}

/// Files a draft incident of ours from a received incident, for our own assessment and review.
pub async fn adopt(
    State(state): State<AppState>,
    caller: Caller,
    Path((peer, id)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let record = state.app().adopt_federated_incident(caller.acting(), &peer, &id).await?;
    let location = format!("/api/v1/incidents/{}", record.id);
    Ok(created(&record, location))
}

/// Received records, the latest first, with their provenance.
pub async fn records(State(state): State<AppState>, caller: Caller, params: Params) -> Result<Response, ApiError> {
    params.only(&["peer", "type", "limit", "offset"])?;
    let filter = FederatedFilter {
        peer: params.one("peer")?.map(str::to_owned),
        kind: params.logged_kind("type")?.map(|k| k.as_str().to_owned()),
        origin_id: None,
        limit: params.limit(MAX_PAGE, DEFAULT_PAGE)? as i64,
        offset: params.offset()? as i64,
    };
    let list = state.app().federated_records(&caller.viewer(), &filter).await?;
    Ok(Json(json!({"count": list.len(), "records": list})).into_response())
}
