//! The transparency log as served: the tree kept in memory and caught up from the store's leaves,
//! signed checkpoints, entries and proofs under `/log`.
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::Params;
use axum::Json;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use normwatch_core::{FieldError, RecordKind};
use normwatch_ledger::note::SignedNote;
use normwatch_ledger::{Checkpoint, InstanceKey, MerkleTree};
use normwatch_store::{Store, StoreError};
use serde_json::json;
use tokio::sync::RwLock;

/// Most entries one request returns.
pub const MAX_ENTRIES: u64 = 1000;

/// The instance's log: its signing key and the Merkle tree over the stored leaves.
#[derive(Debug)]
pub struct TransparencyLog {
    key: InstanceKey,
    tree: RwLock<MerkleTree>,
}

fn log_error(e: normwatch_ledger::ProofError) -> ApiError {
    ApiError::InvalidParameter(FieldError::new("size", e.to_string()))
}

impl TransparencyLog {
    pub fn new(key: InstanceKey) -> TransparencyLog {
        TransparencyLog { key, tree: RwLock::new(MerkleTree::new()) }
    }

    pub fn origin(&self) -> &str {
        self.key.name()
    }

    /// The instance's key: it signs our checkpoints and cosigns the peers' we witness.
    pub fn key(&self) -> &InstanceKey {
        &self.key
    }

    /// Brings the in-memory tree up to the stored log (other processes may have appended).
    pub async fn sync(&self, store: &Store) -> Result<u64, StoreError> {
        let stored = store.log_size().await?;
        if self.tree.read().await.size() >= stored {
            return Ok(stored);
        }
        let mut tree = self.tree.write().await;
        while tree.size() < stored {
            let batch = store.leaf_hashes(tree.size(), 10_000).await?;
            if batch.is_empty() {
                break;
            }
            for h in batch {
                tree.push(h);
            }
        }
        Ok(tree.size())
    }

    /// The signed checkpoint of the current tree: the stored one if it is of this size, else a
    /// new one, signed and stored.
    pub async fn checkpoint(&self, store: &Store) -> Result<(u64, String), StoreError> {
        let size = self.sync(store).await?;
        if let Some(c) = store.latest_checkpoint().await?
            && c.size >= size
        {
            return Ok((c.size, c.note));
        }
        let root = self
            .tree
            .read()
            .await
            .root_at(size)
            .map_err(|e| StoreError::Corrupt { what: "log".into(), reason: e.to_string() })?;
        let text = Checkpoint { origin: self.origin().to_owned(), size, root, extensions: vec![] }.to_text();
        let note = SignedNote::sign(&text, &self.key).to_text();
        store.save_checkpoint(size, &root, &note).await?;
        let latest = store.latest_checkpoint().await?.map_or((size, note), |c| (c.size, c.note));
        Ok(latest)
    }
}

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/checkpoint", get(checkpoint))
        .route("/cosignatures", post(cosignatures))
        .route("/witnessed", get(witnessed))
        .route("/entries", get(entries))
        .route("/proof/inclusion", get(inclusion))
        .route("/proof/consistency", get(consistency))
}

fn number(params: &Params, key: &str) -> Result<Option<u64>, ApiError> {
    let mut values = params.pairs.iter().filter(|(k, _)| k == key);
    let Some((_, v)) = values.next() else { return Ok(None) };
    if values.next().is_some() {
        return Err(FieldError::new(key, "given twice; give it once").into());
    }
    v.parse::<u64>().map(Some).map_err(|_| FieldError::new(key, format!("`{v}` is not a non-negative integer")).into())
}

fn b64(hashes: &[normwatch_ledger::Hash]) -> Vec<String> {
    hashes.iter().map(|h| B64.encode(h)).collect()
}

/// The latest checkpoint (or the one of `size`), as a C2SP signed note (text/plain), with the
/// cosignatures of the witnesses that sent them.
async fn checkpoint(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    params.only(&["size"])?;
    let (size, note) = match number(&params, "size")? {
        None => state.log.checkpoint(&state.store).await?,
        Some(size) => {
            let c = state.store.checkpoint_at(size).await?;
            let c = c.ok_or(ApiError::NotFound { kind: "checkpoint of size", id: size.to_string() })?;
            (c.size, c.note)
        }
    };
    let note = state.app().with_cosignatures(size, &note).await?;
    let mut r = note.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(r)
}

/// A witness sends its cosignature of one of our checkpoints: the signed checkpoint with its
/// cosignature line added (text/plain). Known witnesses only; the signature is the credential.
async fn cosignatures(
    State(state): State<AppState>,
    params: Params,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let body = std::str::from_utf8(&body).map_err(|_| {
        FieldError::new("checkpoint", "the body is not UTF-8 text: send the cosigned note as text/plain")
    })?;
    let got = state.app().receive_cosignature(body).await?;
    let list: Vec<_> = got.iter().map(|c| json!({"witness": c.name, "signed_at": c.signed_at})).collect();
    Ok(Json(json!({"accepted": list})).into_response())
}

