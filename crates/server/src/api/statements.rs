//! Collective attribution statements: their canonical bytes, co-signatures by registered keys,
//! and the verification of every signature.
use super::handler::{Answer, Read, Write, created};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use axum::extract::{Path, State};
use normwatch_app::SignatureInput;
use normwatch_app::statements::canonical;
use normwatch_core::violation::{StatementInput, verify_signature};
use normwatch_store::LedgerRecord;
use serde_json::json;

async fn statement(state: &AppState, caller: &Caller, id: &str) -> Result<LedgerRecord<StatementInput>, ApiError> {
    Ok(state.app().statement(caller.acting(), id).await?)
}

pub async fn canonical_bytes(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    read: Read,
) -> Answer {
    read.only(&[])?;
    let text = canonical(&statement(&state, &caller, &id).await?)?;
    read.render(&json!({ "statement": id, "canonical": text }))
}

pub async fn co_sign(State(state): State<AppState>, Path(id): Path<String>, write: Write<SignatureInput>) -> Answer {
    let (caller, input) = write.signed_in()?;
    let signature = state.app().add_co_signature(caller.acting(), &id, &input).await?;
    Ok(created(&signature, format!("/api/v1/statements/{id}/verify")))
}

/// The statement, its canonical bytes and every co-signature, each checked again now.
pub async fn verify(State(state): State<AppState>, caller: Caller, Path(id): Path<String>, read: Read) -> Answer {
    read.only(&[])?;
    let record = statement(&state, &caller, &id).await?;
    let message = canonical(&record)?;
    let signatures = state.store.statement_signatures(&id).await?;
    let checked: Vec<_> = signatures
        .iter()
        .map(|s| {
            let valid = verify_signature(&s.public_key, message.as_bytes(), &s.signature).is_ok();
            json!({ "stakeholder": s.stakeholder, "key_id": s.key_id, "public_key": s.public_key,
                    "signature": s.signature, "signed_at": s.signed_at, "valid": valid })
        })
        .collect();
    let all_valid = checked.iter().all(|c| c["valid"] == true);
    let b = &record.body;
    read.render(&json!({
        "statement": { "id": record.id, "text": b.text, "claims": b.claims, "issued_on": b.issued_on },
        "canonical": message,
        "signatures": checked,
        "valid": all_valid,
    }))
}
