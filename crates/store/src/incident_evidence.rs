//! Evidence about incidents: metadata of the blobs (hash, size, type, name, collection
//! protocol), their chain of custody. Evidence belongs to its incident: it takes the
//! incident's community and at least its marking, is read only by those who may read both it
//! and its incident, and is published — logged, its leaf committing to the bytes' SHA-256 — by
//! the review that publishes its incident (or the finding that cites it).
use crate::audit::{Actor, record};
use crate::marked::{Marking, marking_columns};
use crate::rows::read_row;
use crate::rows::{corrupt, enum_column, json_column, tlp_column};
use crate::sql::{Sql, col, insert, visible_to};
use crate::{BlobRef, Store, StoreError, new_id, now_rfc3339};
use normwatch_core::evidence::{
    CollectionProtocol, Completeness, CustodyEntry, EvidenceLife, EvidenceUpload, GENESIS, broken_link, custody_hash,
    inherited_marking,
};
use normwatch_core::marking::at_least_as_strict;
use normwatch_core::{FieldError, RecordKind, RecordStatus, Tlp, Viewer};
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
    /// Shown while it is not published (published evidence was logged without the field, and
    /// its leaf must keep matching it).
    #[serde(skip_serializing_if = "is_published")]
    pub status: RecordStatus,
    /// The community its incident is shared with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub community: Option<String>,
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

fn is_published(s: &RecordStatus) -> bool {
    *s == RecordStatus::Published
}

const COLUMNS: &str = "e.id, e.incident_id, e.sha256, e.size, e.media_type, e.filename, e.protocol, e.tlp, \
    e.status, e.community_id, e.stakeholder_id, e.recorded_by, e.created_at";

fn evidence_from(row: &AnyRow, custody: Vec<CustodyEntry>) -> Result<IncidentEvidence, StoreError> {
    let protocol: CollectionProtocol = json_column(row, "protocol")?;
    let idx: Option<i64> = row.try_get("log_index")?;
    Ok(read_row!(row, IncidentEvidence {
        id, incident = "incident_id", sha256, size, media_type, filename, completeness: protocol.completeness(),
        protocol: protocol, tlp: tlp_column(row)?, status: enum_column(row, "status")?, community = "community_id",
        stakeholder = "stakeholder_id", recorded_by, created_at, log_index: idx.and_then(|i| u64::try_from(i).ok()),
        custody_intact: broken_link(&custody).is_none(), custody: custody,
    }))
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
    /// Records uploaded evidence (its bytes already in the blob store) and its first custody
    /// entry. It takes its incident's community; it is published (and logged) at once only when
    /// the incident is published and `speaks_for_incident` (the uploader may add to it without
    /// review); otherwise it is a draft until its incident, or a finding citing it, is published.
    pub async fn create_incident_evidence(
        &self,
        actor: &Actor,
        input: &EvidenceUpload,
        blob: &BlobRef,
        speaks_for_incident: bool,
    ) -> Result<IncidentEvidence, StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT tlp, status, community_id FROM incidents WHERE id = $1")
            .bind(&input.incident)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| {
                StoreError::Rejected(FieldError::new("incident", format!("no incident `{}`", input.incident)))
            })?;
        at_least_as_strict(tlp_column(&row)?, input.tlp, "its evidence").map_err(StoreError::Rejected)?;
        let incident_status: RecordStatus = enum_column(&row, "status")?;
        let community: Option<String> = row.try_get("community_id")?;
        let status = EvidenceLife::of_upload(incident_status, speaks_for_incident).status();
        if let Some(s) = &input.stakeholder {
            crate::stakeholders::require_stakeholder(&mut tx, "stakeholder", s).await?;
        }
        let id = new_id();
        let now = now_rfc3339();
        let protocol = serde_json::to_string(&input.protocol).map_err(|e| corrupt("protocol", e))?;
        let mut columns = vec![
            col("id", &id),
            col("incident_id", &input.incident),
            col("sha256", &blob.sha256),
            col("size", i64::try_from(blob.size).unwrap_or(i64::MAX)),
            col("media_type", &input.media_type),
            col("filename", input.filename.trim()),
            col("protocol", protocol),
            col("stakeholder_id", &input.stakeholder),
        ];
        let marking = Marking { tlp: input.tlp, status, community: community.as_deref() };
        columns.extend(marking_columns(marking, actor, &now));
        insert("incident_evidence", columns).query().execute(&mut *tx).await?;
        append_custody(&mut tx, &id, &actor.0, "collected", Some("uploaded to normwatch")).await?;
        let mut created = evidence_in(&mut tx, &id).await?.ok_or(StoreError::NotFound)?;
        let published = status == RecordStatus::Published;
        created.log_index =
            crate::log::audit_and_log(&mut tx, actor, RecordKind::IncidentEvidence, &id, &created, published).await?;
        tx.commit().await?;
        Ok(created)
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
        // What hangs off an incident is read only by those who may read the incident too.
        let incident_visible = visible_to(&mut sql, viewer, "i");
        sql.push(&format!(
            "{visible} AND EXISTS (SELECT 1 FROM incidents i WHERE i.id = e.incident_id AND {incident_visible})"
        ));
        sql.and_eq("e.id", id);
        sql.and_eq("e.incident_id", incident);
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
        record(&mut tx, actor, "custody", RecordKind::IncidentEvidence.as_str(), id, None::<&()>, Some(&what)).await?;
        tx.commit().await?;
        self.incident_evidence(viewer, Some(id), None).await?.pop().ok_or(StoreError::NotFound)
    }
}

