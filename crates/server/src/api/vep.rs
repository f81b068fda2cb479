//! The vulnerability equities process: boards (public), cases and decisions (members only), and
//! the annual transparency report (public aggregates).
use super::handler::{Answer, Read, Write, created, listed, made, ok, unshared};
use crate::AppState;
use crate::auth::Caller;
use crate::extract::Params;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use normwatch_core::vep::{BoardInput, DecisionInput, TransparencyReport, VepCase, VepCaseInput};
use normwatch_core::{FieldError, Right};
use serde_json::json;

pub async fn create_board(State(state): State<AppState>, write: Write<BoardInput>) -> Answer {
    let (caller, input) = write.with(Right::ManageVepBoards)?;
    made(state.app().create_vep_board(caller.acting(), &input).await?)
}

pub async fn boards(State(state): State<AppState>, read: Read) -> Answer {
    read.only(&[])?;
    read.render(&listed("boards", &state.store.vep_boards().await?))
}

pub async fn create_case(
    State(state): State<AppState>,
    Path(board): Path<String>,
    write: Write<VepCaseInput>,
) -> Answer {
    let Write { caller, body } = write;
    // Only a member learns the board exists, before the body is read.
    let seat = state.app().vep_seat(caller.acting(), &board).await?;
    let id = state.app().create_vep_case(caller.acting(), &seat, &body?).await?;
    Ok(created(&json!({"id": id}), format!("/api/v1/vep/cases/{id}")))
}

pub async fn cases(State(state): State<AppState>, caller: Caller, Path(board): Path<String>, params: Params) -> Answer {
    params.only(&["overdue"])?;
    let seat = state.app().vep_seat(caller.acting(), &board).await?;
    let overdue = match params.first("overdue") {
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
    ok(listed("cases", &list)).map(unshared)
}

pub async fn case(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Answer {
    ok(state.app().vep_case(caller.acting(), &id).await?).map(unshared)
}

pub async fn decide(State(state): State<AppState>, Path(id): Path<String>, write: Write<DecisionInput>) -> Answer {
    let Write { caller, body } = write;
    let case = state.app().vep_case(caller.acting(), &id).await?;
    made(state.app().decide_vep_case(caller.acting(), &case, &body?).await?)
}

/// The board's transparency report for a year, for anyone: aggregates, never cases.
pub async fn report(State(state): State<AppState>, Path(board): Path<String>, read: Read) -> Answer {
    read.only(&["year", "format"])?;
    let board = state.app().vep_board(&board).await?;
    // A bad year is a bad parameter (400), told after an unknown board (404).
    let year = read.first("year");
    let year = TransparencyReport::year(year, crate::today())?;
    let report = state.app().vep_report(&board, year).await?;
    match read.first("format") {
        None | Some("json") => read.render_all(&report),
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
