//! STIX objects as TAXII serves them: objects others push (import, TAXII POST), kept verbatim,
//! and the STIX form of what normwatch publishes. A collection is a scope (a TLP marking and a
//! community, or the public); what a viewer may read is decided in the query, like every read.
use crate::rows::read_row;
use crate::sql::Sql;
use crate::{Store, StoreError};
use normwatch_core::{Tlp, Viewer};
use sqlx::Row;

mod export;
pub use export::STIX_SYNC_LEAVES;
mod pages;
pub(crate) use pages::PageCache;
mod write;

pub(crate) use write::add_in;

/// A collection's scope: the marking of everything in it and the community it is for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct StixScope {
    pub tlp: Tlp,
    /// `None`: readable by anyone the marking allows.
    pub community: Option<String>,
}

impl StixScope {
    pub fn public(tlp: Tlp) -> StixScope {
        StixScope { tlp, community: None }
    }

    /// The stored key (`green|` or `amber|<community id>`).
    pub fn key(&self) -> String {
        format!("{}|{}", self.tlp.name(), self.community.as_deref().unwrap_or(""))
    }

    /// Every scope the viewer may read, public ones first.
    pub fn readable_by(viewer: &Viewer) -> Vec<StixScope> {
        let markings: &[Tlp] = if viewer.is_admin() { &Tlp::ALL } else { viewer.published_markings() };
        let mut out: Vec<StixScope> = markings.iter().map(|t| StixScope::public(*t)).collect();
        for c in viewer.communities.iter().flatten() {
            out.extend(markings.iter().map(|t| StixScope { tlp: *t, community: Some(c.clone()) }));
        }
        out
    }
}

/// One object version to store, already checked.
#[derive(Debug, Clone)]
pub struct NewStixObject {
    pub stix_id: String,
    pub stix_type: String,
    pub spec_version: String,
    /// The version as written (`modified`, else `created`); `None` for unversioned objects.
    pub modified: Option<String>,
    /// `modified` as fixed-width UTC microseconds, so that text order is time order; `""` when
    /// unversioned.
    pub version_key: String,
    /// The object's JSON text, exactly as received.
    pub body: String,
    /// Its `created_by_ref` (a string), as read from `body` where the object was parsed.
    pub created_by_ref: Option<String>,
}

impl From<normwatch_stix::bundle::StixObject> for NewStixObject {
    fn from(o: normwatch_stix::bundle::StixObject) -> Self {
        NewStixObject {
            stix_id: o.id,
            stix_type: o.stix_type,
            spec_version: o.spec_version.name().to_owned(),
            modified: o.modified,
            version_key: o.version_key,
            body: o.raw.get().to_owned(),
            created_by_ref: o.created_by_ref,
        }
    }
}

/// What a store of objects did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StixAdded {
    pub added: u64,
    /// Already there (same id and `modified` in the collection): nothing changed.
    pub unchanged: u64,
    /// Versions refused because the poster is not the object's creator: (id, version, why).
    pub refused: Vec<(String, Option<String>, String)>,
}

/// Which versions of each object a read returns (TAXII `match[version]`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum VersionMatch {
    #[default]
    Last,
    First,
    All,
    /// These versions (fixed-width keys), plus `last`/`first` when asked alongside.
    Some {
        keys: Vec<String>,
        last: bool,
        first: bool,
    },
}

/// A read of a collection (TAXII objects or manifest).
#[derive(Debug, Clone, Default)]
pub struct StixFilter {
    /// Fixed-width microsecond timestamp: only objects added after it.
    pub added_after: Option<String>,
    /// Where the previous page ended: its last `date_added`.
    pub after_added: Option<String>,
    pub limit: usize,
    pub ids: Vec<String>,
    pub types: Vec<String>,
    pub spec_versions: Vec<String>,
    pub versions: VersionMatch,
    /// Only objects others shared (not normwatch's own records).
    pub foreign_only: bool,
}

/// One stored object version, as read.
#[derive(Debug, Clone)]
pub struct StixRow {
    pub stix_id: String,
    pub date_added: String,
    pub modified: Option<String>,
    pub spec_version: String,
    pub body: String,
}

#[derive(Debug, Clone, Default)]
pub struct StixPage {
    pub rows: Vec<StixRow>,
    /// More objects match after the last one.
    pub more: bool,
    /// What the HTTP layer made of this page (its TAXII envelope), made once and kept with the
    /// page for as long as the page is kept.
    pub rendered: std::sync::OnceLock<bytes::Bytes>,
}

