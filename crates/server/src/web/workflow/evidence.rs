//! Evidence uploads: the file streams into the blob store.
use super::findings::incident_again;
use super::forms::{Fields, MAX_UPLOAD_FIELDS, MAX_UPLOAD_TEXT, Refusal, sign_in_first};
use crate::AppState;
use crate::auth::Caller;
use crate::extract::header_language;
use crate::web::kit::check_csrf;
use crate::web::kit::encode;
use crate::web::kit::{WebError, see_other};
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use normwatch_core::evidence::{CollectionProtocol, EvidenceUpload};
use normwatch_core::{Lang, Tlp};

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
        return match state.app().store_evidence(caller.acting(), state.blobs(), &upload, Box::pin(field)).await {
            Ok(_) => Ok(see_other(&format!("/incidents/{}?lang={lang}#timeline", encode(&incident)))),
            Err(e) => {
                incident_again(&state, &caller, lang, &incident, Refusal::of("evidence", &fields, e.into())).await
            }
        };
    }
    check_csrf(&caller, fields.one("csrf"), lang)?;
    // The file field is named so that its note stands beside it.
    fields.0.push(("file".into(), String::new()));
    let refusal = Refusal::invalid("evidence", &fields, "file: choose the file to upload".into());
    incident_again(&state, &caller, lang, &incident, refusal).await
}
