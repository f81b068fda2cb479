//! Who is calling: bearer tokens for the API, session cookies (with CSRF tokens) for the portal,
//! Argon2id passwords, and the limiter that slows down password guessing.
use crate::AppState;
use crate::error::ApiError;
use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use axum::extract::FromRequestParts;
use axum::http::{HeaderMap, header, request::Parts};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use normwatch_app::{Acting, AppError, Secrets};
use normwatch_core::{Account, FieldError, Right, Viewer};
use normwatch_store::{Actor, StoreError};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub const SESSION_COOKIE: &str = "nw_session";
pub const LOGIN_CSRF_COOKIE: &str = "nw_login_csrf";
pub const TOKEN_PREFIX: &str = "nwt_";
pub const SESSION_HOURS: i64 = 12;

/// 32 random bytes, URL-safe base64: session secrets, API tokens, CSRF tokens, passwords.
pub fn random_secret() -> String {
    URL_SAFE_NO_PAD.encode(rand::random::<[u8; 32]>())
}

/// How secrets are stored: SHA-256, hex. The secrets are random, so a fast hash is enough.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

pub fn hash_password(password: &str) -> Result<String, ApiError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| ApiError::Store(StoreError::Corrupt { what: "password hash".into(), reason: e.to_string() }))
}

/// What an unknown username's password is checked against, so that timing does not tell which
/// names exist: the hash of a random password nobody kept, with the parameters `hash_password`
/// uses (a test keeps them equal). A constant, so that no Argon2 hash is made at start-up.
pub const DUMMY_PASSWORD_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$pO5Vxu0W4piNcE+uDVHRmg$6BAgQSllej8+Lytek/j28KuPUusdV+orpozyqdCkrk0";

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A password policy a demanding user accepts: long enough, not absurdly long.
pub fn check_password(field: &str, password: &str) -> Result<(), normwatch_core::FieldError> {
    let n = password.chars().count();
    if n < 12 {
        return Err(normwatch_core::FieldError::new(field, "at least 12 characters"));
    }
    if n > 256 {
        return Err(normwatch_core::FieldError::new(field, "at most 256 characters"));
    }
    Ok(())
}

/// Counts sign-in attempts per username and per client address over a sliding window. An
/// attempt is counted when it starts, under one lock, so parallel guesses cannot all slip
/// through before the first failure is counted; a success takes its attempt back.
#[derive(Debug)]
pub struct SignInLimiter {
    window: Duration,
    per_user: usize,
    per_address: usize,
    attempts: Mutex<HashMap<String, Vec<Instant>>>,
}

impl SignInLimiter {
    pub fn new(window: Duration, per_user: usize, per_address: usize) -> Self {
        SignInLimiter { window, per_user, per_address, attempts: Mutex::new(HashMap::new()) }
    }

    fn keys(username: &str, address: Option<IpAddr>) -> [(Option<String>, usize); 2] {
        [(Some(format!("user:{username}")), 0), (address.map(|a| format!("addr:{a}")), 1)]
    }

    /// Counts an attempt, or refuses it with the seconds to wait when either the username or the
    /// address has used up its attempts.
    pub fn attempt(&self, username: &str, address: Option<IpAddr>) -> Result<(), u64> {
        let now = Instant::now();
        let mut map = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        // Forget what the window has passed, so the map holds recent attempts only.
        map.retain(|_, list| {
            list.retain(|t| now.duration_since(*t) < self.window);
            !list.is_empty()
        });
        let mut wait = 0;
        for (key, which) in Self::keys(username, address) {
            let Some(key) = key else { continue };
            let limit = if which == 0 { self.per_user } else { self.per_address };
            if let Some(list) = map.get(&key)
                && list.len() >= limit
                && let Some(oldest) = list.first()
            {
                wait = wait.max(self.window.saturating_sub(now.duration_since(*oldest)).as_secs().max(1));
            }
        }
        if wait > 0 {
            return Err(wait);
        }
        for (key, _) in Self::keys(username, address) {
            if let Some(key) = key {
                map.entry(key).or_default().push(now);
            }
        }
        Ok(())
    }

