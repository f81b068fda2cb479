//! Export of normwatch records to STIX 2.1 objects.
//!
//! Each record becomes one *primary* object whose id depends only on the record's kind and the
//! first version of its correction chain, so corrections re-export the same STIX object with a
//! later `modified`, and a retraction revokes it. Around it come the objects it needs: the
//! threat actors and intrusion sets an attribution names, the identities of speakers, a
//! `language-content` with the Japanese text, `opinion`s for reviews, a `file` for evidence.
//! Those named by a stable key (a state code, a group name, a stakeholder id) get the same id from
//! every record, so a bundle holds each once. Whatever STIX has no property for travels in the
//! normwatch property extension ([`EXTENSION_DEFINITION_ID`]), which carries the whole record.
//!
//! | kind | primary object | also |
//! |---|---|---|
//! | incident | `incident` | |
//! | incident-evidence | `note` on the incident | `file` (SHA-256, size, name, media type) |
//! | violation-assessment | `note` on the incident, the alleged actor and the evidence | `threat-actor` / `intrusion-set` |
//! | attribution-claim | `relationship` incident `attributed-to` actor | `intrusion-set` (group), `threat-actor` + `location` (state), group `attributed-to` state, attributor `identity` |
//! | attribution-statement | `note` on the claims, with the co-signatures | |
//! | incident-response | `note` on the incident, the responder and the claims | responder `identity` |
//! | position, implementation-evidence, legal-position, hygiene-assessment | `note` on the stakeholder | |
//! | capacity-programme | `note` on the provider and the beneficiaries | `location` of beneficiary countries |
//! | vulnerability | `vulnerability` | |
//! | vulnerability-event | `note` on the vulnerability | |
//! | point-of-contact | `identity` (individual) | `related-to` the stakeholder |
//! | (reviews of any record) | `opinion` on the record's object | |
//! | stakeholder | `identity` | `location`, `located-at` |
use crate::{known_tlp, stix_id, stix_timestamp, tlp_marking};
use normwatch_core::{Localized, RecordKind, Tlp};
use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};

/// The normwatch property extension: every object made from a record carries the record in it.
pub const EXTENSION_DEFINITION_ID: &str = "extension-definition--98a40d29-54c4-4700-92d5-ac05f6b4dc08";

/// Where the extension's JSON schema is published (the `schema` of the extension definition).
pub const EXTENSION_SCHEMA_URL: &str =
    "https://normwatch.invalid/stix/extension-definition--98a40d29-54c4-4700-92d5-ac05f6b4dc08.json";

/// The extension's JSON schema (draft 2020-12, what `stix2-validator` uses), self-contained.
pub const EXTENSION_SCHEMA: &str =
    include_str!("../schemas/extension-definition--98a40d29-54c4-4700-92d5-ac05f6b4dc08.json");

/// The TLP 2.0 extension OASIS publishes; the TLP 2.0 marking definitions use it.
pub const TLP2_EXTENSION_ID: &str = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

/// The time of objects whose content is fixed by their key (normwatch itself, an actor named by
/// a state code or group name): one fixed time makes every export of them the same version, so
/// consumers and [`bundle`] see one object. The date (the G7 Lucca declaration) is otherwise
/// arbitrary.
const STABLE_TIME: &str = "2017-04-11T00:00:00.000Z";

/// The namespace of cyber-observable ids (STIX 2.1 §2.9).
const SCO_NAMESPACE: [u8; 16] =
    [0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c, 0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7];

/// Why a record could not be exported.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("`{0}` is not a kind of record normwatch exports to STIX")]
    UnknownKind(String),
    #[error("{kind} `{id}`: `{field}` is missing")]
    MissingField { kind: String, id: String, field: String },
    #[error("{kind} `{id}`: `{field}` {reason}")]
    BadField { kind: String, id: String, field: String, reason: String },
}

/// The STIX identity of normwatch itself, the producer of everything it exports.
pub fn normwatch_identity() -> Value {
    json!({
        "type": "identity",
        "spec_version": "2.1",
        "id": normwatch_identity_id(),
        "created": STABLE_TIME,
        "modified": STABLE_TIME,
        "name": "normwatch",
        "description": "Cyberstability observatory: records of cyber norm positions, incidents, violation assessments, attributions, collective statements and responses, published to a transparency log.",
        "identity_class": "system",
        "object_marking_refs": [crate::tlp::CLEAR],
    })
}

pub fn normwatch_identity_id() -> String {
    stix_id("identity", "normwatch")
}

/// The STIX identity id of a registered stakeholder.
pub fn stakeholder_identity_id(stakeholder: &str) -> String {
    stix_id("identity", &format!("stakeholder:{stakeholder}"))
}

/// The extension-definition object of the normwatch property extension.
pub fn extension_definition() -> Value {
    json!({
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": EXTENSION_DEFINITION_ID,
        "created_by_ref": normwatch_identity_id(),
        "created": STABLE_TIME,
        "modified": STABLE_TIME,
        "name": "normwatch record",
        "description": "The normwatch record a STIX object was made from: its kind (record_kind), id, the id of the first version of its correction chain (version_root) and the whole record (record), texts in Japanese and English; for collective attribution statements, the Ed25519 co-signatures (signatures) and what they sign (signed_value).",
        "schema": EXTENSION_SCHEMA_URL,
        "version": "1.0.0",
        "extension_types": ["property-extension"],
        "object_marking_refs": [crate::tlp::CLEAR],
    })
}

/// The extension's JSON schema as a value.
pub fn extension_schema() -> Value {
    // A file of this crate, parsed by a test; `Null` cannot happen in a build that passed it.
    serde_json::from_str(EXTENSION_SCHEMA).unwrap_or(Value::Null)
}

/// The five TLP 2.0 marking definitions, as OASIS publishes them (FIRST TLP 2.0 through the
/// TLP 2.0 property extension). `stix2-validator` accepts them: its marking-definition schema
/// lets an `extensions` object stand in for `definition_type`/`definition`.
pub fn tlp_marking_definitions() -> Vec<Value> {
    Tlp::ALL
        .iter()
        .map(|&t| {
            json!({
                "type": "marking-definition",
                "spec_version": "2.1",
                "id": tlp_marking(t),
                "created": "2022-10-01T00:00:00.000Z",
                "name": format!("TLP:{}", t.name().to_ascii_uppercase()),
                "extensions": { TLP2_EXTENSION_ID: { "extension_type": "property-extension", "tlp_2_0": t.name() } },
            })
        })
        .collect()
}

/// The extension-definition object of TLP 2.0, as OASIS publishes it (its `created_by_ref` is
/// the publisher's identity, which this bundle does not hold).
pub fn tlp_extension_definition() -> Value {
    json!({
        "type": "extension-definition",
        "spec_version": "2.1",
        "id": TLP2_EXTENSION_ID,
        "created_by_ref": "identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01",
        "created": "2022-10-01T00:00:00.000Z",
        "modified": "2022-10-01T00:00:00.000Z",
        "name": "TLP 2.0",
        "description": "This defines TLP 2.0 as a STIX extension",
        "schema": "https://github.com/oasis-open/cti-stix-common-objects/tree/master/extension-definition-specifications/tlp-2.0",
        "version": "1.0.0",
        "extension_types": ["property-extension"],
    })
}

/// The STIX type of the object a record kind becomes.
fn primary_type(kind: &str) -> Option<&'static str> {
    Some(match RecordKind::parse(kind).ok()? {
        RecordKind::Incident => "incident",
        RecordKind::AttributionClaim => "relationship",
        RecordKind::Vulnerability => "vulnerability",
        RecordKind::PointOfContact => "identity",
        RecordKind::IncidentEvidence
        | RecordKind::ViolationAssessment
        | RecordKind::AttributionStatement
        | RecordKind::IncidentResponse
        | RecordKind::Position
        | RecordKind::ImplementationEvidence
        | RecordKind::LegalPosition
        | RecordKind::VulnerabilityEvent
        | RecordKind::CapacityProgramme
        | RecordKind::HygieneAssessment => "note",
    })
}

/// The STIX id of the object a record becomes, from its kind and the first version of its
/// correction chain (what a `report` or another record refers to).
pub fn primary_id(kind: &str, version_root: &str) -> Result<String, ExportError> {
    let t = primary_type(kind).ok_or_else(|| ExportError::UnknownKind(kind.to_owned()))?;
    Ok(stix_id(t, &format!("{kind}:{version_root}")))
}

/// All STIX objects one normwatch record becomes. `kind` is a [`RecordKind`]'s string; `record`
/// is the record's JSON exactly as normwatch's API returns it (a collective statement may also
/// carry its `signatures` as `GET /statements/{id}/verify` lists them; a vulnerability event,
/// which has no marking of its own, may carry its vulnerability's `tlp`); `version_root` is the
/// id of the first record of its correction chain (`record["id"]` for uncorrected records).
/// References to other records (an incident, claims, a vulnerability) use the referenced id as
/// its version root; see [`record_objects_with`] to map them to their roots.
pub fn record_objects(kind: &str, version_root: &str, record: &Value) -> Result<Vec<Value>, ExportError> {
    record_objects_with(kind, version_root, record, &|_, id| id.to_owned())
}

/// [`record_objects`], with `root_of(kind, id)` giving the version root of a record this one
/// refers to, so that references follow corrections.
pub fn record_objects_with(
    kind: &str,
    version_root: &str,
    record: &Value,
    root_of: &dyn Fn(&str, &str) -> String,
) -> Result<Vec<Value>, ExportError> {
    let Ok(which) = RecordKind::parse(kind) else { return Err(ExportError::UnknownKind(kind.to_owned())) };
    let mut cx = Ctx::new(kind, version_root, record, root_of)?;
    match which {
        RecordKind::Incident => incident(&mut cx)?,
        RecordKind::IncidentEvidence => incident_evidence(&mut cx)?,
        RecordKind::ViolationAssessment => violation_assessment(&mut cx)?,
        RecordKind::AttributionClaim => attribution_claim(&mut cx)?,
        RecordKind::AttributionStatement => attribution_statement(&mut cx)?,
        RecordKind::IncidentResponse => incident_response(&mut cx)?,
        RecordKind::Position => position(&mut cx)?,
        RecordKind::ImplementationEvidence => implementation_evidence(&mut cx)?,
        RecordKind::LegalPosition => legal_position(&mut cx)?,
        RecordKind::Vulnerability => vulnerability(&mut cx)?,
        RecordKind::VulnerabilityEvent => vulnerability_event(&mut cx)?,
        RecordKind::CapacityProgramme => capacity_programme(&mut cx)?,
        RecordKind::HygieneAssessment => hygiene_assessment(&mut cx)?,
        RecordKind::PointOfContact => point_of_contact(&mut cx)?,
    }
    reviews(&mut cx)?;
    Ok(cx.out)
}

