//! Every data page offers downloads of exactly what it shows, over HTTP against the real server,
//! on SQLite and PostgreSQL: CSV and JSON with the page's rows, and STIX where the rows are
//! logged records — holding what the reader may see and nothing else. Pages whose rows are not
//! logged records (catalogue entries, consultations, communities, VEP boards) offer CSV and JSON
//! only, and refuse `format=stix`.

use crate::common::downloads::{column, csv, json_download, page, part, stix_download};
use crate::common::{Api, Roles, TestServer, strings};
use serde_json::{Value, json};
use std::collections::HashMap;

on_both_backends!(
    stakeholders_and_contacts_download_what_they_show,
    capacity_vulnerabilities_and_hygiene_download_what_they_show,
    catalogue_pages_download_csv_and_json_without_stix,
    consultations_communities_and_vep_download_csv_and_json_without_stix,
);

type Rows = Vec<HashMap<String, String>>;

/// `path` with `key=value` added to its query.
fn with(path: &str, pair: &str) -> String {
    format!("{path}{}{pair}", if path.contains('?') { '&' } else { '?' })
}

/// The escaped `href` of the page's download in `format` (the page's filters kept, its
/// language last).
fn link(path: &str, format: &str, lang: &str) -> String {
    let sep = if path.contains('?') { "&amp;" } else { "?" };
    format!("href=\"{}{sep}format={format}&amp;lang={lang}\"", path.replace('&', "&amp;"))
}

/// The page at `path` (without `lang`) shows its CSV and JSON links, and its STIX link iff
/// `stix`.
fn assert_links(html: &str, path: &str, lang: &str, stix: bool) {
    for f in ["csv", "json"] {
        assert!(html.contains(&link(path, f, lang)), "{path}: a {f} link");
    }
    assert_eq!(html.contains(&link(path, "stix", lang)), stix, "{path}: a STIX link iff its rows are logged records");
    if !stix {
        assert!(!html.contains("format=stix"), "{path}: no STIX link at all");
    }
}

/// The `id`s of the `open` tags (`<section`, `<tr`, `<li`) holding `class` (when given), in order.
fn ids_of(html: &str, open: &str, class: Option<&str>) -> Vec<String> {
    html.match_indices(open)
        .filter_map(|(i, _)| {
            let tag = &html[i..i + html[i..].find('>')?];
            if class.is_some_and(|c| !tag.contains(&format!("class=\"{c}\""))) {
                return None;
            }
            let start = tag.find(" id=\"")? + 5;
            Some(tag[start..start + tag[start..].find('"')?].to_owned())
        })
        .collect()
}

/// What follows each `marker` up to the first `"`, `?`, `#` or `<`.
fn after(html: &str, marker: &str) -> Vec<String> {
    html.match_indices(marker)
        .map(|(i, _)| {
            let rest = &html[i + marker.len()..];
            rest[..rest.find(['"', '?', '#', '<']).unwrap_or(rest.len())].to_owned()
        })
        .collect()
}

/// The rows of the table `id`'s body.
fn body_rows(html: &str, id: &str) -> usize {
    let table = part(html, id, "</table>");
    table[table.find("<tbody>").unwrap_or(0)..].matches("<tr").count()
}

/// The main part of a page (no navigation).
fn main(html: &str) -> &str {
    part(html, "main", "</main>")
}

/// `format=pdf` is refused, and so is `format=stix` where the page has no STIX form.
async fn assert_refused(s: &TestServer, path: &str, stix: bool) {
    assert_eq!(s.get(&with(path, "format=pdf")).await.status(), 400, "{path}: format=pdf");
    if !stix {
        assert_eq!(s.get(&with(path, "format=stix")).await.status(), 400, "{path}: format=stix");
    }
}

/// The CSV and the JSON of the page at `path`: (header, rows, JSON).
async fn both(s: &TestServer, api: &Api, path: &str, name: &str) -> (Vec<String>, Rows, Value) {
    let (header, rows) = csv(s, api, &with(path, "format=csv"), name).await;
    let json = json_download(s, api, &with(path, "format=json"), name).await;
    (header, rows, json)
}

/// The values of `field` in the JSON list `list`.
fn json_column(json: &Value, list: &str, field: &str) -> Vec<String> {
    json[list]
        .as_array()
        .unwrap_or_else(|| panic!("a list `{list}` in {json}"))
        .iter()
        .map(|r| r[field].as_str().map_or_else(|| r[field].to_string(), str::to_owned))
        .collect()
}

