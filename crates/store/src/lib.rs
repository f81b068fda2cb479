//! normwatch persistence. One schema, two backends: SQLite (the embedded default, one file) and
//! PostgreSQL, through sqlx's `Any` driver so that every query is written once. Where the two
//! differ (full-text search) the store branches on [`Backend`].
#![forbid(unsafe_code)]

mod accounts;
mod audit;
mod blobs;
mod capacity;
mod catalog;
mod cbm;
mod collection;
mod community;
mod consultation;
mod crosstab;
mod cve_links;
mod direct;
mod federation;
mod incident_evidence;
mod ledger;
mod links;
mod log;
mod marked;
mod matching;
mod migrations;
mod overview;
mod positions;
mod rows;
mod search;
mod search_index;
mod sql;
mod stakeholders;
mod statements;
mod stix;
mod tables;
mod vep;
mod witnesses;

use sqlx::AnyPool;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use std::time::Duration;

pub use accounts::{NewAccount, SessionRecord, TokenRecord};
pub use audit::{Actor, AuditEntry};
pub use blobs::{BlobError, BlobLocation, BlobRef, BlobStore};
pub use capacity::VulnerabilityEvent;
pub use catalog::CatalogLoad;
pub use cbm::{CommunicationCheck, DueDelivery, WebhookDelivery};
pub use collection::{
    ItemDecision, ItemFilter, ItemPage, ItemRecord, NewItem, NewSource, SourceCoverage, SourceRecord,
};
pub use community::{Community, SuccessFactors};
pub use federation::{
    FederatedFilter, FederatedRecord, NewFederatedRecord, NewPeer, PeerCursor, PeerFork, PeerRecord, PeerRefusal,
};
pub use incident_evidence::IncidentEvidence;
pub use ledger::{ImportCounts, LedgerKind, LedgerRecord, Review, WriteOptions};
pub use links::{IncidentLink, LinkEnd, LinkPage, ProposeReport};
pub use log::{LogLeaf, StoredCheckpoint, logged_kinds};
pub use overview::{FindingCount, LatestFinding};
pub use positions::RecordFilter;
pub use search::{FacetCount, IncidentPage, IncidentSummary};
pub use stakeholders::StakeholderFilter;
pub use statements::StatementSignature;
pub use stix::{
    NewStixObject, STIX_SYNC_LEAVES, StixAdded, StixFilter, StixPage, StixRow, StixScope, TaxiiStatus, VersionMatch,
    timestamp_key,
};
pub use vep::VepBoard;
pub use witnesses::{Cosignature, WitnessRecord, WitnessedLog};

/// Which database engine a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StoreError::Url(redact_url(url)))
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("`{0}` is not a database URL normwatch can use: give sqlite://PATH or postgres://USER@HOST:PORT/DB")]
    Url(String),
    #[error("cannot open the database {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("database migrations failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(sqlx::Error),
    /// From the direct SQLite read path (`direct.rs`).
    #[error("database error: {0}")]
    Direct(String),
    #[error("stored {what} cannot be read back ({reason}); the database was changed outside normwatch")]
    Corrupt { what: String, reason: String },
    #[error("no catalogue is loaded: run `normwatch init` (or `serve`, which loads it)")]
    NoCatalog,
    /// Input that is well-formed but refers to something that does not exist or may not be.
    #[error("{0}")]
    Rejected(#[from] normwatch_core::FieldError),
    /// The record does not exist, or is not for this reader.
    #[error("no such record")]
    NotFound,
    /// A write based on a stale version, or one that would duplicate a unique value.
    #[error("{0}")]
    Conflict(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        // A unique constraint hit by a concurrent write is a conflict, not a failure.
        match e.as_database_error() {
            Some(d) if d.is_unique_violation() => {
                StoreError::Conflict("it exists already (written concurrently); read it again".into())
            }
            _ => StoreError::Database(e),
        }
    }
}

