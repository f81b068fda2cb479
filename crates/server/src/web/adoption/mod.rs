//! The adoption matrix page, stakeholder pages, and the form that records a position.
mod stakeholder_record;
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::check_csrf;
use crate::web::kit::download::{self, Download, Format};
use crate::web::kit::encode;
use crate::web::kit::typed_form;
use crate::web::kit::{DataVisit, Rows, Visit};
use crate::web::kit::{Page, WebError, failure, layout};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use normwatch_app::MatrixQuery;
use normwatch_core::adoption::{AdoptionCell, PositionInput, STAKEHOLDER_KINDS, SourceRef, Stance};
use normwatch_core::{Lang, Localized, RecordStatus, Right, Tlp};
use serde::Deserialize;

fn stance_label(page: &Page, stance: Option<Stance>) -> &'static str {
    let ui = page.ui();
    match stance {
        Some(Stance::Endorse) => ui.stance_endorse,
        Some(Stance::Reject) => ui.stance_reject,
        Some(Stance::Abstain) => ui.stance_abstain,
        None => ui.stance_none,
    }
}

fn stance_class(stance: Option<Stance>) -> &'static str {
    match stance {
        Some(Stance::Endorse) => "endorse",
        Some(Stance::Reject) => "reject",
        Some(Stance::Abstain) => "abstain",
        None => "nostance",
    }
}

fn cell(page: &Page, stakeholder: &str, norm: &str, c: &AdoptionCell) -> Markup {
    let symbol = match c.stance {
        Some(Stance::Endorse) => "✓",
        Some(Stance::Reject) => "✗",
        Some(Stance::Abstain) => "–",
        None => "",
    };
    let mut title = format!("{stakeholder} · {norm}: {}", stance_label(page, c.stance));
    if let Some(d) = &c.stated_on {
        title.push_str(&format!(" ({d})"));
    }
    if c.evidence > 0 {
        title.push_str(&format!(" · {}: {}", page.ui().evidence, c.evidence));
    }
    html! {
        td class=(format!("cell {}", stance_class(c.stance))) title=(title) data-stance=(c.stance.map_or("none", Stance::name)) data-norm=(norm) {
            (symbol) @if c.evidence > 0 { sup { (c.evidence) } }
        }
    }
}

