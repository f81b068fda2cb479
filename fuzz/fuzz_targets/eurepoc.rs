//! The EuRepoC importer on three CSV inputs (global, receiver, attribution) cut from the input
//! at NUL bytes: no panic; what it produces validates or is refused with a reason (as the CLI
//! checks it), and reads back unchanged through JSON (as it is stored).
#![no_main]
use libfuzzer_sys::fuzz_target;
use normwatch::import::{CsvInput, parse_eurepoc};
use normwatch_core::incident::PartialDate;
use normwatch_fuzz::{assert_serde_round_trip, catalog, today};

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(3, |b| *b == 0);
    let (global, receiver, attribution) =
        (parts.next().unwrap_or(&[]), parts.next().unwrap_or(&[]), parts.next().unwrap_or(&[]));
    let Ok(import) = parse_eurepoc(
        CsvInput { name: "global", reader: global },
        CsvInput { name: "receiver", reader: receiver },
        CsvInput { name: "attribution", reader: attribution },
    ) else {
        return;
    };
    for incident in &import.incidents {
        let _ = incident.validate(catalog(), today());
        assert_serde_round_trip(incident);
        for d in [&incident.started, &incident.ended].into_iter().flatten() {
            assert_eq!(PartialDate::parse(d.as_str()).as_ref(), Ok(d));
        }
        if let (Some(s), Some(e)) = (&incident.started, &incident.ended) {
            assert!(e.as_str() >= s.as_str() || s.as_str().starts_with(e.as_str()), "an end before the start");
        }
        assert!(!incident.title.en.is_empty(), "an incident has a title");
    }
    for (_, claim) in &import.claims {
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
