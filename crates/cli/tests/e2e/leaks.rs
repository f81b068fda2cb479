//! Nothing leaks on any read path. The routes come from the router itself
//! (`normwatch_server::get_paths`), so a route added tomorrow is covered tomorrow. A world of
//! records of every kind, at every TLP, draft and published, open and shared with a community,
//! is read by every kind of viewer on every GET route — API, portal, TAXII, log, downloads —
//! and no viewer may find a trace (marker text or id) of a record it may not read: not in a
//! body, not in a count, not in a TAXII manifest, not in a log proof by record. Collection's
//! sources and items (a source's poll and a public tip) are leads for editors and admins only.

use crate::common::{Api, Roles, TestServer, publish_through_review, reviewers};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

// Private sources allowed: the world's collection source is a feed on a loopback port.
on_both_backends!(env crate::common::COLLECTING; nothing_leaks_on_any_read_path, every_list_filter_answers);

const TLPS: [&str; 5] = ["clear", "green", "amber", "amber+strict", "red"];
const COMMUNITY: &str = "coop";
/// The vulnerability the world's incidents, vulnerabilities and VEP case are about.
const CVE: &str = "CVE-2023-1234";

/// One record of the world, as the oracle needs it.
#[derive(Debug, Clone)]
struct Rec {
    kind: &'static str,
    id: String,
    /// Text that appears in the record and nowhere else.
    marker: String,
    tlp: &'static str,
    published: bool,
    community: bool,
    stakeholder: Option<&'static str>,
    /// A link between two records is readable with both of them only.
    ends: Option<Box<(Rec, Rec)>>,
    /// A collection source or item: read by those who triage (editors, admins) only.
    lead: bool,
}

/// A viewer and what the access rules grant it (DESIGN: roles, TLP 2.0, communities).
struct Who {
    name: &'static str,
    api: Api,
    markings: &'static [&'static str],
    unpublished: bool,
    stakeholder: Option<&'static str>,
    member: bool,
    /// Admins read every marking and status (of the communities they belong to).
    admin: bool,
    /// The world's author reads all of it.
    author: bool,
    /// Editors triage collected items (admins too, through `admin`).
    triages: bool,
}

/// The rule, stated independently of the store's SQL: a published record at a marking the
/// viewer's role may read (any status for roles that read drafts), or a record of the
/// stakeholder a contributor acts for — and, when shared with a community, only for members.
fn may_read(w: &Who, r: &Rec) -> bool {
    // A VEP case is its board's members' alone, whatever their role: the world's board has
    // one member, its author.
    if r.kind == "vep-case" {
        return w.author;
    }
    if let Some(ends) = &r.ends {
        return may_read(w, &ends.0) && may_read(w, &ends.1);
    }
    if r.lead {
        return w.triages || w.admin || w.author;
    }
    // A record received from a peer, of one of the peer's communities: admins only here.
    if r.kind == "federated-record" && r.community {
        return w.admin || w.author;
    }
    if w.author {
        return true;
    }
    let marking = w.admin
        || ((r.published || w.unpublished) && w.markings.contains(&r.tlp))
        || (w.stakeholder.is_some() && w.stakeholder == r.stakeholder);
    marking && (!r.community || w.member)
}

struct World {
    records: Vec<Rec>,
    whos: Vec<Who>,
}

async fn created(api: &Api, path: &str, body: &Value) -> String {
    let (st, b) = api.post(path, body).await;
    assert_eq!(st, 201, "POST {path}: {b}");
    b["id"].as_str().expect("id").to_owned()
}

