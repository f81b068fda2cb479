//! Accounts and API tokens: an administrator creates an account; a person changes its own
//! password, mints tokens for itself and revokes them. Signing in (which the rate limiter guards)
//! stays with the interface; these take the account it proved.
use crate::ports::Accounts;
use crate::{Acting, App, AppError};
use normwatch_core::access::{AccountChange, AccountInput, TokenName};
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
            // A generated password is a one-time one: its person sets their own at sign-in.
            must_change_password: generated,
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
        let hash = secrets.hash_password(new_password)?;
        Ok(self.store.set_password_hash(&who.actor(), &account.id, &hash, false).await?)
    }

    /// An account, for administrators.
    pub async fn account(&self, who: Acting<'_>, id: &str) -> Result<Account, AppError> {
        who.require(Right::ManageAccounts, None)?;
        self.store.account(id).await?.ok_or_else(|| AppError::NotFound { kind: "account", id: id.to_owned() })
    }

    /// Changes an account's name, role, stakeholder link, or disables or enables it
    /// (administrators; core's rules say what an administrator may not do to itself).
    pub async fn update_account(&self, who: Acting<'_>, id: &str, change: &AccountChange) -> Result<Account, AppError> {
        let admin = who.require(Right::ManageAccounts, None)?;
        let account = self.account(who, id).await?;
        let update = change.apply(&account, admin).map_err(AppError::InvalidField)?;
        Ok(self.store.update_account(&who.actor(), id, &update).await?)
    }

    /// Gives an account a new generated one-time password (administrators), which it must
    /// change at its next sign-in; its sessions and tokens end. The password is shown once.
    pub async fn reset_password(&self, who: Acting<'_>, id: &str, secrets: &impl Secrets) -> Result<String, AppError> {
        let admin = who.require(Right::ManageAccounts, None)?;
        let account = self.account(who, id).await?;
        normwatch_core::access::may_reset_password(&account, admin).map_err(AppError::InvalidField)?;
        let password = secrets.random_secret();
        let hash = secrets.hash_password(&password)?;
        self.store.set_password_hash(&who.actor(), &account.id, &hash, true).await?;
        Ok(password)
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

    #[tokio::test]
    async fn disabling_and_relinking_go_through_the_rules_and_one_time_passwords_must_change() {
        let w = World::new().await;
        let app = w.app();
        let admin = w.account("root", Role::Admin, None).await;
        let as_admin = || Acting::new(Some(&admin), &[]);
        let input = AccountInput {
            username: "rita".into(),
            display_name: "Rita".into(),
            role: Role::Reviewer,
            stakeholder: None,
            password: None,
        };
        let rita = app.create_account(as_admin(), &input, &Plain).await.expect("account").account;
        assert_eq!(w.store.accounts_with_one_time_password().await.expect("read"), vec![rita.id.clone()]);
        assert!(w.store.one_time_password(&rita.id).await.expect("read"));
        // Linking a reviewer to a stakeholder that does not exist is refused by the store.
        let link = |s: &str| AccountChange { stakeholder: Some(Some(s.to_owned())), ..Default::default() };
        assert!(app.update_account(as_admin(), &rita.id, &link("nowhere")).await.is_err());
        let linked = app.update_account(as_admin(), &rita.id, &link("jp")).await.expect("linked");
        assert_eq!((linked.role, linked.stakeholder.as_deref()), (Role::Reviewer, Some("jp")));
        // The admin cannot disable itself; Rita can be disabled, and then holds no right.
        let off = AccountChange { disabled: Some(true), ..Default::default() };
        let refused = app.update_account(as_admin(), &admin.id, &off).await;
        assert!(matches!(&refused, Err(AppError::InvalidField(e)) if e.field == "disabled"), "{refused:?}");
        let disabled = app.update_account(as_admin(), &rita.id, &off).await.expect("disabled");
        assert!(disabled.disabled && !disabled.may(Right::ReviewRecords, None));
        // Only an administrator changes accounts.
        let by_rita = app.update_account(Acting::new(Some(&linked), &[]), &rita.id, &link("jp")).await;
        assert!(matches!(by_rita, Err(AppError::Forbidden { .. })), "{by_rita:?}");
        // Her own new password clears the one-time flag; an admin's reset sets it again.
        app.change_password(Acting::new(Some(&linked), &[]), "her own long password", &Plain).await.expect("change");
        assert!(w.store.accounts_with_one_time_password().await.expect("read").is_empty());
        assert!(!w.store.one_time_password(&rita.id).await.expect("read"));
        let given = app.reset_password(as_admin(), &rita.id, &Plain).await.expect("reset");
        assert_eq!(given, "r4nd0m-r4nd0m-r4nd0m");
        assert_eq!(w.store.accounts_with_one_time_password().await.expect("read"), vec![rita.id.clone()]);
    }
}
