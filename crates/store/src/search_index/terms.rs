//! Full-text matches, fast and kept per term. A common word matches a large share of the
//! incidents, and the database hands every match back (FTS5's trigram index on SQLite, pg_trgm on
//! PostgreSQL). Two things keep that off a search's time:
//!
//! - On SQLite a match is read as FTS5's own rowid, which its posting lists hold, and turned into
//!   the index's row through a table kept here. Reading the incident's id instead looks up every
//!   match in FTS5's content table: ten times slower for a word in a third of the texts.
//! - Each term's matches are kept as a bitmap of rows, so the same word searched again is an
//!   intersection. Kept matches follow the writes with the rest of the index: only text written
//!   since is matched again — on SQLite the text rows from a rowid on (FTS5 numbers a new row past
//!   the largest, and an edit deletes its incident's row and inserts the new text, so a rowid once
//!   given names the same incident), on PostgreSQL the changed incidents' ids.
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
/// No row: a text rowid not (yet) known to the index.
const NO_ROW: u32 = u32::MAX;

#[derive(Debug, Default)]
pub(super) struct Terms {
    /// Per term: the rows it matches, when it was last used, and when those rows were last
    /// matched or mended (a stamp that no other rows of any term ever had).
    kept: HashMap<String, (RoaringBitmap, u64, u64)>,
    uses: u64,
    /// SQLite: text rows (`incident_search.rowid`) from this one on may be newer than what the
    /// index holds. A row edited in place may reuse the largest rowid, so the bound is inclusive.
    fts_from: i64,
    /// SQLite: per text rowid, the index's row of its incident (`NO_ROW` where none).
    fts_rows: Vec<u32>,
}

impl Terms {
    fn get(&mut self, term: &str) -> Option<&RoaringBitmap> {
        self.uses += 1;
        let uses = self.uses;
        self.kept.get_mut(term).map(|(rows, used, _)| {
            *used = uses;
            &*rows
        })
    }

    fn keep(&mut self, term: &str, rows: RoaringBitmap) {
        if self.kept.len() >= KEPT
            && let Some(oldest) = self.kept.iter().min_by_key(|(_, (_, used, _))| *used).map(|(t, _)| t.clone())
        {
            self.kept.remove(&oldest);
        }
        self.uses += 1;
        self.kept.insert(term.to_owned(), (rows, self.uses, self.uses));
    }

    /// The stamp of a kept term's rows: the same stamp, the same rows (kept facet counts are
    /// named by it, `counted.rs`). `None` for a term whose matches are not kept.
    pub(super) fn stamp(&self, term: &str) -> Option<u64> {
        self.kept.get(term).map(|(_, _, made)| *made)
    }

    /// `stamp`, the kept rows then counting as used (a search served from a kept match set reads
    /// no rows of its terms, yet uses them).
    pub(super) fn used_stamp(&mut self, term: &str) -> Option<u64> {
        self.get(term)?;
        self.stamp(term)
    }

    /// The rows of text rowids the table knows; newer ones are left to the next refresh, which
    /// reads them from `fts_from` on.
    fn rows_of(&self, rowids: &[i64]) -> RoaringBitmap {
        rowids
            .iter()
            .filter_map(|r| usize::try_from(*r).ok().and_then(|r| self.fts_rows.get(r)).copied())
            .filter(|r| *r != NO_ROW)
            .collect()
    }
}

/// On SQLite, the text rows written from `Terms::fts_from` on (rowid, incident) and the rowids
/// among them each kept term matches, read in one snapshot before the index takes the incidents'
/// changes: every incident named here is then in the index.
pub(super) struct Written {
    texts: Vec<(i64, u128)>,
    matched: Vec<(String, Vec<i64>)>,
    next_from: i64,
}

impl Store {
    /// Whether text rowids are followed (SQLite read on the direct path, a file).
    fn follows_rowids(&self) -> bool {
        self.backend == Backend::Sqlite && self.direct.is_some()
    }

    /// The rows whose text holds `term`: kept, or matched now and kept.
    pub(super) async fn term_rows(&self, index: &mut IncidentIndex, term: &str) -> Result<RoaringBitmap, StoreError> {
        if let Some(rows) = index.terms.get(term) {
            return Ok(rows.clone());
        }
        let mut sql = Sql::new("");
        let condition = term_condition(self.backend, &mut sql, term);
        let rows: RoaringBitmap = match (&self.direct, self.backend) {
            (Some(direct), Backend::Sqlite) => {
                sql.push(&format!("SELECT rowid FROM incident_search WHERE {condition}"));
                let (text, values) = sql.for_rusqlite();
                let rowids =
                    direct.read(move |conn| crate::direct::all_rows(conn, &text, values, |r| r.get(0))).await?;
                index.terms.rows_of(&rowids)
            }
            _ => {
                sql.push(&format!("SELECT incident_id FROM incident_search WHERE {condition}"));
                let mut rows = RoaringBitmap::new();
                for r in sql.query().fetch_all(&self.pool).await? {
                    if let Some(&row) = index.rows.get(&uuid_bits(&r.try_get::<String, _>("incident_id")?)?) {
                        rows.insert(row);
                    }
                }
                rows
            }
        };
        // Kept only where writes can be followed: PostgreSQL, or SQLite with the rowid table.
        if self.backend == Backend::Postgres || self.follows_rowids() {
            index.terms.keep(term, rows.clone());
        }
        Ok(rows)
    }