/// Builds the world: for each TLP × status × community, an incident with its evidence and a
/// finding of each kind, and a position, implementation evidence and legal position of acme's.
async fn world(s: &TestServer) -> World {
    let roles = Roles::set_up(s).await;
    let (r1, r2) = reviewers(s, &roles.admin).await;
    // The author of the world: an admin who is also a member of the community it shares with.
    let (st, b) = roles
        .admin
        .post(
            "/api/v1/stakeholders",
            &json!({"id": "desk", "kind": "civil-society", "name": {"ja": "デスク", "en": "Desk"}}),
        )
        .await;
    assert_eq!(st, 201, "{b}");
    let author = crate::common::signed_in(s, &roles.admin, "author", "admin", Some("desk")).await;
    // TLP:RED is beyond reviewers' clearance: admins acting for the same two stakeholders review it.
    let mut red = Vec::new();
    for (name, stakeholder) in [("red-cs", "watchdog"), ("red-ac", "univ")] {
        red.push(crate::common::signed_in(s, &roles.admin, name, "admin", Some(stakeholder)).await);
    }
    let community = json!({"id": COMMUNITY, "name": {"ja": "協力", "en": "Cooperation"},
        "purpose": {"ja": "事案で協力する。", "en": "Cooperate on incidents."}, "focus_norms": ["gge-f"],
        "success_factors": {"shared_principles": "p", "problem_focus": "f", "expertise": "e", "support": "s",
                            "transparent_process": "t"},
        "members": [{"stakeholder": "jp", "role": "coordinator"}, {"stakeholder": "watchdog"}, {"stakeholder": "univ"},
                    {"stakeholder": "desk"}]});
    let (st, b) = roles.admin.post("/api/v1/communities", &community).await;
    assert_eq!(st, 201, "{b}");
    let admin = &author;
    let mut records = Vec::new();
    let mut n = 0;
    for tlp in TLPS {
        for published in [false, true] {
            for shared in [false, true] {
                n += 1;
                let m = |kind: &str| format!("Qz{kind}{n}Zq");
                let scope = |mut body: Value| {
                    body["tlp"] = json!(tlp);
                    if shared {
                        body["community"] = json!(COMMUNITY);
                    }
                    body
                };
                let rec = |kind: &'static str, id: String, marker: String, stakeholder: Option<&'static str>| Rec {
                    kind,
                    id,
                    marker,
                    tlp,
                    published,
                    community: shared,
                    stakeholder,
                    ends: None,
                    lead: false,
                };
                let publish = |path: String| {
                    let (r1, r2) = if tlp == "red" { (&red[0], &red[1]) } else { (&r1, &r2) };
                    async move {
                        if published {
                            publish_through_review(admin, r1, r2, &path).await;
                        }
                    }
                };
                // The incident, then its evidence (published with it). Every incident names the
                // CVE every vulnerability is about: a vulnerability lists those its reader may read.
                let incident =
                    scope(json!({"title": {"en": m("inc")}, "description": {"en": format!("Exploited {CVE}.")},
                    "operation_types": ["data-destruction"],
                    "targets": [{"name": "Utility", "country": "JP", "sector": "ci.energy"}], "started": "2023-05"}));
                let incident_id = created(admin, "/api/v1/incidents", &incident).await;
                let r = reqwest::Client::new()
                    .post(s.at(&format!(
                        "/api/v1/incidents/{incident_id}/evidence?filename={}.txt&tlp={}",
                        m("evi"),
                        tlp.replace('+', "%2B")
                    )))
                    .bearer_auth(admin.token.clone().expect("token"))
                    .header("Content-Type", "text/plain")
                    .body(m("evibytes"))
                    .send()
                    .await
                    .expect("upload");
                assert_eq!(r.status(), 201);
                let evidence: Value = r.json().await.expect("evidence");
                publish(format!("/api/v1/incidents/{incident_id}")).await;
                records.push(rec("incident", incident_id.clone(), m("inc"), None));
                let evidence_id = evidence["id"].as_str().expect("id").to_owned();
                // The bytes carry a marker of their own, found only by the download.
                records.push(rec("incident-evidence", evidence_id.clone(), m("evi"), None));
                records.push(rec("incident-evidence", evidence_id, m("evibytes"), None));

                let findings: [(&'static str, &str, Value, String); 3] = [
                    (
                        "assessment",
                        "/api/v1/assessments",
                        json!({"incident": incident_id, "norm": "gge-f", "actor": {"kind": "state", "state": "RU"},
                               "level": "likely", "rationale": {"en": m("ass")}}),
                        m("ass"),
                    ),
                    (
                        "attribution",
                        "/api/v1/attributions",
                        json!({"incident": incident_id, "attributor": {"name": m("att"), "kind": "security-company"},
                               "attributed_to": {"state": "RU"}, "type": "technical", "attributed_on": "2023-07-01"}),
                        m("att"),
                    ),
                    (
                        "response",
                        "/api/v1/responses",
                        json!({"incident": incident_id, "responder": {"name": m("res"), "kind": "government"},
                               "type": "resp.public-attribution", "legal_character": "retorsion", "responded_on": "2023-08"}),
                        m("res"),
                    ),
                ];
                let mut claim = String::new();
                for (kind, path, body, marker) in findings {
                    let id = created(admin, path, &scope(body)).await;
                    publish(format!("{path}/{id}")).await;
                    if kind == "attribution" {
                        claim = id.clone();
                    }
                    records.push(rec(kind, id, marker, None));
                }
                let statement = scope(json!({"text": {"en": m("sta")}, "claims": [claim], "issued_on": "2023-09-02"}));
                let id = created(admin, "/api/v1/statements", &statement).await;
                publish(format!("/api/v1/statements/{id}")).await;
                records.push(rec("statement", id, m("sta"), None));

                // Records of acme's (France's for the legal position, a state's view): positions,
                // implementation evidence, vulnerabilities in its products, its capacity
                // programmes and points of contact — published or not by their status.
                let status = if published { "published" } else { "draft" };
                let own: [(&'static str, &str, Value, String); 6] = [
                    (
                        "position",
                        "/api/v1/positions",
                        json!({"stakeholder": "acme", "norm": "gge-f", "stance": "endorse", "stated_on": "2020-01-01",
                               "source": {"url": format!("https://example.org/{}", m("pos"))}, "statement": {"en": m("pos")}}),
                        m("pos"),
                    ),
                    (
                        "implementation-evidence",
                        "/api/v1/evidence",
                        json!({"stakeholder": "acme", "norm": "gcsc-5", "kind": "strategy-policy", "dated": "2021-09-28",
                               "url": format!("https://example.org/{}", m("imp")), "summary": {"en": m("imp")}}),
                        m("imp"),
                    ),
                    (
                        "legal-position",
                        "/api/v1/legal-positions",
                        json!({"stakeholder": "fr", "topic": "sovereignty", "summary": {"en": m("leg")},
                               "source_url": format!("https://example.org/{}", m("leg")), "dated": "2021-05-28"}),
                        m("leg"),
                    ),
                    (
                        "vulnerability",
                        "/api/v1/vulnerabilities",
                        json!({"cve_id": CVE, "product": m("vul"), "vendor": "Acme", "vendor_stakeholder": "acme", "reported_on": "2024-01-10"}),
                        m("vul"),
                    ),
                    (
                        "capacity-programme",
                        "/api/v1/capacity/programmes",
                        json!({"provider": "acme", "title": {"ja": "研修", "en": m("cap")}, "beneficiaries": ["vn"], "region": "asia",
                               "norms": ["gge-f"], "elements": ["fw-6"], "starts_on": "2024-04-01", "progress": "running"}),
                        m("cap"),
                    ),
                    (
                        "point-of-contact",
                        "/api/v1/contacts",
                        json!({"stakeholder": "acme", "kind": "technical", "name": m("poc"), "role_title": "Duty officer",
                               "channels": [{"kind": "email", "value": "duty@acme.example"}], "languages": ["en"],
                               "hours": "24/7", "time_zone": "Asia/Tokyo", "valid_from": "2024-01-01"}),
                        m("poc"),
                    ),
                ];
                for (kind, path, body, marker) in own {
                    let owner = if kind == "legal-position" { "fr" } else { "acme" };
                    let mut body = scope(body);
                    body["status"] = json!(status);
                    // Only positions among these are shared with communities (the other inputs
                    // have no community).
                    let open = kind != "position";
                    if open && let Some(o) = body.as_object_mut() {
                        o.remove("community");
                    }
                    let id = created(admin, path, &body).await;
                    records.push(Rec { community: shared && !open, ..rec(kind, id, marker, Some(owner)) });
                }
            }
        }
    }
    // Incidents linked in pairs (the same TLP and status, one open and one shared with the
    // community): a link shows only to whoever reads both ends.
    let incidents: Vec<Rec> = records.iter().filter(|r| r.kind == "incident").cloned().collect();
    for (k, pair) in incidents.chunks(2).enumerate() {
        let [a, b] = pair else { continue };
        let id = created(admin, "/api/v1/incident-links", &json!({"incidents": [a.id, b.id]})).await;
        records.push(Rec {
            kind: "incident-link",
            id,
            // A link has no text of its own: its ids and its ends' markers are what may leak.
            marker: format!("Qzlnk{k}Zq"),
            tlp: a.tlp,
            published: a.published,
            community: a.community || b.community,
            stakeholder: None,
            ends: Some(Box::new((a.clone(), b.clone()))),
            lead: false,
        });
    }
    records.extend(collected(s, admin).await);
    records.extend(federated(s).await);
    // A VEP case about the CVE, on a board whose only member is the author: a vulnerability
    // lists it to its board's members, and to nobody else.
    let board = json!({"id": "leak-vep", "stakeholder": "jp", "name": {"ja": "委員会", "en": "Board"},
        "members": [{"username": "author", "agency": "NISC"}]});
    let (st, b) = roles.admin.post("/api/v1/vep/boards", &board).await;
    assert_eq!(st, 201, "{b}");
    let case = json!({"product": "Qzvep0Zq", "vendor": "Acme", "cve_id": CVE, "severity": "high",
        "discovered_on": "2024-01-15", "submitting_agency": "NISC", "submitted_on": "2024-02-01",
        "equities": {"defensive": {"product_usage": "high", "likelihood_others_find": "medium",
                                   "harm_if_exploited": "high", "patchable": true},
                     "intelligence_value": "medium", "law_enforcement_value": "low", "commercial": "none",
                     "international_partnerships": "low"}});
    let id = created(admin, "/api/v1/vep/boards/leak-vep/cases", &case).await;
    records.push(Rec {
        kind: "vep-case",
        id,
        marker: "Qzvep0Zq".into(),
        tlp: "red",
        published: false,
        community: false,
        stakeholder: None,
        ends: None,
        lead: false,
    });
    let editorial: &'static [&'static str] = &["clear", "green", "amber", "amber+strict"];
    let open: &'static [&'static str] = &["clear", "green"];
    let who = |name, api: &Api, markings, unpublished, stakeholder, member| Who {
        name,
        api: api.clone(),
        markings,
        unpublished,
        stakeholder,
        member,
        admin: false,
        author: false,
        triages: false,
    };
    let whos = vec![
        who("anonymous", &roles.anonymous, &["clear"], false, None, false),
        who("reader", &roles.reader, open, false, None, false),
        who("contributor-jp (member)", &roles.contributor, open, false, Some("jp"), true),
        who("contributor-acme", &roles.acme_contributor, open, false, Some("acme"), false),
        Who { triages: true, ..who("editor", &roles.editor, editorial, true, None, false) },
        who("reviewer", &roles.reviewer, editorial, true, None, false),
        who("reviewer-watchdog (member)", &r1, editorial, true, None, true),
        Who { admin: true, ..who("admin", &roles.admin, &[], false, None, false) },
        Who { author: true, ..who("admin (author, member)", admin, &[], false, None, true) },
    ];
    World { records, whos }
}

