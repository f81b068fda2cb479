//! The page a reader is on and the frame it is drawn in: language, path and signed-in user; the
//! layout with its navigation; errors shown as pages; redirects and the CSRF check of forms.
use super::i18n::{Ui, ui};
use super::text::encode;
use crate::auth::{self, Caller, Credential};
use crate::extract::{Params, header_language};
use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use maud::{DOCTYPE, Markup, html};
use normwatch_core::{Lang, LangChoice};

/// The language of a page and the path it is on, for links and the language switch.
#[derive(Debug, Clone)]
pub struct Page {
    pub lang: Lang,
    pub path: String,
    pub user: Option<PageUser>,
}

/// The signed-in person a page is shown to, and the CSRF token its forms carry.
#[derive(Debug, Clone)]
pub struct PageUser {
    pub name: String,
    pub csrf: String,
    /// Whether the navigation offers the collection pages (triage, sources).
    pub may_triage: bool,
    /// Whether the navigation offers the peers page (following other observatories).
    pub may_manage_peers: bool,
    /// The administration page the navigation offers: accounts for administrators, stakeholders
    /// for editors, none for others.
    pub admin_page: Option<&'static str>,
}

impl PageUser {
    pub fn of(caller: &crate::auth::Caller) -> Option<PageUser> {
        match (&caller.account, &caller.credential) {
            (Some(a), crate::auth::Credential::Session { csrf_token, .. }) => {
                let may_triage = normwatch_core::collection::may_triage(&caller.viewer());
                let admin_page = if a.may(normwatch_core::Right::ManageAccounts, None) {
                    Some("/admin/accounts")
                } else if a.may(normwatch_core::Right::WriteStakeholders, None) {
                    Some("/admin/stakeholders")
                } else {
                    None
                };
                let may_manage_peers = a.may(normwatch_core::Right::ManagePeers, None);
                Some(PageUser {
                    name: a.display_name.clone(),
                    csrf: csrf_token.clone(),
                    may_triage,
                    may_manage_peers,
                    admin_page,
                })
            }
            _ => None,
        }
    }
}

impl Page {
    pub fn ui(&self) -> &'static Ui {
        ui(self.lang)
    }

    /// A link to another portal page that keeps the language.
    pub fn link(&self, path: &str) -> String {
        let sep = if path.contains('?') { '&' } else { '?' };
        format!("{path}{sep}lang={}", self.lang)
    }
}

/// A page that must not be cached: it carries a form's CSRF token, or what only its reader may see.
pub fn no_store(status: StatusCode, markup: Markup) -> Response {
    let mut r = (status, markup).into_response();
    r.headers_mut().insert(axum::http::header::CACHE_CONTROL, axum::http::HeaderValue::from_static("no-store"));
    r
}

/// `303 See Other` to a path on this site: where a posted form leads.
pub fn see_other(to: &str) -> Response {
    let mut r = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = axum::http::HeaderValue::from_str(to) {
        r.headers_mut().insert(axum::http::header::LOCATION, v);
    }
    r
}

/// An HTML error page (the portal's counterpart of problem+json).
#[derive(Debug)]
pub struct WebError {
    pub status: StatusCode,
    pub lang: Lang,
    pub message: String,
}

impl WebError {
    /// `404 Not Found`, saying what was not found.
    pub fn not_found(lang: Lang, message: impl Into<String>) -> WebError {
        WebError { status: StatusCode::NOT_FOUND, lang, message: message.into() }
    }
}

/// The error page for a query a page cannot read (`400`, the parser's message).
pub fn bad_query<E: std::fmt::Display>(lang: Lang) -> impl Fn(E) -> WebError {
    move |e| WebError { status: StatusCode::BAD_REQUEST, lang, message: e.to_string() }
}

/// An error page as a handler answered it, kept on the response for the error frame (`frame::error_frame`).
#[derive(Debug, Clone)]
pub struct Framed {
    pub status: StatusCode,
    pub lang: Lang,
    pub message: String,
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let page = Page { lang: self.lang, path: "/".into(), user: None };
        let ui = page.ui();
        let title = if self.status == StatusCode::NOT_FOUND { ui.not_found } else { ui.bad_request };
        let body = html! {
            h1 { (title) }
            p.error { (self.message) }
            p { a href=(page.link("/norms")) { (ui.back_to_norms) } }
        };
        let mut r = (self.status, layout(&page, title, body)).into_response();
        // The error frame (`frame::error_frame`) draws the page again for the reader who asked.
        r.extensions_mut().insert(Framed { status: self.status, lang: self.lang, message: self.message });
        r
    }
}

/// The error page for a failure while building a page, mapped as the API maps it to
/// problem+json: same status, internal failures logged and described briefly.
pub fn failure<E: Into<crate::error::ApiError>>(lang: Lang) -> impl Fn(E) -> WebError {
    move |e| {
        let e = e.into();
        e.log_if_internal();
        WebError { status: e.status(), lang, message: e.detail() }
    }
}

/// The page language from `?lang=` (validated), `Accept-Language`, or English.
pub fn page_language(lang: Option<LangChoice>, headers: &HeaderMap) -> Result<Lang, WebError> {
    match lang {
        Some(LangChoice::One(l)) => Ok(l),
        Some(LangChoice::All) => Err(WebError {
            status: StatusCode::BAD_REQUEST,
            lang: header_language(headers).unwrap_or(Lang::En),
            message: "lang: pages are shown in one language; use ja or en".into(),
        }),
        None => Ok(header_language(headers).unwrap_or(Lang::En)),
    }
}

