//! `normwatch verify` and `normwatch log …`: offline verification of a record against a signed
//! checkpoint, the audit of the stored log, and witnessing another instance's log.
use anyhow::{Context, Result, bail};
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use clap::Subcommand;
use normwatch_core::{RecordKind, Viewer};
use normwatch_ledger::note::SignedNote;
use normwatch_ledger::{Checkpoint, Hash, MerkleTree, VerifierKey, jcs, leaf_hash, verify_inclusion};
use normwatch_store::Store;
use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

/// A key given as text, or as the path of a file holding it.
pub(crate) fn read_key(key: &str) -> Result<VerifierKey> {
    let text = if Path::new(key).is_file() {
        std::fs::read_to_string(key).with_context(|| format!("cannot read {key}"))?
    } else {
        key.to_owned()
    };
    VerifierKey::parse(text.trim())
        .with_context(|| "--key: not a verifier key (NAME+KEYID+BASE64, as `normwatch log key` prints)")
}

/// Parses a signed checkpoint and checks its signature by `key` (federation's check).
pub fn checked_checkpoint(note_text: &str, key: &VerifierKey) -> Result<(SignedNote, Checkpoint)> {
    normwatch_federation::checked_checkpoint(note_text, key).map_err(anyhow::Error::msg)
}

fn hashes(value: &serde_json::Value, field: &str) -> Result<Vec<Hash>> {
    value[field]
        .as_array()
        .with_context(|| format!("the proof file has no `{field}` list"))?
        .iter()
        .map(|h| {
            let b = B64.decode(h.as_str().unwrap_or("")).ok().and_then(|b| <Hash>::try_from(b).ok());
            b.with_context(|| format!("`{field}` holds something that is not base64 of 32 bytes"))
        })
        .collect()
}

