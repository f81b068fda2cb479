//! Federation: the peers this instance follows, the checkpoints each showed, the forks found,
//! the records refused and the records received with their provenance. A received record is read
//! as its origin marked it (TLP), and one of a peer's communities by admins only: those
//! communities are the peer's, and none of ours is a member here.
use crate::audit::{Actor, record};
use crate::rows::{corrupt, read_row};
use crate::sql::{Bind, Sql, col, insert};
use crate::{Store, StoreError, new_id, now_rfc3339};
use normwatch_core::Viewer;
use serde::Serialize;
use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;
use std::collections::{BTreeMap, HashSet};

/// A peer as an editor adds it (URL and key already checked by the use case).
#[derive(Debug, Clone)]
pub struct NewPeer {
    pub url: String,
    pub origin: String,
    pub verifier_key: String,
    pub token: Option<String>,
}

/// A peer followed, with what came of following it. The token is kept for the sync and never
/// serialised.
#[derive(Debug, Clone, Serialize)]
pub struct PeerRecord {
    pub id: String,
    pub url: String,
    pub origin: String,
    pub verifier_key: String,
    /// `active`, or `forked` (sync stopped; the evidence is in its forks).
    pub state: String,
    /// The size of the last checkpoint seen, read from `seen_note`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seen_size: Option<u64>,
    /// The last checkpoint seen and verified, as the peer signed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seen_note: Option<String>,
    /// The last `date_added` taken from each of the peer's TAXII collections.
    pub cursors: BTreeMap<String, String>,
    /// Records kept from the peer, and records refused (counted, not kept as counters).
    pub records: i64,
    pub refused: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_sync_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
    pub reads_with_token: bool,
    #[serde(skip)]
    pub token: Option<String>,
    /// The frontier of the peer's tree as far as its leaves were checked (`SIZE:HEX,…`).
    #[serde(skip)]
    pub frontier: Option<String>,
    pub created_by: String,
    pub created_at: String,
}

/// A fork: the peer showed a history that does not extend what it showed before.
#[derive(Debug, Clone, Serialize)]
pub struct PeerFork {
    pub id: String,
    pub peer_id: String,
    pub reason: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earlier_note: Option<String>,
    pub later_note: String,
    pub detected_at: String,
}

/// A record the peer announced that failed verification, and why.
#[derive(Debug, Clone, Serialize)]
pub struct PeerRefusal {
    pub id: String,
    pub peer_id: String,
    pub record_kind: String,
    pub origin_id: String,
    pub reason: String,
    pub refused_at: String,
}

/// A verified record, with where it comes from and what proved it.
#[derive(Debug, Clone)]
pub struct NewFederatedRecord {
    pub peer_id: String,
    pub record_kind: String,
    pub origin_id: String,
    pub origin: String,
    pub log_index: u64,
    pub checkpoint_size: u64,
    pub stix_id: String,
    pub tlp: String,
    pub community: Option<String>,
    pub body: Value,
}

/// A record received from a peer, as kept: the record and its provenance.
#[derive(Debug, Clone, Serialize)]
pub struct FederatedRecord {
    pub peer_id: String,
    pub record_kind: String,
    pub origin_id: String,
    /// The log of the instance that published it.
    pub origin: String,
    pub log_index: i64,
    /// The size of the peer's checkpoint it was verified against.
    pub checkpoint_size: i64,
    pub stix_id: String,
    pub tlp: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
    pub record: Value,
    pub received_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    /// The base URL of the peer it came from (where its log and the record are).
    pub peer_url: String,
}

