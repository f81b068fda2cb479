//! The STIX export of every record kind, checked by OASIS's `stix2-validator` (from the venv that
//! `bash scripts/test` prepares, `NORMWATCH_TEST_PYTHON`) with normwatch's extension schema, and
//! checked here for what the validator does not look at: that the fixtures have the shapes of
//! real records, that references resolve inside the bundle, that co-signatures verify.
use normwatch_core::RecordKind;
use normwatch_stix::export::{self, EXTENSION_DEFINITION_ID};
use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn schemas() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas")
}

fn read(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One record per kind, in the order of the log's kinds.
fn records() -> Vec<(&'static str, Value)> {
    RecordKind::ALL
        .map(RecordKind::as_str)
        .iter()
        .map(|k| (*k, read(&fixtures().join(format!("records/{k}.json")))))
        .collect()
}

fn stakeholders() -> Vec<Value> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(fixtures().join("stakeholders"))
        .expect("stakeholder fixtures")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    paths.iter().map(|p| read(p)).collect()
}

/// Corrected records' ids → the first version of their chain.
fn roots() -> HashMap<String, String> {
    serde_json::from_value(read(&fixtures().join("roots.json"))).expect("roots")
}

/// What `normwatch export stix` would publish for the fixtures: producer, extension and
/// markings, the stakeholders, every record's objects and a report naming the records.
fn export_bundle() -> Value {
    let roots = roots();
    let root_of = |_: &str, id: &str| roots.get(id).cloned().unwrap_or_else(|| id.to_owned());
    let mut objects =
        vec![export::normwatch_identity(), export::extension_definition(), export::tlp_extension_definition()];
    objects.extend(export::tlp_marking_definitions());
    for s in stakeholders() {
        objects.extend(export::stakeholder_objects(&s).expect("stakeholder"));
    }
    let mut published = Vec::new();
    for (kind, record) in records() {
        let root = root_of(kind, record["id"].as_str().expect("id"));
        objects.extend(export::record_objects_with(kind, &root, &record, &root_of).unwrap_or_else(|e| panic!("{e}")));
        published.push(export::primary_id(kind, &root).expect("kind"));
    }
    objects.push(export::report("fixtures", "normwatch fixtures: one record of each kind", "2024-04-10", &published));
    export::bundle(objects)
}

fn ids_of_type(bundle: &Value, t: &str) -> Vec<String> {
    let objects = bundle["objects"].as_array().expect("objects");
    objects.iter().filter(|o| o["type"] == t).map(|o| o["id"].as_str().expect("id").to_owned()).collect()
}

#[test]
fn fixtures_have_the_shapes_of_normwatch_records() {
    use normwatch_core::adoption::{ImplementationEvidence, LegalPosition, Position, Stakeholder};
    use normwatch_core::capacity::{Assessment, Programme, TimelineEvent, Vulnerability};
    use normwatch_core::cbm::PointOfContact;
    use normwatch_core::evidence::{CollectionProtocol, CustodyEntry};
    use normwatch_core::incident::IncidentInput;
    use normwatch_core::violation::{AssessmentInput, AttributionInput, ResponseInput, StatementInput};

    fn shape<T: serde::de::DeserializeOwned>(kind: &str, v: Value) {
        if let Err(e) = serde_json::from_value::<T>(v) {
            panic!("the {kind} fixture is not a {}: {e}", std::any::type_name::<T>());
        }
    }
    /// A ledger record's body: the record without the life the store adds around it (and the
    /// co-signatures the export adds to statements).
    fn body(mut v: Value) -> Value {
        let life = ["id", "retraction", "supersedes", "superseded_by", "recorded_by", "created_at", "updated_at"];
        for k in life.iter().chain(&["version", "log_index", "reviews", "signatures"]) {
            v.as_object_mut().expect("object").remove(*k);
        }
        v
    }
    let mut fixtures_on_disk: Vec<String> = std::fs::read_dir(fixtures().join("records"))
        .expect("records fixtures")
        .filter_map(|e| e.ok()?.path().file_stem()?.to_str().map(str::to_owned))
        .collect();
    fixtures_on_disk.sort_unstable();
    let mut kinds: Vec<String> = RecordKind::ALL.map(|k| k.as_str().to_owned()).to_vec();
    kinds.sort_unstable();
    assert_eq!(fixtures_on_disk, kinds, "a fixture for every logged kind, and none for a kind that is not");
    for (kind, r) in records() {
        match kind {
            "incident" => shape::<IncidentInput>(kind, body(r)),
            "violation-assessment" => shape::<AssessmentInput>(kind, body(r)),
            "attribution-claim" => shape::<AttributionInput>(kind, body(r)),
            "attribution-statement" => shape::<StatementInput>(kind, body(r)),
            "incident-response" => shape::<ResponseInput>(kind, body(r)),
            "position" => shape::<Position>(kind, r),
            "implementation-evidence" => shape::<ImplementationEvidence>(kind, r),
            "legal-position" => shape::<LegalPosition>(kind, r),
            "vulnerability" => shape::<Vulnerability>(kind, r),
            "capacity-programme" => shape::<Programme>(kind, r),
            "hygiene-assessment" => shape::<Assessment>(kind, r),
            "point-of-contact" => shape::<PointOfContact>(kind, r),
            "incident-evidence" => {
                shape::<CollectionProtocol>(kind, r["protocol"].clone());
                shape::<Vec<CustodyEntry>>(kind, r["custody"].clone());
            }
            "vulnerability-event" => shape::<TimelineEvent>(kind, r["event"].clone()),
            other => panic!("no shape check for {other}"),
        }
    }
    for s in stakeholders() {
        shape::<Stakeholder>("stakeholder", s);
    }
}

