//! `/api/v1/metrics/…`: figures over the published findings the caller may read, computed by
//! `normwatch_app::metrics` for the API and the portal alike.
use super::handler::{Answer, Read};
use crate::AppState;
use crate::auth::Caller;
use axum::extract::State;

/// Each route takes no parameter but `lang`, asks the app for one figure as the caller and
/// renders it: one handler per route, written once.
macro_rules! figure_routes {
    ($($(#[$doc:meta])* $route:ident => $figure:ident;)*) => {$(
        $(#[$doc])*
        pub async fn $route(State(state): State<AppState>, caller: Caller, read: Read) -> Answer {
            read.only(&[])?;
            read.render(&state.app().$figure(caller.acting()).await?)
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
