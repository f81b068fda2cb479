//! The periodic report (GCSC Recommendation 4, "publish"): one self-contained HTML file of what
//! happened in a period — the incidents that started in it and the violations found in them,
//! the attributions and responses made in it, adoption changes — by when things happened, not
//! when they were recorded here. Dates known only to the month or year that overlap the period
//! are included and marked; records with no date are listed apart. Charts are inline SVG,
//! print-ready, ending with the signed checkpoint it was built from. It shows what an anonymous
//! reader may see (published, TLP:CLEAR, no community).
use crate::web::charts;
use maud::{DOCTYPE, Markup, PreEscaped, html};
use normwatch_core::incident::{DatePrecision, IncidentInput, PartialDate};
use normwatch_core::metrics::{EventTime, event_time};
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput};
use normwatch_core::{Catalog, Lang, RecordStatus, Viewer};
use normwatch_store::{LedgerKind, LedgerRecord, RecordFilter, Store, StoreError};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Instant;

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
    event_time: &'static str,
    incidents: &'static str,
    month_only: &'static str,
    year_only: &'static str,
    undated: &'static str,
    undated_intro: &'static str,
    undated_incidents: &'static str,
    undated_attributions: &'static str,
    started: &'static str,
    also_in: &'static str,
}

const JA: Words = Words {
    title: "normwatch 定期報告",
    period: "対象期間",
    generated: "作成日時",
    summary: "概要",
    violations: "期間中に始まったインシデントについての規範違反の評価",
    attributions: "期間中に行われたアトリビューション",
    responses: "期間中に行われた対応",
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
    event_time: "記録を登録・公表した日ではなく、出来事が起きた日で選んでいます。インシデントは開始日（不明なら発見日）、アトリビューションは帰属の日、対応は対応の日によります。月や年までしか分からない日付は、期間と重なれば含め、その旨を示します。",
    incidents: "期間中に始まったインシデント",
    month_only: "（月まで）",
    year_only: "（年まで）",
    undated: "日付不明",
    undated_intro: "日付のない記録はどの期間にも位置付けられないため、ここにまとめます（取り込んだ日などで代用しません）。",
    undated_incidents: "開始日も発見日もないインシデント",
    undated_attributions: "期間中のインシデントについての、日付のないアトリビューション",
    started: "開始",
    also_in: "同じインシデントの記録元:",
};

const EN: Words = Words {
    title: "normwatch periodic report",
    period: "Period",
    generated: "Generated",
    summary: "Summary",
    violations: "Violation assessments of incidents that started in the period",
    attributions: "Attributions made in the period",
    responses: "Responses made in the period",
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
    event_time: "Records are selected by when things happened, not when they were recorded or published here: incidents by their start (or discovery when the start is unknown), attributions by the day they were made, responses by the day of the response. A date known only to the month or year that overlaps the period is included and marked as such.",
    incidents: "Incidents that started in the period",
    month_only: " (month only)",
    year_only: " (year only)",
    undated: "Date unknown",
    undated_intro: "Records without a date cannot be placed in any period, so they are listed here rather than given the day they were imported.",
    undated_incidents: "Incidents with neither a start nor a discovery date",
    undated_attributions: "Attributions without a date, of incidents that started in the period",
    started: "Started",
    also_in: "also recorded by",
};

/// Latin faces first: IPAGothic's Latin letters are fixed-width, so listed first it set every
/// English word in a typewriter face. A Latin face has no kana or kanji, so those fall through
/// to the Japanese faces (proportional IPAPGothic before IPAGothic).
const STYLE: &str = "body{font-family:'Helvetica Neue',Arial,'Liberation Sans','DejaVu Sans','IPAPGothic','IPAGothic','Noto Sans CJK JP',sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}\
h1{font-size:1.6rem}h2{font-size:1.2rem;border-bottom:1px solid #999;margin-top:2rem}table{border-collapse:collapse;width:100%;font-size:.9rem}\
th,td{border:1px solid #bbb;padding:.25rem .4rem;text-align:left;vertical-align:top}pre{white-space:pre-wrap;background:#f4f4f4;padding:.6rem;font-size:.8rem}\
.figures{display:flex;gap:1rem;flex-wrap:wrap}.figures div{border:1px solid #bbb;padding:.5rem 1rem}.figures b{font-size:1.4rem;display:block}\
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,figure{break-inside:avoid}}";

/// A record placed in the period by its own date.
struct Dated<'a, T> {
    date: &'a PartialDate,
    record: &'a LedgerRecord<T>,
}

/// The standing published records of a kind an anonymous reader sees, each with the date that
/// places it in time: those within the period (earliest first) and those without a date.
fn place<'a, T>(
    records: &'a [LedgerRecord<T>],
    date: impl Fn(&T) -> Option<&PartialDate>,
    from: time::Date,
    to: time::Date,
) -> (Vec<Dated<'a, T>>, Vec<&'a LedgerRecord<T>>) {
    let mut within = Vec::new();
    let mut undated = Vec::new();
    for r in records {
        match (event_time(date(&r.body), from, to), date(&r.body)) {
            (EventTime::Within { .. }, Some(d)) => within.push(Dated { date: d, record: r }),
            (EventTime::Unknown, _) => undated.push(r),
            _ => {}
        }
    }
    within.sort_by_key(|d| (d.date.earliest_day(), d.record.id.clone()));
    (within, undated)
}

