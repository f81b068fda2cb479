//! The violation ledger's workflows in the portal: filing an incident, uploading evidence,
//! writing findings (assessments, attributions, responses, collective statements), moving each
//! through review to publication, and co-signing a statement. Every form posts to a handler that
//! calls the same functions as the JSON API, so the portal follows the API's rules exactly; a
//! refused form is shown again with what was typed and the reason, and nothing is stored.
use super::account::check_csrf;
use super::incidents;
use super::pages::{encode, label, page};
use super::workflow_words::{Words, words};
use super::{Page, PageUser, WebError, failure, layout, no_store, see_other};
use crate::AppState;
use crate::api::ledger::{
    LedgerResource, ReviewInput, file_record, publish_record, review_record, revise_draft, submit_record,
};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{Params, header_language};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use normwatch_core::evidence::{CollectionProtocol, EvidenceUpload};
use normwatch_core::incident::{ASSET_TAXONOMIES, IncidentInput, OPERATION_TYPES};
use normwatch_core::screening::screen;
use normwatch_core::violation::{
    ASSESSMENT_LEVELS, AssessmentInput, AttributionInput, CONFIDENCE, RESPONSE_TYPES, ResponseInput, SpeakerKind,
    StatementInput, Verdict, verify_signature,
};
use normwatch_core::{Lang, RecordStatus, Right, Tlp};
use normwatch_store::{LedgerRecord, StakeholderFilter};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// How many target rows the incident form offers (more can be added by editing through the API).
const TARGET_ROWS: usize = 3;

/// An evidence upload's text fields: how many, and how long each may be (the file streams).
const MAX_UPLOAD_FIELDS: usize = 20;
const MAX_UPLOAD_TEXT: usize = 64 * 1024;

/// The most target rows a posted form is read for.
const MAX_TARGET_ROWS: usize = 50;

/// The fields of a posted form in order; repeated names carry several values (checkboxes,
/// multiple selects).
#[derive(Debug, Default, Clone)]
pub struct Fields(pub Vec<(String, String)>);

impl Fields {
    pub fn one(&self, name: &str) -> &str {
        self.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.trim())
    }

    pub fn opt(&self, name: &str) -> Option<String> {
        let v = self.one(name);
        (!v.is_empty()).then(|| v.to_owned())
    }

    pub fn all(&self, name: &str) -> Vec<String> {
        self.0.iter().filter(|(k, v)| k == name && !v.trim().is_empty()).map(|(_, v)| v.trim().to_owned()).collect()
    }

    fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v.trim() == value)
    }
}

/// A refused form: which one, what was sent, and why. Its page is shown again with the values.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub form: &'static str,
    pub fields: Fields,
    pub status: StatusCode,
    pub message: String,
}

impl Refusal {
    fn of(form: &'static str, fields: &Fields, e: ApiError) -> Refusal {
        e.log_if_internal();
        Refusal { form, fields: fields.clone(), status: e.status(), message: e.detail() }
    }

    fn invalid(form: &'static str, fields: &Fields, message: String) -> Refusal {
        Refusal { form, fields: fields.clone(), status: StatusCode::UNPROCESSABLE_ENTITY, message }
    }

    /// The values to show in `form`: what was sent when that form was refused.
    fn values(refusal: Option<&Refusal>, form: &str) -> Fields {
        refusal.filter(|r| r.form == form).map(|r| r.fields.clone()).unwrap_or_default()
    }
}

/// Whether the caller may file incidents and findings (for any stakeholder or its own): the
/// forms are offered only to those whose posts could be accepted.
pub(super) fn may_file(caller: &Caller) -> bool {
    caller.account.as_ref().is_some_and(|a| a.role.has(Right::WriteIncidents) || a.role.has(Right::WriteOwnIncidents))
}

fn sign_in_first(lang: Lang) -> WebError {
    WebError { status: StatusCode::UNAUTHORIZED, lang, message: words(lang).sign_in_to_write.to_owned() }
}

/// Refuses a form with U+0000 in a field: no record holds one, and PostgreSQL's text cannot.
pub(super) fn refuse_nul(pairs: &[(String, String)], lang: Lang) -> Result<(), WebError> {
    match pairs.iter().find(|(k, v)| k.contains('\0') || v.contains('\0')) {
        Some((k, _)) => Err(WebError {
            status: StatusCode::BAD_REQUEST,
            lang,
            message: format!("{}: {}", k.replace('\0', ""), crate::extract::NUL_REASON),
        }),
        None => Ok(()),
    }
}

/// Reads a posted form: signed in first, then its CSRF token, before anything else is looked at.
pub(super) fn posted(
    headers: &HeaderMap,
    caller: &Caller,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<(Lang, Fields), WebError> {
    let fallback = header_language(headers).unwrap_or(Lang::En);
    let Form(pairs) =
        form.map_err(|e| WebError { status: StatusCode::BAD_REQUEST, lang: fallback, message: e.body_text() })?;
    refuse_nul(&pairs, fallback)?;
    let fields = Fields(pairs);
    let lang = fields.one("lang").parse().unwrap_or(fallback);
    if caller.account.is_none() {
        return Err(sign_in_first(lang));
    }
    check_csrf(caller, fields.one("csrf"), lang)?;
    Ok((lang, fields))
}

/// A record input from the JSON a form was turned into, with the failing field named.
fn typed<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| format!("{}: {}", e.path(), e.inner()))
}

fn localized(fields: &Fields, name: &str) -> Value {
    json!({ "ja": fields.one(&format!("{name}_ja")), "en": fields.one(&format!("{name}_en")) })
}

fn upper(code: String) -> String {
    code.to_uppercase()
}

/// `draft` or `in-review`: the button the writer pressed.
fn intent(fields: &Fields) -> &'static str {
    if fields.one("intent") == "in-review" { "in-review" } else { "draft" }
}

fn whole_number(fields: &Fields, name: &str, field: &str) -> Result<Option<u64>, String> {
    fields
        .opt(name)
        .map(|v| {
            v.replace([',', '_', ' '], "").parse::<u64>().map_err(|_| format!("{field}: `{v}` is not a whole number"))
        })
        .transpose()
}

/// The incident a filing form describes, in the API's own shape.
fn incident_from(fields: &Fields, stakeholder: Option<&str>) -> Result<IncidentInput, String> {
    let mut actors = vec![];
    if let Some(kind) = fields.opt("actor_kind") {
        actors.push(json!({ "kind": kind, "name": fields.opt("actor_name"), "country": fields.opt("actor_country").map(upper) }));
    }
    let mut targets = vec![];
    // As many target rows as were posted (a draft being edited may have more than the blank form).
    let rows =
        (1..=MAX_TARGET_ROWS).take_while(|i| fields.0.iter().any(|(k, _)| k == &format!("target_name_{i}"))).count();
    for i in 1..=rows.max(TARGET_ROWS) {
        let name = fields.opt(&format!("target_name_{i}"));
        let country = fields.opt(&format!("target_country_{i}")).map(upper);
        let sector = fields.opt(&format!("target_sector_{i}"));
        let assets = fields.all(&format!("target_assets_{i}"));
        match name {
            Some(name) => {
                targets.push(json!({ "name": name, "country": country, "sector": sector, "asset_classes": assets }))
            }
            None if country.is_some() || sector.is_some() || !assets.is_empty() => {
                return Err(format!("targets[{}].name: give the target's name", targets.len()));
            }
            None => {}
        }
    }
    let loss = whole_number(fields, "loss_amount", "impact.economic_loss.amount")?
        .map(|amount| json!({ "amount": amount, "currency": fields.one("loss_currency").to_uppercase() }));
    let harm = (fields.opt("harm_ja").is_some() || fields.opt("harm_en").is_some()).then(|| localized(fields, "harm"));
    let countries: Vec<String> = fields
        .one("countries_affected")
        .split([',', ' ', '、'])
        .filter(|c| !c.is_empty())
        .map(|c| c.to_uppercase())
        .collect();
    let impact = json!({
        "confidentiality": fields.opt("confidentiality"),
        "integrity": fields.opt("integrity"),
        "availability": fields.opt("availability"),
        "functional_duration": fields.opt("functional_duration"),
        "countries_affected": countries,
        "victims_affected": whole_number(fields, "victims_affected", "impact.victims_affected")?,
        "physical_effects": fields.has("physical_effects", "yes").then_some(true),
        "economic_loss": loss,
        "harm_to_people": harm,
    });
    let sources: Vec<Value> =
        fields.one("sources").lines().map(str::trim).filter(|l| !l.is_empty()).map(|u| json!({ "url": u })).collect();
    typed(json!({
        "title": localized(fields, "title"),
        "description": localized(fields, "description"),
        "started": fields.opt("started"),
        "ended": fields.opt("ended"),
        "discovered": fields.opt("discovered"),
        "operation_types": fields.all("operation"),
        "actors": actors,
        "targets": targets,
        "sources": sources,
        "impact": impact,
        "tlp": fields.opt("tlp").unwrap_or_else(|| "clear".into()),
        "status": intent(fields),
        "stakeholder": stakeholder,
        "community": fields.opt("community"),
    }))
}

