//! Posted forms as the portal's handlers take them: read in the form's language, signed in and
//! CSRF-checked first, with NUL refused, and a refused form kept to be shown again.
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::i18n::ui;
pub use crate::web::kit::refusal::{Fields, Refusal, Shown, page_again};
use crate::web::kit::{WebError, check_csrf, form_body};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use normwatch_core::Lang;

/// The refusal of a post from someone not signed in.
pub fn sign_in_first(lang: Lang) -> WebError {
    WebError { status: StatusCode::UNAUTHORIZED, lang, message: ui(lang).sign_in_to_write.to_owned() }
}

/// Refuses a form with U+0000 in a field: no record holds one, and PostgreSQL's text cannot.
pub fn refuse_nul(pairs: &[(String, String)], lang: Lang) -> Result<(), WebError> {
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
pub fn posted(
    headers: &HeaderMap,
    caller: &Caller,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<(Lang, Fields), WebError> {
    let (pairs, fallback) = form_body(form, headers)?;
    refuse_nul(&pairs, fallback)?;
    let fields = Fields(pairs);
    let lang = fields.one("lang").parse().unwrap_or(fallback);
    if caller.account.is_none() {
        return Err(sign_in_first(lang));
    }
    check_csrf(caller, fields.one("csrf"), lang)?;
    Ok((lang, fields))
}

/// A workflow's posted form as its handler takes it: the caller, and the fields read by
/// [`posted`] in the form's language (headers, caller and body extracted in that order).
pub struct Posted {
    pub lang: Lang,
    pub fields: Fields,
    pub caller: Caller,
}

impl FromRequest<AppState> for Posted {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = req.into_parts();
        let headers = parts.headers.clone();
        let caller = Caller::from_request_parts(&mut parts, state).await.map_err(IntoResponse::into_response)?;
        let form = Form::<Vec<(String, String)>>::from_request(Request::from_parts(parts, body), state).await;
        let (lang, fields) = posted(&headers, &caller, form).map_err(IntoResponse::into_response)?;
        Ok(Posted { lang, fields, caller })
    }
}
