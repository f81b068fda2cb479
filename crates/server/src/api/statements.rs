//! Collective attribution statements: their canonical bytes, co-signatures by registered keys,
//! and the verification of every signature.
use super::render;
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::{JsonBody, Params, api_language};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use normwatch_core::violation::{StatementInput, statement_signing_value, verify_signature};
use normwatch_core::{FieldError, RecordKind, Right};
use normwatch_store::{LedgerRecord, StoreError};
use serde::Deserialize;
use serde_json::json;

async fn statement(state: &AppState, caller: &Caller, id: &str) -> Result<LedgerRecord<StatementInput>, ApiError> {
    state
        .store
        .ledger_record::<StatementInput>(&caller.viewer(), id)
        .await?
        .ok_or_else(|| ApiError::NotFound { kind: RecordKind::AttributionStatement.as_str(), id: id.to_owned() })
}

/// What a co-signer signs: RFC 8785 canonical JSON of the statement's id, text, claims and date.
pub fn canonical(record: &LedgerRecord<StatementInput>) -> Result<String, ApiError> {
    let b = &record.body;
    normwatch_ledger::jcs::canonical(&statement_signing_value(&record.id, &b.text, &b.claims, b.issued_on.as_str()))
        .map_err(|e| ApiError::Store(StoreError::Corrupt { what: "statement".into(), reason: e.to_string() }))
}

pub async fn canonical_bytes(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
    let record = statement(&state, &caller, &id).await?;
    let text = canonical(&record)?;
    render(&headers, api_language(&params, &headers), &json!({ "statement": id, "canonical": text }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureInput {
    /// The co-signing stakeholder (a contributor: its own).
    pub stakeholder: String,
    /// Base64 of the Ed25519 signature over the canonical bytes (`normwatch sign`).
    pub signature: String,
}

pub async fn co_sign(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    body: Result<JsonBody<SignatureInput>, ApiError>,
) -> Result<Response, ApiError> {
    caller.signed_in()?;
    let JsonBody(input) = body?;
    let signature = add_co_signature(&state, &caller, &id, &input).await?;
    Ok(super::created(&signature, format!("/api/v1/statements/{id}/verify")))
}

/// Adds a stakeholder's co-signature after checking it over the statement's canonical bytes
/// with one of the stakeholder's own registered keys; the API and the portal both call it.
pub(crate) async fn add_co_signature(
    state: &AppState,
    caller: &Caller,
    id: &str,
    input: &SignatureInput,
) -> Result<normwatch_store::StatementSignature, ApiError> {
    caller.require(Right::WriteIncidents, Some(&input.stakeholder))?;
    let record = statement(state, caller, id).await?;
    let message = canonical(&record)?;
    let keys = state.store.active_keys(&input.stakeholder).await?;
    if keys.is_empty() {
        return Err(ApiError::InvalidField(FieldError::new(
            "stakeholder",
            format!(
                "`{}` has no registered key: POST /api/v1/stakeholders/{}/keys first",
                input.stakeholder, input.stakeholder
            ),
        )));
    }
    // The signature must verify under one of the signer's own keys; another's key is refused.
    let Some((key_id, _)) =
        keys.iter().find(|(_, k)| verify_signature(k, message.as_bytes(), &input.signature).is_ok())
    else {
        return Err(ApiError::InvalidField(FieldError::new(
            "signature",
            format!(
                "does not verify with any key registered to `{}` over this statement's canonical bytes (GET /api/v1/statements/{id}/canonical)",
                input.stakeholder
            ),
        )));
    };
    Ok(state
        .store
        .add_statement_signature(&caller.actor(), id, &input.stakeholder, key_id, input.signature.trim())
        .await?)
}

/// The statement, its canonical bytes and every co-signature, each checked again now.
pub async fn verify(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, ApiError> {
    params.only(&[])?;
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
    render(
        &headers,
        api_language(&params, &headers),
        &json!({
            "statement": { "id": record.id, "text": b.text, "claims": b.claims, "issued_on": b.issued_on },
            "canonical": message,
            "signatures": checked,
            "valid": all_valid,
        }),
    )
}
