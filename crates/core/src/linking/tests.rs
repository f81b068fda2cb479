use super::*;
use crate::access::{RecordStatus, Tlp};
use crate::incident::{ActorKind, Impact, IncidentActor, Origin, Target};

fn incident(
    dataset: &str,
    title: &str,
    description: &str,
    started: &str,
    state: Option<&str>,
    victim: Option<&str>,
) -> IncidentInput {
    IncidentInput {
        title: Localized::new("", title),
        description: Localized::new("", description),
        started: PartialDate::parse(started).ok(),
        ended: None,
        discovered: None,
        operation_types: vec![],
        actors: state
            .map(|s| vec![IncidentActor { kind: ActorKind::State, name: None, country: Some(s.to_owned()) }])
            .unwrap_or_default(),
        targets: victim
            .map(|c| {
                vec![Target {
                    name: "x".into(),
                    country: Some(c.to_owned()),
                    sector: None,
                    asset_classes: vec![],
                    kind: None,
                }]
            })
            .unwrap_or_default(),
        sources: vec![],
        impact: Impact::default(),
        tlp: Tlp::Clear,
        status: RecordStatus::Published,
        stakeholder: None,
        community: None,
        origin: Some(Origin { dataset: dataset.into(), id: title.into(), url: None, fields: Default::default() }),
    }
}

fn corpus(incidents: &[IncidentInput]) -> Corpus {
    Corpus::new(incidents.iter().map(|i| Side { incident: i, claim_states: &[], claim_groups: &[] }))
}

fn sample() -> Vec<IncidentInput> {
    vec![
        incident(
            "eurepoc",
            "Sandworm wiper campaign NotPetya hits Ukraine",
            "A wiper spread through the M.E.Doc accounting software update.",
            "2017-06-27",
            Some("RU"),
            Some("UA"),
        ),
        incident(
            "cfr",
            "NotPetya",
            "Threat actors deploy a tool, called NotPetya, that encrypts data; spread via Ukrainian accounting software.",
            "2017-07-01",
            Some("RU"),
            None,
        ),
        incident(
            "cfr",
            "Targeting of the Democratic National Committee",
            "Fancy Bear stole emails of the DNC.",
            "2016-06-14",
            Some("RU"),
            Some("US"),
        ),
        incident(
            "eurepoc",
            "Titan Rain",
            "Chinese hackers compromised US defence contractors.",
            "2003",
            Some("CN"),
            Some("US"),
        ),
        incident(
            "cfr",
            "Titan Rain",
            "Titan Rain was a string of cyber operations against US and UK government agencies.",
            "2005-08-25",
            Some("CN"),
            Some("US"),
        ),
        incident(
            "eurepoc",
            "Ransomware attack on a hospital",
            "Criminals encrypted a hospital's systems.",
            "2021-03",
            None,
            Some("FR"),
        ),
    ]
}

#[test]
fn the_same_operation_named_in_two_datasets_scores_high_and_says_why() {
    let c = corpus(&sample());
    let s = c.score(0, 1);
    assert!(s.score >= PROPOSAL_THRESHOLD, "{s:?}");
    assert!(s.reasons.iter().any(|r| r.en == "the same operation named: NotPetya"), "{s:?}");
    assert!(s.reasons.iter().all(|r| !r.ja.is_empty() && !r.en.is_empty()));
    // Years apart, a year-precise start: still within reach, and named alike.
    let t = c.score(3, 4);
    assert!(t.score >= PROPOSAL_THRESHOLD, "{t:?}");
}

#[test]
fn different_incidents_score_low() {
    let c = corpus(&sample());
    for (a, b) in [(0, 2), (1, 5), (3, 2), (2, 5)] {
        let s = c.score(a, b);
        assert!(s.score < PROPOSAL_THRESHOLD, "{a} {b}: {s:?}");
    }
    let dnc_vs_notpetya = c.score(0, 2);
    assert!(dnc_vs_notpetya.reasons.iter().any(|r| r.en == "different target countries"), "{dnc_vs_notpetya:?}");
}

#[test]
fn candidates_pair_only_different_datasets_within_three_years() {
    let c = corpus(&sample());
    let pairs = c.candidates();
    assert!(pairs.contains(&(0, 1)), "{pairs:?}");
    assert!(pairs.contains(&(3, 4)), "{pairs:?}");
    // Same dataset, or a decade apart: never compared.
    assert!(!pairs.contains(&(1, 2)) && !pairs.contains(&(0, 5)) && !pairs.contains(&(0, 3)), "{pairs:?}");
    let proposals = c.proposals(PROPOSAL_THRESHOLD);
    let found: Vec<(usize, usize)> = proposals.iter().map(|(a, b, _)| (*a, *b)).collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found.contains(&(0, 1)) && found.contains(&(3, 4)));
}

#[test]
fn partial_dates_span_their_whole_period() {
    let d = |s: &str| bounds(&PartialDate::parse(s).expect("date")).expect("bounds");
    assert_eq!(d("1970-01-01"), (0, 0));
    assert_eq!(d("2016-02"), (days(2016, 2, 1), days(2016, 2, 29)));
    assert_eq!(d("2017-12"), (days(2017, 12, 1), days(2017, 12, 31)));
    assert_eq!(d("2017").1 - d("2017").0, 364);
    assert_eq!(gap(d("2017"), d("2017-06-27")), 0);
    assert_eq!(gap(d("2017-06"), d("2017-08-01")), 32);
}

#[test]
fn names_are_found_as_whole_words_in_any_spelling() {
    let n = |t: &str| names_in(t).into_iter().map(|(_, n)| n).collect::<Vec<_>>();
    assert_eq!(n("Sofacy targets ministries"), ["APT28"]);
    assert_eq!(n("the ExPetr outbreak"), ["NotPetya"]);
    assert!(n("a mirage of names").is_empty());
    assert_eq!(n("APT 28 and Fancy Bear"), ["APT28"]);
}

#[test]
fn groups_are_components_named_by_their_smallest_member() {
    let g = groups([("c", "b"), ("d", "e"), ("b", "a"), ("e", "c")]);
    for id in ["a", "b", "c", "d", "e"] {
        assert_eq!(g.get(id).map(String::as_str), Some("a"), "{id}");
    }
    let g = groups([("x", "y"), ("p", "q")]);
    assert_eq!(g["y"], "x");
    assert_eq!(g["q"], "p");
}

#[test]
fn a_status_outside_the_list_is_refused_naming_the_field() {
    assert_eq!(LinkStatus::parse("confirmed").map(LinkStatus::name), Ok("confirmed"));
    let e = LinkStatus::parse("maybe").expect_err("not a status");
    assert_eq!(e.field, "status");
}
