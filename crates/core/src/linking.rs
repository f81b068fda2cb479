//! Incident linking: whether two records — from different datasets, or one entered by hand —
//! describe the same real-world incident. The matcher compares names and aliases, the words of
//! titles and descriptions (weighted by how rare they are in the corpus), dates with their
//! precision, targets, attributed actors and operation types, and gives a score in [0, 1] with
//! bilingual reasons. A proposal is a prompt for a coder, who confirms or rejects it.
mod aliases;

pub use aliases::NameKind;

use crate::incident::{IncidentInput, PartialDate};
use crate::lang::Localized;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::LazyLock;

/// Scores at or above this are proposed to coders. Chosen on the labelled sample
/// (`crates/cli/tests/data/link-sample.csv`, see docs/linking.md).
pub const PROPOSAL_THRESHOLD: f64 = 0.5;
/// Two incidents whose dates lie further apart than this are not compared at all.
const MAX_GAP_DAYS: i64 = 3 * 366;
/// A word in more than this share of the corpus does not block candidates (too common).
const BLOCKING_MAX_SHARE: f64 = 0.02;

/// What a coder decided about a proposed link.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkStatus {
    Proposed,
    Confirmed,
    Rejected,
}

impl LinkStatus {
    pub const ALL: [LinkStatus; 3] = [LinkStatus::Proposed, LinkStatus::Confirmed, LinkStatus::Rejected];

    pub fn name(self) -> &'static str {
        match self {
            LinkStatus::Proposed => "proposed",
            LinkStatus::Confirmed => "confirmed",
            LinkStatus::Rejected => "rejected",
        }
    }

    pub fn parse(value: &str) -> Result<LinkStatus, crate::FieldError> {
        LinkStatus::ALL.into_iter().find(|s| s.name() == value).ok_or_else(|| {
            crate::FieldError::new(
                "status",
                format!("`{value}` is not a link status: use proposed, confirmed or rejected"),
            )
        })
    }
}

/// One incident as the matcher sees it: the record, and what its attribution claims name.
#[derive(Debug, Clone, Copy)]
pub struct Side<'a> {
    pub incident: &'a IncidentInput,
    /// States named by the incident's attribution claims (ISO 3166-1 codes).
    pub claim_states: &'a [String],
    /// Groups named by the incident's attribution claims.
    pub claim_groups: &'a [String],
}

/// A score and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchScore {
    /// 0 (surely different) … 1 (surely the same); two decimals.
    pub score: f64,
    pub reasons: Vec<Localized>,
}

/// What the matcher keeps of one incident (its words, names, dates, places), made by
/// [`Profile::of`]: far less than the record, so a corpus can be built a page of records at a time.
#[derive(Debug, Clone)]
pub struct Profile {
    dataset: Option<String>,
    title: HashSet<String>,
    words: HashMap<String, u32>,
    names: BTreeSet<(NameKind, &'static str)>,
    /// The names in the title: a name only in a description may be a comparison ("like Shamoon").
    title_names: BTreeSet<(NameKind, &'static str)>,
    /// Whether the start is known to the day (sources write unknown days as a month or year).
    day_precise: bool,
    /// Days since 1970 of the earliest and latest day the incident may have taken place.
    span: Option<(i64, i64)>,
    countries: BTreeSet<String>,
    states: BTreeSet<String>,
    operations: BTreeSet<String>,
}

/// The incidents compared together, and how common each word is among them.
#[derive(Debug, Clone)]
pub struct Corpus {
    profiles: Vec<Profile>,
    /// Inverse document frequency of each word.
    idf: HashMap<String, f64>,
    /// Norm of each profile's weighted word vector (title and description).
    norms: Vec<f64>,
    title_norms: Vec<f64>,
}

const STOP: &[&str] = &[
    "the", "and", "for", "with", "that", "this", "from", "was", "were", "are", "has", "have", "had", "been", "its",
    "their", "which", "who", "not", "but", "also", "into", "after", "over", "more", "than", "other", "such", "they",
    "them", "his", "her", "our", "out", "via", "about", "against", "between", "during", "since", "while", "some",
    "all", "any", "can", "could", "would", "may", "might", "will", "one", "two", "new", "used", "using", "use",
];

fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .filter(|t| (t.chars().count() >= 3 || t.chars().any(|c| c.is_ascii_digit())) && !STOP.contains(&t.as_str()))
        .map(|t| match t.strip_suffix('s') {
            // A crude plural fold: "hackers" and "hacker" are one word here.
            Some(stem) if stem.chars().count() >= 4 && !stem.ends_with('s') => stem.to_owned(),
            _ => t,
        })
}

/// Lower-cased words joined by single spaces, padded, for whole-word name search.
fn padded_words(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push(' ');
    for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        if w.is_ascii() {
            // Most words; the same as `to_lowercase` without a string per word.
            out.extend(w.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            out.push_str(&w.to_lowercase());
        }
        out.push(' ');
    }
    out
}

/// Each name's spellings as `padded_words` gives them, made once (every incident profiled
/// looks for all of them).
static SPELLINGS: LazyLock<Vec<(NameKind, &'static str, Vec<String>)>> = LazyLock::new(|| {
    aliases::NAMES
        .iter()
        .map(|(canonical, kind, spellings)| (*kind, *canonical, spellings.iter().map(|s| padded_words(s)).collect()))
        .collect()
});

