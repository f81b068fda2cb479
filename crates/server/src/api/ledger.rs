//! The violation ledger over HTTP: incidents and the findings about them (assessments,
//! attributions, collective statements, responses), their review and publication, norm
//! screening. One set of generic handlers serves every kind; the use cases are normwatch-app's.
use super::handler::{Answer, Read, Write, created, listed, object, ok};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use normwatch_app::ledger::require_write;
use normwatch_app::{CorrectionInput, LedgerInput, ReviewInput};
use normwatch_core::incident::{IncidentInput, IncidentQuery};
use normwatch_core::screening::screen;
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput, StatementInput};
use normwatch_core::{FieldError, RecordStatus, Right};
use serde_json::json;

/// Where a ledger kind lives under `/api/v1`; how it validates is the use cases' business.
pub trait LedgerResource: LedgerInput {
    /// The collection path under `/api/v1`.
    const PATH: &'static str;
}

impl LedgerResource for IncidentInput {
    const PATH: &'static str = "incidents";
}

impl LedgerResource for AssessmentInput {
    const PATH: &'static str = "assessments";
}

impl LedgerResource for AttributionInput {
    const PATH: &'static str = "attributions";
}

impl LedgerResource for StatementInput {
    const PATH: &'static str = "statements";
}

impl LedgerResource for ResponseInput {
    const PATH: &'static str = "responses";
}

fn not_found<T: LedgerResource>(id: String) -> ApiError {
    ApiError::NotFound { kind: T::ENTITY.as_str(), id }
}

pub async fn create<T: LedgerResource>(State(state): State<AppState>, write: Write<T>) -> Answer {
    let (caller, input) = write.signed_in()?;
    let record = state.app().file_record(caller.acting(), &input).await?;
    Ok(created(&record, format!("/api/v1/{}/{}", T::PATH, record.id)))
}

pub async fn one<T: LedgerResource>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    read: Read,
) -> Answer {
    read.only(&[])?;
    read.render(&state.store.ledger_record::<T>(&caller.viewer(), &id).await?.ok_or_else(|| not_found::<T>(id))?)
}

pub async fn list<T: LedgerResource>(State(state): State<AppState>, caller: Caller, read: Read) -> Answer {
    read.only(&["incident", "status"])?;
    let mut incident = None;
    let mut status = None;
    for (k, v) in read.iter() {
        match k {
            "incident" => incident = Some(v.to_owned()),
            _ => status = Some(v.parse::<RecordStatus>().map_err(|e| FieldError::new("status", e))?),
        }
    }
    let list = state.store.ledger_records::<T>(&caller.viewer(), incident.as_deref(), status).await?;
    read.render(&listed(T::PATH, &list))
}

/// The version a write is based on, from `If-Match` (the `version` the writer read).
fn if_match(headers: &HeaderMap) -> Result<i64, ApiError> {
    let value = headers.get(header::IF_MATCH).and_then(|v| v.to_str().ok()).map(|v| v.trim().trim_matches('"'));
    value.and_then(|v| v.parse().ok()).ok_or_else(|| {
        ApiError::InvalidParameter(FieldError::new(
            "If-Match",
            "send the record's `version` you read as `If-Match: <version>`, so that a concurrent edit is not overwritten",
        ))
    })
}

pub async fn update<T: LedgerResource>(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    write: Write<T>,
) -> Answer {
    let (caller, input) = write.signed_in()?;
    require_write(caller.acting(), &input)?;
    let version = if_match(&headers)?;
    ok(state.app().revise_draft(caller.acting(), &id, version, &input).await?)
}

pub async fn submit<T: LedgerResource>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    ok(state.app().submit_record::<T>(caller.acting(), &id).await?)
}

pub async fn review<T: LedgerResource>(
    State(state): State<AppState>,
    Path(id): Path<String>,
    write: Write<ReviewInput>,
) -> Answer {
    let (caller, input) = write.with(Right::ReviewRecords)?;
    ok(state.app().review_record::<T>(caller.acting(), &id, &input).await?)
}

