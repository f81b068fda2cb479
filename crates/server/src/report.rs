//! The periodic report (GCSC Recommendation 4, "publish"): one self-contained HTML file of what
//! was published in a period — violations, attributions, responses, adoption changes — with its
//! charts as inline SVG, print-ready, ending with the signed checkpoint it was built from. It
//! shows what an anonymous reader may see (published, TLP:CLEAR, no community).
use crate::web::charts;
use maud::{DOCTYPE, PreEscaped, html};
use normwatch_core::incident::IncidentInput;
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput};
use normwatch_core::{Catalog, Lang, RecordStatus, Viewer};
use normwatch_store::{LedgerKind, LedgerRecord, RecordFilter, Store, StoreError};
use std::collections::{BTreeMap, HashMap};

/// The words of the report, in one language.
struct Words {
    title: &'static str,
    period: &'static str,
    generated: &'static str,
    summary: &'static str,
    violations: &'static str,
    attributions: &'static str,
    responses: &'static str,
    adoption: &'static str,
    per_norm: &'static str,
    date: &'static str,
    norm: &'static str,
    incident: &'static str,
    actor: &'static str,
    level: &'static str,
    attributor: &'static str,
    attributed_to: &'static str,
    confidence: &'static str,
    responder: &'static str,
    response: &'static str,
    stakeholder: &'static str,
    stance: &'static str,
    none: &'static str,
    checkpoint: &'static str,
    checkpoint_how: &'static str,
    no_checkpoint: &'static str,
    scope: &'static str,
}

const JA: Words = Words {
    title: "normwatch 定期報告",
    period: "対象期間",
    generated: "作成日時",
    summary: "概要",
    violations: "公表された規範違反の評価",
    attributions: "公表されたアトリビューション",
    responses: "公表された対応",
    adoption: "規範の採択状況の変化",
    per_norm: "規範ごとの違反評価の件数",
    date: "日付",
    norm: "規範",
    incident: "インシデント",
    actor: "行為主体",
    level: "評価",
    attributor: "アトリビューションの主体",
    attributed_to: "帰属先",
    confidence: "確度",
    responder: "対応した主体",
    response: "対応の種類",
    stakeholder: "ステークホルダー",
    stance: "立場",
    none: "この期間にはありません。",
    checkpoint: "この報告の基になったチェックポイント",
    checkpoint_how: "報告の各記録は透明性ログに含まれています。`normwatch verify` と /log/proof/inclusion で、このチェックポイントに対してオフラインで検証できます。",
    no_checkpoint: "ログにまだチェックポイントがありません。",
    scope: "誰でも読める公表済み記録（TLP:CLEAR）のみを含みます。",
};

const EN: Words = Words {
    title: "normwatch periodic report",
    period: "Period",
    generated: "Generated",
    summary: "Summary",
    violations: "Published violation assessments",
    attributions: "Published attributions",
    responses: "Published responses",
    adoption: "Changes in norm adoption",
    per_norm: "Violation assessments per norm",
    date: "Date",
    norm: "Norm",
    incident: "Incident",
    actor: "Actor",
    level: "Assessment",
    attributor: "Attributed by",
    attributed_to: "Attributed to",
    confidence: "Confidence",
    responder: "Responder",
    response: "Response type",
    stakeholder: "Stakeholder",
    stance: "Stance",
    none: "None in this period.",
    checkpoint: "The checkpoint this report was built from",
    checkpoint_how: "Every record in this report is in the transparency log: check it offline against this checkpoint with `normwatch verify` and /log/proof/inclusion.",
    no_checkpoint: "The log has no checkpoint yet.",
    scope: "Only published records anyone may read (TLP:CLEAR) are included.",
};

const STYLE: &str = "body{font-family:'IPAGothic','Noto Sans CJK JP',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}\
h1{font-size:1.6rem}h2{font-size:1.2rem;border-bottom:1px solid #999;margin-top:2rem}table{border-collapse:collapse;width:100%;font-size:.9rem}\
th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}pre{white-space:pre-wrap;background:#f4f4f4;padding:.6rem;font-size:.8rem}\
.figures{display:flex;gap:1rem;flex-wrap:wrap}.figures div{border:1px solid #bbb;padding:.5rem 1rem}.figures b{font-size:1.4rem;display:block}\
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,figure{break-inside:avoid}}";

/// Records of one kind published in the period (by their publication date), as anonymous
/// readers see them.
async fn published_in<T: LedgerKind>(store: &Store, from: &str, to: &str) -> Result<Vec<LedgerRecord<T>>, StoreError> {
    let mut out: Vec<LedgerRecord<T>> = store
        .ledger_records::<T>(&Viewer::anonymous(), None, Some(RecordStatus::Published))
        .await?
        .into_iter()
        .filter(|r| r.updated_at.get(..10).is_some_and(|d| d >= from && d <= to))
        .collect();
    out.sort_by(|a, b| a.updated_at.cmp(&b.updated_at));
    Ok(out)
}