/// `normwatch verify`: is this record in the log the checkpoint commits to, and (with
/// witnesses) did `quorum` of them cosign that checkpoint?
pub fn verify(
    record_file: &Path,
    checkpoint_file: &Path,
    key: &str,
    witnesses: &[String],
    quorum: Option<usize>,
) -> Result<ExitCode> {
    let key = read_key(key)?;
    let witnesses =
        witnesses.iter().map(|w| read_key(w).with_context(|| format!("--witness {w}"))).collect::<Result<Vec<_>>>()?;
    let quorum = quorum.unwrap_or(witnesses.len());
    if quorum > witnesses.len() {
        bail!("--quorum {quorum} is more than the {} --witness key(s) given", witnesses.len());
    }
    let note = std::fs::read_to_string(checkpoint_file)
        .with_context(|| format!("cannot read {}", checkpoint_file.display()))?;
    let (signed, checkpoint) = checked_checkpoint(&note, &key)?;
    if !witnesses.is_empty() {
        let (good, bad) = normwatch_federation::cosignatures(&signed, &witnesses, normwatch_federation::unix_now());
        let names: Vec<&str> = good.iter().map(|g| g.name.as_str()).collect();
        for b in &bad {
            eprintln!("bad cosignature: {b}");
        }
        if good.len() < quorum {
            eprintln!(
                "FAILED: the checkpoint of log {} at size {} carries {} of the {quorum} witness cosignature(s) required{}: fetch a checkpoint the witnesses have cosigned (/log/checkpoint?size=N)",
                checkpoint.origin,
                checkpoint.size,
                good.len(),
                if names.is_empty() { String::new() } else { format!(" ({})", names.join(", ")) }
            );
            return Ok(ExitCode::FAILURE);
        }
        println!("witnessed by {} of {} ({}), {quorum} required", good.len(), witnesses.len(), names.join(", "));
    }
    let text =
        std::fs::read_to_string(record_file).with_context(|| format!("cannot read {}", record_file.display()))?;
    let bundle: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{} is not JSON", record_file.display()))?;
    let (Some(kind), Some(record)) = (bundle["type"].as_str(), bundle.get("record")) else {
        bail!(
            "{} is not a record proof: download it from /log/proof/inclusion?record=TYPE/ID (it holds `type`, `record`, `index`, `size`, `hashes`)",
            record_file.display()
        );
    };
    let index = bundle["index"].as_u64().context("the proof file has no `index`")?;
    let size = bundle["size"].as_u64().context("the proof file has no `size`")?;
    if size != checkpoint.size {
        bail!(
            "the proof is for a tree of {size} leaves but the checkpoint is of {}: download the proof again with &size={}",
            checkpoint.size,
            checkpoint.size
        );
    }
    let id = record["id"].as_str().unwrap_or("?");
    let body = jcs::leaf_body(kind, record).context("the record cannot be canonicalised")?;
    let leaf = leaf_hash(body.as_bytes());
    match verify_inclusion(index, size, &leaf, &hashes(&bundle, "hashes")?, &checkpoint.root) {
        Ok(()) => {
            println!(
                "OK: {kind} {id} is leaf {index} of log {} at size {size} (root {})",
                checkpoint.origin,
                B64.encode(checkpoint.root)
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("FAILED: {kind} {id} is not proven in log {} at size {size}: {e}", checkpoint.origin);
            Ok(ExitCode::FAILURE)
        }
    }
}

/// `normwatch log audit`: recompute the tree from the store and compare it with the records and
/// the latest signed checkpoint. Returns the problems found, first by leaf index.
pub async fn audit(store: &Store, key: &VerifierKey) -> Result<Vec<String>> {
    let mut problems = Vec::new();
    let size = store.log_size().await?;
    let records: HashMap<(String, String), (serde_json::Value, Option<u64>)> = store
        .published_records()
        .await?
        .into_iter()
        .map(|(kind, id, value, index)| ((kind, id), (value, index)))
        .collect();
    let rescoped = store.rescoped_evidence().await?;
    let mut tree = MerkleTree::new();
    let mut start = 0;
    let mut seen = std::collections::HashSet::new();
    while start < size {
        let leaves = store.log_entries(start, (start + 5000).min(size)).await?;
        if leaves.is_empty() {
            problems.push(format!("leaf {start} is missing from the store"));
            break;
        }
        for leaf in leaves {
            let stored = hex::decode(&leaf.leaf_hash).ok().and_then(|b| <Hash>::try_from(b).ok()).unwrap_or([0; 32]);
            if leaf_hash(leaf.body.as_bytes()) != stored {
                problems.push(format!("leaf {}: its stored hash does not match its body", leaf.index));
            }
            tree.push(stored);
            seen.insert((leaf.entity.clone(), leaf.entity_id.clone()));
            // Evidence migration 18 rescoped keeps the leaf it had: it must match the record
            // in the scope the audit log says it was logged with.
            let rescoped =
                (leaf.entity == RecordKind::IncidentEvidence.as_str()).then(|| rescoped.get(&leaf.entity_id)).flatten();
            if let Some(before) = rescoped {
                let now = store.incident_evidence(&Viewer::system(), Some(&leaf.entity_id), None).await?.pop();
                let now = now.map(|e| serde_json::to_value(&e)).transpose()?;
                match now.map(|v| as_logged(v, before)) {
                    Some(was) if jcs::leaf_body(&leaf.entity, &was).unwrap_or_default() == leaf.body => continue,
                    _ => problems.push(format!(
                        "leaf {} ({} {}): the evidence rescoped by migration 18 differs from what was logged",
                        leaf.index, leaf.entity, leaf.entity_id
                    )),
                }
                continue;
            }
            match records.get(&(leaf.entity.clone(), leaf.entity_id.clone())) {
                None => problems.push(format!(
                    "leaf {} ({} {}): the published record is gone from the database",
                    leaf.index, leaf.entity, leaf.entity_id
                )),
                Some((value, _)) => {
                    let now = jcs::leaf_body(&leaf.entity, value).unwrap_or_default();
                    if now != leaf.body {
                        problems.push(format!(
                            "leaf {} ({} {}): the record in the database differs from what was published",
                            leaf.index, leaf.entity, leaf.entity_id
                        ));
                    }
                }
            }
        }
        start = tree.size();
    }
    for ((kind, id), (_, index)) in &records {
        if !seen.contains(&(kind.clone(), id.clone())) {
            problems.push(format!("{kind} {id} is published but has no leaf (log index {index:?})"));
        }
    }
    match store.latest_checkpoint().await? {
        None if size > 0 => {
            problems.push("no signed checkpoint yet: start `normwatch serve` or fetch /log/checkpoint".into())
        }
        None => {}
        Some(c) => match checked_checkpoint(&c.note, key) {
            Err(e) => problems.push(format!("the latest checkpoint (size {}): {e:#}", c.size)),
            Ok((_, checkpoint)) => match tree.root_at(checkpoint.size) {
                Ok(root) if root == checkpoint.root => {}
                Ok(_) => problems.push(format!(
                    "the signed checkpoint of size {} does not match the stored leaves: the log was rewritten",
                    checkpoint.size
                )),
                Err(_) => problems.push(format!(
                    "the signed checkpoint is of size {} but the store has {size} leaves",
                    checkpoint.size
                )),
            },
        },
    }
    Ok(problems)
}

/// `normwatch log witness URL`: check another log's checkpoint against the last one seen from it
/// and cosign it. Returns the cosigned checkpoint, or an error that names a fork.
pub async fn witness(
    store: &Store,
    witness_key: &normwatch_ledger::InstanceKey,
    url: &str,
    key: &str,
) -> Result<(String, bool)> {
    let key = read_key(key)?;
    let peer = normwatch_federation::PeerClient::new(url, None)?;
    let (note, checkpoint) = checked_checkpoint(&peer.checkpoint().await?, &key)?;
    let previous = store.witnessed(&checkpoint.origin).await?;
    let first = previous.is_none();
    if let Some(prev) = previous {
        // The same continuity check a follower makes.
        let seen = normwatch_federation::seen(&prev.note).map_err(anyhow::Error::msg)?;
        if let Some(fork) = peer.extends(&seen, &checkpoint).await? {
            bail!("FORK: {fork}");
        }
    }
    let cosigned = normwatch_federation::cosigned(note, &key, witness_key, normwatch_federation::unix_now()).to_text();
    store.save_witnessed(&checkpoint.origin, checkpoint.size, &checkpoint.root, &cosigned).await?;
    // The log keeps and serves our cosignature if it knows us as a witness; if not, it says so.
    match peer.post_cosignature(&cosigned).await {
        Ok(()) => eprintln!("cosignature sent to {url}: the log serves it with this checkpoint"),
        Err(e) => eprintln!("cosignature kept here, not taken by the log: {e}"),
    }
    Ok((cosigned, first))
}

#[derive(Debug, Subcommand)]
pub enum WitnessesCommand {
    /// Know a witness by its key, as its `normwatch log key` prints it (or a file holding it).
    Add {
        /// The witness's verifier key (NAME+KEYID+BASE64), or a file holding it.
        key: String,
    },
    /// List the witnesses known: name, cosigner key, and whether added here or a peer followed.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// `normwatch log witnesses add|list`, through the use cases the API calls.
pub async fn witnesses(
    instance: &crate::setup::Instance,
    config: &crate::config::Config,
    cmd: WitnessesCommand,
) -> Result<ExitCode> {
    let account = crate::collect::operator();
    let who = normwatch_app::Acting::new(Some(&account), &[]);
    let app = crate::collect::app(instance, config);
    match cmd {
        WitnessesCommand::Add { key } => {
            let key = read_key(&key)?.encode();
            let w = app.add_witness(who, instance.key.name(), &key).await.map_err(crate::collect::refused)?;
            println!("{}", w.verifier_key);
            eprintln!("{} is a known witness: its cosignatures of this log's checkpoints are kept and served", w.name);
        }
        WitnessesCommand::List { json } => {
            let list = app.known_witnesses().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list)?);
            } else {
                for w in &list {
                    println!("{:<32}  {:<6}  {}", w.name, w.source, w.verifier_key);
                }
                eprintln!("{} witness(es)", list.len());
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A rescoped piece of evidence as it was when logged: published, at the marking the audit
/// entry's `before` names, and (as evidence was then) without a community.
fn as_logged(mut now: serde_json::Value, before: &serde_json::Value) -> serde_json::Value {
    if let Some(o) = now.as_object_mut() {
        o.remove("status");
        o.remove("community");
        if let Some(tlp) = before.get("tlp") {
            o.insert("tlp".into(), tlp.clone());
        }
    }
    now
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rescoped_evidence_is_checked_in_the_scope_it_was_logged_with() {
        // As the old code logged it: published (no status field), CLEAR, no community.
        let logged = json!({"id": "e1", "incident": "i1", "sha256": "ab", "tlp": "clear", "filename": "a.txt"});
        let leaf = jcs::leaf_body("incident-evidence", &logged).expect("leaf");
        // As it reads after migration 18: a draft at its incident's marking, in its community.
        let now = json!({"id": "e1", "incident": "i1", "sha256": "ab", "tlp": "amber", "filename": "a.txt",
                         "status": "draft", "community": "coop"});
        let before = json!({"tlp": "clear", "status": "published", "community": ""});
        assert_eq!(jcs::leaf_body("incident-evidence", &as_logged(now.clone(), &before)).expect("leaf"), leaf);
        // Anything else changed still shows.
        let mut edited = now;
        edited["filename"] = json!("b.txt");
        assert_ne!(jcs::leaf_body("incident-evidence", &as_logged(edited, &before)).expect("leaf"), leaf);
    }
}
