//! Capacity-building and vulnerability pages, and downloads of exactly what each shows.
use super::kit::download::{self, Download, Format};
use super::kit::i18n::in_lang;
use super::kit::{DataVisit, Rows, Visit};
use super::kit::{WebError, either, encode, failure, layout};
use crate::AppState;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use maud::html;
use normwatch_core::Lang;
use normwatch_core::capacity::{Coverage, MitigationStatus, ProgrammeFilter, Progress, VulnerabilityFigures};
use normwatch_core::vep::Decision;

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
    params.only(&ProgrammeFilter::PARAMETERS).map_err(failure(l))?;
    let filter = ProgrammeFilter::parse(params.iter(), &c).map_err(failure(l))?;
    let all = state.store.programmes(&caller.viewer(), None, None).await.map_err(failure(l))?;
    let list: Vec<_> = all.iter().filter(|p| filter.admits(p)).collect();
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
                    p.recorded.tlp.name().to_owned(),
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
                    v.recorded.tlp.name().to_owned(),
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
                        td { a href=(page.link(&format!("/vulnerabilities/{}", encode(&v.id)))) { (v.cve_id.as_deref().unwrap_or("—")) } }
                        td { (v.vendor) } td { (v.product) }
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

/// The strings of a vulnerability's page, in both languages (a missing one does not compile).
#[derive(serde::Serialize)]
struct VulnWords {
    title: &'static str,
    cve: &'static str,
    advisory: &'static str,
    mitigation: &'static str,
    incidents: &'static str,
    incidents_intro: &'static str,
    no_incidents: &'static str,
    vep_cases: &'static str,
    vep_intro: &'static str,
    undecided: &'static str,
    disclose: &'static str,
    restrict: &'static str,
    overdue: &'static str,
    unknown: &'static str,
}

const VULN_JA: VulnWords = VulnWords {
    title: "脆弱性",
    cve: "CVE番号",
    advisory: "勧告",
    mitigation: "対策の状況",
    incidents: "この脆弱性を悪用したインシデント",
    incidents_intro: "本文や出典でこのCVE番号に触れている、閲覧できるインシデント。",
    no_incidents: "閲覧できるインシデントのうち、このCVE番号に触れているものはない。",
    vep_cases: "脆弱性公平性プロセス（VEP）の案件",
    vep_intro: "あなたが委員を務める委員会の案件のみ（委員以外には表示されない）。",
    undecided: "未決定",
    disclose: "開示",
    restrict: "制限",
    overdue: "再審査期限切れ",
    unknown: "不明",
};

const VULN_EN: VulnWords = VulnWords {
    title: "Vulnerability",
    cve: "CVE id",
    advisory: "Advisory",
    mitigation: "Mitigation",
    incidents: "Incidents that exploited it",
    incidents_intro: "The incidents you may read whose text or sources name this CVE id.",
    no_incidents: "No incident you may read names this CVE id.",
    vep_cases: "Vulnerability equities (VEP) cases",
    vep_intro: "Cases of the boards you sit on only (nobody else sees them).",
    undecided: "undecided",
    disclose: "disclose",
    restrict: "restrict",
    overdue: "re-review overdue",
    unknown: "unknown",
};

fn mitigation_word(m: MitigationStatus, l: Lang) -> &'static str {
    match (m, l) {
        (MitigationStatus::Unpatched, Lang::Ja) => "未修正",
        (MitigationStatus::Mitigated, Lang::Ja) => "緩和策あり",
        (MitigationStatus::Fixed, Lang::Ja) => "修正済み",
        (MitigationStatus::Unpatched, Lang::En) => "unpatched",
        (MitigationStatus::Mitigated, Lang::En) => "mitigated",
        (MitigationStatus::Fixed, Lang::En) => "fixed",
    }
}

/// One vulnerability: its record, the incidents that exploited it and the VEP cases about it
/// that the visitor may read.
pub async fn vulnerability(
    State(state): State<AppState>,
    Path(id): Path<String>,
    v: Visit,
) -> Result<Response, WebError> {
    let page = v.page(&format!("/vulnerabilities/{}", encode(&id)))?;
    let l = page.lang;
    let w = in_lang(l, &VULN_JA, &VULN_EN);
    let caller = &v.caller;
    let Some(vuln) = state.store.vulnerability(&caller.viewer(), &id).await.map_err(failure(l))? else {
        return Err(WebError::not_found(l, format!("no vulnerability `{id}` that you may read")));
    };
    let (incidents, cases) =
        state.app().vulnerability_links(caller.acting(), vuln.cve_id.as_deref()).await.map_err(failure(l))?;
    let date = |d: &str| super::kit::dates::format_date(d, l);
    let title = match &vuln.cve_id {
        Some(cve) => format!("{cve} — {} {}", vuln.vendor, vuln.product),
        None => format!("{} {}", vuln.vendor, vuln.product),
    };
    let body = html! {
        h1 #vulnerability-title { (title) }
        p { span.tag { "TLP:" (vuln.recorded.tlp.name().to_uppercase()) }
            a href=(format!("/api/v1/vulnerabilities/{}", encode(&id))) { (page.ui().download_json) } }
        dl.facts {
            dt { (w.cve) } dd #cve { (vuln.cve_id.as_deref().unwrap_or(w.unknown)) }
            dt { (page.ui().vendor) } dd { (vuln.vendor) }
            dt { (page.ui().vep_product) } dd { (vuln.product) }
            dt { (page.ui().reported) } dd { (date(&vuln.reported_on)) }
            dt { (w.mitigation) } dd { (mitigation_word(vuln.mitigation_status, l))
                @if let Some(f) = &vuln.fixed_on { " (" (date(f)) ")" } }
            @if let Some(u) = &vuln.advisory_url { dt { (w.advisory) } dd { a href=(u) rel="noreferrer" { (u) } } }
        }
        h2 { (w.incidents) }
        @if incidents.is_empty() {
            p #no-incidents { (w.no_incidents) }
        } @else {
            p { (w.incidents_intro) }
            ul #incidents { @for i in &incidents {
                li { a href=(page.link(&format!("/incidents/{}", encode(&i.id)))) { (either(&i.title, l)) }
                     " · " (i.start.as_deref().map_or_else(|| w.unknown.to_owned(), date)) }
            } }
        }
        @if !cases.is_empty() {
            h2 { (w.vep_cases) }
            p { (w.vep_intro) }
            ul #vep-cases { @for c in &cases {
                li data-case=(c.id) { a href=(page.link(&format!("/vep/{}", encode(&c.board)))) { (c.board) } " · "
                    (date(&c.submitted_on)) " · "
                    (match c.current().map(|d| d.decision) {
                        Some(Decision::Disclose) => w.disclose,
                        Some(Decision::Restrict) => w.restrict,
                        None => w.undecided,
                    })
                    @if c.overdue { " " span.tag.error { (w.overdue) } } }
            } }
        }
    };
    // A board's cases are its members' alone: no shared cache keeps the page that shows them.
    Ok(if cases.is_empty() {
        layout(&page, &title, body).into_response()
    } else {
        super::kit::no_store(StatusCode::OK, layout(&page, &title, body))
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_word_in_both_languages() {
        crate::web::kit::i18n::assert_translated(&super::VULN_JA, &super::VULN_EN, &[]);
    }
}
