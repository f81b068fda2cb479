//! STIX objects as TAXII serves them: objects others push (import, TAXII POST), kept verbatim,
//! and the STIX form of what normwatch publishes. A collection is a scope (a TLP marking and a
//! community, or the public); what a viewer may read is decided in the query, like every read.
use crate::sql::Sql;
use crate::{Store, StoreError};
use normwatch_core::{RecordKind, Tlp, Viewer};
use sqlx::Row;

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

/// Rows per INSERT statement (12 values each, within either backend's limit on placeholders).
const INSERT_ROWS: usize = 400;

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
        let added = add_in(self.backend, &mut tx, scope, origin, added_by, objects).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// [`Store::add_stix_objects`] for bulk imports of objects others shared. On SQLite the
    /// batch commits without waiting for the disk (`synchronous = NORMAL`): the WAL keeps the
    /// database consistent after a crash, and an import cut short by one is run again (it is
    /// idempotent). Published records never take this path. The connection is closed after use,
    /// so the setting never reaches another write.
    pub async fn import_stix_objects(
        &self,
        scope: &StixScope,
        objects: &[NewStixObject],
    ) -> Result<StixAdded, StoreError> {
        if self.backend != crate::Backend::Sqlite {
            return self.add_stix_objects(scope, "import", None, objects).await;
        }
        let mut conn = self.pool.acquire().await?;
        conn.close_on_drop();
        sqlx::query("PRAGMA synchronous = NORMAL").execute(&mut *conn).await?;
        let mut tx = sqlx::Connection::begin_with(&mut *conn, "BEGIN IMMEDIATE").await?;
        let added = add_in(self.backend, &mut tx, scope, "import", None, objects).await?;
        tx.commit().await?;
        Ok(added)
    }

    /// A page of a collection's objects the viewer may read, in `date_added` order.
    pub async fn stix_objects(
        &self,
        viewer: &Viewer,
        scope: &StixScope,
        filter: &StixFilter,
    ) -> Result<StixPage, StoreError> {
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
        let mut rows = Vec::new();
        for r in sql.query().fetch_all(&self.pool).await? {
            rows.push(StixRow {
                stix_id: r.try_get("stix_id")?,
                date_added: r.try_get("date_added")?,
                modified: r.try_get("modified")?,
                spec_version: r.try_get("spec_version")?,
                body: r.try_get("body")?,
            });
        }
        let more = rows.len() > filter.limit;
        rows.truncate(filter.limit);
        Ok(StixPage { rows, more })
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
        Ok(Some(TaxiiStatus {
            id: r.try_get("id")?,
            scope: r.try_get("scope")?,
            account,
            status: r.try_get("status")?,
            request_timestamp: r.try_get("request_time")?,
            total_count: count("total_count")?,
            success_count: count("success_count")?,
            failure_count: count("failure_count")?,
            pending_count: count("pending_count")?,
            details: crate::json_column("taxii status", &details)?,
        }))
    }
}

/// Takes the stix_head row (the lock that orders `date_added`) and returns the last one given.
async fn lock_head(tx: &mut sqlx::AnyConnection) -> Result<(String, i64), StoreError> {
    let row = sqlx::query("UPDATE stix_head SET id = id WHERE id = 1 RETURNING last_added, synced_size")
        .fetch_one(&mut *tx)
        .await?;
    Ok((row.try_get("last_added")?, row.try_get("synced_size")?))
}

