//! The ledger's workflows through the portal's forms, as a browser without JavaScript sends them
//! (session cookie, CSRF token, form and multipart bodies), against the real server on SQLite
//! and PostgreSQL: filing, evidence, findings, review, publication, statements and co-signing,
//! and refused forms that keep what was typed and store nothing.

use crate::common::portal::Portal;
use crate::common::{Api, TestServer, account, cert_coop, token_for};

use serde_json::json;

on_both_backends!(
    analyst_files_reviewers_publish_and_a_state_co_signs_in_the_portal,
    refused_forms_keep_what_was_typed_and_store_nothing,
    a_ministry_records_positions_and_implementation_evidence,
    findings_stay_in_their_incidents_community,
);

fn client() -> reqwest::Client {
    crate::common::no_redirects()
}

async fn admin(s: &TestServer) -> Api {
    Api::with_token(s, &token_for(s, "admin", &s.admin_password).await)
}

/// Reviewers acting for a civil-society group and a university: the review rule wants two kinds.
async fn reviewer_accounts(admin: &Api) -> [(String, String); 2] {
    for (id, kind) in [("watchdog", "civil-society"), ("univ", "academia")] {
        let (st, b) =
            admin.post("/api/v1/stakeholders", &json!({"id": id, "kind": kind, "name": {"ja": id, "en": id}})).await;
        assert_eq!(st, 201, "{b}");
    }
    [
        account(admin, "rev-cs", "reviewer", Some("watchdog")).await,
        account(admin, "rev-ac", "reviewer", Some("univ")).await,
    ]
}

/// What a refused page says (its refusal note), or its start: failure messages stay short.
fn said(page: &str) -> &str {
    match page.find("class=\"error") {
        Some(at) => &page[at..page.len().min(at + 400)],
        None => &page[..page.len().min(300)],
    }
}

fn id_from(location: &str, prefix: &str) -> String {
    let rest = location.strip_prefix(prefix).unwrap_or_else(|| panic!("`{location}` is not under {prefix}"));
    rest.split(['?', '#']).next().expect("id").to_owned()
}

/// The id of the awaiting record of `kind` on a page (`data-kind="…" data-id="…"`).
fn awaiting_id(html: &str, kind: &str) -> String {
    let marker = format!("data-kind=\"{kind}\" data-id=\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no awaiting {kind}"));
    let rest = &html[at + marker.len()..];
    rest[..rest.find('"').expect("end")].to_owned()
}

