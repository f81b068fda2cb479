//! k-fold cross-validation of the classifier: macro-F1 per label family, the labels it gets
//! wrong most often, and how many items it classifies per second.
use crate::classify::{Classifier, Example, Family, Model, ModelError};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::{Duration, Instant};

/// One family's figure.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyScore {
    pub family: Family,
    /// Mean F1 over the labels given or proposed in the family (pooled over folds).
    pub macro_f1: f64,
    /// Pooled micro-F1, for comparison.
    pub micro_f1: f64,
    pub labels: usize,
}

/// A mistake and how often it was made: `expected` missed while `proposed` was wrongly given
/// in the same item and family (`—` when there was nothing on that side).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confusion {
    pub family: Family,
    pub expected: String,
    pub proposed: String,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub folds: usize,
    pub examples: usize,
    pub families: Vec<FamilyScore>,
    pub confusions: Vec<Confusion>,
    pub items_per_second: f64,
}

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("k-fold needs 2 or more folds and at least as many examples (folds {folds}, examples {examples})")]
    Folds { folds: usize, examples: usize },
    #[error(transparent)]
    Model(#[from] ModelError),
}

/// A fixed shuffle (so runs compare), then fold = position mod k.
fn permutation(n: usize) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut state: u64 = 0x5eed_1234_abcd_ef01;
    for i in (1..n).rev() {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        let j = (state >> 33) as usize % (i + 1);
        order.swap(i, j);
    }
    order
}

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    tp: usize,
    fp: usize,
    fn_: usize,
}

fn f1(c: Counts) -> f64 {
    let d = 2 * c.tp + c.fp + c.fn_;
    if d == 0 { 1.0 } else { 2.0 * c.tp as f64 / d as f64 }
}

const TOP_CONFUSIONS: usize = 12;
const NONE: &str = "—";

pub fn cross_validate(examples: &[Example], folds: usize) -> Result<Report, EvalError> {
    if folds < 2 || examples.len() < folds {
        return Err(EvalError::Folds { folds, examples: examples.len() });
    }
    let order = permutation(examples.len());
    let mut counts: BTreeMap<(Family, String), Counts> = BTreeMap::new();
    let mut confusions: HashMap<(Family, String, String), usize> = HashMap::new();
    let (mut classified, mut spent) = (0usize, Duration::ZERO);
    for fold in 0..folds {
        let in_fold = |pos: usize| pos % folds == fold;
        let train: Vec<Example> =
            order.iter().enumerate().filter(|(pos, _)| !in_fold(*pos)).map(|(_, i)| examples[*i].clone()).collect();
        let classifier = Classifier::trained(Model::train(&train)?);
        for (_, i) in order.iter().enumerate().filter(|(pos, _)| in_fold(*pos)) {
            let ex = &examples[*i];
            let started = Instant::now();
            let proposals = classifier.propose(&ex.text);
            spent += started.elapsed();
            classified += 1;
            for family in Family::ALL {
                let gold = ex.labels.get(&family).cloned().unwrap_or_default();
                let given: BTreeSet<String> =
                    proposals.iter().filter(|p| p.family == family).map(|p| p.label.clone()).collect();
                for l in gold.union(&given) {
                    let c = counts.entry((family, l.clone())).or_default();
                    match (gold.contains(l), given.contains(l)) {
                        (true, true) => c.tp += 1,
                        (true, false) => c.fn_ += 1,
                        (false, true) => c.fp += 1,
                        (false, false) => {}
                    }
                }
                let missed: Vec<&String> = gold.difference(&given).collect();
                let wrong: Vec<&String> = given.difference(&gold).collect();
                let none = NONE.to_owned();
                for m in if missed.is_empty() { vec![&none] } else { missed.clone() } {
                    for w in if wrong.is_empty() { vec![&none] } else { wrong.clone() } {
                        if m != NONE || w != NONE {
                            *confusions.entry((family, m.clone(), w.clone())).or_default() += 1;
                        }
                    }
                }
            }
        }
    }
    let families = Family::ALL
        .iter()
        .map(|family| {
            let per: Vec<Counts> = counts.iter().filter(|((f, _), _)| f == family).map(|(_, c)| *c).collect();
            let pooled = per.iter().fold(Counts::default(), |a, c| Counts {
                tp: a.tp + c.tp,
                fp: a.fp + c.fp,
                fn_: a.fn_ + c.fn_,
            });
            let macro_f1 =
                if per.is_empty() { 0.0 } else { per.iter().map(|c| f1(*c)).sum::<f64>() / per.len() as f64 };
            FamilyScore { family: *family, macro_f1, micro_f1: f1(pooled), labels: per.len() }
        })
        .collect();
    let mut confusions: Vec<Confusion> = confusions
        .into_iter()
        .map(|((family, expected, proposed), count)| Confusion { family, expected, proposed, count })
        .collect();
    confusions.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| (a.family, &a.expected, &a.proposed).cmp(&(b.family, &b.expected, &b.proposed)))
    });
    confusions.truncate(TOP_CONFUSIONS);
    let items_per_second = classified as f64 / spent.as_secs_f64().max(1e-9);
    Ok(Report { folds, examples: examples.len(), families, confusions, items_per_second })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(text: &str, op: &str) -> Example {
        let mut labels = BTreeMap::new();
        labels.insert(Family::OperationTypes, BTreeSet::from([op.to_owned()]));
        Example { text: text.to_owned(), labels }
    }

    #[test]
    fn permutation_is_a_fixed_shuffle() {
        let p = permutation(50);
        let mut sorted = p.clone();
        sorted.sort();
        assert_eq!(sorted, (0..50).collect::<Vec<_>>());
        assert_ne!(p, sorted);
        assert_eq!(p, permutation(50));
    }

    #[test]
    fn separable_data_scores_high_and_bad_folds_are_refused() {
        let mut data = Vec::new();
        for i in 0..20 {
            data.push(ex(&format!("ransomware locked files and asked for a ransom, case {i}"), "ransomware"));
            data.push(ex(&format!("a flood of traffic took the website down, case {i}"), "denial-of-service"));
        }
        let r = cross_validate(&data, 4).expect("evaluates");
        let ops = r.families.iter().find(|f| f.family == Family::OperationTypes).expect("family");
        assert!(ops.macro_f1 > 0.9, "{ops:?}");
        assert_eq!(ops.labels, 2);
        assert!(r.items_per_second > 0.0);
        assert!(matches!(cross_validate(&data, 1), Err(EvalError::Folds { .. })));
        assert!(matches!(cross_validate(&data[..2], 3), Err(EvalError::Folds { .. })));
    }

    #[test]
    fn f1_of_counts() {
        assert_eq!(f1(Counts { tp: 1, fp: 1, fn_: 0 }), 2.0 / 3.0);
        assert_eq!(f1(Counts::default()), 1.0);
    }
}
