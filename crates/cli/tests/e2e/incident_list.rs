//! The incident list: sorted by start or by title in either language (on the page, in the API,
//! continued by cursors), and downloaded as a flat CSV of every field, as tables joined on the
//! incident id, and as an Excel workbook holding the same rows — never with a draft or a
//! TLP:AMBER incident for a signed-out reader.

use crate::common::downloads::{csv, download, page, parse_csv};
use crate::common::webdriver::Browser;
use crate::common::{Api, Roles, TestServer, file_and_publish, publish_through_review, reviewers, test_python};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::time::Duration;

on_both_backends!(sorting_continues_through_cursors, downloads_hold_every_field_and_join_on_the_id);

/// Incidents with titles that tie, miss a language, differ in case; one amber and one draft.
/// Returns (published clear ids, amber id, draft id).
async fn seed(s: &TestServer, roles: &Roles) -> (Vec<String>, String, String) {
    let (r1, r2) = reviewers(s, &roles.admin).await;
    let bodies = [
        json!({"title": {"ja": "送電網への攻撃", "en": "Attack on the grid"}, "started": "2021-03",
               "description": {"ja": "送電が止まった。", "en": "Power went out."},
               "operation_types": ["disruption"],
               "targets": [{"name": "Grid operator", "country": "UA", "sector": "ci.energy"}, {"name": "Ministry", "country": "UA"}],
               "impact": {"availability": "high", "victims_affected": 3},
               "sources": [{"url": "https://news.example/grid"}, {"url": "https://news.example/grid-2"}], "stakeholder": "jp"}),
        json!({"title": {"ja": "病院のランサムウェア", "en": "hospital ransomware"}, "started": "2023-11-05",
               "targets": [{"name": "City hospital", "country": "JP"}], "stakeholder": "jp"}),
        json!({"title": {"ja": "選挙管理委員会への侵入", "en": ""}, "targets": [{"name": "Election board", "country": "JP"}], "stakeholder": "jp"}),
        json!({"title": {"ja": "銀行", "en": "Zeta bank theft"}, "started": "2019", "targets": [{"name": "Bank", "country": "DE"}], "stakeholder": "jp"}),
        json!({"title": {"ja": "銀行", "en": "Zeta bank theft"}, "started": "2019", "targets": [{"name": "Bank 2", "country": "DE"}], "stakeholder": "jp"}),
    ];
    let mut ids = Vec::new();
    for b in &bodies {
        ids.push(file_and_publish(&roles.editor, &r1, &r2, "/api/v1/incidents", b).await);
    }
    let amber = file_and_publish(
        &roles.editor,
        &r1,
        &r2,
        "/api/v1/incidents",
        &json!({"title": {"ja": "琥珀", "en": "Amber QzAmberZq"}, "started": "2022", "tlp": "amber", "stakeholder": "jp",
                "targets": [{"name": "Hidden target QzAmberZq", "country": "JP"}]}),
    )
    .await;
    let (st, draft) = roles
        .editor
        .post(
            "/api/v1/incidents",
            &json!({"title": {"ja": "下書き", "en": "Draft QzDraftZq"}, "started": "2024", "stakeholder": "jp",
                    "targets": [{"name": "Draft target", "country": "JP"}]}),
        )
        .await;
    assert_eq!(st, 201, "{draft}");
    let draft = draft["id"].as_str().expect("id").to_owned();
    for claim in [
        json!({"attributor": {"name": "Government of Japan", "kind": "government", "stakeholder": "jp"},
               "attributed_to": {"state": "RU"}, "type": "political", "attributed_on": "2021-06-01",
               "basis": {"ja": "声明", "en": "A statement"}}),
        json!({"attributor": {"name": "Lab", "kind": "security-company"}, "attributed_to": {"state": "RU"},
               "type": "technical", "attributed_on": "2021", "contested": true}),
    ] {
        let mut body = claim;
        body["incident"] = json!(ids[0]);
        file_and_publish(&roles.editor, &r1, &r2, "/api/v1/attributions", &body).await;
    }
    // A claim not yet published is in no download.
    let (st, c) = roles
        .editor
        .post(
            "/api/v1/attributions",
            &json!({"incident": ids[1], "attributor": {"name": "Unpublished Lab", "kind": "security-company"},
                    "attributed_to": {"state": "KP"}, "type": "technical", "attributed_on": "2023"}),
        )
        .await;
    assert_eq!(st, 201, "{c}");
    let (st, r) = roles
        .editor
        .post(
            "/api/v1/responses",
            &json!({"incident": ids[0], "responder": {"name": "Japan", "kind": "government", "stakeholder": "jp", "country": "JP"},
                    "type": "resp.public-attribution", "legal_character": "retorsion", "responded_on": "2021-07-01"}),
        )
        .await;
    assert_eq!(st, 201, "{r}");
    publish_through_review(&roles.editor, &r1, &r2, &format!("/api/v1/responses/{}", r["id"].as_str().expect("id")))
        .await;
    (ids, amber, draft)
}

