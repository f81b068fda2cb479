//! The CFR tracker importer on any CSV: no panic; what it produces (incidents, sponsor claims,
//! responses) validates or is refused with a reason (as the CLI checks it), reads back unchanged
//! through JSON (as it is stored), and carries a stable `cfr-` key.
#![no_main]
use libfuzzer_sys::fuzz_target;
use normwatch::import::{CsvInput, parse_cfr};
use normwatch_core::incident::PartialDate;
use normwatch_fuzz::{assert_serde_round_trip, catalog, today};

fuzz_target!(|data: &[u8]| {
    let Ok(import) = parse_cfr(CsvInput { name: "cfr.csv", reader: data }) else {
        return;
    };
    for incident in &import.incidents {
        let _ = incident.validate(catalog(), today());
        assert_serde_round_trip(incident);
        if let Some(d) = &incident.started {
            assert_eq!(PartialDate::parse(d.as_str()).as_ref(), Ok(d));
        }
        let origin = incident.origin.as_ref().expect("a CFR incident has an origin");
        assert!(origin.id.starts_with("cfr-") && origin.id.len() == 20, "{}", origin.id);
        assert!(!incident.title.en.is_empty(), "an incident has a title");
    }
    for (key, claim) in &import.claims {
        assert!(import.incidents.iter().any(|i| i.origin.as_ref().is_some_and(|o| &o.id == key)));
        let mut claim = claim.clone();
        claim.incident = "inc-1".into();
        let _ = claim.validate(catalog(), today());
        assert_serde_round_trip(&claim);
    }
    for (_, response) in &import.responses {
        let mut response = response.clone();
        response.incident = "inc-1".into();
        let _ = response.validate(catalog(), today());
        assert_serde_round_trip(&response);
    }
});
