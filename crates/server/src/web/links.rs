//! `/incident-links`: proposals that two records describe the same incident, side by side, with
//! Confirm and Reject for editors (plain forms, no JavaScript); and, on an incident's page, the
//! section listing the same incident in other sources. Words in Japanese and English.
use super::kit::encode;
use super::kit::end_cell;
use super::kit::typed_form;
use super::kit::{Visit, check_csrf};
use super::kit::{WebError, failure, layout, see_other};
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::i18n::words;
use axum::extract::rejection::FormRejection;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use maud::html;
use normwatch_core::Right;
use normwatch_core::linking::LinkStatus;
use serde::Deserialize;

words! {
    struct Words, fn words;
    title: "同一事案の候補", "Possibly the same incident";
    intro:
        "別々の出典に記録された二件が同じ現実の事案を指している可能性があります。両方を読んで、同じなら確認、違えば却下してください。一つの事案として数えるのは確認されたものだけです。",
        "Two records from different sources may describe one real-world incident. Read both; confirm when they are the same, reject when they are not. Only confirmed links make them count as one.";
    proposed: "提案中", "Proposed";
    confirmed: "確認済み", "Confirmed";
    rejected: "却下", "Rejected";
    score: "一致度", "Score";
    reasons: "根拠", "Why";
    confirm: "同じ事案として確認", "Confirm: same incident";
    reject: "別の事案として却下", "Reject: different incidents";
    none: "該当するものはありません。", "Nothing here.";
    more: "次へ", "Next";
}

fn status_word(w: &Words, s: LinkStatus) -> &'static str {
    match s {
        LinkStatus::Proposed => w.proposed,
        LinkStatus::Confirmed => w.confirmed,
        LinkStatus::Rejected => w.rejected,
    }
}

/// `GET /incident-links?status=&cursor=`: the proposals (or decided links), best score first.
pub async fn list(State(state): State<AppState>, v: Visit) -> Result<Response, WebError> {
    let v = v.without_blanks();
    let page = v.page_taking("/incident-links", &["status", "cursor"])?;
    let Visit { params, caller, .. } = v;
    let l = page.lang;
    let get = |k: &str| params.first(k);
    let status = get("status").map(LinkStatus::parse).transpose().map_err(failure(l))?.unwrap_or(LinkStatus::Proposed);
    let links = state
        .store
        .incident_links(&caller.viewer(), Some(status), None, get("cursor"), 50)
        .await
        .map_err(failure(l))?;
    let w = words(l);
    let can_decide = caller.require(Right::WriteIncidents, None).is_ok() && page.user.is_some();
    let body = html! {
        h1 { (w.title) }
        p { (w.intro) }
        p #link-status { @for s in LinkStatus::ALL {
            @if s == status { b { (status_word(w, s)) } } @else {
                a href=(page.link(&format!("/incident-links?status={}", s.name()))) { (status_word(w, s)) } }
            " "
        } }
        @if links.links.is_empty() { p { (w.none) } }
        table #incident-links {
            tbody {
                @for k in &links.links {
                    tr id=(format!("link-{}", k.id)) {
                        td { (end_cell(&page, &k.incidents[0])) }
                        td { (end_cell(&page, &k.incidents[1])) }
                        td { (w.score) " " b { (format!("{:.2}", k.score)) } br;
                            small { (w.reasons) ": " @for (i, r) in k.reasons.iter().enumerate() { @if i > 0 { "; " } (r.get(l)) } } }
                        td {
                            @if can_decide && k.status == LinkStatus::Proposed {
                                @if let Some(user) = &page.user {
                                    @for (decision, label) in [("confirm", w.confirm), ("reject", w.reject)] {
                                        form.inline method="post" action=(format!("/incident-links/{}/{decision}", encode(&k.id))) {
                                            input type="hidden" name="csrf" value=(user.csrf);
                                            input type="hidden" name="lang" value=(l.code());
                                            input type="hidden" name="version" value=(k.version);
                                            button type="submit" { (label) }
                                        }
                                    }
                                }
                            } @else { (status_word(w, k.status)) }
                        }
                    }
                }
            }
        }
        @if let Some(n) = &links.next {
            p { a rel="next" href=(page.link(&format!("/incident-links?status={}&cursor={}", status.name(), encode(n)))) { (w.more) } }
        }
    };
    Ok(super::kit::no_store(StatusCode::OK, layout(&page, w.title, body)))
}

#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    lang: Option<String>,
    #[serde(default)]
    version: Option<i64>,
}

/// `POST /incident-links/{id}/{confirm|reject}` from the page's buttons.
pub async fn decide(
    State(state): State<AppState>,
    Path((id, decision)): Path<(String, String)>,
    headers: HeaderMap,
    caller: Caller,
    form: Result<Form<DecisionForm>, FormRejection>,
) -> Result<Response, WebError> {
    let (form, lang) = typed_form(form, &headers, |f| f.lang.as_deref())?;
    // CSRF first: a forged form learns nothing, not even whether it would have been allowed.
    check_csrf(&caller, &form.csrf, lang)?;
    let status = match decision.as_str() {
        "confirm" => LinkStatus::Confirmed,
        "reject" => LinkStatus::Rejected,
        other => {
            return Err(WebError::not_found(lang, format!("no decision `{other}`")));
        }
    };
    state.app().decide_incident_link(caller.acting(), &id, status, form.version).await.map_err(failure(lang))?;
    Ok(see_other(&format!("/incident-links?lang={lang}")))
}