    /// A successful sign-in: its attempt does not count, and the username starts afresh.
    pub fn succeed(&self, username: &str, address: Option<IpAddr>) {
        let mut map = self.attempts.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(&format!("user:{username}"));
        if let Some(a) = address
            && let Some(list) = map.get_mut(&format!("addr:{a}"))
        {
            list.pop();
        }
    }
}

/// Checks a username and password, with the limiter around it. Argon2 runs on the blocking
/// pool, a few at a time, so that guessing cannot stall the async workers.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: &str,
    address: Option<IpAddr>,
) -> Result<Account, ApiError> {
    let wrong = || ApiError::Unauthenticated("wrong username or password".into());
    if !normwatch_core::access::valid_username(username) || password.len() > 1024 {
        return Err(wrong());
    }
    state
        .sign_in_limiter
        .attempt(username, address)
        .map_err(|retry_after| ApiError::TooManyRequests { retry_after })?;
    let found = state.store.account_for_sign_in(username).await?;
    // Unknown names are checked against a dummy hash, so timing does not tell which exist.
    let hash = found.as_ref().map_or_else(|| DUMMY_PASSWORD_HASH.to_owned(), |(_, h)| h.clone());
    let permit = state.password_checks.clone().acquire_owned().await.map_err(|_| wrong())?;
    let password = password.to_owned();
    let verified = tokio::task::spawn_blocking(move || {
        let ok = verify_password(&password, &hash);
        drop(permit);
        ok
    })
    .await
    .unwrap_or(false);
    match found {
        Some((account, _)) if verified && !account.disabled => {
            state.sign_in_limiter.succeed(username, address);
            Ok(account)
        }
        _ => Err(wrong()),
    }
}

/// The server's secrets for the use cases: random values, SHA-256 of a random secret, Argon2id
/// passwords under the instance's password policy.
#[derive(Debug)]
pub struct ServerSecrets;

impl Secrets for ServerSecrets {
    fn random_secret(&self) -> String {
        random_secret()
    }
    fn token_secret(&self) -> String {
        format!("{TOKEN_PREFIX}{}", random_secret())
    }
    fn secret_hash(&self, secret: &str) -> String {
        secret_hash(secret)
    }
    fn check_password(&self, field: &str, password: &str) -> Result<(), FieldError> {
        check_password(field, password)
    }
    fn hash_password(&self, password: &str) -> Result<String, AppError> {
        hash_password(password).map_err(|e| match e {
            ApiError::Store(e) => AppError::Store(e),
            other => AppError::Store(StoreError::Corrupt { what: "password hash".into(), reason: other.to_string() }),
        })
    }
}

/// Checks the signed-in account's current password before it is changed, through the sign-in
/// and its limiter; a wrong one is a refusal of the field `current_password`.
pub async fn check_current_password(
    state: &AppState,
    account: &Account,
    password: &str,
    address: Option<IpAddr>,
) -> Result<(), ApiError> {
    sign_in(state, &account.username, password, address).await.map(|_| ()).map_err(|e| match e {
        ApiError::Unauthenticated(_) => {
            ApiError::InvalidField(normwatch_core::FieldError::new("current_password", "is not the current password"))
        }
        other => other,
    })
}

/// Opens a portal session for the account (a sign-in, audited) and returns the `Set-Cookie`
/// value that carries it.
pub async fn start_session(state: &AppState, account_id: &str) -> Result<String, ApiError> {
    let secret = random_secret();
    let expires = time::OffsetDateTime::now_utc() + time::Duration::hours(SESSION_HOURS);
    let expires = normwatch_store::timestamp(expires);
    state.store.create_session(&secret_hash(&secret), account_id, &random_secret(), &expires).await?;
    let cookie = format!("{SESSION_COOKIE}={secret}; HttpOnly; SameSite=Lax; Path=/; Max-Age={}", SESSION_HOURS * 3600);
    Ok(if state.instance.secure_cookies { format!("{cookie}; Secure") } else { cookie })
}

