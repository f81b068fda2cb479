//! The violation ledger's records (incidents, violation assessments, attribution claims,
//! collective statements, responses) share one life: draft → in review → published, reviews per
//! version, publication into the transparency log, and corrections that supersede without
//! editing. One generic path serves them all; each kind says only its table and index columns.
use crate::audit::{Actor, record};
use crate::incident_evidence::{Publishing, follow_incident, publish_with};
use crate::rows::{corrupt, enum_column, tlp_column};
use crate::sql::{Sql, visible_to};
use crate::stakeholders::require_stakeholder;
use crate::{Store, StoreError, new_id, now_rfc3339};
use normwatch_core::incident::{IncidentInput, PartialDate};
use normwatch_core::violation::{
    Approval, AssessmentInput, AttributionInput, ResponseInput, ReviewRule, StatementInput, Verdict,
};
use normwatch_core::{FieldError, Localized, RecordKind, RecordStatus, Tlp, Viewer};
use serde::Serialize;
use serde::de::DeserializeOwned;
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// A value of an index column.
#[derive(Debug, Clone)]
pub enum ColumnValue {
    Text(Option<String>),
    Int(Option<i64>),
}

fn text(v: impl Into<String>) -> ColumnValue {
    ColumnValue::Text(Some(v.into()))
}

fn opt_text(v: Option<impl Into<String>>) -> ColumnValue {
    ColumnValue::Text(v.map(Into::into))
}

/// One kind of ledger record: its table, log entity name, and the columns that index it.
pub trait LedgerKind: Serialize + DeserializeOwned + Clone + Send + Sync + 'static {
    /// The record kind, as logged and as named in errors (`violation-assessment`).
    const ENTITY: RecordKind;
    /// Its table: one mapping for every kind, in [`crate::log::table`].
    const TABLE: &'static str = crate::log::table(Self::ENTITY);
    fn status(&self) -> RecordStatus;
    fn set_status(&mut self, status: RecordStatus);
    fn tlp(&self) -> Tlp;
    fn community(&self) -> Option<&str>;
    fn stakeholder(&self) -> Option<&str>;
    /// The incident a finding is about (`None` for incidents and statements).
    fn incident(&self) -> Option<&str> {
        None
    }
    /// Index columns beyond the shared ones, with their values.
    fn columns(&self) -> Vec<(&'static str, ColumnValue)>;
    /// The columns and values that identify an imported record (`None`: not imported).
    fn origin_key(&self) -> Option<Vec<(&'static str, String)>> {
        None
    }
    /// The facet a published finding adds to its incident (`norm`, `attributed_state`).
    fn facet(&self) -> Option<(&'static str, String)> {
        None
    }
    /// The attribution claims the record cites (statements, responses).
    fn claims(&self) -> &[String] {
        &[]
    }
    /// The evidence the record cites (assessments, attributions).
    fn evidence(&self) -> &[String] {
        &[]
    }
    /// The incident itself, for the kind whose writes keep the search index.
    fn as_incident(&self) -> Option<&IncidentInput> {
        None
    }
    /// The condition on a row `r` of the kind's table that it concerns the incident whose id is
    /// bound at placeholder `p`.
    fn about_incident(p: &str) -> String {
        format!("r.incident_id = {p}")
    }
}

/// The accessors every input type shares (its `status`, `tlp` and `community` fields).
macro_rules! marked_record {
    () => {
        fn status(&self) -> RecordStatus {
            self.status
        }
        fn set_status(&mut self, status: RecordStatus) {
            self.status = status;
        }
        fn tlp(&self) -> Tlp {
            self.tlp
        }
        fn community(&self) -> Option<&str> {
            self.community.as_deref()
        }
    };
}

impl LedgerKind for IncidentInput {
    const ENTITY: RecordKind = RecordKind::Incident;
    marked_record!();
    fn stakeholder(&self) -> Option<&str> {
        self.stakeholder.as_deref()
    }
    fn columns(&self) -> Vec<(&'static str, ColumnValue)> {
        let start = self.started.as_ref().or(self.discovered.as_ref());
        vec![
            ("title_ja", text(&self.title.ja)),
            ("title_en", text(&self.title.en)),
            ("start_key", text(start.map_or_else(|| "0000-00-00".to_owned(), PartialDate::earliest_day))),
            ("start_year", ColumnValue::Int(start.map(|d| i64::from(d.year())))),
            ("discovered", opt_text(self.discovered.as_ref().map(PartialDate::as_str))),
            ("origin_dataset", opt_text(self.origin.as_ref().map(|o| o.dataset.as_str()))),
            ("origin_id", opt_text(self.origin.as_ref().map(|o| o.id.as_str()))),
        ]
    }
    fn origin_key(&self) -> Option<Vec<(&'static str, String)>> {
        self.origin.as_ref().map(|o| vec![("origin_dataset", o.dataset.clone()), ("origin_id", o.id.clone())])
    }
    fn as_incident(&self) -> Option<&IncidentInput> {
        Some(self)
    }
}

