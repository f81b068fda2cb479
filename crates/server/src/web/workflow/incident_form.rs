//! Filing an incident: the form and its post.
use super::super::kit::Visit;
use super::forms::Posted;
use super::forms::{MAX_TARGET_ROWS, Refusal, Shown, TARGET_ROWS, may_file};
use super::incident_input::incident_from;
use super::widgets::{
    area, choice, community_choice, date_field, effects, hidden, refusal_note, save_buttons, text_field, tlp_choice,
};
use super::words::words;
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::encode;
use crate::web::kit::forms::page_again;
use crate::web::kit::{Page, PageUser, WebError, see_other};
use axum::extract::State;
use axum::response::Response;
use maud::{Markup, html};
use normwatch_core::Tlp;
use normwatch_core::incident::{ASSET_TAXONOMIES, OPERATION_TYPES};

/// Where the incident form posts, and the version a revision is based on.
pub(super) struct FormTarget {
    pub(super) action: String,
    pub(super) version: Option<i64>,
}

pub(super) fn incident_form(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    values: &Shown,
    refusal: Option<&Refusal>,
    target: &FormTarget,
) -> Markup {
    let (l, w) = (page.lang, words(page.lang));
    let catalog = state.catalog();
    let Some(user) = &page.user else {
        let back = format!("/sign-in?next={}", encode(&page.link("/incidents/new")));
        return html! { p #sign-in-first { a href=(page.link(&back)) { (w.sign_in_to_file) } } };
    };
    let sectors = catalog.taxonomy("critical-infrastructure");
    if !may_file(caller) {
        return html! { p.error #may-not-file { (w.may_not_file) } };
    }
    html! {
        (refusal_note(w, refusal, "incident"))
        form.record.wide #file-incident method="post" action=(target.action) {
            (hidden(page, user))
            @if let Some(v) = target.version { input type="hidden" name="version" value=(v); }
            fieldset {
                legend { (w.file_incident) }
                (text_field(w.title_ja, "title_ja", values))
                (text_field(w.title_en, "title_en", values))
                (area(w.description_ja, "description_ja", values))
                (area(w.description_en, "description_en", values))
            }
            fieldset {
                legend { (w.when) }
                (date_field(w.started, "started", values, w))
                (date_field(w.ended, "ended", values, w))
                (date_field(w.discovered, "discovered", values, w))
            }
            fieldset.choices {
                legend { (w.operation_types) }
                @if let Some(t) = catalog.taxonomy(OPERATION_TYPES) {
                    @for term in &t.terms {
                        label.check { input type="checkbox" name="operation" value=(term.id) checked[values.has("operation", &term.id)]
                            aria-describedby=[values.described_by("operation")]; " " (term.label.get(l)) }
                    }
                }
                (values.note("operation"))
            }
            fieldset {
                legend { (w.actor) }
                (choice(w.actor_kind, "actor_kind", values, Some(w.not_known), &[("state", w.state_actor), ("non-state", w.non_state_actor)]))
                (text_field(w.actor_name, "actor_name", values))
                (text_field(w.country_code, "actor_country", values))
            }
            @let rows = (1..=MAX_TARGET_ROWS).take_while(|i| values.0.iter().any(|(k, _)| k == &format!("target_name_{i}"))).count();
            @for i in 1..=rows.max(TARGET_ROWS) {
                fieldset.target {
                    legend { (w.target) " " (i) }
                    (text_field(w.target_name, &format!("target_name_{i}"), values))
                    (text_field(w.country_code, &format!("target_country_{i}"), values))
                    @let sector = format!("target_sector_{i}");
                    @let assets = format!("target_assets_{i}");
                    label { (w.sector) select name=(sector) aria-describedby=[values.described_by(&sector)] aria-invalid=[values.invalid(&sector)] {
                        option value="" { "—" }
                        @if let Some(t) = sectors { @for term in &t.terms {
                            option value=(term.id) selected[values.one(&format!("target_sector_{i}")) == term.id] { (term.label.get(l)) }
                        } }
                    } }
                    (values.note(&sector))
                    label { (w.asset_classes) select name=(assets) multiple size="6" aria-describedby=[values.described_by(&assets)] aria-invalid=[values.invalid(&assets)] {
                        @for tax in ASSET_TAXONOMIES { @if let Some(t) = catalog.taxonomy(tax) {
                            optgroup label=(t.title.get(l)) { @for term in &t.terms {
                                option value=(term.id) selected[values.has(&format!("target_assets_{i}"), &term.id)] { (term.label.get(l)) }
                            } }
                        } }
                    } }
                    (values.note(&assets))
                }
            }
            fieldset {
                legend { (w.impact) }
                (choice(w.confidentiality, "confidentiality", values, Some("—"), &effects(w)))
                (choice(w.integrity, "integrity", values, Some("—"), &effects(w)))
                (choice(w.availability, "availability", values, Some("—"), &effects(w)))
                (choice(w.functional_duration, "functional_duration", values, Some("—"), &[
                    ("none", w.effect_none), ("hours", w.duration_hours), ("days", w.duration_days),
                    ("weeks", w.duration_weeks), ("months", w.duration_months)]))
                (text_field(w.countries_affected, "countries_affected", values))
                label { (w.victims_affected) input type="number" min="0" name="victims_affected" value=(values.one("victims_affected"))
                    aria-describedby=[values.described_by("victims_affected")] aria-invalid=[values.invalid("victims_affected")]; }
                (values.note("victims_affected"))
                label.check { input type="checkbox" name="physical_effects" value="yes" checked[values.has("physical_effects", "yes")]; " " (w.physical_effects) }
                label { (w.economic_loss) input type="number" min="0" name="loss_amount" value=(values.one("loss_amount"))
                    aria-describedby=[values.described_by("loss_amount")] aria-invalid=[values.invalid("loss_amount")]; }
                (values.note("loss_amount"))
                (text_field(w.currency, "loss_currency", values))
                (area(w.harm_ja, "harm_ja", values))
                (area(w.harm_en, "harm_en", values))
            }
            fieldset {
                legend { (w.sources) }
                label { (w.sources_hint) textarea name="sources" rows="3" aria-describedby=[values.described_by("sources")]
                    aria-invalid=[values.invalid("sources")] { (values.one("sources")) } }
                (values.note("sources"))
            }
            fieldset {
                legend { (w.handling) }
                (tlp_choice(w, values, Tlp::Clear))
                (community_choice(w, caller, values))
            }
            (save_buttons(w))
        }
    }
}

pub(super) fn new_incident_page(state: &AppState, caller: &Caller, page: &Page, refusal: Option<Refusal>) -> Response {
    let w = words(page.lang);
    let values = Refusal::values(refusal.as_ref(), "incident");
    let body = html! {
        h1 { (w.file_incident) }
        p { (w.file_intro) }
        (incident_form(state, caller, page, &values, refusal.as_ref(), &FormTarget { action: "/incidents/new".into(), version: None }))
    };
    page_again(page, w.file_incident, body, refusal.as_ref())
}

/// `GET /incidents/new`: the filing form.
pub async fn new_incident(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let page = v.page("/incidents/new")?;
    Ok(new_incident_page(&state, &v.caller, &page, None))
}

/// `POST /incidents/new`: files the incident as a draft or for review.
pub async fn file_incident(
    State(state): State<AppState>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
    let page = Page { lang, path: "/incidents/new".into(), user: PageUser::of(&caller) };
    let stakeholder = caller.account.as_ref().and_then(|a| a.stakeholder.clone());
    let input = match incident_from(&fields, stakeholder.as_deref()) {
        Ok(i) => i,
        Err(m) => return Ok(new_incident_page(&state, &caller, &page, Some(Refusal::invalid("incident", &fields, m)))),
    };
    match state.app().file_record(caller.acting(), &input).await {
        Ok(record) => Ok(see_other(&format!("/incidents/{}?lang={lang}", encode(&record.id)))),
        Err(e) => Ok(new_incident_page(&state, &caller, &page, Some(Refusal::of("incident", &fields, e.into())))),
    }
}
