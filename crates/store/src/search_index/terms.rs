//! Full-text matches kept per term. A common word matches a large share of the incidents, and the
//! database hands every match back each time (FTS5's trigram index on SQLite, pg_trgm on
//! PostgreSQL): most of a second at 1,000,000 incidents. The index keeps each term's matches as a
//! bitmap of its rows, so that the same word searched again is an intersection. Kept matches
//! follow the writes with the rest of the index: only the incidents whose text was written since
//! are matched again — on SQLite the text rows from a rowid on (FTS5 numbers a new row past the
//! largest, and an edit deletes and inserts its incident's row), on PostgreSQL the changed ids.
use super::{IncidentIndex, uuid_bits};
use crate::search::term_condition;
use crate::sql::Sql;
use crate::{Backend, Store, StoreError};
use roaring::RoaringBitmap;
use sqlx::Row;
use std::collections::HashMap;

/// How many terms' matches are kept; the least recently used goes first. A bitmap holds at most
/// a bit per incident: 125 KiB per term at 1,000,000.
const KEPT: usize = 64;

#[derive(Debug, Default)]
pub(super) struct Terms {
    /// Per term: the rows it matches, and when it was last used.
    kept: HashMap<String, (RoaringBitmap, u64)>,
    uses: u64,
    /// SQLite: text rows (`incident_search.rowid`) from this one on may be newer than the kept
    /// matches. A row edited in place reuses the largest rowid, so the bound is inclusive.
    fts_from: i64,
}

impl Terms {
    pub(super) fn get(&mut self, term: &str) -> Option<&RoaringBitmap> {
        self.uses += 1;
        let uses = self.uses;
        self.kept.get_mut(term).map(|(rows, used)| {
            *used = uses;
            &*rows
        })
    }

    fn keep(&mut self, term: &str, rows: RoaringBitmap) {
        if self.kept.len() >= KEPT
            && let Some(oldest) = self.kept.iter().min_by_key(|(_, (_, used))| *used).map(|(t, _)| t.clone())
        {
            self.kept.remove(&oldest);
        }
        self.uses += 1;
        self.kept.insert(term.to_owned(), (rows, self.uses));
    }
}

/// On SQLite, the text rows written from `Terms::fts_from` on and what each kept term matches
/// among them, read in one snapshot before the index takes the incidents' changes: every
/// incident named here is then in the index.
pub(super) struct Written {
    incidents: Vec<String>,
    matched: Vec<(String, Vec<String>)>,
    next_from: i64,
}

impl Store {
    /// Whether matches can be kept: on SQLite the text rows are read on the direct path (a file).
    fn keeps_terms(&self) -> bool {
        self.backend == Backend::Postgres || self.direct.is_some()
    }

    /// The rows whose text holds `term`: kept, or matched now and kept.
    pub(super) async fn term_rows(&self, index: &mut IncidentIndex, term: &str) -> Result<RoaringBitmap, StoreError> {
        if let Some(rows) = index.terms.get(term) {
            return Ok(rows.clone());
        }
        let rows: RoaringBitmap =
            self.term_matches(term).await?.iter().filter_map(|i| index.rows.get(i).copied()).collect();
        if self.keeps_terms() {
            index.terms.keep(term, rows.clone());
        }
        Ok(rows)
    }

    /// SQLite: what has been written to the text since the kept matches were brought up to date.
    pub(super) async fn text_written(&self, terms: &Terms) -> Result<Option<Written>, StoreError> {
        let (Backend::Sqlite, Some(direct)) = (self.backend, &self.direct) else { return Ok(None) };
        let from = terms.fts_from;
        let words: Vec<String> = terms.kept.keys().cloned().collect();
        let queries: Vec<(String, Vec<rusqlite::types::Value>)> = words
            .iter()
            .map(|w| {
                let mut sql = Sql::new("");
                let condition = term_condition(Backend::Sqlite, &mut sql, w);
                let from = sql.bind_int(from);
                sql.push(&format!("SELECT incident_id FROM incident_search WHERE {condition} AND rowid >= {from}"));
                sql.for_rusqlite()
            })
            .collect();
        let (incidents, matched, next_from) = direct
            .read(move |conn| {
                let failed = |e: rusqlite::Error| StoreError::Direct(e.to_string());
                conn.execute_batch("BEGIN").map_err(failed)?;
                let read = || -> Result<_, StoreError> {
                    let last: i64 = conn
                        .query_row("SELECT COALESCE(MAX(rowid), 0) FROM incident_search", [], |r| r.get(0))
                        .map_err(failed)?;
                    if queries.is_empty() {
                        return Ok((Vec::new(), Vec::new(), last));
                    }
                    let incidents = crate::direct::all_rows(
                        conn,
                        "SELECT incident_id FROM incident_search WHERE rowid >= ?1",
                        vec![rusqlite::types::Value::Integer(from)],
                        |r| r.get::<_, String>(0),
                    )?;
                    let matched = queries
                        .into_iter()
                        .map(|(text, values)| crate::direct::all_rows(conn, &text, values, |r| r.get::<_, String>(0)))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok((incidents, matched, last))
                };
                let result = read();
                conn.execute_batch("COMMIT").map_err(failed)?;
                result
            })
            .await?;
        Ok(Some(Written { incidents, matched: words.into_iter().zip(matched).collect(), next_from }))
    }

    /// Brings the kept matches up to date after the index took the changes of `changed`
    /// (PostgreSQL) or the text rows of `written` (SQLite).
    pub(super) async fn follow_terms(
        &self,
        index: &mut IncidentIndex,
        written: Option<Written>,
        changed: &[String],
    ) -> Result<(), StoreError> {
        let (incidents, matched) = match written {
            Some(w) => {
                index.terms.fts_from = w.next_from;
                (w.incidents, w.matched)
            }
            None if index.terms.kept.is_empty() || self.backend == Backend::Sqlite => return Ok(()),
            None => {
                let mut matched = Vec::new();
                for word in index.terms.kept.keys() {
                    let mut ids = Vec::new();
                    for chunk in changed.chunks(500) {
                        let mut sql = Sql::new("");
                        let condition = term_condition(self.backend, &mut sql, word);
                        let list = sql.bind_list(chunk.iter().map(String::as_str));
                        sql.push(&format!(
                            "SELECT incident_id FROM incident_search WHERE {condition} AND incident_id IN {list}"
                        ));
                        for r in sql.query().fetch_all(&self.pool).await? {
                            ids.push(r.try_get::<String, _>("incident_id")?);
                        }
                    }
                    matched.push((word.clone(), ids));
                }
                (changed.to_vec(), matched)
            }
        };
        let row = |index: &IncidentIndex, id: &str| uuid_bits(id).ok().and_then(|b| index.rows.get(&b).copied());
        let rewritten: RoaringBitmap = incidents.iter().filter_map(|i| row(index, i)).collect();
        let mut found = Vec::with_capacity(matched.len());
        for (word, ids) in matched {
            found.push((word, ids.iter().filter_map(|i| row(index, i)).collect::<RoaringBitmap>()));
        }
        for (word, rows) in found {
            if let Some((kept, _)) = index.terms.kept.get_mut(&word) {
                *kept -= &rewritten;
                *kept |= rows;
            }
        }
        Ok(())
    }
}
