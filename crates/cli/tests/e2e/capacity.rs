//! Vulnerabilities with mitigation timelines, and capacity-building programmes, over HTTP.

use crate::common::{Api, Roles, TestServer, strings, verify_offline};
use serde_json::{Value, json};

on_both_backends!(
    vulnerability_timelines_and_time_to_fix,
    programmes_and_their_coverage,
    standards_and_hygiene_self_assessments
);

async fn vulnerability_timelines_and_time_to_fix(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let create = |body: Value| {
        let editor = roles.editor.clone();
        async move { editor.post("/api/v1/vulnerabilities", &body).await }
    };
    let (status, kumo) =
        create(json!({"cve_id": "CVE-2024-10001", "product": "Kumo Router 7", "vendor": "Kumo Networks",
        "advisory_url": "https://kumo.example/psirt/1", "reported_on": "2024-01-10"}))
        .await;
    assert_eq!(status, 201, "{kumo}");
    assert_eq!(kumo["mitigation_status"], "unpatched");
    let (_, sora) = create(json!({"product": "Sora Mail", "vendor": "Sora Soft", "reported_on": "2024-02-01"})).await;
    for (body, field) in [
        (json!({"cve_id": "CVE-1", "product": "x", "vendor": "y", "reported_on": "2024-01-01"}), "cve_id"),
        (json!({"product": "x", "vendor": "y", "reported_on": "2999-01-01"}), "reported_on"),
        (json!({"product": "x", "vendor": "y", "reported_on": "2024-01-01", "advisory_url": "psirt"}), "advisory_url"),
    ] {
        let (status, p) = create(body).await;
        assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!(field)), "{p}");
    }
    let (status, p) = roles
        .reader
        .post("/api/v1/vulnerabilities", &json!({"product": "x", "vendor": "y", "reported_on": "2024-01-01"}))
        .await;
    assert_eq!((status, p["missing_right"].clone()), (403, json!("vulnerabilities:write")));
    let event = |id: &Value, body: Value| {
        let editor = roles.editor.clone();
        let path = format!("/api/v1/vulnerabilities/{}/events", id.as_str().unwrap_or(""));
        async move { editor.post(&path, &body).await }
    };
    assert_eq!(event(&kumo["id"], json!({"event": "acknowledged", "on": "2024-01-12"})).await.0, 201);
    for (body, field) in [
        (json!({"event": "fixed", "on": "2024-01-11"}), "on"),
        (json!({"event": "acknowledged", "on": "2024-01-13"}), "event"),
        (json!({"event": "disclosed", "on": "2023-12-31"}), "on"),
    ] {
        let (status, p) = event(&kumo["id"], body.clone()).await;
        assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!(field)), "{body}: {p}");
    }
    assert_eq!(event(&kumo["id"], json!({"event": "mitigated", "on": "2024-01-20"})).await.0, 201);
    let (status, p) = event(&kumo["id"], json!({"event": "mitigated", "on": "2024-01-21"})).await;
    assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!("event")), "each step once: {p}");
    let (status, fixed) = event(&kumo["id"], json!({"event": "fixed", "on": "2024-02-09"})).await;
    assert_eq!(status, 201);
    assert_eq!(fixed["mitigation_status"], "fixed");
    assert_eq!(fixed["days_to_fix"], 30);
    event(&sora["id"], json!({"event": "fixed", "on": "2024-02-11"})).await;
    let (status, p) = event(&sora["id"], json!({"event": "acknowledged", "on": "2024-02-12"})).await;
    assert_eq!(
        (status, p["errors"][0]["field"].clone()),
        (422, json!("event")),
        "no acknowledgement after the fix: {p}"
    );
    // A draft about a vendor is not shown to the vendor's own contributors.
    let (status, _) = roles
        .editor
        .post(
            "/api/v1/vulnerabilities",
            &json!({"product": "Acme Gateway", "vendor": "Acme", "vendor_stakeholder": "acme",
            "reported_on": "2024-03-01", "tlp": "red", "status": "draft"}),
        )
        .await;
    assert_eq!(status, 201);
    let (_, seen) = roles.acme_contributor.get("/api/v1/vulnerabilities").await;
    assert!(!seen.to_string().contains("Acme Gateway"), "{seen}");
    let (_, list) = Api::anonymous(&s).get("/api/v1/vulnerabilities").await;
    assert_eq!(list["count"], 2);
    assert_eq!(list["figures"]["median_days_to_fix"], 20.0);
    assert_eq!(list["figures"]["median_days_to_acknowledge"], 2.0);
    let kumo_figures = list["figures"]["by_vendor"]
        .as_array()
        .expect("vendors")
        .iter()
        .find(|v| v["vendor"] == "Kumo Networks")
        .cloned();
    assert_eq!(kumo_figures.map(|v| v["median_days_to_fix"].clone()), Some(json!(30.0)));
    // The published vulnerability still verifies offline although its timeline moved on.
    let bundle =
        s.json(&format!("/log/proof/inclusion?record=vulnerability/{}", kumo["id"].as_str().expect("id"))).await;
    assert_eq!(bundle["record"]["mitigation_status"], "fixed");
    let (record_file, cp_file) = s.save_proof(&bundle);
    let key = s.json("/api/v1/health").await["log_verifier_key"].as_str().expect("key").to_owned();
    let out = verify_offline(&record_file, &cp_file, &key);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    // Each record and timeline step is in the transparency log, and the audit finds them intact.
    let audit = s.cli(&["log", "audit"]);
    assert!(audit.status.success(), "{}", String::from_utf8_lossy(&audit.stderr));
    let html = s.get("/vulnerabilities?lang=ja").await.text().await.expect("html");
    assert!(html.contains("修正までの日数") && html.contains("<th id=\"median-days-to-fix\">20</th>"));
}

