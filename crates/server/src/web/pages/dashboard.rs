//! The home page's dashboard: the latest published violation assessments, assessments per
//! norm, the attribution lag and the adoption coverage, each linking to its fuller page.
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::dates::format_date;
use crate::web::kit::either;
use crate::web::kit::findings::assessments;
use crate::web::kit::i18n::in_lang;
use crate::web::kit::{Page, WebError, failure};
use crate::web::kit::{encode, label};
use maud::{Markup, html};
use normwatch_app::MatrixQuery;
use normwatch_core::Lang;
use normwatch_core::adoption::Stance;
use normwatch_core::metrics::VIOLATION_LEVELS;
use std::collections::BTreeMap;

/// How many of the latest assessments the dashboard lists.
const LATEST: usize = 10;

#[derive(serde::Serialize)]
struct Words {
    title: &'static str,
    latest: &'static str,
    published: &'static str,
    incident: &'static str,
    norm: &'static str,
    level: &'static str,
    all_incidents: &'static str,
    per_norm: &'static str,
    assessments: &'static str,
    violations: &'static str,
    all_metrics: &'static str,
    lag: &'static str,
    lag_rule: &'static str,
    kind: &'static str,
    incidents: &'static str,
    median: &'static str,
    coverage: &'static str,
    coverage_intro: &'static str,
    endorse: &'static str,
    reject: &'static str,
    abstain: &'static str,
    states: &'static str,
    all_adoption: &'static str,
    adoption_csv: &'static str,
    none: &'static str,
}

const JA: Words = Words {
    title: "概況",
    latest: "最近公開された違反の評価",
    published: "公開日",
    incident: "インシデント",
    norm: "規範",
    level: "評価",
    all_incidents: "インシデントの一覧へ",
    per_norm: "規範ごとの公開済みの評価",
    assessments: "評価の件数",
    violations: "うち確定・可能性が高い",
    all_metrics: "指標のページへ",
    lag: "帰属までの日数",
    lag_rule: "インシデントの開始（不明なら発見）から最初の公の帰属までの日数の中央値（帰属者の種類別）。月や年までしか分からない日付は幅として扱い、中央値の下限と上限を示す。",
    kind: "帰属者の種類",
    incidents: "インシデント数",
    median: "中央値（日、下限–上限）",
    coverage: "規範の採択状況",
    coverage_intro: "規範ごとに、各ステークホルダーの最新の公開済みの立場を数えたもの。",
    endorse: "支持",
    reject: "不支持",
    abstain: "棄権",
    states: "立場を表明した国",
    all_adoption: "採択状況の表へ",
    adoption_csv: "採択状況のCSV",
    none: "まだない。",
};

const EN: Words = Words {
    title: "At a glance",
    latest: "Latest published violation assessments",
    published: "Published",
    incident: "Incident",
    norm: "Norm",
    level: "Assessment",
    all_incidents: "All incidents",
    per_norm: "Published assessments per norm",
    assessments: "Assessments",
    violations: "of which established or likely",
    all_metrics: "All metrics",
    lag: "Attribution lag",
    lag_rule: "Median days from an incident's start (or discovery) to its first public attribution, by kind of attributor. Dates known only to the month or year are ranges, so the median is given as its lower and upper bound.",
    kind: "Attributor kind",
    incidents: "Incidents",
    median: "Median (days, lower–upper)",
    coverage: "Adoption coverage",
    coverage_intro: "Per norm, the latest published stance of each stakeholder.",
    endorse: "Endorse",
    reject: "Reject",
    abstain: "Abstain",
    states: "States with a stated position",
    all_adoption: "The adoption matrix",
    adoption_csv: "Adoption CSV",
    none: "None yet.",
};

fn words(l: Lang) -> &'static Words {
    in_lang(l, &JA, &EN)
}

/// Per norm: stakeholders endorsing, rejecting, abstaining; states with a stance; states.
#[derive(Default)]
struct Coverage {
    endorse: usize,
    reject: usize,
    abstain: usize,
    states_with_stance: usize,
    states: usize,
}

