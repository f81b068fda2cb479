use super::*;

fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn base() -> Url {
    Url::parse("https://feeds.example/f").expect("url")
}

#[test]
fn canonical_urls_drop_tracking_fragment_and_default_port() {
    let c = |s: &str| canonical_url(s, None).expect("valid");
    assert_eq!(c("HTTPS://News.Example:443/a?utm_source=x&b=2&fbclid=y&a=1#top"), "https://news.example/a?a=1&b=2");
    assert_eq!(c("http://news.example:80/a?utm_medium=rss"), "http://news.example/a");
    assert_eq!(c("http://news.example:8080/a"), "http://news.example:8080/a");
    assert_eq!(canonical_url("/rel", Some(&base())).expect("joined"), "https://feeds.example/rel");
    assert!(canonical_url("javascript:alert(1)", None).is_err());
}

#[test]
fn html_is_reduced_to_text() {
    let t = html_to_text("<p>A <b>bold</b> <a href=\"https://x.example\">link</a></p><script>ignored()</script>");
    assert!(t.contains("A bold link"), "{t}");
    assert!(!t.contains('<') && !t.contains("https://x.example"), "{t}");
}

#[test]
fn language_content_hash_and_cves() {
    assert_eq!(
        language("The attackers encrypted the hospital's records and demanded a ransom.").as_deref(),
        Some("en")
    );
    assert_eq!(
        language("北朝鮮系のハッカー集団が日本の暗号資産交換業者を狙い、不正送金を行った。").as_deref(),
        Some("ja")
    );
    assert_eq!(content_hash("T", "a  b"), content_hash("t", "A b"), "normalised before hashing");
    assert_ne!(content_hash("t", "a b"), content_hash("t", "a c"));
    assert_eq!(cves("see cve-2026-1234 and CVE-2026-1234, CVE-26-1"), ["CVE-2026-1234"]);
}

#[test]
fn rss_atom_and_json_feed_give_items() {
    let rss = parse_feed(&fixture("rss.xml"), &base(), "cert").expect("rss");
    assert_eq!(rss.len(), 2);
    assert_eq!(rss[0].canonical_url, "https://cert.example/advisories/2026-001");
    assert_eq!(rss[1].canonical_url, "https://cert.example/advisories/2026-002");
    assert!(rss[0].text.contains("ransomware attack encrypted"), "{}", rss[0].text);
    assert_eq!(rss[0].cves, ["CVE-2026-12345"]);
    assert_eq!(rss[0].language.as_deref(), Some("en"));
    assert_eq!(rss[0].published.map(|p| p.unix_timestamp()), Some(1_793_610_000));
    let atom = parse_feed(&fixture("atom.xml"), &base(), "vendor").expect("atom");
    assert_eq!(atom.len(), 2);
    assert_eq!(atom[0].language.as_deref(), Some("ja"));
    assert!(atom[0].text.contains("暗号資産"), "{}", atom[0].text);
    assert!(atom[1].published.is_some(), "updated stands in for published");
    let json = parse_feed(&fixture("feed.json"), &base(), "news").expect("json feed");
    assert_eq!(json[0].canonical_url, "https://news.example/2026/11/ddos-election?page=2");
    assert_eq!(json[1].source, "news");
}

#[test]
fn malformed_feed_is_an_error() {
    assert!(matches!(parse_feed(&fixture("malformed.xml"), &base(), "x"), Err(ParseError::Feed(_))));
    assert!(matches!(parse_feed(b"{}", &base(), "x"), Err(ParseError::Feed(_))));
}

#[test]
fn misp_manifest_and_events() {
    let uuids = parse_misp_manifest(&fixture("misp/manifest.json")).expect("manifest");
    assert_eq!(uuids, ["5b2f1f7e-1c2d-4e5f-9a0b-000000000001", "5b2f1f7e-1c2d-4e5f-9a0b-000000000002"], "newest first");
    let url = Url::parse("https://misp.example/feed/5b2f1f7e-1c2d-4e5f-9a0b-000000000001.json").expect("url");
    let item =
        parse_misp_event(&fixture("misp/5b2f1f7e-1c2d-4e5f-9a0b-000000000001.json"), &url, "misp").expect("event");
    assert_eq!(item.title, "Espionage campaign against foreign ministry");
    assert!(item.text.contains("Example Panda") && item.text.contains("diplomatic cables"), "{}", item.text);
    assert!(matches!(parse_misp_event(b"{\"Event\":{}}", &url, "m"), Err(ParseError::Misp { what: "event", .. })));
    assert!(matches!(parse_misp_manifest(b"[]"), Err(ParseError::Misp { what: "manifest", .. })));
}

#[test]
fn stix_reports_and_exploited_vulnerabilities() {
    let items = parse_stix(&fixture("stix-bundle.json"), &base(), "stix").expect("bundle");
    assert_eq!(items.len(), 1, "the identity is not an item");
    assert_eq!(items[0].title, "Intrusions into water utilities");
    assert!(items[0].canonical_url.contains("stix_id=report--"), "{}", items[0].canonical_url);
    assert!(matches!(parse_stix(b"{\"type\":\"bundle\"}", &base(), "s"), Err(ParseError::Stix(_))));
    let kev = parse_exploited_vulnerabilities(&fixture("kev.json"), &base(), "kev").expect("kev");
    assert_eq!(kev.len(), 1, "an entry without a CVE id is skipped");
    assert_eq!(kev[0].cves, ["CVE-2026-12345"]);
    assert!(kev[0].title.starts_with("CVE-2026-12345: "));
}
