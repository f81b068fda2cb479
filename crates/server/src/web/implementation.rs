//! Recording a stakeholder's implementation evidence in the portal: what it did to put a norm
//! into practice (a law, a strategy, a programme), dated and sourced. The form posts to a handler
//! that checks what `POST /api/v1/evidence` checks; a refused form comes back with its values.
use super::kit::Visit;
use super::kit::encode;
use super::kit::forms::Posted;
use super::kit::forms::Refusal;
use super::kit::{Page, PageUser, WebError, failure};
use crate::AppState;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::web::kit::i18n::words;
use axum::extract::{Path, State};
use axum::response::Response;
use maud::html;
use normwatch_core::adoption::{EVIDENCE_KINDS, EvidenceInput};
use normwatch_core::{Localized, RecordStatus, Right, Tlp};

words! {
    #[derive(Debug)]
    struct Words, fn words;
    title: "実施の証拠を記録する", "Record implementation evidence";
    intro:
        "規範を実施するために行ったこと（法令、戦略、計画など）を、日付と出典を添えて記録する。記録は公開され、透明性ログに追記される。",
        "What was done to put a norm into practice (a law, a strategy, a programme), dated and sourced. The record is public and appended to the transparency log.";
    norm: "規範", "Norm";
    kind: "証拠の種類", "Kind of evidence";
    dated: "日付（YYYY-MM-DD）", "Date (YYYY-MM-DD)";
    url: "出典の URL", "Source URL";
    summary_ja: "要約（日本語）", "Summary (Japanese)";
    summary_en: "要約（英語）", "Summary (English)";
    save: "記録する", "Record it";
    sign_in: "記録するにはサインインしてください。", "Sign in to record evidence.";
    may_not_record:
        "このアカウントはこの関係者の証拠を記録できない（編集者か、この関係者の寄稿者であること）。",
        "This account may not record this stakeholder's evidence (it takes an editor, or a contributor for this stakeholder).";
    back: "関係者のページに戻る", "Back to the stakeholder";
}

fn form_page(state: &AppState, caller: &Caller, page: &Page, stakeholder: &str, refusal: Option<Refusal>) -> Response {
    let (l, w) = (page.lang, words(page.lang));
    let catalog = state.catalog();
    let values = Refusal::values(refusal.as_ref(), "evidence");
    let back = page.link(&format!("/stakeholders/{}", encode(stakeholder)));
    let body = html! {
        h1 { (w.title) }
        p { (w.intro) }
        p { a href=(back) { (w.back) } }
        @match &page.user {
            None => {
                @let here = page.link(&format!("/stakeholders/{}/evidence/new", encode(stakeholder)));
                p { a href=(page.link(&format!("/sign-in?next={}", encode(&here)))) { (w.sign_in) } }
            }
            Some(_) if !caller.account.as_ref().is_some_and(|a| a.may(Right::WriteEvidence, Some(stakeholder))) => {
                p.error #may-not-record { (w.may_not_record) }
            }
            Some(user) => {
                form.record #record-evidence method="post" action=(format!("/stakeholders/{}/evidence", encode(stakeholder))) {
                    input type="hidden" name="csrf" value=(user.csrf);
                    input type="hidden" name="lang" value=(l.code());
                    label { (w.norm) select name="norm" { @for n in &catalog.norms {
                        option value=(n.id) selected[values.one("norm") == n.id] { (n.id) " — " (n.title.get(l)) }
                    } } }
                    label { (w.kind) select name="kind" {
                        @if let Some(t) = catalog.taxonomy(EVIDENCE_KINDS) { @for term in &t.terms {
                            option value=(term.id) selected[values.one("kind") == term.id] { (term.label.get(l)) }
                        } }
                    } }
                    label { (w.dated) input type="date" name="dated" required value=(values.one("dated"))
                        aria-describedby=[values.described_by("dated")] aria-invalid=[values.invalid("dated")]; }
                    (values.note("dated"))
                    label { (w.url) input type="url" name="url" required placeholder="https://" value=(values.one("url"))
                        aria-describedby=[values.described_by("url")] aria-invalid=[values.invalid("url")]; }
                    (values.note("url"))
                    label { (w.summary_ja) textarea name="summary_ja" rows="3" { (values.one("summary_ja")) } }
                    label { (w.summary_en) textarea name="summary_en" rows="3" { (values.one("summary_en")) } }
                    button type="submit" { (w.save) }
                }
            }
        }
    };
    super::kit::forms::page_again(page, w.title, body, refusal.as_ref())
}

/// `GET /stakeholders/{id}/evidence/new`.
pub async fn new_evidence(
    State(state): State<AppState>,
    Path(id): Path<String>,
    v: Visit,
) -> Result<Response, WebError> {
    let page = v.page(&format!("/stakeholders/{}/evidence/new", encode(&id)))?;
    state
        .store
        .stakeholder(&id)
        .await
        .map_err(failure(page.lang))?
        .ok_or_else(|| WebError::not_found(page.lang, format!("no stakeholder `{id}`")))?;
    Ok(form_page(&state, &v.caller, &page, &id, None))
}

/// `POST /stakeholders/{id}/evidence`: records it, published, and returns to the stakeholder.
pub async fn record_evidence(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Posted { lang, fields, caller }: Posted,
) -> Result<Response, WebError> {
    let page = Page { lang, path: format!("/stakeholders/{}/evidence/new", encode(&id)), user: PageUser::of(&caller) };
    let refuse = |e: ApiError| Refusal::of("evidence", &fields, e);
    let input = EvidenceInput {
        stakeholder: id.clone(),
        norm: fields.one("norm").to_owned(),
        kind: fields.one("kind").to_owned(),
        dated: fields.one("dated").to_owned(),
        url: fields.one("url").to_owned(),
        summary: Localized::new(fields.one("summary_ja"), fields.one("summary_en")),
        tlp: Tlp::Clear,
        status: RecordStatus::Published,
    };
    // The API's use case: the writer's right for this stakeholder, the input, then the write.
    match state.app().record_for_stakeholder(caller.acting(), &input).await {
        Ok(_) => Ok(super::kit::see_other(&format!("/stakeholders/{}?lang={lang}#evidence", encode(&id)))),
        Err(e) => Ok(form_page(&state, &caller, &page, &id, Some(refuse(e.into())))),
    }
}