fn names_in(text: &str) -> BTreeSet<(NameKind, &'static str)> {
    let hay = padded_words(text);
    SPELLINGS
        .iter()
        .filter(|(_, _, spellings)| spellings.iter().any(|s| hay.contains(s.as_str())))
        .map(|(kind, canonical, _)| (*kind, *canonical))
        .collect()
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The first and last day a partial date may mean.
fn bounds(d: &PartialDate) -> Option<(i64, i64)> {
    let parts: Vec<i64> = d.as_str().split('-').map(|p| p.parse().ok()).collect::<Option<_>>()?;
    match parts.as_slice() {
        [y] => Some((days(*y, 1, 1), days(*y, 12, 31))),
        [y, m] => Some((days(*y, *m, 1), days(if *m == 12 { y + 1 } else { *y }, m % 12 + 1, 1) - 1)),
        [y, m, d] => Some((days(*y, *m, *d), days(*y, *m, *d))),
        _ => None,
    }
}

impl Profile {
    pub fn of(side: &Side<'_>) -> Profile {
        profile(side)
    }
}

fn profile(side: &Side<'_>) -> Profile {
    let i = side.incident;
    let title_text = format!("{} {}", i.title.en, i.title.ja);
    let text = format!("{title_text} {} {}", i.description.en, i.description.ja);
    let mut words: HashMap<String, u32> = HashMap::new();
    for t in tokens(&text) {
        *words.entry(t).or_default() += 1;
    }
    let mut names = names_in(&text);
    for g in side.claim_groups {
        names.extend(names_in(g));
    }
    let first = i.started.as_ref().or(i.discovered.as_ref()).and_then(bounds);
    let last = i.ended.as_ref().or(i.discovered.as_ref()).and_then(bounds);
    let span = match (first, last) {
        (Some((a, b)), Some((_, d))) => Some((a, b.max(d))),
        (Some(s), None) => Some(s),
        (None, l) => l,
    };
    let mut countries: BTreeSet<String> = i.targets.iter().filter_map(|t| t.country.clone()).collect();
    countries.extend(i.impact.countries_affected.iter().cloned());
    let mut states: BTreeSet<String> = side.claim_states.iter().cloned().collect();
    states.extend(i.actors.iter().filter_map(|a| a.country.clone()));
    Profile {
        dataset: i.origin.as_ref().map(|o| o.dataset.clone()),
        title: tokens(&title_text).collect(),
        words,
        title_names: names_in(&title_text),
        names,
        day_precise: i.started.as_ref().is_some_and(|d| d.precision() == crate::incident::DatePrecision::Day),
        span,
        countries,
        states,
        operations: i.operation_types.iter().cloned().collect(),
    }
}

fn gap(a: (i64, i64), b: (i64, i64)) -> i64 {
    (a.0.max(b.0) - a.1.min(b.1)).max(0)
}

fn list(items: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    items.into_iter().map(|s| s.as_ref().to_owned()).collect::<Vec<_>>().join(", ")
}

impl Corpus {
    /// Profiles every incident; the order of `sides` gives the indices used below.
    pub fn new<'a>(sides: impl IntoIterator<Item = Side<'a>>) -> Corpus {
        Corpus::of_profiles(sides.into_iter().map(|s| profile(&s)).collect())
    }

    /// A corpus of profiles made before; their order gives the indices used below.
    pub fn of_profiles(profiles: Vec<Profile>) -> Corpus {
        let mut df: HashMap<&str, u32> = HashMap::new();
        for p in &profiles {
            for w in p.words.keys() {
                *df.entry(w.as_str()).or_default() += 1;
            }
        }
        let n = profiles.len().max(1) as f64;
        let idf: HashMap<String, f64> =
            df.iter().map(|(w, c)| ((*w).to_owned(), (1.0 + n / f64::from(*c)).ln())).collect();
        let weight = |w: &str, tf: u32| (1.0 + f64::from(tf).ln()) * idf.get(w).copied().unwrap_or(0.0);
        let norms =
            profiles.iter().map(|p| p.words.iter().map(|(w, tf)| weight(w, *tf).powi(2)).sum::<f64>().sqrt()).collect();
        let title_norms = profiles
            .iter()
            .map(|p| p.title.iter().map(|w| idf.get(w).copied().unwrap_or(0.0).powi(2)).sum::<f64>().sqrt())
            .collect();
        Corpus { profiles, idf, norms, title_norms }
    }

    pub fn len(&self) -> usize {
        self.profiles.len()
    }

    pub fn is_empty(&self) -> bool {
        self.profiles.is_empty()
    }

    fn weight(&self, w: &str, tf: u32) -> f64 {
        (1.0 + f64::from(tf).ln()) * self.idf.get(w).copied().unwrap_or(0.0)
    }

    /// Cosine of the two records' weighted words, and of their titles.
    fn similarity(&self, a: usize, b: usize) -> (f64, f64) {
        let (pa, pb) = (&self.profiles[a], &self.profiles[b]);
        let (small, large) = if pa.words.len() <= pb.words.len() { (pa, pb) } else { (pb, pa) };
        let dot: f64 = small
            .words
            .iter()
            .filter_map(|(w, tf)| large.words.get(w).map(|tf2| self.weight(w, *tf) * self.weight(w, *tf2)))
            .sum();
        let text = if self.norms[a] > 0.0 && self.norms[b] > 0.0 { dot / (self.norms[a] * self.norms[b]) } else { 0.0 };
        let tdot: f64 = pa.title.intersection(&pb.title).map(|w| self.idf.get(w).copied().unwrap_or(0.0).powi(2)).sum();
        let title = if self.title_norms[a] > 0.0 && self.title_norms[b] > 0.0 {
            tdot / (self.title_norms[a] * self.title_norms[b])
        } else {
            0.0
        };
        (text, title)
    }

    /// How likely incidents `a` and `b` are the same, and why.
    pub fn score(&self, a: usize, b: usize) -> MatchScore {
        let (pa, pb) = (&self.profiles[a], &self.profiles[b]);
        let mut reasons = Vec::new();
        let (text, title) = self.similarity(a, b);
        let mut z = -4.0 + 4.0 * title + 5.0 * text;
        if title >= 0.3 || text >= 0.2 {
            reasons.push(Localized::new(
                format!("表題の類似度 {title:.2}、本文の類似度 {text:.2}"),
                format!("titles alike {title:.2}, descriptions alike {text:.2}"),
            ));
        }

        let shared: Vec<&(NameKind, &str)> = pa.names.intersection(&pb.names).collect();
        let ops = |p: &Profile| p.names.iter().filter(|(k, _)| *k == NameKind::Operation).count();
        for (kind, name) in &shared {
            let in_titles = pa.title_names.contains(&(*kind, *name)) && pb.title_names.contains(&(*kind, *name));
            let (bonus, ja, en) = match kind {
                NameKind::Operation if in_titles => (3.0, "同じ作戦名", "the same operation named"),
                NameKind::Operation => (1.5, "同じ作戦名（本文中）", "the same operation mentioned"),
                NameKind::Tool => (1.0, "同じツール名", "the same tool named"),
                NameKind::Group => (0.5, "同じ攻撃グループ名", "the same group named"),
            };
            z += bonus;
            reasons.push(Localized::new(format!("{ja}: {name}"), format!("{en}: {name}")));
        }
        let shared_ops = shared.iter().filter(|(k, _)| *k == NameKind::Operation).count();
        if shared_ops == 0 && ops(pa) > 0 && ops(pb) > 0 {
            z -= 1.5;
            reasons.push(Localized::new("異なる作戦名", "different operations named"));
        }

        match (pa.span, pb.span) {
            (Some(sa), Some(sb)) => {
                let g = gap(sa, sb);
                // Two dates known to the day that lie months apart say more than a year-precise one.
                let exact = if pa.day_precise && pb.day_precise { 1.0 } else { 0.0 };
                let (dz, ja, en) = match g {
                    0 => (1.0, "期間が重なる".to_owned(), "dates overlap".to_owned()),
                    1..=90 => (0.5, format!("日付の差 {g} 日"), format!("dates {g} days apart")),
                    91..=365 => (-exact, format!("日付の差 {g} 日"), format!("dates {g} days apart")),
                    366..=730 => (-1.0 - exact, format!("日付の差 {g} 日"), format!("dates {g} days apart")),
                    _ => (-3.0, format!("日付が {g} 日離れている"), format!("dates {g} days apart")),
                };
                z += dz;
                reasons.push(Localized::new(ja, en));
            }
            _ => reasons.push(Localized::new("日付が一方にない", "a date is missing on one side")),
        }

        let countries: Vec<&String> = pa.countries.intersection(&pb.countries).collect();
        if !countries.is_empty() {
            z += 0.5;
            let c = list(&countries);
            reasons.push(Localized::new(format!("同じ被害国: {c}"), format!("same target country: {c}")));
        } else if !pa.countries.is_empty() && !pb.countries.is_empty() {
            z -= 0.5;
            reasons.push(Localized::new("被害国が異なる", "different target countries"));
        }

        let states: Vec<&String> = pa.states.intersection(&pb.states).collect();
        if !states.is_empty() {
            z += 0.5;
            let s = list(&states);
            reasons.push(Localized::new(format!("同じ国家に帰属: {s}"), format!("attributed to the same state: {s}")));
        } else if !pa.states.is_empty() && !pb.states.is_empty() {
            z -= 1.5;
            reasons.push(Localized::new("帰属先の国家が異なる", "attributed to different states"));
        }

        let operations: Vec<&String> = pa.operations.intersection(&pb.operations).collect();
        if !operations.is_empty() {
            z += 0.3;
            let o = list(&operations);
            reasons.push(Localized::new(format!("同じ作戦の種類: {o}"), format!("same operation type: {o}")));
        }
        let score = 1.0 / (1.0 + (-z).exp());
        MatchScore { score: (score * 100.0).round() / 100.0, reasons }
    }

    /// Pairs worth scoring: records of different datasets (or without one) whose dates are
    /// within three years, sharing a rare word or a known name. Blocking on rare words keeps
    /// this far below all pairs: a word in more than 2% of the records blocks nothing.
    pub fn candidates(&self) -> Vec<(usize, usize)> {
        let max_df = ((self.profiles.len() as f64) * BLOCKING_MAX_SHARE).max(2.0) as usize;
        let mut blocks: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in self.profiles.iter().enumerate() {
            for w in p.words.keys() {
                blocks.entry(format!("w:{w}")).or_default().push(i);
            }
            for (_, n) in &p.names {
                blocks.entry(format!("n:{n}")).or_default().push(i);
            }
        }
        let mut pairs: HashSet<(usize, usize)> = HashSet::new();
        for (key, members) in &blocks {
            if key.starts_with("w:") && members.len() > max_df {
                continue;
            }
            for (x, &a) in members.iter().enumerate() {
                for &b in &members[x + 1..] {
                    if self.comparable(a, b) {
                        pairs.insert((a.min(b), a.max(b)));
                    }
                }
            }
        }
        let mut out: Vec<(usize, usize)> = pairs.into_iter().collect();
        out.sort_unstable();
        out
    }

    /// Different datasets (a record without one, entered here, compares with every other),
    /// and dates not too far apart.
    fn comparable(&self, a: usize, b: usize) -> bool {
        let (pa, pb) = (&self.profiles[a], &self.profiles[b]);
        let different = match (&pa.dataset, &pb.dataset) {
            (Some(x), Some(y)) => x != y,
            _ => true,
        };
        let near = match (pa.span, pb.span) {
            (Some(x), Some(y)) => gap(x, y) <= MAX_GAP_DAYS,
            _ => true,
        };
        different && near
    }

    /// Scored candidates at or above `threshold`, best first.
    pub fn proposals(&self, threshold: f64) -> Vec<(usize, usize, MatchScore)> {
        let mut out: Vec<(usize, usize, MatchScore)> = self
            .candidates()
            .into_iter()
            .map(|(a, b)| (a, b, self.score(a, b)))
            .filter(|(_, _, s)| s.score >= threshold)
            .collect();
        out.sort_by(|x, y| y.2.score.total_cmp(&x.2.score).then((x.0, x.1).cmp(&(y.0, y.1))));
        out
    }
}

