//! The incident page's workbench: what awaits review or publication, and the forms that add
//! findings to the record.
use super::forms::{Refusal, Shown, may_file};
use super::widgets::{
    area, choice, date_field, hidden, refusal_note, save_buttons, speaker_choice, speaker_kinds, stakeholder_options,
    taxonomy_choice, text_field, tlp_choice,
};
use super::words::{Words, words};
use crate::AppState;
use crate::auth::Caller;
use crate::web::kit::{Page, PageUser, WebError, failure};
use crate::web::kit::{encode, label};
use maud::{Markup, html};
use normwatch_core::incident::IncidentInput;
use normwatch_core::screening::screen;
use normwatch_core::violation::{
    ASSESSMENT_LEVELS, Approval, AssessmentInput, AttributionInput, CONFIDENCE, RESPONSE_TYPES, ResponseInput,
    ReviewRule, StatementInput, Verdict,
};
use normwatch_core::{Lang, RecordStatus, Right, Tlp};
use normwatch_store::LedgerRecord;

/// What the incident page knows that the workbench needs.
pub struct IncidentWork<'a> {
    pub incident: &'a LedgerRecord<IncidentInput>,
    pub assessments: &'a [LedgerRecord<AssessmentInput>],
    pub claims: &'a [LedgerRecord<AttributionInput>],
    pub responses: &'a [LedgerRecord<ResponseInput>],
    pub statements: &'a [LedgerRecord<StatementInput>],
}

pub(in crate::web) fn status_word(w: &Words, status: RecordStatus) -> &'static str {
    match status {
        RecordStatus::Draft => w.status_draft,
        RecordStatus::InReview => w.status_in_review,
        RecordStatus::Published => w.status_published,
    }
}

/// What the signed-in person may do with the records awaiting review, and the rule publication
/// follows: buttons are offered only where the post could be accepted.
pub(super) struct Acts {
    pub(super) write: bool,
    pub(super) review: bool,
    pub(super) me: String,
    pub(super) rule: ReviewRule,
}

impl Acts {
    pub(super) fn of(state: &AppState, caller: &Caller) -> Acts {
        Acts {
            write: may_file(caller),
            review: caller.account.as_ref().is_some_and(|a| a.role.has(Right::ReviewRecords)),
            me: caller.account.as_ref().map(|a| a.id.clone()).unwrap_or_default(),
            rule: state.instance.review_rule,
        }
    }
}

