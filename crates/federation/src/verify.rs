//! The checks a follower makes, with no I/O: a peer's checkpoint is signed by the pinned key,
//! each new checkpoint extends the last one seen (else the peer forked its log), and each record
//! received is a leaf of the tree that checkpoint commits to.
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use normwatch_ledger::note::SignedNote;
use normwatch_ledger::{Checkpoint, Frontier, Hash, VerifierKey, jcs, leaf_hash, verify_consistency, verify_inclusion};
use serde_json::Value;

/// Parses a signed checkpoint and checks it is signed by `key`, for the key's log (a follower's
/// pinned key, a witness's or an offline verifier's --key). The note comes back for cosigning.
pub fn checked_checkpoint(note_text: &str, key: &VerifierKey) -> Result<(SignedNote, Checkpoint), String> {
    let note = SignedNote::parse(note_text).map_err(|e| format!("the checkpoint is not a signed note: {e}"))?;
    note.verify(key)
        .map_err(|e| format!("the checkpoint's signature does not verify with the key of `{}`: {e}", key.name))?;
    let checkpoint = Checkpoint::parse(&note.text).map_err(|e| format!("the signed note is not a checkpoint: {e}"))?;
    if checkpoint.origin != key.name {
        return Err(format!("the checkpoint is of log `{}`, the key of `{}`", checkpoint.origin, key.name));
    }
    Ok((note, checkpoint))
}

/// The last checkpoint seen from a peer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    pub size: u64,
    pub root: Hash,
}

/// The last checkpoint seen, from the signed note kept when it was verified.
pub fn seen(note: &str) -> Result<Seen, String> {
    let note = SignedNote::parse(note).map_err(|e| format!("the kept checkpoint is damaged: {e}"))?;
    let c = Checkpoint::parse(&note.text).map_err(|e| format!("the kept checkpoint is damaged: {e}"))?;
    Ok(Seen { size: c.size, root: c.root })
}

/// How a new checkpoint stands to the last one seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The first checkpoint seen from this peer.
    First,
    /// The same tree again.
    Unchanged,
    /// A larger tree: a consistency proof from `from` must show it extends the last one.
    Grew { from: u64 },
}

/// Compares a new checkpoint with the last one seen; `Err` names the fork (a log that shrank,
/// or signed two roots for one size).
pub fn step(previous: Option<&Seen>, now: &Checkpoint) -> Result<Step, String> {
    let Some(prev) = previous else { return Ok(Step::First) };
    if now.size < prev.size {
        return Err(format!(
            "log {} shrank from {} to {} leaves: it rolled back history it had signed",
            now.origin, prev.size, now.size
        ));
    }
    if now.size == prev.size {
        if now.root != prev.root {
            return Err(format!(
                "log {} signed two different roots for size {}: {} and {}",
                now.origin,
                now.size,
                B64.encode(prev.root),
                B64.encode(now.root)
            ));
        }
        return Ok(Step::Unchanged);
    }
    Ok(Step::Grew { from: prev.size })
}

/// Checks a consistency proof from the last checkpoint seen to a larger one; `Err` names the fork.
pub fn check_consistency(previous: &Seen, now: &Checkpoint, proof: &[Hash]) -> Result<(), String> {
    verify_consistency(previous.size, now.size, &previous.root, &now.root, proof).map_err(|e| {
        format!(
            "log {} at size {} is not an extension of what it showed at size {}: {e}",
            now.origin, now.size, previous.size
        )
    })
}

/// A record with its inclusion proof, as `/log/proof/inclusion?record=TYPE/ID&size=N` answers.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordProof {
    pub kind: String,
    pub index: u64,
    pub size: u64,
    pub hashes: Vec<Hash>,
    pub record: Value,
}

/// Checks that `proof` is of the record announced (`kind`, `id`) and that the record is leaf
/// `proof.index` of the tree `checkpoint` commits to. `Err` says why the record is refused.
pub fn verify_record(kind: &str, id: &str, proof: &RecordProof, checkpoint: &Checkpoint) -> Result<(), String> {
    if proof.kind != kind {
        return Err(format!("announced as {kind} but the proof is of a {}", proof.kind));
    }
    if proof.record.get("id").and_then(Value::as_str) != Some(id) {
        return Err(format!("the proof carries another record than {kind}/{id}"));
    }
    if proof.size != checkpoint.size {
        return Err(format!("the proof is for a tree of {} leaves, the checkpoint of {}", proof.size, checkpoint.size));
    }
    let body = jcs::leaf_body(kind, &proof.record).map_err(|e| format!("the record cannot be canonicalised: {e}"))?;
    verify_inclusion(proof.index, proof.size, &leaf_hash(body.as_bytes()), &proof.hashes, &checkpoint.root).map_err(
        |e| {
            format!(
                "{kind}/{id} is not leaf {} of log {} at size {}: {e}",
                proof.index, checkpoint.origin, checkpoint.size
            )
        },
    )
}

