use super::reader::Pos;
use super::tlp::{tlp_label, tlp_level};
use super::*;

#[test]
fn timestamp_keys_are_fixed_width_and_strict() {
    assert_eq!(timestamp_key("2024-05-01T10:00:00Z").as_deref(), Some("2024-05-01T10:00:00.000000Z"));
    assert_eq!(timestamp_key("2024-05-01T10:00:00.1Z").as_deref(), Some("2024-05-01T10:00:00.100000Z"));
    assert_eq!(timestamp_key("2024-05-01T10:00:00.123456789Z").as_deref(), Some("2024-05-01T10:00:00.123456Z"));
    assert_eq!(timestamp_key("2024-02-29T00:00:00.000Z").as_deref(), Some("2024-02-29T00:00:00.000000Z"));
    assert_eq!(timestamp_key("2016-12-31T23:59:60Z").as_deref(), Some("2016-12-31T23:59:59.999999Z"));
    for bad in [
        "2023-02-29T00:00:00Z",
        "2024-13-01T00:00:00Z",
        "2024-04-31T00:00:00Z",
        "2024-05-01T24:00:00Z",
        "2024-05-01T10:00:00",
        "2024-05-01T10:00:00+00:00",
        "2024-05-01t10:00:00z",
        "2024-05-01 10:00:00Z",
        "2024-05-01T10:00:00.Z",
        "2024-05-01T10:00:0xZ",
        "2024-05-01",
        "",
    ] {
        assert_eq!(timestamp_key(bad), None, "{bad}");
    }
}

/// The key must be what the `time` crate makes of the same instant (the store derives TAXII
/// filter keys that way), and text order must be time order.
#[test]
fn timestamp_keys_agree_with_time_crate() {
    use time::format_description::well_known::Rfc3339;
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    let samples = [
        "1999-12-31T23:59:59.999999Z",
        "2000-01-01T00:00:00Z",
        "2017-06-01T00:00:00.000Z",
        "2020-02-29T12:34:56.7Z",
        "2024-05-01T10:00:00.123456789Z",
        "2025-10-28T14:45:12.250Z",
    ];
    let mut keys = Vec::new();
    for s in samples {
        let t = time::OffsetDateTime::parse(s, &Rfc3339).expect("valid sample");
        let key = timestamp_key(s).expect("accepted");
        assert_eq!(key, t.format(&fmt).expect("formats"), "{s}");
        keys.push((t, key));
    }
    for w in keys.windows(2) {
        assert!(w[0].0 < w[1].0 && w[0].1 < w[1].1);
    }
}

#[test]
fn type_and_id_rules() {
    assert!(valid_type("x-mitre-tactic"));
    assert!(valid_type("ipv4-addr"));
    assert!(!valid_type("ab"));
    assert!(!valid_type("Indicator"));
    assert!(!valid_type("-indicator"));
    assert!(!valid_type("indicator-"));
    assert!(!valid_type("x_foo"));
    assert!(!valid_type(&"a".repeat(251)));
    assert!(valid_id_of("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "indicator"));
    assert!(!valid_id_of("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3", "indicator"));
    assert!(!valid_id_of("malware--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "indicator"));
    assert!(!valid_id_of("indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "indicator"));
    assert!(!valid_id_of("indicator--8e2e2d2b17d4-4cbf-938f-98ee46b3cd3f0", "indicator"));
}

#[test]
fn tlp_words_and_labels() {
    assert_eq!(tlp_level("white"), Some(Tlp::Clear));
    assert_eq!(tlp_level("TLP:AMBER+STRICT"), Some(Tlp::AmberStrict));
    assert_eq!(tlp_level(" tlp:green "), Some(Tlp::Green));
    assert_eq!(tlp_level("purple"), None);
    assert_eq!(tlp_label("TLP:RED"), Some(Tlp::Red));
    assert_eq!(tlp_label("tlp:amber"), Some(Tlp::Amber));
    assert_eq!(tlp_label("Red"), None);
    assert_eq!(tlp_label("PAP:RED"), None);
    assert_eq!(tlp_label("TLP:EX:CHR"), None);
}

#[test]
fn positions_inside_a_value_map_to_the_input() {
    let start = Pos { line: 3, column: 5 };
    let p = start.within(1, 4);
    assert_eq!((p.line, p.column), (3, 8));
    let p = start.within(2, 7);
    assert_eq!((p.line, p.column), (4, 7));
    let p = start.advance(b"ab\ncd\nef");
    assert_eq!((p.line, p.column), (5, 3));
    let p = start.advance(b"abc");
    assert_eq!((p.line, p.column), (3, 8));
}

#[test]
fn errors_name_object_id_and_pointer() {
    let e = ObjectError {
        index: 17,
        id: Some("indicator--x".into()),
        pointer: "/objects/17/modified".into(),
        reason: "bad".into(),
    };
    assert_eq!(e.to_string(), "object 17 (indicator--x) at /objects/17/modified: bad");
    let e = ObjectError { index: 2, id: None, pointer: "/objects/2".into(), reason: "bad".into() };
    assert_eq!(e.to_string(), "object 2 at /objects/2: bad");
    assert_eq!(property_label("granular_markings/1/marking_ref"), "granular_markings[1].marking_ref");
    assert_eq!(property_label("created"), "created");
}
