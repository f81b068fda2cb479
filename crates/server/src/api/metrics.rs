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
use normwatch_core::incident::PartialDate;
use normwatch_core::metrics::{
    ClaimDate, LagFigures, ResponseRates, VIOLATION_LEVELS, ViolationCount, attribution_lag, response_rates,
    violations_per_norm_year,
};
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput};
use normwatch_core::{RecordStatus, Viewer};
use normwatch_store::RecordFilter;
use serde::Serialize;
use serde_json::json;
use std::collections::HashMap;

/// How the attribution lag is computed, for readers of the figure.
pub const LAG_RULE: &str = "days from the incident's start (or its discovery when the start is unknown) to its first attribution by each kind of attributor; a date known only to the month or year is the interval of its days, so each lag is an interval [lower, upper] (lower clamped at 0 when the dates overlap; left out only when the attribution certainly precedes the start); the medians of the lower and of the upper bounds bound the median; day_precise_median_days uses only incidents with both dates known to the day; a linked group of records counts as one incident";

/// What the figures are computed from, read once per request: the standing published records
/// the viewer may read, incident dates, and the linked groups (confirmed links between incidents
/// the viewer may read, so one real-world incident counts once).
struct Sources {
    assessments: Vec<normwatch_store::LedgerRecord<AssessmentInput>>,
    claims: Vec<normwatch_store::LedgerRecord<AttributionInput>>,
    responses: Vec<normwatch_store::LedgerRecord<ResponseInput>>,
    dates: HashMap<String, (Option<PartialDate>, Option<PartialDate>)>,
    groups: HashMap<String, String>,
}

impl Sources {
    async fn read(state: &AppState, viewer: &Viewer, wanted: Wanted) -> Result<Sources, ApiError> {
        let store = &state.store;
        Ok(Sources {
            assessments: if wanted.assessments { store.standing_records(viewer).await? } else { Vec::new() },
            claims: if wanted.claims { store.standing_records(viewer).await? } else { Vec::new() },
            responses: if wanted.responses { store.standing_records(viewer).await? } else { Vec::new() },
            dates: if wanted.dates { store.incident_dates(viewer).await? } else { HashMap::new() },
            groups: if wanted.claims { store.incident_groups(viewer).await? } else { HashMap::new() },
        })
    }

    /// Published violations (established or likely) per norm and incident year.
    fn violation_counts(&self) -> Vec<ViolationCount> {
        let year = |incident: &str| {
            self.dates.get(incident).and_then(|(s, d)| s.as_ref().or(d.as_ref())).map(PartialDate::year)
        };
        violations_per_norm_year(
            self.assessments
                .iter()
                .filter(|a| VIOLATION_LEVELS.contains(&a.body.level.as_str()))
                .map(|a| (a.body.norm.as_str(), year(&a.body.incident))),
        )
    }

    /// The attribution lag by attributor kind and by year, and how many claims it was drawn from.
    fn lag(&self) -> LagReport {
        let inputs: Vec<ClaimDate<'_>> = self
            .claims
            .iter()
            .map(|c| ClaimDate {
                incident: c.body.incident.as_str(),
                kind: c.body.attributor.kind,
                attributed_on: c.body.attributed_on.as_ref(),
            })
            .collect();
        LagReport {
            rule: LAG_RULE,
            claims: self.claims.len(),
            figures: attribution_lag(&inputs, &self.dates, &self.groups),
        }
    }

    /// The response rate of incidents attributed to a state, overall and per kind of attributor.
    fn response_rates(&self) -> ResponseRates {
        response_rates(
            self.claims
                .iter()
                .filter(|c| c.body.attributed_to.state.is_some())
                .map(|c| (c.body.incident.as_str(), c.body.attributor.kind)),
            self.responses.iter().map(|r| r.body.incident.as_str()),
            &self.groups,
        )
    }
}

/// Which records a figure needs.
#[derive(Clone, Copy, Default)]
struct Wanted {
    assessments: bool,
    claims: bool,
    responses: bool,
    dates: bool,
}

const EVERYTHING: Wanted = Wanted { assessments: true, claims: true, responses: true, dates: true };

/// The attribution lag by attributor kind and by year, and how many claims it was drawn from.
pub async fn lag_figures(state: &AppState, viewer: &Viewer) -> Result<(usize, LagFigures), ApiError> {
    let wanted = Wanted { claims: true, dates: true, ..Wanted::default() };
    let lag = Sources::read(state, viewer, wanted).await?.lag();
    Ok((lag.claims, lag.figures))
}

/// Every figure at once: `GET /api/v1/metrics` and the portal page's JSON download.
#[derive(Debug, Clone, Serialize)]
pub struct AllMetrics {
    pub violation_levels: [&'static str; 2],
    pub violations: Vec<ViolationCount>,
    pub attribution_lag: LagReport,
    pub responses: ResponseRates,
    pub endorsed_violations: Vec<EndorsedViolation>,
}

/// The attribution lag with its rule and the number of claims read.
#[derive(Debug, Clone, Serialize)]
pub struct LagReport {
    pub rule: &'static str,
    pub claims: usize,
    #[serde(flatten)]
    pub figures: LagFigures,
}

pub async fn all_metrics(state: &AppState, viewer: &Viewer) -> Result<AllMetrics, ApiError> {
    let sources = Sources::read(state, viewer, EVERYTHING).await?;
    Ok(AllMetrics {
        violation_levels: VIOLATION_LEVELS,
        violations: sources.violation_counts(),
        attribution_lag: sources.lag(),
        responses: sources.response_rates(),
        endorsed_violations: endorsed_violations(state, viewer, &sources.assessments).await?,
    })
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
async fn endorsed_violations(
    state: &AppState,
    viewer: &Viewer,
    assessments: &[normwatch_store::LedgerRecord<AssessmentInput>],
) -> Result<Vec<EndorsedViolation>, ApiError> {
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

pub async fn all(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let all = all_metrics(&state, &caller.viewer()).await?;
    render(&headers, api_language(&params, &headers), &all)
}

pub async fn violations(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let wanted = Wanted { assessments: true, dates: true, ..Wanted::default() };
    let counts = Sources::read(&state, &caller.viewer(), wanted).await?.violation_counts();
    render(&headers, api_language(&params, &headers), &json!({ "levels": VIOLATION_LEVELS, "violations": counts }))
}

pub async fn lag(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let wanted = Wanted { claims: true, dates: true, ..Wanted::default() };
    let lag = Sources::read(&state, &caller.viewer(), wanted).await?.lag();
    render(&headers, api_language(&params, &headers), &lag)
}

pub async fn responses(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let wanted = Wanted { claims: true, responses: true, ..Wanted::default() };
    let rate = Sources::read(&state, &caller.viewer(), wanted).await?.response_rates();
    render(&headers, api_language(&params, &headers), &rate)
}

pub async fn endorsed(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let viewer = caller.viewer();
    let wanted = Wanted { assessments: true, ..Wanted::default() };
    let sources = Sources::read(&state, &viewer, wanted).await?;
    let rows = endorsed_violations(&state, &viewer, &sources.assessments).await?;
    render(&headers, api_language(&params, &headers), &json!({ "count": rows.len(), "violations": rows }))
}
