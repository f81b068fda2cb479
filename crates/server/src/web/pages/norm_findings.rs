//! On a norm's page: who endorses it (and who rejects it or abstains), from each stakeholder's
//! latest published stance, and the incidents assessed against it — with the downloads of both.
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::dates::format_date;
use crate::web::kit::download::{self, Download, Format};
use crate::web::kit::either;
use crate::web::kit::findings::{AssessmentRow, assessments};
use crate::web::kit::i18n::words;
use crate::web::kit::{Page, WebError, failure};
use crate::web::kit::{encode, label};
use axum::response::Response;
use maud::{Markup, html};
use normwatch_app::MatrixQuery;
use normwatch_core::adoption::Stance;
use normwatch_core::{Lang, Localized};
use serde::Serialize;

words! {
    struct Words, fn words;
    endorsers: "この規範を支持するステークホルダー", "Who endorses it";
    endorsers_intro: "各ステークホルダーの最新の公開済みの立場による。", "From each stakeholder's latest published stance.";
    rejecters: "支持しない", "Reject it";
    abstainers: "棄権", "Abstain";
    stated_on: "表明日", "Stated on";
    assessed: "この規範に照らして評価されたインシデント", "Incidents assessed against it";
    published: "公開日", "Published";
    incident: "インシデント", "Incident";
    level: "評価", "Assessment";
    actor: "行為主体", "Actor";
    none: "なし", "None";
}

/// A stakeholder's current stance on the norm.
#[derive(Debug, Clone, Serialize)]
pub struct StanceRow {
    pub stakeholder: String,
    pub name: Localized,
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    pub stance: &'static str,
    pub stated_on: String,
    pub position: String,
}

/// What the norm page adds, computed once for the page and its downloads.
#[derive(Debug, Clone, Serialize)]
pub struct NormFindings {
    pub norm: String,
    pub endorse: Vec<StanceRow>,
    pub reject: Vec<StanceRow>,
    pub abstain: Vec<StanceRow>,
    pub assessments: Vec<AssessmentRow>,
}

pub async fn gather(state: &AppState, caller: &Caller, norm: &str, l: Lang) -> Result<NormFindings, WebError> {
    let query = MatrixQuery::of_norm(norm);
    let matrix = state.app().adoption_matrix(caller.acting(), &query).await.map_err(failure(l))?;
    let mut out = NormFindings {
        norm: norm.to_owned(),
        endorse: vec![],
        reject: vec![],
        abstain: vec![],
        assessments: assessments(state, &caller.viewer(), Some(norm)).await.map_err(failure(l))?,
    };
    for r in &matrix.rows {
        let Some(cell) = r.cells.get(norm) else { continue };
        let (Some(stance), Some(position)) = (cell.stance, &cell.position) else { continue };
        let row = StanceRow {
            stakeholder: r.stakeholder.clone(),
            name: r.name.clone(),
            kind: r.kind.clone(),
            country: r.country.clone(),
            stance: stance.name(),
            stated_on: cell.stated_on.clone().unwrap_or_default(),
            position: position.clone(),
        };
        match stance {
            Stance::Endorse => out.endorse.push(row),
            Stance::Reject => out.reject.push(row),
            Stance::Abstain => out.abstain.push(row),
        }
    }
    Ok(out)
}

fn stance_list(page: &Page, id: &str, heading: &str, rows: &[StanceRow], level: u8) -> Markup {
    let (l, w) = (page.lang, words(page.lang));
    let list = html! {
        @if rows.is_empty() { p { (w.none) } } @else {
            ul.stakeholders id=(id) {
                @for r in rows {
                    li data-stakeholder=(r.stakeholder) {
                        a href=(page.link(&format!("/stakeholders/{}", encode(&r.stakeholder)))) { (either(&r.name, l)) }
                        @if let Some(c) = &r.country { " " span.id { (c) } }
                        " · " small { (w.stated_on) " " (format_date(&r.stated_on, l)) }
                    }
                }
            }
        }
    };
    html! {
        @if level == 2 { h2 { (heading) " (" (rows.len()) ")" } } @else { h3 { (heading) " (" (rows.len()) ")" } }
        (list)
    }
}

/// The sections of the norm page, with their download links.
pub fn render(page: &Page, state: &AppState, f: &NormFindings) -> Markup {
    let (l, w, catalog) = (page.lang, words(page.lang), state.catalog());
    html! {
        section #uptake {
            (stance_list(page, "endorsers", w.endorsers, &f.endorse, 2))
            p { small { (w.endorsers_intro) } }
            (stance_list(page, "rejecters", w.rejecters, &f.reject, 3))
            (stance_list(page, "abstainers", w.abstainers, &f.abstain, 3))
        }
        section #assessed {
            h2 { (w.assessed) " (" (f.assessments.len()) ")" }
            @if f.assessments.is_empty() { p { (w.none) } } @else {
                table #assessed-incidents {
                    thead { tr { th { (w.published) } th { (w.incident) } th { (w.level) } th { (w.actor) } } }
                    tbody { @for a in &f.assessments {
                        tr data-assessment=(a.assessment) {
                            td.date { (format_date(&a.published, l)) }
                            td { a href=(page.link(&format!("/incidents/{}", encode(&a.incident)))) { (either(&a.incident_title, l)) } }
                            td { (label(&catalog, &a.level, l)) }
                            td { (a.actor) }
                        }
                    } }
                }
            }
        }
        (download::links(page))
    }
}

const COLUMNS: [&str; 10] = [
    "section",
    "record",
    "date",
    "stakeholder",
    "stakeholder_name",
    "stance",
    "incident",
    "incident_title",
    "level",
    "actor",
];

/// The norm page's download: its stance lists and assessed incidents.
pub async fn answer(
    state: &AppState,
    caller: &Caller,
    format: Format,
    page: &Page,
    f: &NormFindings,
) -> Result<Response, WebError> {
    let l = page.lang;
    let mut rows = Vec::new();
    let mut records: Vec<(&str, &str)> = Vec::new();
    let mut stakeholders: Vec<&str> = Vec::new();
    for (section, list) in [("endorse", &f.endorse), ("reject", &f.reject), ("abstain", &f.abstain)] {
        for r in list {
            rows.push(vec![
                section.to_owned(),
                r.position.clone(),
                r.stated_on.clone(),
                r.stakeholder.clone(),
                either(&r.name, l).to_owned(),
                r.stance.to_owned(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]);
            records.push(("position", &r.position));
            stakeholders.push(&r.stakeholder);
        }
    }
    for a in &f.assessments {
        rows.push(vec![
            "assessment".to_owned(),
            a.assessment.clone(),
            a.published.clone(),
            String::new(),
            String::new(),
            String::new(),
            a.incident.clone(),
            either(&a.incident_title, l).to_owned(),
            a.level.clone(),
            a.actor.clone(),
        ]);
        records.push(("violation-assessment", &a.assessment));
        records.push(("incident", &a.incident));
    }
    let name = format!("norm-{}", f.norm);
    let d = Download { name: &name, columns: &COLUMNS, rows, json: f, records, stakeholders };
    download::answer(state, caller, format, l, &d).await
}
