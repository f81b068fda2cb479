//! The home page's account of what the observatory holds now: counts with this year's and last
//! year's, incidents per year, where incidents were targeted, and the latest incidents and
//! findings — all read as the viewer may read them, from figures kept until the next write
//! (`App::overview`), so the page costs a cache lookup, not a scan, at any size.
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::charts;
use crate::web::kit::dates::format_date;
use crate::web::kit::i18n::words;
use crate::web::kit::map::choropleth;
use crate::web::kit::{Page, WebError, either, encode, failure, label};
use axum::http::StatusCode;
use maud::{Markup, PreEscaped, html};
use normwatch_app::overview::Overview;
use normwatch_core::RecordKind;
use normwatch_core::country_display::country_name;

words! {
    pub(super) struct Words, pub(super) fn words;
    title: "normwatch：サイバー安定性の規範の観測所", "normwatch: an observatory of cyberstability norms";
    lead:
        "サイバー空間の規範が守られているかを観測する。公開されたインシデント、その規範違反の評価、帰属の主張、各国や組織の対応と立場を、審査を経て記録し、誰でも検証できる形で公開している。",
        "normwatch watches whether the norms of responsible behaviour in cyberspace are kept. Published incidents, the assessments of the norms they may have breached, the claims attributing them, and the responses and positions of states and organisations are recorded through review and published in a form anyone can verify.";
    holds: "いま記録されているもの", "What it holds now";
    incidents: "公開済みのインシデント", "Published incidents";
    assessments: "規範違反の評価", "Violation assessments";
    claims: "帰属の主張", "Attribution claims";
    responses: "記録された対応", "Recorded responses";
    stakeholders: "ステークホルダー", "Stakeholders";
    states: "うち国家", "of which states";
    started_in: "開始", "started";
    published_in: "公開", "published";
    per_year: "年ごとのインシデント", "Incidents per year";
    per_year_axis: "インシデント数", "incidents";
    per_year_chart:
        "開始年ごとの公開済みインシデント数の折れ線グラフ。数値は下の表にある。",
        "Line chart of the published incidents per year they started. The figures are in the table below.";
    year: "開始年", "Start year";
    timeline: "年表で見る", "See the timeline";
    targeted: "標的となった国", "Targeted countries";
    targeted_map: "標的となった国ごとの公開済みインシデント数の世界地図", "World map of the published incidents per targeted country";
    map_page: "地図のページへ", "The map page";
    analysis: "分析の一覧へ", "All analyses";
    latest_incidents: "最近のインシデント（開始日の新しい順）", "Latest incidents (by start date)";
    latest_findings: "最近公開された評価・帰属・対応", "Latest published assessments, attributions and responses";
    started: "開始", "Started";
    published: "公開日", "Published";
    kind: "種類", "Kind";
    incident: "インシデント", "Incident";
    found: "内容", "Finding";
    all_incidents: "インシデントの一覧へ", "All incidents";
    metrics: "指標のページへ", "The metrics";
    adoption: "規範の採択状況へ", "Adoption of the norms";
    none: "まだない。", "None yet.";
    unknown: "不明", "unknown";
    norms_watched: "観測する規範", "The norms it watches";
}

fn kind_name(kind: RecordKind, w: &Words) -> &'static str {
    match kind {
        RecordKind::ViolationAssessment => w.assessments,
        RecordKind::AttributionClaim => w.claims,
        _ => w.responses,
    }
}

/// A count with this year's and last year's (`by`: the words saying by which date).
fn figure(id: &str, name: &str, href: &str, total: i64, years: Option<(&str, i32, i64, i64)>) -> Markup {
    html! {
        li id=(id) {
            a href=(href) { (name) }
            b.n { (total) }
            @if let Some((by, this, now, before)) = years {
                small.trend { (by) " " (this) ": " (now) " · " (this - 1) ": " (before) }
            }
        }
    }
}

