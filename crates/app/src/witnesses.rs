//! Witnessing both ways: the witnesses this log knows (added by an editor, and the peers it
//! follows), the cosignatures they send of its checkpoints, and its checkpoints served with them.
//! A follower cosigns in `federation::sync`; this is the log's side.
use crate::federation::verifier_key;
use crate::ports::Federation;
use crate::{Acting, App, AppError};
use normwatch_core::Right;
use normwatch_federation::{CheckedCosignature, received_cosignatures, unix_now};
use normwatch_ledger::note::SignedNote;
use normwatch_ledger::{Checkpoint, VerifierKey};
use serde::{Deserialize, Serialize};

/// A witness as an editor names it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WitnessInput {
    /// The witness's verifier key, as its `normwatch log key` or `/api/v1/health` gives it.
    pub key: String,
}

/// A witness this log knows: its cosignatures of our checkpoints are accepted and served.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KnownWitness {
    pub name: String,
    /// Its cosigner key (NAME+KEYID+BASE64, type 0x04).
    pub verifier_key: String,
    /// `added` by an editor, or `peer` (a log this instance follows: it witnesses us with the
    /// key we pinned).
    pub source: &'static str,
}

/// A fork found in a log this instance follows. Public: it is that log's misconduct, shown with
/// its evidence.
#[derive(Debug, Clone, Serialize)]
pub struct ForkReport {
    pub origin: String,
    pub reason: String,
    pub detected_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub earlier_note: Option<String>,
    pub later_note: String,
}

impl<S: Federation> App<'_, S> {
    /// The witnesses this log knows, by name: public, so a verifier can choose its k of n.
    pub async fn known_witnesses(&self) -> Result<Vec<KnownWitness>, AppError> {
        let mut out: Vec<KnownWitness> = self
            .witness_keys()
            .await?
            .into_iter()
            .map(|(key, source)| KnownWitness { name: key.name.clone(), verifier_key: key.encode(), source })
            .collect();
        out.sort_by(|a, b| (&a.name, &a.verifier_key).cmp(&(&b.name, &b.verifier_key)));
        Ok(out)
    }

    /// The witnesses' cosigner keys, each once: those added, then the peers followed.
    async fn witness_keys(&self) -> Result<Vec<(VerifierKey, &'static str)>, AppError> {
        let added = self.store.witnesses().await?.into_iter().map(|w| (w.verifier_key, "added"));
        let peers = self.store.peers().await?.into_iter().map(|p| (p.verifier_key, "peer"));
        let mut out: Vec<(VerifierKey, &'static str)> = Vec::new();
        for (text, source) in added.chain(peers) {
            let Ok(key) = VerifierKey::parse(&text) else { continue };
            let key = key.as_cosigner();
            if !out.iter().any(|(k, _)| *k == key) {
                out.push((key, source));
            }
        }
        Ok(out)
    }

    /// Every fork found in the logs this instance follows, the latest first.
    pub async fn forks_found(&self) -> Result<Vec<ForkReport>, AppError> {
        let mut out = Vec::new();
        for p in self.store.peers().await? {
            if p.state == "active" {
                continue;
            }
            for f in self.store.peer_forks(&p.id).await? {
                out.push(ForkReport {
                    origin: p.origin.clone(),
                    reason: f.reason,
                    detected_at: f.detected_at,
                    earlier_note: f.earlier_note,
                    later_note: f.later_note,
                });
            }
        }
        out.sort_by(|a, b| b.detected_at.cmp(&a.detected_at));
        Ok(out)
    }

    /// Adds a witness by its key (its `normwatch log key`, or the cosigner form of it).
    pub async fn add_witness(&self, who: Acting<'_>, own_origin: &str, key: &str) -> Result<KnownWitness, AppError> {
        who.require(Right::ManagePeers, None)?;
        let key = verifier_key(key, "witness")?;
        if key.name == own_origin {
            return Err(AppError::field("key", "this is this log's own key: a log cannot witness itself"));
        }
        let key = key.as_cosigner();
        self.store.add_witness(&who.actor(), &key.encode(), &key.name).await?;
        Ok(KnownWitness { name: key.name.clone(), verifier_key: key.encode(), source: "added" })
    }

    /// Takes a witness's cosignature of one of our checkpoints: `posted` is that signed
    /// checkpoint with the witness's cosignature line added. Only known witnesses' count.
    pub async fn receive_cosignature(&self, posted: &str) -> Result<Vec<CheckedCosignature>, AppError> {
        let note = SignedNote::parse(posted)
            .map_err(|e| AppError::field("checkpoint", format!("not a cosigned checkpoint: {e}")))?;
        let size = Checkpoint::parse(&note.text)
            .map_err(|e| AppError::field("checkpoint", format!("the signed note is not a checkpoint: {e}")))?
            .size;
        let own = self.store.checkpoint_at(size).await?.ok_or_else(|| {
            AppError::field(
                "checkpoint",
                format!("this log signed no checkpoint of size {size}: cosign the note its /log/checkpoint serves"),
            )
        })?;
        let own = SignedNote::parse(&own.note).map_err(|e| normwatch_store::StoreError::Corrupt {
            what: "log checkpoint".into(),
            reason: e.to_string(),
        })?;
        let known: Vec<VerifierKey> = self.witness_keys().await?.into_iter().map(|(k, _)| k).collect();
        let got =
            received_cosignatures(&note, &own, &known, unix_now()).map_err(|e| AppError::field("checkpoint", e))?;
        for c in &got {
            self.store.save_cosignature(size, &c.witness, &c.line, c.signed_at).await?;
        }
        Ok(got)
    }

    /// Our signed checkpoint `note` of `size` with the cosignatures received for it.
    pub async fn with_cosignatures(&self, size: u64, note: &str) -> Result<String, AppError> {
        let mut out = note.to_owned();
        for c in self.store.cosignatures(size).await? {
            out.push_str(&c.line);
            out.push('\n');
        }
        Ok(out)
    }
}
