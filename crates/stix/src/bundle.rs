//! Reading STIX 2.0/2.1 bundles and TAXII 2.1 envelopes one object at a time, and the per-object
//! checks that import and the TAXII POST handler share.
//!
//! Memory stays bounded by the largest single object: a small framing scanner walks the top-level
//! object and its `objects` array and copies exactly one element's bytes at a time; serde_json
//! then validates that element (keeping its text verbatim as a `RawValue`) and a borrowed "head"
//! struct reads the handful of properties checked here. Everything else in an object, including
//! unknown types and properties, is carried through untouched in `raw`.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::io::{self, Read};
use std::marker::PhantomData;

use normwatch_core::Tlp;
use serde::Deserialize;
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::known_tlp;

/// The largest single object (and the largest other top-level value) `read_bundle` accepts; past
/// it the input is refused rather than buffered, so a corrupt or hostile file cannot make the
/// reader hold the rest of the stream as "one object".
pub const MAX_OBJECT_BYTES: usize = 64 * 1024 * 1024;

/// Bytes read from the input at a time.
const CHUNK: usize = 64 * 1024;

/// The STIX 2.1 cyber-observable object types (STIX 2.1 §6); they need neither `created` nor
/// `modified`, and without `spec_version` they are 2.1 rather than 2.0.
pub const SCO_TYPES: [&str; 18] = [
    "artifact",
    "autonomous-system",
    "directory",
    "domain-name",
    "email-addr",
    "email-message",
    "file",
    "ipv4-addr",
    "ipv6-addr",
    "mac-addr",
    "mutex",
    "network-traffic",
    "process",
    "software",
    "url",
    "user-account",
    "windows-registry-key",
    "x509-certificate",
];

/// The STIX 2.0/2.1 SDO, SRO and meta-object types: always versioned with `created`/`modified`.
const VERSIONED_TYPES: [&str; 25] = [
    "attack-pattern",
    "campaign",
    "course-of-action",
    "grouping",
    "identity",
    "incident",
    "indicator",
    "infrastructure",
    "intrusion-set",
    "location",
    "malware",
    "malware-analysis",
    "note",
    "observed-data",
    "opinion",
    "report",
    "threat-actor",
    "tool",
    "vulnerability",
    "relationship",
    "sighting",
    "marking-definition",
    "language-content",
    "extension-definition",
    "bundle",
];

/// Whether `stix_type` is one of the STIX 2.1 cyber-observable types.
pub fn is_sco_type(stix_type: &str) -> bool {
    SCO_TYPES.contains(&stix_type)
}

/// The STIX specification an object follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpecVersion {
    V20,
    V21,
}

impl SpecVersion {
    /// The value written in `spec_version`.
    pub fn name(self) -> &'static str {
        match self {
            SpecVersion::V20 => "2.0",
            SpecVersion::V21 => "2.1",
        }
    }

    pub fn parse(text: &str) -> Option<SpecVersion> {
        match text {
            "2.0" => Some(SpecVersion::V20),
            "2.1" => Some(SpecVersion::V21),
            _ => None,
        }
    }
}

impl fmt::Display for SpecVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One object that passed the checks, with its text exactly as it came.
#[derive(Debug)]
pub struct StixObject {
    /// `<type>--<uuid>`.
    pub id: String,
    pub stix_type: String,
    /// From `spec_version`; without it 2.0, except the STIX 2.1 cyber-observable types, which are
    /// 2.1 (STIX 2.1 §3.2, `spec_version`).
    pub spec_version: SpecVersion,
    /// `created` as written.
    pub created: Option<String>,
    /// The version as written: `modified`, else `created` (marking definitions are versioned by
    /// `created` only), else `None` (2.1 cyber-observables).
    pub modified: Option<String>,
    /// [`Self::modified`] as fixed-width UTC microseconds `YYYY-MM-DDTHH:MM:SS.ffffffZ`, so text
    /// order is time order; `""` when the object is unversioned.
    pub version_key: String,
    pub revoked: bool,
    /// `object_marking_refs`.
    pub marking_refs: Vec<String>,
    /// The `marking_ref` of each entry of `granular_markings` (language-only entries left out).
    pub granular_marking_refs: Vec<String>,
    /// The strictest TLP among the object and granular markings the resolver knew when the
    /// object was read; `None` when none of them is a TLP marking it knows.
    pub tlp: Option<Tlp>,
    /// `created_by_ref` when it is a string (who alone may make new versions, see
    /// [`crate::versioning`]), read here so that no later step parses the body again.
    pub created_by_ref: Option<String>,
    /// The object's bytes exactly as in the input.
    pub raw: Box<RawValue>,
}

