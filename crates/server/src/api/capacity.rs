//! Vulnerabilities with their mitigation timelines, and capacity-building programmes.
use super::handler::{Answer, Read, Write, listed, made, object, unshared};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use axum::extract::{Path, State};
use normwatch_app::NamedVulnerability;
use normwatch_core::capacity::{
    AssessmentInput, Coverage, ProgrammeFilter, ProgrammeInput, TimelineInput, VulnerabilityFigures, VulnerabilityInput,
};
use normwatch_core::vep::VepCase;
use normwatch_core::{FieldError, RecordKind, Right, Viewer};
use serde_json::json;

pub async fn create_vulnerability(State(state): State<AppState>, write: Write<VulnerabilityInput>) -> Answer {
    let (caller, input) = write.with(Right::WriteVulnerabilities)?;
    made(state.app().create_vulnerability(caller.acting(), &input).await?)
}

pub async fn vulnerabilities(State(state): State<AppState>, caller: Caller, read: Read) -> Answer {
    read.only(&[])?;
    let list = state.store.vulnerabilities(&caller.viewer()).await?;
    let mut value = listed("vulnerabilities", &list);
    value["figures"] = json!(VulnerabilityFigures::compute(&list));
    read.render(&value)
}

pub async fn vulnerability(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    read: Read,
) -> Answer {
    read.only(&[])?;
    let v = state
        .store
        .vulnerability(&caller.viewer(), &id)
        .await?
        .ok_or(ApiError::NotFound { kind: RecordKind::Vulnerability.as_str(), id })?;
    let (incidents, cases) = state.app().vulnerability_links(caller.acting(), v.cve_id.as_deref()).await?;
    let mut value = object("vulnerability", &v)?;
    value["incidents"] = json!(incidents);
    value["vep_cases"] = json!(cases.iter().map(case_summary).collect::<Vec<_>>());
    let response = read.render(&value)?;
    // A board's cases are its members' alone: no shared cache keeps them.
    Ok(if cases.is_empty() { response } else { unshared(response) })
}

/// A VEP case as a vulnerability lists it; the whole case is `GET /vep/cases/{id}`.
fn case_summary(c: &VepCase) -> serde_json::Value {
    json!({
        "id": c.id, "board": c.board, "severity": c.severity, "submitted_on": c.submitted_on,
        "decision": c.current().map(|d| d.decision), "overdue": c.overdue,
    })
}

/// The vulnerabilities an incident names (the incident's API record lists them).
pub async fn incident_vulnerabilities(
    state: &AppState,
    viewer: &Viewer,
    incident: &str,
) -> Result<Vec<NamedVulnerability>, ApiError> {
    Ok(state.app().incident_vulnerabilities(viewer, incident).await?)
}

pub async fn add_event(State(state): State<AppState>, Path(id): Path<String>, write: Write<TimelineInput>) -> Answer {
    let (caller, input) = write.with(Right::WriteVulnerabilities)?;
    made(state.app().add_vulnerability_event(caller.acting(), &id, &input).await?)
}

pub async fn create_programme(State(state): State<AppState>, write: Write<ProgrammeInput>) -> Answer {
    let (caller, input) = write.signed_in()?;
    made(state.app().create_programme(caller.acting(), input).await?)
}

pub async fn programmes(State(state): State<AppState>, caller: Caller, read: Read) -> Answer {
    read.only(&ProgrammeFilter::PARAMETERS)?;
    let filter = ProgrammeFilter::parse(read.iter(), &state.catalog())?;
    let list = state.store.programmes(&caller.viewer(), filter.norm.as_deref(), filter.region.as_deref()).await?;
    read.render(&listed("programmes", &list))
}

pub async fn coverage(State(state): State<AppState>, caller: Caller, read: Read) -> Answer {
    read.only(&[])?;
    let list = state.store.programmes(&caller.viewer(), None, None).await?;
    read.render(&Coverage::compute(&state.catalog(), &list))
}

/// The standards registry, optionally those for one norm or asset class.
pub async fn standards(State(state): State<AppState>, read: Read) -> Answer {
    read.only(&["norm", "asset"])?;
    let (norm, asset) = (read.first("norm").map(str::to_owned), read.first("asset").map(str::to_owned));
    if let Some(n) = &norm
        && state.catalog().norm(n).is_none()
    {
        return Err(FieldError::new("norm", format!("`{n}` is not a norm of the catalogue")).into());
    }
    if let Some(a) = &asset
        && state.catalog().term(a).is_none()
    {
        return Err(FieldError::new("asset", format!("`{a}` is not an asset class")).into());
    }
    // An asset filter matches a standard for the class or any class above it (pc.routing.x → pc.routing).
    let covers = |std_asset: &str, wanted: &str| wanted == std_asset || wanted.starts_with(&format!("{std_asset}."));
    let catalog = state.catalog();
    let list: Vec<_> = catalog
        .standards
        .iter()
        .filter(|s| norm.as_ref().is_none_or(|n| s.norms.contains(n)))
        .filter(|s| asset.as_ref().is_none_or(|a| s.assets.iter().any(|x| covers(x, a))))
        .collect();
    read.render(&listed("standards", &list))
}

pub async fn baselines(State(state): State<AppState>, read: Read) -> Answer {
    read.only(&[])?;
    read.render(&listed("baselines", &state.catalog().baselines))
}

pub async fn create_assessment(State(state): State<AppState>, write: Write<AssessmentInput>) -> Answer {
    let (caller, input) = write.signed_in()?;
    made(state.app().create_hygiene_assessment(caller.acting(), &input).await?)
}

pub async fn assessments(State(state): State<AppState>, caller: Caller, read: Read) -> Answer {
    read.only(&["stakeholder", "baseline"])?;
    let list = state.store.assessments(&caller.viewer(), read.first("stakeholder"), read.first("baseline")).await?;
    read.render(&listed("assessments", &list))
}
