//! The portal: server-rendered HTML in Japanese and English, usable without JavaScript.
//! `?lang=ja|en` chooses the language, then `Accept-Language`, then English.
mod account;
mod admin;
mod adoption;
mod analysis;
mod capacity;
mod checks;
mod collect;
mod communities;
mod consultations;
mod contacts;
mod federated;
mod hotline;
mod hygiene;
mod implementation;
mod kit;
#[cfg(test)]
mod layering;
mod links;
mod log_page;
mod metrics;
mod pages;
mod peers;
mod timeline;
mod vep;
mod workflow;
pub use kit::error_frame;
pub use workflow::{Fields, fuzzing};
// The printed report draws the same charts as the pages.
pub(crate) use kit::charts;

use crate::AppState;
use axum::Router;
use axum::routing::get;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/assets/normwatch.css", get(kit::stylesheet))
        .route("/norms", get(pages::norms))
        .route("/incidents", get(workflow::incidents::list))
        .route("/incidents/{id}", get(workflow::incidents::one))
        .route("/incidents/new", get(workflow::new_incident).post(workflow::file_incident))
        .route("/incidents/{id}/edit", get(workflow::edit_incident).post(workflow::revise_incident))
        .route(
            "/incidents/{id}/evidence",
            // The blob store enforces the evidence size limit while streaming.
            axum::routing::post(workflow::upload_evidence).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/incidents/{id}/{kind}", axum::routing::post(workflow::add_finding))
        .route("/records/{kind}/{id}/{action}", axum::routing::post(workflow::act))
        .route("/statements/{id}", get(workflow::statement))
        .route("/statements/{id}/canonical.txt", get(workflow::canonical_text))
        .route("/statements/{id}/signatures", axum::routing::post(workflow::co_sign))
        .route("/incidents/timeline", get(timeline::timeline))
        .route("/incident-links", get(links::list))
        .route("/incident-links/{id}/{decision}", axum::routing::post(links::decide))
        .route("/log", get(log_page::page_log))
        .route("/federated", get(federated::list))
        .route("/federated/{peer}/{kind}/{id}", get(federated::one))
        .route("/federated/{peer}/incident/{id}/adopt", axum::routing::post(federated::adopt))
        .route("/peers", get(peers::list).post(peers::add))
        .route("/peers/witnesses", axum::routing::post(peers::add_witness))
        .route("/peers/{id}/sync", axum::routing::post(peers::sync))
        .route("/metrics", get(metrics::page_metrics))
        .route("/analysis", get(analysis::index::page))
        .route("/analysis/attribution", get(analysis::attribution::page))
        .route("/analysis/map", get(analysis::map::page))
        .route("/analysis/operations", get(analysis::operations::page))
        .route("/analysis/dyads", get(analysis::dyads::page))
        .route("/analysis/norms", get(analysis::norms::page))
        .route("/norms/{id}", get(pages::norm))
        .route("/taxonomies", get(pages::taxonomies))
        .route("/taxonomies/{id}", get(pages::taxonomy))
        .route("/sign-in", get(account::sign_in_form).post(account::sign_in))
        .route("/sign-out", axum::routing::post(account::sign_out))
        .route("/account/password", get(admin::password_form).post(admin::change_password))
        .route("/account/tokens", get(admin::tokens).post(admin::create_token))
        .route("/account/tokens/{id}/revoke", axum::routing::post(admin::revoke_token))
        .route("/admin/accounts", get(admin::accounts).post(admin::create_account))
        .route("/admin/accounts/{id}", get(admin::account).post(admin::update_account))
        .route("/admin/accounts/{id}/{action}", axum::routing::post(admin::account_act))
        .route("/admin/stakeholders", get(admin::stakeholders).post(admin::create_stakeholder))
        .route("/admin/stakeholders/{id}", get(admin::stakeholder).post(admin::update_stakeholder))
        .route("/adoption", get(adoption::matrix))
        .route("/stakeholders", get(adoption::stakeholders))
        .route("/stakeholders/{id}", get(adoption::stakeholder))
        .route("/stakeholders/{id}/positions", axum::routing::post(adoption::record_position))
        .route("/stakeholders/{id}/evidence/new", get(implementation::new_evidence))
        .route("/stakeholders/{id}/evidence", axum::routing::post(implementation::record_evidence))
        .route("/capacity", get(capacity::programmes))
        .route("/vulnerabilities", get(capacity::vulnerabilities))
        .route("/vulnerabilities/{id}", get(capacity::vulnerability))
        .route("/standards", get(hygiene::standards))
        .route("/contacts", get(contacts::directory))
        .route("/checks", get(checks::results))
        .route("/hotline", get(hotline::inbox))
        .route("/consultations", get(consultations::list))
        .route("/communities", get(communities::list))
        .route("/stakeholders/{id}/hygiene", get(hygiene::stakeholder_hygiene))
        .route("/vep", get(vep::boards))
        .route("/vep/{board}", get(vep::board))
        .route("/triage", get(collect::triage))
        .route("/triage/{id}/{decision}", axum::routing::post(collect::decide_item))
        .route("/sources", get(collect::sources).post(collect::add_source))
        .route("/sources/poll", axum::routing::post(collect::poll_sources))
        .route("/sources/{id}/remove", axum::routing::post(collect::remove_source))
        .route("/tips", get(collect::tip_form).post(collect::send_tip))
        .route("/tips/thanks", get(collect::tip_thanks))
}
