//! `/api/v1`: the JSON API.
mod accounts;
pub(crate) mod capacity;
mod catalog;
mod cbm;
mod community;
mod consultation;
pub(crate) mod evidence;
pub(crate) mod ledger;
pub(crate) mod metrics;
#[cfg(test)]
mod openapi_check;
pub(crate) mod records;
pub(crate) mod statements;
mod stix;
pub(crate) mod vep;

use crate::AppState;
use crate::error::ApiError;
use axum::Router;
use axum::handler::Handler;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, on};
use normwatch_core::LangChoice;
use normwatch_core::incident::IncidentInput;
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput, StatementInput};
use serde::Serialize;
use sha2::{Digest, Sha256};

pub fn routes() -> Router<AppState> {
    table().router
}

/// Every (method, path) the API serves under `/api/v1`, as the router was built; the OpenAPI
/// test checks the document against it.
#[cfg(test)]
pub(crate) fn served() -> Vec<(Method, String)> {
    table().served
}

/// A router that lists what it serves: every API route is added through it, so a new route
/// shows up in `served()` (and so in the OpenAPI test) the day it is added.
pub(crate) struct Routes {
    router: Router<AppState>,
    served: Vec<(Method, String)>,
}

impl Routes {
    fn new() -> Routes {
        Routes { router: Router::new(), served: Vec::new() }
    }

    fn on<H, T>(mut self, method: Method, filter: MethodFilter, path: &str, handler: H) -> Routes
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        // axum merges methods added separately on one path.
        self.router = self.router.route(path, on(filter, handler));
        self.served.push((method, path.to_owned()));
        self
    }

    pub(crate) fn get<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Routes {
        self.on(Method::GET, MethodFilter::GET, path, handler)
    }

    pub(crate) fn post<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Routes {
        self.on(Method::POST, MethodFilter::POST, path, handler)
    }

    pub(crate) fn put<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Routes {
        self.on(Method::PUT, MethodFilter::PUT, path, handler)
    }

    pub(crate) fn delete<H: Handler<T, AppState>, T: 'static>(self, path: &str, handler: H) -> Routes {
        self.on(Method::DELETE, MethodFilter::DELETE, path, handler)
    }
}

