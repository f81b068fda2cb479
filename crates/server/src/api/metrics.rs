//! `/api/v1/metrics/…`: figures over the published findings the caller may read, computed by
//! `normwatch_app::metrics` for the API and the portal alike.
use super::render;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{Params, api_language};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;

/// Each route takes no parameter but `lang`, asks the app for one figure as the caller and
/// renders it: one handler per route, written once.
macro_rules! figure_routes {
    ($($(#[$doc:meta])* $route:ident => $figure:ident;)*) => {$(
        $(#[$doc])*
        pub async fn $route(
            State(state): State<AppState>,
            caller: Caller,
            headers: HeaderMap,
            params: Params,
        ) -> Result<Response, ApiError> {
            params.only(&[])?;
            let figure = state.app().$figure(caller.acting()).await?;
            render(&headers, api_language(&params, &headers), &figure)
        }
    )*};
}

figure_routes! {
    /// `GET /metrics`: every figure at once.
    all => all_metrics;
    /// `GET /metrics/violations`: published violations per norm and incident year.
    violations => violation_figures;
    /// `GET /metrics/attribution-lag`.
    lag => attribution_lag;
    /// `GET /metrics/response-rate`: how often an attributed state responded.
    responses => response_figures;
    /// `GET /metrics/endorsed-violations`: states assessed as violating a norm they endorse.
    endorsed => endorsed_violations;
}
