use super::*;
use std::collections::BTreeSet;

fn example(text: &str, ops: &[&str], sectors: &[&str]) -> Example {
    let set = |l: &[&str]| l.iter().map(|s| (*s).to_owned()).collect::<BTreeSet<String>>();
    let mut labels = BTreeMap::new();
    labels.insert(Family::OperationTypes, set(ops));
    labels.insert(Family::Sectors, set(sectors));
    Example { text: text.to_owned(), labels }
}

/// Twenty-four short texts in two languages: ransomware on hospitals, DDoS on banks.
fn corpus() -> Vec<Example> {
    let places = ["Lyon", "Osaka", "Porto", "Leeds", "Graz", "Turku"];
    let mut out = Vec::new();
    for p in places {
        out.push(example(
            &format!("Ransomware encrypted patient files at the {p} hospital; surgeries postponed."),
            &["ransomware"],
            &["ci.health"],
        ));
        out.push(example(
            &format!("{p}の病院がランサムウェアに感染し、診療を停止した。"),
            &["ransomware"],
            &["ci.health"],
        ));
        out.push(example(
            &format!("A DDoS flood knocked the {p} savings bank's online banking offline."),
            &["denial-of-service"],
            &["ci.finance"],
        ));
        out.push(example(
            &format!("{p}の銀行がDDoS攻撃を受け、ネットバンキングが停止した。"),
            &["denial-of-service"],
            &["ci.finance"],
        ));
    }
    out
}

fn labels(p: &[Proposal], family: Family) -> Vec<String> {
    p.iter().filter(|p| p.family == family).map(|p| p.label.clone()).collect()
}

#[test]
fn features_are_unique_buckets_with_grams() {
    let f = features("ab ab");
    assert_eq!(buckets("AB  ab").len(), f.len(), "normalised first");
    let buckets: BTreeSet<u32> = f.iter().map(|(b, _)| *b).collect();
    assert_eq!(buckets.len(), f.len());
    assert!(f.iter().all(|(_, g)| g.chars().count() >= 2));
}

#[test]
fn trained_model_proposes_with_ngram_reasons_in_both_languages() {
    let model = Model::train(&corpus()).expect("trains");
    let c = Classifier::trained(model);
    let en = c.propose("Ransomware hit the Nantes hospital overnight.");
    assert_eq!(labels(&en, Family::OperationTypes), ["ransomware"]);
    assert_eq!(labels(&en, Family::Sectors), ["ci.health"]);
    let reason = &en[0].reason;
    assert!(reason.starts_with("model (") && reason.contains('“'), "{reason}");
    assert!(en.iter().all(|p| (0.5..=1.0).contains(&p.score)), "{en:?}");
    let ja = c.propose("京都の銀行がDDoS攻撃を受け、ネットバンキングが使えない。");
    assert_eq!(labels(&ja, Family::OperationTypes), ["denial-of-service"]);
    assert_eq!(labels(&ja, Family::Sectors), ["ci.finance"]);
}

#[test]
fn model_round_trips_through_a_file() {
    let model = Model::train(&corpus()).expect("trains");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("classifier.json");
    model.save(&path).expect("saves");
    assert_eq!(Model::load(&path).expect("loads"), model);
    std::fs::write(&path, b"{\"format\": 99, \"examples\": 0, \"labels\": []}").expect("write");
    assert!(matches!(Model::load(&path), Err(ModelError::Format { .. })));
    assert!(matches!(Model::train(&[]), Err(ModelError::NoExamples)));
}

#[test]
fn untrained_falls_back_to_gazetteer_and_keywords() {
    let p = Classifier::untrained()
        .propose("Russian hackers deployed ransomware against a hospital in Germany; the UK attributed the attack.");
    assert_eq!(labels(&p, Family::OperationTypes), ["ransomware"]);
    assert_eq!(labels(&p, Family::Sectors), ["ci.health"]);
    assert_eq!(labels(&p, Family::AttributedState), ["RU"]);
    let mut targets = labels(&p, Family::TargetCountries);
    targets.sort();
    assert_eq!(targets, ["DE", "GB"]);
    assert_eq!(labels(&p, Family::Reports), ["attribution"]);
    let ru = p.iter().find(|p| p.family == Family::AttributedState).expect("RU");
    assert_eq!(ru.reason, "gazetteer: “Russian” with “hacker”");
}

#[test]
fn norms_come_from_core_screening() {
    let catalog = Catalog::embedded().expect("embedded catalogue");
    let p =
        Classifier::untrained().propose("Russian hackers deployed ransomware that shut down a hospital in Germany.");
    let hits = Classifier::norms(&p, &catalog);
    assert!(!hits.is_empty(), "ransomware on a hospital engages a critical-infrastructure norm");
    assert!(hits.iter().all(|h| !h.reasons.is_empty()));
    assert!(Classifier::norms(&[], &catalog).is_empty());
}

#[test]
fn relevance_follows_what_the_item_reports() {
    let p = |family: Family, score: f32| Proposal { family, label: "x".into(), score, reason: String::new() };
    let nothing = relevance(&[], 0);
    let ransomware = relevance(&[p(Family::OperationTypes, 0.9), p(Family::TargetCountries, 0.6)], 0);
    let with_norm = relevance(&[p(Family::OperationTypes, 0.9), p(Family::TargetCountries, 0.6)], 2);
    assert!((nothing - 0.1).abs() < 1e-6, "{nothing}");
    assert!(ransomware > nothing && with_norm > ransomware, "{nothing} {ransomware} {with_norm}");
    assert!(
        relevance(
            &[
                p(Family::OperationTypes, 1.0),
                p(Family::Reports, 1.0),
                p(Family::Sectors, 1.0),
                p(Family::AttributedState, 1.0)
            ],
            5
        ) <= 1.0
    );
}
