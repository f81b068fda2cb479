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
use normwatch_core::vep::{BoardInput, DecisionInput, TransparencyReport, VepCase, VepCaseInput};
use normwatch_core::{FieldError, LangChoice, Right};
use serde_json::json;

pub async fn create_board(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<BoardInput>, ApiError>,
) -> Result<Response, ApiError> {
    // Who may write is decided before the body is read: 401/403 come before 400.
    caller.require(Right::ManageVepBoards, None)?;
    let JsonBody(input) = body?;
    let board = state.app().create_vep_board(caller.acting(), &input).await?;
    Ok((StatusCode::CREATED, Json(board)).into_response())
}

pub async fn boards(State(state): State<AppState>, headers: HeaderMap, params: Params) -> Result<Response, ApiError> {
    params.only(&[])?;
    let boards = state.store.vep_boards().await?;
    render(&headers, api_language(&params, &headers), &json!({"count": boards.len(), "boards": boards}))
}

pub async fn create_case(
    State(state): State<AppState>,
    caller: Caller,
    Path(board): Path<String>,
    body: Result<JsonBody<VepCaseInput>, ApiError>,
) -> Result<Response, ApiError> {
    // Only a member learns the board exists, before the body is read.
    let seat = state.app().vep_seat(caller.acting(), &board).await?;
    let JsonBody(input) = body?;
    let id = state.app().create_vep_case(caller.acting(), &seat, &input).await?;
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
    let seat = state.app().vep_seat(caller.acting(), &board).await?;
    let overdue = match params.pairs.iter().find(|(k, _)| k == "overdue").map(|(_, v)| v.as_str()) {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(other) => return Err(FieldError::new("overdue", format!("`{other}`: use true or false")).into()),
    };
    let list: Vec<VepCase> = state
        .store
        .vep_cases_for_member(seat.board(), seat.account())
        .await?
        .into_iter()
        .filter(|c| overdue.is_none_or(|o| c.overdue == o))
        .collect();
    let mut r = Json(json!({"count": list.len(), "cases": list})).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

pub async fn case(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Result<Response, ApiError> {
    let mut r = Json(state.app().vep_case(caller.acting(), &id).await?).into_response();
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<JsonBody<DecisionInput>, ApiError>,
) -> Result<Response, ApiError> {
    let case = state.app().vep_case(caller.acting(), &id).await?;
    let JsonBody(input) = body?;
    let case = state.app().decide_vep_case(caller.acting(), &case, &input).await?;
    Ok((StatusCode::CREATED, Json(case)).into_response())
}

/// The board's transparency report for a year, for anyone: aggregates, never cases.
pub async fn report(
    State(state): State<AppState>,
    Path(board): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&["year", "format"])?;
    let board = state.app().vep_board(&board).await?;
    // A bad year is a bad parameter (400), told after an unknown board (404).
    let year = params.pairs.iter().find(|(k, _)| k == "year").map(|(_, v)| v.as_str());
    let year = TransparencyReport::year(year, crate::today())?;
    let report = state.app().vep_report(&board, year).await?;
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
