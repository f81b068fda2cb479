//! `/admin/accounts`: the accounts with their role, stakeholder and state, a form to create one,
//! and each account's page to change its name, role and stakeholder, disable or enable it, or
//! give it a new one-time password. Administrators only: every read and write goes through the
//! account use cases, which refuse anyone else (403 as a page).
use super::form::{field_error, form_error};
use super::words::{Words, role_word, words};
use crate::AppState;
use crate::auth::{Caller, ServerSecrets};
use crate::error::ApiError;
use crate::web::kit::forms::{Fields, Posted, Refusal, sign_in_first};
use crate::web::kit::{Page, PageUser, Visit, WebError, failure, layout, no_store, see_other};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use normwatch_core::access::{AccountChange, AccountInput};
use normwatch_core::adoption::Stakeholder;
use normwatch_core::{Account, Lang, Right, Role};
use normwatch_store::{StakeholderFilter, StoreError};

const CREATE_FIELDS: [&str; 5] = ["username", "display_name", "role", "stakeholder", "password"];
const EDIT_FIELDS: [&str; 3] = ["display_name", "role", "stakeholder"];

fn page_of(lang: Lang, caller: &Caller, path: String) -> Page {
    Page { lang, path, user: PageUser::of(caller) }
}

/// A store's "username `x` is taken" shown beside the username field.
fn refusal(form: &'static str, fields: &Fields, e: ApiError) -> Refusal {
    match e {
        ApiError::Store(StoreError::Conflict(m)) if m.starts_with("username") => {
            Refusal { status: StatusCode::CONFLICT, ..Refusal::invalid(form, fields, format!("`username`: {m}")) }
        }
        e => Refusal::of(form, fields, e),
    }
}

async fn stakeholders(state: &AppState, l: Lang) -> Result<Vec<Stakeholder>, WebError> {
    state.store.stakeholders(&StakeholderFilter::default()).await.map_err(failure(l))
}

/// `GET /admin/accounts`.
pub async fn list(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let page = v.page("/admin/accounts")?;
    render_list(&state, &v.caller, &page, None).await
}

async fn render_list(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    refused: Option<Refusal>,
) -> Result<Response, WebError> {
    let (l, w) = (page.lang, words(page.lang));
    if caller.account.is_none() {
        return Err(sign_in_first(l));
    }
    caller.require(Right::ManageAccounts, None).map_err(failure(l))?;
    let accounts = state.store.accounts().await.map_err(failure(l))?;
    let due = state.store.accounts_with_one_time_password().await.map_err(failure(l))?;
    let stakeholders = stakeholders(state, l).await?;
    let body = html! {
        h1 { (w.accounts_title) }
        p { (w.accounts_intro) }
        p { a href=(page.link("/admin/stakeholders")) { (w.stakeholders_title) } " · " a href=(page.link("/account/tokens")) { (w.your_account) } }
        table #accounts {
            thead { tr { th { (w.username) } th { (w.display_name) } th { (w.role) } th { (w.stakeholder) } th { (w.state) } th {} } }
            tbody { @for a in &accounts {
                tr id=(format!("account-{}", a.username)) {
                    td { (a.username) } td { (a.display_name) } td { (role_word(w, a.role)) }
                    td { (a.stakeholder.as_deref().unwrap_or("—")) }
                    td { (state_word(w, a, due.contains(&a.id))) }
                    td { a href=(page.link(&format!("/admin/accounts/{}", a.id))) aria-label=(format!("{} {}", w.edit, a.username)) { (w.edit) } }
                }
            } }
        }
        h2 #create { (w.create_account) }
        (create_form(page, w, &stakeholders, refused.as_ref()))
    };
    let status = refused.map_or(StatusCode::OK, |r| r.status);
    Ok(no_store(status, layout(page, w.accounts_title, body)))
}

fn state_word(w: &Words, a: &Account, due: bool) -> String {
    let state = if a.disabled { w.disabled } else { w.active };
    if due { format!("{state} · {}", w.one_time_pending) } else { state.to_owned() }
}

fn role_select(w: &Words, chosen: &str) -> Markup {
    html! { select #role name="role" {
        @for r in Role::ALL { option value=(r.name()) selected[chosen == r.name()] { (role_word(w, r)) } }
    } }
}

fn stakeholder_select(page: &Page, w: &Words, stakeholders: &[Stakeholder], chosen: &str) -> Markup {
    html! { select #stakeholder name="stakeholder" {
        option value="" { (w.no_stakeholder) }
        @for s in stakeholders { option value=(s.id) selected[chosen == s.id] { (s.id) " — " (s.name.get(page.lang)) } }
    } }
}

