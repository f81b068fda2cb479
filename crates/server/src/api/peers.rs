//! Federation over the API: the peers this instance follows (editors and admins: add, list,
//! one with its forks and refusals, sync now) and the records received from them, which anyone
//! reads as the origin marked them. The use cases in `app::federation` check the rights.
use super::handler::{Answer, Write, created, listed, ok};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::Params;
use axum::extract::{Path, State};
use normwatch_app::PeerInput;
use normwatch_app::witnesses::WitnessInput;
use normwatch_core::RecordKind;
use normwatch_store::FederatedFilter;

const DEFAULT_PAGE: usize = 50;
const MAX_PAGE: usize = 1000;

pub async fn add(State(state): State<AppState>, write: Write<PeerInput>) -> Answer {
    let (caller, input) = write.signed_in()?;
    let peer = state.app().add_peer(caller.acting(), state.log.origin(), &input).await?;
    let location = format!("/api/v1/peers/{}", peer.id);
    Ok(created(&peer, location))
}

pub async fn list(State(state): State<AppState>, caller: Caller, params: Params) -> Answer {
    params.only(&[])?;
    ok(listed("peers", &state.app().peers(caller.acting()).await?))
}

pub async fn one(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, params: Params) -> Answer {
    params.only(&[])?;
    ok(state.app().peer(caller.acting(), &id).await?)
}

pub async fn sync(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Answer {
    ok(state.app().sync_peer(caller.acting(), &id, state.log.key()).await?)
}

/// The witnesses this log knows (public: a verifier picks its k of n among them).
pub async fn witnesses(State(state): State<AppState>, params: Params) -> Answer {
    params.only(&[])?;
    ok(listed("witnesses", &state.app().known_witnesses().await?))
}

pub async fn add_witness(State(state): State<AppState>, write: Write<WitnessInput>) -> Answer {
    let (caller, input) = write.signed_in()?;
    let witness = state.app().add_witness(caller.acting(), state.log.origin(), &input.key).await?;
    Ok(created(&witness, "/api/v1/witnesses".to_owned()))
}

/// One received record with its provenance.
pub async fn record(
    State(state): State<AppState>,
    caller: Caller,
    Path((peer, kind, id)): Path<(String, String, String)>,
    params: Params,
) -> Answer {
    params.only(&[])?;
    // A path that names no kind of record names nothing.
    let Some(kind) = RecordKind::parse_logged(&kind) else {
        return Err(ApiError::NotFound { kind: "federated record", id: format!("{peer}/{kind}/{id}") });
    };
    ok(state.app().federated_record(&caller.viewer(), &peer, kind, &id).await?)
}

/// Files a draft incident of ours from a received incident, for our own assessment and review.
pub async fn adopt(State(state): State<AppState>, caller: Caller, Path((peer, id)): Path<(String, String)>) -> Answer {
    let record = state.app().adopt_federated_incident(caller.acting(), &peer, &id).await?;
    let location = format!("/api/v1/incidents/{}", record.id);
    Ok(created(&record, location))
}

/// Received records, the latest first, with their provenance.
pub async fn records(State(state): State<AppState>, caller: Caller, params: Params) -> Answer {
    params.only(&["peer", "type", "limit", "offset"])?;
    let filter = FederatedFilter {
        peer: params.one("peer")?.map(str::to_owned),
        kind: params.logged_kind("type")?.map(|k| k.as_str().to_owned()),
        origin_id: None,
        limit: params.limit(MAX_PAGE, DEFAULT_PAGE)? as i64,
        offset: params.offset()? as i64,
    };
    ok(listed("records", &state.app().federated_records(&caller.viewer(), &filter).await?))
}
