//! Administration in a real headless Chromium: an administrator with a one-time password (from
//! `normwatch accounts reset-password`) signs in, is made to change it, creates an account
//! through the forms, and every administration page is photographed in both languages
//! (`admin-*-ja`, `admin-*-en` under the artifacts' screenshots).
use crate::common::TestServer;
use crate::common::webdriver::Browser;
use serde_json::json;
use std::time::Duration;

in_browser!(an_admin_changes_the_one_time_password_and_creates_an_account);

async fn an_admin_changes_the_one_time_password_and_creates_an_account(s: TestServer, b: Browser) {
    // The machine's operator gives the admin a new one-time password.
    let out = s.cli(&["accounts", "reset-password", "admin"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let one_time = text.lines().next().and_then(|l| l.rsplit(' ').next()).expect("password").to_owned();

    b.goto(&s.in_lang("/sign-in", "ja")).await;
    b.fill_sign_in("admin", &one_time).await;
    b.submit_and_wait("form[action='/sign-in'] button[type=submit]", "#password-due").await;
    assert!(b.current_url().await.contains("/account/password?lang=ja"), "{}", b.current_url().await);
    b.screenshot("admin-password-due-ja").await;
    // Any other page leads back to the form until the password is changed.
    b.goto(&s.in_lang("/admin/accounts", "ja")).await;
    b.wait_for("#password-due", Duration::from_secs(10)).await;
    let new = "the administrator's own password";
    b.find("input[name=current_password]").await.send_keys(&one_time).await;
    b.find("input[name=new_password]").await.send_keys(new).await;
    b.find("input[name=new_password_again]").await.send_keys(new).await;
    b.submit_and_wait("#change-password button[type=submit]", "#create-token").await;
    assert!(b.current_url().await.contains("/account/tokens"), "{}", b.current_url().await);

    // An account through the form, in English: a reviewer for Japan.
    b.goto(&s.in_lang("/admin/accounts", "en")).await;
    b.wait_for("#create-account", Duration::from_secs(10)).await;
    b.find("#create-account input[name=username]").await.send_keys("rita").await;
    b.find("#create-account input[name=display_name]").await.send_keys("Rita Reviewer").await;
    b.find("#create-account select[name=role]").await.select_option("reviewer").await;
    b.find("#create-account select[name=stakeholder]").await.select_option("jp").await;
    b.submit_and_wait("#create-account button[type=submit]", "#one-time-password").await;
    assert_eq!(b.find("#created-username").await.text().await, "rita");
    assert!(b.find("#one-time-password").await.text().await.len() >= 32);
    b.screenshot("admin-account-created-en").await;
    b.goto(&s.in_lang("/admin/accounts", "en")).await;
    let edit = b.wait_for("#account-rita a", Duration::from_secs(10)).await;
    let href = edit.attribute("href").await.expect("href");
    let id = href.split('?').next().and_then(|p| p.rsplit('/').next()).expect("id").to_owned();
    assert!(b.find("#account-rita").await.text().await.contains("jp"));

    for lang in ["ja", "en"] {
        for (name, path, then) in [
            ("accounts", "/admin/accounts".to_owned(), "#accounts"),
            ("account", format!("/admin/accounts/{id}"), "#edit-account"),
            ("stakeholders", "/admin/stakeholders".to_owned(), "#stakeholders"),
            ("stakeholder", "/admin/stakeholders/jp".to_owned(), "#stakeholder-form"),
            ("tokens", "/account/tokens".to_owned(), "#create-token"),
            ("password", "/account/password".to_owned(), "#change-password"),
        ] {
            b.goto(&s.in_lang(&path, lang)).await;
            b.wait_for(then, Duration::from_secs(10)).await;
            assert_eq!(b.execute("return document.documentElement.lang", vec![]).await, json!(lang), "{path}");
            b.screenshot(&format!("admin-{name}-{lang}")).await;
        }
    }
    b.quit().await;
}