#[test]
fn every_reference_resolves_inside_the_bundle() {
    let bundle = export_bundle();
    let objects = bundle["objects"].as_array().expect("objects");
    let ids: BTreeSet<&str> = objects.iter().filter_map(|o| o["id"].as_str()).collect();
    // The one outside reference: OASIS's identity, the publisher of the TLP 2.0 extension.
    let outside = "identity--b3bca3c2-1f3d-4b54-b44f-dac42c3a8f01";
    let mut missing = Vec::new();
    for o in objects {
        let mut refs: Vec<&str> = Vec::new();
        for k in ["created_by_ref", "source_ref", "target_ref", "object_ref"] {
            refs.extend(o[k].as_str());
        }
        for k in ["object_refs", "object_marking_refs"] {
            refs.extend(o[k].as_array().into_iter().flatten().filter_map(Value::as_str));
        }
        refs.extend(o["extensions"].as_object().into_iter().flat_map(|e| e.keys().map(String::as_str)));
        for r in refs {
            if !ids.contains(r) && r != outside {
                missing.push(format!("{} → {r}", o["id"]));
            }
        }
    }
    assert!(missing.is_empty(), "unresolved references:\n{}", missing.join("\n"));
    // Every record kind is there, once, and every stakeholder a record names has its identity.
    for (kind, record) in records() {
        let root = roots().get(record["id"].as_str().expect("id")).cloned();
        let root = root.unwrap_or_else(|| record["id"].as_str().expect("id").to_owned());
        let primary = export::primary_id(kind, &root).expect("kind");
        assert_eq!(objects.iter().filter(|o| o["id"] == primary).count(), 1, "{kind}");
        for s in export::stakeholder_refs(kind, &record) {
            assert!(ids.contains(export::stakeholder_identity_id(&s).as_str()), "{kind} names {s}");
        }
    }
    // Shared objects come once although several records name them.
    assert_eq!(ids_of_type(&bundle, "threat-actor").len(), 1, "RU, named by three records");
    assert_eq!(ids_of_type(&bundle, "intrusion-set").len(), 1, "Sandworm, named by two");
    let before = objects.len();
    let twice = export::bundle(objects.iter().chain(objects.iter()).cloned().collect());
    assert_eq!(twice["objects"].as_array().map(Vec::len), Some(before));
    assert_eq!(twice["id"], bundle["id"]);
}

#[test]
fn exported_co_signatures_verify_over_the_exported_signed_value() {
    let (_, statement) = records().into_iter().find(|(k, _)| *k == "attribution-statement").expect("statement");
    let objects = export::record_objects("attribution-statement", statement["id"].as_str().expect("id"), &statement)
        .expect("objects");
    let note = objects.iter().find(|o| o["type"] == "note").expect("note");
    let ext = &note["extensions"][EXTENSION_DEFINITION_ID];
    // RFC 8785: sorted keys, no spaces, strings as serde_json writes them (no floats here).
    let message = serde_json::to_string(&ext["signed_value"]).expect("json");
    let signatures = ext["signatures"].as_array().expect("signatures");
    assert_eq!(signatures.len(), 2);
    for s in signatures {
        let (key, sig) = (s["public_key"].as_str().expect("key"), s["signature"].as_str().expect("signature"));
        normwatch_core::violation::verify_signature(key, message.as_bytes(), sig)
            .unwrap_or_else(|e| panic!("{}: {e}", s["stakeholder"]));
        assert_eq!(s["signer_ref"], json!(export::stakeholder_identity_id(s["stakeholder"].as_str().expect("id"))));
        assert!(note["object_refs"].as_array().expect("refs").contains(&s["signer_ref"]));
    }
    assert!(ext["record"].get("signatures").is_none(), "kept once, in the extension's own list");
}