/// Compares two secrets in time that does not depend on where they differ.
pub fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && !a.is_empty() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// How the caller proved who it is.
#[derive(Debug, Clone)]
pub enum Credential {
    Anonymous,
    Token { id: String },
    Session { secret_hash: String, csrf_token: String },
}

/// The caller of a request: an account, or an anonymous visitor.
#[derive(Debug, Clone)]
pub struct Caller {
    pub account: Option<Account>,
    pub credential: Credential,
    /// The communities of interest the account's stakeholder belongs to.
    pub communities: Vec<String>,
}

impl Caller {
    /// Who acts, as the use cases and the rights checks know it.
    pub fn acting(&self) -> Acting<'_> {
        Acting::new(self.account.as_ref(), &self.communities)
    }

    pub fn viewer(&self) -> Viewer {
        self.acting().viewer()
    }

    pub fn actor(&self) -> Actor {
        self.acting().actor()
    }

    pub fn signed_in(&self) -> Result<&Account, ApiError> {
        Ok(self.acting().signed_in()?)
    }

    /// Refuses marking a record for a community the caller's stakeholder is not a member of.
    pub fn require_member(&self, community: Option<&str>) -> Result<(), ApiError> {
        Ok(self.acting().require_member(community)?)
    }

    /// The account, if it holds `right` (for `stakeholder`, where the right has an own-variant).
    pub fn require(&self, right: Right, stakeholder: Option<&str>) -> Result<&Account, ApiError> {
        Ok(self.acting().require(right, stakeholder)?)
    }
}

pub(crate) async fn communities_of(state: &AppState, account: &Account) -> Result<Vec<String>, ApiError> {
    match &account.stakeholder {
        Some(s) => Ok(state.store.communities_of(s).await?),
        None => Ok(vec![]),
    }
}

/// Where a person whose password is a one-time one may still go: the change form and the API's
/// change, signing in and out, and the stylesheet the form is drawn with.
const OPEN_WHILE_PASSWORD_DUE: &[&str] =
    &["/account/password", "/sign-out", "/sign-in", "/assets/normwatch.css", "/api/v1/me/password"];

/// The portal's password change form, where a one-time password is changed.
pub const PASSWORD_FORM: &str = "/account/password";