/// Collection's leads: a source (its name a marker) polled from a loopback feed, the item the
/// poll brings, and an anonymous tip.
async fn collected(s: &TestServer, admin: &Api) -> Vec<Rec> {
    let feed = r#"<?xml version="1.0"?><rss version="2.0"><channel><title>Lead feed</title>
        <item><title>Clinic systems encrypted QzitemZq</title><link>https://lead-feed.example/clinic</link>
        <description>Ransomware encrypted the records of a clinic (QzitemZq).</description></item></channel></rss>"#;
    let app = axum::Router::new().route("/feed.xml", axum::routing::get(move || async move { feed }));
    let addr = crate::collect::serve(app).await;
    let (st, source) = admin
        .post("/api/v1/sources", &json!({"name": "QzsrcZq", "kind": "rss", "url": format!("http://{addr}/feed.xml")}))
        .await;
    assert_eq!(st, 201, "{source}");
    let (st, report) = admin.post("/api/v1/collection/run", &json!({})).await;
    assert_eq!((st, &report["new_items"]), (200, &json!(1)), "{report}");
    let (st, b) =
        Api::anonymous(s).post("/api/v1/tips", &json!({"text": "A tip about QztipZq: a defaced ministry site."})).await;
    assert_eq!(st, 202, "{b}");
    let (_, queue) = admin.get("/api/v1/triage?state=all").await;
    let lead = |kind: &'static str, id: &str, marker: &str| Rec {
        kind,
        id: id.to_owned(),
        marker: marker.to_owned(),
        tlp: "red",
        published: false,
        community: false,
        stakeholder: None,
        ends: None,
        lead: true,
    };
    let mut out = vec![lead("source", source["id"].as_str().expect("id"), "QzsrcZq")];
    for marker in ["QzitemZq", "QztipZq"] {
        let item = queue["items"]
            .as_array()
            .and_then(|l| l.iter().find(|i| i["text"].as_str().is_some_and(|t| t.contains(marker))))
            .unwrap_or_else(|| panic!("an item with {marker}: {queue}"));
        out.push(lead("item", item["id"].as_str().expect("id"), marker));
    }
    out
}