/// Which received records to list.
#[derive(Debug, Clone, Default)]
pub struct FederatedFilter {
    pub peer: Option<String>,
    pub kind: Option<String>,
    /// One record, by its id at the origin.
    pub origin_id: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

const PEER_COLUMNS: &str = "id, url, origin, verifier_key, token, state, seen_note, cursors, last_sync_at, \
    last_error, created_by, created_at, frontier, \
    (SELECT COUNT(*) FROM federated_records f WHERE f.peer_id = peers.id) AS records, \
    (SELECT COUNT(*) FROM peer_refusals x WHERE x.peer_id = peers.id) AS refused";

/// The tree size a stored checkpoint names (it was verified before it was kept).
fn checkpoint_size(note: &str) -> Result<u64, StoreError> {
    let text = normwatch_ledger::note::SignedNote::parse(note).map_err(|e| corrupt("peer checkpoint", e))?.text;
    Ok(normwatch_ledger::Checkpoint::parse(&text).map_err(|e| corrupt("peer checkpoint", e))?.size)
}

fn peer_from(r: &AnyRow) -> Result<PeerRecord, StoreError> {
    let cursors: String = r.try_get("cursors")?;
    let token: Option<String> = r.try_get("token")?;
    let seen_note: Option<String> = r.try_get("seen_note")?;
    Ok(read_row!(
        r,
        PeerRecord {
            id,
            url,
            origin,
            verifier_key,
            state,
            seen_size: seen_note.as_deref().map(checkpoint_size).transpose()?,
            seen_note: seen_note,
            cursors: serde_json::from_str(&cursors).map_err(|e| corrupt("peer cursors", e))?,
            records,
            refused,
            last_sync_at,
            last_error,
            reads_with_token: token.is_some(),
            token: token,
            frontier,
            created_by,
            created_at,
        }
    ))
}

const RECORD_COLUMNS: &str = "f.peer_id, f.record_kind, f.origin_id, f.origin, f.log_index, f.checkpoint_size, \
    f.stix_id, f.tlp, f.community, f.body, f.received_at, (SELECT p.url FROM peers p WHERE p.id = f.peer_id) AS peer_url";

fn federated_from(r: &AnyRow) -> Result<FederatedRecord, StoreError> {
    let body: String = r.try_get("body")?;
    Ok(read_row!(
        r,
        FederatedRecord {
            peer_id,
            record_kind,
            origin_id,
            origin,
            log_index,
            checkpoint_size,
            stix_id,
            tlp,
            community,
            record: serde_json::from_str(&body).map_err(|e| corrupt("federated record", e))?,
            received_at,
            superseded_by,
            peer_url,
        }
    ))
}

/// Where a peer's TAXII collection was read up to.
#[derive(Debug, Clone, Copy)]
pub struct PeerCursor<'a> {
    pub peer_id: &'a str,
    pub collection: &'a str,
    /// The `X-TAXII-Date-Added-Last` of the page kept.
    pub last_added: &'a str,
}

/// A peer's stored cursors with one collection's moved.
fn moved_cursors(stored: &str, collection: &str, last_added: &str) -> Result<String, StoreError> {
    let mut cursors: BTreeMap<String, String> = serde_json::from_str(stored).map_err(|e| corrupt("peer cursors", e))?;
    cursors.insert(collection.to_owned(), last_added.to_owned());
    serde_json::to_string(&cursors).map_err(|e| corrupt("peer cursors", e))
}

