//! The portal in a real headless Chromium driven through WebDriver: pages render in both
//! languages (screenshots under target/test-artifacts/screenshots), record text stays text,
//! the keyboard alone reaches every link and signs in, and downloads arrive as files.
//!
//! On SQLite and on PostgreSQL, as a reader would meet either.

use crate::common::webdriver::{Browser, keys};
use crate::common::{
    Api, Roles, TestServer, account, file_and_publish, publish_joint_statement, publish_through_review, reviewers,
};
use serde_json::{Value, json};
use std::time::Duration;

in_browser!(
    main_pages_render_in_both_languages_with_screenshots,
    hostile_title_renders_as_text,
    keyboard_reaches_every_link_and_labelled_fields,
    csv_download_arrives_as_a_file,
    analyst_files_reviewers_approve_and_a_researcher_downloads_it,
    a_ministry_co_signs_a_statement_with_normwatch_sign,
);

const HOSTILE: &str = "<script>alert(1)</script>";

/// The English navigation's label for the norm list, and its Japanese counterpart.
const NAV_NORMS: [(&str, &str); 2] = [("ja", "規範"), ("en", "Norms")];

/// A published position of Acme on gcsc-1, as the adoption matrix and its CSV show it.
async fn seed_position(admin: &Api) {
    let (st, p) = admin
        .post(
            "/api/v1/positions",
            &json!({"stakeholder": "acme", "norm": "gcsc-1", "stance": "endorse", "stated_on": "2023-03-01",
                    "source": {"url": "https://acme.example/statement"}, "tlp": "clear", "status": "published"}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
}

/// Files an incident with `body`, takes it through review to publication, and returns its id.
async fn publish_incident(roles: &Roles, reviewers: &(Api, Api), body: &Value) -> String {
    file_and_publish(&roles.editor, &reviewers.0, &reviewers.1, "/api/v1/incidents", body).await
}

fn incident_body(title: &str, target: &str) -> Value {
    json!({
        "title": {"ja": title, "en": title},
        "description": {"ja": "国の登録機関のリゾルバが改ざんされた。", "en": "Resolvers of a national registry were tampered with."},
        "started": "2023-05",
        "operation_types": ["supply-chain-compromise"],
        "actors": [{"kind": "non-state", "name": "Group X"}],
        "targets": [{"name": target, "country": "JP", "asset_classes": ["pc.naming"]}],
        "sources": [{"url": "https://news.example/dns"}],
        "stakeholder": "jp"
    })
}

/// Fails when the page opened a dialog: a script from record text ran.
async fn assert_no_alert(b: &Browser, what: &str) {
    if let Some(text) = b.alert_text().await {
        panic!("{what}: an alert is open (`{text}`) on {}", b.current_url().await);
    }
}

/// The characters of Japanese text: kana and CJK ideographs.
fn is_japanese(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}')
}

/// Draws two different Japanese characters of the page in the page's font on a canvas and
/// compares the pixels: without a Japanese font both come out as the same empty box (tofu).
const TOFU_PROBE: &str = r#"
const [a, b, family] = arguments;
const draw = (ch) => {
  const c = document.createElement('canvas'); c.width = 48; c.height = 48;
  const g = c.getContext('2d'); g.fillStyle = '#fff'; g.fillRect(0, 0, 48, 48);
  g.fillStyle = '#000'; g.font = '32px ' + family; g.textBaseline = 'top'; g.fillText(ch, 4, 4);
  const d = g.getImageData(0, 0, 48, 48).data; let ink = 0; const px = [];
  for (let i = 0; i < d.length; i += 4) { px.push(d[i]); if (d[i] < 128) ink++; }
  return { ink, px: px.join(',') };
};
const x = draw(a), y = draw(b);
return { ink: Math.min(x.ink, y.ink), same: x.px === y.px };
"#;

async fn assert_japanese_glyphs_render(b: &Browser, text: &str, what: &str) {
    let mut distinct: Vec<char> = Vec::new();
    for c in text.chars().filter(|c| is_japanese(*c)) {
        if !distinct.contains(&c) {
            distinct.push(c);
        }
    }
    let [first, second, ..] = distinct[..] else { panic!("{what}: fewer than two Japanese characters") };
    let family = b.execute("return getComputedStyle(document.body).fontFamily", vec![]).await;
    let probe = b.execute(TOFU_PROBE, vec![json!(first.to_string()), json!(second.to_string()), family]).await;
    assert!(probe["ink"].as_u64().is_some_and(|ink| ink > 20), "{what}: `{first}` draws nothing: {probe}");
    assert_eq!(probe["same"], json!(false), "{what}: `{first}` and `{second}` draw the same glyph (tofu)");
}

/// The navigation labels that take more than one line (Japanese breaks between any two
/// characters, so a squeezed navigation splits words).
const BROKEN_NAV_LABELS: &str = r#"
return Array.from(document.querySelectorAll('header nav a')).filter(a => {
  const style = getComputedStyle(a);
  const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.6;
  return a.getBoundingClientRect().height > line * 1.5;
}).map(a => a.textContent);
"#;

/// Every main page, in Japanese and in English: the language is declared, the heading shows,
/// the text is in that language and renders with real glyphs, no script error or dialog; a
/// screenshot of each for a person to look at.
async fn main_pages_render_in_both_languages_with_screenshots(s: TestServer, b: Browser) {
    let roles = Roles::set_up(&s).await;
    let reviewers = reviewers(&s, &roles.admin).await;
    seed_position(&roles.admin).await;
    let mut body = incident_body("DNS基盤への攻撃", "Registry");
    body["title"]["en"] = json!("Attack on DNS infrastructure");
    let id = publish_incident(&roles, &reviewers, &body).await;
    let (st, a) = roles
        .editor
        .post(
            "/api/v1/assessments",
            &json!({"incident": id, "norm": "gcsc-1", "actor": {"kind": "non-state", "group": "Group X"},
                    "level": "likely", "rationale": {"ja": "リゾルバが改ざんされた。", "en": "Resolvers were altered."}, "tlp": "clear"}),
        )
        .await;
    assert_eq!(st, 201, "{a}");
    let apath = format!("/api/v1/assessments/{}", a["id"].as_str().expect("assessment id"));
    publish_through_review(&roles.editor, &reviewers.0, &reviewers.1, &apath).await;

    let incident = format!("/incidents/{id}");
    let pages = [
        ("home", "/"),
        ("norms", "/norms"),
        ("norm-gcsc-1", "/norms/gcsc-1"),
        ("incidents", "/incidents"),
        ("timeline", "/incidents/timeline"),
        ("incident", incident.as_str()),
        ("metrics", "/metrics"),
        ("adoption", "/adoption"),
        ("stakeholders", "/stakeholders"),
        ("stakeholder-acme", "/stakeholders/acme"),
        ("state-ru", "/stakeholders/ru"),
        ("taxonomies", "/taxonomies"),
        ("taxonomy-public-core", "/taxonomies/public-core"),
        ("capacity", "/capacity"),
        ("standards", "/standards"),
        ("communities", "/communities"),
        ("consultations", "/consultations"),
        ("contacts", "/contacts"),
        ("vep", "/vep"),
        ("log", "/log"),
        ("sign-in", "/sign-in"),
        ("tips", "/tips"),
    ];
    let mut problems = Vec::new();
    for (lang, nav_norms) in NAV_NORMS {
        for (name, path) in pages {
            let what = format!("{path} ({lang})");
            b.goto(&s.in_lang(path, lang)).await;
            assert_no_alert(&b, &what).await;
            let declared = b.execute("return document.documentElement.lang", vec![]).await;
            assert_eq!(declared, json!(lang), "{what}: <html lang>");
            let h1 = b.find("h1").await;
            assert!(h1.is_displayed().await, "{what}: the heading is not visible");
            assert!(!h1.text().await.trim().is_empty(), "{what}: the heading is empty");
            let nav = b.find("header nav").await.text().await;
            assert!(nav.contains(nav_norms), "{what}: the navigation lacks `{nav_norms}`: {nav}");
            let broken = b.execute(BROKEN_NAV_LABELS, vec![]).await;
            assert_eq!(broken, json!([]), "{what}: navigation labels broken over two lines");
            let text = b.body_text().await;
            if lang == "ja" {
                assert!(text.chars().any(is_japanese), "{what}: no Japanese text");
                assert_japanese_glyphs_render(&b, &text, &what).await;
            }
            for (level, message) in b.console_messages().await {
                // Browsers ask every site for /favicon.ico; the portal has none, which is no fault
                // of the page.
                if (level == "SEVERE" || level == "WARNING") && !message.contains("/favicon.ico ") {
                    problems.push(format!("{what}: console {level}: {message}"));
                }
            }
            let shot = b.screenshot(&format!("{lang}-{name}")).await;
            let size = std::fs::metadata(&shot).map(|m| m.len()).unwrap_or(0);
            assert!(size > 5_000, "{what}: screenshot {} is only {size} bytes", shot.display());
        }
    }
    assert!(problems.is_empty(), "pages logged problems:\n{}", problems.join("\n"));
    b.quit().await;
}

/// Markup in record text (an incident's title, its target, a stakeholder's name) is shown as
/// the characters it is made of on every page that shows it, and never runs.
async fn hostile_title_renders_as_text(s: TestServer, b: Browser) {
    let roles = Roles::set_up(&s).await;
    let reviewers = reviewers(&s, &roles.admin).await;
    let (st, p) = roles
        .admin
        .post(
            "/api/v1/stakeholders",
            &json!({"id": "hostile", "kind": "civil-society", "country": "JP", "name": {"ja": HOSTILE, "en": HOSTILE}}),
        )
        .await;
    assert_eq!(st, 201, "{p}");
    let id = publish_incident(&roles, &reviewers, &incident_body(HOSTILE, HOSTILE)).await;
    let incident = format!("/incidents/{id}");
    let shows_it = [
        "/incidents",
        incident.as_str(),
        "/incidents?country=JP",
        "/stakeholders",
        "/stakeholders/hostile",
        "/adoption",
    ];
    for lang in ["ja", "en"] {
        for path in ["/", "/metrics"].into_iter().chain(shows_it) {
            let what = format!("{path} ({lang})");
            b.goto(&s.in_lang(path, lang)).await;
            assert_no_alert(&b, &what).await;
            assert!(b.find_all("main script").await.is_empty(), "{what}: record text became a <script>");
            if shows_it.contains(&path) {
                let text = b.body_text().await;
                assert!(text.contains(HOSTILE), "{what}: `{HOSTILE}` is not shown as text");
            }
        }
    }
    b.goto(&s.in_lang(&incident, "en")).await;
    assert_eq!(b.find("#incident-title").await.text().await, HOSTILE);
    b.quit().await;
}

/// Lists the form fields a person fills in that have neither a label nor an aria-label.
const UNLABELLED_FIELDS: &str = r#"
return Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden')
  .filter(el => !(Array.from(el.labels || []).some(l => l.textContent.trim() !== '')
                  || (el.getAttribute('aria-label') || '').trim() !== ''
                  || el.getAttribute('aria-labelledby')))
  .map(el => el.outerHTML);
"#;

/// Where the focus is: the index among the page's links (-1 if not a link), whether it is in
/// the navigation, and the field name.
const FOCUS: &str = r#"
const a = document.activeElement;
const links = Array.from(document.querySelectorAll('a[href]'));
return { link: links.indexOf(a), nav_first: a === document.querySelector('header nav a[href]'),
         skip: a.classList.contains('skip') && a.getAttribute('href') === '#main',
         tag: a.tagName.toLowerCase(), name: a.getAttribute('name') || '' };
"#;

/// The links a person sees (the rest cannot take the focus), as indexes among all links.
const VISIBLE_LINKS: &str = r#"
return Array.from(document.querySelectorAll('a[href]'))
  .map((a, i) => [a, i]).filter(([a]) => a.getClientRects().length > 0).map(([a, i]) => i);
"#;

/// Presses Tab until `done` holds for the focus (as `FOCUS` describes it), at most `limit` times.
async fn tab_until(b: &Browser, limit: usize, done: impl Fn(&Value) -> bool) -> Value {
    for _ in 0..limit {
        b.press(keys::TAB).await;
        let focus = b.execute(FOCUS, vec![]).await;
        if done(&focus) {
            return focus;
        }
    }
    panic!("{limit} presses of Tab did not get there on {}", b.current_url().await);
}

/// Every field has a label; Tab from the top reaches the navigation first and then every
/// visible link; the sign-in form is filled and sent with the keyboard alone.
async fn keyboard_reaches_every_link_and_labelled_fields(s: TestServer, b: Browser) {
    for lang in ["ja", "en"] {
        for path in ["/sign-in", "/incidents"] {
            let what = format!("{path} ({lang})");
            b.goto(&s.in_lang(path, lang)).await;
            let unlabelled = b.execute(UNLABELLED_FIELDS, vec![]).await;
            assert_eq!(unlabelled, json!([]), "{what}: fields without a label");
            // From a fresh page the focus is on the body; the skip link comes first (and shows
            // itself), then the brand link, then the navigation.
            let skip = tab_until(&b, 1, |_| true).await;
            assert_eq!(skip["skip"], json!(true), "{what}: the first Tab went to {skip}, not the skip link");
            let shown = b.execute("return document.activeElement.getBoundingClientRect().left >= 0", vec![]).await;
            assert_eq!(shown, json!(true), "{what}: the focused skip link is on screen");
            let first = tab_until(&b, 1, |_| true).await;
            assert!(first["link"].as_i64().is_some_and(|i| i >= 0), "{what}: the first Tab went to {first}");
            let second = tab_until(&b, 1, |_| true).await;
            assert_eq!(second["nav_first"], json!(true), "{what}: the second Tab went to {second}, not the navigation");
            // On through the page: every link a person sees takes the focus.
            let visible: Vec<i64> = serde_json::from_value(b.execute(VISIBLE_LINKS, vec![]).await).expect("indexes");
            let stops = b.find_all("a[href], input, select, textarea, button").await.len() + 3;
            let mut reached = vec![
                skip["link"].as_i64().unwrap_or(-1),
                first["link"].as_i64().unwrap_or(-1),
                second["link"].as_i64().unwrap_or(-1),
            ];
            for _ in 0..stops {
                b.press(keys::TAB).await;
                reached.push(b.execute(FOCUS, vec![]).await["link"].as_i64().unwrap_or(-1));
            }
            let missed: Vec<&i64> = visible.iter().filter(|i| !reached.contains(i)).collect();
            assert!(missed.is_empty(), "{what}: Tab never reaches the links {missed:?} (reached {reached:?})");
        }
        // Sign in without the mouse: Tab to the user name, type, Tab, type, Enter.
        b.goto(&s.in_lang("/sign-in", lang)).await;
        tab_until(&b, 40, |f| f["name"] == "username").await;
        b.press("admin").await;
        b.press(keys::TAB).await;
        assert_eq!(b.execute(FOCUS, vec![]).await["name"], json!("password"), "sign-in ({lang}): Tab after the name");
        b.press(&s.admin_password).await;
        b.press(keys::ENTER).await;
        let user = b.wait_for("header .user b", Duration::from_secs(10)).await;
        assert_eq!(user.text().await, "Administrator", "sign-in ({lang}): the header names who is signed in");
        assert!(b.current_url().await.contains(&format!("lang={lang}")), "sign-in ({lang}) keeps the language");
        // Sign out again (by keyboard too), so that the next language starts anonymous.
        b.find("header form.inline button").await.send_keys(keys::ENTER).await;
        b.wait_for("header a[href^='/sign-in']", Duration::from_secs(10)).await;
    }
    b.quit().await;
}

/// A researcher, not signed in, downloads the adoption matrix as CSV from the portal: the file
/// arrives in the download folder with its header and the seeded position.
async fn csv_download_arrives_as_a_file(s: TestServer, b: Browser) {
    let roles = Roles::set_up(&s).await;
    seed_position(&roles.admin).await;
    b.goto(&s.in_lang("/adoption", "en")).await;
    let link = b.find("main a[href*='format=csv']").await;
    assert_eq!(link.text().await, "Get as CSV");
    link.click().await;
    let file = b.wait_for_download(".csv", Duration::from_secs(30)).await;
    assert_eq!(file.file_name().and_then(|n| n.to_str()), Some("normwatch-adoption.csv"));
    let csv = std::fs::read_to_string(&file).expect("the download is UTF-8 text");
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "stakeholder,name_en,name_ja,kind,country,norm,stance,stated_on,source_url,source_document,source_paragraph,evidence,tlp"
        )
    );
    let acme = lines.find(|l| l.starts_with("acme,") && l.contains(",gcsc-1,"));
    assert_eq!(
        acme,
        Some(
            "acme,Acme Corporation,アクメ株式会社,private-sector,JP,gcsc-1,endorse,2023-03-01,https://acme.example/statement,,,0,clear"
        ),
        "the seeded position is in the CSV"
    );
    // The page itself stays where it was: a download does not navigate away.
    assert!(b.current_url().await.contains("/adoption"));
    b.quit().await;
}