// ---- Form parts -------------------------------------------------------------------------------

fn hidden(page: &Page, user: &PageUser) -> Markup {
    html! {
        input type="hidden" name="csrf" value=(user.csrf);
        input type="hidden" name="lang" value=(page.lang.code());
    }
}

fn text_field(text: &str, name: &str, values: &Fields) -> Markup {
    html! { label { (text) input type="text" name=(name) value=(values.one(name)); } }
}

fn area(text: &str, name: &str, values: &Fields) -> Markup {
    html! { label { (text) textarea name=(name) rows="3" { (values.one(name)) } } }
}

fn date_field(text: &str, name: &str, values: &Fields, w: &Words) -> Markup {
    html! { label { (text) " (" (w.date_hint) ")"
    input type="text" name=(name) value=(values.one(name)) pattern="[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?" inputmode="numeric"; } }
}

/// A select of fixed choices, the blank one first when `blank` is given.
fn choice(text: &str, name: &str, values: &Fields, blank: Option<&str>, options: &[(&str, &str)]) -> Markup {
    html! { label { (text) select name=(name) {
        @if let Some(b) = blank { option value="" { (b) } }
        @for (value, shown) in options { option value=(value) selected[values.one(name) == *value] { (shown) } }
    } } }
}

fn taxonomy_choice(
    state: &AppState,
    lang: Lang,
    text: &str,
    name: &str,
    values: &Fields,
    taxonomy: &str,
    blank: Option<&str>,
) -> Markup {
    let catalog = state.catalog();
    let terms: Vec<(String, String)> = catalog
        .taxonomy(taxonomy)
        .map(|t| t.terms.iter().map(|term| (term.id.clone(), term.label.get(lang).to_owned())).collect())
        .unwrap_or_default();
    let options: Vec<(&str, &str)> = terms.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    choice(text, name, values, blank, &options)
}

fn tlp_choice(w: &Words, values: &Fields, default: Tlp) -> Markup {
    let current = values.opt("tlp").unwrap_or_else(|| default.name().to_owned());
    html! { label { (w.tlp) select name="tlp" {
        @for t in Tlp::ALL { option value=(t.name()) selected[current == t.name()] { "TLP:" (t.name().to_uppercase()) } }
    } } }
}

fn community_choice(w: &Words, caller: &Caller, values: &Fields) -> Markup {
    html! { @if !caller.communities.is_empty() {
        label { (w.community) select name="community" {
            option value="" { (w.no_community) }
            @for c in &caller.communities { option value=(c) selected[values.one("community") == c] { (c) } }
        } }
    } }
}

fn save_buttons(w: &Words) -> Markup {
    html! { div.buttons {
        button type="submit" name="intent" value="draft" { (w.save_draft) }
        " "
        button type="submit" name="intent" value="in-review" { (w.save_for_review) }
    } }
}

fn refusal_note(w: &Words, refusal: Option<&Refusal>, form: &str) -> Markup {
    html! { @if let Some(r) = refusal.filter(|r| r.form == form) {
        p.error.refusal role="alert" { b { (w.could_not_save) ": " } (r.message) }
    } }
}

fn speaker_kinds(w: &Words) -> [(&'static str, &'static str); 10] {
    let label = |k: SpeakerKind| match k {
        SpeakerKind::Government => w.speaker_government,
        SpeakerKind::Intergovernmental => w.speaker_intergovernmental,
        SpeakerKind::SecurityCompany => w.speaker_security_company,
        SpeakerKind::PrivateSector => w.speaker_private_sector,
        SpeakerKind::Media => w.speaker_media,
        SpeakerKind::Academia => w.speaker_academia,
        SpeakerKind::CivilSociety => w.speaker_civil_society,
        SpeakerKind::Victim => w.speaker_victim,
        SpeakerKind::SelfClaimed => w.speaker_self_claimed,
        SpeakerKind::Other => w.speaker_other,
    };
    SpeakerKind::ALL.map(|k| (k.name(), label(k)))
}

fn effects(w: &Words) -> [(&'static str, &'static str); 4] {
    [("none", w.effect_none), ("low", w.effect_low), ("moderate", w.effect_moderate), ("high", w.effect_high)]
}

/// Stakeholders a speaker (attributor, responder) may be linked to.
async fn stakeholder_options(state: &AppState, lang: Lang) -> Result<Vec<(String, String)>, WebError> {
    let all = state.store.stakeholders(&StakeholderFilter::default()).await.map_err(failure(lang))?;
    Ok(all.into_iter().map(|s| (s.id.clone(), format!("{} ({})", s.name.get(lang), s.id))).collect())
}

/// The registered stakeholder a speaker is: a choice for editors, fixed to its own for a
/// contributor (who may write for no other).
fn speaker_choice(text: &str, name: &str, values: &Fields, own_only: bool, options: &[(String, String)]) -> Markup {
    let options: Vec<(&str, &str)> = options.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    choice(text, name, values, (!own_only).then_some("—"), &options)
}

// ---- Filing an incident -----------------------------------------------------------------------

/// Where the incident form posts, and the version a revision is based on.
struct FormTarget {
    action: String,
    version: Option<i64>,
}