/// The key a sort compares (byte order, ties by id), from a list row.
fn key(i: &Value, sort: &str) -> (String, String) {
    let s = |k: &str| i["title"][k].as_str().unwrap_or_default().to_owned();
    let title = |first: &str, other: &str| if s(first).is_empty() { s(other) } else { s(first) };
    let k = match sort.trim_start_matches('-') {
        "start" => i["start"].as_str().unwrap_or("0000-00-00").to_owned(),
        "title_en" => title("en", "ja"),
        _ => title("ja", "en"),
    };
    (k, i["id"].as_str().expect("id").to_owned())
}

/// Every page of `/api/v1/incidents?{query}` by twos, following `next` alone (the cursor
/// carries the order).
async fn paged(api: &Api, query: &str) -> Vec<Value> {
    let (mut out, mut path) = (Vec::new(), format!("/api/v1/incidents?limit=2&{query}"));
    loop {
        let (st, page) = api.get(&path).await;
        assert_eq!(st, 200, "{path}: {page}");
        out.extend(page["incidents"].as_array().expect("incidents").iter().cloned());
        match page["next"].as_str() {
            Some(c) => path = format!("/api/v1/incidents?limit=2&cursor={c}"),
            None => return out,
        }
    }
}

fn ids(list: &[Value]) -> Vec<String> {
    list.iter().map(|i| i["id"].as_str().expect("id").to_owned()).collect()
}

