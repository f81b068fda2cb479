//! Evidence about incidents: metadata of the blobs (hash, size, type, name, collection
//! protocol), their chain of custody, read through the viewer's visibility filter. Each piece
//! is logged on upload: its leaf commits to the bytes' SHA-256.
use crate::audit::{Actor, record};
use crate::rows::{corrupt, json_column, tlp_column};
use crate::sql::{Sql, visible_to};
use crate::{BlobRef, Store, StoreError, new_id, now_rfc3339};
use normwatch_core::evidence::{
    CollectionProtocol, Completeness, CustodyEntry, EvidenceUpload, GENESIS, broken_link, custody_hash,
};
use normwatch_core::{FieldError, Tlp, Viewer};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// A piece of evidence as read.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentEvidence {
    pub id: String,
    pub incident: String,
    pub sha256: String,
    pub size: i64,
    pub media_type: String,
    pub filename: String,
    pub protocol: CollectionProtocol,
    pub tlp: Tlp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stakeholder: Option<String>,
    pub recorded_by: String,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_index: Option<u64>,
    /// Derived when read (not part of the logged record):
    pub completeness: Completeness,
    pub custody: Vec<CustodyEntry>,
    /// Whether every custody entry still links to the one before it.
    pub custody_intact: bool,
}

const COLUMNS: &str = "e.id, e.incident_id, e.sha256, e.size, e.media_type, e.filename, e.protocol, e.tlp, \
    e.stakeholder_id, e.recorded_by, e.created_at";

fn evidence_from(row: &AnyRow, custody: Vec<CustodyEntry>) -> Result<IncidentEvidence, StoreError> {
    let protocol: CollectionProtocol = json_column(row, "protocol")?;
    let idx: Option<i64> = row.try_get("log_index")?;
    Ok(IncidentEvidence {
        id: row.try_get("id")?,
        incident: row.try_get("incident_id")?,
        sha256: row.try_get("sha256")?,
        size: row.try_get("size")?,
        media_type: row.try_get("media_type")?,
        filename: row.try_get("filename")?,
        completeness: protocol.completeness(),
        protocol,
        tlp: tlp_column(row)?,
        stakeholder: row.try_get("stakeholder_id")?,
        recorded_by: row.try_get("recorded_by")?,
        created_at: row.try_get("created_at")?,
        log_index: idx.and_then(|i| u64::try_from(i).ok()),
        custody_intact: broken_link(&custody).is_none(),
        custody,
    })
}