fn incident_form(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    values: &Fields,
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
                        label.check { input type="checkbox" name="operation" value=(term.id) checked[values.has("operation", &term.id)]; " " (term.label.get(l)) }
                    }
                }
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
                    label { (w.sector) select name=(format!("target_sector_{i}")) {
                        option value="" { "—" }
                        @if let Some(t) = sectors { @for term in &t.terms {
                            option value=(term.id) selected[values.one(&format!("target_sector_{i}")) == term.id] { (term.label.get(l)) }
                        } }
                    } }
                    label { (w.asset_classes) select name=(format!("target_assets_{i}")) multiple size="6" {
                        @for tax in ASSET_TAXONOMIES { @if let Some(t) = catalog.taxonomy(tax) {
                            optgroup label=(t.title.get(l)) { @for term in &t.terms {
                                option value=(term.id) selected[values.has(&format!("target_assets_{i}"), &term.id)] { (term.label.get(l)) }
                            } }
                        } }
                    } }
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
                label { (w.victims_affected) input type="number" min="0" name="victims_affected" value=(values.one("victims_affected")); }
                label.check { input type="checkbox" name="physical_effects" value="yes" checked[values.has("physical_effects", "yes")]; " " (w.physical_effects) }
                label { (w.economic_loss) input type="number" min="0" name="loss_amount" value=(values.one("loss_amount")); }
                (text_field(w.currency, "loss_currency", values))
                (area(w.harm_ja, "harm_ja", values))
                (area(w.harm_en, "harm_en", values))
            }
            fieldset {
                legend { (w.sources) }
                label { (w.sources_hint) textarea name="sources" rows="3" { (values.one("sources")) } }
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

fn new_incident_page(state: &AppState, caller: &Caller, page: &Page, refusal: Option<Refusal>) -> Response {
    let w = words(page.lang);
    let values = Refusal::values(refusal.as_ref(), "incident");
    let body = html! {
        h1 { (w.file_incident) }
        p { (w.file_intro) }
        (incident_form(state, caller, page, &values, refusal.as_ref(), &FormTarget { action: "/incidents/new".into(), version: None }))
    };
    no_store(refusal.map_or(StatusCode::OK, |r| r.status), layout(page, w.file_incident, body))
}

/// `GET /incidents/new`: the filing form.
pub async fn new_incident(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    params: Params,
) -> Result<Response, WebError> {
    let page = page(&params, &headers, &caller, "/incidents/new")?;
    params.only(&[]).map_err(failure(page.lang))?;
    Ok(new_incident_page(&state, &caller, &page, None))
}

/// `POST /incidents/new`: files the incident as a draft or for review.
pub async fn file_incident(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let (lang, fields) = posted(&headers, &caller, form)?;
    let page = Page { lang, path: "/incidents/new".into(), user: PageUser::of(&caller) };
    let stakeholder = caller.account.as_ref().and_then(|a| a.stakeholder.clone());
    let input = match incident_from(&fields, stakeholder.as_deref()) {
        Ok(i) => i,
        Err(m) => return Ok(new_incident_page(&state, &caller, &page, Some(Refusal::invalid("incident", &fields, m)))),
    };
    match file_record(&state, &caller, &input).await {
        Ok(record) => Ok(see_other(&format!("/incidents/{}?lang={lang}", encode(&record.id)))),
        Err(e) => Ok(new_incident_page(&state, &caller, &page, Some(Refusal::of("incident", &fields, e)))),
    }
}

// ---- Revising a draft incident -----------------------------------------------------------------

fn text_of<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// The form's fields for an incident: what the filing form would have sent for it.
fn fields_of(i: &IncidentInput) -> Fields {
    let mut f: Vec<(String, String)> = Vec::new();
    let mut put = |k: &str, v: String| f.push((k.to_owned(), v));
    put("title_ja", i.title.ja.clone());
    put("title_en", i.title.en.clone());
    put("description_ja", i.description.ja.clone());
    put("description_en", i.description.en.clone());
    for (k, d) in [("started", &i.started), ("ended", &i.ended), ("discovered", &i.discovered)] {
        put(k, d.as_ref().map(|d| d.as_str().to_owned()).unwrap_or_default());
    }
    for o in &i.operation_types {
        put("operation", o.clone());
    }
    if let Some(a) = i.actors.first() {
        put("actor_kind", text_of(&a.kind));
        put("actor_name", a.name.clone().unwrap_or_default());
        put("actor_country", a.country.clone().unwrap_or_default());
    }
    for (n, t) in i.targets.iter().enumerate() {
        let n = n + 1;
        put(&format!("target_name_{n}"), t.name.clone());
        put(&format!("target_country_{n}"), t.country.clone().unwrap_or_default());
        put(&format!("target_sector_{n}"), t.sector.clone().unwrap_or_default());
        for a in &t.asset_classes {
            put(&format!("target_assets_{n}"), a.clone());
        }
    }
    let m = &i.impact;
    for (k, e) in [("confidentiality", m.confidentiality), ("integrity", m.integrity), ("availability", m.availability)]
    {
        put(k, e.map(|e| text_of(&e)).unwrap_or_default());
    }
    put("functional_duration", m.functional_duration.map(|d| text_of(&d)).unwrap_or_default());
    put("countries_affected", m.countries_affected.join(", "));
    put("victims_affected", m.victims_affected.map(|v| v.to_string()).unwrap_or_default());
    if m.physical_effects == Some(true) {
        put("physical_effects", "yes".into());
    }
    if let Some(loss) = &m.economic_loss {
        put("loss_amount", loss.amount.to_string());
        put("loss_currency", loss.currency.clone());
    }
    if let Some(h) = &m.harm_to_people {
        put("harm_ja", h.ja.clone());
        put("harm_en", h.en.clone());
    }
    put("sources", i.sources.iter().map(|s| s.url.as_str()).collect::<Vec<_>>().join("\n"));
    put("tlp", i.tlp.name().to_owned());
    put("community", i.community.clone().unwrap_or_default());
    Fields(f)
}

/// Whether the form carries everything the incident says: one that holds more (several actors,
/// target kinds, source titles, rights affected, an import's origin) is revised through the
/// API, so that saving the form never drops a fact.
fn form_holds(i: &IncidentInput, caller: &Caller) -> bool {
    // The form offers critical-infrastructure sectors, a yes-or-unknown for physical effects and
    // the communities of the one editing.
    let sector_offered = |s: &str| s.starts_with("ci.");
    i.actors.len() <= 1
        && i.targets.len() <= MAX_TARGET_ROWS
        && i.targets.iter().all(|t| t.kind.is_none() && t.sector.as_deref().is_none_or(sector_offered))
        && i.impact.physical_effects != Some(false)
        && i.community.as_ref().is_none_or(|c| caller.communities.contains(c))
        && i.sources.iter().all(|s| s.title.is_none())
        && i.impact.rights_affected.is_empty()
        && i.origin.is_none()
}

fn edit_page(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    record: &LedgerRecord<IncidentInput>,
    refusal: Option<Refusal>,
    version: i64,
) -> Response {
    let w = words(page.lang);
    let back = page.link(&format!("/incidents/{}", encode(&record.id)));
    let body = html! {
        h1 { (w.edit_draft) }
        p { a href=(back) { (w.back_to_incident) } }
        @if record.body.status != RecordStatus::Draft {
            p.error #not-a-draft { (w.only_drafts) }
        } @else if !form_holds(&record.body, caller) {
            p.error #edit-through-api { (w.edit_through_api) " " code { "PUT /api/v1/incidents/" (record.id) } }
        } @else {
            @let values = refusal.as_ref().filter(|r| r.form == "incident").map_or_else(|| fields_of(&record.body), |r| r.fields.clone());
            (incident_form(state, caller, page, &values, refusal.as_ref(), &FormTarget {
                action: format!("/incidents/{}/edit", encode(&record.id)),
                version: Some(version),
            }))
        }
    };
    no_store(refusal.map_or(StatusCode::OK, |r| r.status), layout(page, w.edit_draft, body))
}

pub(super) async fn incident_record(
    state: &AppState,
    caller: &Caller,
    id: &str,
    lang: Lang,
) -> Result<LedgerRecord<IncidentInput>, WebError> {
    state
        .store
        .ledger_record::<IncidentInput>(&caller.viewer(), id)
        .await
        .map_err(failure(lang))?
        .ok_or_else(|| WebError { status: StatusCode::NOT_FOUND, lang, message: format!("no incident `{id}`") })
}

/// `GET /incidents/{id}/edit`: a draft in the filing form, as it stands.
pub async fn edit_incident(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    caller: Caller,
    params: Params,
) -> Result<Response, WebError> {
    let page = page(&params, &headers, &caller, &format!("/incidents/{}/edit", encode(&id)))?;
    params.only(&[]).map_err(failure(page.lang))?;
    if page.user.is_none() {
        return Err(sign_in_first(page.lang));
    }
    let record = incident_record(&state, &caller, &id, page.lang).await?;
    Ok(edit_page(&state, &caller, &page, &record, None, record.version))
}

/// `POST /incidents/{id}/edit`: saves the draft (refused if it changed since it was read), and
/// sends it to review when asked.
pub async fn revise_incident(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    caller: Caller,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let (lang, fields) = posted(&headers, &caller, form)?;
    let page = Page { lang, path: format!("/incidents/{}/edit", encode(&id)), user: PageUser::of(&caller) };
    let record = incident_record(&state, &caller, &id, lang).await?;
    let Ok(version) = fields.one("version").parse::<i64>() else {
        let message = "version: the form lost the version it was based on; open the draft again".to_owned();
        let r = Refusal::invalid("incident", &fields, message);
        return Ok(edit_page(&state, &caller, &page, &record, Some(r), record.version));
    };
    // A refused form keeps the version it was based on: saving again must not overwrite an edit
    // made meanwhile (the writer reopens the draft to see it).
    let refuse = |r: Refusal| Ok(edit_page(&state, &caller, &page, &record, Some(r), version));
    // The record stays its stakeholder's, whoever edits it.
    let input = match incident_from(&fields, record.body.stakeholder.as_deref()) {
        Ok(i) => i,
        Err(m) => return refuse(Refusal::invalid("incident", &fields, m)),
    };
    if let Err(e) = revise_draft(&state, &caller, &id, version, &input).await {
        return refuse(Refusal::of("incident", &fields, e));
    }
    // Saved: a failure to send it on is shown on the incident's page, where the draft now is.
    if intent(&fields) == "in-review"
        && let Err(e) = submit_record::<IncidentInput>(&state, &caller, &id).await
    {
        return incident_again(&state, &caller, lang, &id, Refusal::of("action", &fields, e)).await;
    }
    Ok(see_other(&format!("/incidents/{}?lang={lang}#work", encode(&id))))
}

// ---- The incident page's workbench ------------------------------------------------------------

/// What the incident page knows that the workbench needs.
pub struct IncidentWork<'a> {
    pub incident: &'a LedgerRecord<IncidentInput>,
    pub assessments: &'a [LedgerRecord<AssessmentInput>],
    pub claims: &'a [LedgerRecord<AttributionInput>],
    pub responses: &'a [LedgerRecord<ResponseInput>],
    pub statements: &'a [LedgerRecord<StatementInput>],
}

