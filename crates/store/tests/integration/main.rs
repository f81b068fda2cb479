//! The store's integration tests, one module per area in one test binary (one link, not one per
//! file). PostgreSQL cases fail, naming `bash scripts/test`, when no server is configured.

/// Each named test (an `async fn(Backend)`), once per backend: `name::sqlite`, `name::postgres`.
#[macro_export]
macro_rules! on_both_backends {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn sqlite() {
                super::$name(normwatch_store::Backend::Sqlite).await
            }

            #[tokio::test]
            async fn postgres() {
                super::$name(normwatch_store::Backend::Postgres).await
            }
        }
    )*};
}

mod catalog;
mod collection;
mod crosstab;
mod federation;
mod import;
mod ledger_reads;
mod publication;
mod search_index;
mod stix_import;
mod stix_sync;
mod taxii_pages;
mod write_clock;
