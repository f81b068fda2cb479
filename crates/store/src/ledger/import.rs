//! Imports of published datasets: many records of one kind in one transaction, each created,
//! left alone or superseded by its origin key. The records a dataset brings for the first time
//! are written together, a statement per chunk of rows (rows, search text and facets, audit
//! entries, leaves), not several statements each.
use super::write::{Found, check_references, create_in, facet_rows, finding_facet_row, row_columns, search_row};
use super::{ImportCounts, LedgerKind, LedgerRecord, WriteOptions};
use crate::audit::{Actor, record_created};
use crate::incident_evidence::{Publishing, publish_with};
use crate::rows::corrupt;
use crate::sql::{ROWS_PER_STATEMENT, Sql, insert_rows};
use crate::{Store, StoreError, new_id, now_rfc3339};
use normwatch_core::RecordStatus;
use sqlx::{Any, Row, Transaction};
use std::collections::{HashMap, HashSet};

impl Store {
    /// Stores many published records in one transaction — all or none (imports of published
    /// datasets). A record whose origin is not here yet is created; one that says what the
    /// importer last wrote for it is left alone (a coder's correction since stands); one whose
    /// content changed (a newer release) gets a new version that supersedes the current one,
    /// which stays readable and in the log. The records new here are written first, together;
    /// then, one by one, those whose origin was here already (or comes twice in `inputs`): the
    /// leaves and audit entries of one call follow that order, not the order of `inputs`, and
    /// the evidence findings cite is published after the findings' leaves.
    pub async fn import_ledger_records<T: LedgerKind>(
        &self,
        actor: &Actor,
        inputs: &[T],
    ) -> Result<ImportCounts, StoreError> {
        if inputs.is_empty() {
            return Ok(ImportCounts::default());
        }
        let mut tx = self.begin_write().await?;
        let mut counts = ImportCounts::default();
        let keys: Vec<_> = inputs.iter().filter_map(LedgerKind::origin_key).collect();
        let stored = stored_versions::<T>(&mut tx, actor, &keys).await?;
        let key_of = |input: &T| input.origin_key().map(|key| key.into_iter().map(|(_, v)| v).collect::<Vec<_>>());
        let mut times: HashMap<Vec<String>, usize> = HashMap::new();
        for key in inputs.iter().filter_map(key_of) {
            *times.entry(key).or_default() += 1;
        }
        let (mut new, mut known) = (Vec::new(), Vec::new());
        let mut seen = HashSet::new();
        for input in inputs {
            match key_of(input) {
                Some(key) if stored.contains_key(&key) || !seen.insert(key.clone()) => known.push(input),
                _ => new.push(input),
            }
        }
        create_published(&mut tx, actor, &new).await?;
        counts.created += new.len();
        let publish = WriteOptions { publish_directly: true };
        for input in known {
            // What was read before anything was written holds for an origin the import names
            // once; one it names again is read as the earlier one left it.
            let current = match (key_of(input), input.origin_key()) {
                (Some(key), _) if times.get(&key) == Some(&1) => stored.get(&key).cloned(),
                (Some(values), Some(key)) => stored_versions::<T>(&mut tx, actor, &[key]).await?.remove(&values),
                _ => None,
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
}

/// For each origin key in `keys` (its values, in the kind's key order) that the kind's table
/// holds a published record for: the current version's id (the published one no published
/// version supersedes) and the body the importer last wrote for it (the current one's when it
/// wrote none) — two reads per [`ROWS_PER_STATEMENT`] keys. The importer's last body is what a release is compared with, so that a coder's published
/// correction of an imported record is not undone by importing the same release again; a
/// changed release supersedes the current version, whoever wrote it.
async fn stored_versions<T: LedgerKind>(
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    keys: &[Vec<(&'static str, String)>],
) -> Result<HashMap<Vec<String>, (String, serde_json::Value)>, StoreError> {
    let Some(columns) = keys.first().map(|k| k.iter().map(|(c, _)| format!("r.{c}")).collect::<Vec<_>>()) else {
        return Ok(HashMap::new());
    };
    let (table, cols) = (T::TABLE, columns.join(", "));
    let key_from = |row: &sqlx::any::AnyRow| -> Result<Vec<String>, StoreError> {
        (0..columns.len()).map(|i| row.try_get::<String, _>(format!("k{i}").as_str()).map_err(Into::into)).collect()
    };
    let named: String = columns.iter().enumerate().map(|(i, c)| format!(", {c} AS k{i}")).collect();
    let mut stored: HashMap<Vec<String>, (String, serde_json::Value)> = HashMap::new();
    for chunk in keys.chunks(ROWS_PER_STATEMENT) {
        let tuples = |sql: &mut Sql| -> String {
            let tuples: Vec<String> = chunk
                .iter()
                .map(|key| {
                    let values: Vec<String> = key.iter().map(|(_, v)| sql.bind(v.clone())).collect();
                    format!("({})", values.join(", "))
                })
                .collect();
            tuples.join(", ")
        };
        let mut current = Sql::new("");
        let list = tuples(&mut current);
        current.push(&format!(
            "SELECT r.id, r.body{named} FROM {table} r WHERE r.status = 'published' \
             AND NOT EXISTS (SELECT 1 FROM {table} n WHERE n.supersedes = r.id AND n.status = 'published') \
             AND ({cols}) IN ({list})"
        ));
        let mut bodies: HashMap<Vec<String>, (String, String)> = HashMap::new();
        for row in current.fetch_in(tx).await? {
            bodies.entry(key_from(&row)?).or_insert((row.try_get("id")?, row.try_get("body")?));
        }
        // The importer's own last version of each, newest first: the first one seen wins.
        let mut imported = Sql::new("");
        let by = imported.bind(actor.0.clone());
        let list = tuples(&mut imported);
        imported.push(&format!(
            "SELECT r.body{named} FROM {table} r WHERE r.status = 'published' AND r.recorded_by = {by} \
             AND ({cols}) IN ({list}) ORDER BY r.created_at DESC, r.id DESC"
        ));
        let mut last: HashMap<Vec<String>, String> = HashMap::new();
        for row in imported.fetch_in(tx).await? {
            last.entry(key_from(&row)?).or_insert(row.try_get("body")?);
        }
        for (key, (id, body)) in bodies {
            let body = last.remove(&key).unwrap_or(body);
            let body = serde_json::from_str(&body).map_err(|e| corrupt(T::ENTITY.as_str(), e))?;
            stored.insert(key, (id, body));
        }
    }
    Ok(stored)
}

/// Creates published records as [`create_in`] creates each (checked references, row, incident
/// search text and facets, audit entry, leaf, finding facet, evidence published with it), a
/// statement per [`ROWS_PER_STATEMENT`] records for each of those writes.
async fn create_published<T: LedgerKind>(
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    inputs: &[&T],
) -> Result<(), StoreError> {
    let mut found = Found::default();
    found.incidents(tx, inputs.iter().filter_map(|i| i.incident())).await?;
    for input in inputs {
        check_references(tx, *input, "stakeholder", &mut found).await?;
    }
    let now = now_rfc3339();
    let records: Vec<LedgerRecord<T>> = inputs
        .iter()
        .map(|input| LedgerRecord {
            id: new_id(),
            body: (*input).clone(),
            retraction: None,
            supersedes: None,
            superseded_by: None,
            recorded_by: actor.0.clone(),
            created_at: now.clone(),
            updated_at: now.clone(),
            version: 1,
            log_index: None,
            reviews: Vec::new(),
        })
        .collect();
    for chunk in records.chunks(ROWS_PER_STATEMENT) {
        let rows = chunk
            .iter()
            .map(|r| row_columns(actor, &r.id, &r.body, None, None, &now))
            .collect::<Result<Vec<_>, _>>()?;
        insert_rows(T::TABLE, rows).execute_in(tx).await?;
        let incidents: Vec<_> = chunk.iter().filter_map(|r| r.body.as_incident().map(|i| (r.id.as_str(), i))).collect();
        let facets: Vec<_> = incidents.iter().flat_map(|(id, incident)| facet_rows(id, incident)).collect();
        // A dozen facets an incident: their own chunks, within the limit on placeholders.
        for rows in facets.chunks(ROWS_PER_STATEMENT) {
            insert_rows("incident_facets", rows.to_vec()).execute_in(tx).await?;
        }
        if !incidents.is_empty() {
            let texts = incidents.iter().map(|(id, i)| search_row(id, i)).collect();
            insert_rows("incident_search", texts).execute_in(tx).await?;
        }
    }
    let created: Vec<(&str, &LedgerRecord<T>)> = records.iter().map(|r| (r.id.as_str(), r)).collect();
    record_created(tx, actor, T::ENTITY.as_str(), &created).await?;
    let published: Vec<(&str, &LedgerRecord<T>)> =
        created.into_iter().filter(|(_, r)| r.body.status() == RecordStatus::Published).collect();
    crate::log::append_many(tx, T::ENTITY, &published).await?;
    let finding_facets: Vec<_> = published.iter().filter_map(|(id, r)| finding_facet_row(id, &r.body)).collect();
    for rows in finding_facets.chunks(ROWS_PER_STATEMENT) {
        insert_rows("incident_facets", rows.to_vec()).execute_in(tx).await?;
    }
    // Evidence goes public with what it belongs to: a finding's cited evidence (an incident
    // created here has none yet).
    for (_, r) in &published {
        if r.body.as_incident().is_none() && !r.body.evidence().is_empty() {
            let cited = Publishing::Cited { ids: r.body.evidence(), tlp: r.body.tlp(), community: r.body.community() };
            publish_with(tx, actor, cited).await?;
        }
    }
    Ok(())
}
