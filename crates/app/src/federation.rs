//! Following other observatories (GCSC Recommendation 5): an editor adds a peer (its URL and
//! the verifier key to pin); a sync checks the peer's new checkpoint against the last one seen
//! and against what the other peers, as witnesses, saw of the same log (a fork stops the sync
//! and keeps both signed checkpoints), cosigns it, checks the log's new leaves against its
//! signed root, then pulls what the peer's TAXII collections added since the last sync and
//! keeps each record only once it matches its leaf. The API, the portal, `normwatch peers` and
//! the background sync under `serve` all call these.
use crate::ports::Federation;
use crate::{Acting, App, AppError};
use normwatch_core::federation::may_federate;
use normwatch_core::{Right, Viewer};
use normwatch_federation::{
    Announced, FederationError, LeafWindow, PeerClient, Seen, checked_checkpoint, cosigned, peer_url, seen, unix_now,
    verify_record,
};
use normwatch_ledger::note::SignedNote;
use normwatch_ledger::{Checkpoint, Frontier, InstanceKey, VerifierKey};
use normwatch_store::{
    FederatedFilter, FederatedRecord, NewFederatedRecord, NewPeer, PeerCursor, PeerFork, PeerRecord, PeerRefusal,
};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

/// Objects asked for per TAXII page.
const PAGE: usize = 500;
/// Inclusion proofs fetched at once.
const PROOFS_AT_ONCE: usize = 8;

/// A peer as an editor names it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerInput {
    /// The peer's base URL (where its `/log` and `/taxii2/` are).
    pub url: String,
    /// The peer's log verifier key, as its `normwatch log key` or `/api/v1/health` gives it.
    pub key: String,
    /// An API token of an account at the peer; without one the sync reads what the peer
    /// publishes for everyone (TLP:CLEAR).
    #[serde(default)]
    pub token: Option<String>,
}

/// A peer with its forks and its latest refusals.
#[derive(Debug, Clone, Serialize)]
pub struct PeerView {
    #[serde(flatten)]
    pub peer: PeerRecord,
    pub forks: Vec<PeerFork>,
    pub refusals: Vec<PeerRefusal>,
}

/// What one sync did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    pub peer: String,
    pub origin: String,
    /// The size of the peer's checkpoint the records were verified against.
    pub checkpoint_size: u64,
    /// Records verified and kept.
    pub received: u64,
    /// Records announced that were kept already.
    pub already: u64,
    /// Records that failed verification (not kept).
    pub refused: u64,
    /// Whether the peer took our cosignature of its checkpoint.
    pub cosigned: bool,
    /// Why the peer did not take it (sync goes on: witnessing is the peer's gain).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cosignature_error: Option<String>,
    /// How long the sync took, in seconds.
    pub seconds: f64,
    /// Set when the peer's log forked: nothing was pulled, and sync stays stopped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fork: Option<String>,
}

/// Another instance's verifier key as an editor gives it (`whose`: peer, witness).
pub(crate) fn verifier_key(text: &str, whose: &str) -> Result<VerifierKey, AppError> {
    VerifierKey::parse(text.trim()).map_err(|e| {
        AppError::field(
            "key",
            format!("{e}; give the {whose}'s verifier key (NAME+KEYID+BASE64, as its `normwatch log key` prints)"),
        )
    })
}

/// What the peers followed, as witnesses, last checked of each log (their `/log/witnessed`):
/// read once per round of syncs, by peer id.
type WitnessViews = Vec<(String, String, Vec<(String, String)>)>;

/// What one round of syncs reads once: each peer's witness view, and its client (building one
/// loads the system's root certificates).
#[derive(Default)]
struct Round {
    views: WitnessViews,
    clients: std::collections::HashMap<String, PeerClient>,
}

