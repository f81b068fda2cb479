//! The portal's pages over HTTP, against the real server, on SQLite and PostgreSQL.

use crate::common::{Roles, TestServer};
use serde_json::json;

on_both_backends!(
    home_explains_the_framework_in_both_languages,
    language_follows_accept_language_and_the_switch,
    norm_list_is_grouped_by_source_document,
    norm_page_shows_sources_addressees_principles_relations_assets,
    search_form_filters_norms,
    unknown_pages_and_bad_languages_get_error_pages,
    taxonomy_page_lists_asset_classes,
    strict_content_security_policy_and_escaped_record_text,
);

async fn page(s: &TestServer, path: &str) -> String {
    let r = s.get(path).await;
    assert_eq!(r.status(), 200, "GET {path}");
    assert!(r.headers()["content-type"].to_str().is_ok_and(|c| c.starts_with("text/html")));
    r.text().await.expect("html")
}

fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no section {id}"));
    let rest = &html[start..];
    let end = rest.find("</section>").unwrap_or(rest.len());
    &rest[..end]
}

async fn home_explains_the_framework_in_both_languages(s: TestServer) {
    let ja = page(&s, "/?lang=ja").await;
    assert!(ja.contains("<html lang=\"ja\">"));
    let catalog = s.json("/api/v1/catalog?lang=ja").await;
    for list in ["principles", "framework", "recommendations"] {
        for entry in catalog[list].as_array().expect("array") {
            let title = entry["title"].as_str().expect("title");
            assert!(ja.contains(title), "home (ja) shows {list} `{title}`");
        }
    }
    let en = page(&s, "/?lang=en").await;
    assert!(en.contains("<html lang=\"en\">"));
    let catalog = s.json("/api/v1/catalog?lang=en").await;
    for entry in catalog["principles"].as_array().expect("array") {
        assert!(en.contains(entry["title"].as_str().expect("title")));
    }
    assert!(en.contains("G7 Lucca") && en.contains("GCSC"), "the home page explains where the framework comes from");
}

async fn language_follows_accept_language_and_the_switch(s: TestServer) {
    let client = reqwest::Client::new();
    let html = client.get(s.at("/norms")).header("Accept-Language", "ja,en;q=0.3").send().await.expect("get");
    let html = html.text().await.expect("text");
    assert!(html.contains("<html lang=\"ja\">"));
    // The switch leads to the same page in the other language, keeping the other parameters.
    assert!(html.contains("href=\"/norms?lang=en\""), "language switch on the norm list");
    let searched = page(&s, "/norms?q=election&lang=en").await;
    assert!(searched.contains("href=\"/norms?q=election&amp;lang=ja\""), "switch keeps the query");
    let default = client.get(s.at("/")).send().await.expect("get").text().await.expect("text");
    assert!(default.contains("<html lang=\"en\">"), "English without a preference");
}

async fn norm_list_is_grouped_by_source_document(s: TestServer) {
    let html = page(&s, "/norms?lang=en").await;
    let gge = section(&html, "doc-un-gge-2015");
    let lucca = section(&html, "doc-g7-lucca-2017");
    let gcsc = section(&html, "doc-gcsc-2019");
    let g20 = section(&html, "doc-g20-antalya-2015");
    // One norm, several documents: gge-f appears under each that states it.
    for (name, sec) in [("UN GGE", gge), ("G7 Lucca", lucca), ("GCSC", gcsc)] {
        assert!(sec.contains("href=\"/norms/gge-f?lang=en\""), "gge-f under {name}");
    }
    assert!(g20.contains("/norms/g20-ip-theft?") && !g20.contains("/norms/gge-f?"));
    assert!(gcsc.contains("/norms/gcsc-8?") && !gge.contains("/norms/gcsc-8?"));
    assert_eq!(lucca.matches("<tr>").count(), 12, "G7 Lucca lists twelve norms");
}

async fn norm_page_shows_sources_addressees_principles_relations_assets(s: TestServer) {
    let api = s.json("/api/v1/norms/gcsc-1?lang=ja").await;
    let html = page(&s, "/norms/gcsc-1?lang=ja").await;
    assert!(html.contains(api["title"].as_str().expect("title")));
    assert!(html.contains(api["summary"].as_str().expect("summary")));
    let docs = s.json("/api/v1/catalog?lang=ja").await;
    let gcsc_title = docs["documents"].as_array().expect("docs").iter().find(|d| d["id"] == "gcsc-2019").expect("gcsc")
        ["title"]
        .as_str()
        .expect("title")
        .to_owned();
    assert!(html.contains(&gcsc_title), "sources name the document");
    assert!(html.contains("href=\"/norms/gge-f?lang=ja\""), "related norm linked");
    assert!(html.contains("/taxonomies/public-core#pc"), "asset class linked");
    assert!(html.contains("非国家主体"), "addressees labelled in Japanese");
    assert!(html.contains("<dd id=\"status\">有効</dd>"), "status in Japanese");
    let en = page(&s, "/norms/gge-f?lang=en").await;
    assert!(en.contains("13(f)") && en.contains("Annex A (f)"), "every source paragraph shown");
}

async fn search_form_filters_norms(s: TestServer) {
    let html = page(&s, "/norms?lang=ja&q=%E8%84%86%E5%BC%B1%E6%80%A7").await;
    assert!(html.contains("id=\"result-count\""));
    assert!(html.contains("/norms/gcsc-5?") && html.contains("/norms/gcsc-6?"));
    assert!(!html.contains("/norms/gcsc-2?"), "an election norm is not about vulnerabilities");
    // The search form as a browser sends it: a blank addressee means any.
    let blank = page(&s, "/norms?lang=en&q=election&addressee=").await;
    assert!(blank.contains("/norms/gcsc-2?"), "blank fields do not filter");
    let none = page(&s, "/norms?lang=en&q=zzqxv").await;
    assert!(none.contains("No norm matches."));
}

