//! Witnessing both ways (C2SP tlog-cosignature), with no I/O but the clock: which known witnesses cosigned a
//! checkpoint — for a log that receives cosignatures of its own checkpoints, and for an offline
//! verifier that wants k of n witnesses it trusts to have seen the same tree.
use normwatch_ledger::note::SignedNote;
use normwatch_ledger::{InstanceKey, VerifierKey};

/// Seconds since 1970 by this machine's clock, as cosignatures carry them.
pub fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

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
        let Some(signature) = note.signatures.iter().find(|s| s.name == w.name && s.key_id == id) else { continue };
        let witness = w.encode();
        match note.verify_cosignature(&w, now) {
            Ok(signed_at) if !good.iter().any(|g| g.witness == witness) => good.push(CheckedCosignature {
                witness,
                name: w.name.clone(),
                line: signature.line().trim_end().to_owned(),
                signed_at,
            }),
            Ok(_) => {}
            Err(e) => bad.push(format!("witness {}: {e}", w.name)),
        }
    }
    (good, bad)
}

/// A log's checkpoint as a witness sends it back: the log's own signature (by `log`) and the
/// witness's cosignature at `now`, no other (C2SP tlog-cosignature).
pub fn cosigned(mut note: SignedNote, log: &VerifierKey, witness: &InstanceKey, now: u64) -> SignedNote {
    let id = log.key_id();
    note.signatures.retain(|s| s.name == log.name && s.key_id == id);
    note.cosign(witness, now);
    note
}

/// Cosignatures a witness sends of one of our checkpoints: the note must be exactly our signed
/// checkpoint `own` (its text), and carry at least one good cosignature by a witness we know.
pub fn received_cosignatures(
    note: &SignedNote,
    own: &SignedNote,
    witnesses: &[VerifierKey],
    now: u64,
) -> Result<Vec<CheckedCosignature>, String> {
    if note.text != own.text {
        return Err("this is not a checkpoint this log signed: cosign the note /log/checkpoint serves".into());
    }
    let (good, bad) = cosignatures(note, witnesses, now);
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

    /// As the log receives it: the text, parsed again.
    fn parsed(note: &SignedNote) -> SignedNote {
        SignedNote::parse(&note.to_text()).expect("parses")
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
        let got = received_cosignatures(&parsed(&note), &own, &known, 200).expect("accepted");
        assert_eq!(got.len(), 1);
        assert_eq!((got[0].name.as_str(), got[0].signed_at), ("b.example/normwatch", 100));
        assert!(got[0].line.starts_with("— b.example/normwatch "), "{}", got[0].line);
        // Only a stranger: refused, naming the fix.
        let mut only_stranger = own.clone();
        only_stranger.cosign(&stranger, 100);
        let e = received_cosignatures(&parsed(&only_stranger), &own, &known, 200).expect_err("unknown");
        assert!(e.contains("normwatch log witnesses add"), "{e}");
        // Another checkpoint (another size or root) than ours: refused.
        let mut other = checkpoint(&log, 6);
        other.cosign(&b, 100);
        assert!(received_cosignatures(&parsed(&other), &own, &known, 200).is_err());
        // A cosignature from the future, or altered, is refused.
        let mut future = own.clone();
        future.cosign(&b, 10_000);
        let e = received_cosignatures(&parsed(&future), &own, &known, 200).expect_err("future");
        assert!(e.contains("future"), "{e}");
        let mut forged = note.clone();
        forged.signatures[1].bytes[20] ^= 1;
        assert!(received_cosignatures(&parsed(&forged), &own, &known, 200).is_err());
    }

    #[test]
    fn a_witness_sends_back_the_logs_signature_and_its_own_only() {
        let log = key("a.example/normwatch", 1);
        let (b, c) = (key("b.example/normwatch", 2), key("c.example/normwatch", 3));
        let mut served = checkpoint(&log, 4);
        served.cosign(&b, 10);
        let back = cosigned(parsed(&served), &log.verifier(), &c, 20);
        let names: Vec<&str> = back.signatures.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["a.example/normwatch", "c.example/normwatch"]);
        assert!(back.verify(&log.verifier()).is_ok());
        assert_eq!(back.verify_cosignature(&c.cosigner_verifier(), 30), Ok(20));
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
