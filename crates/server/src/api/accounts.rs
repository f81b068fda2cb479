//! Accounts and API tokens.
use crate::AppState;
use crate::auth::{self, Caller, Credential, TOKEN_PREFIX};
use crate::error::ApiError;
use crate::extract::{JsonBody, client_address};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{Extensions, StatusCode};
use axum::response::{IntoResponse, Response};
use normwatch_core::access::valid_username;
use normwatch_core::{FieldError, Right, Role};
use normwatch_store::{Actor, NewAccount};
use serde::Deserialize;
use serde_json::json;

pub async fn me(caller: Caller) -> Result<Response, ApiError> {
    let account = caller.signed_in()?;
    let rights: Vec<&str> = account.role.rights().iter().map(|r| r.name()).collect();
    Ok(Json(json!({ "account": account, "rights": rights })).into_response())
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
) -> Result<Response, ApiError> {
    if req.name.trim().is_empty() || req.name.chars().count() > 100 {
        return Err(ApiError::InvalidField(FieldError::new(
            "name",
            "name the token (1–100 characters), e.g. the script that uses it",
        )));
    }
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
    let expires_at = match req.expires_in_days {
        Some(0) => return Err(FieldError::new("expires_in_days", "at least 1 day").into()),
        Some(days) => Some(normwatch_store::timestamp(
            time::OffsetDateTime::now_utc() + time::Duration::days(i64::from(days.min(3650))),
        )),
        None => None,
    };
    // A token cannot outlive the token that minted it.
    let mut expires_at = expires_at;
    if let (Credential::Token { id }, None) = (&caller.credential, &req.username)
        && let Some(limit) = state.store.token(id).await?.and_then(|t| t.expires_at)
        && expires_at.as_ref().is_none_or(|e| e > &limit)
    {
        expires_at = Some(limit);
    }
    let secret = format!("{TOKEN_PREFIX}{}", auth::random_secret());
    let record = state
        .store
        .create_token(
            &Actor(account.id.clone()),
            &account.id,
            req.name.trim(),
            &auth::secret_hash(&secret),
            expires_at.as_deref(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "token": secret, "record": record }))).into_response())
}

pub async fn list_tokens(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    let account = caller.signed_in()?;
    let tokens = state.store.tokens(&account.id).await?;
    Ok(Json(json!({ "count": tokens.len(), "tokens": tokens })).into_response())
}

/// Revokes one of the caller's tokens (admins: anyone's).
pub async fn revoke_token(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let account = caller.signed_in()?;
    let token = state.store.token(&id).await?.ok_or(ApiError::NotFound { kind: "token", id: id.clone() })?;
    if token.account != account.id && !account.may(Right::ManageAccounts, None) {
        // Someone else's token is not even confirmed to exist.
        return Err(ApiError::NotFound { kind: "token", id });
    }
    let revoked = state.store.revoke_token(&caller.actor(), &id).await?;
    Ok(Json(revoked).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccountRequest {
    username: String,
    display_name: String,
    role: Role,
    #[serde(default)]
    stakeholder: Option<String>,
    /// Leave out to have one generated (returned once).
    #[serde(default)]
    password: Option<String>,
}

pub async fn create_account(
    State(state): State<AppState>,
    caller: Caller,
    body: Result<JsonBody<AccountRequest>, ApiError>,
) -> Result<Response, ApiError> {
    caller.require(Right::ManageAccounts, None)?;
    let JsonBody(req) = body?;
    if !valid_username(&req.username) {
        return Err(ApiError::InvalidField(FieldError::new("username", "3–64 of a-z, 0-9, `.`, `_`, `-`")));
    }
    if req.display_name.trim().is_empty() || req.display_name.chars().count() > 200 {
        return Err(ApiError::InvalidField(FieldError::new("display_name", "1–200 characters")));
    }
    if req.role == Role::Contributor && req.stakeholder.is_none() {
        return Err(ApiError::InvalidField(FieldError::new(
            "stakeholder",
            "a contributor acts for one stakeholder: name it",
        )));
    }
    let generated = req.password.is_none();
    let password = req.password.clone().unwrap_or_else(auth::random_secret);
    auth::check_password("password", &password).map_err(ApiError::InvalidField)?;
    let new = NewAccount {
        username: req.username.clone(),
        display_name: req.display_name.trim().to_owned(),
        role: req.role,
        stakeholder: req.stakeholder.clone(),
        password_hash: auth::hash_password(&password)?,
    };
    let account = state.store.create_account(&caller.actor(), &new).await?;
    let mut body = json!({ "account": account });
    if generated {
        body["password"] = json!(password);
    }
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

pub async fn list_accounts(State(state): State<AppState>, caller: Caller) -> Result<Response, ApiError> {
    caller.require(Right::ManageAccounts, None)?;
    let accounts = state.store.accounts().await?;
    Ok(Json(json!({ "count": accounts.len(), "accounts": accounts })).into_response())
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
    caller: Caller,
    extensions: Extensions,
    body: Result<JsonBody<PasswordChange>, ApiError>,
) -> Result<Response, ApiError> {
    let account = caller.signed_in()?;
    let JsonBody(req) = body?;
    auth::sign_in(&state, &account.username, &req.current_password, client_address(&extensions)).await.map_err(
        |e| match e {
            ApiError::Unauthenticated(_) => {
                ApiError::InvalidField(FieldError::new("current_password", "is not the current password"))
            }
            other => other,
        },
    )?;
    auth::check_password("new_password", &req.new_password).map_err(ApiError::InvalidField)?;
    state.store.set_password_hash(&caller.actor(), &account.id, &auth::hash_password(&req.new_password)?).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