pub(super) fn status_word(w: &Words, status: RecordStatus) -> &'static str {
    match status {
        RecordStatus::Draft => w.status_draft,
        RecordStatus::InReview => w.status_in_review,
        RecordStatus::Published => w.status_published,
    }
}

/// One unpublished record's row: its status, approvals and the actions that apply.
fn awaiting_row<T>(
    page: &Page,
    user: &PageUser,
    (may_write, may_review): (bool, bool),
    (kind, kind_word): (&str, &str),
    what: &str,
    record: &LedgerRecord<T>,
    incident: &str,
) -> Markup
where
    T: normwatch_store::LedgerKind,
{
    let w = words(page.lang);
    let status = record.body.status();
    // Approvals of this version: a change after review needs reviewing again.
    let approvals =
        record.reviews.iter().filter(|r| r.verdict == Verdict::Approve && r.record_version == record.version).count();
    let action = |a: &str| format!("/records/{kind}/{}/{a}", encode(&record.id));
    html! {
        tr.awaiting data-kind=(kind) data-id=(record.id) {
            td { (kind_word) br; span.id { (record.id) } }
            td { (what)
                @if let Some(c) = record.reviews.iter().rev().find(|r| r.verdict == Verdict::RequestChanges).and_then(|r| r.comment.as_deref()) {
                    @if status == RecordStatus::Draft { p.changes-requested { b { (w.changes_requested) ": " } (c) } }
                }
            }
            td { span.tag.status { (status_word(w, status)) } }
            td.approvals { (approvals) }
            td.actions {
                @if may_write && status == RecordStatus::Draft && kind == "incidents" {
                    a.edit-draft href=(page.link(&format!("/incidents/{}/edit", encode(&record.id)))) { (w.edit_draft) } " "
                }
                @if may_write && status == RecordStatus::Draft {
                    form.inline method="post" action=(action("submit")) {
                        (hidden(page, user)) input type="hidden" name="incident" value=(incident);
                        button type="submit" { (w.submit_for_review) }
                    }
                }
                @if status == RecordStatus::InReview {
                    @if may_review {
                        form.review method="post" action=(action("review")) {
                            (hidden(page, user)) input type="hidden" name="incident" value=(incident);
                            label { (w.review_comment) textarea name="comment" rows="2" {} }
                            button type="submit" name="verdict" value="approve" { (w.approve) }
                            " "
                            button type="submit" name="verdict" value="request-changes" { (w.request_changes) }
                        }
                    }
                    @if may_write || may_review {
                        form.inline method="post" action=(action("publish")) {
                            (hidden(page, user)) input type="hidden" name="incident" value=(incident);
                            button type="submit" { (w.publish) }
                        }
                    }
                }
            }
        }
    }
}