async fn sorting_continues_through_cursors(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (published, amber, draft) = seed(&s, &roles).await;
    let everything = paged(&roles.admin, "").await;
    assert_eq!(everything.len(), published.len() + 2, "the admin lists all");
    for sort in ["-start", "start", "title_en", "-title_en", "title_ja", "-title_ja"] {
        let listed = paged(&roles.admin, &format!("sort={sort}")).await;
        let mut expected = everything.clone();
        expected.sort_by_key(|i| key(i, sort));
        if sort.starts_with('-') {
            expected.reverse();
        }
        assert_eq!(ids(&listed), ids(&expected), "sort={sort}, paged by cursors");
        // The page shows the same order, its column header marking it.
        let html = page(&s, &roles.admin, &format!("/incidents?sort={sort}&lang=en")).await;
        let rows: Vec<String> = crate::common::downloads::values(&html, "data-incident");
        assert_eq!(rows, ids(&expected), "the page in sort={sort}");
        let direction = if sort.starts_with('-') { "descending" } else { "ascending" };
        let marked = html.matches("aria-sort=").count();
        let shown = sort.starts_with("start") || sort.starts_with("-start") || sort.contains("title_en");
        assert_eq!(marked, usize::from(shown), "sort={sort}: one sorted column on an English page");
        if shown {
            assert!(html.contains(&format!("aria-sort=\"{direction}\"")), "sort={sort}");
        }
    }
    // The byte order: upper case before lower case, a tie broken by id, a missing English
    // title sorted by the Japanese one.
    let by_title = ids(&paged(&roles.anonymous, "sort=title_en").await);
    let pos = |id: &str| by_title.iter().position(|x| x == id).expect("listed");
    assert!(pos(&published[0]) < pos(&published[3]) && pos(&published[3]) < pos(&published[1]), "A < Z < h");
    assert!(pos(&published[3]).abs_diff(pos(&published[4])) == 1, "the tie sits together");
    assert_eq!(pos(&published[2]), by_title.len() - 1, "a Japanese title sorts after the ASCII ones");
    assert!(!by_title.contains(&amber) && !by_title.contains(&draft), "signed out: no amber, no draft");
    // A header link re-sorts keeping the filters, and the next page keeps the order.
    let html = page(&s, &roles.admin, "/incidents?country=JP&sort=title_ja&lang=ja").await;
    assert!(
        html.contains("href=\"/incidents?country=JP&amp;sort=-title_ja&amp;lang=ja\""),
        "the title header reverses"
    );
    assert!(html.contains("href=\"/incidents?country=JP&amp;sort=-start&amp;lang=ja\""), "the start header");
    assert!(html.contains("name=\"sort\" value=\"title_ja\""), "the filter form keeps the order");
    let first = page(&s, &roles.admin, "/incidents?sort=start&limit=2&lang=en").await;
    let next = crate::common::downloads::values(&first, "href")
        .into_iter()
        .find(|h| h.contains("cursor="))
        .expect("a next link")
        .replace("&amp;", "&");
    assert!(next.contains("sort=start"), "{next}");
    let second = page(&s, &roles.admin, &next).await;
    let (a, b) = (
        crate::common::downloads::values(&first, "data-incident"),
        crate::common::downloads::values(&second, "data-incident"),
    );
    let mut ascending = everything.clone();
    ascending.sort_by_key(|i| key(i, "start"));
    assert_eq!([a, b].concat(), ids(&ascending)[..4].to_vec(), "page two continues the order");
    // Refusals name the parameter.
    for (query, field) in [
        ("sort=newest", "sort"),
        ("sort=start&sort=start", "sort"),
        ("sort=start&cursor=title_en~41~00000000-0000-4000-8000-000000000000", "cursor"),
        ("cursor=start~2020-01-01~nope", "cursor"),
    ] {
        let r = s.get(&format!("/api/v1/incidents?{query}")).await;
        assert_eq!(r.status(), 400, "{query}");
        assert!(r.headers()["content-type"].to_str().is_ok_and(|c| c.starts_with("application/problem+json")));
        let problem: Value = r.json().await.expect("problem");
        assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
        let r = s.get(&format!("/incidents?{query}&lang=en")).await;
        assert_eq!(r.status(), 400, "portal {query}");
        assert!(r.text().await.expect("text").contains(&format!("`{field}`")), "portal {query}");
    }
}