/// Records received from a peer (federation), written behind the server's back as a sync keeps
/// them: one per TLP, and one per TLP of one of the peer's communities.
async fn federated(s: &TestServer) -> Vec<Rec> {
    let now = "2024-05-01T00:00:00.000000Z";
    s.execute_sql(format!(
        "INSERT INTO peers (id, url, origin, verifier_key, token, state, cursors, created_by, created_at) \
         VALUES ('peer-1', 'http://127.0.0.1:9/', 'peer.example/normwatch', 'peer.example/normwatch+00000000+AAAA', 'secret-QztokenZq', 'active', '{{}}', 'system', '{now}')"
    ))
    .await;
    let mut out = Vec::new();
    for (i, tlp) in TLPS.into_iter().enumerate() {
        for community in [false, true] {
            let id = format!("fedrec-{i}-{community}");
            let marker = format!("Qzfed{i}{}Zq", if community { "c" } else { "o" });
            let body = json!({"id": id, "tlp": tlp, "title": {"en": marker}, "status": "published"});
            let community_sql = if community { "'peer-coop'" } else { "NULL" };
            s.execute_sql(format!(
                "INSERT INTO federated_records (peer_id, record_kind, origin_id, origin, log_index, checkpoint_size, stix_id, tlp, community, body, received_at) \
                 VALUES ('peer-1', 'incident', '{id}', 'peer.example/normwatch', {i}, 10, 'incident--{i}', '{tlp}', {community_sql}, '{body}', '{now}')"
            ))
            .await;
            out.push(Rec {
                kind: "federated-record",
                id,
                marker,
                tlp,
                published: true,
                community,
                stakeholder: None,
                ends: None,
                lead: false,
            });
        }
    }
    out
}

