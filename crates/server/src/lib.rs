//! normwatch over HTTP: the JSON API under `/api/v1` (errors as RFC 9457 problem+json), its
//! OpenAPI document, and the server-rendered bilingual portal at `/`. Handlers are thin:
//! extract, authorise, call the store, render.
#![forbid(unsafe_code)]

mod api;
pub mod auth;
mod error;
mod extract;
pub mod log;
pub mod report;
mod route_listing;
pub mod taxii;
mod web;
pub mod webhooks;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use normwatch_core::Catalog;
use normwatch_store::Store;
use std::sync::Arc;
use tower_http::{compression::CompressionLayer, trace::TraceLayer};

pub use error::ApiError;

/// The portal's form decoding without a server, for the fuzz targets in `fuzz/`; not an API.
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::web::Fields;
    pub use crate::web::fuzzing::*;
}

/// Largest request body accepted (bytes). Records are small; a larger body is refused with a
/// 413 problem before it is parsed. (Evidence uploads will have their own limit.)
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
    /// Evidence bytes, content-addressed.
    pub blobs: normwatch_store::BlobStore,
    pub log: Arc<log::TransparencyLog>,
    pub sign_in_limiter: Arc<auth::SignInLimiter>,
    /// Public tips per client address (`POST /api/v1/tips`), counted as sign-ins are.
    pub tip_limiter: Arc<auth::SignInLimiter>,
    /// Password checks running at once (each Argon2id check takes ~19 MiB and a core).
    pub password_checks: Arc<tokio::sync::Semaphore>,
    /// The catalogue, for validating filters and naming things on pages; replaced when a
    /// consultation adds a norm (read it with `catalog()`).
    catalog: Arc<std::sync::RwLock<Arc<Catalog>>>,
    pub instance: Arc<InstanceInfo>,
    /// Fetches sources and classifies items (collection, tips).
    pub collector: normwatch_app::Collector,
    /// Figures over published records, kept until the next write (metrics, analysis pages).
    pub figures: Arc<normwatch_app::FigureCache>,
}

/// Facts about this running instance that the API reports.
#[derive(Debug, Clone)]
pub struct InstanceInfo {
    /// Cookies carry `Secure` when the instance is reached over HTTPS (its public URL).
    pub secure_cookies: bool,
    /// The verifier key of the instance's log signing key (C2SP signed-note format).
    pub verifier_key: String,
    /// Approvals publication needs.
    pub review_rule: normwatch_core::violation::ReviewRule,
    /// Largest evidence upload, in bytes.
    pub evidence_max_bytes: u64,
    /// The address people reach this instance at (`--public-url`), without a final `/`: the
    /// absolute links in downloads start with it.
    pub public_url: Option<String>,
}

impl AppState {
    /// The use cases, run against this instance's store, catalogue and review rule today.
    pub fn app(&self) -> normwatch_app::App<'_, Store> {
        normwatch_app::App {
            store: &self.store,
            catalog: self.catalog(),
            today: today(),
            review_rule: self.instance.review_rule,
            figures: &self.figures,
        }
    }

    /// Where evidence bytes go, and the instance's limit for one upload.
    pub fn blobs(&self) -> normwatch_app::Blobs<'_> {
        normwatch_app::Blobs { store: &self.blobs, max_bytes: self.instance.evidence_max_bytes }
    }

    /// Reads the stored catalogue once; the server serves it from then on.
    pub async fn new(
        store: Store,
        blobs: normwatch_store::BlobStore,
        key: normwatch_ledger::InstanceKey,
    ) -> Result<AppState, normwatch_store::StoreError> {
        let catalog = Arc::new(std::sync::RwLock::new(Arc::new(store.catalog().await?)));
        let instance = InstanceInfo {
            verifier_key: key.encode_verifier(),
            secure_cookies: false,
            review_rule: Default::default(),
            evidence_max_bytes: 100 * 1024 * 1024,
            public_url: None,
        };
        let log = Arc::new(log::TransparencyLog::new(key));
        log.sync(&store).await?;
        Ok(AppState {
            store,
            blobs,
            log,
            catalog,
            instance: Arc::new(instance),
            // Five wrong passwords per username, or twenty per address, lock for 15 minutes.
            sign_in_limiter: Arc::new(auth::SignInLimiter::new(std::time::Duration::from_secs(15 * 60), 5, 20)),
            tip_limiter: Arc::new(auth::SignInLimiter::new(
                std::time::Duration::from_secs(api::collect::TIP_WINDOW_SECS),
                api::collect::TIPS_PER_WINDOW,
                api::collect::TIPS_PER_WINDOW,
            )),
            password_checks: Arc::new(tokio::sync::Semaphore::new(2)),
            collector: normwatch_app::Collector::new(Default::default(), false).map_err(|e| {
                normwatch_store::StoreError::Corrupt { what: "collector".into(), reason: e.to_string() }
            })?,
            figures: Default::default(),
        })
    }
}