/// A TAXII status resource.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct TaxiiStatus {
    pub id: String,
    pub scope: String,
    pub account: Option<String>,
    pub status: String,
    pub request_timestamp: String,
    pub total_count: u64,
    pub success_count: u64,
    pub failure_count: u64,
    pub pending_count: u64,
    /// `{"successes": [...], "failures": [...]}` as TAXII status details.
    pub details: serde_json::Value,
}

const DATE_ADDED_FORMAT: &[time::format_description::BorrowedFormatItem<'static>] =
    time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");

/// Microseconds since the epoch of a fixed-width `date_added`.
fn micros(text: &str) -> Option<i128> {
    let t = time::PrimitiveDateTime::parse(text, DATE_ADDED_FORMAT).ok()?.assume_utc();
    Some(t.unix_timestamp_nanos() / 1000)
}

fn from_micros(us: i128) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(us * 1000)
        .ok()
        .and_then(|t| t.format(DATE_ADDED_FORMAT).ok())
        .unwrap_or_else(|| "1970-01-01T00:00:00.000000Z".to_owned())
}

/// A client's timestamp (any RFC 3339 precision) as a fixed-width microsecond key.
pub fn timestamp_key(text: &str) -> Option<String> {
    use time::format_description::well_known::Rfc3339;
    let t = time::OffsetDateTime::parse(text, &Rfc3339).ok()?;
    t.to_offset(time::UtcOffset::UTC).format(DATE_ADDED_FORMAT).ok()
}

/// The WHERE fragment limiting `stix_objects s` to the viewer's markings and communities.
fn stix_visible(sql: &mut Sql, viewer: &Viewer) -> String {
    if viewer.is_admin() && viewer.communities.is_none() {
        return "1 = 1".to_owned();
    }
    let markings: Vec<&str> = if viewer.is_admin() {
        Tlp::ALL.iter().map(|t| t.name()).collect()
    } else {
        viewer.published_markings().iter().map(|t| t.name()).collect()
    };
    let list = sql.bind_list(markings);
    let mine = sql.bind_list(viewer.communities.iter().flatten().map(String::as_str));
    format!("(s.tlp IN {list} AND (s.community_id IS NULL OR s.community_id IN {mine}))")
}

/// The query of one page of a collection (see [`Store::stix_objects`]).
fn stix_page_sql(viewer: &Viewer, scope: &StixScope, filter: &StixFilter) -> Sql {
    let mut sql = Sql::new("");
    let visible = stix_visible(&mut sql, viewer);
    let mut cond = vec![format!("s.scope = {}", sql.bind(scope.key())), visible];
    if let Some(a) = &filter.added_after {
        cond.push(format!("s.date_added > {}", sql.bind(a.clone())));
    }
    if let Some(a) = &filter.after_added {
        cond.push(format!("s.date_added > {}", sql.bind(a.clone())));
    }
    if !filter.ids.is_empty() {
        cond.push(format!("s.stix_id IN {}", sql.bind_list(filter.ids.iter().map(String::as_str))));
    }
    if !filter.types.is_empty() {
        cond.push(format!("s.stix_type IN {}", sql.bind_list(filter.types.iter().map(String::as_str))));
    }
    if !filter.spec_versions.is_empty() {
        cond.push(format!("s.spec_version IN {}", sql.bind_list(filter.spec_versions.iter().map(String::as_str))));
    }
    if filter.foreign_only {
        cond.push("s.origin <> 'normwatch'".to_owned());
    }
    match &filter.versions {
        VersionMatch::Last => cond.push("s.latest = 1".to_owned()),
        VersionMatch::First => cond.push("s.earliest = 1".to_owned()),
        VersionMatch::All => {}
        VersionMatch::Some { keys, last, first } => {
            let mut any = Vec::new();
            if !keys.is_empty() {
                any.push(format!("s.version_key IN {}", sql.bind_list(keys.iter().map(String::as_str))));
            }
            if *last {
                any.push("s.latest = 1".to_owned());
            }
            if *first {
                any.push("s.earliest = 1".to_owned());
            }
            if any.is_empty() {
                any.push("1 = 0".to_owned());
            }
            cond.push(format!("({})", any.join(" OR ")));
        }
    }
    let limit = sql.bind_int(i64::try_from(filter.limit).unwrap_or(i64::MAX - 1).saturating_add(1));
    sql.push(&format!(
        "SELECT s.stix_id, s.date_added, s.modified, s.spec_version, s.body FROM stix_objects s \
         WHERE {} ORDER BY s.date_added LIMIT {limit}",
        cond.join(" AND ")
    ));
    sql
}

