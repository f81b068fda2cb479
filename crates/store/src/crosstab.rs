//! Incidents counted by two dimensions at once (`/analysis/…`): each cell is what the incident
//! list's total would be with the cell's two values added to its filters — what the viewer may
//! read, a corrected incident once as corrected, a linked group once, values from findings only
//! where the viewer may read the finding. An incident with no value in a dimension (an unknown
//! start year, no attribution) is not counted; one with several values counts under each.
use crate::search::facet_source_visible;
use crate::sql::Sql;
use crate::{Store, StoreError};
use normwatch_core::Viewer;
use normwatch_core::incident::{Dimension, IncidentQuery};
use sqlx::Row;
use std::collections::{BTreeMap, HashMap, HashSet};

/// One cell: (row value, column value, incidents).
pub type Cell = (String, String, u64);

/// A dimension's value in SQL, and the join that brings it (`alias` names the facet row).
fn value_sql(sql: &mut Sql, viewer: &Viewer, d: Dimension, alias: &str) -> (String, String) {
    match d.facet() {
        None if d == Dimension::Year => ("CAST(r.start_year AS TEXT)".to_owned(), String::new()),
        None => ("r.origin_dataset".to_owned(), String::new()),
        Some(facet) => {
            let f = sql.bind(facet);
            let source = facet_source_visible(sql, viewer, alias);
            (
                format!("{alias}.value"),
                format!(
                    "JOIN incident_facets {alias} ON {alias}.incident_id = r.id AND {alias}.facet = {f} AND {source}"
                ),
            )
        }
    }
}

impl Store {
    /// Incidents matching `q` (paging ignored) that `viewer` may read, counted per pair of a
    /// `row` and a `col` value; cells with no incident are left out. Sorted by row, then column.
    /// From the search index's bitmaps (an intersection per cell); by dataset, in SQL.
    pub async fn incident_crosstab(
        &self,
        viewer: &Viewer,
        q: &IncidentQuery,
        row: Dimension,
        col: Dimension,
    ) -> Result<Vec<Cell>, StoreError> {
        let groups = self.incident_groups(viewer).await?;
        let indexed = |d: Dimension| d.facet().or((d == Dimension::Year).then_some("year"));
        if let (Some(r), Some(c)) = (indexed(row), indexed(col)) {
            let (sets, grouped) = self.index_value_rows(viewer, q, &groups, &[r, c]).await?;
            let in_groups: roaring::RoaringBitmap = grouped.keys().copied().collect();
            let mut cells = Vec::new();
            for (rv, rows) in &sets[0] {
                let rows_grouped = rows & &in_groups;
                for (cv, cols) in &sets[1] {
                    let mut n = rows.intersection_len(cols);
                    if !rows_grouped.is_empty() {
                        // A linked group counts once: its members here are replaced by one.
                        let members = &rows_grouped & cols;
                        let distinct: HashSet<&String> = members.iter().filter_map(|m| grouped.get(&m)).collect();
                        n = n - members.len() + distinct.len() as u64;
                    }
                    if n > 0 {
                        cells.push((rv.clone(), cv.clone(), n));
                    }
                }
            }
            cells.sort();
            return Ok(cells);
        }
        self.crosstab_sql(viewer, q, &groups, row, col).await
    }

    /// The same counts in SQL alone: the dataset's path, and the reference the index is tested against.
    pub async fn incident_crosstab_sql(
        &self,
        viewer: &Viewer,
        q: &IncidentQuery,
        row: Dimension,
        col: Dimension,
    ) -> Result<Vec<Cell>, StoreError> {
        let groups = self.incident_groups(viewer).await?;
        self.crosstab_sql(viewer, q, &groups, row, col).await
    }

    /// Ungrouped incidents are counted in SQL; linked ones (few) are read and counted once per
    /// group here.
    async fn crosstab_sql(
        &self,
        viewer: &Viewer,
        q: &IncidentQuery,
        groups: &HashMap<String, String>,
        row: Dimension,
        col: Dimension,
    ) -> Result<Vec<Cell>, StoreError> {
        let grouped: Vec<String> = groups.keys().cloned().collect();
        let select = |sql: &mut Sql, what: &str, linked: bool| {
            let condition = self.incident_where(sql, viewer, q, if linked { &[] } else { &grouped });
            let (rv, rjoin) = value_sql(sql, viewer, row, "a");
            let (cv, cjoin) = value_sql(sql, viewer, col, "b");
            let only = if linked {
                format!(" AND r.id IN {}", sql.bind_list(grouped.iter().map(String::as_str)))
            } else {
                String::new()
            };
            let group_by = if linked { String::new() } else { format!(" GROUP BY {rv}, {cv}") };
            sql.push(&format!(
                "SELECT {rv} AS rv, {cv} AS cv, {what} FROM incidents r {rjoin} {cjoin} \
                 WHERE {condition}{only} AND {rv} IS NOT NULL AND {cv} IS NOT NULL{group_by}"
            ));
        };
        let mut counts: BTreeMap<(String, String), u64> = BTreeMap::new();
        let mut sql = Sql::new("");
        select(&mut sql, "COUNT(DISTINCT r.id) AS n", false);
        for r in sql.query().fetch_all(&self.pool).await? {
            let n: i64 = r.try_get("n")?;
            counts.insert((r.try_get("rv")?, r.try_get("cv")?), u64::try_from(n).unwrap_or(0));
        }
        if !grouped.is_empty() {
            let mut sql = Sql::new("");
            select(&mut sql, "r.id AS id", true);
            let mut seen: HashSet<(String, String, String)> = HashSet::new();
            for r in sql.query().fetch_all(&self.pool).await? {
                let id: String = r.try_get("id")?;
                let Some(group) = groups.get(&id) else { continue };
                let (rv, cv): (String, String) = (r.try_get("rv")?, r.try_get("cv")?);
                if seen.insert((rv.clone(), cv.clone(), group.clone())) {
                    *counts.entry((rv, cv)).or_default() += 1;
                }
            }
        }
        Ok(counts.into_iter().map(|((r, c), n)| (r, c, n)).collect())
    }
}