impl LedgerKind for AssessmentInput {
    const ENTITY: RecordKind = RecordKind::ViolationAssessment;
    marked_record!();
    fn stakeholder(&self) -> Option<&str> {
        self.stakeholder.as_deref()
    }
    fn incident(&self) -> Option<&str> {
        Some(&self.incident)
    }
    fn columns(&self) -> Vec<(&'static str, ColumnValue)> {
        vec![
            ("incident_id", text(&self.incident)),
            ("norm_id", text(&self.norm)),
            ("level", text(&self.level)),
            ("actor_state", opt_text(self.actor.state.as_deref())),
        ]
    }
    fn facet(&self) -> Option<(&'static str, String)> {
        Some(("norm", self.norm.clone()))
    }
    fn evidence(&self) -> &[String] {
        &self.evidence
    }
}

impl LedgerKind for AttributionInput {
    const ENTITY: RecordKind = RecordKind::AttributionClaim;
    marked_record!();
    fn stakeholder(&self) -> Option<&str> {
        self.attributor.stakeholder.as_deref()
    }
    fn incident(&self) -> Option<&str> {
        Some(&self.incident)
    }
    fn columns(&self) -> Vec<(&'static str, ColumnValue)> {
        vec![
            ("incident_id", text(&self.incident)),
            ("attributed_state", opt_text(self.attributed_to.state.as_deref())),
            ("attributor_kind", text(self.attributor.kind.name())),
            ("attributed_on", opt_text(self.attributed_on.as_ref().map(PartialDate::as_str))),
            ("origin_id", opt_text(self.origin.as_deref())),
        ]
    }
    fn origin_key(&self) -> Option<Vec<(&'static str, String)>> {
        self.origin.as_ref().map(|o| vec![("origin_id", o.clone())])
    }
    fn facet(&self) -> Option<(&'static str, String)> {
        self.attributed_to.state.clone().map(|s| ("attributed_state", s))
    }
    fn evidence(&self) -> &[String] {
        &self.evidence
    }
}

impl LedgerKind for StatementInput {
    const ENTITY: RecordKind = RecordKind::AttributionStatement;
    marked_record!();
    fn stakeholder(&self) -> Option<&str> {
        None
    }
    fn columns(&self) -> Vec<(&'static str, ColumnValue)> {
        vec![("issued_on", text(self.issued_on.as_str()))]
    }
    fn claims(&self) -> &[String] {
        &self.claims
    }
    /// A statement is about the incidents of the claims it makes its own.
    fn about_incident(p: &str) -> String {
        format!(
            "EXISTS (SELECT 1 FROM attribution_claims c WHERE c.incident_id = {p} \
             AND r.body LIKE '%\"' || c.id || '\"%')"
        )
    }
}

impl LedgerKind for ResponseInput {
    const ENTITY: RecordKind = RecordKind::IncidentResponse;
    marked_record!();
    fn stakeholder(&self) -> Option<&str> {
        self.responder.stakeholder.as_deref()
    }
    fn incident(&self) -> Option<&str> {
        Some(&self.incident)
    }
    fn columns(&self) -> Vec<(&'static str, ColumnValue)> {
        vec![
            ("incident_id", text(&self.incident)),
            ("response_type", text(&self.kind)),
            ("responded_on", text(self.responded_on.as_str())),
            ("origin_id", opt_text(self.origin.as_deref())),
        ]
    }
    fn origin_key(&self) -> Option<Vec<(&'static str, String)>> {
        self.origin.as_ref().map(|o| vec![("origin_id", o.clone())])
    }
    fn claims(&self) -> &[String] {
        &self.claims
    }
}

/// A review as shown with its record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Review {
    pub reviewer: String,
    pub stakeholder_kind: String,
    pub verdict: Verdict,
    pub record_version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub created_at: String,
}

/// A ledger record as stored: the input it was made from, and its life.
#[derive(Debug, Clone, Serialize)]
pub struct LedgerRecord<T> {
    pub id: String,
    #[serde(flatten)]
    pub body: T,
    /// Set on a version that retracts the one it supersedes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retraction: Option<Localized>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supersedes: Option<String>,
    /// The published version that replaced this one, among those the reader may see.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub superseded_by: Option<String>,
    pub recorded_by: String,
    pub created_at: String,
    pub updated_at: String,
    pub version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_index: Option<u64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reviews: Vec<Review>,
}

fn rejected(field: &str, reason: impl Into<String>) -> StoreError {
    StoreError::Rejected(FieldError::new(field, reason))
}

/// The shared columns every ledger table has, read with alias `r`.
const SHARED: &str = "r.id, r.tlp, r.status, r.recorded_by, r.body, r.supersedes, r.retraction, r.created_at, \
    r.updated_at, r.version";

