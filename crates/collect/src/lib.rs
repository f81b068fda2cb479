//! The collection pipeline (GCSC Recommendation 4, "systematically collect"): sources, fetching
//! with limits and refusal of private addresses, parsing entries into items, de-duplication and
//! near-duplicate clustering, a ja/en country gazetteer, and a classifier that proposes labels
//! with their reasons. Pure library: storage, scheduling and routes live in the layers above.
#![forbid(unsafe_code)]

pub mod classify;
pub mod dedupe;
pub mod evaluate;
pub mod examples;
pub mod fetch;
pub mod gazetteer;
mod label;
pub mod parse;
pub mod poll;
mod rules;
pub mod source;
mod text;

pub use classify::{Classifier, Example, Family, Model, ModelError, Proposal};
pub use dedupe::{Admission, Clusters, Deduper};
pub use fetch::{FetchError, Fetched, Fetcher, Health, Limits, Validators};
pub use parse::{Item, ParseError};
pub use source::{Source, SourceConfig, SourceError, SourceKind};
