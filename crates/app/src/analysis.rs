//! The analysis pages' cross-tabulations: incidents counted by two dimensions at once (start
//! year × operation type, attributing state × targeted country), over the incidents the
//! incident list's filters select, as the viewer may read them; kept until the next write.
use crate::ports::FigureSources;
use crate::{Acting, App, AppError};
use normwatch_core::incident::{Dimension, IncidentQuery};
use serde::Serialize;

/// Incidents counted per pair of a row and a column value (cells with none left out).
#[derive(Debug, Clone, Serialize)]
pub struct Crosstab {
    pub rows: &'static str,
    pub columns: &'static str,
    pub cells: Vec<CrosstabCell>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CrosstabCell {
    pub row: String,
    pub column: String,
    pub incidents: u64,
}

impl Crosstab {
    /// Each row value's incidents over all columns (an incident with two column values counts
    /// under both), largest first, then by value.
    pub fn row_totals(&self) -> Vec<(String, u64)> {
        totals(self.cells.iter().map(|c| (&c.row, c.incidents)))
    }

    pub fn column_totals(&self) -> Vec<(String, u64)> {
        totals(self.cells.iter().map(|c| (&c.column, c.incidents)))
    }

    pub fn get(&self, row: &str, column: &str) -> u64 {
        self.cells.iter().find(|c| c.row == row && c.column == column).map_or(0, |c| c.incidents)
    }
}

fn totals<'a>(values: impl Iterator<Item = (&'a String, u64)>) -> Vec<(String, u64)> {
    let mut sums: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    for (v, n) in values {
        *sums.entry(v.as_str()).or_default() += n;
    }
    let mut out: Vec<(String, u64)> = sums.into_iter().map(|(v, n)| (v.to_owned(), n)).collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// Whether `q` selects anything (paging and order do not), and the key its figures are kept under.
pub(crate) fn selection(q: &IncidentQuery) -> (bool, String) {
    let filtered = !(q.facets.is_empty() && q.year.is_none() && q.status.is_none() && q.terms.is_empty());
    let key =
        if filtered { format!("{:?}|{:?}|{:?}|{:?}", q.facets, q.year, q.status, q.terms) } else { String::new() };
    (filtered, key)
}

impl<S: FigureSources> App<'_, S> {
    /// Incidents matching `q` that the viewer may read, counted per `row` and `col` value.
    pub async fn incident_crosstab(
        &self,
        who: Acting<'_>,
        q: &IncidentQuery,
        row: Dimension,
        col: Dimension,
    ) -> Result<Crosstab, AppError> {
        let (_, selection) = selection(q);
        let key = format!("{row}|{col}|{selection}");
        self.kept("crosstab", who, &key, async {
            let cells = self.store.incident_crosstab(&who.viewer(), q, row, col).await?;
            Ok(Crosstab {
                rows: row.name(),
                columns: col.name(),
                cells: cells
                    .into_iter()
                    .map(|(row, column, incidents)| CrosstabCell { row, column, incidents })
                    .collect(),
            })
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_are_largest_first() {
        let cell = |r: &str, c: &str, n| CrosstabCell { row: r.into(), column: c.into(), incidents: n };
        let t = Crosstab {
            rows: "attributed_state",
            columns: "country",
            cells: vec![cell("CN", "JP", 2), cell("RU", "UA", 4), cell("CN", "US", 3)],
        };
        assert_eq!(t.row_totals(), vec![("CN".to_owned(), 5), ("RU".to_owned(), 4)]);
        assert_eq!(t.column_totals()[0], ("UA".to_owned(), 4));
        assert_eq!(t.get("CN", "US"), 3);
        assert_eq!(t.get("RU", "JP"), 0);
    }

    #[test]
    fn an_unfiltered_query_is_kept_under_one_key() {
        let q = IncidentQuery { limit: 50, ..Default::default() };
        assert_eq!(selection(&q), (false, String::new()));
        let f = IncidentQuery { year: Some(2017), ..q.clone() };
        assert!(selection(&f).0 && selection(&f).1.contains("2017"));
    }
}