impl<S: Federation> App<'_, S> {
    fn require_peers<'a>(&self, who: Acting<'a>) -> Result<&'a normwatch_core::Account, AppError> {
        who.require(Right::ManagePeers, None)
    }

    /// Follows a peer. `own_origin` is this instance's log name (the default one does not
    /// federate).
    pub async fn add_peer(&self, who: Acting<'_>, own_origin: &str, input: &PeerInput) -> Result<PeerRecord, AppError> {
        self.require_peers(who)?;
        let url = peer_url(&input.url).map_err(|e| AppError::field("url", e.to_string()))?;
        let key = verifier_key(&input.key, "peer")?;
        may_federate(own_origin, &key.name).map_err(AppError::InvalidField)?;
        let token = input.token.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(str::to_owned);
        let new = NewPeer { url, origin: key.name.clone(), verifier_key: key.encode(), token };
        Ok(self.store.create_peer(&who.actor(), &new).await?)
    }

    pub async fn peers(&self, who: Acting<'_>) -> Result<Vec<PeerRecord>, AppError> {
        self.require_peers(who)?;
        Ok(self.store.peers().await?)
    }

    pub async fn peer(&self, who: Acting<'_>, id: &str) -> Result<PeerView, AppError> {
        self.require_peers(who)?;
        let peer = self.store.peer(id).await?.ok_or_else(|| AppError::NotFound { kind: "peer", id: id.to_owned() })?;
        let forks = self.store.peer_forks(id).await?;
        let refusals = self.store.peer_refusals(id, 50).await?;
        Ok(PeerView { peer, forks, refusals })
    }

    /// Received records the viewer may read (the origin's TLP; a peer community's for admins).
    pub async fn federated_records(
        &self,
        viewer: &Viewer,
        filter: &FederatedFilter,
    ) -> Result<Vec<FederatedRecord>, AppError> {
        Ok(self.store.federated_records(viewer, filter).await?)
    }

    /// Syncs one peer now, for an editor; `witness` is this instance's key, to cosign with.
    pub async fn sync_peer(&self, who: Acting<'_>, id: &str, witness: &InstanceKey) -> Result<SyncReport, AppError> {
        self.require_peers(who)?;
        // One read of the peers: this one, and the others as witnesses.
        let (this, others): (Vec<PeerRecord>, Vec<PeerRecord>) =
            self.store.peers().await?.into_iter().partition(|p| p.id == id);
        let peer = this.into_iter().next().ok_or_else(|| AppError::NotFound { kind: "peer", id: id.to_owned() })?;
        let round = self.start_round(&others).await;
        self.sync(&peer, witness, &round).await
    }

    /// Syncs every peer that has not forked (the background sync under `serve`). A peer that
    /// fails is reported in its own result; the others go on.
    pub async fn sync_peers(&self, witness: &InstanceKey) -> Result<Vec<Result<SyncReport, AppError>>, AppError> {
        let peers = self.store.peers().await?;
        let round = self.start_round(&peers).await;
        let mut out = Vec::new();
        for peer in peers.iter().filter(|p| p.state == "active") {
            out.push(self.sync(peer, witness, &round).await);
        }
        Ok(out)
    }

    /// Each active peer's client and `/log/witnessed`. A peer that cannot be reached now is asked
    /// again next round: silence is no fork.
    async fn start_round(&self, peers: &[PeerRecord]) -> Round {
        let mut round = Round::default();
        for p in peers.iter().filter(|p| p.state == "active") {
            let Ok(client) = PeerClient::new(&p.url, p.token.clone()) else { continue };
            if let Ok(views) = client.witnessed().await {
                round.views.push((p.id.clone(), p.origin.clone(), views));
            }
            round.clients.insert(p.id.clone(), client);
        }
        round
    }

    async fn sync(&self, peer: &PeerRecord, witness: &InstanceKey, round: &Round) -> Result<SyncReport, AppError> {
        if peer.state != "active" {
            // Stopped for good: nothing is fetched, and the sync that found the fork said so.
            let fork = self.store.peer_forks(&peer.id).await?.pop().map(|f| f.reason);
            let fork = fork.or_else(|| Some("the peer forked earlier".to_owned()));
            return Ok(SyncReport {
                peer: peer.id.clone(),
                origin: peer.origin.clone(),
                fork,
                ..SyncReport::default()
            });
        }
        let started = std::time::Instant::now();
        let mut result = self.sync_inner(peer, witness, round).await;
        if let Ok(r) = &mut result {
            r.seconds = started.elapsed().as_secs_f64();
        }
        let error = match &result {
            Ok(r) => r.fork.as_ref().map(|f| format!("FORK: {f}")),
            Err(e) => Some(e.to_string()),
        };
        self.store.finish_peer_sync(&peer.id, error.as_deref()).await?;
        result
    }

    async fn sync_inner(
        &self,
        peer: &PeerRecord,
        witness: &InstanceKey,
        round: &Round,
    ) -> Result<SyncReport, AppError> {
        let mut report = SyncReport { peer: peer.id.clone(), origin: peer.origin.clone(), ..SyncReport::default() };
        let key = VerifierKey::parse(&peer.verifier_key)
            .map_err(|e| AppError::field("key", format!("the stored key of peer {} is damaged: {e}", peer.id)))?;
        let client = match round.clients.get(&peer.id) {
            Some(c) => c.clone(),
            None => PeerClient::new(&peer.url, peer.token.clone())?,
        };
        let note = client.checkpoint().await?;
        let (signed, checkpoint) =
            checked_checkpoint(&note, &key).map_err(|reason| AppError::field("checkpoint", reason))?;
        let seen = peer.seen_note.as_deref().map(seen).transpose().map_err(|e| AppError::field("checkpoint", e))?;
        let fork = match &seen {
            Some(s) => client.extends(s, &checkpoint).await?,
            None => None,
        };
        let fork = match fork {
            Some(reason) => Some((reason, peer.seen_note.clone())),
            None => compare_with_witnesses(peer, &client, &key, &checkpoint, &round.views).await?,
        };
        if let Some((reason, earlier)) = fork {
            self.store.save_peer_fork(&peer.id, &reason, earlier.as_deref(), &note).await?;
            report.fork = Some(reason);
            return Ok(report);
        }
        self.store.save_peer_checkpoint(&peer.id, &note).await?;
        report.checkpoint_size = checkpoint.size;
        self.cosign(&client, &key, signed, &checkpoint, witness, &mut report).await?;
        // The pages are fetched on tasks of their own, one ahead of the page being checked and
        // kept (the first while the leaves are fetched, the next collection's first while the
        // last page of this one is kept): the peer serves while we verify.
        let collections = client.collections().await?;
        let fetch = |i: usize, next: Option<String>| {
            let (client, collection) = (client.clone(), collections[i].clone());
            let added_after = if next.is_none() { peer.cursors.get(&collection.id).cloned() } else { None };
            tokio::spawn(
                async move { client.objects(&collection, added_after.as_deref(), next.as_deref(), PAGE).await },
            )
        };
        let mut pending = (!collections.is_empty()).then(|| (0, fetch(0, None)));
        let result = async {
            // Every leaf since the last sync, checked against the signed root: the records they
            // hold are then checked by their leaf, with no proof to fetch for each.
            let mut frontier = match peer.frontier.as_deref().map(Frontier::parse) {
                Some(Ok(f)) if f.size() <= checkpoint.size => f,
                _ => Frontier::new(),
            };
            let start = frontier.size();
            let window = LeafWindow { start, leaves: client.leaves(start, checkpoint.size).await? };
            window.check(&mut frontier, &checkpoint).map_err(|reason| FederationError::Malformed {
                url: format!("{}/log/entries", client.base()),
                reason,
            })?;
            // Progress for a long first sync (`peers sync` shows info on stderr; `serve` logs it).
            if !window.leaves.is_empty() {
                tracing::info!(peer = %peer.origin, leaves = window.leaves.len(), "sync: leaves checked against the signed root");
            }
            let context = Taking { client: &client, checkpoint: &checkpoint, window: &window };
            while let Some((i, task)) = pending.take() {
                let mut page = task.await.map_err(|e| FederationError::Unreachable {
                    url: client.base().to_owned(),
                    reason: format!("a page's fetch stopped: {e}"),
                })??;
                pending = match page.next.clone().filter(|_| page.more) {
                    Some(next) => Some((i, fetch(i, Some(next)))),
                    None => (i + 1 < collections.len()).then(|| (i + 1, fetch(i + 1, None))),
                };
                let collection = &collections[i];
                // Checked after the page before is kept (a record whose objects span two pages
                // is then known as kept). Keeping it beside the next page's check gained nothing
                // on two cores: the peer, the check and the write already share them.
                let records = std::mem::take(&mut page.records);
                let checked = self.check_page(peer, &context, collection.community.as_deref(), records).await?;
                let cursor = page.last_added.as_deref().map(|last_added| PeerCursor {
                    peer_id: &peer.id,
                    collection: &collection.id,
                    last_added,
                });
                report.count(peer, self.keep_checked(peer, checked, cursor.as_ref()).await?);
            }
            Ok::<_, AppError>(frontier)
        }
        .await;
        if let Some((_, task)) = pending {
            task.abort();
        }
        let frontier = result?;
        self.store.save_peer_frontier(&peer.id, &frontier.encode()).await?;
        Ok(report)
    }

    /// Cosigns the peer's checkpoint (only the log's own signature and ours, C2SP
    /// tlog-cosignature), keeps it as what we witnessed of that log (served at /log/witnessed for
    /// others to compare), and sends it to the peer.
    async fn cosign(
        &self,
        client: &PeerClient,
        key: &VerifierKey,
        note: SignedNote,
        checkpoint: &Checkpoint,
        witness: &InstanceKey,
        report: &mut SyncReport,
    ) -> Result<(), AppError> {
        let text = cosigned(note, key, witness, unix_now()).to_text();
        self.store.save_witnessed(&checkpoint.origin, checkpoint.size, &checkpoint.root, &text).await?;
        match client.post_cosignature(&text).await {
            Ok(()) => report.cosigned = true,
            Err(e) => report.cosignature_error = Some(e.to_string()),
        }
        Ok(())
    }

    /// Verifies the records of one page that are not kept yet: by their leaf in the window of
    /// checked leaves when the record is there, else by an inclusion proof.
    async fn check_page(
        &self,
        peer: &PeerRecord,
        at: &Taking<'_>,
        community: Option<&str>,
        announced: Vec<Announced>,
    ) -> Result<Checked, AppError> {
        let mut known = HashSet::new();
        {
            let mut by_kind: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
            for a in &announced {
                by_kind.entry(a.kind.as_str()).or_default().push(a.id.as_str());
            }
            for (kind, ids) in &by_kind {
                for id in self.store.federated_ids(&peer.id, kind, ids).await? {
                    known.insert((kind.to_string(), id));
                }
            }
        }
        let count = announced.len();
        let todo: Vec<Announced> =
            announced.into_iter().filter(|a| !known.contains(&(a.kind.as_str().to_owned(), a.id.clone()))).collect();
        let mut out = Checked { already: (count - todo.len()) as u64, ..Checked::default() };
        let mut verdicts: Vec<(Announced, Verdict)> = Vec::with_capacity(todo.len());
        let mut need_proof = Vec::new();
        for mut a in todo {
            let checked = a.record.as_ref().and_then(|r| at.window.verify(a.kind.as_str(), &a.id, r));
            match (checked, a.record.take()) {
                (Some(verdict), Some(record)) => verdicts.push((a, verdict.map(|index| (index, record)))),
                _ => need_proof.push(a),
            }
        }
        for chunk in need_proof.chunks(PROOFS_AT_ONCE) {
            let fetched = futures_util::future::join_all(
                chunk.iter().map(|a| at.client.inclusion(a.kind, &a.id, at.checkpoint.size)),
            )
            .await;
            for (a, proof) in chunk.iter().cloned().zip(fetched) {
                let proof = match proof {
                    Ok(p) => p,
                    // The peer announces it but its log has no leaf of it we may read: it will not
                    // have one later either, so it is refused rather than holding the cursor back.
                    Err(FederationError::Status { status: 404, body, .. }) => {
                        let reason = format!("announced over TAXII but the peer's log has no leaf of it: {body}");
                        verdicts.push((a, Err(reason)));
                        continue;
                    }
                    // A record published after the checkpoint has no proof in it yet: the cursor
                    // stays before this page and the next sync, with a newer checkpoint, takes it.
                    Err(e) => return Err(e.into()),
                };
                let verdict = verify_record(a.kind.as_str(), &a.id, &proof, at.checkpoint);
                verdicts.push((a, verdict.map(|()| (proof.index, proof.record))));
            }
        }
        for (a, verdict) in verdicts {
            match verdict {
                Ok((log_index, record)) => {
                    let tlp = record.get("tlp").and_then(|v| v.as_str()).unwrap_or("clear").to_owned();
                    let own_community = record.get("community").and_then(|v| v.as_str()).map(str::to_owned);
                    out.keep.push(NewFederatedRecord {
                        peer_id: peer.id.clone(),
                        record_kind: a.kind.as_str().to_owned(),
                        origin_id: a.id,
                        origin: at.checkpoint.origin.clone(),
                        log_index,
                        checkpoint_size: at.checkpoint.size,
                        stix_id: a.stix_id,
                        tlp,
                        community: own_community.or(community.map(str::to_owned)),
                        body: record,
                    });
                }
                Err(reason) => out.refused.push((a.kind, a.id, reason)),
            }
        }
        Ok(out)
    }

    /// Keeps a checked page: its records, and its refusals with their reasons.
    async fn keep_checked(
        &self,
        peer: &PeerRecord,
        checked: Checked,
        cursor: Option<&PeerCursor<'_>>,
    ) -> Result<Kept, AppError> {
        for (kind, id, reason) in &checked.refused {
            self.store.save_peer_refusal(&peer.id, kind.as_str(), id, reason).await?;
        }
        // The refusals first: the cursor moves past them with the records kept.
        let received = self.store.keep_federated(&checked.keep, cursor).await?;
        Ok(Kept {
            received,
            already: checked.already,
            refused: checked.refused.len() as u64,
            anything: !checked.keep.is_empty() || !checked.refused.is_empty(),
        })
    }
}