/// What this instance last checked and cosigned of each log it follows or witnesses, for
/// anyone comparing views of a log (a log showing two histories is caught that way).
async fn witnessed(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    params.only(&[])?;
    let logs = state.store.witnessed_logs().await?;
    Ok(Json(json!({"count": logs.len(), "logs": logs})).into_response())
}

async fn entries(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    params.only(&["start", "end"])?;
    let size = state.log.sync(&state.store).await?;
    let start = number(&params, "start")?.unwrap_or(0);
    let end = number(&params, "end")?.unwrap_or(size).min(size);
    if start > end {
        return Err(FieldError::new("start", format!("{start} is after end {end} (the log has {size} leaves)")).into());
    }
    let end = end.min(start + MAX_ENTRIES);
    let leaves = state.store.log_entries(start, end).await?;
    let entries = leaves
        .iter()
        .map(|l| Entry {
            appended_at: &l.appended_at,
            body: &l.body,
            index: l.index,
            leaf_hash: B64.encode(hex::decode(&l.leaf_hash).unwrap_or_default()),
            kind: &l.entity,
        })
        .collect();
    Ok(Json(Entries { end, entries, size, start }).into_response())
}

/// A page of `/log/entries` (fields in the order a `json!` object had them: a follower reads a
/// thousand leaves a request, serialised without building a JSON value for each).
#[derive(serde::Serialize)]
struct Entries<'a> {
    end: u64,
    entries: Vec<Entry<'a>>,
    size: u64,
    start: u64,
}

#[derive(serde::Serialize)]
struct Entry<'a> {
    appended_at: &'a str,
    body: &'a str,
    index: u64,
    leaf_hash: String,
    #[serde(rename = "type")]
    kind: &'a str,
}

/// An inclusion proof by leaf index, or by record (`record=position/ID`) — the latter returns
/// the record too (if the caller may read it), ready for `normwatch verify`.
async fn inclusion(State(state): State<AppState>, caller: Caller, params: Params) -> Result<Response, ApiError> {
    params.only(&["index", "size", "record"])?;
    let (checkpoint_size, note) = state.log.checkpoint(&state.store).await?;
    let size = number(&params, "size")?.unwrap_or(checkpoint_size);
    let record = params.first("record").map(str::to_owned);
    let (index, kind, body) = match (&record, number(&params, "index")?) {
        (Some(_), Some(_)) => return Err(FieldError::new("record", "give `index` or `record`, not both").into()),
        (None, None) => return Err(FieldError::new("index", "give a leaf `index`, or `record=TYPE/ID`").into()),
        (None, Some(i)) => (i, None, None),
        (Some(r), None) => {
            let (kind, id) =
                r.split_once('/').ok_or_else(|| FieldError::new("record", "use TYPE/ID, e.g. position/0192…"))?;
            let Some(logged) = RecordKind::parse_logged(kind) else {
                let kinds: Vec<&str> = normwatch_store::logged_kinds().map(RecordKind::as_str).collect();
                let kinds = kinds.join(", ");
                return Err(FieldError::new("record", format!("`{kind}` is not a logged record type ({kinds})")).into());
            };
            let value = state.store.logged_record(&caller.viewer(), logged, id).await?;
            let value = value.ok_or(ApiError::NotFound { kind: "record", id: r.clone() })?;
            let leaf = state
                .store
                .leaf_of(kind, id)
                .await?
                .ok_or(ApiError::NotFound { kind: "log leaf of record", id: r.clone() })?;
            (leaf.index, Some(kind.to_owned()), Some(value))
        }
    };
    let tree = state.log.tree.read().await;
    let proof = tree.inclusion_proof(index, size).map_err(log_error)?;
    let leaf = tree.leaf(index).map(|h| B64.encode(h));
    let mut out = json!({"index": index, "size": size, "leaf_hash": leaf, "hashes": b64(&proof)});
    if let (Some(kind), Some(body)) = (kind, body) {
        out["type"] = json!(kind);
        out["record"] = body;
    }
    if size == checkpoint_size {
        out["checkpoint"] = json!(note);
    }
    Ok(Json(out).into_response())
}

async fn consistency(State(state): State<AppState>, params: Params) -> Result<Response, ApiError> {
    params.only(&["from", "to"])?;
    let size = state.log.sync(&state.store).await?;
    let from = number(&params, "from")?.ok_or_else(|| FieldError::new("from", "the earlier tree size"))?;
    let to = number(&params, "to")?.unwrap_or(size);
    let proof = state.log.tree.read().await.consistency_proof(from, to).map_err(log_error)?;
    Ok(Json(json!({"from": from, "to": to, "hashes": b64(&proof)})).into_response())
}
