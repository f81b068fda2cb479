//! Incidents and vulnerabilities, both ways (GCSC norm 6, UN GGE 13 (j)). An incident names a
//! CVE when its own text does (its `cve` facet, written with it: migration 0023); for those who
//! may triage, also when a collected item naming the CVE was promoted to it or attached to it —
//! an editor's unreviewed triage decision is not published, so the public sees the link only
//! once the incident itself names the CVE. Every read goes through the incident's visibility.
use crate::search::{IncidentSummary, summary_from};
use crate::sql::{Sql, visible_to};
use crate::{Store, StoreError};
use normwatch_core::Viewer;
use normwatch_core::collection::may_triage;
use normwatch_core::incident::IncidentInput;
use normwatch_core::vulnerability::incident_cves;
use sqlx::{Any, Row, Transaction};

/// The most incidents one vulnerability lists.
const MAX_INCIDENTS: i64 = 500;

/// Where an item naming `cve` was promoted or attached to incident `alias`, for a viewer who may
/// triage (items are theirs alone); `None` for everyone else.
fn via_items(sql: &mut Sql, viewer: &Viewer, cve: &str, alias: &str) -> Option<String> {
    if !may_triage(viewer) {
        return None;
    }
    // Items keep their CVE ids as a JSON list of canonical ids: `"CVE-…"` with its quotes is one.
    let pattern = sql.bind(format!("%\"{cve}\"%"));
    Some(format!(
        "{alias}.id IN (SELECT i.incident_id FROM items i WHERE i.incident_id IS NOT NULL AND i.cves LIKE {pattern})"
    ))
}

impl Store {
    /// The incidents naming a CVE (canonical, upper case) that the viewer may read, newest start
    /// first; a corrected version is listed as its correction, as in the incident list.
    pub async fn incidents_naming_cve(&self, viewer: &Viewer, cve: &str) -> Result<Vec<IncidentSummary>, StoreError> {
        let mut sql = Sql::new("");
        let visible = visible_to(&mut sql, viewer, "r");
        let successor = visible_to(&mut sql, viewer, "n");
        let value = sql.bind(cve);
        let own = format!(
            "EXISTS (SELECT 1 FROM incident_facets f WHERE f.facet = 'cve' AND f.value = {value} \
             AND f.incident_id = r.id AND f.source_tlp IS NULL)"
        );
        let named = match via_items(&mut sql, viewer, cve, "r") {
            Some(items) => format!("({own} OR {items})"),
            None => own,
        };
        let limit = sql.bind_int(MAX_INCIDENTS);
        sql.push(&format!(
            "SELECT r.id, r.title_ja, r.title_en, r.start_key, r.status, r.tlp, r.origin_dataset FROM incidents r WHERE {visible} \
             AND NOT EXISTS (SELECT 1 FROM incidents n WHERE n.supersedes = r.id \
               AND (CASE WHEN n.status = 'published' AND {successor} THEN 1 ELSE 0 END) = 1) \
             AND {named} ORDER BY r.start_key DESC, r.id DESC LIMIT {limit}"
        ));
        let rows = sql.query().fetch_all(&self.pool).await?;
        rows.iter().map(summary_from).collect()
    }

    /// The CVE ids an incident names (the caller has read the incident as this viewer): its own,
    /// and for those who may triage, those of the items promoted or attached to it. Sorted, unique.
    pub async fn incident_cve_ids(&self, viewer: &Viewer, incident: &str) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT value FROM incident_facets WHERE incident_id = $1 AND facet = 'cve' AND source_tlp IS NULL",
        )
        .bind(incident)
        .fetch_all(&self.pool)
        .await?;
        let mut out = rows.iter().map(|r| r.try_get::<String, _>("value")).collect::<Result<Vec<_>, _>>()?;
        if may_triage(viewer) {
            let rows = sqlx::query("SELECT cves FROM items WHERE incident_id = $1")
                .bind(incident)
                .fetch_all(&self.pool)
                .await?;
            for r in &rows {
                let cves: Vec<String> = crate::json_column("items.cves", &r.try_get::<String, _>("cves")?)?;
                out.extend(cves);
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Runs the work migrations leave to Rust (`pending_backfills`), each once: the first
    /// process to take a task's row does it, in one transaction with the row's removal.
    pub(crate) async fn run_pending_backfills(&self) -> Result<(), StoreError> {
        // Read first: opening a database with nothing pending takes no write lock.
        if sqlx::query("SELECT name FROM pending_backfills").fetch_optional(&self.pool).await?.is_none() {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        let taken = sqlx::query("DELETE FROM pending_backfills WHERE name = 'incident-cves'").execute(&mut *tx).await?;
        if taken.rows_affected() > 0 {
            backfill_incident_cves(&mut tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// Writes the `cve` facets of every incident (those written before migration 0023 have none),
/// and notes each incident it gave one as changed, so that a running search index reloads it.
async fn backfill_incident_cves(tx: &mut Transaction<'static, Any>) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM incident_facets WHERE facet = 'cve' AND source_tlp IS NULL").execute(&mut **tx).await?;
    let mut after = String::new();
    loop {
        // A page at a time, by id: an imported dataset's bodies need not fit in memory at once.
        let rows = sqlx::query("SELECT id, body FROM incidents WHERE id > $1 ORDER BY id LIMIT 500")
            .bind(&after)
            .fetch_all(&mut **tx)
            .await?;
        let Some(last) = rows.last() else { break };
        after = last.try_get("id")?;
        for r in &rows {
            let id: String = r.try_get("id")?;
            let body: IncidentInput = crate::json_column("incidents.body", &r.try_get::<String, _>("body")?)?;
            let cves = incident_cves(&body);
            for cve in &cves {
                sqlx::query(
                    "INSERT INTO incident_facets (incident_id, facet, value, source_id, source_tlp, community_id) \
                     VALUES ($1, 'cve', $2, $1, NULL, NULL)",
                )
                .bind(&id)
                .bind(cve)
                .execute(&mut **tx)
                .await?;
            }
            if !cves.is_empty() {
                sqlx::query("INSERT INTO incident_changes (incident_id) VALUES ($1)")
                    .bind(&id)
                    .execute(&mut **tx)
                    .await?;
            }
        }
    }
    Ok(())
}
