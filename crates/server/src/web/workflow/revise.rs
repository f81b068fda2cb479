//! Revising a draft incident through its filing form.
use super::super::kit::Visit;
use super::findings::incident_again;
use super::forms::Posted;
use super::forms::{Refusal, Shown, intent, page_again, sign_in_first};
use super::incident_form::{FormTarget, incident_form};
use super::incident_input::{fields_of, form_holds, incident_from};
use super::words::words;
use super::workbench::incident_record;
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::encode;
use crate::web::kit::{Page, PageUser, WebError, see_other};
use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;
use normwatch_core::RecordStatus;
use normwatch_core::incident::IncidentInput;
use normwatch_store::LedgerRecord;

pub(super) fn edit_page(
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
            @let values = match refusal.as_ref().filter(|r| r.form == "incident") {
                Some(_) => Refusal::values(refusal.as_ref(), "incident"),
                None => Shown::from(fields_of(&record.body)),
            };
            (incident_form(state, caller, page, &values, refusal.as_ref(), &FormTarget {
                action: format!("/incidents/{}/edit", encode(&record.id)),
                version: Some(version),
            }))
        }
    };
    page_again(page, w.edit_draft, body, refusal.as_ref())
}

/// `GET /incidents/{id}/edit`: a draft in the filing form, as it stands.
pub async fn edit_incident(
    State(state): State<AppState>,
    Path(id): Path<String>,
    v: Visit,
) -> Result<Response, WebError> {
    let page = v.page(&format!("/incidents/{}/edit", encode(&id)))?;
    if page.user.is_none() {
        return Err(sign_in_first(page.lang));
    }
    let record = incident_record(&state, &v.caller, &id, page.lang).await?;
    Ok(edit_page(&state, &v.caller, &page, &record, None, record.version))
}

/// `POST /incidents/{id}/edit`: saves the draft (refused if it changed since it was read), and
/// sends it to review when asked.
pub async fn revise_incident(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
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
    if let Err(e) = state.app().revise_draft(caller.acting(), &id, version, &input).await {
        return refuse(Refusal::of("incident", &fields, e.into()));
    }
    // Saved: a failure to send it on is shown on the incident's page, where the draft now is.
    if intent(&fields) == "in-review"
        && let Err(e) = state.app().submit_record::<IncidentInput>(caller.acting(), &id).await
    {
        return incident_again(&state, &caller, lang, &id, Refusal::of("action", &fields, e.into())).await;
    }
    Ok(see_other(&format!("/incidents/{}?lang={lang}#work", encode(&id))))
}