pub(crate) async fn add_in(
    backend: crate::Backend,
    tx: &mut sqlx::AnyConnection,
    scope: &StixScope,
    origin: &str,
    added_by: Option<&str>,
    objects: &[NewStixObject],
) -> Result<StixAdded, StoreError> {
    if objects.is_empty() {
        return Ok(StixAdded::default());
    }
    let (last, _) = lock_head(tx).await?;
    // Under the head lock, so that no version slips in between the check and the insert.
    let (kept, refused) = if origin == "normwatch" {
        (objects.to_vec(), Vec::new())
    } else {
        creators_only(tx, objects, added_by).await?
    };
    let objects = &kept[..];
    if objects.is_empty() {
        return Ok(StixAdded { refused, ..StixAdded::default() });
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp_nanos() / 1000;
    let mut next = now.max(micros(&last).unwrap_or(0) + 1);
    let first_added = from_micros(next);
    let key = scope.key();
    let mut added = 0u64;
    for chunk in objects.chunks(INSERT_ROWS) {
        let mut sql = Sql::new(
            "INSERT INTO stix_objects (scope, stix_id, version_key, modified, stix_type, spec_version, tlp, \
             community_id, date_added, origin, added_by, body, latest, earliest) VALUES ",
        );
        let mut rows = Vec::with_capacity(chunk.len());
        for o in chunk {
            let values = [
                sql.bind(key.clone()),
                sql.bind(o.stix_id.clone()),
                sql.bind(o.version_key.clone()),
                match &o.modified {
                    Some(m) => sql.bind(m.clone()),
                    None => "NULL".to_owned(),
                },
                sql.bind(o.stix_type.clone()),
                sql.bind(o.spec_version.clone()),
                sql.bind(scope.tlp.name()),
                match &scope.community {
                    Some(c) => sql.bind(c.clone()),
                    None => "NULL".to_owned(),
                },
                sql.bind(from_micros(next)),
                sql.bind(origin),
                match added_by {
                    Some(a) => sql.bind(a),
                    None => "NULL".to_owned(),
                },
                sql.bind(o.body.clone()),
            ];
            next += 1;
            // A new id is its own first and last version; ids with others are mended below.
            rows.push(format!("({}, 1, 1)", values.join(", ")));
        }
        sql.push(&rows.join(", "));
        sql.push(" ON CONFLICT (scope, stix_id, version_key) DO NOTHING");
        if backend == crate::Backend::Sqlite {
            sql.positional();
        }
        added += sql.query().execute(&mut *tx).await?.rows_affected();
    }
    // Which version is first and last changes only for ids this call gave another version
    // (rewriting every new row would write each body twice).
    sqlx::query(
        "UPDATE stix_objects SET \
           latest = CASE WHEN version_key = (SELECT MAX(v.version_key) FROM stix_objects v WHERE v.scope = stix_objects.scope AND v.stix_id = stix_objects.stix_id) THEN 1 ELSE 0 END, \
           earliest = CASE WHEN version_key = (SELECT MIN(v.version_key) FROM stix_objects v WHERE v.scope = stix_objects.scope AND v.stix_id = stix_objects.stix_id) THEN 1 ELSE 0 END \
         WHERE scope = $1 AND stix_id IN (SELECT n.stix_id FROM stix_objects n WHERE n.scope = $1 AND n.date_added >= $2 \
           AND EXISTS (SELECT 1 FROM stix_objects o WHERE o.scope = n.scope AND o.stix_id = n.stix_id AND o.version_key <> n.version_key))",
    )
    .bind(&key)
    .bind(&first_added)
    .execute(&mut *tx)
    .await?;
    sqlx::query("UPDATE stix_head SET last_added = $1 WHERE id = 1")
        .bind(from_micros(next - 1))
        .execute(&mut *tx)
        .await?;
    Ok(StixAdded { added, unchanged: objects.len() as u64 - added, refused })
}

type Refusal = (String, Option<String>, String);

/// Splits incoming objects into those that may be stored and the new versions that only their
/// creator may make (see `normwatch_stix::versioning`). A version the store already holds is
/// never refused: sending it again changes nothing.
async fn creators_only(
    tx: &mut sqlx::AnyConnection,
    objects: &[NewStixObject],
    poster: Option<&str>,
) -> Result<(Vec<NewStixObject>, Vec<Refusal>), StoreError> {
    use normwatch_stix::versioning::{Held, refusal};
    use std::collections::{HashMap, HashSet};
    let mut held: HashMap<String, Held> = HashMap::new();
    let mut versions: HashSet<(String, String)> = HashSet::new();
    for chunk in objects.chunks(INSERT_ROWS) {
        let mut sql = Sql::new("");
        let ids = sql.bind_list(chunk.iter().map(|o| o.stix_id.as_str()));
        sql.push(&format!(
            "SELECT stix_id, version_key, origin, added_by, CASE WHEN earliest = 1 THEN body END AS first_body \
             FROM stix_objects WHERE stix_id IN {ids}"
        ));
        for r in sql.query().fetch_all(&mut *tx).await? {
            let id: String = r.try_get("stix_id")?;
            versions.insert((id.clone(), r.try_get("version_key")?));
            let origin: String = r.try_get("origin")?;
            let entry = held.entry(id).or_insert(Held { ours: false, created_by_ref: None, shared_by: None });
            entry.ours |= origin == "normwatch";
            if let Some(body) = r.try_get::<Option<String>, _>("first_body")? {
                entry.created_by_ref = created_by(&body);
                entry.shared_by = r.try_get("added_by")?;
            }
        }
    }
    // Whose identities are registered here, and whom the poster acts for.
    let mut registered: HashMap<String, String> = HashMap::new();
    for r in sqlx::query("SELECT id FROM stakeholders").fetch_all(&mut *tx).await? {
        let id: String = r.try_get("id")?;
        registered.insert(normwatch_stix::export::stakeholder_identity_id(&id), id);
    }
    let acts_for: Option<String> = match poster {
        Some(account) => sqlx::query("SELECT stakeholder_id FROM accounts WHERE id = $1")
            .bind(account)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("stakeholder_id"))
            .transpose()?
            .flatten(),
        None => None,
    };
    let who = normwatch_stix::versioning::Poster { account: poster, stakeholder: acts_for.as_deref() };
    let mut kept = Vec::with_capacity(objects.len());
    let mut refused = Vec::new();
    for o in objects {
        let again = versions.contains(&(o.stix_id.clone(), o.version_key.clone()));
        let creator = created_by(&o.body);
        let claimed = creator.as_ref().and_then(|c| registered.get(c)).map(String::as_str);
        match refusal(held.get(&o.stix_id), creator.as_deref(), claimed, who).filter(|_| !again) {
            Some(why) => refused.push((o.stix_id.clone(), o.modified.clone(), why)),
            None => kept.push(o.clone()),
        }
    }
    Ok((kept, refused))
}

