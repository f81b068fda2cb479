//! `/tips`: "report an incident", a public form anyone may send (signed in or not): what
//! happened in plain text and up to three addresses where it was reported. The tip joins the
//! triage queue, marked as a tip; the sender sees a thank-you page that says nothing about the
//! queue.
use super::words::{Words, words};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::client_address;
use crate::web::kit::forms::{Fields, Refusal, refuse_nul};
use crate::web::kit::{Page, PageUser, Visit, WebError, form_body, layout, no_store, see_other};
use axum::Form;
use axum::extract::State;
use axum::extract::rejection::FormRejection;
use axum::http::Extensions;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::{Markup, html};
use normwatch_app::TipInput;
use normwatch_core::Lang;
use normwatch_store::StoreError;

/// Address fields the form offers.
const URL_FIELDS: usize = 3;

/// `GET /tips`: the form.
pub async fn form(v: Visit) -> Result<Response, WebError> {
    let page = v.page("/tips")?;
    Ok(form_page(&page, None))
}

fn form_page(page: &Page, refusal: Option<Refusal>) -> Response {
    let w = words(page.lang);
    let values = Refusal::values(refusal.as_ref(), "tip");
    let body = html! {
        h1 { (w.tips_title) }
        p { (w.tips_intro) }
        p { (w.tips_private) }
        (tip_form(page, w, &values, refusal.as_ref()))
    };
    no_store(refusal.map_or(StatusCode::OK, |r| r.status), layout(page, w.tips_title, body))
}

fn tip_form(page: &Page, w: &Words, values: &Fields, refusal: Option<&Refusal>) -> Markup {
    html! {
        form.record #tip method="post" action="/tips" {
            input type="hidden" name="lang" value=(page.lang.code());
            @if let Some(r) = refusal { p.error.refusal role="alert" { b { (w.refused) ": " } (r.message) } }
            label { (w.what_happened)
                textarea name="text" rows="8" maxlength=(normwatch_app::collect::MAX_TIP_CHARS) required { (values.one("text")) } }
            @for i in 1..=URL_FIELDS {
                @let name = format!("url_{i}");
                label { (w.where_reported) " " (i) input type="url" name=(name) value=(values.one(&name)); }
            }
            button type="submit" { (w.send) }
        }
    }
}

/// `POST /tips`. No CSRF token: the tip is anonymous whoever sends it, so a form posted from
/// another site can do nothing its author could not do here directly.
pub async fn send(
    State(state): State<AppState>,
    headers: HeaderMap,
    extensions: Extensions,
    caller: Caller,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Result<Response, WebError> {
    let (pairs, fallback) = form_body(form, &headers)?;
    refuse_nul(&pairs, fallback)?;
    let fields = Fields(pairs);
    let lang: Lang = fields.one("lang").parse().unwrap_or(fallback);
    let page = Page { lang, path: "/tips".into(), user: PageUser::of(&caller) };
    let input = TipInput {
        text: fields.one("text").to_owned(),
        urls: (1..=URL_FIELDS).filter_map(|i| fields.opt(&format!("url_{i}"))).collect(),
    };
    // The API's limit, in the same count per client address: the form is no way around it.
    let key = format!("tip:{}", client_address(&extensions).map_or_else(|| "unknown".to_owned(), |a| a.to_string()));
    if let Err(retry_after) = state.tip_limiter.attempt(&key, None) {
        return Ok(form_page(&page, Some(Refusal::of("tip", &fields, ApiError::TooManyRequests { retry_after }))));
    }
    match state.app().submit_tip(&state.collector, &input).await {
        Ok(_) => Ok(see_other(&format!("/tips/thanks?lang={lang}"))),
        // A tip we hold already is thanked like a new one: the page tells nothing of the queue.
        Err(normwatch_app::AppError::Store(StoreError::Conflict(_))) => {
            Ok(see_other(&format!("/tips/thanks?lang={lang}")))
        }
        Err(e) => {
            let e: ApiError = e.into();
            Ok(form_page(&page, Some(Refusal::of("tip", &fields, e))))
        }
    }
}

/// `GET /tips/thanks`: the same page whatever became of the tip.
pub async fn thanks(v: Visit) -> Result<Response, WebError> {
    let page = v.page("/tips/thanks")?;
    let w = words(page.lang);
    let body = html! {
        h1 { (w.thanks_title) }
        p #thanks { (w.thanks_text) }
        p { a href=(page.link("/tips")) { (w.another) } }
    };
    Ok(no_store(StatusCode::OK, layout(&page, w.thanks_title, body)))
}
