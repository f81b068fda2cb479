//! The portal: server-rendered HTML in Japanese and English, usable without JavaScript.
//! `?lang=ja|en` chooses the language, then `Accept-Language`, then English.
mod account;
mod adoption;
mod capacity;
pub(crate) mod charts;
mod checks;
mod communities;
mod consultations;
mod contacts;
mod dashboard;
mod dates;
mod download;
mod findings;
mod hotline;
mod hygiene;
mod i18n;
mod implementation;
mod incidents;
mod links;
mod log_page;
mod metrics;
mod norm_findings;
mod pages;
mod stakeholder_record;
mod timeline;
mod vep;
mod workflow;
pub use workflow::{Fields, fuzzing};
mod workflow_words;

use crate::AppState;
use crate::extract::header_language;
use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use i18n::{Ui, ui};
use maud::{DOCTYPE, Markup, html};
use normwatch_core::{Lang, LangChoice};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(pages::home))
        .route("/assets/normwatch.css", get(stylesheet))
        .route("/norms", get(pages::norms))
        .route("/incidents", get(incidents::list))
        .route("/incidents/{id}", get(incidents::one))
        .route("/incidents/new", get(workflow::new_incident).post(workflow::file_incident))
        .route("/incidents/{id}/edit", get(workflow::edit_incident).post(workflow::revise_incident))
        .route(
            "/incidents/{id}/evidence",
            // The blob store enforces the evidence size limit while streaming.
            axum::routing::post(workflow::upload_evidence).layer(axum::extract::DefaultBodyLimit::disable()),
        )
        .route("/incidents/{id}/{kind}", axum::routing::post(workflow::add_finding))
        .route("/records/{kind}/{id}/{action}", axum::routing::post(workflow::act))
        .route("/statements/{id}", get(workflow::statement))
        .route("/statements/{id}/canonical.txt", get(workflow::canonical_text))
        .route("/statements/{id}/signatures", axum::routing::post(workflow::co_sign))
        .route("/incidents/timeline", get(timeline::timeline))
        .route("/incident-links", get(links::list))
        .route("/incident-links/{id}/{decision}", axum::routing::post(links::decide))
        .route("/log", get(log_page::page_log))
        .route("/metrics", get(metrics::page_metrics))
        .route("/norms/{id}", get(pages::norm))
        .route("/taxonomies", get(pages::taxonomies))
        .route("/taxonomies/{id}", get(pages::taxonomy))
        .route("/sign-in", get(account::sign_in_form).post(account::sign_in))
        .route("/sign-out", axum::routing::post(account::sign_out))
        .route("/adoption", get(adoption::matrix))
        .route("/stakeholders", get(adoption::stakeholders))
        .route("/stakeholders/{id}", get(adoption::stakeholder))
        .route("/stakeholders/{id}/positions", axum::routing::post(adoption::record_position))
        .route("/stakeholders/{id}/evidence/new", get(implementation::new_evidence))
        .route("/stakeholders/{id}/evidence", axum::routing::post(implementation::record_evidence))
        .route("/capacity", get(capacity::programmes))
        .route("/vulnerabilities", get(capacity::vulnerabilities))
        .route("/standards", get(hygiene::standards))
        .route("/contacts", get(contacts::directory))
        .route("/checks", get(checks::results))
        .route("/hotline", get(hotline::inbox))
        .route("/consultations", get(consultations::list))
        .route("/communities", get(communities::list))
        .route("/stakeholders/{id}/hygiene", get(hygiene::stakeholder_hygiene))
        .route("/vep", get(vep::boards))
        .route("/vep/{board}", get(vep::board))
}

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
}

