//! The frame of the error pages that remain (not found, a refusal with no page to return to):
//! drawn for the reader who asked, with their name in the header, a way back to the page they
//! came from (same origin only) and home, in the page's language.
use super::page::{Framed, Page, PageUser, layout, no_store};
use super::text::encode;
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::i18n::words;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use maud::html;

/// Redraws a portal error page with the reader's session and the way back.
pub async fn error_frame(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let headers = request.headers().clone();
    let uri = request.uri().clone();
    let response = next.run(request).await;
    let Some(framed) = response.extensions().get::<Framed>().cloned() else { return response };
    // The caller as a page sees it; a credential that fails here leaves the header signed out.
    let mut parts = Request::new(()).into_parts().0;
    parts.uri = uri.clone();
    parts.headers = headers.clone();
    let caller = Caller::from_request_parts(&mut parts, &state).await.ok();
    let user = caller.as_ref().and_then(PageUser::of);
    let path = uri.path_and_query().map_or("/", |p| p.as_str()).to_owned();
    let page = Page { lang: framed.lang, path, user };
    let w = words(framed.lang);
    let title = match framed.status {
        StatusCode::NOT_FOUND => w.not_found,
        StatusCode::UNAUTHORIZED => w.sign_in_needed,
        StatusCode::FORBIDDEN => w.not_allowed,
        StatusCode::CONFLICT => w.conflict,
        s if s.is_server_error() => w.failed,
        _ => w.refused,
    };
    let back = same_origin_referer(&headers);
    let body = html! {
        h1 #error-title { (title) }
        p.error #error-detail { (framed.message) }
        ul #error-ways {
            @if let Some(b) = &back { li { a #back-link href=(b) { (w.back) } } }
            @if page.user.is_none() && framed.status == StatusCode::UNAUTHORIZED {
                li { a href=(page.link(&format!("/sign-in?next={}", encode(back.as_deref().unwrap_or("/"))))) { (w.sign_in) } }
            }
            li { a #home-link href=(page.link("/")) { (w.home) } }
        }
    };
    let mut r = no_store(framed.status, layout(&page, title, body));
    for name in [header::WWW_AUTHENTICATE, header::RETRY_AFTER] {
        if let Some(v) = response.headers().get(&name) {
            r.headers_mut().insert(name, v.clone());
        }
    }
    r
}

/// The path of the page the request came from, when it came from this site.
fn same_origin_referer(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let rest = referer.strip_prefix("http://").or_else(|| referer.strip_prefix("https://"))?;
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let local = !path.starts_with("//") && !path.contains('\\') && !path.chars().any(char::is_control);
    (authority.eq_ignore_ascii_case(host) && local).then(|| path.to_owned())
}

words! {
    struct Words, fn words;
    not_found: "ページが見つからない", "Page not found";
    sign_in_needed: "サインインが必要", "Sign in needed";
    not_allowed: "この操作は許されていない", "Not allowed";
    conflict: "記録の状態がこの操作を許さない", "The record's state does not allow this";
    failed: "処理に失敗した", "The request failed";
    refused: "受け付けられなかった", "Not accepted";
    back: "前のページへ戻る", "Back to the page you came from";
    home: "ホームへ", "Home";
    sign_in: "サインインする", "Sign in";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_sites_pages_are_returned_to() {
        let at = |host: &str, referer: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, host.parse().expect("host"));
            h.insert(header::REFERER, referer.parse().expect("referer"));
            same_origin_referer(&h)
        };
        assert_eq!(
            at("127.0.0.1:8080", "http://127.0.0.1:8080/incidents?lang=ja").as_deref(),
            Some("/incidents?lang=ja")
        );
        assert_eq!(at("127.0.0.1:8080", "http://evil.example/incidents"), None);
        assert_eq!(at("127.0.0.1:8080", "http://127.0.0.1:8080//evil.example/"), None);
    }
}
