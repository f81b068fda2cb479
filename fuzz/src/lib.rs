//! What the fuzz targets share: the embedded catalogue, a fixed "today" (so that a crash
//! reproduces on any day), and serde round-trip checks.
use normwatch_core::Catalog;
use serde_json::Value;
use std::sync::OnceLock;

/// The catalogue the binary is built with, parsed once per process.
pub fn catalog() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::embedded().expect("the embedded catalogue is valid"))
}

/// A fixed day to validate against.
pub fn today() -> time::Date {
    time::Date::from_calendar_date(2026, time::Month::June, 1).expect("a real date")
}

/// What is stored as JSON must read back as the same value: through a `Value` (as the API's
/// records are built) and through text (as the store keeps them).
pub fn assert_serde_round_trip<T>(value: &T)
where
    T: serde::Serialize + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
{
    let json: Value = serde_json::to_value(value).expect("serialises to a JSON value");
    let back: T = serde_json::from_value(json).expect("its JSON value deserialises");
    assert_eq!(&back, value, "JSON value round trip");
    let text = serde_json::to_string(value).expect("serialises to JSON text");
    let back: T = serde_json::from_str(&text).expect("its JSON text deserialises");
    assert_eq!(&back, value, "JSON text round trip");
}
