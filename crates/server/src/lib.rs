//! normwatch over HTTP: the JSON API under `/api/v1` (errors as RFC 9457 problem+json), its
//! OpenAPI document, and the server-rendered bilingual portal at `/`. Handlers are thin:
//! extract, authorise, call the store, render.
#![forbid(unsafe_code)]

mod api;
mod error;
mod extract;
mod web;

use axum::Router;
use normwatch_core::Catalog;
use normwatch_store::Store;
use std::sync::Arc;
use tower_http::{compression::CompressionLayer, limit::RequestBodyLimitLayer, trace::TraceLayer};

pub use error::ApiError;

/// Largest request body accepted (bytes). Catalogue and records are small; a larger body is
/// refused with 413 before any handler reads it.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    /// The catalogue as loaded at start, for validating filters and naming things on pages.
    pub catalog: Arc<Catalog>,
    pub instance: Arc<InstanceInfo>,
}

/// Facts about this running instance that the API reports.
#[derive(Debug, Clone)]
pub struct InstanceInfo {
    /// The verifier key of the instance's log signing key (C2SP signed-note format).
    pub verifier_key: String,
}

impl AppState {
    /// Reads the stored catalogue once; the server serves it from then on.
    pub async fn new(store: Store, instance: InstanceInfo) -> Result<AppState, normwatch_store::StoreError> {
        let catalog = Arc::new(store.catalog().await?);
        Ok(AppState { store, catalog, instance: Arc::new(instance) })
    }
}

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    Router::new()
        .nest("/api/v1", api::routes())
        .merge(web::routes())
        .fallback(error::not_found_fallback)
        .method_not_allowed_fallback(error::method_not_allowed_fallback)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
