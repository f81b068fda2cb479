//! De-duplication: exact duplicates dropped by canonical URL and content hash; near-duplicates
//! (the same story retold by another source) clustered by SimHash over character 4-grams, found
//! through an LSH index of eight 8-bit bands. Two signatures within `MAX_DISTANCE` bits share at
//! least one band exactly (pigeonhole), so the index misses none of them.
use crate::parse::Item;
use crate::text::{char_ngrams, fnv1a, normalise};
use std::collections::{HashMap, HashSet};

/// Bits two signatures may differ by and still be the same story: short texts move more bits
/// than long ones (a three-word edit moved six in the tests); unrelated texts differ by ~20–32.
pub const MAX_DISTANCE: u32 = BANDS - 1;
const BANDS: u32 = 8;

/// The SimHash of `text`: each character 4-gram votes on 64 bits by its hash.
pub fn simhash(text: &str) -> u64 {
    let norm = normalise(text);
    let mut votes = [0i32; 64];
    let mut any = false;
    for gram in char_ngrams(&norm, 4..=4) {
        any = true;
        let h = fnv1a(gram.as_bytes());
        for (bit, v) in votes.iter_mut().enumerate() {
            *v += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    }
    if !any {
        return fnv1a(norm.as_bytes());
    }
    votes.iter().enumerate().filter(|(_, v)| **v > 0).fold(0, |acc, (bit, _)| acc | 1 << bit)
}

pub fn distance(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

fn band(sig: u64, i: u32) -> (u32, u8) {
    (i, (sig >> (8 * i)) as u8)
}

/// What becomes of an item offered to the de-duplicator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Seen before under this canonical URL.
    SameUrl,
    /// Another URL carried exactly this text.
    SameContent,
    /// New: kept, in `cluster` (a fresh cluster, or that of the near-duplicate it retells).
    New { cluster: usize, near_duplicate_of: Option<usize> },
}

/// The items seen so far, by URL, content hash and SimHash.
#[derive(Debug, Default)]
pub struct Deduper {
    urls: HashSet<String>,
    hashes: HashSet<String>,
    signatures: Vec<(u64, usize)>,
    index: HashMap<(u32, u8), Vec<usize>>,
    clusters: usize,
}

impl Deduper {
    pub fn new() -> Deduper {
        Deduper::default()
    }

    /// Decides on `item`, remembering it when new. Items are numbered in admission order; a
    /// near-duplicate names the earlier item it is closest to.
    pub fn admit(&mut self, item: &Item) -> Admission {
        if self.urls.contains(&item.canonical_url) {
            return Admission::SameUrl;
        }
        if self.hashes.contains(&item.content_hash) {
            self.urls.insert(item.canonical_url.clone());
            return Admission::SameContent;
        }
        self.urls.insert(item.canonical_url.clone());
        self.hashes.insert(item.content_hash.clone());
        let sig = signature(item);
        let nearest = (0..BANDS)
            .filter_map(|i| self.index.get(&band(sig, i)))
            .flatten()
            .map(|&n| (distance(sig, self.signatures[n].0), n))
            .filter(|(d, _)| *d <= MAX_DISTANCE)
            .min();
        let cluster = match nearest {
            Some((_, n)) => self.signatures[n].1,
            None => {
                self.clusters += 1;
                self.clusters - 1
            }
        };
        let number = self.signatures.len();
        self.signatures.push((sig, cluster));
        for i in 0..BANDS {
            self.index.entry(band(sig, i)).or_default().push(number);
        }
        Admission::New { cluster, near_duplicate_of: nearest.map(|(_, n)| n) }
    }
}

/// Near-duplicate clusters of stored items, keyed by their ids: seeded with the signatures
/// already stored, so a story retold tomorrow joins the cluster of the one seen today.
#[derive(Debug, Default)]
pub struct Clusters {
    signatures: Vec<(u64, String, String)>,
    index: HashMap<(u32, u8), Vec<usize>>,
}

impl Clusters {
    pub fn new() -> Clusters {
        Clusters::default()
    }

    /// Remembers a stored item: its signature, id and cluster.
    pub fn insert(&mut self, signature: u64, id: &str, cluster: &str) {
        let number = self.signatures.len();
        self.signatures.push((signature, id.to_owned(), cluster.to_owned()));
        for i in 0..BANDS {
            self.index.entry(band(signature, i)).or_default().push(number);
        }
    }

    /// The cluster of the nearest stored item within `MAX_DISTANCE` bits, and that item's id.
    pub fn nearest(&self, signature: u64) -> Option<(&str, &str)> {
        (0..BANDS)
            .filter_map(|i| self.index.get(&band(signature, i)))
            .flatten()
            .map(|&n| (distance(signature, self.signatures[n].0), n))
            .filter(|(d, _)| *d <= MAX_DISTANCE)
            .min()
            .map(|(_, n)| (self.signatures[n].2.as_str(), self.signatures[n].1.as_str()))
    }
}

/// The signature an item is clustered by: its title and text.
pub fn signature(item: &Item) -> u64 {
    simhash(&format!("{}\n{}", item.title, item.text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::item;

    const STORY: &str = "A ransomware attack encrypted patient records at three hospitals in the north of the country on Monday. \
        Surgeries were postponed and ambulances diverted while staff restored systems from backups. \
        Investigators say a criminal group known for double extortion is behind it and has published samples of the data.";

    #[test]
    fn retold_story_is_near_and_other_story_is_far() {
        let a = simhash(STORY);
        let b = simhash(&STORY.replace("on Monday", "on Monday morning"));
        let c = simhash(
            "Election commission website taken offline by a flood of traffic during the vote count in the capital.",
        );
        let t = simhash(&format!("Hospitals hit\n{STORY}"));
        let u = simhash(&format!("Hospitals hit\n{}", STORY.replace("on Monday", "on Monday morning")));
        assert!(distance(t, u) <= MAX_DISTANCE, "retold with a title: {}", distance(t, u));
        assert!(distance(a, b) <= MAX_DISTANCE, "retold: {}", distance(a, b));
        assert!(distance(a, c) > 10, "different: {}", distance(a, c));
    }

    #[test]
    fn drops_exact_duplicates_and_clusters_near_ones() {
        let mut d = Deduper::new();
        let first = item("a", "https://a.example/1".into(), "Hospitals hit", STORY, None);
        assert_eq!(d.admit(&first), Admission::New { cluster: 0, near_duplicate_of: None });
        assert_eq!(d.admit(&first), Admission::SameUrl);
        let copied = Item { canonical_url: "https://b.example/x".into(), ..first.clone() };
        assert_eq!(d.admit(&copied), Admission::SameContent);
        let retold = item(
            "b",
            "https://c.example/2".into(),
            "Hospitals hit",
            &STORY.replace("on Monday", "on Monday morning"),
            None,
        );
        assert_eq!(d.admit(&retold), Admission::New { cluster: 0, near_duplicate_of: Some(0) });
        let other = item(
            "c",
            "https://d.example/3".into(),
            "Vote site down",
            "Election commission website taken offline by a flood of traffic.",
            None,
        );
        assert_eq!(d.admit(&other), Admission::New { cluster: 1, near_duplicate_of: None });
    }

    #[test]
    fn stored_clusters_take_a_retold_story() {
        let first = item("a", "https://a.example/1".into(), "Hospitals hit", STORY, None);
        let mut c = Clusters::new();
        assert_eq!(c.nearest(signature(&first)), None);
        c.insert(signature(&first), "i1", "k1");
        let retold = item(
            "b",
            "https://c.example/2".into(),
            "Hospitals hit",
            &STORY.replace("on Monday", "on Monday morning"),
            None,
        );
        assert_eq!(c.nearest(signature(&retold)), Some(("k1", "i1")));
        let other = item(
            "c",
            "https://d.example/3".into(),
            "Vote site down",
            "Election commission website taken offline.",
            None,
        );
        assert_eq!(c.nearest(signature(&other)), None);
    }
}