fn create_form(page: &Page, w: &Words, stakeholders: &[Stakeholder], refusal: Option<&Refusal>) -> Markup {
    let Some(user) = &page.user else { return html! {} };
    let values = Refusal::values(refusal, "account");
    let role = if values.one("role").is_empty() { "reviewer" } else { values.one("role") };
    html! {
        form.record #create-account method="post" action="/admin/accounts" {
            input type="hidden" name="csrf" value=(user.csrf);
            input type="hidden" name="lang" value=(page.lang.code());
            (form_error(w, refusal, "account", &CREATE_FIELDS))
            label { (w.username) " (" (w.username_hint) ")"
                input type="text" name="username" required autocomplete="off" value=(values.one("username"));
                (field_error(refusal, "account", "username")) }
            label { (w.display_name) input type="text" name="display_name" required value=(values.one("display_name"));
                (field_error(refusal, "account", "display_name")) }
            label { (w.role) (role_select(w, role)) (field_error(refusal, "account", "role")) }
            label { (w.stakeholder) (stakeholder_select(page, w, stakeholders, values.one("stakeholder")))
                (field_error(refusal, "account", "stakeholder")) }
            label { (w.password_optional) input type="password" name="password" autocomplete="new-password";
                (field_error(refusal, "account", "password")) }
            button type="submit" { (w.create) }
        }
    }
}

/// A role as the form sends it.
fn role_of(fields: &Fields) -> Result<Role, String> {
    fields.one("role").parse::<Role>().map_err(|e| format!("`role`: {e}"))
}

/// `POST /admin/accounts`: creates the account; a generated password is shown once.
pub async fn create(
    State(state): State<AppState>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
    let page = page_of(lang, &caller, "/admin/accounts".into());
    let role = match role_of(&fields) {
        Ok(r) => r,
        Err(m) => return render_list(&state, &caller, &page, Some(Refusal::invalid("account", &fields, m))).await,
    };
    let input = AccountInput {
        username: fields.one("username").to_owned(),
        display_name: fields.one("display_name").to_owned(),
        role,
        stakeholder: fields.opt("stakeholder"),
        // A password is taken as typed (spaces included): only the form's other fields are trimmed.
        password: fields.0.iter().find(|(k, v)| k == "password" && !v.is_empty()).map(|(_, v)| v.clone()),
    };
    let created = match state.app().create_account(caller.acting(), &input, &ServerSecrets).await {
        Ok(c) => c,
        Err(e) => {
            // The password typed is not shown again.
            let kept = Fields(fields.0.iter().filter(|(k, _)| k != "password").cloned().collect());
            return render_list(&state, &caller, &page, Some(refusal("account", &kept, e.into()))).await;
        }
    };
    match created.generated_password {
        Some(password) => Ok(one_time_page(&page, words(lang), words(lang).created_title, &created.account, &password)),
        None => Ok(see_other(&format!("/admin/accounts/{}?lang={lang}", created.account.id))),
    }
}

