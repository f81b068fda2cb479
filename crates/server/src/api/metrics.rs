//! `/api/v1/metrics/…`: figures over the published findings the caller may read. The figures
//! are computed here once for the API and the portal's metrics page.
use super::render;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{Params, api_language};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use normwatch_core::adoption::Stance;
use normwatch_core::metrics::{
    AttributionLag, ClaimDate, ResponseRate, VIOLATION_LEVELS, ViolationCount, attribution_lag, response_rate,
    violations_per_norm_year,
};
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput};
use normwatch_core::{RecordStatus, Viewer};
use normwatch_store::RecordFilter;
use serde::Serialize;
use serde_json::json;
use std::collections::{HashMap, HashSet};

/// How the attribution lag is computed, for readers of the figure.
pub const LAG_RULE: &str = "days from the incident's start (or discovery) to its first attribution by each kind of attributor; only dates known to the day; negative lags left out";

/// Published violations (established or likely) per norm and incident year.
pub async fn violation_counts(state: &AppState, viewer: &Viewer) -> Result<Vec<ViolationCount>, ApiError> {
    let assessments = state.store.standing_records::<AssessmentInput>(viewer).await?;
    let dates = state.store.incident_dates(viewer).await?;
    let year = |incident: &str| {
        dates
            .get(incident)
            .and_then(|(s, d)| s.as_ref().or(d.as_ref()))
            .map(normwatch_core::incident::PartialDate::year)
    };
    Ok(violations_per_norm_year(
        assessments
            .iter()
            .filter(|a| VIOLATION_LEVELS.contains(&a.body.level.as_str()))
            .map(|a| (a.body.norm.as_str(), year(&a.body.incident))),
    ))
}

/// The attribution lag by attributor kind, and how many claims it was drawn from.
pub async fn lag_figures(state: &AppState, viewer: &Viewer) -> Result<(usize, Vec<AttributionLag>), ApiError> {
    let claims = state.store.standing_records::<AttributionInput>(viewer).await?;
    let dates = state.store.incident_dates(viewer).await?;
    let inputs: Vec<ClaimDate<'_>> = claims
        .iter()
        .map(|c| ClaimDate {
            incident: c.body.incident.as_str(),
            kind: c.body.attributor.kind,
            attributed_on: c.body.attributed_on.as_ref(),
        })
        .collect();
    Ok((claims.len(), attribution_lag(&inputs, &dates)))
}

pub async fn response_figures(state: &AppState, viewer: &Viewer) -> Result<ResponseRate, ApiError> {
    let claims = state.store.standing_records::<AttributionInput>(viewer).await?;
    let responses = state.store.standing_records::<ResponseInput>(viewer).await?;
    let responded: HashSet<&str> = responses.iter().map(|r| r.body.incident.as_str()).collect();
    Ok(response_rate(
        claims.iter().filter(|c| c.body.attributed_to.state.is_some()).map(|c| c.body.incident.as_str()),
        &responded,
    ))
}

/// A state assessed as violating a norm it endorses.
#[derive(Debug, Clone, Serialize)]
pub struct EndorsedViolation {
    pub state: String,
    pub stakeholder: String,
    pub norm: String,
    pub level: String,
    pub incident: String,
    pub assessment: String,
    pub endorsed_on: String,
    pub position: String,
}

/// States assessed as violating a norm they endorse (their latest published stance).
pub async fn endorsed_violations(state: &AppState, viewer: &Viewer) -> Result<Vec<EndorsedViolation>, ApiError> {
    let assessments = state.store.standing_records::<AssessmentInput>(viewer).await?;
    let states = state
        .store
        .stakeholders(&normwatch_store::StakeholderFilter { kind: Some("state".into()), country: None })
        .await?;
    // Every position the viewer may read, once; the latest published one per (stakeholder, norm)
    // is its stance (positions come oldest first).
    let positions = state.store.positions(viewer, &RecordFilter::default()).await?;
    let mut stance: HashMap<(&str, &str), &normwatch_core::adoption::Position> = HashMap::new();
    for p in positions.iter().filter(|p| p.status == RecordStatus::Published) {
        stance.insert((p.stakeholder.as_str(), p.norm.as_str()), p);
    }
    let mut rows = Vec::new();
    for a in assessments.iter().filter(|a| VIOLATION_LEVELS.contains(&a.body.level.as_str())) {
        let Some(code) = &a.body.actor.state else { continue };
        for s in states.iter().filter(|s| s.country.as_deref() == Some(code.as_str())) {
            if let Some(p) = stance.get(&(s.id.as_str(), a.body.norm.as_str())).filter(|p| p.stance == Stance::Endorse)
            {
                rows.push(EndorsedViolation {
                    state: code.clone(),
                    stakeholder: s.id.clone(),
                    norm: a.body.norm.clone(),
                    level: a.body.level.clone(),
                    incident: a.body.incident.clone(),
                    assessment: a.id.clone(),
                    endorsed_on: p.stated_on.clone(),
                    position: p.id.clone(),
                });
            }
        }
    }
    Ok(rows)
}

pub async fn violations(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let counts = violation_counts(&state, &caller.viewer()).await?;
    render(&headers, api_language(&params, &headers), &json!({ "levels": VIOLATION_LEVELS, "violations": counts }))
}

pub async fn lag(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let (claims, rows) = lag_figures(&state, &caller.viewer()).await?;
    render(&headers, api_language(&params, &headers), &json!({ "rule": LAG_RULE, "claims": claims, "lag": rows }))
}

pub async fn responses(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let rate = response_figures(&state, &caller.viewer()).await?;
    render(&headers, api_language(&params, &headers), &rate)
}

pub async fn endorsed(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let rows = endorsed_violations(&state, &caller.viewer()).await?;
    render(&headers, api_language(&params, &headers), &json!({ "count": rows.len(), "violations": rows }))
}
