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
mod assembly;
mod context;
mod findings;
mod marking;
mod refs;
mod stakeholders;
#[cfg(test)]
mod tests;
mod text;

pub use assembly::{bundle, report};
use context::*;
use findings::*;
pub use marking::{tlp_extension_definition, tlp_marking_definitions};
use refs::*;
use stakeholders::*;
use text::*;

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