async fn analyst_files_reviewers_publish_and_a_state_co_signs_in_the_portal(s: TestServer) {
    let admin = admin(&s).await;
    let (user, pw) = account(&admin, "analyst", "editor", Some("jp")).await;
    let analyst = Portal::sign_in(&s, &user, &pw).await;
    let [a, b] = reviewer_accounts(&admin).await;
    let (rev_cs, rev_ac) = (Portal::sign_in(&s, &a.0, &a.1).await, Portal::sign_in(&s, &b.0, &b.1).await);

    let (st, form) = analyst.get("/incidents/new?lang=ja").await;
    assert_eq!(st, 200);
    assert!(
        form.contains("表題（日本語）") && form.contains("name=\"target_assets_1\""),
        "the filing form, in Japanese"
    );
    assert!(form.contains("value=\"pc.naming\""), "asset classes picked from the taxonomies");

    let (st, location, page) = analyst
        .post(
            "/incidents/new",
            &[
                ("title_en", "Wiper at a grid operator <script>alert(1)</script>"),
                ("title_ja", "送電事業者へのワイパー攻撃"),
                ("description_en", "Destructive malware disabled control systems."),
                ("started", "2024-03-02"),
                ("operation", "data-destruction"),
                ("operation", "sabotage"),
                ("actor_kind", "state"),
                ("actor_country", "ru"),
                ("target_name_1", "Grid operator"),
                ("target_country_1", "ua"),
                ("target_sector_1", "ci.energy"),
                ("target_assets_1", "ci.energy"),
                ("availability", "high"),
                ("functional_duration", "days"),
                ("victims_affected", "230000"),
                ("physical_effects", "yes"),
                ("sources", "https://example.org/report-1\nhttps://example.org/report-2"),
                ("tlp", "clear"),
                ("intent", "in-review"),
            ],
        )
        .await;
    assert_eq!(st, 303, "{}", said(&page));
    let id = id_from(&location, "/incidents/");
    let (_, incident) = admin.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(incident["status"], "in-review");
    assert_eq!(incident["targets"][0]["asset_classes"], json!(["ci.energy"]));
    assert_eq!(incident["impact"]["victims_affected"], 230000);
    assert_eq!(incident["actors"][0]["country"], "RU");
    assert_eq!(incident["stakeholder"], "jp", "filed for the analyst's stakeholder");
    assert_eq!(incident["sources"].as_array().map(Vec::len), Some(2));

    let (_, page) = analyst.get(&format!("/incidents/{id}?lang=en")).await;
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("<script>"), "title escaped");
    assert!(page.contains("id=\"work\""), "the workbench for a signed-in user");
    assert!(page.contains("Norms suggested by screening"), "screening suggestions offered for the assessment");

    // Evidence, an assessment and an attribution claim, each through its form.
    let (st, _, body) = analyst
        .upload(
            &format!("/incidents/{id}/evidence"),
            &[("tlp", "amber"), ("source", "CERT-UA")],
            "memo.txt",
            b"hash list",
        )
        .await;
    assert_eq!(st, 303, "{}", said(&body));
    let (st, _, body) = analyst
        .post(
            &format!("/incidents/{id}/assessments"),
            &[
                ("norm", "gge-f"),
                ("actor_kind", "state"),
                ("actor_state", "ru"),
                ("level", "likely"),
                ("rationale_en", "Critical infrastructure was damaged on purpose."),
                ("tlp", "clear"),
                ("intent", "in-review"),
            ],
        )
        .await;
    assert_eq!(st, 303, "{}", said(&body));
    let (st, _, body) = analyst
        .post(
            &format!("/incidents/{id}/attributions"),
            &[
                ("attributor_name", "Government of Japan"),
                ("attributor_kind", "government"),
                ("attributor_country", "JP"),
                ("attributor_stakeholder", "jp"),
                ("category", "state"),
                ("attributed_state", "RU"),
                ("attribution_kind", "political"),
                ("attributed_on", "2024-04-10"),
                ("basis_en", "Technical indicators shared with partners."),
                ("tlp", "clear"),
                ("intent", "in-review"),
            ],
        )
        .await;
    assert_eq!(st, 303, "{}", said(&body));
    let (_, page) = analyst.get(&format!("/incidents/{id}?lang=en")).await;
    assert!(page.contains("memo.txt"), "the evidence is on the timeline");
    let assessment = awaiting_id(&page, "assessments");
    let claim = awaiting_id(&page, "attributions");

    // Two reviewers of different kinds approve each record; then it is published.
    for (kind, record) in [("incidents", &id), ("assessments", &assessment), ("attributions", &claim)] {
        for reviewer in [&rev_cs, &rev_ac] {
            let (st, location, body) = reviewer
                .post(&format!("/records/{kind}/{record}/review"), &[("verdict", "approve"), ("incident", &id)])
                .await;
            assert_eq!((st, location.starts_with(&format!("/incidents/{id}"))), (303, true), "{kind}: {}", said(&body));
        }
        let (st, _, body) = rev_cs.post(&format!("/records/{kind}/{record}/publish"), &[("incident", &id)]).await;
        assert_eq!(st, 303, "publish {kind}: {}", said(&body));
    }
    let anonymous = Api::anonymous(&s);
    let (st, public) = anonymous.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!((st, public["status"].as_str()), (200, Some("published")), "{public}");
    assert_eq!(public["attribution"]["state"], "attributed", "{public}");
    let (_, found) = anonymous.get(&format!("/api/v1/assessments?incident={id}")).await;
    assert_eq!(found["count"], 1, "{found}");

    // A collective statement citing the claim, reviewed and published from its own page.
    let (st, location, body) = analyst
        .post(
            &format!("/incidents/{id}/statements"),
            &[
                ("claims", &claim),
                ("text_en", "We attribute the grid attack to Russia."),
                ("text_ja", "送電網への攻撃をロシアに帰属させる。"),
                ("issued_on", "2024-04-12"),
                ("intent", "in-review"),
            ],
        )
        .await;
    assert_eq!(st, 303, "{}", said(&body));
    let statement = id_from(&location, "/statements/");
    for reviewer in [&rev_cs, &rev_ac] {
        let (st, location, body) =
            reviewer.post(&format!("/records/statements/{statement}/review"), &[("verdict", "approve")]).await;
        assert_eq!((st, location.starts_with(&format!("/statements/{statement}"))), (303, true), "{}", said(&body));
    }
    let (st, _, body) = rev_ac.post(&format!("/records/statements/{statement}/publish"), &[]).await;
    assert_eq!(st, 303, "{}", said(&body));

    // The statement page shows the canonical bytes and explains `normwatch sign`.
    let (st, page) = analyst.get(&format!("/statements/{statement}?lang=ja")).await;
    assert_eq!(st, 200);
    assert!(page.contains("normwatch sign --key") && page.contains("id=\"canonical\""), "signing explained");
    let (_, api) = anonymous.get(&format!("/api/v1/statements/{statement}/canonical")).await;
    let canonical = api["canonical"].as_str().expect("canonical").to_owned();
    let r = client().get(s.at(&format!("/statements/{statement}/canonical.txt"))).send().await.expect("get");
    assert!(r.headers()["content-disposition"].to_str().is_ok_and(|d| d.starts_with("attachment")));
    let downloaded = r.text().await.expect("text");
    assert_eq!(downloaded, canonical, "the download is exactly the bytes the API names");
    let shown = canonical.replace('&', "&amp;").replace('"', "&quot;").replace('<', "&lt;").replace('>', "&gt;");
    assert!(page.contains(&shown), "the page shows the same bytes");

    // Japan makes a key, registers it, signs the downloaded file offline and pastes the signature.
    let key = s.dir().join("jp.key");
    let out = s.cli(&["keygen", key.to_str().expect("path")]);
    assert!(out.status.success());
    let public = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let (st, b) =
        admin.post("/api/v1/stakeholders/jp/keys", &json!({"label": "statements", "public_key": public})).await;
    assert_eq!(st, 201, "{b}");
    let file = s.dir().join("statement.txt");
    std::fs::write(&file, &downloaded).expect("write");
    let out = s.cli(&["sign", "--key", key.to_str().expect("path"), file.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let signature = String::from_utf8_lossy(&out.stdout).trim().to_owned();

    // A signature that does not verify is refused and shown again; nothing is stored.
    let forged = format!("{}A=", &signature[..signature.len() - 2]);
    let (st, _, page) = analyst
        .post(&format!("/statements/{statement}/signatures"), &[("stakeholder", "jp"), ("signature", &forged)])
        .await;
    assert_eq!(st, 422, "{}", said(&page));
    assert!(page.contains("does not verify") && page.contains(&forged), "the reason, and the value kept");
    let (_, verified) = anonymous.get(&format!("/api/v1/statements/{statement}/verify")).await;
    assert_eq!(verified["signatures"].as_array().map(Vec::len), Some(0));

    let (st, location, page) = analyst
        .post(&format!("/statements/{statement}/signatures"), &[("stakeholder", "jp"), ("signature", &signature)])
        .await;
    assert_eq!(st, 303, "{}", said(&page));
    assert!(location.starts_with(&format!("/statements/{statement}")));
    let (_, page) = anonymous_page(&s, &format!("/statements/{statement}?lang=en")).await;
    assert!(page.contains("<td class=\"valid\">valid</td>"), "the co-signature is checked again and shown valid");
    let (_, page) = analyst.get(&format!("/statements/{statement}?lang=en")).await;
    assert!(
        page.contains("id=\"signed-already\"") && !page.contains("id=\"co-sign-form\""),
        "one signature per signer"
    );
    let (_, verified) = anonymous.get(&format!("/api/v1/statements/{statement}/verify")).await;
    assert_eq!(
        (verified["valid"].clone(), verified["signatures"][0]["stakeholder"].clone()),
        (json!(true), json!("jp"))
    );

    // A response recorded through its form.
    let (st, _, body) = analyst
        .post(
            &format!("/incidents/{id}/responses"),
            &[
                ("responder_name", "Government of Japan"),
                ("responder_kind", "government"),
                ("responder_stakeholder", "jp"),
                ("kind", "resp.public-attribution"),
                ("legal_character", "retorsion"),
                ("responded_on", "2024-04-12"),
                ("description_en", "Joint public attribution."),
                ("norms", "gge-f"),
                ("intent", "draft"),
            ],
        )
        .await;
    assert_eq!(st, 303, "{}", said(&body));
    let (_, responses) = admin.get(&format!("/api/v1/responses?incident={id}")).await;
    assert_eq!(responses["responses"][0]["norms"], json!(["gge-f"]), "{responses}");
    assert_eq!(responses["responses"][0]["status"], "draft");
}

async fn anonymous_page(s: &TestServer, path: &str) -> (u16, String) {
    let r = client().get(s.at(path)).send().await.expect("get");
    (r.status().as_u16(), r.text().await.expect("text"))
}

async fn refused_forms_keep_what_was_typed_and_store_nothing(s: TestServer) {
    let admin = admin(&s).await;
    let (user, pw) = account(&admin, "analyst", "editor", Some("jp")).await;
    let analyst = Portal::sign_in(&s, &user, &pw).await;
    let count = || async {
        let (_, all) = admin.get("/api/v1/incidents?status=draft").await;
        let (_, review) = admin.get("/api/v1/incidents?status=in-review").await;
        all["total"].as_u64().unwrap_or(0) + review["total"].as_u64().unwrap_or(0)
    };
    let typed = [("title_en", "Typed with care"), ("description_en", "Long text the analyst wrote")];

    // Each refusal names the field and the page keeps what was typed.
    for (field, value, named) in [
        ("victims_affected", "many", "impact.victims_affected"),
        ("started", "2999-01-01", "started"),
        ("started", "March 2024", "started"),
        ("target_country_2", "JP", "targets[0].name"),
        ("target_assets_1", "not-an-asset", "targets[0]"),
        ("tlp", "purple", "tlp"),
    ] {
        let mut fields = typed.to_vec();
        fields.push((field, value));
        if field == "target_assets_1" {
            fields.push(("target_name_1", "Ministry"));
        }
        let (st, _, page) = analyst.post("/incidents/new", &fields).await;
        assert_eq!(st, 422, "{field}={value}");
        assert!(page.contains(named), "{field}={value}: the reason names `{named}`");
        assert!(
            page.contains("value=\"Typed with care\"") && page.contains("Long text the analyst wrote"),
            "values kept"
        );
    }
    let (st, _, page) = analyst.post("/incidents/new", &[("description_en", "no title")]).await;
    assert_eq!(st, 422);
    assert!(page.contains("title"), "an incident needs a title");

    // A forged form (no or wrong token) and an anonymous post are refused.
    let (st, _, _) = analyst.post_raw("/incidents/new", &[("title_en", "forged"), ("lang", "en")]).await;
    assert_eq!(st, 403);
    let (st, _, _) = analyst.post_raw("/incidents/new", &[("title_en", "forged"), ("csrf", "nope")]).await;
    assert_eq!(st, 403);
    let r = client().post(s.at("/incidents/new")).form(&[("title_en", "anon")]).send().await.expect("post");
    assert_eq!(r.status(), 401);
    // An anonymous visitor is sent to sign in, and comes back to the form afterwards.
    let (st, page) = anonymous_page(&s, "/incidents/new?lang=en").await;
    assert_eq!(st, 200);
    let link = "/sign-in?next=%2Fincidents%2Fnew%3Flang%3Den&amp;lang=en";
    assert!(page.contains(link) && !page.contains("name=\"title_en\""), "a sign-in link, not the form");
    let (st, form) = anonymous_page(&s, "/sign-in?next=%2Fincidents%2Fnew%3Flang%3Den&lang=en").await;
    assert_eq!(st, 200);
    assert!(form.contains("name=\"next\" value=\"/incidents/new?lang=en\""));
    let (_, outside) = anonymous_page(&s, "/sign-in?next=%2F%2Fevil.example%2F&lang=en").await;
    assert!(!outside.contains("name=\"next\""), "never another origin");
    // A reader may not file.
    let (user, pw) = account(&admin, "reader2", "reader", None).await;
    let reader = Portal::sign_in(&s, &user, &pw).await;
    let (st, _, page) = reader.post("/incidents/new", &[("title_en", "by a reader")]).await;
    assert_eq!(st, 403, "{}", said(&page));
    let (_, page) = reader.get("/incidents/new?lang=en").await;
    assert!(page.contains("id=\"may-not-file\"") && !page.contains("name=\"title_en\""), "no form a reader cannot use");
    let (_, page) = reader.get("/incidents?lang=en").await;
    assert!(!page.contains("file-incident-link"), "no filing link for a reader");
    assert_eq!(count().await, 0, "nothing was stored");

    // A request for changes must say what should change; the record stays in review.
    let (st, location, _) =
        analyst.post("/incidents/new", &[("title_en", "For review"), ("intent", "in-review")]).await;
    assert_eq!(st, 303);
    let id = id_from(&location, "/incidents/");
    let [a, _] = reviewer_accounts(&admin).await;
    let reviewer = Portal::sign_in(&s, &a.0, &a.1).await;
    let (st, _, page) = reviewer
        .post(&format!("/records/incidents/{id}/review"), &[("verdict", "request-changes"), ("incident", &id)])
        .await;
    assert_eq!(st, 422, "{}", said(&page));
    assert!(page.contains("comment"), "the refusal names the comment");
    // Publishing before the review rule is met is refused with the rule's reason.
    let (st, _, page) = reviewer.post(&format!("/records/incidents/{id}/publish"), &[("incident", &id)]).await;
    assert!(st == 409 || st == 422, "{st}: {}", said(&page));
    let (_, record) = admin.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(record["status"], "in-review");

    // An upload without a file, and one marked less strictly than its incident, store nothing.
    let (st, _, page) = analyst.upload(&format!("/incidents/{id}/evidence"), &[("tlp", "amber")], "", b"").await;
    assert_eq!(st, 422, "{}", said(&page));
    let (_, evidence) = admin.get(&format!("/api/v1/incidents/{id}/evidence")).await;
    assert_eq!(evidence["count"], 0);

    // Changes requested with a comment: the draft shows it, and the analyst revises the draft.
    let (st, _, page) = reviewer
        .post(
            &format!("/records/incidents/{id}/review"),
            &[("verdict", "request-changes"), ("comment", "Name the operator."), ("incident", &id)],
        )
        .await;
    assert_eq!(st, 303, "{}", said(&page));
    let (_, page) = reader.get(&format!("/incidents/{id}?lang=en")).await;
    assert!(
        !page.contains("id=\"upload-evidence\"") && !page.contains("/edit?"),
        "a reader's workbench offers no writing"
    );
    let (_, page) = analyst.get(&format!("/incidents/{id}?lang=en")).await;
    assert!(page.contains("Changes requested: </b>Name the operator."), "the comment reaches the author");
    assert!(page.contains(&format!("href=\"/incidents/{id}/edit?lang=en\"")), "an edit link for the draft");
    let (st, form) = analyst.get(&format!("/incidents/{id}/edit?lang=en")).await;
    assert_eq!(st, 200);
    assert!(form.contains("value=\"For review\""), "the form holds the draft as it stands");
    let version = crate::common::field_value(&form, "version");
    let stale = (version.parse::<i64>().expect("number") - 1).to_string();
    let revised =
        [("title_en", "For review: grid operator named"), ("target_name_1", "Grid operator"), ("intent", "in-review")];
    let mut with_stale = revised.to_vec();
    with_stale.push(("version", &stale));
    let (st, _, page) = analyst.post(&format!("/incidents/{id}/edit"), &with_stale).await;
    assert_eq!(st, 409, "a draft changed since it was read is not overwritten: {}", said(&page));
    let mut current = revised.to_vec();
    current.push(("version", &version));
    let (st, location, page) = analyst.post(&format!("/incidents/{id}/edit"), &current).await;
    assert_eq!(st, 303, "{}", said(&page));
    assert!(location.starts_with(&format!("/incidents/{id}")));
    let (_, record) = admin.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(
        (record["title"]["en"].clone(), record["status"].clone(), record["targets"][0]["name"].clone()),
        (json!("For review: grid operator named"), json!("in-review"), json!("Grid operator"))
    );
}

async fn a_ministry_records_positions_and_implementation_evidence(s: TestServer) {
    let admin = admin(&s).await;
    let (user, pw) = account(&admin, "mofa", "contributor", Some("jp")).await;
    let ministry = Portal::sign_in(&s, &user, &pw).await;
    let (st, _, page) = ministry
        .post(
            "/stakeholders/jp/positions",
            &[
                ("norm", "gcsc-7"),
                ("stance", "endorse"),
                ("stated_on", "2021-09-28"),
                ("source_url", "https://example.org/p"),
            ],
        )
        .await;
    assert_eq!(st, 303, "{}", said(&page));

    let (_, own) = ministry.get("/stakeholders/jp?lang=en").await;
    assert!(own.contains("id=\"record-evidence-link\""), "the stakeholder's page leads to the evidence form");
    let (st, form) = ministry.get("/stakeholders/jp/evidence/new?lang=ja").await;
    assert_eq!(st, 200);
    assert!(form.contains("実施の証拠を記録する") && form.contains("value=\"law-regulation\""));
    let evidence = [
        ("norm", "gcsc-7"),
        ("kind", "law-regulation"),
        ("dated", "2022-05-18"),
        ("url", "https://example.org/law"),
        ("summary_en", "Economic security act: baseline security for critical infrastructure operators."),
    ];
    // A bad URL is refused with the field named, the summary kept, and nothing stored.
    let mut bad = evidence.to_vec();
    bad[3] = ("url", "not a url");
    let (st, _, page) = ministry.post("/stakeholders/jp/evidence", &bad).await;
    assert_eq!(st, 422, "{}", said(&page));
    assert!(page.contains("url") && page.contains("Economic security act"), "{}", said(&page));
    let (_, listed) = admin.get("/api/v1/evidence?stakeholder=jp").await;
    assert_eq!(listed["count"], 0);
    // Another stakeholder's contributor may not record for Japan.
    let (st, b) = admin
        .post(
            "/api/v1/stakeholders",
            &json!({"id": "acme", "kind": "private-sector", "name": {"ja": "アクメ", "en": "Acme"}}),
        )
        .await;
    assert_eq!(st, 201, "{b}");
    let (user, pw) = account(&admin, "acme-staff", "contributor", Some("acme")).await;
    let acme = Portal::sign_in(&s, &user, &pw).await;
    let (st, _, page) = acme.post("/stakeholders/jp/evidence", &evidence).await;
    assert_eq!(st, 403, "{}", said(&page));

    let (st, location, page) = ministry.post("/stakeholders/jp/evidence", &evidence).await;
    assert_eq!((st, location.as_str()), (303, "/stakeholders/jp?lang=en#evidence"), "{}", said(&page));
    let (_, listed) = admin.get("/api/v1/evidence?stakeholder=jp").await;
    assert_eq!((listed["count"].clone(), listed["evidence"][0]["kind"].clone()), (json!(1), json!("law-regulation")));
    let (_, page) = anonymous_page(&s, "/stakeholders/jp?lang=en").await;
    assert!(page.contains("Economic security act"), "the evidence is on the stakeholder's page");
}

/// A finding about a community's incident is that community's too: the portal's forms mark it
/// so, and the store refuses one marked otherwise (through the API), so that a reader outside
/// the community never learns of it from a finding or a figure.
async fn findings_stay_in_their_incidents_community(s: TestServer) {
    let admin = admin(&s).await;
    let community = cert_coop(&["gge-f"], json!([{"stakeholder": "jp", "role": "coordinator"}]));
    let (st, b) = admin.post("/api/v1/communities", &community).await;
    assert_eq!(st, 201, "{b}");
    let (user, pw) = account(&admin, "analyst", "editor", Some("jp")).await;
    let analyst = Portal::sign_in(&s, &user, &pw).await;
    let (st, location, page) = analyst
        .post("/incidents/new", &[("title_en", "Shared with the circle"), ("community", "cert-coop"), ("tlp", "green")])
        .await;
    assert_eq!(st, 303, "{}", said(&page));
    let id = id_from(&location, "/incidents/");
    let (st, _, page) = analyst
        .post(
            &format!("/incidents/{id}/assessments"),
            &[
                ("norm", "gge-f"),
                ("actor_kind", "state"),
                ("actor_state", "RU"),
                ("level", "likely"),
                ("rationale_en", "Shared finding."),
                ("tlp", "green"),
            ],
        )
        .await;
    assert_eq!(st, 303, "{}", said(&page));
    let token = token_for(&s, &user, &pw).await;
    let member = Api::with_token(&s, &token);
    let (_, found) = member.get(&format!("/api/v1/assessments?incident={id}")).await;
    assert_eq!(found["assessments"][0]["community"], "cert-coop", "the form marked the finding with the community");
    let (_, outside) = admin.get(&format!("/api/v1/assessments?incident={id}")).await;
    assert_eq!(outside["count"], 0, "a reader outside the community does not see the finding");
    // Through the API, a finding marked otherwise is refused, naming the community.
    let (st, p) = member
        .post(
            "/api/v1/assessments",
            &json!({"incident": id, "norm": "gge-f", "actor": {"kind": "state", "state": "RU"}, "level": "likely",
                    "rationale": {"en": "Leaked finding."}, "tlp": "green"}),
        )
        .await;
    assert_eq!((st, p["errors"][0]["field"].clone()), (422, json!("community")), "{p}");
}