/// The registered stakeholders the objects of a record refer to (as `created_by_ref` or in
/// `object_refs`), so that an export can include their identities ([`stakeholder_objects`]).
pub fn stakeholder_refs(kind: &str, record: &Value) -> Vec<String> {
    let text = |p: &str| record.pointer(p).and_then(Value::as_str).map(str::to_owned);
    let mut out: BTreeSet<String> = BTreeSet::new();
    let Ok(kind) = RecordKind::parse(kind) else { return Vec::new() };
    let single = match kind {
        RecordKind::Incident
        | RecordKind::IncidentEvidence
        | RecordKind::ViolationAssessment
        | RecordKind::Position
        | RecordKind::ImplementationEvidence
        | RecordKind::LegalPosition
        | RecordKind::HygieneAssessment
        | RecordKind::PointOfContact => text("/stakeholder"),
        RecordKind::AttributionClaim => text("/attributor/stakeholder"),
        RecordKind::IncidentResponse => text("/responder/stakeholder"),
        RecordKind::CapacityProgramme => text("/provider"),
        RecordKind::AttributionStatement | RecordKind::Vulnerability | RecordKind::VulnerabilityEvent => None,
    };
    out.extend(single);
    if kind == RecordKind::CapacityProgramme
        && let Some(list) = record.get("beneficiaries").and_then(Value::as_array)
    {
        out.extend(list.iter().filter_map(Value::as_str).filter(|b| !is_country(b)).map(str::to_owned));
    }
    if kind == RecordKind::AttributionStatement
        && let Some(list) = record.get("signatures").and_then(Value::as_array)
    {
        out.extend(list.iter().filter_map(|s| s.get("stakeholder").and_then(Value::as_str)).map(str::to_owned));
    }
    out.into_iter().collect()
}

/// A stakeholder (state, company, CERT, NGO…) as a STIX `identity`, with the `location` of its
/// country and the `located-at` relationship between them. Stakeholders are public: TLP:CLEAR.
pub fn stakeholder_objects(stakeholder: &Value) -> Result<Vec<Value>, ExportError> {
    let rec = Rec::new("stakeholder", stakeholder)?;
    let created = rec.time("created_at")?;
    let modified = match rec.opt("updated_at")? {
        Some(_) => rec.time("updated_at")?,
        None => created.clone(),
    }
    .max(created.clone());
    let meta =
        Meta { created, modified, created_by: normwatch_identity_id(), marking: Some(Tlp::Clear), revoked: false };
    let kind = rec.s("kind")?;
    let name = rec.loc("name")?;
    if blank(&name) {
        return Err(rec.missing("name"));
    }
    let mut identity = meta.object("identity", stakeholder_identity_id(&rec.id));
    let country = rec.opt("country")?;
    let (class, sectors) = stakeholder_class(kind);
    identity.insert("identity_class".into(), json!(class));
    if !sectors.is_empty() {
        identity.insert("sectors".into(), json!(sectors));
    }
    if let Some(w) = rec.opt("website")? {
        identity.insert("contact_information".into(), json!(w));
    }
    let about = match country {
        Some(c) => Localized::new(format!("{}（{c}）", kind_ja(kind)), format!("{} ({c})", kind_en(kind))),
        None => Localized::new(kind_ja(kind), kind_en(kind)),
    };
    let alt = set_texts(&mut identity, &[("name", &name), ("description", &about)]);
    identity
        .insert("extensions".into(), extension_value("stakeholder", &rec.id, None, stakeholder.clone(), Vec::new()));
    let mut out = Vec::new();
    push_with_translation(&mut out, identity, alt);
    if let Some(c) = country.filter(|c| is_country(c)) {
        let shared = Meta::shared(Some(Tlp::Clear));
        let location = country_location(&shared, c);
        let rel = relationship(
            &shared,
            &format!("stakeholder:{}:located-at", rec.id),
            "located-at",
            &stakeholder_identity_id(&rec.id),
            &location.0,
        );
        out.push(location.1);
        out.push(Value::Object(rel));
    }
    Ok(out)
}

/// A publication: a `report` naming what it publishes (`object_refs`, in order, each once).
/// `published` is an RFC 3339 time or a date (other text is passed through, and the validator
/// will say so); an empty list names normwatch itself, since a report must name something.
pub fn report(key: &str, name: &str, published: &str, object_refs: &[String]) -> Value {
    let published = stix_timestamp(published).unwrap_or_else(|| published.to_owned());
    let mut seen = BTreeSet::new();
    let mut refs: Vec<&str> = object_refs.iter().map(String::as_str).filter(|r| seen.insert(*r)).collect();
    let own = normwatch_identity_id();
    if refs.is_empty() {
        refs.push(&own);
    }
    json!({
        "type": "report",
        "spec_version": "2.1",
        "id": stix_id("report", key),
        "created_by_ref": normwatch_identity_id(),
        "created": published,
        "modified": published,
        "name": name,
        "published": published,
        "object_refs": refs,
    })
}

/// A bundle around objects. Copies of one object version (same id and `modified`, as shared
/// actors and identities come from many records) are kept once — the least restrictively marked
/// copy, since a record that may be shared more widely already discloses the same object. The id
/// is derived from the sorted ids and versions of what it holds: the same content, the same id.
pub fn bundle(objects: Vec<Value>) -> Value {
    let mut kept: Vec<Value> = Vec::with_capacity(objects.len());
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for o in objects {
        let Some(id) = o.get("id").and_then(Value::as_str) else {
            kept.push(o);
            continue;
        };
        let key = (id.to_owned(), version_of(&o).to_owned());
        match index.get(&key) {
            Some(&i) => {
                if marking_rank(&o) < marking_rank(&kept[i]) {
                    kept[i] = o;
                }
            }
            None => {
                index.insert(key, kept.len());
                kept.push(o);
            }
        }
    }
    let mut keys: Vec<&(String, String)> = index.keys().collect();
    keys.sort();
    let mut h = Sha256::new();
    for (id, version) in keys {
        h.update(id.as_bytes());
        h.update([0]);
        h.update(version.as_bytes());
        h.update([0]);
    }
    let mut b = Map::new();
    b.insert("type".into(), json!("bundle"));
    b.insert("id".into(), json!(stix_id("bundle", &hex::encode(h.finalize()))));
    // A bundle's `objects`, when present, may not be empty.
    if !kept.is_empty() {
        b.insert("objects".into(), Value::Array(kept));
    }
    Value::Object(b)
}

fn version_of(o: &Value) -> &str {
    o.get("modified").or_else(|| o.get("created")).and_then(Value::as_str).unwrap_or("")
}

/// How restrictive an object's markings are (unmarked counts as CLEAR; unknown markings as RED).
fn marking_rank(o: &Value) -> u8 {
    let refs = o.get("object_marking_refs").and_then(Value::as_array);
    refs.into_iter().flatten().filter_map(Value::as_str).map(|m| known_tlp(m).map_or(4, |t| t as u8)).max().unwrap_or(0)
}

// ----------------------------------------------------------------------------------------------
// The kinds

fn incident(cx: &mut Ctx) -> Result<(), ExportError> {
    let title = cx.rec.loc("title")?;
    if blank(&title) {
        return Err(cx.rec.missing("title"));
    }
    let description = cx.rec.loc("description")?;
    let by = cx.stakeholder_or_normwatch("stakeholder")?;
    let mut o = cx.primary("incident", &by);
    let mut refs = Vec::new();
    for (i, s) in cx.rec.array("sources")?.iter().enumerate() {
        let url = s.get("url").and_then(Value::as_str).ok_or_else(|| cx.rec.missing(&format!("sources[{i}].url")))?;
        refs.push(url_ref(None, url, s.get("title").and_then(Value::as_str)));
    }
    if let Some(origin) = cx.rec.v.get("origin").filter(|o| o.is_object()) {
        let dataset = origin.get("dataset").and_then(Value::as_str).unwrap_or("origin");
        let id = origin.get("id").and_then(Value::as_str).unwrap_or_default();
        let url = origin.get("url").and_then(Value::as_str);
        refs.push(id_ref(dataset, id, url));
    }
    set_refs(&mut o, refs);
    let alt = set_texts(&mut o, &[("name", &title), ("description", &description)]);
    cx.finish_primary(o, alt, Vec::new());
    Ok(())
}

fn incident_evidence(cx: &mut Ctx) -> Result<(), ExportError> {
    let incident = cx.refer("incident", cx.rec.s("incident")?)?;
    let sha256 = cx.rec.s("sha256")?;
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(cx.rec.bad("sha256", "is not 64 hex digits"));
    }
    let filename = cx.rec.s("filename")?;
    let media_type = cx.rec.s("media_type")?;
    let size = cx.rec.v.get("size").and_then(Value::as_u64).ok_or_else(|| cx.rec.bad("size", "is not a size"))?;
    let sha256 = sha256.to_ascii_lowercase();
    // The observable: ids of cyber observables are UUIDv5 of their id-contributing properties.
    let file_id = file_id(&sha256, filename);
    let mut file = Map::new();
    file.insert("type".into(), json!("file"));
    file.insert("spec_version".into(), json!("2.1"));
    file.insert("id".into(), json!(file_id));
    file.insert("hashes".into(), json!({ "SHA-256": sha256 }));
    file.insert("size".into(), json!(size));
    file.insert("name".into(), json!(filename));
    file.insert("mime_type".into(), json!(media_type));
    if let Some(t) = cx.marking {
        file.insert("object_marking_refs".into(), json!([tlp_marking(t)]));
    }
    let by = cx.stakeholder_or_normwatch("stakeholder")?;
    let mut o = cx.primary("note", &by);
    let protocol = cx.rec.v.get("protocol").and_then(Value::as_object);
    let step = |f: &str| protocol.and_then(|p| p.get(f)).and_then(Value::as_str).filter(|s| !s.trim().is_empty());
    let mut content = format!("{filename} ({media_type}, {size} bytes), SHA-256 {sha256}.");
    for (f, label) in [("source", "Source"), ("method", "Method"), ("tool", "Tool"), ("handling", "Handling")] {
        if let Some(v) = step(f) {
            let version = if f == "tool" { step("tool_version").map(|v| format!(" {v}")) } else { None };
            content.push_str(&format!("\n{label}: {v}{}", version.unwrap_or_default()));
        }
    }
    let abstract_ = Localized::new(format!("証拠: {filename}"), format!("Evidence: {filename}"));
    let alt = set_texts(&mut o, &[("abstract", &abstract_), ("content", &Localized::new("", content))]);
    o.insert("object_refs".into(), json!([incident, file_id]));
    cx.finish_primary(o, alt, Vec::new());
    cx.out.push(Value::Object(file));
    Ok(())
}