/// The record ids of a STIX bundle's objects.
fn record_ids(bundle: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for o in bundle["objects"].as_array().into_iter().flatten() {
        for ext in o["extensions"].as_object().into_iter().flat_map(|e| e.values()) {
            if let Some(id) = ext["record_id"].as_str() {
                out.push(id.to_owned());
            }
        }
    }
    out
}

async fn created(api: &Api, path: &str, body: Value) -> String {
    let (st, b) = api.post(path, &body).await;
    assert_eq!(st, 201, "POST {path}: {b}");
    b["id"].as_str().expect("id").to_owned()
}

fn contact(name: &str, tlp: &str) -> Value {
    json!({"stakeholder": "jp", "kind": "technical", "name": name, "role_title": "Duty officer",
           "channels": [{"kind": "email", "value": "duty@cert.example"}], "languages": ["ja", "en"],
           "hours": "24/7", "time_zone": "Asia/Tokyo", "valid_from": "2024-01-01", "tlp": tlp})
}

async fn stakeholders_and_contacts_download_what_they_show(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let anonymous = &roles.anonymous;

    // The stakeholder list: every stakeholder, its identity in the STIX bundle.
    for lang in ["en", "ja"] {
        let html = page(&s, anonymous, &format!("/stakeholders?lang={lang}")).await;
        assert_links(&html, "/stakeholders", lang, true);
        let shown = after(main(&html), "<tr><td><a href=\"/stakeholders/");
        assert!(shown.contains(&"acme".to_owned()) && shown.contains(&"jp".to_owned()), "{shown:?}");
        let (header, rows, json) = both(&s, anonymous, &format!("/stakeholders?lang={lang}"), "stakeholders").await;
        assert_eq!(header, ["id", "name_ja", "name_en", "kind", "country"]);
        assert_eq!(column(&rows, None, "id"), shown, "{lang}: the CSV holds the rows shown, in order");
        assert_eq!(json_column(&json, "stakeholders", "id"), shown);
        let acme = rows.iter().find(|r| r["id"] == "acme").expect("acme");
        assert_eq!((acme["name_ja"].as_str(), acme["name_en"].as_str()), ("アクメ株式会社", "Acme Corporation"));
    }
    let (bundle, text) = stix_download(&s, anonymous, "/stakeholders?format=stix").await;
    let identities = bundle["objects"].as_array().map_or(0, |o| o.iter().filter(|o| o["type"] == "identity").count());
    let listed = after(main(&page(&s, anonymous, "/stakeholders?lang=en").await), "<tr><td><a href=\"/stakeholders/");
    assert!(identities >= listed.len(), "an identity per stakeholder listed");
    assert!(text.contains("Acme Corporation"));
    assert_refused(&s, "/stakeholders", true).await;

    // Contacts: the TLP:AMBER contact only for those cleared for it (jp's contributor).
    let clear = created(&roles.editor, "/api/v1/contacts", contact("Taro Clear", "clear")).await;
    let amber = created(&roles.contributor, "/api/v1/contacts", contact("Hanako Amber", "amber")).await;
    for (api, sees_amber) in [(anonymous, false), (&roles.reader, false), (&roles.contributor, true)] {
        let html = page(&s, api, "/contacts?lang=en").await;
        assert_links(&html, "/contacts", "en", true);
        let shown = body_rows(&html, "contacts");
        assert_eq!(shown, if sees_amber { 2 } else { 1 });
        let (header, rows, json) = both(&s, api, "/contacts?lang=en", "contacts").await;
        assert_eq!(
            header,
            ["id", "stakeholder", "kind", "name", "role_title", "channels", "hours", "time_zone", "languages", "tlp"]
        );
        assert_eq!(rows.len(), shown, "one CSV row per contact shown");
        for r in &rows {
            assert!(html.contains(&format!("<b>{}</b>", r["name"])), "{} is shown", r["name"]);
        }
        assert_eq!(json_column(&json, "contacts", "id"), column(&rows, None, "id"));
        let ids = column(&rows, None, "id");
        assert!(ids.contains(&clear));
        assert_eq!(ids.contains(&amber), sees_amber);
        let (bundle, _) = stix_download(&s, api, "/contacts?format=stix").await;
        let in_bundle = record_ids(&bundle);
        assert!(in_bundle.contains(&clear), "the published contact");
        assert_eq!(in_bundle.contains(&amber), sees_amber, "the TLP:AMBER contact only for those cleared");
    }
    assert_refused(&s, "/contacts", true).await;
}