/// The signed-in part of an incident page: what awaits review or publication, and the forms
/// that add to the record.
pub async fn workbench(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    work: &IncidentWork<'_>,
    refusal: Option<&Refusal>,
) -> Result<Markup, WebError> {
    let Some(user) = &page.user else { return Ok(html! {}) };
    let (l, w) = (page.lang, words(page.lang));
    let catalog = state.catalog();
    let may_review = caller.account.as_ref().is_some_and(|a| a.role.has(Right::ReviewRecords));
    let rights = (may_file(caller), may_review);
    // A contributor writes for its own stakeholder only: the speaker is fixed to it, and
    // collective statements (which belong to no one stakeholder) are left to editors.
    let own_only = caller.account.as_ref().is_some_and(|a| !a.role.has(Right::WriteIncidents));
    let own = caller.account.as_ref().and_then(|a| a.stakeholder.clone()).unwrap_or_default();
    let speakers = stakeholder_options(state, l).await?;
    let speakers: Vec<(String, String)> =
        if own_only { speakers.into_iter().filter(|(id, _)| *id == own).collect() } else { speakers };
    let id = work.incident.id.as_str();
    let either = |t: &normwatch_core::Localized| incidents::either(t, l).to_owned();
    let claimed = super::incidents::standing_claims(work.claims);
    let hits = screen(&work.incident.body, &claimed, &catalog);
    let suggested: Vec<String> = hits.iter().map(|h| h.norm.clone()).collect();
    let unpublished = |s: RecordStatus| s != RecordStatus::Published;
    let (evidence_v, assessment_v, attribution_v, response_v, statement_v) = (
        Refusal::values(refusal, "evidence"),
        Refusal::values(refusal, "assessment"),
        Refusal::values(refusal, "attribution"),
        Refusal::values(refusal, "response"),
        Refusal::values(refusal, "statement"),
    );
    let open = |form: &str| refusal.is_some_and(|r| r.form == form);
    let norm_select = |name: &str, values: &Fields, multiple: bool| {
        html! {
            select name=(name) multiple[multiple] size=[multiple.then_some("6")] {
                @if !suggested.is_empty() { optgroup label=(w.suggested) {
                    @for h in &hits { option value=(h.norm) selected[values.has(name, &h.norm)] {
                        (label(&catalog, &h.norm, l)) " (" (h.confidence.label().get(l)) ")" } }
                } }
                optgroup label=(w.other_norms) {
                    @for n in catalog.norms.iter().filter(|n| !suggested.contains(&n.id)) {
                        option value=(n.id) selected[values.has(name, &n.id)] { (n.id) " " (n.title.get(l)) }
                    }
                }
            }
        }
    };
    Ok(html! {
        section #work {
            h2 { (w.work_on_record) }
            p { (w.work_intro) }
            (refusal_note(w, refusal, "action"))
            h3 { (w.awaiting) }
            @let any = unpublished(work.incident.body.status)
                || work.assessments.iter().any(|a| unpublished(a.body.status))
                || work.claims.iter().any(|c| unpublished(c.body.status))
                || work.responses.iter().any(|r| unpublished(r.body.status))
                || work.statements.iter().any(|s| unpublished(s.body.status));
            @if any {
                table #awaiting {
                    thead { tr { th { (w.record) } th { (w.what) } th { (w.status) } th { (w.approvals) } th { (w.actions) } } }
                    tbody {
                        @if unpublished(work.incident.body.status) {
                            (awaiting_row(page, user, rights, ("incidents", w.kind_incident), &either(&work.incident.body.title), work.incident, id))
                        }
                        @for a in work.assessments.iter().filter(|a| unpublished(a.body.status)) {
                            (awaiting_row(page, user, rights, ("assessments", w.kind_assessment), &format!("{} · {}", a.body.norm, label(&catalog, &a.body.level, l)), a, id))
                        }
                        @for c in work.claims.iter().filter(|c| unpublished(c.body.status)) {
                            (awaiting_row(page, user, rights, ("attributions", w.kind_attribution),
                                &format!("{} → {}", c.body.attributor.name, [c.body.attributed_to.state.clone(), c.body.attributed_to.group.clone()].into_iter().flatten().collect::<Vec<_>>().join(" / ")), c, id))
                        }
                        @for r in work.responses.iter().filter(|r| unpublished(r.body.status)) {
                            (awaiting_row(page, user, rights, ("responses", w.kind_response), &format!("{} · {}", r.body.responder.name, label(&catalog, &r.body.kind, l)), r, id))
                        }
                        @for s in work.statements.iter().filter(|s| unpublished(s.body.status)) {
                            (awaiting_row(page, user, rights, ("statements", w.kind_statement), &either(&s.body.text), s, id))
                        }
                    }
                }
            } @else {
                p { (w.nothing_awaiting) }
            }

            @if rights.0 {
            details #upload-evidence open[open("evidence")] {
                summary { (w.upload_evidence) }
                (refusal_note(w, refusal, "evidence"))
                form.record method="post" enctype="multipart/form-data" action=(format!("/incidents/{}/evidence", encode(id))) {
                    // The CSRF token comes before the file: it is checked before a byte is stored.
                    (hidden(page, user))
                    (tlp_choice(w, &evidence_v, Tlp::Amber))
                    (text_field(w.evidence_source, "source", &evidence_v))
                    (text_field(w.evidence_method, "method", &evidence_v))
                    (text_field(w.evidence_tool, "tool", &evidence_v))
                    (area(w.evidence_handling, "handling", &evidence_v))
                    label { (w.file) input type="file" name="file" required; }
                    button type="submit" { (w.upload) }
                }
            }

            details #add-assessment open[open("assessment")] {
                summary { (w.add_assessment) }
                (refusal_note(w, refusal, "assessment"))
                form.record method="post" action=(format!("/incidents/{}/assessments", encode(id))) {
                    (hidden(page, user))
                    label { (w.norm) (norm_select("norm", &assessment_v, false)) }
                    (choice(w.actor_kind, "actor_kind", &assessment_v, None, &[("state", w.state_actor), ("non-state", w.non_state_actor)]))
                    (text_field(w.alleged_state, "actor_state", &assessment_v))
                    (text_field(w.alleged_group, "actor_group", &assessment_v))
                    (choice(w.responsibility, "responsibility", &assessment_v, Some("—"), &[("proxy", w.responsibility_proxy), ("territory", w.responsibility_territory)]))
                    (taxonomy_choice(state, l, w.level, "level", &assessment_v, ASSESSMENT_LEVELS, None))
                    (area(w.rationale_ja, "rationale_ja", &assessment_v))
                    (area(w.rationale_en, "rationale_en", &assessment_v))
                    (tlp_choice(w, &assessment_v, work.incident.body.tlp))
                    (save_buttons(w))
                }
            }

            details #add-attribution open[open("attribution")] {
                summary { (w.add_attribution) }
                (refusal_note(w, refusal, "attribution"))
                form.record method="post" action=(format!("/incidents/{}/attributions", encode(id))) {
                    (hidden(page, user))
                    fieldset {
                        legend { (w.attributor) }
                        (text_field(w.attributor, "attributor_name", &attribution_v))
                        (choice(w.attributor_kind, "attributor_kind", &attribution_v, None, &speaker_kinds(w)))
                        (text_field(w.country_code, "attributor_country", &attribution_v))
                        (speaker_choice(w.registered_as, "attributor_stakeholder", &attribution_v, own_only, &speakers))
                    }
                    fieldset {
                        legend { (w.attributed_to) }
                        (choice(w.category, "category", &attribution_v, Some("—"), &[("state", w.cat_state), ("state-affiliated", w.cat_state_affiliated), ("non-state-group", w.cat_non_state_group), ("individual", w.cat_individual), ("unknown", w.not_known)]))
                        (text_field(w.alleged_state, "attributed_state", &attribution_v))
                        (text_field(w.alleged_group, "attributed_group", &attribution_v))
                        (choice(w.relation, "relation", &attribution_v, Some("—"), &[("organ", w.rel_organ), ("proxy", w.rel_proxy), ("tolerated", w.rel_tolerated), ("unknown", w.not_known)]))
                    }
                    (choice(w.attribution_kind, "attribution_kind", &attribution_v, Some("—"), &[("technical", w.type_technical), ("political", w.type_political), ("legal", w.type_legal)]))
                    (taxonomy_choice(state, l, w.confidence, "confidence", &attribution_v, CONFIDENCE, Some("—")))
                    (date_field(w.attributed_on, "attributed_on", &attribution_v, w))
                    label { (w.statement_url) input type="url" name="statement_url" value=(attribution_v.one("statement_url")); }
                    (area(w.basis_ja, "basis_ja", &attribution_v))
                    (area(w.basis_en, "basis_en", &attribution_v))
                    (tlp_choice(w, &attribution_v, work.incident.body.tlp))
                    (save_buttons(w))
                }
            }

            details #add-response open[open("response")] {
                summary { (w.add_response) }
                (refusal_note(w, refusal, "response"))
                form.record method="post" action=(format!("/incidents/{}/responses", encode(id))) {
                    (hidden(page, user))
                    (text_field(w.responder, "responder_name", &response_v))
                    (choice(w.responder_kind, "responder_kind", &response_v, None, &speaker_kinds(w)))
                    (text_field(w.country_code, "responder_country", &response_v))
                    (speaker_choice(w.registered_as, "responder_stakeholder", &response_v, own_only, &speakers))
                    (taxonomy_choice(state, l, w.response_kind, "kind", &response_v, RESPONSE_TYPES, None))
                    (choice(w.legal_character, "legal_character", &response_v, None, &[("retorsion", w.legal_retorsion), ("countermeasure", w.legal_countermeasure), ("other", w.legal_other)]))
                    (date_field(w.responded_on, "responded_on", &response_v, w))
                    (area(w.response_ja, "description_ja", &response_v))
                    (area(w.response_en, "description_en", &response_v))
                    label { (w.norms_invoked) (norm_select("norms", &response_v, true)) }
                    label { (w.source_url) input type="url" name="source_url" value=(response_v.one("source_url")); }
                    (tlp_choice(w, &response_v, work.incident.body.tlp))
                    (save_buttons(w))
                }
            }

            @if !work.claims.is_empty() && !own_only {
                details #issue-statement open[open("statement")] {
                    summary { (w.issue_statement) }
                    p { (w.statement_intro) }
                    (refusal_note(w, refusal, "statement"))
                    form.record method="post" action=(format!("/incidents/{}/statements", encode(id))) {
                        (hidden(page, user))
                        fieldset.choices {
                            legend { (w.claims_cited) }
                            @for c in work.claims {
                                label.check { input type="checkbox" name="claims" value=(c.id) checked[statement_v.has("claims", &c.id)];
                                    " " (c.body.attributor.name) " → " (c.body.attributed_to.state.clone().unwrap_or_default()) " " (c.body.attributed_to.group.clone().unwrap_or_default())
                                    " (" (status_word(w, c.body.status)) ")" }
                            }
                        }
                        (area(w.statement_ja, "text_ja", &statement_v))
                        (area(w.statement_en, "text_en", &statement_v))
                        (date_field(w.issued_on, "issued_on", &statement_v, w))
                        (tlp_choice(w, &statement_v, work.incident.body.tlp))
                        (save_buttons(w))
                    }
                }
            }
            }
        }
    })
}

// ---- Findings ---------------------------------------------------------------------------------

/// The incident a finding is about, as the form needs it: its id and its community (a finding
/// stays in its incident's community).
struct About<'a> {
    id: &'a str,
    community: Option<&'a str>,
}