/// The overview's blocks for the viewer.
pub async fn overview(state: &AppState, caller: &Caller, page: &Page) -> Result<Markup, WebError> {
    let (l, w, catalog) = (page.lang, words(page.lang), state.catalog());
    let app = state.app();
    let this_year = app.today.year();
    let o: Overview = app.overview(caller.acting()).await.map_err(failure(l))?;
    let findings = |kind: RecordKind, year: Option<i32>| -> i64 {
        o.findings.iter().filter(|f| f.kind == kind && (year.is_none() || f.year == year)).map(|f| f.count).sum()
    };
    let started = |y: i32| o.incidents_by_year.get(&y).copied().unwrap_or(0);
    let finding_figure = |id: &str, kind: RecordKind, href: &str| {
        figure(
            id,
            kind_name(kind, w),
            &page.link(href),
            findings(kind, None),
            Some((w.published_in, this_year, findings(kind, Some(this_year)), findings(kind, Some(this_year - 1)))),
        )
    };
    // Every year from the first to the last, so the line shows the years without incidents.
    let years: Vec<(i32, f64)> = match (o.incidents_by_year.keys().next(), o.incidents_by_year.keys().last()) {
        (Some(first), Some(last)) => (*first..=*last).map(|y| (y, started(y) as f64)).collect(),
        _ => Vec::new(),
    };
    let chart = if years.is_empty() {
        None
    } else {
        Some(charts::lines_by_year(&[(w.per_year_axis.to_owned(), years)], w.per_year_axis, None).map_err(|e| {
            WebError {
                status: StatusCode::INTERNAL_SERVER_ERROR,
                lang: l,
                message: format!("the chart could not be drawn: {e}"),
            }
        })?)
    };
    let country_href = |code: &str| page.link(&format!("/incidents?country={}", encode(code)));
    Ok(html! {
        section #overview aria-labelledby="holds" {
            h2 #holds { (w.holds) }
            ul.figures {
                (figure("count-incidents", w.incidents, &page.link("/incidents"), o.incidents,
                        Some((w.started_in, this_year, started(this_year), started(this_year - 1)))))
                (finding_figure("count-assessments", RecordKind::ViolationAssessment, "/metrics#violations"))
                (finding_figure("count-claims", RecordKind::AttributionClaim, "/analysis/attribution"))
                (finding_figure("count-responses", RecordKind::IncidentResponse, "/metrics#responses"))
                li #count-stakeholders {
                    a href=(page.link("/stakeholders")) { (w.stakeholders) }
                    b.n { (o.stakeholders) }
                    small.trend { (w.states) ": " (o.states) }
                }
            }
        }
        section #latest aria-labelledby="latest-incidents-heading" {
            h2 #latest-incidents-heading { (w.latest_incidents) }
            @if o.latest_incidents.is_empty() { p { (w.none) } } @else {
                table #latest-incidents {
                    thead { tr { th scope="col" { (w.started) } th scope="col" { (w.incident) } } }
                    tbody { @for i in &o.latest_incidents {
                        tr data-incident=(i.id) {
                            td.date { (i.start.as_deref().map_or_else(|| w.unknown.to_owned(), |d| format_date(d, l))) }
                            td { a href=(page.link(&format!("/incidents/{}", encode(&i.id)))) { (either(&i.title, l)) } }
                        }
                    } }
                }
            }
            p.more { a href=(page.link("/incidents")) { (w.all_incidents) " →" } }
            h2 #latest-findings-heading { (w.latest_findings) }
            @if o.latest_findings.is_empty() { p { (w.none) } } @else {
                table #latest-findings {
                    thead { tr { th scope="col" { (w.published) } th scope="col" { (w.kind) }
                                 th scope="col" { (w.incident) } th scope="col" { (w.found) } } }
                    tbody { @for f in &o.latest_findings {
                        tr data-finding=(f.id) data-kind=(f.kind.as_str()) {
                            td.date { (format_date(&f.published_on, l)) }
                            td { (kind_name(f.kind, w)) }
                            td { a href=(page.link(&format!("/incidents/{}", encode(&f.incident)))) { (either(&f.incident_title, l)) } }
                            td { @match (f.kind, f.detail.as_deref()) {
                                (_, None) => {}
                                (RecordKind::ViolationAssessment, Some(n)) => {
                                    a href=(page.link(&format!("/norms/{}", encode(n)))) { (label(&catalog, n, l)) }
                                }
                                (RecordKind::AttributionClaim, Some(c)) => { (country_name(c, l).unwrap_or(c)) }
                                (_, Some(t)) => { (label(&catalog, t, l)) }
                            } }
                        }
                    } }
                }
            }
            p.more {
                a href=(page.link("/metrics")) { (w.metrics) " →" } " · "
                a href=(page.link("/adoption")) { (w.adoption) " →" }
            }
        }
        section #incidents-per-year aria-labelledby="per-year" {
            h2 #per-year { (w.per_year) }
            @match &chart {
                None => { p { (w.none) } }
                Some(svg) => {
                    figure role="img" aria-label=(w.per_year_chart) { (PreEscaped(svg)) }
                    details {
                        summary { (w.year) }
                        table #per-year-table {
                            thead { tr { th scope="col" { (w.year) } th scope="col" { (w.incidents) } } }
                            tbody { @for (y, n) in o.incidents_by_year.iter().rev() {
                                tr data-year=(y) { td { (y) } td.count { (n) } }
                            } }
                        }
                    }
                }
            }
            p.more { a href=(page.link("/incidents/timeline")) { (w.timeline) " →" } }
        }
        section #where aria-labelledby="targeted-heading" {
            h2 #targeted-heading { (w.targeted) }
            @if o.targeted.is_empty() { p { (w.none) } } @else {
                (choropleth(page, "home-map", &o.targeted, w.targeted_map, &country_href))
            }
            p.more {
                a href=(page.link("/analysis/map")) { (w.map_page) " →" } " · "
                a href=(page.link("/analysis")) { (w.analysis) " →" }
            }
        }
    })
}
