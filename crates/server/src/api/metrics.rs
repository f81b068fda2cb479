//! `/api/v1/metrics/…`: figures over the published findings the caller may read.
use super::render;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{Params, api_language};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use normwatch_core::adoption::Stance;
use normwatch_core::metrics::{ClaimDate, VIOLATION_LEVELS, attribution_lag, response_rate, violations_per_norm_year};
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput};
use normwatch_store::RecordFilter;
use serde_json::json;
use std::collections::{HashMap, HashSet};

pub async fn violations(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let viewer = caller.viewer();
    let assessments = state.store.standing_records::<AssessmentInput>(&viewer).await?;
    let dates = state.store.incident_dates(&viewer).await?;
    let year = |incident: &str| {
        dates
            .get(incident)
            .and_then(|(s, d)| s.as_ref().or(d.as_ref()))
            .map(normwatch_core::incident::PartialDate::year)
    };
    let counts = violations_per_norm_year(
        assessments
            .iter()
            .filter(|a| VIOLATION_LEVELS.contains(&a.body.level.as_str()))
            .map(|a| (a.body.norm.as_str(), year(&a.body.incident))),
    );
    render(&headers, api_language(&params, &headers), &json!({ "levels": VIOLATION_LEVELS, "violations": counts }))
}

pub async fn lag(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let viewer = caller.viewer();
    let claims = state.store.standing_records::<AttributionInput>(&viewer).await?;
    let dates = state.store.incident_dates(&viewer).await?;
    let inputs: Vec<ClaimDate<'_>> = claims
        .iter()
        .map(|c| ClaimDate {
            incident: c.body.incident.as_str(),
            kind: c.body.attributor.kind,
            attributed_on: c.body.attributed_on.as_ref(),
        })
        .collect();
    let rows = attribution_lag(&inputs, &dates);
    render(
        &headers,
        api_language(&params, &headers),
        &json!({
            "rule": "days from the incident's start (or discovery) to its first attribution by each kind of attributor; only dates known to the day; negative lags left out",
            "claims": claims.len(),
            "lag": rows,
        }),
    )
}

pub async fn responses(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let viewer = caller.viewer();
    let claims = state.store.standing_records::<AttributionInput>(&viewer).await?;
    let responses = state.store.standing_records::<ResponseInput>(&viewer).await?;
    let responded: HashSet<&str> = responses.iter().map(|r| r.body.incident.as_str()).collect();
    let rate = response_rate(
        claims.iter().filter(|c| c.body.attributed_to.state.is_some()).map(|c| c.body.incident.as_str()),
        &responded,
    );
    render(&headers, api_language(&params, &headers), &rate)
}

/// States assessed as violating a norm they endorse (their latest published stance).
pub async fn endorsed(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let viewer = caller.viewer();
    let assessments = state.store.standing_records::<AssessmentInput>(&viewer).await?;
    let states = state
        .store
        .stakeholders(&normwatch_store::StakeholderFilter { kind: Some("state".into()), country: None })
        .await?;
    // Every position the viewer may read, once; the latest published one per (stakeholder, norm)
    // is its stance (positions come oldest first).
    let mut stance: HashMap<(&str, &str), &normwatch_core::adoption::Position> = HashMap::new();
    let positions = state.store.positions(&viewer, &RecordFilter::default()).await?;
    for p in positions.iter().filter(|p| p.status == normwatch_core::RecordStatus::Published) {
        stance.insert((p.stakeholder.as_str(), p.norm.as_str()), p);
    }
    let mut rows = Vec::new();
    for a in assessments.iter().filter(|a| VIOLATION_LEVELS.contains(&a.body.level.as_str())) {
        let Some(code) = &a.body.actor.state else { continue };
        for s in states.iter().filter(|s| s.country.as_deref() == Some(code.as_str())) {
            if let Some(p) = stance.get(&(s.id.as_str(), a.body.norm.as_str())).filter(|p| p.stance == Stance::Endorse)
            {
                rows.push(json!({
                    "state": code, "stakeholder": s.id, "norm": a.body.norm, "level": a.body.level,
                    "incident": a.body.incident, "assessment": a.id, "endorsed_on": p.stated_on, "position": p.id,
                }));
            }
        }
    }
    render(&headers, api_language(&params, &headers), &json!({ "count": rows.len(), "violations": rows }))
}
