//! The transparency log's storage: leaves appended in the publishing transaction, signed
//! checkpoints, and what this instance saw of the logs it witnesses.
use crate::rows::read_row;
use crate::sql::{ROWS_PER_STATEMENT, Sql, col, insert_rows};
use crate::{Store, StoreError, now_rfc3339};
use normwatch_core::RecordKind;
use normwatch_core::incident::IncidentInput;
use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput, StatementInput};
use normwatch_ledger::{Hash, jcs, leaf_hash};
use serde::Serialize;
use sqlx::{Any, Row, Transaction};

/// One leaf as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogLeaf {
    pub index: u64,
    /// The kind of record: `position`, `implementation-evidence`, `legal-position`.
    pub entity: String,
    /// The record's id (kept beside the leaf, not in it).
    #[serde(skip)]
    pub entity_id: String,
    /// Hex of the leaf hash.
    pub leaf_hash: String,
    /// The leaf's bytes (canonical JSON with the record's digest).
    pub body: String,
    pub appended_at: String,
}

/// A signed checkpoint as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredCheckpoint {
    pub size: u64,
    pub root: String,
    pub note: String,
}

fn corrupt(reason: impl Into<String>) -> StoreError {
    StoreError::Corrupt { what: "transparency log".into(), reason: reason.into() }
}

fn hex_hash(text: &str) -> Result<Hash, StoreError> {
    let bytes = hex::decode(text).map_err(|e| corrupt(e.to_string()))?;
    bytes.try_into().map_err(|_| corrupt("a leaf hash is not 32 bytes"))
}

/// Appends the leaf of a published record, in the caller's transaction. The log head's row lock
/// orders concurrent appenders; the unique (entity, id) keeps a record from being logged twice.
pub(crate) async fn append<T: Serialize>(
    tx: &mut Transaction<'_, Any>,
    entity: RecordKind,
    entity_id: &str,
    record: &T,
) -> Result<u64, StoreError> {
    let indexes = append_many(tx, entity, &[(entity_id, record)]).await?;
    indexes.first().copied().ok_or_else(|| corrupt("no leaf appended"))
}

/// Appends the leaves of published records of one kind (`(id, record)`), in order: one move of
/// the log's head for them all and a statement per [`ROWS_PER_STATEMENT`] leaves. Returns their
/// indexes.
pub(crate) async fn append_many<T: Serialize>(
    tx: &mut Transaction<'_, Any>,
    entity: RecordKind,
    records: &[(&str, &T)],
) -> Result<Vec<u64>, StoreError> {
    if records.is_empty() {
        return Ok(Vec::new());
    }
    let mut leaves = Vec::with_capacity(records.len());
    for (id, record) in records {
        let value = serde_json::to_value(record).map_err(|e| corrupt(e.to_string()))?;
        let body = jcs::leaf_body(entity.as_str(), &value).map_err(|e| corrupt(e.to_string()))?;
        leaves.push((*id, hex::encode(leaf_hash(body.as_bytes())), body));
    }
    let count = i64::try_from(leaves.len()).map_err(|_| corrupt("too many leaves"))?;
    // The write clock before the log's head, as every writer takes them (migration 0027): two
    // transactions never wait for each other's row in opposite orders.
    sqlx::query("UPDATE write_clock SET n = n + 1 WHERE id = 1").execute(&mut **tx).await?;
    let size: i64 = sqlx::query("UPDATE log_head SET size = size + $1 WHERE id = 1 RETURNING size")
        .bind(count)
        .fetch_one(&mut **tx)
        .await?
        .try_get("size")?;
    let first = size - count;
    let now = now_rfc3339();
    let mut index = first;
    for chunk in leaves.chunks(ROWS_PER_STATEMENT) {
        let mut rows = Vec::with_capacity(chunk.len());
        for (id, hash, body) in chunk {
            rows.push(vec![
                col("idx", index),
                col("entity", entity.as_str()),
                col("entity_id", *id),
                col("leaf_hash", hash),
                col("body", body),
                col("appended_at", &now),
            ]);
            index += 1;
        }
        insert_rows("log_leaves", rows).execute_in(tx).await?;
    }
    (first..size).map(|i| u64::try_from(i).map_err(|_| corrupt("negative log index"))).collect()
}

