//! Following another normwatch instance (GCSC Recommendation 5: many independent observers):
//! its signed checkpoints, its published records over TAXII 2.1 and each record's inclusion
//! proof, checked against the key the follower pinned before anything is kept. No storage: the
//! use cases in `app::federation` keep what this returns, and say what it refused.
#![forbid(unsafe_code)]

pub mod client;
pub mod verify;
pub mod witness;

pub use client::{Announced, ObjectPage, PeerClient, PeerCollection, peer_url};
pub use verify::{
    LeafWindow, RecordProof, Seen, Step, check_consistency, checked_checkpoint, seen, step, verify_record,
};
pub use witness::{CheckedCosignature, cosignatures, cosigned, received_cosignatures, unix_now};

/// What can go wrong talking to a peer. A verification failure is not an error here: it is a
/// verdict ([`verify`]) the caller records.
#[derive(Debug, thiserror::Error)]
pub enum FederationError {
    #[error("cannot reach {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("{url} answered {status}: {body}")]
    Status { url: String, status: u16, body: String },
    #[error("{url} answered something that is not what a normwatch peer sends: {reason}")]
    Malformed { url: String, reason: String },
    #[error("the peer URL `{0}` is not an http(s) URL such as https://observatory.example.org")]
    BadUrl(String),
}
