//! Stakeholders and their registered keys.
use crate::audit::{Actor, record};
use crate::rows::read_row;
use crate::sql::Sql;
use crate::{Store, StoreError, now_rfc3339};
use normwatch_core::adoption::{KeyInput, Stakeholder, StakeholderInput, StakeholderKey};
use normwatch_core::{FieldError, Localized};
use sha2::{Digest, Sha256};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

/// Filters over stakeholders.
#[derive(Debug, Clone, Default)]
pub struct StakeholderFilter {
    pub kind: Option<String>,
    pub country: Option<String>,
}

fn stakeholder_from(row: &AnyRow, keys: Vec<StakeholderKey>) -> Result<Stakeholder, StoreError> {
    Ok(read_row!(
        row,
        Stakeholder {
            id,
            name: Localized::new(row.try_get::<String, _>("name_ja")?, row.try_get::<String, _>("name_en")?),
            kind,
            country,
            website,
            keys: keys,
            created_at,
            updated_at,
            version,
        }
    ))
}

fn key_from(row: &AnyRow) -> Result<StakeholderKey, StoreError> {
    Ok(read_row!(row, StakeholderKey { id, label, public_key, added_at, revoked_at }))
}

const COLUMNS: &str = "id, name_ja, name_en, kind, country, website, created_at, updated_at, version";

pub(crate) async fn stakeholder_in(tx: &mut Transaction<'_, Any>, id: &str) -> Result<Option<Stakeholder>, StoreError> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM stakeholders WHERE id = $1")))
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let keys = sqlx::query("SELECT id, label, public_key, added_at, revoked_at FROM stakeholder_keys WHERE stakeholder_id = $1 ORDER BY added_at, id")
        .bind(id)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(key_from)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Some(stakeholder_from(&row, keys)?))
}

/// Creates a stakeholder in the caller's transaction (with its audit entry); a conflict when the
/// id is taken.
pub(crate) async fn create_stakeholder_in(
    tx: &mut Transaction<'_, Any>,
    actor: &Actor,
    input: &StakeholderInput,
) -> Result<Stakeholder, StoreError> {
    if stakeholder_in(tx, &input.id).await?.is_some() {
        return Err(StoreError::Conflict(format!("stakeholder `{}` exists already", input.id)));
    }
    let now = now_rfc3339();
    sqlx::query(
        "INSERT INTO stakeholders (id, name_ja, name_en, kind, country, website, created_at, updated_at, version)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 1)",
    )
    .bind(&input.id)
    .bind(&input.name.ja)
    .bind(&input.name.en)
    .bind(&input.kind)
    .bind(input.country.clone())
    .bind(input.website.clone())
    .bind(&now)
    .execute(&mut **tx)
    .await?;
    let created = require_stakeholder(tx, "id", &input.id).await?;
    record(tx, actor, "create", "stakeholder", &created.id, None::<&()>, Some(&created)).await?;
    Ok(created)
}

/// The stakeholder, or a rejection naming `field`.
pub(crate) async fn require_stakeholder(
    tx: &mut Transaction<'_, Any>,
    field: &str,
    id: &str,
) -> Result<Stakeholder, StoreError> {
    stakeholder_in(tx, id).await?.ok_or_else(|| {
        StoreError::Rejected(FieldError::new(field, format!("no stakeholder `{id}`; register it first")))
    })
}

impl Store {
    /// Registers a stakeholder (validated input). A taken id is a conflict.
    pub async fn create_stakeholder(&self, actor: &Actor, input: &StakeholderInput) -> Result<Stakeholder, StoreError> {
        let mut tx = self.begin_write().await?;
        let created = create_stakeholder_in(&mut tx, actor, input).await?;
        tx.commit().await?;
        Ok(created)
    }

