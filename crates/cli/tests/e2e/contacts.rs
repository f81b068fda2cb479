//! The points-of-contact directory (issue 8, part 1): members-only by default, for every role.

use crate::common::{Api, Roles, TestServer, strings};
use serde_json::{Value, json};

on_both_backends!(
    contacts_reach_only_those_cleared_for_them,
    communication_checks_measure_who_answers,
    hotline_messages_are_acknowledged_or_escalated
);

fn contact(stakeholder: &str, name: &str) -> Value {
    json!({"stakeholder": stakeholder, "kind": "technical", "name": name, "role_title": "Duty officer",
           "channels": [{"kind": "email", "value": "duty@cert.example"}, {"kind": "phone", "value": "+81 3 0000 0000"}],
           "languages": ["ja", "en"], "hours": "24/7", "time_zone": "Asia/Tokyo", "valid_from": "2024-01-01"})
}

async fn contacts_reach_only_those_cleared_for_them(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (status, c) = roles.contributor.post("/api/v1/contacts", &contact("jp", "Hanako Amber")).await;
    assert_eq!(status, 201, "{c}");
    assert_eq!(c["tlp"], "amber", "contact details are TLP:AMBER unless said otherwise");
    let mut public = contact("jp", "Taro Clear");
    public["tlp"] = json!("clear");
    public["kind"] = json!("policy");
    assert_eq!(roles.editor.post("/api/v1/contacts", &public).await.0, 201);
    let mut expired = contact("jp", "Old Contact");
    expired["tlp"] = json!("clear");
    expired["valid_until"] = json!("2024-06-30");
    assert_eq!(roles.editor.post("/api/v1/contacts", &expired).await.0, 201);
    assert_eq!(roles.contributor.post("/api/v1/contacts", &contact("fr", "X")).await.0, 403);
    for (mutate, field) in [
        (json!({"channels": [{"kind": "email", "value": "not-an-address"}]}), "channels[0].value"),
        (json!({"channels": [{"kind": "phone", "value": "03-0000"}]}), "channels[0].value"),
        (json!({"channels": []}), "channels"),
        (json!({"time_zone": "Tokyo time"}), "time_zone"),
        (json!({"languages": ["japanese"]}), "languages[0]"),
        (json!({"valid_until": "2023-01-01"}), "valid_until"),
    ] {
        let mut body = contact("jp", "Y");
        for (k, v) in mutate.as_object().expect("object") {
            body[k] = v.clone();
        }
        let (status, p) = roles.editor.post("/api/v1/contacts", &body).await;
        assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!(field)), "{p}");
    }
    let names = |v: &Value| -> Vec<String> { strings(&v["contacts"], "name") };
    for (role, sees_amber) in [
        ("anonymous", false),
        ("reader", false),
        ("acme-contributor", false),
        ("contributor", true),
        ("reviewer", true),
        ("editor", true),
        ("admin", true),
    ] {
        let api = roles.all().into_iter().find(|(n, _)| *n == role).expect("role").1;
        let (_, list) = api.get("/api/v1/contacts?current=true").await;
        let seen = names(&list);
        assert!(seen.contains(&"Taro Clear".to_owned()), "{role}");
        assert_eq!(seen.contains(&"Hanako Amber".to_owned()), sees_amber, "{role}: {seen:?}");
        assert!(!seen.contains(&"Old Contact".to_owned()), "{role}: expired contacts are not current");
    }
    let (_, all) = Api::anonymous(&s).get("/api/v1/contacts").await;
    assert!(names(&all).contains(&"Old Contact".to_owned()), "the history stays readable");
    // The amber contact's log leaf is proven to those cleared for it, and to no one else.
    let proof = format!("/log/proof/inclusion?record=point-of-contact/{}", c["id"].as_str().expect("id"));
    let (status, bundle) = roles.contributor.get(&proof).await;
    assert_eq!((status, bundle["record"]["name"].clone()), (200, json!("Hanako Amber")), "{bundle}");
    assert_eq!(Api::anonymous(&s).get(&proof).await.0, 404);
    let html = s.get("/contacts?lang=ja").await.text().await.expect("html");
    assert!(html.contains("Taro Clear") && !html.contains("Hanako Amber") && html.contains("政策"));
    let audit = s.cli(&["log", "audit"]);
    assert!(audit.status.success(), "{}", String::from_utf8_lossy(&audit.stderr));
}