fn violation_assessment(cx: &mut Ctx) -> Result<(), ExportError> {
    let incident = cx.refer("incident", cx.rec.s("incident")?)?;
    let norm = cx.rec.s("norm")?;
    let level = cx.rec.s("level")?;
    let rationale = cx.rec.loc("rationale")?;
    let kind = cx.rec.s("actor.kind")?;
    let state = cx.rec.opt("actor.state")?;
    let group = cx.rec.opt("actor.group")?;
    let responsibility = cx.rec.opt("actor.responsibility")?;
    let mut refs = vec![incident];
    let state = state.filter(|_| kind == "state");
    if let Some(s) = state {
        refs.push(cx.state_actor(s));
    }
    if let Some(g) = group {
        refs.push(cx.group_actor(g));
    }
    for e in cx.rec.strs("evidence")? {
        refs.push(cx.refer("incident-evidence", e)?);
    }
    let (actor_ja, actor_en) = match (state, group, responsibility) {
        (Some(s), Some(g), Some("territory")) => (
            format!("国家 {s}（その領域から活動する {g}）"),
            format!("the state {s}, for group {g} operating from its territory"),
        ),
        (Some(s), Some(g), _) => (
            format!("国家 {s}（その代理として行動する {g}）"),
            format!("the state {s}, for group {g} acting as its proxy"),
        ),
        (Some(s), None, _) => (format!("国家 {s}"), format!("the state {s}")),
        (None, Some(g), _) => (format!("グループ {g}"), format!("group {g}")),
        (None, None, _) => ("特定されていない主体".to_owned(), "an unnamed actor".to_owned()),
    };
    let by = cx.stakeholder_or_normwatch("stakeholder")?;
    let mut o = cx.primary("note", &by);
    let abstract_ = Localized::new(
        format!("規範 {norm} の違反評価（{level}）: {actor_ja}"),
        format!("Violation of norm {norm} by {actor_en}: {level}"),
    );
    let alt = set_texts(&mut o, &[("content", &fallback(rationale, &abstract_)), ("abstract", &abstract_)]);
    set_refs(&mut o, cx.rec.strs("sources")?.into_iter().map(|u| url_ref(None, u, None)).collect());
    o.insert("object_refs".into(), json!(dedup(refs)));
    cx.finish_primary(o, alt, Vec::new());
    Ok(())
}

fn attribution_claim(cx: &mut Ctx) -> Result<(), ExportError> {
    let incident = cx.refer("incident", cx.rec.s("incident")?)?;
    let attributor = cx.speaker("attributor")?;
    let attributor_name = cx.rec.s("attributor.name")?;
    let state = cx.rec.opt("attributed_to.state")?;
    let group = cx.rec.opt("attributed_to.group")?;
    let category = cx.rec.opt("attributed_to.category")?;
    let relation = cx.rec.opt("attributed_to.relation")?;
    let confidence = cx.rec.opt("confidence")?.and_then(icd_confidence);
    let kind = cx.rec.opt("type")?;
    let (target, named) = match (group, state) {
        (Some(g), _) if category == Some("individual") => (cx.individual_actor(g), g.to_owned()),
        (Some(g), _) => (cx.group_actor(g), g.to_owned()),
        (None, Some(s)) => (cx.state_actor(s), format!("the state {s}")),
        (None, None) => {
            let c = category.ok_or_else(|| cx.rec.missing("attributed_to"))?;
            (cx.unidentified_actor(c), format!("an unidentified {} actor", c.replace('-', " ")))
        }
    };
    let mut o = cx.primary("relationship", &attributor);
    o.insert("relationship_type".into(), json!("attributed-to"));
    o.insert("source_ref".into(), json!(incident));
    o.insert("target_ref".into(), json!(target));
    if let Some(c) = confidence {
        o.insert("confidence".into(), json!(c));
    }
    let on = cx.rec.opt("attributed_on")?.map(|d| format!(" on {d}")).unwrap_or_default();
    let how = kind.map(|k| format!("{k} attribution")).unwrap_or_else(|| "attribution".into());
    let summary = Localized::new("", format!("{attributor_name} attributes the incident to {named} ({how}{on})."));
    let basis = cx.rec.loc("basis")?;
    let alt = set_texts(&mut o, &[("description", &fallback(basis, &summary))]);
    let mut refs = Vec::new();
    if let Some(u) = cx.rec.opt("statement_url")? {
        refs.push(url_ref(Some(attributor_name), u, Some("statement of attribution")));
    }
    if let Some(origin) = cx.rec.opt("origin")? {
        let (dataset, id) = origin.split_once(':').unwrap_or(("origin", origin));
        refs.push(id_ref(dataset, id, None));
    }
    set_refs(&mut o, refs);
    cx.finish_primary(o, alt, Vec::new());
    // The group's link to the state it is attributed to, as the same claim makes it.
    if let (Some(g), Some(s)) = (group, state) {
        let state_ref = cx.state_actor(s);
        let link = match relation {
            Some("organ") => format!("{g} is an organ of the state {s} (an agency or a military unit)."),
            Some("proxy") => format!("{g} acts on the instructions or under the control of the state {s}."),
            Some("tolerated") => format!("{g} operates with the knowledge of the state {s}, unhindered."),
            _ => format!("{g} is attributed to the state {s}; the relation is not stated."),
        };
        let mut rel = cx.meta.object("relationship", stix_id("relationship", &cx.key(":state")));
        rel.insert("created_by_ref".into(), json!(attributor));
        rel.insert("relationship_type".into(), json!("attributed-to"));
        rel.insert("source_ref".into(), json!(cx.group_or_individual_id(g, category)));
        rel.insert("target_ref".into(), json!(state_ref));
        rel.insert("description".into(), json!(link));
        if let Some(c) = confidence {
            rel.insert("confidence".into(), json!(c));
        }
        cx.out.push(Value::Object(rel));
    }
    Ok(())
}

fn attribution_statement(cx: &mut Ctx) -> Result<(), ExportError> {
    let text = cx.rec.loc("text")?;
    let claims: Vec<String> = cx.rec.strs("claims")?.into_iter().map(str::to_owned).collect();
    let issued_on = cx.rec.s("issued_on")?;
    let mut refs = Vec::new();
    for c in &claims {
        refs.push(cx.refer("attribution-claim", c)?);
    }
    if refs.is_empty() {
        return Err(cx.rec.missing("claims"));
    }
    let mut signatures = Vec::new();
    for (i, s) in cx.rec.array("signatures")?.iter().enumerate() {
        let field = |f: &str| {
            s.get(f)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| cx.rec.missing(&format!("signatures[{i}].{f}")))
        };
        let signer = field("stakeholder")?;
        let signer_ref = stakeholder_identity_id(&signer);
        refs.push(signer_ref.clone());
        let mut sig = Map::new();
        sig.insert("stakeholder".into(), json!(signer));
        sig.insert("signer_ref".into(), json!(signer_ref));
        for f in ["key_id", "public_key", "signature"] {
            sig.insert(f.into(), json!(field(f)?));
        }
        let at = field("signed_at")?;
        sig.insert(
            "signed_at".into(),
            json!(
                stix_timestamp(&at)
                    .ok_or_else(|| cx.rec.bad(&format!("signatures[{i}].signed_at"), "is not a time"))?
            ),
        );
        if let Some(v) = s.get("valid").and_then(Value::as_bool) {
            sig.insert("valid".into(), json!(v));
        }
        signatures.push(Value::Object(sig));
    }
    let signers = signatures.len();
    let mut extra = vec![(
        "signed_value",
        normwatch_core::violation::statement_signing_value(&cx.rec.id, &text, &claims, issued_on),
    )];
    if !signatures.is_empty() {
        extra.push(("signatures", Value::Array(signatures)));
    }
    let mut o = cx.primary("note", &normwatch_identity_id());
    let abstract_ = Localized::new(
        format!("共同帰属声明（{issued_on}、署名 {signers}）"),
        format!("Collective attribution statement of {issued_on} ({signers} co-signature{})", plural(signers)),
    );
    let alt = set_texts(&mut o, &[("content", &fallback(text, &abstract_)), ("abstract", &abstract_)]);
    o.insert("object_refs".into(), json!(dedup(refs)));
    cx.finish_primary(o, alt, extra);
    Ok(())
}

fn incident_response(cx: &mut Ctx) -> Result<(), ExportError> {
    let incident = cx.refer("incident", cx.rec.s("incident")?)?;
    let responder = cx.speaker("responder")?;
    let name = cx.rec.s("responder.name")?;
    let kind = cx.rec.s("type")?;
    let character = cx.rec.s("legal_character")?;
    let on = cx.rec.s("responded_on")?;
    let mut refs = vec![incident, responder.clone()];
    for c in cx.rec.strs("claims")? {
        refs.push(cx.refer("attribution-claim", c)?);
    }
    let mut o = cx.primary("note", &responder);
    let what = kind.strip_prefix("resp.").unwrap_or(kind).replace('-', " ");
    let abstract_ = Localized::new(
        format!("{name} の対応: {what}（{character}、{on}）"),
        format!("Response by {name}: {what} ({character}, {on})"),
    );
    let description = cx.rec.loc("description")?;
    let alt = set_texts(&mut o, &[("content", &fallback(description, &abstract_)), ("abstract", &abstract_)]);
    if let Some(u) = cx.rec.opt("source_url")? {
        set_refs(&mut o, vec![url_ref(Some(name), u, None)]);
    }
    o.insert("object_refs".into(), json!(dedup(refs)));
    cx.finish_primary(o, alt, Vec::new());
    Ok(())
}

fn position(cx: &mut Ctx) -> Result<(), ExportError> {
    let who = cx.rec.s("stakeholder")?;
    let norm = cx.rec.s("norm")?;
    let stance = cx.rec.s("stance")?;
    let on = cx.rec.s("stated_on")?;
    let (en, ja) = match stance {
        "endorse" => ("endorses", "支持"),
        "reject" => ("rejects", "拒否"),
        _ => ("abstains on", "棄権"),
    };
    let abstract_ =
        Localized::new(format!("{who}: 規範 {norm} を{ja}（{on}）"), format!("{who} {en} norm {norm} ({on})"));
    let statement = cx.rec.loc("statement")?;
    let mut o = cx.primary("note", &normwatch_identity_id());
    let alt = set_texts(&mut o, &[("content", &fallback(statement, &abstract_)), ("abstract", &abstract_)]);
    let mut refs = Vec::new();
    let paragraph = cx.rec.opt("source.paragraph")?;
    let document = cx.rec.opt("source.document")?;
    if let Some(u) = cx.rec.opt("source.url")? {
        refs.push(url_ref(None, u, document.map(|d| format!("{d} {}", paragraph.unwrap_or_default())).as_deref()));
    }
    if let Some(d) = document {
        let mut r = Map::new();
        r.insert("source_name".into(), json!("normwatch-catalogue"));
        r.insert("external_id".into(), json!(d));
        r.insert("description".into(), json!(paragraph.map_or_else(|| d.to_owned(), |p| format!("{d}, {p}"))));
        refs.push(Value::Object(r));
    }
    set_refs(&mut o, refs);
    o.insert("object_refs".into(), json!([stakeholder_identity_id(who)]));
    cx.finish_primary(o, alt, Vec::new());
    Ok(())
}

