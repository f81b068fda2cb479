//! Co-signing collective attribution statements offline: a key of one's own, a signature over
//! the canonical bytes the instance shows, and the check of every signature in a downloaded bundle.
use anyhow::{Context, Result, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use normwatch_core::Localized;
use normwatch_core::violation::{statement_signing_value, verify_signature};
use serde::Deserialize;
use std::path::Path;
use std::process::ExitCode;

/// Writes a new Ed25519 signing key (base64 of its 32-byte seed, owner-only) and prints the
/// public key to register with POST /api/v1/stakeholders/{id}/keys.
pub fn keygen(file: &Path) -> Result<ExitCode> {
    if file.exists() {
        bail!("{} exists already; choose another file (a key is never overwritten)", file.display());
    }
    let seed: [u8; 32] = rand::random();
    let key = ed25519_dalek::SigningKey::from_bytes(&seed);
    write_private(file, &B64.encode(seed))?;
    println!("{}", B64.encode(key.verifying_key().to_bytes()));
    eprintln!("signing key written to {}; register the public key above with your stakeholder", file.display());
    Ok(ExitCode::SUCCESS)
}

fn write_private(file: &Path, text: &str) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(file).with_context(|| format!("cannot create {}", file.display()))?;
    f.write_all(format!("{text}\n").as_bytes())?;
    Ok(())
}

fn read_key(file: &Path) -> Result<ed25519_dalek::SigningKey> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read the key file {}", file.display()))?;
    let seed: [u8; 32] = B64
        .decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .with_context(|| format!("{} is not a key from `normwatch keygen` (base64 of 32 bytes)", file.display()))?;
    Ok(ed25519_dalek::SigningKey::from_bytes(&seed))
}

/// The bytes to sign: the `canonical` field of what /statements/{id}/canonical returned, or the
/// file's text as it is.
fn canonical_of(text: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) if v["canonical"].is_string() => v["canonical"].as_str().unwrap_or_default().to_owned(),
        _ => text.trim_end_matches('\n').to_owned(),
    }
}

/// Prints the base64 signature of a statement's canonical bytes.
pub fn sign(key: &Path, statement: &Path) -> Result<ExitCode> {
    use ed25519_dalek::Signer;
    let key = read_key(key)?;
    let text = std::fs::read_to_string(statement).with_context(|| format!("cannot read {}", statement.display()))?;
    let message = canonical_of(&text);
    if message.is_empty() {
        bail!("{} is empty: save GET /api/v1/statements/ID/canonical to it", statement.display());
    }
    println!("{}", B64.encode(key.sign(message.as_bytes()).to_bytes()));
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Deserialize)]
struct Bundle {
    statement: BundleStatement,
    signatures: Vec<BundleSignature>,
}

#[derive(Debug, Deserialize)]
struct BundleStatement {
    id: String,
    text: Localized,
    claims: Vec<String>,
    issued_on: String,
}

#[derive(Debug, Deserialize)]
struct BundleSignature {
    stakeholder: String,
    public_key: String,
    signature: String,
}

/// Checks every co-signature of a bundle from /statements/{id}/verify, from the statement's own
/// fields (not the canonical text the bundle carries). Exits 1 if any fails.
pub fn verify(file: &Path) -> Result<ExitCode> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let bundle: Bundle = serde_json::from_str(&text)
        .with_context(|| format!("{} is not the JSON of GET /api/v1/statements/ID/verify", file.display()))?;
    let s = &bundle.statement;
    let canonical = normwatch_ledger::jcs::canonical(&statement_signing_value(&s.id, &s.text, &s.claims, &s.issued_on))
        .context("the statement cannot be canonicalised")?;
    if bundle.signatures.is_empty() {
        eprintln!("FAILED: statement {} has no co-signature", s.id);
        return Ok(ExitCode::FAILURE);
    }
    let mut failed = 0;
    for sig in &bundle.signatures {
        match verify_signature(&sig.public_key, canonical.as_bytes(), &sig.signature) {
            Ok(()) => println!("ok: {} signed statement {}", sig.stakeholder, s.id),
            Err(e) => {
                failed += 1;
                eprintln!(
                    "FAILED: the signature of {} on statement {}: {e} (the statement or the signature was altered)",
                    sig.stakeholder, s.id
                );
            }
        }
    }
    Ok(if failed == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
