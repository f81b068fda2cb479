//! A multi-label classifier that proposes, for an item: operation types, targeted sectors,
//! targeted countries, the attributed state, and whether it reports an attribution or a
//! response — each with a score and the reason (the n-grams that weighed most, or the gazetteer
//! or keyword hit). Then, through core's screening, the norms the proposed incident may engage.
//!
//! Model: one-vs-rest naive Bayes over hashed character 2–4-grams (binary features, so a long
//! text is not a louder one), which works for Japanese and English alike. Each label keeps the
//! `KEEP` buckets with the largest log-odds, and a threshold tuned on a held-out fifth.
use crate::gazetteer::{Role, mentions};
pub use crate::label::{Example, Family, Proposal};
use crate::rules;
use crate::text::{char_ngrams, fnv1a, normalise};
use normwatch_core::Catalog;
use normwatch_core::incident::IncidentInput;
use normwatch_core::screening::{ScreeningHit, screen};
use normwatch_core::violation::{ActorCategory, AttributedActor};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::OnceLock;

#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("cannot read or write the model file {path}: {source}")]
    Io { path: String, source: std::io::Error },
    #[error("{path} is not a normwatch classifier model: {reason}")]
    Format { path: String, reason: String },
    #[error("no examples to train on")]
    NoExamples,
}

const FORMAT: u32 = 1;
const BUCKET_BITS: u32 = 18;
const NGRAMS: std::ops::RangeInclusive<usize> = 2..=4;
/// Characters of a text the classifier reads: the lead carries the story.
const MAX_CHARS: usize = 2000;
/// Buckets kept per label.
const KEEP: usize = 4000;
/// Labels with fewer positive examples are left to the rules.
pub const MIN_POSITIVES: u32 = 5;
const ALPHA: f32 = 1.0;
const REASON_GRAMS: usize = 3;

/// The part of a text the classifier reads: normalised, its lead only.
fn lead(text: &str) -> String {
    normalise(text).chars().take(MAX_CHARS).collect()
}

/// A text's features (from `lead`): unique buckets, each with one n-gram that fell in it (for
/// reasons), sorted by bucket.
fn features(lead: &str) -> Vec<(u32, &str)> {
    let mask = (1u64 << BUCKET_BITS) - 1;
    let mut seen: HashMap<u32, &str> = HashMap::new();
    for gram in char_ngrams(lead, NGRAMS) {
        // A gram that is all spaces or punctuation says nothing.
        if gram.chars().all(|c| !c.is_alphanumeric()) {
            continue;
        }
        seen.entry((fnv1a(gram.as_bytes()) & mask) as u32).or_insert(gram);
    }
    let mut out: Vec<(u32, &str)> = seen.into_iter().collect();
    out.sort_unstable_by_key(|(b, _)| *b);
    out
}

/// Only the buckets, for training (the grams would cost gigabytes over a dataset).
fn buckets(text: &str) -> Vec<u32> {
    features(&lead(text)).into_iter().map(|(b, _)| b).collect()
}

/// One label's part of the model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct LabelModel {
    family: Family,
    label: String,
    positives: u32,
    prior: f32,
    /// (bucket, log-odds), sorted by bucket.
    weights: Vec<(u32, f32)>,
    threshold: f32,
    /// Spread of held-out scores, which turns a score into 0–1.
    scale: f32,
}

impl LabelModel {
    fn score(&self, doc: &[u32]) -> f32 {
        let weight = |b: &u32| self.weights.binary_search_by_key(b, |(k, _)| *k).ok().map(|k| self.weights[k].1);
        self.prior + doc.iter().filter_map(weight).sum::<f32>()
    }
}

/// A trained model.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Model {
    format: u32,
    examples: u32,
    labels: Vec<LabelModel>,
    #[serde(skip)]
    index: OnceLock<HashMap<u32, Vec<(usize, f32)>>>,
}

impl PartialEq for Model {
    fn eq(&self, other: &Model) -> bool {
        (self.format, self.examples, &self.labels) == (other.format, other.examples, &other.labels)
    }
}

