//! Signing in and out of the portal: a session cookie (HttpOnly, SameSite) and CSRF tokens on
//! every form — a double-submit cookie before sign-in, the session's token after.
use super::kit::typed_form;
use super::kit::{Page, WebError, failure, layout, page_language};
use crate::AppState;
use crate::auth::{self, Caller, Credential, LOGIN_CSRF_COOKIE, SESSION_COOKIE, cookie};
use crate::error::ApiError;
use crate::extract::{Params, client_address};
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::{Extensions, HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use normwatch_core::Lang;
use serde::Deserialize;

fn set_cookie(response: &mut Response, value: String, secure: bool) {
    let value = if secure { format!("{value}; Secure") } else { value };
    if let Ok(v) = HeaderValue::from_str(&value) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
}

/// The sign-in page, with a fresh login CSRF token in a cookie and in the form.
fn form_page(lang: Lang, status: StatusCode, message: Option<String>, secure: bool, next: Option<&str>) -> Response {
    let page = Page { lang, path: "/sign-in".into(), user: None };
    let ui = page.ui();
    let token = auth::random_secret();
    let body = html! {
        h1 { (ui.sign_in) }
        @if let Some(m) = &message { p.error #sign-in-error { (m) } }
        form.record method="post" action="/sign-in" {
            input type="hidden" name="csrf" value=(token);
            input type="hidden" name="lang" value=(lang.code());
            @if let Some(n) = next { input type="hidden" name="next" value=(n); }
            label { (ui.username) input type="text" name="username" autocomplete="username" required; }
            label { (ui.password) input type="password" name="password" autocomplete="current-password" required; }
            button type="submit" { (ui.sign_in) }
        }
    };
    let mut r = (status, layout(&page, ui.sign_in, body)).into_response();
    set_cookie(
        &mut r,
        format!("{LOGIN_CSRF_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/sign-in; Max-Age=3600"),
        secure,
    );
    r
}

pub async fn sign_in_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Params,
) -> Result<Response, WebError> {
    let lang = page_language(params.lang, &headers)?;
    let next = params.first("next").filter(|n| local_path(n));
    Ok(form_page(lang, StatusCode::OK, None, state.instance.secure_cookies, next))
}

/// A path on this site to return to after signing in: never another origin (`//host`, `/\host`).
fn local_path(next: &str) -> bool {
    next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') && !next.chars().any(char::is_control)
}

#[derive(Debug, Deserialize)]
pub struct SignInForm {
    username: String,
    password: String,
    csrf: String,
    #[serde(default)]
    lang: Option<String>,
    /// Where to go once signed in (a local path).
    #[serde(default)]
    next: Option<String>,
}

pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    form: Result<Form<SignInForm>, FormRejection>,
) -> Result<Response, WebError> {
    let (form, lang) = typed_form(form, &headers, |f| f.lang.as_deref())?;
    let ui = super::kit::i18n::ui(lang);
    let secure = state.instance.secure_cookies;
    let next = form.next.as_deref().filter(|n| local_path(n));
    let expected = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or_default();
    if !auth::same_secret(&expected, &form.csrf) {
        return Ok(form_page(lang, StatusCode::FORBIDDEN, Some(ui.csrf_failed.to_owned()), secure, next));
    }
    let account = match auth::sign_in(&state, form.username.trim(), &form.password, client_address(&extensions)).await {
        Ok(a) => a,
        Err(ApiError::TooManyRequests { retry_after }) => {
            return Ok(form_page(
                lang,
                StatusCode::TOO_MANY_REQUESTS,
                Some(format!("{} {retry_after}", ui.too_many)),
                secure,
                next,
            ));
        }
        Err(ApiError::Unauthenticated(_)) => {
            return Ok(form_page(lang, StatusCode::UNAUTHORIZED, Some(ui.wrong_credentials.to_owned()), secure, next));
        }
        Err(e) => return Ok(e.into_response()),
    };
    let to = match next {
        Some(n) => n.to_owned(),
        None => format!("/adoption?lang={lang}"),
    };
    let mut r = super::kit::see_other(&to);
    let session = auth::start_session(&state, &account.id).await.map_err(failure(lang))?;
    set_cookie(&mut r, session, false);
    set_cookie(&mut r, format!("{LOGIN_CSRF_COOKIE}=; HttpOnly; SameSite=Strict; Path=/sign-in; Max-Age=0"), secure);
    Ok(r)
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: Option<String>,
}

pub async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
    form: Result<Form<CsrfForm>, FormRejection>,
) -> Result<Response, WebError> {
    let (form, lang) = typed_form(form, &headers, |f| f.lang.as_deref())?;
    let Credential::Session { secret_hash, csrf_token } = &caller.credential else {
        return Ok(super::kit::see_other(&format!("/?lang={lang}")));
    };
    if !auth::same_secret(&form.csrf, csrf_token) {
        return Err(WebError {
            status: StatusCode::FORBIDDEN,
            lang,
            message: super::kit::i18n::ui(lang).csrf_failed.to_owned(),
        });
    }
    state.store.delete_session(secret_hash).await.map_err(failure(lang))?;
    let mut r = super::kit::see_other(&format!("/?lang={lang}"));
    set_cookie(
        &mut r,
        format!("{SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0"),
        state.instance.secure_cookies,
    );
    Ok(r)
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_local_paths_are_returned_to() {
        assert!(super::local_path("/incidents/new?lang=ja"));
        for outside in ["//evil.example/", "https://evil.example/", "/\\evil.example", "incidents", "/a\nb"] {
            assert!(!super::local_path(outside), "{outside}");
        }
    }
}
