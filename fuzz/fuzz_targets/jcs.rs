//! RFC 8785 canonical JSON: for any JSON the encoder accepts, its output is JSON meaning the
//! same value, and canonicalising that output gives it back unchanged (idempotence). A refusal
//! is only ever for a number outside the integers a double holds exactly.
#![no_main]
use libfuzzer_sys::fuzz_target;
use normwatch_ledger::jcs::{canonical, leaf_body, record_canonical};
use serde_json::Value;

/// Whether `v` holds a number the encoder refuses: a fraction, an exponent form, or an integer
/// beyond 2^53 in magnitude.
fn has_inexact_number(v: &Value) -> bool {
    match v {
        Value::Number(n) => {
            !(n.as_i64().is_some_and(|i| i.unsigned_abs() <= 1 << 53) || n.as_u64().is_some_and(|u| u <= 1 << 53))
        }
        Value::Array(items) => items.iter().any(has_inexact_number),
        Value::Object(map) => map.values().any(has_inexact_number),
        _ => false,
    }
}

fn whitespace_outside_strings(text: &str) -> bool {
    let (mut in_string, mut escaped) = (false, false);
    for c in text.chars() {
        match (in_string, escaped, c) {
            (true, true, _) => escaped = false,
            (true, false, '\\') => escaped = true,
            (true, false, '"') | (false, _, '"') => in_string = !in_string,
            (false, _, ' ' | '\n' | '\r' | '\t') => return true,
            _ => {}
        }
    }
    false
}

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<Value>(data) else { return };
    match canonical(&value) {
        Ok(text) => {
            let reparsed: Value = serde_json::from_str(&text).expect("canonical output is JSON");
            assert_eq!(reparsed, value, "canonical output means the same value");
            assert_eq!(canonical(&reparsed).as_ref(), Ok(&text), "canonicalising is idempotent");
            assert!(!whitespace_outside_strings(&text), "no whitespace between tokens: {text}");
            assert!(record_canonical(&value).is_ok());
            assert!(leaf_body("fuzz", &value).is_ok());
        }
        Err(_) => assert!(has_inexact_number(&value), "refused without an inexact number"),
    }
});
