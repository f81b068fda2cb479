//! The filing forms read and written back.
use super::forms::Fields;
use super::incident_input::{fields_of, form_holds, incident_from};
use crate::auth::Caller;
use normwatch_core::{RecordStatus, Tlp};

fn fields(pairs: &[(&str, &str)]) -> Fields {
    Fields(pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect())
}

#[test]
fn a_filled_form_becomes_the_apis_incident() {
    let f = fields(&[
        ("title_en", "Wiper at a grid operator"),
        ("started", "2024-03"),
        ("operation", "disruption"),
        ("actor_kind", "state"),
        ("actor_country", "ru"),
        ("target_name_1", "Grid operator"),
        ("target_country_1", "ua"),
        ("target_assets_1", "ci.energy"),
        ("target_assets_1", "pc.naming"),
        ("availability", "high"),
        ("victims_affected", "1,200"),
        ("physical_effects", "yes"),
        ("sources", "https://example.org/a\n\nhttps://example.org/b\n"),
        ("tlp", "green"),
        ("intent", "in-review"),
    ]);
    let i = incident_from(&f, Some("jp-cert")).expect("incident");
    assert_eq!(i.title.en, "Wiper at a grid operator");
    assert_eq!(i.started.as_ref().map(|d| d.as_str()), Some("2024-03"));
    assert_eq!(i.actors[0].country.as_deref(), Some("RU"));
    assert_eq!(i.targets.len(), 1);
    assert_eq!(i.targets[0].country.as_deref(), Some("UA"));
    assert_eq!(i.targets[0].asset_classes, vec!["ci.energy", "pc.naming"]);
    assert_eq!(i.impact.victims_affected, Some(1200));
    assert_eq!(i.impact.physical_effects, Some(true));
    assert_eq!(i.sources.len(), 2);
    assert_eq!(i.tlp, Tlp::Green);
    assert_eq!(i.status, RecordStatus::InReview);
    assert_eq!(i.stakeholder.as_deref(), Some("jp-cert"));
}

#[test]
fn an_incident_comes_back_from_its_form_unchanged() {
    let f = fields(&[
        ("title_en", "Wiper"),
        ("title_ja", "ワイパー"),
        ("started", "2024-03"),
        ("operation", "sabotage"),
        ("operation", "data-destruction"),
        ("actor_kind", "non-state"),
        ("actor_name", "Group X"),
        ("target_name_1", "A"),
        ("target_assets_1", "ci.energy"),
        ("target_name_2", "B"),
        ("target_name_3", "C"),
        ("target_name_4", "D"),
        ("target_country_4", "JP"),
        ("integrity", "low"),
        ("functional_duration", "weeks"),
        ("countries_affected", "UA, PL"),
        ("loss_amount", "5000"),
        ("loss_currency", "EUR"),
        ("harm_en", "None reported."),
        ("sources", "https://example.org/a"),
        ("tlp", "amber"),
        ("community", "cert-circle"),
    ]);
    let first = incident_from(&f, Some("jp")).expect("incident");
    assert_eq!(first.targets.len(), 4, "rows beyond the blank form's three are read");
    let again = incident_from(&fields_of(&first), Some("jp")).expect("again");
    assert_eq!(again, first);
    let caller = Caller {
        account: None,
        credential: crate::auth::Credential::Anonymous,
        communities: vec!["cert-circle".into()],
    };
    assert!(form_holds(&first, &caller));
    let outsider = Caller { communities: vec![], ..caller };
    assert!(!form_holds(&first, &outsider), "a community the editor is not in is not dropped silently");
}

#[test]
fn a_bad_form_names_its_field() {
    let e = incident_from(&fields(&[("title_en", "x"), ("victims_affected", "many")]), None).expect_err("refused");
    assert!(e.starts_with("impact.victims_affected"), "{e}");
    let e = incident_from(&fields(&[("title_en", "x"), ("target_country_2", "JP")]), None).expect_err("refused");
    assert!(e.starts_with("targets[0].name"), "{e}");
    let e = incident_from(&fields(&[("title_en", "x"), ("started", "March 2024")]), None).expect_err("refused");
    assert!(e.starts_with("started"), "{e}");
    let e = incident_from(&fields(&[("title_en", "x"), ("availability", "total")]), None).expect_err("refused");
    assert!(e.starts_with("impact.availability"), "{e}");
}
