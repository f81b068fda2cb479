//! Capacity-building and vulnerability pages, and downloads of exactly what each shows.
use super::kit::download::{self, Download, Format};
use super::kit::{DataVisit, Rows, Visit};
use super::kit::{WebError, failure, layout};
use crate::AppState;
use crate::api::capacity::programme_filter;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use maud::html;
use normwatch_core::capacity::{Coverage, Progress, VulnerabilityFigures};

fn progress_name(p: Progress) -> &'static str {
    match p {
        Progress::Planned => "planned",
        Progress::Running => "running",
        Progress::Completed => "completed",
    }
}

pub async fn programmes(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let DataVisit { page, format, params, caller } = v.without_blanks().data_query("/capacity", Rows::Logged)?;
    let (l, ui, c) = (page.lang, page.ui(), state.catalog());
    let (norm, region) = programme_filter(&state, &params).map_err(failure(l))?;
    let viewer = caller.viewer();
    let all = state.store.programmes(&viewer, None, None).await.map_err(failure(l))?;
    let list: Vec<_> = all
        .iter()
        .filter(|p| norm.as_ref().is_none_or(|n| p.norms.contains(n)) && region.as_ref().is_none_or(|r| &p.region == r))
        .collect();
    let coverage = Coverage::compute(&c, &all);
    if format != Format::Html {
        let columns = [
            "id",
            "provider",
            "title_ja",
            "title_en",
            "region",
            "norms",
            "elements",
            "progress",
            "starts_on",
            "ends_on",
            "tlp",
        ];
        let rows = list
            .iter()
            .map(|p| {
                vec![
                    p.id.clone(),
                    p.provider.clone(),
                    p.title.ja.clone(),
                    p.title.en.clone(),
                    p.region.clone(),
                    p.norms.join(" "),
                    p.elements.join(" "),
                    progress_name(p.progress).to_owned(),
                    p.starts_on.clone(),
                    p.ends_on.clone().unwrap_or_default(),
                    p.tlp.name().to_owned(),
                ]
            })
            .collect();
        let json = serde_json::json!({ "coverage": coverage, "count": list.len(), "programmes": list });
        let d = Download {
            name: "capacity",
            columns: &columns,
            rows,
            json: &json,
            records: list.iter().map(|p| ("capacity-programme", p.id.as_str())).collect(),
            stakeholders: list.iter().map(|p| p.provider.as_str()).collect(),
        };
        return download::answer(&state, &caller, format, l, &d).await;
    }
    let label = |id: &str| c.term(id).map_or(id.to_owned(), |(_, t)| t.label.get(l).to_owned());
    let body = html! {
        h1 { (ui.capacity_title) }
        p { (ui.capacity_intro) }
        h2 { (ui.coverage) }
        table #coverage {
            thead { tr { th { (ui.norm) } @for r in &coverage.regions { th { (label(r)) } } } }
            tbody {
                @for (n, row) in &coverage.norms {
                    @if row.values().any(|v| *v > 0) {
                        tr data-norm=(n) {
                            th { a href=(page.link(&format!("/norms/{n}"))) { (n) } }
                            @for r in &coverage.regions {
                                @let count = row.get(r).copied().unwrap_or(0);
                                td { @if count > 0 { a href=(page.link(&format!("/capacity?norm={n}&region={r}"))) { (count) } } @else { "·" } }
                            }
                        }
                    }
                }
            }
        }
        h2 { (ui.capacity_title) }
        table #programmes {
            thead { tr { th { (ui.provider) } th { (ui.summary) } th { (ui.region) } th { (ui.progress) } } }
            tbody {
                @for p in &list {
                    tr {
                        td { a href=(page.link(&format!("/stakeholders/{}", p.provider))) { (p.provider) } }
                        td { b { (p.title.get(l)) } br; small { @for n in &p.norms { span.tag { (n) } } @for e in &p.elements { span.tag { (e) } } } }
                        td { (label(&p.region)) }
                        td { (match p.progress {
                            Progress::Planned => ui.progress_planned,
                            Progress::Running => ui.progress_running,
                            Progress::Completed => ui.progress_completed,
                        }) }
                    }
                }
            }
        }
        p { a href="/api/v1/capacity/programmes" { (ui.download_json) } }
        (download::links(&page))
    };
    Ok(layout(&page, ui.capacity_title, body).into_response())
}

pub async fn vulnerabilities(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let DataVisit { page, format, caller, .. } = v.data("/vulnerabilities", Rows::Logged, &[])?;
    let (l, ui) = (page.lang, page.ui());
    let list = state.store.vulnerabilities(&caller.viewer()).await.map_err(failure(l))?;
    let figures = VulnerabilityFigures::compute(&list);
    if format != Format::Html {
        let columns = ["id", "cve_id", "vendor", "product", "reported_on", "fixed_on", "days_to_fix", "tlp"];
        let rows = list
            .iter()
            .map(|v| {
                vec![
                    v.id.clone(),
                    v.cve_id.clone().unwrap_or_default(),
                    v.vendor.clone(),
                    v.product.clone(),
                    v.reported_on.clone(),
                    v.fixed_on.clone().unwrap_or_default(),
                    v.days_to_fix.map(|d| d.to_string()).unwrap_or_default(),
                    v.tlp.name().to_owned(),
                ]
            })
            .collect();
        let json = serde_json::json!({ "figures": figures, "count": list.len(), "vulnerabilities": list });
        let d = Download {
            name: "vulnerabilities",
            columns: &columns,
            rows,
            json: &json,
            records: list.iter().map(|v| ("vulnerability", v.id.as_str())).collect(),
            stakeholders: list.iter().filter_map(|v| v.vendor_stakeholder.as_deref()).collect(),
        };
        return download::answer(&state, &caller, format, l, &d).await;
    }
    let fmt = |v: Option<f64>| v.map_or_else(|| "—".to_owned(), |d| format!("{d}"));
    let body = html! {
        h1 { (ui.vuln_title) }
        p { (ui.vuln_intro) }
        table #vendor-figures {
            thead { tr { th { (ui.vendor) } th { "#" } th { (ui.fixed) } th { (ui.median_days_to_fix) } } }
            tbody {
                @for v in &figures.by_vendor { tr { td { (v.vendor) } td { (v.count) } td { (v.fixed) } td { (fmt(v.median_days_to_fix)) } } }
                tr { th { "Σ" } th { (figures.count) } th { (figures.fixed) } th #median-days-to-fix { (fmt(figures.median_days_to_fix)) } }
            }
        }
        table #vulnerabilities {
            thead { tr { th { "CVE" } th { (ui.vendor) } th { (ui.vep_product) } th { (ui.reported) } th { (ui.fixed) } th { (ui.days_to_fix) } } }
            tbody {
                @for v in &list {
                    tr {
                        td { (v.cve_id.clone().unwrap_or_default()) } td { (v.vendor) } td { (v.product) }
                        td.date { (super::kit::dates::format_date(&v.reported_on, l)) } td.date { (v.fixed_on.as_deref().map(|d| super::kit::dates::format_date(d, l)).unwrap_or_default()) }
                        td { (v.days_to_fix.map(|d| d.to_string()).unwrap_or_default()) }
                    }
                }
            }
        }
        p { a href="/api/v1/vulnerabilities" { (ui.download_json) } }
        (download::links(&page))
    };
    Ok(layout(&page, ui.vuln_title, body).into_response())
}
