//! Findings about an incident (assessments, attributions, responses, collective statements):
//! each form read into the API's input and filed.
use super::forms::Posted;
use super::forms::{Fields, Refusal, intent, localized, typed, upper};
use super::incidents;
use super::workbench::incident_record;
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::encode;
use crate::web::kit::{Page, PageUser, WebError, see_other};
use axum::extract::{Path, State};
use axum::response::Response;
use normwatch_app::LedgerInput;
use normwatch_core::Lang;
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput, StatementInput};
use serde_json::json;

/// The incident a finding is about, as the form needs it: its id and its community (a finding
/// stays in its incident's community).
pub(super) struct About<'a> {
    pub(super) id: &'a str,
    pub(super) community: Option<&'a str>,
}

pub(super) fn assessment_from(
    about: &About,
    fields: &Fields,
    stakeholder: Option<&str>,
) -> Result<AssessmentInput, String> {
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

pub(super) fn attribution_from(about: &About, fields: &Fields) -> Result<AttributionInput, String> {
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

pub(super) fn response_from(about: &About, fields: &Fields) -> Result<ResponseInput, String> {
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

pub(super) fn statement_from(about: &About, fields: &Fields) -> Result<StatementInput, String> {
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
pub(super) async fn incident_again(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    incident: &str,
    refusal: Refusal,
) -> Result<Response, WebError> {
    let page = Page { lang, path: format!("/incidents/{}", encode(incident)), user: PageUser::of(caller) };
    incidents::incident_page(state, caller, &page, incident, Some(refusal)).await
}

pub(super) async fn file_finding<T: LedgerInput>(
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
    match state.app().file_record(caller.acting(), &input).await {
        Ok(record) if form == "statement" => Ok(see_other(&format!("/statements/{}?lang={lang}", encode(&record.id)))),
        Ok(_) => Ok(see_other(&format!("/incidents/{}?lang={lang}#work", encode(incident)))),
        Err(e) => incident_again(state, caller, lang, incident, Refusal::of(form, fields, e.into())).await,
    }
}

/// `POST /incidents/{id}/{assessments|attributions|responses|statements}`.
pub async fn add_finding(
    State(state): State<AppState>,
    Path((incident, kind)): Path<(String, String)>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
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
        other => Err(WebError::not_found(lang, format!("no form `{other}`"))),
    }
}
