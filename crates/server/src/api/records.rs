//! Stakeholders, norm positions, implementation evidence, legal positions, the adoption matrix
//! and the audit log.
use super::handler::{Answer, Read, Write, created, listed, ok};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::Params;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use normwatch_app::MatrixQuery;
use normwatch_app::StakeholderRecord;
use normwatch_app::stakeholder_records::StakeholderRecordWrite;
use normwatch_core::adoption::{
    EvidenceInput, ImplementationEvidence, KeyInput, LegalPosition, LegalPositionInput, Position, PositionInput,
    STAKEHOLDER_KINDS, StakeholderInput,
};
use normwatch_core::{CountryCode, NormId};
use normwatch_core::{FieldError, RecordKind, Right};
use normwatch_store::{RecordFilter, StakeholderFilter, Store};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

fn stakeholder_filter(state: &AppState, params: &Params) -> Result<StakeholderFilter, FieldError> {
    let kind = params.one("kind")?.map(str::to_owned);
    if let Some(k) = &kind
        && state.catalog().taxonomy(STAKEHOLDER_KINDS).is_some_and(|t| t.term(k).is_none())
    {
        return Err(FieldError::new("kind", format!("`{k}` is not a stakeholder kind")));
    }
    let country = params
        .one("country")?
        .map(|c| CountryCode::parse_field("country", &c.to_ascii_uppercase()).map(String::from))
        .transpose()?;
    Ok(StakeholderFilter { kind, country })
}

fn norm_param(state: &AppState, params: &Params) -> Result<Option<String>, FieldError> {
    let norm = params.one("norm")?.map(|n| NormId::of_field(&state.catalog(), "norm", n).map(String::from));
    norm.transpose()
}

/// `?stakeholder=&norm=` (and nothing else), validated.
fn stakeholder_norm_filter(state: &AppState, params: &Params) -> Result<RecordFilter, ApiError> {
    params.only(&["stakeholder", "norm"])?;
    Ok(RecordFilter {
        stakeholder: params.one("stakeholder")?.map(str::to_owned),
        norm: norm_param(state, params)?,
        ..Default::default()
    })
}

// ---- stakeholders

pub async fn create_stakeholder(State(state): State<AppState>, write: Write<StakeholderInput>) -> Answer {
    let (caller, input) = write.with(Right::WriteStakeholders)?;
    let s = state.app().create_stakeholder(caller.acting(), input).await?;
    Ok(created(&s, format!("/api/v1/stakeholders/{}", s.id)))
}

pub async fn update_stakeholder(
    State(state): State<AppState>,
    Path(id): Path<String>,
    write: Write<StakeholderInput>,
) -> Answer {
    let (caller, input) = write.with(Right::WriteStakeholders)?;
    ok(state.app().update_stakeholder(caller.acting(), &id, input).await?)
}

pub async fn stakeholders(State(state): State<AppState>, read: Read) -> Answer {
    read.only(&["kind", "country"])?;
    let filter = stakeholder_filter(&state, &read)?;
    read.render(&listed("stakeholders", &state.store.stakeholders(&filter).await?))
}

pub async fn stakeholder(State(state): State<AppState>, Path(id): Path<String>, read: Read) -> Answer {
    read.only(&[])?;
    read.render(&state.store.stakeholder(&id).await?.ok_or(ApiError::NotFound { kind: "stakeholder", id })?)
}

pub async fn add_key(State(state): State<AppState>, Path(id): Path<String>, write: Write<KeyInput>) -> Answer {
    let (caller, input) = write.with_for(Right::WriteKeys, &id)?;
    let k = state.app().add_key(caller.acting(), &id, &input).await?;
    Ok(created(&k, format!("/api/v1/stakeholders/{id}")))
}

// ---- positions, evidence, legal positions

/// Where a stakeholder record is read back once created.
pub trait StakeholderResource: StakeholderRecord + DeserializeOwned {
    fn location(stored: &Self::Stored) -> String;
}

impl StakeholderResource for PositionInput {
    fn location(p: &Position) -> String {
        format!("/api/v1/positions/{}", p.id)
    }
}

