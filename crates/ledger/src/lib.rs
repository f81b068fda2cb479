//! The transparency log's mathematics and formats, with no I/O: RFC 9162 Merkle tree hashing,
//! inclusion and consistency proofs (generation and verification), C2SP `tlog-checkpoint`
//! checkpoints inside C2SP signed notes, Ed25519 log keys and `tlog-cosignature` witness
//! cosignatures, and RFC 8785 canonical JSON for the leaves. The store keeps the leaves; the
//! server publishes checkpoints and proofs; the CLI verifies offline.
#![forbid(unsafe_code)]

pub mod checkpoint;
pub mod frontier;
pub mod jcs;
pub mod key;
pub mod note;
pub mod tree;
pub mod verify;

pub use checkpoint::Checkpoint;
pub use frontier::{Frontier, FrontierError};
pub use key::{InstanceKey, KeyError, VerifierKey};
pub use tree::{Hash, MerkleTree, ProofError, empty_root, leaf_hash, node_hash};
pub use verify::{VerifyError, verify_consistency, verify_inclusion};