fn table() -> Routes {
    let router = ledger::write_routes::<IncidentInput>(Routes::new())
        .get("/incidents", ledger::search)
        .get("/incidents/{id}", ledger::incident);
    let router = ledger::finding_routes::<AssessmentInput>(router);
    let router = ledger::finding_routes::<AttributionInput>(router);
    let router = ledger::finding_routes::<StatementInput>(router);
    ledger::finding_routes::<ResponseInput>(router)
        .get("/health", catalog::health)
        .get("/incidents/{id}/screening", ledger::screening)
        .post("/incidents/{id}/evidence", evidence::upload)
        .get("/incidents/{id}/evidence", evidence::list)
        .get("/evidence-items/{id}", evidence::one)
        .get("/evidence-items/{id}/content", evidence::content)
        .post("/evidence-items/{id}/custody", evidence::custody)
        .get("/statements/{id}/canonical", statements::canonical_bytes)
        .post("/statements/{id}/signatures", statements::co_sign)
        .get("/statements/{id}/verify", statements::verify)
        .get("/metrics/violations", metrics::violations)
        .get("/metrics/attribution-lag", metrics::lag)
        .get("/metrics/response-rate", metrics::responses)
        .get("/metrics/endorsed-violations", metrics::endorsed)
        .get("/export/stix", stix::export)
        .get("/export/stix/extension-schema.json", stix::extension_schema)
        .get("/catalog", catalog::whole)
        .get("/norms", catalog::norms)
        .get("/norms/{id}", catalog::norm)
        .get("/taxonomies", catalog::taxonomies)
        .get("/taxonomies/{name}", catalog::taxonomy)
        .get("/openapi.json", openapi)
        .get("/me", accounts::me)
        .post("/me/password", accounts::change_password)
        .post("/tokens", accounts::create_token)
        .get("/tokens", accounts::list_tokens)
        .delete("/tokens/{id}", accounts::revoke_token)
        .post("/accounts", accounts::create_account)
        .get("/accounts", accounts::list_accounts)
        .post("/stakeholders", records::create_stakeholder)
        .get("/stakeholders", records::stakeholders)
        .get("/stakeholders/{id}", records::stakeholder)
        .put("/stakeholders/{id}", records::update_stakeholder)
        .post("/stakeholders/{id}/keys", records::add_key)
        .post("/positions", records::create_position)
        .get("/positions", records::positions)
        .get("/positions/{id}", records::position)
        .post("/evidence", records::create_evidence)
        .get("/evidence", records::evidence)
        .post("/legal-positions", records::create_legal_position)
        .get("/legal-positions", records::legal_positions)
        .get("/adoption", records::adoption)
        .get("/audit", records::audit)
        .post("/vulnerabilities", capacity::create_vulnerability)
        .get("/vulnerabilities", capacity::vulnerabilities)
        .get("/vulnerabilities/{id}", capacity::vulnerability)
        .post("/vulnerabilities/{id}/events", capacity::add_event)
        .post("/capacity/programmes", capacity::create_programme)
        .get("/capacity/programmes", capacity::programmes)
        .get("/capacity/coverage", capacity::coverage)
        .get("/standards", capacity::standards)
        .post("/contacts", cbm::create_contact)
        .get("/contacts", cbm::contacts)
        .post("/checks", cbm::send_check)
        .get("/checks", cbm::checks)
        .post("/checks/answer", cbm::answer_check)
        .post("/hotline", cbm::send_hotline)
        .get("/hotline", cbm::hotline)
        .post("/hotline/{id}/ack", cbm::acknowledge_hotline)
        .post("/webhooks", cbm::create_webhook)
        .post("/communities", community::create)
        .get("/communities", community::list)
        .post("/communities/{id}/decisions", community::decide)
        .post("/consultations", consultation::create)
        .get("/consultations", consultation::list)
        .get("/consultations/{id}", consultation::one)
        .post("/consultations/{id}/comments", consultation::comment)
        .post("/consultations/{id}/outcome", consultation::decide)
        .get("/webhooks/{id}/deliveries", cbm::webhook_deliveries)
        .get("/hygiene/baselines", capacity::baselines)
        .post("/hygiene/assessments", capacity::create_assessment)
        .get("/hygiene/assessments", capacity::assessments)
        .post("/vep/boards", vep::create_board)
        .get("/vep/boards", vep::boards)
        .post("/vep/boards/{id}/cases", vep::create_case)
        .get("/vep/boards/{id}/cases", vep::cases)
        .get("/vep/boards/{id}/report", vep::report)
        .get("/vep/cases/{id}", vep::case)
        .post("/vep/cases/{id}/decisions", vep::decide)
}

/// The OpenAPI 3.1 description of this API, kept beside the handlers it describes.
const OPENAPI: &str = include_str!("openapi.json");

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

/// `201 Created` with the record and its `Location`.
pub(crate) fn created<T: Serialize>(value: &T, location: String) -> Response {
    let mut r = (StatusCode::CREATED, axum::Json(value)).into_response();
    if let Ok(v) = HeaderValue::from_str(&location) {
        r.headers_mut().insert(header::LOCATION, v);
    }
    r
}

/// Renders a value as JSON in the chosen language, with a strong ETag over the bytes sent;
/// a matching `If-None-Match` gets 304.
pub fn render<T: Serialize>(request: &HeaderMap, lang: LangChoice, value: &T) -> Result<Response, ApiError> {
    let mut json = serde_json::to_value(value).map_err(|e| {
        ApiError::Store(normwatch_store::StoreError::Corrupt { what: "response".into(), reason: e.to_string() })
    })?;
    lang.project(&mut json);
    let body = json.to_string();
    let etag = format!("\"{}\"", &hex::encode(Sha256::digest(body.as_bytes()))[..32]);
    let matches = request
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut response = if matches {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    let headers = response.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&etag) {
        headers.insert(header::ETAG, v);
    }
    headers.insert(header::VARY, HeaderValue::from_static("Accept-Language"));
    if let LangChoice::One(l) = lang {
        headers.insert(header::CONTENT_LANGUAGE, HeaderValue::from_static(l.code()));
    }
    Ok(response)
}
