//! A peer as seen over HTTP(S): its log (`/log/checkpoint`, `/log/proof/…`) and its TAXII 2.1
//! API root. Every request names the follower's API token at the peer, if it has one, so the peer
//! serves what that account may read (its TLP markings and communities) and nothing more.
use crate::FederationError;
use crate::verify::{RecordProof, Seen, Step, check_consistency, step};
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use normwatch_core::RecordKind;
use normwatch_ledger::Checkpoint;
use normwatch_ledger::Hash;
use serde_json::Value;
use std::time::Duration;

const TAXII_MEDIA: &str = "application/taxii+json;version=2.1";
/// The property extension normwatch's STIX objects carry their record in.
const EXTENSION: &str = normwatch_stix::export::EXTENSION_DEFINITION_ID;

/// One peer: its base URL and the token of the follower's account there.
#[derive(Debug, Clone)]
pub struct PeerClient {
    base: String,
    token: Option<String>,
    http: reqwest::Client,
}

/// A record a TAXII page announces: a logged kind and its id at the peer, its STIX object, and
/// the record itself as the object's extension carries it (checked against its log leaf).
#[derive(Debug, Clone, PartialEq)]
pub struct Announced {
    pub kind: RecordKind,
    pub id: String,
    pub stix_id: String,
    pub record: Option<Value>,
}

/// A TAXII collection the follower may read at the peer: a TLP marking for every reader it
/// allows, or one of the peer's communities (named in its title, `TLP:… · community ID`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PeerCollection {
    pub id: String,
    pub community: Option<String>,
    /// `{api root}collections/{id}/objects/`, resolved once from the discovery document.
    objects: String,
}

/// One page of a collection's objects, reduced to the records they carry.
#[derive(Debug, Clone, Default)]
pub struct ObjectPage {
    pub records: Vec<Announced>,
    pub more: bool,
    pub next: Option<String>,
    /// `X-TAXII-Date-Added-Last`: where the next sync starts (`added_after`).
    pub last_added: Option<String>,
}

