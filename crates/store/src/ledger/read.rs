//! Reading ledger records: the visibility-filtered select, a record from its row, reviews.
use super::{LedgerKind, LedgerRecord, Review};
use crate::rows::{corrupt, enum_value};
use crate::sql::{Sql, visible_to};
use crate::{Store, StoreError};
use normwatch_core::incident::PartialDate;
use normwatch_core::violation::AttributionInput;
use normwatch_core::{RecordStatus, Viewer};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};
/// The shared columns every ledger table has, read with alias `r`.
const SHARED: &str = "r.id, r.tlp, r.status, r.recorded_by, r.body, r.supersedes, r.retraction, r.created_at, \
    r.updated_at, r.version";

/// A record's reviews, oldest first (the same text on both read paths: SQLite takes `$N` too).
const REVIEWS: &str = "SELECT reviewer, stakeholder_kind, verdict, record_version, comment, created_at \
    FROM record_reviews WHERE entity = $1 AND record_id = $2 ORDER BY created_at, id";

/// The reviews of several records, with the record each is of; the caller adds the conditions
/// and `ORDER BY created_at, id`, as [`REVIEWS`] has.
const REVIEWS_OF: &str =
    "SELECT record_id, reviewer, stakeholder_kind, verdict, record_version, comment, created_at FROM record_reviews";

/// A ledger row's columns as stored, before its body is parsed: one shape for both read paths.
struct RawRecord {
    id: String,
    tlp: String,
    status: String,
    recorded_by: String,
    body: String,
    supersedes: Option<String>,
    retraction: Option<String>,
    created_at: String,
    updated_at: String,
    version: i64,
    log_index: Option<i64>,
    superseded_by: Option<String>,
}

/// A raw row struct from a row of either read path: `get` is sqlx's `try_get` or rusqlite's
/// `get`, each column named once, as its field.
macro_rules! raw_row {
    ($ty:ident, $row:expr, $get:ident, $($field:ident),*) => {
        $ty { $($field: $row.$get(stringify!($field))?,)* }
    };
}

macro_rules! raw_record {
    ($row:expr, $get:ident) => {
        raw_row!(
            RawRecord,
            $row,
            $get,
            id,
            tlp,
            status,
            recorded_by,
            body,
            supersedes,
            retraction,
            created_at,
            updated_at,
            version,
            log_index,
            superseded_by
        )
    };
}

macro_rules! raw_review {
    ($row:expr, $get:ident) => {
        raw_row!(RawReview, $row, $get, reviewer, stakeholder_kind, verdict, record_version, comment, created_at)
    };
}

impl RawRecord {
    fn of_row(row: &AnyRow) -> Result<RawRecord, StoreError> {
        Ok(raw_record!(row, try_get))
    }

    fn of_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawRecord> {
        Ok(raw_record!(row, get))
    }

    fn record<T: LedgerKind>(self) -> Result<LedgerRecord<T>, StoreError> {
        let what = T::ENTITY.as_str();
        let mut body: T = serde_json::from_str(&self.body).map_err(|e| corrupt(what, e))?;
        body.set_status(enum_value("status", self.status)?);
        // The column is what visibility used; the body must agree with it.
        let tlp: normwatch_core::Tlp = self.tlp.parse().map_err(|e: String| corrupt("tlp", e))?;
        if body.tlp() != tlp {
            return Err(corrupt(what, "the tlp column and the record disagree"));
        }
        Ok(LedgerRecord {
            id: self.id,
            body,
            retraction: self.retraction.map(|r| serde_json::from_str(&r)).transpose().map_err(|e| corrupt(what, e))?,
            supersedes: self.supersedes,
            superseded_by: self.superseded_by,
            recorded_by: self.recorded_by,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
            log_index: self.log_index.and_then(|i| u64::try_from(i).ok()),
            reviews: Vec::new(),
        })
    }
}

/// A review's columns as stored, before its verdict is parsed: one shape for both read paths.
struct RawReview {
    reviewer: String,
    stakeholder_kind: String,
    verdict: String,
    record_version: i64,
    comment: Option<String>,
    created_at: String,
}

