//! `/admin/stakeholders`: the stakeholders, a form to register one, and each one's form to edit
//! it. For those who may write stakeholders (editors, administrators): the writes go through the
//! stakeholder use cases, which refuse anyone else.
use super::form::{field_error, form_error};
use super::words::{Words, words};
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::forms::{Fields, Posted, Refusal, sign_in_first};
use crate::web::kit::{Page, PageUser, Visit, WebError, failure, layout, no_store, see_other};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::{Markup, html};
use normwatch_core::adoption::{STAKEHOLDER_KINDS, Stakeholder, StakeholderInput};
use normwatch_core::{Lang, Localized, Right};
use normwatch_store::StakeholderFilter;

const FIELDS: [&str; 5] = ["id", "name", "kind", "country", "website"];

fn page_of(lang: Lang, caller: &Caller, path: String) -> Page {
    Page { lang, path, user: PageUser::of(caller) }
}

/// Signed in, and holding the right to write stakeholders (403 as a page otherwise).
fn may_write(caller: &Caller, l: Lang) -> Result<(), WebError> {
    if caller.account.is_none() {
        return Err(sign_in_first(l));
    }
    caller.require(Right::WriteStakeholders, None).map(|_| ()).map_err(failure(l))
}

/// `GET /admin/stakeholders`.
pub async fn list(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let page = v.page("/admin/stakeholders")?;
    render_list(&state, &v.caller, &page, None).await
}

async fn render_list(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    refused: Option<Refusal>,
) -> Result<Response, WebError> {
    let (l, w) = (page.lang, words(page.lang));
    may_write(caller, l)?;
    let all = state.store.stakeholders(&StakeholderFilter::default()).await.map_err(failure(l))?;
    let body = html! {
        h1 { (w.stakeholders_title) }
        p { (w.stakeholders_intro) }
        @if caller.acting().require(Right::ManageAccounts, None).is_ok() {
            p { a href=(page.link("/admin/accounts")) { (w.accounts_title) } }
        }
        table #stakeholders {
            thead { tr { th { (w.id) } th { (w.name_ja) } th { (w.name_en) } th { (w.kind) } th { (w.country) } th {} } }
            tbody { @for s in &all {
                tr id=(format!("stakeholder-{}", s.id)) {
                    td { a href=(page.link(&format!("/stakeholders/{}", s.id))) { (s.id) } }
                    td lang="ja" { (s.name.ja) } td lang="en" { (s.name.en) } td { (kind_label(state, l, &s.kind)) }
                    td { (s.country.as_deref().unwrap_or("—")) }
                    td { a href=(page.link(&format!("/admin/stakeholders/{}", s.id))) aria-label=(format!("{} {}", w.edit, s.id)) { (w.edit) } }
                }
            } }
        }
        h2 #create { (w.create_stakeholder) }
        (stakeholder_form(state, page, w, "/admin/stakeholders", None, &Refusal::values(refused.as_ref(), "stakeholder"), refused.as_ref()))
    };
    let status = refused.map_or(StatusCode::OK, |r| r.status);
    Ok(no_store(status, layout(page, w.stakeholders_title, body)))
}

fn kind_label(state: &AppState, l: Lang, kind: &str) -> String {
    state
        .catalog()
        .taxonomy(STAKEHOLDER_KINDS)
        .and_then(|t| t.term(kind))
        .map_or(kind.to_owned(), |t| t.label.get(l).to_owned())
}

/// The form to register (`editing: None`) or edit a stakeholder, filled with `values`.
fn stakeholder_form(
    state: &AppState,
    page: &Page,
    w: &Words,
    action: &str,
    editing: Option<&Stakeholder>,
    values: &Fields,
    refusal: Option<&Refusal>,
) -> Markup {
    let Some(user) = &page.user else { return html! {} };
    let kinds = state.catalog().taxonomy(STAKEHOLDER_KINDS).map(|t| t.terms.clone()).unwrap_or_default();
    let l = page.lang;
    html! {
        form.record #stakeholder-form method="post" action=(action) {
            input type="hidden" name="csrf" value=(user.csrf);
            input type="hidden" name="lang" value=(l.code());
            (form_error(w, refusal, "stakeholder", &FIELDS))
            @match editing {
                Some(s) => { input type="hidden" name="version" value=(values.opt("version").unwrap_or_else(|| s.version.to_string())); }
                None => { label { (w.id) " (" (w.id_hint) ")" input type="text" name="id" required value=(values.one("id"));
                    (field_error(refusal, "stakeholder", "id")) } }
            }
            label lang="ja" { (w.name_ja) input type="text" name="name_ja" required value=(values.one("name_ja")); }
            label lang="en" { (w.name_en) input type="text" name="name_en" required value=(values.one("name_en")); }
            (field_error(refusal, "stakeholder", "name"))
            label { (w.kind) select name="kind" {
                @for t in &kinds { option value=(t.id) selected[values.one("kind") == t.id] { (t.label.get(l)) } }
            } (field_error(refusal, "stakeholder", "kind")) }
            label { (w.country) " (" (w.country_hint) ")"
                input type="text" name="country" size="3" maxlength="2" value=(values.one("country"));
                (field_error(refusal, "stakeholder", "country")) }
            label { (w.website) input type="url" name="website" value=(values.one("website"));
                (field_error(refusal, "stakeholder", "website")) }
            button type="submit" { @if editing.is_some() { (w.save) } @else { (w.create) } }
        }
    }
}

