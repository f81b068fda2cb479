//! C2SP signed notes: a text ending in a newline, a blank line, and signature lines
//! `— <key name> base64(key id || signature)`.
use crate::key::{ALG_COSIGNATURE, ALG_ED25519, InstanceKey, VerifierKey};
use base64::{Engine, engine::general_purpose::STANDARD as B64};
use ed25519_dalek::Signature;

const DASH: &str = "\u{2014} ";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("not a signed note: {0}")]
    Malformed(&'static str),
    #[error("no signature by {0} on this note")]
    NotSignedBy(String),
    #[error("the signature by {0} does not verify: the note was altered or signed by another key")]
    BadSignature(String),
    #[error("the cosignature by {name} is dated {timestamp}, in the future")]
    FutureCosignature { name: String, timestamp: u64 },
}

/// One signature line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub key_id: [u8; 4],
    /// The signature bytes after the key id (64 for Ed25519; 8 + 64 for a cosignature).
    pub bytes: Vec<u8>,
}

impl NoteSignature {
    pub fn line(&self) -> String {
        let mut b = self.key_id.to_vec();
        b.extend_from_slice(&self.bytes);
        format!("{DASH}{} {}\n", self.name, B64.encode(b))
    }
}

/// A note and its signatures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedNote {
    /// The text, ending with a newline.
    pub text: String,
    pub signatures: Vec<NoteSignature>,
}

impl SignedNote {
    /// Signs `text` (which must end in a newline) with the instance key.
    pub fn sign(text: &str, key: &InstanceKey) -> SignedNote {
        let sig = key.sign(text.as_bytes());
        SignedNote {
            text: text.to_owned(),
            signatures: vec![NoteSignature {
                name: key.name().to_owned(),
                key_id: key.verifier().key_id(),
                bytes: sig.to_vec(),
            }],
        }
    }

    pub fn parse(note: &str) -> Result<SignedNote, NoteError> {
        if note.chars().any(|c| c.is_control() && c != '\n') {
            return Err(NoteError::Malformed("control characters other than newline"));
        }
        let split = note.rfind("\n\n").ok_or(NoteError::Malformed("no blank line before the signatures"))?;
        let text = &note[..split + 1];
        let mut signatures = Vec::new();
        for line in note[split + 2..].split_terminator('\n') {
            let rest =
                line.strip_prefix(DASH).ok_or(NoteError::Malformed("a signature line must start with an em dash"))?;
            let (name, b64) =
                rest.split_once(' ').ok_or(NoteError::Malformed("a signature line is `— name base64`"))?;
            let bytes = B64.decode(b64).map_err(|_| NoteError::Malformed("a signature is not base64"))?;
            if bytes.len() < 5 {
                return Err(NoteError::Malformed("a signature is too short"));
            }
            let key_id = [bytes[0], bytes[1], bytes[2], bytes[3]];
            signatures.push(NoteSignature { name: name.to_owned(), key_id, bytes: bytes[4..].to_vec() });
        }
        if signatures.is_empty() {
            return Err(NoteError::Malformed("no signature lines"));
        }
        Ok(SignedNote { text: text.to_owned(), signatures })
    }

    pub fn to_text(&self) -> String {
        let mut out = self.text.clone();
        out.push('\n');
        for s in &self.signatures {
            out.push_str(&s.line());
        }
        out
    }

    fn signature_by(&self, key: &VerifierKey) -> Result<&NoteSignature, NoteError> {
        let id = key.key_id();
        self.signatures
            .iter()
            .find(|s| s.name == key.name && s.key_id == id)
            .ok_or_else(|| NoteError::NotSignedBy(key.encode()))
    }

    /// Checks the note signature of `key` (type 0x01). Signatures of other keys are ignored.
    pub fn verify(&self, key: &VerifierKey) -> Result<(), NoteError> {
        if key.alg != ALG_ED25519 {
            return Err(NoteError::NotSignedBy(key.encode()));
        }
        let s = self.signature_by(key)?;
        let sig: [u8; 64] = s.bytes.as_slice().try_into().map_err(|_| NoteError::BadSignature(key.name.clone()))?;
        key.key
            .verify_strict(self.text.as_bytes(), &Signature::from_bytes(&sig))
            .map_err(|_| NoteError::BadSignature(key.name.clone()))
    }