pub async fn publish<T: LedgerResource>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Answer {
    ok(state.app().publish_record::<T>(caller.acting(), &id).await?)
}

pub async fn correct<T: LedgerResource>(
    State(state): State<AppState>,
    Path(id): Path<String>,
    write: Write<CorrectionInput<T>>,
) -> Answer {
    let (caller, input) = write.signed_in()?;
    let record = state.app().correct_record(caller.acting(), &id, &input).await?;
    Ok(created(&record, format!("/api/v1/{}/{}", T::PATH, record.id)))
}

/// `GET /incidents`: search with filters, facets and a cursor.
pub async fn search(State(state): State<AppState>, caller: Caller, read: Read) -> Answer {
    let query = IncidentQuery::parse(read.iter(), &state.catalog()).map_err(ApiError::InvalidParameter)?;
    read.render(&state.store.search_incidents(&caller.viewer(), &query).await?)
}

/// `GET /incidents/{id}`: the incident with what its attribution claims say together.
pub async fn incident(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, read: Read) -> Answer {
    read.only(&[])?;
    let viewer = caller.viewer();
    let record = state
        .store
        .ledger_record::<IncidentInput>(&viewer, &id)
        .await?
        .ok_or_else(|| not_found::<IncidentInput>(id.clone()))?;
    let mut value = object("incident", &record)?;
    value["attribution"] = json!(state.store.incident_attribution(&viewer, &id).await?);
    value["vulnerabilities"] = json!(super::capacity::incident_vulnerabilities(&state, &viewer, &id).await?);
    read.render(&value)
}

/// `GET /incidents/{id}/screening`: the norms the incident may engage, each with its reasons, the
/// paragraphs they rest on and a confidence.
pub async fn screening(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, read: Read) -> Answer {
    read.only(&[])?;
    let incident = state
        .store
        .ledger_record::<IncidentInput>(&caller.viewer(), &id)
        .await?
        .ok_or_else(|| not_found::<IncidentInput>(id.clone()))?;
    // The claims the caller may read: they tell a state's proxy from a group it only tolerates.
    let claims: Vec<_> = state
        .store
        .ledger_records::<AttributionInput>(&caller.viewer(), Some(&id), None)
        .await?
        .into_iter()
        .filter(|c| c.is_standing())
        .map(|c| c.body.attributed_to)
        .collect();
    let catalog = state.catalog();
    let hits: Vec<_> = screen(&incident.body, &claims, &catalog)
        .into_iter()
        .map(|h| {
            let title = catalog.norm(&h.norm).map(|n| n.title.clone());
            json!({ "norm": h.norm, "title": title, "confidence": h.confidence, "confidence_reason": h.confidence_reason,
                    "citation": h.citation, "sources": h.sources, "reasons": h.reasons })
        })
        .collect();
    read.render(&json!({ "incident": id, "norms": hits }))
}

/// The writes and the life of one ledger kind; its reads are routed by the caller (incidents
/// are searched and read with their attribution, findings listed and read plainly).
pub fn write_routes<T: LedgerResource>(router: axum::Router<AppState>) -> axum::Router<AppState> {
    use axum::routing::{post, put};
    let base = format!("/{}", T::PATH);
    router
        .route(&base, post(create::<T>))
        .route(&format!("{base}/{{id}}"), put(update::<T>))
        .route(&format!("{base}/{{id}}/submit"), post(submit::<T>))
        .route(&format!("{base}/{{id}}/reviews"), post(review::<T>))
        .route(&format!("{base}/{{id}}/publish"), post(publish::<T>))
        .route(&format!("{base}/{{id}}/corrections"), post(correct::<T>))
}

/// A finding kind's routes: its writes, its list and its single read.
pub fn finding_routes<T: LedgerResource>(router: axum::Router<AppState>) -> axum::Router<AppState> {
    use axum::routing::get;
    let base = format!("/{}", T::PATH);
    write_routes::<T>(router).route(&base, get(list::<T>)).route(&format!("{base}/{{id}}"), get(one::<T>))
}
