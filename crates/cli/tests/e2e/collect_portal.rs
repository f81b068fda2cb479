//! Systematic collection in the portal, over HTTP as a browser without JavaScript sends it
//! (session cookie, CSRF token, form bodies), on SQLite and PostgreSQL: an anonymous tip through
//! the "report an incident" form, an RSS source on a local HTTP server registered and polled
//! with "poll now", the triage queue with its proposals and reasons in both languages, promote
//! to a draft, a dismissal refused without a reason and kept with one, and the queue and the
//! sources closed to readers and anonymous visitors.

use crate::common::portal::{Portal, post_anonymous};
use crate::common::{Backend, Roles, TestServer, account};

/// Each listed test on both backends, with a server that may poll loopback sources.
macro_rules! with_private_sources {
    ($($name:ident),* $(,)?) => {
        mod sqlite { $(
            #[tokio::test]
            async fn $name() { super::$name(super::start(crate::common::Backend::Sqlite).await).await }
        )* }
        mod postgres { $(
            #[tokio::test]
            async fn $name() { super::$name(super::start(crate::common::Backend::Postgres).await).await }
        )* }
    };
}

with_private_sources!(tips_and_polled_items_are_triaged_in_the_portal, sources_are_registered_with_field_errors);

async fn start(backend: Backend) -> TestServer {
    TestServer::start_with_env(backend, &[("NORMWATCH_ALLOW_PRIVATE_SOURCES", "true")]).await
}

const TIP: &str = "Wiper malware erased data at a power plant in Japan\nThe operator's control systems were destroyed; the attack was attributed to North Korean hackers.";
const TIP_TITLE: &str = "Wiper malware erased data at a power plant in Japan";
const RANSOMWARE: &str = "Ransomware shuts hospital network in Germany";
const DEFACED: &str = "Election commission website defaced";

/// Serves the RSS fixture on a loopback port; answers its URL.
async fn feed_server() -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/collect-portal/rss.xml");
    let rss = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let app = axum::Router::new().route(
        "/rss.xml",
        axum::routing::get(move || {
            let rss = rss.clone();
            async move { ([(axum::http::header::CONTENT_TYPE, "application/rss+xml")], rss) }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind the feed server");
    let addr = listener.local_addr().expect("address");
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}/rss.xml")
}

/// The id of the queue's item whose title is `title` (its `<article id="item-…">`).
fn item_id(html: &str, title: &str) -> String {
    let at = html.find(title).unwrap_or_else(|| panic!("`{title}` is not in the queue"));
    let start = html[..at].rfind("id=\"item-").unwrap_or_else(|| panic!("no item around `{title}`")) + 9;
    html[start..start + html[start..].find('"').expect("end of id")].to_owned()
}

/// The queue's article of one item.
fn article<'h>(html: &'h str, id: &str) -> &'h str {
    let start = html.find(&format!("id=\"item-{id}\"")).unwrap_or_else(|| panic!("item {id} is not shown"));
    let rest = &html[start..];
    &rest[..rest.find("</article>").expect("end of the article")]
}

