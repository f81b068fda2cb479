//! Review and publication: moving one record along.
use super::findings::incident_again;
use super::forms::Posted;
use super::forms::{Fields, Refusal};
use super::statement::statement_again;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::web::kit::encode;
use crate::web::kit::{WebError, failure, see_other};
use axum::extract::{Path, State};
use axum::response::Response;
use normwatch_app::{LedgerInput, ReviewInput};
use normwatch_core::incident::IncidentInput;
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput, StatementInput, Verdict};

pub(super) async fn act_on<T: LedgerInput>(
    state: &AppState,
    caller: &Caller,
    id: &str,
    action: &str,
    fields: &Fields,
) -> Result<(), ApiError> {
    match action {
        "submit" => Ok(state.app().submit_record::<T>(caller.acting(), id).await.map(drop)?),
        "publish" => Ok(state.app().publish_record::<T>(caller.acting(), id).await.map(drop)?),
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
            Ok(state.app().review_record::<T>(caller.acting(), id, &input).await.map(drop)?)
        }
    }
}

/// `POST /records/{kind}/{id}/{submit|review|publish}`: moves one record along.
pub async fn act(
    State(state): State<AppState>,
    Path((kind, id, action)): Path<(String, String, String)>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
    if !["submit", "review", "publish"].contains(&action.as_str()) {
        return Err(WebError::not_found(lang, format!("no action `{action}`")));
    }
    let (s, c, f) = (&state, &caller, &fields);
    let done = match kind.as_str() {
        "incidents" => act_on::<IncidentInput>(s, c, &id, &action, f).await,
        "assessments" => act_on::<AssessmentInput>(s, c, &id, &action, f).await,
        "attributions" => act_on::<AttributionInput>(s, c, &id, &action, f).await,
        "responses" => act_on::<ResponseInput>(s, c, &id, &action, f).await,
        "statements" => act_on::<StatementInput>(s, c, &id, &action, f).await,
        other => {
            return Err(WebError::not_found(lang, format!("no record kind `{other}`")));
        }
    };
    // Back to where the button was: the statement's page, or the incident's.
    // An incident's own buttons return to it even when the form lost its `incident` field.
    let incident = fields.opt("incident").or_else(|| (kind == "incidents").then(|| id.clone()));
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
