//! The one mapping from failures to HTTP: `application/problem+json` (RFC 9457), with the field
//! and the reason for validation errors.
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use normwatch_core::FieldError;
use normwatch_store::StoreError;
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("no {kind} `{id}`")]
    NotFound { kind: &'static str, id: String },
    #[error("no resource at {0}")]
    NoRoute(String),
    #[error("{method} is not allowed on {path}")]
    MethodNotAllowed { method: Method, path: String },
    #[error("{0}")]
    InvalidParameter(#[from] FieldError),
    #[error("the database is not reachable: {0}")]
    Unavailable(StoreError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

pub const PROBLEM_JSON: &str = "application/problem+json";

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound { .. } | ApiError::NoRoute(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::InvalidParameter(_) => StatusCode::BAD_REQUEST,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Store(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The problem document. Internal errors are logged in full and described briefly: the
    /// reader cannot act on SQL details.
    pub fn problem(&self) -> serde_json::Value {
        let status = self.status().as_u16();
        let (kind, title) = match self {
            ApiError::NotFound { .. } => ("not-found", "Not found"),
            ApiError::NoRoute(_) => ("no-route", "Not found"),
            ApiError::MethodNotAllowed { .. } => ("method-not-allowed", "Method not allowed"),
            ApiError::InvalidParameter(_) => ("invalid-parameter", "Invalid parameter"),
            ApiError::Unavailable(_) => ("unavailable", "Service unavailable"),
            ApiError::Store(_) => ("internal", "Internal error"),
        };
        let mut body = json!({
            "type": format!("urn:normwatch:problem:{kind}"),
            "title": title,
            "status": status,
            "detail": match self {
                ApiError::Store(_) => "the request failed inside normwatch; the operator's log has the details".to_owned(),
                other => other.to_string(),
            },
        });
        match self {
            ApiError::NotFound { kind, id } => {
                body["resource"] = json!(kind);
                body["id"] = json!(id);
            }
            ApiError::InvalidParameter(e) => {
                body["errors"] = json!([{ "field": e.field, "reason": e.reason }]);
            }
            _ => {}
        }
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if matches!(self, ApiError::Store(_) | ApiError::Unavailable(_)) {
            tracing::error!(error = %self, "request failed");
        }
        let mut response =
            (self.status(), [(header::CONTENT_TYPE, PROBLEM_JSON)], self.problem().to_string()).into_response();
        if let ApiError::MethodNotAllowed { .. } = self {
            response.headers_mut().insert(header::ALLOW, header::HeaderValue::from_static("GET, HEAD"));
        }
        response
    }
}

pub async fn not_found_fallback(uri: Uri) -> ApiError {
    ApiError::NoRoute(uri.path().to_owned())
}

pub async fn method_not_allowed_fallback(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed { method, path: uri.path().to_owned() }
}