fn created_by(body: &str) -> Option<String> {
    #[derive(serde::Deserialize)]
    struct Creator {
        created_by_ref: Option<String>,
    }
    serde_json::from_str::<Creator>(body).ok().and_then(|c| c.created_by_ref)
}

/// A STIX object normwatch made, ready to store.
fn own_object(object: &serde_json::Value) -> Option<NewStixObject> {
    let id = object.get("id")?.as_str()?.to_owned();
    let stix_type = object.get("type")?.as_str()?.to_owned();
    let modified = object.get("modified").or_else(|| object.get("created")).and_then(|v| v.as_str()).map(str::to_owned);
    let version_key = modified.as_deref().and_then(timestamp_key).unwrap_or_default();
    Some(NewStixObject {
        stix_id: id,
        stix_type,
        spec_version: "2.1".to_owned(),
        modified,
        version_key,
        body: object.to_string(),
    })
}

fn stix_failure(kind: &str, id: &str, e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt { what: format!("{kind} {id}"), reason: format!("cannot be expressed in STIX: {e}") }
}

/// The objects every collection of normwatch's records carries: its identity and the
/// extension-definition its notes use.
fn common_objects() -> Vec<serde_json::Value> {
    let mut out = vec![normwatch_stix::export::normwatch_identity(), normwatch_stix::export::extension_definition()];
    out.extend(normwatch_stix::export::tlp_marking_definitions());
    out
}

impl Store {
    /// The first version of a record's correction chain (its STIX objects keep that id).
    /// The chain is followed only through published records of the same marking and
    /// community: a draft, or a version shared with fewer readers, is no version of what these
    /// readers get, and its id must not reach them.
    async fn version_root(&self, kind: RecordKind, record: &serde_json::Value) -> Result<String, StoreError> {
        let mut root = record.get("id").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let scope = self.scope_of(kind, record).await?;
        let mut previous = record.get("supersedes").and_then(|v| v.as_str()).map(str::to_owned);
        // A chain longer than this would be a cycle written outside normwatch.
        for _ in 0..1000 {
            let Some(p) = previous.take() else { break };
            let Some(older) = self.published_in_scope(kind, &p, scope.as_ref()).await? else { break };
            root = p;
            previous = older.get("supersedes").and_then(|v| v.as_str()).map(str::to_owned);
        }
        Ok(root)
    }

