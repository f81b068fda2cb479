//! What a search keeps until the next change: each reader's link groups, and each selection's
//! match set with its facet counts. Reading a reader's groups costs at least three queries,
//! which grow with the tables; a link, and every incident column the groups read, changes only
//! with a row of `incident_changes` (migrations 0015 and 0031). The list's
//! facets count a search's matches against every facet value and year; an observatory's readers
//! ask the same few searches again and again (a country, a year, a norm), and between two writes
//! the same selection has the same matches and the same counts. So the last `KEPT` match sets
//! are kept — their rows, their counts and, for a sparse one, its places in each page order
//! asked — each named by what selected it: the reader (which rows and which finding values they
//! may count), the filters, and each term with the stamp of its kept matches (a term matched
//! afresh in the database may match other rows). All are dropped whenever the index takes in a
//! change, and a reader's when its link groups are read again (the groups say which linked
//! incidents are left out). A search with a term whose matches are not kept is matched and
//! counted every time. (Named, not compared by rows: comparing two bitmaps of a million rows
//! took longer than counting them.) Debug builds match and count again on every reuse and
//! compare.
use super::IncidentIndex;
use normwatch_core::incident::{FACETS, IncidentQuery, SortKey};
use normwatch_core::{RecordStatus, Viewer};
use roaring::RoaringBitmap;
use std::collections::HashMap;
use std::sync::Arc;

/// How many match sets are kept; the least recently used goes first. Each holds its rows (at
/// most 128 KiB at 1,000,000 incidents), its counts (a few hundred values), its name, and a
/// sparse set's places per order asked (at most √((limit + 1) × visible) of them: 4,600 for a
/// page of 20 at 1,000,000, 22,400 for one of 500, 88 KiB).
const KEPT: usize = 16;

/// How many readers' link groups are kept; the least recently used reader's go first.
const KEPT_GROUPS: usize = 16;

/// Matches at most one in `FEW` of the visible rows have their years counted from their own.
const FEW: u64 = 8;

type Counts = Vec<(String, String, u64)>;

#[derive(Debug, Default)]
pub(super) struct Counted {
    kept: Vec<Kept>,
    /// Per reader: its link groups (`Store::incident_groups`) and when they were last used.
    groups: Vec<(Viewer, Arc<Groups>, u64)>,
    uses: u64,
}

/// Linked incidents' groups: each member's group id.
type Groups = HashMap<String, String>;

/// Drops the least recently used of `list` (by `used`) when it holds `most` already.
fn make_room<T>(list: &mut Vec<T>, most: usize, used: impl Fn(&T) -> u64) {
    if list.len() >= most
        && let Some(oldest) = list.iter().enumerate().min_by_key(|(_, k)| used(k)).map(|(i, _)| i)
    {
        list.swap_remove(oldest);
    }
}

#[derive(Debug)]
struct Kept {
    selection: Selection,
    matches: Matches,
    /// A sparse match set's places in each page order asked, ascending.
    places: Vec<(SortKey, Arc<Vec<u32>>)>,
    used: u64,
}

/// A search's matches: its rows (a linked group once), how many rows the reader may see, and the
/// facet and year counts of the rows.
#[derive(Debug, Clone)]
pub(super) struct Matches {
    pub rows: Arc<RoaringBitmap>,
    pub visible: u64,
    pub counts: Counts,
}

impl Matches {
    /// Panics unless `fresh` (matched and counted again) is what was kept.
    pub(super) fn check(&self, fresh: &Matches) {
        assert_eq!(*self.rows, *fresh.rows, "a match set kept since the last change no longer holds");
        assert_eq!(self.visible, fresh.visible, "the visible rows kept since the last change no longer hold");
        let (mut kept, mut again) = (self.counts.clone(), fresh.counts.clone());
        kept.sort();
        again.sort();
        assert_eq!(kept, again, "facet counts kept since the last change no longer hold");
    }
}

/// What selects a search's matches, apart from the index's contents and the reader's link
/// groups (kept beside them, `IncidentIndex::groups`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Selection {
    viewer: Viewer,
    facets: Vec<(&'static str, String)>,
    year: Option<i32>,
    status: Option<RecordStatus>,
    /// Each term and the stamp of its kept matches (`Terms::stamp`).
    terms: Vec<(String, u64)>,
}

impl Selection {
    /// `stamps`: per term of `q`, in order, the stamp of the matches used (`None`: not kept, and
    /// then the selection has no name that could be used again).
    pub(super) fn of(viewer: &Viewer, q: &IncidentQuery, stamps: &[Option<u64>]) -> Option<Selection> {
        let mut terms: Vec<(String, u64)> =
            q.terms.iter().zip(stamps).map(|(t, s)| s.map(|s| (t.clone(), s))).collect::<Option<_>>()?;
        let mut facets = q.facets.clone();
        facets.sort();
        terms.sort();
        Some(Selection { viewer: viewer.clone(), facets, year: q.year, status: q.status, terms })
    }
}

