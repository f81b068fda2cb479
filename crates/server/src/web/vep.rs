//! VEP pages: the boards, each board's transparency report for a year (anyone), and its cases
//! (members only); downloads of exactly what each shows. Boards, reports and cases are not
//! logged records, so they download as CSV and JSON only.
use super::kit::download::{self, Download, Format};
use super::kit::encode;
use super::kit::{DataVisit, Rows, Visit};
use super::kit::{WebError, failure, layout};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use normwatch_core::vep::{Decision, TransparencyReport};

pub async fn boards(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let DataVisit { page, format, caller, .. } = v.data("/vep", Rows::NotLogged, &[])?;
    let (l, ui) = (page.lang, page.ui());
    let boards = state.store.vep_boards().await.map_err(failure(l))?;
    if format != Format::Html {
        let columns = ["id", "stakeholder", "name_ja", "name_en", "members"];
        let rows = boards
            .iter()
            .map(|b| {
                vec![b.id.clone(), b.stakeholder.clone(), b.name.ja.clone(), b.name.en.clone(), b.members.to_string()]
            })
            .collect();
        let json = serde_json::json!({ "count": boards.len(), "boards": boards });
        let d = Download::unlogged("vep", &columns, rows, &json);
        return download::answer(&state, &caller, format, l, &d).await;
    }
    let body = html! {
        h1 { (ui.vep_title) }
        p { (ui.vep_intro) }
        (download::links_without_stix(&page))
        ul.cards #boards {
            @for b in &boards {
                li { b { a href=(page.link(&format!("/vep/{}", encode(&b.id)))) { (b.name.get(l)) } }
                     (ui.vep_members) ": " (b.members) }
            }
        }
    };
    Ok(layout(&page, ui.vep_title, body).into_response())
}

fn percent(v: Option<f64>) -> String {
    v.map_or_else(|| "—".to_owned(), |x| format!("{:.0}%", x * 100.0))
}

pub async fn board(State(state): State<AppState>, Path(board): Path<String>, v: Visit) -> Result<Response, WebError> {
    let DataVisit { page, format, params, caller } =
        v.without_blanks().data(&format!("/vep/{}", encode(&board)), Rows::NotLogged, &["year"])?;
    let (l, ui) = (page.lang, page.ui());
    let boards = state.store.vep_boards().await.map_err(failure(l))?;
    let Some(b) = boards.into_iter().find(|b| b.id == board) else {
        return Err(WebError::not_found(l, format!("no VEP board `{board}`")));
    };
    let year = params.first("year");
    let year = TransparencyReport::year(year, crate::today()).map_err(failure(l))?;
    let report = state.app().vep_report(&b, year).await.map_err(failure(l))?;
    // Cases only for members: the query itself joins on membership.
    let cases = match &caller.account {
        Some(a) => state.store.vep_cases_for_member(&board, &a.id).await.map_err(failure(l))?,
        None => vec![],
    };
    let is_member = match &caller.account {
        Some(a) => state.store.vep_membership(&board, &a.id).await.map_err(failure(l))?.is_some(),
        None => false,
    };
    if format != Format::Html {
        // The CSV is the report's one row (the API's columns); the JSON adds the cases the page
        // shows, which are a member's only.
        let columns = [
            "board",
            "year",
            "cases",
            "decided",
            "disclosed",
            "disclosed_share",
            "median_days_to_decision",
            "rereviews_due",
            "rereviewed_on_time",
            "overdue_now",
        ];
        let opt = |v: Option<f64>| v.map(|x| format!("{x:.4}")).unwrap_or_default();
        let rows = vec![vec![
            report.board.clone(),
            report.year.to_string(),
            report.cases.to_string(),
            report.decided.to_string(),
            report.disclosed.to_string(),
            opt(report.disclosed_share),
            opt(report.median_days_to_decision),
            report.rereviews_due.to_string(),
            report.rereviewed_on_time.to_string(),
            report.overdue_now.to_string(),
        ]];
        let shown: &[_] = if is_member { &cases } else { &[] };
        let json = serde_json::json!({ "board": b, "report": report, "cases": shown });
        let name = format!("vep-{}-{}", b.id, report.year);
        let d = Download::unlogged(&name, &columns, rows, &json);
        return download::answer(&state, &caller, format, l, &d).await;
    }
    let body = html! {
        h1 { (b.name.get(l)) }
        h2 #report { (ui.vep_report) " " (report.year) }
        form.filters method="get" action=(format!("/vep/{}", encode(&board))) {
            input type="hidden" name="lang" value=(l.code());
            label { (ui.vep_year) input type="number" name="year" value=(report.year) min="2000"; }
            button type="submit" { (ui.apply) }
        }
        table #report-table { tbody {
            tr { th { (ui.vep_cases) } td #r-cases { (report.cases) } }
            tr { th { (ui.vep_decided) } td #r-decided { (report.decided) } }
            tr { th { (ui.vep_disclosed) } td #r-disclosed { (report.disclosed) } }
            tr { th { (ui.vep_disclosed_share) } td #r-share { (percent(report.disclosed_share)) } }
            tr { th { (ui.vep_median_days) } td #r-median { (report.median_days_to_decision.map_or_else(|| "—".to_owned(), |d| format!("{d}"))) } }
            tr { th { (ui.vep_rereviews) } td #r-due { (report.rereviews_due) } }
            tr { th { (ui.vep_on_time) } td #r-on-time { (report.rereviewed_on_time) } }
            tr { th { (ui.vep_overdue) } td #r-overdue { (report.overdue_now) } }
        } }
        p { a href=(format!("/api/v1/vep/boards/{}/report?year={}", encode(&board), report.year)) { (ui.download_json) } " · "
            a href=(format!("/api/v1/vep/boards/{}/report?year={}&format=csv", encode(&board), report.year)) { (ui.download_csv) } }
        (download::links_without_stix(&page))
        h2 { (ui.vep_cases) }
        @if is_member {
            table #cases {
                thead { tr { th { (ui.vep_product) } th { (ui.vep_decision) } th { (ui.vep_rereview_by) } } }
                tbody {
                    @for c in &cases {
                        tr data-overdue=(c.overdue) {
                            td { (c.vendor) " " (c.product) @if let Some(cve) = &c.cve_id { " (" (cve) ")" } }
                            td { @match c.current().map(|d| d.decision) {
                                Some(Decision::Disclose) => { (ui.decision_disclose) }
                                Some(Decision::Restrict) => { (ui.decision_restrict) }
                                None => { (ui.vep_undecided) }
                            } }
                            td { (c.current().and_then(|d| d.rereview_by.clone()).unwrap_or_default())
                                 @if c.overdue { " " span.tag.error { (ui.vep_overdue_flag) } } }
                        }
                    }
                }
            }
        } @else {
            p #confidential { (ui.vep_confidential) }
        }
    };
    Ok(super::kit::no_store(StatusCode::OK, layout(&page, b.name.get(l), body)))
}
