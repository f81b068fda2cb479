//! `/account/password`: the signed-in person changes their password. A one-time password (printed
//! at set-up, generated, or given by an administrator) must be changed here before anything else:
//! the server leads every other page here until it is (`auth::password_change_gate`).
use super::form::{field_error, form_error};
use super::words::words;
use crate::AppState;
use crate::auth::{self, Caller, ServerSecrets};
use crate::error::ApiError;
use crate::extract::client_address;
use crate::web::kit::forms::{Fields, Posted, Refusal, sign_in_first};
use crate::web::kit::{Page, PageUser, Visit, WebError, failure, layout, no_store, see_other};
use axum::extract::State;
use axum::http::{Extensions, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use maud::html;

/// The password change form; with a note when the password is a one-time one that must be
/// changed first, and a refused change's reason beside its field.
fn password_page(page: &Page, due: bool, refusal: Option<&Refusal>) -> Response {
    let w = words(page.lang);
    let Some(user) = &page.user else { return sign_in_first(page.lang).into_response() };
    let body = html! {
        h1 { (w.password_title) }
        @if due { p.refusal #password-due role="alert" { (w.password_due) } }
        p { (w.password_intro) }
        form.record #change-password method="post" action=(auth::PASSWORD_FORM) {
            input type="hidden" name="csrf" value=(user.csrf);
            input type="hidden" name="lang" value=(page.lang.code());
            (form_error(w, refusal, "password", &PASSWORD_FIELDS))
            label { (w.current_password)
                input type="password" name="current_password" autocomplete="current-password" required;
                (field_error(refusal, "password", "current_password")) }
            label { (w.new_password) " (" (w.new_password_hint) ")"
                input type="password" name="new_password" autocomplete="new-password" required minlength="12";
                (field_error(refusal, "password", "new_password")) }
            label { (w.new_password_again)
                input type="password" name="new_password_again" autocomplete="new-password" required minlength="12";
                (field_error(refusal, "password", "new_password_again")) }
            button type="submit" { (w.change_password) }
        }
        @if !due { p { a href=(page.link("/account/tokens")) { (w.tokens_title) } } }
    };
    let status = refusal.map_or(StatusCode::OK, |r| r.status);
    no_store(status, layout(page, w.password_title, body))
}

const PASSWORD_FIELDS: [&str; 3] = ["current_password", "new_password", "new_password_again"];

/// Whether the signed-in account's password is a one-time one still to be changed.
async fn password_due(state: &AppState, caller: &Caller) -> Result<bool, ApiError> {
    match &caller.account {
        Some(a) => Ok(state.store.one_time_password(&a.id).await?),
        None => Ok(false),
    }
}

/// `GET /account/password`.
pub async fn form(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let page = v.page(auth::PASSWORD_FORM)?;
    if v.caller.account.is_none() {
        return Err(sign_in_first(page.lang));
    }
    let due = password_due(&state, &v.caller).await.map_err(failure(page.lang))?;
    Ok(password_page(&page, due, None))
}

/// `POST /account/password`: checks the current password, sets the new one (which ends every
/// session and token of the account) and signs this browser in again with a new session.
pub async fn change(
    State(state): State<AppState>,
    extensions: Extensions,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
    let page = Page { lang, path: auth::PASSWORD_FORM.into(), user: PageUser::of(&caller) };
    let due = password_due(&state, &caller).await.map_err(failure(lang))?;
    // Passwords are taken as typed, and never shown again.
    let typed = |name: &str| fields.0.iter().find(|(k, _)| k == name).map_or("", |(_, v)| v.as_str());
    let kept = Fields(vec![]);
    let refuse = |e: ApiError| Ok(password_page(&page, due, Some(&Refusal::of("password", &kept, e))));
    let Some(account) = caller.account.as_ref() else { return Err(sign_in_first(lang)) };
    if typed("new_password") != typed("new_password_again") {
        let e = normwatch_core::FieldError::new("new_password_again", words(lang).passwords_differ);
        return refuse(ApiError::InvalidField(e));
    }
    if let Err(e) =
        auth::check_current_password(&state, account, typed("current_password"), client_address(&extensions)).await
    {
        return refuse(e);
    }
    if let Err(e) = state.app().change_password(caller.acting(), typed("new_password"), &ServerSecrets).await {
        return refuse(e.into());
    }
    // The change ended this session too: this browser goes on in a new one.
    let mut r = see_other(&format!("/account/tokens?lang={lang}"));
    let session = auth::start_session(&state, &account.id).await.map_err(failure(lang))?;
    if let Ok(v) = HeaderValue::from_str(&session) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    Ok(r)
}
