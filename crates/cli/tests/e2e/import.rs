//! Importing real public datasets (EuRepoC v1.1, the CFR tracker) through the CLI into a running
//! instance, then reading them back over HTTP: counts, idempotence, search pages, and what the
//! sources say kept as records — responses, contested and sponsor claims, attributor kinds,
//! operation types, dates — checked against the CSV files themselves. A newer release
//! supersedes what changed.

use crate::common::{Roles, TestServer, data, incident_pages, incident_revision, publish_through_review, reviewers};
use serde_json::Value;
use std::collections::{HashMap, HashSet};

on_both_backends!(
    eurepoc_and_cfr_import_once_and_keep_what_the_sources_say,
    a_newer_release_supersedes_what_changed,
    a_bad_record_anywhere_stores_nothing
);

fn import(s: &TestServer, args: &[&str]) -> String {
    let out = s.cli(args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{args:?}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// The size of the transparency log, from the signed checkpoint (its second line).
async fn log_size(s: &TestServer) -> u64 {
    let note = s.get("/log/checkpoint").await.text().await.expect("checkpoint");
    note.lines().nth(1).and_then(|l| l.parse().ok()).unwrap_or_else(|| panic!("checkpoint: {note}"))
}

/// The number after `label ` and before ` (` in the import summary (`106 responses (…`).
fn figure(out: &str, label: &str) -> u64 {
    let at = out.find(&format!(" {label} (")).unwrap_or_else(|| panic!("no `{label}` in {out}"));
    out[..at].rsplit(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse().ok()).expect("a count")
}

/// One row of a CSV file, by the value of a column: column name → value.
fn csv_row(path: &str, key: &str, value: &str) -> HashMap<String, String> {
    let mut r = csv::Reader::from_path(data(path)).expect("csv");
    let h = r.headers().expect("headers").clone();
    let k = h.iter().position(|c| c == key).expect("key column");
    let row = r.records().map(|r| r.expect("row")).find(|r| &r[k] == value).expect("the row");
    h.iter().zip(row.iter()).map(|(n, v)| (n.to_owned(), v.to_owned())).collect()
}

/// The incident a dataset imported under `origin_id`, found through the search by `q`.
async fn imported(s: &TestServer, q: &str, dataset: &str, origin_id: Option<&str>) -> Value {
    let page = s.json(&format!("/api/v1/incidents?q={q}&limit=100")).await;
    for i in page["incidents"].as_array().expect("incidents") {
        let one = s.json(&format!("/api/v1/incidents/{}", i["id"].as_str().expect("id"))).await;
        if one["origin"]["dataset"] == dataset && origin_id.is_none_or(|o| one["origin"]["id"] == o) {
            return one;
        }
    }
    panic!("no {dataset} incident {origin_id:?} found by q={q}");
}

async fn findings(s: &TestServer, kind: &str, incident: &Value) -> Vec<Value> {
    let list = s.json(&format!("/api/v1/{kind}?incident={}", incident["id"].as_str().expect("id"))).await;
    list[kind].as_array().expect("list").clone()
}

/// Rows of the CFR file whose Sponsor names Russia.
fn cfr_rows_sponsored_by_russia() -> i64 {
    let mut r = csv::Reader::from_path(data("cfr-tracker/cyber-operations-incidents.csv")).expect("cfr");
    let h = r.headers().expect("headers").clone();
    let sponsor = h.iter().position(|c| c == "Sponsor").expect("Sponsor");
    r.records().filter(|row| row.as_ref().expect("row")[sponsor].contains("Russia")).count() as i64
}

async fn eurepoc_and_cfr_import_once_and_keep_what_the_sources_say(s: TestServer) {
    let dir = data("eurepoc-1.1");
    let dir = dir.to_str().expect("path");
    let first = import(&s, &["import", "eurepoc", dir]);
    assert!(first.contains("1643 incidents (1643 new, 0 superseded, 0 unchanged)"), "{first}");
    assert!(first.contains("2631 attribution claims (2631 new, 0 superseded, 0 unchanged)"), "{first}");
    assert!(first.contains("12 placeholder rows"), "{first}");
    let eurepoc_responses = figure(&first, "responses");
    assert!(eurepoc_responses > 0, "{first}");
    let size = log_size(&s).await;
    // What was published is made into STIX objects for TAXII by the import, not later by the server.
    let stix = first.lines().find_map(|l| l.strip_prefix("STIX: ")).unwrap_or_else(|| panic!("no STIX line: {first}"));
    let made: u64 = stix.split(' ').next().and_then(|n| n.parse().ok()).unwrap_or(0);
    assert!(made > 1643 + 2631, "each incident and claim, with the identities they name: {stix}");
    let again = import(&s, &["import", "eurepoc", dir]);
    assert!(again.contains("(0 new, 0 superseded, 1643 unchanged)"), "importing twice changes nothing: {again}");
    assert!(again.contains("STIX: 0 objects made"), "nothing new to make: {again}");
    assert!(again.contains(&format!("(0 new, 0 superseded, {eurepoc_responses} unchanged)")), "{again}");
    assert_eq!(log_size(&s).await, size, "importing twice appends nothing to the log");
    let page = s.json("/api/v1/incidents?limit=1").await;
    assert_eq!(page["total"], 1643, "{page}");
    let claims = s.json("/api/v1/attributions").await;
    assert_eq!(claims["count"], 2631);
    let responses = s.json("/api/v1/responses").await;
    assert_eq!(responses["count"].as_u64(), Some(eurepoc_responses));
    // Every original field is kept, and the source URL with it.
    let one = s.json(&format!("/api/v1/incidents/{}", page["incidents"][0]["id"].as_str().expect("id"))).await;
    assert_eq!(one["origin"]["dataset"], "eurepoc");
    assert!(
        one["origin"]["fields"]
            .as_object()
            .is_some_and(|f| f.contains_key("incident_type") && f.contains_key("sources_url"))
    );

    // NotPetya (EuRepoC 1032): every political response, with its date, and the sanctions.
    let row = csv_row("eurepoc-1.1/EuRepoC_Global_Database_1.1.csv", "ID", "1032");
    let notpetya = imported(&s, "NotPetya", "eurepoc", Some("1032")).await;
    let responses = findings(&s, "responses", &notpetya).await;
    let political: Vec<&Value> =
        responses.iter().filter(|r| r["origin"].as_str().is_some_and(|o| o.contains(":political:"))).collect();
    let csv_dates: Vec<&str> = row["political_response_date"].split("; ").collect();
    assert_eq!(political.len(), csv_dates.len(), "{responses:?}");
    for (r, d) in political.iter().zip(&csv_dates) {
        let on = r["responded_on"].as_str().expect("date");
        assert!(d.starts_with(on), "response dated {on}, the source says {d}");
        assert!(r["type"].as_str().is_some_and(|t| t.starts_with("resp.")), "{r}");
    }
    // The day-precise statements of February 2018 keep their day.
    assert!(political.iter().any(|r| r["responded_on"] == "2018-02-15"), "{political:?}");
    let retorsions = row["legal_response_type"].matches("Retorsion").count();
    let sanctions: Vec<&Value> = responses.iter().filter(|r| r["type"] == "resp.sanctions").collect();
    assert_eq!(sanctions.len(), retorsions);
    assert!(sanctions.iter().all(|r| r["legal_character"] == "retorsion"));
    assert!(sanctions.iter().any(|r| r["responder"]["kind"] == "intergovernmental"), "the EU Council: {sanctions:?}");

    // The Government of Canada attributing NotPetya is a government, whatever the basis says.
    let claims = findings(&s, "attributions", &notpetya).await;
    let canada = claims.iter().find(|c| c["attributor"]["name"] == "Government of Canada").expect("Canada's claim");
    assert_eq!(canada["attributor"]["kind"], "government");
    // EuRepoC's "Hijacking with Misuse" is a system compromise, not a botnet.
    let ops = notpetya["operation_types"].as_array().expect("types");
    assert!(ops.contains(&Value::from("system-compromise")) && !ops.contains(&Value::from("system-hijacking")));

    // Estonia 2007 (EuRepoC 56): a disruption whose attribution to Russia is contested, ending
    // on a real 1 May.
    let estonia = imported(&s, "Estonia%202007", "eurepoc", Some("56")).await;
    assert!(estonia["operation_types"].as_array().expect("types").contains(&Value::from("disruption")));
    assert_eq!(estonia["attribution"]["state"], "contested", "{}", estonia["attribution"]);
    assert_eq!(estonia["attribution"]["states"], serde_json::json!(["RU"]));
    assert_eq!(estonia["ended"], "2007-05-01");
    let claims = findings(&s, "attributions", &estonia).await;
    assert!(claims.iter().any(|c| c["contested"] == true && c["attributed_to"]["state"] == "RU"), "{claims:?}");
    // The portal says so too, in both languages.
    let id = estonia["id"].as_str().expect("id");
    let en = s.get(&format!("/incidents/{id}?lang=en")).await.text().await.expect("page");
    assert!(en.contains("contested: the claims disagree, or a claim is disputed") && en.contains("disputed claim"));
    let ja = s.get(&format!("/incidents/{id}?lang=ja")).await.text().await.expect("page");
    assert!(ja.contains("争われている主張"));

    let russia_before = s.json("/api/v1/incidents?attributed_state=RU&limit=1").await["total"].as_i64().expect("n");
    let cfr = data("cfr-tracker/cyber-operations-incidents.csv");
    let out = import(&s, &["import", "cfr", cfr.to_str().expect("path")]);
    assert!(out.contains("CFR: 768 incidents (768 new, 0 superseded, 0 unchanged)"), "{out}");
    let cfr_responses = figure(&out, "responses");
    assert!(cfr_responses > 0, "{out}");
    let out = import(&s, &["import", "cfr", cfr.to_str().expect("path")]);
    assert!(out.contains("(0 new, 0 superseded, 768 unchanged)"), "{out}");
    assert_eq!(s.json("/api/v1/responses").await["count"].as_u64(), Some(eurepoc_responses + cfr_responses));

    // CFR's sponsor is a claim in CFR's words, and the attributed-state filter finds it.
    let russia_after = s.json("/api/v1/incidents?attributed_state=RU&limit=1").await["total"].as_i64().expect("n");
    assert_eq!(russia_after - russia_before, cfr_rows_sponsored_by_russia());
    let cfr_notpetya = imported(&s, "NotPetya", "cfr", None).await;
    let claims = findings(&s, "attributions", &cfr_notpetya).await;
    let claim = claims.iter().find(|c| c["attributed_to"]["state"] == "RU").expect("a claim naming RU");
    assert_eq!(claim["basis"]["en"], "CFR Cyber Operations Tracker lists Russian Federation as sponsor");
    // Victims named by country become targets in that country.
    let targets = cfr_notpetya["targets"].as_array().expect("targets");
    assert!(targets.iter().any(|t| t["country"] == "UA"), "{targets:?}");

    // Paging by cursor visits every incident once.
    let mut seen = HashSet::new();
    for page in incident_pages(&s).await {
        assert_eq!(page["total"], 1643 + 768);
        for i in page["incidents"].as_array().expect("incidents") {
            assert!(seen.insert(i["id"].as_str().expect("id").to_owned()), "an incident came twice");
        }
    }
    assert_eq!(seen.len(), 1643 + 768);
    // Filters narrow, and the facet count for a value equals the filtered total.
    let all = s.json("/api/v1/incidents?limit=1").await;
    let ua = all["facets"]["country"]
        .as_array()
        .and_then(|a| a.iter().find(|f| f["value"] == "UA"))
        .expect("UA facet")
        .clone();
    let filtered = s.json("/api/v1/incidents?country=UA&limit=1").await;
    assert_eq!(filtered["total"], ua["count"]);
    let espionage_2015 = s.json("/api/v1/incidents?operation=espionage&year=2015&limit=1").await;
    let n = espionage_2015["total"].as_i64().expect("total");
    assert!(n > 0 && n < all["total"].as_i64().expect("total"));
    let r = s.get("/api/v1/incidents?operation=hacking").await;
    assert_eq!(r.status(), 400);

    // Every imported record's leaf matches the record as stored and read back.
    let audit = s.cli(&["log", "audit"]);
    assert!(
        audit.status.success(),
        "{}{}",
        String::from_utf8_lossy(&audit.stdout),
        String::from_utf8_lossy(&audit.stderr)
    );
}

/// A newer release of the CFR file where one operation's description changed: that operation
/// gets a new version superseding the old, and so do its claim and response (they are about the
/// new version); nothing else changes and nothing is duplicated.
async fn a_newer_release_supersedes_what_changed(s: TestServer) {
    let original = data("cfr-tracker/cyber-operations-incidents.csv");
    import(&s, &["import", "cfr", original.to_str().expect("path")]);
    let before = imported(&s, "NotPetya", "cfr", None).await;
    let claims_before = s.json("/api/v1/attributions").await["count"].as_u64().expect("count");
    let listed_before = s.json("/api/v1/incidents?limit=1").await["total"].as_u64().expect("total");
    let size = log_size(&s).await;

    let mut reader = csv::Reader::from_path(&original).expect("cfr");
    let headers = reader.headers().expect("headers").clone();
    let (title, desc) = (
        headers.iter().position(|c| c == "Title").expect("Title"),
        headers.iter().position(|c| c == "Description").expect("Description"),
    );
    let release = tempfile::NamedTempFile::new().expect("temp file");
    let mut writer = csv::Writer::from_path(release.path()).expect("writer");
    writer.write_record(&headers).expect("header");
    let mut changed = 0;
    for row in reader.records() {
        let row = row.expect("row");
        let mut fields: Vec<String> = row.iter().map(str::to_owned).collect();
        if fields[title] == "NotPetya" {
            fields[desc].push_str(" (Revised in a later release.)");
            changed += 1;
        }
        writer.write_record(&fields).expect("row");
    }
    writer.flush().expect("flush");
    assert_eq!(changed, 1);

    let out = import(&s, &["import", "cfr", release.path().to_str().expect("path")]);
    assert!(out.contains("768 incidents (0 new, 1 superseded, 767 unchanged)"), "{out}");
    let sponsors = before["actors"].as_array().expect("actors").len() as u64;
    assert!(out.contains(&format!("attribution claims (0 new, {sponsors} superseded,")), "{out}");
    // The old version stays, pointing to its successor; the new one says what changed.
    let old = s.json(&format!("/api/v1/incidents/{}", before["id"].as_str().expect("id"))).await;
    let new_id = old["superseded_by"].as_str().expect("superseded").to_owned();
    let new = s.json(&format!("/api/v1/incidents/{new_id}")).await;
    assert_eq!(new["supersedes"], before["id"]);
    assert!(new["description"]["en"].as_str().is_some_and(|d| d.ends_with("(Revised in a later release.)")));
    assert_eq!(new["origin"]["id"], before["origin"]["id"]);
    // Its claims are about the new version, and the old ones are superseded, not duplicated.
    let claims = findings(&s, "attributions", &new).await;
    assert_eq!(claims.len() as u64, sponsors);
    assert!(claims.iter().all(|c| c["supersedes"].is_string()));
    assert_eq!(new["attribution"]["state"], "attributed");
    let standing = s.json("/api/v1/attributions").await;
    let listed = standing["attributions"].as_array().expect("list");
    let current = listed.iter().filter(|c| c["superseded_by"].is_null()).count() as u64;
    assert_eq!(current, claims_before);
    // The incident list shows the operation once, as corrected (index and SQL paths alike).
    assert_eq!(s.json("/api/v1/incidents?limit=1").await["total"].as_u64(), Some(listed_before));
    let found = s.json("/api/v1/incidents?q=NotPetya&limit=100").await;
    let ids: Vec<&str> = found["incidents"].as_array().expect("list").iter().filter_map(|i| i["id"].as_str()).collect();
    assert!(ids.contains(&new_id.as_str()) && !ids.contains(&before["id"].as_str().expect("id")), "{ids:?}");
    // The log holds both versions: what changed was appended, nothing rewritten.
    let responses = findings(&s, "responses", &new).await.len() as u64;
    assert_eq!(log_size(&s).await, size + 1 + sponsors + responses);
    // Importing that release again changes nothing.
    let out = import(&s, &["import", "cfr", release.path().to_str().expect("path")]);
    assert!(out.contains("(0 new, 0 superseded, 768 unchanged)"), "{out}");

    // A coder corrects the imported incident; importing the same release again keeps the
    // correction (it is compared with what the importer wrote, not with the coder's version).
    let roles = Roles::set_up(&s).await;
    let (r1, r2) = reviewers(&s, &roles.admin).await;
    let mut record = incident_revision(&new);
    record["title"] = serde_json::json!({"ja": "", "en": "NotPetya (corrected by a coder)"});
    let (st, draft) = roles
        .editor
        .post(&format!("/api/v1/incidents/{new_id}/corrections"), &serde_json::json!({ "record": record }))
        .await;
    assert_eq!(st, 201, "{draft}");
    let corrected = draft["id"].as_str().expect("id").to_owned();
    publish_through_review(&roles.editor, &r1, &r2, &format!("/api/v1/incidents/{corrected}")).await;
    let out = import(&s, &["import", "cfr", release.path().to_str().expect("path")]);
    assert!(out.contains("768 incidents (0 new, 0 superseded, 768 unchanged)"), "{out}");
    let still = s.json(&format!("/api/v1/incidents/{new_id}")).await;
    assert_eq!(still["superseded_by"].as_str(), Some(corrected.as_str()), "the coder's version stays current");
    // Its claims and response move to the corrected version once (a new version each), then stay.
    assert!(out.contains(&format!("attribution claims (0 new, {sponsors} superseded,")), "{out}");
    let corrected = s.json(&format!("/api/v1/incidents/{corrected}")).await;
    assert_eq!(findings(&s, "attributions", &corrected).await.len() as u64, sponsors);
    assert_eq!(corrected["attribution"]["state"], "attributed");
    let out = import(&s, &["import", "cfr", release.path().to_str().expect("path")]);
    assert!(out.contains("(0 new, 0 superseded, 768 unchanged)") && !out.contains(" 1 superseded"), "{out}");
}

/// A copy of the EuRepoC folder with `edit` applied to the rows of one of its files.
fn eurepoc_copy(file: &str, edit: impl Fn(&csv::StringRecord, &mut Vec<Vec<String>>)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tmp");
    for name in
        ["EuRepoC_Global_Database_1.1.csv", "EuRepoC_Attribution_dataset_1.1.csv", "EuRepoC_Receiver_dataset_1.1.csv"]
    {
        let from = data(&format!("eurepoc-1.1/{name}"));
        if name != file {
            std::fs::copy(&from, dir.path().join(name)).expect("copy");
            continue;
        }
        let mut reader = csv::Reader::from_path(&from).expect("csv");
        let headers = reader.headers().expect("headers").clone();
        let mut rows: Vec<Vec<String>> =
            reader.records().map(|r| r.expect("row").iter().map(str::to_owned).collect()).collect();
        edit(&headers, &mut rows);
        let mut writer = csv::Writer::from_path(dir.path().join(name)).expect("writer");
        writer.write_record(&headers).expect("header");
        for row in rows {
            writer.write_record(&row).expect("row");
        }
        writer.flush().expect("flush");
    }
    dir
}

/// The import walks the files a chunk at a time, but checks every chunk before it stores any:
/// a bad record in the last chunk, or a claim about an incident the global file does not hold,
/// stops it with the record named and nothing stored. The global file is made larger (six
/// chunks), and once it is good it is stored chunk by chunk.
async fn a_bad_record_anywhere_stores_nothing(s: TestServer) {
    let size = log_size(&s).await;
    // The global file with a copy (a new id) of its first 1,000 incidents after it.
    let enlarged = |bad_last: bool| {
        eurepoc_copy("EuRepoC_Global_Database_1.1.csv", move |h, rows| {
            let (id, start) = (
                h.iter().position(|c| c == "ID").expect("ID"),
                h.iter().position(|c| c == "start_date").expect("start_date"),
            );
            let copies: Vec<Vec<String>> = rows[..1000]
                .iter()
                .map(|r| {
                    let mut copy = r.clone();
                    copy[id] = format!("{}-copy", r[id]);
                    copy
                })
                .collect();
            rows.extend(copies);
            if bad_last {
                rows.last_mut().expect("rows")[start] = "2099-05-05".to_owned();
            }
        })
    };
    let last_dated_later = enlarged(true);
    let out = s.cli(&["import", "eurepoc", last_dated_later.path().to_str().expect("path")]);
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{said}");
    assert!(
        said.contains("record 2643 (id ") && said.contains("-copy") && said.contains("nothing was imported"),
        "{said}"
    );

    let orphan = eurepoc_copy("EuRepoC_Attribution_dataset_1.1.csv", |h, rows| {
        let incident = h.iter().position(|c| c == "incident_ID").expect("incident_ID");
        let mut row = rows[0].clone();
        row[incident] = "999999".to_owned();
        rows.push(row);
    });
    let out = s.cli(&["import", "eurepoc", orphan.path().to_str().expect("path")]);
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(!out.status.success(), "{said}");
    assert!(said.contains("attribution row 2644: no incident 999999 in the global file"), "{said}");

    assert_eq!(log_size(&s).await, size, "nothing was published");
    assert_eq!(s.json("/api/v1/incidents?limit=1").await["total"], 0);

    // Without the bad record, the enlarged file is stored chunk by chunk.
    let good = enlarged(false);
    let out = import(&s, &["import", "eurepoc", good.path().to_str().expect("path")]);
    assert!(out.contains("2643 incidents (2643 new, 0 superseded, 0 unchanged)"), "{out}");
    assert!(out.contains("2631 attribution claims (2631 new,"), "the copies have no claims: {out}");
    assert_eq!(s.json("/api/v1/incidents?limit=1").await["total"], 2643);
    assert_eq!(s.json("/api/v1/attributions").await["count"], 2631);
}
