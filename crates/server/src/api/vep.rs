//! The vulnerability equities process: boards (public), cases and decisions (members only), and
//! the annual transparency report (public aggregates).
use super::render;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, api_language};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use normwatch_core::StakeholderId;
use normwatch_core::vep::{DecisionInput, TransparencyReport, VepCase, VepCaseInput};
use normwatch_core::{FieldError, LangChoice, Localized, Right};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MemberInput {
    username: String,
    agency: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardInput {
    id: String,
    stakeholder: String,
    name: Localized,
    members: Vec<MemberInput>,
}

pub async fn create_board(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<BoardInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.require(Right::ManageVepBoards, None)?;
    let JsonBody(input) = body?;
    let invalid = |f: &str, r: &str| ApiError::InvalidField(FieldError::new(f, r));
    StakeholderId::parse_field("id", &input.id).map_err(ApiError::InvalidField)?;
    if let Some(lang) = input.name.missing().first() {
        return Err(invalid(&format!("name.{lang}"), "the name is needed in Japanese and English"));
    }
    if input.members.is_empty() {
        return Err(invalid("members", "a board needs members"));
    }
    let mut members: Vec<(String, String)> = Vec::new();
    for (i, m) in input.members.iter().enumerate() {
        if input.members[..i].iter().any(|earlier| earlier.username == m.username) {
            return Err(invalid(&format!("members[{i}].username"), "listed twice"));
        }
        let Some((account, _)) = state.store.account_for_sign_in(&m.username).await? else {
            return Err(invalid(&format!("members[{i}].username"), "no such account"));
        };
        if m.agency.trim().is_empty() {
            return Err(invalid(&format!("members[{i}].agency"), "name the member's agency"));
        }
        members.push((account.id, m.agency.trim().to_owned()));
    }
    let board =
        state.store.create_vep_board(&caller.actor(), &input.id, &input.stakeholder, &input.name, &members).await?;
    Ok((StatusCode::CREATED, Json(board)).into_response())
}

pub async fn boards(State(state): State<AppState>, headers: HeaderMap, params: Params) -> Result<Response, ApiError> {
    params.only(&[])?;
    let boards = state.store.vep_boards().await?;
    render(&headers, api_language(&params, &headers), &json!({"count": boards.len(), "boards": boards}))
}

/// The caller's account, if it sits on the board. Everyone else is told the cases do not exist
/// for them, whatever their role.
async fn member(state: &AppState, caller: &Caller, board: &str) -> Result<String, ApiError> {
    let account = caller.signed_in()?;
    match state.store.vep_membership(board, &account.id).await? {
        Some(_) => Ok(account.id.clone()),
        None => Err(ApiError::NotFound { kind: "VEP board you sit on", id: board.to_owned() }),
    }
}

pub async fn create_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(board): Path<String>,
    body: Result<JsonBody<VepCaseInput>, ApiError>,
) -> Result<Response, ApiError> {
    member(&state, &caller, &board).await?;
    let JsonBody(input) = body?;
    input.validate(crate::today()).map_err(ApiError::InvalidField)?;
    let id = state.store.create_vep_case(&caller.actor(), &board, &input).await?;
    let mut r = (StatusCode::CREATED, Json(json!({"id": id}))).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!("/api/v1/vep/cases/{id}")) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    Ok(r)
}

pub async fn cases(
    State(state): State<AppState>,
    caller: Caller,
    Path(board): Path<String>,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&["overdue"])?;
    let account = member(&state, &caller, &board).await?;
    let overdue = match params.pairs.iter().find(|(k, _)| k == "overdue").map(|(_, v)| v.as_str()) {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => return Err(FieldError::new("overdue", format!("`{other}`: use true or false")).into()),
    };
    let list: Vec<VepCase> = state
        .store
        .vep_cases_for_member(&board, &account)
        .await?
        .into_iter()
        .filter(|c| overdue.is_none_or(|o| c.overdue == o))
        .collect();
    let mut r = Json(json!({"count": list.len(), "cases": list})).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

async fn case_for(state: &AppState, caller: &Caller, id: &str) -> Result<VepCase, ApiError> {
    let account = caller.signed_in()?;
    state
        .store
        .vep_case_for_member(id, &account.id)
        .await?
        .ok_or(ApiError::NotFound { kind: "VEP case", id: id.to_owned() })
}

pub async fn case(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response, ApiError> {
    let mut r = Json(case_for(&state, &caller, &id).await?).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<JsonBody<DecisionInput>, ApiError>,
) -> Result<Response, ApiError> {
    let case = case_for(&state, &caller, &id).await?;
    let JsonBody(input) = body?;
    input.validate(&case.submitted_on, case.current(), crate::today()).map_err(ApiError::InvalidField)?;
    state.store.add_vep_decision(&caller.actor(), &id, &input).await?;
    Ok((StatusCode::CREATED, Json(case_for(&state, &caller, &id).await?)).into_response())
}

/// The board's transparency report for a year, for anyone: aggregates, never cases.
pub async fn report_for(state: &AppState, board: &str, params: &Params) -> Result<TransparencyReport, ApiError> {
    if !state.store.vep_boards().await?.iter().any(|b| b.id == board) {
        return Err(ApiError::NotFound { kind: "VEP board", id: board.to_owned() });
    }
    let this_year = crate::today().year();
    let year = match params.pairs.iter().find(|(k, _)| k == "year").map(|(_, v)| v.as_str()) {
        None => this_year,
        Some(y) => y
            .parse::<i32>()
            .ok()
            .filter(|y| (2000..=this_year).contains(y))
            .ok_or_else(|| FieldError::new("year", format!("`{y}` is not a year from 2000 to {this_year}")))?,
    };
    let cases = state.store.vep_cases_for_report(board).await?;
    Ok(TransparencyReport::compute(board, year, &cases, &crate::today().to_string()))
}

pub async fn report(
    State(state): State<AppState>,
    Path(board): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&["year", "format"])?;
    let report = report_for(&state, &board, &params).await?;
    match params.pairs.iter().find(|(k, _)| k == "format").map(|(_, v)| v.as_str()) {
        None | Some("json") => render(&headers, LangChoice::All, &report),
        Some("csv") => {
            let opt = |v: Option<f64>| v.map(|x| format!("{x:.4}")).unwrap_or_default();
            let csv = format!(
                "board,year,cases,decided,disclosed,disclosed_share,median_days_to_decision,rereviews_due,rereviewed_on_time,overdue_now\r\n{},{},{},{},{},{},{},{},{},{}\r\n",
                report.board,
                report.year,
                report.cases,
                report.decided,
                report.disclosed,
                opt(report.disclosed_share),
                opt(report.median_days_to_decision),
                report.rereviews_due,
                report.rereviewed_on_time,
                report.overdue_now
            );
            let mut r = csv.into_response();
            r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
            Ok(r)
        }
        Some(other) => Err(FieldError::new("format", format!("`{other}`: use json or csv")).into()),
    }
}