impl AppState {
    /// The current catalogue.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Reads the catalogue again from the store (after a consultation changed it).
    pub async fn reload_catalog(&self) -> Result<(), normwatch_store::StoreError> {
        let fresh = Arc::new(self.store.catalog().await?);
        *self.catalog.write().unwrap_or_else(|p| p.into_inner()) = fresh;
        Ok(())
    }

    /// The address people reach this instance at, when it is behind a proxy: an `https://` one
    /// makes every cookie `Secure`.
    pub fn with_public_url(mut self, url: Option<&str>) -> AppState {
        let secure = url.is_some_and(|u| u.starts_with("https://"));
        let mut info = (*self.instance).clone();
        info.secure_cookies = secure;
        info.public_url = url.map(|u| u.trim_end_matches('/').to_owned());
        self.instance = Arc::new(info);
        self
    }
}

impl AppState {
    pub fn with_review_rule(mut self, rule: normwatch_core::violation::ReviewRule) -> AppState {
        let mut info = (*self.instance).clone();
        info.review_rule = rule;
        self.instance = Arc::new(info);
        self
    }

    /// The collector: its classifier (trained or not) and whether private addresses are polled.
    pub fn with_collector(mut self, collector: normwatch_app::Collector) -> AppState {
        self.collector = collector;
        self
    }

    pub fn with_evidence_limit(mut self, bytes: u64) -> AppState {
        let mut info = (*self.instance).clone();
        info.evidence_max_bytes = bytes;
        self.instance = Arc::new(info);
        self
    }
}

/// Today's date (UTC): records may not be dated after it.
pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

/// A strict Content-Security-Policy on every response: no script runs and no inline style
/// applies, whatever a record's text holds; pages and forms work without JavaScript.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

async fn security_headers(mut response: axum::response::Response) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CONTENT_SECURITY_POLICY));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    response
}

/// Every route of the HTTP surface, before its layers and state.
fn routes() -> Router<AppState> {
    Router::new()
        .nest("/api/v1", api::routes())
        .nest("/log", log::routes())
        .nest("/taxii2", taxii::routes())
        // Nesting serves `/taxii2`; TAXII clients ask for the discovery URL with its slash.
        .route("/taxii2/", axum::routing::get(taxii::discovery))
        .merge(web::routes())
}

/// The path templates (`/api/v1/incidents/{id}`) the router answers GET on, sorted, read off the
/// router itself so that a test covering them all covers a route the day it is added. axum
/// has no route listing; its `Debug` form names each route's path and methods.
pub fn get_paths() -> Vec<String> {
    route_listing::routes(&format!("{:?}", routes()))
        .into_iter()
        .filter(|(m, _)| m == axum::http::Method::GET)
        .map(|(_, p)| p)
        .collect()
}

/// The whole HTTP surface.
pub fn router(state: AppState) -> Router {
    routes()
        .fallback(error::not_found_fallback)
        .method_not_allowed_fallback(error::method_not_allowed_fallback)
        // A portal error page is drawn for the reader who asked (their name, the way back).
        .layer(axum::middleware::from_fn_with_state(state.clone(), web::error_frame))
        // A one-time password is changed before anything else is done with the account.
        .layer(axum::middleware::from_fn_with_state(state.clone(), auth::password_change_gate))
        .layer(axum::middleware::from_fn(error::refuse_nul_in_path))
        .layer(axum::middleware::map_response(security_headers))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