fn assessment_from(about: &About, fields: &Fields, stakeholder: Option<&str>) -> Result<AssessmentInput, String> {
    typed(json!({
        "incident": about.id,
        "norm": fields.one("norm"),
        "actor": {
            "kind": fields.one("actor_kind"),
            "state": fields.opt("actor_state").map(upper),
            "group": fields.opt("actor_group"),
            "responsibility": fields.opt("responsibility"),
        },
        "level": fields.one("level"),
        "rationale": localized(fields, "rationale"),
        "tlp": fields.opt("tlp").unwrap_or_else(|| "clear".into()),
        "status": intent(fields),
        "community": about.community,
        "stakeholder": stakeholder,
    }))
}

fn attribution_from(about: &About, fields: &Fields) -> Result<AttributionInput, String> {
    typed(json!({
        "incident": about.id,
        "attributor": {
            "stakeholder": fields.opt("attributor_stakeholder"),
            "name": fields.one("attributor_name"),
            "kind": fields.one("attributor_kind"),
            "country": fields.opt("attributor_country").map(upper),
        },
        "attributed_to": {
            "category": fields.opt("category"),
            "state": fields.opt("attributed_state").map(upper),
            "group": fields.opt("attributed_group"),
            "relation": fields.opt("relation"),
        },
        "type": fields.opt("attribution_kind"),
        "basis": localized(fields, "basis"),
        "confidence": fields.opt("confidence"),
        "attributed_on": fields.opt("attributed_on"),
        "statement_url": fields.opt("statement_url"),
        "tlp": fields.opt("tlp").unwrap_or_else(|| "clear".into()),
        "status": intent(fields),
        "community": about.community,
    }))
}

fn response_from(about: &About, fields: &Fields) -> Result<ResponseInput, String> {
    typed(json!({
        "incident": about.id,
        "responder": {
            "stakeholder": fields.opt("responder_stakeholder"),
            "name": fields.one("responder_name"),
            "kind": fields.one("responder_kind"),
            "country": fields.opt("responder_country").map(upper),
        },
        "type": fields.one("kind"),
        "legal_character": fields.one("legal_character"),
        "responded_on": fields.one("responded_on"),
        "description": localized(fields, "description"),
        "norms": fields.all("norms"),
        "source_url": fields.opt("source_url"),
        "tlp": fields.opt("tlp").unwrap_or_else(|| "clear".into()),
        "status": intent(fields),
        "community": about.community,
    }))
}

fn statement_from(about: &About, fields: &Fields) -> Result<StatementInput, String> {
    typed(json!({
        "text": localized(fields, "text"),
        "claims": fields.all("claims"),
        "issued_on": fields.one("issued_on"),
        "tlp": fields.opt("tlp").unwrap_or_else(|| "clear".into()),
        "status": intent(fields),
        "community": about.community,
    }))
}

/// The incident page again, with a refused form's values and reason.
async fn incident_again(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    incident: &str,
    refusal: Refusal,
) -> Result<Response, WebError> {
    let page = Page { lang, path: format!("/incidents/{}", encode(incident)), user: PageUser::of(caller) };
    incidents::incident_page(state, caller, &page, incident, Some(refusal)).await
}

async fn file_finding<T: LedgerResource>(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    incident: &str,
    form: &'static str,
    fields: &Fields,
    input: Result<T, String>,
) -> Result<Response, WebError> {
    let input = match input {
        Ok(i) => i,
        Err(m) => return incident_again(state, caller, lang, incident, Refusal::invalid(form, fields, m)).await,
    };
    match file_record(state, caller, &input).await {
        Ok(record) if form == "statement" => Ok(see_other(&format!("/statements/{}?lang={lang}", encode(&record.id)))),
        Ok(_) => Ok(see_other(&format!("/incidents/{}?lang={lang}#work", encode(incident)))),
        Err(e) => incident_again(state, caller, lang, incident, Refusal::of(form, fields, e)).await,
    }
}

/// `POST /incidents/{id}/{assessments|attributions|responses|statements}`.
pub async fn add_finding(
    State(state): State<AppState>,
    Path((incident, kind)): Path<(String, String)>,
    headers: HeaderMap,
    caller: Caller,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let (lang, fields) = posted(&headers, &caller, form)?;
    let stakeholder = caller.account.as_ref().and_then(|a| a.stakeholder.clone());
    let record = incident_record(&state, &caller, &incident, lang).await?;
    let about = About { id: &incident, community: record.body.community.as_deref() };
    let (s, c, l, f, i) = (&state, &caller, lang, &fields, incident.as_str());
    match kind.as_str() {
        "assessments" => {
            file_finding(s, c, l, i, "assessment", f, assessment_from(&about, f, stakeholder.as_deref())).await
        }
        "attributions" => file_finding(s, c, l, i, "attribution", f, attribution_from(&about, f)).await,
        "responses" => file_finding(s, c, l, i, "response", f, response_from(&about, f)).await,
        "statements" => file_finding(s, c, l, i, "statement", f, statement_from(&about, f)).await,
        other => Err(WebError { status: StatusCode::NOT_FOUND, lang, message: format!("no form `{other}`") }),
    }
}

/// `POST /incidents/{id}/evidence` (multipart): the file streams into the blob store.
pub async fn upload_evidence(
    State(state): State<AppState>,
    Path(incident): Path<String>,
    headers: HeaderMap,
    caller: Caller,
    mut multipart: Multipart,
) -> Result<Response, WebError> {
    let mut lang = header_language(&headers).unwrap_or(Lang::En);
    let bad = |lang: Lang, message: String| WebError { status: StatusCode::BAD_REQUEST, lang, message };
    if caller.account.is_none() {
        return Err(sign_in_first(lang));
    }
    let mut fields = Fields::default();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) => return Err(bad(lang, e.body_text())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        // The token comes first, and is checked before anything else is read or kept.
        if fields.0.is_empty() && name != "csrf" {
            return Err(bad(lang, "the form's first field must be its csrf token; reload the page".into()));
        }
        if name != "file" {
            if fields.0.len() >= MAX_UPLOAD_FIELDS {
                return Err(bad(lang, format!("more than {MAX_UPLOAD_FIELDS} fields; the form has fewer")));
            }
            let mut value = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|e| bad(lang, e.body_text()))? {
                value.extend_from_slice(&chunk);
                if value.len() > MAX_UPLOAD_TEXT {
                    return Err(bad(lang, format!("{name}: longer than {MAX_UPLOAD_TEXT} bytes")));
                }
            }
            let value = String::from_utf8(value).map_err(|_| bad(lang, format!("{name}: not UTF-8 text")))?;
            if name == "csrf" {
                check_csrf(&caller, &value, lang)?;
            }
            if name == "lang" {
                lang = value.parse().unwrap_or(lang);
            }
            fields.0.push((name, value));
            continue;
        }
        // The token must come before the file: nothing is stored for a forged form.
        check_csrf(&caller, fields.one("csrf"), lang)?;
        let tlp = match fields.opt("tlp").map(|t| t.parse::<Tlp>()).transpose() {
            Ok(t) => t.unwrap_or(Tlp::Amber),
            Err(m) => {
                return incident_again(
                    &state,
                    &caller,
                    lang,
                    &incident,
                    Refusal::invalid("evidence", &fields, format!("tlp: {m}")),
                )
                .await;
            }
        };
        let upload = EvidenceUpload {
            incident: incident.clone(),
            filename: field.file_name().unwrap_or_default().to_owned(),
            media_type: field.content_type().unwrap_or("application/octet-stream").to_owned(),
            tlp,
            stakeholder: caller.account.as_ref().and_then(|a| a.stakeholder.clone()),
            protocol: CollectionProtocol {
                source: fields.opt("source"),
                method: fields.opt("method"),
                tool: fields.opt("tool"),
                tool_version: None,
                time_zone: None,
                handling: fields.opt("handling"),
            },
        };
        if let Err(e) = upload.validate() {
            return incident_again(
                &state,
                &caller,
                lang,
                &incident,
                Refusal::invalid("evidence", &fields, e.to_string()),
            )
            .await;
        }
        return match crate::api::evidence::store_evidence(&state, &caller, &upload, Box::pin(field)).await {
            Ok(_) => Ok(see_other(&format!("/incidents/{}?lang={lang}#timeline", encode(&incident)))),
            Err(e) => incident_again(&state, &caller, lang, &incident, Refusal::of("evidence", &fields, e)).await,
        };
    }
    check_csrf(&caller, fields.one("csrf"), lang)?;
    let refusal = Refusal::invalid("evidence", &fields, "file: choose the file to upload".into());
    incident_again(&state, &caller, lang, &incident, refusal).await
}