fn implementation_evidence(cx: &mut Ctx) -> Result<(), ExportError> {
    let who = cx.rec.s("stakeholder")?;
    let norm = cx.rec.s("norm")?;
    let kind = cx.rec.s("kind")?;
    let dated = cx.rec.s("dated")?;
    let url = cx.rec.s("url")?;
    let abstract_ = Localized::new(
        format!("{who} による規範 {norm} の実施: {kind}（{dated}）"),
        format!("{who} implements norm {norm}: {kind} ({dated})"),
    );
    let summary = cx.rec.loc("summary")?;
    let mut o = cx.primary("note", &normwatch_identity_id());
    let alt = set_texts(&mut o, &[("content", &fallback(summary, &abstract_)), ("abstract", &abstract_)]);
    set_refs(&mut o, vec![url_ref(None, url, Some(kind))]);
    o.insert("object_refs".into(), json!([stakeholder_identity_id(who)]));
    cx.finish_primary(o, alt, Vec::new());
    Ok(())
}

fn legal_position(cx: &mut Ctx) -> Result<(), ExportError> {
    let who = cx.rec.s("stakeholder")?;
    let topic = cx.rec.s("topic")?;
    let dated = cx.rec.s("dated")?;
    let url = cx.rec.s("source_url")?;
    let abstract_ = Localized::new(
        format!("{who} の国際法適用に関する立場: {topic}（{dated}）"),
        format!("{who} on how international law applies: {topic} ({dated})"),
    );
    let summary = cx.rec.loc("summary")?;
    let mut o = cx.primary("note", &normwatch_identity_id());
    let alt = set_texts(&mut o, &[("content", &fallback(summary, &abstract_)), ("abstract", &abstract_)]);
    set_refs(&mut o, vec![url_ref(None, url, None)]);
    o.insert("object_refs".into(), json!([stakeholder_identity_id(who)]));
    cx.finish_primary(o, alt, Vec::new());
    Ok(())
}

fn vulnerability(cx: &mut Ctx) -> Result<(), ExportError> {
    let product = cx.rec.s("product")?;
    let vendor = cx.rec.s("vendor")?;
    let cve = cx.rec.opt("cve_id")?;
    let mut o = cx.primary("vulnerability", &normwatch_identity_id());
    let name = cve.map_or_else(|| format!("{product} ({vendor})"), str::to_owned);
    o.insert("name".into(), json!(name));
    let mut lines = vec![format!("{product} by {vendor}; reported to the vendor on {}.", cx.rec.s("reported_on")?)];
    for (f, label) in [("acknowledged_on", "Acknowledged"), ("fixed_on", "Fixed"), ("disclosed_on", "Disclosed")] {
        if let Some(d) = cx.rec.opt(f)? {
            lines.push(format!("{label} on {d}."));
        }
    }
    if let Some(s) = cx.rec.opt("mitigation_status")? {
        lines.push(format!("Mitigation status: {s}."));
    }
    o.insert("description".into(), json!(lines.join(" ")));
    let mut refs = Vec::new();
    if let Some(c) = cve {
        if stix_cve(c) {
            refs.push(json!({ "source_name": "cve", "external_id": c }));
        } else {
            refs.push(json!({ "source_name": "cve-id", "description": c }));
        }
    }
    if let Some(u) = cx.rec.opt("advisory_url")? {
        refs.push(url_ref(Some(vendor), u, Some("vendor advisory")));
    }
    set_refs(&mut o, refs);
    cx.finish_primary(o, None, Vec::new());
    Ok(())
}

fn vulnerability_event(cx: &mut Ctx) -> Result<(), ExportError> {
    let vulnerability = cx.refer("vulnerability", cx.rec.s("vulnerability")?)?;
    let event = cx.rec.s("event")?;
    let on = cx.rec.s("on")?;
    let ja = match event {
        "acknowledged" => "ベンダーが受領を確認",
        "mitigated" => "緩和策を提供",
        "fixed" => "修正",
        "disclosed" => "公開",
        other => other,
    };
    let text = Localized::new(format!("{ja}（{on}）"), format!("The vendor's timeline: {event} on {on}"));
    let mut o = cx.primary("note", &normwatch_identity_id());
    let alt = set_texts(&mut o, &[("abstract", &text), ("content", &text)]);
    o.insert("object_refs".into(), json!([vulnerability]));
    cx.finish_primary(o, alt, Vec::new());
    Ok(())
}

fn capacity_programme(cx: &mut Ctx) -> Result<(), ExportError> {
    let provider = cx.rec.s("provider")?;
    let title = cx.rec.loc("title")?;
    if blank(&title) {
        return Err(cx.rec.missing("title"));
    }
    let mut refs = vec![stakeholder_identity_id(provider)];
    for b in cx.rec.strs("beneficiaries")? {
        if is_country(b) {
            let loc = country_location(&cx.shared_meta(), b);
            refs.push(loc.0);
            cx.out.push(loc.1);
        } else {
            refs.push(stakeholder_identity_id(b));
        }
    }
    let outcomes = cx.rec.loc("outcomes")?;
    let mut o = cx.primary("note", &normwatch_identity_id());
    let alt = set_texts(&mut o, &[("abstract", &title), ("content", &fallback(outcomes, &title))]);
    o.insert("object_refs".into(), json!(dedup(refs)));
    cx.finish_primary(o, alt, Vec::new());
    Ok(())
}

fn hygiene_assessment(cx: &mut Ctx) -> Result<(), ExportError> {
    let who = cx.rec.s("stakeholder")?;
    let baseline = cx.rec.s("baseline")?;
    let on = cx.rec.s("assessed_on")?;
    let score = cx.rec.v.get("score").and_then(Value::as_f64).map(|s| format!(": {s}%")).unwrap_or_default();
    let abstract_ = Localized::new(
        format!("{who} の衛生自己評価（{baseline}、{on}）{score}"),
        format!("{who} self-assessment against {baseline} on {on}{score}"),
    );
    let mut lines = Vec::new();
    for (i, r) in cx.rec.array("results")?.iter().enumerate() {
        let control =
            r.get("control").and_then(Value::as_str).ok_or_else(|| cx.rec.missing(&format!("results[{i}].control")))?;
        let status =
            r.get("status").and_then(Value::as_str).ok_or_else(|| cx.rec.missing(&format!("results[{i}].status")))?;
        let evidence = r.get("evidence").and_then(Value::as_str).map(|e| format!(" ({e})")).unwrap_or_default();
        lines.push(format!("{control}: {status}{evidence}"));
    }
    let content = Localized::new("", lines.join("\n"));
    let mut o = cx.primary("note", &normwatch_identity_id());
    let alt = set_texts(&mut o, &[("content", &fallback(content, &abstract_)), ("abstract", &abstract_)]);
    o.insert("object_refs".into(), json!([stakeholder_identity_id(who)]));
    cx.finish_primary(o, alt, Vec::new());
    Ok(())
}

fn point_of_contact(cx: &mut Ctx) -> Result<(), ExportError> {
    let who = cx.rec.s("stakeholder")?;
    let name = cx.rec.s("name")?;
    let kind = cx.rec.s("kind")?;
    let mut o = cx.primary("identity", &normwatch_identity_id());
    o.insert("name".into(), json!(name));
    o.insert("identity_class".into(), json!("individual"));
    if let Some(r) = cx.rec.opt("role_title")? {
        o.insert("roles".into(), json!([r]));
    }
    let mut channels = Vec::new();
    for (i, c) in cx.rec.array("channels")?.iter().enumerate() {
        let k = c.get("kind").and_then(Value::as_str).ok_or_else(|| cx.rec.missing(&format!("channels[{i}].kind")))?;
        let v =
            c.get("value").and_then(Value::as_str).ok_or_else(|| cx.rec.missing(&format!("channels[{i}].value")))?;
        channels.push(format!("{k}: {v}"));
    }
    if !channels.is_empty() {
        o.insert("contact_information".into(), json!(channels.join("; ")));
    }
    let mut about = format!("{} point of contact of {who}", capitalised(kind));
    let languages = cx.rec.strs("languages")?;
    if !languages.is_empty() {
        about.push_str(&format!("; languages: {}", languages.join(", ")));
    }
    if let Some(h) = cx.rec.opt("hours")? {
        about.push_str(&format!("; hours: {h}"));
        if let Some(z) = cx.rec.opt("time_zone")? {
            about.push_str(&format!(" ({z})"));
        }
    }
    if let Some(f) = cx.rec.opt("valid_from")? {
        about.push_str(&format!("; valid from {f}"));
    }
    if let Some(u) = cx.rec.opt("valid_until")? {
        about.push_str(&format!(" until {u}"));
    }
    o.insert("description".into(), json!(about));
    let contact_id = cx.primary_id();
    cx.finish_primary(o, None, Vec::new());
    let mut rel = cx.meta.object("relationship", stix_id("relationship", &cx.key(":stakeholder")));
    rel.insert("relationship_type".into(), json!("related-to"));
    rel.insert("source_ref".into(), json!(contact_id));
    rel.insert("target_ref".into(), json!(stakeholder_identity_id(who)));
    rel.insert("description".into(), json!(format!("{} point of contact of {who}", capitalised(kind))));
    cx.out.push(Value::Object(rel));
    Ok(())
}