    /// A record's marking and community. Not every kind's JSON names its community (positions
    /// and the other stakeholder records keep it in their row); findings and evidence without
    /// one of their own share their incident's.
    async fn scope_of(&self, kind: RecordKind, record: &serde_json::Value) -> Result<Option<StixScope>, StoreError> {
        let Some(tlp) = record.get("tlp").and_then(|v| v.as_str()).and_then(|t| t.parse::<Tlp>().ok()) else {
            return Ok(None);
        };
        let id = record.get("id").and_then(|v| v.as_str()).unwrap_or_default();
        let mut community = record.get("community").and_then(|v| v.as_str()).map(str::to_owned);
        let table = kind.community_shareable().then(|| crate::log::table(kind));
        if community.is_none()
            && let Some(table) = table
        {
            let sql = format!("SELECT community_id FROM {table} WHERE id = $1");
            if let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&self.pool).await? {
                community = row.try_get("community_id")?;
            }
        }
        if community.is_none()
            && kind == RecordKind::VulnerabilityEvent
            && let Some(row) = sqlx::query(
                "SELECT v.community_id FROM vulnerability_events e JOIN vulnerabilities v ON v.id = e.vulnerability_id \
                 WHERE e.id = $1",
            )
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
        {
            community = row.try_get("community_id")?;
        }
        if community.is_none()
            && let Some(incident) = record.get("incident").and_then(|v| v.as_str())
            && let Some(i) =
                self.ledger_record::<normwatch_core::incident::IncidentInput>(&Viewer::system(), incident).await?
        {
            community = i.body.community.clone();
        }
        Ok(Some(StixScope { tlp, community }))
    }

    /// The logged record `id` of `kind` when it is published in `scope` (a logged record is
    /// published; its scope must be the same).
    async fn published_in_scope(
        &self,
        kind: RecordKind,
        id: &str,
        scope: Option<&StixScope>,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        let Some(older) = self.logged_record(&Viewer::system(), kind, id).await? else { return Ok(None) };
        if older.get("status").and_then(|v| v.as_str()).is_some_and(|s| s != "published") {
            return Ok(None);
        }
        if self.leaf_of(kind.as_str(), id).await?.is_none() {
            return Ok(None);
        }
        let same = self.scope_of(kind, &older).await?;
        Ok((same.as_ref() == scope).then_some(older))
    }

    /// A record as the export reads it: a statement with its co-signatures, a vulnerability
    /// event with its vulnerability's marking.
    async fn enriched(&self, kind: RecordKind, mut record: serde_json::Value) -> Result<serde_json::Value, StoreError> {
        let id = record.get("id").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        match kind {
            RecordKind::AttributionStatement => {
                let signatures = self.statement_signatures(&id).await?;
                record["signatures"] =
                    serde_json::to_value(signatures).map_err(|e| stix_failure(kind.as_str(), &id, e))?;
            }
            RecordKind::VulnerabilityEvent if record.get("tlp").is_none() => {
                if let Some(v) = record.get("vulnerability").and_then(|v| v.as_str()).map(str::to_owned)
                    && let Some(vuln) = self.logged_record(&Viewer::system(), RecordKind::Vulnerability, &v).await?
                {
                    record["tlp"] = vuln.get("tlp").cloned().unwrap_or(serde_json::Value::Null);
                }
            }
            _ => {}
        }
        Ok(record)
    }

    /// The STIX objects of one record as it stands, with the identities it points at.
    async fn record_stix(
        &self,
        kind: RecordKind,
        record: &serde_json::Value,
    ) -> Result<Vec<serde_json::Value>, StoreError> {
        let id = record.get("id").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let root = self.version_root(kind, record).await?;
        // References follow corrections: a finding about a corrected incident points at the
        // incident's STIX id, which its first version set.
        let mut roots: std::collections::HashMap<(String, String), String> = std::collections::HashMap::new();
        let mut referenced: Vec<(RecordKind, String)> = Vec::new();
        if let Some(i) = record.get("incident").and_then(|v| v.as_str()) {
            referenced.push((RecordKind::Incident, i.to_owned()));
        }
        for c in record.get("claims").and_then(|v| v.as_array()).into_iter().flatten().filter_map(|v| v.as_str()) {
            referenced.push((RecordKind::AttributionClaim, c.to_owned()));
        }
        for (k, r) in referenced {
            if let Some(other) = self.logged_record(&Viewer::system(), k, &r).await? {
                let other_root = self.version_root(k, &other).await?;
                roots.insert((k.as_str().to_owned(), r), other_root);
            }
        }
        let root_of =
            |k: &str, r: &str| roots.get(&(k.to_owned(), r.to_owned())).cloned().unwrap_or_else(|| r.to_owned());
        let mut objects = normwatch_stix::export::record_objects_with(kind.as_str(), &root, record, &root_of)
            .map_err(|e| stix_failure(kind.as_str(), &id, e))?;
        for s in normwatch_stix::export::stakeholder_refs(kind.as_str(), record) {
            if let Some(stakeholder) = self.stakeholder(&s).await? {
                let value = serde_json::to_value(&stakeholder).map_err(|e| stix_failure("stakeholder", &s, e))?;
                objects.extend(
                    normwatch_stix::export::stakeholder_objects(&value)
                        .map_err(|e| stix_failure("stakeholder", &s, e))?,
                );
            }
        }
        Ok(objects)
    }

    /// Turns what was published since the last call into STIX objects in the collections of
    /// their markings and communities, in log order. Cheap when nothing is new (one read);
    /// concurrent callers do the work once.
    pub async fn sync_published_stix(&self) -> Result<u64, StoreError> {
        let synced: i64 = sqlx::query("SELECT synced_size FROM stix_head WHERE id = 1")
            .fetch_one(&self.pool)
            .await?
            .try_get("synced_size")?;
        let synced = u64::try_from(synced).unwrap_or(0);
        let size = self.log_size().await?;
        if synced >= size {
            return Ok(0);
        }
        let system = Viewer::system();
        let mut scopes: Vec<(StixScope, Vec<NewStixObject>)> = Vec::new();
        for leaf in self.log_entries(synced, size).await? {
            // A leaf of a kind this version does not know has no record to read, as before.
            let Ok(kind) = leaf.entity.parse::<RecordKind>() else { continue };
            let Some(record) = self.logged_record(&system, kind, &leaf.entity_id).await? else { continue };
            let mut record = self.enriched(kind, record).await?;
            let Some(scope) = self.scope_of(kind, &record).await? else {
                tracing::warn!(kind = %leaf.entity, id = %leaf.entity_id, "a logged record without a TLP marking is not shared over TAXII");
                continue;
            };
            // What it supersedes is named only when those who get it may read that too.
            if let Some(older) = record.get("supersedes").and_then(|v| v.as_str()).map(str::to_owned)
                && self.published_in_scope(kind, &older, Some(&scope)).await?.is_none()
                && let Some(o) = record.as_object_mut()
            {
                o.remove("supersedes");
            }
            // One record that cannot be expressed must not stop the others from being served.
            let objects = match self.record_stix(kind, &record).await {
                Ok(objects) => objects,
                Err(e) => {
                    tracing::error!(kind = %leaf.entity, id = %leaf.entity_id, error = %e, "a published record is not shared over TAXII");
                    continue;
                }
            };
            let slot = match scopes.iter().position(|(s, _)| *s == scope) {
                Some(i) => i,
                None => {
                    scopes.push((scope, common_objects().iter().filter_map(own_object).collect()));
                    scopes.len() - 1
                }
            };
            scopes[slot].1.extend(objects.iter().filter_map(own_object));
        }
        let mut tx = self.begin_write().await?;
        let (_, now_synced) = lock_head(&mut tx).await?;
        if u64::try_from(now_synced).unwrap_or(0) != synced {
            // Another caller did this meanwhile.
            return Ok(0);
        }
        let mut added = 0;
        for (scope, objects) in &scopes {
            added += add_in(self.backend, &mut tx, scope, "normwatch", None, objects).await?.added;
        }
        sqlx::query("UPDATE stix_head SET synced_size = $1 WHERE id = 1")
            .bind(i64::try_from(size).unwrap_or(i64::MAX))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(added)
    }

    /// The published records about the incidents a query finds, as the viewer may read them,
    /// in STIX 2.1: each incident with its evidence, assessments, attributions, responses, the
    /// statements citing its claims, the identities of those who made them, and a report
    /// naming them all.
    pub async fn export_stix(
        &self,
        viewer: &Viewer,
        query: &normwatch_core::incident::IncidentQuery,
    ) -> Result<Vec<serde_json::Value>, StoreError> {
        use normwatch_core::RecordStatus;
        use normwatch_core::incident::IncidentInput;
        use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput, StatementInput};
        let mut q = query.clone();
        q.status = Some(RecordStatus::Published);
        q.limit = 500;
        let mut objects: Vec<serde_json::Value> = common_objects();
        let mut claim_ids: std::collections::HashSet<String> = std::collections::HashSet::new();
        loop {
            let page = self.search_incidents(viewer, &q).await?;
            for summary in &page.incidents {
                let Some(incident) = self.ledger_record::<IncidentInput>(viewer, &summary.id).await? else { continue };
                if incident.superseded_by.is_some() {
                    continue;
                }
                objects.extend(self.record_stix(RecordKind::Incident, &to_json(&incident)?).await?);
                for e in self.incident_evidence(viewer, None, Some(&summary.id)).await? {
                    if e.log_index.is_some() {
                        objects.extend(self.record_stix(RecordKind::IncidentEvidence, &to_json(&e)?).await?);
                    }
                }
                for r in self
                    .ledger_records::<AssessmentInput>(viewer, Some(&summary.id), Some(RecordStatus::Published))
                    .await?
                {
                    if r.superseded_by.is_none() {
                        objects.extend(self.record_stix(RecordKind::ViolationAssessment, &to_json(&r)?).await?);
                    }
                }
                for r in self
                    .ledger_records::<AttributionInput>(viewer, Some(&summary.id), Some(RecordStatus::Published))
                    .await?
                {
                    if r.superseded_by.is_none() {
                        claim_ids.insert(r.id.clone());
                        objects.extend(self.record_stix(RecordKind::AttributionClaim, &to_json(&r)?).await?);
                    }
                }
                for r in self
                    .ledger_records::<ResponseInput>(viewer, Some(&summary.id), Some(RecordStatus::Published))
                    .await?
                {
                    if r.superseded_by.is_none() {
                        objects.extend(self.record_stix(RecordKind::IncidentResponse, &to_json(&r)?).await?);
                    }
                }
            }
            // `next` is `<start key>~<id>`, as the incident list gives it.
            match page.next.as_deref().and_then(|n| n.split_once('~')) {
                Some((key, id)) => q.cursor = Some((key.to_owned(), id.to_owned())),
                None => break,
            }
        }
        for r in self.standing_records::<StatementInput>(viewer).await? {
            if r.body.claims.iter().any(|c| claim_ids.contains(c)) {
                let record = self.enriched(RecordKind::AttributionStatement, to_json(&r)?).await?;
                objects.extend(self.record_stix(RecordKind::AttributionStatement, &record).await?);
            }
        }
        let refs = distinct_with_refs(&mut objects);
        if !refs.is_empty() {
            let key = refs.join(",");
            let published = crate::now_rfc3339();
            objects.push(normwatch_stix::export::report(&key, "normwatch publication", &published, &refs));
        }
        Ok(objects)
    }
}

