//! An incident's findings as a researcher reads them: who attributed it, when (as precisely as
//! known), how, on what basis and with what confidence, in a table in date order; the responses
//! likewise; and one timeline of everything in date order.
use super::words::Words as FormWords;
use crate::web::kit::i18n::words;
use crate::web::kit::{Page, dates, either, encode, label};
use maud::{Markup, html};
use normwatch_core::country_display::country_name;
use normwatch_core::incident::{IncidentInput, PartialDate};
use normwatch_core::violation::{AssessmentInput, AttributionInput, AttributionType, ResponseInput};
use normwatch_core::{Catalog, Lang};
use normwatch_store::{IncidentEvidence, LedgerRecord};

words! {
    struct Words;
    attributions: "帰属の主張", "Attributions";
    attributions_none: "帰属の主張はまだない。", "No attribution claim yet.";
    attributor: "主張者", "Attributed by";
    attributed_to: "帰属先", "Attributed to";
    date: "日付", "Date";
    kind: "種類", "Type";
    basis: "根拠", "Basis";
    confidence: "確度", "Confidence";
    contested: "争いの有無", "Contested";
    disputed: "争われている主張", "disputed claim";
    statement: "声明", "statement";
    responses: "対応", "Responses";
    responses_none: "記録された対応はない。", "No response recorded.";
    responder: "対応した者", "Responder";
    response_type: "対応の種類", "Type of response";
    description: "内容", "Description";
    undated: "日付不明（この日以降）", "date unknown (on or after)";
    unknown: "不明", "unknown";
    timeline: "経過（日付順）", "Timeline (in date order)";
    started: "開始", "Started";
    evidence: "証拠", "Evidence";
    assessment: "違反の評価", "Violation assessment";
    attribution: "帰属の主張", "Attribution";
    response: "対応", "Response";
}

fn words(l: Lang) -> &'static Words {
    match l {
        Lang::Ja => &JA,
        Lang::En => &EN,
    }
}

/// A state as a link to its page, named in the page's language.
pub(crate) fn state_link(page: &Page, code: &str) -> Markup {
    let name = country_name(code, page.lang).unwrap_or(code);
    html! { a.state href=(page.link(&format!("/stakeholders/{}", code.to_ascii_lowercase()))) { (name) } }
}

fn date_of(d: Option<&PartialDate>, l: Lang) -> Option<String> {
    d.map(|d| dates::format_date(d.as_str(), l))
}

/// Oldest first, the undated last (dates are ISO text, partial ones sort before their days).
fn by_date<T>(items: &mut [(Option<String>, T)]) {
    items.sort_by(|(a, _), (b, _)| match (a, b) {
        (Some(a), Some(b)) => a.cmp(b),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
}

/// Who attributed the incident to whom, when, how, on what basis, how confidently.
pub(super) fn attribution_table(
    claims: &[LedgerRecord<AttributionInput>],
    catalog: &Catalog,
    page: &Page,
    fw: &FormWords,
) -> Markup {
    let (l, w) = (page.lang, words(page.lang));
    let mut rows: Vec<(Option<String>, &LedgerRecord<AttributionInput>)> =
        claims.iter().map(|c| (c.body.attributed_on.as_ref().map(|d| d.as_str().to_owned()), c)).collect();
    by_date(&mut rows);
    let kinds = super::widgets::speaker_kinds(fw);
    let kind_word = |k: &'static str| kinds.iter().find(|(name, _)| *name == k).map_or(k, |(_, word)| *word);
    html! {
        h2 #attributions-heading { (w.attributions) " (" (claims.len()) ")" }
        @if claims.is_empty() { p { (w.attributions_none) } } @else {
            table #attributions {
                thead { tr {
                    th scope="col" { (w.attributor) } th scope="col" { (w.attributed_to) } th scope="col" { (w.date) }
                    th scope="col" { (w.kind) } th scope="col" { (w.basis) } th scope="col" { (w.confidence) }
                    th scope="col" { (w.contested) }
                } }
                tbody { @for (_, c) in &rows {
                    @let b = &c.body;
                    tr data-claim=(c.id) {
                        td { (b.attributor.name) br; small { (kind_word(b.attributor.kind.name())) } }
                        td {
                            @if let Some(s) = &b.attributed_to.state { (state_link(page, s)) }
                            @if let Some(g) = &b.attributed_to.group { @if b.attributed_to.state.is_some() { " / " } (g) }
                        }
                        td.date { (date_of(b.attributed_on.as_ref(), l).unwrap_or_else(|| w.unknown.to_owned())) }
                        td { @match b.kind {
                            Some(AttributionType::Technical) => { (fw.type_technical) }
                            Some(AttributionType::Political) => { (fw.type_political) }
                            Some(AttributionType::Legal) => { (fw.type_legal) }
                            None => { "—" }
                        } }
                        td {
                            (either(&b.basis, l))
                            @if let Some(u) = &b.statement_url { " " a href=(u) rel="noreferrer" { (w.statement) } }
                        }
                        td { @match &b.confidence { Some(t) => { (label(catalog, t, l)) } None => { "—" } } }
                        td { @if b.contested { span.tag { (w.disputed) } } @else { "—" } }
                    }
                } }
            }
        }
    }
}

/// The responses to the incident, in date order.
pub(super) fn response_table(responses: &[LedgerRecord<ResponseInput>], catalog: &Catalog, page: &Page) -> Markup {
    let (l, w) = (page.lang, words(page.lang));
    let mut rows: Vec<(Option<String>, &LedgerRecord<ResponseInput>)> =
        responses.iter().map(|r| (Some(r.body.responded_on.as_str().to_owned()), r)).collect();
    by_date(&mut rows);
    html! {
        h2 #responses-heading { (w.responses) " (" (responses.len()) ")" }
        @if responses.is_empty() { p { (w.responses_none) } } @else {
            table #responses {
                thead { tr {
                    th scope="col" { (w.responder) } th scope="col" { (w.date) } th scope="col" { (w.response_type) }
                    th scope="col" { (w.description) }
                } }
                tbody { @for (_, r) in &rows {
                    @let b = &r.body;
                    tr {
                        td { (b.responder.name) @if let Some(c) = &b.responder.country { " (" (state_link(page, c)) ")" } }
                        td.date { (dates::format_date(b.responded_on.as_str(), l)) @if b.undated { " " small { (w.undated) } } }
                        td { (label(catalog, &b.kind, l)) }
                        td { (either(&b.description, l)) }
                    }
                } }
            }
        }
    }
}

