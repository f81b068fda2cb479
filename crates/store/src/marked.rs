//! One engine for marked records outside the ledger (positions, evidence of implementation,
//! legal positions, vulnerabilities, programmes, assessments, contacts): it owns the write
//! transaction, the marking columns (TLP, status, community, author, times, version), the audit
//! entry and the log leaf. Each kind says only its table, its own columns and how a row reads.
use crate::audit::Actor;
use crate::rows::corrupt;
use crate::sql::{Column, ROWS_PER_STATEMENT, Sql, col, visible_to};
use crate::stakeholders::require_stakeholder;
use crate::{Store, StoreError, new_id, now_rfc3339};
use normwatch_core::adoption::Stakeholder;
use normwatch_core::{FieldError, RecordKind, RecordStatus, Tlp, Viewer};
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};
use std::collections::HashMap;

/// How a new record is marked.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Marking<'a> {
    pub tlp: Tlp,
    pub status: RecordStatus,
    pub community: Option<&'a str>,
}

/// The columns every marked table shares, for a row written now by `actor`.
pub(crate) fn marking_columns(marking: Marking<'_>, actor: &Actor, now: &str) -> Vec<Column> {
    vec![
        col("tlp", marking.tlp.name()),
        col("status", marking.status.name()),
        col("community_id", marking.community),
        col("recorded_by", &actor.0),
        col("created_at", now),
        col("updated_at", now),
        col("version", 1),
    ]
}

/// One kind of marked record, implemented by its input type.
pub(crate) trait MarkedKind: Sync {
    /// The record kind, as audited and logged.
    const ENTITY: RecordKind;
    /// Its table: one mapping for every kind, in [`crate::tables::table`].
    const TABLE: &'static str = crate::tables::table(Self::ENTITY);
    /// The table's alias in [`Self::COLUMNS`].
    const ALIAS: &'static str;
    /// The columns a read selects.
    const COLUMNS: &'static str;
    /// Derived columns a freshly written row reads as NULL (`, NULL AS log_index`).
    const FRESH: &'static str = "";
    /// The record as read and logged.
    type Record: Serialize + Send;

    fn marking(&self) -> Marking<'_>;
    /// The stakeholder the record names, with the field to blame when there is no such one.
    fn stakeholder(&self) -> Option<(&'static str, &str)>;
    /// A domain rule on who may hold the record (checked once the stakeholder is found).
    fn vet(&self, _stakeholder: &Stakeholder) -> Result<(), FieldError> {
        Ok(())
    }
    /// The kind's own columns, with their values.
    fn columns(&self) -> Result<Vec<Column>, StoreError>;
    fn from_row(row: &AnyRow) -> Result<Self::Record, StoreError>;
    /// Keeps the leaf index in the record, for kinds that show it.
    fn logged(_record: &mut Self::Record, _index: Option<u64>) {}
}

/// A marked record from its row: the fields given (as in [`crate::rows::read_row`]), and its
/// `recorded` part from the columns every marked table has ([`crate::rows::recorded`]).
macro_rules! marked_row {
    ($row:expr, $record:ident { $($fields:tt)* }) => {
        $crate::rows::read_row!($row, $record { $($fields)* recorded: $crate::rows::recorded($row)?, })
    };
}
pub(crate) use marked_row;

/// The items of [`MarkedKind`] that only name things: the kind, the table's alias and columns,
/// the record and its row reader, and the marking from the input's `tlp` and `status` fields —
/// with `community` when the kind has one, and `log_index` when the record shows its leaf.
macro_rules! marked_kind {
    ($kind:ident, $alias:literal, $columns:expr, $from:ident -> $record:ty $(, $extra:ident)*) => {
        const ENTITY: normwatch_core::RecordKind = normwatch_core::RecordKind::$kind;
        const ALIAS: &'static str = $alias;
        const COLUMNS: &'static str = $columns;
        type Record = $record;
        fn from_row(row: &sqlx::any::AnyRow) -> Result<$record, $crate::StoreError> {
            $from(row)
        }
        $(marked_kind!(@$extra $record);)*
        marked_kind!(@marking $($extra)*);
    };
    (@marking community $($rest:ident)*) => {
        fn marking(&self) -> $crate::marked::Marking<'_> {
            $crate::marked::Marking { tlp: self.tlp, status: self.status, community: self.community.as_deref() }
        }
    };
    (@marking $($rest:ident)*) => {
        fn marking(&self) -> $crate::marked::Marking<'_> {
            $crate::marked::Marking { tlp: self.tlp, status: self.status, community: None }
        }
    };
    (@community $record:ty) => {};
    (@log_index $record:ty) => {
        fn logged(record: &mut $record, index: Option<u64>) {
            record.log_index = index;
        }
    };
}
pub(crate) use marked_kind;