fn record_from<T: LedgerKind>(row: &AnyRow) -> Result<LedgerRecord<T>, StoreError> {
    let body: String = row.try_get("body")?;
    let mut body: T = serde_json::from_str(&body).map_err(|e| corrupt(T::ENTITY.as_str(), e))?;
    body.set_status(enum_column(row, "status")?);
    // The column is what visibility used; the body must agree with it.
    let tlp = tlp_column(row)?;
    if body.tlp() != tlp {
        return Err(corrupt(T::ENTITY.as_str(), "the tlp column and the record disagree"));
    }
    let retraction: Option<String> = row.try_get("retraction")?;
    let idx: Option<i64> = row.try_get("log_index")?;
    Ok(LedgerRecord {
        id: row.try_get("id")?,
        body,
        retraction: retraction
            .map(|r| serde_json::from_str(&r))
            .transpose()
            .map_err(|e| corrupt(T::ENTITY.as_str(), e))?,
        supersedes: row.try_get("supersedes")?,
        superseded_by: row.try_get("superseded_by")?,
        recorded_by: row.try_get("recorded_by")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        version: row.try_get("version")?,
        log_index: idx.and_then(|i| u64::try_from(i).ok()),
        reviews: Vec::new(),
    })
}

/// Select of one table's records the viewer may read, with derived columns; callers add ANDs.
pub(crate) fn visible_records<T: LedgerKind>(viewer: &Viewer) -> Sql {
    let mut sql = Sql::new("");
    let visible = visible_to(&mut sql, viewer, "r");
    let successor = visible_to(&mut sql, viewer, "n");
    let table = T::TABLE;
    let entity = T::ENTITY.as_str();
    // The successor's conditions sit inside a CASE so that SQLite's planner looks the successor
    // up by `supersedes` (one index probe) rather than scanning every published row of the
    // status index for each row read, which made reading 1,643 incidents take seconds.
    sql.push(&format!(
        "SELECT {SHARED}, lg.idx AS log_index, \
           (SELECT MIN(n.id) FROM {table} n WHERE n.supersedes = r.id \
              AND (CASE WHEN n.status = 'published' AND {successor} THEN 1 ELSE 0 END) = 1) AS superseded_by \
         FROM {table} r LEFT JOIN log_leaves lg ON lg.entity = '{entity}' AND lg.entity_id = r.id WHERE {visible}"
    ));
    sql
}

/// Limits on what a ledger write may do, given by the caller (the server's configuration).
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteOptions {
    /// Publish at once, bypassing review: only for imports of already published datasets.
    pub publish_directly: bool,
}

async fn insert_row<T: LedgerKind>(
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    id: &str,
    input: &T,
    supersedes: Option<&str>,
    retraction: Option<&Localized>,
    now: &str,
) -> Result<(), StoreError> {
    let mut sql = Sql::new("");
    let mut names = vec!["id", "stakeholder_id", "tlp", "status", "recorded_by", "community_id", "body"];
    let body = serde_json::to_string(input).map_err(|e| corrupt(T::ENTITY.as_str(), e))?;
    let mut holders = vec![
        sql.bind(id),
        bind_opt(&mut sql, input.stakeholder()),
        sql.bind(input.tlp().name()),
        sql.bind(input.status().name()),
        sql.bind(actor.0.clone()),
        bind_opt(&mut sql, input.community()),
        sql.bind(body),
    ];
    names.extend(["supersedes", "retraction", "created_at", "updated_at", "version"]);
    let retraction = retraction.map(|r| serde_json::to_string(r).unwrap_or_default());
    holders.push(bind_opt(&mut sql, supersedes));
    holders.push(bind_opt(&mut sql, retraction.as_deref()));
    let at = sql.bind(now.to_owned());
    holders.push(at.clone());
    holders.push(at);
    holders.push(sql.bind_int(1));
    for (name, value) in input.columns() {
        names.push(name);
        holders.push(bind_column(&mut sql, value));
    }
    if input.status() == RecordStatus::Published {
        names.push("published_on");
        holders.push(sql.bind(now_rfc3339()[..10].to_owned()));
    }
    sql.push(&format!("INSERT INTO {} ({}) VALUES ({})", T::TABLE, names.join(", "), holders.join(", ")));
    sql.query().execute(&mut **tx).await?;
    Ok(())
}

fn bind_opt(sql: &mut Sql, value: Option<&str>) -> String {
    match value {
        Some(v) => sql.bind(v.to_owned()),
        None => "NULL".to_owned(),
    }
}

fn bind_column(sql: &mut Sql, value: ColumnValue) -> String {
    match value {
        ColumnValue::Text(v) => bind_opt(sql, v.as_deref()),
        ColumnValue::Int(Some(i)) => sql.bind_int(i),
        ColumnValue::Int(None) => "NULL".to_owned(),
    }
}

/// The facet rows an incident carries itself.
fn own_facets(input: &IncidentInput) -> Vec<(&'static str, String)> {
    let mut out: Vec<(&'static str, String)> = Vec::new();
    let mut add = |facet: &'static str, value: &str| {
        if !out.iter().any(|(f, v)| *f == facet && v == value) {
            out.push((facet, value.to_owned()));
        }
    };
    for op in &input.operation_types {
        add("operation", op);
    }
    for t in &input.targets {
        if let Some(c) = &t.country {
            add("country", c);
        }
        if let Some(s) = &t.sector {
            add("sector", s);
        }
        for a in &t.asset_classes {
            add("asset", a);
        }
    }
    for c in &input.impact.countries_affected {
        add("country", c);
    }
    for a in &input.actors {
        if let Some(c) = &a.country {
            add("actor_country", c);
        }
    }
    out
}