    /// SQLite: what has been written to the text since the index last looked (all of it for a
    /// new index), and what each kept term matches there.
    pub(super) async fn text_written(&self, terms: &Terms) -> Result<Option<Written>, StoreError> {
        let (true, Some(direct)) = (self.follows_rowids(), &self.direct) else { return Ok(None) };
        let from = terms.fts_from;
        let words: Vec<String> = terms.kept.keys().cloned().collect();
        let queries: Vec<(String, Vec<rusqlite::types::Value>)> = words
            .iter()
            .map(|w| {
                let mut sql = Sql::new("");
                let condition = term_condition(Backend::Sqlite, &mut sql, w);
                let from = sql.bind_int(from);
                sql.push(&format!("SELECT rowid FROM incident_search WHERE {condition} AND rowid >= {from}"));
                sql.for_rusqlite()
            })
            .collect();
        let (texts, matched, next_from) = direct
            .read(move |conn| {
                use crate::direct::failed;
                conn.execute_batch("BEGIN").map_err(failed)?;
                let read = || -> Result<_, StoreError> {
                    let mut texts = Vec::new();
                    let mut statement = conn
                        .prepare_cached("SELECT rowid, incident_id FROM incident_search WHERE rowid >= ?1")
                        .map_err(failed)?;
                    let mut rows = statement.query([from]).map_err(failed)?;
                    while let Some(r) = rows.next().map_err(failed)? {
                        let id: String = r.get(1).map_err(failed)?;
                        texts.push((r.get::<_, i64>(0).map_err(failed)?, uuid_bits(&id)?));
                    }
                    let next_from = texts.iter().map(|t| t.0).max().unwrap_or(from);
                    let matched = queries
                        .into_iter()
                        .map(|(text, values)| crate::direct::all_rows(conn, &text, values, |r| r.get::<_, i64>(0)))
                        .collect::<Result<Vec<_>, _>>()?;
                    Ok((texts, matched, next_from))
                };
                let result = read();
                conn.execute_batch("COMMIT").map_err(failed)?;
                result
            })
            .await?;
        Ok(Some(Written { texts, matched: words.into_iter().zip(matched).collect(), next_from }))
    }

    /// Brings the rowid table and the kept matches up to date after the index took the changes
    /// of `changed` (PostgreSQL) or the text rows of `written` (SQLite).
    pub(super) async fn follow_terms(
        &self,
        index: &mut IncidentIndex,
        written: Option<Written>,
        changed: &[String],
    ) -> Result<(), StoreError> {
        let (rewritten, found) = match written {
            Some(w) => {
                let mut rewritten = RoaringBitmap::new();
                for (rowid, id) in w.texts {
                    let row = index.row_of(id);
                    let Ok(at) = usize::try_from(rowid) else { continue };
                    let table = &mut index.terms.fts_rows;
                    if table.len() <= at {
                        table.resize(at + 1, NO_ROW);
                    }
                    table[at] = row;
                    rewritten.insert(row);
                }
                index.terms.fts_from = w.next_from;
                let found: Vec<(String, RoaringBitmap)> =
                    w.matched.into_iter().map(|(word, rowids)| (word, index.terms.rows_of(&rowids))).collect();
                (rewritten, found)
            }
            None if index.terms.kept.is_empty() || self.backend == Backend::Sqlite => return Ok(()),
            None => {
                let row = |id: &str| uuid_bits(id).ok().and_then(|b| index.rows.get(&b).copied());
                let rewritten: RoaringBitmap = changed.iter().filter_map(|i| row(i)).collect();
                let mut found = Vec::new();
                for word in index.terms.kept.keys() {
                    let mut rows = RoaringBitmap::new();
                    for chunk in changed.chunks(500) {
                        let mut sql = Sql::new("");
                        let condition = term_condition(self.backend, &mut sql, word);
                        let list = sql.bind_list(chunk.iter().map(String::as_str));
                        sql.push(&format!(
                            "SELECT incident_id FROM incident_search WHERE {condition} AND incident_id IN {list}"
                        ));
                        for r in sql.query().fetch_all(&self.pool).await? {
                            rows.extend(row(&r.try_get::<String, _>("incident_id")?));
                        }
                    }
                    found.push((word.clone(), rows));
                }
                (rewritten, found)
            }
        };
        for (word, rows) in found {
            index.terms.uses += 1;
            let stamp = index.terms.uses;
            if let Some((kept, _, made)) = index.terms.kept.get_mut(&word) {
                *kept -= &rewritten;
                *kept |= rows;
                *made = stamp;
            }
        }
        Ok(())
    }
}
