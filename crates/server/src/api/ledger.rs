//! The violation ledger over HTTP: incidents and the findings about them (assessments,
//! attributions, collective statements, responses), their review and publication, norm
//! screening. One set of generic handlers serves every kind; each kind says how it validates.
use super::{created, render};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, api_language};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use normwatch_core::incident::{IncidentInput, IncidentQuery};
use normwatch_core::screening::screen;
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput, StatementInput, Verdict};
use normwatch_core::{Catalog, FieldError, Localized, RecordStatus, Right};
use normwatch_store::{LedgerKind, LedgerRecord};
use serde::Deserialize;
use serde_json::json;

/// What the HTTP edge needs to know of a ledger kind beyond the store's view of it.
pub trait LedgerResource: LedgerKind {
    /// The collection path under `/api/v1`.
    const PATH: &'static str;
    fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError>;
}

impl LedgerResource for IncidentInput {
    const PATH: &'static str = "incidents";
    fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        IncidentInput::validate(self, catalog, today)
    }
}

impl LedgerResource for AssessmentInput {
    const PATH: &'static str = "assessments";
    fn validate(&self, catalog: &Catalog, _today: time::Date) -> Result<(), FieldError> {
        AssessmentInput::validate(self, catalog)
    }
}

impl LedgerResource for AttributionInput {
    const PATH: &'static str = "attributions";
    fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        AttributionInput::validate(self, catalog, today)
    }
}

impl LedgerResource for StatementInput {
    const PATH: &'static str = "statements";
    fn validate(&self, _catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        StatementInput::validate(self, today)
    }
}

impl LedgerResource for ResponseInput {
    const PATH: &'static str = "responses";
    fn validate(&self, catalog: &Catalog, today: time::Date) -> Result<(), FieldError> {
        ResponseInput::validate(self, catalog, today)
    }
}

fn not_found<T: LedgerResource>(id: String) -> ApiError {
    ApiError::NotFound { kind: T::ENTITY.as_str(), id }
}

/// Writing needs the write right for the record's stakeholder (a contributor: its own).
fn require_write<T: LedgerResource>(caller: &Caller, input: &T) -> Result<(), ApiError> {
    caller.require(Right::WriteIncidents, input.stakeholder())?;
    Ok(())
}

/// Refuses a status that would skip review.
fn check_new_status<T: LedgerResource>(input: &T) -> Result<(), ApiError> {
    if input.status() == RecordStatus::Published {
        return Err(ApiError::InvalidField(FieldError::new(
            "status",
            "a record is published through review: create it as draft or in-review, then reviewers approve and POST …/publish",
        )));
    }
    Ok(())
}

pub async fn create<T: LedgerResource>(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<T>, ApiError>,
) -> Result<Response, ApiError> {
    // Who may write is decided before the body is read: 401/403 come before 400.
    caller.signed_in()?;
    let JsonBody(input) = body?;
    let record = file_record(&state, &caller, &input).await?;
    Ok(created(&record, format!("/api/v1/{}/{}", T::PATH, record.id)))
}

/// Files a new record after every check a writer passes; the API and the portal both call it.
pub(crate) async fn file_record<T: LedgerResource>(
    state: &AppState,
    caller: &Caller,
    input: &T,
) -> Result<LedgerRecord<T>, ApiError> {
    caller.signed_in()?;
    require_write(caller, input)?;
    check_new_status(input)?;
    input.validate(&state.catalog(), crate::today()).map_err(ApiError::InvalidField)?;
    caller.require_member(input.community())?;
    Ok(state.store.create_ledger_record(&caller.actor(), input, Default::default()).await?)
}

pub async fn one<T: LedgerResource>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let record = state.store.ledger_record::<T>(&caller.viewer(), &id).await?.ok_or_else(|| not_found::<T>(id))?;
    render(&headers, api_language(&params, &headers), &record)
}

