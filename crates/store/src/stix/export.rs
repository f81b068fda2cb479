//! The STIX form of what normwatch publishes: each published record's objects, kept in step
//! with the log (`sync_published_stix`), exported per scope, and bundled for portal pages.
use super::write::{SET_SYNCED, add_direct, lock_head, lock_head_direct};
use super::{NewStixObject, StixScope, add_in, timestamp_key};
use crate::{Store, StoreError};
use normwatch_core::{RecordKind, Tlp, Viewer};
use sqlx::Row;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

const PROGRESS: &str = "SELECT synced_size, (SELECT size FROM log_head WHERE id = 1) AS size, last_added \
     FROM stix_head WHERE id = 1";

/// The STIX objects' reach into the log, the log's size, and the last `date_added` given (which
/// every write of STIX objects moves on), on a direct SQLite connection.
pub(crate) fn direct_progress(conn: &rusqlite::Connection) -> Result<(u64, u64, String), StoreError> {
    let failed = |e: rusqlite::Error| StoreError::Direct(e.to_string());
    let mut statement = conn.prepare_cached(PROGRESS).map_err(failed)?;
    let (synced, size, last): (i64, i64, String) =
        statement.query_row([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).map_err(failed)?;
    Ok((u64::try_from(synced).unwrap_or(0), u64::try_from(size).unwrap_or(0), last))
}

/// An object's version as written (`modified`, else `created`) and its version key, the
/// `version_key` column of `UNIQUE (scope, stix_id, version_key)`.
fn version_of(object: &serde_json::Value) -> (Option<String>, String) {
    let modified = object.get("modified").or_else(|| object.get("created")).and_then(|v| v.as_str()).map(str::to_owned);
    let version_key = modified.as_deref().and_then(timestamp_key).unwrap_or_default();
    (modified, version_key)
}

/// A STIX object normwatch made, ready to store.
fn own_object(object: &serde_json::Value) -> Option<NewStixObject> {
    let id = object.get("id")?.as_str()?.to_owned();
    let stix_type = object.get("type")?.as_str()?.to_owned();
    let (modified, version_key) = version_of(object);
    Some(NewStixObject {
        stix_id: id,
        stix_type,
        spec_version: "2.1".to_owned(),
        modified,
        version_key,
        created_by_ref: object.get("created_by_ref").and_then(|v| v.as_str()).map(str::to_owned),
        body: object.to_string(),
    })
}

/// A step's objects for one collection, each id and version once: the identity of a stakeholder
/// that every record of an import names is written out and inserted once a step, not once a
/// record (the insert would have kept the first anyway).
struct ScopeObjects {
    scope: StixScope,
    objects: Vec<NewStixObject>,
    /// (id, version key): the key the insert keeps the first of.
    made: std::collections::HashSet<(String, String)>,
}

impl ScopeObjects {
    fn new(scope: StixScope) -> ScopeObjects {
        let mut made = ScopeObjects { scope, objects: Vec::new(), made: Default::default() };
        for object in common_objects() {
            made.add(&object);
        }
        made
    }

    fn add(&mut self, object: &serde_json::Value) {
        let id = object.get("id").and_then(|v| v.as_str()).unwrap_or_default();
        let key = (id.to_owned(), version_of(object).1);
        if self.made.contains(&key) {
            return;
        }
        if let Some(own) = own_object(object) {
            self.made.insert(key);
            self.objects.push(own);
        }
    }
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

/// A record read once and handed to every record that names it.
type Shared = Arc<serde_json::Value>;

/// What turning records into STIX objects has read already, kept for one pass (a step of the
/// sync, one export): the records a finding names, their scopes and the stakeholders are read
/// once a pass rather than once for each record that names them. Only reads as the system
/// (every logged record) are kept; published records do not change within a pass.
#[derive(Default)]
pub(crate) struct Seen {
    /// Shared, not copied: a record is handed out as often as the records that name it.
    records: Mutex<HashMap<(RecordKind, String), Option<Shared>>>,
    scopes: Mutex<HashMap<(RecordKind, String), Option<StixScope>>>,
    stakeholders: Mutex<HashMap<String, Option<serde_json::Value>>>,
    /// Records' `community_id` columns, read ahead for a step of the sync (`Store::read_ahead`).
    communities: Mutex<HashMap<(RecordKind, String), Option<String>>>,
}

fn kept<K: Eq + std::hash::Hash, V: Clone>(map: &Mutex<HashMap<K, V>>, key: &K) -> Option<V> {
    map.lock().ok().and_then(|m| m.get(key).cloned())
}

fn keep<K: Eq + std::hash::Hash, V>(map: &Mutex<HashMap<K, V>>, key: K, value: V) {
    if let Ok(mut m) = map.lock() {
        m.insert(key, value);
    }
}

/// How many log leaves one step of the STIX sync takes (see `Store::sync_published_stix`).
pub const STIX_SYNC_LEAVES: u64 = 2_000;

impl Store {
    /// A logged record as the system reads it, once a pass.
    async fn system_record(
        &self,
        seen: &Seen,
        kind: RecordKind,
        id: &str,
    ) -> Result<Option<Arc<serde_json::Value>>, StoreError> {
        let key = (kind, id.to_owned());
        if let Some(record) = kept(&seen.records, &key) {
            return Ok(record);
        }
        let record = self.logged_record(&Viewer::system(), kind, id).await?.map(Arc::new);
        keep(&seen.records, key, record.clone());
        Ok(record)
    }

    /// Reads the records of a step of the sync, and the incidents their findings are about, in
    /// batches into `seen`, with their `community_id` columns: a few reads for thousands of
    /// records, where each record took two reads of its own (on SQLite each its own
    /// transaction). What is not read ahead is read one at a time, as before.
    async fn read_ahead(&self, seen: &Seen, wanted: &[(RecordKind, &str)]) -> Result<(), StoreError> {
        let mut by_kind: Vec<(RecordKind, Vec<&str>)> = Vec::new();
        for &(kind, id) in wanted {
            match by_kind.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, ids)) => ids.push(id),
                None => by_kind.push((kind, vec![id])),
            }
        }
        for (kind, ids) in &by_kind {
            self.read_ahead_kind(seen, *kind, ids).await?;
        }
        // The incidents the step's findings are about (their scope and their STIX ids).
        let mut incidents: Vec<String> = Vec::new();
        if let Ok(records) = seen.records.lock() {
            for (kind, ids) in &by_kind {
                for id in ids {
                    let Some(Some(record)) = records.get(&(*kind, (*id).to_owned())) else { continue };
                    let Some(incident) = record.get("incident").and_then(|v| v.as_str()) else { continue };
                    if !records.contains_key(&(RecordKind::Incident, incident.to_owned())) {
                        incidents.push(incident.to_owned());
                    }
                }
            }
        }
        incidents.sort();
        incidents.dedup();
        let incidents: Vec<&str> = incidents.iter().map(String::as_str).collect();
        // Best effort: an incident that cannot be read (a corrupt row) is read again, alone, by
        // the records that need it, whose failure stops only their own objects, as before.
        if let Err(e) = self.read_ahead_kind(seen, RecordKind::Incident, &incidents).await {
            tracing::debug!(error = %e, "the step's incidents were not read ahead; each is read alone");
        }
        Ok(())
    }

    async fn read_ahead_kind(&self, seen: &Seen, kind: RecordKind, ids: &[&str]) -> Result<(), StoreError> {
        if ids.is_empty() {
            return Ok(());
        }
        let mut found = self.logged_records(&Viewer::system(), kind, ids).await?;
        let communities = match kind.community_shareable() {
            true => self.community_columns(crate::tables::table(kind), ids).await?,
            false => HashMap::new(),
        };
        if let Ok(mut records) = seen.records.lock() {
            for id in ids {
                // An id named twice keeps what its first mention found.
                records.entry((kind, (*id).to_owned())).or_insert_with(|| found.remove(*id).map(Arc::new));
            }
        }
        if let Ok(mut known) = seen.communities.lock() {
            known.extend(communities.into_iter().map(|(id, community)| ((kind, id), community)));
        }
        Ok(())
    }

    /// A stakeholder's STIX identity objects, its record read once a pass.
    async fn stakeholder_stix(&self, seen: &Seen, id: &str) -> Result<Vec<serde_json::Value>, StoreError> {
        let value = match kept(&seen.stakeholders, &id.to_owned()) {
            Some(value) => value,
            None => {
                let value = match self.stakeholder(id).await? {
                    Some(s) => Some(serde_json::to_value(&s).map_err(|e| stix_failure("stakeholder", id, e))?),
                    None => None,
                };
                keep(&seen.stakeholders, id.to_owned(), value.clone());
                value
            }
        };
        match value {
            Some(v) => normwatch_stix::export::stakeholder_objects(&v).map_err(|e| stix_failure("stakeholder", id, e)),
            None => Ok(Vec::new()),
        }
    }

    /// The first version of a record's correction chain (its STIX objects keep that id).
    /// The chain is followed only through published records of the same marking and
    /// community: a draft, or a version shared with fewer readers, is no version of what these
    /// readers get, and its id must not reach them.
    async fn version_root(
        &self,
        seen: &Seen,
        kind: RecordKind,
        record: &serde_json::Value,
    ) -> Result<String, StoreError> {
        let mut root = record.get("id").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let scope = self.scope_of(seen, kind, record).await?;
        let mut previous = record.get("supersedes").and_then(|v| v.as_str()).map(str::to_owned);
        // A chain longer than this would be a cycle written outside normwatch.
        for _ in 0..1000 {
            let Some(p) = previous.take() else { break };
            let Some(older) = self.published_in_scope(seen, kind, &p, scope.as_ref()).await? else { break };
            root = p;
            previous = older.get("supersedes").and_then(|v| v.as_str()).map(str::to_owned);
        }
        Ok(root)
    }

    /// A record's marking and community. Not every kind's JSON names its community (positions
    /// and the other stakeholder records keep it in their row); findings and evidence without
    /// one of their own share their incident's.
    async fn scope_of(
        &self,
        seen: &Seen,
        kind: RecordKind,
        record: &serde_json::Value,
    ) -> Result<Option<StixScope>, StoreError> {
        let id = record.get("id").and_then(|v| v.as_str()).unwrap_or_default();
        let key = (kind, id.to_owned());
        if let Some(scope) = kept(&seen.scopes, &key) {
            return Ok(scope);
        }
        let scope = self.read_scope(seen, kind, id, record).await?;
        keep(&seen.scopes, key, scope.clone());
        Ok(scope)
    }

    async fn read_scope(
        &self,
        seen: &Seen,
        kind: RecordKind,
        id: &str,
        record: &serde_json::Value,
    ) -> Result<Option<StixScope>, StoreError> {
        let Some(tlp) = record.get("tlp").and_then(|v| v.as_str()).and_then(|t| t.parse::<Tlp>().ok()) else {
            return Ok(None);
        };
        let mut community = record.get("community").and_then(|v| v.as_str()).map(str::to_owned);
        let table = kind.community_shareable().then(|| crate::tables::table(kind));
        if community.is_none()
            && let Some(table) = table
        {
            community = match kept(&seen.communities, &(kind, id.to_owned())) {
                Some(read_ahead) => read_ahead,
                None => self.community_column(table, id).await?,
            };
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
            && let Some(i) = self.system_record(seen, RecordKind::Incident, incident).await?
        {
            community = i.get("community").and_then(|v| v.as_str()).map(str::to_owned);
        }
        Ok(Some(StixScope { tlp, community }))
    }

    /// The `community_id` of row `id` of `table` (a table named in `tables.rs`).
    async fn community_column(&self, table: &'static str, id: &str) -> Result<Option<String>, StoreError> {
        Ok(self.community_columns(table, &[id]).await?.remove(id).flatten())
    }

    /// The `community_id` of the rows `ids` of `table` (a table named in `tables.rs`), by id.
    async fn community_columns(
        &self,
        table: &'static str,
        ids: &[&str],
    ) -> Result<HashMap<String, Option<String>>, StoreError> {
        let mut found = HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut sql = crate::sql::Sql::new("");
            let list = sql.bind_list(chunk.iter().copied());
            sql.push(&format!("SELECT id, community_id FROM {table} WHERE id IN {list}"));
            match &self.direct {
                Some(direct) => {
                    let (text, values) = sql.for_rusqlite();
                    let rows = direct
                        .read(move |conn| crate::direct::all_rows(conn, &text, values, |r| Ok((r.get(0)?, r.get(1)?))))
                        .await?;
                    found.extend(rows);
                }
                None => {
                    for r in sql.query().fetch_all(&self.pool).await? {
                        found.insert(r.try_get("id")?, r.try_get("community_id")?);
                    }
                }
            }
        }
        Ok(found)
    }

    /// The logged record `id` of `kind` when it is published in `scope` (a logged record is
    /// published; its scope must be the same).
    async fn published_in_scope(
        &self,
        seen: &Seen,
        kind: RecordKind,
        id: &str,
        scope: Option<&StixScope>,
    ) -> Result<Option<Arc<serde_json::Value>>, StoreError> {
        let Some(older) = self.system_record(seen, kind, id).await? else { return Ok(None) };
        if older.get("status").and_then(|v| v.as_str()).is_some_and(|s| s != "published") {
            return Ok(None);
        }
        if self.leaf_of(kind.as_str(), id).await?.is_none() {
            return Ok(None);
        }
        let same = self.scope_of(seen, kind, &older).await?;
        Ok((same.as_ref() == scope).then_some(older))
    }

    /// A record as the export reads it: a statement with its co-signatures, a vulnerability
    /// event with its vulnerability's marking. Other records are handed back as they are, not
    /// copied.
    async fn enriched(
        &self,
        seen: &Seen,
        kind: RecordKind,
        mut record: Arc<serde_json::Value>,
    ) -> Result<Arc<serde_json::Value>, StoreError> {
        let id = record.get("id").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        match kind {
            RecordKind::AttributionStatement => {
                let signatures = self.statement_signatures(&id).await?;
                Arc::make_mut(&mut record)["signatures"] =
                    serde_json::to_value(signatures).map_err(|e| stix_failure(kind.as_str(), &id, e))?;
            }
            RecordKind::VulnerabilityEvent if record.get("tlp").is_none() => {
                if let Some(v) = record.get("vulnerability").and_then(|v| v.as_str()).map(str::to_owned)
                    && let Some(vuln) = self.system_record(seen, RecordKind::Vulnerability, &v).await?
                {
                    Arc::make_mut(&mut record)["tlp"] = vuln.get("tlp").cloned().unwrap_or(serde_json::Value::Null);
                }
            }
            _ => {}
        }
        Ok(record)
    }

    /// The STIX objects of one record as it stands, with the identities it points at.
    async fn record_stix(
        &self,
        seen: &Seen,
        kind: RecordKind,
        record: &serde_json::Value,
    ) -> Result<Vec<serde_json::Value>, StoreError> {
        let id = record.get("id").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let root = self.version_root(seen, kind, record).await?;
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
            if let Some(other) = self.system_record(seen, k, &r).await? {
                let other_root = self.version_root(seen, k, &other).await?;
                roots.insert((k.as_str().to_owned(), r), other_root);
            }
        }
        let root_of =
            |k: &str, r: &str| roots.get(&(k.to_owned(), r.to_owned())).cloned().unwrap_or_else(|| r.to_owned());
        let mut objects = normwatch_stix::export::record_objects_with(kind.as_str(), &root, record, &root_of)
            .map_err(|e| stix_failure(kind.as_str(), &id, e))?;
        for s in normwatch_stix::export::stakeholder_refs(kind.as_str(), record) {
            objects.extend(self.stakeholder_stix(seen, &s).await?);
        }
        Ok(objects)
    }

    /// How far the STIX objects reach into the log, and the log's size, in one read.
    async fn stix_progress(&self) -> Result<(u64, u64), StoreError> {
        if let Some(direct) = &self.direct {
            let (synced, size, _) = direct.read(direct_progress).await?;
            return Ok((synced, size));
        }
        let row = sqlx::query(PROGRESS).fetch_one(&self.pool).await?;
        let (synced, size): (i64, i64) = (row.try_get("synced_size")?, row.try_get("size")?);
        Ok((u64::try_from(synced).unwrap_or(0), u64::try_from(size).unwrap_or(0)))
    }

    /// Turns what was published since the last call into STIX objects in the collections of
    /// their markings and communities, in log order. Cheap when nothing is new (one read);
    /// concurrent callers do the work once. The log is taken in steps of `STIX_SYNC_LEAVES`
    /// leaves, each committed, so that memory stays bounded after a large import and an
    /// interrupted sync resumes where it stopped.
    pub async fn sync_published_stix(&self) -> Result<u64, StoreError> {
        self.sync_published_stix_in_steps(STIX_SYNC_LEAVES, |_, _| {}).await
    }

    /// `sync_published_stix` in steps of `step` leaves (at least one), telling
    /// `progress(leaves synced, log size)` after each.
    pub async fn sync_published_stix_in_steps(
        &self,
        step: u64,
        progress: impl Fn(u64, u64),
    ) -> Result<u64, StoreError> {
        let step = step.max(1);
        // Most calls (every TAXII page) find nothing to do: one read, and no waiting for the lock.
        let (synced, size) = self.stix_progress().await?;
        if synced >= size {
            return Ok(0);
        }
        let _one_at_a_time = self.stix_sync.lock().await;
        let mut added = 0;
        loop {
            let (synced, size) = self.stix_progress().await?;
            if synced >= size {
                return Ok(added);
            }
            // `None`: another process took this step; the next one starts after it.
            let end = size.min(synced + step);
            if let Some(n) = self.sync_stix_step(synced, end).await? {
                added += n;
            }
            progress(end, size);
        }
    }

    /// The STIX objects of log leaves `synced..end`, stored; `None` when another caller synced
    /// them meanwhile.
    async fn sync_stix_step(&self, synced: u64, end: u64) -> Result<Option<u64>, StoreError> {
        let seen = Seen::default();
        let mut scopes: Vec<ScopeObjects> = Vec::new();
        let leaves = self.log_entries(synced, end).await?;
        // A leaf of a kind this version does not know has no record to read, as before.
        let known: Vec<(RecordKind, &str)> = leaves
            .iter()
            .filter_map(|leaf| Some((leaf.entity.parse::<RecordKind>().ok()?, leaf.entity_id.as_str())))
            .collect();
        self.read_ahead(&seen, &known).await?;
        for (kind, id) in known {
            let Some(record) = self.system_record(&seen, kind, id).await? else { continue };
            let mut record = self.enriched(&seen, kind, record).await?;
            let Some(scope) = self.scope_of(&seen, kind, &record).await? else {
                tracing::warn!(%kind, id, "a logged record without a TLP marking is not shared over TAXII");
                continue;
            };
            // What it supersedes is named only when those who get it may read that too.
            if let Some(older) = record.get("supersedes").and_then(|v| v.as_str()).map(str::to_owned)
                && self.published_in_scope(&seen, kind, &older, Some(&scope)).await?.is_none()
                && let Some(o) = Arc::make_mut(&mut record).as_object_mut()
            {
                o.remove("supersedes");
            }
            // One record that cannot be expressed must not stop the others from being served.
            let objects = match self.record_stix(&seen, kind, &record).await {
                Ok(objects) => objects,
                Err(e) => {
                    tracing::error!(%kind, id, error = %e, "a published record is not shared over TAXII");
                    continue;
                }
            };
            let slot = match scopes.iter().position(|s| s.scope == scope) {
                Some(i) => i,
                None => {
                    scopes.push(ScopeObjects::new(scope));
                    scopes.len() - 1
                }
            };
            for object in &objects {
                scopes[slot].add(object);
            }
        }
        let end_size = i64::try_from(end).unwrap_or(i64::MAX);
        // On SQLite, one blocking unit on the direct write connection (a prepared insert per
        // object, no handoff per statement). The objects are made again from the log should the
        // last commits be lost: `synced_size` moves in the same transaction.
        if let Some(direct) = &self.direct {
            return direct
                .write_refetchable(move |tx| {
                    let (_, now_synced) = lock_head_direct(tx)?;
                    if u64::try_from(now_synced).unwrap_or(0) != synced {
                        return Ok(None);
                    }
                    let mut added = 0;
                    for s in &scopes {
                        added += add_direct(tx, &s.scope, "normwatch", None, &s.objects)?.added;
                    }
                    tx.execute(&crate::direct::numbered(SET_SYNCED), [end_size]).map_err(crate::direct::failed)?;
                    Ok(Some(added))
                })
                .await;
        }
        let mut tx = self.begin_write().await?;
        let (_, now_synced) = lock_head(&mut tx).await?;
        if u64::try_from(now_synced).unwrap_or(0) != synced {
            return Ok(None);
        }
        let mut added = 0;
        for s in &scopes {
            added += add_in(&mut tx, &s.scope, "normwatch", None, &s.objects).await?.added;
        }
        sqlx::query(SET_SYNCED).bind(end_size).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(Some(added))
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
        let seen = Seen::default();
        let mut objects: Vec<serde_json::Value> = common_objects();
        let mut claim_ids: std::collections::HashSet<String> = std::collections::HashSet::new();
        loop {
            let page = self.search_incidents(viewer, &q).await?;
            for summary in &page.incidents {
                let Some(incident) = self.ledger_record::<IncidentInput>(viewer, &summary.id).await? else { continue };
                if incident.superseded_by.is_some() {
                    continue;
                }
                objects.extend(self.record_stix(&seen, RecordKind::Incident, &to_json(&incident)?).await?);
                for e in self.incident_evidence(viewer, None, Some(&summary.id)).await? {
                    if e.log_index.is_some() {
                        objects.extend(self.record_stix(&seen, RecordKind::IncidentEvidence, &to_json(&e)?).await?);
                    }
                }
                for r in self
                    .ledger_records::<AssessmentInput>(viewer, Some(&summary.id), Some(RecordStatus::Published))
                    .await?
                {
                    if r.superseded_by.is_none() {
                        objects.extend(self.record_stix(&seen, RecordKind::ViolationAssessment, &to_json(&r)?).await?);
                    }
                }
                for r in self
                    .ledger_records::<AttributionInput>(viewer, Some(&summary.id), Some(RecordStatus::Published))
                    .await?
                {
                    if r.superseded_by.is_none() {
                        claim_ids.insert(r.id.clone());
                        objects.extend(self.record_stix(&seen, RecordKind::AttributionClaim, &to_json(&r)?).await?);
                    }
                }
                for r in self
                    .ledger_records::<ResponseInput>(viewer, Some(&summary.id), Some(RecordStatus::Published))
                    .await?
                {
                    if r.superseded_by.is_none() {
                        objects.extend(self.record_stix(&seen, RecordKind::IncidentResponse, &to_json(&r)?).await?);
                    }
                }
            }
            match crate::search::next_cursor(page.next.as_deref())? {
                Some(c) => q.cursor = Some(c),
                None => break,
            }
        }
        for r in self.standing_records::<StatementInput>(viewer).await? {
            if r.body.claims.iter().any(|c| claim_ids.contains(c)) {
                let record = self.enriched(&seen, RecordKind::AttributionStatement, Arc::new(to_json(&r)?)).await?;
                objects.extend(self.record_stix(&seen, RecordKind::AttributionStatement, &record).await?);
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
        let seen = Seen::default();
        let mut objects: Vec<serde_json::Value> = common_objects();
        for (kind, id) in records {
            let Some(kind) = RecordKind::parse_logged(kind) else { continue };
            let Some(record) = self.logged_record(viewer, kind, id).await? else { continue };
            if record.get("status").and_then(|v| v.as_str()).is_some_and(|s| s != "published") {
                continue;
            }
            let record = self.enriched(&seen, kind, Arc::new(record)).await?;
            objects.extend(self.record_stix(&seen, kind, &record).await?);
        }
        for s in stakeholders {
            objects.extend(self.stakeholder_stix(&seen, s).await?);
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
