//! Refusals come back to the page that asked: a refused publication returns to the incident with
//! the reason in words and a 4xx status; a form with a bad field comes back as typed with the
//! note beside the field; an error page shows who is signed in and the way back; and the review
//! panel offers Publish and Approve only where they could succeed.

use crate::common::portal::Portal;
use crate::common::webdriver::Browser;
use crate::common::{Api, TestServer, account, token_for};

use std::time::Duration;

on_both_backends!(
    a_refused_publication_returns_to_the_incident_with_the_reason,
    a_bad_field_comes_back_as_typed_with_its_note,
    an_error_page_shows_who_is_signed_in_and_the_way_back,
    the_review_panel_offers_only_what_can_succeed,
);

/// The browser test, in its own module (its backends' modules would clash with those above).
mod in_browser {
    use super::a_refused_form_in_both_languages;
    in_browser!(a_refused_form_in_both_languages);
}

async fn admin(s: &TestServer) -> Api {
    Api::with_token(s, &token_for(s, "admin", &s.admin_password).await)
}

/// An incident filed through the form by `p` and sent to review: its id.
async fn in_review(p: &Portal<'_>, title: &str) -> String {
    let (st, location, page) = p.post_in("/incidents/new", "en", &[("title_en", title), ("intent", "in-review")]).await;
    assert_eq!(st, 303, "{page}");
    location.trim_start_matches("/incidents/").split(['?', '#']).next().expect("id").to_owned()
}

async fn a_refused_publication_returns_to_the_incident_with_the_reason(s: TestServer) {
    let admin = admin(&s).await;
    let (user, pw) = account(&admin, "analyst", "editor", Some("jp")).await;
    let analyst = Portal::sign_in(&s, &user, &pw).await;
    let id = in_review(&analyst, "Wiper at a port").await;
    // Publish is not offered (no approvals yet); the form is posted directly.
    for (lang, says) in [("en", "Publication needs more approvals"), ("ja", "公表に必要な承認がまだそろっていない")]
    {
        let (st, _, page) =
            analyst.post_in(&format!("/records/incidents/{id}/publish"), lang, &[("incident", id.as_str())]).await;
        assert_eq!(st, 422, "{lang}: {page}");
        assert!(page.contains("id=\"incident-title\">Wiper at a port"), "{lang}: back on the incident page");
        assert!(page.contains("id=\"error-summary\" role=\"alert\""), "{lang}: a summary: {page}");
        assert!(page.contains(says), "{lang}: the reason in words");
        assert!(page.contains(&format!("<html lang=\"{lang}\"")), "{lang}: in the form's language");
        assert!(page.contains("class=\"user\""), "{lang}: still signed in");
    }
    // A form that lost its `incident` field still returns to the incident.
    let (st, _, page) = analyst.post_in(&format!("/records/incidents/{id}/publish"), "en", &[]).await;
    assert!(st == 422 && page.contains("id=\"incident-title\""), "{st}");
    let (_, record) = admin.get(&format!("/api/v1/incidents/{id}")).await;
    assert_eq!(record["status"], "in-review", "nothing was published");
}

async fn a_bad_field_comes_back_as_typed_with_its_note(s: TestServer) {
    let admin = admin(&s).await;
    let (user, pw) = account(&admin, "analyst", "editor", Some("jp")).await;
    let analyst = Portal::sign_in(&s, &user, &pw).await;
    let typed = [("title_en", "Typed with care"), ("description_en", "A long description"), ("started", "2999-01-01")];
    for (lang, note) in [("en", "Correct this field:"), ("ja", "この欄を直してほしい：")] {
        let (st, _, page) = analyst.post_in("/incidents/new", lang, &typed).await;
        assert_eq!(st, 422, "{lang}");
        assert!(page.contains("value=\"Typed with care\"") && page.contains("A long description"), "values kept");
        assert!(page.contains("id=\"started-error\""), "{lang}: the note beside the field: {page}");
        assert!(page.contains(note), "{lang}: the note in the page's language");
        assert!(page.contains("aria-describedby=\"started-error\""), "{lang}: the field points to its note");
        assert!(page.contains("href=\"#started-error\""), "{lang}: the summary leads to the field");
        assert!(page.contains("value=\"2999-01-01\""), "{lang}: the bad value as typed");
    }
    let (_, drafts) = admin.get("/api/v1/incidents?status=draft").await;
    assert_eq!(drafts["total"], 0, "nothing was stored");
}

async fn an_error_page_shows_who_is_signed_in_and_the_way_back(s: TestServer) {
    let admin = admin(&s).await;
    let (user, pw) = account(&admin, "analyst", "editor", Some("jp")).await;
    let analyst = Portal::sign_in(&s, &user, &pw).await;
    let from = s.at("/incidents?lang=en");
    let (st, page) = analyst.get_from("/incidents/no-such-incident?lang=en", Some(&from)).await;
    assert_eq!(st, 404);
    assert!(page.contains("<b>analyst</b>"), "the header names who is signed in: {page}");
    assert!(!page.contains("href=\"/sign-in"), "no sign-in link for the signed-in");
    assert!(page.contains("id=\"back-link\" href=\"/incidents?lang=en\""), "the way back: {page}");
    assert!(page.contains("id=\"home-link\""), "and home");
    let (st, page) = analyst.get_from("/incidents/no-such-incident?lang=ja", Some("http://evil.example/")).await;
    assert_eq!(st, 404);
    assert!(page.contains("ページが見つからない") && !page.contains("back-link"), "never back to another site");
    // Signed out, the same page offers to sign in.
    let r = reqwest::get(s.at("/incidents/no-such-incident?lang=en")).await.expect("get");
    assert_eq!(r.status(), 404);
    assert!(r.text().await.expect("text").contains("href=\"/sign-in"), "signed out: a sign-in link");
}