async fn programmes_and_their_coverage(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let programme = |provider: &str, region: &str, norms: Value| {
        json!({"provider": provider, "title": {"ja": "重要インフラ防護研修", "en": "Critical infrastructure protection training"},
               "beneficiaries": ["vn", "ph", "asean-cert"], "region": region, "norms": norms, "elements": ["fw-6"],
               "starts_on": "2024-04-01", "ends_on": "2025-03-31", "progress": "running"})
    };
    let (status, p) = roles
        .contributor
        .post("/api/v1/capacity/programmes", &programme("jp", "asia", json!(["gge-f", "gcsc-7"])))
        .await;
    assert_eq!(status, 201, "{p}");
    assert_eq!(p["beneficiaries"], json!(["VN", "PH", "asean-cert"]), "country codes normalised");
    let proof = format!("/log/proof/inclusion?record=capacity-programme/{}", p["id"].as_str().expect("id"));
    assert_eq!(s.json(&proof).await["record"]["beneficiaries"], p["beneficiaries"], "the programme is in the log");
    let (status, p) =
        roles.contributor.post("/api/v1/capacity/programmes", &programme("fr", "europe", json!(["gge-f"]))).await;
    assert_eq!((status, p["missing_right"].clone()), (403, json!("programmes:write")));
    let (status, _) =
        roles.editor.post("/api/v1/capacity/programmes", &programme("fr", "africa", json!(["gge-f"]))).await;
    assert_eq!(status, 201);
    for (body, field) in [
        (programme("jp", "atlantis", json!(["gge-f"])), "region"),
        (programme("jp", "asia", json!(["gge-z"])), "norms[0]"),
        (
            programme("jp", "asia", json!([]))
                .as_object()
                .map(|o| {
                    let mut o = o.clone();
                    o.insert("elements".into(), json!([]));
                    Value::Object(o)
                })
                .unwrap_or_default(),
            "norms",
        ),
    ] {
        let (status, p) = roles.editor.post("/api/v1/capacity/programmes", &body).await;
        assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!(field)), "{p}");
    }
    let (_, coverage) = Api::anonymous(&s).get("/api/v1/capacity/coverage").await;
    assert_eq!(coverage["norms"]["gge-f"]["asia"], 1);
    assert_eq!(coverage["norms"]["gge-f"]["africa"], 1);
    assert_eq!(coverage["norms"]["gcsc-7"]["asia"], 1);
    assert_eq!(coverage["norms"]["gcsc-1"]["asia"], 0);
    let (_, asia) = Api::anonymous(&s).get("/api/v1/capacity/programmes?norm=gge-f&region=asia").await;
    assert_eq!(asia["count"], 1);
    let (status, _) = Api::anonymous(&s).get("/api/v1/capacity/programmes?region=atlantis").await;
    assert_eq!(status, 400);
    let html = s.get("/capacity?lang=en").await.text().await.expect("html");
    assert!(html.contains("data-norm=\"gge-f\"") && html.contains("Critical infrastructure protection training"));
    let ja = s.get("/capacity?lang=ja&region=&norm=").await.text().await.expect("html");
    assert!(ja.contains("重要インフラ防護研修") && ja.contains("アジア") && ja.contains("実施中"));
}

