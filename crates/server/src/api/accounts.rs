//! Accounts and API tokens.
use super::handler::{Answer, Write, listed, made, ok};
use crate::AppState;
use crate::auth::{self, Caller, Credential};
// Other API areas (contacts' answer tokens) take the secrets from here.
pub(crate) use crate::auth::ServerSecrets;
use crate::error::ApiError;
use crate::extract::{JsonBody, client_address};
use axum::extract::{Path, State};
use axum::http::{Extensions, StatusCode};
use axum::response::IntoResponse;
use normwatch_core::access::{AccountChange, AccountInput, TokenName, token_days};
use normwatch_core::{FieldError, Right};
use serde::Deserialize;
use serde_json::json;

pub async fn me(caller: Caller) -> Answer {
    let account = caller.signed_in()?;
    let rights: Vec<&str> = account.role.rights().iter().map(|r| r.name()).collect();
    ok(json!({ "account": account, "rights": rights }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    name: String,
    #[serde(default)]
    username: Option<String>,
    #[serde(default)]
    password: Option<String>,
    /// Days until the token expires; none: it lasts until revoked.
    #[serde(default)]
    expires_in_days: Option<u32>,
}

/// Issues a token for the caller — signed in already, or by username and password (the API's
/// sign-in, rate-limited). The secret is shown once.
pub async fn create_token(
    State(state): State<AppState>,
    caller: Caller,
    extensions: Extensions,
    JsonBody(req): JsonBody<TokenRequest>,
) -> Answer {
    let name = TokenName::parse(&req.name).map_err(ApiError::InvalidField)?;
    let account = match (&caller.account, &req.username, &req.password) {
        (_, Some(username), Some(password)) => {
            auth::sign_in(&state, username, password, client_address(&extensions)).await?
        }
        (Some(account), None, None) => account.clone(),
        (_, Some(_), None) => return Err(FieldError::new("password", "give the password with the username").into()),
        (_, None, Some(_)) => return Err(FieldError::new("username", "give the username with the password").into()),
        (None, None, None) => {
            return Err(ApiError::Unauthenticated("give `username` and `password`, or call with a token".into()));
        }
    };
    let days = token_days(req.expires_in_days)?;
    let minted_with = match (&caller.credential, &req.username) {
        (Credential::Token { id }, None) => Some(id.as_str()),
        _ => None,
    };
    let minted = state.app().create_token(&account, &name, days, minted_with, &ServerSecrets).await?;
    made(json!({ "token": minted.secret, "record": minted.record }))
}

pub async fn list_tokens(State(state): State<AppState>, caller: Caller) -> Answer {
    let account = caller.signed_in()?;
    ok(listed("tokens", &state.store.tokens(&account.id).await?))
}

/// Revokes one of the caller's tokens (admins: anyone's).
pub async fn revoke_token(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Answer {
    ok(state.app().revoke_token(caller.acting(), &id).await?)
}

pub async fn create_account(State(state): State<AppState>, write: Write<AccountInput>) -> Answer {
    let (caller, input) = write.with(Right::ManageAccounts)?;
    let created = state.app().create_account(caller.acting(), &input, &ServerSecrets).await?;
    let mut body = json!({ "account": created.account });
    if let Some(password) = created.generated_password {
        body["password"] = json!(password);
    }
    made(body)
}

pub async fn list_accounts(State(state): State<AppState>, caller: Caller) -> Answer {
    caller.require(Right::ManageAccounts, None)?;
    let accounts = state.store.accounts().await?;
    let due = state.store.accounts_with_one_time_password().await?;
    let accounts: Vec<_> = accounts.iter().map(|a| with_flag(a, due.contains(&a.id))).collect();
    ok(listed("accounts", &accounts))
}

/// An account as administrators read it: with whether its password is a one-time one still to
/// be changed.
fn with_flag(account: &normwatch_core::Account, due: bool) -> serde_json::Value {
    let mut value = json!(account);
    value["must_change_password"] = json!(due);
    value
}

async fn flagged(state: &AppState, account: &normwatch_core::Account) -> Result<serde_json::Value, ApiError> {
    Ok(with_flag(account, state.store.one_time_password(&account.id).await?))
}

/// One account (administrators).
pub async fn account(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Answer {
    let account = state.app().account(caller.acting(), &id).await?;
    ok(flagged(&state, &account).await?)
}

/// Changes an account's display name, role, stakeholder link, or disables or enables it.
pub async fn update_account(
    State(state): State<AppState>,
    Path(id): Path<String>,
    write: Write<AccountChange>,
) -> Answer {
    let (caller, change) = write.with(Right::ManageAccounts)?;
    let account = state.app().update_account(caller.acting(), &id, &change).await?;
    ok(flagged(&state, &account).await?)
}

/// Gives an account a new one-time password (administrators), returned once; its person
/// changes it at the next sign-in.
pub async fn reset_password(State(state): State<AppState>, caller: Caller, Path(id): Path<String>) -> Answer {
    let password = state.app().reset_password(caller.acting(), &id, &ServerSecrets).await?;
    ok(json!({ "password": password, "must_change_password": true }))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    current_password: String,
    new_password: String,
}

/// Changes the caller's own password; every session and token of the account ends.
pub async fn change_password(
    State(state): State<AppState>,
    extensions: Extensions,
    write: Write<PasswordChange>,
) -> Answer {
    let Write { caller, body } = write;
    let account = caller.signed_in()?;
    let req = body?;
    auth::check_current_password(&state, account, &req.current_password, client_address(&extensions)).await?;
    state.app().change_password(caller.acting(), &req.new_password, &ServerSecrets).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
