//! `/account/tokens`: the signed-in person's API tokens, a form to create one (its secret shown
//! once), and a button to revoke each. Through the same token use cases as the API.
use super::form::{field_error, form_error};
use super::words::{Words, words};
use crate::AppState;
use crate::auth::{Caller, ServerSecrets};
use crate::web::kit::dates::format_date;
use crate::web::kit::forms::{Posted, Refusal, sign_in_first};
use crate::web::kit::{Page, PageUser, Visit, WebError, failure, layout, no_store, see_other};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use normwatch_app::MintedToken;
use normwatch_core::access::{TokenName, token_days};
use normwatch_core::{FieldError, Lang};
use normwatch_store::TokenRecord;

/// `GET /account/tokens`.
pub async fn list(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let page = v.page("/account/tokens")?;
    render(&state, &v.caller, &page, None, None).await
}

fn page_of(lang: Lang, caller: &Caller) -> Page {
    Page { lang, path: "/account/tokens".into(), user: PageUser::of(caller) }
}

async fn render(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    minted: Option<MintedToken>,
    refused: Option<Refusal>,
) -> Result<Response, WebError> {
    let (l, w) = (page.lang, words(page.lang));
    let Some(account) = &caller.account else { return Err(sign_in_first(l)) };
    let tokens = state.store.tokens(&account.id).await.map_err(failure(l))?;
    let body = html! {
        h1 { (w.tokens_title) }
        p { (w.tokens_intro) }
        p { a href=(page.link("/account/password")) { (w.password_title) } }
        @if let Some(m) = &minted {
            div #token-created role="status" {
                h2 { (w.token_created) ": " (m.record.name) }
                p { code #token-secret { (m.secret) } }
                p { (w.token_secret) }
            }
        }
        (form_error(w, refused.as_ref(), "revoke", &[]))
        @if tokens.is_empty() { p #no-tokens { (w.no_tokens) } }
        @else { (table(page, w, &tokens)) }
        h2 #create { (w.create_token) }
        (create_form(page, w, refused.as_ref()))
    };
    let status = refused.map_or(StatusCode::OK, |r| r.status);
    Ok(no_store(status, layout(page, w.tokens_title, body)))
}

fn table(page: &Page, w: &Words, tokens: &[TokenRecord]) -> Markup {
    let l = page.lang;
    let date = |d: &Option<String>| d.as_deref().map_or_else(|| w.never.to_owned(), |d| format_date(d, l));
    html! {
        table #tokens {
            thead { tr { th { (w.token_name) } th { (w.created) } th { (w.expires) } th { (w.last_used) } th { (w.state) } th {} } }
            tbody { @for t in tokens {
                tr id=(format!("token-{}", t.id)) {
                    td { (t.name) } td { (format_date(&t.created_at, l)) } td { (date(&t.expires_at)) } td { (date(&t.last_used_at)) }
                    td { @if t.revoked_at.is_some() { (w.revoked) } @else { (w.live) } }
                    td { @if let (None, Some(user)) = (&t.revoked_at, &page.user) {
                        form.inline method="post" action=(format!("/account/tokens/{}/revoke", t.id)) {
                            input type="hidden" name="csrf" value=(user.csrf);
                            input type="hidden" name="lang" value=(l.code());
                            button type="submit" aria-label=(format!("{} {}", w.revoke, t.name)) { (w.revoke) }
                        }
                    } }
                }
            } }
        }
    }
}

fn create_form(page: &Page, w: &Words, refusal: Option<&Refusal>) -> Markup {
    let Some(user) = &page.user else { return html! {} };
    let values = Refusal::values(refusal, "token");
    html! {
        form.record #create-token method="post" action="/account/tokens" {
            input type="hidden" name="csrf" value=(user.csrf);
            input type="hidden" name="lang" value=(page.lang.code());
            (form_error(w, refusal, "token", &["name", "expires_in_days"]))
            label { (w.token_name) " (" (w.token_name_hint) ")"
                input type="text" name="name" required value=(values.one("name"));
                (field_error(refusal, "token", "name")) }
            label { (w.days) " (" (w.days_hint) ")"
                input type="number" name="expires_in_days" min="1" value=(values.one("expires_in_days"));
                (field_error(refusal, "token", "expires_in_days")) }
            button type="submit" { (w.create) }
        }
    }
}

/// `POST /account/tokens`: mints a token for the signed-in account and shows its secret once.
pub async fn create(
    State(state): State<AppState>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
    let page = page_of(lang, &caller);
    let Some(account) = caller.account.clone() else { return Err(sign_in_first(lang)) };
    let parsed = TokenName::parse(fields.one("name")).and_then(|name| {
        let days = match fields.opt("expires_in_days") {
            Some(d) => Some(
                d.parse::<u32>()
                    .map_err(|_| FieldError::new("expires_in_days", format!("`{d}` is not a whole number of days")))?,
            ),
            None => None,
        };
        Ok((name, token_days(days)?))
    });
    let (name, days) = match parsed {
        Ok(p) => p,
        Err(e) => {
            return render(&state, &caller, &page, None, Some(Refusal::invalid("token", &fields, e.to_string()))).await;
        }
    };
    match state.app().create_token(&account, &name, days, None, &ServerSecrets).await {
        Ok(minted) => render(&state, &caller, &page, Some(minted), None).await,
        Err(e) => render(&state, &caller, &page, None, Some(Refusal::of("token", &fields, e.into()))).await,
    }
}

/// `POST /account/tokens/{id}/revoke`.
pub async fn revoke(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
    match state.app().revoke_token(caller.acting(), &id).await {
        Ok(_) => Ok(see_other(&format!("/account/tokens?lang={lang}"))),
        Err(e) => {
            let page = page_of(lang, &caller);
            render(&state, &caller, &page, None, Some(Refusal::of("revoke", &fields, e.into()))).await
        }
    }
}