/// The page that shows a one-time password, once: never cached.
fn one_time_page(page: &Page, w: &Words, title: &str, account: &Account, password: &str) -> Response {
    let body = html! {
        h1 { (title) }
        dl {
            dt { (w.username) } dd #created-username { (account.username) }
            dt { (w.one_time_password) } dd { code #one-time-password { (password) } }
        }
        p role="status" { (w.shown_once) }
        p { a href=(page.link(&format!("/admin/accounts/{}", account.id))) { (account.username) } " · "
            a href=(page.link("/admin/accounts")) { (w.back_to_accounts) } }
    };
    no_store(StatusCode::OK, layout(page, title, body))
}

/// `GET /admin/accounts/{id}`.
pub async fn one(State(state): State<AppState>, Path(id): Path<String>, v: Visit) -> Result<Response, WebError> {
    let page = v.page(&format!("/admin/accounts/{id}"))?;
    render_one(&state, &v.caller, &page, &id, None).await
}

async fn render_one(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: &str,
    refused: Option<Refusal>,
) -> Result<Response, WebError> {
    let (l, w) = (page.lang, words(page.lang));
    if caller.account.is_none() {
        return Err(sign_in_first(l));
    }
    let account = state.app().account(caller.acting(), id).await.map_err(failure(l))?;
    let due = state.store.one_time_password(&account.id).await.map_err(failure(l))?;
    let stakeholders = stakeholders(state, l).await?;
    let refusal = refused.as_ref();
    let values = match refusal.filter(|r| r.form == "edit") {
        Some(r) => r.fields.clone(),
        None => Fields(vec![
            ("display_name".into(), account.display_name.clone()),
            ("role".into(), account.role.name().into()),
            ("stakeholder".into(), account.stakeholder.clone().unwrap_or_default()),
        ]),
    };
    let action = format!("/admin/accounts/{}", account.id);
    let own = caller.account.as_ref().is_some_and(|a| a.id == account.id);
    let title = format!("{}: {}", w.account_title, account.username);
    let body = html! {
        h1 { (title) }
        p { a href=(page.link("/admin/accounts")) { (w.back_to_accounts) } }
        p #account-state { (w.state) ": " (state_word(w, &account, due)) }
        @if let Some(user) = &page.user {
            form.record #edit-account method="post" action=(action) {
                input type="hidden" name="csrf" value=(user.csrf);
                input type="hidden" name="lang" value=(l.code());
                (form_error(w, refusal, "edit", &EDIT_FIELDS))
                label { (w.display_name) input type="text" name="display_name" required value=(values.one("display_name"));
                    (field_error(refusal, "edit", "display_name")) }
                label { (w.role) (role_select(w, values.one("role"))) (field_error(refusal, "edit", "role")) }
                label { (w.stakeholder) (stakeholder_select(page, w, &stakeholders, values.one("stakeholder")))
                    (field_error(refusal, "edit", "stakeholder")) }
                button type="submit" { (w.save) }
            }
            (form_error(w, refusal, "state", &[]))
            form.inline #account-state-form method="post" action=(format!("{action}/{}", if account.disabled { "enable" } else { "disable" })) {
                input type="hidden" name="csrf" value=(user.csrf);
                input type="hidden" name="lang" value=(l.code());
                @if account.disabled { button type="submit" { (w.enable) } }
                @else { button type="submit" { (w.disable) } " " small { (w.disable_hint) } }
            }
            // Their own password an administrator changes as everyone does.
            @if !own {
                form.record #reset-password method="post" action=(format!("{action}/password")) {
                    input type="hidden" name="csrf" value=(user.csrf);
                    input type="hidden" name="lang" value=(l.code());
                    button type="submit" { (w.reset_password) } " " small { (w.reset_hint) }
                }
            }
        }
    };
    let status = refused.map_or(StatusCode::OK, |r| r.status);
    Ok(no_store(status, layout(page, &title, body)))
}

/// `POST /admin/accounts/{id}`: changes the name, role and stakeholder.
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
    let page = page_of(lang, &caller, format!("/admin/accounts/{id}"));
    let change = match role_of(&fields) {
        Ok(role) => AccountChange {
            display_name: Some(fields.one("display_name").to_owned()),
            role: Some(role),
            stakeholder: Some(fields.opt("stakeholder")),
            disabled: None,
        },
        Err(m) => return render_one(&state, &caller, &page, &id, Some(Refusal::invalid("edit", &fields, m))).await,
    };
    match state.app().update_account(caller.acting(), &id, &change).await {
        Ok(_) => Ok(see_other(&format!("/admin/accounts/{id}?lang={lang}"))),
        Err(e) => render_one(&state, &caller, &page, &id, Some(refusal("edit", &fields, e.into()))).await,
    }
}

/// `POST /admin/accounts/{id}/{action}`: `disable`, `enable`, or `password` (a new one-time
/// password, shown once).
pub async fn act(
    State(state): State<AppState>,
    Path((id, action)): Path<(String, String)>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
    let page = page_of(lang, &caller, format!("/admin/accounts/{id}"));
    let disabled = match action.as_str() {
        "disable" => true,
        "enable" => false,
        "password" => {
            let password =
                state.app().reset_password(caller.acting(), &id, &ServerSecrets).await.map_err(failure(lang))?;
            let account = state.app().account(caller.acting(), &id).await.map_err(failure(lang))?;
            return Ok(one_time_page(&page, words(lang), words(lang).new_one_time_title, &account, &password));
        }
        other => return Err(WebError::not_found(lang, format!("no action `{other}` on accounts"))),
    };
    let change = AccountChange { disabled: Some(disabled), ..AccountChange::default() };
    match state.app().update_account(caller.acting(), &id, &change).await {
        Ok(_) => Ok(see_other(&format!("/admin/accounts/{id}?lang={lang}"))),
        Err(e) => render_one(&state, &caller, &page, &id, Some(refusal("state", &fields, e.into()))).await,
    }
}
