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
    assert!(matches!(record_objects("incident", "r", &r), Err(ExportError::BadField { field, .. }) if field == "tlp"));
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
    assert_eq!(note["abstract"], json!("規範 gge-f の違反評価（likely）: 国家 RU（その代理として行動する Sandworm）"));
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
    assert_eq!((d["id"].clone(), d["schema"].clone()), (json!(EXTENSION_DEFINITION_ID), json!(EXTENSION_SCHEMA_URL)));
    assert_eq!(tlp_marking_definitions().len(), 5);
}
