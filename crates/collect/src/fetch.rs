//! Fetching a source over HTTP(S): rustls, conditional GET, size and time limits, a backoff
//! schedule after failures, and refusal of private addresses checked on the resolved address.
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use reqwest::{StatusCode, redirect};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use url::{Host, Url};

/// How much a fetch may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    pub max_bytes: usize,
    /// The whole request: connect, headers and body.
    pub timeout: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_bytes: 10 * 1024 * 1024, timeout: Duration::from_secs(30) }
    }
}

/// What the last answer said about its version, sent back for a conditional GET.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// A fetch's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// 304: nothing new since the validators.
    NotModified,
    Body {
        bytes: Vec<u8>,
        content_type: Option<String>,
        validators: Validators,
        /// A TAXII 2.1 server's `X-TAXII-Date-Added-Last`: the next poll asks for what was
        /// added after it.
        added_last: Option<String>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{host} resolves to {addr}, a private, loopback or link-local address (allow private sources to poll it)")]
    Refused { host: String, addr: IpAddr },
    #[error("no answer within {0:?}")]
    Timeout(Duration),
    #[error("the answer is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("the server answered HTTP {0}")]
    Status(u16),
    #[error("cannot build the HTTP client: {0}")]
    Client(String),
    #[error("{0}")]
    Http(String),
}

/// Whether an address may be polled without the operator's leave: not loopback, private,
/// link-local, unique-local, unspecified, shared (CGNAT), documentation or multicast.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public_v4(v4);
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
                || (first & 0xffc0) == 0xfe80 // link local fe80::/10
                || (first == 0x2001 && v6.segments()[1] == 0x0db8)) // documentation
        }
    }
}

fn is_public_v4(v4: Ipv4Addr) -> bool {
    let [a, b, ..] = v4.octets();
    !(v4.is_private()
        || v4.is_loopback()
        || v4.is_link_local()
        || v4.is_unspecified()
        || v4.is_broadcast()
        || v4.is_multicast()
        || v4.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))) // shared address space (RFC 6598)
}

/// The refusal carried through reqwest's error chain, so it is reported as such.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves to {addr}, a private address")]
struct Refusal {
    host: String,
    addr: IpAddr,
}

/// A resolver that refuses names with any private address among their answers: the check is
/// on what the connection will use, so a public name pointing inward is refused too.
#[derive(Debug)]
struct GuardedResolver;

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if let Some(bad) = addrs.iter().find(|a| !is_public(a.ip())) {
                return Err(Box::new(Refusal { host, addr: bad.ip() }) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// A literal address in the URL never reaches the resolver: check it here.
fn literal_refusal(url: &Url) -> Option<Refusal> {
    let ip = match url.host()? {
        Host::Ipv4(v4) => IpAddr::V4(v4),
        Host::Ipv6(v6) => IpAddr::V6(v6),
        Host::Domain(d) => match d.parse::<IpAddr>() {
            Ok(ip) => ip,
            Err(_) => return None,
        },
    };
    (!is_public(ip)).then(|| Refusal { host: url.host_str().unwrap_or_default().to_owned(), addr: ip })
}

fn refusal_in<'a>(err: &'a (dyn std::error::Error + 'static)) -> Option<&'a Refusal> {
    let mut cur: Option<&'a (dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(r) = e.downcast_ref::<Refusal>() {
            return Some(r);
        }
        cur = e.source();
    }
    None
}

/// An HTTP client for sources.
#[derive(Debug, Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    limits: Limits,
    allow_private: bool,
}

const MAX_REDIRECTS: usize = 5;

impl Fetcher {
    pub fn new(limits: Limits, allow_private: bool) -> Result<Fetcher, FetchError> {
        let policy = redirect::Policy::custom(move |attempt| {
            if attempt.previous().len() >= MAX_REDIRECTS {
                attempt.error("too many redirects")
            } else if let Some(r) = literal_refusal(attempt.url()).filter(|_| !allow_private) {
                attempt.error(r)
            } else {
                attempt.follow()
            }
        });
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("normwatch-collect/", env!("CARGO_PKG_VERSION")))
            .timeout(limits.timeout)
            .connect_timeout(limits.timeout)
            .no_proxy()
            .redirect(policy);
        if !allow_private {
            builder = builder.dns_resolver(Arc::new(GuardedResolver));
        }
        let client = builder.build().map_err(|e| FetchError::Client(e.to_string()))?;
        Ok(Fetcher { client, limits, allow_private })
    }

    /// GETs `url`, conditionally on `validators`, within the limits.
    pub async fn get(&self, url: &Url, validators: &Validators) -> Result<Fetched, FetchError> {
        if let Some(r) = literal_refusal(url).filter(|_| !self.allow_private) {
            return Err(FetchError::Refused { host: r.host, addr: r.addr });
        }
        let mut request = self.client.get(url.clone());
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, lm);
        }
        let mut response = request.send().await.map_err(|e| self.error(e))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        let limit = self.limits.max_bytes;
        if response.content_length().is_some_and(|n| n > limit as u64) {
            return Err(FetchError::TooLarge { limit });
        }
        let header = |name| {
            response.headers().get(name).and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok()).map(str::to_owned)
        };
        let validators = Validators { etag: header(ETAG), last_modified: header(LAST_MODIFIED) };
        let content_type = header(CONTENT_TYPE);
        let added_last = header(reqwest::header::HeaderName::from_static("x-taxii-date-added-last"));
        // The length header may be absent or wrong: count what actually arrives.
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.error(e))? {
            if bytes.len() + chunk.len() > limit {
                return Err(FetchError::TooLarge { limit });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Fetched::Body { bytes, content_type, validators, added_last })
    }

    fn error(&self, e: reqwest::Error) -> FetchError {
        if let Some(r) = refusal_in(&e) {
            return FetchError::Refused { host: r.host.clone(), addr: r.addr };
        }
        if e.is_timeout() {
            return FetchError::Timeout(self.limits.timeout);
        }
        let mut msg = e.to_string();
        let mut cur = std::error::Error::source(&e);
        while let Some(s) = cur {
            msg = format!("{msg}: {s}");
            cur = s.source();
        }
        FetchError::Http(msg)
    }
}