/// Connected components of confirmed links: each member's group id is the smallest member id,
/// so the id is stable however the links were made.
pub fn groups<'a>(links: impl IntoIterator<Item = (&'a str, &'a str)>) -> HashMap<String, String> {
    let mut parent: HashMap<String, String> = HashMap::new();
    fn find(parent: &mut HashMap<String, String>, x: &str) -> String {
        let mut root = x.to_owned();
        while let Some(p) = parent.get(&root).filter(|p| **p != root) {
            root = p.clone();
        }
        // Path compression keeps long chains cheap.
        let mut cur = x.to_owned();
        while let Some(p) = parent.get(&cur).cloned().filter(|p| *p != cur) {
            parent.insert(cur, root.clone());
            cur = p;
        }
        root
    }
    for (a, b) in links {
        parent.entry(a.to_owned()).or_insert_with(|| a.to_owned());
        parent.entry(b.to_owned()).or_insert_with(|| b.to_owned());
        let (ra, rb) = (find(&mut parent, a), find(&mut parent, b));
        if ra != rb {
            // The smaller id is the root, so the group id is the smallest member.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            parent.insert(hi, lo);
        }
    }
    let ids: Vec<String> = parent.keys().cloned().collect();
    ids.into_iter().map(|id| (id.clone(), find(&mut parent, &id))).collect()
}

#[cfg(test)]
mod tests;
