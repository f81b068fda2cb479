//! One test per rule family: each builds the incident a user would enter and checks what the
//! rule suggests, and what it must not.
use super::*;
use crate::incident::{Impact, IncidentActor, Target};

fn catalog() -> Catalog {
    Catalog::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn incident(ops: &[&str], actors: Vec<IncidentActor>, targets: Vec<Target>, impact: Impact) -> IncidentInput {
    let mut i: IncidentInput = serde_json::from_value(serde_json::json!({"title": {"en": "t"}})).expect("minimal");
    i.operation_types = ops.iter().map(|s| (*s).to_owned()).collect();
    i.actors = actors;
    i.targets = targets;
    i.impact = impact;
    i
}

fn state(c: &str) -> IncidentActor {
    IncidentActor { kind: ActorKind::State, name: None, country: Some(c.into()) }
}

fn group(c: Option<&str>) -> IncidentActor {
    IncidentActor { kind: ActorKind::NonState, name: Some("Group".into()), country: c.map(Into::into) }
}

fn target(country: &str, assets: &[&str]) -> Target {
    Target {
        name: "victim".into(),
        country: Some(country.into()),
        sector: None,
        asset_classes: assets.iter().map(|s| (*s).to_owned()).collect(),
        kind: None,
    }
}

fn norms(i: &IncidentInput, claims: &[AttributedActor]) -> Vec<(String, Confidence)> {
    let mut v: Vec<_> = screen(i, claims, &catalog()).into_iter().map(|h| (h.norm, h.confidence)).collect();
    v.sort();
    v
}

fn has(i: &IncidentInput, claims: &[AttributedActor], norm: &str) -> Option<Confidence> {
    norms(i, claims).into_iter().find(|(n, _)| n == norm).map(|(_, c)| c)
}

#[test]
fn critical_infrastructure_needs_impairment_and_a_state() {
    let grid = Impact { physical_effects: Some(true), ..Impact::default() };
    let attack = incident(&["sabotage"], vec![state("RU")], vec![target("UA", &["ci.energy"])], grid);
    assert_eq!(has(&attack, &[], "gge-f"), Some(Confidence::High));
    let hit = screen(&attack, &[], &catalog()).into_iter().find(|h| h.norm == "gge-f").expect("gge-f");
    assert!(hit.citation.en.contains("UN GGE 2015 para. 13(f)") && hit.citation.en.contains("G7 Lucca norm 6"));
    assert!(hit.reasons.iter().all(|r| r.en.contains("13(f)") && r.ja.contains("13(f)")), "{:?}", hit.reasons);
    // Espionage against a ministry impairs nothing.
    let spying = incident(&["espionage"], vec![state("CN")], vec![target("US", &["ci.government"])], Impact::default());
    assert_eq!(has(&spying, &[], "gge-f"), None);
    // Criminals are not addressed by a GGE norm; nobody named: low.
    let crime =
        incident(&["ransomware"], vec![group(Some("FI"))], vec![target("FI", &["ci.health"])], Impact::default());
    assert_eq!(has(&crime, &[], "gge-f"), None);
    let unknown = incident(&["ransomware"], vec![], vec![target("FI", &["ci.health"])], Impact::default());
    assert_eq!(has(&unknown, &[], "gge-f"), Some(Confidence::Low));
    // Pre-positioning prepares impairment.
    let foothold =
        incident(&["pre-positioning"], vec![state("CN")], vec![target("US", &["ci.water"])], Impact::default());
    assert_eq!(has(&foothold, &[], "gge-f"), Some(Confidence::Medium));
    // A claim naming a group as a state's proxy brings the state in.
    let proxy = AttributedActor {
        category: None,
        state: Some("RU".into()),
        group: Some("Group".into()),
        relation: Some(GroupRelation::Proxy),
    };
    let proxied =
        incident(&["denial-of-service"], vec![group(None)], vec![target("EE", &["ci.finance"])], Impact::default());
    assert_eq!(has(&proxied, &[proxy], "gge-f"), Some(Confidence::Medium));
}

#[test]
fn cert_teams_are_protected_from_intrusion_and_harm() {
    let spying =
        incident(&["system-compromise"], vec![state("CN")], vec![target("US", &["cert.national"])], Impact::default());
    assert_eq!(has(&spying, &[], "gge-k"), Some(Confidence::Medium));
    let wiping =
        incident(&["data-destruction"], vec![state("RU")], vec![target("UA", &["cert.government"])], Impact::default());
    assert_eq!(has(&wiping, &[], "gge-k"), Some(Confidence::High));
    let no_cert =
        incident(&["data-destruction"], vec![state("RU")], vec![target("UA", &["ci.government"])], Impact::default());
    assert_eq!(has(&no_cert, &[], "gge-k"), None);
}

#[test]
fn territory_and_assistance_for_groups_operating_from_abroad() {
    let abroad =
        incident(&["ransomware"], vec![group(Some("RU"))], vec![target("US", &["ci.energy"])], Impact::default());
    assert_eq!(has(&abroad, &[], "gge-c"), Some(Confidence::Low));
    assert_eq!(has(&abroad, &[], "gge-h"), Some(Confidence::Low));
    assert_eq!(has(&abroad, &[], "gge-f"), None, "a criminal group is not addressed by 13(f)");
    let home =
        incident(&["ransomware"], vec![group(Some("FI"))], vec![target("FI", &["ci.health"])], Impact::default());
    assert_eq!(norms(&home, &[]), vec![]);
    let tolerated = AttributedActor {
        category: None,
        state: Some("RU".into()),
        group: Some("Group".into()),
        relation: Some(GroupRelation::Tolerated),
    };
    let tolerated_i =
        incident(&["denial-of-service"], vec![group(None)], vec![target("EE", &["ci.finance"])], Impact::default());
    let found = norms(&tolerated_i, &[tolerated]);
    assert!(found.contains(&("gge-c".into(), Confidence::Medium)), "{found:?}");
    assert!(found.contains(&("gge-h".into(), Confidence::Medium)), "{found:?}");
    assert!(found.contains(&("gcsc-8".into(), Confidence::Medium)), "{found:?}");
}

#[test]
fn supply_chain_tampering_and_the_state_duty() {
    let wide = Impact { victims_affected: Some(18_000), ..Impact::default() };
    let t = target("US", &[]);
    let sunburst = incident(&["supply-chain-compromise", "espionage"], vec![state("RU")], vec![t], wide);
    assert_eq!(has(&sunburst, &[], "gcsc-3"), Some(Confidence::High));
    assert_eq!(has(&sunburst, &[], "gge-i"), Some(Confidence::Medium));
    assert_eq!(has(&sunburst, &[], "gcsc-1"), None, "an enterprise product is not the public core");
    // Core software tampered in development: the public core's integrity, whoever did it.
    let xz = incident(
        &["supply-chain-compromise"],
        vec![],
        vec![target("US", &["pc.software.source-code"])],
        Impact::default(),
    );
    assert_eq!(has(&xz, &[], "gcsc-3"), Some(Confidence::High));
    assert_eq!(has(&xz, &[], "gcsc-1"), Some(Confidence::Medium));
    assert_eq!(has(&xz, &[], "gge-i"), Some(Confidence::Low));
    let criminal =
        incident(&["supply-chain-compromise", "ransomware"], vec![group(Some("RU"))], vec![], Impact::default());
    assert_eq!(has(&criminal, &[], "gcsc-3"), Some(Confidence::Medium));
    assert_eq!(has(&criminal, &[], "gge-i"), None);
}

#[test]
fn ip_theft_is_for_states_and_commercial_ends() {
    let theft = incident(&["ip-theft"], vec![state("CN")], vec![target("US", &[])], Impact::default());
    assert_eq!(has(&theft, &[], "g20-ip-theft"), Some(Confidence::High));
    let spying = incident(&["espionage", "data-theft"], vec![state("CN")], vec![target("US", &[])], Impact::default());
    assert_eq!(has(&spying, &[], "g20-ip-theft"), None);
    let insider = incident(&["ip-theft"], vec![group(Some("US"))], vec![target("US", &[])], Impact::default());
    assert_eq!(has(&insider, &[], "g20-ip-theft"), None);
}

#[test]
fn public_core_needs_damage_not_presence() {
    let wide = Impact { victims_affected: Some(100_000), ..Impact::default() };
    let dns = incident(&["denial-of-service"], vec![group(Some("US"))], vec![target("US", &["pc.naming.dns"])], wide);
    assert_eq!(has(&dns, &[], "gcsc-1"), Some(Confidence::High));
    let hijack = incident(
        &["data-manipulation"],
        vec![],
        vec![target("SE", &["pc.naming.number-registries"])],
        Impact::default(),
    );
    assert_eq!(has(&hijack, &[], "gcsc-1"), Some(Confidence::Medium));
    let spying = incident(
        &["espionage"],
        vec![state("CN")],
        vec![target("US", &["pc.transmission.public-networks"])],
        Impact::default(),
    );
    assert_eq!(has(&spying, &[], "gcsc-1"), None);
}

#[test]
fn electoral_infrastructure_intrusion_and_disruption() {
    let wiped = incident(
        &["data-destruction"],
        vec![group(None)],
        vec![target("UA", &["elec.results-transmission"])],
        Impact::default(),
    );
    assert_eq!(has(&wiped, &[], "gcsc-2"), Some(Confidence::High));
    let rolls = incident(
        &["data-theft"],
        vec![state("RU")],
        vec![target("US", &["elec.voter-registration"])],
        Impact::default(),
    );
    assert_eq!(has(&rolls, &[], "gcsc-2"), Some(Confidence::Medium));
    let party = incident(&["hack-and-leak"], vec![state("RU")], vec![target("US", &[])], Impact::default());
    assert_eq!(has(&party, &[], "gcsc-2"), None, "a party's mail is not technical electoral infrastructure");
}

#[test]
fn botnets_of_the_public() {
    let many = Impact { victims_affected: Some(600_000), ..Impact::default() };
    let mirai = incident(&["system-hijacking", "denial-of-service"], vec![group(None)], vec![], many);
    assert_eq!(has(&mirai, &[], "gcsc-4"), Some(Confidence::High));
    let servers = incident(&["system-hijacking"], vec![], vec![target("US", &[])], Impact::default());
    assert_eq!(has(&servers, &[], "gcsc-4"), Some(Confidence::Medium));
    let intrusion = incident(&["system-compromise"], vec![state("RU")], vec![target("US", &[])], Impact::default());
    assert_eq!(has(&intrusion, &[], "gcsc-4"), None);
}

#[test]
fn non_state_offence_is_hack_back_or_state_backed() {
    let back = incident(
        &["hack-back", "denial-of-service"],
        vec![group(Some("US"))],
        vec![target("KP", &[])],
        Impact::default(),
    );
    assert_eq!(has(&back, &[], "gcsc-8"), Some(Confidence::High));
    let vandals = incident(
        &["denial-of-service", "defacement"],
        vec![group(Some("US"))],
        vec![target("US", &[])],
        Impact::default(),
    );
    assert_eq!(has(&vandals, &[], "gcsc-8"), None, "crime and hacktivism are for criminal law");
    let organ = incident(&["hack-back"], vec![state("US")], vec![target("KP", &[])], Impact::default());
    assert_eq!(has(&organ, &[], "gcsc-8"), None, "a state's own operation is not a non-state one");
}

#[test]
fn claims_decide_whether_a_group_is_the_states() {
    let claim = |category: Option<ActorCategory>, relation: Option<GroupRelation>| AttributedActor {
        category,
        state: Some("RU".into()),
        group: Some("Group".into()),
        relation,
    };
    let i =
        incident(&["data-destruction"], vec![group(Some("RU"))], vec![target("UA", &["ci.energy"])], Impact::default());
    // Without a claim, or with one that only places the group in a state: a foreign group.
    for claims in
        [vec![], vec![claim(None, Some(GroupRelation::Unknown))], vec![claim(Some(ActorCategory::NonStateGroup), None)]]
    {
        assert_eq!(has(&i, &claims, "gge-f"), None, "{claims:?}");
        assert_eq!(has(&i, &claims, "gge-c"), Some(Confidence::Low), "{claims:?}");
    }
    // An organ or a state-affiliated group is the state's: 13(f), not 13(c).
    for claims in
        [vec![claim(None, Some(GroupRelation::Organ))], vec![claim(Some(ActorCategory::StateAffiliated), None)]]
    {
        assert_eq!(has(&i, &claims, "gge-f"), Some(Confidence::High), "{claims:?}");
        assert_eq!(has(&i, &claims, "gge-c"), None, "{claims:?}");
    }
    // A claim naming only the state, no group, names the state as the actor.
    let bare = AttributedActor { category: None, state: Some("RU".into()), group: None, relation: None };
    assert_eq!(has(&i, &[bare], "gge-f"), Some(Confidence::High));
    let hit = screen(&i, &[claim(None, Some(GroupRelation::Organ))], &catalog());
    let f = hit.iter().find(|h| h.norm == "gge-f").expect("gge-f");
    assert!(f.confidence_reason.en.contains("RU") && f.confidence_reason.ja.contains("RU"), "{f:?}");
}
