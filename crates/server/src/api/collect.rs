//! Systematic collection over the API: the sources an editor registers (with their health), the
//! triage queue and its decisions, coverage figures, a "poll now" for operators, and public tips
//! (anonymous, size- and rate-limited). Sources, items and coverage are for those who may file
//! incidents; the use cases in `app::collect` check it, and the store checks it again on reads.
use super::handler::{Answer, Write, created, listed, ok};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, client_address};
use axum::Json;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use normwatch_app::collect::{TipInput, TriageInput};
use normwatch_collect::SourceConfig;
use normwatch_core::collection::{ItemOrigin, ItemState};
use normwatch_core::{FieldError, Right};
use normwatch_store::{ItemFilter, StoreError};
use serde_json::json;

/// Largest tip body, in bytes: a tip is a few paragraphs and some links.
pub const MAX_TIP_BYTES: usize = 16 * 1024;
/// Tips accepted from one client address per window.
pub const TIPS_PER_WINDOW: usize = 5;
/// The tip window, in seconds.
pub const TIP_WINDOW_SECS: u64 = 10 * 60;
const DEFAULT_PAGE: usize = 50;
const MAX_PAGE: usize = 200;

/// The right collection needs beyond the use cases (the run, one source, coverage): the one
/// core's `may_triage` names.
fn require_triage(caller: &Caller) -> Result<(), ApiError> {
    caller.require(Right::WriteIncidents, None).map(drop)
}

pub async fn create_source(State(state): State<AppState>, write: Write<SourceConfig>) -> Answer {
    let (caller, config) = write.signed_in()?;
    let source = state.app().register_source(caller.acting(), &config).await?;
    let location = format!("/api/v1/sources/{}", source.id);
    Ok(created(&source, location))
}

pub async fn sources(State(state): State<AppState>, caller: Caller, params: Params) -> Answer {
    params.only(&[])?;
    ok(listed("sources", &state.app().sources(caller.acting()).await?))
}

pub async fn source(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, params: Params) -> Answer {
    params.only(&[])?;
    require_triage(&caller)?;
    let found = state.store.source(&caller.viewer(), &id).await?;
    ok(found.ok_or(ApiError::NotFound { kind: "source", id })?)
}

pub async fn remove_source(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Answer {
    state.app().remove_source(caller.acting(), &id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// The queue: open items by default, most relevant first, a page at a time.
pub async fn triage(State(state): State<AppState>, caller: Caller, params: Params) -> Answer {
    params.only(&["state", "source", "origin", "cluster", "cursor", "limit"])?;
    let state_filter = match params.one("state")? {
        None => Some(ItemState::Open),
        Some("all") => None,
        Some(s) => {
            Some(ItemState::parse("state", s).map_err(|e| FieldError::new("state", format!("{}, or all", e.reason)))?)
        }
    };
    let origin = params.one("origin")?.map(|o| ItemOrigin::parse("origin", o)).transpose()?;
    let filter = ItemFilter {
        state: state_filter,
        source: params.one("source")?.map(str::to_owned),
        origin,
        cluster: params.one("cluster")?.map(str::to_owned),
        cursor: params.one("cursor")?.map(str::to_owned),
        limit: params.limit(MAX_PAGE, DEFAULT_PAGE)?,
    };
    let page = state.app().triage(caller.acting(), &filter).await.map_err(|e| match ApiError::from(e) {
        // A cursor that does not parse is a bad parameter, not a bad field of a body.
        ApiError::Store(StoreError::Rejected(f)) => ApiError::InvalidParameter(f),
        other => other,
    })?;
    let mut body = listed("items", &page.items);
    if let Some(next) = page.next {
        body["next"] = json!(next);
    }
    ok(body)
}

pub async fn item(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Answer {
    ok(state.app().item(caller.acting(), &id).await?)
}

/// Promotes an item (or its cluster) to a draft incident pre-filled from the proposals.
pub async fn promote(State(state): State<AppState>, Path(id): Path<String>, write: Write<TriageInput>) -> Answer {
    let (caller, input) = write.signed_in()?;
    let promotion = state.app().promote_item(caller.acting(), &id, &input).await?;
    let location = format!("/api/v1/incidents/{}", promotion.incident.id);
    Ok(created(&promotion, location))
}

/// Attaches an item (or its cluster) to an incident the editor may read.
pub async fn attach(State(state): State<AppState>, Path(id): Path<String>, write: Write<TriageInput>) -> Answer {
    let (caller, input) = write.signed_in()?;
    ok(state.app().attach_item(caller.acting(), &id, &input).await?)
}

/// Dismisses an item (or its cluster) with a reason, kept for the next training run.
pub async fn dismiss(State(state): State<AppState>, Path(id): Path<String>, write: Write<TriageInput>) -> Answer {
    let (caller, input) = write.signed_in()?;
    ok(json!({"items": state.app().dismiss_item(caller.acting(), &id, &input).await?}))
}

/// Per source: items, items per day, share used, time to publication.
pub async fn coverage(State(state): State<AppState>, caller: Caller, params: Params) -> Answer {
    params.only(&[])?;
    require_triage(&caller)?;
    ok(json!({"sources": state.store.collection_coverage(&caller.viewer()).await?}))
}

/// Polls every due source now ("poll now"), as `normwatch collect once` does, and reports.
pub async fn run(State(state): State<AppState>, caller: Caller) -> Answer {
    require_triage(&caller)?;
    let report = state.app().collect_once(&state.collector, |_| {}).await?;
    ok(json!({ "new_items": report.new_items(), "failed": report.failed(), "sources": report.sources }))
}

/// A public tip. Anyone may send one; the body is limited to `MAX_TIP_BYTES` and each client
/// address to `TIPS_PER_WINDOW` tips per window. The answer says only that it was received:
/// nothing of the queue (not the item's id, not whether the same tip came before) goes back.
pub async fn tip(State(state): State<AppState>, request: Request) -> Answer {
    let address = client_address(request.extensions());
    // The limiter counts per key; the client's address is the key (one shared bucket when the
    // server runs without connection info).
    let key = format!("tip:{}", address.map_or_else(|| "unknown".to_owned(), |a| a.to_string()));
    state.tip_limiter.attempt(&key, None).map_err(|retry_after| ApiError::TooManyRequests { retry_after })?;
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_TIP_BYTES)
        .await
        .map_err(|_| ApiError::PayloadTooLarge { limit: MAX_TIP_BYTES })?;
    let request = Request::from_parts(parts, axum::body::Body::from(bytes));
    let JsonBody(input) = JsonBody::<TipInput>::from_request(request, &state).await?;
    match state.app().submit_tip(&state.collector, &input).await {
        // A tip received before is answered as a new one: the tipper learns nothing of the queue.
        Ok(_) | Err(normwatch_app::AppError::Store(StoreError::Conflict(_))) => {}
        Err(e) => return Err(e.into()),
    }
    Ok((StatusCode::ACCEPTED, Json(json!({"received": true}))).into_response())
}