async fn capacity_vulnerabilities_and_hygiene_download_what_they_show(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (anonymous, reader) = (&roles.anonymous, &roles.reader);

    // Programmes: a TLP:GREEN one for signed-in readers only; the page's filters apply.
    let programme = |region: &str, norms: Value, tlp: &str| {
        json!({"provider": "jp", "title": {"ja": "重要インフラ防護研修", "en": "CI protection, \"hands-on\""},
               "beneficiaries": ["vn"], "region": region, "norms": norms, "elements": ["fw-6"],
               "starts_on": "2024-04-01", "ends_on": "2025-03-31", "progress": "running", "tlp": tlp})
    };
    let asia =
        created(&roles.editor, "/api/v1/capacity/programmes", programme("asia", json!(["gge-f"]), "clear")).await;
    let africa =
        created(&roles.editor, "/api/v1/capacity/programmes", programme("africa", json!(["gge-k"]), "clear")).await;
    let green =
        created(&roles.editor, "/api/v1/capacity/programmes", programme("asia", json!(["gge-f"]), "green")).await;
    for (api, path, expected) in [
        (anonymous, "/capacity", vec![&asia, &africa]),
        (reader, "/capacity", vec![&asia, &africa, &green]),
        (anonymous, "/capacity?region=asia", vec![&asia]),
        (reader, "/capacity?norm=gge-f", vec![&asia, &green]),
    ] {
        let html = page(&s, api, &with(path, "lang=en")).await;
        assert_links(&html, path, "en", true);
        let shown = body_rows(&html, "programmes");
        let (header, rows, json) = both(&s, api, &with(path, "lang=en"), "capacity").await;
        assert_eq!(header[..4], ["id", "provider", "title_ja", "title_en"]);
        assert_eq!(rows.len(), shown, "{path}: one CSV row per programme shown");
        let mut ids = column(&rows, None, "id");
        ids.sort();
        let mut expected: Vec<String> = expected.into_iter().cloned().collect();
        expected.sort();
        assert_eq!(ids, expected, "{path}");
        assert_eq!(rows[0]["title_en"], "CI protection, \"hands-on\"", "quoted in the CSV, read back whole");
        assert_eq!(json["programmes"].as_array().map(Vec::len), Some(shown));
        let (bundle, _) = stix_download(&s, api, &with(path, "format=stix")).await;
        let in_bundle = record_ids(&bundle);
        for id in &expected {
            assert!(in_bundle.contains(id), "{path}: the bundle holds {id}");
        }
        assert!(!in_bundle.contains(&green) || api.token.is_some(), "{path}: the GREEN programme for readers only");
        if path == "/capacity?region=asia" {
            assert!(!in_bundle.contains(&africa), "{path}: only what the page shows");
        }
    }
    assert_refused(&s, "/capacity", true).await;

    // Vulnerabilities: a TLP:GREEN one and a draft.
    let vulnerability = |product: &str, tlp: &str, status: &str| json!({"product": product, "vendor": "Kumo Networks", "reported_on": "2024-01-10", "tlp": tlp, "status": status});
    let public =
        created(&roles.editor, "/api/v1/vulnerabilities", vulnerability("Kumo Router", "clear", "published")).await;
    let green_v =
        created(&roles.editor, "/api/v1/vulnerabilities", vulnerability("Kumo Switch", "green", "published")).await;
    let draft = created(&roles.editor, "/api/v1/vulnerabilities", vulnerability("Kumo Draft", "clear", "draft")).await;
    for (api, sees_green) in [(anonymous, false), (reader, true)] {
        let html = page(&s, api, "/vulnerabilities?lang=en").await;
        assert_links(&html, "/vulnerabilities", "en", true);
        let shown = body_rows(&html, "vulnerabilities");
        let (header, rows, json) = both(&s, api, "/vulnerabilities?lang=en", "vulnerabilities").await;
        assert_eq!(header, ["id", "cve_id", "vendor", "product", "reported_on", "fixed_on", "days_to_fix", "tlp"]);
        assert_eq!(rows.len(), shown);
        let table = part(&html, "vulnerabilities", "</table>");
        for r in &rows {
            assert!(table.contains(&format!("<td>{}</td><td>{}</td>", r["vendor"], r["product"])), "{r:?} shown");
        }
        assert_eq!(json_column(&json, "vulnerabilities", "id"), column(&rows, None, "id"));
        let (bundle, _) = stix_download(&s, api, "/vulnerabilities?format=stix").await;
        let in_bundle = record_ids(&bundle);
        assert!(in_bundle.contains(&public));
        assert_eq!(in_bundle.contains(&green_v), sees_green, "the GREEN vulnerability for readers only");
        assert!(!in_bundle.contains(&draft), "never a draft");
    }
    assert_refused(&s, "/vulnerabilities", true).await;

    // Hygiene: jp's assessments on the first baseline, a TLP:GREEN one for readers only.
    let (_, baselines) = anonymous.get("/api/v1/hygiene/baselines?lang=en").await;
    let baseline = baselines["baselines"][0]["id"].as_str().expect("a baseline").to_owned();
    let controls = strings(&baselines["baselines"][0]["controls"], "id");
    let assessment = |on: &str, tlp: &str| {
        let results: Vec<Value> = controls.iter().map(|c| json!({"control": c, "status": "implemented"})).collect();
        json!({"stakeholder": "jp", "baseline": baseline, "assessed_on": on, "results": results, "tlp": tlp})
    };
    let first = created(&roles.contributor, "/api/v1/hygiene/assessments", assessment("2024-01-15", "clear")).await;
    let second = created(&roles.contributor, "/api/v1/hygiene/assessments", assessment("2025-01-15", "clear")).await;
    let green_a = created(&roles.contributor, "/api/v1/hygiene/assessments", assessment("2025-02-15", "green")).await;
    for (api, expected) in [(anonymous, vec![&first, &second]), (reader, vec![&first, &second, &green_a])] {
        let html = page(&s, api, "/stakeholders/jp/hygiene?lang=ja").await;
        assert_links(&html, "/stakeholders/jp/hygiene", "ja", true);
        let shown = after(part(&html, "scores", "</table>"), "<tr><td class=\"date\">");
        let (header, rows, json) = both(&s, api, "/stakeholders/jp/hygiene?lang=ja", "hygiene-jp").await;
        assert_eq!(header, ["id", "stakeholder", "baseline", "assessed_on", "score", "tlp"]);
        // The page writes dates in its language; the download keeps them ISO.
        let japanese = |iso: &String| {
            let p: Vec<u32> = iso.split('-').filter_map(|x| x.parse().ok()).collect();
            format!("{}年{}月{}日", p[0], p[1], p[2])
        };
        let iso = column(&rows, None, "assessed_on");
        assert_eq!(iso.iter().map(japanese).collect::<Vec<_>>(), shown, "ISO dates, the rows shown in order");
        assert_eq!(column(&rows, None, "id"), expected.iter().map(|x| x.to_string()).collect::<Vec<_>>());
        assert_eq!(json_column(&json, "assessments", "id"), column(&rows, None, "id"));
        let (bundle, text) = stix_download(&s, api, "/stakeholders/jp/hygiene?format=stix").await;
        let in_bundle = record_ids(&bundle);
        for id in &expected {
            assert!(in_bundle.contains(id), "the bundle holds {id}");
        }
        assert_eq!(in_bundle.contains(&green_a), api.token.is_some(), "the GREEN assessment for readers only");
        assert!(text.contains("\"identity\""), "jp's identity");
    }
    assert_refused(&s, "/stakeholders/jp/hygiene", true).await;
}

