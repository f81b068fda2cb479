//! Reading posted forms: the fields in order, a refusal shown again, the CSRF and sign-in
//! checks every post passes, and the small conversions the workflows share.
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::web::kit::WebError;
use crate::web::kit::{check_csrf, form_body};
use crate::web::workflow_words::words;
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use normwatch_core::{Lang, Right};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// How many target rows the incident form offers (more can be added by editing through the API).
pub(super) const TARGET_ROWS: usize = 3;

/// An evidence upload's text fields: how many, and how long each may be (the file streams).
pub(super) const MAX_UPLOAD_FIELDS: usize = 20;
pub(super) const MAX_UPLOAD_TEXT: usize = 64 * 1024;

/// The most target rows a posted form is read for.
pub(super) const MAX_TARGET_ROWS: usize = 50;

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

    pub(super) fn has(&self, name: &str, value: &str) -> bool {
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
    pub(super) fn of(form: &'static str, fields: &Fields, e: ApiError) -> Refusal {
        e.log_if_internal();
        Refusal { form, fields: fields.clone(), status: e.status(), message: e.detail() }
    }

    pub(super) fn invalid(form: &'static str, fields: &Fields, message: String) -> Refusal {
        Refusal { form, fields: fields.clone(), status: StatusCode::UNPROCESSABLE_ENTITY, message }
    }

    /// The values to show in `form`: what was sent when that form was refused.
    pub(super) fn values(refusal: Option<&Refusal>, form: &str) -> Fields {
        refusal.filter(|r| r.form == form).map(|r| r.fields.clone()).unwrap_or_default()
    }
}

/// Whether the caller may file incidents and findings (for any stakeholder or its own): the
/// forms are offered only to those whose posts could be accepted.
pub(in crate::web) fn may_file(caller: &Caller) -> bool {
    caller.account.as_ref().is_some_and(|a| a.role.has(Right::WriteIncidents) || a.role.has(Right::WriteOwnIncidents))
}

pub(super) fn sign_in_first(lang: Lang) -> WebError {
    WebError { status: StatusCode::UNAUTHORIZED, lang, message: words(lang).sign_in_to_write.to_owned() }
}

/// Refuses a form with U+0000 in a field: no record holds one, and PostgreSQL's text cannot.
pub(in crate::web) fn refuse_nul(pairs: &[(String, String)], lang: Lang) -> Result<(), WebError> {
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
pub(in crate::web) fn posted(
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
pub(in crate::web) struct Posted {
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

/// A record input from the JSON a form was turned into, with the failing field named.
pub(super) fn typed<T: DeserializeOwned>(value: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(value).map_err(|e| format!("{}: {}", e.path(), e.inner()))
}

pub(super) fn localized(fields: &Fields, name: &str) -> Value {
    json!({ "ja": fields.one(&format!("{name}_ja")), "en": fields.one(&format!("{name}_en")) })
}

pub(super) fn upper(code: String) -> String {
    code.to_uppercase()
}

/// `draft` or `in-review`: the button the writer pressed.
pub(super) fn intent(fields: &Fields) -> &'static str {
    if fields.one("intent") == "in-review" { "in-review" } else { "draft" }
}

pub(super) fn whole_number(fields: &Fields, name: &str, field: &str) -> Result<Option<u64>, String> {
    fields
        .opt(name)
        .map(|v| {
            v.replace([',', '_', ' '], "").parse::<u64>().map_err(|_| format!("{field}: `{v}` is not a whole number"))
        })
        .transpose()
}