async fn tips_and_polled_items_are_triaged_in_the_portal(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let editor = Portal::signed(&s, &account(&roles.admin, "coder", "editor", None).await).await;
    let reader = Portal::signed(&s, &account(&roles.admin, "reader2", "reader", None).await).await;
    let feed = feed_server().await;

    // An anonymous visitor finds the form on every page and sends a tip; the thanks say
    // nothing of the queue. A tip without text comes back with what was typed.
    let home = s.get("/?lang=ja").await.text().await.expect("home");
    assert!(home.contains("href=\"/tips?lang=ja\"") && home.contains("インシデントを報告する"), "the tip link");
    let (st, _, page) =
        post_anonymous(&s, "/tips", &[("lang", "en"), ("text", "  "), ("url_1", "https://news.example/a")]).await;
    assert_eq!(st, 422, "a tip without text: {page}");
    assert!(page.contains("class=\"error refusal\"") && page.contains("`text`"), "the refusal names the field");
    assert!(page.contains("value=\"https://news.example/a\""), "the address stays as typed");
    let (st, to, _) = post_anonymous(
        &s,
        "/tips",
        &[("lang", "en"), ("text", TIP), ("url_1", "https://news.example/wiper"), ("url_2", "")],
    )
    .await;
    assert_eq!((st, to.as_str()), (303, "/tips/thanks?lang=en"));
    let thanks = s.get("/tips/thanks?lang=en").await.text().await.expect("thanks");
    assert!(thanks.contains("Thank you") && !thanks.contains("Wiper"), "the thanks reveal nothing: {thanks}");
    // Sent again, it is thanked the same: the answer does not tell that it is known.
    let (st, to, _) =
        post_anonymous(&s, "/tips", &[("lang", "en"), ("text", TIP), ("url_1", "https://news.example/wiper")]).await;
    assert_eq!((st, to.as_str()), (303, "/tips/thanks?lang=en"));

    // Neither the anonymous visitor nor a reader sees the queue or the sources.
    for path in ["/triage?lang=en", "/sources?lang=en", "/triage?origin=tip&lang=en"] {
        let r = s.get(path).await;
        assert_eq!(r.status(), 401, "anonymous GET {path}");
        let body = r.text().await.expect("text");
        assert!(!body.contains("Wiper") && !body.contains("news.example"), "anonymous GET {path}: {body}");
        let (st, body) = reader.get(path).await;
        assert_eq!(st, 403, "a reader GET {path}");
        assert!(!body.contains("Wiper") && !body.contains("news.example"), "a reader GET {path}: {body}");
    }
    let (_, reader_home) = reader.get("/?lang=en").await;
    assert!(!reader_home.contains("href=\"/triage") && !reader_home.contains("href=\"/sources"), "no collection links");
    let (_, editor_home) = editor.get("/?lang=en").await;
    assert!(editor_home.contains("href=\"/triage?lang=en\"") && editor_home.contains("href=\"/sources?lang=en\""));

    // The editor registers the feed and polls it now: two new items.
    let (st, to, page) = editor
        .post("/sources", &[("name", "Example CERT"), ("kind", "rss"), ("url", &feed), ("interval_secs", "3600")])
        .await;
    assert_eq!((st, to.as_str()), (303, "/sources?lang=en"), "{page}");
    let (st, _, page) = editor.post("/sources/poll", &[]).await;
    assert_eq!(st, 200, "{page}");
    assert!(page.contains("<span id=\"new-items\">2</span>"), "poll now reports the two new items: {page}");
    let (st, _, page) = editor.post("/sources/poll", &[]).await;
    assert!(st == 200 && page.contains("<span id=\"new-items\">0</span>"), "nothing is due again: {page}");
    let (st, sources) = editor.get("/sources?lang=en").await;
    assert_eq!(st, 200);
    assert!(sources.contains("Example CERT") && sources.contains(&feed), "the source is listed");
    assert!(sources.contains("Items seen: 2") && sources.contains("RSS 2.0 feed"), "its health: {sources}");
    assert!(
        sources.contains("id=\"coverage\"") && sources.contains("Public tips"),
        "coverage rows for the feed and tips"
    );

    // The queue, most relevant first, with proposals and their reasons in English …
    let (st, queue) = editor.get("/triage?lang=en").await;
    assert_eq!(st, 200, "{queue}");
    for title in [TIP_TITLE, RANSOMWARE, DEFACED] {
        assert!(queue.contains(title), "the queue shows `{title}`");
    }
    let ransomware = item_id(&queue, RANSOMWARE);
    let item = article(&queue, &ransomware);
    assert!(item.contains("href=\"https://cert.example/advisories/portal-001\""), "linked to its URL: {item}");
    assert!(item.contains("Example CERT") && item.contains("Relevance"), "{item}");
    assert!(item.contains("data-family=\"operation-types\">Operation types"), "families in words: {item}");
    assert!(item.contains("data-label=\"ransomware\""), "the ransomware proposal: {item}");
    assert!(
        item.contains("data-label=\"ci.health\"") && item.contains("hospital"),
        "the sector and its reason: {item}"
    );
    assert!(item.contains("Norms it may engage") && item.contains("data-norm="), "norms it may engage: {item}");
    assert!(item.contains("CVE-2026-12345"), "its CVE: {item}");
    let tip = item_id(&queue, TIP_TITLE);
    assert!(article(&queue, &tip).contains("<span class=\"tag\">tip</span>"), "a tip is marked as one");
    // … and in Japanese.
    let (_, ja) = editor.get("/triage?lang=ja").await;
    let item = article(&ja, &ransomware);
    assert!(ja.contains("収集した情報の選別") && item.contains("作戦の種類") && item.contains("関連度"), "{item}");
    assert!(item.contains("関係しうる規範"), "{item}");
    // The filters: tips only, the feed only, a cluster.
    let (_, tips) = editor.get("/triage?origin=tip&lang=en").await;
    assert!(tips.contains(TIP_TITLE) && !tips.contains(RANSOMWARE), "origin=tip");
    let (_, fed) = editor.get("/triage?origin=source&lang=en").await;
    assert!(!fed.contains(TIP_TITLE) && fed.contains(RANSOMWARE), "origin=source");
    let cluster_link = format!("/triage?cluster={tip}&amp;state=all&amp;lang=en");
    assert!(queue.contains(&format!("href=\"{cluster_link}\">In its cluster: 1</a>")), "the cluster link and size");
    let (_, cluster) = editor.get(&cluster_link.replace("&amp;", "&")).await;
    assert!(cluster.contains(TIP_TITLE) && !cluster.contains(RANSOMWARE), "one cluster");

    // A dismissal without a reason is refused on the queue itself; the item stays open.
    let back = "/triage?origin=source";
    let defaced = item_id(&queue, DEFACED);
    let path = format!("/triage/{defaced}/dismiss");
    let (st, _, page) = editor.post(&path, &[("version", "1"), ("back", back), ("reason", " ")]).await;
    assert_eq!(st, 422, "{page}");
    assert!(page.contains("role=\"alert\"") && page.contains("`reason`"), "the reason is asked for: {page}");
    assert!(article(&page, &defaced).contains("data-state=\"open\""), "the item stays open");
    assert!(page.contains("name=\"back\" value=\"/triage?origin=source\""), "the queue as it was");
    // A reader's post is refused.
    let (st, _, _) = reader.post(&path, &[("version", "1"), ("reason", "noise")]).await;
    assert_eq!(st, 403, "a reader does not triage");
    // With a reason it is kept, and the queue goes on where it was.
    let (st, to, _) =
        editor.post(&path, &[("version", "1"), ("back", back), ("reason", "not a cyber operation")]).await;
    assert_eq!((st, to.as_str()), (303, "/triage?origin=source&lang=en"));
    let (_, open) = editor.get("/triage?lang=en").await;
    assert!(!open.contains(DEFACED), "no longer open");
    let (_, dismissed) = editor.get("/triage?state=dismissed&lang=en").await;
    let item = article(&dismissed, &defaced);
    assert!(item.contains("dismissed") && item.contains("not a cyber operation"), "kept with its reason: {item}");

    // Attach names an incident; an unknown one is refused with the form as typed.
    let (st, _, page) =
        editor.post(&format!("/triage/{tip}/attach"), &[("version", "1"), ("incident", "no-such-incident")]).await;
    assert_eq!(st, 422, "{page}");
    assert!(page.contains("value=\"no-such-incident\""), "the incident id stays as typed");

    // Promote leads to the new draft incident, pre-filled from the proposals.
    let (st, to, page) =
        editor.post(&format!("/triage/{ransomware}/promote"), &[("version", "1"), ("tlp", "green")]).await;
    assert_eq!(st, 303, "{page}");
    assert!(to.starts_with("/incidents/") && to.ends_with("?lang=en"), "to the draft: {to}");
    let (st, draft) = editor.get(&to).await;
    assert_eq!(st, 200);
    assert!(draft.contains(RANSOMWARE) && draft.contains("cert.example/advisories/portal-001"), "{draft}");
    let (_, promoted) = editor.get("/triage?state=promoted&lang=en").await;
    let incident = to.trim_start_matches("/incidents/").trim_end_matches("?lang=en");
    assert!(article(&promoted, &ransomware).contains(&format!("href=\"/incidents/{incident}?lang=en\"")));
    // Decided once: a second decision on it is refused.
    let (st, _, _) = editor.post(&format!("/triage/{ransomware}/dismiss"), &[("reason", "again")]).await;
    assert_eq!(st, 409, "decided already");

    // The tip reports an attribution: attaching it leads to the incident with its attribution
    // form pre-filled and a note saying where the values came from.
    let (st, to, page) =
        editor.post(&format!("/triage/{tip}/attach"), &[("version", "1"), ("incident", incident)]).await;
    assert_eq!(st, 303, "{page}");
    let expected = format!(
        "/incidents/{incident}?lang=en&propose=attribution&attributed_state=KP\
         &statement_url=https%3A%2F%2Fnews.example%2Fwiper#add-attribution"
    );
    assert_eq!(to, expected, "the state and the tip's link are proposed");
    let (st, prefilled) = editor.get(&to).await;
    assert_eq!(st, 200, "a proposal is not a refusal");
    assert!(prefilled.contains("Proposed by a collected item"), "the note: {prefilled}");
    assert!(prefilled.contains("name=\"attributed_state\" value=\"KP\""), "the state, pre-filled");
    assert!(prefilled.contains("value=\"https://news.example/wiper\""), "the statement URL, pre-filled");
    assert!(!prefilled.contains("role=\"alert\""), "nothing was refused");

    // Tips are limited per address, through the form as through the API: refused with the text
    // kept, after a handful.
    let mut statuses = Vec::new();
    for n in 0..6 {
        let text = format!("Outage number {n} at a water utility");
        let (st, _, page) = post_anonymous(&s, "/tips", &[("lang", "en"), ("text", &text)]).await;
        statuses.push(st);
        if st == 429 {
            assert!(page.contains(&text) && page.contains("try again in"), "the limit, with the text kept: {page}");
            break;
        }
    }
    assert_eq!(statuses.last(), Some(&429), "the tip form is rate-limited: {statuses:?}");
}

