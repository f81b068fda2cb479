//! The TLP 2.0 marking definitions every bundle may refer to.
use super::*;

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