    /// Updates a stakeholder; `input.version` must be the version read, else a conflict.
    pub async fn update_stakeholder(&self, actor: &Actor, input: &StakeholderInput) -> Result<Stakeholder, StoreError> {
        let mut tx = self.begin_write().await?;
        let before = stakeholder_in(&mut tx, &input.id)
            .await?
            .ok_or_else(|| StoreError::Rejected(FieldError::new("id", format!("no stakeholder `{}`", input.id))))?;
        let Some(read) = input.version else {
            return Err(StoreError::Rejected(FieldError::new(
                "version",
                "give the version you read (optimistic concurrency)",
            )));
        };
        let done = sqlx::query(
            "UPDATE stakeholders SET name_ja = $1, name_en = $2, kind = $3, country = $4, website = $5,
             updated_at = $6, version = version + 1 WHERE id = $7 AND version = $8",
        )
        .bind(&input.name.ja)
        .bind(&input.name.en)
        .bind(&input.kind)
        .bind(input.country.clone())
        .bind(input.website.clone())
        .bind(now_rfc3339())
        .bind(&input.id)
        .bind(read)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Conflict(format!(
                "stakeholder `{}` is at version {}, not {read}: read it again and reapply your change",
                input.id, before.version
            )));
        }
        let after = require_stakeholder(&mut tx, "id", &input.id).await?;
        record(&mut tx, actor, "update", "stakeholder", &after.id, Some(&before), Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    pub async fn stakeholder(&self, id: &str) -> Result<Option<Stakeholder>, StoreError> {
        let mut tx = self.pool.begin().await?;
        let s = stakeholder_in(&mut tx, id).await?;
        tx.commit().await?;
        Ok(s)
    }

    pub async fn stakeholders(&self, filter: &StakeholderFilter) -> Result<Vec<Stakeholder>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM stakeholders WHERE 1 = 1"));
        sql.and_eq("kind", filter.kind.as_deref());
        sql.and_eq("country", filter.country.as_deref());
        sql.push(" ORDER BY kind, id");
        let rows = sql.query().fetch_all(&self.pool).await?;
        let keys = sqlx::query("SELECT stakeholder_id, id, label, public_key, added_at, revoked_at FROM stakeholder_keys ORDER BY added_at, id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|r| {
                let id: String = r.try_get("id")?;
                let mine = keys
                    .iter()
                    .filter(|k| k.try_get::<String, _>("stakeholder_id").is_ok_and(|s| s == id))
                    .map(key_from)
                    .collect::<Result<Vec<_>, _>>()?;
                stakeholder_from(r, mine)
            })
            .collect()
    }

    /// Registers an Ed25519 public key (already checked by `KeyInput::validate`).
    pub async fn add_stakeholder_key(
        &self,
        actor: &Actor,
        stakeholder: &str,
        input: &KeyInput,
        key: &[u8; 32],
    ) -> Result<StakeholderKey, StoreError> {
        use base64::Engine;
        let mut tx = self.begin_write().await?;
        let before = require_stakeholder(&mut tx, "stakeholder", stakeholder).await?;
        let public_key = base64::engine::general_purpose::STANDARD.encode(key);
        let id = hex::encode(&Sha256::digest(key)[..8]);
        let taken = sqlx::query("SELECT stakeholder_id FROM stakeholder_keys WHERE public_key = $1")
            .bind(&public_key)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = taken {
            let owner: String = row.try_get("stakeholder_id")?;
            return Err(StoreError::Conflict(format!("this key is registered already, to stakeholder `{owner}`")));
        }
        sqlx::query("INSERT INTO stakeholder_keys (id, stakeholder_id, label, public_key, added_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&id)
            .bind(stakeholder)
            .bind(input.label.trim())
            .bind(&public_key)
            .bind(now_rfc3339())
            .execute(&mut *tx)
            .await?;
        let after = require_stakeholder(&mut tx, "stakeholder", stakeholder).await?;
        record(&mut tx, actor, "add-key", "stakeholder", stakeholder, Some(&before), Some(&after)).await?;
        tx.commit().await?;
        after
            .keys
            .into_iter()
            .find(|k| k.id == id)
            .ok_or_else(|| StoreError::Corrupt { what: "key".into(), reason: "not stored".into() })
    }
}
