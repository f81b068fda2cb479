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

/// Which marking-definition ids stand for which TLP level: the TLP 1.0 and 2.0 ids always, plus
/// marking definitions learnt as they stream past (or inserted by the caller, e.g. ones already
/// stored). Only definitions read before an object count for it: a bundle that lists its custom
/// TLP marking after the objects using it leaves those objects' `tlp` at `None`.
#[derive(Debug, Default, Clone)]
pub struct TlpResolver {
    learned: HashMap<String, Tlp>,
}

impl TlpResolver {
    pub fn new() -> TlpResolver {
        TlpResolver::default()
    }

    /// Records that `marking_id` stands for `tlp`.
    pub fn insert(&mut self, marking_id: impl Into<String>, tlp: Tlp) {
        self.learned.insert(marking_id.into(), tlp);
    }

    /// Learns from one marking-definition object (already checked); returns the level it
    /// stands for, if it is a TLP marking.
    pub fn learn(&mut self, marking: &Value) -> Option<Tlp> {
        let id = marking.get("id").and_then(Value::as_str)?;
        let tlp = marking_definition_tlp(marking)?;
        self.learned.insert(id.to_owned(), tlp);
        Some(tlp)
    }

    /// The level one marking-definition id stands for; the well-known ids win over anything a
    /// bundle claims for them.
    pub fn get(&self, marking_id: &str) -> Option<Tlp> {
        known_tlp(marking_id).or_else(|| self.learned.get(marking_id).copied())
    }

    /// The strictest TLP level among `refs`; `None` when none is a known TLP marking.
    pub fn resolve(&self, refs: &[String]) -> Option<Tlp> {
        refs.iter().filter_map(|r| self.get(r)).max()
    }

    /// How many marking definitions were learnt or inserted.
    pub fn learned(&self) -> usize {
        self.learned.len()
    }
}

/// The TLP level a marking-definition object stands for, in the forms seen in the wild:
/// the TLP 2.0 property extension (`"tlp_2_0": "amber+strict"`), STIX `definition_type: "tlp"`
/// with `definition: {"tlp": "white"}`, OpenCTI's `definition_type: "TLP"` with
/// `definition: "TLP:AMBER"`, `definition_type: "TLP:RED"`, a MISP statement `"tlp:amber"`, and
/// finally a name such as "TLP:GREEN" or "tlp:amber+strict". WHITE reads as CLEAR.
pub fn marking_definition_tlp(marking: &Value) -> Option<Tlp> {
    if let Some(exts) = marking.get("extensions").and_then(Value::as_object) {
        let level = exts.values().filter_map(|e| e.get("tlp_2_0")?.as_str()).find_map(tlp_level);
        if level.is_some() {
            return level;
        }
    }
    let def_type = marking.get("definition_type").and_then(Value::as_str);
    let def = marking.get("definition");
    if def_type.is_some_and(|t| t.trim().eq_ignore_ascii_case("tlp")) {
        let level = match def {
            Some(Value::Object(o)) => {
                o.iter().find(|(k, _)| k.eq_ignore_ascii_case("tlp")).and_then(|(_, v)| v.as_str()).and_then(tlp_level)
            }
            Some(Value::String(s)) => tlp_level(s),
            _ => None,
        };
        if level.is_some() {
            return level;
        }
    }
    def_type
        .and_then(tlp_label)
        .or_else(|| def.and_then(Value::as_str).and_then(tlp_label))
        .or_else(|| def.and_then(|d| d.get("statement")).and_then(Value::as_str).and_then(tlp_label))
        .or_else(|| marking.get("name").and_then(Value::as_str).and_then(tlp_label))
}

/// A TLP level written with or without the "TLP:" prefix: "amber", "TLP:AMBER+STRICT", "white".
fn tlp_level(text: &str) -> Option<Tlp> {
    let lower = text.trim().to_ascii_lowercase();
    let word = match lower.strip_prefix("tlp") {
        Some(rest) if rest.starts_with([':', ' ', '_', '-']) => rest.trim_start_matches([':', ' ', '_', '-']),
        _ => lower.as_str(),
    };
    Some(match word.trim() {
        "clear" | "white" => Tlp::Clear,
        "green" => Tlp::Green,
        "amber" => Tlp::Amber,
        "amber+strict" | "amber strict" | "amber_strict" | "amber-strict" => Tlp::AmberStrict,
        "red" => Tlp::Red,
        _ => return None,
    })
}

