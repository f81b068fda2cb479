//! Accounts and API tokens: an administrator creates an account; a person changes its own
//! password, mints tokens for itself and revokes them. Signing in (which the rate limiter guards)
//! stays with the interface; these take the account it proved.
use crate::ports::Accounts;
use crate::{Acting, App, AppError};
use normwatch_core::access::{AccountInput, TokenName};
use normwatch_core::{Account, FieldError, Right};
use normwatch_store::{Actor, NewAccount, TokenRecord};

/// What the interface provides for secrets: random values, the hash a random secret is stored
/// as, and password hashes under its password policy.
pub trait Secrets: Send + Sync {
    /// A fresh random secret (generated passwords, answer tokens).
    fn random_secret(&self) -> String;
    /// A fresh API token's secret, in the form the interface recognises.
    fn token_secret(&self) -> String;
    /// How a random secret is stored and looked up.
    fn secret_hash(&self, secret: &str) -> String;
    /// Refuses a password the policy does not accept, naming `field`.
    fn check_password(&self, field: &str, password: &str) -> Result<(), FieldError>;
    fn hash_password(&self, password: &str) -> Result<String, AppError>;
}

/// An account just created, with its password when it was generated (shown once).
#[derive(Debug)]
pub struct CreatedAccount {
    pub account: Account,
    pub generated_password: Option<String>,
}

/// A token just minted: its secret (shown once) and its record.
#[derive(Debug)]
pub struct MintedToken {
    pub secret: String,
    pub record: TokenRecord,
}

impl<S: Accounts> App<'_, S> {
    /// Creates an account (administrators); without a password, one is generated.
    pub async fn create_account(
        &self,
        who: Acting<'_>,
        input: &AccountInput,
        secrets: &impl Secrets,
    ) -> Result<CreatedAccount, AppError> {
        who.require(Right::ManageAccounts, None)?;
        input.validate().map_err(AppError::InvalidField)?;
        let generated = input.password.is_none();
        let password = input.password.clone().unwrap_or_else(|| secrets.random_secret());
        secrets.check_password("password", &password).map_err(AppError::InvalidField)?;
        let new = NewAccount {
            username: input.username.clone(),
            display_name: input.display_name.trim().to_owned(),
            role: input.role,
            stakeholder: input.stakeholder.clone(),
            password_hash: secrets.hash_password(&password)?,
        };
        let account = self.store.create_account(&who.actor(), &new).await?;
        Ok(CreatedAccount { account, generated_password: generated.then_some(password) })
    }

    /// Sets the signed-in account's new password (its current one already checked by the
    /// interface's sign-in); the store ends its sessions and tokens.
    pub async fn change_password(
        &self,
        who: Acting<'_>,
        new_password: &str,
        secrets: &impl Secrets,
    ) -> Result<(), AppError> {
        let account = who.signed_in()?;
        secrets.check_password("new_password", new_password).map_err(AppError::InvalidField)?;
        Ok(self.store.set_password_hash(&who.actor(), &account.id, &secrets.hash_password(new_password)?).await?)
    }

    /// Mints a token for `account`, lasting `days` (none: until revoked). A token minted with
    /// another token (`minted_with`) cannot outlive it.
    pub async fn create_token(
        &self,
        account: &Account,
        name: &TokenName,
        days: Option<u32>,
        minted_with: Option<&str>,
        secrets: &impl Secrets,
    ) -> Result<MintedToken, AppError> {
        let mut expires_at = days
            .map(|d| normwatch_store::timestamp(time::OffsetDateTime::now_utc() + time::Duration::days(i64::from(d))));
        if let Some(id) = minted_with
            && let Some(limit) = self.store.token(id).await?.and_then(|t| t.expires_at)
            && expires_at.as_ref().is_none_or(|e| e > &limit)
        {
            expires_at = Some(limit);
        }
        let secret = secrets.token_secret();
        let record = self
            .store
            .create_token(
                &Actor(account.id.clone()),
                &account.id,
                name.as_str(),
                &secrets.secret_hash(&secret),
                expires_at.as_deref(),
            )
            .await?;
        Ok(MintedToken { secret, record })
    }

    /// Revokes one of the signed-in account's tokens (administrators: anyone's).
    pub async fn revoke_token(&self, who: Acting<'_>, id: &str) -> Result<TokenRecord, AppError> {
        let account = who.signed_in()?;
        let not_found = || AppError::NotFound { kind: "token", id: id.to_owned() };
        let token = self.store.token(id).await?.ok_or_else(not_found)?;
        if token.account != account.id && !account.may(Right::ManageAccounts, None) {
            // Someone else's token is not even confirmed to exist.
            return Err(not_found());
        }
        Ok(self.store.revoke_token(&who.actor(), id).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_world::World;
    use normwatch_core::Role;

    struct Plain;

    impl Secrets for Plain {
        fn random_secret(&self) -> String {
            "r4nd0m-r4nd0m-r4nd0m".into()
        }
        fn token_secret(&self) -> String {
            "tok-1".into()
        }
        fn secret_hash(&self, secret: &str) -> String {
            format!("h:{secret}")
        }
        fn check_password(&self, field: &str, password: &str) -> Result<(), FieldError> {
            if password.len() < 12 { Err(FieldError::new(field, "too short")) } else { Ok(()) }
        }
        fn hash_password(&self, password: &str) -> Result<String, AppError> {
            Ok(format!("p:{password}"))
        }
    }

    #[tokio::test]
    async fn only_the_owner_or_an_admin_revokes_a_token() {
        let w = World::new().await;
        let app = w.app();
        let ann = w.account("ann", Role::Editor, None).await;
        let bob = w.account("bob", Role::Editor, None).await;
        let admin = w.account("root", Role::Admin, None).await;
        let name = TokenName::parse("ci").map_err(AppError::InvalidField).expect("name");
        let minted = app.create_token(&ann, &name, Some(3), None, &Plain).await.expect("token");
        assert_eq!(minted.secret, "tok-1");
        assert!(minted.record.expires_at.is_some());
        // Bob is told there is no such token, and it stays valid.
        let refused = app.revoke_token(Acting::new(Some(&bob), &[]), &minted.record.id).await;
        assert!(matches!(refused, Err(AppError::NotFound { kind: "token", .. })), "{refused:?}");
        let stored = w.store.token(&minted.record.id).await.expect("read").expect("token");
        assert!(stored.revoked_at.is_none());
        let revoked = app.revoke_token(Acting::new(Some(&admin), &[]), &minted.record.id).await.expect("revoke");
        assert!(revoked.revoked_at.is_some());
    }

    #[tokio::test]
    async fn a_contributor_account_names_its_stakeholder() {
        let w = World::new().await;
        let admin = w.account("root", Role::Admin, None).await;
        let input = AccountInput {
            username: "carl".into(),
            display_name: "Carl".into(),
            role: Role::Contributor,
            stakeholder: None,
            password: None,
        };
        let refused = w.app().create_account(Acting::new(Some(&admin), &[]), &input, &Plain).await;
        assert!(matches!(&refused, Err(AppError::InvalidField(e)) if e.field == "stakeholder"), "{refused:?}");
        let input = AccountInput { stakeholder: Some("jp".into()), ..input };
        let made = w.app().create_account(Acting::new(Some(&admin), &[]), &input, &Plain).await.expect("account");
        assert_eq!(made.generated_password.as_deref(), Some("r4nd0m-r4nd0m-r4nd0m"));
    }
}