/// The venv's Python; without it the test fails and says how to get it (it never skips).
fn test_python() -> PathBuf {
    match std::env::var("NORMWATCH_TEST_PYTHON") {
        Ok(p) if !p.is_empty() => PathBuf::from(p),
        _ => panic!(
            "needs the Python test tools: run `bash scripts/test`, or set NORMWATCH_TEST_PYTHON=target/test-venv/bin/python"
        ),
    }
}

/// What `stix2_validator` said of one file.
#[derive(Debug)]
struct Verdict {
    status: i32,
    errors: Vec<String>,
    warnings: Vec<String>,
    output: String,
}

/// Runs the `stix2_validator` command (its entry point, through the venv's Python) on a bundle,
/// with normwatch's schemas and the check that relationships' ends are in the bundle.
fn validate(python: &Path, bundle: &Value, dir: &Path, name: &str) -> Verdict {
    let file = dir.join(name);
    std::fs::write(&file, serde_json::to_string_pretty(bundle).expect("json")).expect("write bundle");
    let out = Command::new(python)
        .args(["-c", "import sys; from stix2validator.scripts.stix2_validator import main; sys.argv[0] = 'stix2_validator'; main()"])
        .arg("--verbose")
        .arg("--enforce-refs")
        .arg("--schemas")
        .arg(schemas())
        .arg(&file)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", python.display()));
    let output = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let lines = |marker: &str| output.lines().filter(|l| l.contains(marker)).map(|l| l.trim().to_owned()).collect();
    Verdict { status: out.status.code().unwrap_or(-1), errors: lines("[X]"), warnings: lines("[!]"), output }
}

#[test]
fn oasis_validator_finds_no_errors_in_the_export_of_every_kind() {
    let python = test_python();
    let dir = tempfile::tempdir().expect("tempdir");
    let bundle = export_bundle();
    // To look at the export (or load it into MISP or OpenCTI): NORMWATCH_STIX_EXPORT_OUT=path.
    if let Ok(out) = std::env::var("NORMWATCH_STIX_EXPORT_OUT") {
        std::fs::write(&out, serde_json::to_string_pretty(&bundle).expect("json")).expect("write the export");
    }
    let v = validate(&python, &bundle, dir.path(), "normwatch-export.json");
    assert!(
        v.status == 0 && v.errors.is_empty() && v.output.contains("STIX JSON: Valid"),
        "the validator rejects the export:\n{}",
        v.output
    );
    // The extension schema was found and applied (the validator only says so when it does).
    let applied = format!("Validating {EXTENSION_DEFINITION_ID} against");
    assert!(v.output.contains(&applied), "extension schema not applied:\n{}", v.output);
    for w in &v.warnings {
        eprintln!("validator: {w}");
    }

    // The same check fails on broken objects: the core schema, the spec's MUSTs, and our schema.
    let mut broken = bundle.clone();
    let objects = broken["objects"].as_array_mut().expect("objects");
    let mut wrecked = Vec::new();
    for o in objects.iter_mut() {
        let id = o["id"].as_str().unwrap_or_default().to_owned();
        match o["type"].as_str() {
            Some("incident") if !wrecked.iter().any(|(w, _): &(String, &str)| w.starts_with("incident--")) => {
                o["extensions"][EXTENSION_DEFINITION_ID].as_object_mut().expect("extension").remove("record");
                wrecked.push((id, "'record' is a required property"));
            }
            Some("vulnerability") => {
                o["extensions"][EXTENSION_DEFINITION_ID]["record"]["mitigation_status"] = json!("patched-maybe");
                wrecked.push((id, "'patched-maybe' is not one of"));
            }
            Some("note") if o["extensions"][EXTENSION_DEFINITION_ID]["record_kind"] == "position" => {
                o.as_object_mut().expect("note").remove("object_refs");
                wrecked.push((id, "'object_refs' is a required property"));
            }
            Some("opinion") if !wrecked.iter().any(|(w, _)| w.starts_with("opinion--")) => {
                o["modified"] = json!("2000-01-01T00:00:00.000Z");
                wrecked.push((id, "must be later than or equal to 'created'"));
            }
            _ => {}
        }
    }
    assert_eq!(wrecked.len(), 4, "one of each wreck: {wrecked:?}");
    let v = validate(&python, &broken, dir.path(), "broken.json");
    assert_ne!(v.status, 0, "a broken bundle passes:\n{}", v.output);
    for (id, message) in &wrecked {
        assert!(
            v.errors.iter().any(|e| e.contains(id.as_str()) && e.contains(message)),
            "no error `{message}` for {id}:\n{}",
            v.errors.join("\n")
        );
    }
}
