//! The streaming bundle reader: per-object errors with index, id and pointer while the rest of
//! the bundle still arrives; verbatim raw text; TLP markings in their standard and vendor forms;
//! STIX 2.0 input; TAXII envelopes; malformed JSON placed by line and column; streaming of a
//! generated bundle that is never held in memory; and the real MITRE ATT&CK bundle.
use normwatch_core::Tlp;
use normwatch_stix::bundle::{
    BundleError, BundleSummary, ObjectError, SpecVersion, StixObject, TlpResolver, check_json, check_object,
    read_bundle, read_bundle_limited,
};
use normwatch_stix::tlp;
use serde_json::value::RawValue;
use std::io::{self, Read};
use std::path::PathBuf;

type Item = Result<StixObject, ObjectError>;

/// Reads `text` collecting everything the sink receives.
fn read_all(text: &str, resolver: &mut TlpResolver) -> Result<(BundleSummary, Vec<Item>), BundleError> {
    let mut items = Vec::new();
    let summary = read_bundle(text.as_bytes(), resolver, |item| -> Result<(), String> {
        items.push(item);
        Ok(())
    })?;
    Ok((summary, items))
}

fn read_ok(text: &str) -> (BundleSummary, Vec<Item>) {
    read_all(text, &mut TlpResolver::default()).expect("the bundle reads")
}

fn uuid(n: u64) -> String {
    format!("{:08x}-1111-4222-8333-{:012x}", n, n * 7919)
}

fn sid(stix_type: &str, n: u64) -> String {
    format!("{stix_type}--{}", uuid(n))
}

/// A valid STIX 2.1 SDO with optional markings.
fn sdo(stix_type: &str, n: u64, markings: &[&str]) -> String {
    let refs = if markings.is_empty() {
        String::new()
    } else {
        format!(
            r#","object_marking_refs":[{}]"#,
            markings.iter().map(|m| format!("\"{m}\"")).collect::<Vec<_>>().join(",")
        )
    };
    format!(
        r#"{{"type":"{stix_type}","spec_version":"2.1","id":"{}","created":"2024-05-01T10:00:00.000Z","modified":"2024-05-02T10:00:00.000Z","name":"n{n}"{refs}}}"#,
        sid(stix_type, n)
    )
}