// ---- Review and publication -------------------------------------------------------------------

async fn act_on<T: LedgerResource>(
    state: &AppState,
    caller: &Caller,
    id: &str,
    action: &str,
    fields: &Fields,
) -> Result<(), ApiError> {
    match action {
        "submit" => submit_record::<T>(state, caller, id).await.map(drop),
        "publish" => publish_record::<T>(state, caller, id).await.map(drop),
        _ => {
            let verdict = match fields.one("verdict") {
                "approve" => Verdict::Approve,
                "request-changes" => Verdict::RequestChanges,
                other => {
                    return Err(ApiError::InvalidField(normwatch_core::FieldError::new(
                        "verdict",
                        format!("`{other}` is not approve or request-changes"),
                    )));
                }
            };
            let input = ReviewInput { verdict, comment: fields.opt("comment") };
            review_record::<T>(state, caller, id, &input).await.map(drop)
        }
    }
}

/// `POST /records/{kind}/{id}/{submit|review|publish}`: moves one record along.
pub async fn act(
    State(state): State<AppState>,
    Path((kind, id, action)): Path<(String, String, String)>,
    headers: HeaderMap,
    caller: Caller,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let (lang, fields) = posted(&headers, &caller, form)?;
    if !["submit", "review", "publish"].contains(&action.as_str()) {
        return Err(WebError { status: StatusCode::NOT_FOUND, lang, message: format!("no action `{action}`") });
    }
    let (s, c, f) = (&state, &caller, &fields);
    let done = match kind.as_str() {
        "incidents" => act_on::<IncidentInput>(s, c, &id, &action, f).await,
        "assessments" => act_on::<AssessmentInput>(s, c, &id, &action, f).await,
        "attributions" => act_on::<AttributionInput>(s, c, &id, &action, f).await,
        "responses" => act_on::<ResponseInput>(s, c, &id, &action, f).await,
        "statements" => act_on::<StatementInput>(s, c, &id, &action, f).await,
        other => {
            return Err(WebError { status: StatusCode::NOT_FOUND, lang, message: format!("no record kind `{other}`") });
        }
    };
    // Back to where the button was: the statement's page, or the incident's.
    let incident = fields.opt("incident");
    match (done, incident) {
        (Ok(()), Some(i)) => Ok(see_other(&format!("/incidents/{}?lang={lang}#work", encode(&i)))),
        (Ok(()), None) => Ok(see_other(&format!("/{kind}/{}?lang={lang}", encode(&id)))),
        (Err(e), Some(i)) => incident_again(&state, &caller, lang, &i, Refusal::of("action", &fields, e)).await,
        (Err(e), None) if kind == "statements" => {
            statement_again(&state, &caller, lang, &id, Refusal::of("action", &fields, e)).await
        }
        (Err(e), None) => Err(failure(lang)(e)),
    }
}

// ---- Collective statements and co-signing -----------------------------------------------------

async fn statement_again(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: &str,
    refusal: Refusal,
) -> Result<Response, WebError> {
    let page = Page { lang, path: format!("/statements/{}", encode(id)), user: PageUser::of(caller) };
    statement_page(state, caller, &page, id, Some(refusal)).await
}

async fn statement_page(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: &str,
    refusal: Option<Refusal>,
) -> Result<Response, WebError> {
    let (l, w) = (page.lang, words(page.lang));
    let viewer = caller.viewer();
    let record =
        state.store.ledger_record::<StatementInput>(&viewer, id).await.map_err(failure(l))?.ok_or_else(|| {
            WebError { status: StatusCode::NOT_FOUND, lang: l, message: format!("no statement `{id}`") }
        })?;
    let canonical = crate::api::statements::canonical(&record).map_err(failure(l))?;
    let signatures = state.store.statement_signatures(id).await.map_err(failure(l))?;
    let mut claims = vec![];
    for c in &record.body.claims {
        if let Some(claim) = state.store.ledger_record::<AttributionInput>(&viewer, c).await.map_err(failure(l))? {
            claims.push(claim);
        }
    }
    let values = Refusal::values(refusal.as_ref(), "signature");
    let may_review = caller.account.as_ref().is_some_and(|a| a.role.has(Right::ReviewRecords));
    let rights = (may_file(caller), may_review);
    let own = caller.account.as_ref().and_then(|a| a.stakeholder.clone());
    let text = incidents::either(&record.body.text, l).to_owned();
    let body = html! {
        h1 #statement-title { (w.statement) }
        p { span.tag.status { (status_word(w, record.body.status)) } span.tag { "TLP:" (record.body.tlp.name().to_uppercase()) }
            " " (w.issued_on) " " (super::dates::format_date(record.body.issued_on.as_str(), l)) }
        blockquote #statement-text { (text) }
        h2 { (w.claims_cited) }
        ul #claims { @for c in &claims {
            li { a href=(page.link(&format!("/incidents/{}", encode(&c.body.incident)))) { (c.body.attributor.name) " → "
                (c.body.attributed_to.state.clone().unwrap_or_default()) " " (c.body.attributed_to.group.clone().unwrap_or_default()) }
                " " span.id { (c.id) } }
        } }
        @if record.body.status != RecordStatus::Published {
            @if let Some(user) = &page.user {
                (refusal_note(w, refusal.as_ref(), "action"))
                table #awaiting { tbody {
                    (awaiting_row(page, user, rights, ("statements", w.kind_statement), &text, &record, ""))
                } }
            }
        }
        h2 #co-sign { (w.co_sign) }
        p { (w.co_sign_intro) }
        ol.steps {
            li { (w.co_sign_step_key) }
            li { (w.co_sign_step_bytes) }
            li { (w.co_sign_step_sign) }
            li { (w.co_sign_step_paste) }
        }
        h3 { (w.canonical_bytes) }
        pre #canonical { (canonical) }
        p { a #download-canonical href=(format!("/statements/{}/canonical.txt", encode(id))) download { (w.download_canonical) } }
        @match &page.user {
            // A stakeholder signs once: its own signature is listed below instead of the form.
            Some(_) if own.as_ref().is_some_and(|o| signatures.iter().any(|s| &s.stakeholder == o)) => {
                p #signed-already { (w.signed_already) }
            }
            Some(user) => {
                (refusal_note(w, refusal.as_ref(), "signature"))
                form.record #co-sign-form method="post" action=(format!("/statements/{}/signatures", encode(id))) {
                    (hidden(page, user))
                    label { (w.signer) input type="text" name="stakeholder" required value=(values.opt("stakeholder").or(own.clone()).unwrap_or_default()); }
                    label { (w.signature) textarea name="signature" rows="3" required { (values.one("signature")) } }
                    button type="submit" { (w.add_signature) }
                }
            }
            None => { p { a href=(page.link(&format!("/sign-in?next={}", encode(&page.link(&format!("/statements/{}", encode(id))))))) { (w.sign_in_to_co_sign) } } }
        }
        h2 { (w.co_signatures) }
        @if signatures.is_empty() { p #no-signatures { (w.no_signatures) } } @else {
            table #signatures {
                thead { tr { th { (w.signer) } th { (w.key) } th { (w.signed_at) } th { (w.valid) } } }
                tbody { @for s in &signatures {
                    @let valid = verify_signature(&s.public_key, canonical.as_bytes(), &s.signature).is_ok();
                    tr { td { a href=(page.link(&format!("/stakeholders/{}", encode(&s.stakeholder)))) { (s.stakeholder) } }
                         td.id { (s.key_id) } td.date { (super::dates::format_date(&s.signed_at, l)) }
                         td class=(if valid { "valid" } else { "invalid" }) { (if valid { w.valid } else { w.invalid }) } }
                } }
            }
        }
        p { a href=(format!("/api/v1/statements/{}/verify", encode(id))) { "JSON" } }
    };
    let status = refusal.map(|r| r.status);
    Ok(no_store(status.unwrap_or(StatusCode::OK), layout(page, w.statement, body)))
}

