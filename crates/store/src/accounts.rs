//! Accounts, portal sessions and API tokens. Secrets are hashed by the caller (Argon2id for
//! passwords, SHA-256 for random session and token secrets); the store never sees them.
use crate::audit::{Actor, record};
use crate::rows::read_row;
use crate::stakeholders::require_stakeholder;
use crate::{Store, StoreError, new_id, now_rfc3339};
use normwatch_core::access::AccountUpdate;
use normwatch_core::{Account, FieldError, Role};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

const COLUMNS: &str = "id, username, display_name, role, stakeholder_id, disabled, created_at, updated_at, version";

fn account_from(row: &AnyRow) -> Result<Account, StoreError> {
    let role: String = row.try_get("role")?;
    Ok(read_row!(row, Account {
        id, username, display_name,
        role: role.parse().map_err(|reason| StoreError::Corrupt { what: "account role".into(), reason })?,
        stakeholder = "stakeholder_id", disabled: row.try_get::<i64, _>("disabled")? != 0, created_at, updated_at,
        version,
    }))
}

/// A new account, validated by the caller; `password_hash` is an Argon2id PHC string.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub stakeholder: Option<String>,
    pub password_hash: String,
    /// Whether the password is a one-time one (generated, printed), to be changed at sign-in.
    pub must_change_password: bool,
}

/// A live portal session.
#[derive(Debug, Clone)]
pub struct SessionRecord {
    pub account: Account,
    pub csrf_token: String,
    pub expires_at: String,
}

/// An API token as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TokenRecord {
    pub id: String,
    pub account: String,
    pub name: String,
    pub created_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<String>,
}

fn token_from(row: &AnyRow) -> Result<TokenRecord, StoreError> {
    Ok(read_row!(row, TokenRecord {
        id, account = "account_id", name, created_at, expires_at, revoked_at, last_used_at,
    }))
}

