//! The transparency log's cryptography. For now: the instance's Ed25519 signing key, encoded as a
//! C2SP signed-note key (`PRIVATE+KEY+<name>+<key id>+<base64>`) so that checkpoints signed later
//! verify with the standard note tooling. The Merkle tree, checkpoints and proofs come next.
#![forbid(unsafe_code)]

use base64::{Engine, engine::general_purpose::STANDARD as B64};
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use std::fmt;

/// The signature-type byte of Ed25519 in the signed-note key encoding.
const ALG_ED25519: u8 = 0x01;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("not a signed-note private key: expected PRIVATE+KEY+<name>+<key id>+<base64>")]
    Format,
    #[error("key name `{0}` is not allowed: it must be non-empty, printable, without `+` or spaces")]
    Name(String),
    #[error("the key is not an Ed25519 key (type byte {0:#04x})")]
    Algorithm(u8),
    #[error("the key id does not match the key: the file is damaged or edited")]
    KeyId,
}

/// The key with which this instance signs its log checkpoints.
#[derive(Clone)]
pub struct InstanceKey {
    name: String,
    key: SigningKey,
}

impl fmt::Debug for InstanceKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Never print the secret.
        f.debug_struct("InstanceKey").field("name", &self.name).field("key_id", &self.key_id_hex()).finish()
    }
}

fn valid_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| !c.is_whitespace() && !c.is_control() && c != '+')
}

/// The signed-note key id: the first 4 bytes of SHA-256(name || "\n" || type || public key).
pub fn key_id(name: &str, public: &VerifyingKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ALG_ED25519]);
    h.update(public.as_bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

impl InstanceKey {
    /// A key from 32 random bytes (the caller supplies randomness: this crate does no I/O).
    pub fn from_seed(name: &str, seed: [u8; 32]) -> Result<InstanceKey, KeyError> {
        if !valid_name(name) {
            return Err(KeyError::Name(name.to_owned()));
        }
        Ok(InstanceKey { name: name.to_owned(), key: SigningKey::from_bytes(&seed) })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn verifying_key(&self) -> VerifyingKey {
        self.key.verifying_key()
    }

    fn key_id_hex(&self) -> String {
        key_id(&self.name, &self.verifying_key()).iter().map(|b| format!("{b:02x}")).collect()
    }

    /// `PRIVATE+KEY+<name>+<key id>+<base64(type || seed)>`.
    pub fn encode_private(&self) -> String {
        let mut bytes = vec![ALG_ED25519];
        bytes.extend_from_slice(self.key.as_bytes());
        format!("PRIVATE+KEY+{}+{}+{}", self.name, self.key_id_hex(), B64.encode(bytes))
    }

    /// The verifier key anyone uses to check checkpoints: `<name>+<key id>+<base64(type || public)>`.
    pub fn encode_verifier(&self) -> String {
        let mut bytes = vec![ALG_ED25519];
        bytes.extend_from_slice(self.verifying_key().as_bytes());
        format!("{}+{}+{}", self.name, self.key_id_hex(), B64.encode(bytes))
    }

    pub fn parse_private(text: &str) -> Result<InstanceKey, KeyError> {
        let rest = text.trim().strip_prefix("PRIVATE+KEY+").ok_or(KeyError::Format)?;
        // The name has no `+`; the base64 part may, so split from the left.
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(KeyError::Format);
        };
        let bytes = B64.decode(b64).map_err(|_| KeyError::Format)?;
        let (&alg, seed) = bytes.split_first().ok_or(KeyError::Format)?;
        if alg != ALG_ED25519 {
            return Err(KeyError::Algorithm(alg));
        }
        let seed: [u8; 32] = seed.try_into().map_err(|_| KeyError::Format)?;
        let key = InstanceKey::from_seed(name, seed)?;
        if key.key_id_hex() != id {
            return Err(KeyError::KeyId);
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_key_round_trips_and_checks_its_id() {
        let key = InstanceKey::from_seed("normwatch.test/log", [7; 32]).expect("valid name");
        let text = key.encode_private();
        assert!(text.starts_with("PRIVATE+KEY+normwatch.test/log+"));
        let back = InstanceKey::parse_private(&text).expect("parses");
        assert_eq!(back.encode_verifier(), key.encode_verifier());
        // Flip the key id: the damage is detected.
        let mut parts: Vec<&str> = text.split('+').collect();
        parts[3] = "00000000";
        assert_eq!(InstanceKey::parse_private(&parts.join("+")).err(), Some(KeyError::KeyId));
        assert_eq!(InstanceKey::from_seed("bad name", [0; 32]).err(), Some(KeyError::Name("bad name".into())));
    }

    #[test]
    fn keys_whose_base64_holds_a_plus_sign_parse() {
        let key = (0..=255u8)
            .map(|b| InstanceKey::from_seed("n.example/log", [b; 32]).expect("valid"))
            .find(|k| k.encode_private().rsplit_once('+').is_some_and(|(head, _)| head.matches('+').count() > 4))
            .expect("some seed encodes with a + in its base64");
        let back = InstanceKey::parse_private(&key.encode_private()).expect("parses");
        assert_eq!(back.encode_verifier(), key.encode_verifier());
    }

    #[test]
    fn verifier_key_has_name_id_and_33_bytes() {
        let key = InstanceKey::from_seed("example.com/log", [1; 32]).expect("valid");
        let v = key.encode_verifier();
        let parts: Vec<&str> = v.split('+').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[1].len(), 8);
        assert_eq!(B64.decode(parts[2]).expect("base64").len(), 33);
    }
}