/// GETs a path as a viewer: its status and body as text (bytes lossily).
async fn read(api: &Api, path: &str) -> (u16, String) {
    static CLIENT: std::sync::OnceLock<reqwest::Client> = std::sync::OnceLock::new();
    let mut rb = CLIENT.get_or_init(reqwest::Client::new).get(format!("{}{path}", api.base));
    if let Some(t) = &api.token {
        rb = rb.bearer_auth(t);
    }
    let r = rb.send().await.unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let status = r.status().as_u16();
    let bytes = r.bytes().await.expect("body");
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Reads many paths at once (a few at a time, so the server is busy but not flooded).
async fn read_all(api: &Api, paths: &[String]) -> Vec<(String, u16, String)> {
    let mut out = Vec::with_capacity(paths.len());
    for chunk in paths.chunks(8) {
        let mut set = tokio::task::JoinSet::new();
        for p in chunk {
            let (api, p) = (api.clone(), p.clone());
            set.spawn(async move {
                let (st, body) = read(&api, &p).await;
                (p, st, body)
            });
        }
        while let Some(r) = set.join_next().await {
            out.push(r.expect("read task"));
        }
    }
    out
}

/// The concrete paths to read: every GET route the router serves, with its parameters filled
/// from what exists, and the queries that select records (status, incident, format, record).
async fn concrete_paths(world: &World) -> Vec<String> {
    let templates = normwatch_server::get_paths();
    let all_seeing: Vec<&Who> = world.whos.iter().filter(|w| w.author || w.member).collect();
    // TAXII collections and the objects in them, as those who see most find them.
    let mut collections: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for w in &all_seeing {
        let (_, cols) = w.api.get("/taxii2/api/collections/").await;
        for c in cols["collections"].as_array().into_iter().flatten() {
            let id = c["id"].as_str().expect("collection id").to_owned();
            let (_, objects) = w.api.get(&format!("/taxii2/api/collections/{id}/objects/?limit=10000")).await;
            let entry = collections.entry(id).or_default();
            for o in objects["objects"].as_array().into_iter().flatten() {
                entry.insert(o["id"].as_str().expect("object id").to_owned());
            }
        }
    }
    let mut pool: Vec<String> = world.records.iter().map(|r| r.id.clone()).collect();
    pool.sort();
    pool.dedup();
    pool.extend(["jp", "acme", COMMUNITY, "gge-f", "operation-types"].map(String::from));
    let mut paths = BTreeSet::new();
    for t in &templates {
        if t.contains("{collection}") {
            for (c, objects) in &collections {
                let with_c = t.replace("{collection}", c);
                if with_c.contains("{object}") {
                    // Whole collections are read in full above; each object route is read for
                    // a sample of each collection's objects, the notes (which name records) first.
                    let mut sample: Vec<&String> = objects.iter().filter(|o| o.starts_with("note--")).take(6).collect();
                    sample.extend(objects.iter().filter(|o| !o.starts_with("note--")).take(4));
                    paths.extend(sample.into_iter().map(|o| with_c.replace("{object}", o)));
                } else {
                    paths.insert(with_c);
                }
            }
        } else if let Some(at) = t.find('{') {
            let name = &t[at..=at + t[at..].find('}').expect("closing brace")];
            if name == "{status}" {
                paths.insert(t.replace(name, "00000000-0000-4000-8000-000000000000"));
                continue;
            }
            // Only the fillings that name something the author reaches on this route.
            let candidates: Vec<String> = pool.iter().map(|v| t.replace(name, v)).collect();
            let author = world.whos.iter().find(|w| w.author).expect("author");
            for (p, st, _) in read_all(&author.api, &candidates).await {
                if st != 404 {
                    paths.insert(p);
                }
            }
        } else {
            paths.insert(t.clone());
            for q in ["status=draft", "status=in-review", "format=csv", "format=json", "format=stix", "lang=ja"] {
                paths.insert(format!("{t}?{q}"));
            }
        }
    }
    for r in world.records.iter().filter(|r| r.kind == "incident") {
        for status in ["", "&status=confirmed", "&status=proposed"] {
            paths.insert(format!("/api/v1/incident-links?incident={}{status}", r.id));
        }
    }
    for kind in ["assessments", "attributions", "responses", "statements"] {
        for r in world.records.iter().filter(|r| r.kind == "incident") {
            paths.insert(format!("/api/v1/{kind}?incident={}", r.id));
        }
    }
    for c in collections.keys() {
        paths.insert(format!("/taxii2/api/collections/{c}/objects/?match[type]=note"));
        paths.insert(format!("/taxii2/api/collections/{c}/manifest/?limit=10000"));
    }
    // The map of incidents with its other table and a filter (its counts, like the list's, are
    // the viewer's own).
    for q in ["format=csv&table=attributed", "format=json&status=draft", "country=JP&format=json", "lang=ja&year=2017"]
    {
        paths.insert(format!("/analysis/map?{q}"));
    }
    // The portal's collection pages with their filters: every state, tips, each item's cluster.
    for q in ["state=all", "state=all&origin=tip", "state=all&origin=source", "state=dismissed"] {
        paths.insert(format!("/triage?{q}"));
    }
    // The analysis pages' other tables and filters.
    for p in [
        "/analysis/norms?format=csv&table=endorsed",
        "/analysis/dyads?format=json&country=UA",
        "/analysis/operations?year=2021",
    ] {
        paths.insert(p.to_owned());
    }
    // The incident list's own downloads and orders: its joinable tables (the workbook is these
    // tables zipped; `incident_list` opens it), and sorted lists with their CSV.
    for q in [
        "format=csv&table=targets",
        "format=csv&table=attributions",
        "format=csv&table=responses",
        "format=xlsx",
        "sort=title_en",
        "sort=-title_ja&format=csv",
    ] {
        paths.insert(format!("/incidents?{q}"));
    }
    for r in &world.records {
        match r.kind {
            "item" => paths.insert(format!("/triage?state=all&cluster={}", r.id)),
            "source" => paths.insert(format!("/triage?state=all&source={}", r.id)),
            _ => false,
        };
    }
    let logged = |kind: &'static str| match kind {
        "assessment" => "violation-assessment",
        "attribution" => "attribution-claim",
        "statement" => "attribution-statement",
        "response" => "incident-response",
        other => other,
    };
    for r in &world.records {
        paths.insert(format!("/log/proof/inclusion?record={}/{}", logged(r.kind), r.id));
    }
    // A received record's own pages (three path parameters, which the filling above leaves).
    for r in world.records.iter().filter(|r| r.kind == "federated-record") {
        paths.insert(format!("/federated/peer-1/incident/{}", r.id));
        paths.insert(format!("/api/v1/federated-records/peer-1/incident/{}", r.id));
    }
    paths.insert("/federated?peer=peer-1&type=incident".to_owned());
    let (_, checkpoint) = read(&world.whos[0].api, "/log/checkpoint").await;
    let size = checkpoint.lines().nth(1).unwrap_or("0").trim().to_owned();
    paths.insert(format!("/log/entries?start=0&end={size}"));
    paths.into_iter().collect()
}

