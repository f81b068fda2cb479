//! The catalogue: health, the whole catalogue, norms (filtered), taxonomies.
use super::render;
use crate::AppState;
use crate::error::ApiError;
use crate::extract::{Params, api_language};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use normwatch_core::{LangChoice, NormQuery};
use serde_json::json;

pub async fn health(State(state): State<AppState>, headers: HeaderMap, params: Params) -> Result<Response, ApiError> {
    params.only(&[])?;
    state.store.ping().await.map_err(ApiError::Unavailable)?;
    let version = state.store.catalog_version().await?;
    render(
        &headers,
        LangChoice::All,
        &json!({
            "status": "ok",
            "version": env!("CARGO_PKG_VERSION"),
            "database": state.store.backend().name(),
            "catalog": version.map(|(v, label)| json!({"version": v, "label": label})),
            "log_verifier_key": state.instance.verifier_key,
        }),
    )
}

pub async fn whole(State(state): State<AppState>, headers: HeaderMap, params: Params) -> Result<Response, ApiError> {
    params.only(&[])?;
    let catalog = state.store.catalog().await?;
    render(&headers, api_language(&params, &headers), &catalog)
}

pub async fn norms(State(state): State<AppState>, headers: HeaderMap, params: Params) -> Result<Response, ApiError> {
    let query = NormQuery::parse(params.iter(), &state.catalog())?;
    let norms = state.store.norms(&query).await?;
    render(&headers, api_language(&params, &headers), &json!({ "count": norms.len(), "norms": norms }))
}

pub async fn norm(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let norm = state.store.norm(&id).await?.ok_or(ApiError::NotFound { kind: "norm", id })?;
    render(&headers, api_language(&params, &headers), &norm)
}

pub async fn taxonomies(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let catalog = state.store.catalog().await?;
    let list: Vec<_> = catalog
        .taxonomies
        .iter()
        .map(|t| json!({"id": t.id, "kind": t.kind, "title": t.title, "terms": t.terms.len()}))
        .collect();
    render(&headers, api_language(&params, &headers), &json!({ "count": list.len(), "taxonomies": list }))
}

pub async fn taxonomy(
    State(state): State<AppState>,
    Path(name): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let taxonomy = state.store.taxonomy(&name).await?.ok_or(ApiError::NotFound { kind: "taxonomy", id: name })?;
    render(&headers, api_language(&params, &headers), &taxonomy)
}