async fn append_custody(
    tx: &mut Transaction<'static, Any>,
    evidence: &str,
    actor: &str,
    action: &str,
    note: Option<&str>,
) -> Result<(), StoreError> {
    let last =
        sqlx::query("SELECT seq, entry_hash FROM custody_entries WHERE evidence_id = $1 ORDER BY seq DESC LIMIT 1")
            .bind(evidence)
            .fetch_optional(&mut **tx)
            .await?;
    let (seq, prev) = match last {
        Some(r) => (r.try_get::<i64, _>("seq")? + 1, r.try_get::<String, _>("entry_hash")?),
        None => (1, GENESIS.to_owned()),
    };
    let at = now_rfc3339();
    let hash = custody_hash(&prev, seq, actor, action, note, &at);
    sqlx::query(
        "INSERT INTO custody_entries (evidence_id, seq, actor, action, note, at, prev_hash, entry_hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(evidence)
    .bind(seq)
    .bind(actor)
    .bind(action)
    .bind(note.map(str::to_owned))
    .bind(at)
    .bind(prev)
    .bind(hash)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

impl Store {
    /// Records uploaded evidence (its bytes already in the blob store), its first custody entry,
    /// and its log leaf. The marking is at least the incident's.
    pub async fn create_incident_evidence(
        &self,
        actor: &Actor,
        input: &EvidenceUpload,
        blob: &BlobRef,
    ) -> Result<IncidentEvidence, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT tlp FROM incidents WHERE id = $1")
            .bind(&input.incident)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| {
                StoreError::Rejected(FieldError::new("incident", format!("no incident `{}`", input.incident)))
            })?;
        let incident_tlp = tlp_column(&row)?;
        if input.tlp < incident_tlp {
            return Err(StoreError::Rejected(FieldError::new(
                "tlp",
                format!(
                    "the incident is TLP:{}; its evidence must be marked at least as strictly",
                    incident_tlp.name()
                ),
            )));
        }
        if let Some(s) = &input.stakeholder {
            crate::stakeholders::require_stakeholder(&mut tx, "stakeholder", s).await?;
        }
        let id = new_id();
        let now = now_rfc3339();
        let protocol = serde_json::to_string(&input.protocol).map_err(|e| corrupt("protocol", e))?;
        sqlx::query(
            "INSERT INTO incident_evidence (id, incident_id, sha256, size, media_type, filename, protocol, stakeholder_id, tlp,
               status, recorded_by, community_id, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'published', $10, NULL, $11, $11, 1)",
        )
        .bind(&id)
        .bind(&input.incident)
        .bind(&blob.sha256)
        .bind(i64::try_from(blob.size).unwrap_or(i64::MAX))
        .bind(&input.media_type)
        .bind(input.filename.trim())
        .bind(protocol)
        .bind(input.stakeholder.clone())
        .bind(input.tlp.name())
        .bind(&actor.0)
        .bind(&now)
        .execute(&mut *tx)
        .await?;
        append_custody(&mut tx, &id, &actor.0, "collected", Some("uploaded to normwatch")).await?;
        let mut created = self.evidence_in(&mut tx, &id).await?.ok_or(StoreError::NotFound)?;
        crate::audit::record(&mut tx, actor, "create", "incident-evidence", &id, None::<&()>, Some(&created)).await?;
        created.log_index = Some(crate::log::append(&mut tx, "incident-evidence", &id, &created).await?);
        tx.commit().await?;
        Ok(created)
    }

    async fn evidence_in(
        &self,
        tx: &mut Transaction<'static, Any>,
        id: &str,
    ) -> Result<Option<IncidentEvidence>, StoreError> {
        let sql = format!("SELECT {COLUMNS}, NULL AS log_index FROM incident_evidence e WHERE e.id = $1");
        let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await? else {
            return Ok(None);
        };
        let custody = custody_of(&mut **tx, id).await?;
        Ok(Some(evidence_from(&row, custody)?))
    }

    /// Evidence the viewer may read: one piece by id, or all of an incident's.
    pub async fn incident_evidence(
        &self,
        viewer: &Viewer,
        id: Option<&str>,
        incident: Option<&str>,
    ) -> Result<Vec<IncidentEvidence>, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {COLUMNS}, lg.idx AS log_index FROM incident_evidence e \
             LEFT JOIN log_leaves lg ON lg.entity = 'incident-evidence' AND lg.entity_id = e.id WHERE "
        ));
        let visible = visible_to(&mut sql, viewer, "e");
        sql.push(&visible);
        if let Some(id) = id {
            let p = sql.bind(id);
            sql.push(&format!(" AND e.id = {p}"));
        }
        if let Some(i) = incident {
            let p = sql.bind(i);
            sql.push(&format!(" AND e.incident_id = {p}"));
        }
        sql.push(" ORDER BY e.created_at, e.id");
        let rows = sql.query().fetch_all(&self.pool).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in &rows {
            let id: String = r.try_get("id")?;
            let custody = custody_of(&self.pool, &id).await?;
            out.push(evidence_from(r, custody)?);
        }
        Ok(out)
    }

    /// Adds a custody entry (transferred, analysed, …) to evidence the viewer may read.
    pub async fn add_custody(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        action: &str,
        note: Option<&str>,
    ) -> Result<IncidentEvidence, StoreError> {
        if self.incident_evidence(viewer, Some(id), None).await?.is_empty() {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        append_custody(&mut tx, id, &actor.0, action, note).await?;
        let what = serde_json::json!({ "action": action, "note": note });
        record(&mut tx, actor, "custody", "incident-evidence", id, None::<&()>, Some(&what)).await?;
        tx.commit().await?;
        self.incident_evidence(viewer, Some(id), None).await?.pop().ok_or(StoreError::NotFound)
    }
}

async fn custody_of<'e, E: sqlx::Executor<'e, Database = Any>>(
    executor: E,
    id: &str,
) -> Result<Vec<CustodyEntry>, StoreError> {
    let rows = sqlx::query(
        "SELECT seq, actor, action, note, at, prev_hash, entry_hash FROM custody_entries WHERE evidence_id = $1 ORDER BY seq",
    )
    .bind(id)
    .fetch_all(executor)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CustodyEntry {
                seq: r.try_get("seq")?,
                actor: r.try_get("actor")?,
                action: r.try_get("action")?,
                note: r.try_get("note")?,
                at: r.try_get("at")?,
                prev_hash: r.try_get("prev_hash")?,
                entry_hash: r.try_get("entry_hash")?,
            })
        })
        .collect()
}