/// The peer's base URL, checked: http(s), no query or fragment, no trailing slash.
pub fn peer_url(text: &str) -> Result<String, FederationError> {
    let url = url::Url::parse(text.trim()).map_err(|_| FederationError::BadUrl(text.to_owned()))?;
    if !matches!(url.scheme(), "http" | "https")
        || url.host_str().is_none()
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return Err(FederationError::BadUrl(text.to_owned()));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

fn hashes(value: &Value, url: &str) -> Result<Vec<Hash>, FederationError> {
    let malformed = || FederationError::Malformed {
        url: url.to_owned(),
        reason: "`hashes` is not a list of base64 SHA-256 hashes".into(),
    };
    value["hashes"]
        .as_array()
        .ok_or_else(malformed)?
        .iter()
        .map(|h| B64.decode(h.as_str().unwrap_or("")).ok().and_then(|b| <Hash>::try_from(b).ok()).ok_or_else(malformed))
        .collect()
}

impl PeerClient {
    pub fn new(base: &str, token: Option<String>) -> Result<PeerClient, FederationError> {
        let base = peer_url(base)?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .user_agent(concat!("normwatch/", env!("CARGO_PKG_VERSION"), " (federation)"))
            .build()
            .map_err(|e| FederationError::Unreachable { url: base.clone(), reason: e.to_string() })?;
        Ok(PeerClient { base, token, http })
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    async fn get(&self, path: &str, accept: &str) -> Result<reqwest::Response, FederationError> {
        let url = format!("{}{path}", self.base);
        let mut request = self.http.get(&url).header(reqwest::header::ACCEPT, accept);
        if let Some(t) = &self.token {
            request = request.bearer_auth(t);
        }
        send(url, request).await
    }

    async fn json<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        accept: &str,
    ) -> Result<(T, reqwest::header::HeaderMap), FederationError> {
        let response = self.get(path, accept).await?;
        let headers = response.headers().clone();
        let url = format!("{}{path}", self.base);
        // Parsed from the bytes as they came: no text copy of a page of hundreds of records.
        let bytes = response
            .bytes()
            .await
            .map_err(|e| FederationError::Unreachable { url: url.clone(), reason: e.to_string() })?;
        let value = serde_json::from_slice(&bytes)
            .map_err(|e| FederationError::Malformed { url, reason: format!("not JSON: {e}") })?;
        Ok((value, headers))
    }

    /// The peer's latest signed checkpoint (a C2SP signed note).
    pub async fn checkpoint(&self) -> Result<String, FederationError> {
        let url = format!("{}/log/checkpoint", self.base);
        self.get("/log/checkpoint", "text/plain")
            .await?
            .text()
            .await
            .map_err(|e| FederationError::Unreachable { url, reason: e.to_string() })
    }

    /// Sends the peer our cosignature of its checkpoint (`note` is its signed checkpoint with our
    /// cosignature line added); the peer serves it with that checkpoint from then on.
    pub async fn post_cosignature(&self, note: &str) -> Result<(), FederationError> {
        let url = format!("{}/log/cosignatures", self.base);
        let request = self
            .http
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "text/plain; charset=utf-8")
            .body(note.to_owned());
        send(url, request).await.map(|_| ())
    }

    /// What the peer, as a witness, last checked and cosigned of each log it follows or
    /// witnesses: origin and signed checkpoint (`/log/witnessed`).
    pub async fn witnessed(&self) -> Result<Vec<(String, String)>, FederationError> {
        let (value, _): (Value, _) = self.json("/log/witnessed", "application/json").await?;
        Ok(value["logs"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|l| Some((l["origin"].as_str()?.to_owned(), l["note"].as_str()?.to_owned())))
            .collect())
    }

    /// The leaf hashes of the peer's log from `start` to `end` (computed here from each leaf's
    /// bytes, never taken from the peer), a thousand per request, `AT_ONCE` requests at a time.
    pub async fn leaves(&self, start: u64, end: u64) -> Result<Vec<Hash>, FederationError> {
        const PER_REQUEST: u64 = 1000;
        const AT_ONCE: usize = 4;
        let ranges: Vec<(u64, u64)> =
            (start..end).step_by(PER_REQUEST as usize).map(|s| (s, (s + PER_REQUEST).min(end))).collect();
        let mut out = Vec::with_capacity((end - start) as usize);
        for chunk in ranges.chunks(AT_ONCE) {
            let fetched = futures_util::future::join_all(chunk.iter().map(|&(s, e)| self.entries(s, e))).await;
            for r in fetched {
                out.extend(r?);
            }
        }
        Ok(out)
    }

    async fn entries(&self, start: u64, end: u64) -> Result<Vec<Hash>, FederationError> {
        /// Only what a follower hashes of `/log/entries`: each leaf's bytes.
        #[derive(serde::Deserialize)]
        struct Entries {
            entries: Vec<Entry>,
        }
        #[derive(serde::Deserialize)]
        struct Entry {
            body: String,
        }
        let path = format!("/log/entries?start={start}&end={end}");
        let (page, _): (Entries, _) = self.json(&path, "application/json").await?;
        if page.entries.len() as u64 != end - start {
            return Err(FederationError::Malformed {
                url: format!("{}{path}", self.base),
                reason: format!("{} entries for {} leaves", page.entries.len(), end - start),
            });
        }
        Ok(page.entries.iter().map(|e| normwatch_ledger::leaf_hash(e.body.as_bytes())).collect())
    }

    /// Whether `later` extends `earlier` in this peer's log: `None` when it does (a consistency
    /// proof is fetched when it grew), the fork's description when it does not — a smaller
    /// tree, another root for one size, or no proof between the two. Used for the last
    /// checkpoint the follower saw and for what a witness saw.
    pub async fn extends(&self, earlier: &Seen, later: &Checkpoint) -> Result<Option<String>, FederationError> {
        Ok(match step(Some(earlier), later) {
            Err(fork) => Some(fork),
            Ok(Step::Grew { from }) => {
                let proof = self.consistency(from, later.size).await?;
                check_consistency(earlier, later, &proof).err()
            }
            Ok(Step::First | Step::Unchanged) => None,
        })
    }

    /// A consistency proof between two of the peer's tree sizes.
    pub async fn consistency(&self, from: u64, to: u64) -> Result<Vec<Hash>, FederationError> {
        let path = format!("/log/proof/consistency?from={from}&to={to}");
        let (value, _): (Value, _) = self.json(&path, "application/json").await?;
        hashes(&value, &format!("{}{path}", self.base))
    }

    /// A record and its inclusion proof in the peer's tree of `size` leaves.
    pub async fn inclusion(&self, kind: RecordKind, id: &str, size: u64) -> Result<RecordProof, FederationError> {
        let path = format!("/log/proof/inclusion?record={}/{}&size={size}", kind.as_str(), urlencode(id));
        let url = format!("{}{path}", self.base);
        let (value, _): (Value, _) = self.json(&path, "application/json").await?;
        let number = |field: &str| {
            value[field]
                .as_u64()
                .ok_or_else(|| FederationError::Malformed { url: url.clone(), reason: format!("no `{field}`") })
        };
        Ok(RecordProof {
            kind: value["type"].as_str().unwrap_or_default().to_owned(),
            index: number("index")?,
            size: number("size")?,
            hashes: hashes(&value, &url)?,
            record: value.get("record").cloned().unwrap_or(Value::Null),
        })
    }

    /// The peer's TAXII API root, from its discovery document.
    async fn api_root(&self) -> Result<String, FederationError> {
        let (discovery, _): (Value, _) = self.json("/taxii2/", TAXII_MEDIA).await?;
        let root = discovery["default"]
            .as_str()
            .or_else(|| discovery["api_roots"].as_array().and_then(|a| a.first()).and_then(Value::as_str))
            .ok_or_else(|| FederationError::Malformed {
                url: format!("{}/taxii2/", self.base),
                reason: "no API root".into(),
            })?;
        // An API root is absolute or relative to the server.
        let path = match url::Url::parse(root) {
            Ok(u) => u.path().to_owned(),
            Err(_) => root.to_owned(),
        };
        Ok(if path.ends_with('/') { path } else { format!("{path}/") })
    }

    /// The ids of the TAXII collections the follower's account may read at the peer.
    pub async fn collections(&self) -> Result<Vec<PeerCollection>, FederationError> {
        let root = self.api_root().await?;
        let (value, _): (Value, _) = self.json(&format!("{root}collections/"), TAXII_MEDIA).await?;
        let list = value["collections"].as_array().into_iter().flatten();
        Ok(list
            .filter(|c| c["can_read"].as_bool() != Some(false))
            .filter_map(|c| {
                let id = c["id"].as_str()?.to_owned();
                let title = c["title"].as_str().unwrap_or_default();
                let community = title.split_once(" · community ").map(|(_, c)| c.trim().to_owned());
                let objects = format!("{root}collections/{id}/objects/");
                Some(PeerCollection { id, community, objects })
            })
            .collect())
    }

    /// One page of a collection's objects added after `added_after` (or from `next`).
    pub async fn objects(
        &self,
        collection: &PeerCollection,
        added_after: Option<&str>,
        next: Option<&str>,
        limit: usize,
    ) -> Result<ObjectPage, FederationError> {
        let mut path = format!("{}?limit={limit}", collection.objects);
        if let Some(a) = added_after {
            path.push_str(&format!("&added_after={}", urlencode(a)));
        }
        if let Some(n) = next {
            path.push_str(&format!("&next={}", urlencode(n)));
        }
        let (mut value, headers): (Value, _) = self.json(&path, TAXII_MEDIA).await?;
        let mut page = ObjectPage {
            more: value["more"].as_bool().unwrap_or(false),
            next: value["next"].as_str().map(str::to_owned),
            last_added: headers.get("x-taxii-date-added-last").and_then(|v| v.to_str().ok()).map(str::to_owned),
            records: Vec::new(),
        };
        for object in value["objects"].as_array_mut().into_iter().flatten() {
            let stix_id = object["id"].as_str().map(str::to_owned);
            let Some(extension) = object["extensions"].get_mut(EXTENSION) else { continue };
            let kind = extension["record_kind"].as_str().and_then(RecordKind::parse_logged);
            let (Some(kind), Some(id), Some(stix_id)) = (kind, extension["record_id"].as_str(), stix_id) else {
                continue;
            };
            if !page.records.iter().any(|a| a.kind == kind && a.id == id) {
                let id = id.to_owned();
                // Moved out of the page, not copied: a page is hundreds of records.
                let record = extension.get_mut("record").map(Value::take).filter(Value::is_object);
                page.records.push(Announced { kind, id, stix_id, record });
            }
        }
        Ok(page)
    }
}

/// Sends a request; a status other than success is an error carrying the start of the body.
async fn send(url: String, request: reqwest::RequestBuilder) -> Result<reqwest::Response, FederationError> {
    let response =
        request.send().await.map_err(|e| FederationError::Unreachable { url: url.clone(), reason: e.to_string() })?;
    let status = response.status();
    if !status.is_success() {
        let body: String = response.text().await.unwrap_or_default().chars().take(300).collect();
        return Err(FederationError::Status { url, status: status.as_u16(), body });
    }
    Ok(response)
}

/// Percent-encodes a query value (ids, timestamps, `next` tokens).
fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
