//! Ed25519 keys in the C2SP signed-note encodings: the instance's private key
//! (`PRIVATE+KEY+<name>+<key id>+<base64>`) and verifier keys (`<name>+<key id>+<base64>`), for
//! signatures of type 0x01 (checkpoints) and 0x04 (`tlog-cosignature` witness cosignatures).

use base64::{Engine, engine::general_purpose::STANDARD as B64};
use ed25519_dalek::{SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use std::fmt;

/// The signature-type byte of Ed25519 note signatures.
pub const ALG_ED25519: u8 = 0x01;
/// The signature-type byte of timestamped Ed25519 cosignatures (C2SP tlog-cosignature).
pub const ALG_COSIGNATURE: u8 = 0x04;

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
    #[error("not a verifier key: expected <name>+<key id>+<base64 of type and 32-byte key>")]
    VerifierFormat,
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
    key_id_of(name, ALG_ED25519, public)
}

pub fn key_id_of(name: &str, alg: u8, public: &VerifyingKey) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([alg]);
    h.update(public.as_bytes());
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// A public key with its name and signature type, as readers configure it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    pub name: String,
    pub alg: u8,
    pub key: VerifyingKey,
}

impl VerifierKey {
    pub fn key_id(&self) -> [u8; 4] {
        key_id_of(&self.name, self.alg, &self.key)
    }

    /// `<name>+<key id hex>+<base64(type || key)>`.
    pub fn encode(&self) -> String {
        let mut bytes = vec![self.alg];
        bytes.extend_from_slice(self.key.as_bytes());
        format!("{}+{}+{}", self.name, hex(&self.key_id()), B64.encode(bytes))
    }

    /// The same key as a witness's (cosignatures, type 0x04): an instance witnesses with its log
    /// key, so the verifier key it publishes names its witness key too.
    pub fn as_cosigner(&self) -> VerifierKey {
        VerifierKey { name: self.name.clone(), alg: ALG_COSIGNATURE, key: self.key }
    }

    pub fn parse(text: &str) -> Result<VerifierKey, KeyError> {
        let mut parts = text.trim().splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(KeyError::VerifierFormat);
        };
        if !valid_name(name) {
            return Err(KeyError::Name(name.to_owned()));
        }
        let bytes = B64.decode(b64).map_err(|_| KeyError::VerifierFormat)?;
        let (&alg, key) = bytes.split_first().ok_or(KeyError::VerifierFormat)?;
        if alg != ALG_ED25519 && alg != ALG_COSIGNATURE {
            return Err(KeyError::Algorithm(alg));
        }
        let key: [u8; 32] = key.try_into().map_err(|_| KeyError::VerifierFormat)?;
        let key = VerifyingKey::from_bytes(&key).map_err(|_| KeyError::VerifierFormat)?;
        let v = VerifierKey { name: name.to_owned(), alg, key };
        if hex(&v.key_id()) != id {
            return Err(KeyError::KeyId);
        }
        Ok(v)
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
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

    /// The verifier for this key's note signatures (type 0x01).
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey { name: self.name.clone(), alg: ALG_ED25519, key: self.verifying_key() }
    }

    /// The verifier for this key used as a witness (cosignatures, type 0x04).
    pub fn cosigner_verifier(&self) -> VerifierKey {
        VerifierKey { name: self.name.clone(), alg: ALG_COSIGNATURE, key: self.verifying_key() }
    }

    /// An Ed25519 signature over `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        use ed25519_dalek::Signer;
        self.key.sign(message).to_bytes()
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
        self.verifier().encode()
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
    fn verifier_keys_parse_and_check_their_id() {
        let key = InstanceKey::from_seed("example.com/log", [3; 32]).expect("valid");
        let v = VerifierKey::parse(&key.encode_verifier()).expect("parses");
        assert_eq!(v, key.verifier());
        let cosigner = key.cosigner_verifier();
        assert_eq!(v.as_cosigner(), cosigner);
        assert_eq!(cosigner.as_cosigner(), cosigner);
        assert_ne!(cosigner.key_id(), v.key_id(), "the type byte is part of the id");
        assert_eq!(VerifierKey::parse(&cosigner.encode()), Ok(cosigner));
        let other = InstanceKey::from_seed("example.com/log", [4; 32]).expect("valid").encode_verifier();
        let forged = format!(
            "example.com/log+{}+{}",
            &v.encode().split('+').nth(1).unwrap_or(""),
            other.rsplit('+').next().unwrap_or("")
        );
        assert_eq!(VerifierKey::parse(&forged), Err(KeyError::KeyId));
        assert_eq!(VerifierKey::parse("nonsense"), Err(KeyError::VerifierFormat));
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
