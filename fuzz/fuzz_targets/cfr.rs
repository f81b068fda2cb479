//! The CFR tracker importer on any CSV: no panic; what it produces validates or is refused with
//! a reason (as the CLI checks it), reads back unchanged through JSON (as it is stored), and
//! carries a stable `cfr-` key.
#![no_main]
use libfuzzer_sys::fuzz_target;
use normwatch::import::{CsvInput, parse_cfr};
use normwatch_core::incident::PartialDate;
use normwatch_fuzz::{assert_serde_round_trip, catalog, today};

fuzz_target!(|data: &[u8]| {
    let Ok(incidents) = parse_cfr(CsvInput { name: "cfr.csv", reader: data }) else {
        return;
    };
    for incident in &incidents {
        let _ = incident.validate(catalog(), today());
        assert_serde_round_trip(incident);
        if let Some(d) = &incident.started {
            assert_eq!(PartialDate::parse(d.as_str()).as_ref(), Ok(d));
        }
        let origin = incident.origin.as_ref().expect("a CFR incident has an origin");
        assert!(origin.id.starts_with("cfr-") && origin.id.len() == 20, "{}", origin.id);
        assert!(!incident.title.en.is_empty(), "an incident has a title");
    }
});