/// Writes a new record in `tx`: its row, then what a read gives back, the audit entry and, when
/// it is published, its log leaf. Returns the record as stored.
pub(crate) async fn create_in<K: MarkedKind>(
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    input: &K,
) -> Result<K::Record, StoreError> {
    if let Some((field, id)) = input.stakeholder() {
        let s = require_stakeholder(tx, field, id).await?;
        input.vet(&s).map_err(StoreError::Rejected)?;
    }
    let id = new_id();
    let now = now_rfc3339();
    let marking = input.marking();
    let mut columns = vec![col("id", &id)];
    columns.extend(input.columns()?);
    columns.extend(marking_columns(marking, actor, &now));
    crate::sql::insert(K::TABLE, columns).query().execute(&mut **tx).await?;
    let (alias, table) = (K::ALIAS, K::TABLE);
    let read = format!("SELECT {}{} FROM {table} {alias} WHERE {alias}.id = $1", K::COLUMNS, K::FRESH);
    let row = sqlx::query(sqlx::AssertSqlSafe(read)).bind(&id).fetch_one(&mut **tx).await?;
    let mut stored = K::from_row(&row)?;
    let published = marking.status == RecordStatus::Published;
    let index = crate::log::audit_and_log(tx, actor, K::ENTITY, &id, &stored, published).await?;
    K::logged(&mut stored, index);
    Ok(stored)
}

/// Writes many new records of one kind in `tx`, as [`create_in`] writes each, but with a
/// statement per [`ROWS_PER_STATEMENT`] records for their rows, their reading back, their audit
/// entries and their leaves, rather than several statements per record (batched publication,
/// seeding). Returns the records as stored, in input order.
pub(crate) async fn create_many_in<K: MarkedKind>(
    tx: &mut Transaction<'static, Any>,
    actor: &Actor,
    inputs: &[K],
) -> Result<Vec<K::Record>, StoreError> {
    let mut holders: HashMap<String, Stakeholder> = HashMap::new();
    for input in inputs {
        if let Some((field, id)) = input.stakeholder() {
            if !holders.contains_key(id) {
                holders.insert(id.to_owned(), require_stakeholder(tx, field, id).await?);
            }
            if let Some(s) = holders.get(id) {
                input.vet(s).map_err(StoreError::Rejected)?;
            }
        }
    }
    let now = now_rfc3339();
    let ids: Vec<String> = inputs.iter().map(|_| new_id()).collect();
    for (chunk, chunk_ids) in inputs.chunks(ROWS_PER_STATEMENT).zip(ids.chunks(ROWS_PER_STATEMENT)) {
        let mut rows = Vec::with_capacity(chunk.len());
        for (input, id) in chunk.iter().zip(chunk_ids) {
            let mut columns = vec![col("id", id)];
            columns.extend(input.columns()?);
            columns.extend(marking_columns(input.marking(), actor, &now));
            rows.push(columns);
        }
        crate::sql::insert_rows(K::TABLE, rows).execute_in(tx).await?;
    }
    let mut read: HashMap<String, K::Record> = HashMap::with_capacity(ids.len());
    let (alias, table) = (K::ALIAS, K::TABLE);
    for chunk_ids in ids.chunks(ROWS_PER_STATEMENT) {
        let mut sql = Sql::new("");
        let placeholders: Vec<String> = chunk_ids.iter().map(|id| sql.bind(id.clone())).collect();
        sql.push(&format!(
            "SELECT {}{} FROM {table} {alias} WHERE {alias}.id IN ({})",
            K::COLUMNS,
            K::FRESH,
            placeholders.join(", ")
        ));
        for row in sql.fetch_in(tx).await? {
            let id: String = sqlx::Row::try_get(&row, "id")?;
            read.insert(id, K::from_row(&row)?);
        }
    }
    let mut stored = Vec::with_capacity(ids.len());
    for id in &ids {
        stored.push(read.remove(id).ok_or_else(|| corrupt("created record", format!("{id} was not read back")))?);
    }
    let created: Vec<(&str, &K::Record)> = ids.iter().map(String::as_str).zip(&stored).collect();
    crate::audit::record_created(tx, actor, K::ENTITY.as_str(), &created).await?;
    let published: Vec<usize> =
        (0..inputs.len()).filter(|&i| inputs[i].marking().status == RecordStatus::Published).collect();
    let leaves: Vec<(&str, &K::Record)> = published.iter().map(|&i| created[i]).collect();
    let indexes = crate::log::append_many(tx, K::ENTITY, &leaves).await?;
    for (i, index) in published.into_iter().zip(indexes) {
        K::logged(&mut stored[i], Some(index));
    }
    Ok(stored)
}