/// A database URL fit to print: the password is replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let (authority, path) = rest.split_once('/').map_or((rest, None), |(a, p)| (a, Some(p)));
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_owned(),
    };
    match path {
        Some(p) => format!("{scheme}://{authority}/{p}"),
        None => format!("{scheme}://{authority}"),
    }
}

/// The database of one normwatch instance.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// The incident search index (either backend), built on first use and kept current.
    index: std::sync::Arc<tokio::sync::Mutex<Option<search_index::IncidentIndex>>>,
    /// Held by the one task of this process that turns published records into STIX objects;
    /// others wait for it rather than read the same leaves again.
    stix_sync: std::sync::Arc<tokio::sync::Mutex<()>>,
    /// Direct reads and batch writes on SQLite (`direct.rs`); `None` on PostgreSQL.
    direct: Option<std::sync::Arc<direct::Direct>>,
    /// TAXII pages read on the direct path, kept while no STIX object is added (`stix/pages.rs`).
    stix_pages: std::sync::Arc<stix::PageCache>,
}

impl Store {
    /// Opens (creating an SQLite file if needed) and migrates the database.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let (url, max) = match backend {
            // SQLite allows one writer: a small pool avoids lock contention on 2 cores.
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                (format!("{url}{sep}mode=rwc"), 4)
            }
            Backend::Sqlite => (url.to_owned(), 4),
            Backend::Postgres => (url.to_owned(), 10),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(max)
            .acquire_timeout(Duration::from_secs(10))
            .connect(&url)
            .await
            .map_err(|source| StoreError::Connect { url: redact_url(&url), source })?;
        if backend == Backend::Sqlite {
            // Both on one connection: the page size takes effect only before the file's first
            // write, and switching to WAL is that write. (On two of the pool's connections the
            // switch came first and new files kept 4 KiB pages.) Larger pages halve the pages,
            // and the writes, that STIX bodies and evidence texts of a kilobyte or more spill over.
            let mut first = pool.acquire().await?;
            sqlx::query("PRAGMA page_size = 16384").execute(&mut *first).await?;
            // WAL lets readers go on while a write commits; it persists in the file.
            sqlx::query("PRAGMA journal_mode = WAL").execute(&mut *first).await?;
            drop(first);
        }
        migrations::for_backend(backend).run(&pool).await?;
        let direct = if backend == Backend::Sqlite { direct::Direct::for_url(&url) } else { None };
        let store = Store {
            pool,
            backend,
            index: Default::default(),
            stix_sync: Default::default(),
            direct,
            stix_pages: Default::default(),
        };
        store.run_pending_backfills().await?;
        Ok(store)
    }

    /// A transaction for a write. On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`):
    /// a deferred transaction that reads first fails with SQLITE_BUSY when another writer commits
    /// in between, where waiting is right.
    pub(crate) async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, StoreError> {
        Ok(match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        })
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Now, as a stored timestamp.
pub fn now_rfc3339() -> String {
    timestamp(time::OffsetDateTime::now_utc())
}

/// A stored timestamp: fixed-width RFC 3339 in UTC with milliseconds, so that text order is
/// time order on both backends.
pub fn timestamp(t: time::OffsetDateTime) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    t.to_offset(time::UtcOffset::UTC).format(&format).unwrap_or_else(|_| "1970-01-01T00:00:00.000Z".to_owned())
}

/// A new record id: UUIDv7, so ids sort by creation time.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// Decodes a stored JSON column.
pub(crate) fn json_column<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt { what: what.to_owned(), reason: e.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords_only() {
        assert_eq!(redact_url("postgres://nw:s3cret@db:5432/nw"), "postgres://nw:***@db:5432/nw");
        assert_eq!(redact_url("postgres://nw@db/nw"), "postgres://nw@db/nw");
        assert_eq!(redact_url("sqlite:///var/lib/nw.db"), "sqlite:///var/lib/nw.db");
    }

    #[test]
    fn refuses_unknown_schemes() {
        assert!(matches!(Backend::from_url("mysql://x"), Err(StoreError::Url(_))));
    }
}