pub async fn matrix(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let DataVisit { page, format, params, caller } =
        v.without_blanks().data("/adoption", Rows::Logged, &["kind", "country", "norm", "as_of"])?;
    let (l, ui) = (page.lang, page.ui());
    let query = MatrixQuery::parse(|k| params.one(k), &state.catalog()).map_err(failure(l))?;
    let m = state.app().adoption_matrix(caller.acting(), &query).await.map_err(failure(l))?;
    let filters: Vec<String> = params.pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    match format {
        crate::web::kit::download::Format::Html => {}
        // The API's CSV and JSON of the matrix take the same filters: one writer of each.
        crate::web::kit::download::Format::Csv | crate::web::kit::download::Format::Json => {
            let csv = if format == crate::web::kit::download::Format::Csv { "format=csv&" } else { "" };
            let to = format!(
                "/api/v1/adoption?{csv}lang={l}{}{}",
                if filters.is_empty() { "" } else { "&" },
                filters.join("&")
            );
            return Ok(crate::web::kit::see_other(&to));
        }
        // STIX: the published positions the matrix shows, and the stakeholders holding them.
        crate::web::kit::download::Format::Stix => {
            let records: Vec<(&str, &str)> = m
                .rows
                .iter()
                .flat_map(|r| r.cells.values().filter_map(|c| c.position.as_deref()).map(|p| ("position", p)))
                .collect();
            let stakeholders: Vec<&str> = m.rows.iter().map(|r| r.stakeholder.as_str()).collect();
            return crate::web::kit::download::stix(&state, &caller, "adoption", &records, &stakeholders, l).await;
        }
    }
    let value = |k: &str| params.first(k).map(str::to_owned).unwrap_or_default();
    let query = filters.join("&");
    let kinds = state.catalog().taxonomy(STAKEHOLDER_KINDS).map(|t| t.terms.clone()).unwrap_or_default();
    let body = html! {
        h1 { (ui.adoption) }
        p { (ui.adoption_intro) }
        form.filters method="get" action="/adoption" {
            input type="hidden" name="lang" value=(l.code());
            label { (ui.kind)
                select name="kind" {
                    option value="" { (ui.any) }
                    @for t in &kinds { option value=(t.id) selected[value("kind") == t.id] { (t.label.get(l)) } }
                }
            }
            label { (ui.country) input type="text" name="country" size="3" maxlength="2" value=(value("country")) placeholder="JP"; }
            label { (ui.norm)
                select name="norm" {
                    option value="" { (ui.any) }
                    @for n in &state.catalog().norms { option value=(n.id) selected[value("norm") == n.id] { (n.id) } }
                }
            }
            label { (ui.as_of) input type="date" name="as_of" value=(value("as_of")); }
            button type="submit" { (ui.apply) }
        }
        p.legend {
            span.endorse { "✓ " (ui.stance_endorse) } span.reject { "✗ " (ui.stance_reject) }
            span.abstain { "– " (ui.stance_abstain) } span.nostance { (ui.stance_none) }
        }
        table.matrix #matrix {
            thead { tr {
                th { (ui.stakeholders) }
                @for n in &m.norms { th.norm { a href=(page.link(&format!("/norms/{n}"))) title=(state.catalog().norm(n).map_or("", |x| x.title.get(l))) { (n) } } }
            } }
            tbody {
                @for r in &m.rows {
                    tr data-stakeholder=(r.stakeholder) {
                        th { a href=(page.link(&format!("/stakeholders/{}", r.stakeholder))) { (r.name.get(l)) } }
                        @for n in &m.norms {
                            @if let Some(c) = r.cells.get(n) { (cell(&page, &r.stakeholder, n, c)) }
                        }
                    }
                }
            }
        }
        p {
            a href=(format!("/api/v1/adoption?format=csv{}{}", if query.is_empty() { "" } else { "&" }, query)) { (ui.download_csv) }
            " · "
            a href=(format!("/api/v1/adoption?lang={l}{}{}", if query.is_empty() { "" } else { "&" }, query)) { (ui.download_json) }
            " · "
            a href=(crate::web::kit::download::href(&page, crate::web::kit::download::Format::Stix)) { (ui.download_stix) }
        }
    };
    Ok(layout(&page, ui.adoption, body).into_response())
}

/// One row of the stakeholder list, as it downloads.
#[derive(serde::Serialize)]
struct StakeholderRow<'a> {
    id: &'a str,
    name: &'a Localized,
    kind: &'a str,
    country: Option<&'a str>,
}

pub async fn stakeholders(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let DataVisit { page, format, caller, .. } = v.data("/stakeholders", Rows::Logged, &[])?;
    let (l, ui) = (page.lang, page.ui());
    let list = state.store.stakeholders(&Default::default()).await.map_err(failure(l))?;
    if format != Format::Html {
        let rows: Vec<StakeholderRow> = list
            .iter()
            .map(|s| StakeholderRow { id: &s.id, name: &s.name, kind: &s.kind, country: s.country.as_deref() })
            .collect();
        let csv = rows
            .iter()
            .map(|r| {
                let (ja, en) = (r.name.ja.clone(), r.name.en.clone());
                vec![r.id.to_owned(), ja, en, r.kind.to_owned(), r.country.unwrap_or_default().to_owned()]
            })
            .collect();
        let json = serde_json::json!({ "count": rows.len(), "stakeholders": rows });
        // STIX: the identities of the stakeholders listed; the list holds no logged records.
        let d = Download {
            name: "stakeholders",
            columns: &["id", "name_ja", "name_en", "kind", "country"],
            rows: csv,
            json: &json,
            records: vec![],
            stakeholders: list.iter().map(|s| s.id.as_str()).collect(),
        };
        return download::answer(&state, &caller, format, l, &d).await;
    }
    let label = |id: &str| state.catalog().term(id).map_or(id.to_owned(), |(_, t)| t.label.get(l).to_owned());
    let body = html! {
        h1 { (ui.stakeholders) }
        (download::links(&page))
        table { tbody {
            @for s in &list {
                tr { td { a href=(page.link(&format!("/stakeholders/{}", s.id))) { (s.name.get(l)) } } td { (label(&s.kind)) } td.id { (s.country.clone().unwrap_or_default()) } }
            }
        } }
    };
    Ok(layout(&page, ui.stakeholders, body).into_response())
}

