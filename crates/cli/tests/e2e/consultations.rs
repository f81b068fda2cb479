//! Consultations (issue 8): a new norm proposed, commented on by stakeholders of different kinds,
//! adopted into the catalogue as `proposed`, and then taken positions on like any other norm.

use crate::common::{Api, Roles, TestServer, strings};
use serde_json::{Value, json};

on_both_backends!(a_consultation_adds_a_norm_that_stakeholders_take_positions_on);

fn proposal(id: &str, closes_on: &str) -> Value {
    json!({"kind": "new-norm",
           "title": {"ja": "医療機関へのランサムウェア攻撃の禁止", "en": "No ransomware against hospitals"},
           "text": {"ja": "国家及び非国家主体は医療機関を対象とするランサムウェア攻撃を行わず、支援しない。", "en": "States and non-state actors neither conduct nor support ransomware attacks on hospitals."},
           "proposed_norm": {"id": id, "title": {"ja": "医療機関への攻撃の自制", "en": "Restraint towards hospitals"},
               "summary": {"ja": "医療機関を狙うランサムウェア攻撃を行わない。", "en": "Do not attack hospitals with ransomware."},
               "addressees": ["states", "non-state-actors"], "kind": "restraint", "principles": ["restraint", "human-rights"]},
           "opens_on": "2024-01-01", "closes_on": closes_on})
}

async fn a_consultation_adds_a_norm_that_stakeholders_take_positions_on(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    assert_eq!(roles.reader.post("/api/v1/consultations", &proposal("hospitals", "2999-12-31")).await.0, 403);
    let mut amendment = proposal("x", "2999-12-31");
    amendment["kind"] = json!("amendment");
    amendment.as_object_mut().expect("object").remove("proposed_norm");
    for (body, field) in [
        (proposal("gcsc-1", "2999-12-31"), "proposed_norm.id"),
        (amendment, "norm"),
        (
            {
                let mut b = proposal("hospitals", "2999-12-31");
                b["proposed_norm"]["addressees"] = json!(["pirates"]);
                b
            },
            "proposed_norm.addressees[0]",
        ),
        (proposal("hospitals", "2023-12-31"), "closes_on"),
    ] {
        let (status, p) = roles.editor.post("/api/v1/consultations", &body).await;
        assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!(field)), "{p}");
    }
    let (status, created) = roles.editor.post("/api/v1/consultations", &proposal("hospitals", "2999-12-31")).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().expect("id").to_owned();
    let comment = |api: Api, stakeholder: &str, text: &str| {
        let (path, body) =
            (format!("/api/v1/consultations/{id}/comments"), json!({"stakeholder": stakeholder, "text": text}));
        async move { api.post(&path, &body).await }
    };
    assert_eq!(comment(roles.contributor.clone(), "jp", "日本は支持する。").await.0, 201);
    assert_eq!(comment(roles.acme_contributor.clone(), "acme", "We support it.").await.0, 201);
    assert_eq!(comment(roles.contributor.clone(), "fr", "Not ours").await.0, 403);
    let (_, c) = Api::anonymous(&s).get(&format!("/api/v1/consultations/{id}")).await;
    assert_eq!(c["balance"], json!({"private-sector": 1, "state": 1}), "the balance by stakeholder kind");
    // A closed consultation takes no comments.
    let (_, closed) = roles.editor.post("/api/v1/consultations", &proposal("closed-one", "2024-02-01")).await;
    let (status, p) = comment(roles.contributor.clone(), "jp", "late").await;
    assert_eq!(status, 201, "{p}");
    let (status, p) = roles
        .contributor
        .post(
            &format!("/api/v1/consultations/{}/comments", closed["id"].as_str().expect("id")),
            &json!({"stakeholder": "jp", "text": "late"}),
        )
        .await;
    assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!("consultation")));
    // Adopted: the norm joins the catalogue as proposed, and takes positions like any other.
    let decision = json!({"outcome": "adopted", "rationale": {"en": "Broad support across stakeholder kinds."}, "decided_on": "2024-06-01"});
    let (status, decided) = roles.editor.post(&format!("/api/v1/consultations/{id}/outcome"), &decision).await;
    assert_eq!(status, 200, "{decided}");
    assert_eq!(decided["outcome"], "adopted");
    assert_eq!(
        roles.editor.post(&format!("/api/v1/consultations/{id}/outcome"), &decision).await.0,
        409,
        "decided once"
    );
    let (status, norm) = Api::anonymous(&s).get("/api/v1/norms/hospitals?lang=en").await;
    assert_eq!(status, 200, "{norm}");
    assert_eq!(norm["status"], "proposed");
    assert_eq!(Api::anonymous(&s).get("/api/v1/norms").await.1["count"], 21);
    let found = strings(&Api::anonymous(&s).get("/api/v1/norms?q=hospitals").await.1["norms"], "id");
    assert!(found.contains(&"hospitals".to_owned()), "searchable: {found:?}");
    let position = json!({"stakeholder": "jp", "norm": "hospitals", "stance": "endorse", "stated_on": "2024-06-10", "source": {"url": "https://example.org/jp"}});
    let (status, p) = roles.contributor.post("/api/v1/positions", &position).await;
    assert_eq!(status, 201, "{p}");
    let (_, matrix) = Api::anonymous(&s).get("/api/v1/adoption?norm=hospitals&country=JP&kind=state").await;
    assert_eq!(matrix["rows"][0]["cells"]["hospitals"]["stance"], "endorse");
    assert_eq!(comment(roles.contributor.clone(), "jp", "after the decision").await.0, 422);
    let html = s.get("/consultations?lang=ja").await.text().await.expect("html");
    assert!(
        html.contains("医療機関へのランサムウェア攻撃の禁止")
            && html.contains("国家: ")
            && html.contains("/norms/hospitals?lang=ja")
    );
}
