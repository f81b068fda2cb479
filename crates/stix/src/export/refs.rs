//! External references, and ids and times.
use super::*;

pub(super) fn set_refs(o: &mut Map<String, Value>, refs: Vec<Value>) {
    // STIX lists may not be empty.
    if !refs.is_empty() {
        o.insert("external_references".into(), Value::Array(refs));
    }
}

/// A source by its URL; the source's name is the given one or the URL's host.
pub(super) fn url_ref(source_name: Option<&str>, url: &str, description: Option<&str>) -> Value {
    let mut r = Map::new();
    let host = url_host(url);
    let name = source_name.map(str::to_owned).or_else(|| host.clone()).unwrap_or_else(|| "source".into());
    r.insert("source_name".into(), json!(safe_source_name(&name)));
    if host.is_some() {
        r.insert("url".into(), json!(uri_safe(url)));
        if let Some(d) = description.map(str::trim).filter(|d| !d.is_empty()) {
            r.insert("description".into(), json!(d));
        }
    } else {
        // Not a URL a validator accepts: kept as words.
        let d = description.map_or_else(|| url.to_owned(), |d| format!("{d}: {url}"));
        r.insert("description".into(), json!(d));
    }
    Value::Object(r)
}

/// A record's id in another dataset.
pub(super) fn id_ref(dataset: &str, id: &str, url: Option<&str>) -> Value {
    let mut r = match url {
        Some(u) => url_ref(Some(dataset), u, None),
        None => json!({ "source_name": safe_source_name(dataset) }),
    };
    if let Some(o) = r.as_object_mut() {
        // The schema reserves CVE- and CAPEC-shaped ids for the `cve` and `capec` sources.
        let reserved = stix_cve(id) || id.strip_prefix("CAPEC-").is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
        if id.is_empty() {
            o.entry("description").or_insert_with(|| json!(dataset));
        } else if reserved {
            o.insert("description".into(), json!(id));
        } else {
            o.insert("external_id".into(), json!(id));
        }
    }
    r
}

/// Source names `cve` and `capec` demand ids of their shape; other sources may not use them.
pub(super) fn safe_source_name(name: &str) -> String {
    match name.trim() {
        "" => "source".into(),
        n @ ("cve" | "capec") => format!("{n} source"),
        n => n.to_owned(),
    }
}

/// The host of an http(s) URL.
pub(super) fn url_host(url: &str) -> Option<String> {
    let scheme = |p: &str| url.as_bytes().get(..p.len()).is_some_and(|b| b.eq_ignore_ascii_case(p.as_bytes()));
    // The scheme is ASCII, so the rest starts on a character boundary.
    let rest = if scheme("https://") {
        &url[8..]
    } else if scheme("http://") {
        &url[7..]
    } else {
        return None;
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit('@').next().unwrap_or_default();
    let host = if host.starts_with('[') {
        host.split(']').next().map(|h| format!("{h}]")).unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or_default().to_owned()
    };
    (!host.is_empty() && !host.contains(char::is_whitespace)).then(|| host.to_ascii_lowercase())
}

/// A URL as RFC 3986 allows it: characters outside the URI alphabet, a `%` that begins no
/// escape, brackets outside the host and a second `#` are percent-encoded (what browsers do).
pub(super) fn uri_safe(url: &str) -> String {
    let authority_end = url.find("://").map_or(0, |i| {
        let start = i + 3;
        start + url[start..].find(['/', '?', '#']).unwrap_or(url.len() - start)
    });
    let bytes = url.as_bytes();
    let mut out = String::with_capacity(url.len());
    let mut fragment = false;
    for (i, &b) in bytes.iter().enumerate() {
        let keep = match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' => true,
            b'-' | b'.' | b'_' | b'~' | b':' | b'/' | b'?' | b'@' => true,
            b'!' | b'$' | b'&' | b'\'' | b'(' | b')' | b'*' | b'+' | b',' | b';' | b'=' => true,
            b'[' | b']' => i < authority_end,
            b'#' => {
                let first = !fragment;
                fragment = true;
                first
            }
            b'%' => bytes.get(i + 1..i + 3).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)),
            _ => false,
        };
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ----------------------------------------------------------------------------------------------
// Ids and times

/// The creation time in a UUIDv7 (its first 48 bits: Unix milliseconds), at STIX precision.
pub(super) fn uuid7_time(id: &str) -> Option<String> {
    let b = id.as_bytes();
    let shaped = b.len() == 36
        && [8, 13, 18, 23].iter().all(|&i| b[i] == b'-')
        && b[14] == b'7'
        && matches!(b[19], b'8' | b'9' | b'a' | b'b' | b'A' | b'B');
    if !shaped {
        return None;
    }
    let millis = u64::from_str_radix(&format!("{}{}", &id[0..8], &id[9..13]), 16).ok()?;
    let t = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(millis) * 1_000_000).ok()?;
    let f = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    t.format(&f).ok()
}

/// The id of a `file` observable: UUIDv5 in the STIX namespace of the canonical (RFC 8785)
/// JSON of its id-contributing properties, here the SHA-256 and the name (STIX 2.1 §2.9).
pub(super) fn file_id(sha256: &str, name: &str) -> String {
    // Keys in code-point order; serde_json escapes strings as RFC 8785 does.
    let canonical = format!(
        "{{\"hashes\":{{\"SHA-256\":{}}},\"name\":{}}}",
        Value::String(sha256.to_owned()),
        Value::String(name.to_owned())
    );
    let mut h = sha1::Sha1::new();
    h.update(SCO_NAMESPACE);
    h.update(canonical.as_bytes());
    let digest = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&digest[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let x = hex::encode(b);
    format!("file--{}-{}-{}-{}-{}", &x[0..8], &x[8..12], &x[12..16], &x[16..20], &x[20..32])
}