async fn sign_out(b: &Browser) {
    b.find("header form.inline button").await.click().await;
    b.wait_for("header a[href^='/sign-in']", Duration::from_secs(10)).await;
}

/// The whole path of a record, once in Japanese and once in English: an analyst at a national
/// CERT files an incident and an assessment through the forms; reviewers from civil society and
/// academia approve both and publish them; a researcher, not signed in, finds the incident by
/// searching, opens it, and downloads the list as CSV.
async fn analyst_files_reviewers_approve_and_a_researcher_downloads_it(s: TestServer, b: Browser) {
    let roles = Roles::set_up(&s).await;
    for (id, kind) in [("watchdog", "civil-society"), ("univ", "academia")] {
        let (st, p) = roles
            .admin
            .post("/api/v1/stakeholders", &json!({"id": id, "kind": kind, "name": {"ja": id, "en": id}}))
            .await;
        assert_eq!(st, 201, "{p}");
    }
    let analyst = account(&roles.admin, "cert-analyst", "editor", Some("jp")).await;
    let reviewers = [
        account(&roles.admin, "rev-civil", "reviewer", Some("watchdog")).await,
        account(&roles.admin, "rev-univ", "reviewer", Some("univ")).await,
    ];
    let runs = [
        ("ja", "送電網へのワイパー攻撃", "ワイパー", "送電事業者", "重要インフラの制御系が意図的に破壊された。"),
        ("en", "Wiper attack on a power grid", "wiper", "Grid operator", "Control systems were destroyed on purpose."),
    ];
    for (lang, title, search, target, rationale) in runs {
        // The analyst is sent to sign in from the filing form and comes back to it.
        b.goto(&s.in_lang("/incidents/new", lang)).await;
        b.find("#sign-in-first a").await.click().await;
        b.sign_in(&analyst.0, &analyst.1).await;
        let form = b.wait_for("form#file-incident", Duration::from_secs(10)).await;
        assert!(b.current_url().await.contains("/incidents/new"), "back on the form after signing in");
        let unlabelled = b.execute(UNLABELLED_FIELDS, vec![]).await;
        assert_eq!(unlabelled, json!([]), "the filing form ({lang}): fields without a label");
        form.find(&format!("input[name=title_{lang}]")).await.send_keys(title).await;
        form.find("textarea[name=description_en]")
            .await
            .send_keys("A destructive attack on grid control systems.")
            .await;
        form.find("input[name=started]").await.send_keys("2024-03-02").await;
        form.find("input[name=operation][value=data-destruction]").await.click().await;
        form.find("input[name=target_name_1]").await.send_keys(target).await;
        form.find("input[name=target_country_1]").await.send_keys("UA").await;
        form.find("select[name=target_sector_1]").await.select_option("ci.energy").await;
        form.find("select[name=target_assets_1]").await.select_option("ci.energy").await;
        form.find("select[name=availability]").await.select_option("high").await;
        form.find("textarea[name=sources]").await.send_keys("https://example.org/grid-report").await;
        b.screenshot(&format!("workflow-{lang}-1-filing-form")).await;
        b.submit_and_wait("form#file-incident button[value=in-review]", "#incident-title").await;
        assert_eq!(b.find("#incident-title").await.text().await, title);
        let incident = b.current_url().await;
        let unlabelled = b.execute(UNLABELLED_FIELDS, vec![]).await;
        assert_eq!(unlabelled, json!([]), "the incident's workbench ({lang}): fields without a label");

        // The assessment, from the screening's suggestion.
        b.find("#add-assessment summary").await.click().await;
        let form = b.find("#add-assessment form").await;
        let suggested = form.find("optgroup option").await;
        assert_eq!(suggested.attribute("value").await.as_deref(), Some("gge-f"), "screening suggests gge-f first");
        form.find("select[name=norm]").await.select_option("gge-f").await;
        form.find("select[name=actor_kind]").await.select_option("state").await;
        form.find("input[name=actor_state]").await.send_keys("RU").await;
        form.find("select[name=level]").await.select_option("likely").await;
        form.find(&format!("textarea[name=rationale_{lang}]")).await.send_keys(rationale).await;
        b.submit_and_wait("#add-assessment button[value=in-review]", "#awaiting tr[data-kind=assessments]").await;
        assert_eq!(b.find_all("#awaiting tr.awaiting").await.len(), 2, "the incident and its assessment await review");
        b.screenshot(&format!("workflow-{lang}-2-awaiting-review")).await;
        sign_out(&b).await;

        // Each reviewer approves both records; the second publishes them.
        for (n, reviewer) in reviewers.iter().enumerate() {
            b.goto(&s.in_lang("/sign-in", lang)).await;
            b.sign_in(&reviewer.0, &reviewer.1).await;
            b.goto(&incident).await;
            for kind in ["incidents", "assessments"] {
                let row = format!("#awaiting tr[data-kind={kind}]");
                b.submit_and_wait(&format!("{row} button[value=approve]"), &row).await;
                let approvals = b.find(&format!("{row} td.approvals")).await.text().await;
                let refusal = match b.try_find(".refusal").await {
                    Some(r) => r.text().await,
                    None => String::new(),
                };
                assert_eq!(approvals, (n + 1).to_string(), "{kind} approvals after reviewer {n}: {refusal}");
            }
            if n == 1 {
                b.screenshot(&format!("workflow-{lang}-3-approved")).await;
                for kind in ["incidents", "assessments"] {
                    b.submit_and_wait(
                        &format!("#awaiting tr[data-kind={kind}] form[action$='/publish'] button"),
                        "#work",
                    )
                    .await;
                }
                assert!(b.try_find("#awaiting").await.is_none(), "nothing left to publish");
            }
            sign_out(&b).await;
        }

        // The researcher searches, finds it, opens it, and downloads the list as CSV.
        b.goto(&s.in_lang("/incidents", lang)).await;
        b.find("form.filters input[name=q]").await.send_keys(search).await;
        b.press(keys::ENTER).await;
        // The unfiltered list has rows too: wait for the search's page before reading one, or
        // the row read may be the old page's, gone by the time its text is asked for.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while !b.current_url().await.contains("q=") {
            assert!(std::time::Instant::now() < deadline, "the search was not submitted");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let found = b.wait_for("#incidents tbody a", Duration::from_secs(10)).await;
        assert_eq!(found.text().await, title, "the search finds the published incident");
        b.screenshot(&format!("workflow-{lang}-4-search")).await;
        let csv_link = b.find("main a[href*='format=csv']").await;
        csv_link.click().await;
        let file = b.wait_for_download(".csv", Duration::from_secs(30)).await;
        let csv = std::fs::read_to_string(&file).expect("the download is UTF-8 text");
        std::fs::remove_file(&file).expect("clear the download folder for the next run");
        let mut lines = csv.lines();
        let header = lines.next().expect("a header row");
        assert!(header.starts_with("id,") && header.contains("title_ja") && header.contains("title_en"), "{header}");
        let rows: Vec<&str> = lines.collect();
        assert_eq!(rows.len(), 1, "exactly the one incident the page shows: {csv}");
        assert!(rows[0].contains(title) && rows[0].contains("published"), "{}", rows[0]);
        found.click().await;
        b.wait_for("#incident-title", Duration::from_secs(10)).await;
        let page = b.body_text().await;
        assert!(page.contains("gge-f"), "the published assessment is on the incident's page");
        assert!(b.try_find("#work").await.is_none(), "no workbench for an anonymous reader");
        b.screenshot(&format!("workflow-{lang}-5-published-incident")).await;
    }
    b.quit().await;
}