fn bundle(objects: &[String]) -> String {
    format!(r#"{{"type":"bundle","id":"{}","objects":[{}]}}"#, sid("bundle", 0), objects.join(","))
}

fn ok(item: &Item) -> &StixObject {
    match item {
        Ok(o) => o,
        Err(e) => panic!("expected an accepted object, got {e}"),
    }
}

fn err(item: &Item) -> &ObjectError {
    match item {
        Ok(o) => panic!("expected a rejected object, got {}", o.id),
        Err(e) => e,
    }
}

#[test]
fn bad_objects_are_reported_and_the_rest_arrive_in_order() {
    let ind = sid("indicator", 1);
    let objects = vec![
        sdo("identity", 0, &[]),
        // 1: modified before created
        format!(
            r#"{{"type":"indicator","spec_version":"2.1","id":"{ind}","created":"2024-05-02T00:00:00Z","modified":"2024-05-01T00:00:00Z"}}"#
        ),
        // 2: not an object
        "42".to_owned(),
        // 3: id of another type
        format!(
            r#"{{"type":"malware","spec_version":"2.1","id":"{}","created":"2024-05-01T00:00:00Z","modified":"2024-05-01T00:00:00Z"}}"#,
            sid("indicator", 3)
        ),
        // 4: created not a STIX timestamp
        format!(
            r#"{{"type":"campaign","spec_version":"2.1","id":"{}","created":"2024-05-01 10:00","modified":"2024-05-01T00:00:00Z"}}"#,
            sid("campaign", 4)
        ),
        // 5: missing modified on an SDO
        format!(r#"{{"type":"tool","spec_version":"2.1","id":"{}","created":"2024-05-01T00:00:00Z"}}"#, sid("tool", 5)),
        // 6: a marking ref that is not a marking-definition id
        format!(
            r#"{{"type":"report","spec_version":"2.1","id":"{}","created":"2024-05-01T00:00:00Z","modified":"2024-05-01T00:00:00Z","object_marking_refs":["{}","identity--x"]}}"#,
            sid("report", 6),
            tlp::GREEN
        ),
        // 7: uppercase type
        format!(r#"{{"type":"Indicator","id":"Indicator--{}"}}"#, uuid(7)),
        // 8: unsupported spec_version
        format!(
            r#"{{"type":"note","spec_version":"2.2","id":"{}","created":"2024-05-01T00:00:00Z","modified":"2024-05-01T00:00:00Z"}}"#,
            sid("note", 8)
        ),
        // 9: revoked not a boolean
        format!(
            r#"{{"type":"note","spec_version":"2.1","id":"{}","created":"2024-05-01T00:00:00Z","modified":"2024-05-01T00:00:00Z","revoked":"yes"}}"#,
            sid("note", 9)
        ),
        // 10: no id
        r#"{"type":"note","spec_version":"2.1","created":"2024-05-01T00:00:00Z","modified":"2024-05-01T00:00:00Z"}"#
            .to_owned(),
        // 11: duplicate property
        format!(
            r#"{{"type":"note","id":"{}","id":"{}","created":"2024-05-01T00:00:00Z","modified":"2024-05-01T00:00:00Z"}}"#,
            sid("note", 11),
            sid("note", 11)
        ),
        sdo("malware", 12, &[]),
    ];
    let (summary, items) = read_ok(&bundle(&objects));
    assert_eq!(summary.objects, 13);
    assert_eq!(summary.rejected, 11);
    assert_eq!(summary.bundle_id.as_deref(), Some(sid("bundle", 0).as_str()));
    assert_eq!(items.len(), 13);
    assert_eq!(ok(&items[0]).id, sid("identity", 0));
    assert_eq!(ok(&items[12]).id, sid("malware", 12));

    let expect = |i: usize, id: Option<String>, pointer: &str, reason_has: &str| {
        let e = err(&items[i]);
        assert_eq!(e.index, i as u64, "{e}");
        assert_eq!(e.id, id, "{e}");
        assert_eq!(e.pointer, pointer, "{e}");
        assert!(e.reason.contains(reason_has), "{i}: {:?} lacks {reason_has:?}", e.reason);
    };
    expect(1, Some(ind.clone()), "/objects/1/modified", "earlier than `created`");
    expect(2, None, "/objects/2", "is a number");
    expect(3, Some(sid("indicator", 3)), "/objects/3/id", "is not `malware--<UUID>`");
    expect(4, Some(sid("campaign", 4)), "/objects/4/created", "YYYY-MM-DDTHH:MM:SS[.sss]Z");
    expect(5, Some(sid("tool", 5)), "/objects/5/modified", "is missing");
    expect(6, Some(sid("report", 6)), "/objects/6/object_marking_refs/1", "marking-definition--<UUID>");
    expect(7, Some(format!("Indicator--{}", uuid(7))), "/objects/7/type", "not a STIX type");
    expect(8, Some(sid("note", 8)), "/objects/8/spec_version", "use \"2.1\"");
    expect(9, Some(sid("note", 9)), "/objects/9/revoked", "true or false");
    expect(10, None, "/objects/10/id", "is missing");
    expect(11, None, "/objects/11", "appears twice");

    assert_eq!(
        err(&items[1]).to_string(),
        format!(
            "object 1 ({ind}) at /objects/1/modified: `modified` 2024-05-01T00:00:00Z is earlier than `created` 2024-05-02T00:00:00Z: `modified` must be at or after `created`"
        )
    );
}

#[test]
fn raw_text_is_byte_identical_and_unknown_content_kept() {
    let first = format!(
        "{{ \"x_custom\" : {{\"nested\": [1.50, 2e+3, -0.0, null, \"\\u00e9\\n\"]}},\n    \"type\":\"x-acme-widget\",\"spec_version\" : \"2.1\",\t\"id\":\"{}\",\n\"created\":\"2024-05-01T10:00:00.123Z\", \"modified\":\"2024-05-01T10:00:00.123Z\", \"created_by_ref\": \"{}\", \"name\": \"caf\u{e9} \\\"quoted\\\" [not] {{a bracket}}\"  }}",
        sid("x-acme-widget", 1),
        sid("identity", 9)
    );
    let second = sdo("indicator", 2, &[]);
    let text = format!("{{\"objects\" : [\n  {first} ,\n\t{second}\n],\"type\":\"bundle\"}}");
    let (summary, items) = read_ok(&text);
    assert_eq!(summary.objects, 2);
    let o = ok(&items[0]);
    assert_eq!(o.raw.get(), first);
    assert_eq!(o.stix_type, "x-acme-widget");
    // Read with the checks, so that storing it parses no body again.
    assert_eq!(o.created_by_ref, Some(sid("identity", 9)));
    assert_eq!(ok(&items[1]).raw.get(), second);
    assert_eq!(ok(&items[1]).created_by_ref, None);
}

#[test]
fn tlp_1_0_and_2_0_ids_resolve_to_the_strictest() {
    let objects = vec![
        sdo("indicator", 1, &[tlp::V1_WHITE]),
        sdo("indicator", 2, &[tlp::V1_GREEN]),
        sdo("indicator", 3, &[tlp::V1_AMBER]),
        sdo("indicator", 4, &[tlp::V1_RED]),
        sdo("indicator", 5, &[tlp::CLEAR]),
        sdo("indicator", 6, &[tlp::AMBER_STRICT]),
        sdo("indicator", 7, &[tlp::GREEN, tlp::RED, tlp::AMBER]),
        sdo("indicator", 8, &[]),
        sdo("indicator", 9, &["marking-definition--00000000-0000-4000-8000-000000000000"]),
    ];
    let (_, items) = read_ok(&bundle(&objects));
    let got: Vec<Option<Tlp>> = items.iter().map(|i| ok(i).tlp).collect();
    assert_eq!(
        got,
        [
            Some(Tlp::Clear),
            Some(Tlp::Green),
            Some(Tlp::Amber),
            Some(Tlp::Red),
            Some(Tlp::Clear),
            Some(Tlp::AmberStrict),
            Some(Tlp::Red),
            None,
            None
        ]
    );
    assert_eq!(ok(&items[6]).marking_refs, [tlp::GREEN, tlp::RED, tlp::AMBER]);
}

#[test]
fn marking_definitions_in_the_bundle_are_learnt() {
    let m = |n: u64| sid("marking-definition", n);
    let objects = vec![
        // Referenced before its definition arrives: not known yet.
        sdo("indicator", 100, &[&m(1)]),
        // STIX 2.0 definition_type tlp, white → clear.
        format!(
            r#"{{"type":"marking-definition","id":"{}","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","definition":{{"tlp":"white"}}}}"#,
            m(1)
        ),
        // OpenCTI.
        format!(
            r##"{{"type":"marking-definition","spec_version":"2.1","id":"{}","created":"2020-02-25T09:02:29.040Z","modified":"2020-02-25T09:02:29.040Z","definition_type":"TLP","definition":"TLP:AMBER","name":"TLP:AMBER","x_opencti_order":2,"x_opencti_color":"#ffc000"}}"##,
            m(2)
        ),
        // MISP: a lower-case name, definition_type tlp.
        format!(
            r#"{{"type":"marking-definition","spec_version":"2.1","id":"{}","created":"2021-01-01T00:00:00.000Z","definition_type":"tlp","name":"tlp:amber+strict","definition":{{"tlp":"amber+strict"}}}}"#,
            m(3)
        ),
        // MISP statement form.
        format!(
            r#"{{"type":"marking-definition","id":"{}","created":"2021-01-01T00:00:00.000Z","definition_type":"statement","definition":{{"statement":"tlp:green"}}}}"#,
            m(4)
        ),
        // TLP 2.0 property extension on a non-standard id.
        format!(
            r#"{{"type":"marking-definition","spec_version":"2.1","id":"{}","created":"2022-10-01T00:00:00.000Z","name":"TLP:RED","extensions":{{"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d":{{"extension_type":"property-extension","tlp_2_0":"red"}}}}}}"#,
            m(5)
        ),
        // A TLP 2.0 name alone.
        format!(
            r#"{{"type":"marking-definition","spec_version":"2.1","id":"{}","created":"2022-10-01T00:00:00.000Z","name":"TLP:GREEN"}}"#,
            m(6)
        ),
        // A statement that is not TLP.
        format!(
            r#"{{"type":"marking-definition","id":"{}","created":"2017-06-01T00:00:00.000Z","definition_type":"statement","definition":{{"statement":"Copyright Red Corp"}},"name":"Red Corp"}}"#,
            m(7)
        ),
        sdo("indicator", 101, &[&m(1)]),
        sdo("indicator", 102, &[&m(2)]),
        sdo("indicator", 103, &[&m(3)]),
        sdo("indicator", 104, &[&m(4)]),
        sdo("indicator", 105, &[&m(5)]),
        sdo("indicator", 106, &[&m(6)]),
        sdo("indicator", 107, &[&m(7)]),
        sdo("indicator", 108, &[&m(7), &m(4), &m(2)]),
    ];
    let mut resolver = TlpResolver::default();
    let (summary, items) = read_all(&bundle(&objects), &mut resolver).expect("reads");
    assert_eq!(summary.rejected, 0, "{:?}", items.iter().filter_map(|i| i.as_ref().err()).collect::<Vec<_>>());
    let got: Vec<Option<Tlp>> = items.iter().map(|i| ok(i).tlp).collect();
    assert_eq!(got[0], None);
    assert_eq!(
        &got[8..],
        [
            Some(Tlp::Clear),
            Some(Tlp::Amber),
            Some(Tlp::AmberStrict),
            Some(Tlp::Green),
            Some(Tlp::Red),
            Some(Tlp::Green),
            None,
            Some(Tlp::Amber)
        ]
    );
    assert_eq!(resolver.learned(), 6);
    assert_eq!(resolver.resolve(&[m(1), m(5)]), Some(Tlp::Red));
    // Marking definitions are versioned by `created`.
    let md = ok(&items[1]);
    assert_eq!(md.spec_version, SpecVersion::V20);
    assert_eq!(md.modified.as_deref(), Some("2017-01-20T00:00:00.000Z"));
    assert_eq!(md.version_key, "2017-01-20T00:00:00.000000Z");
}

#[test]
fn a_standard_tlp_id_cannot_be_redefined_by_a_bundle() {
    let objects = vec![
        format!(
            r#"{{"type":"marking-definition","spec_version":"2.1","id":"{}","created":"2022-10-01T00:00:00.000Z","name":"TLP:RED"}}"#,
            tlp::CLEAR
        ),
        sdo("indicator", 1, &[tlp::CLEAR]),
    ];
    let (_, items) = read_ok(&bundle(&objects));
    assert_eq!(ok(&items[1]).tlp, Some(Tlp::Clear));
}

#[test]
fn granular_markings_count_towards_the_strictest_tlp() {
    let o = format!(
        r#"{{"type":"report","spec_version":"2.1","id":"{}","created":"2024-05-01T00:00:00Z","modified":"2024-05-01T00:00:00Z","object_marking_refs":["{}"],"granular_markings":[{{"lang":"en","selectors":["name"]}},{{"marking_ref":"{}","selectors":["description"]}}]}}"#,
        sid("report", 1),
        tlp::GREEN,
        tlp::RED
    );
    let obj = check_json(&o, &mut TlpResolver::default()).expect("valid");
    assert_eq!(obj.tlp, Some(Tlp::Red));
    assert_eq!(obj.granular_marking_refs, [tlp::RED]);
    let bad = o.replace(&format!("\"marking_ref\":\"{}\"", tlp::RED), "\"marking_ref\":7");
    let e = check_json(&bad, &mut TlpResolver::default()).expect_err("refused");
    assert_eq!(e.pointer, "/granular_markings/1/marking_ref");
}

#[test]
fn stix_2_0_objects_and_2_1_observables_get_their_spec_version() {
    let objects = [
        // STIX 2.0: no spec_version on the object.
        format!(
            r#"{{"type":"attack-pattern","id":"{}","created":"2020-01-14T17:18:32.126Z","modified":"2020-02-01T00:00:00Z","x_mitre_version":"1.0"}}"#,
            sid("attack-pattern", 1)
        ),
        // A 2.1 observable: no spec_version, no timestamps.
        format!(r#"{{"type":"ipv4-addr","id":"{}","value":"198.51.100.7"}}"#, sid("ipv4-addr", 2)),
        // A custom 2.1 observable without timestamps.
        format!(r#"{{"type":"hostname","spec_version":"2.1","id":"{}","value":"h.example"}}"#, sid("hostname", 3)),
        // A custom 2.0 object without timestamps is still an SDO that needs them.
        format!(r#"{{"type":"x-thing","id":"{}"}}"#, sid("x-thing", 4)),
    ];
    let text = format!(
        r#"{{"type":"bundle","id":"{}","spec_version":"2.0","objects":[{}]}}"#,
        sid("bundle", 9),
        objects.join(",")
    );
    let (summary, items) = read_ok(&text);
    assert_eq!(summary.spec_version.as_deref(), Some("2.0"));
    let ap = ok(&items[0]);
    assert_eq!(ap.spec_version, SpecVersion::V20);
    assert_eq!(ap.spec_version.name(), "2.0");
    assert_eq!(ap.created.as_deref(), Some("2020-01-14T17:18:32.126Z"));
    assert_eq!(ap.modified.as_deref(), Some("2020-02-01T00:00:00Z"));
    assert_eq!(ap.version_key, "2020-02-01T00:00:00.000000Z");
    assert!(!ap.revoked);
    let ip = ok(&items[1]);
    assert_eq!(ip.spec_version, SpecVersion::V21);
    assert!(ip.is_sco());
    assert_eq!((ip.modified.as_deref(), ip.version_key.as_str()), (None, ""));
    let host = ok(&items[2]);
    assert_eq!((host.spec_version, host.version_key.as_str()), (SpecVersion::V21, ""));
    let e = err(&items[3]);
    assert_eq!(e.pointer, "/objects/3/created");
}

#[test]
fn taxii_envelopes_and_any_key_order() {
    let objects = [sdo("indicator", 1, &[]), sdo("sighting", 2, &[])];
    let text = format!(r#"{{"more": true, "objects": [{}], "next": "abc"}}"#, objects.join(","));
    let (summary, items) = read_ok(&text);
    assert_eq!((summary.objects, summary.rejected, summary.bundle_id), (2, 0, None));
    assert_eq!(ok(&items[1]).stix_type, "sighting");

    // Bundle fields after the objects.
    let text =
        format!(r#"{{"objects":[{}],"spec_version":"2.0","id":"{}","type":"bundle"}}"#, objects[0], sid("bundle", 5));
    let (summary, _) = read_ok(&text);
    assert_eq!(summary.bundle_id, Some(sid("bundle", 5)));
    assert_eq!(summary.spec_version.as_deref(), Some("2.0"));

    // Empty lists: STIX 2.1 bundles may omit `objects`, TAXII omits empty lists.
    for empty in [
        r#"{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d"}"#,
        r#"{"more":false}"#,
        r#"{"objects":[]}"#,
    ] {
        let (summary, items) = read_ok(empty);
        assert_eq!(summary.objects, 0, "{empty}");
        assert!(items.is_empty());
    }
}

#[test]
fn the_taxii_handler_can_check_objects_one_by_one() {
    #[derive(serde::Deserialize)]
    struct Envelope {
        objects: Vec<Box<RawValue>>,
    }
    let body = format!(r#"{{"objects":[{},{{"type":"indicator"}}]}}"#, sdo("indicator", 1, &[tlp::AMBER]));
    let env: Envelope = serde_json::from_str(&body).expect("envelope");
    let mut resolver = TlpResolver::default();
    let results: Vec<Item> = env
        .objects
        .into_iter()
        .enumerate()
        .map(|(i, raw)| check_object(raw, i as u64, &format!("/objects/{i}"), &mut resolver))
        .collect();
    assert_eq!(ok(&results[0]).tlp, Some(Tlp::Amber));
    assert_eq!(err(&results[1]).pointer, "/objects/1/id");

    let e = check_json("{\"type\": \"indicator\",", &mut resolver).expect_err("malformed");
    assert!(e.reason.starts_with("malformed JSON at line 1"), "{}", e.reason);
    let e = check_json(r#"{"type":"indicator","id":"indicator--nope"}"#, &mut resolver).expect_err("bad id");
    assert_eq!(e.to_string(), format!("object 0 (indicator--nope) at /id: {}", e.reason));
}

/// Malformed JSON stops the read with the line and column serde_json itself reports for the
/// whole document; objects before the fault were already delivered.
#[test]
fn malformed_json_is_placed_by_line_and_column() {
    let good = sdo("indicator", 1, &[]);
    let cases = [
        // inside an object: a missing comma
        format!("{{\"type\":\"bundle\",\n\"objects\":[\n{good},\n{{\"type\":\"indicator\"\n \"id\":\"x\"}}]}}"),
        // between objects
        format!("{{\"objects\":[\n{good}\n{good}]}}"),
        // truncated
        format!("{{\"objects\":[\n{good},\n{}", &good[..40]),
        // trailing comma in the array
        format!("{{\"objects\":[{good},\n]}}"),
        // garbage after the bundle
        format!("{{\"objects\":[{good}]}}\n  x"),
        // bad literal as an element
        format!("{{\"objects\":[{good},\n  tru]}}"),
        // control character in a string
        format!("{{\"objects\":[{}]}}", good.replace("\"n1\"", "\"n\u{1}\"")),
        // bad value for an ignored top-level key
        "{\n  \"x\": [1, 2,, 3],\n  \"objects\": []}".to_owned(),
        // missing colon
        "{\"objects\" []}".to_owned(),
    ];
    for text in &cases {
        let whole = serde_json::from_str::<serde_json::Value>(text).expect_err("the case is malformed");
        let mut delivered = 0;
        let got = read_bundle(text.as_bytes(), &mut TlpResolver::default(), |_| -> Result<(), String> {
            delivered += 1;
            Ok(())
        });
        match got {
            Err(BundleError::Json { line, column, message }) => {
                assert_eq!(
                    (line, column),
                    (whole.line() as u64, whole.column() as u64),
                    "{text:?}: {message} vs {whole}"
                );
            }
            other => panic!("{text:?}: expected a JSON error, got {other:?}"),
        }
        if text.contains(&format!("{good},")) {
            assert!(delivered >= 1, "{text:?}: the object before the fault should have arrived");
        }
    }
    let e = read_bundle(
        &b"{\"objects\":[\n\n  {\"a\": tru}]}"[..],
        &mut TlpResolver::default(),
        |_| -> Result<(), String> { Ok(()) },
    )
    .expect_err("malformed");
    assert!(e.to_string().starts_with("malformed JSON at line 3 column "), "{e}");
}

#[test]
fn top_levels_that_are_not_bundles_are_refused() {
    for (text, reason) in [
        ("[]", "the top level is an array"),
        ("\"bundle\"", "not a JSON object"),
        ("{}", "no `objects` array"),
        (r#"{"objects": {"a": 1}}"#, "must be an array"),
        (r#"{"objects": null}"#, "is null"),
        (r#"{"type":"indicator","id":"indicator--5d0092c5-5f74-4287-9642-33f4c354e56d"}"#, "not a bundle"),
        (r#"{"objects": [], "objects": []}"#, "appears twice"),
    ] {
        match read_all(text, &mut TlpResolver::default()) {
            Err(BundleError::NotABundle { reason: r, .. }) => assert!(r.contains(reason), "{text}: {r}"),
            other => panic!("{text}: expected NotABundle, got {:?}", other.map(|(s, _)| s)),
        }
    }
    match read_all("", &mut TlpResolver::default()) {
        Err(BundleError::Json { message, .. }) => assert!(message.contains("EOF"), "{message}"),
        other => panic!("expected EOF, got {:?}", other.map(|(s, _)| s)),
    }
}

#[test]
fn a_leading_byte_order_mark_is_ignored() {
    let text = format!("\u{feff}{}", bundle(&[sdo("indicator", 1, &[])]));
    assert_eq!(read_ok(&text).0.objects, 1);
}

#[test]
fn the_sink_can_stop_the_read() {
    let objects: Vec<String> = (0..10).map(|n| sdo("indicator", n, &[])).collect();
    let mut seen = 0;
    let got = read_bundle(bundle(&objects).as_bytes(), &mut TlpResolver::default(), |_| {
        seen += 1;
        if seen == 3 { Err("database is gone") } else { Ok(()) }
    });
    match got {
        Err(BundleError::Sink { index, message }) => assert_eq!((index, message.as_str()), (2, "database is gone")),
        other => panic!("expected a sink error, got {other:?}"),
    }
    assert_eq!(seen, 3);
}

#[test]
fn an_object_larger_than_the_limit_is_refused_not_buffered() {
    let big = format!(
        r#"{{"type":"note","spec_version":"2.1","id":"{}","created":"2024-05-01T00:00:00Z","modified":"2024-05-01T00:00:00Z","content":"{}"}}"#,
        sid("note", 1),
        "x".repeat(10_000)
    );
    let text = bundle(&[sdo("note", 0, &[]), big]);
    let mut n = 0;
    let got = read_bundle_limited(text.as_bytes(), 4096, &mut TlpResolver::default(), |_| -> Result<(), String> {
        n += 1;
        Ok(())
    });
    assert!(matches!(got, Err(BundleError::TooLarge { line: 1, limit: 4096, .. })), "{got:?}");
    assert_eq!(n, 1);
    assert_eq!(
        read_bundle_limited(text.as_bytes(), 20_000, &mut TlpResolver::default(), |_| -> Result<(), String> { Ok(()) })
            .expect("fits")
            .objects,
        2
    );
}

/// Hands out at most `step` bytes per read, so every value crosses buffer boundaries.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn reads_split_anywhere_give_the_same_objects() {
    let tricky = format!(
        r#"{{"type":"note","spec_version":"2.1","id":"{}","created":"2024-05-01T00:00:00Z","modified":"2024-05-01T00:00:00Z","content":"a \\\"}}]\\\\ b","n":[1,{{"k":"\\\\"}}],"t":true}}"#,
        sid("note", 50)
    );
    let mut objects: Vec<String> = (0..40).map(|n| sdo("indicator", n, &[tlp::GREEN])).collect();
    objects.insert(7, tricky.clone());
    objects.insert(20, "12.5e3".to_owned());
    let text = bundle(&objects);
    let (expected, _) = read_ok(&text);
    for step in [1, 2, 3, 7, 64, 4093] {
        let mut raws = Vec::new();
        let summary = read_bundle(
            Trickle { data: text.as_bytes(), step },
            &mut TlpResolver::default(),
            |item| -> Result<(), String> {
                raws.push(match item {
                    Ok(o) => o.raw.get().to_owned(),
                    Err(e) => e.pointer,
                });
                Ok(())
            },
        )
        .expect("reads");
        assert_eq!(summary, expected, "step {step}");
        assert_eq!(raws[7], tricky, "step {step}");
        assert_eq!(raws[20], "/objects/20", "step {step}");
        assert_eq!(raws.len(), 42);
    }
}

struct Failing;

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(io::Error::other("disk on fire"))
    }
}

#[test]
fn read_errors_surface_as_io() {
    let got = read_bundle(b"{\"objects\":[".chain(Failing), &mut TlpResolver::default(), |_| -> Result<(), String> {
        Ok(())
    });
    match got {
        Err(BundleError::Io(e)) => assert_eq!(e.to_string(), "disk on fire"),
        other => panic!("expected an I/O error, got {other:?}"),
    }
}

/// A bundle of `total` objects produced on the fly, a few hundred bytes at a time: the whole
/// text never exists in memory, so reading it all proves the reader streams.
struct Generated {
    next: u64,
    total: u64,
    pending: Vec<u8>,
    at: usize,
    closed: bool,
}

impl Generated {
    fn new(total: u64) -> Generated {
        let head = format!(r#"{{"type":"bundle","id":"{}","objects":["#, sid("bundle", 1)).into_bytes();
        Generated { next: 0, total, pending: head, at: 0, closed: false }
    }

    fn refill(&mut self) {
        self.pending.clear();
        self.at = 0;
        if self.next < self.total {
            let sep = if self.next == 0 { "" } else { ",\n" };
            let n = self.next;
            let markings = [tlp::GREEN, tlp::AMBER, tlp::V1_RED][(n % 3) as usize];
            let text = format!(
                r#"{sep}{{"type":"indicator","spec_version":"2.1","id":"{}","created":"2024-01-01T00:00:00.000Z","modified":"2024-01-01T00:00:{:02}.{:03}Z","pattern":"[ipv4-addr:value = '10.{}.{}.{}']","pattern_type":"stix","valid_from":"2024-01-01T00:00:00Z","object_marking_refs":["{markings}"],"description":"generated indicator number {n} with a little text to make it realistic"}}"#,
                sid("indicator", n),
                n % 60,
                n % 1000,
                (n >> 16) & 255,
                (n >> 8) & 255,
                n & 255
            );
            self.pending.extend_from_slice(text.as_bytes());
            self.next += 1;
        } else if !self.closed {
            self.pending.extend_from_slice(b"]}\n");
            self.closed = true;
        }
    }
}

impl Read for Generated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at == self.pending.len() {
            self.refill();
        }
        let n = buf.len().min(self.pending.len() - self.at);
        buf[..n].copy_from_slice(&self.pending[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

#[test]
fn a_generated_bundle_of_200000_objects_streams_through() {
    const TOTAL: u64 = 200_000;
    let mut count = 0u64;
    let mut last_id = String::new();
    let mut tlps = [0u64; 5];
    let summary = read_bundle(Generated::new(TOTAL), &mut TlpResolver::default(), |item| -> Result<(), String> {
        let o = item.map_err(|e| e.to_string())?;
        count += 1;
        if let Some(t) = o.tlp {
            tlps[t as usize] += 1;
        }
        last_id = o.id;
        Ok(())
    })
    .expect("reads");
    assert_eq!((summary.objects, summary.rejected, count), (TOTAL, 0, TOTAL));
    assert_eq!(last_id, sid("indicator", TOTAL - 1));
    assert_eq!(tlps.iter().sum::<u64>(), TOTAL);
    assert_eq!(tlps[Tlp::Red as usize], TOTAL / 3);
}

/// The public datasets: NORMWATCH_TEST_DATA (set by `scripts/test`), else ../shared/data beside
/// the checkout, else /work/shared/data. A missing file fails the test (it never skips).
fn data(rel: &str) -> PathBuf {
    let mut roots = Vec::new();
    if let Ok(d) = std::env::var("NORMWATCH_TEST_DATA")
        && !d.is_empty()
    {
        roots.push(PathBuf::from(d));
    }
    roots.push(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    roots.push(PathBuf::from("/work/shared/data"));
    roots.iter().map(|r| r.join(rel)).find(|p| p.exists()).unwrap_or_else(|| {
        panic!("needs {rel} of the public datasets: set NORMWATCH_TEST_DATA to their folder (`bash scripts/test` finds ../shared/data)")
    })
}

#[test]
fn attack_enterprise_bundle_reads_every_object() {
    let path = data("mitre-attack/enterprise-attack-18.1.json");
    let file = std::fs::File::open(&path).expect("open the ATT&CK bundle");
    let started = std::time::Instant::now();
    let (mut custom_types, mut custom_props, mut bytes) = (0u64, 0u64, 0usize);
    let mut errors = Vec::new();
    let summary = read_bundle(io::BufReader::new(file), &mut TlpResolver::default(), |item| -> Result<(), String> {
        match item {
            Ok(o) => {
                bytes += o.raw.get().len();
                if o.stix_type.starts_with("x-mitre-") {
                    custom_types += 1;
                }
                if o.raw.get().contains("\"x_mitre_") {
                    custom_props += 1;
                }
                assert_eq!(o.spec_version, SpecVersion::V20, "{}", o.id);
            }
            Err(e) => errors.push(e.to_string()),
        }
        Ok(())
    })
    .expect("the ATT&CK bundle reads");
    let secs = started.elapsed().as_secs_f64();
    assert_eq!(errors, Vec::<String>::new());
    assert_eq!((summary.objects, summary.rejected), (24_771, 0));
    assert_eq!(summary.spec_version.as_deref(), Some("2.0"));
    assert_eq!(custom_types, 2_592, "x-mitre-* objects");
    assert!(custom_props > 20_000, "objects with x_mitre_* properties: {custom_props}");
    println!(
        "ATT&CK enterprise: {} objects, {:.1} MB of object text in {:.3} s: {:.0} objects/s",
        summary.objects,
        bytes as f64 / 1e6,
        secs,
        summary.objects as f64 / secs
    );

    // One object compared with an independent parse of the file: the raw text is the same value.
    let whole: serde_json::Value =
        serde_json::from_reader(io::BufReader::new(std::fs::File::open(&path).expect("open"))).expect("parse");
    let first = &whole["objects"][0];
    let mut raw_first = None;
    read_bundle(io::BufReader::new(std::fs::File::open(&path).expect("open")), &mut TlpResolver::default(), |item| {
        if raw_first.is_none() {
            raw_first = Some(item.map_err(|e| e.to_string())?.raw.get().to_owned());
        }
        Err("enough".to_owned())
    })
    .expect_err("stopped after one");
    let reparsed: serde_json::Value = serde_json::from_str(&raw_first.expect("one object")).expect("raw is JSON");
    assert_eq!(&reparsed, first);
}

/// `created_by_ref` is read with the other checked properties (so that storing an object parses
/// its body no more): a string is kept, anything else is no creator, as a reader of the body
/// would find; given twice, the object is refused like any property given twice, since readers
/// that keep the first or the last would disagree about who may version it.
#[test]
fn created_by_ref_is_read_with_the_checks() {
    let object = |n: u64, creator: &str| {
        format!(
            r#"{{"type":"malware","spec_version":"2.1","id":"{}","created":"2024-05-01T00:00:00Z","modified":"2024-05-01T00:00:00Z","is_family":true{creator}}}"#,
            sid("malware", n)
        )
    };
    let (one, two) = (sid("identity", 1), sid("identity", 2));
    let objects = vec![
        object(1, &format!(r#","created_by_ref":"{one}""#)),
        object(2, r#","created_by_ref":7"#),
        object(3, r#","created_by_ref":null"#),
        object(4, &format!(r#","created_by_ref":"{one}","name":"x","created_by_ref":"{two}""#)),
    ];
    let (_, items) = read_ok(&bundle(&objects));
    assert_eq!(ok(&items[0]).created_by_ref, Some(one));
    assert_eq!(ok(&items[1]).created_by_ref, None);
    assert_eq!(ok(&items[2]).created_by_ref, None);
    let twice = err(&items[3]);
    assert!(twice.reason.contains("created_by_ref") && twice.reason.contains("twice"), "{}", twice.reason);
}