/// A label naming a TLP level: it must carry the "TLP" prefix ("TLP:GREEN", "tlp:amber"), so a
/// marking merely named "Red team" is not taken for TLP:RED.
fn tlp_label(text: &str) -> Option<Tlp> {
    let t = text.trim();
    let prefixed = t.len() > 4 && t.is_char_boundary(3) && t[..3].eq_ignore_ascii_case("tlp");
    if prefixed { tlp_level(t) } else { None }
}

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

/// Streams a STIX 2.1 or 2.0 bundle, or a TAXII 2.1 envelope (`{"objects": [...]}`, `more` and
/// `next` ignored), from `reader`, one object at a time, never holding more than the largest
/// single object. Each object is checked; accepted objects and per-object errors go to `sink` in
/// input order, and a bad object is reported while the rest go on. The top-level keys may come
/// in any order. `sink` returning `Err` stops the read with [`BundleError::Sink`].
pub fn read_bundle<R: Read, E: fmt::Display>(
    reader: R,
    resolver: &mut TlpResolver,
    sink: impl FnMut(Result<StixObject, ObjectError>) -> Result<(), E>,
) -> Result<BundleSummary, BundleError> {
    read_bundle_limited(reader, MAX_OBJECT_BYTES, resolver, sink)
}

/// [`read_bundle`] with a different limit on the size of one object (in bytes).
pub fn read_bundle_limited<R: Read, E: fmt::Display>(
    reader: R,
    max_object_bytes: usize,
    resolver: &mut TlpResolver,
    sink: impl FnMut(Result<StixObject, ObjectError>) -> Result<(), E>,
) -> Result<BundleSummary, BundleError> {
    let mut r = BundleReader {
        scan: Scanner::new(reader),
        limit: max_object_bytes,
        resolver,
        sink,
        summary: BundleSummary::default(),
        buf: Vec::new(),
        _err: PhantomData,
    };
    r.run()?;
    Ok(r.summary)
}

/// A place in the input: 1-based line, 1-based column in bytes.
#[derive(Debug, Clone, Copy)]
struct Pos {
    line: u64,
    column: u64,
}

impl Pos {
    /// The place `offset` bytes into `text`, which starts here.
    fn advance(self, text: &[u8]) -> Pos {
        match text.iter().rposition(|&b| b == b'\n') {
            None => Pos { line: self.line, column: self.column + text.len() as u64 },
            Some(last) => Pos {
                line: self.line + text.iter().filter(|&&b| b == b'\n').count() as u64,
                column: (text.len() - last) as u64,
            },
        }
    }

    /// Where serde_json's 1-based (line, column) inside a value starting here falls.
    fn within(self, line: usize, column: usize) -> Pos {
        if line <= 1 {
            Pos { line: self.line, column: self.column + (column as u64).saturating_sub(1) }
        } else {
            Pos { line: self.line + line as u64 - 1, column: column as u64 }
        }
    }
}

/// Why capturing one value stopped early.
enum Stop {
    Eof,
    TooLarge,
    Io(io::Error),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Stop {
        Stop::Io(e)
    }
}

/// A buffered byte reader that knows its line and column and can copy out one JSON value by
/// framing alone (strings, escapes, bracket depth); serde_json validates the copy afterwards.
struct Scanner<R> {
    reader: R,
    buf: Vec<u8>,
    pos: usize,
    len: usize,
    /// Absolute offset of `buf[0]`.
    base: u64,
    /// `buf[..counted]` is already reflected in `line` / `line_start`.
    counted: usize,
    line: u64,
    /// Absolute offset of the first byte of `line`.
    line_start: u64,
}

impl<R: Read> Scanner<R> {
    fn new(reader: R) -> Scanner<R> {
        Scanner { reader, buf: vec![0; CHUNK], pos: 0, len: 0, base: 0, counted: 0, line: 1, line_start: 0 }
    }

    /// Brings line accounting up to `upto` (newlines are counted once each, lazily, so the hot
    /// copying loop need not look for them).
    fn count_lines(&mut self, upto: usize) {
        let seg = &self.buf[self.counted..upto];
        if let Some(last) = memchr::memrchr(b'\n', seg) {
            self.line += memchr::memchr_iter(b'\n', seg).count() as u64;
            self.line_start = self.base + (self.counted + last + 1) as u64;
        }
        self.counted = upto;
    }