pub async fn list<T: LedgerResource>(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&["incident", "status"])?;
    let mut incident = None;
    let mut status = None;
    for (k, v) in params.iter() {
        match k {
            "incident" => incident = Some(v.to_owned()),
            _ => status = Some(v.parse::<RecordStatus>().map_err(|e| FieldError::new("status", e))?),
        }
    }
    let list = state.store.ledger_records::<T>(&caller.viewer(), incident.as_deref(), status).await?;
    render(&headers, api_language(&params, &headers), &json!({ "count": list.len(), T::PATH: list }))
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
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Result<JsonBody<T>, ApiError>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let JsonBody(input) = body?;
    require_write(&caller, &input)?;
    let version = if_match(&headers)?;
    let record = revise_draft(&state, &caller, &id, version, &input).await?;
    Ok(Json(record).into_response())
}

/// Replaces a draft, based on the version the writer read (a concurrent edit is refused); the
/// API and the portal both call it.
pub(crate) async fn revise_draft<T: LedgerResource>(
    state: &AppState,
    caller: &Caller,
    id: &str,
    version: i64,
    input: &T,
) -> Result<LedgerRecord<T>, ApiError> {
    require_write(caller, input)?;
    check_new_status(input)?;
    input.validate(&state.catalog(), crate::today()).map_err(ApiError::InvalidField)?;
    caller.require_member(input.community())?;
    let viewer = caller.viewer();
    let existing = state.store.ledger_record::<T>(&viewer, id).await?.ok_or_else(|| not_found::<T>(id.to_owned()))?;
    require_write(caller, &existing.body)?;
    Ok(state.store.update_ledger_draft(&caller.actor(), &viewer, id, version, input).await?)
}

/// The author, or anyone who may write such records for its stakeholder, moves it along.
async fn require_author_or_writer<T: LedgerResource>(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<LedgerRecord<T>, ApiError> {
    let account = caller.signed_in()?;
    let record =
        state.store.ledger_record::<T>(&caller.viewer(), id).await?.ok_or_else(|| not_found::<T>(id.to_owned()))?;
    if record.recorded_by != account.id {
        require_write(caller, &record.body)?;
    }
    Ok(record)
}

pub async fn submit<T: LedgerResource>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let record = submit_record::<T>(&state, &caller, &id).await?;
    Ok(Json(record).into_response())
}

/// Sends a draft to review: its author, or anyone who may write for its stakeholder.
pub(crate) async fn submit_record<T: LedgerResource>(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<LedgerRecord<T>, ApiError> {
    require_author_or_writer::<T>(state, caller, id).await?;
    Ok(state.store.submit_ledger_record::<T>(&caller.actor(), &caller.viewer(), id).await?)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewInput {
    pub verdict: Verdict,
    #[serde(default)]
    pub comment: Option<String>,
}

pub async fn review<T: LedgerResource>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<JsonBody<ReviewInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.require(Right::ReviewRecords, None)?;
    let JsonBody(input) = body?;
    let record = review_record::<T>(&state, &caller, &id, &input).await?;
    Ok(Json(record).into_response())
}

/// One reviewer's verdict; a request for changes must say what should change.
pub(crate) async fn review_record<T: LedgerResource>(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &ReviewInput,
) -> Result<LedgerRecord<T>, ApiError> {
    let account = caller.require(Right::ReviewRecords, None)?;
    if input.verdict == Verdict::RequestChanges && input.comment.as_deref().is_none_or(|c| c.trim().is_empty()) {
        return Err(ApiError::InvalidField(FieldError::new("comment", "say what should change")));
    }
    if input.comment.as_deref().is_some_and(|c| c.chars().count() > 4000) {
        return Err(ApiError::InvalidField(FieldError::new("comment", "longer than 4000 characters")));
    }
    // Reviews count by the reviewer's stakeholder kind, so a reviewer must act for a stakeholder.
    let Some(stakeholder) = &account.stakeholder else {
        return Err(ApiError::InvalidField(FieldError::new(
            "reviewer",
            "your account acts for no stakeholder, so your review cannot count towards the stakeholder-kind rule; ask an admin to set one",
        )));
    };
    let kind = state
        .store
        .stakeholder(stakeholder)
        .await?
        .map(|s| s.kind)
        .ok_or_else(|| ApiError::InvalidField(FieldError::new("reviewer", "your stakeholder no longer exists")))?;
    let record = state
        .store
        .review_ledger_record::<T>(
            &caller.actor(),
            &caller.viewer(),
            id,
            &kind,
            input.verdict,
            input.comment.as_deref(),
        )
        .await?;
    Ok(record)
}

pub async fn publish<T: LedgerResource>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let record = publish_record::<T>(&state, &caller, &id).await?;
    Ok(Json(record).into_response())
}