/// The stakeholder page; `notice` and `status` carry the outcome of a posted form.
async fn stakeholder_page(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: &str,
    notice: Option<(StatusCode, String)>,
) -> Result<Response, WebError> {
    let (l, ui) = (page.lang, page.ui());
    let view = stakeholder_record::gather(state, caller, id, l).await?;
    let (s, positions, evidence, legal) = (&view.stakeholder, &view.positions, &view.evidence, &view.legal_positions);
    let label = |id: &str| state.catalog().term(id).map_or(id.to_owned(), |(_, t)| t.label.get(l).to_owned());
    let can_record =
        page.user.is_some() && caller.account.as_ref().is_some_and(|a| a.may(Right::WritePositions, Some(&s.id)));
    let can_record_evidence =
        caller.account.as_ref().is_some_and(|a| a.may(normwatch_core::Right::WriteEvidence, Some(&s.id)));
    let (status, message) = notice.unwrap_or((StatusCode::OK, String::new()));
    let body = html! {
        p.id { (s.id) }
        h1 { (s.name.get(l)) }
        @if !view.registered { p.note #unregistered { (stakeholder_record::unregistered_note(l)) } }
        dl.facts {
            dt { (ui.kind) } dd { (label(&s.kind)) }
            @if let Some(c) = &s.country { dt { (ui.country) } dd { (c) } }
            @if let Some(w) = &s.website { dt { (ui.website) } dd { a href=(w) { (w) } } }
            @if !s.keys.is_empty() {
                dt { (ui.registered_keys) } dd { @for k in &s.keys { span.tag title=(k.public_key) { (k.label) " · " (k.id) } } }
            }
        }
        @if !message.is_empty() {
            p #form-message class=(if status.is_success() { "notice" } else { "error" }) { (message) }
        }
        h2 #positions { (ui.positions) }
        table #position-history {
            thead { tr { th { (ui.norm) } th { (ui.stance) } th { (ui.stated_on) } th { (ui.sources) } } }
            tbody {
                @for p in positions {
                    // Only the stance cell takes the stance's colour: links and dates on a
                    // coloured row were unreadable.
                    tr data-norm=(p.norm) {
                        td { a href=(page.link(&format!("/norms/{}", p.norm))) { (p.norm) } }
                        td class=(stance_class(Some(p.stance))) { (stance_label(page, Some(p.stance))) @if p.supersedes.is_some() { " " small { "(" (ui.supersedes) ")" } } }
                        td.date { (crate::web::kit::dates::format_date(&p.stated_on, l)) }
                        td {
                            @if let Some(u) = &p.source.url { a href=(u) { (p.source.document.clone().unwrap_or_else(|| u.clone())) } }
                            @if let Some(para) = &p.source.paragraph { " " (para) }
                        }
                    }
                }
            }
        }
        @if can_record {
            @if let Some(user) = &page.user {
                h2 { (ui.record_position) }
                form.record #record-position method="post" action=(format!("/stakeholders/{}/positions", encode(&s.id))) {
                    input type="hidden" name="csrf" value=(user.csrf);
                    input type="hidden" name="lang" value=(l.code());
                    label { (ui.norm) select name="norm" { @for n in &state.catalog().norms { option value=(n.id) { (n.id) " — " (n.title.get(l)) } } } }
                    label { (ui.stance) select name="stance" {
                        option value="endorse" { (ui.stance_endorse) } option value="reject" { (ui.stance_reject) } option value="abstain" { (ui.stance_abstain) }
                    } }
                    label { (ui.stated_on) input type="date" name="stated_on" required; }
                    label { (ui.source_url) input type="url" name="source_url" required placeholder="https://"; }
                    label { (ui.statement_ja) textarea name="statement_ja" rows="2" {} }
                    label { (ui.statement_en) textarea name="statement_en" rows="2" {} }
                    button type="submit" { (ui.save) }
                }
            }
        }
        h2 { (ui.evidence) }
        @if can_record_evidence && page.user.is_some() {
            p { a #record-evidence-link href=(page.link(&format!("/stakeholders/{}/evidence/new", encode(&s.id)))) { (ui.record_evidence) } }
        }
        ul #evidence { @for e in evidence { li { a href=(page.link(&format!("/norms/{}", e.norm))) { (e.norm) } " · " (label(&e.kind)) " · " (crate::web::kit::dates::format_date(&e.dated, l)) " · " a href=(e.url) { (pick(&e.summary, l)) } } } }
        h2 { (ui.legal_positions) }
        ul #legal-positions { @for p in legal { li { b { (label(&p.topic)) } " (" (crate::web::kit::dates::format_date(&p.dated, l)) "): " a href=(p.source_url) { (pick(&p.summary, l)) } } } }
        (stakeholder_record::render(page, &view))
    };
    Ok(crate::web::kit::no_store(status, layout(page, s.name.get(l), body)))
}