/// Reviewer positions on the record (approve / request changes) as opinions on its object.
fn reviews(cx: &mut Ctx) -> Result<(), ExportError> {
    let target = cx.primary_id();
    let list = cx.rec.array("reviews")?;
    for (i, r) in list.iter().enumerate() {
        let field =
            |f: &str| r.get(f).and_then(Value::as_str).ok_or_else(|| cx.rec.missing(&format!("reviews[{i}].{f}")));
        let reviewer = field("reviewer")?;
        let verdict = field("verdict")?;
        let at = stix_timestamp(field("created_at")?)
            .ok_or_else(|| cx.rec.bad(&format!("reviews[{i}].created_at"), "is not a time"))?;
        let version = r.get("record_version").and_then(Value::as_i64).unwrap_or_default();
        let opinion = match verdict {
            "approve" => "agree",
            "request-changes" => "disagree",
            _ => "neutral",
        };
        let meta = Meta {
            created: at.clone(),
            modified: at,
            created_by: normwatch_identity_id(),
            marking: cx.marking,
            revoked: false,
        };
        let key = format!("review:{}:{}:{reviewer}:{version}", cx.rec.kind, cx.rec.id);
        let mut o = meta.object("opinion", stix_id("opinion", &key));
        o.insert("opinion".into(), json!(opinion));
        o.insert("authors".into(), json!([reviewer]));
        if let Some(c) = r.get("comment").and_then(Value::as_str).filter(|c| !c.trim().is_empty()) {
            o.insert("explanation".into(), json!(c));
        }
        o.insert("object_refs".into(), json!([target]));
        o.insert("extensions".into(), extension_value("review", &cx.rec.id, Some(cx.root), r.clone(), Vec::new()));
        cx.out.push(Value::Object(o));
    }
    Ok(())
}

// ----------------------------------------------------------------------------------------------
// The record being exported

/// A record's JSON with the accessors that name the field when it is missing or malformed.
struct Rec<'a> {
    kind: &'a str,
    id: String,
    v: &'a Value,
}

impl<'a> Rec<'a> {
    fn new(kind: &'a str, v: &'a Value) -> Result<Rec<'a>, ExportError> {
        let id = v.get("id").and_then(Value::as_str).filter(|s| !s.trim().is_empty()).ok_or_else(|| {
            ExportError::MissingField { kind: kind.to_owned(), id: "(no id)".into(), field: "id".into() }
        })?;
        Ok(Rec { kind, id: id.to_owned(), v })
    }

    fn missing(&self, field: &str) -> ExportError {
        ExportError::MissingField { kind: self.kind.to_owned(), id: self.id.clone(), field: field.to_owned() }
    }

    fn bad(&self, field: &str, reason: &str) -> ExportError {
        ExportError::BadField {
            kind: self.kind.to_owned(),
            id: self.id.clone(),
            field: field.to_owned(),
            reason: reason.to_owned(),
        }
    }

    /// The value at a dotted path (`attributor.name`); `None` when absent or null.
    fn get(&self, path: &str) -> Option<&'a Value> {
        path.split('.').try_fold(self.v, |v, part| v.get(part)).filter(|v| !v.is_null())
    }

    /// A text field that must be there.
    fn s(&self, path: &str) -> Result<&'a str, ExportError> {
        self.opt(path)?.ok_or_else(|| self.missing(path))
    }

    /// A text field that may be absent (blank text counts as absent).
    fn opt(&self, path: &str) -> Result<Option<&'a str>, ExportError> {
        match self.get(path) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str()).filter(|s| !s.trim().is_empty())),
            Some(_) => Err(self.bad(path, "is not text")),
        }
    }

    /// Text in Japanese and English (`{"ja": …, "en": …}`); absent is empty.
    fn loc(&self, path: &str) -> Result<Localized, ExportError> {
        let Some(v) = self.get(path) else { return Ok(Localized::default()) };
        let Some(o) = v.as_object() else { return Err(self.bad(path, "is not text in ja and en")) };
        let lang = |l: &str| match o.get(l) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(self.bad(&format!("{path}.{l}"), "is not text")),
        };
        Ok(Localized::new(lang("ja")?, lang("en")?))
    }

    /// A list; absent is empty.
    fn array(&self, path: &str) -> Result<&'a [Value], ExportError> {
        match self.get(path) {
            None => Ok(&[]),
            Some(Value::Array(a)) => Ok(a.as_slice()),
            Some(_) => Err(self.bad(path, "is not a list")),
        }
    }

    /// A list of text; absent is empty.
    fn strs(&self, path: &str) -> Result<Vec<&'a str>, ExportError> {
        self.array(path)?
            .iter()
            .enumerate()
            .map(|(i, v)| v.as_str().ok_or_else(|| self.bad(&format!("{path}[{i}]"), "is not text")))
            .collect()
    }

    /// A time, at STIX's millisecond precision.
    fn time(&self, path: &str) -> Result<String, ExportError> {
        stix_timestamp(self.s(path)?).ok_or_else(|| self.bad(path, "is not an RFC 3339 time"))
    }

    fn tlp(&self) -> Result<Option<Tlp>, ExportError> {
        match self.get("tlp") {
            None => Ok(None),
            Some(v) => serde_json::from_value(v.clone())
                .map(Some)
                .map_err(|_| self.bad("tlp", "is not one of clear, green, amber, amber+strict, red")),
        }
    }
}

/// The common properties of the objects of one record (or of shared ones).
#[derive(Debug, Clone)]
struct Meta {
    created: String,
    modified: String,
    created_by: String,
    marking: Option<Tlp>,
    revoked: bool,
}

impl Meta {
    /// Objects named by a stable key (actors, locations, speakers): one version for all records,
    /// marked as the record that names them.
    fn shared(marking: Option<Tlp>) -> Meta {
        Meta {
            created: STABLE_TIME.into(),
            modified: STABLE_TIME.into(),
            created_by: normwatch_identity_id(),
            marking,
            revoked: false,
        }
    }

    fn object(&self, stix_type: &str, id: String) -> Map<String, Value> {
        let mut o = Map::new();
        o.insert("type".into(), json!(stix_type));
        o.insert("spec_version".into(), json!("2.1"));
        o.insert("id".into(), json!(id));
        o.insert("created_by_ref".into(), json!(self.created_by));
        o.insert("created".into(), json!(self.created));
        o.insert("modified".into(), json!(self.modified));
        if self.revoked {
            o.insert("revoked".into(), json!(true));
        }
        if let Some(t) = self.marking {
            o.insert("object_marking_refs".into(), json!([tlp_marking(t)]));
        }
        o
    }
}

/// One record on its way out: its accessors, the meta of its own objects, and what it made.
struct Ctx<'a> {
    rec: Rec<'a>,
    root: &'a str,
    root_of: &'a dyn Fn(&str, &str) -> String,
    meta: Meta,
    marking: Option<Tlp>,
    out: Vec<Value>,
}

impl<'a> Ctx<'a> {
    fn new(
        kind: &'a str,
        root: &'a str,
        v: &'a Value,
        root_of: &'a dyn Fn(&str, &str) -> String,
    ) -> Result<Ctx<'a>, ExportError> {
        let rec = Rec::new(kind, v)?;
        if root.trim().is_empty() {
            return Err(ExportError::BadField {
                kind: kind.to_owned(),
                id: rec.id.clone(),
                field: "version_root".into(),
                reason: "is empty".into(),
            });
        }
        // Every version of a record is one STIX object: `created` must be the same for all of
        // them. The store's ids are UUIDv7, whose first 48 bits are the creation time of the
        // chain's first version; other ids fall back to the version's own creation time.
        let created = match uuid7_time(root) {
            Some(t) => t,
            None => rec.time("created_at")?,
        };
        let updated = match rec.opt("updated_at")? {
            Some(_) => rec.time("updated_at")?,
            None => rec.time("created_at")?,
        };
        // Fixed-width UTC timestamps: text order is time order.
        let modified = updated.max(created.clone());
        let marking = rec.tlp()?;
        if marking.is_none() && kind != "vulnerability-event" {
            return Err(rec.missing("tlp"));
        }
        let revoked = rec.get("retraction").is_some();
        let meta = Meta { created, modified, created_by: normwatch_identity_id(), marking, revoked };
        Ok(Ctx { rec, root, root_of, meta, marking, out: Vec::new() })
    }

    fn key(&self, suffix: &str) -> String {
        format!("{}:{}{suffix}", self.rec.kind, self.root)
    }

    fn primary_id(&self) -> String {
        // The kind was checked when the context was made.
        primary_type(self.rec.kind).map(|t| stix_id(t, &self.key(""))).unwrap_or_default()
    }

    fn primary(&self, stix_type: &str, created_by: &str) -> Map<String, Value> {
        let mut o = self.meta.object(stix_type, stix_id(stix_type, &self.key("")));
        o.insert("created_by_ref".into(), json!(created_by));
        o
    }

    /// Adds the extension with the record to the record's object, and the object (with its
    /// translation) to the output.
    fn finish_primary(
        &mut self,
        mut o: Map<String, Value>,
        alt: Option<(&'static str, Map<String, Value>)>,
        extra: Vec<(&str, Value)>,
    ) {
        let mut record = self.rec.v.clone();
        if let Some(r) = record.as_object_mut().filter(|_| self.rec.kind == RecordKind::AttributionStatement.as_str()) {
            // Kept once, in the extension's own `signatures`, with the signer's identity.
            r.remove("signatures");
        }
        o.insert("extensions".into(), extension_value(self.rec.kind, &self.rec.id, Some(self.root), record, extra));
        push_with_translation(&mut self.out, o, alt);
    }

    fn shared_meta(&self) -> Meta {
        Meta::shared(self.marking)
    }

    fn refer(&self, kind: &str, id: &str) -> Result<String, ExportError> {
        primary_id(kind, &(self.root_of)(kind, id))
    }

    /// The identity that stands behind a record: its registered stakeholder, or normwatch.
    fn stakeholder_or_normwatch(&self, field: &str) -> Result<String, ExportError> {
        Ok(self.rec.opt(field)?.map_or_else(normwatch_identity_id, stakeholder_identity_id))
    }

    /// The identity of an attributor or responder: the registered stakeholder's, or one made
    /// for the named outsider (shared by every record that names it alike).
    fn speaker(&mut self, field: &str) -> Result<String, ExportError> {
        if let Some(s) = self.rec.opt(&format!("{field}.stakeholder"))? {
            return Ok(stakeholder_identity_id(s));
        }
        let name = self.rec.s(&format!("{field}.name"))?;
        let kind = self.rec.s(&format!("{field}.kind"))?;
        let country = self.rec.opt(&format!("{field}.country"))?;
        let id = stix_id("identity", &format!("speaker:{kind}:{}", normalised(name)));
        let mut o = self.shared_meta().object("identity", id.clone());
        let (class, sectors) = speaker_class(kind);
        o.insert("name".into(), json!(name));
        let what = kind.replace('-', " ");
        o.insert("description".into(), json!(country.map_or_else(|| what.clone(), |c| format!("{what} ({c})"))));
        o.insert("identity_class".into(), json!(class));
        if !sectors.is_empty() {
            o.insert("sectors".into(), json!(sectors));
        }
        self.out.push(Value::Object(o));
        Ok(id)
    }

    /// A state as a threat actor, with its country.
    fn state_actor(&mut self, code: &str) -> String {
        let meta = self.shared_meta();
        let id = stix_id("threat-actor", &format!("state:{code}"));
        let mut o = meta.object("threat-actor", id.clone());
        o.insert("name".into(), json!(format!("{code} (state)")));
        o.insert(
            "description".into(),
            json!(format!("The state {code} (ISO 3166-1 alpha-2): its organs and those acting for it.")),
        );
        o.insert("threat_actor_types".into(), json!(["nation-state"]));
        o.insert("resource_level".into(), json!("government"));
        self.out.push(Value::Object(o));
        if is_country(code) {
            let (loc_id, loc) = country_location(&meta, code);
            self.out.push(loc);
            let rel = relationship(&meta, &format!("state:{code}:located-at"), "located-at", &id, &loc_id);
            self.out.push(Value::Object(rel));
        }
        id
    }

    /// A named group as an intrusion set.
    fn group_actor(&mut self, name: &str) -> String {
        let id = stix_id("intrusion-set", &format!("group:{}", normalised(name)));
        let mut o = self.shared_meta().object("intrusion-set", id.clone());
        o.insert("name".into(), json!(name.trim()));
        self.out.push(Value::Object(o));
        id
    }

    /// A named individual as a threat actor.
    fn individual_actor(&mut self, name: &str) -> String {
        let id = self.individual_id(name);
        let mut o = self.shared_meta().object("threat-actor", id.clone());
        o.insert("name".into(), json!(name.trim()));
        o.insert("threat_actor_types".into(), json!(["unknown"]));
        o.insert("resource_level".into(), json!("individual"));
        self.out.push(Value::Object(o));
        id
    }

    fn individual_id(&self, name: &str) -> String {
        stix_id("threat-actor", &format!("individual:{}", normalised(name)))
    }

    fn group_or_individual_id(&self, name: &str, category: Option<&str>) -> String {
        if category == Some("individual") {
            self.individual_id(name)
        } else {
            stix_id("intrusion-set", &format!("group:{}", normalised(name)))
        }
    }

    /// The actor of a claim that names neither state nor group, only what kind of actor it is:
    /// one per claim, since nothing says two such claims mean the same actor.
    fn unidentified_actor(&mut self, category: &str) -> String {
        let id = stix_id("threat-actor", &self.key(":unidentified"));
        let mut o = self.meta.object("threat-actor", id.clone());
        o.insert("name".into(), json!(format!("Unidentified {} actor", category.replace('-', " "))));
        let types = match category {
            "state" | "state-affiliated" => "nation-state",
            _ => "unknown",
        };
        o.insert("threat_actor_types".into(), json!([types]));
        self.out.push(Value::Object(o));
        id
    }
}

