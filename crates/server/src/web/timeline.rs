//! `/incidents/timeline`: the published incidents the viewer may read, in chronological order,
//! grouped by year and then by month where the month is known, with the incident list's
//! filters, and downloads of exactly the incidents shown.
use super::kit::bad_query;
use super::kit::dates::{format_date, format_month, year_month};
use super::kit::download::{self, Download, Format};
use super::kit::either;
use super::kit::encode;
use super::kit::incident_filters;
use super::kit::{DataVisit, Rows, Visit};
use super::kit::{WebError, failure, layout};
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::i18n::words;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;
use normwatch_core::incident::IncidentQuery;
use normwatch_core::{Lang, Localized, RecordStatus};
use serde::Serialize;

/// The most incidents one timeline shows; a narrower filter shows the rest.
const MAX: usize = 5000;

/// The filters the timeline takes: the incident list's, but not its paging or status.
const FILTERS: [&str; 7] = ["q", "year", "country", "operation", "norm", "sector", "attributed_state"];

words! {
    struct Words, fn words;
    title: "インシデントの年表", "Incident timeline";
    intro:
        "公開済みのインシデントを開始（不明なら発見）の日付順に、年ごと・月ごと（分かる場合）にまとめたもの。",
        "Published incidents in the order they started (or were discovered), by year and, where known, by month.";
    apply: "絞り込む", "Filter";
    found: "件", "found";
    none: "該当するインシデントはない。", "No incident matches.";
    month_unknown: "月不明", "Month unknown";
    date_unknown: "日付不明", "Date unknown";
    truncated:
        "表示件数の上限に達した。条件を絞り込むと残りが表示される。",
        "The timeline shows at most this many incidents; narrow the filters to see the rest.";
    list: "一覧で見る", "As a list";
}

/// One incident on the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct TimelineRow {
    pub incident: String,
    /// The start (or discovery) date as recorded: YYYY, YYYY-MM or YYYY-MM-DD.
    pub date: Option<String>,
    pub year: Option<u16>,
    pub month: Option<u8>,
    pub title: Localized,
    pub tlp: String,
}

/// A month of a year on the timeline (`None`: the month is not known) and its incidents.
type MonthGroup<'a> = (Option<u8>, Vec<&'a TimelineRow>);

#[derive(Debug, Clone, Serialize)]
struct TimelineJson<'a> {
    count: usize,
    truncated: bool,
    incidents: &'a [TimelineRow],
}

async fn rows(state: &AppState, caller: &Caller, query: &IncidentQuery) -> Result<(Vec<TimelineRow>, bool), WebError> {
    let l = Lang::En;
    let viewer = caller.viewer();
    let mut q = query.clone();
    q.status = Some(RecordStatus::Published);
    let dates = state.store.incident_dates(&viewer).await.map_err(failure(l))?;
    let (found, _, truncated) = state.store.search_incidents_upto(&viewer, &q, MAX).await.map_err(failure(l))?;
    let mut out: Vec<TimelineRow> = found
        .into_iter()
        .map(|i| {
            let date = dates.get(&i.id).and_then(|(s, d)| s.as_ref().or(d.as_ref())).map(|d| d.as_str().to_owned());
            let (year, month) = date.as_deref().and_then(year_month).map_or((None, None), |(y, m)| (Some(y), m));
            TimelineRow { incident: i.id, date, year, month, title: i.title, tlp: i.tlp }
        })
        .collect();
    // Oldest first; within a year, the incidents known only to the year first; undated last.
    out.sort_by(|a, b| {
        (a.year.is_none(), a.year, a.month, &a.date, &a.incident).cmp(&(
            b.year.is_none(),
            b.year,
            b.month,
            &b.date,
            &b.incident,
        ))
    });
    Ok((out, truncated))
}

pub async fn timeline(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let DataVisit { page, format, params, caller } =
        v.without_blanks().data("/incidents/timeline", Rows::Logged, &FILTERS)?;
    let (l, w) = (page.lang, words(page.lang));
    let catalog = state.catalog();
    let query = IncidentQuery::parse(params.iter(), &catalog).map_err(bad_query(l))?;
    let (rows, truncated) = rows(&state, &caller, &query).await.map_err(|e| WebError { lang: l, ..e })?;
    if format != Format::Html {
        let columns = ["year", "month", "date", "incident", "title", "tlp"];
        let csv_rows = rows
            .iter()
            .map(|r| {
                vec![
                    r.year.map(|y| y.to_string()).unwrap_or_default(),
                    r.month.map(|m| m.to_string()).unwrap_or_default(),
                    r.date.clone().unwrap_or_default(),
                    r.incident.clone(),
                    either(&r.title, l).to_owned(),
                    r.tlp.clone(),
                ]
            })
            .collect();
        let json = TimelineJson { count: rows.len(), truncated, incidents: &rows };
        let records = rows.iter().map(|r| ("incident", r.incident.as_str())).collect();
        let d = Download {
            name: "timeline",
            columns: &columns,
            rows: csv_rows,
            json: &json,
            records,
            stakeholders: vec![],
        };
        return download::answer(&state, &caller, format, l, &d).await;
    }
    let value = |k: &str| params.first(k).map(str::to_owned).unwrap_or_default();
    let query_string: Vec<String> = params.pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    let list_link = if query_string.is_empty() {
        page.link("/incidents")
    } else {
        page.link(&format!("/incidents?{}", query_string.join("&")))
    };
    // Year → month (None: not known) → rows, in the order of `rows`.
    let mut groups: Vec<(Option<u16>, Vec<MonthGroup>)> = Vec::new();
    for r in &rows {
        if groups.last().is_none_or(|(y, _)| *y != r.year) {
            groups.push((r.year, Vec::new()));
        }
        let months = &mut groups.last_mut().expect("a year group").1;
        if months.last().is_none_or(|(m, _)| *m != r.month) {
            months.push((r.month, Vec::new()));
        }
        months.last_mut().expect("a month group").1.push(r);
    }
    let body = html! {
        h1 { (w.title) }
        p { (w.intro) }
        form.filters method="get" action="/incidents/timeline" role="search" {
            input type="hidden" name="lang" value=(l.code());
            (incident_filters(l, &catalog, &value))
            button type="submit" { (w.apply) }
        }
        p #total { b { (rows.len()) } " " (w.found) " · " a href=(list_link) { (w.list) } }
        (download::links(&page))
        @if truncated { p.notice { (w.truncated) " (" (MAX) ")" } }
        @if rows.is_empty() { p { (w.none) } }
        div.timeline #timeline {
            @for (year, months) in &groups {
                section.year id=(year.map_or_else(|| "year-unknown".to_owned(), |y| format!("year-{y}"))) {
                    h2 { (year.map_or_else(|| w.date_unknown.to_owned(), |y| format_date(&y.to_string(), l))) }
                    @for (month, list) in months {
                        @if let Some(y) = year {
                            h3 { (month.map_or_else(|| w.month_unknown.to_owned(), |m| format_month(*y, m, l))) }
                        }
                        ol.incidents {
                            @for r in list {
                                li data-incident=(r.incident) {
                                    span.date { (r.date.as_deref().map_or_else(String::new, |d| format_date(d, l))) }
                                    " "
                                    a href=(page.link(&format!("/incidents/{}", encode(&r.incident)))) { (either(&r.title, l)) }
                                    @if r.tlp != "clear" { " " span.tag { "TLP:" (r.tlp.to_uppercase()) } }
                                }
                            }
                        }
                    }
                }
            }
        }
    };
    Ok(layout(&page, w.title, body).into_response())
}