/// Publishes an approved record (the store checks the review rule and appends it to the log).
pub(crate) async fn publish_record<T: LedgerResource>(
    state: &AppState,
    caller: &Caller,
    id: &str,
) -> Result<LedgerRecord<T>, ApiError> {
    let account = caller.signed_in()?;
    if !account.role.has(Right::ReviewRecords) {
        require_author_or_writer::<T>(state, caller, id).await?;
    }
    let rule = state.instance.review_rule;
    Ok(state.store.publish_ledger_record::<T>(&caller.actor(), &caller.viewer(), id, rule).await?)
}

/// A correction (a new version) or a retraction of a published record.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionInput<T> {
    pub record: T,
    /// Set to retract: why the record no longer stands.
    #[serde(default)]
    pub retraction: Option<Localized>,
}

pub async fn correct<T: LedgerResource>(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<JsonBody<CorrectionInput<T>>, ApiError>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let JsonBody(input) = body?;
    require_write(&caller, &input.record)?;
    check_new_status(&input.record)?;
    input.record.validate(&state.catalog(), crate::today()).map_err(ApiError::InvalidField)?;
    if let Some(r) = &input.retraction
        && r.ja.trim().is_empty()
        && r.en.trim().is_empty()
    {
        return Err(ApiError::InvalidField(FieldError::new("retraction", "say why the record is retracted")));
    }
    let record = state
        .store
        .correct_ledger_record(&caller.actor(), &caller.viewer(), &id, &input.record, input.retraction.as_ref())
        .await?;
    Ok(created(&record, format!("/api/v1/{}/{}", T::PATH, record.id)))
}

/// `GET /incidents`: search with filters, facets and a cursor.
pub async fn search(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    let query = IncidentQuery::parse(params.iter(), &state.catalog()).map_err(ApiError::InvalidParameter)?;
    let page = state.store.search_incidents(&caller.viewer(), &query).await?;
    render(&headers, api_language(&params, &headers), &page)
}

/// `GET /incidents/{id}`: the incident with what its attribution claims say together.
pub async fn incident(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let viewer = caller.viewer();
    let record = state
        .store
        .ledger_record::<IncidentInput>(&viewer, &id)
        .await?
        .ok_or_else(|| not_found::<IncidentInput>(id.clone()))?;
    let mut value = serde_json::to_value(&record).map_err(|e| {
        ApiError::Store(normwatch_store::StoreError::Corrupt { what: "incident".into(), reason: e.to_string() })
    })?;
    value["attribution"] = json!(state.store.incident_attribution(&viewer, &id).await?);
    render(&headers, api_language(&params, &headers), &value)
}

/// `GET /incidents/{id}/screening`: the norms the incident may engage, each with its reasons, the
/// paragraphs they rest on and a confidence.
pub async fn screening(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
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
        .filter(|c| c.superseded_by.is_none() && c.retraction.is_none())
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
    render(&headers, api_language(&params, &headers), &json!({ "incident": id, "norms": hits }))
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
