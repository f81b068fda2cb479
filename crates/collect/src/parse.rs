//! Entries of every source kind become items: canonical URL, title, text (HTML reduced to
//! text), language, published time, source, and a content hash over the normalised text.
use crate::text::normalise;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use url::Url;

/// One entry of a source, ready for de-duplication and classification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub canonical_url: String,
    pub title: String,
    pub text: String,
    /// ISO 639-1 for Japanese and English (`ja`, `en`), ISO 639-3 for the rest; none when the
    /// text is too short to tell.
    pub language: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub published: Option<OffsetDateTime>,
    /// The source's name.
    pub source: String,
    /// SHA-256 of the normalised title and text, hex.
    pub content_hash: String,
    /// CVE ids the item names, upper case, sorted, unique.
    pub cves: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error("not an RSS, Atom or JSON feed: {0}")]
    Feed(String),
    #[error("not JSON: {0}")]
    Json(String),
    #[error("not a MISP {what}: {reason}")]
    Misp { what: &'static str, reason: String },
    #[error("not a STIX 2.1 bundle or TAXII envelope: {0}")]
    Stix(String),
    #[error("not a catalogue of exploited vulnerabilities: {0}")]
    Vulnerabilities(String),
    #[error("`{url}` is not a usable entry URL: {reason}")]
    Url { url: String, reason: String },
}

const TRACKING: [&str; 12] = [
    "fbclid", "gclid", "dclid", "msclkid", "yclid", "igshid", "mc_cid", "mc_eid", "_hsenc", "_hsmi", "mkt_tok",
    "ref_src",
];

/// The URL two copies of one entry share: scheme and host lower case (the URL parser does it),
/// default port and fragment dropped, tracking parameters dropped, the rest sorted.
pub fn canonical_url(raw: &str, base: Option<&Url>) -> Result<String, ParseError> {
    let bad = |reason: String| ParseError::Url { url: raw.to_owned(), reason };
    let mut url = match base {
        Some(b) => b.join(raw.trim()),
        None => Url::parse(raw.trim()),
    }
    .map_err(|e| bad(e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("not http or https".into()));
    }
    url.set_fragment(None);
    let mut pairs: Vec<(String, String)> = url
        .query_pairs()
        .filter(|(k, _)| {
            let k = k.to_ascii_lowercase();
            !k.starts_with("utm_") && !TRACKING.contains(&k.as_str())
        })
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    if pairs.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(pairs);
    }
    Ok(url.into())
}

/// HTML reduced to plain text (links, images and emphasis marks dropped).
pub fn html_to_text(html: &str) -> String {
    if !html.contains('<') && !html.contains('&') {
        return html.trim().to_owned();
    }
    let decorator = html2text::render::TrivialDecorator::new();
    let config = html2text::config::with_decorator(decorator).link_footnotes(false).no_link_wrapping();
    match config.string_from_read(html.as_bytes(), 10_000) {
        Ok(text) => text.lines().map(str::trim_end).collect::<Vec<_>>().join("\n").trim().to_owned(),
        // Malformed beyond repair: better the raw text than nothing.
        Err(_) => html.to_owned(),
    }
}

/// The language of `text`, when whatlang is reliably sure of it.
pub fn language(text: &str) -> Option<String> {
    let info = whatlang::detect(text)?;
    if !info.is_reliable() && text.chars().count() < 40 {
        return None;
    }
    Some(match info.lang() {
        whatlang::Lang::Jpn => "ja".to_owned(),
        whatlang::Lang::Eng => "en".to_owned(),
        other => other.code().to_owned(),
    })
}

pub fn content_hash(title: &str, text: &str) -> String {
    let mut h = Sha256::new();
    h.update(normalise(title).as_bytes());
    h.update([0u8]);
    h.update(normalise(text).as_bytes());
    hex::encode(h.finalize())
}

/// CVE ids in `text`: core's parser, so that items and incidents name vulnerabilities alike.
pub use normwatch_core::vulnerability::cve_ids as cves;

/// An item from its parts: the text is reduced from HTML, and the derived fields computed.
pub fn item(source: &str, url: String, title: &str, body_html: &str, published: Option<OffsetDateTime>) -> Item {
    let title = html_to_text(title);
    let text = html_to_text(body_html);
    let both = format!("{title}\n{text}");
    Item {
        canonical_url: url,
        language: language(&both),
        content_hash: content_hash(&title, &text),
        cves: cves(&both),
        title,
        text,
        published,
        source: source.to_owned(),
    }
}

/// RSS 2.0, Atom 1.0 or JSON Feed (feed-rs tells which). Entries without a usable link are
/// skipped: an item is known by its URL.
pub fn parse_feed(bytes: &[u8], feed_url: &Url, source: &str) -> Result<Vec<Item>, ParseError> {
    let feed = feed_rs::parser::parse(bytes).map_err(|e| ParseError::Feed(e.to_string()))?;
    let mut items = Vec::new();
    for entry in feed.entries {
        let Some(link) = entry
            .links
            .first()
            .map(|l| l.href.clone())
            .or_else(|| entry.id.starts_with("http").then(|| entry.id.clone()))
        else {
            continue;
        };
        let Ok(url) = canonical_url(&link, Some(feed_url)) else { continue };
        let title = entry.title.map(|t| t.content).unwrap_or_default();
        let body = entry.content.and_then(|c| c.body).or_else(|| entry.summary.map(|s| s.content)).unwrap_or_default();
        let published =
            entry.published.or(entry.updated).and_then(|d| OffsetDateTime::from_unix_timestamp(d.timestamp()).ok());
        items.push(item(source, url, &title, &body, published));
    }
    Ok(items)
}