    /// Reads the next chunk once the current one is used up; `false` at the end of the input.
    fn fill(&mut self) -> io::Result<bool> {
        self.count_lines(self.len);
        self.base += self.len as u64;
        self.pos = 0;
        self.len = 0;
        self.counted = 0;
        loop {
            match self.reader.read(&mut self.buf) {
                Ok(n) => {
                    self.len = n;
                    return Ok(n > 0);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    fn peek(&mut self) -> io::Result<Option<u8>> {
        if self.pos == self.len && !self.fill()? {
            return Ok(None);
        }
        Ok(Some(self.buf[self.pos]))
    }

    /// Steps over the byte `peek` returned.
    fn bump(&mut self) {
        self.pos += 1;
    }

    fn skip_ws(&mut self) -> io::Result<Option<u8>> {
        loop {
            match self.peek()? {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                other => return Ok(other),
            }
        }
    }

    /// Where the next byte sits.
    fn position(&mut self) -> Pos {
        self.count_lines(self.pos);
        Pos { line: self.line, column: self.base + self.pos as u64 - self.line_start + 1 }
    }

    /// Appends the bytes of the JSON value starting at the next byte to `out`. Framing only: a
    /// string ends at its unescaped quote, an object or array where its depth returns to zero,
    /// a literal or number at the first byte that cannot belong to one.
    fn capture(&mut self, out: &mut Vec<u8>, limit: usize) -> Result<(), Stop> {
        let Some(first) = self.peek()? else { return Err(Stop::Eof) };
        if !matches!(first, b'{' | b'[' | b'"') {
            return self.capture_scalar(out, limit);
        }
        let (mut depth, mut in_str, mut esc) = (0usize, false, false);
        loop {
            if self.pos == self.len && !self.fill()? {
                return Err(Stop::Eof);
            }
            let chunk = &self.buf[self.pos..self.len];
            let mut used = chunk.len();
            let mut done = false;
            let mut i = 0;
            while i < chunk.len() {
                if in_str {
                    if esc {
                        esc = false;
                        i += 1;
                        continue;
                    }
                    // Most of a STIX object is string text: jump to the next quote or backslash.
                    match memchr::memchr2(b'"', b'\\', &chunk[i..]) {
                        None => i = chunk.len(),
                        Some(n) => {
                            i += n + 1;
                            if chunk[i - 1] == b'\\' {
                                esc = true;
                            } else {
                                in_str = false;
                                if depth == 0 {
                                    (used, done) = (i, true);
                                    break;
                                }
                            }
                        }
                    }
                    continue;
                }
                let b = chunk[i];
                i += 1;
                match b {
                    b'"' => in_str = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth = depth.saturating_sub(1);
                        if depth == 0 {
                            (used, done) = (i, true);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            if out.len() + used > limit {
                return Err(Stop::TooLarge);
            }
            out.extend_from_slice(&chunk[..used]);
            self.pos += used;
            if done {
                return Ok(());
            }
        }
    }

    /// A number or literal: the bytes that may belong to one (serde_json judges them after).
    fn capture_scalar(&mut self, out: &mut Vec<u8>, limit: usize) -> Result<(), Stop> {
        while let Some(b) = self.peek()? {
            if !(b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.')) {
                break;
            }
            if out.len() >= limit {
                return Err(Stop::TooLarge);
            }
            out.push(b);
            self.bump();
        }
        Ok(())
    }
}

struct BundleReader<'r, R, S, E> {
    scan: Scanner<R>,
    limit: usize,
    resolver: &'r mut TlpResolver,
    sink: S,
    summary: BundleSummary,
    /// Reused for each captured value, so it holds at most the largest one.
    buf: Vec<u8>,
    _err: PhantomData<fn() -> E>,
}

impl<R, S, E> BundleReader<'_, R, S, E>
where
    R: Read,
    S: FnMut(Result<StixObject, ObjectError>) -> Result<(), E>,
    E: fmt::Display,
{
    fn syntax_at(pos: Pos, message: impl Into<String>) -> BundleError {
        BundleError::Json { line: pos.line, column: pos.column, message: message.into() }
    }

    fn syntax(&mut self, message: impl Into<String>) -> BundleError {
        Self::syntax_at(self.scan.position(), message)
    }

    /// End of input where more was due; placed on the last byte, as serde_json does.
    fn eof(&mut self, what: &str) -> BundleError {
        let p = self.scan.position();
        Self::syntax_at(Pos { line: p.line, column: p.column.saturating_sub(1) }, format!("EOF while parsing {what}"))
    }

    fn shape(pos: Pos, reason: impl Into<String>) -> BundleError {
        BundleError::NotABundle { line: pos.line, column: pos.column, reason: reason.into() }
    }

    /// Copies the next value into `self.buf` (cleared first).
    fn capture(&mut self, start: Pos, what: &str) -> Result<(), BundleError> {
        self.buf.clear();
        match self.scan.capture(&mut self.buf, self.limit) {
            Ok(()) if self.buf.is_empty() => match self.scan.peek()? {
                Some(b) => Err(self.syntax(format!("expected a value, found `{}`", char::from(b)))),
                None => Err(self.eof(what)),
            },
            Ok(()) => Ok(()),
            Err(Stop::Eof) => Err(self.eof(what)),
            Err(Stop::TooLarge) => {
                Err(BundleError::TooLarge { line: start.line, column: start.column, limit: self.limit })
            }
            Err(Stop::Io(e)) => Err(BundleError::Io(e)),
        }
    }

    /// Places a serde_json error in the value captured at `start`. A number or literal cut
    /// short (`tru]`) ends, for serde_json, at the end of the copy; in the input the fault is
    /// the byte after it, where the scanner stands.
    fn value_error(&mut self, start: Pos, e: &serde_json::Error) -> BundleError {
        // Skipping and building a value report some faults one byte apart; the slow path
        // places them as a plain parse of the document would.
        let rebuilt = serde_json::from_slice::<Value>(&self.buf).err();
        let e = rebuilt.as_ref().unwrap_or(e);
        let scalar = !matches!(self.buf.first(), Some(b'{' | b'[' | b'"'));
        if scalar && e.classify() == serde_json::error::Category::Eof {
            return self.syntax("expected a value: a number, a string, true, false, null, an object or an array");
        }
        Self::syntax_at(start.within(e.line(), e.column()), bare_message(e))
    }

    /// `self.buf` as text, or the place of its first invalid UTF-8 byte.
    fn text(&self, start: Pos) -> Result<&str, BundleError> {
        std::str::from_utf8(&self.buf).map_err(|e| {
            let at = start.advance(&self.buf[..e.valid_up_to()]);
            Self::syntax_at(at, "invalid UTF-8: a bundle must be UTF-8 encoded")
        })
    }

    fn run(&mut self) -> Result<(), BundleError> {
        // RFC 8259 §8.1 lets a parser ignore a leading byte order mark; some Windows tools write one.
        if self.scan.peek()? == Some(0xEF) {
            for expected in [0xEF, 0xBB, 0xBF] {
                if self.scan.peek()? != Some(expected) {
                    return Err(self.syntax("expected value"));
                }
                self.scan.bump();
            }
        }
        let first = self.scan.skip_ws()?;
        let start = self.scan.position();
        match first {
            Some(b'{') => self.scan.bump(),
            Some(b'[') => {
                return Err(Self::shape(
                    start,
                    "the top level is an array; expected a bundle {\"type\": \"bundle\", \"objects\": [...]}",
                ));
            }
            Some(_) => {
                return Err(Self::shape(
                    start,
                    "the top level is not a JSON object; expected a bundle {\"type\": \"bundle\", \"objects\": [...]}",
                ));
            }
            None => return Err(self.eof("a value")),
        }
        let (mut seen_objects, mut is_bundle, mut is_envelope) = (false, false, false);
        let mut key_start = self.scan.position();
        if self.scan.skip_ws()? == Some(b'}') {
            self.scan.bump();
        } else {
            loop {
                match self.scan.skip_ws()? {
                    Some(b'"') => {}
                    Some(_) => return Err(self.syntax("key must be a string")),
                    None => return Err(self.eof("an object")),
                }
                let at = self.scan.position();
                self.capture(at, "a string")?;
                let key: String = serde_json::from_str(self.text(at)?)
                    .map_err(|e| Self::syntax_at(at.within(e.line(), e.column()), bare_message(&e)))?;
                match self.scan.skip_ws()? {
                    Some(b':') => self.scan.bump(),
                    Some(_) => return Err(self.syntax("expected `:`")),
                    None => return Err(self.eof("an object")),
                }
                if self.scan.skip_ws()?.is_none() {
                    return Err(self.eof("a value"));
                }
                let at = self.scan.position();
                if key == "objects" {
                    if seen_objects {
                        return Err(Self::shape(at, "`objects` appears twice; a bundle has one array of objects"));
                    }
                    seen_objects = true;
                    self.objects(at)?;
                } else {
                    self.capture(at, "a value")?;
                    let text = self.text(at)?;
                    let wanted = matches!(key.as_str(), "type" | "id" | "spec_version");
                    // Other values are only validated, not built: they may be large.
                    let parsed = if wanted {
                        serde_json::from_str::<Value>(text)
                    } else {
                        serde_json::from_str::<IgnoredAny>(text).map(|_| Value::Null)
                    };
                    let value = parsed.map_err(|e| self.value_error(at, &e))?;
                    match key.as_str() {
                        "type" => match value.as_str() {
                            Some("bundle") => is_bundle = true,
                            Some(other) => {
                                return Err(Self::shape(
                                    at,
                                    format!(
                                        "the top level is a `{other}`, not a bundle; wrap objects in {{\"type\": \"bundle\", \"objects\": [...]}}"
                                    ),
                                ));
                            }
                            None => return Err(Self::shape(at, "`type` of the top level must be \"bundle\"")),
                        },
                        "id" => self.summary.bundle_id = value.as_str().map(str::to_owned),
                        "spec_version" => self.summary.spec_version = value.as_str().map(str::to_owned),
                        "more" | "next" => is_envelope = true,
                        _ => {}
                    }
                }
                match self.scan.skip_ws()? {
                    Some(b',') => self.scan.bump(),
                    Some(b'}') => {
                        self.scan.bump();
                        break;
                    }
                    Some(_) => return Err(self.syntax("expected `,` or `}`")),
                    None => return Err(self.eof("an object")),
                }
                key_start = self.scan.position();
                if self.scan.skip_ws()? == Some(b'}') {
                    return Err(self.syntax("trailing comma"));
                }
            }
        }
        if self.scan.skip_ws()?.is_some() {
            return Err(self.syntax("trailing characters"));
        }
        // STIX 2.1 makes `objects` optional in a bundle and TAXII omits empty lists, so only a
        // top level that is neither is refused for lacking it.
        if !seen_objects && !is_bundle && !is_envelope {
            return Err(Self::shape(
                key_start,
                "no `objects` array: expected a bundle {\"type\": \"bundle\", \"objects\": [...]} or a TAXII envelope {\"objects\": [...]}",
            ));
        }
        Ok(())
    }

    /// The `objects` array, at its opening bracket.
    fn objects(&mut self, at: Pos) -> Result<(), BundleError> {
        match self.scan.peek()? {
            Some(b'[') => self.scan.bump(),
            Some(b'n') => return Err(Self::shape(at, "`objects` is null; it must be an array of STIX objects")),
            _ => return Err(Self::shape(at, "`objects` must be an array of STIX objects")),
        }
        if self.scan.skip_ws()? == Some(b']') {
            self.scan.bump();
            return Ok(());
        }
        loop {
            if self.scan.skip_ws()?.is_none() {
                return Err(self.eof("a list"));
            }
            let start = self.scan.position();
            self.capture(start, "a list")?;
            self.element(start)?;
            match self.scan.skip_ws()? {
                Some(b',') => self.scan.bump(),
                Some(b']') => {
                    self.scan.bump();
                    return Ok(());
                }
                Some(_) => return Err(self.syntax("expected `,` or `]`")),
                None => return Err(self.eof("a list")),
            }
            if self.scan.skip_ws()? == Some(b']') {
                return Err(self.syntax("trailing comma"));
            }
        }
    }

    /// Validates, checks and hands on the element in `self.buf`.
    fn element(&mut self, start: Pos) -> Result<(), BundleError> {
        let parsed = serde_json::from_str::<Box<RawValue>>(self.text(start)?);
        let raw = parsed.map_err(|e| self.value_error(start, &e))?;
        let index = self.summary.objects;
        self.summary.objects += 1;
        let checked = check_object(raw, index, &format!("/objects/{index}"), self.resolver);
        if checked.is_err() {
            self.summary.rejected += 1;
        }
        (self.sink)(checked).map_err(|e| BundleError::Sink { index, message: e.to_string() })
    }
}

#[cfg(test)]
mod tests {
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
        let fmt =
            time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
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
}