/// One unpublished record's row: its status, approvals and the actions that apply.
pub(super) fn awaiting_row<T>(
    page: &Page,
    user: &PageUser,
    acts: &Acts,
    (kind, kind_word): (&str, &str),
    what: &str,
    record: &LedgerRecord<T>,
    incident: &str,
) -> Markup
where
    T: normwatch_store::LedgerKind,
{
    let w = words(page.lang);
    let status = record.body.status();
    // Approvals of this version: a change after review needs reviewing again.
    let current: Vec<_> = record.reviews.iter().filter(|r| r.record_version == record.version).collect();
    let approving: Vec<Approval> = current
        .iter()
        .filter(|r| r.verdict == Verdict::Approve)
        .map(|r| Approval { reviewer: r.reviewer.clone(), stakeholder_kind: r.stakeholder_kind.clone() })
        .collect();
    let approvals = approving.len();
    let (may_write, may_review) = (acts.write, acts.review);
    // The store refuses the author's review, a second review of one version and publication
    // short of the rule: those buttons are not offered, and the row says why.
    let own = record.recorded_by == acts.me;
    let reviewed = current.iter().any(|r| r.reviewer == acts.me);
    let publishable = acts.rule.check(&approving).is_ok();
    let distinct = |key: fn(&Approval) -> &str| {
        let mut v: Vec<&str> = approving.iter().map(key).collect();
        v.sort_unstable();
        v.dedup();
        v.len()
    };
    let waits = super::words::publish_waits(
        page.lang,
        acts.rule,
        distinct(|a| a.reviewer.as_str()),
        distinct(|a| a.stakeholder_kind.as_str()),
    );
    let action = |a: &str| format!("/records/{kind}/{}/{a}", encode(&record.id));
    html! {
        tr.awaiting data-kind=(kind) data-id=(record.id) {
            td { (kind_word) br; span.id { (record.id) } }
            td { (what)
                @if let Some(c) = record.reviews.iter().rev().find(|r| r.verdict == Verdict::RequestChanges).and_then(|r| r.comment.as_deref()) {
                    @if status == RecordStatus::Draft { p.changes-requested { b { (w.changes_requested) ": " } (c) } }
                }
            }
            td { span.tag.status { (status_word(w, status)) } }
            td.approvals { (approvals) }
            td.actions {
                @if may_write && status == RecordStatus::Draft && kind == "incidents" {
                    a.edit-draft href=(page.link(&format!("/incidents/{}/edit", encode(&record.id)))) { (w.edit_draft) } " "
                }
                @if may_write && status == RecordStatus::Draft {
                    form.inline method="post" action=(action("submit")) {
                        (hidden(page, user)) input type="hidden" name="incident" value=(incident);
                        button type="submit" { (w.submit_for_review) }
                    }
                }
                @if status == RecordStatus::InReview {
                    @if may_review && own { p.why-not.own-record { (w.own_record_review) } }
                    @else if may_review && reviewed { p.why-not.reviewed-already { (w.reviewed_already) } }
                    @else if may_review {
                        form.review method="post" action=(action("review")) {
                            (hidden(page, user)) input type="hidden" name="incident" value=(incident);
                            label { (w.review_comment) textarea name="comment" rows="2" {} }
                            button type="submit" name="verdict" value="approve" { (w.approve) }
                            " "
                            button type="submit" name="verdict" value="request-changes" { (w.request_changes) }
                        }
                    }
                    @if (may_write || may_review) && publishable {
                        form.inline method="post" action=(action("publish")) {
                            (hidden(page, user)) input type="hidden" name="incident" value=(incident);
                            button type="submit" { (w.publish) }
                        }
                    } @else if may_write || may_review {
                        @let why = format!("publish-waits-{}", record.id);
                        button.publish type="button" disabled aria-describedby=(why) { (w.publish) }
                        p.why-not.publish-waits id=(why) { (waits) }
                    }
                }
            }
        }
    }
}