async fn unknown_pages_and_bad_languages_get_error_pages(s: TestServer) {
    let r = s.get("/norms/gge-z?lang=ja").await;
    assert_eq!(r.status(), 404);
    let html = r.text().await.expect("text");
    assert!(html.contains("<html lang=\"ja\">") && html.contains("gge-z"));
    let r = s.get("/norms?lang=fr").await;
    assert_eq!(r.status(), 400);
    let r = s.get("/norms?addressee=pirates&lang=en").await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.expect("text").contains("addressee"));
}

async fn taxonomy_page_lists_asset_classes(s: TestServer) {
    let api = s.json("/api/v1/taxonomies/public-core?lang=en").await;
    let html = page(&s, "/taxonomies/public-core?lang=en").await;
    for t in api["terms"].as_array().expect("terms") {
        assert!(html.contains(&format!("id=\"{}\"", t["id"].as_str().expect("id"))), "term {} listed", t["id"]);
    }
    assert!(html.contains("/norms/gcsc-1?"), "the norms that protect these assets are linked");
    let index = page(&s, "/taxonomies?lang=ja").await;
    assert!(index.contains("/taxonomies/confidence?lang=ja"));
}

/// No page carries inline code (so the strict policy costs nothing), every response carries the
/// policy, and a record whose title is markup shows as text on the pages that list it.
async fn strict_content_security_policy_and_escaped_record_text(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let hostile = "<script>alert(1)</script>";
    let (st, incident) = roles
        .editor
        .post(
            "/api/v1/incidents",
            &json!({"title": {"ja": hostile, "en": hostile}, "started": "2024-02",
                    "targets": [{"name": "<img src=x onerror=alert(2)>", "country": "JP"}], "stakeholder": "jp"}),
        )
        .await;
    assert_eq!(st, 201, "{incident}");
    let id = incident["id"].as_str().expect("id");
    let token = roles.editor.token.clone().expect("token");
    let client = reqwest::Client::new();
    for path in
        ["/", "/norms", "/incidents", &format!("/incidents/{id}"), "/metrics", "/adoption", "/stakeholders", "/sign-in"]
    {
        for lang in ["ja", "en"] {
            let r = client
                .get(s.at(&format!("{path}{}lang={lang}", if path.contains('?') { '&' } else { '?' })))
                .bearer_auth(&token)
                .send()
                .await
                .expect("page");
            assert_eq!(r.status(), 200, "{path}");
            let csp = r.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
            assert!(
                csp.contains("default-src 'none'")
                    && csp.contains("style-src 'self'")
                    && !csp.contains("unsafe-inline"),
                "{path}: {csp}"
            );
            let html = r.text().await.expect("html");
            assert!(html.contains(&format!("<html lang=\"{lang}\"")), "{path} lang {lang}");
            assert!(html.contains("href=\"/assets/normwatch.css\""), "{path}");
            // Markup from records appears only escaped (`&lt;img …`), never as a tag.
            for inline in ["<script", "<style", " style=\"", "<img src=x onerror"] {
                assert!(!html.contains(inline), "{path} ({lang}) holds inline code `{inline}`");
            }
            if path.starts_with("/incidents") {
                assert!(
                    html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
                    "{path}: the title is not shown as text"
                );
            }
        }
    }
    // The incident list offers what it shows as STIX too, with the same filters.
    let list = page(&s, "/incidents?country=JP&lang=en").await;
    for format in ["csv", "json", "stix"] {
        let link = format!("href=\"/incidents?country=JP&amp;format={format}&amp;lang=en\"");
        assert!(list.contains(&link), "no {format} download of the filtered list");
    }
    let as_editor = |path: &str| client.get(s.at(path)).bearer_auth(&token).send();
    let stix = as_editor("/incidents?country=JP&format=stix").await.expect("get");
    assert_eq!(stix.status(), 200);
    assert!(stix.headers()["content-type"].to_str().is_ok_and(|c| c.starts_with("application/stix+json")));
    let bundle: serde_json::Value = stix.json().await.expect("a STIX bundle");
    let titles: Vec<&str> = bundle["objects"]
        .as_array()
        .expect("objects")
        .iter()
        .filter(|o| o["type"] == "incident")
        .filter_map(|o| o["name"].as_str())
        .collect();
    assert!(titles.is_empty(), "STIX carries published records only, and the draft is not: {titles:?}");
    let csv = as_editor("/incidents?country=JP&format=csv").await.expect("get").text().await.expect("csv");
    assert!(csv.starts_with("id,url,title_ja,title_en,description_ja,description_en,start,"), "{csv}");
    let row = csv.lines().find(|l| l.starts_with(id)).unwrap_or_else(|| panic!("the editor's list, as data: {csv}"));
    let url = s.at(&format!("/incidents/{id}"));
    assert!(row.starts_with(&format!("{id},{url},{hostile},{hostile},,,2024-02,month,")), "{row}");
    assert!(row.contains(",draft,"), "{row}");
    let anonymous = s.get("/incidents?country=JP&format=csv").await.text().await.expect("csv");
    assert!(!anonymous.contains(id), "an anonymous download lacks the draft, as the page does");
    let css = s.get("/assets/normwatch.css").await;
    assert_eq!(css.status(), 200);
    assert!(css.headers()["content-type"].to_str().is_ok_and(|c| c.starts_with("text/css")));
    assert!(css.text().await.expect("css").contains(".cards"));
    // API answers carry the policy too.
    let api = s.get("/api/v1/health").await;
    assert!(api.headers().contains_key("content-security-policy"));
}