/// The page for a request: its language and its path with the query it was asked with.
pub fn page(params: &Params, headers: &HeaderMap, caller: &Caller, path: &str) -> Result<Page, WebError> {
    let lang = page_language(params.lang, headers)?;
    let query: Vec<String> = params.pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect();
    let path = if query.is_empty() { path.to_owned() } else { format!("{path}?{}", query.join("&")) };
    Ok(Page { lang, path, user: PageUser::of(caller) })
}

pub fn layout(page: &Page, title: &str, body: Markup) -> Markup {
    let ui = page.ui();
    let other = match page.lang {
        Lang::Ja => Lang::En,
        Lang::En => Lang::Ja,
    };
    let sep = if page.path.contains('?') { '&' } else { '?' };
    let switch = format!("{}{sep}lang={other}", page.path);
    html! {
        (DOCTYPE)
        html lang=(page.lang.code()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — " (ui.site) }
                // A file, not an inline <style>: the Content-Security-Policy allows no inline code.
                link rel="stylesheet" href="/assets/normwatch.css";
            }
            body {
                // The first stop of the keyboard: straight past the navigation.
                a.skip href="#main" { (ui.skip_to_content) }
                header {
                    a.brand href=(page.link("/")) title=(ui.tagline) { (ui.site) }
                    nav {
                        a href=(page.link("/")) { (ui.nav_home) }
                        a href=(page.link("/norms")) { (ui.nav_norms) }
                        a href=(page.link("/incidents")) { (ui.nav_incidents) }
                        a href=(page.link("/metrics")) { (ui.nav_metrics) }
                        a href=(page.link("/analysis")) { (ui.nav_analysis) }
                        a href=(page.link("/adoption")) { (ui.nav_adoption) }
                        a href=(page.link("/stakeholders")) { (ui.nav_stakeholders) }
                        a href=(page.link("/capacity")) { (ui.nav_capacity) }
                        a href=(page.link("/standards")) { (ui.nav_standards) }
                        a href=(page.link("/communities")) { (ui.nav_communities) }
                        a href=(page.link("/consultations")) { (ui.nav_consultations) }
                        a href=(page.link("/contacts")) { (ui.nav_contacts) }
                        a href=(page.link("/vep")) { (ui.nav_vep) }
                        a href=(page.link("/taxonomies")) { (ui.nav_taxonomies) }
                        a href=(page.link("/log")) { (ui.nav_log) }
                        a href=(page.link("/federated")) { (ui.nav_federated) }
                        a href="/api/v1/openapi.json" { (ui.nav_api) }
                    }
                    @match &page.user {
                        Some(u) => {
                            @if u.may_triage {
                                a href=(page.link("/triage")) { (ui.nav_triage) }
                                a href=(page.link("/sources")) { (ui.nav_sources) }
                            }
                            @if u.may_manage_peers { a href=(page.link("/peers")) { (ui.nav_peers) } }
                            a href=(page.link("/hotline")) { (ui.nav_hotline) }
                            a href=(page.link("/checks")) { (ui.checks_title.split('（').next().unwrap_or(ui.checks_title)) }
                            @if let Some(admin) = u.admin_page { a #nav-admin href=(page.link(admin)) { (ui.nav_admin) } }
                            span.user { (ui.signed_in_as) " " a #nav-account href=(page.link("/account/tokens")) { b { (u.name) } } }
                            form.inline method="post" action="/sign-out" {
                                input type="hidden" name="csrf" value=(u.csrf);
                                input type="hidden" name="lang" value=(page.lang.code());
                                button type="submit" { (ui.sign_out) }
                            }
                        }
                        None => { a href=(page.link("/sign-in")) { (ui.sign_in) } }
                    }
                    a.switch href=(switch) hreflang=(other.code()) lang=(other.code()) id="lang-switch" { (ui.switch_to) }
                }
                main #main { (body) }
                footer.site { a #report-incident href=(page.link("/tips")) { (ui.report_incident) } }
            }
        }
    }
}

/// Checks the CSRF token of a form posted by a signed-in user.
pub fn check_csrf(caller: &Caller, sent: &str, lang: Lang) -> Result<(), WebError> {
    match &caller.credential {
        Credential::Session { csrf_token, .. } if auth::same_secret(sent, csrf_token) => Ok(()),
        _ => Err(WebError { status: StatusCode::FORBIDDEN, lang, message: ui(lang).csrf_failed.to_owned() }),
    }
}

/// A posted form's body, or `400` in the browser's language when it does not parse; with that
/// language, which a form's own `lang` field overrides.
pub fn form_body<T>(form: Result<Form<T>, FormRejection>, headers: &HeaderMap) -> Result<(T, Lang), WebError> {
    let fallback = header_language(headers).unwrap_or(Lang::En);
    let Form(form) =
        form.map_err(|e| WebError { status: StatusCode::BAD_REQUEST, lang: fallback, message: e.body_text() })?;
    Ok((form, fallback))
}

/// A typed form as posted, in its language: its `lang` field when valid, else the browser's,
/// else English.
pub fn typed_form<T>(
    form: Result<Form<T>, FormRejection>,
    headers: &HeaderMap,
    lang: impl FnOnce(&T) -> Option<&str>,
) -> Result<(T, Lang), WebError> {
    let (form, fallback) = form_body(form, headers)?;
    let lang = lang(&form).and_then(|l| l.parse().ok()).unwrap_or(fallback);
    Ok((form, lang))
}
