//! The screening test set (`catalog/screening-cases.toml`): every case is screened as entered,
//! and the suggestions are compared with the norms a careful analyst would screen it against.
//! Prints per-norm and overall precision and recall:
//!   cargo test -p normwatch-core --test integration -- screening_cases:: --nocapture
use normwatch_core::incident::IncidentInput;
use normwatch_core::screening::screen;
use normwatch_core::violation::AttributedActor;
use normwatch_core::{Catalog, Localized};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    not_screened: Vec<Judgement>,
    case: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Judgement {
    norm: String,
    why: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    id: String,
    note: Localized,
    sources: Vec<String>,
    #[serde(default)]
    claims: Vec<AttributedActor>,
    incident: IncidentInput,
    #[serde(default)]
    expect: Vec<Judgement>,
    #[serde(default)]
    must_not: Vec<Judgement>,
}

#[derive(Default)]
struct Tally {
    tp: usize,
    fp: usize,
    fn_: usize,
}

impl Tally {
    fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 { 1.0 } else { self.tp as f64 / (self.tp + self.fp) as f64 }
    }
    fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 { 1.0 } else { self.tp as f64 / (self.tp + self.fn_) as f64 }
    }
}

fn load() -> CaseFile {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../catalog/screening-cases.toml");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn screening_cases_precision_and_recall() {
    let catalog = Catalog::embedded().unwrap_or_else(|e| panic!("{e}"));
    let file = load();
    let today = time::OffsetDateTime::now_utc().date();
    assert!(file.case.len() >= 30, "at least 30 cases, found {}", file.case.len());

    // The set itself: documented, valid, consistent, spanning the catalogue.
    let mut ids = BTreeSet::new();
    let not_screened: BTreeSet<&str> = file.not_screened.iter().map(|j| j.norm.as_str()).collect();
    let mut expected_somewhere = BTreeSet::new();
    for c in &file.case {
        assert!(ids.insert(c.id.as_str()), "duplicate case {}", c.id);
        assert!(!c.note.ja.trim().is_empty() && !c.note.en.trim().is_empty(), "{}: note in ja and en", c.id);
        assert!(!c.sources.is_empty() && c.sources.iter().all(|s| s.starts_with("https://")), "{}: sources", c.id);
        if let Err(e) = c.incident.validate(&catalog, today) {
            panic!("{}: the incident as entered is refused: {e:?}", c.id);
        }
        for j in c.expect.iter().chain(&c.must_not) {
            assert!(catalog.norm(&j.norm).is_some(), "{}: `{}` is not a norm", c.id, j.norm);
            assert!(!j.why.trim().is_empty(), "{}: say why for {}", c.id, j.norm);
            assert!(!not_screened.contains(j.norm.as_str()), "{}: {} is listed as not screened", c.id, j.norm);
        }
        let expect: BTreeSet<&str> = c.expect.iter().map(|j| j.norm.as_str()).collect();
        assert_eq!(expect.len(), c.expect.len(), "{}: a norm expected twice", c.id);
        for j in &c.must_not {
            assert!(!expect.contains(j.norm.as_str()), "{}: {} both expected and ruled out", c.id, j.norm);
        }
        expected_somewhere.extend(expect);
    }
    for j in &file.not_screened {
        assert!(catalog.norm(&j.norm).is_some() && !j.why.trim().is_empty(), "not_screened {}", j.norm);
    }
    for n in &catalog.norms {
        let id = n.id.as_str();
        assert!(
            expected_somewhere.contains(id) ^ not_screened.contains(id),
            "{id}: every norm is either engaged by some case or said to be beyond screening, not both"
        );
    }
    assert!(file.case.iter().any(|c| c.expect.is_empty()), "negative cases: some incident engages no norm");

    // Screening, against the analysts' judgement.
    let mut per_norm: BTreeMap<String, Tally> = BTreeMap::new();
    let mut all = Tally::default();
    let mut broken = Vec::new();
    for c in &file.case {
        let hits = screen(&c.incident, &c.claims, &catalog);
        for h in &hits {
            assert!(!h.citation.en.is_empty() && !h.citation.ja.is_empty(), "{}: {} has no citation", c.id, h.norm);
            assert!(
                !h.reasons.is_empty() && h.reasons.iter().all(|r| r.en.contains(&h.citation.en)),
                "{}: {} reasons must cite {}",
                c.id,
                h.norm,
                h.citation.en
            );
        }
        let got: BTreeSet<&str> = hits.iter().map(|h| h.norm.as_str()).collect();
        let expect: BTreeSet<&str> = c.expect.iter().map(|j| j.norm.as_str()).collect();
        for n in got.union(&expect) {
            let t = per_norm.entry((*n).to_owned()).or_default();
            match (got.contains(n), expect.contains(n)) {
                (true, true) => {
                    t.tp += 1;
                    all.tp += 1;
                }
                (true, false) => {
                    t.fp += 1;
                    all.fp += 1;
                    broken.push(format!("{}: {n} suggested but not expected", c.id));
                }
                (false, true) => {
                    t.fn_ += 1;
                    all.fn_ += 1;
                    broken.push(format!("{}: {n} expected but not suggested", c.id));
                }
                (false, false) => {}
            }
        }
        for j in &c.must_not {
            if got.contains(j.norm.as_str()) {
                broken.push(format!("{}: {} must not be suggested ({})", c.id, j.norm, j.why));
            }
        }
        for n in &not_screened {
            assert!(!got.contains(n), "{}: {n} is beyond screening but was suggested", c.id);
        }
    }
    let must_nots: usize = file.case.iter().map(|c| c.must_not.len()).sum();
    println!(
        "screening: {} cases, {} expected suggestions, {} must-nots",
        file.case.len(),
        all.tp + all.fn_,
        must_nots
    );
    println!("{:<14} {:>3} {:>3} {:>3} {:>9} {:>7}", "norm", "tp", "fp", "fn", "precision", "recall");
    for (n, t) in &per_norm {
        println!("{n:<14} {:>3} {:>3} {:>3} {:>9.3} {:>7.3}", t.tp, t.fp, t.fn_, t.precision(), t.recall());
    }
    println!(
        "{:<14} {:>3} {:>3} {:>3} {:>9.3} {:>7.3}",
        "overall",
        all.tp,
        all.fp,
        all.fn_,
        all.precision(),
        all.recall()
    );
    for b in &broken {
        println!("  {b}");
    }
    assert!(all.recall() == 1.0, "recall {:.3} < 1: {broken:#?}", all.recall());
    assert!(all.precision() >= 0.9, "precision {:.3} < 0.9: {broken:#?}", all.precision());
    assert!(!broken.iter().any(|b| b.contains("must not")), "{broken:#?}");
}