fn json(bytes: &[u8]) -> Result<Value, ParseError> {
    serde_json::from_slice(bytes).map_err(|e| ParseError::Json(e.to_string()))
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or_default()
}

fn rfc3339(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

fn day(s: &str) -> Option<OffsetDateTime> {
    let d = time::Date::parse(s, time::macros::format_description!("[year]-[month]-[day]")).ok()?;
    Some(d.midnight().assume_utc())
}

/// A MISP feed's `manifest.json`: the UUIDs of its events, newest first.
pub fn parse_misp_manifest(bytes: &[u8]) -> Result<Vec<String>, ParseError> {
    let bad = |reason: &str| ParseError::Misp { what: "manifest", reason: reason.to_owned() };
    let Value::Object(map) = json(bytes)? else { return Err(bad("not a JSON object keyed by event UUID")) };
    let mut events: Vec<(i64, String)> = map
        .into_iter()
        .map(|(uuid, ev)| {
            let ts = ev.get("timestamp").and_then(|t| t.as_str().and_then(|s| s.parse().ok()).or_else(|| t.as_i64()));
            (ts.unwrap_or(0), uuid)
        })
        .collect();
    events.sort_by(|a, b| b.cmp(a));
    Ok(events.into_iter().map(|(_, u)| u).collect())
}

/// One MISP event file: its `info` is the title; its tags and attribute comments the text.
pub fn parse_misp_event(bytes: &[u8], event_url: &Url, source: &str) -> Result<Item, ParseError> {
    let v = json(bytes)?;
    let ev = v.get("Event").ok_or(ParseError::Misp { what: "event", reason: "no `Event` object".into() })?;
    let info = str_of(ev, "info");
    if info.trim().is_empty() {
        return Err(ParseError::Misp { what: "event", reason: "no `info`".into() });
    }
    let mut lines = Vec::new();
    let names = |list: Option<&Value>, key: &str| -> Vec<String> {
        list.and_then(Value::as_array)
            .map(|a| a.iter().map(|t| str_of(t, key).to_owned()).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default()
    };
    let tags = names(ev.get("Tag"), "name");
    if !tags.is_empty() {
        lines.push(format!("Tags: {}", tags.join(", ")));
    }
    lines.extend(names(ev.get("Attribute"), "comment"));
    let url = canonical_url(event_url.as_str(), None)?;
    let published = ev
        .get("publish_timestamp")
        .or_else(|| ev.get("timestamp"))
        .and_then(|t| t.as_str().and_then(|s| s.parse::<i64>().ok()))
        .and_then(|t| OffsetDateTime::from_unix_timestamp(t).ok())
        .or_else(|| day(str_of(ev, "date")));
    Ok(item(source, url, info, &lines.join("\n"), published))
}

/// A STIX 2.1 bundle, or a TAXII 2.1 envelope (`objects` too): reports, campaigns, intrusion
/// sets and incidents with a name become items, known by `<base>#<STIX id>` turned into a query
/// (fragments are dropped by canonicalisation), so one object is one item.
pub fn parse_stix(bytes: &[u8], base: &Url, source: &str) -> Result<Vec<Item>, ParseError> {
    let v = json(bytes)?;
    let objects =
        v.get("objects").and_then(Value::as_array).ok_or_else(|| ParseError::Stix("no `objects` list".into()))?;
    let mut items = Vec::new();
    for o in objects {
        let kind = str_of(o, "type");
        if !matches!(kind, "report" | "campaign" | "intrusion-set" | "incident" | "vulnerability" | "threat-actor") {
            continue;
        }
        let (id, name) = (str_of(o, "id"), str_of(o, "name"));
        if id.is_empty() || name.is_empty() {
            continue;
        }
        let reference = o
            .get("external_references")
            .and_then(Value::as_array)
            .and_then(|refs| refs.iter().find_map(|r| r.get("url").and_then(Value::as_str)));
        let url = match reference.and_then(|r| canonical_url(r, None).ok()) {
            Some(u) => u,
            None => {
                let mut u = base.clone();
                u.set_query(None);
                u.query_pairs_mut().append_pair("stix_id", id);
                canonical_url(u.as_str(), None)?
            }
        };
        let published = rfc3339(str_of(o, "published")).or_else(|| rfc3339(str_of(o, "created")));
        items.push(item(source, url, name, str_of(o, "description"), published));
    }
    Ok(items)
}

/// A catalogue of exploited vulnerabilities in the shape CISA's KEV publishes:
/// `{"vulnerabilities": [{"cveID", "vendorProject", "product", "vulnerabilityName",
/// "dateAdded", "shortDescription", …}]}`.
pub fn parse_exploited_vulnerabilities(bytes: &[u8], base: &Url, source: &str) -> Result<Vec<Item>, ParseError> {
    let v = json(bytes)?;
    let list = v
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .ok_or_else(|| ParseError::Vulnerabilities("no `vulnerabilities` list".into()))?;
    let mut items = Vec::new();
    for e in list {
        let cve = str_of(e, "cveID").trim().to_ascii_uppercase();
        if cves(&cve) != [cve.clone()] {
            continue;
        }
        let mut u = base.clone();
        u.set_query(None);
        u.query_pairs_mut().append_pair("cve", &cve);
        let url = canonical_url(u.as_str(), None)?;
        let title = format!("{cve}: {}", str_of(e, "vulnerabilityName"));
        let body = format!(
            "{} {} — {}\n{}",
            str_of(e, "vendorProject"),
            str_of(e, "product"),
            str_of(e, "shortDescription"),
            str_of(e, "requiredAction")
        );
        items.push(item(source, url, &title, &body, day(str_of(e, "dateAdded"))));
    }
    Ok(items)
}

#[cfg(test)]
#[path = "parse_tests.rs"]
mod tests;