async fn set_cursor(tx: &mut sqlx::Transaction<'_, sqlx::Any>, cursor: &PeerCursor<'_>) -> Result<(), StoreError> {
    let row = sqlx::query("SELECT cursors FROM peers WHERE id = $1").bind(cursor.peer_id).fetch_one(&mut **tx).await?;
    let text: String = row.try_get("cursors")?;
    let text = moved_cursors(&text, cursor.collection, cursor.last_added)?;
    sqlx::query("UPDATE peers SET cursors = $1 WHERE id = $2")
        .bind(text)
        .bind(cursor.peer_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The columns a received record is written with, in the order of [`federated_row`].
const FEDERATED_COLUMNS: &str = "peer_id, record_kind, origin_id, origin, log_index, checkpoint_size, stix_id, tlp, community, body, received_at, supersedes";

/// A received record's row, in the order of [`FEDERATED_COLUMNS`] (`None` is NULL): one shape
/// for both write paths.
fn federated_row(r: &NewFederatedRecord, now: &str) -> Result<[Option<Bind>; 12], StoreError> {
    let text = |s: &str| Some(Bind::Text(s.to_owned()));
    let body = serde_json::to_string(&r.body).map_err(|e| corrupt("federated record", e))?;
    Ok([
        text(&r.peer_id),
        text(&r.record_kind),
        text(&r.origin_id),
        text(&r.origin),
        Some(Bind::Int(r.log_index as i64)),
        Some(Bind::Int(r.checkpoint_size as i64)),
        text(&r.stix_id),
        text(&r.tlp),
        r.community.as_deref().and_then(text),
        Some(Bind::Text(body)),
        text(now),
        r.body.get("supersedes").and_then(Value::as_str).and_then(text),
    ])
}

/// `keep_federated` on SQLite's direct path: one blocking unit, one prepared statement executed
/// per record, the cursor moved in the same transaction. (Through sqlx every statement and its
/// binds crossed to SQLite's worker thread and back: a third of a sync's time.)
async fn keep_federated_direct(
    direct: &std::sync::Arc<crate::direct::Direct>,
    records: &[NewFederatedRecord],
    cursor: Option<&PeerCursor<'_>>,
) -> Result<u64, StoreError> {
    use rusqlite::types::Value as V;
    let now = now_rfc3339();
    let rows = records
        .iter()
        .map(|r| {
            Ok(federated_row(r, &now)?.map(|cell| match cell {
                Some(Bind::Text(t)) => V::Text(t),
                Some(Bind::Int(i)) => V::Integer(i),
                None => V::Null,
            }))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let insert = format!(
        "INSERT INTO federated_records ({FEDERATED_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) \
         ON CONFLICT DO NOTHING"
    );
    let cursor = cursor.map(|c| (c.peer_id.to_owned(), c.collection.to_owned(), c.last_added.to_owned()));
    direct
        .write_refetchable(move |tx| {
            use crate::direct::failed;
            let mut kept = 0;
            let mut insert = tx.prepare_cached(&insert).map_err(failed)?;
            for row in rows {
                kept += insert.execute(rusqlite::params_from_iter(row)).map_err(failed)? as u64;
            }
            if let Some((peer, collection, last_added)) = cursor {
                let stored: String =
                    tx.query_row("SELECT cursors FROM peers WHERE id = ?1", [&peer], |r| r.get(0)).map_err(failed)?;
                let moved = moved_cursors(&stored, &collection, &last_added)?;
                tx.execute("UPDATE peers SET cursors = ?1 WHERE id = ?2", [&moved, &peer]).map_err(failed)?;
            }
            Ok(kept)
        })
        .await
}

/// The received records a viewer may read: the origin's marking, and a peer community's
/// records for admins only.
fn federated_visible(sql: &mut Sql, viewer: &Viewer, alias: &str) -> String {
    if viewer.is_admin() {
        return "1 = 1".to_owned();
    }
    let list = sql.bind_list(viewer.published_markings().iter().map(|t| t.name()));
    format!("({alias}.tlp IN {list} AND {alias}.community IS NULL)")
}

impl Store {
    pub async fn create_peer(&self, actor: &Actor, input: &NewPeer) -> Result<PeerRecord, StoreError> {
        let id = new_id();
        let now = now_rfc3339();
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query("SELECT url, origin FROM peers WHERE url = $1 OR origin = $2")
            .bind(&input.url)
            .bind(&input.origin)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = taken {
            let url: String = row.try_get("url")?;
            let (field, what) = if url == input.url { ("url", &input.url) } else { ("key", &input.origin) };
            return Err(StoreError::Rejected(normwatch_core::FieldError::new(
                field,
                format!("a peer with {what} is followed already; see `normwatch peers list`"),
            )));
        }
        let sql = insert(
            "peers",
            vec![
                col("id", id.as_str()),
                col("url", input.url.as_str()),
                col("origin", input.origin.as_str()),
                col("verifier_key", input.verifier_key.as_str()),
                col("token", input.token.clone()),
                col("state", "active"),
                col("cursors", "{}"),
                col("created_by", actor.0.as_str()),
                col("created_at", now.as_str()),
            ],
        );
        sql.query().execute(&mut *tx).await?;
        let after = serde_json::json!({"url": input.url, "origin": input.origin, "verifier_key": input.verifier_key});
        record(&mut tx, actor, "create", "peer", &id, None::<&Value>, Some(&after)).await?;
        tx.commit().await?;
        self.peer(&id).await?.ok_or(StoreError::NotFound)
    }

    /// Every peer, by origin. Who may see them is the use case's rule (`app::federation`).
    pub async fn peers(&self) -> Result<Vec<PeerRecord>, StoreError> {
        let sql = format!("SELECT {PEER_COLUMNS} FROM peers ORDER BY origin, id");
        sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?.iter().map(peer_from).collect()
    }

    pub async fn peer(&self, id: &str) -> Result<Option<PeerRecord>, StoreError> {
        let sql = format!("SELECT {PEER_COLUMNS} FROM peers WHERE id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .as_ref()
            .map(peer_from)
            .transpose()
    }

    /// Keeps a verified checkpoint as the one the next must extend.
    pub async fn save_peer_checkpoint(&self, id: &str, note: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE peers SET seen_note = $1 WHERE id = $2").bind(note).bind(id).execute(&self.pool).await?;
        Ok(())
    }

    /// Keeps how far the peer's leaves were checked.
    pub async fn save_peer_frontier(&self, id: &str, frontier: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE peers SET frontier = $1 WHERE id = $2").bind(frontier).bind(id).execute(&self.pool).await?;
        Ok(())
    }

    /// Notes the end of a sync, with its error if it failed.
    pub async fn finish_peer_sync(&self, id: &str, error: Option<&str>) -> Result<(), StoreError> {
        sqlx::query("UPDATE peers SET last_sync_at = $1, last_error = $2 WHERE id = $3")
            .bind(now_rfc3339())
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Marks a peer forked and keeps both signed checkpoints; its sync stops.
    pub async fn save_peer_fork(
        &self,
        id: &str,
        reason: &str,
        earlier_note: Option<&str>,
        later_note: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let sql = insert(
            "peer_forks",
            vec![
                col("id", new_id()),
                col("peer_id", id),
                col("reason", reason),
                col("earlier_note", earlier_note.map(str::to_owned)),
                col("later_note", later_note),
                col("detected_at", now_rfc3339()),
            ],
        );
        sql.query().execute(&mut *tx).await?;
        sqlx::query("UPDATE peers SET state = 'forked' WHERE id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn peer_forks(&self, id: &str) -> Result<Vec<PeerFork>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, peer_id, reason, earlier_note, later_note, detected_at FROM peer_forks WHERE peer_id = $1 ORDER BY detected_at, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(read_row!(r, PeerFork { id, peer_id, reason, earlier_note, later_note, detected_at })))
            .collect()
    }

    /// Records a refused record (it is not kept).
    pub async fn save_peer_refusal(
        &self,
        id: &str,
        kind: &str,
        origin_id: &str,
        reason: &str,
    ) -> Result<(), StoreError> {
        let sql = insert(
            "peer_refusals",
            vec![
                col("id", new_id()),
                col("peer_id", id),
                col("record_kind", kind),
                col("origin_id", origin_id),
                col("reason", reason),
                col("refused_at", now_rfc3339()),
            ],
        );
        sql.query().execute(&self.pool).await?;
        Ok(())
    }

    /// The latest refusals first.
    pub async fn peer_refusals(&self, id: &str, limit: i64) -> Result<Vec<PeerRefusal>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, peer_id, record_kind, origin_id, reason, refused_at FROM peer_refusals WHERE peer_id = $1 ORDER BY refused_at DESC, id DESC LIMIT $2",
        )
        .bind(id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok(read_row!(r, PeerRefusal { id, peer_id, record_kind, origin_id, reason, refused_at })))
            .collect()
    }

    /// Of these records of one kind from a peer, the ids kept already.
    pub async fn federated_ids(&self, peer: &str, kind: &str, ids: &[&str]) -> Result<HashSet<String>, StoreError> {
        if ids.is_empty() {
            return Ok(HashSet::new());
        }
        let mut sql = Sql::new("SELECT origin_id FROM federated_records WHERE peer_id = ");
        let p = sql.bind(peer);
        let k = sql.bind(kind);
        let list = sql.bind_list(ids.iter().copied());
        sql.push(&format!("{p} AND record_kind = {k} AND origin_id IN {list}"));
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok(r.try_get::<String, _>("origin_id")?)).collect()
    }

    /// Keeps verified records, with the origin id of the record each supersedes; a record kept
    /// already is left as it is, and the page's cursor moves in the same transaction (one commit
    /// per page). Returns how many were new. A first sync takes every record a peer ever
    /// published: on an SQLite file they are written on the direct connection, elsewhere a few
    /// hundred rows per statement.
    pub async fn keep_federated(
        &self,
        records: &[NewFederatedRecord],
        cursor: Option<&PeerCursor<'_>>,
    ) -> Result<u64, StoreError> {
        if let Some(direct) = &self.direct {
            return keep_federated_direct(direct, records, cursor).await;
        }
        const ROWS: usize = 200;
        let mut tx = self.begin_write().await?;
        let now = now_rfc3339();
        let mut kept = 0;
        for chunk in records.chunks(ROWS) {
            let mut sql = Sql::new(&format!("INSERT INTO federated_records ({FEDERATED_COLUMNS}) VALUES "));
            for (i, r) in chunk.iter().enumerate() {
                let values: Vec<String> = federated_row(r, &now)?
                    .into_iter()
                    .map(|cell| match cell {
                        Some(Bind::Text(t)) => sql.bind(t),
                        Some(Bind::Int(n)) => sql.bind_int(n),
                        None => "NULL".to_owned(),
                    })
                    .collect();
                sql.push(&format!("{}({})", if i == 0 { "" } else { ", " }, values.join(", ")));
            }
            sql.push(" ON CONFLICT DO NOTHING");
            // Each placeholder once, in order: SQLite (in memory, without a direct path) binds
            // them by position.
            if self.backend() == crate::Backend::Sqlite {
                sql.positional();
            }
            kept += sql.query().execute(&mut *tx).await?.rows_affected();
        }
        if let Some(c) = cursor {
            set_cursor(&mut tx, c).await?;
        }
        tx.commit().await?;
        Ok(kept)
    }

    /// Received records the viewer may read, the latest first.
    pub async fn federated_records(
        &self,
        viewer: &Viewer,
        filter: &FederatedFilter,
    ) -> Result<Vec<FederatedRecord>, StoreError> {
        // A record is superseded by the received record that names it (a correction or a
        // retraction at the origin), if the viewer may read that one.
        let mut sql = Sql::new("");
        let visible = federated_visible(&mut sql, viewer, "f");
        let successor = federated_visible(&mut sql, viewer, "n");
        sql.push(&format!(
            "SELECT {RECORD_COLUMNS}, (SELECT n.origin_id FROM federated_records n WHERE n.peer_id = f.peer_id \
             AND n.record_kind = f.record_kind AND n.supersedes = f.origin_id AND {successor} \
             ORDER BY n.log_index LIMIT 1) AS superseded_by FROM federated_records f WHERE {visible}"
        ));
        if let Some(p) = &filter.peer {
            let b = sql.bind(p.clone());
            sql.push(&format!(" AND f.peer_id = {b}"));
        }
        if let Some(k) = &filter.kind {
            let b = sql.bind(k.clone());
            sql.push(&format!(" AND f.record_kind = {b}"));
        }
        if let Some(id) = &filter.origin_id {
            let b = sql.bind(id.clone());
            sql.push(&format!(" AND f.origin_id = {b}"));
        }
        let limit = sql.bind_int(filter.limit.clamp(1, 1000));
        let offset = sql.bind_int(filter.offset.max(0));
        sql.push(&format!(" ORDER BY f.received_at DESC, f.log_index DESC LIMIT {limit} OFFSET {offset}"));
        sql.query().fetch_all(&self.pool).await?.iter().map(federated_from).collect()
    }
}