async fn sources_are_registered_with_field_errors(s: TestServer) {
    let roles = Roles::set_up(&s).await;
    let editor = Portal::signed(&s, &account(&roles.admin, "coder", "editor", None).await).await;
    let (_, form) = editor.get("/sources?lang=ja").await;
    assert!(form.contains("情報源を登録する") && form.contains("悪用された脆弱性の一覧"), "the form in Japanese");
    for kind in ["rss", "atom", "json-feed", "misp", "stix-bundle", "taxii", "exploited-vulnerabilities"] {
        assert!(form.contains(&format!("<option value=\"{kind}\"")), "the kind {kind}");
    }
    // A bad address: refused beside its field, the form as typed, nothing registered.
    let (st, _, page) =
        editor.post("/sources", &[("name", "Bad one"), ("kind", "atom"), ("url", "ftp://x.example/feed")]).await;
    assert_eq!(st, 422, "{page}");
    assert!(page.contains("class=\"error field-error\">`url`"), "the error beside the address: {page}");
    assert!(page.contains("value=\"Bad one\"") && page.contains("<option value=\"atom\" selected"), "as typed");
    assert!(page.contains("id=\"no-sources\""), "nothing registered");
    let (st, _, page) = editor
        .post(
            "/sources",
            &[("name", "Slow"), ("kind", "rss"), ("url", "https://a.example/"), ("interval_secs", "soon")],
        )
        .await;
    assert!(st == 422 && page.contains("`interval_secs`"), "{page}");
    // Registered, then removed.
    let (st, _, _) = editor
        .post("/sources", &[("name", "CERT feed"), ("kind", "atom"), ("url", "https://cert.example/atom.xml")])
        .await;
    assert_eq!(st, 303);
    let (_, list) = editor.get("/sources?lang=en").await;
    assert!(list.contains("CERT feed") && list.contains("Atom 1.0 feed"), "{list}");
    let (st, _, page) = editor
        .post("/sources", &[("name", "CERT feed"), ("kind", "rss"), ("url", "https://cert.example/rss.xml")])
        .await;
    assert!(st == 422 && page.contains("class=\"error field-error\">`name`"), "a taken name: {page}");
    let end = list.find("/remove\"").expect("a remove button") + "/remove".len();
    let action = &list[list[..end].rfind('"').expect("start of the action") + 1..end];
    let (st, to, _) = editor.post(action, &[]).await;
    assert_eq!((st, to.as_str()), (303, "/sources?lang=en"));
    let (_, list) = editor.get("/sources?lang=en").await;
    assert!(!list.contains("CERT feed") && list.contains("id=\"no-sources\""), "removed");
    // A reader cannot add one.
    let reader = Portal::signed(&s, &account(&roles.admin, "reader2", "reader", None).await).await;
    let (st, _, _) = reader.post("/sources", &[("name", "Mine"), ("kind", "rss"), ("url", "https://r.example/")]).await;
    assert_eq!(st, 403);
}