/// `GET /statements/{id}`.
pub async fn statement(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    caller: Caller,
    params: Params,
) -> Result<Response, WebError> {
    let page = page(&params, &headers, &caller, &format!("/statements/{}", encode(&id)))?;
    params.only(&[]).map_err(failure(page.lang))?;
    statement_page(&state, &caller, &page, &id, None).await
}

/// `GET /statements/{id}/canonical.txt`: exactly the bytes a co-signer signs.
pub async fn canonical_text(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    caller: Caller,
) -> Result<Response, WebError> {
    let lang = header_language(&headers).unwrap_or(Lang::En);
    let record = state.store.ledger_record::<StatementInput>(&caller.viewer(), &id).await.map_err(failure(lang))?;
    let record = record.ok_or_else(|| WebError {
        status: StatusCode::NOT_FOUND,
        lang,
        message: format!("no statement `{id}`"),
    })?;
    let text = crate::api::statements::canonical(&record).map_err(failure(lang))?;
    let mut r = text.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    let disposition = format!("attachment; filename=\"statement-{}.txt\"", encode(&id));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// `POST /statements/{id}/signatures`: a co-signature made offline with `normwatch sign`.
pub async fn co_sign(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    caller: Caller,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let (lang, fields) = posted(&headers, &caller, form)?;
    let input = crate::api::statements::SignatureInput {
        stakeholder: fields.one("stakeholder").to_owned(),
        signature: fields.one("signature").to_owned(),
    };
    match crate::api::statements::add_co_signature(&state, &caller, &id, &input).await {
        Ok(_) => Ok(see_other(&format!("/statements/{}?lang={lang}#signatures", encode(&id)))),
        Err(e) => statement_again(&state, &caller, lang, &id, Refusal::of("signature", &fields, e)).await,
    }
}

/// The filing forms' decoding, reachable without a server or a store: the fuzz targets in
/// `fuzz/` feed it whatever a posted body decodes to.
pub mod fuzzing {
    use super::{About, Fields};
    use normwatch_core::incident::IncidentInput;
    use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput, StatementInput};

    pub fn incident_from(fields: &Fields, stakeholder: Option<&str>) -> Result<IncidentInput, String> {
        super::incident_from(fields, stakeholder)
    }

    /// What the filing form would have sent for `incident` (the edit page's values).
    pub fn fields_of(incident: &IncidentInput) -> Fields {
        super::fields_of(incident)
    }

    pub fn assessment_from(
        incident: &str,
        community: Option<&str>,
        fields: &Fields,
        stakeholder: Option<&str>,
    ) -> Result<AssessmentInput, String> {
        super::assessment_from(&About { id: incident, community }, fields, stakeholder)
    }

    pub fn attribution_from(
        incident: &str,
        community: Option<&str>,
        fields: &Fields,
    ) -> Result<AttributionInput, String> {
        super::attribution_from(&About { id: incident, community }, fields)
    }

    pub fn response_from(incident: &str, community: Option<&str>, fields: &Fields) -> Result<ResponseInput, String> {
        super::response_from(&About { id: incident, community }, fields)
    }

    pub fn statement_from(incident: &str, community: Option<&str>, fields: &Fields) -> Result<StatementInput, String> {
        super::statement_from(&About { id: incident, community }, fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Fields {
        Fields(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
    }

    #[test]
    fn a_filled_form_becomes_the_apis_incident() {
        let f = fields(&[
            ("title_en", "Wiper at a grid operator"),
            ("started", "2024-03"),
            ("operation", "disruption"),
            ("actor_kind", "state"),
            ("actor_country", "ru"),
            ("target_name_1", "Grid operator"),
            ("target_country_1", "ua"),
            ("target_assets_1", "ci.energy"),
            ("target_assets_1", "pc.naming"),
            ("availability", "high"),
            ("victims_affected", "1,200"),
            ("physical_effects", "yes"),
            ("sources", "https://example.org/a\n\nhttps://example.org/b\n"),
            ("tlp", "green"),
            ("intent", "in-review"),
        ]);
        let i = incident_from(&f, Some("jp-cert")).expect("incident");
        assert_eq!(i.title.en, "Wiper at a grid operator");
        assert_eq!(i.started.as_ref().map(|d| d.as_str()), Some("2024-03"));
        assert_eq!(i.actors[0].country.as_deref(), Some("RU"));
        assert_eq!(i.targets.len(), 1);
        assert_eq!(i.targets[0].country.as_deref(), Some("UA"));
        assert_eq!(i.targets[0].asset_classes, vec!["ci.energy", "pc.naming"]);
        assert_eq!(i.impact.victims_affected, Some(1200));
        assert_eq!(i.impact.physical_effects, Some(true));
        assert_eq!(i.sources.len(), 2);
        assert_eq!(i.tlp, Tlp::Green);
        assert_eq!(i.status, RecordStatus::InReview);
        assert_eq!(i.stakeholder.as_deref(), Some("jp-cert"));
    }

    #[test]
    fn an_incident_comes_back_from_its_form_unchanged() {
        let f = fields(&[
            ("title_en", "Wiper"),
            ("title_ja", "ワイパー"),
            ("started", "2024-03"),
            ("operation", "sabotage"),
            ("operation", "data-destruction"),
            ("actor_kind", "non-state"),
            ("actor_name", "Group X"),
            ("target_name_1", "A"),
            ("target_assets_1", "ci.energy"),
            ("target_name_2", "B"),
            ("target_name_3", "C"),
            ("target_name_4", "D"),
            ("target_country_4", "JP"),
            ("integrity", "low"),
            ("functional_duration", "weeks"),
            ("countries_affected", "UA, PL"),
            ("loss_amount", "5000"),
            ("loss_currency", "EUR"),
            ("harm_en", "None reported."),
            ("sources", "https://example.org/a"),
            ("tlp", "amber"),
            ("community", "cert-circle"),
        ]);
        let first = incident_from(&f, Some("jp")).expect("incident");
        assert_eq!(first.targets.len(), 4, "rows beyond the blank form's three are read");
        let again = incident_from(&fields_of(&first), Some("jp")).expect("again");
        assert_eq!(again, first);
        let caller = Caller {
            account: None,
            credential: crate::auth::Credential::Anonymous,
            communities: vec!["cert-circle".into()],
        };
        assert!(form_holds(&first, &caller));
        let outsider = Caller { communities: vec![], ..caller };
        assert!(!form_holds(&first, &outsider), "a community the editor is not in is not dropped silently");
    }

    #[test]
    fn a_bad_form_names_its_field() {
        let e = incident_from(&fields(&[("title_en", "x"), ("victims_affected", "many")]), None).expect_err("refused");
        assert!(e.starts_with("impact.victims_affected"), "{e}");
        let e = incident_from(&fields(&[("title_en", "x"), ("target_country_2", "JP")]), None).expect_err("refused");
        assert!(e.starts_with("targets[0].name"), "{e}");
        let e = incident_from(&fields(&[("title_en", "x"), ("started", "March 2024")]), None).expect_err("refused");
        assert!(e.starts_with("started"), "{e}");
        let e = incident_from(&fields(&[("title_en", "x"), ("availability", "total")]), None).expect_err("refused");
        assert!(e.starts_with("impact.availability"), "{e}");
    }
}