/// `SELECT … FROM table alias WHERE <visible to viewer>`; callers add `AND`s.
pub(crate) fn visible_select<K: MarkedKind>(viewer: &Viewer) -> Sql {
    let mut sql = Sql::new(&format!("SELECT {} FROM {} {} WHERE ", K::COLUMNS, K::TABLE, K::ALIAS));
    let visible = visible_to(&mut sql, viewer, K::ALIAS);
    sql.push(&visible);
    sql
}

/// As [`visible_select`], with the index of each record's log leaf (`log_index`, NULL while
/// it is unpublished).
pub(crate) fn visible_logged<K: MarkedKind>(viewer: &Viewer) -> Sql {
    let (alias, entity) = (K::ALIAS, K::ENTITY.as_str());
    let mut sql = Sql::new(&format!(
        "SELECT {}, lg.idx AS log_index FROM {} {alias} \
         LEFT JOIN log_leaves lg ON lg.entity = '{entity}' AND lg.entity_id = {alias}.id WHERE ",
        K::COLUMNS,
        K::TABLE
    ));
    let visible = visible_to(&mut sql, viewer, alias);
    sql.push(&visible);
    sql
}

/// What the audit entry of a plain (unmarked) write says.
pub(crate) struct Audited<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub id: &'a str,
    pub what: Option<serde_json::Value>,
}

impl Store {
    /// Writes one row of a plain record and its audit entry, in a transaction of its own; when
    /// the row names a stakeholder (`field`, `id`), it must exist.
    pub(crate) async fn insert_audited(
        &self,
        actor: &Actor,
        table: &str,
        columns: Vec<Column>,
        stakeholder: Option<(&str, &str)>,
        audit: Audited<'_>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        if let Some((field, id)) = stakeholder {
            require_stakeholder(&mut tx, field, id).await?;
        }
        crate::sql::insert(table, columns).query().execute(&mut *tx).await?;
        let what = audit.what.as_ref();
        crate::audit::record(&mut tx, actor, audit.action, audit.entity, audit.id, None::<&()>, what).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Creates a marked record in a transaction of its own.
    pub(crate) async fn create_marked<K: MarkedKind>(&self, actor: &Actor, input: &K) -> Result<K::Record, StoreError> {
        let mut tx = self.begin_write().await?;
        let stored = create_in(&mut tx, actor, input).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// The records a select of the kind's rows finds, ordered by `order`.
    pub(crate) async fn marked_list<K: MarkedKind>(
        &self,
        mut sql: Sql,
        order: &str,
    ) -> Result<Vec<K::Record>, StoreError> {
        sql.push(&format!(" ORDER BY {order}"));
        sql.query().fetch_all(&self.pool).await?.iter().map(K::from_row).collect()
    }

    /// One record by id, if the viewer may read it.
    pub(crate) async fn visible_marked<K: MarkedKind>(
        &self,
        viewer: &Viewer,
        id: &str,
    ) -> Result<Option<K::Record>, StoreError> {
        let mut sql = visible_select::<K>(viewer);
        let p = sql.bind(id);
        sql.push(&format!(" AND {}.id = {p}", K::ALIAS));
        sql.query().fetch_optional(&self.pool).await?.as_ref().map(K::from_row).transpose()
    }

    /// The published rows of a kind, as they stand (for `log audit`).
    pub(crate) async fn published_rows<K: MarkedKind>(&self) -> Result<Vec<AnyRow>, StoreError> {
        let sql = format!("SELECT {} FROM {} {a} WHERE {a}.status = 'published'", K::COLUMNS, K::TABLE, a = K::ALIAS);
        Ok(sqlx::query(sqlx::AssertSqlSafe(sql)).fetch_all(&self.pool).await?)
    }

    /// The published records of a kind as `log audit` compares them: (kind, id, value).
    pub(crate) async fn published_marked<K: MarkedKind>(
        &self,
        id_of: impl Fn(&K::Record) -> String,
    ) -> Result<Vec<(String, String, serde_json::Value)>, StoreError> {
        let mut out = Vec::new();
        for r in &self.published_rows::<K>().await? {
            let record = K::from_row(r)?;
            out.push(audited::<K::Record>(K::ENTITY, id_of(&record), &record)?);
        }
        Ok(out)
    }
}

/// A record as `log audit` compares it with its leaf: (kind, id, value).
pub(crate) fn audited<T: Serialize>(
    kind: RecordKind,
    id: String,
    record: &T,
) -> Result<(String, String, serde_json::Value), StoreError> {
    let value = serde_json::to_value(record).map_err(|e| corrupt(kind.as_str(), e.to_string()))?;
    Ok((kind.as_str().to_owned(), id, value))
}