/// The periodic report reads every standing record of each kind once; this says how far it got,
/// so a large instance is not silent for long.
pub type Progress<'a> = &'a mut dyn FnMut(String);

async fn standing<T: LedgerKind>(
    store: &Store,
    what: &str,
    progress: &mut dyn FnMut(String),
) -> Result<Vec<LedgerRecord<T>>, StoreError> {
    let started = Instant::now();
    let records = store.standing_records::<T>(&Viewer::anonymous()).await?;
    progress(format!("read {} published {what} in {:.1} s", records.len(), started.elapsed().as_secs_f64()));
    Ok(records)
}

/// The report for `from..=to` (ISO dates) in `lang`; `progress` hears of each phase.
pub async fn periodic_report(
    store: &Store,
    catalog: &Catalog,
    (from, to): (time::Date, time::Date),
    lang: Lang,
    generated: &str,
    progress: Progress<'_>,
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
    let shown = |d: &PartialDate| -> Markup {
        let note = match d.precision() {
            DatePrecision::Day => None,
            DatePrecision::Month => Some(w.month_only),
            DatePrecision::Year => Some(w.year_only),
        };
        html! { (d.as_str()) @if let Some(n) = note { span.imprecise { (n) } } }
    };
    let all_incidents = standing::<IncidentInput>(store, "incidents", progress).await?;
    let (incidents, undated_incidents) =
        place(&all_incidents, |i| i.started.as_ref().or(i.discovered.as_ref()), from, to);
    // One real-world incident recorded by several sources is one row: the first of its linked
    // group in the period stands for it and names the other sources.
    let groups = store.incident_groups(&Viewer::anonymous()).await?;
    let group_of = |id: &str| groups.get(id).map_or(id.to_owned(), String::clone);
    let mut also_in: HashMap<String, Vec<String>> = HashMap::new();
    let mut representative: HashMap<String, String> = HashMap::new();
    let incidents: Vec<_> = incidents
        .into_iter()
        .filter(|i| {
            let group = group_of(&i.record.id);
            match representative.get(&group) {
                Some(first) => {
                    let source = i.record.body.origin.as_ref().map_or("normwatch", |o| o.dataset.as_str());
                    also_in.entry(first.clone()).or_default().push(source.to_owned());
                    false
                }
                None => {
                    representative.insert(group, i.record.id.clone());
                    true
                }
            }
        })
        .collect();
    let titles: HashMap<&str, String> = all_incidents.iter().map(|i| (i.id.as_str(), text(&i.body.title))).collect();
    let incident = |id: &str| titles.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let incident_date: HashMap<&str, &PartialDate> = incidents.iter().map(|i| (i.record.id.as_str(), i.date)).collect();
    let in_period: HashSet<&str> = incident_date.keys().copied().collect();

    let all_assessments = standing::<AssessmentInput>(store, "violation assessments", progress).await?;
    // An assessment has no date of its own: it belongs to the time of the incident it judges.
    let assessments: Vec<&LedgerRecord<AssessmentInput>> =
        all_assessments.iter().filter(|a| in_period.contains(a.body.incident.as_str())).collect();
    let all_attributions = standing::<AttributionInput>(store, "attribution claims", progress).await?;
    let (attributions, undated_attributions) = place(&all_attributions, |a| a.attributed_on.as_ref(), from, to);
    let undated_attributions: Vec<_> =
        undated_attributions.into_iter().filter(|a| in_period.contains(a.body.incident.as_str())).collect();
    let all_responses = standing::<ResponseInput>(store, "responses", progress).await?;
    let (responses, _) = place(&all_responses, |r| Some(&r.responded_on), from, to);
    let (from_s, to_s) = (from.to_string(), to.to_string());
    let positions: Vec<_> = store
        .positions(&Viewer::anonymous(), &RecordFilter::default())
        .await?
        .into_iter()
        .filter(|p| {
            p.recorded.status == RecordStatus::Published
                && p.stated_on.as_str() >= from_s.as_str()
                && p.stated_on <= to_s
        })
        .collect();
    let dates: Vec<&PartialDate> = incidents
        .iter()
        .map(|i| i.date)
        .chain(attributions.iter().map(|a| a.date))
        .chain(responses.iter().map(|r| r.date))
        .collect();
    let imprecise = dates.iter().filter(|d| d.precision() != DatePrecision::Day).count();
    progress(format!(
        "in the period: {} incidents, {} assessments, {} attributions, {} responses; {imprecise} of {} dates imprecise; {} undated incidents, {} undated attributions",
        incidents.len(),
        assessments.len(),
        attributions.len(),
        responses.len(),
        dates.len(),
        undated_incidents.len(),
        undated_attributions.len()
    ));
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
                title { (w.title) " " (from_s) " – " (to_s) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { (w.title) }
                p { (w.period) ": " (from_s) " – " (to_s) " · " (w.generated) ": " (generated) }
                p { (w.scope) }
                p { (w.event_time) }
                h2 { (w.summary) }
                div.figures {
                    div { b { (incidents.len()) } (w.incidents) }
                    div { b { (assessments.len()) } (w.violations) }
                    div { b { (attributions.len()) } (w.attributions) }
                    div { b { (responses.len()) } (w.responses) }
                    div { b { (positions.len()) } (w.adoption) }
                }
                p #imprecise-dates {
                    @match lang {
                        Lang::Ja => { "この報告の日付 " (dates.len()) " 件のうち " b { (imprecise) } " 件は、月または年までしか分かりません。" }
                        Lang::En => { b { (imprecise) } " of the " (dates.len()) " dates in this report are known only to the month or year." }
                    }
                }
                @if let Some(svg) = &chart {
                    figure { (PreEscaped(svg)) figcaption { (w.per_norm) } }
                }
                h2 #incidents { (w.incidents) }
                @if incidents.is_empty() { p { (w.none) } } @else {
                    table {
                        tr { th { (w.started) } th { (w.incident) } }
                        @for i in &incidents {
                            tr {
                                td { (shown(i.date)) }
                                td {
                                    (text(&i.record.body.title))
                                    @if let Some(others) = also_in.get(&i.record.id) {
                                        " " span.also { "(" (w.also_in) " " (sources_of(&i.record.body, others)) ")" }
                                    }
                                }
                            }
                        }
                    }
                }
                h2 #violations { (w.violations) }
                @if assessments.is_empty() { p { (w.none) } } @else {
                    table {
                        tr { th { (w.started) } th { (w.norm) } th { (w.incident) } th { (w.actor) } th { (w.level) } }
                        @for a in &assessments {
                            tr {
                                td { @if let Some(d) = incident_date.get(a.body.incident.as_str()) { (shown(d)) } }
                                td { (norm_title(&a.body.norm)) }
                                td { (incident(&a.body.incident)) }
                                td { (a.body.actor.state.clone().or_else(|| a.body.actor.group.clone()).unwrap_or_default()) }
                                td { (a.body.level) }
                            }
                        }
                    }
                }
                h2 #attributions { (w.attributions) }
                @if attributions.is_empty() { p { (w.none) } } @else {
                    table {
                        tr { th { (w.date) } th { (w.incident) } th { (w.attributor) } th { (w.attributed_to) } th { (w.confidence) } }
                        @for a in &attributions {
                            tr {
                                td { (shown(a.date)) }
                                td { (incident(&a.record.body.incident)) }
                                td { (a.record.body.attributor.name) }
                                td { (attributed_to(&a.record.body)) }
                                td { (a.record.body.confidence.clone().unwrap_or_default()) }
                            }
                        }
                    }
                }
                h2 #responses { (w.responses) }
                @if responses.is_empty() { p { (w.none) } } @else {
                    table {
                        tr { th { (w.date) } th { (w.incident) } th { (w.responder) } th { (w.response) } }
                        @for r in &responses {
                            tr {
                                td { (shown(r.date)) }
                                td { (incident(&r.record.body.incident)) }
                                td { (r.record.body.responder.name) }
                                td { (r.record.body.kind) }
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
                h2 #date-unknown { (w.undated) }
                p { (w.undated_intro) }
                h3 { (w.undated_incidents) " (" (undated_incidents.len()) ")" }
                @if undated_incidents.is_empty() { p { (w.none) } } @else {
                    ul { @for i in &undated_incidents { li { (text(&i.body.title)) } } }
                }
                h3 { (w.undated_attributions) " (" (undated_attributions.len()) ")" }
                @if undated_attributions.is_empty() { p { (w.none) } } @else {
                    table {
                        tr { th { (w.incident) } th { (w.attributor) } th { (w.attributed_to) } }
                        @for a in &undated_attributions {
                            tr { td { (incident(&a.body.incident)) } td { (a.body.attributor.name) } td { (attributed_to(&a.body)) } }
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

/// The sources of a linked group's row: the representative's own dataset and the others'.
fn sources_of(incident: &IncidentInput, others: &[String]) -> String {
    let own = incident.origin.as_ref().map_or("normwatch", |o| o.dataset.as_str());
    let mut all: Vec<&str> = std::iter::once(own).chain(others.iter().map(String::as_str)).collect();
    all.sort_unstable();
    all.dedup();
    all.join(", ")
}

/// The state and group a claim names, as `RU / APT28`.
fn attributed_to(a: &AttributionInput) -> String {
    a.attributed_to.state.iter().chain(a.attributed_to.group.iter()).cloned().collect::<Vec<_>>().join(" / ")
}
