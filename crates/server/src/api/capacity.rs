//! Vulnerabilities with their mitigation timelines, and capacity-building programmes.
use super::render;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, api_language};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use normwatch_core::capacity::{
    Coverage, ProgrammeInput, REGIONS, TimelineInput, VulnerabilityFigures, VulnerabilityInput,
};
use normwatch_core::vep::VepCase;
use normwatch_core::{FieldError, RecordKind, Right, Viewer};
use normwatch_store::IncidentSummary;
use serde::Serialize;
use serde_json::json;

pub async fn create_vulnerability(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<VulnerabilityInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.require(Right::WriteVulnerabilities, None)?;
    let JsonBody(input) = body?;
    input.validate(crate::today()).map_err(ApiError::InvalidField)?;
    let id = state.store.create_vulnerability(&caller.actor(), &input).await?;
    let v = state
        .store
        .vulnerability(&caller.viewer(), &id)
        .await?
        .ok_or(ApiError::NotFound { kind: RecordKind::Vulnerability.as_str(), id })?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

pub async fn vulnerabilities(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let list = state.store.vulnerabilities(&caller.viewer()).await?;
    let figures = VulnerabilityFigures::compute(&list);
    render(
        &headers,
        api_language(&params, &headers),
        &json!({"count": list.len(), "figures": figures, "vulnerabilities": list}),
    )
}

pub async fn vulnerability(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let v = state
        .store
        .vulnerability(&caller.viewer(), &id)
        .await?
        .ok_or(ApiError::NotFound { kind: RecordKind::Vulnerability.as_str(), id })?;
    let (incidents, cases) = vulnerability_links(&state, &caller, v.cve_id.as_deref()).await?;
    let mut value = serde_json::to_value(&v).map_err(|e| {
        ApiError::Store(normwatch_store::StoreError::Corrupt { what: "vulnerability".into(), reason: e.to_string() })
    })?;
    value["incidents"] = json!(incidents);
    value["vep_cases"] = json!(cases.iter().map(case_summary).collect::<Vec<_>>());
    let mut response = render(&headers, api_language(&params, &headers), &value)?;
    if !cases.is_empty() {
        // A board's cases are its members' alone: no shared cache keeps them.
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(response)
}

/// What exploited a vulnerability and what was decided about it: the incidents naming its CVE
/// that the caller may read, and the VEP cases about it on the boards the caller sits on.
pub async fn vulnerability_links(
    state: &AppState,
    caller: &Caller,
    cve: Option<&str>,
) -> Result<(Vec<IncidentSummary>, Vec<VepCase>), ApiError> {
    let Some(cve) = cve else { return Ok((Vec::new(), Vec::new())) };
    let incidents = state.store.incidents_naming_cve(&caller.viewer(), cve).await?;
    let account = caller.account.as_ref().map(|a| a.id.as_str());
    let cases = state.store.vep_cases_about_cve(cve, account).await?;
    Ok((incidents, cases))
}

/// A VEP case as a vulnerability lists it; the whole case is `GET /vep/cases/{id}`.
fn case_summary(c: &VepCase) -> serde_json::Value {
    json!({
        "id": c.id, "board": c.board, "severity": c.severity, "submitted_on": c.submitted_on,
        "decision": c.current().map(|d| d.decision), "overdue": c.overdue,
    })
}

/// A CVE an incident names, with the registry's record of it when there is one the viewer may read.
#[derive(Debug, Clone, Serialize)]
pub struct NamedVulnerability {
    pub cve: String,
    /// The registry's record (`GET /vulnerabilities/{id}`); none when the CVE is not registered.
    pub id: Option<String>,
}

/// The vulnerabilities an incident names: one entry per registered record of each CVE, or one
/// without a record for a CVE the registry does not hold.
pub async fn incident_vulnerabilities(
    state: &AppState,
    viewer: &Viewer,
    incident: &str,
) -> Result<Vec<NamedVulnerability>, ApiError> {
    let cves = state.store.incident_cve_ids(viewer, incident).await?;
    let registered = state.store.vulnerabilities_for_cves(viewer, &cves).await?;
    let mut out = Vec::with_capacity(cves.len());
    for cve in cves {
        let ids: Vec<&(String, String)> = registered.iter().filter(|(c, _)| *c == cve).collect();
        if ids.is_empty() {
            out.push(NamedVulnerability { cve, id: None });
        } else {
            out.extend(ids.into_iter().map(|(c, id)| NamedVulnerability { cve: c.clone(), id: Some(id.clone()) }));
        }
    }
    Ok(out)
}

pub async fn add_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<JsonBody<TimelineInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.require(Right::WriteVulnerabilities, None)?;
    let JsonBody(input) = body?;
    let viewer = caller.viewer();
    let v = state
        .store
        .vulnerability(&viewer, &id)
        .await?
        .ok_or(ApiError::NotFound { kind: RecordKind::Vulnerability.as_str(), id: id.clone() })?;
    let recorded: Vec<_> = state.store.vulnerability_events(&id).await?.into_iter().map(|e| (e.event, e.on)).collect();
    input.validate(&v, &recorded, crate::today()).map_err(ApiError::InvalidField)?;
    state.store.add_vulnerability_event(&caller.actor(), &v, &input).await?;
    let v = state
        .store
        .vulnerability(&viewer, &id)
        .await?
        .ok_or(ApiError::NotFound { kind: RecordKind::Vulnerability.as_str(), id })?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

pub async fn create_programme(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<ProgrammeInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let JsonBody(mut input) = body?;
    caller.require(Right::WriteProgrammes, Some(&input.provider))?;
    input.validate(&state.catalog()).map_err(ApiError::InvalidField)?;
    let p = state.store.create_programme(&caller.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(p)).into_response())
}

/// `?norm=&region=`, validated.
pub fn programme_filter(state: &AppState, params: &Params) -> Result<(Option<String>, Option<String>), ApiError> {
    params.only(&["norm", "region"])?;
    let get = |k: &str| params.pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let norm = get("norm");
    if let Some(n) = &norm
        && state.catalog().norm(n).is_none()
    {
        return Err(FieldError::new("norm", format!("`{n}` is not a norm of the catalogue")).into());
    }
    let region = get("region");
    if let Some(r) = &region
        && state.catalog().taxonomy(REGIONS).is_none_or(|t| t.term(r).is_none())
    {
        return Err(FieldError::new("region", format!("`{r}` is not a region")).into());
    }
    Ok((norm, region))
}

pub async fn programmes(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    let (norm, region) = programme_filter(&state, &params)?;
    let list = state.store.programmes(&caller.viewer(), norm.as_deref(), region.as_deref()).await?;
    render(&headers, api_language(&params, &headers), &json!({"count": list.len(), "programmes": list}))
}

pub async fn coverage(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let list = state.store.programmes(&caller.viewer(), None, None).await?;
    render(&headers, api_language(&params, &headers), &Coverage::compute(&state.catalog(), &list))
}

/// The standards registry, optionally those for one norm or asset class.
pub async fn standards(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&["norm", "asset"])?;
    let get = |k: &str| params.pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let (norm, asset) = (get("norm"), get("asset"));
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
    render(&headers, api_language(&params, &headers), &json!({"count": list.len(), "standards": list}))
}

pub async fn baselines(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    render(
        &headers,
        api_language(&params, &headers),
        &json!({"count": state.catalog().baselines.len(), "baselines": state.catalog().baselines}),
    )
}

pub async fn create_assessment(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<normwatch_core::capacity::AssessmentInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let JsonBody(input) = body?;
    caller.require(Right::WriteEvidence, Some(&input.stakeholder))?;
    input.validate(&state.catalog(), crate::today()).map_err(ApiError::InvalidField)?;
    let a = state.store.create_assessment(&caller.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

pub async fn assessments(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&["stakeholder", "baseline"])?;
    let get = |k: &str| params.pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let list =
        state.store.assessments(&caller.viewer(), get("stakeholder").as_deref(), get("baseline").as_deref()).await?;
    render(&headers, api_language(&params, &headers), &json!({"count": list.len(), "assessments": list}))
}