impl Store {
    pub async fn create_account(&self, actor: &Actor, new: &NewAccount) -> Result<Account, StoreError> {
        let mut tx = self.begin_write().await?;
        if let Some(s) = &new.stakeholder {
            require_stakeholder(&mut tx, "stakeholder", s).await?;
        }
        let taken = sqlx::query("SELECT 1 AS one FROM accounts WHERE username = $1")
            .bind(&new.username)
            .fetch_optional(&mut *tx)
            .await?;
        if taken.is_some() {
            return Err(StoreError::Conflict(format!("username `{}` is taken", new.username)));
        }
        let id = new_id();
        let now = now_rfc3339();
        sqlx::query(
            "INSERT INTO accounts (id, username, display_name, role, stakeholder_id, password_hash, disabled, created_at, updated_at, version, must_change_password)
             VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7, 1, $8)",
        )
        .bind(&id)
        .bind(&new.username)
        .bind(&new.display_name)
        .bind(new.role.name())
        .bind(new.stakeholder.clone())
        .bind(&new.password_hash)
        .bind(&now)
        .bind(i64::from(new.must_change_password))
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM accounts WHERE id = $1")))
            .bind(&id)
            .fetch_one(&mut *tx)
            .await?;
        let account = account_from(&row)?;
        record(&mut tx, actor, "create", "account", &id, None::<&()>, Some(&account)).await?;
        tx.commit().await?;
        Ok(account)
    }

    pub async fn account(&self, id: &str) -> Result<Option<Account>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM accounts WHERE id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(account_from).transpose()
    }

    pub async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM accounts ORDER BY username")))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(account_from).collect()
    }

    pub async fn count_accounts(&self) -> Result<i64, StoreError> {
        Ok(sqlx::query("SELECT COUNT(*) AS n FROM accounts").fetch_one(&self.pool).await?.try_get("n")?)
    }

    /// The account and its password hash, for signing in.
    pub async fn account_for_sign_in(&self, username: &str) -> Result<Option<(Account, String)>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS}, password_hash FROM accounts WHERE username = $1"
        )))
        .bind(username)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((account_from(&r)?, r.try_get("password_hash")?))).transpose()
    }

    /// Sets an account's password; `one_time` when someone other than its person chose it (an
    /// administrator's reset), so that it must be changed at the next sign-in.
    pub async fn set_password_hash(
        &self,
        actor: &Actor,
        account_id: &str,
        hash: &str,
        one_time: bool,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let done = sqlx::query(
            "UPDATE accounts SET password_hash = $1, updated_at = $2, version = version + 1, must_change_password = $3
             WHERE id = $4",
        )
        .bind(hash)
        .bind(now_rfc3339())
        .bind(i64::from(one_time))
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::Rejected(FieldError::new("account", format!("no account `{account_id}`"))));
        }
        // Changing a password ends every session and token of the account.
        sqlx::query("DELETE FROM sessions WHERE account_id = $1").bind(account_id).execute(&mut *tx).await?;
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE account_id = $2 AND revoked_at IS NULL")
            .bind(now_rfc3339())
            .bind(account_id)
            .execute(&mut *tx)
            .await?;
        record(&mut tx, actor, "set-password", "account", account_id, None::<&()>, None::<&()>).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes an account's name, role, stakeholder or state, audited. Disabling it ends its
    /// sessions (its tokens stop working with it, and work again if it is enabled).
    pub async fn update_account(
        &self,
        actor: &Actor,
        account_id: &str,
        update: &AccountUpdate,
    ) -> Result<Account, StoreError> {
        let mut tx = self.begin_write().await?;
        let select = format!("SELECT {COLUMNS} FROM accounts WHERE id = $1");
        let before = sqlx::query(sqlx::AssertSqlSafe(select.clone())).bind(account_id).fetch_optional(&mut *tx).await?;
        let before = before.as_ref().map(account_from).transpose()?.ok_or(StoreError::NotFound)?;
        if let Some(s) = &update.stakeholder {
            require_stakeholder(&mut tx, "stakeholder", s).await?;
        }
        sqlx::query(
            "UPDATE accounts SET display_name = $1, role = $2, stakeholder_id = $3, disabled = $4, updated_at = $5,
             version = version + 1 WHERE id = $6",
        )
        .bind(&update.display_name)
        .bind(update.role.name())
        .bind(update.stakeholder.clone())
        .bind(i64::from(update.disabled))
        .bind(now_rfc3339())
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        if update.disabled {
            sqlx::query("DELETE FROM sessions WHERE account_id = $1").bind(account_id).execute(&mut *tx).await?;
        }
        let after =
            account_from(&sqlx::query(sqlx::AssertSqlSafe(select)).bind(account_id).fetch_one(&mut *tx).await?)?;
        record(&mut tx, actor, "update", "account", account_id, Some(&before), Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// Whether the account behind a live session (or, with `token`, a live API token) must
    /// change its one-time password before doing anything else.
    pub async fn password_change_due(&self, secret_hash: &str, token: bool) -> Result<bool, StoreError> {
        let sql = if token {
            "SELECT a.must_change_password AS due FROM api_tokens t JOIN accounts a ON a.id = t.account_id
             WHERE t.secret_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)
             AND a.disabled = 0"
        } else {
            "SELECT a.must_change_password AS due FROM sessions s JOIN accounts a ON a.id = s.account_id
             WHERE s.secret_hash = $1 AND s.expires_at > $2 AND a.disabled = 0"
        };
        let row = sqlx::query(sql).bind(secret_hash).bind(now_rfc3339()).fetch_optional(&self.pool).await?;
        Ok(match row {
            Some(r) => r.try_get::<i64, _>("due")? != 0,
            None => false,
        })
    }

    /// The ids of the accounts whose password is a one-time one not changed yet.
    pub async fn accounts_with_one_time_password(&self) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT id FROM accounts WHERE must_change_password <> 0 ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get("id")?)).collect()
    }

    /// Whether one account's password is a one-time one not changed yet (`false` for no such account).
    pub async fn one_time_password(&self, account_id: &str) -> Result<bool, StoreError> {
        let row = sqlx::query("SELECT must_change_password AS due FROM accounts WHERE id = $1")
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(match row {
            Some(r) => r.try_get::<i64, _>("due")? != 0,
            None => false,
        })
    }

    /// Opens a portal session (a sign-in), audited.
    pub async fn create_session(
        &self,
        secret_hash: &str,
        account_id: &str,
        csrf_token: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        sqlx::query("INSERT INTO sessions (secret_hash, account_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(secret_hash)
            .bind(account_id)
            .bind(csrf_token)
            .bind(now_rfc3339())
            .bind(expires_at)
            .execute(&mut *tx)
            .await?;
        // Expired sessions of anyone go when a new one starts: the table stays small.
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now_rfc3339()).execute(&mut *tx).await?;
        let what = serde_json::json!({ "expires_at": expires_at });
        record(&mut tx, &Actor(account_id.to_owned()), "sign-in", "session", account_id, None::<&()>, Some(&what))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A live session of an enabled account.
    pub async fn session(&self, secret_hash: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT s.csrf_token, s.expires_at, {} FROM sessions s JOIN accounts a ON a.id = s.account_id
             WHERE s.secret_hash = $1 AND s.expires_at > $2 AND a.disabled = 0",
            COLUMNS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ")
        )))
        .bind(secret_hash)
        .bind(now_rfc3339())
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(SessionRecord {
                account: account_from(&r)?,
                csrf_token: r.try_get("csrf_token")?,
                expires_at: r.try_get("expires_at")?,
            })
        })
        .transpose()
    }

    /// Ends a portal session (a sign-out), audited.
    pub async fn delete_session(&self, secret_hash: &str) -> Result<(), StoreError> {
        let mut tx = self.begin_write().await?;
        let row = sqlx::query("SELECT account_id FROM sessions WHERE secret_hash = $1")
            .bind(secret_hash)
            .fetch_optional(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM sessions WHERE secret_hash = $1").bind(secret_hash).execute(&mut *tx).await?;
        if let Some(row) = row {
            let account: String = row.try_get("account_id")?;
            record(&mut tx, &Actor(account.clone()), "sign-out", "session", &account, None::<&()>, None::<&()>).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn create_token(
        &self,
        actor: &Actor,
        account_id: &str,
        name: &str,
        secret_hash: &str,
        expires_at: Option<&str>,
    ) -> Result<TokenRecord, StoreError> {
        let mut tx = self.begin_write().await?;
        let id = new_id();
        sqlx::query("INSERT INTO api_tokens (id, account_id, name, secret_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(&id)
            .bind(account_id)
            .bind(name)
            .bind(secret_hash)
            .bind(now_rfc3339())
            .bind(expires_at.map(str::to_owned))
            .execute(&mut *tx)
            .await?;
        let row = sqlx::query("SELECT id, account_id, name, created_at, expires_at, revoked_at, last_used_at FROM api_tokens WHERE id = $1").bind(&id).fetch_one(&mut *tx).await?;
        let token = token_from(&row)?;
        record(&mut tx, actor, "create", "api-token", &id, None::<&()>, Some(&token)).await?;
        tx.commit().await?;
        Ok(token)
    }

    /// The enabled account of a live (unrevoked, unexpired) token; marks the token used.
    pub async fn token_account(&self, secret_hash: &str) -> Result<Option<(Account, String)>, StoreError> {
        let now = now_rfc3339();
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT t.id AS token_id, {} FROM api_tokens t JOIN accounts a ON a.id = t.account_id
             WHERE t.secret_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2) AND a.disabled = 0",
            COLUMNS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ")
        )))
        .bind(secret_hash)
        .bind(&now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let token_id: String = row.try_get("token_id")?;
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
            .bind(&now)
            .bind(&token_id)
            .execute(&self.pool)
            .await?;
        Ok(Some((account_from(&row)?, token_id)))
    }

    pub async fn tokens(&self, account_id: &str) -> Result<Vec<TokenRecord>, StoreError> {
        let rows = sqlx::query("SELECT id, account_id, name, created_at, expires_at, revoked_at, last_used_at FROM api_tokens WHERE account_id = $1 ORDER BY created_at, id")
            .bind(account_id)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(token_from).collect()
    }

    pub async fn token(&self, id: &str) -> Result<Option<TokenRecord>, StoreError> {
        let row = sqlx::query("SELECT id, account_id, name, created_at, expires_at, revoked_at, last_used_at FROM api_tokens WHERE id = $1").bind(id).fetch_optional(&self.pool).await?;
        row.as_ref().map(token_from).transpose()
    }

    /// Revokes a token (idempotent: revoking twice keeps the first time).
    pub async fn revoke_token(&self, actor: &Actor, id: &str) -> Result<TokenRecord, StoreError> {
        let mut tx = self.begin_write().await?;
        let select = "SELECT id, account_id, name, created_at, expires_at, revoked_at, last_used_at FROM api_tokens WHERE id = $1";
        let before = sqlx::query(select).bind(id).fetch_optional(&mut *tx).await?;
        let before = before
            .as_ref()
            .map(token_from)
            .transpose()?
            .ok_or_else(|| StoreError::Rejected(FieldError::new("id", format!("no token `{id}`"))))?;
        sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(now_rfc3339())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let after = token_from(&sqlx::query(select).bind(id).fetch_one(&mut *tx).await?)?;
        record(&mut tx, actor, "revoke", "api-token", id, Some(&before), Some(&after)).await?;
        tx.commit().await?;
        Ok(after)
    }
}