/// The tail every creation of a marked record shares: its audit entry, and its log leaf when it
/// is published (both in the caller's transaction). Returns the leaf index.
pub(crate) async fn audit_and_log<T: Serialize>(
    tx: &mut Transaction<'_, Any>,
    actor: &crate::Actor,
    entity: RecordKind,
    id: &str,
    record: &T,
    published: bool,
) -> Result<Option<u64>, StoreError> {
    crate::audit::record(tx, actor, "create", entity.as_str(), id, None::<&()>, Some(record)).await?;
    if published { Ok(Some(append(tx, entity, id, record).await?)) } else { Ok(None) }
}

/// Leaves `[$1, $2)` in index order (the same text on both read paths: SQLite takes `$N` too).
const LEAVES_BETWEEN: &str = "SELECT idx, entity, entity_id, leaf_hash, body, appended_at FROM log_leaves \
    WHERE idx >= $1 AND idx < $2 ORDER BY idx";

fn leaf_from(row: &sqlx::any::AnyRow) -> Result<LogLeaf, StoreError> {
    let idx: i64 = row.try_get("idx")?;
    Ok(read_row!(
        row,
        LogLeaf {
            index: u64::try_from(idx).map_err(|_| corrupt("negative index"))?,
            entity,
            entity_id,
            leaf_hash,
            body,
            appended_at,
        }
    ))
}

fn checkpoint_from(r: &sqlx::any::AnyRow) -> Result<StoredCheckpoint, StoreError> {
    Ok(StoredCheckpoint {
        size: u64::try_from(r.try_get::<i64, _>("size")?).map_err(|_| corrupt("negative size"))?,
        root: r.try_get("root")?,
        note: r.try_get("note")?,
    })
}

impl Store {
    pub async fn log_size(&self) -> Result<u64, StoreError> {
        let size: i64 =
            sqlx::query("SELECT size FROM log_head WHERE id = 1").fetch_one(&self.pool).await?.try_get("size")?;
        u64::try_from(size).map_err(|_| corrupt("negative size"))
    }

