//! What an API handler takes and gives back, written once: a write's caller and body (who may
//! write is decided before the body is read, so 401/403 come before 400), a read's parameters
//! and language, and the answers (a counted list, 201 with `Location`, JSON with an ETag).
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, api_language};
use axum::Json;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts};
use axum::response::{IntoResponse, Response};
use normwatch_core::{LangChoice, Right};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// What every handler answers.
pub type Answer = Result<Response, ApiError>;

/// A write: the caller, and the JSON body, whose refusal waits until the caller is let in.
pub struct Write<T> {
    pub caller: Caller,
    pub body: Result<T, ApiError>,
}

impl<T> Write<T> {
    /// The body, for a caller who holds `right`.
    pub fn with(self, right: Right) -> Result<(Caller, T), ApiError> {
        self.caller.require(right, None)?;
        Ok((self.caller, self.body?))
    }

    /// The body, for a caller who holds `right` for `stakeholder` (or its any-stakeholder form).
    pub fn with_for(self, right: Right, stakeholder: &str) -> Result<(Caller, T), ApiError> {
        self.caller.require(right, Some(stakeholder))?;
        Ok((self.caller, self.body?))
    }

    /// The body, for any signed-in caller; what they may do with it the use case decides.
    pub fn signed_in(self) -> Result<(Caller, T), ApiError> {
        self.caller.signed_in()?;
        Ok((self.caller, self.body?))
    }
}

impl<T: DeserializeOwned> FromRequest<AppState> for Write<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let (mut parts, body) = request.into_parts();
        let caller = Caller::from_request_parts(&mut parts, state).await?;
        let body = JsonBody::<T>::from_request(Request::from_parts(parts, body), state).await.map(|JsonBody(b)| b);
        Ok(Write { caller, body })
    }
}

/// A read: its query parameters (`Deref` to them) and the request's headers, for the language
/// and the ETag.
pub struct Read {
    params: Params,
    headers: HeaderMap,
}

impl std::ops::Deref for Read {
    type Target = Params;
    fn deref(&self) -> &Params {
        &self.params
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Read {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let params = Params::from_request_parts(parts, state).await?;
        Ok(Read { params, headers: parts.headers.clone() })
    }
}

impl Read {
    /// The value as JSON in the language asked for (`?lang=`, then `Accept-Language`).
    pub fn render<T: Serialize>(&self, value: &T) -> Answer {
        render(&self.headers, api_language(&self.params, &self.headers), value)
    }

    /// The value as JSON with every language's text.
    pub fn render_all<T: Serialize>(&self, value: &T) -> Answer {
        render(&self.headers, LangChoice::All, value)
    }
}

/// A list as the API answers it: `{"count": n, "<name>": [...]}`.
pub fn listed<T: Serialize>(name: &str, list: &[T]) -> Value {
    let mut value = json!({ "count": list.len() });
    value[name] = json!(list);
    value
}

/// `200 OK` with the value as JSON (a value a cache must not keep or that has no language).
pub fn ok<T: Serialize>(value: T) -> Answer {
    Ok(Json(value).into_response())
}

/// `201 Created` with the value as JSON.
pub fn made<T: Serialize>(value: T) -> Answer {
    Ok((StatusCode::CREATED, Json(value)).into_response())
}

/// `201 Created` with the record and its `Location`.
pub fn created<T: Serialize>(value: &T, location: String) -> Response {
    let mut r = (StatusCode::CREATED, Json(value)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// A response no shared cache may keep (a board's cases are its members' alone).
pub fn unshared(mut response: Response) -> Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// A value as a JSON object, to add what its record does not hold.
pub fn object<T: Serialize>(what: &str, value: &T) -> Result<Value, ApiError> {
    serde_json::to_value(value)
        .map_err(|e| ApiError::Store(normwatch_store::StoreError::Corrupt { what: what.into(), reason: e.to_string() }))
}

/// Renders a value as JSON in the chosen language, with a strong ETag over the bytes sent;
/// a matching `If-None-Match` gets 304.
pub fn render<T: Serialize>(request: &HeaderMap, lang: LangChoice, value: &T) -> Answer {
    let mut json = object("response", value)?;
    lang.project(&mut json);
    let body = json.to_string();
    let etag = format!("\"{}\"", &hex::encode(Sha256::digest(body.as_bytes()))[..32]);
    let matches = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    if let LangChoice::One(l) = lang {
        headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(l.code()));
    }
    Ok(response)
}