impl StixObject {
    pub fn is_sco(&self) -> bool {
        is_sco_type(&self.stix_type)
    }
}

/// Why one object was refused; the rest of the bundle is read on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectError {
    /// Position in the `objects` array, from 0.
    pub index: u64,
    /// The object's `id` when it has one that is a string (even a malformed one).
    pub id: Option<String>,
    /// RFC 6901 pointer into the input at the offending property (also when it is missing), or
    /// at the object itself; `""` for a lone object given to [`check_json`].
    pub pointer: String,
    pub reason: String,
}

impl fmt::Display for ObjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "object {}", self.index)?;
        if let Some(id) = &self.id {
            write!(f, " ({id})")?;
        }
        if !self.pointer.is_empty() {
            write!(f, " at {}", self.pointer)?;
        }
        write!(f, ": {}", self.reason)
    }
}

impl std::error::Error for ObjectError {}

/// Why a whole bundle could not be read on. Objects before the failure were already handed to
/// the sink.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// Not well-formed JSON (1-based line; column in bytes, as serde_json counts).
    #[error("malformed JSON at line {line} column {column}: {message}")]
    Json { line: u64, column: u64, message: String },
    /// Well-formed JSON, but not a bundle or envelope with an `objects` array.
    #[error("not a STIX bundle at line {line} column {column}: {reason}")]
    NotABundle { line: u64, column: u64, reason: String },
    /// One value longer than the reader's limit ([`MAX_OBJECT_BYTES`] by default).
    #[error(
        "the value starting at line {line} column {column} is larger than {limit} bytes; split the object or raise the limit"
    )]
    TooLarge { line: u64, column: u64, limit: usize },
    /// The sink refused an object; reading stopped there.
    #[error("stopped at object {index}: {message}")]
    Sink { index: u64, message: String },
    #[error("reading the bundle: {0}")]
    Io(#[from] io::Error),
}

/// What a whole read saw.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BundleSummary {
    /// Elements of `objects` read, accepted or rejected.
    pub objects: u64,
    /// Elements reported as [`ObjectError`].
    pub rejected: u64,
    /// The bundle's `id` (absent in TAXII envelopes).
    pub bundle_id: Option<String>,
    /// The bundle's own `spec_version` (STIX 2.0 bundles carry one; 2.1 bundles do not).
    pub spec_version: Option<String>,
}

mod reader;
#[cfg(test)]
mod tests;
mod tlp;

pub use reader::{read_bundle, read_bundle_limited};
pub use tlp::{TlpResolver, marking_definition_tlp};

/// The fixed-width key of a STIX timestamp `YYYY-MM-DDTHH:MM:SS[.fraction]Z` (UTC, capital T and
/// Z, any number of fraction digits): `YYYY-MM-DDTHH:MM:SS.ffffffZ`, digits past the sixth
/// dropped, so text order is time order. A leap second (`:60`) reads as `:59.999999`, as the
/// `time` crate reads it. `None` when `text` is not such a timestamp or not a real date.
pub fn timestamp_key(text: &str) -> Option<String> {
    let b = text.as_bytes();
    if b.len() < 20 || b[b.len() - 1] != b'Z' {
        return None;
    }
    let digits = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let seps = b[4] == b'-' && b[7] == b'-' && b[10] == b'T' && b[13] == b':' && b[16] == b':';
    if !seps {
        return None;
    }
    let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
    let (hour, minute, second) = (digits(11..13)?, digits(14..16)?, digits(17..19)?);
    let frac = match &b[19..b.len() - 1] {
        [] => &[][..],
        [b'.', rest @ ..] if !rest.is_empty() && rest.iter().all(u8::is_ascii_digit) => rest,
        _ => return None,
    };
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > month_days || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let mut key = String::with_capacity(27);
    if second == 60 {
        key.push_str(&text[..17]);
        key.push_str("59.999999Z");
        return Some(key);
    }
    key.push_str(&text[..19]);
    key.push('.');
    for i in 0..6 {
        key.push(char::from(frac.get(i).copied().unwrap_or(b'0')));
    }
    key.push('Z');
    Some(key)
}

/// Whether `text` is a STIX type name: 3–250 characters of a–z, 0–9 and '-', not starting or
/// ending with '-' (STIX 2.1 §3.1, `type`; custom types such as `x-mitre-tactic` included).
fn valid_type(text: &str) -> bool {
    (3..=250).contains(&text.len())
        && text.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-')
}

