//! Collective statements: their page, the canonical text a co-signer signs, and co-signing.
use super::super::kit::Visit;
use super::forms::Posted;
use super::forms::{Refusal, page_again};
use super::widgets::{hidden, refusal_note};
use super::words::words;
use super::workbench::{awaiting_row, status_word};
use crate::AppState;
use crate::auth::Caller;
use crate::extract::header_language;
use crate::web::kit::encode;
use crate::web::kit::{Page, PageUser, WebError, failure, see_other};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use maud::html;
use normwatch_core::violation::{AttributionInput, StatementInput, verify_signature};
use normwatch_core::{Lang, RecordStatus};

pub(super) async fn statement_again(
    state: &AppState,
    caller: &Caller,
    lang: Lang,
    id: &str,
    refusal: Refusal,
) -> Result<Response, WebError> {
    let page = Page { lang, path: format!("/statements/{}", encode(id)), user: PageUser::of(caller) };
    statement_page(state, caller, &page, id, Some(refusal)).await
}

pub(super) async fn statement_page(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    id: &str,
    refusal: Option<Refusal>,
) -> Result<Response, WebError> {
    let (l, w) = (page.lang, words(page.lang));
    let viewer = caller.viewer();
    let record = state
        .store
        .ledger_record::<StatementInput>(&viewer, id)
        .await
        .map_err(failure(l))?
        .ok_or_else(|| WebError::not_found(l, format!("no statement `{id}`")))?;
    let canonical = normwatch_app::statements::canonical(&record).map_err(failure(l))?;
    let signatures = state.store.statement_signatures(id).await.map_err(failure(l))?;
    let mut claims = vec![];
    for c in &record.body.claims {
        if let Some(claim) = state.store.ledger_record::<AttributionInput>(&viewer, c).await.map_err(failure(l))? {
            claims.push(claim);
        }
    }
    let values = Refusal::values(refusal.as_ref(), "signature");
    let rights = &super::workbench::Acts::of(state, caller);
    let own = caller.account.as_ref().and_then(|a| a.stakeholder.clone());
    let text = crate::web::kit::either(&record.body.text, l).to_owned();
    let body = html! {
        h1 #statement-title { (w.statement) }
        p { span.tag.status { (status_word(w, record.body.status)) } span.tag { "TLP:" (record.body.tlp.name().to_uppercase()) }
            " " (w.issued_on) " " (crate::web::kit::dates::format_date(record.body.issued_on.as_str(), l)) }
        blockquote #statement-text { (text) }
        h2 { (w.claims_cited) }
        ul #claims { @for c in &claims {
            li { a href=(page.link(&format!("/incidents/{}", encode(&c.body.incident)))) { (c.body.attributor.name) " → "
                (c.body.attributed_to.state.clone().unwrap_or_default()) " " (c.body.attributed_to.group.clone().unwrap_or_default()) }
                " " span.id { (c.id) } }
        } }
        @if record.body.status != RecordStatus::Published {
            @if let Some(user) = &page.user {
                (refusal_note(w, refusal.as_ref(), "action"))
                table #awaiting { tbody {
                    (awaiting_row(page, user, rights, ("statements", w.kind_statement), &text, &record, ""))
                } }
            }
        }
        h2 #co-sign { (w.co_sign) }
        p { (w.co_sign_intro) }
        ol.steps {
            li { (w.co_sign_step_key) }
            li { (w.co_sign_step_bytes) }
            li { (w.co_sign_step_sign) }
            li { (w.co_sign_step_paste) }
        }
        h3 { (w.canonical_bytes) }
        pre #canonical { (canonical) }
        p { a #download-canonical href=(format!("/statements/{}/canonical.txt", encode(id))) download { (w.download_canonical) } }
        @match &page.user {
            // A stakeholder signs once: its own signature is listed below instead of the form.
            Some(_) if own.as_ref().is_some_and(|o| signatures.iter().any(|s| &s.stakeholder == o)) => {
                p #signed-already { (w.signed_already) }
            }
            Some(user) => {
                (refusal_note(w, refusal.as_ref(), "signature"))
                form.record #co-sign-form method="post" action=(format!("/statements/{}/signatures", encode(id))) {
                    (hidden(page, user))
                    label { (w.signer) input type="text" name="stakeholder" required value=(values.opt("stakeholder").or(own.clone()).unwrap_or_default())
                        aria-describedby=[values.described_by("stakeholder")] aria-invalid=[values.invalid("stakeholder")]; }
                    (values.note("stakeholder"))
                    label { (w.signature) textarea name="signature" rows="3" required aria-describedby=[values.described_by("signature")]
                        aria-invalid=[values.invalid("signature")] { (values.one("signature")) } }
                    (values.note("signature"))
                    button type="submit" { (w.add_signature) }
                }
            }
            None => { p { a href=(page.link(&format!("/sign-in?next={}", encode(&page.link(&format!("/statements/{}", encode(id))))))) { (w.sign_in_to_co_sign) } } }
        }
        h2 { (w.co_signatures) }
        @if signatures.is_empty() { p #no-signatures { (w.no_signatures) } } @else {
            table #signatures {
                thead { tr { th { (w.signer) } th { (w.key) } th { (w.signed_at) } th { (w.valid) } } }
                tbody { @for s in &signatures {
                    @let valid = verify_signature(&s.public_key, canonical.as_bytes(), &s.signature).is_ok();
                    tr { td { a href=(page.link(&format!("/stakeholders/{}", encode(&s.stakeholder)))) { (s.stakeholder) } }
                         td.id { (s.key_id) } td.date { (crate::web::kit::dates::format_date(&s.signed_at, l)) }
                         td class=(if valid { "valid" } else { "invalid" }) { (if valid { w.valid } else { w.invalid }) } }
                } }
            }
        }
        p { a href=(format!("/api/v1/statements/{}/verify", encode(id))) { "JSON" } }
    };
    Ok(page_again(page, w.statement, body, refusal.as_ref()))
}

/// `GET /statements/{id}`.
pub async fn statement(State(state): State<AppState>, Path(id): Path<String>, v: Visit) -> Result<Response, WebError> {
    let page = v.page(&format!("/statements/{}", encode(&id)))?;
    statement_page(&state, &v.caller, &page, &id, None).await
}

/// `GET /statements/{id}/canonical.txt`: exactly the bytes a co-signer signs.
pub async fn canonical_text(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    caller: Caller,
) -> Result<Response, WebError> {
    let lang = header_language(&headers).unwrap_or(Lang::En);
    let record = state.store.ledger_record::<StatementInput>(&caller.viewer(), &id).await.map_err(failure(lang))?;
    let record = record.ok_or_else(|| WebError::not_found(lang, format!("no statement `{id}`")))?;
    let text = normwatch_app::statements::canonical(&record).map_err(failure(lang))?;
    let mut r = text.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    let disposition = format!("attachment; filename=\"statement-{}.txt\"", encode(&id));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(r)
}

/// `POST /statements/{id}/signatures`: a co-signature made offline with `normwatch sign`.
pub async fn co_sign(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
    let input = normwatch_app::SignatureInput {
        stakeholder: fields.one("stakeholder").to_owned(),
        signature: fields.one("signature").to_owned(),
    };
    match state.app().add_co_signature(caller.acting(), &id, &input).await {
        Ok(_) => Ok(see_other(&format!("/statements/{}?lang={lang}#signatures", encode(&id)))),
        Err(e) => statement_again(&state, &caller, lang, &id, Refusal::of("signature", &fields, e.into())).await,
    }
}