fn extension_value(kind: &str, id: &str, root: Option<&str>, record: Value, extra: Vec<(&str, Value)>) -> Value {
    let mut e = Map::new();
    e.insert("extension_type".into(), json!("property-extension"));
    e.insert("record_kind".into(), json!(kind));
    e.insert("record_id".into(), json!(id));
    if let Some(r) = root {
        e.insert("version_root".into(), json!(r));
    }
    e.insert("record".into(), record);
    for (k, v) in extra {
        e.insert(k.into(), v);
    }
    let mut x = Map::new();
    x.insert(EXTENSION_DEFINITION_ID.into(), Value::Object(e));
    Value::Object(x)
}

fn relationship(meta: &Meta, key: &str, rel_type: &str, source: &str, target: &str) -> Map<String, Value> {
    let mut o = meta.object("relationship", stix_id("relationship", key));
    o.insert("relationship_type".into(), json!(rel_type));
    o.insert("source_ref".into(), json!(source));
    o.insert("target_ref".into(), json!(target));
    o
}

fn country_location(meta: &Meta, code: &str) -> (String, Value) {
    let id = stix_id("location", &format!("country:{code}"));
    let mut o = meta.object("location", id.clone());
    o.insert("name".into(), json!(code));
    o.insert("country".into(), json!(code));
    (id, Value::Object(o))
}

// ----------------------------------------------------------------------------------------------
// Text in two languages

fn blank(t: &Localized) -> bool {
    t.ja.trim().is_empty() && t.en.trim().is_empty()
}

fn fallback(t: Localized, other: &Localized) -> Localized {
    if blank(&t) { other.clone() } else { t }
}

/// Sets an object's text properties. The object shows English where the first text (the
/// record's own, not words made here) has it — STIX's default language — and Japanese otherwise,
/// saying so in `lang`; each property falls back to the other language when its own is empty.
/// What the other language says, where it differs, is returned for a `language-content` object.
fn set_texts(o: &mut Map<String, Value>, fields: &[(&str, &Localized)]) -> Option<(&'static str, Map<String, Value>)> {
    let first = fields.iter().map(|(_, t)| *t).find(|t| !blank(t));
    let japanese = first.is_some_and(|t| t.en.trim().is_empty());
    let (shown_lang, other_lang) = if japanese { ("ja", "en") } else { ("en", "ja") };
    let pick = |t: &Localized, lang: &str| if lang == "ja" { t.ja.trim().to_owned() } else { t.en.trim().to_owned() };
    let mut contents = Map::new();
    for (prop, text) in fields {
        let own = pick(text, shown_lang);
        let other = pick(text, other_lang);
        let shown = if own.is_empty() { other.clone() } else { own };
        if shown.is_empty() {
            continue;
        }
        if !other.is_empty() && other != shown {
            contents.insert((*prop).to_owned(), json!(other));
        }
        o.insert((*prop).to_owned(), json!(shown));
    }
    if japanese {
        o.insert("lang".into(), json!("ja"));
    }
    (!contents.is_empty()).then_some((other_lang, contents))
}