async fn nothing_leaks_on_any_read_path(s: TestServer) {
    let world = world(&s).await;
    let paths = concrete_paths(&world).await;
    let mut cases = 0usize;
    let mut leaks = Vec::new();
    for w in &world.whos {
        let hidden: Vec<&Rec> = world.records.iter().filter(|r| !may_read(w, r)).collect();
        for (path, _, body) in read_all(&w.api, &paths).await {
            cases += hidden.len();
            for r in &hidden {
                // A path naming a hidden record's id may echo it (a 404 says what was not
                // found); the body must not give away anything else of it.
                // The audit log (admins') says that a VEP case was filed, and its id, never what it is.
                let echoed = path.contains(&r.id) || (r.kind == "vep-case" && path.starts_with("/api/v1/audit"));
                let found = body.find(&r.marker).or_else(|| body.find(&r.id).filter(|_| !echoed));
                if let Some(at) = found {
                    let around: String =
                        body.chars().skip(body[..at].chars().count().saturating_sub(150)).take(300).collect();
                    leaks.push(format!(
                        "{} reads {} {} ({} {}) on GET {path}: …{around}…",
                        w.name, r.kind, r.id, r.tlp, r.marker
                    ));
                }
            }
        }
        // Counts: the lists of findings hold exactly what the viewer may read.
        for (kind, path, key) in [
            ("incident", "/api/v1/incidents?limit=100", "incidents"),
            ("assessment", "/api/v1/assessments", "assessments"),
            ("attribution", "/api/v1/attributions", "attributions"),
            ("response", "/api/v1/responses", "responses"),
            ("statement", "/api/v1/statements", "statements"),
            ("position", "/api/v1/positions?stakeholder=acme", "positions"),
        ] {
            let mut expected = world.records.iter().filter(|r| r.kind == kind && may_read(w, r)).count();
            if kind == "incident" {
                // A linked pair the viewer reads whole is one incident.
                expected -= world.records.iter().filter(|r| r.kind == "incident-link" && may_read(w, r)).count();
            }
            let (st, body) = w.api.get(path).await;
            let listed = body[key].as_array().map(Vec::len);
            assert_eq!((st, listed), (200, Some(expected)), "{} lists {kind}s: {body}", w.name);
        }
    }
    assert!(leaks.is_empty(), "{} leak(s), the first 20:\n{}", leaks.len(), leaks[..leaks.len().min(20)].join("\n"));
    let routes = normwatch_server::get_paths().len();
    eprintln!(
        "leak test ({:?}): {routes} GET routes as {} concrete paths, {} viewers, {} records: {cases} (viewer, path, hidden record) cases",
        s.backend,
        paths.len(),
        world.whos.len(),
        world.records.len()
    );
    // The world is what the oracle says: every viewer is refused something, the author nothing.
    for w in &world.whos {
        let hidden = world.records.iter().filter(|r| !may_read(w, r)).count();
        assert_eq!(hidden == 0, w.author, "{} is refused {hidden} records", w.name);
    }
}