async fn standards_and_hygiene_self_assessments(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let ids = |v: &Value| -> Vec<String> { strings(&v["standards"], "id") };
    let (_, routing) = Api::anonymous(&s).get("/api/v1/standards?asset=pc.routing").await;
    let routing = ids(&routing);
    assert!(routing.contains(&"std-rpki".to_owned()) && routing.contains(&"std-manrs".to_owned()), "{routing:?}");
    assert!(!routing.contains(&"std-dnssec".to_owned()));
    let (_, botnets) = Api::anonymous(&s).get("/api/v1/standards?norm=gcsc-4").await;
    assert_eq!(ids(&botnets), ["std-etsi-en-303-645"]);
    assert_eq!(Api::anonymous(&s).get("/api/v1/standards?asset=pc.nowhere").await.0, 400);
    let (_, baselines) = Api::anonymous(&s).get("/api/v1/hygiene/baselines?lang=en").await;
    let controls = strings(&baselines["baselines"][0]["controls"], "id");
    assert_eq!(controls.len(), 8);
    let assessment = |on: &str, implemented: usize| {
        let results: Vec<Value> = controls
            .iter()
            .enumerate()
            .map(|(i, c)| json!({"control": c, "status": if i < implemented { "implemented" } else { "not-implemented" }}))
            .collect();
        json!({"stakeholder": "jp", "baseline": "hygiene-basic", "assessed_on": on, "results": results})
    };
    let (status, first) = roles.contributor.post("/api/v1/hygiene/assessments", &assessment("2024-01-15", 4)).await;
    assert_eq!(status, 201, "{first}");
    assert_eq!(first["score"], 50.0);
    let proof = format!("/log/proof/inclusion?record=hygiene-assessment/{}", first["id"].as_str().expect("id"));
    assert_eq!(s.json(&proof).await["record"]["assessed_on"], "2024-01-15", "the assessment is in the log");
    let (status, _) = roles.contributor.post("/api/v1/hygiene/assessments", &assessment("2025-01-15", 6)).await;
    assert_eq!(status, 201);
    let mut missing = assessment("2025-02-01", 8);
    missing["results"].as_array_mut().expect("results").pop();
    let (status, p) = roles.contributor.post("/api/v1/hygiene/assessments", &missing).await;
    assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!("results")), "{p}");
    let mut unknown = assessment("2025-02-01", 8);
    unknown["results"][0]["control"] = json!("prayer");
    let (status, p) = roles.contributor.post("/api/v1/hygiene/assessments", &unknown).await;
    assert_eq!((status, p["errors"][0]["field"].clone()), (422, json!("results[0].control")));
    let mut other = assessment("2025-02-01", 8);
    other["stakeholder"] = json!("fr");
    assert_eq!(roles.contributor.post("/api/v1/hygiene/assessments", &other).await.0, 403);
    let (_, list) = Api::anonymous(&s).get("/api/v1/hygiene/assessments?stakeholder=jp").await;
    let scores: Vec<f64> =
        list["assessments"].as_array().expect("list").iter().filter_map(|a| a["score"].as_f64()).collect();
    assert_eq!(scores, [50.0, 75.0]);
    // The score over time, drawn on the server as SVG, labelled in the page's language.
    let ja = s.get("/stakeholders/jp/hygiene?lang=ja").await.text().await.expect("html");
    assert!(ja.contains("<svg") && ja.contains("達成度") && ja.contains("75%"), "{}", &ja[..ja.len().min(400)]);
    assert!(ja.contains("実施済み") && ja.contains("未実施"), "control statuses in Japanese");
    let en = s.get("/stakeholders/jp/hygiene?lang=en&baseline=hygiene-basic").await.text().await.expect("html");
    assert!(en.contains("<svg") && en.contains("Score (%)"));
    assert!(s.get("/standards?lang=ja").await.text().await.expect("html").contains("RPKI"));
    let audit = s.cli(&["log", "audit"]);
    assert!(audit.status.success(), "{}", String::from_utf8_lossy(&audit.stderr));
}
