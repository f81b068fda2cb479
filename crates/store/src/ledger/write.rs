//! Writing ledger records: the row and its index columns, the incident's search index and
//! facets, the checks on references and markings, creation, imports and publication's tail.
use super::{LedgerKind, LedgerRecord, WriteOptions, rejected};
use crate::audit::{Actor, record};
use crate::incident_evidence::{Publishing, publish_with};
use crate::marked::{Marking, marking_columns};
use crate::rows::{corrupt, enum_column, tlp_column};
use crate::sql::{Column, ROWS_PER_STATEMENT, Sql, col, insert, insert_rows};
use crate::stakeholders::require_stakeholder;
use crate::{Store, StoreError, new_id, now_rfc3339};
use normwatch_core::incident::IncidentInput;
use normwatch_core::marking::{ParentMarking, finding_within};
use normwatch_core::{Localized, RecordStatus};
use sqlx::{Any, Row, Transaction};
use std::collections::{HashMap, HashSet};

/// A new record's row: its columns and their values.
pub(super) fn row_columns<T: LedgerKind>(
    actor: &Actor,
    id: &str,
    input: &T,
    supersedes: Option<&str>,
    retraction: Option<&Localized>,
    now: &str,
) -> Result<Vec<Column>, StoreError> {
    let body = serde_json::to_string(input).map_err(|e| corrupt(T::ENTITY.as_str(), e))?;
    let retraction = retraction.map(|r| serde_json::to_string(r).unwrap_or_default());
    let mut columns = vec![
        col("id", id),
        col("stakeholder_id", input.stakeholder()),
        col("body", body),
        col("supersedes", supersedes),
        col("retraction", retraction),
    ];
    let marking = Marking { tlp: input.tlp(), status: input.status(), community: input.community() };
    columns.extend(marking_columns(marking, actor, now));
    columns.extend(input.columns());
    // Always the same columns (NULL for a draft), so that rows of a batch share one list.
    let published = input.status() == RecordStatus::Published;
    columns.push(col("published_on", published.then(|| now_rfc3339()[..10].to_owned())));
    Ok(columns)
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
    for cve in normwatch_core::vulnerability::incident_cves(input) {
        add("cve", &cve);
    }
    out
}

/// Writes an incident's own facets and search text; `replace` when the incident already had
/// them (an edit), not for a new id.
pub(super) async fn write_incident_index(
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
    // One statement for all of an incident's facets (an import writes thousands of incidents).
    let facets = facet_rows(id, input);
    if !facets.is_empty() {
        insert_rows("incident_facets", facets).execute_in(tx).await?;
    }
    insert_rows("incident_search", vec![search_row(id, input)]).execute_in(tx).await?;
    Ok(())
}

/// The facet rows an incident carries itself, ready to insert.
pub(super) fn facet_rows(id: &str, input: &IncidentInput) -> Vec<Vec<Column>> {
    own_facets(input)
        .into_iter()
        .map(|(facet, value)| {
            vec![
                col("incident_id", id),
                col("facet", facet),
                col("value", value),
                col("source_id", id),
                col("source_tlp", None::<&str>),
                col("community_id", None::<&str>),
            ]
        })
        .collect()
}

