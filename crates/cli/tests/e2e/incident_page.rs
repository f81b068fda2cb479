//! An incident's page as a researcher reads it: the attribution table (who, to whom, when and how
//! precisely, type, basis, confidence, contested) in date order, the responses, the timeline in
//! date order; and the page of a state that is only ever attributed. On SQLite and PostgreSQL.

use crate::common::downloads::{part, values};
use crate::common::{Roles, TestServer, publish_grid_incident, publish_through_review, reviewers};
use serde_json::json;

on_both_backends!(
    the_incident_page_tables_attributions_and_responses_in_date_order,
    a_state_that_is_only_attributed_has_a_page
);

/// An incident with three published claims (filed out of date order: month, day, year) and a
/// response; answers its id.
async fn seed(s: &TestServer) -> String {
    let roles = Roles::set_up(s).await;
    let (r1, r2) = reviewers(s, &roles.admin).await;
    let incident = publish_grid_incident(&roles.editor, &r1, &r2).await;
    for claim in [
        json!({"attributor": {"name": "Lab Late", "kind": "security-company"}, "attributed_to": {"group": "Sandworm"},
               "type": "technical", "attributed_on": "2023-06"}),
        json!({"attributor": {"name": "Government of Japan", "kind": "government", "stakeholder": "jp"},
               "attributed_to": {"state": "RU"}, "type": "political", "attributed_on": "2022-02-18",
               "confidence": "icd.likely", "basis": {"ja": "政府の声明", "en": "A government statement"},
               "statement_url": "https://gov.example/statement"}),
        json!({"attributor": {"name": "Lab Early", "kind": "security-company"}, "attributed_to": {"state": "RU"},
               "type": "technical", "attributed_on": "2021", "contested": true}),
    ] {
        let mut body = claim;
        body["incident"] = json!(incident);
        let (st, c) = roles.editor.post("/api/v1/attributions", &body).await;
        assert_eq!(st, 201, "{c}");
        publish_through_review(
            &roles.editor,
            &r1,
            &r2,
            &format!("/api/v1/attributions/{}", c["id"].as_str().expect("id")),
        )
        .await;
    }
    let (st, r) = roles
        .editor
        .post(
            "/api/v1/responses",
            &json!({"incident": incident, "responder": {"name": "Japan", "kind": "government", "stakeholder": "jp", "country": "JP"},
                    "type": "resp.public-attribution", "legal_character": "retorsion", "responded_on": "2022-02-18"}),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    publish_through_review(&roles.editor, &r1, &r2, &format!("/api/v1/responses/{}", r["id"].as_str().expect("id")))
        .await;
    incident
}

async fn the_incident_page_tables_attributions_and_responses_in_date_order(s: TestServer) {
    let incident = seed(&s).await;
    let html = s.get(&format!("/incidents/{incident}?lang=en")).await.text().await.expect("html");
    let table = part(&html, "attributions", "</table>");
    let attributors: Vec<&str> =
        ["Lab Early", "Government of Japan", "Lab Late"].into_iter().filter(|a| table.contains(a)).collect();
    assert_eq!(attributors.len(), 3, "{table}");
    let at = |a: &str| table.find(a).expect("attributor");
    assert!(
        at("Lab Early") < at("Government of Japan") && at("Government of Japan") < at("Lab Late"),
        "date order: {table}"
    );
    // The state by name, linked to its page; the precision of each date as given; type, basis,
    // confidence in words; the contested claim marked.
    assert!(table.contains("href=\"/stakeholders/ru?lang=en\"") && table.contains(">Russia</a>"), "{table}");
    assert!(table.contains(">2021<") && table.contains("18 February 2022") && table.contains("June 2023"), "{table}");
    assert!(table.contains(">political<") && table.contains(">technical<"), "{table}");
    assert!(table.contains("A government statement") && table.contains("https://gov.example/statement"), "{table}");
    assert!(table.contains("Likely") || table.contains("likely"), "confidence in words: {table}");
    assert!(table.contains("disputed claim"), "{table}");
    assert!(html.contains("Attributions (3)") && html.contains("Responses (1)"), "headings with counts");
    let responses = part(&html, "responses", "</table>");
    assert!(responses.contains("Japan") && responses.contains("18 February 2022"), "{responses}");

    // The timeline: every event oldest first (records filed later but dated earlier included).
    let timeline = part(&html, "timeline", "</ol>");
    let dates: Vec<String> = values(timeline, "data-date");
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "timeline in date order: {dates:?}");
    assert!(dates.len() >= 5 && dates.first().map(String::as_str) == Some("2021"), "{dates:?}");
    assert!(dates.contains(&"2021-03".to_owned()) && dates.contains(&"2023-06".to_owned()), "{dates:?}");

    // The list names targeted countries, attributed states and operation types in words.
    let list = s.get("/incidents?lang=en").await.text().await.expect("html");
    let row = part(&list, "incidents", "</tr></tbody>");
    assert!(row.contains("Ukraine") && row.contains("Russia") && row.contains("normwatch"), "{row}");
    assert!(list.contains(">Ukraine</a>"), "the country facet in words: {list}");
    let ja = s.get(&format!("/incidents/{incident}?lang=ja")).await.text().await.expect("html");
    assert!(part(&ja, "attributions", "</table>").contains(">ロシア</a>"), "the state's name in Japanese");
}

async fn a_state_that_is_only_attributed_has_a_page(s: TestServer) {
    let incident = seed(&s).await;
    for (lang, name) in [("en", "Russia"), ("ja", "ロシア")] {
        let r = s.get(&format!("/stakeholders/ru?lang={lang}")).await;
        assert_eq!(r.status(), 200, "/stakeholders/ru ({lang})");
        let html = r.text().await.expect("html");
        assert!(html.contains(&format!("<h1>{name}</h1>")), "{lang}: {html}");
        assert!(html.contains("id=\"unregistered\""), "{lang}: says it is not a registered stakeholder");
        let received = part(&html, "attributions-received", "</table>");
        assert_eq!(values(received, "data-claim").len(), 2, "{lang}: the two claims naming RU: {received}");
        assert!(received.contains(&format!("/incidents/{incident}")), "{received}");
        assert!(html.contains("href=\"/incidents?country=RU"), "{lang}: a link to the incidents that targeted it");
    }
    // Japan is registered: its page is the stakeholder's, and its government's claim is one it made.
    let jp = s.get("/stakeholders/jp?lang=en").await.text().await.expect("html");
    assert!(!jp.contains("id=\"unregistered\""));
    assert_eq!(values(part(&jp, "attributions-made", "</table>"), "data-claim").len(), 1);
    // Not a country, not a stakeholder; and one spelling of the id only.
    for path in ["/stakeholders/zz", "/stakeholders/atlantis", "/stakeholders/RU"] {
        assert_eq!(s.get(path).await.status(), 404, "{path}");
    }
    // The JSON download of a state's page carries what it shows.
    let (_, body) = (200, s.json("/stakeholders/ru?format=json").await);
    assert_eq!(body["attributions_received"].as_array().map(Vec::len), Some(2), "{body}");
}
