//! C2SP signed notes and their verification: a note that parses renders and parses back to
//! itself; verifying it against the log's key or a witness's never panics, and succeeds only
//! for the one signature that key makes of that text; the text re-signed and cosigned verifies.
//! A verifier key on the input's last line is parsed, round-tripped, and checked against.
#![no_main]
use libfuzzer_sys::fuzz_target;
use normwatch_ledger::note::SignedNote;
use normwatch_ledger::{Checkpoint, InstanceKey, VerifierKey};
use std::sync::OnceLock;

/// 2026-06-01T00:00:00Z: the "now" cosignatures are checked against.
const NOW: u64 = 1_780_272_000;

fn keys() -> &'static (InstanceKey, InstanceKey) {
    static KEYS: OnceLock<(InstanceKey, InstanceKey)> = OnceLock::new();
    KEYS.get_or_init(|| {
        (
            InstanceKey::from_seed("example.org/log", [1; 32]).expect("a valid key"),
            InstanceKey::from_seed("witness.example/w1", [9; 32]).expect("a valid key"),
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (log, witness) = keys();

    // A last line that is a verifier key (no newline after it): the note before it is checked
    // against that key.
    if let Some((head, line)) = text.rsplit_once('\n')
        && let Ok(key) = VerifierKey::parse(line)
    {
        assert_eq!(key.encode(), line.trim(), "one spelling per verifier key");
        assert_eq!(VerifierKey::parse(&key.encode()).as_ref(), Ok(&key));
        if let Ok(note) = SignedNote::parse(&text[..=head.len()]) {
            let _ = note.verify(&key);
            let _ = note.verify_cosignature(&key, NOW);
        }
    }

    let Ok(note) = SignedNote::parse(text) else { return };
    assert!(note.text.ends_with('\n'));
    let rendered = note.to_text();
    assert_eq!(SignedNote::parse(&rendered).as_ref(), Ok(&note), "render and parse again");
    assert_eq!(SignedNote::parse(&rendered).map(|n| n.to_text()), Ok(rendered.clone()));
    let _ = Checkpoint::parse(&note.text);

    // Ed25519 signatures are deterministic and verify_strict admits no other encoding, so only
    // the key's own signature of this very text can verify.
    if note.verify(&log.verifier()).is_ok() {
        let own = SignedNote::sign(&note.text, log);
        assert!(note.signatures.contains(&own.signatures[0]), "verified a signature the key did not make");
    }
    if let Ok(timestamp) = note.verify_cosignature(&witness.cosigner_verifier(), NOW) {
        assert!(timestamp <= NOW + 300);
        let mut own = SignedNote::sign(&note.text, log);
        own.cosign(witness, timestamp);
        assert!(note.signatures.contains(&own.signatures[1]), "verified a cosignature the witness did not make");
    }
    assert!(note.verify(&witness.cosigner_verifier()).is_err(), "a cosigner key is not a note key");

    // Whatever text parsed, signed and cosigned it verifies, through its rendering.
    let mut signed = SignedNote::sign(&note.text, log);
    let timestamp = NOW - (data.len() as u64);
    signed.cosign(witness, timestamp);
    let back = SignedNote::parse(&signed.to_text()).expect("a signed note parses");
    assert_eq!(back, signed);
    assert_eq!(back.verify(&log.verifier()), Ok(()));
    assert_eq!(back.verify_cosignature(&witness.cosigner_verifier(), NOW), Ok(timestamp));
});
