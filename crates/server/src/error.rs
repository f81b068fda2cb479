//! The one mapping from failures to HTTP: `application/problem+json` (RFC 9457), with the field
//! and the reason for validation errors.
use axum::http::{Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use normwatch_app::AppError;
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
    #[error("{0}")]
    InvalidBody(FieldError),
    /// A well-formed body whose field fails validation.
    #[error("{0}")]
    InvalidField(FieldError),
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("send the body as application/json")]
    UnsupportedMediaType,
    #[error("{0}")]
    Unauthenticated(String),
    #[error("role `{role}` lacks the right `{right}`{scope}")]
    Forbidden { role: String, right: &'static str, scope: String },
    #[error(
        "API writes with a session cookie need the session's X-CSRF-Token header; scripts should use a bearer token"
    )]
    CsrfRejected,
    #[error("too many attempts from here in a short time; try again in {retry_after} s")]
    TooManyRequests { retry_after: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Blob(normwatch_store::BlobError),
    /// A peer this instance follows could not be reached or answered nonsense.
    #[error("{0}")]
    Peer(String),
}

/// A use case's refusal is answered as the API answers its own: the same status and problem.
impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        match e {
            AppError::NotFound { kind, id } => ApiError::NotFound { kind, id },
            AppError::InvalidField(e) => ApiError::InvalidField(e),
            AppError::InvalidBody(e) => ApiError::InvalidBody(e),
            AppError::PayloadTooLarge { limit } => ApiError::PayloadTooLarge { limit },
            AppError::Unauthenticated(m) => ApiError::Unauthenticated(m),
            AppError::Forbidden { role, right, scope } => ApiError::Forbidden { role, right, scope },
            AppError::Store(e) => ApiError::Store(e),
            AppError::Blob(e) => ApiError::Blob(e),
            AppError::Peer(e) => ApiError::Peer(e.to_string()),
        }
    }
}

pub const PROBLEM_JSON: &str = "application/problem+json";

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound { .. } | ApiError::NoRoute(_) => StatusCode::NOT_FOUND,
            ApiError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::InvalidParameter(_) => StatusCode::BAD_REQUEST,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::InvalidBody(_) => StatusCode::BAD_REQUEST,
            ApiError::InvalidField(_) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ApiError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden { .. } | ApiError::CsrfRejected => StatusCode::FORBIDDEN,
            ApiError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            ApiError::Peer(_) => StatusCode::BAD_GATEWAY,
            ApiError::Store(StoreError::Rejected(_)) => StatusCode::UNPROCESSABLE_ENTITY,
            ApiError::Store(StoreError::Conflict(_)) => StatusCode::CONFLICT,
            ApiError::Store(StoreError::NotFound) => StatusCode::NOT_FOUND,
            ApiError::Store(_) | ApiError::Blob(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the reader is told. Internal failures are described briefly: the reader cannot act on
    /// SQL details, the operator's log has them.
    pub fn detail(&self) -> String {
        match self {
            ApiError::Store(StoreError::Rejected(_) | StoreError::Conflict(_) | StoreError::NotFound) => {
                self.to_string()
            }
            ApiError::Store(_) | ApiError::Blob(_) => {
                "the request failed inside normwatch; the operator's log has the details".to_owned()
            }
            other => other.to_string(),
        }
    }

    /// Logs what the operator must look at; refusals of bad input are the caller's business.
    pub fn log_if_internal(&self) {
        let expected =
            matches!(self, ApiError::Store(StoreError::Rejected(_) | StoreError::Conflict(_) | StoreError::NotFound));
        if !expected && matches!(self, ApiError::Store(_) | ApiError::Blob(_) | ApiError::Unavailable(_)) {
            tracing::error!(error = %self, "request failed");
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
            ApiError::InvalidBody(_) => ("invalid-body", "Invalid request body"),
            ApiError::InvalidField(_) => ("invalid-field", "Invalid field"),
            ApiError::PayloadTooLarge { .. } => ("payload-too-large", "Request body too large"),
            ApiError::UnsupportedMediaType => ("unsupported-media-type", "Unsupported media type"),
            ApiError::Unauthenticated(_) => ("unauthenticated", "Authentication required"),
            ApiError::Forbidden { .. } => ("forbidden", "Forbidden"),
            ApiError::CsrfRejected => ("csrf", "CSRF token missing or wrong"),
            ApiError::TooManyRequests { .. } => ("too-many-requests", "Too many requests"),
            ApiError::Peer(_) => ("peer-unreachable", "The peer could not be synchronised"),
            ApiError::Store(StoreError::Rejected(_)) => ("invalid-field", "Invalid field"),
            ApiError::Store(StoreError::Conflict(_)) => ("conflict", "Conflict"),
            ApiError::Store(StoreError::NotFound) => ("not-found", "Not found"),
            ApiError::Store(_) | ApiError::Blob(_) => ("internal", "Internal error"),
        };
        let mut body = json!({
            "type": format!("urn:normwatch:problem:{kind}"),
            "title": title,
            "status": status,
            "detail": self.detail(),
        });
        match self {
            ApiError::NotFound { kind, id } => {
                body["resource"] = json!(kind);
                body["id"] = json!(id);
            }
            ApiError::InvalidParameter(e)
            | ApiError::InvalidBody(e)
            | ApiError::InvalidField(e)
            | ApiError::Store(StoreError::Rejected(e)) => {
                body["errors"] = json!([{ "field": e.field, "reason": e.reason }]);
            }
            ApiError::PayloadTooLarge { limit } => {
                body["errors"] = json!([{ "field": "body", "reason": format!("at most {limit} bytes") }]);
            }
            ApiError::Forbidden { right, .. } => {
                body["missing_right"] = json!(right);
            }
            _ => {}
        }
        body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.log_if_internal();
        let mut response =
            (self.status(), [(header::CONTENT_TYPE, PROBLEM_JSON)], self.problem().to_string()).into_response();
        match &self {
            ApiError::Unauthenticated(_) => {
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, header::HeaderValue::from_static("Bearer realm=\"normwatch\""));
            }
            ApiError::TooManyRequests { retry_after } => {
                if let Ok(v) = header::HeaderValue::from_str(&retry_after.to_string()) {
                    response.headers_mut().insert(header::RETRY_AFTER, v);
                }
            }
            _ => {}
        }
        response
    }
}

/// No resource is named with U+0000, and PostgreSQL's text cannot hold it: a path that decodes
/// to one is not found, before any handler passes it to a query.
pub async fn refuse_nul_in_path(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let path = request.uri().path();
    if path.contains("%00") {
        return ApiError::NoRoute(path.to_owned()).into_response();
    }
    next.run(request).await
}

pub async fn not_found_fallback(uri: Uri) -> ApiError {
    ApiError::NoRoute(uri.path().to_owned())
}

pub async fn method_not_allowed_fallback(method: Method, uri: Uri) -> ApiError {
    ApiError::MethodNotAllowed { method, path: uri.path().to_owned() }
}