/// Writes an incident's own facets and search text; `replace` when the incident already had
/// them (an edit), not for a new id.
async fn write_incident_index(
    tx: &mut Transaction<'static, Any>,
    id: &str,
    input: &IncidentInput,
    replace: bool,
) -> Result<(), StoreError> {
    if replace {
        sqlx::query("DELETE FROM incident_facets WHERE incident_id = $1 AND source_tlp IS NULL")
            .bind(id)
            .execute(&mut **tx)
            .await?;
        // On SQLite this scans the whole FTS5 table (incident_id is UNINDEXED there), so a
        // new incident, which has nothing to delete, skips it: imports stay linear.
        sqlx::query("DELETE FROM incident_search WHERE incident_id = $1").bind(id).execute(&mut **tx).await?;
    }
    for (facet, value) in own_facets(input) {
        sqlx::query(
            "INSERT INTO incident_facets (incident_id, facet, value, source_id, source_tlp, community_id) VALUES ($1, $2, $3, $1, NULL, NULL)",
        )
        .bind(id)
        .bind(facet)
        .bind(value)
        .execute(&mut **tx)
        .await?;
    }
    let text = [&input.title.ja, &input.title.en, &input.description.ja, &input.description.en]
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    sqlx::query("INSERT INTO incident_search (incident_id, body) VALUES ($1, $2)")
        .bind(id)
        .bind(text)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// What a published finding adds to its incident's facets (norm, attributed state).
async fn write_finding_facet<T: LedgerKind>(
    tx: &mut Transaction<'static, Any>,
    id: &str,
    input: &T,
) -> Result<(), StoreError> {
    let Some(incident) = input.incident() else { return Ok(()) };
    if let Some((facet, v)) = input.facet() {
        sqlx::query(
            "INSERT INTO incident_facets (incident_id, facet, value, source_id, source_tlp, community_id) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(incident)
        .bind(facet)
        .bind(v)
        .bind(id)
        .bind(input.tlp().name())
        .bind(input.community().map(str::to_owned))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Checks the references every ledger write makes: stakeholder, community, parent incident.
async fn check_references<T: LedgerKind>(
    tx: &mut Transaction<'static, Any>,
    input: &T,
    stakeholder_field: &str,
) -> Result<(), StoreError> {
    if let Some(s) = input.stakeholder() {
        require_stakeholder(tx, stakeholder_field, s).await?;
    }
    if let Some(c) = input.community() {
        let exists =
            sqlx::query("SELECT 1 AS one FROM communities WHERE id = $1").bind(c).fetch_optional(&mut **tx).await?;
        if exists.is_none() {
            return Err(rejected("community", format!("no community `{c}`")));
        }
    }
    for (i, evidence) in input.evidence().iter().enumerate() {
        let about = sqlx::query("SELECT incident_id FROM incident_evidence WHERE id = $1")
            .bind(evidence)
            .fetch_optional(&mut **tx)
            .await?
            .map(|r| r.try_get::<String, _>("incident_id"))
            .transpose()?;
        if about.as_deref() != input.incident() || about.is_none() {
            return Err(rejected(&format!("evidence[{i}]"), format!("no evidence `{evidence}` about this incident")));
        }
    }
    for (i, claim) in input.claims().iter().enumerate() {
        let exists = sqlx::query("SELECT 1 AS one FROM attribution_claims WHERE id = $1")
            .bind(claim)
            .fetch_optional(&mut **tx)
            .await?;
        if exists.is_none() {
            return Err(rejected(&format!("claims[{i}]"), format!("no attribution claim `{claim}`")));
        }
    }
    if let Some(incident) = input.incident() {
        let row = sqlx::query("SELECT tlp, status, community_id FROM incidents WHERE id = $1")
            .bind(incident)
            .fetch_optional(&mut **tx)
            .await?;
        let Some(row) = row else { return Err(rejected("incident", format!("no incident `{incident}`"))) };
        let tlp = tlp_column(&row)?;
        // Nor is it read more widely: a finding about a community's incident stays in that community.
        let community: Option<String> = row.try_get("community_id")?;
        if let Some(c) = community
            && input.community() != Some(c.as_str())
        {
            return Err(rejected(
                "community",
                format!(
                    "the incident is shared with community `{c}` only; a finding about it must be marked `{c}` too"
                ),
            ));
        }
        // A finding never reveals more than its incident: it is marked at least as strictly.
        if input.tlp() < tlp {
            return Err(rejected(
                "tlp",
                format!("the incident is TLP:{}; a finding about it must be marked at least as strictly", tlp.name()),
            ));
        }
        if input.status() == RecordStatus::Published {
            let status: RecordStatus = enum_column(&row, "status")?;
            if status != RecordStatus::Published {
                return Err(rejected("incident", "publish the incident before the findings about it"));
            }
        }
    }
    Ok(())
}

async fn read_in_tx<T: LedgerKind>(
    tx: &mut Transaction<'static, Any>,
    id: &str,
) -> Result<Option<LedgerRecord<T>>, StoreError> {
    let sql = format!("SELECT {SHARED}, NULL AS log_index, NULL AS superseded_by FROM {} r WHERE r.id = $1", T::TABLE);
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await?;
    row.as_ref().map(record_from::<T>).transpose()
}

/// Appends a record's leaf and the facets it brings, when it is published, and publishes the
/// evidence that belongs to it: an incident's own, or what a finding cites.
async fn publish_tail<T: LedgerKind>(
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    record: &mut LedgerRecord<T>,
) -> Result<(), StoreError> {
    record.log_index = Some(crate::log::append(tx, T::ENTITY, &record.id, record).await?);
    write_finding_facet(tx, &record.id, &record.body).await?;
    let evidence = if record.body.as_incident().is_some() {
        Publishing::Incident(&record.id)
    } else {
        Publishing::Cited { ids: record.body.evidence(), tlp: record.body.tlp(), community: record.body.community() }
    };
    publish_with(tx, actor, evidence).await
}

impl Store {
    /// Creates a ledger record (validated input), as a draft unless `options` say otherwise.
    pub async fn create_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        input: &T,
        options: WriteOptions,
    ) -> Result<LedgerRecord<T>, StoreError> {
        let mut tx = self.begin_write().await?;
        let record = create_in(&mut tx, actor, input, options, None, None).await?;
        tx.commit().await?;
        Ok(record)
    }

    /// Stores many published records in one transaction — all or none (imports of published
    /// datasets). A record whose origin is not here yet is created; one that says what the
    /// importer last wrote for it is left alone (a coder's correction since stands); one whose
    /// content changed (a newer release) gets a new version that supersedes the current one,
    /// which stays readable and in the log.
    pub async fn import_ledger_records<T: LedgerKind>(
        &self,
        actor: &Actor,
        inputs: &[T],
    ) -> Result<ImportCounts, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut counts = ImportCounts::default();
        let publish = WriteOptions { publish_directly: true };
        for input in inputs {
            let current = match input.origin_key() {
                Some(key) => current_version::<T>(&mut tx, actor, key).await?,
                None => None,
            };
            match current {
                None => {
                    create_in(&mut tx, actor, input, publish, None, None).await?;
                    counts.created += 1;
                }
                Some((id, body)) => {
                    let new = serde_json::to_value(input).map_err(|e| corrupt(T::ENTITY.as_str(), e))?;
                    if new == body {
                        counts.unchanged += 1;
                    } else {
                        create_in(&mut tx, actor, input, publish, Some(&id), None).await?;
                        counts.superseded += 1;
                    }
                }
            }
        }
        tx.commit().await?;
        Ok(counts)
    }

    /// Start and discovery dates of the published incidents the viewer may read.
    pub async fn incident_dates(
        &self,
        viewer: &Viewer,
    ) -> Result<std::collections::HashMap<String, (Option<PartialDate>, Option<PartialDate>)>, StoreError> {
        #[derive(serde::Deserialize)]
        struct Dates {
            started: Option<PartialDate>,
            discovered: Option<PartialDate>,
        }
        let mut sql = Sql::new("SELECT r.id, r.body FROM incidents r WHERE r.status = 'published' AND ");
        let visible = visible_to(&mut sql, viewer, "r");
        sql.push(&visible);
        let rows = sql.query().fetch_all(&self.pool).await?;
        let mut out = std::collections::HashMap::with_capacity(rows.len());
        for r in &rows {
            let body: String = r.try_get("body")?;
            let d: Dates = serde_json::from_str(&body).map_err(|e| corrupt("incident", e))?;
            out.insert(r.try_get("id")?, (d.started, d.discovered));
        }
        Ok(out)
    }

    /// Published records of a kind that still stand (not superseded, not retracted).
    pub async fn standing_records<T: LedgerKind>(&self, viewer: &Viewer) -> Result<Vec<LedgerRecord<T>>, StoreError> {
        let all = self.ledger_records::<T>(viewer, None, Some(RecordStatus::Published)).await?;
        Ok(all.into_iter().filter(|r| r.superseded_by.is_none() && r.retraction.is_none()).collect())
    }

    /// What the published, standing attribution claims about an incident that the viewer may
    /// read say together (contested when they name different states).
    pub async fn incident_attribution(
        &self,
        viewer: &Viewer,
        incident: &str,
    ) -> Result<normwatch_core::incident::AttributionState, StoreError> {
        let claims =
            self.ledger_records::<AttributionInput>(viewer, Some(incident), Some(RecordStatus::Published)).await?;
        let standing = claims.iter().filter(|c| c.superseded_by.is_none() && c.retraction.is_none());
        Ok(normwatch_core::incident::AttributionState::from_marked_claims(
            standing.map(|c| (c.body.attributed_to.state.as_deref(), c.body.contested)),
        ))
    }

    /// Our ids of a dataset's imported incidents, by their original id: the current version's,
    /// when a newer release superseded the first.
    pub async fn incidents_by_origin(
        &self,
        dataset: &str,
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.id, r.origin_id FROM incidents r WHERE r.origin_dataset = $1 AND r.status = 'published' \
             AND NOT EXISTS (SELECT 1 FROM incidents n WHERE n.supersedes = r.id AND n.status = 'published')",
        )
        .bind(dataset)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("origin_id")?, r.try_get("id")?))).collect()
    }

    /// One record the viewer may read, with its reviews.
    pub async fn ledger_record<T: LedgerKind>(
        &self,
        viewer: &Viewer,
        id: &str,
    ) -> Result<Option<LedgerRecord<T>>, StoreError> {
        let mut sql = visible_records::<T>(viewer);
        let p = sql.bind(id);
        sql.push(&format!(" AND r.id = {p}"));
        let Some(row) = sql.query().fetch_optional(&self.pool).await? else { return Ok(None) };
        let mut record = record_from::<T>(&row)?;
        record.reviews = self.reviews(T::ENTITY.as_str(), id).await?;
        Ok(Some(record))
    }

    /// The records of one incident (findings), or every record of the kind (`None`), oldest first.
    pub async fn ledger_records<T: LedgerKind>(
        &self,
        viewer: &Viewer,
        incident: Option<&str>,
        status: Option<RecordStatus>,
    ) -> Result<Vec<LedgerRecord<T>>, StoreError> {
        let mut sql = visible_records::<T>(viewer);
        if let Some(i) = incident {
            let p = sql.bind(i);
            sql.push(&format!(" AND {}", T::about_incident(&p)));
        }
        if let Some(s) = status {
            let p = sql.bind(s.name());
            sql.push(&format!(" AND r.status = {p}"));
        }
        sql.push(" ORDER BY r.created_at, r.id");
        let mut records: Vec<LedgerRecord<T>> =
            sql.query().fetch_all(&self.pool).await?.iter().map(record_from::<T>).collect::<Result<_, _>>()?;
        // Records not yet published carry their reviews, as a single read gives them (a reviewer
        // works from the list); published ones are the common, bulk case and go without.
        for r in records.iter_mut().filter(|r| r.body.status() != RecordStatus::Published) {
            r.reviews = self.reviews(T::ENTITY.as_str(), &r.id).await?;
        }
        Ok(records)
    }

    async fn reviews(&self, entity: &str, id: &str) -> Result<Vec<Review>, StoreError> {
        let rows = sqlx::query(
            "SELECT reviewer, stakeholder_kind, verdict, record_version, comment, created_at FROM record_reviews
             WHERE entity = $1 AND record_id = $2 ORDER BY created_at, id",
        )
        .bind(entity)
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Review {
                    reviewer: r.try_get("reviewer")?,
                    stakeholder_kind: r.try_get("stakeholder_kind")?,
                    verdict: enum_column(r, "verdict")?,
                    record_version: r.try_get("record_version")?,
                    comment: r.try_get("comment")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// Replaces a draft's content. `version` is the one the writer read; a stale one gets 409.
    pub async fn update_ledger_draft<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        version: i64,
        input: &T,
    ) -> Result<LedgerRecord<T>, StoreError> {
        if self.ledger_record::<T>(viewer, id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        let Some(before) = read_in_tx::<T>(&mut tx, id).await? else { return Err(StoreError::NotFound) };
        if before.body.status() != RecordStatus::Draft {
            return Err(StoreError::Conflict(format!(
                "the {} is {}; only a draft is edited (published records are corrected by a new version)",
                T::ENTITY.as_str(),
                before.body.status().name()
            )));
        }
        check_references(&mut tx, input, "stakeholder").await?;
        let mut input = input.clone();
        input.set_status(RecordStatus::Draft);
        let body = serde_json::to_string(&input).map_err(|e| corrupt(T::ENTITY.as_str(), e))?;
        let mut sql = Sql::new("");
        let mut sets = vec![
            format!("body = {}", sql.bind(body)),
            format!("tlp = {}", sql.bind(input.tlp().name())),
            format!("stakeholder_id = {}", bind_opt(&mut sql, input.stakeholder())),
            format!("community_id = {}", bind_opt(&mut sql, input.community())),
            format!("updated_at = {}", sql.bind(now_rfc3339())),
            "version = version + 1".to_owned(),
        ];
        for (name, value) in input.columns() {
            sets.push(format!("{name} = {}", bind_column(&mut sql, value)));
        }
        let idp = sql.bind(id);
        let vp = sql.bind_int(version);
        sql.push(&format!(
            "UPDATE {} SET {} WHERE id = {idp} AND version = {vp} AND status = 'draft'",
            T::TABLE,
            sets.join(", ")
        ));
        if sql.query().execute(&mut *tx).await?.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "version {version} is stale: the {} is at version {}; read it again",
                T::ENTITY.as_str(),
                before.version
            )));
        }
        if let Some(incident) = input.as_incident() {
            write_incident_index(&mut tx, id, incident, true).await?;
            follow_incident(&mut tx, id, input.tlp(), input.community()).await?;
        }
        let after = read_in_tx::<T>(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        record(&mut tx, actor, "update", T::ENTITY.as_str(), id, Some(&before), Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Sends a draft to review.
    pub async fn submit_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
    ) -> Result<LedgerRecord<T>, StoreError> {
        self.transition::<T>(actor, viewer, id, RecordStatus::Draft, RecordStatus::InReview, "submit").await
    }

    async fn transition<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        from: RecordStatus,
        to: RecordStatus,
        action: &str,
    ) -> Result<LedgerRecord<T>, StoreError> {
        if self.ledger_record::<T>(viewer, id).await?.is_none() {
            return Err(StoreError::NotFound);
        }
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE {} SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND status = $4",
            T::TABLE
        )))
        .bind(to.name())
        .bind(now_rfc3339())
        .bind(id)
        .bind(from.name())
        .execute(&mut *tx)
        .await?;
        let after = read_in_tx::<T>(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "the {} is {}, not {}: it cannot be {action}ted now",
                T::ENTITY.as_str(),
                after.body.status().name(),
                from.name()
            )));
        }
        record(&mut tx, actor, action, T::ENTITY.as_str(), id, None::<&()>, Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Records a review of the record's current version. Asking for changes sends it back to draft.
    #[allow(clippy::too_many_arguments)]
    pub async fn review_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        reviewer_kind: &str,
        verdict: Verdict,
        comment: Option<&str>,
    ) -> Result<LedgerRecord<T>, StoreError> {
        let Some(current) = self.ledger_record::<T>(viewer, id).await? else { return Err(StoreError::NotFound) };
        if current.body.status() != RecordStatus::InReview {
            return Err(StoreError::Conflict(format!(
                "the {} is {}; only a record in review is reviewed (submit it first)",
                T::ENTITY.as_str(),
                current.body.status().name()
            )));
        }
        if current.recorded_by == actor.0 {
            return Err(rejected("reviewer", "an author does not review their own record"));
        }
        if current.reviews.iter().any(|r| r.reviewer == actor.0 && r.record_version == current.version) {
            return Err(StoreError::Conflict("you have reviewed this version already".into()));
        }
        let mut tx = self.begin_write().await?;
        // The version check makes a review of a version that changed meanwhile a conflict.
        let still = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT version FROM {} WHERE id = $1 AND version = $2 AND status = 'in-review'",
            T::TABLE
        )))
        .bind(id)
        .bind(current.version)
        .fetch_optional(&mut *tx)
        .await?;
        if still.is_none() {
            return Err(StoreError::Conflict("the record changed while you reviewed it; read it again".into()));
        }
        sqlx::query(
            "INSERT INTO record_reviews (id, entity, record_id, record_version, reviewer, stakeholder_kind, verdict, comment, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(new_id())
        .bind(T::ENTITY.as_str())
        .bind(id)
        .bind(current.version)
        .bind(&actor.0)
        .bind(reviewer_kind)
        .bind(verdict.name())
        .bind(comment.map(str::to_owned))
        .bind(now_rfc3339())
        .execute(&mut *tx)
        .await?;
        if verdict == Verdict::RequestChanges {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "UPDATE {} SET status = 'draft', updated_at = $1, version = version + 1 WHERE id = $2",
                T::TABLE
            )))
            .bind(now_rfc3339())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        let what = serde_json::json!({ "verdict": verdict.name(), "version": current.version, "comment": comment });
        record(&mut tx, actor, "review", T::ENTITY.as_str(), id, None::<&()>, Some(&what)).await?;
        tx.commit().await?;
        self.ledger_record::<T>(viewer, id).await?.ok_or(StoreError::NotFound)
    }

    /// Publishes a record in review whose current version has the approvals `rule` needs, and
    /// appends it to the transparency log in the same transaction.
    pub async fn publish_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        rule: ReviewRule,
    ) -> Result<LedgerRecord<T>, StoreError> {
        let Some(current) = self.ledger_record::<T>(viewer, id).await? else { return Err(StoreError::NotFound) };
        if current.body.status() != RecordStatus::InReview {
            return Err(StoreError::Conflict(format!(
                "the {} is {}; only a record in review is published",
                T::ENTITY.as_str(),
                current.body.status().name()
            )));
        }
        let approvals: Vec<Approval> = current
            .reviews
            .iter()
            .filter(|r| r.record_version == current.version && r.verdict == Verdict::Approve)
            .map(|r| Approval { reviewer: r.reviewer.clone(), stakeholder_kind: r.stakeholder_kind.clone() })
            .collect();
        rule.check(&approvals).map_err(|reason| rejected("reviews", reason))?;
        let mut tx = self.begin_write().await?;
        let mut published = current.body.clone();
        published.set_status(RecordStatus::Published);
        check_references(&mut tx, &published, "stakeholder").await?;
        let mut sql = Sql::new("");
        let now = sql.bind(now_rfc3339());
        let idp = sql.bind(id);
        let vp = sql.bind_int(current.version);
        let published_on = sql.bind(now_rfc3339()[..10].to_owned());
        sql.push(&format!(
            "UPDATE {} SET status = 'published', updated_at = {now}, version = version + 1, published_on = {published_on} \
             WHERE id = {idp} AND version = {vp} AND status = 'in-review'",
            T::TABLE
        ));
        let done = sql.query().execute(&mut *tx).await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict("the record changed meanwhile; read it again".into()));
        }
        let mut after = read_in_tx::<T>(&mut tx, id).await?.ok_or(StoreError::NotFound)?;
        publish_tail(&mut tx, actor, &mut after).await?;
        record(&mut tx, actor, "publish", T::ENTITY.as_str(), id, None::<&()>, Some(&after)).await?;
        tx.commit().await?;
        self.ledger_record::<T>(viewer, id).await?.ok_or(StoreError::NotFound)
    }

    /// A correction or retraction of a published record: a new draft that supersedes it once
    /// published. The old version stays, readable and in the log.
    pub async fn correct_ledger_record<T: LedgerKind>(
        &self,
        actor: &Actor,
        viewer: &Viewer,
        id: &str,
        input: &T,
        retraction: Option<&Localized>,
    ) -> Result<LedgerRecord<T>, StoreError> {
        let Some(old) = self.ledger_record::<T>(viewer, id).await? else { return Err(StoreError::NotFound) };
        if old.body.status() != RecordStatus::Published {
            return Err(StoreError::Conflict(format!(
                "the {} is {}; edit the draft instead — only published records are corrected",
                T::ENTITY.as_str(),
                old.body.status().name()
            )));
        }
        if old.body.incident() != input.incident() {
            return Err(rejected("incident", "a correction is about the same incident as what it corrects"));
        }
        let mut tx = self.begin_write().await?;
        let mut input = input.clone();
        input.set_status(RecordStatus::Draft);
        let created = create_in(&mut tx, actor, &input, WriteOptions::default(), Some(id), retraction).await?;
        tx.commit().await?;
        Ok(created)
    }
}

