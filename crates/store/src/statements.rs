//! Co-signatures of collective attribution statements: each by a key registered to its signer,
//! over the statement's canonical bytes; checked when added and again whenever they are shown.
use crate::audit::{Actor, record};
use crate::rows::read_row;
use crate::{Store, StoreError, new_id, now_rfc3339};
use normwatch_core::{FieldError, RecordKind};
use serde::Serialize;
use sqlx::Row;

/// One co-signature, with the public key it verifies under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatementSignature {
    pub stakeholder: String,
    pub key_id: String,
    pub public_key: String,
    /// Base64 of the 64-byte Ed25519 signature.
    pub signature: String,
    pub signed_at: String,
}

impl Store {
    /// The keys registered to a stakeholder and not revoked: (id, base64 public key).
    pub async fn active_keys(&self, stakeholder: &str) -> Result<Vec<(String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, public_key FROM stakeholder_keys WHERE stakeholder_id = $1 AND revoked_at IS NULL ORDER BY added_at, id",
        )
        .bind(stakeholder)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("public_key")?))).collect()
    }

    /// Records a co-signature the caller has verified against `key_id`. One per signer.
    pub async fn add_statement_signature(
        &self,
        actor: &Actor,
        statement: &str,
        stakeholder: &str,
        key_id: &str,
        signature: &str,
    ) -> Result<StatementSignature, StoreError> {
        let mut tx = self.begin_write().await?;
        let taken =
            sqlx::query("SELECT 1 AS one FROM statement_signatures WHERE statement_id = $1 AND stakeholder_id = $2")
                .bind(statement)
                .bind(stakeholder)
                .fetch_optional(&mut *tx)
                .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!("`{stakeholder}` has co-signed this statement already")));
        }
        let now = now_rfc3339();
        sqlx::query(
            "INSERT INTO statement_signatures (id, statement_id, stakeholder_id, key_id, signature, signed_at, recorded_by)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(new_id())
        .bind(statement)
        .bind(stakeholder)
        .bind(key_id)
        .bind(signature)
        .bind(&now)
        .bind(&actor.0)
        .execute(&mut *tx)
        .await
        .map_err(|e| match StoreError::from(e) {
            StoreError::Database(e) => StoreError::Rejected(FieldError::new("key", format!("cannot record it: {e}"))),
            other => other,
        })?;
        let what = serde_json::json!({ "stakeholder": stakeholder, "key": key_id });
        record(
            &mut tx,
            actor,
            "co-sign",
            RecordKind::AttributionStatement.as_str(),
            statement,
            None::<&()>,
            Some(&what),
        )
        .await?;
        tx.commit().await?;
        self.statement_signatures(statement)
            .await?
            .into_iter()
            .find(|s| s.stakeholder == stakeholder)
            .ok_or(StoreError::NotFound)
    }

    /// A statement's co-signatures, oldest first, with their keys.
    pub async fn statement_signatures(&self, statement: &str) -> Result<Vec<StatementSignature>, StoreError> {
        let rows = sqlx::query(
            "SELECT s.stakeholder_id, s.key_id, k.public_key, s.signature, s.signed_at FROM statement_signatures s
             JOIN stakeholder_keys k ON k.id = s.key_id WHERE s.statement_id = $1 ORDER BY s.signed_at, s.id",
        )
        .bind(statement)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(read_row!(r, StatementSignature {
                    stakeholder = "stakeholder_id", key_id, public_key, signature, signed_at,
                }))
            })
            .collect()
    }
}
