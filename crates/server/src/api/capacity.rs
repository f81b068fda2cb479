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
use normwatch_app::NamedVulnerability;
use normwatch_core::capacity::{
    Coverage, ProgrammeFilter, ProgrammeInput, TimelineInput, VulnerabilityFigures, VulnerabilityInput,
};
use normwatch_core::vep::VepCase;
use normwatch_core::{FieldError, RecordKind, Right, Viewer};
use serde_json::json;

pub async fn create_vulnerability(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<VulnerabilityInput>, ApiError>,
) -> Result<Response, ApiError> {
    // Who may write is decided before the body is read: 401/403 come before 400.
    caller.require(Right::WriteVulnerabilities, None)?;
    let JsonBody(input) = body?;
    let v = state.app().create_vulnerability(caller.acting(), &input).await?;
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
    let (incidents, cases) = state.app().vulnerability_links(caller.acting(), v.cve_id.as_deref()).await?;
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

pub async fn add_event(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<JsonBody<TimelineInput>, ApiError>,
) -> Result<Response, ApiError> {
    // Who may write is decided before the body is read: 401/403 come before 400.
    caller.require(Right::WriteVulnerabilities, None)?;
    let JsonBody(input) = body?;
    let v = state.app().add_vulnerability_event(caller.acting(), &id, &input).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

pub async fn create_programme(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<ProgrammeInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let JsonBody(input) = body?;
    let p = state.app().create_programme(caller.acting(), input).await?;
    Ok((StatusCode::CREATED, Json(p)).into_response())
}

pub async fn programmes(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&ProgrammeFilter::PARAMETERS)?;
    let filter = ProgrammeFilter::parse(params.iter(), &state.catalog())?;
    let list = state.store.programmes(&caller.viewer(), filter.norm.as_deref(), filter.region.as_deref()).await?;
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
    let a = state.app().create_hygiene_assessment(caller.acting(), &input).await?;
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