/// Every list endpoint of the API, with every filter its OpenAPI description documents, on a
/// world with data: each answers 200 with what it lists, and a filter by incident keeps only
/// that incident's findings.
async fn every_list_filter_answers(s: TestServer) {
    let world = world(&s).await;
    let doc = s.json("/api/v1/openapi.json").await;
    let incident = world.records.iter().find(|r| r.kind == "incident" && r.published && r.tlp == "clear").expect("one");
    let sample = |name: &str, schema: &Value| -> String {
        if let Some(first) = schema["enum"].get(0).and_then(Value::as_str) {
            return first.to_owned();
        }
        match name {
            "incident" => incident.id.clone(),
            "status" => "published".into(),
            "lang" => "ja".into(),
            "norm" => "gge-f".into(),
            "year" => "2023".into(),
            "country" => "JP".into(),
            "sector" => "ci.energy".into(),
            "attributed_state" => "RU".into(),
            "operation" => "data-destruction".into(),
            "q" => "Utility".into(),
            "limit" => "2".into(),
            "stakeholder" => "acme".into(),
            "kind" => "state".into(),
            "as_of" => "2024-01-01".into(),
            "entity" => "incident".into(),
            "before" => "100000".into(),
            "topic" => "sovereignty".into(),
            "current" => "true".into(),
            "source" => "gcsc-2019".into(),
            "addressee" => "states".into(),
            "principle" => "responsibility".into(),
            // A paragraph is of a document.
            "paragraph" => "6&source=g7-lucca-2017".into(),
            "region" => "asia".into(),
            "asset" => "ci.energy".into(),
            "baseline" => "cis-ig1".into(),
            "cluster" => "no-such-cluster".into(),
            "cve" => CVE.into(),
            "peer" => "peer-1".into(),
            "type" => "incident".into(),
            "offset" => "0".into(),
            other => panic!("no sample value for the documented filter `{other}`: add one here"),
        }
    };
    let admin = world.whos.iter().find(|w| w.author).expect("author");
    let mut calls = 0;
    let mut failures = Vec::new();
    for (path, item) in doc["paths"].as_object().expect("paths") {
        let Some(get) = item.get("get") else { continue };
        if path.contains('{') {
            continue;
        }
        let params: Vec<&Value> =
            get["parameters"].as_array().into_iter().flatten().filter(|p| p["in"] == "query").collect();
        for p in params {
            let name = p["name"].as_str().expect("parameter name");
            if name == "cursor" {
                continue; // followed below from a page's own link
            }
            let value = sample(name, &p["schema"]);
            let url = format!("/api/v1{path}?{name}={}", value.replace('+', "%2B"));
            for w in [admin, &world.whos[0]] {
                let (st, body) = w.api.get(&url).await;
                calls += 1;
                let refused_anonymous = !w.author && (st == 401 || st == 403);
                if !(st == 200 || refused_anonymous) {
                    failures.push(format!("{} GET {url}: {st} {body}", w.name));
                    continue;
                }
                if st == 200 && name == "incident" {
                    let list = body.as_object().and_then(|o| o.values().find_map(Value::as_array)).expect("a list");
                    assert!(!list.is_empty() || w.name == "anonymous", "GET {url} as {}: {body}", w.name);
                    for r in list {
                        let linked = r["incidents"]
                            .as_array()
                            .filter(|ends| ends.iter().any(|e| e["id"].as_str() == Some(incident.id.as_str())));
                        let about = r["incident"]
                            .as_str()
                            .or_else(|| r["claims"].as_array().map(|_| incident.id.as_str()))
                            .or_else(|| linked.map(|_| incident.id.as_str()));
                        assert_eq!(about, Some(incident.id.as_str()), "GET {url}: {r}");
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // The incident list pages with its cursor.
    let (_, first) = admin.api.get("/api/v1/incidents?limit=2").await;
    let next = first["next_cursor"].as_str().or_else(|| first["next"].as_str()).expect("a next cursor");
    let (st, second) = admin.api.get(&format!("/api/v1/incidents?limit=2&cursor={next}")).await;
    assert_eq!(st, 200, "{second}");
    assert_ne!(first["incidents"][0]["id"], second["incidents"][0]["id"]);
    eprintln!("list filters ({:?}): {calls} calls", s.backend);
}
