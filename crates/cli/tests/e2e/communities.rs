//! Communities of interest: a record shared with a community reaches its members only — checked
//! for every role — and the community keeps a log of its decisions.

use crate::common::{Roles, TestServer, cert_coop};
use serde_json::json;

on_both_backends!(community_records_reach_members_only);

async fn community_records_reach_members_only(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let community =
        cert_coop(&["gge-f", "gge-k"], json!([{"stakeholder": "jp", "role": "coordinator"}, {"stakeholder": "acme"}]));
    assert_eq!(roles.reader.post("/api/v1/communities", &community).await.0, 403);
    let (status, p) = roles.admin.post("/api/v1/communities", &community).await;
    assert_eq!(status, 201, "{p}");
    let position = |community: &str| {
        json!({"stakeholder": "jp", "norm": "gge-k", "stance": "endorse", "stated_on": "2024-05-05",
        "source": {"url": "https://example.org/shared"}, "community": community})
    };
    let (status, p) = roles.contributor.post("/api/v1/positions", &position("another-community")).await;
    assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!("community")));
    let (status, shared) = roles.contributor.post("/api/v1/positions", &position("cert-coop")).await;
    assert_eq!(status, 201, "{shared}");
    let id = shared["id"].as_str().expect("id").to_owned();
    for (role, member) in [
        ("anonymous", false),
        ("reader", false),
        ("reviewer", false),
        ("editor", false),
        ("admin", false),
        ("contributor", true),
        ("acme-contributor", true),
    ] {
        let api = roles.all().into_iter().find(|(n, _)| *n == role).expect("role").1;
        let (status, _) = api.get(&format!("/api/v1/positions/{id}")).await;
        assert_eq!(status, if member { 200 } else { 404 }, "{role} reads the shared position");
        let (_, list) = api.get("/api/v1/positions?stakeholder=jp&norm=gge-k").await;
        assert_eq!(list.to_string().contains(&id), member, "{role} lists it");
        let (_, m) = api.get("/api/v1/adoption?norm=gge-k&kind=state&country=JP").await;
        let stated = m["rows"][0]["cells"]["gge-k"]["stated_on"].clone();
        assert_eq!(stated == json!("2024-05-05"), member, "{role} matrix");
    }
    // The decisions log: by the coordinator, with member participants.
    let decision = |participants: serde_json::Value| json!({"decided_on": "2024-06-01", "text": {"en": "Share CI incident reports within 24 hours."}, "participants": participants});
    let path = "/api/v1/communities/cert-coop/decisions";
    assert_eq!(
        roles.acme_contributor.post(path, &decision(json!(["jp", "acme"]))).await.0,
        403,
        "a member, not the coordinator"
    );
    let (status, p) = roles.contributor.post(path, &decision(json!(["fr"]))).await;
    assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!("participants[0]")));
    assert_eq!(roles.contributor.post(path, &decision(json!(["jp", "acme"]))).await.0, 201);
    let (_, list) = roles.anonymous.get("/api/v1/communities").await;
    let c = &list["communities"][0];
    assert_eq!(c["members"].as_array().map(Vec::len), Some(2));
    assert_eq!(c["decisions"][0]["participants"], json!(["jp", "acme"]));
    assert_eq!(c["success_factors"]["transparent_process"], "decisions logged here");
    let html = s.get("/communities?lang=ja").await.text().await.expect("html");
    assert!(html.contains("CERT協力") && html.contains("透明な手続") && html.contains("Share CI incident reports"));
    // The system still audits every record, community-scoped or not.
    let audit = s.cli(&["log", "audit"]);
    assert!(audit.status.success(), "{}", String::from_utf8_lossy(&audit.stderr));
}
