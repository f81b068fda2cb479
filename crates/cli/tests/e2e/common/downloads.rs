//! Helpers for the tests of the portal's downloads: a page as a reader sees it, the values on it,
//! and its CSV, JSON and STIX downloads, checked for their headers and parsed.
use super::{Api, TestServer};
use serde_json::Value;

/// A page as `api` (anonymous or signed in) sees it.
pub async fn page(s: &TestServer, api: &Api, path: &str) -> String {
    let mut rb = reqwest::Client::new().get(s.at(path));
    if let Some(t) = &api.token {
        rb = rb.bearer_auth(t);
    }
    let r = rb.send().await.expect("page");
    assert_eq!(r.status(), 200, "GET {path}");
    assert!(r.headers()["content-type"].to_str().is_ok_and(|c| c.starts_with("text/html")), "{path}");
    let html = r.text().await.expect("html");
    for inline in ["<script", "<style", " style=\""] {
        assert!(!html.contains(inline), "{path} holds inline code `{inline}`");
    }
    html
}

/// A download as `api` sees it: its content type, disposition and body.
pub async fn download(s: &TestServer, api: &Api, path: &str) -> (String, String, String) {
    let mut rb = reqwest::Client::new().get(s.at(path));
    if let Some(t) = &api.token {
        rb = rb.bearer_auth(t);
    }
    let r = rb.send().await.expect("download");
    assert_eq!(r.status(), 200, "GET {path}");
    let header = |h: &str| r.headers().get(h).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let (ct, cd) = (header("content-type"), header("content-disposition"));
    (ct, cd, r.text().await.expect("body"))
}

/// The text from `id="ID"` to the first `end` after it.
pub fn part<'a>(html: &'a str, id: &str, end: &str) -> &'a str {
    let start = html.find(&format!("id=\"{id}\"")).unwrap_or_else(|| panic!("no element {id}"));
    let rest = &html[start..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The values of `attr="…"` in order.
pub fn values(html: &str, attr: &str) -> Vec<String> {
    let key = format!("{attr}=\"");
    html.match_indices(&key)
        .map(|(i, _)| {
            let rest = &html[i + key.len()..];
            rest[..rest.find('"').expect("closing quote")].to_owned()
        })
        .collect()
}

/// RFC 4180 CSV into rows of fields.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let (mut rows, mut row, mut field) = (Vec::new(), Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(row.is_empty() && field.is_empty(), "the CSV ends with CRLF");
    rows
}

/// A CSV download: checks the headers, returns the header row and the rows as maps.
pub async fn csv(
    s: &TestServer,
    api: &Api,
    path: &str,
    name: &str,
) -> (Vec<String>, Vec<std::collections::HashMap<String, String>>) {
    let (ct, cd, body) = download(s, api, path).await;
    assert_eq!(ct, "text/csv; charset=utf-8", "{path}");
    assert_eq!(cd, format!("attachment; filename=\"normwatch-{name}.csv\""), "{path}");
    assert!(body.contains("\r\n"), "CRLF line ends");
    let mut rows = parse_csv(&body);
    assert!(!rows.is_empty(), "{path}: a header row");
    let header = rows.remove(0);
    for r in &rows {
        assert_eq!(r.len(), header.len(), "{path}: every row has every column");
    }
    let maps = rows.into_iter().map(|r| header.iter().cloned().zip(r).collect()).collect();
    (header, maps)
}

pub async fn json_download(s: &TestServer, api: &Api, path: &str, name: &str) -> Value {
    let (ct, cd, body) = download(s, api, path).await;
    assert!(ct.starts_with("application/json"), "{path}: {ct}");
    assert_eq!(cd, format!("attachment; filename=\"normwatch-{name}.json\""), "{path}");
    serde_json::from_str(&body).expect("the JSON download parses")
}

pub async fn stix_download(s: &TestServer, api: &Api, path: &str) -> (Value, String) {
    let (ct, cd, body) = download(s, api, path).await;
    assert!(ct.starts_with("application/stix+json"), "{path}: {ct}");
    assert!(cd.starts_with("attachment; filename=\"normwatch-"), "{path}: {cd}");
    let bundle: Value = serde_json::from_str(&body).expect("STIX parses");
    assert_eq!(bundle["type"], "bundle", "{path}");
    assert!(bundle["objects"].as_array().is_some_and(|o| o.iter().any(|o| o["type"] == "report")), "{path}");
    (bundle, body)
}

pub fn column(rows: &[std::collections::HashMap<String, String>], section: Option<&str>, name: &str) -> Vec<String> {
    rows.iter().filter(|r| section.is_none_or(|s| r["section"] == s)).map(|r| r[name].clone()).collect()
}