async fn communication_checks_measure_who_answers(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    for (stakeholder, name) in [("jp", "JP duty"), ("jp", "JP policy"), ("fr", "FR duty")] {
        assert_eq!(roles.editor.post("/api/v1/contacts", &contact(stakeholder, name)).await.0, 201);
    }
    let check = json!({"organiser": "jp", "title": "Quarterly check", "stakeholders": ["jp", "fr", "de"]});
    assert_eq!(roles.reader.post("/api/v1/checks", &check).await.0, 403);
    let (status, p) = roles
        .editor
        .post("/api/v1/checks", &json!({"organiser": "jp", "title": "x", "stakeholders": ["atlantis"]}))
        .await;
    assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!("stakeholders[0]")));
    let (status, sent) = roles.contributor.post("/api/v1/checks", &check).await;
    assert_eq!(status, 201, "a contributor organises for its own stakeholder: {sent}");
    let deliveries = sent["deliveries"].as_array().expect("deliveries").clone();
    assert_eq!(deliveries.len(), 3, "every current contact of the group (de has none)");
    let answer = |token: &Value| {
        let (api, body) = (Api::anonymous(&s), json!({"token": token}));
        async move { api.post("/api/v1/checks/answer", &body).await }
    };
    let jp_tokens: Vec<Value> =
        deliveries.iter().filter(|d| d["stakeholder"] == "jp").map(|d| d["answer"]["token"].clone()).collect();
    for t in &jp_tokens {
        let (status, body) = answer(t).await;
        assert_eq!((status, body["acknowledged"].clone()), (200, json!(true)));
    }
    let (_, again) = answer(&jp_tokens[0]).await;
    assert_eq!(again["already"], true, "a second answer changes nothing");
    assert_eq!(answer(&json!("not-a-token")).await.0, 404);
    assert_eq!(Api::anonymous(&s).get("/api/v1/checks").await.0, 401);
    let (status, results) = roles.reader.get("/api/v1/checks").await;
    assert_eq!(status, 200);
    let r = &results["checks"][0]["results"];
    assert_eq!(
        (r["targets"].clone(), r["acknowledged"].clone(), r["unanswered"].clone()),
        (json!(3), json!(2), json!(1))
    );
    assert_eq!(r["response_rate"], 66.7);
    assert_eq!(r["distribution"][0], json!(["15m", 2]), "both answered within 15 minutes");
    assert_eq!(results["checks"][0]["unanswered_by"], json!(["fr"]));
    assert!(!results.to_string().contains("duty@cert.example"), "results carry no contact details");
}

async fn hotline_messages_are_acknowledged_or_escalated(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let mut ids = std::collections::HashMap::new();
    for (stakeholder, name) in [("jp", "JP duty"), ("fr", "FR duty"), ("de", "DE duty")] {
        let (_, c) = roles.editor.post("/api/v1/contacts", &contact(stakeholder, name)).await;
        ids.insert(stakeholder, c["id"].as_str().expect("id").to_owned());
    }
    let fr = crate::common::signed_in(&s, &roles.admin, "fr-desk", "contributor", Some("fr")).await;
    let message = |from: &str, to: Vec<&str>, minutes: i64| {
        json!({"from_contact": ids[from], "to_contacts": to.iter().map(|t| ids[t].clone()).collect::<Vec<_>>(), "severity": "high",
               "subject": "Routing incident", "body": {"ja": "経路の異常を確認中", "en": "Investigating a routing anomaly"}, "ack_within_minutes": minutes})
    };
    assert_eq!(
        roles.contributor.post("/api/v1/hotline", &message("fr", vec!["jp"], 30)).await.0,
        403,
        "not its contact"
    );
    let (status, p) = roles.contributor.post("/api/v1/hotline", &message("jp", vec![], 30)).await;
    assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!("to_contacts")));
    let (status, p) = roles.contributor.post("/api/v1/hotline", &message("jp", vec!["fr"], 0)).await;
    assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!("ack_within_minutes")));
    let (status, sent) = roles.contributor.post("/api/v1/hotline", &message("jp", vec!["fr", "de"], 30)).await;
    assert_eq!(status, 201, "{sent}");
    let id = sent["id"].as_str().expect("id").to_owned();
    let ack = |api: Api, contact: String| {
        let path = format!("/api/v1/hotline/{id}/ack");
        async move { api.post(&path, &json!({"contact": contact})).await }
    };
    assert_eq!(ack(roles.contributor.clone(), ids["fr"].clone()).await.0, 403, "only FR acknowledges for FR");
    let (status, a) = ack(fr.clone(), ids["fr"].clone()).await;
    assert_eq!((status, a["already"].clone()), (200, json!(false)));
    assert_eq!(ack(fr.clone(), ids["fr"].clone()).await.1["already"], true);
    // Time passes beyond the deadline: the unacknowledged recipient is escalated.
    s.execute_sql(format!("UPDATE hotline_messages SET sent_at = '2020-01-01T00:00:00.000Z' WHERE id = '{id}'")).await;
    let (_, inbox) = fr.get("/api/v1/hotline").await;
    assert_eq!(inbox["count"], 1);
    let recipients = inbox["messages"][0]["recipients"].as_array().expect("recipients").clone();
    let state = |st: &str| recipients.iter().find(|r| r["stakeholder"] == st).cloned().expect("recipient");
    assert_eq!(state("fr")["escalated"], false);
    assert!(state("fr")["acknowledged_at"].is_string());
    assert_eq!(state("de")["escalated"], true);
    assert_eq!(inbox["messages"][0]["ack_deadline"], "2020-01-01T00:30:00.000Z");
    assert_eq!(roles.acme_contributor.get("/api/v1/hotline").await.1["count"], 0, "not a party to it");
    assert_eq!(roles.admin.get("/api/v1/hotline").await.1["count"], 1);
    assert_eq!(Api::anonymous(&s).get("/api/v1/hotline").await.0, 401);
}
