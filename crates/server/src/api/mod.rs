//! `/api/v1`: the JSON API.
mod accounts;
pub(crate) mod capacity;
mod catalog;
mod cbm;
pub(crate) mod collect;
mod community;
mod consultation;
pub(crate) mod evidence;
mod handler;
pub(crate) mod ledger;
mod links;
pub(crate) mod metrics;
#[cfg(test)]
mod openapi_check;
mod peers;
pub(crate) mod records;
pub(crate) mod statements;
mod stix;
pub(crate) mod vep;

use crate::AppState;
use axum::Router;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use normwatch_core::adoption::{EvidenceInput, LegalPositionInput, PositionInput};
use normwatch_core::incident::IncidentInput;
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput, StatementInput};

pub fn routes() -> Router<AppState> {
    let router = ledger::write_routes::<IncidentInput>(Router::new())
        .route("/incidents", get(ledger::search))
        .route("/incidents/{id}", get(ledger::incident));
    let router = ledger::finding_routes::<AssessmentInput>(router);
    let router = ledger::finding_routes::<AttributionInput>(router);
    let router = ledger::finding_routes::<StatementInput>(router);
    ledger::finding_routes::<ResponseInput>(router)
        .route("/health", get(catalog::health))
        .route("/incidents/{id}/screening", get(ledger::screening))
        .route("/incident-links", get(links::list).post(links::create))
        .route("/incident-links/{id}", get(links::one_link))
        .route("/incident-links/{id}/confirm", post(links::confirm))
        .route("/incident-links/{id}/reject", post(links::reject))
        .route("/incidents/{id}/evidence", post(evidence::upload).get(evidence::list))
        .route("/evidence-items/{id}", get(evidence::one))
        .route("/evidence-items/{id}/content", get(evidence::content))
        .route("/evidence-items/{id}/custody", post(evidence::custody))
        .route("/statements/{id}/canonical", get(statements::canonical_bytes))
        .route("/statements/{id}/signatures", post(statements::co_sign))
        .route("/statements/{id}/verify", get(statements::verify))
        .route("/metrics", get(metrics::all))
        .route("/metrics/violations", get(metrics::violations))
        .route("/metrics/attribution-lag", get(metrics::lag))
        .route("/metrics/response-rate", get(metrics::responses))
        .route("/metrics/endorsed-violations", get(metrics::endorsed))
        .route("/export/stix", get(stix::export))
        .route("/export/stix/extension-schema.json", get(stix::extension_schema))
        .route("/catalog", get(catalog::whole))
        .route("/norms", get(catalog::norms))
        .route("/norms/{id}", get(catalog::norm))
        .route("/taxonomies", get(catalog::taxonomies))
        .route("/taxonomies/{name}", get(catalog::taxonomy))
        .route("/openapi.json", get(openapi))
        .route("/me", get(accounts::me))
        .route("/me/password", post(accounts::change_password))
        .route("/tokens", post(accounts::create_token).get(accounts::list_tokens))
        .route("/tokens/{id}", delete(accounts::revoke_token))
        .route("/accounts", post(accounts::create_account).get(accounts::list_accounts))
        .route("/accounts/{id}", get(accounts::account).patch(accounts::update_account))
        .route("/accounts/{id}/password", post(accounts::reset_password))
        .route("/stakeholders", post(records::create_stakeholder).get(records::stakeholders))
        .route("/stakeholders/{id}", get(records::stakeholder).put(records::update_stakeholder))
        .route("/stakeholders/{id}/keys", post(records::add_key))
        .route("/positions", post(records::create_for_stakeholder::<PositionInput>).get(records::positions))
        .route("/positions/{id}", get(records::position))
        .route("/evidence", post(records::create_for_stakeholder::<EvidenceInput>).get(records::evidence))
        .route(
            "/legal-positions",
            post(records::create_for_stakeholder::<LegalPositionInput>).get(records::legal_positions),
        )
        .route("/adoption", get(records::adoption))
        .route("/audit", get(records::audit))
        .route("/vulnerabilities", post(capacity::create_vulnerability).get(capacity::vulnerabilities))
        .route("/vulnerabilities/{id}", get(capacity::vulnerability))
        .route("/vulnerabilities/{id}/events", post(capacity::add_event))
        .route("/capacity/programmes", post(capacity::create_programme).get(capacity::programmes))
        .route("/capacity/coverage", get(capacity::coverage))
        .route("/standards", get(capacity::standards))
        .route("/contacts", post(cbm::create_contact).get(cbm::contacts))
        .route("/checks", post(cbm::send_check).get(cbm::checks))
        .route("/checks/answer", post(cbm::answer_check))
        .route("/hotline", post(cbm::send_hotline).get(cbm::hotline))
        .route("/hotline/{id}/ack", post(cbm::acknowledge_hotline))
        .route("/webhooks", post(cbm::create_webhook))
        .route("/communities", post(community::create).get(community::list))
        .route("/communities/{id}/decisions", post(community::decide))
        .route("/consultations", post(consultation::create).get(consultation::list))
        .route("/consultations/{id}", get(consultation::one))
        .route("/consultations/{id}/comments", post(consultation::comment))
        .route("/consultations/{id}/outcome", post(consultation::decide))
        .route("/webhooks/{id}/deliveries", get(cbm::webhook_deliveries))
        .route("/hygiene/baselines", get(capacity::baselines))
        .route("/hygiene/assessments", post(capacity::create_assessment).get(capacity::assessments))
        .route("/vep/boards", post(vep::create_board).get(vep::boards))
        .route("/vep/boards/{id}/cases", post(vep::create_case).get(vep::cases))
        .route("/vep/boards/{id}/report", get(vep::report))
        .route("/vep/cases/{id}", get(vep::case))
        .route("/vep/cases/{id}/decisions", post(vep::decide))
        .route("/sources", post(collect::create_source).get(collect::sources))
        .route("/sources/{id}", get(collect::source).delete(collect::remove_source))
        .route("/triage", get(collect::triage))
        .route("/triage/{id}", get(collect::item))
        .route("/triage/{id}/promote", post(collect::promote))
        .route("/triage/{id}/attach", post(collect::attach))
        .route("/triage/{id}/dismiss", post(collect::dismiss))
        .route("/collection/coverage", get(collect::coverage))
        .route("/collection/run", post(collect::run))
        .route("/tips", post(collect::tip))
        .route("/peers", post(peers::add).get(peers::list))
        .route("/peers/{id}", get(peers::one))
        .route("/peers/{id}/sync", post(peers::sync))
        .route("/federated-records", get(peers::records))
        .route("/federated-records/{peer}/{kind}/{id}", get(peers::record))
        .route("/federated-records/{peer}/incident/{id}/adopt", post(peers::adopt))
        .route("/witnesses", post(peers::add_witness).get(peers::witnesses))
}

/// Every (method, path) the API serves under `/api/v1`, read off its router; the OpenAPI test
/// checks the document against it.
#[cfg(test)]
pub(crate) fn served() -> Vec<(axum::http::Method, String)> {
    crate::route_listing::routes(&format!("{:?}", routes()))
}

/// The OpenAPI 3.1 description of this API, kept beside the handlers it describes.
const OPENAPI: &str = include_str!("openapi.json");

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}
