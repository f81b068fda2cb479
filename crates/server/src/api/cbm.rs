//! Points of contact.
use super::render;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, api_language};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use normwatch_core::Right;
use normwatch_core::cbm::ContactInput;
use serde_json::json;

pub async fn create_contact(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<ContactInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let JsonBody(input) = body?;
    caller.require(Right::WriteContacts, Some(&input.stakeholder))?;
    input.validate().map_err(ApiError::InvalidField)?;
    let c = state.store.create_contact(&caller.actor(), &input).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

/// The directory: contacts the caller may read; `current=true` keeps those valid today.
pub async fn contacts(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&["stakeholder", "current"])?;
    let get = |k: &str| params.pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let current = match get("current").as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(normwatch_core::FieldError::new("current", format!("`{other}`: use true or false")).into());
        }
    };
    let today = crate::today().to_string();
    let list: Vec<_> = state
        .store
        .contacts(&caller.viewer(), get("stakeholder").as_deref())
        .await?
        .into_iter()
        .filter(|c| !current || c.current_on(&today))
        .collect();
    render(&headers, api_language(&params, &headers), &json!({"count": list.len(), "contacts": list}))
}