/// How long to wait before the next poll after `failures` failures in a row: the interval,
/// doubled per failure, capped at a day (and never below the interval).
pub fn backoff(interval: Duration, failures: u32) -> Duration {
    const CAP: Duration = Duration::from_secs(24 * 3600);
    let factor = 1u32.checked_shl(failures.min(16)).unwrap_or(u32::MAX);
    interval.saturating_mul(factor).min(CAP.max(interval))
}

/// A source's health, shown to editors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Health {
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_success: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_error_at: Option<OffsetDateTime>,
    pub last_error: Option<String>,
    /// Failures since the last success.
    pub failures: u32,
    pub items_seen: u64,
    #[serde(with = "time::serde::rfc3339")]
    pub next_due: OffsetDateTime,
    pub validators: Validators,
}

impl Health {
    /// A new source is due at once.
    pub fn new(now: OffsetDateTime) -> Health {
        Health {
            last_success: None,
            last_error_at: None,
            last_error: None,
            failures: 0,
            items_seen: 0,
            next_due: now,
            validators: Validators::default(),
        }
    }

    pub fn is_due(&self, now: OffsetDateTime) -> bool {
        now >= self.next_due
    }

    /// A poll succeeded (a 304 included), finding `items` new items.
    pub fn succeeded(&mut self, now: OffsetDateTime, interval: Duration, items: u64, validators: Option<Validators>) {
        self.last_success = Some(now);
        self.failures = 0;
        self.items_seen += items;
        if let Some(v) = validators {
            self.validators = v;
        }
        self.next_due = now + interval;
    }

    pub fn failed(&mut self, now: OffsetDateTime, interval: Duration, error: &str) {
        self.failures = self.failures.saturating_add(1);
        self.last_error_at = Some(now);
        self.last_error = Some(error.chars().take(500).collect());
        self.next_due = now + backoff(interval, self.failures);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_addresses_are_not_public() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fe80::1",
            "fd00::1",
            "::ffff:10.0.0.1",
            "2001:db8::1",
        ] {
            let ip: IpAddr = a.parse().expect("literal");
            assert!(!is_public(ip), "{a}");
        }
        for a in ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "::ffff:1.1.1.1"] {
            let ip: IpAddr = a.parse().expect("literal");
            assert!(is_public(ip), "{a}");
        }
    }

    #[test]
    fn literal_hosts_are_checked_before_connecting() {
        let u = |s: &str| Url::parse(s).expect("url");
        assert!(literal_refusal(&u("http://127.0.0.1:8080/feed")).is_some());
        assert!(literal_refusal(&u("http://[::1]/feed")).is_some());
        assert!(literal_refusal(&u("https://8.8.8.8/feed")).is_none());
        assert!(literal_refusal(&u("https://example.org/feed")).is_none(), "names go to the resolver");
    }

    #[test]
    fn backoff_doubles_and_caps() {
        let h = Duration::from_secs(3600);
        assert_eq!(backoff(h, 0), h);
        assert_eq!(backoff(h, 1), 2 * h);
        assert_eq!(backoff(h, 3), 8 * h);
        assert_eq!(backoff(h, 10), Duration::from_secs(24 * 3600));
        assert_eq!(backoff(h, u32::MAX), Duration::from_secs(24 * 3600));
        let week = Duration::from_secs(7 * 24 * 3600);
        assert_eq!(backoff(week, 2), week, "a long interval is never shortened");
    }

    #[test]
    fn health_records_success_and_failure() {
        let t0 = OffsetDateTime::UNIX_EPOCH;
        let i = Duration::from_secs(600);
        let mut h = Health::new(t0);
        assert!(h.is_due(t0));
        h.failed(t0, i, "HTTP 500");
        h.failed(t0, i, "HTTP 500");
        assert_eq!(h.failures, 2);
        assert_eq!(h.next_due, t0 + Duration::from_secs(2400));
        assert!(!h.is_due(t0 + Duration::from_secs(2399)));
        h.succeeded(t0, i, 3, Some(Validators { etag: Some("\"v1\"".into()), last_modified: None }));
        assert_eq!((h.failures, h.items_seen), (0, 3));
        assert_eq!(h.last_error.as_deref(), Some("HTTP 500"), "the last error stays visible");
        assert_eq!(h.validators.etag.as_deref(), Some("\"v1\""));
    }
}