/// What the timeline shows of an incident.
pub(super) struct Events<'a> {
    pub incident: &'a IncidentInput,
    pub title: &'a str,
    pub evidence: &'a [IncidentEvidence],
    pub assessments: &'a [LedgerRecord<AssessmentInput>],
    pub claims: &'a [LedgerRecord<AttributionInput>],
    pub responses: &'a [LedgerRecord<ResponseInput>],
}

/// Everything that happened to the incident, in date order (the undated last).
pub(super) fn timeline(
    e: &Events<'_>,
    catalog: &Catalog,
    page: &Page,
    status_word: impl Fn(&AssessmentInput) -> String,
) -> Markup {
    let (l, w) = (page.lang, words(page.lang));
    let mut items: Vec<(Option<String>, (&str, Markup))> = Vec::new();
    let started = e.incident.started.as_ref().or(e.incident.discovered.as_ref());
    items.push((started.map(|d| d.as_str().to_owned()), ("start", html! { (w.started) ": " (e.title) })));
    for ev in e.evidence {
        items.push((
            ev.created_at.get(..10).map(str::to_owned),
            (
                "evidence",
                html! { (w.evidence) ": "
                a href=(format!("/api/v1/evidence-items/{}", encode(&ev.id))) { (ev.filename) }
                " · sha-256 " span.id { (ev.sha256.get(..16).unwrap_or("")) "…" }
                " · " (ev.completeness.filled) "/" (ev.completeness.of) },
            ),
        ));
    }
    for a in e.assessments {
        items.push((
            a.created_at.get(..10).map(str::to_owned),
            (
                "assessment",
                html! { (w.assessment) ": " (label(catalog, &a.body.norm, l)) " · "
                (label(catalog, &a.body.level, l)) " · " span.tag { (status_word(&a.body)) } },
            ),
        ));
    }
    for c in e.claims {
        items.push((
            c.body.attributed_on.as_ref().map(|d| d.as_str().to_owned()),
            (
                "attribution",
                html! { (w.attribution) ": " (c.body.attributor.name) " → "
                @if let Some(s) = &c.body.attributed_to.state { (state_link(page, s)) " " }
                (c.body.attributed_to.group.clone().unwrap_or_default())
                @if c.body.contested { " " span.tag { (w.disputed) } } },
            ),
        ));
    }
    for r in e.responses {
        items.push((
            Some(r.body.responded_on.as_str().to_owned()),
            (
                "response",
                html! { (w.response) ": " (r.body.responder.name) " · " (label(catalog, &r.body.kind, l))
                @if r.body.undated { " " span.tag { (w.undated) } } },
            ),
        ));
    }
    by_date(&mut items);
    html! {
        h2 { (w.timeline) }
        ol #timeline { @for (date, (class, item)) in &items {
            @let when = date.as_deref().map_or_else(|| w.unknown.to_owned(), |d| dates::format_date(d, l));
            li class=(class) data-date=(date.clone().unwrap_or_default()) { b { (when) } " — " (item) }
        } }
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn dates_sort_oldest_first_and_the_undated_last() {
        let mut v = vec![
            (None, 'u'),
            (Some("2023-05".to_owned()), 'm'),
            (Some("2022".to_owned()), 'y'),
            (Some("2023-05-02".to_owned()), 'd'),
        ];
        super::by_date(&mut v);
        assert_eq!(v.iter().map(|(_, c)| *c).collect::<String>(), "ymdu");
    }
}
