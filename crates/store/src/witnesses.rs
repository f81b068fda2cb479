//! Witnessing both ways: the witnesses this instance knows, the cosignatures they sent of its
//! checkpoints, and the checkpoints of other logs this instance cosigned (served to anyone who
//! compares views of a log, so a log that shows two histories is caught).
use crate::audit::{Actor, record};
use crate::rows::read_row;
use crate::sql::{col, insert};
use crate::{Store, StoreError, now_rfc3339};
use serde::Serialize;
use sqlx::Row;

/// A witness this instance knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WitnessRecord {
    /// Its cosigner key (NAME+KEYID+BASE64, type 0x04).
    pub verifier_key: String,
    pub name: String,
    pub added_by: String,
    pub added_at: String,
}

/// A cosignature of one of this instance's checkpoints.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cosignature {
    pub size: u64,
    pub verifier_key: String,
    /// The signature line (`— name base64`), as the witness wrote it.
    pub line: String,
    /// When the witness signed (its own clock, seconds since 1970).
    pub signed_at: u64,
    pub received_at: String,
}

/// Another log's latest checkpoint as this instance checked and cosigned it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WitnessedLog {
    pub origin: String,
    pub size: u64,
    pub note: String,
    pub seen_at: String,
}

impl Store {
    /// Adds a known witness (a key known already is left as it is). Returns whether it was new.
    pub async fn add_witness(&self, actor: &Actor, verifier_key: &str, name: &str) -> Result<bool, StoreError> {
        let mut tx = self.begin_write().await?;
        let mut sql = insert(
            "log_witnesses",
            vec![
                col("verifier_key", verifier_key),
                col("name", name),
                col("added_by", actor.0.as_str()),
                col("added_at", now_rfc3339()),
            ],
        );
        sql.push(" ON CONFLICT (verifier_key) DO NOTHING");
        let added = sql.query().execute(&mut *tx).await?.rows_affected() > 0;
        if added {
            let after = serde_json::json!({"verifier_key": verifier_key, "name": name});
            record(&mut tx, actor, "create", "log-witness", verifier_key, None::<&serde_json::Value>, Some(&after))
                .await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    /// The witnesses added by hand, by name.
    pub async fn witnesses(&self) -> Result<Vec<WitnessRecord>, StoreError> {
        let rows =
            sqlx::query("SELECT verifier_key, name, added_by, added_at FROM log_witnesses ORDER BY name, verifier_key")
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(|r| Ok(read_row!(r, WitnessRecord { verifier_key, name, added_by, added_at }))).collect()
    }

    /// Keeps a witness's cosignature of checkpoint `size`; a later one by the same key replaces it.
    pub async fn save_cosignature(
        &self,
        size: u64,
        verifier_key: &str,
        line: &str,
        signed_at: u64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("DELETE FROM checkpoint_cosignatures WHERE size = $1 AND verifier_key = $2")
            .bind(size as i64)
            .bind(verifier_key)
            .execute(&mut *tx)
            .await?;
        let sql = insert(
            "checkpoint_cosignatures",
            vec![
                col("size", size as i64),
                col("verifier_key", verifier_key),
                col("line", line),
                col("signed_at", signed_at as i64),
                col("received_at", now_rfc3339()),
            ],
        );
        sql.query().execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The cosignatures received of checkpoint `size`, by key.
    pub async fn cosignatures(&self, size: u64) -> Result<Vec<Cosignature>, StoreError> {
        let rows = sqlx::query(
            "SELECT size, verifier_key, line, signed_at, received_at FROM checkpoint_cosignatures \
             WHERE size = $1 ORDER BY verifier_key",
        )
        .bind(size as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(cosignature_from).collect()
    }

    /// Every other log this instance checked and cosigned, with the latest checkpoint of each.
    pub async fn witnessed_logs(&self) -> Result<Vec<WitnessedLog>, StoreError> {
        let rows = sqlx::query("SELECT origin, size, note, seen_at FROM witnessed_logs ORDER BY origin")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let size: i64 = r.try_get("size")?;
                Ok(WitnessedLog {
                    origin: r.try_get("origin")?,
                    size: size as u64,
                    note: r.try_get("note")?,
                    seen_at: r.try_get("seen_at")?,
                })
            })
            .collect()
    }
}

fn cosignature_from(r: &sqlx::any::AnyRow) -> Result<Cosignature, StoreError> {
    let size: i64 = r.try_get("size")?;
    let signed_at: i64 = r.try_get("signed_at")?;
    Ok(Cosignature {
        size: size as u64,
        verifier_key: r.try_get("verifier_key")?,
        line: r.try_get("line")?,
        signed_at: signed_at as u64,
        received_at: r.try_get("received_at")?,
    })
}