/// An incident's row of the full-text table: its titles and descriptions.
pub(super) fn search_row(id: &str, input: &IncidentInput) -> Vec<Column> {
    let text = [&input.title.ja, &input.title.en, &input.description.ja, &input.description.en]
        .iter()
        .filter(|t| !t.is_empty())
        .map(|t| t.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    vec![col("incident_id", id), col("body", text)]
}

/// The facet row a published finding adds to its incident (norm, attributed state), if any.
pub(super) fn finding_facet_row<T: LedgerKind>(id: &str, input: &T) -> Option<Vec<Column>> {
    let (incident, (facet, value)) = (input.incident()?, input.facet()?);
    Some(vec![
        col("incident_id", incident),
        col("facet", facet),
        col("value", value),
        col("source_id", id),
        col("source_tlp", input.tlp().name()),
        col("community_id", input.community()),
    ])
}

/// What a published finding adds to its incident's facets (norm, attributed state).
async fn write_finding_facet<T: LedgerKind>(
    tx: &mut Transaction<'static, Any>,
    id: &str,
    input: &T,
) -> Result<(), StoreError> {
    if let Some(row) = finding_facet_row(id, input) {
        insert_rows("incident_facets", vec![row]).execute_in(tx).await?;
    }
    Ok(())
}

/// What a transaction has found to exist already: a batch of writes checks each stakeholder,
/// community and parent incident once.
#[derive(Default)]
pub(super) struct Found {
    stakeholders: HashSet<String>,
    communities: HashSet<String>,
    incidents: HashMap<String, ParentMarking>,
}

impl Found {
    /// Reads the markings of the parent incidents `ids` name, a statement per
    /// [`ROWS_PER_STATEMENT`]; an id not found is left for the check to refuse.
    pub(super) async fn incidents(
        &mut self,
        tx: &mut Transaction<'static, Any>,
        ids: impl IntoIterator<Item = &str>,
    ) -> Result<(), StoreError> {
        let wanted: Vec<&str> = ids.into_iter().filter(|id| !self.incidents.contains_key(*id)).collect();
        for chunk in wanted.chunks(ROWS_PER_STATEMENT) {
            let mut sql = Sql::new("");
            let holders: Vec<String> = chunk.iter().map(|id| sql.bind(*id)).collect();
            sql.push(&format!(
                "SELECT id, tlp, status, community_id FROM incidents WHERE id IN ({})",
                holders.join(", ")
            ));
            for row in sql.fetch_in(tx).await? {
                let marking = ParentMarking {
                    tlp: tlp_column(&row)?,
                    status: enum_column(&row, "status")?,
                    community: row.try_get("community_id")?,
                };
                self.incidents.insert(row.try_get("id")?, marking);
            }
        }
        Ok(())
    }
}

/// Checks the references every ledger write makes: stakeholder, community, parent incident.
pub(super) async fn check_references<T: LedgerKind>(
    tx: &mut Transaction<'static, Any>,
    input: &T,
    stakeholder_field: &str,
    found: &mut Found,
) -> Result<(), StoreError> {
    if let Some(s) = input.stakeholder()
        && !found.stakeholders.contains(s)
    {
        require_stakeholder(tx, stakeholder_field, s).await?;
        found.stakeholders.insert(s.to_owned());
    }
    if let Some(c) = input.community()
        && !found.communities.contains(c)
    {
        let exists =
            sqlx::query("SELECT 1 AS one FROM communities WHERE id = $1").bind(c).fetch_optional(&mut **tx).await?;
        if exists.is_none() {
            return Err(rejected("community", format!("no community `{c}`")));
        }
        found.communities.insert(c.to_owned());
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
        if !found.incidents.contains_key(incident) {
            let row = sqlx::query("SELECT tlp, status, community_id FROM incidents WHERE id = $1")
                .bind(incident)
                .fetch_optional(&mut **tx)
                .await?;
            let Some(row) = row else { return Err(rejected("incident", format!("no incident `{incident}`"))) };
            let marking = ParentMarking {
                tlp: tlp_column(&row)?,
                status: enum_column(&row, "status")?,
                community: row.try_get("community_id")?,
            };
            found.incidents.insert(incident.to_owned(), marking);
        }
        if let Some(parent) = found.incidents.get(incident) {
            finding_within(parent, input.tlp(), input.status(), input.community()).map_err(StoreError::Rejected)?;
        }
    }
    Ok(())
}

/// Appends a record's leaf and the facets it brings, when it is published, and publishes the
/// evidence that belongs to it: an incident's own, or what a finding cites.
pub(super) async fn publish_tail<T: LedgerKind>(
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
}

pub(super) async fn create_in<T: LedgerKind>(
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
    check_references(tx, &input, "stakeholder", &mut Found::default()).await?;
    let id = new_id();
    let now = now_rfc3339();
    insert(T::TABLE, row_columns(actor, &id, &input, supersedes, retraction, &now)?).query().execute(&mut **tx).await?;
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