impl Counted {
    /// The index took in a change: nothing kept holds any more.
    pub(super) fn clear(&mut self) {
        self.kept.clear();
        self.groups.clear();
    }

    /// The link groups kept for `viewer`, if any (they are then the most recently used).
    pub(super) fn groups(&mut self, viewer: &Viewer) -> Option<Arc<Groups>> {
        self.uses += 1;
        let uses = self.uses;
        let (_, groups, used) = self.groups.iter_mut().find(|(v, _, _)| v == viewer)?;
        *used = uses;
        Some(Arc::clone(groups))
    }

    /// Keeps `groups` as `viewer`'s, in place of the least recently used reader's. The match
    /// sets kept for `viewer` go: they left out linked incidents by groups read before.
    pub(super) fn keep_groups(&mut self, viewer: &Viewer, groups: Arc<Groups>) {
        self.kept.retain(|k| k.selection.viewer != *viewer);
        self.groups.retain(|(v, _, _)| v != viewer);
        make_room(&mut self.groups, KEPT_GROUPS, |(_, _, used)| *used);
        self.uses += 1;
        self.groups.push((viewer.clone(), groups, self.uses));
    }

    /// The match set kept for `selection`, if any (it is then the most recently used).
    pub(super) fn get(&mut self, selection: &Selection) -> Option<Matches> {
        self.uses += 1;
        let uses = self.uses;
        let k = self.kept.iter_mut().find(|k| k.selection == *selection)?;
        k.used = uses;
        Some(k.matches.clone())
    }

    /// Keeps `matches` as what `selection` selects, in place of the least recently used.
    pub(super) fn keep(&mut self, selection: &Selection, matches: &Matches) {
        make_room(&mut self.kept, KEPT, |k| k.used);
        self.uses += 1;
        self.kept.push(Kept {
            selection: selection.clone(),
            matches: matches.clone(),
            places: Vec::new(),
            used: self.uses,
        });
    }

    /// The places kept for `selection`'s match set in `key`'s order.
    pub(super) fn places(&self, selection: &Selection, key: SortKey) -> Option<Arc<Vec<u32>>> {
        let k = self.kept.iter().find(|k| k.selection == *selection)?;
        k.places.iter().find(|(s, _)| *s == key).map(|(_, p)| Arc::clone(p))
    }

    /// Keeps the places of `selection`'s match set (when it is kept) in `key`'s order.
    pub(super) fn keep_places(&mut self, selection: &Selection, key: SortKey, places: Arc<Vec<u32>>) {
        if let Some(k) = self.kept.iter_mut().find(|k| k.selection == *selection) {
            k.places.retain(|(s, _)| *s != key);
            k.places.push((key, places));
        }
    }
}

/// Facet and year counts over `rows`, each value's rows intersected with them, except the
/// years of a small match set: a year holds a share of every 65,536-row block, an array that
/// an intersection walks whole however few the matches (2.6 ms for 3,488 matches of
/// 1,000,000 against 0.24 ms reading the matches' own years). Debug builds count the years
/// both ways and compare, so every search a test makes checks one against the other.
pub(super) fn count(
    index: &IncidentIndex,
    viewer: &Viewer,
    rows: &RoaringBitmap,
    visible: u64,
) -> Vec<(String, String, u64)> {
    let mut facets = Vec::new();
    for ((facet, value), sources) in &index.facets {
        if !FACETS.contains(&facet.as_str()) {
            continue;
        }
        let n = rows.intersection_len(&index.facet_rows(viewer, sources));
        if n > 0 {
            facets.push((facet.clone(), value.clone(), n));
        }
    }
    let by_rows = || {
        let mut years = vec![0u64; index.year_list.len() + 1];
        for r in rows {
            if let Some(y) = index.years.get(r as usize) {
                years[*y as usize] += 1;
            }
        }
        let mut counts: Vec<(i64, u64)> = index.year_list.iter().copied().zip(years[1..].iter().copied()).collect();
        counts.retain(|(_, n)| *n > 0);
        counts
    };
    let by_values = || {
        let mut counts: Vec<(i64, u64)> =
            index.year.iter().map(|(year, b)| (*year, rows.intersection_len(b))).filter(|(_, n)| *n > 0).collect();
        counts.sort_unstable();
        counts
    };
    let few = rows.len().saturating_mul(FEW) <= visible;
    let years = if few { by_rows() } else { by_values() };
    if cfg!(debug_assertions) {
        let mut again = if few { by_values() } else { by_rows() };
        let mut these = years.clone();
        these.sort_unstable();
        again.sort_unstable();
        assert_eq!(these, again, "year counts from the rows' years and from the years' rows differ");
    }
    facets.extend(years.into_iter().map(|(year, n)| ("year".to_owned(), year.to_string(), n)));
    facets
}
