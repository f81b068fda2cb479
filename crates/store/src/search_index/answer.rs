//! One search answered from the index: the match set (kept per selection until the next
//! change, `counted.rs`), its facet counts, and one page in the query's order.
use super::counted::{self, Matches, Selection};
use super::{Cursor, IncidentIndex, IndexAnswer, Sorted, uuid_bits};
use crate::rows::corrupt;
use crate::{Store, StoreError};
use normwatch_core::Viewer;
use normwatch_core::incident::IncidentQuery;
use roaring::RoaringBitmap;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

impl Store {
    /// Totals, facet counts and the ids of one page, from the index. Linked incidents
    /// (`Store::incident_groups`, kept per viewer until a change) count once a group, by the
    /// smallest matching member.
    pub(crate) async fn index_answer(&self, viewer: &Viewer, q: &IncidentQuery) -> Result<IndexAnswer, StoreError> {
        let mut guard = self.current_index().await?;
        let Some(index) = guard.as_mut() else { return Err(corrupt("search index", "not built")) };
        let groups = match index.counted.get_mut().groups(viewer) {
            Some(g) => g,
            None => {
                // Read under the index's lock: a search waiting meanwhile finds them kept.
                let g = Arc::new(self.incident_groups(viewer).await?);
                index.counted.get_mut().keep_groups(viewer, Arc::clone(&g));
                g
            }
        };
        // A selection asked since the last change (the reader, the filters, and each term by the
        // stamp of its kept rows) has its match set kept, and its terms' rows are not needed
        // (debug builds read them to check).
        let stamps: Vec<Option<u64>> = q.terms.iter().map(|t| index.terms.used_stamp(t)).collect();
        let kept = Selection::of(viewer, q, &stamps).and_then(|s| index.counted.get_mut().get(&s).map(|m| (s, m)));
        let (selection, term_rows, kept) = match kept {
            Some((selection, matches)) if !cfg!(debug_assertions) => (Some(selection), Vec::new(), Some(matches)),
            kept => {
                // Full-text terms are matched by the database's trigram index (or kept from an
                // earlier search); the index does the rest.
                let mut term_rows = Vec::with_capacity(q.terms.len());
                let mut stamps = Vec::with_capacity(q.terms.len());
                for term in &q.terms {
                    term_rows.push(self.term_rows(index, term).await?);
                    stamps.push(index.terms.stamp(term));
                }
                (Selection::of(viewer, q, &stamps), term_rows, kept.map(|(_, m)| m))
            }
        };
        // Page order first (it needs the index mutably); everything else reads it.
        index.sort_by(q.sort.key);
        let index = &*index;
        let matches = match kept {
            Some(kept) => {
                if cfg!(debug_assertions) {
                    // Every search a test makes checks that what was kept still holds.
                    kept.check(&index.matches(viewer, q, &term_rows, &groups));
                }
                kept
            }
            None => {
                let fresh = index.matches(viewer, q, &term_rows, &groups);
                if let Some(s) = &selection {
                    index.counted.borrow_mut().keep(s, &fresh);
                }
                fresh
            }
        };
        let total = matches.rows.len();
        // The page: the first `limit` + 1 rows after the cursor in page order.
        let Some(sorted) = index.sorted.get(&q.sort.key) else { return Err(corrupt("search index", "not sorted")) };
        let cursor = match &q.cursor {
            Some(c) if c.sort != q.sort => return Err(corrupt("cursor", "made in another order than the query's")),
            Some(c) => Some(Cursor::of(c)?),
            None => None,
        };
        // The places (in ascending order) a page may take: after the cursor in page order.
        let places = match (&cursor, q.sort.descending) {
            (None, _) => 0..sorted.rows.len(),
            (Some(c), false) => sorted.rows.partition_point(|r| index.against(c, *r).is_le())..sorted.rows.len(),
            (Some(c), true) => 0..sorted.rows.partition_point(|r| index.against(c, *r).is_lt()),
        };
        let wanted = q.limit + 1;
        let mut page: Vec<u32> = if total * total > wanted as u64 * matches.visible {
            // Walking the rows in page order takes about limit × visible / total steps, sorting
            // the matches' places `total`: walk when matches are dense enough that the walk is
            // shorter.
            walk(sorted, &matches.rows, places, q.sort.descending, wanted)
        } else {
            // Sparse: the matches' places in this order, kept with the match set (a page of a
            // search asked again then costs a binary search).
            let kept = selection.as_ref().and_then(|s| index.counted.borrow().places(s, q.sort.key));
            let ordered = match kept {
                Some(ordered) => {
                    if cfg!(debug_assertions) {
                        assert_eq!(*ordered, places_of(sorted, &matches.rows), "kept places no longer hold");
                    }
                    ordered
                }
                None => {
                    let ordered = Arc::new(places_of(sorted, &matches.rows));
                    if let Some(s) = &selection {
                        index.counted.borrow_mut().keep_places(s, q.sort.key, Arc::clone(&ordered));
                    }
                    ordered
                }
            };
            let from = ordered.partition_point(|p| (*p as usize) < places.start);
            let to = ordered.partition_point(|p| (*p as usize) < places.end);
            let chosen = ordered[from..to].iter().map(|p| sorted.rows[*p as usize]);
            if q.sort.descending { chosen.rev().take(wanted).collect() } else { chosen.take(wanted).collect() }
        };
        let more = page.len() > q.limit;
        page.truncate(q.limit);
        Ok(IndexAnswer { total, page: index.summaries(viewer, &page), more, facets: matches.counts, groups })
    }
}