/// Until an account's one-time password (printed at set-up, generated, or given by an
/// administrator or `normwatch accounts reset-password`) is changed, its portal pages lead to
/// the change form and its API calls are refused with 403, saying how to change it.
pub async fn password_change_gate(
    axum::extract::State(state): axum::extract::State<AppState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    let path = request.uri().path();
    if OPEN_WHILE_PASSWORD_DUE.contains(&path) {
        return next.run(request).await;
    }
    // The credential as the `Caller` extractor reads it: a bearer token first, then the cookie.
    let credential = match request.headers().get(header::AUTHORIZATION) {
        Some(v) => v.to_str().ok().and_then(|v| v.strip_prefix("Bearer ")).map(|t| (secret_hash(t.trim()), true)),
        None => cookie(request.headers(), SESSION_COOKIE).map(|c| (secret_hash(&c), false)),
    };
    let Some((hash, token)) = credential else { return next.run(request).await };
    match state.store.password_change_due(&hash, token).await {
        Ok(false) => next.run(request).await,
        Err(e) => ApiError::from(e).into_response(),
        Ok(true) if token || path.starts_with("/api/") => {
            let problem = serde_json::json!({
                "type": "urn:normwatch:problem:password-change-required",
                "title": "Password change required",
                "status": 403,
                "detail": "the account's password is a one-time one: change it first with POST /api/v1/me/password \
                    (`current_password`, `new_password`), or in the portal at /account/password",
            });
            (
                axum::http::StatusCode::FORBIDDEN,
                [(header::CONTENT_TYPE, crate::error::PROBLEM_JSON)],
                problem.to_string(),
            )
                .into_response()
        }
        Ok(true) => {
            let lang = request
                .uri()
                .query()
                .and_then(|q| q.split('&').find_map(|p| p.strip_prefix("lang=")))
                .and_then(|l| l.parse::<normwatch_core::Lang>().ok())
                .or_else(|| crate::extract::header_language(request.headers()))
                .unwrap_or(normwatch_core::Lang::En);
            let mut r = axum::http::StatusCode::SEE_OTHER.into_response();
            if let Ok(v) = axum::http::HeaderValue::from_str(&format!("{PASSWORD_FORM}?lang={lang}")) {
                r.headers_mut().insert(header::LOCATION, v);
            }
            r
        }
    }
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let Some(value) = parts.headers.get(header::AUTHORIZATION) {
            let value = value.to_str().unwrap_or("");
            let Some(token) = value.strip_prefix("Bearer ").map(str::trim) else {
                return Err(ApiError::Unauthenticated("use `Authorization: Bearer <token>`".into()));
            };
            return match state.store.token_account(&secret_hash(token)).await? {
                Some((account, id)) => {
                    let communities = communities_of(state, &account).await?;
                    Ok(Caller { account: Some(account), credential: Credential::Token { id }, communities })
                }
                None => Err(ApiError::Unauthenticated("the token is unknown, revoked or expired".into())),
            };
        }
        if let Some(secret) = cookie(&parts.headers, SESSION_COOKIE) {
            let hash = secret_hash(&secret);
            if let Some(session) = state.store.session(&hash).await? {
                // A cookie rides along on cross-site requests: API writes with it must also
                // carry the session's CSRF token, which another site cannot read.
                let unsafe_method = !matches!(parts.method, axum::http::Method::GET | axum::http::Method::HEAD);
                // Inside the nested API router the URI lost its prefix; the original keeps it.
                let path =
                    parts.extensions.get::<axum::extract::OriginalUri>().map_or(parts.uri.path(), |o| o.0.path());
                if unsafe_method && path.starts_with("/api/") {
                    let sent = parts.headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).unwrap_or("");
                    if !same_secret(sent, &session.csrf_token) {
                        return Err(ApiError::CsrfRejected);
                    }
                }
                let communities = communities_of(state, &session.account).await?;
                return Ok(Caller {
                    account: Some(session.account),
                    credential: Credential::Session { secret_hash: hash, csrf_token: session.csrf_token },
                    communities,
                });
            }
        }
        Ok(Caller { account: None, credential: Credential::Anonymous, communities: vec![] })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_wrong_ones_do_not() {
        let h = hash_password("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterz", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn unknown_names_cost_what_known_ones_do() {
        let made = hash_password("any password at all").expect("hash");
        let params = |h: &str| h.split('$').take(4).collect::<Vec<_>>().join("$");
        assert_eq!(params(DUMMY_PASSWORD_HASH), params(&made), "same algorithm, version and cost");
        assert!(PasswordHash::new(DUMMY_PASSWORD_HASH).is_ok());
        assert!(!verify_password("", DUMMY_PASSWORD_HASH));
    }

    #[test]
    fn limiter_counts_attempts_as_they_start_and_forgets_on_success() {
        let l = SignInLimiter::new(Duration::from_secs(60), 3, 4);
        let ip: Option<IpAddr> = "127.0.0.1".parse().ok();
        // Three attempts in flight at once use up the username's allowance.
        for _ in 0..3 {
            assert!(l.attempt("ann", ip).is_ok());
        }
        assert!(l.attempt("ann", ip).is_err());
        assert!(l.attempt("bob", ip).is_ok(), "another user from the same address is not locked yet");
        assert!(l.attempt("cid", ip).is_err(), "the address has used its four");
        l.succeed("bob", ip);
        assert!(l.attempt("dee", ip).is_ok(), "a success gives its attempt back to the address");
        l.succeed("ann", ip);
        assert!(l.attempt("eve", ip).is_ok(), "the success gave one back");
        assert!(l.attempt("ann", ip).is_err(), "the address is locked again");
        let other: Option<IpAddr> = "127.0.0.2".parse().ok();
        assert!(l.attempt("ann", other).is_ok(), "the username starts afresh after a success");
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd") && !same_secret("abc", "ab") && !same_secret("", ""));
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, "a=1; nw_session=abc; b=2".parse().expect("header"));
        assert_eq!(cookie(&h, SESSION_COOKIE).as_deref(), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
    }
}
