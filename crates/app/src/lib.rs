//! normwatch's use cases: the multi-step writes every interface (the JSON API, the portal, the
//! CLI) makes the same way. Each takes who acts ([`Acting`], from core's `Account`) and runs
//! over narrow storage traits ([`ports`]), so it knows nothing of HTTP and little of the store.
#![forbid(unsafe_code)]

mod acting;
pub mod adoption;
pub mod analysis;
pub mod capacity;
pub mod collect;
mod error;
pub mod evidence;
pub mod federated;
pub mod federation;
pub mod figure_cache;
pub mod ledger;
pub mod metrics;
pub mod overview;
pub mod ports;
pub mod stakeholder_records;
pub mod statements;
pub mod vep;
pub mod witnesses;

pub use acting::Acting;
pub use adoption::MatrixQuery;
pub use capacity::NamedVulnerability;
pub use collect::{CollectReport, Collector, TipInput, TriageInput};
pub use error::AppError;
pub use evidence::Blobs;
pub use federation::{PeerInput, PeerView, SyncReport};
pub use figure_cache::FigureCache;
pub use ledger::{CorrectionInput, LedgerInput, ReviewInput};
pub use stakeholder_records::StakeholderRecord;
pub use statements::SignatureInput;
pub use vep::BoardSeat;

use normwatch_core::Catalog;
use normwatch_core::violation::ReviewRule;
use std::sync::Arc;

/// What a use case runs against: the storage, the catalogue inputs are checked against, the
/// date they are checked on, and the instance's review rule.
#[derive(Debug, Clone)]
pub struct App<'a, S> {
    pub store: &'a S,
    pub catalog: Arc<Catalog>,
    pub today: time::Date,
    pub review_rule: ReviewRule,
    /// Figures kept until the next write (the instance's one cache).
    pub figures: &'a FigureCache,
}

// Administration and cooperation: accounts, stakeholders, communities, consultations, CBMs, links.
pub mod accounts;
pub mod cbm;
pub mod communities;
pub mod consultations;
pub mod links;
pub mod stakeholders;
#[cfg(test)]
mod test_world;

pub use accounts::{CreatedAccount, MintedToken, Secrets};
pub use cbm::{CheckDelivery, HotlineSent};