/// The dashboard's blocks, for the viewer.
pub async fn dashboard(state: &AppState, caller: &Caller, page: &Page) -> Result<Markup, WebError> {
    let (l, w, catalog) = (page.lang, words(page.lang), state.catalog());
    let viewer = caller.viewer();
    let rows = assessments(state, &viewer, None).await.map_err(failure(l))?;
    let mut per_norm: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for a in &rows {
        let slot = per_norm.entry(a.norm.as_str()).or_default();
        slot.0 += 1;
        if VIOLATION_LEVELS.contains(&a.level.as_str()) {
            slot.1 += 1;
        }
    }
    let mut per_norm: Vec<(&str, (usize, usize))> = per_norm.into_iter().collect();
    per_norm.sort_by(|a, b| b.1.0.cmp(&a.1.0).then_with(|| a.0.cmp(b.0)));
    let lag = state.app().attribution_lag(caller.acting()).await.map_err(failure(l))?.figures;
    let matrix = state.app().adoption_matrix(caller.acting(), &MatrixQuery::default()).await.map_err(failure(l))?;
    let mut coverage: BTreeMap<&str, Coverage> = BTreeMap::new();
    for r in &matrix.rows {
        for (norm, cell) in &r.cells {
            let c = coverage.entry(norm.as_str()).or_default();
            match cell.stance {
                Some(Stance::Endorse) => c.endorse += 1,
                Some(Stance::Reject) => c.reject += 1,
                Some(Stance::Abstain) => c.abstain += 1,
                None => {}
            }
            if r.kind == "state" {
                c.states += 1;
                c.states_with_stance += usize::from(cell.stance.is_some());
            }
        }
    }
    let coverage: Vec<(&str, &Coverage)> = matrix
        .norms
        .iter()
        .filter_map(|n| coverage.get_key_value(n.as_str()).map(|(k, v)| (*k, v)))
        .filter(|(_, c)| c.endorse + c.reject + c.abstain > 0)
        .collect();
    let norm_link = |n: &&str| page.link(&format!("/norms/{}", encode(n)));
    Ok(html! {
        section.dashboard #dashboard aria-label=(w.title) {
            div.block #latest-violations {
                h2 { (w.latest) }
                @if rows.is_empty() { p { (w.none) } } @else {
                    table {
                        thead { tr { th { (w.published) } th { (w.incident) } th { (w.norm) } th { (w.level) } } }
                        tbody { @for a in rows.iter().take(LATEST) {
                            tr data-assessment=(a.assessment) {
                                td.date { (format_date(&a.published, l)) }
                                td { a href=(page.link(&format!("/incidents/{}", encode(&a.incident)))) { (either(&a.incident_title, l)) } }
                                td { a href=(norm_link(&a.norm.as_str())) title=(label(&catalog, &a.norm, l)) { (a.norm) } }
                                td { (label(&catalog, &a.level, l)) }
                            }
                        } }
                    }
                }
                p.more { a href=(page.link("/incidents")) { (w.all_incidents) " →" } }
            }
            div.block #violations-per-norm {
                h2 { (w.per_norm) }
                @if per_norm.is_empty() { p { (w.none) } } @else {
                    table {
                        thead { tr { th { (w.norm) } th { (w.assessments) } th { (w.violations) } } }
                        tbody { @for (n, (all, violations)) in &per_norm {
                            tr data-norm=(n) {
                                td { a href=(norm_link(n)) { (label(&catalog, n, l)) } }
                                td.count { (all) }
                                td.count { (violations) }
                            }
                        } }
                    }
                }
                p.more { a href=(format!("{}#violations", page.link("/metrics"))) { (w.all_metrics) " →" } }
            }
            div.block #attribution-lag {
                h2 { (w.lag) }
                p { small { (w.lag_rule) } }
                @if lag.by_kind.is_empty() { p { (w.none) } } @else {
                    table {
                        thead { tr { th { (w.kind) } th { (w.incidents) } th { (w.median) } } }
                        tbody { @for r in &lag.by_kind {
                            tr data-kind=(r.attributor_kind.name()) {
                                td { (crate::web::kit::kind_label(r.attributor_kind.name(), l)) }
                                td.count { (r.figure.incidents) }
                                td.count { (crate::web::kit::bounds(&r.figure)) }
                            }
                        } }
                    }
                }
                p.more { a href=(format!("{}#lag", page.link("/metrics"))) { (w.all_metrics) " →" } }
            }
            div.block #adoption-coverage {
                h2 { (w.coverage) }
                p { small { (w.coverage_intro) } }
                @if coverage.is_empty() { p { (w.none) } } @else {
                    table {
                        thead { tr { th { (w.norm) } th { (w.endorse) } th { (w.reject) } th { (w.abstain) } th { (w.states) } } }
                        tbody { @for (n, c) in &coverage {
                            tr data-norm=(n) {
                                td { a href=(norm_link(n)) title=(label(&catalog, n, l)) { (n) } }
                                td.count.endorse-count { (c.endorse) }
                                td.count.reject-count { (c.reject) }
                                td.count.abstain-count { (c.abstain) }
                                td.count { (c.states_with_stance) " / " (c.states) }
                            }
                        } }
                    }
                }
                p.more {
                    a href=(page.link("/adoption")) { (w.all_adoption) " →" } " · "
                    a href="/api/v1/adoption?format=csv" { (w.adoption_csv) }
                }
            }
        }
    })
}

#[cfg(test)]
mod words_tests {
    #[test]
    fn every_word_in_both_languages() {
        crate::web::kit::i18n::assert_translated(&super::JA, &super::EN, &[]);
    }
}