/// Positive and document counts per bucket, from which a label's weights follow.
fn fit(docs: &[(&[u32], &Example)]) -> Vec<LabelModel> {
    let size = 1usize << BUCKET_BITS;
    let mut df = vec![0u32; size];
    // Count examples per label first: bucket counts (1 MiB each) only for the labels kept.
    let mut positives: BTreeMap<(Family, &str), (u32, Vec<u32>)> = BTreeMap::new();
    for (_, ex) in docs {
        for (family, labels) in &ex.labels {
            for label in labels {
                positives.entry((*family, label.as_str())).or_insert_with(|| (0, Vec::new())).0 += 1;
            }
        }
    }
    positives.retain(|_, (p, _)| *p >= MIN_POSITIVES);
    for (_, counts) in positives.values_mut() {
        *counts = vec![0u32; size];
    }
    for (feats, ex) in docs {
        for b in *feats {
            df[*b as usize] += 1;
        }
        for (family, labels) in &ex.labels {
            for label in labels {
                if let Some((_, counts)) = positives.get_mut(&(*family, label.as_str())) {
                    for b in *feats {
                        counts[*b as usize] += 1;
                    }
                }
            }
        }
    }
    let n = docs.len() as f32;
    positives
        .into_iter()
        .map(|((family, label), (p, counts))| {
            let (pf, nf) = (p as f32, n - p as f32);
            let mut weights: Vec<(u32, f32)> = counts
                .iter()
                .zip(&df)
                .enumerate()
                .filter(|(_, (_, d))| **d >= 2)
                .map(|(b, (pos, d))| {
                    let neg = (*d - *pos) as f32;
                    let w =
                        ((*pos as f32 + ALPHA) / (pf + 2.0 * ALPHA)).ln() - ((neg + ALPHA) / (nf + 2.0 * ALPHA)).ln();
                    (b as u32, w)
                })
                .collect();
            weights.sort_unstable_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
            weights.truncate(KEEP);
            weights.sort_unstable_by_key(|(b, _)| *b);
            let prior = (pf / nf.max(1.0)).ln();
            LabelModel { family, label: label.to_owned(), positives: p, prior, weights, threshold: 0.0, scale: 1.0 }
        })
        .collect()
}

/// The threshold that maximises F1 over held-out scores, that F1, and the scores' spread.
fn tune(scores: &mut [(f32, bool)]) -> (f32, f32, f32) {
    scores.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total_pos = scores.iter().filter(|(_, p)| *p).count() as f32;
    let (mut tp, mut best, mut threshold) = (0f32, -1f32, 0f32);
    for (k, (s, pos)) in scores.iter().enumerate() {
        tp += f32::from(u8::from(*pos));
        let f1 = 2.0 * tp / ((k + 1) as f32 + total_pos);
        if f1 > best {
            best = f1;
            // Between this score and the next lower one.
            threshold = scores.get(k + 1).map_or(*s - 1.0, |(next, _)| (s + next) / 2.0);
        }
    }
    let mean = scores.iter().map(|(s, _)| s).sum::<f32>() / scores.len().max(1) as f32;
    let var = scores.iter().map(|(s, _)| (s - mean).powi(2)).sum::<f32>() / scores.len().max(1) as f32;
    (threshold, best, var.sqrt().max(1e-3))
}

/// Labels whose held-out F1 is below this are left to the rules: proposing them would be noise.
const MIN_HELD_OUT_F1: f32 = 0.2;

impl Model {
    /// Trains on `examples`: thresholds are tuned on every fifth example with the model fitted
    /// on the rest, then the weights are fitted again on all.
    pub fn train(examples: &[Example]) -> Result<Model, ModelError> {
        if examples.is_empty() {
            return Err(ModelError::NoExamples);
        }
        let feats: Vec<Vec<u32>> = examples.iter().map(|e| buckets(&e.text)).collect();
        let docs: Vec<(&[u32], &Example)> = feats.iter().map(Vec::as_slice).zip(examples).collect();
        let (held, fitted): (Vec<_>, Vec<_>) = docs.iter().enumerate().partition(|(i, _)| i % 5 == 4);
        let fitted: Vec<(&[u32], &Example)> = fitted.into_iter().map(|(_, d)| *d).collect();
        let mut tuned: HashMap<(Family, String), (f32, f32, f32)> = HashMap::new();
        for lm in fit(&fitted) {
            let mut scores: Vec<(f32, bool)> = held
                .iter()
                .map(|(_, (feats, ex))| {
                    (lm.score(feats), ex.labels.get(&lm.family).is_some_and(|l| l.contains(&lm.label)))
                })
                .collect();
            if scores.iter().any(|(_, p)| *p) {
                tuned.insert((lm.family, lm.label.clone()), tune(&mut scores));
            }
        }
        let mut labels = fit(&docs);
        // A label with no positive in the held-out fifth, or one the model cannot tell apart
        // there, gets no threshold and is dropped.
        labels.retain_mut(|lm| match tuned.get(&(lm.family, lm.label.clone())) {
            Some((t, f1, s)) if *f1 >= MIN_HELD_OUT_F1 => {
                (lm.threshold, lm.scale) = (*t, *s);
                true
            }
            _ => false,
        });
        Ok(Model { format: FORMAT, examples: examples.len() as u32, labels, index: OnceLock::new() })
    }

