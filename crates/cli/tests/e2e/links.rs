//! One real-world incident, however many sources: both real datasets imported through the CLI,
//! the matcher's proposals recorded, NotPetya's pair confirmed by an editor, and the incident
//! list counting it once while showing both sources; links hidden from whoever may not read
//! both ends; a rejection that outlives another proposal run.

use crate::common::{Roles, TestServer, data, incident_revision, publish_through_review, reviewers};
use serde_json::{Value, json};

on_both_backends!(linked_sources_count_once_and_decisions_stick);

fn run(s: &TestServer, args: &[&str]) -> String {
    let out = s.cli(args);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{args:?}: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

/// `links: … N proposed …` from a proposal run's summary.
fn proposed(out: &str) -> usize {
    let line = out.lines().find(|l| l.starts_with("links: ")).unwrap_or_else(|| panic!("no links line in {out}"));
    let before = line.split(" proposed").next().expect("proposed");
    before.rsplit(' ').next().and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no count in {line}"))
}

fn ids(page: &Value) -> Vec<String> {
    page["incidents"].as_array().expect("incidents").iter().map(|i| i["id"].as_str().expect("id").to_owned()).collect()
}

async fn linked_sources_count_once_and_decisions_stick(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let eurepoc = data("eurepoc-1.1");
    let cfr = data("cfr-tracker/cyber-operations-incidents.csv");
    run(&s, &["import", "eurepoc", eurepoc.to_str().expect("path")]);
    let out = run(&s, &["import", "cfr", cfr.to_str().expect("path")]);
    let first = proposed(&out);
    assert!(first > 50, "the import's proposal run found {first} pairs: {out}");
    // Idempotent: nothing is proposed twice.
    assert_eq!(proposed(&run(&s, &["links", "propose"])), 0);

    let (st, before) = roles.reader.get("/api/v1/incidents?q=NotPetya&limit=100").await;
    assert_eq!(st, 200, "{before}");
    let total_before = before["total"].as_i64().expect("total");
    let (st, by_cfr) = roles.reader.get("/api/v1/incidents?q=NotPetya&limit=100").await;
    assert_eq!(st, 200);
    let (mut eurepoc_id, mut cfr_id) = (None, None);
    for id in ids(&by_cfr) {
        let (_, i) = roles.reader.get(&format!("/api/v1/incidents/{id}")).await;
        let found = (
            i["origin"]["dataset"].as_str().unwrap_or("").to_owned(),
            i["title"]["en"].as_str().unwrap_or("").to_owned(),
        );
        match found {
            (d, t) if d == "cfr" && t == "NotPetya" => cfr_id = Some(id),
            (d, t) if d == "eurepoc" && t.contains("NotPetya") => eurepoc_id = Some(id),
            _ => {}
        }
    }
    let (eurepoc_id, cfr_id) = (eurepoc_id.expect("EuRepoC's NotPetya"), cfr_id.expect("CFR's NotPetya"));

    // The pair is proposed, with its reasons; an editor confirms it.
    let (st, page) = roles.editor.get(&format!("/api/v1/incident-links?status=proposed&incident={cfr_id}")).await;
    assert_eq!(st, 200, "{page}");
    let link = page["links"]
        .as_array()
        .expect("links")
        .iter()
        .find(|l| l["incidents"].as_array().expect("ends").iter().any(|e| e["id"] == json!(eurepoc_id)))
        .unwrap_or_else(|| panic!("NotPetya's pair is not proposed: {page}"))
        .clone();
    assert!(link["score"].as_f64().expect("score") >= 0.5, "{link}");
    assert!(link["reasons"].to_string().contains("NotPetya"), "{link}");
    let link_id = link["id"].as_str().expect("id");
    // Both records name Russia, so the metrics count two attributed incidents until linked.
    let attributed = || async {
        let (st, m) = roles.reader.get("/api/v1/metrics").await;
        assert_eq!(st, 200, "{m}");
        m["responses"]["attributed_incidents"].as_u64().expect("attributed incidents")
    };
    let attributed_before = attributed().await;
    let (st, p) = roles.reader.post(&format!("/api/v1/incident-links/{link_id}/confirm"), &json!({})).await;
    assert_eq!(st, 403, "a reader does not decide: {p}");
    let (st, p) = roles.editor.post(&format!("/api/v1/incident-links/{link_id}/confirm"), &json!({"version": 7})).await;
    assert_eq!(st, 409, "a stale version: {p}");
    let (st, done) = roles.editor.post(&format!("/api/v1/incident-links/{link_id}/confirm"), &json!({})).await;
    assert_eq!((st, done["status"].as_str()), (200, Some("confirmed")), "{done}");
    let (st, again) = roles.editor.post(&format!("/api/v1/incident-links/{link_id}/reject"), &json!({})).await;
    assert_eq!(st, 409, "decided already: {again}");

    // Counted once, showing both sources, in the lists and in the metrics.
    assert_eq!(attributed().await, attributed_before - 1, "one real-world incident is one attributed incident");
    let (_, after) = roles.reader.get("/api/v1/incidents?q=NotPetya&limit=100").await;
    assert_eq!(after["total"].as_i64(), Some(total_before - 1), "{after}");
    let listed = ids(&after);
    assert_eq!(listed.iter().filter(|i| **i == eurepoc_id || **i == cfr_id).count(), 1, "{after}");
    let shown = after["incidents"]
        .as_array()
        .expect("incidents")
        .iter()
        .find(|i| i["id"] == json!(eurepoc_id) || i["id"] == json!(cfr_id))
        .expect("the group's representative");
    let other = &shown["also_in"][0];
    assert!(other["id"] == json!(eurepoc_id) || other["id"] == json!(cfr_id), "{shown}");
    assert!(["eurepoc", "cfr"].contains(&other["dataset"].as_str().unwrap_or("")), "{shown}");
    assert!(!other["sources"].as_array().expect("sources").is_empty(), "{shown}");
    // Facets count the group once too: both records start in 2017.
    let year_2017 = |page: &Value| {
        page["facets"]["year"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|f| f["value"] == "2017")
            .map(|f| f["count"].clone())
    };
    let was = year_2017(&before).and_then(|c| c.as_i64()).expect("a 2017 facet");
    assert_eq!(year_2017(&after).and_then(|c| c.as_i64()), Some(was - 1), "{after}");

    // A correction of CFR's record: the confirmed link follows it to the new version.
    let (_, old) = roles.editor.get(&format!("/api/v1/incidents/{cfr_id}")).await;
    let mut record = incident_revision(&old);
    record["status"] = json!("draft");
    record["description"]["en"] = json!("NotPetya, corrected: a wiper disguised as ransomware.");
    let (st, fixed) =
        roles.editor.post(&format!("/api/v1/incidents/{cfr_id}/corrections"), &json!({"record": record})).await;
    assert_eq!(st, 201, "{fixed}");
    let fixed_id = fixed["id"].as_str().expect("id").to_owned();
    let (r1, r2) = reviewers(&s, &roles.admin).await;
    publish_through_review(&roles.editor, &r1, &r2, &format!("/api/v1/incidents/{fixed_id}")).await;
    let (_, followed) = roles.reader.get(&format!("/api/v1/incident-links/{link_id}")).await;
    assert_eq!(followed["status"], "confirmed", "{followed}");
    let ends = followed["incidents"].to_string();
    assert!(ends.contains(&fixed_id) && ends.contains(&eurepoc_id) && !ends.contains(&cfr_id), "{followed}");
    let cfr_id = fixed_id;
    let (_, now) = roles.reader.get("/api/v1/incidents?q=NotPetya&limit=100").await;
    let total_now = now["total"].as_i64().expect("total");

    // The portal: the incident page names the other source; the proposals page lists pairs.
    let page = s.get(&format!("/incidents/{cfr_id}?lang=en")).await.text().await.expect("page");
    assert!(page.contains("Same incident in other sources") && page.contains(&eurepoc_id), "{page}");
    let page = s.get("/incident-links?status=confirmed&lang=ja").await.text().await.expect("page");
    assert!(page.contains("同一事案の候補") && page.contains(link_id), "{page}");
    let r = s.get("/incident-links?status=maybe").await;
    assert_eq!(r.status(), 400);

    // A draft at TLP:AMBER linked by hand: readers see neither the link nor the draft.
    let (st, draft) = roles
        .editor
        .post("/api/v1/incidents", &json!({"title": {"en": "QzHiddenTwinZq"}, "tlp": "amber", "started": "2017-06-27"}))
        .await;
    assert_eq!(st, 201, "{draft}");
    let draft_id = draft["id"].as_str().expect("id");
    let (st, p) = roles.editor.post("/api/v1/incident-links", &json!({"incidents": [draft_id]})).await;
    assert_eq!((st, p["errors"][0]["field"].as_str()), (422, Some("incidents")), "{p}");
    let (st, hand) = roles.editor.post("/api/v1/incident-links", &json!({"incidents": [draft_id, cfr_id]})).await;
    assert_eq!((st, hand["status"].as_str()), (201, Some("confirmed")), "{hand}");
    let (st, p) = roles.editor.post("/api/v1/incident-links", &json!({"incidents": [cfr_id, draft_id]})).await;
    assert_eq!(st, 409, "linked already: {p}");
    let hand_id = hand["id"].as_str().expect("id");
    for who in [&roles.reader, &roles.anonymous] {
        let (_, links) = who.get(&format!("/api/v1/incident-links?incident={cfr_id}")).await;
        assert!(!links.to_string().contains(draft_id) && !links.to_string().contains("QzHiddenTwinZq"), "{links}");
        assert!(links.to_string().contains(link_id), "the public pair stays visible: {links}");
        let (st, _) = who.get(&format!("/api/v1/incident-links/{hand_id}")).await;
        assert_eq!(st, 404);
        let (_, list) = who.get("/api/v1/incidents?q=NotPetya&limit=100").await;
        assert!(!list.to_string().contains(draft_id), "{list}");
        // The hidden link changes no count a reader sees.
        assert_eq!(list["total"].as_i64(), Some(total_now));
    }
    let (_, editors) = roles.editor.get(&format!("/api/v1/incident-links?incident={cfr_id}&status=confirmed")).await;
    assert_eq!(editors["links"].as_array().map(Vec::len), Some(2), "{editors}");

    // A rejected proposal stays rejected when the matcher runs again.
    let (_, page) = roles.editor.get("/api/v1/incident-links?status=proposed&limit=1").await;
    let victim = page["links"][0].clone();
    let victim_id = victim["id"].as_str().expect("a proposal");
    let (st, r) = roles.editor.post(&format!("/api/v1/incident-links/{victim_id}/reject"), &json!({})).await;
    assert_eq!((st, r["status"].as_str()), (200, Some("rejected")), "{r}");
    assert_eq!(proposed(&run(&s, &["links", "propose"])), 0);
    let (_, r) = roles.editor.get(&format!("/api/v1/incident-links/{victim_id}")).await;
    assert_eq!(r["status"], "rejected");
    let end = victim["incidents"][0]["id"].as_str().expect("end");
    let other_end = victim["incidents"][1]["id"].as_str().expect("end");
    let (_, all) = roles.editor.get(&format!("/api/v1/incident-links?incident={end}&limit=200")).await;
    let same_pair = all["links"]
        .as_array()
        .expect("links")
        .iter()
        .filter(|l| l["incidents"].to_string().contains(other_end))
        .count();
    assert_eq!(same_pair, 1, "{all}");

    // Every proposal and decision is in the audit log.
    let (st, audit) = roles.admin.get("/api/v1/audit?entity=incident-link&limit=500").await;
    assert_eq!(st, 200, "{audit}");
    let actions: Vec<&str> =
        audit["entries"].as_array().expect("entries").iter().filter_map(|e| e["action"].as_str()).collect();
    for a in ["propose", "confirm", "reject", "link"] {
        assert!(actions.contains(&a), "no `{a}` in the audit log: {actions:?}");
    }
    assert!(audit.to_string().contains(victim_id), "the rejection is audited");

    // Bad input names its field and changes nothing.
    let (st, p) = roles.editor.get("/api/v1/incident-links?status=maybe").await;
    assert_eq!((st, p["errors"][0]["field"].as_str()), (400, Some("status")), "{p}");
    let (st, _) = roles.editor.post("/api/v1/incident-links/no-such-link/confirm", &json!({})).await;
    assert_eq!(st, 404);
    // Paging walks every proposal once.
    let (mut cursor, mut seen) = (String::new(), std::collections::HashSet::new());
    loop {
        let path = format!("/api/v1/incident-links?status=proposed&limit=25{cursor}");
        let (st, page) = roles.editor.get(&path).await;
        assert_eq!(st, 200, "{page}");
        for l in page["links"].as_array().expect("links") {
            assert!(seen.insert(l["id"].as_str().expect("id").to_owned()), "a link on two pages");
        }
        match page["next"].as_str() {
            Some(n) => cursor = format!("&cursor={n}"),
            None => break,
        }
    }
    assert_eq!(seen.len(), first - 2, "every proposal but the confirmed and the rejected one");
}