/// The report for `from..=to` (ISO dates) in `lang`.
pub async fn periodic_report(
    store: &Store,
    catalog: &Catalog,
    from: &str,
    to: &str,
    lang: Lang,
    generated: &str,
) -> Result<String, StoreError> {
    let w = match lang {
        Lang::Ja => &JA,
        Lang::En => &EN,
    };
    let text = |l: &normwatch_core::Localized| -> String {
        let first = l.get(lang);
        if first.is_empty() {
            l.get(if lang == Lang::Ja { Lang::En } else { Lang::Ja }).to_owned()
        } else {
            first.to_owned()
        }
    };
    let norm_title =
        |id: &str| catalog.norm(id).map_or_else(|| id.to_owned(), |n| format!("{} {}", n.id, n.title.get(lang)));
    let assessments = published_in::<AssessmentInput>(store, from, to).await?;
    let attributions = published_in::<AttributionInput>(store, from, to).await?;
    let responses = published_in::<ResponseInput>(store, from, to).await?;
    let mut incidents: HashMap<String, String> = HashMap::new();
    for id in assessments
        .iter()
        .map(|r| &r.body.incident)
        .chain(attributions.iter().map(|r| &r.body.incident))
        .chain(responses.iter().map(|r| &r.body.incident))
    {
        if !incidents.contains_key(id)
            && let Some(i) = store.ledger_record::<IncidentInput>(&Viewer::anonymous(), id).await?
        {
            incidents.insert(id.clone(), text(&i.body.title));
        }
    }
    let incident = |id: &str| incidents.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let positions: Vec<_> = store
        .positions(&Viewer::anonymous(), &RecordFilter::default())
        .await?
        .into_iter()
        .filter(|p| p.status == RecordStatus::Published && p.stated_on.as_str() >= from && p.stated_on.as_str() <= to)
        .collect();
    let mut per_norm: BTreeMap<String, f64> = BTreeMap::new();
    for a in &assessments {
        *per_norm.entry(a.body.norm.clone()).or_default() += 1.0;
    }
    let bars: Vec<(String, f64)> = per_norm.into_iter().collect();
    let chart = if bars.is_empty() { None } else { charts::bars(&bars, w.per_norm).ok() };
    let checkpoint = store.latest_checkpoint().await?;
    let markup = html! {
        (DOCTYPE)
        html lang=(lang.code()) {
            head {
                meta charset="utf-8";
                title { (w.title) " " (from) " – " (to) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { (w.title) }
                p { (w.period) ": " (from) " – " (to) " · " (w.generated) ": " (generated) }
                p { (w.scope) }
                h2 { (w.summary) }
                div.figures {
                    div { b { (assessments.len()) } (w.violations) }
                    div { b { (attributions.len()) } (w.attributions) }
                    div { b { (responses.len()) } (w.responses) }
                    div { b { (positions.len()) } (w.adoption) }
                }
                @if let Some(svg) = &chart {
                    figure { (PreEscaped(svg)) figcaption { (w.per_norm) } }
                }
                h2 { (w.violations) }
                @if assessments.is_empty() { p { (w.none) } } @else {
                    table {
                        tr { th { (w.date) } th { (w.norm) } th { (w.incident) } th { (w.actor) } th { (w.level) } }
                        @for a in &assessments {
                            tr {
                                td { (a.updated_at.get(..10).unwrap_or("")) }
                                td { (norm_title(&a.body.norm)) }
                                td { (incident(&a.body.incident)) }
                                td { (a.body.actor.state.clone().or_else(|| a.body.actor.group.clone()).unwrap_or_default()) }
                                td { (a.body.level) }
                            }
                        }
                    }
                }
                h2 { (w.attributions) }
                @if attributions.is_empty() { p { (w.none) } } @else {
                    table {
                        tr { th { (w.date) } th { (w.incident) } th { (w.attributor) } th { (w.attributed_to) } th { (w.confidence) } }
                        @for a in &attributions {
                            tr {
                                td { (a.body.attributed_on.as_ref().map(|d| d.as_str().to_owned()).unwrap_or_else(|| a.updated_at.get(..10).unwrap_or("").to_owned())) }
                                td { (incident(&a.body.incident)) }
                                td { (a.body.attributor.name) }
                                td { (a.body.attributed_to.state.clone().into_iter().chain(a.body.attributed_to.group.clone()).collect::<Vec<_>>().join(" / ")) }
                                td { (a.body.confidence.clone().unwrap_or_default()) }
                            }
                        }
                    }
                }
                h2 { (w.responses) }
                @if responses.is_empty() { p { (w.none) } } @else {
                    table {
                        tr { th { (w.date) } th { (w.incident) } th { (w.responder) } th { (w.response) } }
                        @for r in &responses {
                            tr {
                                td { (r.body.responded_on.as_str()) }
                                td { (incident(&r.body.incident)) }
                                td { (r.body.responder.name) }
                                td { (r.body.kind) }
                            }
                        }
                    }
                }
                h2 { (w.adoption) }
                @if positions.is_empty() { p { (w.none) } } @else {
                    table {
                        tr { th { (w.date) } th { (w.stakeholder) } th { (w.norm) } th { (w.stance) } }
                        @for p in &positions {
                            tr { td { (p.stated_on) } td { (p.stakeholder) } td { (norm_title(&p.norm)) } td { (p.stance.name()) } }
                        }
                    }
                }
                h2 { (w.checkpoint) }
                @if let Some(c) = &checkpoint {
                    pre { (c.note) }
                    p { (w.checkpoint_how) }
                } @else {
                    p { (w.no_checkpoint) }
                }
            }
        }
    };
    Ok(markup.into_string())
}