impl StakeholderResource for EvidenceInput {
    fn location(e: &ImplementationEvidence) -> String {
        format!("/api/v1/evidence?stakeholder={}", e.stakeholder)
    }
}

impl StakeholderResource for LegalPositionInput {
    fn location(l: &LegalPosition) -> String {
        format!("/api/v1/legal-positions?stakeholder={}", l.stakeholder)
    }
}

/// `POST /positions`, `/evidence`, `/legal-positions`: one of a stakeholder's own records.
pub async fn create_for_stakeholder<T>(State(state): State<AppState>, write: Write<T>) -> Answer
where
    T: StakeholderResource,
    T::Stored: Serialize,
    Store: StakeholderRecordWrite<T>,
{
    let (caller, input) = write.signed_in()?;
    let stored = state.app().record_for_stakeholder(caller.acting(), &input).await?;
    Ok(created(&stored, T::location(&stored)))
}

pub async fn positions(State(state): State<AppState>, caller: Caller, read: Read) -> Answer {
    let filter = stakeholder_norm_filter(&state, &read)?;
    read.render(&listed("positions", &state.store.positions(&caller.viewer(), &filter).await?))
}

pub async fn position(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, read: Read) -> Answer {
    read.only(&[])?;
    // A record the caller may not read is not found, not forbidden: its existence is not told.
    let p = state
        .store
        .position(&caller.viewer(), &id)
        .await?
        .ok_or(ApiError::NotFound { kind: RecordKind::Position.as_str(), id })?;
    read.render(&p)
}

pub async fn evidence(State(state): State<AppState>, caller: Caller, read: Read) -> Answer {
    let filter = stakeholder_norm_filter(&state, &read)?;
    read.render(&listed("evidence", &state.store.evidence(&caller.viewer(), &filter).await?))
}

pub async fn legal_positions(State(state): State<AppState>, caller: Caller, read: Read) -> Answer {
    read.only(&["stakeholder", "topic"])?;
    let topic = read.one("topic")?.map(str::to_owned);
    if let Some(t) = &topic
        && state.catalog().taxonomy("legal-topics").is_some_and(|tax| tax.term(t).is_none())
    {
        return Err(FieldError::new("topic", format!("`{t}` is not a legal topic of the catalogue")).into());
    }
    let filter = RecordFilter { stakeholder: read.one("stakeholder")?.map(str::to_owned), topic, ..Default::default() };
    read.render(&listed("legal_positions", &state.store.legal_positions(&caller.viewer(), &filter).await?))
}

// ---- adoption matrix

pub async fn adoption(State(state): State<AppState>, caller: Caller, read: Read) -> Answer {
    read.only(&["kind", "country", "norm", "as_of", "format"])?;
    let format = read.one("format")?.unwrap_or("json");
    if !matches!(format, "json" | "csv") {
        return Err(FieldError::new("format", "use json or csv").into());
    }
    let query = MatrixQuery::parse(|k| read.one(k), &state.catalog())?;
    let matrix = state.app().adoption_matrix(caller.acting(), &query).await?;
    if format == "csv" {
        let mut r = matrix.to_csv().into_response();
        r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
        r.headers_mut().insert(
            header::CONTENT_DISPOSITION,
            HeaderValue::from_static("attachment; filename=\"normwatch-adoption.csv\""),
        );
        return Ok(r);
    }
    read.render(&matrix)
}

// ---- audit

pub async fn audit(State(state): State<AppState>, caller: Caller, read: Read) -> Answer {
    caller.require(Right::ReadAudit, None)?;
    read.only(&["entity", "before", "limit"])?;
    let entity = read.one("entity")?;
    let before = read
        .one("before")?
        .map(|b| b.parse::<i64>().map_err(|_| FieldError::new("before", "a sequence number")))
        .transpose()?;
    let limit = i64::try_from(read.limit(500, 100)?).unwrap_or(100);
    let entries = state.store.audit_log(&caller.viewer(), entity, before, limit).await?;
    let next = entries.last().filter(|_| entries.len() as i64 == limit).map(|e| e.seq);
    let mut value = listed("entries", &entries);
    value["next_before"] = json!(next);
    read.render_all(&value)
}