async fn the_review_panel_offers_only_what_can_succeed(s: TestServer) {
    let admin = admin(&s).await;
    for (id, kind) in [("watchdog", "civil-society"), ("univ", "academia")] {
        let (st, b) = admin
            .post("/api/v1/stakeholders", &serde_json::json!({"id": id, "kind": kind, "name": {"ja": id, "en": id}}))
            .await;
        assert_eq!(st, 201, "{b}");
    }
    let (user, pw) = account(&admin, "analyst", "editor", Some("jp")).await;
    let analyst = Portal::sign_in(&s, &user, &pw).await;
    let id = in_review(&analyst, "Outage at a registry").await;
    let publish = format!("action=\"/records/incidents/{id}/publish\"");
    let review = format!("action=\"/records/incidents/{id}/review\"");
    // The author (an editor, who may review others' records) is not offered Approve, nor Publish.
    let (_, page) = analyst.get(&format!("/incidents/{id}?lang=en")).await;
    assert!(!page.contains(&review) && page.contains("own-record"), "no Approve for the author");
    assert!(!page.contains(&publish), "no Publish without approvals");
    assert!(page.contains("needs 2 approvals") && page.contains("it has 0 from 0"), "and why: {page}");
    let (_, page) = analyst.get(&format!("/incidents/{id}?lang=ja")).await;
    assert!(page.contains("公表には 2 人の審査者"), "why, in Japanese");
    // A reviewer approves once; then it is not offered to them again.
    let (u, p) = account(&admin, "rev-cs", "reviewer", Some("watchdog")).await;
    let first = Portal::sign_in(&s, &u, &p).await;
    let (_, page) = first.get(&format!("/incidents/{id}?lang=en")).await;
    assert!(page.contains(&review), "a reviewer is offered Approve");
    let (st, _, page) = first
        .post_in(&format!("/records/incidents/{id}/review"), "en", &[("verdict", "approve"), ("incident", &id)])
        .await;
    assert_eq!(st, 303, "{page}");
    let (_, page) = first.get(&format!("/incidents/{id}?lang=en")).await;
    assert!(!page.contains(&review) && page.contains("reviewed-already"), "not twice");
    assert!(!page.contains(&publish) && page.contains("it has 1 from 1"), "one approval is not enough");
    // The second kind's approval meets the rule: Publish is offered, and works.
    let (u, p) = account(&admin, "rev-ac", "reviewer", Some("univ")).await;
    let second = Portal::sign_in(&s, &u, &p).await;
    let (st, _, _) = second
        .post_in(&format!("/records/incidents/{id}/review"), "en", &[("verdict", "approve"), ("incident", &id)])
        .await;
    assert_eq!(st, 303);
    let (_, page) = analyst.get(&format!("/incidents/{id}?lang=en")).await;
    assert!(page.contains(&publish), "Publish once the rule is met");
    let (st, _, _) = analyst.post_in(&format!("/records/incidents/{id}/publish"), "en", &[("incident", &id)]).await;
    assert_eq!(st, 303);
}

pub(super) async fn a_refused_form_in_both_languages(s: TestServer, b: Browser) {
    let admin = admin(&s).await;
    let (user, pw) = account(&admin, "analyst", "editor", Some("jp")).await;
    b.goto(&s.at("/sign-in?lang=en")).await;
    b.sign_in(&user, &pw).await;
    let axe = crate::accessibility::axe_source();
    let mut found = Vec::new();
    for (lang, says) in [("ja", "受け付けられなかった"), ("en", "Not accepted")] {
        b.goto(&s.at(&format!("/incidents/new?lang={lang}"))).await;
        b.wait_for("input[name=title_en]", Duration::from_secs(10)).await.send_keys("Typed in the browser").await;
        b.find("input[name=started]").await.send_keys("2999-01-01").await;
        b.submit_and_wait("button[name=intent][value=draft]", "#error-summary").await;
        let summary = b.find("#error-summary").await.text().await;
        assert!(summary.contains(says), "{lang}: {summary}");
        assert!(b.find("#started-error").await.is_displayed().await, "{lang}: the note beside the field");
        let kept = b.find("input[name=title_en]").await.property("value").await;
        assert_eq!(kept, serde_json::json!("Typed in the browser"), "{lang}: what was typed is kept");
        b.screenshot(&format!("refusal-incident-{lang}")).await;
        crate::accessibility::audit_here(&b, &axe, &format!("refused incident form ({lang})"), &mut found).await;
    }
    assert!(found.is_empty(), "accessibility violations:\n{}", found.join("\n"));
}