async fn catalogue_pages_download_csv_and_json_without_stix(s: TestServer) {
    let anonymous = &Api::anonymous(&s);

    // The norm catalogue: unfiltered by document (a norm under each document citing it);
    // filtered as one list.
    for (path, table) in
        [("/norms", None), ("/norms?q=infrastructure", Some("results")), ("/norms?addressee=states", Some("results"))]
    {
        for lang in ["en", "ja"] {
            let html = page(&s, anonymous, &with(path, &format!("lang={lang}"))).await;
            assert_links(&html, path, lang, false);
            let scope = table.map_or_else(|| main(&html), |t| part(&html, t, "</table>"));
            let shown = after(scope, "<tr><td class=\"id\"><a href=\"/norms/");
            assert!(!shown.is_empty(), "{path}: norms shown");
            let (header, rows, json) = both(&s, anonymous, &with(path, &format!("lang={lang}")), "norms").await;
            assert_eq!(
                header,
                ["document", "paragraph", "id", "title_ja", "title_en", "summary_ja", "summary_en", "kind", "status"]
            );
            assert_eq!(column(&rows, None, "id"), shown, "{path} ({lang}): the rows shown, in order");
            assert_eq!(json_column(&json, "norms", "id"), shown);
            assert_eq!(
                rows.iter().all(|r| r["document"].is_empty()),
                table.is_some(),
                "{path}: documents iff unfiltered"
            );
        }
        assert_refused(&s, path, false).await;
    }

    // A taxonomy's terms, in the order of the tree shown.
    let html = page(&s, anonymous, "/taxonomies/critical-infrastructure?lang=en").await;
    assert_links(&html, "/taxonomies/critical-infrastructure", "en", false);
    let shown = ids_of(main(&html), "<li", None);
    assert!(!shown.is_empty());
    let (header, rows, json) =
        both(&s, anonymous, "/taxonomies/critical-infrastructure?lang=en", "taxonomy-critical-infrastructure").await;
    assert_eq!(header[..5], ["id", "parent", "depth", "label_ja", "label_en"]);
    assert_eq!(column(&rows, None, "id"), shown);
    assert_eq!(json["terms"].as_array().map(Vec::len), Some(shown.len()));
    assert!(rows.iter().all(|r| !r["label_ja"].is_empty() && !r["label_en"].is_empty()), "labels in both languages");
    assert_refused(&s, "/taxonomies/critical-infrastructure", false).await;
    assert_eq!(s.get("/taxonomies/nowhere?format=csv").await.status(), 404);

    // The standards registry.
    let html = page(&s, anonymous, "/standards?lang=ja").await;
    assert_links(&html, "/standards", "ja", false);
    let shown = ids_of(part(&html, "standards", "</table>"), "<tr", None);
    assert!(shown.contains(&"std-rpki".to_owned()), "{shown:?}");
    let (header, rows, json) = both(&s, anonymous, "/standards?lang=ja", "standards").await;
    assert_eq!(header, ["id", "title_ja", "title_en", "publisher", "url", "norms", "assets"]);
    assert_eq!(column(&rows, None, "id"), shown);
    assert_eq!(json_column(&json, "standards", "id"), shown);
    assert!(json["baselines"].as_array().is_some_and(|b| !b.is_empty()), "the baselines the page shows");
    assert_refused(&s, "/standards", false).await;
}

