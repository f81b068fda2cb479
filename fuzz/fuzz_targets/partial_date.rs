//! Partial dates (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`): whatever parses is kept verbatim, parses
//! again to the same date, agrees with its precision, year and earliest day, and reads back
//! unchanged through JSON (where it is a string checked on the way in).
#![no_main]
use libfuzzer_sys::fuzz_target;
use normwatch_core::incident::{DatePrecision, PartialDate};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let parsed = PartialDate::parse(text);
    let via_json: Result<PartialDate, _> = serde_json::from_value(serde_json::Value::String(text.to_owned()));
    assert_eq!(parsed.is_ok(), via_json.is_ok(), "parse and deserialise agree on {text:?}");
    let Ok(date) = parsed else { return };
    assert_eq!(date.as_str(), text);
    assert_eq!(PartialDate::parse(date.as_str()).as_ref(), Ok(&date));
    assert_eq!(via_json.as_ref().ok(), Some(&date));
    let year: i32 = text[..4].parse().expect("four digits");
    assert_eq!(date.year(), year);
    assert!((1970..=2999).contains(&year));
    let earliest = date.earliest_day();
    let day = PartialDate::parse(&earliest).expect("the earliest day is a date");
    assert_eq!(day.precision(), DatePrecision::Day);
    assert!(earliest.starts_with(text));
    assert_eq!(date.day().is_some(), date.precision() == DatePrecision::Day);
    match date.precision() {
        DatePrecision::Year => assert_eq!(text.len(), 4),
        DatePrecision::Month => assert_eq!(text.len(), 7),
        DatePrecision::Day => assert_eq!(text.len(), 10),
    }
    let json = serde_json::to_string(&date).expect("serialises");
    assert_eq!(serde_json::from_str::<PartialDate>(&json).ok().as_ref(), Some(&date));
});