/// A ministry's representative opens a published collective statement, downloads its canonical
/// bytes from the page, signs the file offline with `normwatch sign`, pastes the signature and
/// sees it verified; the bytes shown, downloaded and signed are the API's canonical bytes.
async fn a_ministry_co_signs_a_statement_with_normwatch_sign(s: TestServer, b: Browser) {
    let roles = Roles::set_up(&s).await;
    let reviewers = reviewers(&s, &roles.admin).await;
    let id = publish_incident(&roles, &reviewers, &incident_body("DNS基盤への攻撃", "Registry")).await;
    let statement = publish_joint_statement(&roles, &reviewers, &id).await;
    let key = s.dir().join("mofa.key");
    let out = s.cli(&["keygen", key.to_str().expect("path")]);
    assert!(out.status.success());
    let public = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let (st, k) =
        roles.admin.post("/api/v1/stakeholders/jp/keys", &json!({"label": "statements", "public_key": public})).await;
    assert_eq!(st, 201, "{k}");
    let (_, api) = roles.anonymous.get(&format!("/api/v1/statements/{statement}/canonical")).await;
    let canonical = api["canonical"].as_str().expect("canonical").to_owned();

    let ministry = account(&roles.admin, "mofa", "contributor", Some("jp")).await;
    b.goto(&s.in_lang("/sign-in", "ja")).await;
    b.sign_in(&ministry.0, &ministry.1).await;
    b.goto(&s.in_lang(&format!("/statements/{statement}"), "ja")).await;
    assert_eq!(b.find("#canonical").await.text().await, canonical, "the page shows the canonical bytes");
    assert!(b.body_text().await.contains("normwatch sign --key"), "the page explains how to sign");
    b.find("#download-canonical").await.click().await;
    let file = b.wait_for_download(".txt", Duration::from_secs(30)).await;
    assert_eq!(std::fs::read_to_string(&file).expect("text"), canonical, "the download is the canonical bytes");
    let out = s.cli(&["sign", "--key", key.to_str().expect("path"), file.to_str().expect("path")]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let signature = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    let form = b.find("#co-sign-form").await;
    assert_eq!(form.find("input[name=stakeholder]").await.property("value").await, json!("jp"), "signs for its own");
    form.find("textarea[name=signature]").await.send_keys(&signature).await;
    b.submit_and_wait("#co-sign-form button[type=submit]", "#signatures").await;
    let row = b.find("#signatures tbody tr").await.text().await;
    assert!(row.contains("jp") && row.contains("有効"), "the signature is listed as valid: {row}");
    b.screenshot("workflow-ja-6-co-signed-statement").await;
    let (_, verified) = roles.anonymous.get(&format!("/api/v1/statements/{statement}/verify")).await;
    assert_eq!(verified["valid"], json!(true), "{verified}");
    b.quit().await;
}