/// What keeping one page came to.
struct Kept {
    received: u64,
    already: u64,
    refused: u64,
    /// Whether the page held any record not kept before.
    anything: bool,
}

impl SyncReport {
    /// Counts a page kept, and shows the progress of a long first sync (`peers sync` shows info
    /// on stderr; `serve` logs it).
    fn count(&mut self, peer: &PeerRecord, kept: Kept) {
        self.received += kept.received;
        self.already += kept.already;
        self.refused += kept.refused;
        if kept.anything {
            tracing::info!(
                peer = %peer.origin,
                received = self.received,
                refused = self.refused,
                "sync: records checked and kept so far"
            );
        }
    }
}

/// Compares the peer's checkpoint with what the other peers we follow, as witnesses, last saw
/// of the same log (signed by the key we pinned): a log that shows one of them another history
/// is a fork. Returns the reason and the witness's note.
async fn compare_with_witnesses(
    peer: &PeerRecord,
    client: &PeerClient,
    key: &VerifierKey,
    ours: &Checkpoint,
    views: &WitnessViews,
) -> Result<Option<(String, Option<String>)>, AppError> {
    for (_, witness, seen) in views.iter().filter(|(id, _, _)| *id != peer.id) {
        for (_, note) in seen.iter().filter(|(origin, _)| *origin == peer.origin) {
            // Only a note the log signed is evidence against it.
            let Ok((_, theirs)) = checked_checkpoint(note, key) else { continue };
            let (small, large) = if theirs.size <= ours.size { (&theirs, ours) } else { (ours, &theirs) };
            if let Some(reason) = client.extends(&Seen { size: small.size, root: small.root }, large).await? {
                return Ok(Some((format!("{reason} (what it showed witness {witness})"), Some(note.clone()))));
            }
        }
    }
    Ok(None)
}

/// A page checked: what to keep, what was kept already, what is refused and why.
#[derive(Default)]
struct Checked {
    keep: Vec<NewFederatedRecord>,
    already: u64,
    refused: Vec<(normwatch_core::RecordKind, String, String)>,
}

/// A record verified (its leaf index and the record), or why it is refused.
type Verdict = Result<(u64, serde_json::Value), String>;

/// What a page's records are checked against: the peer, its checkpoint, the leaves checked.
struct Taking<'a> {
    client: &'a PeerClient,
    checkpoint: &'a Checkpoint,
    window: &'a LeafWindow,
}
