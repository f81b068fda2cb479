//! RFC 8785 JSON Canonicalization Scheme, for the bytes a log leaf commits to. Object members
//! are sorted by their UTF-16 code units; strings use the shortest escapes; numbers must be
//! integers that a double represents exactly (records carry no fractions).
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JcsError {
    #[error("number {0} cannot be canonicalised: records carry integers of at most 2^53")]
    Number(String),
}

pub fn canonical(value: &Value) -> Result<String, JcsError> {
    let mut out = String::new();
    write(value, &mut out, &[])?;
    Ok(out)
}

/// Writes `value`; an object at this level leaves out the members named in `skip`.
fn write(value: &Value, out: &mut String, skip: &[&str]) -> Result<(), JcsError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let exact = n
                .as_i64()
                .filter(|i| i.unsigned_abs() <= 1 << 53)
                .map(|i| i.to_string())
                .or_else(|| n.as_u64().filter(|u| *u <= 1 << 53).map(|u| u.to_string()));
            out.push_str(&exact.ok_or_else(|| JcsError::Number(n.to_string()))?);
        }
        Value::String(s) => string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out, &[])?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().filter(|(k, _)| !skip.contains(&k.as_str())).collect();
            members.sort_by(|a, b| utf16_order(a.0, b.0));
            out.push('{');
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                string(k, out);
                out.push(':');
                write(v, out, &[])?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// RFC 8785 orders members by UTF-16 code units. That is UTF-8 byte order unless a key holds a
/// character outside the Basic Multilingual Plane (a 4-byte UTF-8 sequence), which UTF-16 sorts
/// before U+E000..U+FFFF: only then are the code units compared.
fn utf16_order(a: &str, b: &str) -> std::cmp::Ordering {
    if a.bytes().chain(b.bytes()).any(|x| x >= 0xF0) { a.encode_utf16().cmp(b.encode_utf16()) } else { a.cmp(b) }
}

fn string(s: &str, out: &mut String) {
    out.push('"');
    // Runs that need no escape are copied whole (the common case: prose in records).
    let mut plain = 0;
    for (i, b) in s.bytes().enumerate() {
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            0x08 => "\\b",
            0x09 => "\\t",
            0x0a => "\\n",
            0x0c => "\\f",
            0x0d => "\\r",
            b if b < 0x20 => "",
            _ => continue,
        };
        out.push_str(&s[plain..i]);
        if escape.is_empty() {
            out.push_str(&format!("\\u{b:04x}"));
        } else {
            out.push_str(escape);
        }
        plain = i + 1;
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sorts_members_and_escapes_minimally() {
        let v = json!({"b": 1, "a": {"d": [true, null], "c": "x"}, "\u{20ac}": "€", "\r": "\u{1f}\"/"});
        assert_eq!(
            canonical(&v).expect("jcs"),
            "{\"\\r\":\"\\u001f\\\"/\",\"a\":{\"c\":\"x\",\"d\":[true,null]},\"b\":1,\"€\":\"€\"}"
        );
        assert!(canonical(&json!(1.5)).is_err());
    }

    #[test]
    fn orders_by_utf16_code_units_not_bytes() {
        // U+1F600 is D83D DE00 in UTF-16, before U+FF61; in UTF-8 bytes it comes after.
        let v = json!({"\u{ff61}": 2, "\u{1f600}": 1});
        assert_eq!(canonical(&v).expect("jcs"), "{\"\u{1f600}\":1,\"\u{ff61}\":2}");
    }
}

/// Fields a record carries when it is read but that are not part of what was published: its
/// place in the log, the link to the record it superseded, a score computed from its contents,
/// and a vulnerability's state as its timeline events (records of their own) make it.
pub const DERIVED_FIELDS: [&str; 14] = [
    "log_index",
    "completeness",
    "custody",
    "custody_intact",
    "superseded_by",
    "attribution",
    "reviews",
    "supersedes",
    "score",
    "mitigation_status",
    "acknowledged_on",
    "fixed_on",
    "disclosed_on",
    "days_to_fix",
];

/// The published form of a record: its JSON without the derived fields, canonicalised.
pub fn record_canonical(record: &Value) -> Result<String, JcsError> {
    let mut out = String::new();
    write(record, &mut out, &DERIVED_FIELDS)?;
    Ok(out)
}

/// The bytes of a log leaf for a record: `{"sha256": <hex of SHA-256(record JCS)>, "type": …}`
/// in canonical JSON. The leaf commits to the record's digest rather than its text, so that the
/// log itself can be public while TLP-restricted records stay restricted: whoever holds a record
/// can recompute its leaf.
pub fn leaf_body(kind: &str, record: &Value) -> Result<String, JcsError> {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(record_canonical(record)?.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    canonical(&serde_json::json!({ "type": kind, "sha256": hex }))
}

#[cfg(test)]
mod leaf_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn derived_fields_do_not_change_the_leaf_but_content_does() {
        let record = json!({"id": "p1", "stance": "endorse"});
        let read_back = json!({"id": "p1", "stance": "endorse", "log_index": 4, "supersedes": "p0"});
        assert_eq!(leaf_body("position", &record), leaf_body("position", &read_back));
        assert_ne!(leaf_body("position", &record), leaf_body("position", &json!({"id": "p1", "stance": "reject"})));
        assert_ne!(leaf_body("position", &record), leaf_body("evidence", &record));
        let body = leaf_body("position", &record).expect("leaf");
        assert!(body.starts_with("{\"sha256\":\"") && body.ends_with("\",\"type\":\"position\"}"));
    }
}
