//! The catalogue shipped in `catalog/` is complete and valid.
use normwatch_core::{Catalog, Lang};

#[test]
fn the_shipped_catalogue_is_valid_and_complete() {
    let c = Catalog::embedded().unwrap_or_else(|e| panic!("{e}"));
    let mut norm_ids: Vec<&str> = c.norms.iter().map(|n| n.id.as_str()).collect();
    norm_ids.sort();
    let mut expected: Vec<String> = ('a'..='k').map(|l| format!("gge-{l}")).collect();
    expected.extend((1..=8).map(|n| format!("gcsc-{n}")));
    expected.push("g20-ip-theft".into());
    expected.sort();
    assert_eq!(norm_ids, expected);
    for id in ["g7-lucca-2017", "gcsc-2019", "un-gge-2015", "g20-antalya-2015"] {
        assert!(c.document(id).is_some(), "document {id}");
    }
    assert_eq!(c.principles.len(), 4);
    assert_eq!(c.framework.len(), 7);
    assert_eq!(c.recommendations.len(), 6);
    for n in &c.norms {
        for lang in Lang::ALL {
            assert!(!n.title.get(lang).is_empty() && !n.summary.get(lang).is_empty(), "{} {lang}", n.id);
        }
    }
    // One norm, three sources.
    let f = c.norm("gge-f").expect("gge-f");
    for (doc, para) in [("un-gge-2015", "13(f)"), ("g7-lucca-2017", "6"), ("gcsc-2019", "Annex A (f)")] {
        let found: Vec<&str> = c.norms_citing(doc, para).iter().map(|n| n.id.as_str()).collect();
        assert_eq!(found, vec!["gge-f"], "{doc} {para}");
    }
    assert!(f.related.contains(&"gcsc-1".to_owned()));
    let gcsc1 = c.norm("gcsc-1").expect("gcsc-1");
    assert!(gcsc1.addresses("non-state-actors") && gcsc1.addresses("states"));
    assert!(gcsc1.sources.iter().any(|s| s.document == "gcsc-2019"));
    for (a, b) in [("gcsc-3", "gge-i"), ("gcsc-6", "gge-j"), ("gcsc-1", "gge-f")] {
        assert!(c.norm(a).is_some_and(|n| n.related.iter().any(|r| r == b)), "{a} ↔ {b}");
        assert!(c.norm(b).is_some_and(|n| n.related.iter().any(|r| r == a)), "{b} ↔ {a}");
    }
    for t in [
        "public-core",
        "electoral",
        "critical-infrastructure",
        "emergency-response",
        "stakeholder-kinds",
        "legal-topics",
        "operation-types",
        "response-levels",
        "response-types",
        "attribution-types",
        "confidence",
        "assessment-levels",
        "addressees",
        "norm-kinds",
    ] {
        assert!(c.taxonomy(t).is_some(), "taxonomy {t}");
    }
    let confidence = c.taxonomy("confidence").expect("confidence");
    assert_eq!(confidence.terms.len(), 7, "the seven ICD 203 terms");
    let levels: Vec<&str> =
        c.taxonomy("assessment-levels").expect("levels").terms.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(levels, ["established", "likely", "possible", "unlikely", "insufficient-information"]);
    let pc_categories =
        c.taxonomy("public-core").expect("pc").terms.iter().filter(|t| t.parent.as_deref() == Some("pc")).count();
    assert_eq!(pc_categories, 6, "the six public-core categories of GCSC Annex B norm 1");
    for t in &c.taxonomy("response-types").expect("response types").terms {
        if t.parent.is_none() {
            assert!(t.level.is_some(), "response type {} has its level on the continuum", t.id);
        }
    }
}