impl RawReview {
    fn of_row(row: &AnyRow) -> Result<RawReview, StoreError> {
        Ok(raw_review!(row, try_get))
    }

    fn of_direct(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawReview> {
        Ok(raw_review!(row, get))
    }

    fn review(self) -> Result<Review, StoreError> {
        Ok(Review {
            reviewer: self.reviewer,
            stakeholder_kind: self.stakeholder_kind,
            verdict: enum_value("verdict", self.verdict)?,
            record_version: self.record_version,
            comment: self.comment,
            created_at: self.created_at,
        })
    }
}

fn record_from<T: LedgerKind>(row: &AnyRow) -> Result<LedgerRecord<T>, StoreError> {
    RawRecord::of_row(row)?.record()
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

pub(super) async fn read_in_tx<T: LedgerKind>(
    tx: &mut Transaction<'static, Any>,
    id: &str,
) -> Result<Option<LedgerRecord<T>>, StoreError> {
    let sql = format!("SELECT {SHARED}, NULL AS log_index, NULL AS superseded_by FROM {} r WHERE r.id = $1", T::TABLE);
    let row = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await?;
    row.as_ref().map(record_from::<T>).transpose()
}

impl Store {
    /// The records `sql` selects (a `visible_records` select), read on SQLite's direct path
    /// where there is one: lists of tens of thousands of findings (the figures' sources) were
    /// mostly sqlx handing rows between threads.
    async fn fetch_records<T: LedgerKind>(&self, sql: Sql) -> Result<Vec<LedgerRecord<T>>, StoreError> {
        let raw = match &self.direct {
            Some(direct) => {
                let (text, values) = sql.for_rusqlite();
                direct.read(move |conn| crate::direct::all_rows(conn, &text, values, RawRecord::of_direct)).await?
            }
            None => sql.query().fetch_all(&self.pool).await?.iter().map(RawRecord::of_row).collect::<Result<_, _>>()?,
        };
        raw.into_iter().map(RawRecord::record).collect()
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
        if let Some(direct) = &self.direct {
            // SQLite reads the two dates out of each body itself, on one connection in one
            // unit: parsing every whole body in Rust after a handoff per row took seconds at
            // 100,000 incidents.
            let mut sql = Sql::new(
                "SELECT r.id, json_extract(r.body, '$.started'), json_extract(r.body, '$.discovered') \
                 FROM incidents r WHERE r.status = 'published' AND ",
            );
            let visible = visible_to(&mut sql, viewer, "r");
            sql.push(&visible);
            let (text, values) = sql.for_rusqlite();
            let rows = direct
                .read(move |conn| {
                    crate::direct::all_rows(conn, &text, values, |r| {
                        Ok((r.get::<_, String>(0)?, r.get::<_, Option<String>>(1)?, r.get::<_, Option<String>>(2)?))
                    })
                })
                .await?;
            let date =
                |d: Option<String>| d.map(|d| PartialDate::parse(&d).map_err(|e| corrupt("incident", e))).transpose();
            return rows
                .into_iter()
                .map(|(id, started, discovered)| Ok((id, (date(started)?, date(discovered)?))))
                .collect();
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
        Ok(all.into_iter().filter(|r| r.is_standing()).collect())
    }

    /// [`Store::standing_records`] a page of `page` records at a time, oldest first: `each` is
    /// given every standing record of a page before the next page is read, so a caller that
    /// keeps only what it needs of each record holds one page of records at once.
    pub async fn each_standing_record<T: LedgerKind>(
        &self,
        viewer: &Viewer,
        page: usize,
        mut each: impl FnMut(LedgerRecord<T>),
    ) -> Result<(), StoreError> {
        let mut after: Option<(String, String)> = None;
        loop {
            let mut sql = visible_records::<T>(viewer);
            let p = sql.bind(RecordStatus::Published.name());
            sql.push(&format!(" AND r.status = {p}"));
            if let Some((created, id)) = &after {
                let (c, i) = (sql.bind(created.clone()), sql.bind(id.clone()));
                sql.push(&format!(" AND (r.created_at > {c} OR (r.created_at = {c} AND r.id > {i}))"));
            }
            let limit = sql.bind_int(i64::try_from(page).unwrap_or(i64::MAX));
            sql.push(&format!(" ORDER BY r.created_at, r.id LIMIT {limit}"));
            let records: Vec<LedgerRecord<T>> = self.fetch_records(sql).await?;
            let full = records.len() == page;
            after = records.last().map(|r| (r.created_at.clone(), r.id.clone()));
            for r in records.into_iter().filter(|r| r.is_standing()) {
                each(r);
            }
            if !full {
                return Ok(());
            }
        }
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
        let standing = claims.iter().filter(|c| c.is_standing());
        Ok(normwatch_core::incident::AttributionState::from_marked_claims(
            standing.map(|c| (c.body.attributed_to.state.as_deref(), c.body.contested)),
        ))
    }

    /// Our ids of a dataset's imported incidents named by `origin_ids` (their ids in the
    /// dataset), by their original id: the current version's, when a newer release superseded
    /// the first. Read 500 at a time, so an import asks for its chunk, not the whole dataset.
    pub async fn incidents_by_origin(
        &self,
        dataset: &str,
        origin_ids: &[&str],
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let mut found = std::collections::HashMap::new();
        for chunk in origin_ids.chunks(500) {
            let mut sql = Sql::new("");
            let d = sql.bind(dataset);
            let ids = sql.bind_list(chunk.iter().copied());
            sql.push(&format!(
                "SELECT r.id, r.origin_id FROM incidents r WHERE r.origin_dataset = {d} AND r.origin_id IN {ids} \
                 AND r.status = 'published' \
                 AND NOT EXISTS (SELECT 1 FROM incidents n WHERE n.supersedes = r.id AND n.status = 'published')"
            ));
            for r in sql.query().fetch_all(&self.pool).await? {
                found.insert(r.try_get("origin_id")?, r.try_get("id")?);
            }
        }
        Ok(found)
    }

    /// The ids of the incidents the viewer may read that came from one record of a dataset
    /// (an import's, or a peer's), every version.
    pub async fn incidents_from_origin(
        &self,
        viewer: &Viewer,
        dataset: &str,
        origin_id: &str,
    ) -> Result<Vec<String>, StoreError> {
        let mut sql = visible_records::<normwatch_core::incident::IncidentInput>(viewer);
        let (d, o) = (sql.bind(dataset), sql.bind(origin_id));
        sql.push(&format!(" AND r.origin_dataset = {d} AND r.origin_id = {o} ORDER BY r.created_at, r.id"));
        sql.query().fetch_all(&self.pool).await?.iter().map(|r| Ok(r.try_get::<String, _>("id")?)).collect()
    }

    /// One record the viewer may read, with its reviews.
    pub async fn ledger_record<T: LedgerKind>(
        &self,
        viewer: &Viewer,
        id: &str,
    ) -> Result<Option<LedgerRecord<T>>, StoreError> {
        // One read of the batched kind: on SQLite the record and its reviews in one direct
        // read, not two sqlx handoffs.
        Ok(self.ledger_records_by_id::<T>(viewer, &[id]).await?.remove(id))
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
        let mut records: Vec<LedgerRecord<T>> = self.fetch_records(sql).await?;
        // Records not yet published carry their reviews, as a single read gives them (a reviewer
        // works from the list); published ones are the common, bulk case and go without.
        for r in records.iter_mut().filter(|r| r.body.status() != RecordStatus::Published) {
            r.reviews = self.reviews(T::ENTITY.as_str(), &r.id).await?;
        }
        Ok(records)
    }

    /// The records the viewer may read of the incidents `ids` (incidents themselves, or the
    /// findings about them), oldest first, read 500 incidents at a time: a download's records in
    /// a few queries instead of one per incident. Without reviews; statements are not about one
    /// incident and are refused.
    pub async fn ledger_records_of<T: LedgerKind>(
        &self,
        viewer: &Viewer,
        ids: &[&str],
        status: Option<RecordStatus>,
    ) -> Result<Vec<LedgerRecord<T>>, StoreError> {
        let column = match T::ENTITY {
            normwatch_core::RecordKind::Incident => "r.id",
            normwatch_core::RecordKind::AttributionStatement => {
                return Err(corrupt(T::ENTITY.as_str(), "a statement is not about one incident"));
            }
            _ => "r.incident_id",
        };
        let mut records = Vec::new();
        for chunk in ids.chunks(500) {
            let mut sql = visible_records::<T>(viewer);
            let list = sql.bind_list(chunk.iter().copied());
            sql.push(&format!(" AND {column} IN {list}"));
            if let Some(s) = status {
                let p = sql.bind(s.name());
                sql.push(&format!(" AND r.status = {p}"));
            }
            sql.push(" ORDER BY r.created_at, r.id");
            records.extend(self.fetch_records::<T>(sql).await?);
        }
        Ok(records)
    }

    /// The records `ids` the viewer may read, each with its reviews, by id: what
    /// [`Store::ledger_record`] gives one at a time, in two reads for every 500 ids (on SQLite
    /// one direct read for every 500). The STIX sync reads a step's records this way.
    pub async fn ledger_records_by_id<T: LedgerKind>(
        &self,
        viewer: &Viewer,
        ids: &[&str],
    ) -> Result<std::collections::HashMap<String, LedgerRecord<T>>, StoreError> {
        let mut found = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let mut sql = visible_records::<T>(viewer);
            let list = sql.bind_list(chunk.iter().copied());
            sql.push(&format!(" AND r.id IN {list}"));
            let mut reviews = Sql::new("");
            let entity = reviews.bind(T::ENTITY.as_str());
            let list = reviews.bind_list(chunk.iter().copied());
            reviews
                .push(&format!("{REVIEWS_OF} WHERE entity = {entity} AND record_id IN {list} ORDER BY created_at, id"));
            let (records, reviews): (Vec<RawRecord>, Vec<(String, RawReview)>) = match &self.direct {
                Some(direct) => {
                    let (records, reviews) = (sql.for_rusqlite(), reviews.for_rusqlite());
                    direct
                        .read(move |conn| {
                            let records = crate::direct::all_rows(conn, &records.0, records.1, RawRecord::of_direct)?;
                            let reviews = crate::direct::all_rows(conn, &reviews.0, reviews.1, |r| {
                                Ok((r.get("record_id")?, RawReview::of_direct(r)?))
                            })?;
                            Ok((records, reviews))
                        })
                        .await?
                }
                None => {
                    let records = sql.query().fetch_all(&self.pool).await?;
                    let reviews = reviews.query().fetch_all(&self.pool).await?;
                    (
                        records.iter().map(RawRecord::of_row).collect::<Result<_, _>>()?,
                        reviews.iter().map(|r| Ok((r.try_get("record_id")?, RawReview::of_row(r)?))).collect::<Result<
                            _,
                            StoreError,
                        >>(
                        )?,
                    )
                }
            };
            let mut chunk_found: std::collections::HashMap<String, LedgerRecord<T>> = records
                .into_iter()
                .map(|raw| Ok((raw.id.clone(), raw.record::<T>()?)))
                .collect::<Result<_, StoreError>>()?;
            for (id, review) in reviews {
                if let Some(record) = chunk_found.get_mut(&id) {
                    record.reviews.push(review.review()?);
                }
            }
            found.extend(chunk_found);
        }
        Ok(found)
    }

    async fn reviews(&self, entity: &str, id: &str) -> Result<Vec<Review>, StoreError> {
        let rows = sqlx::query(REVIEWS).bind(entity).bind(id).fetch_all(&self.pool).await?;
        rows.iter().map(|r| RawReview::of_row(r)?.review()).collect()
    }
}
