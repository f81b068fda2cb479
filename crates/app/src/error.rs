//! Why a use case refused or failed. The HTTP edge maps each variant to its status once
//! (server/src/error.rs); the CLI prints it.
use normwatch_core::FieldError;
use normwatch_store::{BlobError, StoreError};

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("no {kind} `{id}`")]
    NotFound { kind: &'static str, id: String },
    /// A well-formed input whose field fails a rule.
    #[error("{0}")]
    InvalidField(FieldError),
    /// Bytes that did not arrive whole.
    #[error("{0}")]
    InvalidBody(FieldError),
    #[error("the request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    #[error("{0}")]
    Unauthenticated(String),
    #[error("role `{role}` lacks the right `{right}`{scope}")]
    Forbidden { role: String, right: &'static str, scope: String },
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Blob(BlobError),
    /// A peer that could not be reached or answered what a normwatch peer does not.
    #[error(transparent)]
    Peer(#[from] normwatch_federation::FederationError),
}

impl AppError {
    pub(crate) fn field(field: &str, reason: impl Into<String>) -> AppError {
        AppError::InvalidField(FieldError::new(field, reason))
    }
}