/// Pushes an object, and after it the `language-content` with its text in the other language.
fn push_with_translation(out: &mut Vec<Value>, o: Map<String, Value>, alt: Option<(&'static str, Map<String, Value>)>) {
    if let Some((lang, contents)) = alt {
        let id = o.get("id").and_then(Value::as_str).unwrap_or_default().to_owned();
        let mut t = Map::new();
        t.insert("type".into(), json!("language-content"));
        t.insert("spec_version".into(), json!("2.1"));
        t.insert("id".into(), json!(stix_id("language-content", &format!("{id}:{lang}"))));
        for k in ["created_by_ref", "created", "modified", "revoked", "object_marking_refs"] {
            if let Some(v) = o.get(k) {
                t.insert(k.into(), v.clone());
            }
        }
        t.insert("object_ref".into(), json!(id));
        if let Some(m) = o.get("modified") {
            t.insert("object_modified".into(), m.clone());
        }
        let mut by_lang = Map::new();
        by_lang.insert(lang.into(), Value::Object(contents));
        t.insert("contents".into(), Value::Object(by_lang));
        out.push(Value::Object(o));
        out.push(Value::Object(t));
    } else {
        out.push(Value::Object(o));
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn capitalised(s: &str) -> String {
    let mut c = s.chars();
    c.next().map(|f| f.to_uppercase().chain(c).collect()).unwrap_or_default()
}

/// A name as a key: case and inner spacing do not make another group.
fn normalised(name: &str) -> String {
    name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn dedup(refs: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    refs.into_iter().filter(|r| seen.insert(r.clone())).collect()
}

fn is_country(code: &str) -> bool {
    normwatch_core::country::is_country_code(code)
}

// ----------------------------------------------------------------------------------------------
// Vocabularies

/// ICD 203 likelihood terms on STIX's 0–100 confidence scale: the values the STIX 2.1 appendix
/// on confidence scales gives for the DNI scale.
fn icd_confidence(term: &str) -> Option<u8> {
    Some(match term.strip_prefix("icd.").unwrap_or(term) {
        "almost-no-chance" => 5,
        "very-unlikely" => 15,
        "unlikely" => 30,
        "roughly-even-chance" => 50,
        "likely" => 70,
        "very-likely" => 85,
        "almost-certain" => 95,
        _ => return None,
    })
}

/// `identity_class` and `sectors` (STIX open vocabularies) of a stakeholder kind.
fn stakeholder_class(kind: &str) -> (&'static str, &'static [&'static str]) {
    match kind {
        "state" => ("organization", &["government-national"]),
        "intergovernmental" => ("organization", &["government"]),
        "private-sector" => ("organization", &[]),
        "technical-community" => ("organization", &["technology"]),
        "academia" => ("organization", &["education"]),
        "civil-society" => ("organization", &["non-profit"]),
        "individual" => ("individual", &[]),
        _ => ("unknown", &[]),
    }
}

fn speaker_class(kind: &str) -> (&'static str, &'static [&'static str]) {
    match kind {
        "government" => ("organization", &["government-national"]),
        "intergovernmental" => ("organization", &["government"]),
        "security-company" => ("organization", &["technology"]),
        "private-sector" | "media" => ("organization", &[]),
        "academia" => ("organization", &["education"]),
        "civil-society" => ("organization", &["non-profit"]),
        _ => ("unknown", &[]),
    }
}

fn kind_en(kind: &str) -> String {
    match kind {
        "state" => "State".into(),
        "intergovernmental" => "Intergovernmental organisation".into(),
        "private-sector" => "Private sector".into(),
        "technical-community" => "Technical community".into(),
        "academia" => "Academia".into(),
        "civil-society" => "Civil society".into(),
        "individual" => "Individual".into(),
        other => capitalised(&other.replace('-', " ")),
    }
}

fn kind_ja(kind: &str) -> String {
    match kind {
        "state" => "国家".into(),
        "intergovernmental" => "政府間機関".into(),
        "private-sector" => "民間部門".into(),
        "technical-community" => "技術コミュニティ".into(),
        "academia" => "学界".into(),
        "civil-society" => "市民社会".into(),
        "individual" => "個人".into(),
        other => other.to_owned(),
    }
}

/// Whether a CVE id has the form the STIX schema demands of `cve` external references.
fn stix_cve(id: &str) -> bool {
    let mut parts = id.split('-');
    let (Some("CVE"), Some(year), Some(n), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(year) && year.len() == 4 && digits(n) && (n.len() == 4 || (n.len() > 4 && !n.starts_with('0')))
}

// ----------------------------------------------------------------------------------------------
// External references

fn set_refs(o: &mut Map<String, Value>, refs: Vec<Value>) {
    // STIX lists may not be empty.
    if !refs.is_empty() {
        o.insert("external_references".into(), Value::Array(refs));
    }
}

/// A source by its URL; the source's name is the given one or the URL's host.
fn url_ref(source_name: Option<&str>, url: &str, description: Option<&str>) -> Value {
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
fn id_ref(dataset: &str, id: &str, url: Option<&str>) -> Value {
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
fn safe_source_name(name: &str) -> String {
    match name.trim() {
        "" => "source".into(),
        n @ ("cve" | "capec") => format!("{n} source"),
        n => n.to_owned(),
    }
}

/// The host of an http(s) URL.
fn url_host(url: &str) -> Option<String> {
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
fn uri_safe(url: &str) -> String {
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
fn uuid7_time(id: &str) -> Option<String> {
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
fn file_id(sha256: &str, name: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn incident_record() -> Value {
        json!({
            "id": "018f3398-c100-7000-8000-000000000001",
            "title": {"ja": "DNS基盤への攻撃", "en": "Attack on DNS infrastructure"},
            "description": {"ja": "レジストリのDNSが改ざんされた。", "en": "The registry's DNS was tampered with."},
            "started": "2024-03",
            "operation_types": ["data-manipulation"],
            "actors": [],
            "targets": [{"name": "Registry", "asset_classes": ["pc.naming"]}],
            "sources": [{"url": "https://www.example.org/report?id=1", "title": "Registry report"}],
            "impact": {},
            "tlp": "green",
            "status": "published",
            "stakeholder": "jpcert",
            "recorded_by": "alice",
            "created_at": "2024-05-01T10:00:00.000Z",
            "updated_at": "2024-05-02T10:00:00.000Z",
            "version": 3,
            "reviews": [
                {"reviewer": "rev1", "stakeholder_kind": "academia", "verdict": "approve", "record_version": 2,
                 "created_at": "2024-05-01T12:00:00.000Z"},
                {"reviewer": "rev2", "stakeholder_kind": "civil-society", "verdict": "request-changes",
                 "record_version": 1, "comment": "cite a source", "created_at": "2024-05-01T11:00:00.000Z"}
            ]
        })
    }

    fn of_type<'a>(objects: &'a [Value], t: &str) -> Vec<&'a Value> {
        objects.iter().filter(|o| o["type"] == t).collect()
    }

    fn one<'a>(objects: &'a [Value], t: &str) -> &'a Value {
        let all = of_type(objects, t);
        assert_eq!(all.len(), 1, "one {t} in {objects:#?}");
        all[0]
    }

    #[test]
    fn corrections_keep_the_stix_id_and_advance_modified() {
        let first = incident_record();
        let root = first["id"].as_str().expect("id").to_owned();
        let mut second = first.clone();
        second["id"] = json!("018fd33d-e500-7000-8000-000000000002");
        second["supersedes"] = json!(root);
        second["title"]["en"] = json!("Attack on the DNS of a registry");
        second["created_at"] = json!("2024-06-01T10:00:00Z");
        second["updated_at"] = json!("2024-06-03T10:00:00.5Z");
        let a = record_objects("incident", &root, &first).expect("first");
        let b = record_objects("incident", &root, &second).expect("second");
        let (a, b) = (one(&a, "incident"), one(&b, "incident"));
        assert_eq!(a["id"], b["id"]);
        assert_eq!(a["id"], json!(primary_id("incident", &root).expect("kind")));
        assert_eq!(a["created"], b["created"], "created is the chain's");
        assert_eq!(b["modified"], json!("2024-06-03T10:00:00.500Z"));
        assert!(b["modified"].as_str() > a["modified"].as_str());
        assert_eq!(b["name"], json!("Attack on the DNS of a registry"));
        // Another record is another object.
        let other = record_objects("incident", "01900000-0000-7000-8000-000000000009", &first).expect("other");
        assert_ne!(one(&other, "incident")["id"], a["id"]);
    }

    #[test]
    fn modified_is_never_before_created() {
        let mut r = incident_record();
        r["updated_at"] = json!("2000-01-01T00:00:00Z");
        let objects = record_objects("incident", "not-a-uuid7", &r).expect("objects");
        let i = one(&objects, "incident");
        assert_eq!(i["created"], json!("2024-05-01T10:00:00.000Z"));
        assert_eq!(i["modified"], i["created"]);
    }

    #[test]
    fn a_retraction_revokes_the_record_objects() {
        let mut r = json!({
            "id": "01900000-0000-7000-8000-00000000000a", "incident": "018f3398-c100-7000-8000-000000000001",
            "attributor": {"name": "Example Government", "kind": "government", "country": "JP"},
            "attributed_to": {"state": "RU", "group": "APT28", "relation": "organ"},
            "type": "political", "basis": {"ja": "", "en": "Public statement."}, "confidence": "icd.likely",
            "attributed_on": "2024-05-01", "evidence": [], "tlp": "clear", "status": "published",
            "recorded_by": "a", "created_at": "2024-05-01T10:00:00Z", "updated_at": "2024-05-01T10:00:00Z",
            "version": 1
        });
        let standing = record_objects("attribution-claim", "01900000-0000-7000-8000-00000000000a", &r).expect("ok");
        assert!(standing.iter().all(|o| o.get("revoked").is_none()));
        r["retraction"] = json!({"ja": "", "en": "Withdrawn: the statement was misread."});
        let objects = record_objects("attribution-claim", "01900000-0000-7000-8000-00000000000a", &r).expect("ok");
        let rels = of_type(&objects, "relationship");
        let claim = rels.iter().find(|o| o["source_ref"].as_str().is_some_and(|s| s.starts_with("incident--")));
        assert_eq!(claim.expect("claim")["revoked"], json!(true));
        let link = rels.iter().find(|o| o["source_ref"].as_str().is_some_and(|s| s.starts_with("intrusion-set--")));
        assert_eq!(link.expect("group link")["revoked"], json!(true), "the claim's own link is withdrawn too");
        // What the claim named stays: other records may name it too.
        assert!(of_type(&objects, "threat-actor").iter().all(|o| o.get("revoked").is_none()));
        assert_eq!(
            claim.expect("claim")["extensions"][EXTENSION_DEFINITION_ID]["record"]["retraction"]["en"],
            json!("Withdrawn: the statement was misread.")
        );
    }

    #[test]
    fn tlp_becomes_the_marking_of_every_object() {
        let objects = record_objects("incident", "r", &incident_record()).expect("objects");
        for o in &objects {
            assert_eq!(o["object_marking_refs"], json!([crate::tlp::GREEN]), "{o}");
        }
        let mut r = incident_record();
        r["tlp"] = json!("amber+strict");
        let objects = record_objects("incident", "r", &r).expect("objects");
        assert_eq!(one(&objects, "incident")["object_marking_refs"], json!([crate::tlp::AMBER_STRICT]));
        r["tlp"] = json!("purple");
        assert!(
            matches!(record_objects("incident", "r", &r), Err(ExportError::BadField { field, .. }) if field == "tlp")
        );
        r.as_object_mut().expect("object").remove("tlp");
        assert!(
            matches!(record_objects("incident", "r", &r), Err(ExportError::MissingField { field, .. }) if field == "tlp")
        );
    }

    #[test]
    fn sources_become_external_references() {
        let mut r = incident_record();
        r["sources"] = json!([
            {"url": "https://www.example.org/report?id=1", "title": "Registry report"},
            {"url": "http://news.example.com/a b|c"}
        ]);
        r["origin"] = json!({"dataset": "eurepoc", "id": "8664", "url": "https://eurepoc.eu/x", "fields": {}});
        let objects = record_objects("incident", "r", &r).expect("objects");
        assert_eq!(
            one(&objects, "incident")["external_references"],
            json!([
                {"source_name": "www.example.org", "url": "https://www.example.org/report?id=1", "description": "Registry report"},
                {"source_name": "news.example.com", "url": "http://news.example.com/a%20b%7Cc"},
                {"source_name": "eurepoc", "url": "https://eurepoc.eu/x", "external_id": "8664"}
            ])
        );
        let assessment = json!({
            "id": "a1", "incident": "i1", "norm": "gge-f", "level": "likely",
            "actor": {"kind": "non-state", "group": "Group X"},
            "rationale": {"ja": "", "en": "Because."}, "evidence": [], "sources": ["https://example.net/x"],
            "tlp": "clear", "status": "published", "recorded_by": "a",
            "created_at": "2024-05-01T10:00:00Z", "updated_at": "2024-05-01T10:00:00Z", "version": 1
        });
        let objects = record_objects("violation-assessment", "a1", &assessment).expect("objects");
        assert_eq!(
            one(&objects, "note")["external_references"],
            json!([{"source_name": "example.net", "url": "https://example.net/x"}])
        );
    }

    #[test]
    fn an_attribution_names_intrusion_set_threat_actor_and_their_relationships() {
        let r = json!({
            "id": "c1", "incident": "i1",
            "attributor": {"stakeholder": "uk", "name": "United Kingdom", "kind": "government", "country": "GB"},
            "attributed_to": {"category": "state-affiliated", "state": "RU", "group": "APT28", "relation": "organ"},
            "type": "political", "basis": {"ja": "", "en": ""}, "confidence": "icd.very-likely",
            "attributed_on": "2018-10-04", "statement_url": "https://www.gov.uk/x", "evidence": [],
            "tlp": "clear", "status": "published", "recorded_by": "a",
            "created_at": "2024-05-01T10:00:00Z", "updated_at": "2024-05-01T10:00:00Z", "version": 1
        });
        let objects = record_objects("attribution-claim", "c1", &r).expect("objects");
        let set = one(&objects, "intrusion-set");
        let actor = one(&objects, "threat-actor");
        assert_eq!(set["name"], json!("APT28"));
        assert_eq!(set["id"], json!(stix_id("intrusion-set", "group:apt28")));
        assert_eq!(actor["threat_actor_types"], json!(["nation-state"]));
        assert_eq!(actor["id"], json!(stix_id("threat-actor", "state:RU")));
        let rels = of_type(&objects, "relationship");
        let claim = rels.iter().find(|o| o["id"] == json!(primary_id("attribution-claim", "c1").expect("kind")));
        let claim = claim.expect("claim relationship");
        assert_eq!(claim["relationship_type"], json!("attributed-to"));
        assert_eq!(claim["source_ref"], json!(primary_id("incident", "i1").expect("kind")));
        assert_eq!(claim["target_ref"], set["id"]);
        assert_eq!(claim["confidence"], json!(85));
        assert_eq!(claim["created_by_ref"], json!(stakeholder_identity_id("uk")));
        let link = rels.iter().find(|o| o["source_ref"] == set["id"]).expect("group to state");
        assert_eq!(
            (link["relationship_type"].clone(), link["target_ref"].clone()),
            (json!("attributed-to"), actor["id"].clone())
        );
        assert_eq!(link["created_by_ref"], json!(stakeholder_identity_id("uk")));
        assert!(rels.iter().any(|o| o["relationship_type"] == "located-at" && o["source_ref"] == actor["id"]));
        assert_eq!(one(&objects, "location")["country"], json!("RU"));
        // A registered attributor is its stakeholder's identity; no other identity is made.
        assert!(of_type(&objects, "identity").is_empty());
        // The same state and group from another claim are the same objects.
        let mut other = r.clone();
        other["id"] = json!("c2");
        other["attributor"] = json!({"name": "Example Security", "kind": "security-company"});
        let more = record_objects("attribution-claim", "c2", &other).expect("objects");
        assert_eq!(one(&more, "intrusion-set"), set);
        assert_eq!(one(&more, "threat-actor"), actor);
        let speaker = one(&more, "identity");
        assert_eq!(
            (speaker["name"].clone(), speaker["sectors"].clone()),
            (json!("Example Security"), json!(["technology"]))
        );
        // A state alone is the threat actor the incident is attributed to.
        let mut state_only = r.clone();
        state_only["attributed_to"] = json!({"state": "KP"});
        state_only["confidence"] = json!("icd.roughly-even-chance");
        let objs = record_objects("attribution-claim", "c3", &state_only).expect("objects");
        let claim = of_type(&objs, "relationship").into_iter().find(|o| o["relationship_type"] == "attributed-to");
        assert_eq!(claim.expect("claim")["target_ref"], json!(stix_id("threat-actor", "state:KP")));
        assert_eq!(claim.expect("claim")["confidence"], json!(50));
        assert!(of_type(&objs, "intrusion-set").is_empty());
    }

    #[test]
    fn reviews_become_opinions_on_the_record_object() {
        let objects = record_objects("incident", "r", &incident_record()).expect("objects");
        let opinions = of_type(&objects, "opinion");
        assert_eq!(opinions.len(), 2);
        let target = primary_id("incident", "r").expect("kind");
        assert!(opinions.iter().all(|o| o["object_refs"] == json!([target])));
        let verdicts: Vec<_> = opinions.iter().map(|o| (o["opinion"].clone(), o.get("explanation").cloned())).collect();
        assert_eq!(verdicts, vec![(json!("agree"), None), (json!("disagree"), Some(json!("cite a source")))]);
        assert_eq!(opinions[1]["created"], json!("2024-05-01T11:00:00.000Z"));
        assert_eq!(opinions[1]["extensions"][EXTENSION_DEFINITION_ID]["record_kind"], json!("review"));
    }

    #[test]
    fn an_incident_named_only_in_japanese_is_named_in_japanese() {
        let mut r = incident_record();
        r["title"] = json!({"ja": "DNS基盤への攻撃", "en": ""});
        r["description"] = json!({"ja": "改ざん。", "en": ""});
        let objects = record_objects("incident", "r", &r).expect("objects");
        let i = one(&objects, "incident");
        assert_eq!((i["name"].clone(), i["lang"].clone()), (json!("DNS基盤への攻撃"), json!("ja")));
        assert!(of_type(&objects, "language-content").is_empty(), "nothing in another language");
        // Both languages: English shown, Japanese alongside.
        let objects = record_objects("incident", "r", &incident_record()).expect("objects");
        let i = one(&objects, "incident");
        assert_eq!(i["name"], json!("Attack on DNS infrastructure"));
        assert!(i.get("lang").is_none());
        let t = one(&objects, "language-content");
        assert_eq!(t["object_ref"], i["id"]);
        assert_eq!(t["object_modified"], i["modified"]);
        assert_eq!(t["contents"]["ja"]["name"], json!("DNS基盤への攻撃"));
        // No title at all is refused, naming the field.
        r["title"] = json!({"ja": " ", "en": ""});
        let e = record_objects("incident", "r", &r).err().map(|e| e.to_string());
        assert_eq!(e.as_deref(), Some("incident `018f3398-c100-7000-8000-000000000001`: `title` is missing"));
    }

    #[test]
    fn the_record_travels_whole_in_the_extension() {
        let r = incident_record();
        let objects = record_objects("incident", "root-1", &r).expect("objects");
        let ext = &one(&objects, "incident")["extensions"][EXTENSION_DEFINITION_ID];
        assert_eq!(ext["record"], r);
        assert_eq!(
            (ext["record_kind"].clone(), ext["version_root"].clone(), ext["extension_type"].clone()),
            (json!("incident"), json!("root-1"), json!("property-extension"))
        );
    }

    #[test]
    fn every_kind_has_a_primary_object_and_unknown_kinds_are_refused() {
        for kind in RecordKind::ALL.map(RecordKind::as_str) {
            assert!(primary_id(kind, "x").is_ok(), "{kind}");
        }
        assert!(matches!(record_objects("recipe", "x", &json!({"id": "x"})), Err(ExportError::UnknownKind(_))));
        assert!(matches!(
            record_objects("incident", "x", &json!({})),
            Err(ExportError::MissingField { field, .. }) if field == "id"
        ));
    }

    #[test]
    fn bundles_hold_each_object_version_once_least_restrictively_marked() {
        let amber = json!({"id": "threat-actor--1", "modified": "m", "object_marking_refs": [crate::tlp::AMBER]});
        let clear = json!({"id": "threat-actor--1", "modified": "m", "object_marking_refs": [crate::tlp::CLEAR]});
        let later = json!({"id": "threat-actor--1", "modified": "n", "object_marking_refs": [crate::tlp::RED]});
        let b = bundle(vec![amber.clone(), clear.clone(), later.clone()]);
        assert_eq!(b["objects"], json!([clear, later]));
        assert_eq!(b["id"], bundle(vec![later.clone(), clear.clone()])["id"], "the id is the content's");
        assert_ne!(b["id"], bundle(vec![later])["id"]);
        assert!(bundle(Vec::new()).get("objects").is_none());
    }

    #[test]
    fn urls_are_made_rfc_3986() {
        assert_eq!(uri_safe("https://a.example/x?q=1#f"), "https://a.example/x?q=1#f");
        assert_eq!(uri_safe("https://a.example/日本 [1]#a#b"), "https://a.example/%E6%97%A5%E6%9C%AC%20%5B1%5D#a%23b");
        assert_eq!(uri_safe("https://a.example/100%/%41"), "https://a.example/100%25/%41");
        assert_eq!(url_host("https://user@Example.ORG:8443/x").as_deref(), Some("example.org"));
        assert_eq!(url_host("ftp://x"), None);
        assert_eq!(url_host("HTTP://日本.example/パス").as_deref(), Some("日本.example"));
        assert_eq!(uri_safe("http://日本.example/"), "http://%E6%97%A5%E6%9C%AC.example/");
    }

    #[test]
    fn ids_of_observables_and_times_of_uuid7() {
        // Checked against the OASIS `stix2` library: File(hashes={"SHA-256": …}, name="a.pdf").id
        let id = file_id("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "a.pdf");
        assert_eq!(id, "file--52d259e2-b6d2-5eec-85e1-38de16db6e0c");
        let id = file_id("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "報告 \"x\".pdf");
        assert_eq!(id, "file--b6c93717-d106-51d2-974e-f6f94c6867be");
        assert_eq!(uuid7_time("018f3398-c100-7000-8000-000000000001").as_deref(), Some("2024-05-01T10:00:00.000Z"));
        assert_eq!(uuid7_time("3b241101-e2bb-4255-8caf-4136c566a962"), None, "v4 ids carry no time");
        assert!(stix_cve("CVE-2024-12345") && stix_cve("CVE-2024-0001") && !stix_cve("CVE-2024-01234"));
    }

    #[test]
    fn a_vulnerability_event_takes_the_marking_given_with_it() {
        let mut e = json!({"id": "e1", "vulnerability": "v1", "event": "fixed", "on": "2017-03-14",
                           "recorded_by": "a", "created_at": "2024-02-21T00:00:00Z"});
        let objects = record_objects("vulnerability-event", "e1", &e).expect("objects");
        let note = one(&objects, "note");
        assert!(note.get("object_marking_refs").is_none(), "the event has no marking of its own");
        assert_eq!(note["object_refs"], json!([primary_id("vulnerability", "v1").expect("kind")]));
        e["tlp"] = json!("amber");
        let objects = record_objects("vulnerability-event", "e1", &e).expect("objects");
        assert_eq!(one(&objects, "note")["object_marking_refs"], json!([crate::tlp::AMBER]));
    }

    #[test]
    fn references_follow_corrections_through_root_of() {
        let assessment = json!({
            "id": "a1", "incident": "incident-v2", "norm": "gge-f", "level": "likely",
            "actor": {"kind": "state", "state": "RU", "group": "Sandworm", "responsibility": "proxy"},
            "rationale": {"ja": "理由。", "en": ""}, "evidence": ["ev1"], "sources": [],
            "tlp": "clear", "status": "published", "recorded_by": "a",
            "created_at": "2024-05-01T10:00:00Z", "updated_at": "2024-05-01T10:00:00Z", "version": 1
        });
        let root_of = |kind: &str, id: &str| {
            if kind == "incident" && id == "incident-v2" { "incident-v1".into() } else { id.to_owned() }
        };
        let objects = record_objects_with("violation-assessment", "a1", &assessment, &root_of).expect("objects");
        let note = one(&objects, "note");
        assert_eq!(
            note["object_refs"],
            json!([
                primary_id("incident", "incident-v1").expect("kind"),
                stix_id("threat-actor", "state:RU"),
                stix_id("intrusion-set", "group:sandworm"),
                primary_id("incident-evidence", "ev1").expect("kind")
            ])
        );
        assert_eq!(
            note["abstract"],
            json!("規範 gge-f の違反評価（likely）: 国家 RU（その代理として行動する Sandworm）")
        );
        assert_eq!((note["lang"].clone(), note["content"].clone()), (json!("ja"), json!("理由。")));
        assert_eq!(
            one(&objects, "language-content")["contents"]["en"]["abstract"],
            json!("Violation of norm gge-f by the state RU, for group Sandworm acting as its proxy: likely")
        );
    }

    #[test]
    fn the_extension_schema_is_json_and_matches_the_definition() {
        let s = extension_schema();
        assert_eq!(s["$id"], json!(EXTENSION_SCHEMA_URL));
        assert!(s["properties"]["extensions"]["properties"].get(EXTENSION_DEFINITION_ID).is_some());
        let d = extension_definition();
        assert_eq!(
            (d["id"].clone(), d["schema"].clone()),
            (json!(EXTENSION_DEFINITION_ID), json!(EXTENSION_SCHEMA_URL))
        );
        assert_eq!(tlp_marking_definitions().len(), 5);
    }
}