/// Leaves `start..start + leaves.len()` of a peer's log, whose hashes (with the frontier the
/// follower kept of the leaves before) give the root the peer signed: each is proven.
#[derive(Debug, Clone, Default)]
pub struct LeafWindow {
    pub start: u64,
    pub leaves: Vec<Hash>,
}

impl LeafWindow {
    /// Extends `frontier` with the window's leaves and checks the result against the signed
    /// checkpoint; `Err` says the leaves are not that log's (altered in transit, or another
    /// history), and nothing of them is used.
    pub fn check(&self, frontier: &mut Frontier, checkpoint: &Checkpoint) -> Result<(), String> {
        if frontier.size() != self.start || self.start + self.leaves.len() as u64 != checkpoint.size {
            return Err(format!(
                "leaves {}..{} do not continue the {} checked before up to size {}",
                self.start,
                self.start + self.leaves.len() as u64,
                frontier.size(),
                checkpoint.size
            ));
        }
        for leaf in &self.leaves {
            frontier.push(*leaf);
        }
        if frontier.root() != checkpoint.root {
            return Err(format!(
                "the leaves of log {} up to size {} do not hash to the root it signed",
                checkpoint.origin, checkpoint.size
            ));
        }
        Ok(())
    }

    /// Checks a record against the proven leaf at its `log_index`: `None` when the record names
    /// no index in this window (the caller asks for its inclusion proof instead).
    pub fn verify(&self, kind: &str, id: &str, record: &Value) -> Option<Result<u64, String>> {
        let index = record.get("log_index").and_then(Value::as_u64)?;
        let leaf = index.checked_sub(self.start).and_then(|i| self.leaves.get(i as usize))?;
        if record.get("id").and_then(Value::as_str) != Some(id) {
            return Some(Err(format!("the object announced as {kind}/{id} carries another record")));
        }
        let computed = match jcs::leaf_body(kind, record) {
            Ok(body) => leaf_hash(body.as_bytes()),
            Err(e) => return Some(Err(format!("the record cannot be canonicalised: {e}"))),
        };
        Some(if computed == *leaf {
            Ok(index)
        } else {
            Err(format!("{kind}/{id} is not leaf {index} of the log: it was altered, or names another leaf"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use normwatch_ledger::{InstanceKey, MerkleTree};
    use serde_json::json;

    fn log_of(records: &[Value], key: &InstanceKey) -> (MerkleTree, String) {
        let mut tree = MerkleTree::new();
        for r in records {
            tree.push(leaf_hash(jcs::leaf_body("incident", r).expect("leaf").as_bytes()));
        }
        let text =
            Checkpoint { origin: key.name().to_owned(), size: tree.size(), root: tree.root(), extensions: vec![] }
                .to_text();
        (tree, SignedNote::sign(&text, key).to_text())
    }

    fn records(n: usize) -> Vec<Value> {
        (0..n).map(|i| json!({"id": format!("i{i}"), "title": {"en": format!("incident {i}")}})).collect()
    }

    #[test]
    fn a_record_in_the_signed_tree_verifies_and_an_altered_one_does_not() {
        let key = InstanceKey::from_seed("a.example/normwatch", [1; 32]).expect("key");
        let recs = records(5);
        let (tree, note) = log_of(&recs, &key);
        let (_, checkpoint) = checked_checkpoint(&note, &key.verifier()).expect("signed");
        let proof = RecordProof {
            kind: "incident".into(),
            index: 3,
            size: 5,
            hashes: tree.inclusion_proof(3, 5).expect("proof"),
            record: recs[3].clone(),
        };
        assert_eq!(verify_record("incident", "i3", &proof, &checkpoint), Ok(()));
        let mut altered = proof.clone();
        altered.record["title"]["en"] = json!("something else");
        let e = verify_record("incident", "i3", &altered, &checkpoint).expect_err("refused");
        assert!(e.contains("is not leaf 3"), "{e}");
        assert!(verify_record("incident", "i2", &proof, &checkpoint).is_err(), "another id");
        assert!(verify_record("position", "i3", &proof, &checkpoint).is_err(), "another kind");
    }

    #[test]
    fn a_window_of_leaves_proves_the_records_it_holds() {
        let key = InstanceKey::from_seed("a.example/normwatch", [1; 32]).expect("key");
        let mut recs = records(9);
        for (i, r) in recs.iter_mut().enumerate() {
            r["log_index"] = json!(i);
        }
        let (tree, note) = log_of(&recs, &key);
        let (_, checkpoint) = checked_checkpoint(&note, &key.verifier()).expect("signed");
        // A follower that checked the first four leaves before takes the next five.
        let mut frontier = Frontier::new();
        (0..4).for_each(|i| frontier.push(tree.leaf(i).expect("leaf")));
        let window = LeafWindow { start: 4, leaves: (4..9).map(|i| tree.leaf(i).expect("leaf")).collect() };
        let mut checked = frontier.clone();
        assert_eq!(window.check(&mut checked, &checkpoint), Ok(()));
        assert_eq!(window.verify("incident", "i6", &recs[6]), Some(Ok(6)));
        assert_eq!(window.verify("incident", "i2", &recs[2]), None, "before the window: ask for a proof");
        let mut altered = recs[7].clone();
        altered["title"]["en"] = json!("else");
        assert!(window.verify("incident", "i7", &altered).is_some_and(|r| r.is_err()));
        assert!(window.verify("incident", "i8", &recs[7]).is_some_and(|r| r.is_err()), "another id");
        // A leaf altered in transit: the window does not give the signed root.
        let mut bad = window.clone();
        bad.leaves[1] = leaf_hash(b"x");
        assert!(bad.check(&mut frontier.clone(), &checkpoint).is_err());
        // Nor does one that starts elsewhere than where the follower left off.
        let short = LeafWindow { start: 5, leaves: window.leaves[1..].to_vec() };
        assert!(short.check(&mut frontier.clone(), &checkpoint).is_err());
    }

    #[test]
    fn a_checkpoint_signed_by_another_key_or_for_another_log_is_refused() {
        let key = InstanceKey::from_seed("a.example/normwatch", [1; 32]).expect("key");
        let other = InstanceKey::from_seed("a.example/normwatch", [2; 32]).expect("key");
        let (_, note) = log_of(&records(2), &other);
        assert!(checked_checkpoint(&note, &key.verifier()).expect_err("refused").contains("does not verify"));
    }

    #[test]
    fn a_shrunk_log_or_a_second_root_for_one_size_is_a_fork_and_a_grown_one_needs_a_proof() {
        let key = InstanceKey::from_seed("a.example/normwatch", [1; 32]).expect("key");
        let (_, note) = log_of(&records(4), &key);
        let (_, four) = checked_checkpoint(&note, &key.verifier()).expect("signed");
        let seen = seen(&note).expect("kept");
        assert_eq!(seen, Seen { size: 4, root: four.root });
        assert_eq!(step(None, &four), Ok(Step::First));
        assert_eq!(step(Some(&seen), &four), Ok(Step::Unchanged));
        let (_, other_note) = log_of(&records(4).into_iter().rev().collect::<Vec<_>>(), &key);
        let (_, forked) = checked_checkpoint(&other_note, &key.verifier()).expect("signed");
        assert!(step(Some(&seen), &forked).expect_err("fork").contains("two different roots"));
        let (big_tree, big_note) = log_of(&records(7), &key);
        let (_, seven) = checked_checkpoint(&big_note, &key.verifier()).expect("signed");
        assert_eq!(step(Some(&seen), &seven), Ok(Step::Grew { from: 4 }));
        assert!(step(Some(&Seen { size: 7, root: seven.root }), &four).expect_err("fork").contains("shrank"));
        let proof = big_tree.consistency_proof(4, 7).expect("proof");
        assert_eq!(check_consistency(&seen, &seven, &proof), Ok(()));
        // A seven-leaf tree that does not start with the four seen is a fork.
        let mut rewritten = records(7);
        rewritten[1]["title"]["en"] = json!("rewritten");
        let (re_tree, re_note) = log_of(&rewritten, &key);
        let (_, re) = checked_checkpoint(&re_note, &key.verifier()).expect("signed");
        let proof = re_tree.consistency_proof(4, 7).expect("proof");
        assert!(check_consistency(&seen, &re, &proof).is_err());
    }
}
