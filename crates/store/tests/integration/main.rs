//! The store's integration tests, one module per area in one test binary (one link, not one per
//! file). PostgreSQL cases fail, naming `bash scripts/test`, when no server is configured.

mod catalog;
mod collection;
mod crosstab;
mod federation;
mod search_index;
mod stix_sync;
mod write_clock;