/// What an import did with its records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub created: usize,
    /// Records whose content changed: a new version now supersedes the one stored.
    pub superseded: usize,
    pub unchanged: usize,
}

impl std::ops::AddAssign for ImportCounts {
    fn add_assign(&mut self, other: ImportCounts) {
        self.created += other.created;
        self.superseded += other.superseded;
        self.unchanged += other.unchanged;
    }
}

/// An imported record as stored: the id of its current version (the published one no published
/// version supersedes) and the body of the last version the importer wrote. A release is
/// compared with the latter, so that a coder's published correction of an imported record is
/// not undone by importing the same release again; a changed release supersedes the current
/// version, whoever wrote it.
async fn current_version<T: LedgerKind>(
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    key: Vec<(&'static str, String)>,
) -> Result<Option<(String, serde_json::Value)>, StoreError> {
    let table = T::TABLE;
    let mut current = Sql::new(&format!(
        "SELECT r.id, r.body FROM {table} r WHERE r.status = 'published' \
         AND NOT EXISTS (SELECT 1 FROM {table} n WHERE n.supersedes = r.id AND n.status = 'published')"
    ));
    let mut imported = Sql::new(&format!("SELECT r.body FROM {table} r WHERE r.status = 'published'"));
    let by = imported.bind(actor.0.clone());
    imported.push(&format!(" AND r.recorded_by = {by}"));
    for (col, value) in key {
        for sql in [&mut current, &mut imported] {
            let p = sql.bind(value.clone());
            sql.push(&format!(" AND r.{col} = {p}"));
        }
    }
    imported.push(" ORDER BY r.created_at DESC, r.id DESC LIMIT 1");
    let Some(row) = current.query().fetch_optional(&mut **tx).await? else { return Ok(None) };
    let body: String = match imported.query().fetch_optional(&mut **tx).await? {
        Some(last) => last.try_get("body")?,
        None => row.try_get("body")?,
    };
    let body = serde_json::from_str(&body).map_err(|e| corrupt(T::ENTITY.as_str(), e))?;
    Ok(Some((row.try_get("id")?, body)))
}

async fn create_in<T: LedgerKind>(
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    input: &T,
    options: WriteOptions,
    supersedes: Option<&str>,
    retraction: Option<&Localized>,
) -> Result<LedgerRecord<T>, StoreError> {
    let mut input = input.clone();
    if !options.publish_directly && input.status() == RecordStatus::Published {
        input.set_status(RecordStatus::Draft);
    }
    check_references(tx, &input, "stakeholder").await?;
    let id = new_id();
    let now = now_rfc3339();
    insert_row(tx, actor, &id, &input, supersedes, retraction, &now).await?;
    if let Some(incident) = input.as_incident() {
        write_incident_index(tx, &id, incident, false).await?;
    }
    // What was just written, as a read would return it (no read-back on the import path).
    let mut created = LedgerRecord {
        id,
        body: input,
        retraction: retraction.cloned(),
        supersedes: supersedes.map(str::to_owned),
        superseded_by: None,
        recorded_by: actor.0.clone(),
        created_at: now.clone(),
        updated_at: now,
        version: 1,
        log_index: None,
        reviews: Vec::new(),
    };
    let id = created.id.clone();
    record(tx, actor, "create", T::ENTITY.as_str(), &id, None::<&()>, Some(&created)).await?;
    if created.body.status() == RecordStatus::Published {
        publish_tail(tx, actor, &mut created).await?;
    }
    Ok(created)
}
