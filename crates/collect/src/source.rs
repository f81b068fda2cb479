//! The kinds of source an editor registers, parsed from their configuration with precise errors.
use serde::{Deserialize, Serialize};
use std::time::Duration;
use url::Url;

/// What a source publishes, which decides how its bytes are read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum SourceKind {
    /// RSS 2.0.
    Rss,
    /// Atom 1.0.
    Atom,
    /// JSON Feed 1.x.
    JsonFeed,
    /// A MISP feed: `manifest.json` beside one `<uuid>.json` file per event.
    Misp,
    /// A URL that answers one STIX 2.1 bundle.
    StixBundle,
    /// A TAXII 2.1 collection, polled with `added_after`.
    Taxii,
    /// A catalogue of exploited vulnerabilities: a JSON list of entries keyed by CVE.
    ExploitedVulnerabilities,
}

impl SourceKind {
    pub const ALL: [(&'static str, SourceKind); 7] = [
        ("rss", SourceKind::Rss),
        ("atom", SourceKind::Atom),
        ("json-feed", SourceKind::JsonFeed),
        ("misp", SourceKind::Misp),
        ("stix-bundle", SourceKind::StixBundle),
        ("taxii", SourceKind::Taxii),
        ("exploited-vulnerabilities", SourceKind::ExploitedVulnerabilities),
    ];

    pub fn parse(name: &str) -> Result<SourceKind, SourceError> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, k)| k.clone()).ok_or_else(|| SourceError::UnknownKind {
            given: name.to_owned(),
            known: Self::ALL.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", "),
        })
    }

    pub fn name(&self) -> &'static str {
        Self::ALL.iter().find(|(_, k)| k == self).map(|(n, _)| *n).unwrap_or("rss")
    }

    /// Feeds that feed-rs reads (RSS, Atom, JSON Feed).
    pub fn is_feed(&self) -> bool {
        matches!(self, SourceKind::Rss | SourceKind::Atom | SourceKind::JsonFeed)
    }
}

/// A source as configured (a file, a form, an API body): every field a string or number.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    pub name: String,
    pub kind: String,
    pub url: String,
    /// Seconds between polls [default: 3600].
    #[serde(default)]
    pub interval_secs: Option<u64>,
}

/// Why a source's configuration is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    #[error("source name is empty")]
    EmptyName,
    #[error("`{given}` is not a source kind: give one of {known}")]
    UnknownKind { given: String, known: String },
    #[error("`{url}` is not a URL: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("`{url}`: only http and https sources are polled")]
    Scheme { url: String },
    #[error("`{url}` carries a user name or password: put credentials in the operator's configuration, not the URL")]
    Credentials { url: String },
    #[error("a TAXII 2.1 source is a collection URL ending in /collections/<id>/, not `{url}`")]
    TaxiiCollection { url: String },
    #[error("a MISP feed URL is the feed's folder or its manifest.json, not `{url}`")]
    MispFeed { url: String },
    #[error("interval of {secs} s is outside {min}..={max} s")]
    Interval { secs: u64, min: u64, max: u64 },
}

impl SourceError {
    /// The configuration field the error is about (`name`, `kind`, `url`, `interval_secs`).
    pub fn field(&self) -> &'static str {
        use SourceError::*;
        match self {
            EmptyName => "name",
            UnknownKind { .. } => "kind",
            BadUrl { .. } | Scheme { .. } | Credentials { .. } | TaxiiCollection { .. } | MispFeed { .. } => "url",
            Interval { .. } => "interval_secs",
        }
    }
}

pub const DEFAULT_INTERVAL: Duration = Duration::from_secs(3600);
const MIN_INTERVAL_SECS: u64 = 60;
const MAX_INTERVAL_SECS: u64 = 7 * 24 * 3600;

/// A validated source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    pub name: String,
    pub kind: SourceKind,
    /// For a MISP feed, its folder (ending in `/`); otherwise the URL polled.
    pub url: Url,
    pub interval: Duration,
}