    /// Adds a witness cosignature (C2SP tlog-cosignature, Ed25519, type 0x04) at `timestamp`.
    pub fn cosign(&mut self, witness: &InstanceKey, timestamp: u64) {
        let message = cosigned_message(&self.text, timestamp);
        let sig = witness.sign(message.as_bytes());
        let mut bytes = timestamp.to_be_bytes().to_vec();
        bytes.extend_from_slice(&sig);
        let key_id = witness.cosigner_verifier().key_id();
        self.signatures.retain(|s| !(s.name == witness.name() && s.key_id == key_id));
        self.signatures.push(NoteSignature { name: witness.name().to_owned(), key_id, bytes });
    }

    /// Checks a witness cosignature; returns its timestamp. `now` bounds it from above.
    pub fn verify_cosignature(&self, witness: &VerifierKey, now: u64) -> Result<u64, NoteError> {
        if witness.alg != ALG_COSIGNATURE {
            return Err(NoteError::NotSignedBy(witness.encode()));
        }
        let s = self.signature_by(witness)?;
        if s.bytes.len() != 72 {
            return Err(NoteError::BadSignature(witness.name.clone()));
        }
        let mut ts = [0u8; 8];
        ts.copy_from_slice(&s.bytes[..8]);
        let timestamp = u64::from_be_bytes(ts);
        let sig: [u8; 64] = s.bytes[8..].try_into().map_err(|_| NoteError::BadSignature(witness.name.clone()))?;
        witness
            .key
            .verify_strict(cosigned_message(&self.text, timestamp).as_bytes(), &Signature::from_bytes(&sig))
            .map_err(|_| NoteError::BadSignature(witness.name.clone()))?;
        if timestamp > now + 300 {
            return Err(NoteError::FutureCosignature { name: witness.name.clone(), timestamp });
        }
        Ok(timestamp)
    }
}

/// What a cosigner signs: `cosignature/v1\ntime <t>\n` and the note body.
fn cosigned_message(text: &str, timestamp: u64) -> String {
    format!("cosignature/v1\ntime {timestamp}\n{text}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(name: &str, seed: u8) -> InstanceKey {
        InstanceKey::from_seed(name, [seed; 32]).expect("valid")
    }

    #[test]
    fn notes_round_trip_and_detect_tampering_and_foreign_keys() {
        let log = key("example.org/log", 1);
        let note = SignedNote::sign("example.org/log\n3\nAAAA\n", &log);
        let text = note.to_text();
        assert!(text.starts_with("example.org/log\n3\nAAAA\n\n\u{2014} example.org/log "));
        let parsed = SignedNote::parse(&text).expect("parses");
        assert_eq!(parsed, note);
        assert_eq!(parsed.verify(&log.verifier()), Ok(()));
        let tampered = SignedNote::parse(&text.replacen("\n3\n", "\n4\n", 1)).expect("parses");
        assert!(matches!(tampered.verify(&log.verifier()), Err(NoteError::BadSignature(_))));
        let stranger = key("example.org/log", 2);
        assert!(
            matches!(parsed.verify(&stranger.verifier()), Err(NoteError::NotSignedBy(_))),
            "another key with the same name"
        );
        assert!(SignedNote::parse("no blank line\n").is_err());
    }

    #[test]
    fn cosignatures_verify_with_their_timestamp() {
        let log = key("example.org/log", 1);
        let witness = key("witness.example/w1", 9);
        let mut note = SignedNote::sign("example.org/log\n3\nAAAA\n", &log);
        note.cosign(&witness, 1_700_000_000);
        let parsed = SignedNote::parse(&note.to_text()).expect("parses");
        assert_eq!(parsed.verify(&log.verifier()), Ok(()), "the log's own signature still verifies");
        assert_eq!(parsed.verify_cosignature(&witness.cosigner_verifier(), 1_800_000_000), Ok(1_700_000_000));
        assert!(parsed.verify_cosignature(&witness.cosigner_verifier(), 1_600_000_000).is_err(), "from the future");
        assert!(parsed.verify(&witness.verifier()).is_err(), "a cosignature is not a note signature");
        let line = parsed.signatures[1].line();
        assert_eq!(B64.decode(line.trim().rsplit(' ').next().unwrap_or("")).map(|b| b.len()), Ok(4 + 8 + 64));
    }
}