    /// Leaf hashes from `start` on, at most `limit`, in index order.
    pub async fn leaf_hashes(&self, start: u64, limit: u64) -> Result<Vec<Hash>, StoreError> {
        let rows = sqlx::query("SELECT idx, leaf_hash FROM log_leaves WHERE idx >= $1 ORDER BY idx LIMIT $2")
            .bind(i64::try_from(start).unwrap_or(i64::MAX))
            .bind(i64::try_from(limit).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for (i, row) in rows.iter().enumerate() {
            let idx: i64 = row.try_get("idx")?;
            if idx != start as i64 + i as i64 {
                return Err(corrupt(format!("leaf {} is missing", start as i64 + i as i64)));
            }
            out.push(hex_hash(&row.try_get::<String, _>("leaf_hash")?)?);
        }
        Ok(out)
    }

    /// Leaves `[start, end)`.
    pub async fn log_entries(&self, start: u64, end: u64) -> Result<Vec<LogLeaf>, StoreError> {
        // A follower reads every leaf since its last sync, a thousand per request: in one read
        // on SQLite's direct path rather than a thread handoff per row.
        if let Some(direct) = &self.direct {
            let values = vec![
                rusqlite::types::Value::Integer(i64::try_from(start).unwrap_or(i64::MAX)),
                rusqlite::types::Value::Integer(i64::try_from(end).unwrap_or(i64::MAX)),
            ];
            return direct
                .read(move |conn| {
                    crate::direct::all_rows(conn, LEAVES_BETWEEN, values, |r| {
                        Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
                    })
                })
                .await?
                .into_iter()
                .map(|(idx, entity, entity_id, leaf_hash, body, appended_at)| {
                    let index = u64::try_from(idx).map_err(|_| corrupt("negative index"))?;
                    Ok(LogLeaf { index, entity, entity_id, leaf_hash, body, appended_at })
                })
                .collect();
        }
        let rows = sqlx::query(LEAVES_BETWEEN)
            .bind(i64::try_from(start).unwrap_or(i64::MAX))
            .bind(i64::try_from(end).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(leaf_from).collect()
    }

    /// The leaf of a record, if it was published.
    pub async fn leaf_of(&self, entity: &str, entity_id: &str) -> Result<Option<LogLeaf>, StoreError> {
        let row = sqlx::query("SELECT idx, entity, entity_id, leaf_hash, body, appended_at FROM log_leaves WHERE entity = $1 AND entity_id = $2")
            .bind(entity)
            .bind(entity_id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(leaf_from).transpose()
    }

    pub async fn latest_checkpoint(&self) -> Result<Option<StoredCheckpoint>, StoreError> {
        let row = sqlx::query("SELECT size, root, note FROM log_checkpoints ORDER BY size DESC LIMIT 1")
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(checkpoint_from).transpose()
    }

    /// One of this instance's own checkpoints, by tree size.
    pub async fn checkpoint_at(&self, size: u64) -> Result<Option<StoredCheckpoint>, StoreError> {
        let row = sqlx::query("SELECT size, root, note FROM log_checkpoints WHERE size = $1")
            .bind(size as i64)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(checkpoint_from).transpose()
    }

    /// Keeps a signed checkpoint (a second signer of the same size keeps the first one).
    pub async fn save_checkpoint(&self, size: u64, root: &Hash, note: &str) -> Result<(), StoreError> {
        let mut sql = Sql::new("INSERT INTO log_checkpoints (size, root, note, created_at) VALUES (");
        let (a, b, c, d) =
            (sql.bind_int(size as i64), sql.bind(hex::encode(root)), sql.bind(note), sql.bind(now_rfc3339()));
        sql.push(&format!("{a}, {b}, {c}, {d}) ON CONFLICT (size) DO NOTHING"));
        sql.query().execute(&self.pool).await?;
        Ok(())
    }

    /// The last checkpoint seen, and checked consistent, of a witnessed log.
    pub async fn witnessed(&self, origin: &str) -> Result<Option<StoredCheckpoint>, StoreError> {
        let row = sqlx::query("SELECT size, root, note FROM witnessed_logs WHERE origin = $1")
            .bind(origin)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(checkpoint_from).transpose()
    }

    pub async fn save_witnessed(&self, origin: &str, size: u64, root: &Hash, note: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM witnessed_logs WHERE origin = $1").bind(origin).execute(&mut *tx).await?;
        sqlx::query("INSERT INTO witnessed_logs (origin, size, root, note, seen_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(origin)
            .bind(size as i64)
            .bind(hex::encode(root))
            .bind(note)
            .bind(now_rfc3339())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Every published record as it now stands in the database, with its kind and log index
    /// (for `log audit`).
    pub async fn published_records(&self) -> Result<Vec<(String, String, serde_json::Value, Option<u64>)>, StoreError> {
        let admin = normwatch_core::Viewer::system();
        let filter = crate::RecordFilter::default();
        let mut out = Vec::new();
        for p in self.positions(&admin, &filter).await? {
            if p.recorded.status == normwatch_core::RecordStatus::Published {
                out.push(("position".to_owned(), p.id.clone(), to_value(&p)?, p.log_index));
            }
        }
        for e in self.evidence(&admin, &filter).await? {
            if e.recorded.status == normwatch_core::RecordStatus::Published {
                out.push(("implementation-evidence".to_owned(), e.id.clone(), to_value(&e)?, e.log_index));
            }
        }
        for l in self.legal_positions(&admin, &filter).await? {
            if l.recorded.status == normwatch_core::RecordStatus::Published {
                out.push(("legal-position".to_owned(), l.id.clone(), to_value(&l)?, l.log_index));
            }
        }
        for (kind, id, value) in self.published_contact_records().await? {
            let index = self.leaf_of(&kind, &id).await?.map(|l| l.index);
            out.push((kind, id, value, index));
        }
        for (kind, id, value) in self.published_capacity_records().await? {
            let index = self.leaf_of(&kind, &id).await?.map(|l| l.index);
            out.push((kind, id, value, index));
        }
        self.push_published::<IncidentInput>(&admin, &mut out).await?;
        for e in self.incident_evidence(&admin, None, None).await? {
            if e.status != normwatch_core::RecordStatus::Published {
                continue;
            }
            out.push(("incident-evidence".to_owned(), e.id.clone(), to_value(&e)?, e.log_index));
        }
        self.push_published::<AssessmentInput>(&admin, &mut out).await?;
        self.push_published::<AttributionInput>(&admin, &mut out).await?;
        self.push_published::<StatementInput>(&admin, &mut out).await?;
        self.push_published::<ResponseInput>(&admin, &mut out).await?;
        Ok(out)
    }

    async fn push_published<T: crate::LedgerKind>(
        &self,
        viewer: &normwatch_core::Viewer,
        out: &mut Vec<(String, String, serde_json::Value, Option<u64>)>,
    ) -> Result<(), StoreError> {
        for r in self.ledger_records::<T>(viewer, None, Some(normwatch_core::RecordStatus::Published)).await? {
            out.push((T::ENTITY.as_str().to_owned(), r.id.clone(), to_value(&r)?, r.log_index));
        }
        Ok(())
    }
}

/// The kinds of record the log holds leaves for.
pub fn logged_kinds() -> impl Iterator<Item = RecordKind> {
    RecordKind::ALL.into_iter().filter(|k| k.is_logged())
}

impl Store {
    /// A logged record as the viewer reads it, by kind and id (`None`: not there, or not for it).
    pub async fn logged_record(
        &self,
        viewer: &normwatch_core::Viewer,
        kind: RecordKind,
        id: &str,
    ) -> Result<Option<serde_json::Value>, StoreError> {
        let one = crate::RecordFilter { id: Some(id.to_owned()), ..Default::default() };
        let value = match kind {
            RecordKind::Position => self.position(viewer, id).await?.map(|r| to_value(&r)).transpose()?,
            RecordKind::ImplementationEvidence => {
                self.evidence(viewer, &one).await?.pop().map(|r| to_value(&r)).transpose()?
            }
            RecordKind::LegalPosition => {
                self.legal_positions(viewer, &one).await?.pop().map(|r| to_value(&r)).transpose()?
            }
            RecordKind::Vulnerability => self.vulnerability(viewer, id).await?.map(|r| to_value(&r)).transpose()?,
            RecordKind::VulnerabilityEvent => {
                self.vulnerability_event(viewer, id).await?.map(|r| to_value(&r)).transpose()?
            }
            RecordKind::CapacityProgramme => self.programme(viewer, id).await?.map(|r| to_value(&r)).transpose()?,
            RecordKind::HygieneAssessment => self.assessment(viewer, id).await?.map(|r| to_value(&r)).transpose()?,
            RecordKind::PointOfContact => self.contact(viewer, id).await?.map(|r| to_value(&r)).transpose()?,
            RecordKind::Incident => {
                self.ledger_record::<IncidentInput>(viewer, id).await?.map(|r| to_value(&r)).transpose()?
            }
            RecordKind::IncidentEvidence => {
                self.incident_evidence(viewer, Some(id), None).await?.pop().map(|r| to_value(&r)).transpose()?
            }
            RecordKind::ViolationAssessment => {
                self.ledger_record::<AssessmentInput>(viewer, id).await?.map(|r| to_value(&r)).transpose()?
            }
            RecordKind::AttributionClaim => {
                self.ledger_record::<AttributionInput>(viewer, id).await?.map(|r| to_value(&r)).transpose()?
            }
            RecordKind::AttributionStatement => {
                self.ledger_record::<StatementInput>(viewer, id).await?.map(|r| to_value(&r)).transpose()?
            }
            RecordKind::IncidentResponse => {
                self.ledger_record::<ResponseInput>(viewer, id).await?.map(|r| to_value(&r)).transpose()?
            }
        };
        Ok(value)
    }

    /// [`Store::logged_record`] of several ids of one kind, by id (those not there, or not for
    /// the viewer, left out): ledger records in batched reads (the bulk of what an import
    /// publishes), the other kinds one at a time.
    pub(crate) async fn logged_records(
        &self,
        viewer: &normwatch_core::Viewer,
        kind: RecordKind,
        ids: &[&str],
    ) -> Result<std::collections::HashMap<String, serde_json::Value>, StoreError> {
        fn values<T: Serialize>(
            found: std::collections::HashMap<String, T>,
        ) -> Result<std::collections::HashMap<String, serde_json::Value>, StoreError> {
            found.into_iter().map(|(id, r)| Ok((id, to_value(&r)?))).collect()
        }
        match kind {
            RecordKind::Incident => values(self.ledger_records_by_id::<IncidentInput>(viewer, ids).await?),
            RecordKind::ViolationAssessment => values(self.ledger_records_by_id::<AssessmentInput>(viewer, ids).await?),
            RecordKind::AttributionClaim => values(self.ledger_records_by_id::<AttributionInput>(viewer, ids).await?),
            RecordKind::AttributionStatement => values(self.ledger_records_by_id::<StatementInput>(viewer, ids).await?),
            RecordKind::IncidentResponse => values(self.ledger_records_by_id::<ResponseInput>(viewer, ids).await?),
            _ => {
                let mut found = std::collections::HashMap::new();
                for id in ids {
                    if let Some(value) = self.logged_record(viewer, kind, id).await? {
                        found.insert((*id).to_owned(), value);
                    }
                }
                Ok(found)
            }
        }
    }
}

fn to_value<T: Serialize>(record: &T) -> Result<serde_json::Value, StoreError> {
    serde_json::to_value(record).map_err(|e| corrupt(e.to_string()))
}
