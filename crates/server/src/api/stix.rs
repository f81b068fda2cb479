//! `GET /export/stix`: the published records about the incidents the incident list's filters
//! find, as one STIX 2.1 bundle.
use super::handler::Answer;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::Params;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use normwatch_core::incident::IncidentQuery;

pub const STIX_MEDIA: &str = "application/stix+json;version=2.1";

pub async fn export(State(state): State<AppState>, caller: Caller, params: Params) -> Answer {
    let query = IncidentQuery::parse(params.iter(), &state.catalog()).map_err(ApiError::InvalidParameter)?;
    let objects = state.store.export_stix(&caller.viewer(), &query).await?;
    let bundle = normwatch_stix::export::bundle(objects);
    let mut response = (StatusCode::OK, bundle.to_string()).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(STIX_MEDIA));
    headers
        .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"normwatch-stix.json\""));
    Ok(response)
}

/// `GET /export/stix/extension-schema.json`: the JSON schema of the normwatch property extension
/// (what `stix2-validator --schemas` takes), so that consumers can check our objects.
pub async fn extension_schema() -> Response {
    let mut response = (StatusCode::OK, normwatch_stix::export::EXTENSION_SCHEMA).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/schema+json"));
    response
}