/// The signed-in part of an incident page: what awaits review or publication, and the forms
/// that add to the record.
pub async fn workbench(
    state: &AppState,
    caller: &Caller,
    page: &Page,
    work: &IncidentWork<'_>,
    refusal: Option<&Refusal>,
) -> Result<Markup, WebError> {
    let Some(user) = &page.user else { return Ok(html! {}) };
    let (l, w) = (page.lang, words(page.lang));
    let catalog = state.catalog();
    let acts = Acts::of(state, caller);
    let rights = &acts;
    // A contributor writes for its own stakeholder only: the speaker is fixed to it, and
    // collective statements (which belong to no one stakeholder) are left to editors.
    let own_only = caller.account.as_ref().is_some_and(|a| !a.role.has(Right::WriteIncidents));
    let own = caller.account.as_ref().and_then(|a| a.stakeholder.clone()).unwrap_or_default();
    let speakers = stakeholder_options(state, l).await?;
    let speakers: Vec<(String, String)> =
        if own_only { speakers.into_iter().filter(|(id, _)| *id == own).collect() } else { speakers };
    let id = work.incident.id.as_str();
    let either = |t: &normwatch_core::Localized| crate::web::kit::either(t, l).to_owned();
    let claimed = standing_claims(work.claims);
    let hits = screen(&work.incident.body, &claimed, &catalog);
    let suggested: Vec<String> = hits.iter().map(|h| h.norm.clone()).collect();
    let unpublished = |s: RecordStatus| s != RecordStatus::Published;
    let (evidence_v, assessment_v, attribution_v, response_v, statement_v) = (
        Refusal::values(refusal, "evidence"),
        Refusal::values(refusal, "assessment"),
        Refusal::values(refusal, "attribution"),
        Refusal::values(refusal, "response"),
        Refusal::values(refusal, "statement"),
    );
    let open = |form: &str| refusal.is_some_and(|r| r.form == form);
    let norm_select = |name: &str, values: &Shown, multiple: bool| {
        html! {
            select name=(name) multiple[multiple] size=[multiple.then_some("6")]
                aria-describedby=[values.described_by(name)] aria-invalid=[values.invalid(name)] {
                @if !suggested.is_empty() { optgroup label=(w.suggested) {
                    @for h in &hits { option value=(h.norm) selected[values.has(name, &h.norm)] {
                        (label(&catalog, &h.norm, l)) " (" (h.confidence.label().get(l)) ")" } }
                } }
                optgroup label=(w.other_norms) {
                    @for n in catalog.norms.iter().filter(|n| !suggested.contains(&n.id)) {
                        option value=(n.id) selected[values.has(name, &n.id)] { (n.id) " " (n.title.get(l)) }
                    }
                }
            }
        }
    };
    Ok(html! {
        section #work {
            h2 { (w.work_on_record) }
            p { (w.work_intro) }
            (refusal_note(w, refusal, "action"))
            h3 { (w.awaiting) }
            @let any = unpublished(work.incident.body.status)
                || work.assessments.iter().any(|a| unpublished(a.body.status))
                || work.claims.iter().any(|c| unpublished(c.body.status))
                || work.responses.iter().any(|r| unpublished(r.body.status))
                || work.statements.iter().any(|s| unpublished(s.body.status));
            @if any {
                table #awaiting {
                    thead { tr { th { (w.record) } th { (w.what) } th { (w.status) } th { (w.approvals) } th { (w.actions) } } }
                    tbody {
                        @if unpublished(work.incident.body.status) {
                            (awaiting_row(page, user, rights, ("incidents", w.kind_incident), &either(&work.incident.body.title), work.incident, id))
                        }
                        @for a in work.assessments.iter().filter(|a| unpublished(a.body.status)) {
                            (awaiting_row(page, user, rights, ("assessments", w.kind_assessment), &format!("{} · {}", a.body.norm, label(&catalog, &a.body.level, l)), a, id))
                        }
                        @for c in work.claims.iter().filter(|c| unpublished(c.body.status)) {
                            (awaiting_row(page, user, rights, ("attributions", w.kind_attribution),
                                &format!("{} → {}", c.body.attributor.name, [c.body.attributed_to.state.clone(), c.body.attributed_to.group.clone()].into_iter().flatten().collect::<Vec<_>>().join(" / ")), c, id))
                        }
                        @for r in work.responses.iter().filter(|r| unpublished(r.body.status)) {
                            (awaiting_row(page, user, rights, ("responses", w.kind_response), &format!("{} · {}", r.body.responder.name, label(&catalog, &r.body.kind, l)), r, id))
                        }
                        @for s in work.statements.iter().filter(|s| unpublished(s.body.status)) {
                            (awaiting_row(page, user, rights, ("statements", w.kind_statement), &either(&s.body.text), s, id))
                        }
                    }
                }
            } @else {
                p { (w.nothing_awaiting) }
            }

            @if acts.write {
            details #upload-evidence open[open("evidence")] {
                summary { (w.upload_evidence) }
                (refusal_note(w, refusal, "evidence"))
                form.record method="post" enctype="multipart/form-data" action=(format!("/incidents/{}/evidence", encode(id))) {
                    // The CSRF token comes before the file: it is checked before a byte is stored.
                    (hidden(page, user))
                    (tlp_choice(w, &evidence_v, Tlp::Amber))
                    (text_field(w.evidence_source, "source", &evidence_v))
                    (text_field(w.evidence_method, "method", &evidence_v))
                    (text_field(w.evidence_tool, "tool", &evidence_v))
                    (area(w.evidence_handling, "handling", &evidence_v))
                    label { (w.file) input type="file" name="file" required aria-describedby=[evidence_v.described_by("file")] aria-invalid=[evidence_v.invalid("file")]; }
                    (evidence_v.note("file"))
                    button type="submit" { (w.upload) }
                }
            }

            details #add-assessment open[open("assessment")] {
                summary { (w.add_assessment) }
                (refusal_note(w, refusal, "assessment"))
                form.record method="post" action=(format!("/incidents/{}/assessments", encode(id))) {
                    (hidden(page, user))
                    label { (w.norm) (norm_select("norm", &assessment_v, false)) } (assessment_v.note("norm"))
                    (choice(w.actor_kind, "actor_kind", &assessment_v, None, &[("state", w.state_actor), ("non-state", w.non_state_actor)]))
                    (text_field(w.alleged_state, "actor_state", &assessment_v))
                    (text_field(w.alleged_group, "actor_group", &assessment_v))
                    (choice(w.responsibility, "responsibility", &assessment_v, Some("—"), &[("proxy", w.responsibility_proxy), ("territory", w.responsibility_territory)]))
                    (taxonomy_choice(state, l, w.level, "level", &assessment_v, ASSESSMENT_LEVELS, None))
                    (area(w.rationale_ja, "rationale_ja", &assessment_v))
                    (area(w.rationale_en, "rationale_en", &assessment_v))
                    (tlp_choice(w, &assessment_v, work.incident.body.tlp))
                    (save_buttons(w))
                }
            }

            details #add-attribution open[open("attribution")] {
                summary { (w.add_attribution) }
                (refusal_note(w, refusal, "attribution"))
                form.record method="post" action=(format!("/incidents/{}/attributions", encode(id))) {
                    (hidden(page, user))
                    fieldset {
                        legend { (w.attributor) }
                        (text_field(w.attributor, "attributor_name", &attribution_v))
                        (choice(w.attributor_kind, "attributor_kind", &attribution_v, None, &speaker_kinds(w)))
                        (text_field(w.country_code, "attributor_country", &attribution_v))
                        (speaker_choice(w.registered_as, "attributor_stakeholder", &attribution_v, own_only, &speakers))
                    }
                    fieldset {
                        legend { (w.attributed_to) }
                        (choice(w.category, "category", &attribution_v, Some("—"), &[("state", w.cat_state), ("state-affiliated", w.cat_state_affiliated), ("non-state-group", w.cat_non_state_group), ("individual", w.cat_individual), ("unknown", w.not_known)]))
                        (text_field(w.alleged_state, "attributed_state", &attribution_v))
                        (text_field(w.alleged_group, "attributed_group", &attribution_v))
                        (choice(w.relation, "relation", &attribution_v, Some("—"), &[("organ", w.rel_organ), ("proxy", w.rel_proxy), ("tolerated", w.rel_tolerated), ("unknown", w.not_known)]))
                    }
                    (choice(w.attribution_kind, "attribution_kind", &attribution_v, Some("—"), &[("technical", w.type_technical), ("political", w.type_political), ("legal", w.type_legal)]))
                    (taxonomy_choice(state, l, w.confidence, "confidence", &attribution_v, CONFIDENCE, Some("—")))
                    (date_field(w.attributed_on, "attributed_on", &attribution_v, w))
                    label { (w.statement_url) input type="url" name="statement_url" value=(attribution_v.one("statement_url"))
                        aria-describedby=[attribution_v.described_by("statement_url")] aria-invalid=[attribution_v.invalid("statement_url")]; }
                    (attribution_v.note("statement_url"))
                    (area(w.basis_ja, "basis_ja", &attribution_v))
                    (area(w.basis_en, "basis_en", &attribution_v))
                    (tlp_choice(w, &attribution_v, work.incident.body.tlp))
                    (save_buttons(w))
                }
            }

            details #add-response open[open("response")] {
                summary { (w.add_response) }
                (refusal_note(w, refusal, "response"))
                form.record method="post" action=(format!("/incidents/{}/responses", encode(id))) {
                    (hidden(page, user))
                    (text_field(w.responder, "responder_name", &response_v))
                    (choice(w.responder_kind, "responder_kind", &response_v, None, &speaker_kinds(w)))
                    (text_field(w.country_code, "responder_country", &response_v))
                    (speaker_choice(w.registered_as, "responder_stakeholder", &response_v, own_only, &speakers))
                    (taxonomy_choice(state, l, w.response_kind, "kind", &response_v, RESPONSE_TYPES, None))
                    (choice(w.legal_character, "legal_character", &response_v, None, &[("retorsion", w.legal_retorsion), ("countermeasure", w.legal_countermeasure), ("other", w.legal_other)]))
                    (date_field(w.responded_on, "responded_on", &response_v, w))
                    (area(w.response_ja, "description_ja", &response_v))
                    (area(w.response_en, "description_en", &response_v))
                    label { (w.norms_invoked) (norm_select("norms", &response_v, true)) } (response_v.note("norms"))
                    label { (w.source_url) input type="url" name="source_url" value=(response_v.one("source_url"))
                        aria-describedby=[response_v.described_by("source_url")] aria-invalid=[response_v.invalid("source_url")]; }
                    (response_v.note("source_url"))
                    (tlp_choice(w, &response_v, work.incident.body.tlp))
                    (save_buttons(w))
                }
            }

            @if !work.claims.is_empty() && !own_only {
                details #issue-statement open[open("statement")] {
                    summary { (w.issue_statement) }
                    p { (w.statement_intro) }
                    (refusal_note(w, refusal, "statement"))
                    form.record method="post" action=(format!("/incidents/{}/statements", encode(id))) {
                        (hidden(page, user))
                        fieldset.choices {
                            legend { (w.claims_cited) }
                            @for c in work.claims {
                                label.check { input type="checkbox" name="claims" value=(c.id) checked[statement_v.has("claims", &c.id)];
                                    " " (c.body.attributor.name) " → " (c.body.attributed_to.state.clone().unwrap_or_default()) " " (c.body.attributed_to.group.clone().unwrap_or_default())
                                    " (" (status_word(w, c.body.status)) ")" }
                            }
                        }
                        (area(w.statement_ja, "text_ja", &statement_v))
                        (area(w.statement_en, "text_en", &statement_v))
                        (date_field(w.issued_on, "issued_on", &statement_v, w))
                        (tlp_choice(w, &statement_v, work.incident.body.tlp))
                        (save_buttons(w))
                    }
                }
            }
            }
        }
    })
}

/// Whom the standing claims the viewer may read name: screening tells a state's organ or proxy
/// from a group it only tolerates by them.
pub(in crate::web) fn standing_claims(
    claims: &[normwatch_store::LedgerRecord<AttributionInput>],
) -> Vec<normwatch_core::violation::AttributedActor> {
    claims.iter().filter(|c| c.is_standing()).map(|c| c.body.attributed_to.clone()).collect()
}

pub(in crate::web) async fn incident_record(
    state: &AppState,
    caller: &Caller,
    id: &str,
    lang: Lang,
) -> Result<LedgerRecord<IncidentInput>, WebError> {
    state
        .store
        .ledger_record::<IncidentInput>(&caller.viewer(), id)
        .await
        .map_err(failure(lang))?
        .ok_or_else(|| WebError::not_found(lang, format!("no incident `{id}`")))
}