/// A stakeholder as the form sends it (its id from the form, or the page's when editing).
fn input_of(fields: &Fields, id: Option<&str>) -> Result<StakeholderInput, String> {
    let version = match fields.opt("version") {
        Some(v) => Some(v.parse::<i64>().map_err(|_| format!("`version`: `{v}` is not a whole number"))?),
        None => None,
    };
    Ok(StakeholderInput {
        id: id.unwrap_or(fields.one("id")).to_owned(),
        name: Localized::new(fields.one("name_ja"), fields.one("name_en")),
        kind: fields.one("kind").to_owned(),
        country: fields.opt("country"),
        website: fields.opt("website"),
        version,
    })
}

/// `POST /admin/stakeholders`: registers a stakeholder, or shows the form again with the reason.
pub async fn create(
    State(state): State<AppState>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
    let page = page_of(lang, &caller, "/admin/stakeholders".into());
    let refused = |e| Some(Refusal::of("stakeholder", &fields, e));
    let input = match input_of(&fields, None) {
        Ok(i) => i,
        Err(m) => return render_list(&state, &caller, &page, Some(Refusal::invalid("stakeholder", &fields, m))).await,
    };
    match state.app().create_stakeholder(caller.acting(), input).await {
        Ok(s) => Ok(see_other(&format!("/admin/stakeholders/{}?lang={lang}", s.id))),
        Err(e) => render_list(&state, &caller, &page, refused(e.into())).await,
    }
}

/// `GET /admin/stakeholders/{id}`.
pub async fn one(State(state): State<AppState>, Path(id): Path<String>, v: Visit) -> Result<Response, WebError> {
    let page = v.page(&format!("/admin/stakeholders/{id}"))?;
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
    may_write(caller, l)?;
    let Some(s) = state.store.stakeholder(id).await.map_err(failure(l))? else {
        return Err(WebError::not_found(l, format!("no stakeholder `{id}`")));
    };
    let values = match refused.as_ref().filter(|r| r.form == "stakeholder") {
        Some(r) => r.fields.clone(),
        None => Fields(vec![
            ("name_ja".into(), s.name.ja.clone()),
            ("name_en".into(), s.name.en.clone()),
            ("kind".into(), s.kind.clone()),
            ("country".into(), s.country.clone().unwrap_or_default()),
            ("website".into(), s.website.clone().unwrap_or_default()),
            ("version".into(), s.version.to_string()),
        ]),
    };
    let title = format!("{}: {}", w.stakeholder_title, s.name.get(l));
    let body = html! {
        h1 { (title) }
        p { a href=(page.link("/admin/stakeholders")) { (w.back_to_stakeholders) } " · "
            a href=(page.link(&format!("/stakeholders/{}", s.id))) { (w.public_page) } }
        p { (w.id) ": " code { (s.id) } }
        (stakeholder_form(state, page, w, &format!("/admin/stakeholders/{}", s.id), Some(&s), &values, refused.as_ref()))
    };
    let status = refused.map_or(StatusCode::OK, |r| r.status);
    Ok(no_store(status, layout(page, &title, body)))
}

/// `POST /admin/stakeholders/{id}`: saves the edit (with the version read, so that a concurrent
/// change is not overwritten).
pub async fn update(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
    let page = page_of(lang, &caller, format!("/admin/stakeholders/{id}"));
    let input = match input_of(&fields, Some(&id)) {
        Ok(i) => i,
        Err(m) => {
            return render_one(&state, &caller, &page, &id, Some(Refusal::invalid("stakeholder", &fields, m))).await;
        }
    };
    match state.app().update_stakeholder(caller.acting(), &id, input).await {
        Ok(_) => Ok(see_other(&format!("/admin/stakeholders/{id}?lang={lang}"))),
        Err(e) => render_one(&state, &caller, &page, &id, Some(Refusal::of("stakeholder", &fields, e.into()))).await,
    }
}