async fn evidence_in(tx: &mut Transaction<'static, Any>, id: &str) -> Result<Option<IncidentEvidence>, StoreError> {
    let sql = format!("SELECT {COLUMNS}, NULL AS log_index FROM incident_evidence e WHERE e.id = $1");
    let Some(row) = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await? else {
        return Ok(None);
    };
    let custody = custody_of(&mut **tx, id).await?;
    Ok(Some(evidence_from(&row, custody)?))
}

/// Keeps an unpublished incident's evidence in step with it: its community, and at least its
/// marking (in the transaction that changes the incident).
pub(crate) async fn follow_incident(
    tx: &mut Transaction<'static, Any>,
    incident: &str,
    tlp: Tlp,
    community: Option<&str>,
) -> Result<(), StoreError> {
    let rows = sqlx::query("SELECT id, tlp FROM incident_evidence WHERE incident_id = $1 AND status <> 'published'")
        .bind(incident)
        .fetch_all(&mut **tx)
        .await?;
    for r in &rows {
        let id: String = r.try_get("id")?;
        let marking = inherited_marking(tlp_column(r)?, tlp);
        sqlx::query(
            "UPDATE incident_evidence SET tlp = $1, community_id = $2, updated_at = $3, version = version + 1 WHERE id = $4",
        )
        .bind(marking.name())
        .bind(community.map(str::to_owned))
        .bind(now_rfc3339())
        .bind(&id)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Which unpublished evidence a record's publication publishes.
pub(crate) enum Publishing<'a> {
    /// An incident's: every piece of evidence about it.
    Incident(&'a str),
    /// A finding's: the pieces it cites, marked at least as strictly as the finding and kept in
    /// its community.
    Cited { ids: &'a [String], tlp: Tlp, community: Option<&'a str> },
}

/// Publishes the evidence a record's publication carries, in that transaction: status, audit,
/// and a log leaf (evidence that an older version logged already keeps the leaf it has).
pub(crate) async fn publish_with(
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    what: Publishing<'_>,
) -> Result<(), StoreError> {
    let ids: Vec<String> = match &what {
        Publishing::Incident(incident) => sqlx::query(
            "SELECT id FROM incident_evidence WHERE incident_id = $1 AND status <> 'published' ORDER BY created_at, id",
        )
        .bind(*incident)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(|r| r.try_get("id"))
        .collect::<Result<_, _>>()?,
        Publishing::Cited { ids, .. } => ids.to_vec(),
    };
    for id in ids {
        let Some(before) = evidence_in(tx, &id).await? else { continue };
        if before.status == RecordStatus::Published {
            continue;
        }
        // A finding never publishes what its unpublished incident holds back: that evidence is
        // published with the incident.
        if matches!(what, Publishing::Cited { .. }) && !incident_published(tx, &before.incident).await? {
            continue;
        }
        let (tlp, community) = match &what {
            Publishing::Incident(_) => (before.tlp, before.community.clone()),
            Publishing::Cited { tlp, community, .. } => {
                (inherited_marking(before.tlp, *tlp), community.map(str::to_owned).or(before.community.clone()))
            }
        };
        sqlx::query(
            "UPDATE incident_evidence SET status = 'published', tlp = $1, community_id = $2, updated_at = $3, version = version + 1 WHERE id = $4",
        )
        .bind(tlp.name())
        .bind(community)
        .bind(now_rfc3339())
        .bind(&id)
        .execute(&mut **tx)
        .await?;
        let mut after = evidence_in(tx, &id).await?.ok_or(StoreError::NotFound)?;
        record(tx, actor, "publish", RecordKind::IncidentEvidence.as_str(), &id, Some(&before), Some(&after)).await?;
        let logged = sqlx::query("SELECT idx FROM log_leaves WHERE entity = 'incident-evidence' AND entity_id = $1")
            .bind(&id)
            .fetch_optional(&mut **tx)
            .await?;
        if logged.is_none() {
            after.log_index = Some(crate::log::append(tx, RecordKind::IncidentEvidence, &id, &after).await?);
        }
    }
    Ok(())
}

async fn incident_published(tx: &mut Transaction<'static, Any>, incident: &str) -> Result<bool, StoreError> {
    let row =
        sqlx::query("SELECT status FROM incidents WHERE id = $1").bind(incident).fetch_optional(&mut **tx).await?;
    match row {
        Some(r) => Ok(enum_column::<RecordStatus>(&r, "status")? == RecordStatus::Published),
        None => Ok(false),
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
        .map(|r| Ok(read_row!(r, CustodyEntry { seq, actor, action, note, at, prev_hash, entry_hash })))
        .collect()
}