/// The text in the page language, or the other one when only that exists.
fn pick(text: &Localized, lang: Lang) -> &str {
    let t = text.get(lang);
    if t.trim().is_empty() { if lang == Lang::Ja { &text.en } else { &text.ja } } else { t }
}

pub async fn stakeholder(
    State(state): State<AppState>,
    Path(id): Path<String>,
    v: Visit,
) -> Result<Response, WebError> {
    let DataVisit { page, format, caller, .. } =
        v.data(&format!("/stakeholders/{}", encode(&id)), Rows::Logged, &[])?;
    if format != crate::web::kit::download::Format::Html {
        let view = stakeholder_record::gather(&state, &caller, &id, page.lang).await?;
        return stakeholder_record::answer(&state, &caller, format, &page, &view).await;
    }
    stakeholder_page(&state, &caller, &page, &id, None).await
}

#[derive(Debug, Deserialize)]
pub struct PositionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: Option<String>,
    norm: String,
    stance: String,
    stated_on: String,
    source_url: String,
    #[serde(default)]
    statement_ja: String,
    #[serde(default)]
    statement_en: String,
}

pub async fn record_position(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    caller: Caller,
    form: Result<Form<PositionForm>, FormRejection>,
) -> Result<Response, WebError> {
    let (form, lang) = typed_form(form, &headers, |f| f.lang.as_deref())?;
    // CSRF first: a forged form learns nothing, not even whether it would have been allowed.
    check_csrf(&caller, &form.csrf, lang)?;
    let texts = [
        ("norm", &form.norm),
        ("stance", &form.stance),
        ("stated_on", &form.stated_on),
        ("source_url", &form.source_url),
        ("statement_ja", &form.statement_ja),
        ("statement_en", &form.statement_en),
    ];
    crate::web::kit::forms::refuse_nul(&texts.map(|(k, v)| (k.to_owned(), v.clone())), lang)?;
    caller.require(Right::WritePositions, Some(&id)).map_err(failure(lang))?;
    let page =
        Page { lang, path: format!("/stakeholders/{}", encode(&id)), user: crate::web::kit::PageUser::of(&caller) };
    let stance = match form.stance.as_str() {
        "endorse" => Stance::Endorse,
        "reject" => Stance::Reject,
        "abstain" => Stance::Abstain,
        other => {
            let notice =
                (StatusCode::UNPROCESSABLE_ENTITY, format!("stance: `{other}` is not endorse, reject or abstain"));
            return stakeholder_page(&state, &caller, &page, &id, Some(notice)).await;
        }
    };
    let statement = Localized::new(form.statement_ja.trim(), form.statement_en.trim());
    let input = PositionInput {
        stakeholder: id.clone(),
        norm: form.norm.clone(),
        stance,
        stated_on: form.stated_on.clone(),
        source: SourceRef { url: Some(form.source_url.trim().to_owned()), document: None, paragraph: None },
        statement: Some(statement),
        tlp: Tlp::Clear,
        status: RecordStatus::Published,
        community: None,
    };
    if let Err(e) = input.validate(&state.catalog(), crate::today()) {
        return stakeholder_page(&state, &caller, &page, &id, Some((StatusCode::UNPROCESSABLE_ENTITY, e.to_string())))
            .await;
    }
    match state.store.create_position(&caller.actor(), &caller.viewer(), &input).await {
        Ok(_) => Ok(crate::web::kit::see_other(&format!("/stakeholders/{}?lang={lang}#positions", encode(&id)))),
        Err(normwatch_store::StoreError::Rejected(e)) => {
            stakeholder_page(&state, &caller, &page, &id, Some((StatusCode::UNPROCESSABLE_ENTITY, e.to_string()))).await
        }
        Err(e) => Err(failure(lang)(e)),
    }
}