/// The workbook's sheets as rows of text, read by openpyxl.
fn workbook(s: &TestServer, bytes: &[u8]) -> HashMap<String, Vec<Vec<String>>> {
    let path = s.dir().join("incidents.xlsx");
    std::fs::write(&path, bytes).expect("write");
    let script = "import json, sys, openpyxl\n\
        wb = openpyxl.load_workbook(sys.argv[1], read_only=True)\n\
        print(json.dumps({ws.title: [['' if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}))";
    let out = std::process::Command::new(test_python())
        .args(["-c", script, path.to_str().expect("path")])
        .output()
        .expect("python");
    assert!(out.status.success(), "openpyxl: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("sheets")
}

/// A table's CSV download: its rows, header first.
async fn table(s: &TestServer, api: &Api, query: &str, name: &str) -> Vec<Vec<String>> {
    let (_, cd, body) = download(s, api, &format!("/incidents?{query}")).await;
    assert_eq!(cd, format!("attachment; filename=\"normwatch-{name}.csv\""));
    parse_csv(&body)
}

async fn downloads_hold_every_field_and_join_on_the_id(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let (published, amber, draft) = seed(&s, &roles).await;
    let (header, rows) = csv(&s, &roles.admin, "/incidents?format=csv&sort=title_en", "incidents").await;
    for column in [
        "id",
        "url",
        "title_ja",
        "title_en",
        "description_ja",
        "description_en",
        "start",
        "start_precision",
        "end",
        "discovered",
        "status",
        "tlp",
        "operation_types",
        "targeted_countries",
        "target_names",
        "target_sectors",
        "attributed_states",
        "attribution_state",
        "impact_availability",
        "impact_victims_affected",
        "source_urls",
        "dataset",
        "origin_id",
        "origin_url",
    ] {
        assert!(header.iter().any(|h| h == column), "a `{column}` column: {header:?}");
    }
    assert_eq!(rows.len(), published.len() + 2, "the admin's download: every incident");
    let by_id: HashMap<&str, &HashMap<String, String>> = rows.iter().map(|r| (r["id"].as_str(), r)).collect();
    for r in &rows {
        assert_eq!(r["url"], s.at(&format!("/incidents/{}", r["id"])), "an absolute link");
        assert!(r["url"].starts_with("http://"), "{}", r["url"]);
    }
    let grid = by_id[published[0].as_str()];
    assert_eq!(
        (grid["start"].as_str(), grid["start_precision"].as_str(), grid["targeted_countries"].as_str()),
        ("2021-03", "month", "UA")
    );
    assert_eq!(grid["target_names"], "Grid operator; Ministry");
    assert_eq!(grid["source_urls"], "https://news.example/grid; https://news.example/grid-2");
    assert_eq!((grid["attribution_state"].as_str(), grid["attributed_states"].as_str()), ("contested", "RU"));
    assert_eq!((grid["impact_availability"].as_str(), grid["impact_victims_affected"].as_str()), ("high", "3"));
    assert_eq!((grid["description_en"].as_str(), grid["responses"].as_str()), ("Power went out.", "1"));
    assert_eq!(by_id[draft.as_str()]["status"], "draft");

    // The joinable tables: every row's incident is in the incident table.
    let incident_ids: HashSet<String> = rows.iter().map(|r| r["id"].clone()).collect();
    let targets = table(&s, &roles.admin, "format=csv&table=targets", "incidents-targets").await;
    let claims = table(&s, &roles.admin, "format=csv&table=attributions", "incidents-attributions").await;
    let responses = table(&s, &roles.admin, "format=csv&table=responses", "incidents-responses").await;
    for (name, t, n) in [("targets", &targets, 8), ("attributions", &claims, 2), ("responses", &responses, 1)] {
        assert_eq!(t[0][0], "incident_id", "{name} is keyed by the incident id");
        assert_eq!(t.len() - 1, n, "{name}: {t:?}");
        assert!(t[1..].iter().all(|r| incident_ids.contains(&r[0])), "{name} joins on the id");
    }
    let col = |t: &[Vec<String>], name: &str| t[0].iter().position(|h| h == name).expect(name);
    assert!(claims[1..].iter().all(|r| r[0] == published[0]), "the unpublished claim is left out");
    let contested: Vec<&str> = claims[1..].iter().map(|r| r[col(&claims, "contested")].as_str()).collect();
    assert_eq!(contested.iter().filter(|c| **c == "true").count(), 1);
    let names_of = |id: &str| -> Vec<String> {
        targets[1..].iter().filter(|r| r[0] == id).map(|r| r[col(&targets, "name")].clone()).collect()
    };
    assert_eq!(names_of(&published[0]).join("; "), grid["target_names"], "the flat row and the table agree");
    assert_eq!(responses[1][col(&responses, "legal_character")], "retorsion");

    // The workbook: a sheet per table, the same rows as the CSVs.
    let r = reqwest::Client::new()
        .get(s.at("/incidents?format=xlsx"))
        .bearer_auth(roles.admin.token.as_deref().expect("token"))
        .send()
        .await
        .expect("xlsx");
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    let sheets = workbook(&s, &r.bytes().await.expect("bytes"));
    let flat = table(&s, &roles.admin, "format=csv", "incidents").await;
    for (name, csv_rows) in
        [("incidents", &flat), ("targets", &targets), ("attributions", &claims), ("responses", &responses)]
    {
        assert_eq!(&sheets[name], csv_rows, "sheet {name} holds the CSV's rows");
    }

    // Signed out: neither the draft nor the amber incident, in any table or the workbook.
    let anonymous = &roles.anonymous;
    for q in ["format=csv", "format=csv&table=targets", "format=json", "format=csv&table=attributions"] {
        let (_, _, body) = download(&s, anonymous, &format!("/incidents?{q}")).await;
        for hidden in [&amber, &draft] {
            assert!(!body.contains(hidden.as_str()), "{q}: {hidden}");
        }
        assert!(!body.contains("QzAmberZq") && !body.contains("QzDraftZq"), "{q}");
    }
    let r = s.get("/incidents?format=xlsx").await;
    let sheets = workbook(&s, &r.bytes().await.expect("bytes"));
    let text = serde_json::to_string(&sheets).expect("json");
    assert!(!text.contains("QzAmberZq") && !text.contains("QzDraftZq") && !text.contains(&amber));
    assert_eq!(sheets["incidents"].len(), published.len() + 1, "the published clear incidents only");
    // The page offers the workbook and the tables; bad table and format are refused.
    let html = page(&s, anonymous, "/incidents?country=UA&lang=en").await;
    assert!(html.contains("href=\"/incidents?country=UA&amp;format=xlsx&amp;lang=en\""), "an XLSX link");
    assert!(html.contains("format=csv&amp;table=attributions"), "table links");
    for q in ["format=csv&table=nope", "format=json&table=targets", "format=xlsx&table=targets", "format=pdf"] {
        assert_eq!(s.get(&format!("/incidents?{q}")).await.status(), 400, "{q}");
    }
}

mod in_the_browser {
    use super::*;

    in_browser!(a_reader_sorts_the_list_by_title);

    /// A reader clicks the title header in each language: the list comes back sorted by the
    /// title in that language, the header marked, and clicking again reverses it.
    async fn a_reader_sorts_the_list_by_title(s: TestServer, b: Browser) {
        let roles = Roles::set_up(&s).await;
        let (published, _, _) = seed(&s, &roles).await;
        for (lang, sort) in [("ja", "title_ja"), ("en", "title_en")] {
            b.goto(&s.in_lang("/incidents", lang)).await;
            b.find("#incidents thead th:nth-child(2) a").await.click().await;
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while !b.current_url().await.contains(&format!("sort={sort}")) {
                assert!(std::time::Instant::now() < deadline, "the click sorts");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            let th = b.wait_for("#incidents thead th:nth-child(2)[aria-sort]", Duration::from_secs(10)).await;
            assert_eq!(th.attribute("aria-sort").await.as_deref(), Some("ascending"));
            let (_, listed) = roles.anonymous.get(&format!("/api/v1/incidents?sort={sort}")).await;
            let shown: Vec<String> = {
                let mut v = Vec::new();
                for row in b.find_all("#incidents tbody tr").await {
                    v.push(row.attribute("data-incident").await.expect("id"));
                }
                v
            };
            assert_eq!(shown, ids(listed["incidents"].as_array().expect("list")), "{lang}");
            assert_eq!(shown.len(), published.len());
            b.screenshot(&format!("incidents-sorted-{lang}")).await;
            b.find("#incidents thead th:nth-child(2) a").await.click().await;
            let deadline = std::time::Instant::now() + Duration::from_secs(10);
            while !b.current_url().await.contains(&format!("sort=-{sort}")) {
                assert!(std::time::Instant::now() < deadline, "the second click reverses");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            let th = b.wait_for("#incidents thead th[aria-sort=descending]", Duration::from_secs(10)).await;
            assert!(th.text().await.contains('▼'));
        }
        b.quit().await;
    }
}