    pub fn save(&self, path: &Path) -> Result<(), ModelError> {
        let io = |source| ModelError::Io { path: path.display().to_string(), source };
        let json = serde_json::to_vec(self).map_err(|e| io(std::io::Error::other(e)))?;
        std::fs::write(path, json).map_err(io)
    }

    pub fn load(path: &Path) -> Result<Model, ModelError> {
        let bytes =
            std::fs::read(path).map_err(|source| ModelError::Io { path: path.display().to_string(), source })?;
        let format = |reason: String| ModelError::Format { path: path.display().to_string(), reason };
        let model: Model = serde_json::from_slice(&bytes).map_err(|e| format(e.to_string()))?;
        if model.format != FORMAT {
            return Err(format(format!("format {} (this build reads {FORMAT})", model.format)));
        }
        Ok(model)
    }

    /// Labels the model knows, per family.
    pub fn labels(&self) -> impl Iterator<Item = (Family, &str)> {
        self.labels.iter().map(|l| (l.family, l.label.as_str()))
    }

    /// Bucket → (label, weight) for every label at once: one lookup per feature of a text
    /// instead of one search per label.
    fn index(&self) -> &HashMap<u32, Vec<(usize, f32)>> {
        self.index.get_or_init(|| {
            let mut index: HashMap<u32, Vec<(usize, f32)>> = HashMap::new();
            for (l, lm) in self.labels.iter().enumerate() {
                for (b, w) in &lm.weights {
                    index.entry(*b).or_default().push((l, *w));
                }
            }
            index
        })
    }

    fn propose(&self, text: &str, out: &mut Vec<Proposal>) {
        let lead = lead(text);
        let doc = features(&lead);
        let index = self.index();
        let mut scores: Vec<f32> = self.labels.iter().map(|l| l.prior).collect();
        let mut parts: Vec<Vec<(f32, usize)>> = vec![Vec::new(); self.labels.len()];
        for (i, (bucket, _)) in doc.iter().enumerate() {
            for (l, w) in index.get(bucket).map(Vec::as_slice).unwrap_or_default() {
                scores[*l] += w;
                parts[*l].push((*w, i));
            }
        }
        for ((lm, s), mut parts) in self.labels.iter().zip(scores).zip(parts) {
            if s <= lm.threshold {
                continue;
            }
            parts.sort_by(|a, b| b.0.total_cmp(&a.0));
            let grams: Vec<String> = parts.iter().take(REASON_GRAMS).map(|(_, i)| format!("“{}”", doc[*i].1)).collect();
            let score = 1.0 / (1.0 + (-(s - lm.threshold) / lm.scale).exp());
            out.push(Proposal {
                family: lm.family,
                label: lm.label.clone(),
                score: 0.5 + score / 2.0,
                reason: format!("model ({} examples): n-grams {}", lm.positives, grams.join(", ")),
            });
        }
    }
}

/// The classifier: a trained model, or none (gazetteer and keyword rules only).
#[derive(Debug, Clone, Default)]
pub struct Classifier {
    model: Option<Model>,
}

/// Score of a gazetteer or keyword proposal.
const RULE_SCORE: f32 = 0.6;

impl Classifier {
    pub fn untrained() -> Classifier {
        Classifier { model: None }
    }

    pub fn trained(model: Model) -> Classifier {
        Classifier { model: Some(model) }
    }