impl Store {
    /// Published records named by `(kind, id)` (logged kinds, see [`crate::logged_kinds`]), as the
    /// viewer may read them, in STIX 2.1 — each with the identities of the stakeholders it
    /// names — plus the identities of `stakeholders`, and a report naming them all: what a
    /// portal page shows, as a bundle's objects. Records the viewer may not read, drafts and
    /// unknown ids are left out.
    pub async fn records_stix(
        &self,
        viewer: &Viewer,
        records: &[(&str, &str)],
        stakeholders: &[&str],
        name: &str,
    ) -> Result<Vec<serde_json::Value>, StoreError> {
        let mut objects: Vec<serde_json::Value> = common_objects();
        for (kind, id) in records {
            let Some(kind) = kind.parse::<RecordKind>().ok().filter(|k| k.is_logged()) else { continue };
            let Some(record) = self.logged_record(viewer, kind, id).await? else { continue };
            if record.get("status").and_then(|v| v.as_str()).is_some_and(|s| s != "published") {
                continue;
            }
            let record = self.enriched(kind, record).await?;
            objects.extend(self.record_stix(kind, &record).await?);
        }
        for s in stakeholders {
            if let Some(stakeholder) = self.stakeholder(s).await? {
                let value = serde_json::to_value(&stakeholder).map_err(|e| stix_failure("stakeholder", s, e))?;
                objects.extend(
                    normwatch_stix::export::stakeholder_objects(&value)
                        .map_err(|e| stix_failure("stakeholder", s, e))?,
                );
            }
        }
        let refs = distinct_with_refs(&mut objects);
        let key = format!("{name}:{}", refs.join(","));
        objects.push(normwatch_stix::export::report(&key, name, &crate::now_rfc3339(), &refs));
        Ok(objects)
    }
}

/// Keeps one object per id and version, in first-seen order, and returns the ids a report
/// names (every object but the marking and extension definitions).
fn distinct_with_refs(objects: &mut Vec<serde_json::Value>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    objects.retain(|o| seen.insert((o.get("id").cloned(), o.get("modified").cloned())));
    objects
        .iter()
        .filter(|o| {
            !matches!(o.get("type").and_then(|t| t.as_str()), Some("marking-definition" | "extension-definition"))
        })
        .filter_map(|o| o.get("id").and_then(|v| v.as_str()).map(str::to_owned))
        .collect()
}

fn to_json<T: serde::Serialize>(record: &T) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(record).map_err(|e| crate::rows::corrupt("record", e))
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