impl PageUser {
    pub fn of(caller: &crate::auth::Caller) -> Option<PageUser> {
        match (&caller.account, &caller.credential) {
            (Some(a), crate::auth::Credential::Session { csrf_token, .. }) => {
                Some(PageUser { name: a.display_name.clone(), csrf: csrf_token.clone() })
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
        (self.status, layout(&page, title, body)).into_response()
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

const STYLE: &str = r#"
:root { --ink:#1d2733; --muted:#5b6b7c; --line:#d9e0e7; --accent:#0b5cad; --bg:#f7f9fb; }
* { box-sizing: border-box; }
body { margin:0; font-family: system-ui, "Hiragino Sans", "IPAGothic", "Noto Sans CJK JP", sans-serif; color:var(--ink); background:var(--bg); line-height:1.6; }
header { background:#12324f; color:#fff; padding:.8rem 1.5rem; display:flex; gap:1.5rem; align-items:center; flex-wrap:wrap; }
header a { color:#fff; text-decoration:none; } header .brand { font-weight:700; font-size:1.2rem; }
header nav { display:flex; flex-wrap:wrap; gap:.2rem 1rem; flex:1; } header nav a { white-space:nowrap; } header .switch { border:1px solid #fff8; border-radius:4px; padding:.1rem .6rem; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
a { color:var(--accent); } h1 { font-size:1.7rem; } h2 { margin-top:2rem; border-bottom:1px solid var(--line); }
.cards { display:grid; grid-template-columns: repeat(auto-fill, minmax(16rem, 1fr)); gap:.8rem; padding:0; list-style:none; }
.cards li { background:#fff; border:1px solid var(--line); border-radius:6px; padding:.7rem .9rem; }
.cards li b { display:block; }
table { border-collapse: collapse; width:100%; background:#fff; } th, td { text-align:left; padding:.4rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
.id { font-family: ui-monospace, monospace; font-size:.9em; color:var(--muted); white-space:nowrap; }
.tag { display:inline-block; background:#e6eef7; border-radius:3px; padding:0 .4rem; margin:0 .3rem .2rem 0; font-size:.9em; }
form.filters { display:flex; gap:.6rem; flex-wrap:wrap; align-items:end; background:#fff; border:1px solid var(--line); padding:.7rem; border-radius:6px; }
form.filters label { display:flex; flex-direction:column; font-size:.9em; color:var(--muted); }
.error { color:#8a1c1c; } form.inline { display:inline; } header .user { font-size:.9em; }
header form.inline button { background:none; border:1px solid #fff8; color:#fff; border-radius:4px; cursor:pointer; }
table.matrix { font-size:.85em; } table.matrix th.norm { writing-mode: vertical-rl; transform: rotate(180deg); white-space:nowrap; padding:.4rem .2rem; }
table.matrix td.cell { text-align:center; min-width:1.6rem; padding:.2rem; }
.endorse { background:#2e7d32; color:#fff; } .reject { background:#c62828; color:#fff; } .abstain { background:#f9a825; color:#222; } .nostance { background:#eceff1; color:#90a4ae; }
.legend span { display:inline-block; padding:.1rem .5rem; margin-right:.4rem; border-radius:3px; }
form.record { background:#fff; border:1px solid var(--line); padding:.8rem; border-radius:6px; display:grid; gap:.5rem; max-width:36rem; }
form.record label { display:flex; flex-direction:column; font-size:.9em; color:var(--muted); } footer { color:var(--muted); font-size:.85em; border-top:1px solid var(--line); margin-top:3rem; padding-top:.5rem; }
dl.facts dt { font-weight:600; margin-top:.8rem; } dl.facts dd { margin-left:0; }
form.record.wide { max-width:48rem; } form.record fieldset { border:1px solid var(--line); border-radius:6px; display:grid; gap:.5rem; padding:.6rem .8rem; }
form.record legend { font-weight:600; color:var(--ink); } fieldset.choices { grid-template-columns: repeat(auto-fill, minmax(14rem, 1fr)); }
form.record label.check { flex-direction:row; align-items:center; gap:.3rem; color:var(--ink); }
.buttons button, td.actions button, form.record button { padding:.35rem .9rem; border-radius:4px; border:1px solid var(--accent); background:var(--accent); color:#fff; cursor:pointer; }
.buttons button[value="draft"], button[value="request-changes"] { background:#fff; color:var(--accent); }
:focus-visible { outline:3px solid #f9a825; outline-offset:2px; }
section#work { margin-top:2.5rem; } section#work details { background:#fff; border:1px solid var(--line); border-radius:6px; padding:.5rem .8rem; margin:.6rem 0; }
section#work summary { cursor:pointer; font-weight:600; } td.actions form { margin:.2rem 0; } form.review { display:grid; gap:.3rem; }
.refusal { background:#fdecea; border:1px solid #f5c2c0; border-radius:4px; padding:.4rem .7rem; }
pre#canonical { white-space:pre-wrap; word-break:break-all; background:#fff; border:1px solid var(--line); padding:.6rem; border-radius:6px; }
td.valid { color:#2e7d32; font-weight:600; } td.invalid { color:#c62828; font-weight:600; }
a.skip { position:absolute; left:-100rem; } a.skip:focus { left:1rem; top:.5rem; background:#fff; padding:.3rem .6rem; z-index:10; }
blockquote { border-left:4px solid var(--line); margin:1rem 0; padding:.2rem 1rem; background:#fff; }
section.dashboard { display:grid; grid-template-columns: repeat(auto-fill, minmax(26rem, 1fr)); gap:1rem; }
section.dashboard .block { background:#fff; border:1px solid var(--line); border-radius:6px; padding:.2rem .9rem .6rem; }
section.dashboard h2 { margin-top:.6rem; font-size:1.15rem; } td.count { text-align:right; font-variant-numeric: tabular-nums; }
td.date, span.date { white-space:nowrap; color:var(--muted); } p.more { margin:.4rem 0 0; font-size:.9em; }
p.downloads { font-size:.9em; } ul.stakeholders { columns: 2 16rem; }
pre { background:#fff; border:1px solid var(--line); border-radius:4px; padding:.6rem .8rem; overflow-x:auto; white-space:pre-wrap; word-break:break-all; }
div.timeline section.year h2 { font-size:1.3rem; } div.timeline h3 { font-size:1rem; color:var(--muted); margin:.6rem 0 .2rem; }
div.timeline ol.incidents { list-style:none; padding-left:.6rem; border-left:3px solid var(--line); }
"#;

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
                        a href=(page.link("/adoption")) { (ui.nav_adoption) }
                        a href=(page.link("/stakeholders")) { (ui.nav_stakeholders) }
                        a href=(page.link("/capacity")) { (ui.nav_capacity) }
                        a href=(page.link("/standards")) { (ui.nav_standards) }
                        a href=(page.link("/communities")) { (ui.nav_communities) }
                        a href=(page.link("/consultations")) { (ui.nav_consultations) }
                        a href=(page.link("/contacts")) { (ui.nav_contacts) }
                        a href=(page.link("/vep")) { (ui.nav_vep) }
                        a href=(page.link("/taxonomies")) { (ui.nav_taxonomies) }
                        a href=(page.link("/log")) { (log_page::nav_label(page.lang)) }
                        a href="/api/v1/openapi.json" { (ui.nav_api) }
                    }
                    @match &page.user {
                        Some(u) => {
                            a href=(page.link("/hotline")) { (ui.nav_hotline) }
                            a href=(page.link("/checks")) { (ui.checks_title.split('（').next().unwrap_or(ui.checks_title)) }
                            span.user { (ui.signed_in_as) " " b { (u.name) } }
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
            }
        }
    }
}

/// The portal's stylesheet.
async fn stylesheet() -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let mut response = STYLE.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600"));
    response
}