/// Whether `text` is a UUID in its 8-4-4-4-12 hex form. Any version: STIX 2.1 wants v4 for
/// SDOs/SROs, but producers such as OpenCTI use deterministic v5 ids and their objects must
/// still import.
fn valid_uuid(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 36
        && b.iter()
            .enumerate()
            .all(|(i, &c)| if matches!(i, 8 | 13 | 18 | 23) { c == b'-' } else { c.is_ascii_hexdigit() })
}

/// Whether `text` is `<stix_type>--<UUID>`.
fn valid_id_of(text: &str, stix_type: &str) -> bool {
    text.strip_prefix(stix_type).and_then(|r| r.strip_prefix("--")).is_some_and(valid_uuid)
}

/// One property read leniently, so a wrong JSON type becomes a precise per-object error rather
/// than a failed parse. Strings borrow from the object's text where they have no escapes.
#[derive(Debug, Default)]
enum Prop<'a> {
    #[default]
    Absent,
    Null,
    Bool(bool),
    Number,
    Str(Cow<'a, str>),
    List(Vec<Prop<'a>>),
    Map(Vec<(Cow<'a, str>, Prop<'a>)>),
}

impl<'a> Prop<'a> {
    /// "a number", "an array", … for messages.
    fn kind(&self) -> &'static str {
        match self {
            Prop::Absent => "nothing",
            Prop::Null => "null",
            Prop::Bool(_) => "a boolean",
            Prop::Number => "a number",
            Prop::Str(_) => "a string",
            Prop::List(_) => "an array",
            Prop::Map(_) => "an object",
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Prop::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Prop<'a> {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(PropVisitor(PhantomData))
    }
}

struct PropVisitor<'a>(PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for PropVisitor<'a> {
    type Value = Prop<'a>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Prop<'a>, E> {
        Ok(Prop::Bool(v))
    }
    fn visit_i64<E>(self, _: i64) -> Result<Prop<'a>, E> {
        Ok(Prop::Number)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Prop<'a>, E> {
        Ok(Prop::Number)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Prop<'a>, E> {
        Ok(Prop::Number)
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Prop<'a>, E> {
        Ok(Prop::Str(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Prop<'a>, E> {
        Ok(Prop::Str(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Prop<'a>, E> {
        Ok(Prop::Str(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Prop<'a>, E> {
        Ok(Prop::Null)
    }
    fn visit_none<E>(self) -> Result<Prop<'a>, E> {
        Ok(Prop::Null)
    }
    fn visit_some<D: de::Deserializer<'de>>(self, d: D) -> Result<Prop<'a>, D::Error> {
        Prop::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Prop<'a>, A::Error> {
        let mut items = Vec::new();
        while let Some(p) = seq.next_element::<Prop<'a>>()? {
            items.push(p);
        }
        Ok(Prop::List(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Prop<'a>, A::Error> {
        let mut entries = Vec::new();
        while let Some(k) = map.next_key::<Prop<'a>>()? {
            let v = map.next_value::<Prop<'a>>()?;
            if let Prop::Str(k) = k {
                entries.push((k, v));
            }
        }
        Ok(Prop::Map(entries))
    }
}

/// The properties the checks read; serde skips all others without building them.
#[derive(Deserialize, Default)]
#[serde(default)]
struct Head<'a> {
    #[serde(rename = "type", borrow)]
    stix_type: Prop<'a>,
    #[serde(borrow)]
    id: Prop<'a>,
    #[serde(borrow)]
    spec_version: Prop<'a>,
    #[serde(borrow)]
    created: Prop<'a>,
    #[serde(borrow)]
    modified: Prop<'a>,
    #[serde(borrow)]
    revoked: Prop<'a>,
    #[serde(borrow)]
    object_marking_refs: Prop<'a>,
    #[serde(borrow)]
    granular_markings: Prop<'a>,
    #[serde(borrow)]
    created_by_ref: Prop<'a>,
}

/// The text of a serde_json error without its " at line L column C" tail (callers place it).
fn bare_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// Checks one object given as its verbatim JSON text (already well-formed JSON; `pointer` is
/// where it sits in the input, e.g. `/objects/17`) and, for a marking definition, teaches
/// `resolver` its TLP level. The bundle reader and the TAXII POST handler both land here.
pub fn check_object(
    raw: Box<RawValue>,
    index: u64,
    pointer: &str,
    resolver: &mut TlpResolver,
) -> Result<StixObject, ObjectError> {
    let text = raw.get();
    // `at` is the offending property's path below the object ("" for the object itself); the
    // reason then starts with that property's name.
    let fail = |id: Option<&str>, at: &str, reason: String| ObjectError {
        index,
        id: id.map(str::to_owned),
        pointer: if at.is_empty() { pointer.to_owned() } else { format!("{pointer}/{at}") },
        reason: if at.is_empty() { reason } else { format!("`{}` {reason}", property_label(at)) },
    };
    if !text.starts_with('{') {
        let kind = match text.as_bytes().first() {
            Some(b'[') => "an array",
            Some(b'"') => "a string",
            Some(b'n') => "null",
            Some(b't' | b'f') => "a boolean",
            _ => "a number",
        };
        return Err(fail(
            None,
            "",
            format!("the element is {kind}; each element of `objects` must be a STIX object (a JSON object)"),
        ));
    }
    let head: Head<'_> = serde_json::from_str(text).map_err(|e| {
        let msg = bare_message(&e);
        let reason = match msg.strip_prefix("duplicate field ") {
            Some(name) => format!("property {name} appears twice; keep one"),
            None => msg,
        };
        fail(None, "", reason)
    })?;
    let id_text = head.id.as_str();

    // `type`
    let stix_type = match &head.stix_type {
        Prop::Str(t) if valid_type(t) => t.as_ref(),
        Prop::Str(t) => {
            return Err(fail(
                id_text,
                "type",
                format!(
                    "\"{t}\" is not a STIX type: use 3–250 characters of a–z, 0–9 and '-', not starting or ending with '-'"
                ),
            ));
        }
        Prop::Absent => return Err(fail(id_text, "type", "is missing: every STIX object needs one".into())),
        other => return Err(fail(id_text, "type", format!("must be a string, not {}", other.kind()))),
    };

    // `id`
    let id = match &head.id {
        Prop::Str(i) if valid_id_of(i, stix_type) => i.as_ref(),
        Prop::Str(i) => {
            return Err(fail(
                id_text,
                "id",
                format!(
                    "\"{i}\" is not `{stix_type}--<UUID>`: the id must be the object's type, \"--\", and a UUID (8-4-4-4-12 hex digits)"
                ),
            ));
        }
        Prop::Absent => {
            return Err(fail(None, "id", format!("is missing: give the object an id `{stix_type}--<UUID>`")));
        }
        other => return Err(fail(None, "id", format!("must be a string `{stix_type}--<UUID>`, not {}", other.kind()))),
    };
    let some_id = Some(id);
    let sco = is_sco_type(stix_type);

    // `spec_version`: absent means 2.0, except for 2.1's top-level cyber-observables.
    let spec_version = match &head.spec_version {
        Prop::Absent if sco => SpecVersion::V21,
        Prop::Absent => SpecVersion::V20,
        Prop::Str(v) => SpecVersion::parse(v).ok_or_else(|| {
            fail(some_id, "spec_version", format!("\"{v}\" is not a supported STIX version: use \"2.1\" (or \"2.0\")"))
        })?,
        other => {
            return Err(fail(some_id, "spec_version", format!("must be the string \"2.1\", not {}", other.kind())));
        }
    };

    // `created` / `modified`
    let timestamp = |prop: &Prop<'_>, name: &str| -> Result<Option<(String, String)>, ObjectError> {
        match prop {
            Prop::Absent => Ok(None),
            Prop::Str(t) => match timestamp_key(t) {
                Some(key) => Ok(Some((t.to_string(), key))),
                None => Err(fail(
                    some_id,
                    name,
                    format!(
                        "\"{t}\" is not a STIX timestamp: write it in UTC as YYYY-MM-DDTHH:MM:SS[.sss]Z, e.g. 2024-05-01T10:00:00.000Z"
                    ),
                )),
            },
            other => Err(fail(some_id, name, format!("must be a timestamp string, not {}", other.kind()))),
        }
    };
    let created = timestamp(&head.created, "created")?;
    let modified = timestamp(&head.modified, "modified")?;
    // A 2.1 object of a type nobody registered here that carries neither timestamp is read as a
    // custom cyber-observable (which STIX 2.1 leaves unversioned), not refused.
    let custom_sco = spec_version == SpecVersion::V21
        && !VERSIONED_TYPES.contains(&stix_type)
        && created.is_none()
        && modified.is_none();
    if !sco && !custom_sco {
        if created.is_none() {
            return Err(fail(
                some_id,
                "created",
                format!("is missing: a `{stix_type}` needs one (a UTC timestamp such as 2024-05-01T10:00:00.000Z)"),
            ));
        }
        if modified.is_none() && stix_type != "marking-definition" {
            return Err(fail(
                some_id,
                "modified",
                format!("is missing: a `{stix_type}` needs one (its version; equal to `created` for a first version)"),
            ));
        }
    }
    if let (Some((c, ck)), Some((m, mk))) = (&created, &modified)
        && mk < ck
    {
        return Err(fail(
            some_id,
            "modified",
            format!("{m} is earlier than `created` {c}: `modified` must be at or after `created`"),
        ));
    }

    // `revoked`
    let revoked = match head.revoked {
        Prop::Absent => false,
        Prop::Bool(b) => b,
        other => return Err(fail(some_id, "revoked", format!("must be true or false, not {}", other.kind()))),
    };

    // Markings
    let marking_ref = |p: &Prop<'_>, at: String| -> Result<String, ObjectError> {
        match p {
            Prop::Str(r) if valid_id_of(r, "marking-definition") => Ok(r.to_string()),
            Prop::Str(r) => {
                Err(fail(some_id, &at, format!("\"{r}\" is not a marking-definition id `marking-definition--<UUID>`")))
            }
            other => Err(fail(some_id, &at, format!("must be a marking-definition id, not {}", other.kind()))),
        }
    };
    let marking_refs = match &head.object_marking_refs {
        Prop::Absent => Vec::new(),
        Prop::List(items) => items
            .iter()
            .enumerate()
            .map(|(i, p)| marking_ref(p, format!("object_marking_refs/{i}")))
            .collect::<Result<_, _>>()?,
        other => {
            return Err(fail(
                some_id,
                "object_marking_refs",
                format!("must be an array of marking-definition ids, not {}", other.kind()),
            ));
        }
    };
    let mut granular_marking_refs = Vec::new();
    match &head.granular_markings {
        Prop::Absent => {}
        Prop::List(items) => {
            for (i, item) in items.iter().enumerate() {
                let Prop::Map(entries) = item else {
                    return Err(fail(
                        some_id,
                        &format!("granular_markings/{i}"),
                        format!("must be a granular marking object, not {}", item.kind()),
                    ));
                };
                // Entries carrying `lang` instead of `marking_ref` mark language, not handling.
                if let Some((_, r)) = entries.iter().find(|(k, _)| k == "marking_ref") {
                    granular_marking_refs.push(marking_ref(r, format!("granular_markings/{i}/marking_ref"))?);
                }
            }
        }
        other => {
            return Err(fail(
                some_id,
                "granular_markings",
                format!("must be an array of granular markings, not {}", other.kind()),
            ));
        }
    }

    if stix_type == "marking-definition" {
        // Marking definitions are few; reading one fully keeps the vendor forms in one place.
        if let Ok(value) = serde_json::from_str::<Value>(text) {
            resolver.learn(&value);
        }
    }
    let tlp = resolver.resolve(&marking_refs).max(resolver.resolve(&granular_marking_refs));

    // Without `modified` (marking definitions have none) the version is `created`.
    let version = modified.or_else(|| created.clone());
    let created = created.map(|(c, _)| c);
    let (modified, version_key) = match version {
        Some((m, k)) => (Some(m), k),
        None => (None, String::new()),
    };
    Ok(StixObject {
        id: id.to_owned(),
        stix_type: stix_type.to_owned(),
        spec_version,
        created,
        modified,
        version_key,
        revoked,
        marking_refs,
        granular_marking_refs,
        tlp,
        created_by_ref: head.created_by_ref.as_str().map(str::to_owned),
        raw,
    })
}

/// `object_marking_refs[1]` for the pointer tail `object_marking_refs/1`.
fn property_label(at: &str) -> String {
    let mut label = String::new();
    for part in at.split('/') {
        if !label.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) {
            label.push('[');
            label.push_str(part);
            label.push(']');
        } else {
            if !label.is_empty() {
                label.push('.');
            }
            label.push_str(part);
        }
    }
    label
}

/// Checks one object given as JSON text (surrounding whitespace allowed), e.g. a single object
/// from an API; index 0, pointer `""`.
pub fn check_json(text: &str, resolver: &mut TlpResolver) -> Result<StixObject, ObjectError> {
    let raw: Box<RawValue> = serde_json::from_str(text).map_err(|e| ObjectError {
        index: 0,
        id: None,
        pointer: String::new(),
        reason: format!("malformed JSON at line {} column {}: {}", e.line(), e.column(), bare_message(&e)),
    })?;
    check_object(raw, 0, "", resolver)
}