/// The first `wanted` of `rows` at `places` of `sorted`, in page order, by walking them.
fn walk(sorted: &Sorted, rows: &RoaringBitmap, places: Range<usize>, descending: bool, wanted: usize) -> Vec<u32> {
    let slice = &sorted.rows[places];
    let in_order: Box<dyn Iterator<Item = &u32>> =
        if descending { Box::new(slice.iter().rev()) } else { Box::new(slice.iter()) };
    in_order.filter(|r| rows.contains(**r)).take(wanted).copied().collect()
}

/// The places of `rows` in `sorted`'s order, ascending.
fn places_of(sorted: &Sorted, rows: &RoaringBitmap) -> Vec<u32> {
    let mut places: Vec<u32> = rows.iter().map(|r| sorted.rank[r as usize]).collect();
    places.sort_unstable();
    places
}

impl IncidentIndex {
    /// The rows `q` selects for `viewer` (standing, filtered, every term matched, a linked
    /// group once by its smallest member), how many rows the viewer may see, and their counts.
    fn matches(
        &self,
        viewer: &Viewer,
        q: &IncidentQuery,
        term_rows: &[RoaringBitmap],
        groups: &HashMap<String, String>,
    ) -> Matches {
        let rows = self.standing(viewer);
        let visible = rows.len();
        let mut rows = self.narrowed(viewer, q, term_rows, rows);
        let mut standing: HashMap<&str, (u128, u32)> = HashMap::new();
        let mut others = RoaringBitmap::new();
        for (id, group) in groups {
            let Ok(bits) = uuid_bits(id) else { continue };
            let Some(&row) = self.rows.get(&bits).filter(|r| rows.contains(**r)) else { continue };
            match standing.get(group.as_str()) {
                Some(&(best, _)) if best < bits => {
                    others.insert(row);
                }
                Some(&(_, best_row)) => {
                    others.insert(best_row);
                    standing.insert(group, (bits, row));
                }
                None => {
                    standing.insert(group, (bits, row));
                }
            }
        }
        rows -= &others;
        let counts = counted::count(self, viewer, &rows, visible);
        Matches { rows: Arc::new(rows), visible, counts }
    }
}