impl Source {
    pub fn from_config(config: &SourceConfig) -> Result<Source, SourceError> {
        let name = config.name.trim();
        if name.is_empty() {
            return Err(SourceError::EmptyName);
        }
        let kind = SourceKind::parse(config.kind.trim())?;
        let raw = config.url.trim();
        let mut url =
            Url::parse(raw).map_err(|e| SourceError::BadUrl { url: raw.to_owned(), reason: e.to_string() })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(SourceError::Scheme { url: raw.to_owned() });
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(SourceError::Credentials { url: raw.to_owned() });
        }
        match kind {
            SourceKind::Taxii => {
                let segments: Vec<&str> =
                    url.path_segments().map(|s| s.filter(|p| !p.is_empty()).collect()).unwrap_or_default();
                let n = segments.len();
                if n < 2 || segments[n - 2] != "collections" {
                    return Err(SourceError::TaxiiCollection { url: raw.to_owned() });
                }
                if !url.path().ends_with('/') {
                    url.set_path(&format!("{}/", url.path()));
                }
            }
            SourceKind::Misp => {
                let path = url.path().to_owned();
                if let Some(folder) = path.strip_suffix("manifest.json") {
                    url.set_path(folder);
                } else if !path.ends_with('/') {
                    return Err(SourceError::MispFeed { url: raw.to_owned() });
                }
            }
            _ => {}
        }
        let interval = match config.interval_secs {
            None => DEFAULT_INTERVAL,
            Some(secs) if (MIN_INTERVAL_SECS..=MAX_INTERVAL_SECS).contains(&secs) => Duration::from_secs(secs),
            Some(secs) => return Err(SourceError::Interval { secs, min: MIN_INTERVAL_SECS, max: MAX_INTERVAL_SECS }),
        };
        Ok(Source { name: name.to_owned(), kind, url, interval })
    }

    /// The URL a poll fetches first: a MISP feed's manifest, a TAXII collection's objects since
    /// the last poll, otherwise the source's own URL.
    pub fn poll_url(&self, added_after: Option<&str>) -> Url {
        let mut url = self.url.clone();
        match self.kind {
            SourceKind::Misp => url.join("manifest.json").unwrap_or(url),
            SourceKind::Taxii => {
                let mut objects = url.join("objects/").unwrap_or_else(|_| url.clone());
                if let Some(after) = added_after {
                    objects.query_pairs_mut().append_pair("added_after", after);
                }
                url = objects;
                url
            }
            _ => url,
        }
    }

    /// A MISP event file's URL, from its UUID in the manifest.
    pub fn misp_event_url(&self, uuid: &str) -> Option<Url> {
        let ok = !uuid.is_empty() && uuid.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
        if ok { self.url.join(&format!("{uuid}.json")).ok() } else { None }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(kind: &str, url: &str) -> SourceConfig {
        SourceConfig { name: "s".into(), kind: kind.into(), url: url.into(), interval_secs: None }
    }

    #[test]
    fn every_kind_parses_and_names_itself() {
        for (name, kind) in SourceKind::ALL {
            assert_eq!(SourceKind::parse(name), Ok(kind.clone()));
            assert_eq!(kind.name(), name);
        }
        let err = SourceKind::parse("rdf").expect_err("unknown");
        assert!(err.to_string().contains("json-feed"), "{err}");
    }

    #[test]
    fn refuses_bad_configuration_precisely() {
        assert_eq!(
            Source::from_config(&SourceConfig { name: " ".into(), ..cfg("rss", "https://a.example/") }),
            Err(SourceError::EmptyName)
        );
        assert!(matches!(Source::from_config(&cfg("rss", "not a url")), Err(SourceError::BadUrl { .. })));
        assert!(matches!(Source::from_config(&cfg("rss", "ftp://a.example/f")), Err(SourceError::Scheme { .. })));
        assert!(matches!(
            Source::from_config(&cfg("rss", "https://u:p@a.example/f")),
            Err(SourceError::Credentials { .. })
        ));
        assert!(matches!(
            Source::from_config(&cfg("taxii", "https://a.example/api/")),
            Err(SourceError::TaxiiCollection { .. })
        ));
        assert!(matches!(
            Source::from_config(&cfg("misp", "https://a.example/feed")),
            Err(SourceError::MispFeed { .. })
        ));
        let fast = SourceConfig { interval_secs: Some(5), ..cfg("atom", "https://a.example/") };
        assert!(matches!(Source::from_config(&fast), Err(SourceError::Interval { secs: 5, .. })));
    }

    #[test]
    fn poll_urls_follow_the_kind() {
        let misp = Source::from_config(&cfg("misp", "https://a.example/feed/manifest.json")).expect("valid");
        assert_eq!(misp.poll_url(None).as_str(), "https://a.example/feed/manifest.json");
        assert_eq!(
            misp.misp_event_url("5f0c-ab").map(String::from).as_deref(),
            Some("https://a.example/feed/5f0c-ab.json")
        );
        assert_eq!(misp.misp_event_url("../x"), None);
        let taxii = Source::from_config(&cfg("taxii", "https://a.example/api1/collections/abc")).expect("valid");
        assert_eq!(
            taxii.poll_url(Some("2026-01-01T00:00:00Z")).as_str(),
            "https://a.example/api1/collections/abc/objects/?added_after=2026-01-01T00%3A00%3A00Z"
        );
    }
}
