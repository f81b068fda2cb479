//! The catalogue: health, the whole catalogue, norms (filtered), taxonomies.
use super::handler::{Answer, Read, listed};
use crate::AppState;
use crate::error::ApiError;
use axum::extract::{Path, State};
use normwatch_core::NormQuery;
use serde_json::json;

pub async fn health(State(state): State<AppState>, read: Read) -> Answer {
    read.only(&[])?;
    state.store.ping().await.map_err(ApiError::Unavailable)?;
    let version = state.store.catalog_version().await?;
    read.render_all(&json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "database": state.store.backend().name(),
        "catalog": version.map(|(v, label)| json!({"version": v, "label": label})),
        "log_verifier_key": state.instance.verifier_key,
    }))
}

pub async fn whole(State(state): State<AppState>, read: Read) -> Answer {
    read.only(&[])?;
    read.render(&state.store.catalog().await?)
}

pub async fn norms(State(state): State<AppState>, read: Read) -> Answer {
    let query = NormQuery::parse(read.iter(), &state.catalog())?;
    read.render(&listed("norms", &state.store.norms(&query).await?))
}

pub async fn norm(State(state): State<AppState>, Path(id): Path<String>, read: Read) -> Answer {
    read.only(&[])?;
    read.render(&state.store.norm(&id).await?.ok_or(ApiError::NotFound { kind: "norm", id })?)
}

pub async fn taxonomies(State(state): State<AppState>, read: Read) -> Answer {
    read.only(&[])?;
    let catalog = state.store.catalog().await?;
    let list: Vec<_> = catalog
        .taxonomies
        .iter()
        .map(|t| json!({"id": t.id, "kind": t.kind, "title": t.title, "terms": t.terms.len()}))
        .collect();
    read.render(&listed("taxonomies", &list))
}

pub async fn taxonomy(State(state): State<AppState>, Path(name): Path<String>, read: Read) -> Answer {
    read.only(&[])?;
    read.render(&state.store.taxonomy(&name).await?.ok_or(ApiError::NotFound { kind: "taxonomy", id: name })?)
}
