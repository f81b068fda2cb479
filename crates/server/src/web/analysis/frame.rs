//! What every analysis page shares: its request read as the incident list's filters (plus the
//! `table` a CSV download names), the filter form, the links to each table's CSV, a chart drawn
//! or a 500, and the words around them.
use crate::AppState;
use crate::auth::Caller;
use crate::extract::Params;
use crate::web::kit::download::Format;
use crate::web::kit::i18n::words;
use crate::web::kit::{DataVisit, Page, Rows, Visit};
use crate::web::kit::{WebError, bad_query, encode, incident_filters};
use axum::http::StatusCode;
use maud::{Markup, html};
use normwatch_core::incident::IncidentQuery;
use normwatch_core::{Catalog, Lang};
use std::sync::Arc;

words! {
    pub struct Words, pub fn words;
    apply: "絞り込む", "Filter";
    csv: "この表の CSV", "CSV of this table";
    analysis: "分析の一覧へ", "All analyses";
    none: "該当なし", "None";
    incidents: "インシデント数", "Incidents";
    year: "開始年", "Start year";
    other: "その他", "Other";
    counted:
        "閲覧権限の範囲の公開済みの記録だけを数える。結び付けられた記録は1件として数える。1件のインシデントが複数の値を持つときは、それぞれの値で数える。",
        "Only records you may read are counted. Linked records count as one incident. An incident with several values counts under each of them.";
}

/// An analysis page's request, read.
pub struct Analysis {
    pub page: Page,
    pub format: Format,
    pub params: Params,
    pub caller: Caller,
    /// The table a CSV download is of (the first of the page's tables when not named).
    pub table: &'static str,
    pub query: IncidentQuery,
    pub catalog: Arc<Catalog>,
    pub path: &'static str,
}

/// Reads a request to `path`, whose CSV downloads are of `tables` (`?table=`; the first when
/// not named); a table not among them, or a filter the incident list refuses, is a 400.
pub fn read(state: &AppState, v: Visit, path: &'static str, tables: &[&'static str]) -> Result<Analysis, WebError> {
    // `table` picks the CSV's table: kept out of the incident filters.
    let mut v = v.without_blanks();
    let named = v.params.first("table").map(str::to_owned);
    v.params.pairs.retain(|(k, _)| k != "table");
    let DataVisit { page, format, params, caller } = v.data_query(path, Rows::NotLogged)?;
    let l = page.lang;
    let table = match named.as_deref() {
        None => tables.first().copied().unwrap_or("table"),
        Some(t) => tables.iter().copied().find(|n| *n == t).ok_or_else(|| WebError {
            status: StatusCode::BAD_REQUEST,
            lang: l,
            message: format!("table: `{t}` is not a table of this page; give table={}", tables.join(" or table=")),
        })?,
    };
    let catalog = state.catalog();
    let query = IncidentQuery::parse(params.iter(), &catalog).map_err(bad_query(l))?;
    Ok(Analysis { page, format, params, caller, table, query, catalog, path })
}

impl Analysis {
    pub fn lang(&self) -> Lang {
        self.page.lang
    }

    /// The filters given, as a query string's pairs.
    pub fn filters(&self) -> Vec<String> {
        self.params.pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect()
    }

    /// The incident list filtered as this page is, and by `more` (already encoded pairs).
    pub fn list_link(&self, more: &[String]) -> String {
        let mut q: Vec<String> = self.filters().into_iter().filter(|p| !p.starts_with("limit=")).collect();
        for m in more {
            let key = m.split('=').next().unwrap_or_default();
            // The cell's value replaces the page filter of the same name.
            q.retain(|p| p.split('=').next() != Some(key));
            q.push(m.clone());
        }
        q.push(format!("lang={}", self.lang().code()));
        format!("/incidents?{}", q.join("&"))
    }

    /// The CSV of one of the page's tables, with the page's filters.
    pub fn csv_link(&self, table: &str) -> String {
        let mut q = self.filters();
        q.extend([format!("lang={}", self.lang().code()), "format=csv".to_owned(), format!("table={table}")]);
        format!("{}?{}", self.path, q.join("&"))
    }

    /// The back link, the filter form (the incident list's fields, with the values given).
    pub fn filter_form(&self) -> Markup {
        let l = self.lang();
        let w = words(l);
        let value = |k: &str| self.params.first(k).map(str::to_owned).unwrap_or_default();
        html! {
            form.filters method="get" action=(self.path) role="search" {
                input type="hidden" name="lang" value=(l.code());
                (incident_filters(l, &self.catalog, &value))
                button type="submit" { (w.apply) }
            }
        }
    }

    pub fn back(&self) -> Markup {
        html! { p { a href=(self.page.link("/analysis")) { "← " (words(self.lang()).analysis) } } }
    }

    pub fn csv(&self, table: &str) -> Markup {
        html! { p.downloads { a.download href=(self.csv_link(table)) type="text/csv" { (words(self.lang()).csv) } } }
    }

    /// A drawn chart, or the page's error when plotting failed.
    pub fn drawn(&self, svg: Result<String, String>) -> Result<String, WebError> {
        svg.map_err(|e| WebError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            lang: self.lang(),
            message: format!("the chart could not be drawn: {e}"),
        })
    }
}

/// The `keep - 1` largest series by total and the rest summed as one (`other`), so that a
/// stacked chart's colours stay few enough to tell apart; every series when they fit.
pub fn fold_series(mut series: Vec<(String, Vec<f64>)>, keep: usize, other: &str) -> Vec<(String, Vec<f64>)> {
    if series.len() <= keep {
        return series;
    }
    series.sort_by(|a, b| b.1.iter().sum::<f64>().total_cmp(&a.1.iter().sum::<f64>()).then_with(|| a.0.cmp(&b.0)));
    let rest = series.split_off(keep.saturating_sub(1));
    let len = rest.iter().map(|r| r.1.len()).max().unwrap_or(0);
    let mut summed = vec![0.0; len];
    for (_, values) in &rest {
        for (i, v) in values.iter().enumerate() {
            summed[i] += v;
        }
    }
    series.push((other.to_owned(), summed));
    series
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_series_fold_into_one() {
        let s = |n: &str, v: &[f64]| (n.to_owned(), v.to_vec());
        let series = vec![s("a", &[1.0, 0.0]), s("b", &[5.0, 5.0]), s("c", &[2.0, 2.0]), s("d", &[0.0, 1.0])];
        let folded = fold_series(series.clone(), 3, "other");
        assert_eq!(folded, vec![s("b", &[5.0, 5.0]), s("c", &[2.0, 2.0]), s("other", &[1.0, 1.0])]);
        assert_eq!(fold_series(series, 4, "other").len(), 4);
    }
}