async fn consultations_communities_and_vep_download_csv_and_json_without_stix(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let anonymous = &roles.anonymous;

    // Consultations.
    let proposal = |id: &str| {
        json!({"kind": "new-norm", "title": {"ja": "病院の保護", "en": "Protecting hospitals"},
               "text": {"ja": "病院を攻撃しない。", "en": "Do not attack hospitals."},
               "proposed_norm": {"id": id, "title": {"ja": "病院", "en": "Hospitals"}, "summary": {"ja": "病院。", "en": "Hospitals."},
                   "addressees": ["states"], "kind": "restraint", "principles": ["restraint"]},
               "opens_on": "2024-01-01", "closes_on": "2999-12-31"})
    };
    let one = created(&roles.editor, "/api/v1/consultations", proposal("hospitals")).await;
    let two = created(&roles.editor, "/api/v1/consultations", proposal("clinics")).await;
    let (st, b) = roles
        .contributor
        .post(&format!("/api/v1/consultations/{one}/comments"), &json!({"stakeholder": "jp", "text": "支持する。"}))
        .await;
    assert_eq!(st, 201, "{b}");
    let html = page(&s, anonymous, "/consultations?lang=en").await;
    assert_links(&html, "/consultations", "en", false);
    let shown = ids_of(main(&html), "<section", Some("consultation"));
    let mut sorted = shown.clone();
    sorted.sort();
    let mut seeded = vec![one.clone(), two.clone()];
    seeded.sort();
    assert_eq!(sorted, seeded);
    let (header, rows, json) = both(&s, anonymous, "/consultations?lang=en", "consultations").await;
    assert_eq!(header[..4], ["id", "kind", "title_ja", "title_en"]);
    assert_eq!(column(&rows, None, "id"), shown);
    assert_eq!(json_column(&json, "consultations", "id"), shown);
    let first = rows.iter().find(|r| r["id"] == one).expect("one");
    assert_eq!(
        (first["kind"].as_str(), first["comments"].as_str(), first["opens_on"].as_str()),
        ("new-norm", "1", "2024-01-01")
    );
    assert_refused(&s, "/consultations", false).await;

    // Communities.
    let community = json!({"id": "cert-coop", "name": {"ja": "CERT協力", "en": "CERT cooperation"},
        "purpose": {"ja": "協力する。", "en": "Cooperate."}, "focus_norms": ["gge-f"],
        "success_factors": {"shared_principles": "a", "problem_focus": "b", "expertise": "c", "support": "d", "transparent_process": "e"},
        "members": [{"stakeholder": "jp", "role": "coordinator"}, {"stakeholder": "acme"}]});
    let (st, b) = roles.admin.post("/api/v1/communities", &community).await;
    assert_eq!(st, 201, "{b}");
    let html = page(&s, anonymous, "/communities?lang=ja").await;
    assert_links(&html, "/communities", "ja", false);
    let shown = ids_of(main(&html), "<section", Some("community"));
    assert_eq!(shown, ["cert-coop"]);
    let (header, rows, json) = both(&s, anonymous, "/communities?lang=ja", "communities").await;
    assert_eq!(header, ["id", "name_ja", "name_en", "focus_norms", "members", "decisions"]);
    assert_eq!(column(&rows, None, "id"), shown);
    let mut members: Vec<&str> = rows[0]["members"].split(' ').collect();
    members.sort_unstable();
    assert_eq!((rows[0]["name_ja"].as_str(), members), ("CERT協力", vec!["acme", "jp"]));
    assert_eq!(json_column(&json, "communities", "id"), shown);
    assert_refused(&s, "/communities", false).await;

    // VEP: the boards, and a board's report (its cases for members only).
    let chair = crate::common::jp_vep_board(&s, &roles, &[("vep-chair", "NISC")]).await.remove(0);
    let case = json!({"product": "Kumo Router 7", "vendor": "Kumo Networks", "severity": "high",
        "discovered_on": "2024-01-15", "submitting_agency": "NISC", "submitted_on": "2024-03-01",
        "equities": {"defensive": {"product_usage": "high", "likelihood_others_find": "medium", "harm_if_exploited": "high", "patchable": true},
                     "intelligence_value": "medium", "law_enforcement_value": "low", "commercial": "none", "international_partnerships": "low"}});
    let (st, b) = chair.post("/api/v1/vep/boards/jp-vep/cases", &case).await;
    assert_eq!(st, 201, "{b}");
    let html = page(&s, anonymous, "/vep?lang=en").await;
    assert_links(&html, "/vep", "en", false);
    let shown = after(part(&html, "boards", "</ul>"), "href=\"/vep/");
    assert_eq!(shown, ["jp-vep"]);
    let (header, rows, json) = both(&s, anonymous, "/vep?lang=en", "vep").await;
    assert_eq!(header, ["id", "stakeholder", "name_ja", "name_en", "members"]);
    assert_eq!(column(&rows, None, "id"), shown);
    assert_eq!(rows[0]["members"], "1");
    assert_eq!(json_column(&json, "boards", "id"), shown);
    assert_refused(&s, "/vep", false).await;
    for (api, member) in [(anonymous, false), (&chair, true)] {
        let html = page(&s, api, "/vep/jp-vep?year=2024&lang=en").await;
        assert_links(&html, "/vep/jp-vep?year=2024", "en", false);
        let cases = after(&html, "<td id=\"r-cases\">");
        let (header, rows, json) = both(&s, api, "/vep/jp-vep?year=2024&lang=en", "vep-jp-vep-2024").await;
        assert_eq!(header[..3], ["board", "year", "cases"]);
        assert_eq!((rows.len(), vec![rows[0]["cases"].clone()]), (1, cases), "the report's row as shown");
        assert_eq!(json["report"]["cases"], 1);
        let listed = json["cases"].as_array().map_or(0, Vec::len);
        assert_eq!(listed, if member { 1 } else { 0 }, "cases for members only, as on the page");
        assert_eq!(html.contains("id=\"cases\""), member);
    }
    assert_refused(&s, "/vep/jp-vep", false).await;
}
