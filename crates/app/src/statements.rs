//! Collective attribution statements: what a co-signer signs, and adding a co-signature made
//! with one of the signer's own registered keys.
use crate::ports::{LedgerRead, StatementSigning};
use crate::{Acting, App, AppError};
use normwatch_core::violation::{StatementInput, statement_signing_value, verify_signature};
use normwatch_core::{RecordKind, Right};
use normwatch_store::{LedgerRecord, StatementSignature, StoreError};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignatureInput {
    /// The co-signing stakeholder (a contributor: its own).
    pub stakeholder: String,
    /// Base64 of the Ed25519 signature over the canonical bytes (`normwatch sign`).
    pub signature: String,
}

/// What a co-signer signs: RFC 8785 canonical JSON of the statement's id, text, claims and date.
pub fn canonical(record: &LedgerRecord<StatementInput>) -> Result<String, AppError> {
    let b = &record.body;
    normwatch_ledger::jcs::canonical(&statement_signing_value(&record.id, &b.text, &b.claims, b.issued_on.as_str()))
        .map_err(|e| AppError::Store(StoreError::Corrupt { what: "statement".into(), reason: e.to_string() }))
}

impl<S: LedgerRead> App<'_, S> {
    /// The statement as `who` may read it.
    pub async fn statement(&self, who: Acting<'_>, id: &str) -> Result<LedgerRecord<StatementInput>, AppError> {
        self.store
            .ledger_record::<StatementInput>(&who.viewer(), id)
            .await?
            .ok_or_else(|| AppError::NotFound { kind: RecordKind::AttributionStatement.as_str(), id: id.to_owned() })
    }
}

impl<S: LedgerRead + StatementSigning> App<'_, S> {
    /// Adds a stakeholder's co-signature after checking it over the statement's canonical bytes
    /// with one of the stakeholder's own registered keys.
    pub async fn add_co_signature(
        &self,
        who: Acting<'_>,
        id: &str,
        input: &SignatureInput,
    ) -> Result<StatementSignature, AppError> {
        who.require(Right::WriteIncidents, Some(&input.stakeholder))?;
        let record = self.statement(who, id).await?;
        let message = canonical(&record)?;
        let keys = self.store.active_keys(&input.stakeholder).await?;
        if keys.is_empty() {
            return Err(AppError::field(
                "stakeholder",
                format!(
                    "`{}` has no registered key: POST /api/v1/stakeholders/{}/keys first",
                    input.stakeholder, input.stakeholder
                ),
            ));
        }
        // The signature must verify under one of the signer's own keys; another's key is refused.
        let Some((key_id, _)) =
            keys.iter().find(|(_, k)| verify_signature(k, message.as_bytes(), &input.signature).is_ok())
        else {
            return Err(AppError::field(
                "signature",
                format!(
                    "does not verify with any key registered to `{}` over this statement's canonical bytes (GET /api/v1/statements/{id}/canonical)",
                    input.stakeholder
                ),
            ));
        };
        Ok(self
            .store
            .add_statement_signature(&who.actor(), id, &input.stakeholder, key_id, input.signature.trim())
            .await?)
    }
}