fn direct_stix_rows(
    conn: &rusqlite::Connection,
    text: &str,
    values: Vec<rusqlite::types::Value>,
) -> Result<Vec<StixRow>, StoreError> {
    crate::direct::all_rows(conn, text, values, |r| {
        Ok(StixRow {
            stix_id: r.get(0)?,
            date_added: r.get(1)?,
            modified: r.get(2)?,
            spec_version: r.get(3)?,
            body: r.get(4)?,
        })
    })
}

impl StixPage {
    /// A page from up to `limit + 1` rows: the extra one only says there is more.
    fn of(mut rows: Vec<StixRow>, limit: usize) -> StixPage {
        let more = rows.len() > limit;
        rows.truncate(limit);
        StixPage { rows, more, ..StixPage::default() }
    }
}

impl Store {
    /// Stores object versions in a collection; an id and version already there is left as it
    /// is. Each new version gets a `date_added` later than every one before it.
    pub async fn add_stix_objects(
        &self,
        scope: &StixScope,
        origin: &str,
        added_by: Option<&str>,
        objects: &[NewStixObject],
    ) -> Result<StixAdded, StoreError> {
        let mut tx = self.begin_write().await?;
        let added = add_in(&mut tx, scope, origin, added_by, objects).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// [`Store::add_stix_objects`] for bulk imports of objects others shared. On SQLite the
    /// batch is one blocking unit on the direct write connection, which commits without waiting
    /// for the disk (`synchronous = NORMAL`): the WAL keeps the database consistent after a crash,
    /// and an import cut short by one is run again (it is idempotent). Published records never
    /// take this path.
    pub async fn import_stix_objects(
        &self,
        scope: &StixScope,
        objects: Vec<NewStixObject>,
    ) -> Result<StixAdded, StoreError> {
        let Some(direct) = &self.direct else {
            return self.add_stix_objects(scope, "import", None, &objects).await;
        };
        let scope = scope.clone();
        direct
            .write_refetchable(move |tx| {
                // A page cache that holds the batch's index pages; the connection's own is given
                // back after.
                let failed = crate::direct::failed;
                let own: i64 = tx.pragma_query_value(None, "cache_size", |r| r.get(0)).map_err(failed)?;
                tx.pragma_update(None, "cache_size", -65536).map_err(failed)?;
                let added = write::add_direct(tx, &scope, "import", None, &objects);
                tx.pragma_update(None, "cache_size", own).map_err(failed)?;
                added
            })
            .await
    }

    /// A page of a collection's objects the viewer may read, in `date_added` order.
    pub async fn stix_objects(
        &self,
        viewer: &Viewer,
        scope: &StixScope,
        filter: &StixFilter,
    ) -> Result<StixPage, StoreError> {
        let sql = stix_page_sql(viewer, scope, filter);
        let rows = match &self.direct {
            // One blocking unit for the page, not a thread handoff per row.
            Some(direct) => {
                let (text, values) = sql.for_rusqlite();
                direct.read(move |conn| direct_stix_rows(conn, &text, values)).await?
            }
            None => {
                let mut rows = Vec::new();
                for r in sql.query().fetch_all(&self.pool).await? {
                    rows.push(read_row!(&r, StixRow { stix_id, date_added, modified, spec_version, body }));
                }
                rows
            }
        };
        Ok(StixPage::of(rows, filter.limit))
    }

    /// [`Store::stix_objects`] once every published record has its STIX objects (the sync runs
    /// first when the log is ahead). On SQLite, when nothing is waiting, that is one read on
    /// one connection: the log's progress and the page together, and a page read before is
    /// handed out again while no object was added since (`pages.rs`).
    pub async fn stix_objects_synced(
        &self,
        viewer: &Viewer,
        scope: &StixScope,
        filter: &StixFilter,
    ) -> Result<std::sync::Arc<StixPage>, StoreError> {
        use std::sync::Arc;
        if let Some(direct) = &self.direct {
            let (text, values) = stix_page_sql(viewer, scope, filter).for_rusqlite();
            let key = pages::key(&text, &values);
            let cache = Arc::clone(&self.stix_pages);
            let limit = filter.limit;
            let page = direct
                .read(move |conn| {
                    // One snapshot: the token and the rows it vouches for.
                    let tx = conn.unchecked_transaction().map_err(crate::direct::failed)?;
                    let (synced, size, token) = export::direct_progress(&tx)?;
                    if synced < size {
                        return Ok(None);
                    }
                    if let Some(page) = cache.get(&key, &token) {
                        return Ok(Some(page));
                    }
                    let page = Arc::new(StixPage::of(direct_stix_rows(&tx, &text, values)?, limit));
                    cache.put(key, token, Arc::clone(&page));
                    Ok(Some(page))
                })
                .await?;
            if let Some(page) = page {
                return Ok(page);
            }
        }
        self.sync_published_stix().await?;
        Ok(Arc::new(self.stix_objects(viewer, scope, filter).await?))
    }

    /// Records what became of a POST of objects.
    pub async fn save_taxii_status(&self, status: &TaxiiStatus) -> Result<(), StoreError> {
        let details = serde_json::to_string(&status.details).map_err(|e| crate::rows::corrupt("taxii status", e))?;
        let count = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        sqlx::query(
            "INSERT INTO taxii_status (id, scope, account_id, status, request_time, total_count, success_count, \
             failure_count, pending_count, details) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&status.id)
        .bind(&status.scope)
        .bind(status.account.clone())
        .bind(&status.status)
        .bind(&status.request_timestamp)
        .bind(count(status.total_count))
        .bind(count(status.success_count))
        .bind(count(status.failure_count))
        .bind(count(status.pending_count))
        .bind(details)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A status resource, if it is the viewer's (its poster's, or an administrator's).
    pub async fn taxii_status(&self, viewer: &Viewer, id: &str) -> Result<Option<TaxiiStatus>, StoreError> {
        let Some(r) =
            sqlx::query("SELECT * FROM taxii_status WHERE id = $1").bind(id).fetch_optional(&self.pool).await?
        else {
            return Ok(None);
        };
        let account: Option<String> = r.try_get("account_id")?;
        if !viewer.is_admin() && (account.is_none() || account != viewer.account) {
            return Ok(None);
        }
        let details: String = r.try_get("details")?;
        let count = |name: &str| -> Result<u64, StoreError> {
            let n: i64 = r.try_get(name)?;
            Ok(u64::try_from(n).unwrap_or(0))
        };
        Ok(Some(read_row!(&r, TaxiiStatus {
            id, scope, account: account, status, request_timestamp = "request_time", total_count: count("total_count")?,
            success_count: count("success_count")?, failure_count: count("failure_count")?,
            pending_count: count("pending_count")?, details: crate::json_column("taxii status", &details)?,
        })))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_logged_kind_has_a_stix_form() {
        for kind in crate::logged_kinds() {
            let objects = normwatch_stix::export::record_objects(kind.as_str(), "x", &serde_json::json!({"id": "x"}));
            assert!(!matches!(objects, Err(normwatch_stix::export::ExportError::UnknownKind(_))), "{kind}");
        }
    }

    #[test]
    fn timestamps_become_fixed_width_microseconds() {
        assert_eq!(timestamp_key("2024-01-02T03:04:05Z").as_deref(), Some("2024-01-02T03:04:05.000000Z"));
        assert_eq!(timestamp_key("2024-01-02T03:04:05.5+01:00").as_deref(), Some("2024-01-02T02:04:05.500000Z"));
        assert_eq!(timestamp_key("yesterday"), None);
        let k = "2024-01-02T03:04:05.123456Z";
        assert_eq!(micros(k).map(from_micros).as_deref(), Some(k));
    }

    #[test]
    fn viewers_read_scopes_of_their_markings_and_communities() {
        let anon = Viewer::anonymous();
        assert_eq!(StixScope::readable_by(&anon), vec![StixScope::public(Tlp::Clear)]);
        let member = Viewer {
            account: Some("a".into()),
            role: Some(normwatch_core::Role::Reader),
            stakeholder: None,
            communities: Some(vec!["c1".into()]),
        };
        let keys: Vec<String> = StixScope::readable_by(&member).iter().map(StixScope::key).collect();
        assert_eq!(keys, vec!["clear|", "green|", "clear|c1", "green|c1"]);
    }
}
