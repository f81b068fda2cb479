//! One poll of one source: fetch (conditionally), then read the answer by the source's kind.
//! A MISP feed takes a second round: the manifest names the event files.
use crate::fetch::{FetchError, Fetched, Fetcher, Validators};
use crate::parse::{self, Item, ParseError};
use crate::source::{Source, SourceKind};

/// Event files fetched per MISP poll, newest first; the rest wait for the next poll.
pub const MISP_EVENTS_PER_POLL: usize = 100;

#[derive(Debug)]
pub enum Polled {
    NotModified,
    Items {
        items: Vec<Item>,
        validators: Validators,
        /// For a TAXII source, the `added_after` of its next poll (when the server said).
        cursor: Option<String>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum PollError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error(transparent)]
    Parse(#[from] ParseError),
}

/// Polls `source`. `added_after` is a TAXII source's last `added` date, when there is one.
pub async fn poll(
    fetcher: &Fetcher,
    source: &Source,
    validators: &Validators,
    added_after: Option<&str>,
) -> Result<Polled, PollError> {
    let url = source.poll_url(added_after);
    let (bytes, validators, added_last) = match fetcher.get(&url, validators).await? {
        Fetched::NotModified => return Ok(Polled::NotModified),
        Fetched::Body { bytes, validators, added_last, .. } => (bytes, validators, added_last),
    };
    let cursor = if source.kind == SourceKind::Taxii { added_last } else { None };
    let name = source.name.as_str();
    let items = match source.kind {
        SourceKind::Rss | SourceKind::Atom | SourceKind::JsonFeed => parse::parse_feed(&bytes, &url, name)?,
        SourceKind::StixBundle | SourceKind::Taxii => parse::parse_stix(&bytes, &url, name)?,
        SourceKind::ExploitedVulnerabilities => parse::parse_exploited_vulnerabilities(&bytes, &url, name)?,
        SourceKind::Misp => {
            let mut items = Vec::new();
            for uuid in parse::parse_misp_manifest(&bytes)?.into_iter().take(MISP_EVENTS_PER_POLL) {
                let Some(event_url) = source.misp_event_url(&uuid) else { continue };
                if let Fetched::Body { bytes, .. } = fetcher.get(&event_url, &Validators::default()).await? {
                    items.push(parse::parse_misp_event(&bytes, &event_url, name)?);
                }
            }
            items
        }
    };
    Ok(Polled::Items { items, validators, cursor })
}
