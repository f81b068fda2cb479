//! What a stakeholder's page shows, computed once for the page and its downloads: its
//! positions, implementation evidence and legal positions, the attributions it made (claims
//! where it is the attributor) and those it received (claims naming its state — a `state`
//! stakeholder whose country code is the claim's `attributed_to.state` — or naming it as the
//! group, by id or name).
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::web::kit::dates::format_date;
use crate::web::kit::download::{self, Download, Format};
use crate::web::kit::either;
use crate::web::kit::encode;
use crate::web::kit::findings::{ClaimRow, claims};
use crate::web::kit::i18n::words;
use crate::web::kit::{Page, WebError, failure};
use axum::response::Response;
use maud::{Markup, html};
use normwatch_core::adoption::{ImplementationEvidence, LegalPosition, Position, Stakeholder};
use normwatch_core::country_display::country_name;
use normwatch_core::violation::{AttributionInput, SpeakerKind};
use normwatch_core::{Lang, Localized};
use normwatch_store::RecordFilter;
use serde::Serialize;

words! {
    struct Words, fn words;
    made: "行った帰属", "Attributions made";
    made_intro:
        "このステークホルダーが帰属者である公開済みの帰属の主張。",
        "Published attribution claims in which this stakeholder is the attributor.";
    received: "受けた帰属", "Attributions received";
    received_intro:
        "この国（国コードが一致するもの）またはこのステークホルダーを名指しした公開済みの帰属の主張。",
        "Published attribution claims naming this state (by its country code) or this stakeholder.";
    date: "帰属の日付", "Attributed on";
    incident: "インシデント", "Incident";
    attributed_to: "帰属先", "Attributed to";
    attributor: "帰属者", "Attributor";
    kind: "種類", "Type";
    none: "なし", "None";
    unknown: "不明", "unknown";
    unregistered:
        "この国はステークホルダーとして登録されていない。このページは、記録がこの国について述べていること（受けた帰属、この国の政府による帰属、この国を標的としたインシデント）をまとめたもの。",
        "This state is not a registered stakeholder. This page gathers what the records say about it: attributions it received, attributions made by its government, and incidents that targeted it.";
    targeted: "この国を標的としたインシデント", "Incidents that targeted this state";
}

#[derive(Debug, Clone, Serialize)]
pub struct StakeholderView {
    pub stakeholder: Stakeholder,
    /// False for a state that only appears in records (attributed, targeted), shown all the same.
    pub registered: bool,
    pub positions: Vec<Position>,
    pub evidence: Vec<ImplementationEvidence>,
    pub legal_positions: Vec<LegalPosition>,
    pub attributions_made: Vec<ClaimRow>,
    pub attributions_received: Vec<ClaimRow>,
}

/// Whether a claim names the stakeholder as the one attributed to.
fn names(s: &Stakeholder, c: &AttributionInput) -> bool {
    let to = &c.attributed_to;
    let state = s.kind == "state" && s.country.is_some() && to.state.as_deref() == s.country.as_deref();
    let group = to.group.as_deref().is_some_and(|g| {
        let g = g.trim();
        g.eq_ignore_ascii_case(&s.id)
            || (!s.name.en.trim().is_empty() && g.eq_ignore_ascii_case(s.name.en.trim()))
            || (!s.name.ja.trim().is_empty() && g == s.name.ja.trim())
    });
    state || group
}

pub async fn gather(state: &AppState, caller: &Caller, id: &str, l: Lang) -> Result<StakeholderView, WebError> {
    let (s, registered) = match state.store.stakeholder(id).await.map_err(failure(l))? {
        Some(s) => (s, true),
        None => match unregistered_state(id) {
            Some(s) => (s, false),
            None => {
                return Err(WebError::not_found(
                    l,
                    ApiError::NotFound { kind: "stakeholder", id: id.to_owned() }.to_string(),
                ));
            }
        },
    };
    let viewer = caller.viewer();
    let filter = RecordFilter { stakeholder: Some(s.id.clone()), ..Default::default() };
    let positions = state.store.positions(&viewer, &filter).await.map_err(failure(l))?;
    let evidence = state.store.evidence(&viewer, &filter).await.map_err(failure(l))?;
    let legal_positions = state.store.legal_positions(&viewer, &filter).await.map_err(failure(l))?;
    // A state that is not registered made the claims its government made (imports name the
    // government and its country, not a stakeholder).
    let made = |c: &AttributionInput| {
        c.attributor.stakeholder.as_deref() == Some(s.id.as_str())
            || (!registered
                && c.attributor.kind == SpeakerKind::Government
                && c.attributor.country.as_deref() == s.country.as_deref())
    };
    let attributions_made = claims(state, &viewer, &made).await.map_err(failure(l))?;
    let received = |c: &AttributionInput| names(&s, c);
    let attributions_received = claims(state, &viewer, &received).await.map_err(failure(l))?;
    Ok(StakeholderView {
        stakeholder: s,
        registered,
        positions,
        evidence,
        legal_positions,
        attributions_made,
        attributions_received,
    })
}

