//! Witnessing both ways (C2SP tlog-cosignature), with no I/O: which known witnesses cosigned a
//! checkpoint — for a log that receives cosignatures of its own checkpoints, and for an offline
//! verifier that wants k of n witnesses it trusts to have seen the same tree.
use normwatch_ledger::VerifierKey;
use normwatch_ledger::note::{NoteSignature, SignedNote};

/// A cosignature checked against a known witness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedCosignature {
    /// The witness's cosigner key (type 0x04), encoded.
    pub witness: String,
    pub name: String,
    /// The signature line as the witness wrote it.
    pub line: String,
    /// When the witness says it signed.
    pub signed_at: u64,
}

/// The cosignatures on `note` by any of `witnesses` (verifier keys of either type: an instance's
/// `log key` names its witness key too) that verify, and a line for each signature by a known
/// witness that does not. Signatures of keys not listed are ignored, as the signed-note spec says.
pub fn cosignatures(note: &SignedNote, witnesses: &[VerifierKey], now: u64) -> (Vec<CheckedCosignature>, Vec<String>) {
    let mut good: Vec<CheckedCosignature> = Vec::new();
    let mut bad = Vec::new();
    for w in witnesses.iter().map(VerifierKey::as_cosigner) {
        let id = w.key_id();
        if !note.signatures.iter().any(|s: &NoteSignature| s.name == w.name && s.key_id == id) {
            continue;
        }
        match note.verify_cosignature(&w, now) {
            Ok(signed_at) if !good.iter().any(|g| g.witness == w.encode()) => {
                let line = note.signatures.iter().find(|s| s.name == w.name && s.key_id == id).map(|s| s.line());
                good.push(CheckedCosignature {
                    witness: w.encode(),
                    name: w.name.clone(),
                    line: line.unwrap_or_default().trim_end().to_owned(),
                    signed_at,
                });
            }
            Ok(_) => {}
            Err(e) => bad.push(format!("witness {}: {e}", w.name)),
        }
    }
    (good, bad)
}

/// Cosignatures a witness sends of one of our checkpoints: the note must be exactly our signed
/// checkpoint `own` (its text), and carry at least one good cosignature by a witness we know.
pub fn received_cosignatures(
    posted: &str,
    own: &SignedNote,
    witnesses: &[VerifierKey],
    now: u64,
) -> Result<Vec<CheckedCosignature>, String> {
    let note = SignedNote::parse(posted).map_err(|e| format!("not a cosigned checkpoint: {e}"))?;
    if note.text != own.text {
        return Err("this is not a checkpoint this log signed: cosign the note /log/checkpoint serves".into());
    }
    let (good, bad) = cosignatures(&note, witnesses, now);
    if let Some(problem) = bad.first() {
        return Err(problem.clone());
    }
    if good.is_empty() {
        return Err("no cosignature by a witness this log knows: its operator adds the witness's key with \
                    `normwatch log witnesses add KEY` (or follows it as a peer)"
            .into());
    }
    Ok(good)
}

#[cfg(test)]
mod tests {
    use super::*;
    use normwatch_ledger::{Checkpoint, InstanceKey};

    fn key(name: &str, seed: u8) -> InstanceKey {
        InstanceKey::from_seed(name, [seed; 32]).expect("key")
    }

    fn checkpoint(log: &InstanceKey, size: u64) -> SignedNote {
        let c = Checkpoint { origin: log.name().to_owned(), size, root: [size as u8; 32], extensions: vec![] };
        SignedNote::sign(&c.to_text(), log)
    }

    #[test]
    fn a_log_takes_cosignatures_of_its_own_checkpoints_by_witnesses_it_knows() {
        let log = key("a.example/normwatch", 1);
        let (b, c, stranger) = (key("b.example/normwatch", 2), key("c.example/normwatch", 3), key("x.example/w", 4));
        let own = checkpoint(&log, 5);
        let mut note = own.clone();
        note.cosign(&b, 100);
        note.cosign(&stranger, 100);
        // Known by their log keys (type 0x01), as `log key` prints them.
        let known = [b.verifier(), c.verifier()];
        let got = received_cosignatures(&note.to_text(), &own, &known, 200).expect("accepted");
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].name.as_str(), got[0].signed_at), ("b.example/normwatch", 100));
        assert!(got[0].line.starts_with("— b.example/normwatch "), "{}", got[0].line);
        // Only a stranger: refused, naming the fix.
        let mut only_stranger = own.clone();
        only_stranger.cosign(&stranger, 100);
        let e = received_cosignatures(&only_stranger.to_text(), &own, &known, 200).expect_err("unknown");
        assert!(e.contains("normwatch log witnesses add"), "{e}");
        // Another checkpoint (another size or root) than ours: refused.
        let mut other = checkpoint(&log, 6);
        other.cosign(&b, 100);
        assert!(received_cosignatures(&other.to_text(), &own, &known, 200).is_err());
        // A cosignature from the future, or altered, is refused.
        let mut future = own.clone();
        future.cosign(&b, 10_000);
        let e = received_cosignatures(&future.to_text(), &own, &known, 200).expect_err("future");
        assert!(e.contains("future"), "{e}");
        let mut forged = note.clone();
        forged.signatures[1].bytes[20] ^= 1;
        assert!(received_cosignatures(&forged.to_text(), &own, &known, 200).is_err());
    }

    #[test]
    fn a_verifier_counts_the_witnesses_it_trusts() {
        let log = key("a.example/normwatch", 1);
        let (b, c, d) = (key("b.example/normwatch", 2), key("c.example/normwatch", 3), key("d.example/w", 5));
        let mut note = checkpoint(&log, 9);
        note.cosign(&b, 10);
        note.cosign(&c, 11);
        let parsed = SignedNote::parse(&note.to_text()).expect("parses");
        let (good, bad) = cosignatures(&parsed, &[b.cosigner_verifier(), c.verifier(), d.verifier()], 20);
        assert_eq!(
            good.iter().map(|g| g.name.as_str()).collect::<Vec<_>>(),
            ["b.example/normwatch", "c.example/normwatch"]
        );
        assert!(bad.is_empty());
        // The same witness named twice counts once.
        let (good, _) = cosignatures(&parsed, &[b.verifier(), b.cosigner_verifier()], 20);
        assert_eq!(good.len(), 1);
    }
}