    pub fn model(&self) -> Option<&Model> {
        self.model.as_ref()
    }

    /// Proposals for a text, strongest first within each family. Countries always come from the
    /// gazetteer too; keyword rules speak for the labels the model does not know.
    pub fn propose(&self, text: &str) -> Vec<Proposal> {
        let mut out = Vec::new();
        if let Some(m) = &self.model {
            m.propose(text, &mut out);
        }
        let known = |family: Family, label: &str| {
            self.model.as_ref().is_some_and(|m| m.labels().any(|(f, l)| f == family && l == label))
        };
        for mention in mentions(text) {
            let family =
                if mention.role == Role::Attributed { Family::AttributedState } else { Family::TargetCountries };
            add(&mut out, family, mention.code, RULE_SCORE, mention.reason());
        }
        for (family, label, word) in rules::fire(&text.to_lowercase()) {
            if !known(family, label) {
                add(&mut out, family, label, RULE_SCORE, format!("keyword: “{word}”"));
            }
        }
        out.sort_by(|a, b| {
            a.family.cmp(&b.family).then_with(|| b.score.total_cmp(&a.score)).then_with(|| a.label.cmp(&b.label))
        });
        out
    }

    /// The norms an incident built from `proposals` may engage, by core's screening rules.
    pub fn norms(proposals: &[Proposal], catalog: &Catalog) -> Vec<ScreeningHit> {
        let of = |family: Family| proposals.iter().filter(move |p| p.family == family).map(|p| p.label.clone());
        let countries: Vec<String> = of(Family::TargetCountries).collect();
        let sectors: Vec<String> = of(Family::Sectors).collect();
        let states: Vec<String> = of(Family::AttributedState).collect();
        let targets: Vec<serde_json::Value> = if sectors.is_empty() {
            countries.iter().map(|c| serde_json::json!({"name": "proposed target", "country": c})).collect()
        } else {
            sectors
                .iter()
                .map(|s| serde_json::json!({"name": "proposed target", "sector": s, "country": countries.first()}))
                .collect()
        };
        let actors: Vec<serde_json::Value> =
            states.iter().map(|s| serde_json::json!({"kind": "state", "country": s})).collect();
        let incident = serde_json::json!({
            "title": {"ja": "", "en": "proposed"},
            "operation_types": of(Family::OperationTypes).collect::<Vec<_>>(),
            "targets": targets,
            "actors": actors,
            "impact": {"countries_affected": countries},
        });
        let Ok(incident) = serde_json::from_value::<IncidentInput>(incident) else { return Vec::new() };
        let claims: Vec<AttributedActor> = states
            .into_iter()
            .map(|s| AttributedActor {
                category: Some(ActorCategory::State),
                state: Some(s),
                group: None,
                relation: None,
            })
            .collect();
        screen(&incident, &claims, catalog)
    }
}

/// How much an item deserves a coder's time, 0–1: what kind of operation it reports weighs
/// most, then whether it engages a norm, whether it reports an attribution or a response, and
/// whether it names a country. An item about nothing the classifier knows scores 0.1.
pub fn relevance(proposals: &[Proposal], norms_engaged: usize) -> f32 {
    let best =
        |family: Family| proposals.iter().filter(|p| p.family == family).map(|p| p.score).fold(0.0_f32, f32::max);
    let named = best(Family::TargetCountries).max(best(Family::AttributedState));
    let score = 0.1
        + 0.35 * best(Family::OperationTypes)
        + if norms_engaged > 0 { 0.2 } else { 0.0 }
        + 0.15 * best(Family::Reports)
        + 0.1 * best(Family::Sectors)
        + 0.1 * named;
    score.clamp(0.0, 1.0)
}

/// Adds a proposal, or strengthens the one there with another reason.
fn add(out: &mut Vec<Proposal>, family: Family, label: &str, score: f32, reason: String) {
    match out.iter_mut().find(|p| p.family == family && p.label == label) {
        Some(p) => {
            p.score = p.score.max(score);
            if !p.reason.contains(&reason) {
                p.reason = format!("{}; {reason}", p.reason);
            }
        }
        None => out.push(Proposal { family, label: label.to_owned(), score, reason }),
    }
}

#[cfg(test)]
#[path = "classify_tests.rs"]
mod tests;