/// A state that appears in records without being a registered stakeholder (`ru` for Russia),
/// as a stakeholder of kind `state` with its name in both languages.
fn unregistered_state(id: &str) -> Option<Stakeholder> {
    let code = id.to_ascii_uppercase();
    if id.len() != 2 || id != code.to_ascii_lowercase() || !normwatch_core::country::is_country_code(&code) {
        return None;
    }
    let name = |l| country_name(&code, l).map(str::to_owned);
    Some(Stakeholder {
        id: id.to_owned(),
        name: Localized { ja: name(Lang::Ja)?, en: name(Lang::En)? },
        kind: "state".into(),
        country: Some(code),
        website: None,
        keys: Vec::new(),
        created_at: String::new(),
        updated_at: String::new(),
        version: 0,
    })
}

fn target(c: &ClaimRow) -> String {
    [c.attributed_state.clone(), c.attributed_group.clone()].into_iter().flatten().collect::<Vec<_>>().join(" / ")
}

fn claim_table(page: &Page, id: &str, rows: &[ClaimRow], made: bool) -> Markup {
    let (l, w) = (page.lang, words(page.lang));
    html! {
        @if rows.is_empty() { p { (w.none) } } @else {
            table id=(id) {
                thead { tr { th { (w.date) } th { (w.incident) } th { @if made { (w.attributed_to) } @else { (w.attributor) } } th { (w.kind) } } }
                tbody { @for c in rows {
                    tr data-claim=(c.claim) {
                        td.date { (c.attributed_on.as_deref().map_or_else(|| w.unknown.to_owned(), |d| format_date(d, l))) }
                        td { a href=(page.link(&format!("/incidents/{}", encode(&c.incident)))) { (either(&c.incident_title, l)) } }
                        td { @if made { (target(c)) } @else {
                            @match &c.attributor_stakeholder {
                                Some(s) => { a href=(page.link(&format!("/stakeholders/{}", encode(s)))) { (c.attributor) } }
                                None => { (c.attributor) }
                            }
                        } }
                        td { (c.kind.clone().unwrap_or_default()) }
                    }
                } }
            }
        }
    }
}

/// What the page of a state that is not a registered stakeholder says about itself.
pub fn unregistered_note(l: Lang) -> &'static str {
    words(l).unregistered
}

/// The attribution sections and the page's download links.
pub fn render(page: &Page, v: &StakeholderView) -> Markup {
    let w = words(page.lang);
    html! {
        @if let Some(code) = &v.stakeholder.country {
            p { a #targeted href=(page.link(&format!("/incidents?country={code}"))) { (w.targeted) } }
        }
        h2 #attributions-made-heading { (w.made) " (" (v.attributions_made.len()) ")" }
        p { small { (w.made_intro) } }
        (claim_table(page, "attributions-made", &v.attributions_made, true))
        h2 #attributions-received-heading { (w.received) " (" (v.attributions_received.len()) ")" }
        p { small { (w.received_intro) } }
        (claim_table(page, "attributions-received", &v.attributions_received, false))
        (download::links(page))
    }
}

const COLUMNS: [&str; 10] = [
    "section",
    "record",
    "date",
    "norm",
    "stance_or_kind",
    "incident",
    "incident_title",
    "counterpart",
    "summary",
    "url",
];

/// The stakeholder page's download.
pub async fn answer(
    state: &AppState,
    caller: &Caller,
    format: Format,
    page: &Page,
    v: &StakeholderView,
) -> Result<Response, WebError> {
    let l = page.lang;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut records: Vec<(&str, &str)> = Vec::new();
    let blank = String::new;
    for p in &v.positions {
        let statement = p.statement.as_ref().map(|s| either(s, l).to_owned()).unwrap_or_default();
        rows.push(vec![
            "position".into(),
            p.id.clone(),
            p.stated_on.clone(),
            p.norm.clone(),
            p.stance.name().into(),
            blank(),
            blank(),
            blank(),
            statement,
            p.source.url.clone().unwrap_or_default(),
        ]);
        records.push(("position", &p.id));
    }
    for e in &v.evidence {
        rows.push(vec![
            "implementation-evidence".into(),
            e.id.clone(),
            e.dated.clone(),
            e.norm.clone(),
            e.kind.clone(),
            blank(),
            blank(),
            blank(),
            either(&e.summary, l).to_owned(),
            e.url.clone(),
        ]);
        records.push(("implementation-evidence", &e.id));
    }
    for p in &v.legal_positions {
        rows.push(vec![
            "legal-position".into(),
            p.id.clone(),
            p.dated.clone(),
            blank(),
            p.topic.clone(),
            blank(),
            blank(),
            blank(),
            either(&p.summary, l).to_owned(),
            p.source_url.clone(),
        ]);
        records.push(("legal-position", &p.id));
    }
    for (section, list, made) in
        [("attribution-made", &v.attributions_made, true), ("attribution-received", &v.attributions_received, false)]
    {
        for c in list {
            rows.push(vec![
                section.into(),
                c.claim.clone(),
                c.attributed_on.clone().unwrap_or_default(),
                blank(),
                c.kind.clone().unwrap_or_default(),
                c.incident.clone(),
                either(&c.incident_title, l).to_owned(),
                if made { target(c) } else { c.attributor.clone() },
                blank(),
                blank(),
            ]);
            records.push(("attribution-claim", &c.claim));
            records.push(("incident", &c.incident));
        }
    }
    let name = format!("stakeholder-{}", v.stakeholder.id);
    let d = Download {
        name: &name,
        columns: &COLUMNS,
        rows,
        json: v,
        records,
        stakeholders: vec![v.stakeholder.id.as_str()],
    };
    download::answer(state, caller, format, l, &d).await
}
