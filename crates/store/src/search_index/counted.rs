//! Facet counts, and the counts kept per match set until the next change. The list's facets
//! count a search's matches against every facet value and year; an observatory's readers ask
//! the same few searches again and again (a country, a year, a norm), and between two writes the
//! same matches have the same counts. So the counts of the last `KEPT` match sets are kept,
//! each named by what selected it — the reader (which rows and which finding values they may
//! count), the filters, each term with the stamp of its kept matches (a term matched afresh in
//! the database may match other rows), and the linked incidents left out — and all dropped
//! whenever the index takes in a change. A search with a term whose matches are not kept is
//! counted every time. (Named, not compared by rows: comparing two bitmaps of a million rows
//! took longer than counting them.) Debug builds count again on every reuse and compare.
use super::IncidentIndex;
use normwatch_core::incident::{FACETS, IncidentQuery};
use normwatch_core::{RecordStatus, Viewer};
use roaring::RoaringBitmap;

/// How many match sets' counts are kept; the least recently used goes first. Each holds its
/// counts (a few hundred values) and its name.
const KEPT: usize = 16;

/// Matches at most one in `FEW` of the visible rows have their years counted from their own.
const FEW: u64 = 8;

type Counts = Vec<(String, String, u64)>;

#[derive(Debug, Default)]
pub(super) struct Counted {
    kept: Vec<Kept>,
    uses: u64,
}

#[derive(Debug)]
struct Kept {
    selection: Selection,
    counts: Counts,
    used: u64,
}

/// What selects a search's matches, apart from the index's contents.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Selection {
    viewer: Viewer,
    facets: Vec<(&'static str, String)>,
    year: Option<i32>,
    status: Option<RecordStatus>,
    /// Each term and the stamp of its kept matches (`Terms::stamp`).
    terms: Vec<(String, u64)>,
    /// Linked incidents counted once through another member of their group.
    others: Vec<u32>,
}

impl Selection {
    /// `stamps`: per term of `q`, in order, the stamp of the matches used (`None`: not kept, and
    /// then the selection has no name that could be used again).
    pub(super) fn of(
        viewer: &Viewer,
        q: &IncidentQuery,
        stamps: &[Option<u64>],
        others: &RoaringBitmap,
    ) -> Option<Selection> {
        let mut terms: Vec<(String, u64)> =
            q.terms.iter().zip(stamps).map(|(t, s)| s.map(|s| (t.clone(), s))).collect::<Option<_>>()?;
        let mut facets = q.facets.clone();
        facets.sort();
        terms.sort();
        Some(Selection {
            viewer: viewer.clone(),
            facets,
            year: q.year,
            status: q.status,
            terms,
            others: others.iter().collect(),
        })
    }
}

impl Counted {
    /// The index took in a change: no kept count holds any more.
    pub(super) fn clear(&mut self) {
        self.kept.clear();
    }

    /// The facet and year counts of `rows` for `viewer`, which `selection` selected: kept ones
    /// when the same selection was counted since the last change, else counted (and kept when
    /// the selection has a name).
    pub(super) fn facets(
        &mut self,
        index: &IncidentIndex,
        viewer: &Viewer,
        selection: Option<Selection>,
        rows: &RoaringBitmap,
        visible: u64,
    ) -> Counts {
        let Some(selection) = selection else { return count(index, viewer, rows, visible) };
        self.uses += 1;
        let uses = self.uses;
        if let Some(k) = self.kept.iter_mut().find(|k| k.selection == selection) {
            k.used = uses;
            if cfg!(debug_assertions) {
                // Every search a test makes checks that what was kept still holds.
                let (mut fresh, mut kept) = (count(index, viewer, rows, visible), k.counts.clone());
                fresh.sort();
                kept.sort();
                assert_eq!(fresh, kept, "facet counts kept since the last change no longer hold");
            }
            return k.counts.clone();
        }
        let counts = count(index, viewer, rows, visible);
        if self.kept.len() >= KEPT
            && let Some(oldest) = self.kept.iter().enumerate().min_by_key(|(_, k)| k.used).map(|(i, _)| i)
        {
            self.kept.swap_remove(oldest);
        }
        self.kept.push(Kept { selection, counts: counts.clone(), used: uses });
        counts
    }
}

/// Facet and year counts over `rows`, each value's rows intersected with them, except the
/// years of a small match set: a year holds a share of every 65,536-row block, an array that
/// an intersection walks whole however few the matches (2.6 ms for 3,488 matches of
/// 1,000,000 against 0.24 ms reading the matches' own years). Debug builds count the years
/// both ways and compare, so every search a test makes checks one against the other.
fn count(index: &IncidentIndex, viewer: &Viewer, rows: &RoaringBitmap, visible: u64) -> Vec<(String, String, u64)> {
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
